"""The narrow DynamoDB gateway: typed calls over boto3, throttling retried by botocore."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from firstresponder.storage import keys
from firstresponder.storage.settings import StorageSettings

# Standard retry mode backs off on ProvisionedThroughputExceeded/ThrottlingException.
_RETRIES = Config(retries={"mode": "standard", "max_attempts": 6}, connect_timeout=3, read_timeout=10,
                  max_pool_connections=32)


class ConditionFailed(Exception):
    """A conditional write lost a race; carries the item that won, when DynamoDB returned it."""

    def __init__(self, existing: dict[str, Any] | None) -> None:
        super().__init__("conditional check failed")
        self.existing = existing


class StorageError(Exception):
    """DynamoDB could not be used (after retries)."""


def dynamodb_client(settings: StorageSettings) -> Any:
    return boto3.client("dynamodb", endpoint_url=settings.endpoint_url, region_name=settings.region,
                        config=_RETRIES)


class Dynamo:
    """Low-level item access in DynamoDB's attribute-value JSON, with conditions and TTL helpers."""

    def __init__(self, settings: StorageSettings, client: Any | None = None) -> None:
        self.settings = settings
        self.client = client or dynamodb_client(settings)

    def put(self, table: str, item: dict[str, Any], *, condition: str | None = None,
            values: dict[str, Any] | None = None) -> None:
        params: dict[str, Any] = {"TableName": table, "Item": item}
        if condition:
            params["ConditionExpression"] = condition
            params["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
        if values:
            params["ExpressionAttributeValues"] = values
        self._call("put_item", params)

    def update(self, table: str, key: dict[str, Any], expression: str, *, values: dict[str, Any],
               names: dict[str, str] | None = None, condition: str | None = None) -> dict[str, Any]:
        params: dict[str, Any] = {"TableName": table, "Key": key, "UpdateExpression": expression,
                                  "ExpressionAttributeValues": values, "ReturnValues": "ALL_NEW"}
        if names:
            params["ExpressionAttributeNames"] = names
        if condition:
            params["ConditionExpression"] = condition
            params["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
        return dict(self._call("update_item", params).get("Attributes", {}))

    def get(self, table: str, key: dict[str, Any]) -> dict[str, Any] | None:
        item = self._call("get_item", {"TableName": table, "Key": key, "ConsistentRead": True}).get("Item")
        return dict(item) if item else None

    def query(self, table: str, condition: str, values: dict[str, Any], *, index: str | None = None,
              limit: int | None = None, newest_first: bool = False) -> list[dict[str, Any]]:
        params: dict[str, Any] = {"TableName": table, "KeyConditionExpression": condition,
                                  "ExpressionAttributeValues": values, "ScanIndexForward": not newest_first}
        if index:
            params["IndexName"] = index
        items: list[dict[str, Any]] = []
        while True:
            if limit:
                params["Limit"] = limit - len(items)
            page = self._call("query", params)
            items.extend(page.get("Items", []))
            if "LastEvaluatedKey" not in page or (limit and len(items) >= limit):
                return items
            params["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def _call(self, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        try:
            return dict(getattr(self.client, operation)(**params))
        except ClientError as err:
            if err.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                raise ConditionFailed(err.response.get("Item")) from err
            raise StorageError(f"{operation}: {err.response.get('Error', {}).get('Code')}") from err


def create_tables(settings: StorageSettings, client: Any | None = None) -> None:
    """Create the three tables as template.yaml declares them (local stack and tests only)."""
    ddb = client or dynamodb_client(settings)
    s = {"AttributeType": "S"}
    ddb.create_table(
        TableName=settings.investigations_table, BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": n, **s} for n in
                              (keys.PK, keys.SK, keys.GSI1PK, keys.GSI1SK, keys.GSI2PK, keys.GSI2SK)],
        KeySchema=[{"AttributeName": keys.PK, "KeyType": "HASH"}, {"AttributeName": keys.SK, "KeyType": "RANGE"}],
        GlobalSecondaryIndexes=[
            {"IndexName": keys.GSI1, "Projection": {"ProjectionType": "ALL"},
             "KeySchema": [{"AttributeName": keys.GSI1PK, "KeyType": "HASH"},
                           {"AttributeName": keys.GSI1SK, "KeyType": "RANGE"}]},
            {"IndexName": keys.GSI2, "Projection": {"ProjectionType": "ALL"},
             "KeySchema": [{"AttributeName": keys.GSI2PK, "KeyType": "HASH"},
                           {"AttributeName": keys.GSI2SK, "KeyType": "RANGE"}]},
        ])
    ddb.create_table(
        TableName=settings.dedup_table, BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": keys.PK, **s}],
        KeySchema=[{"AttributeName": keys.PK, "KeyType": "HASH"}])
    ddb.create_table(
        TableName=settings.learning_table, BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": keys.PK, **s}, {"AttributeName": keys.SK, **s}],
        KeySchema=[{"AttributeName": keys.PK, "KeyType": "HASH"}, {"AttributeName": keys.SK, "KeyType": "RANGE"}])
    for table in (settings.investigations_table, settings.dedup_table):
        ddb.update_time_to_live(TableName=table, TimeToLiveSpecification={
            "Enabled": True, "AttributeName": keys.TTL_ATTRIBUTE})

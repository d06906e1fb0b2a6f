"""Start the investigation state machine; the execution name is the investigation id (idempotent)."""

from __future__ import annotations

import json
from typing import Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError


class StartFailed(Exception):
    pass


class ExecutionStarter:
    def __init__(self, state_machine_arn: str, *, region: str | None = None, endpoint_url: str | None = None) -> None:
        self._arn = state_machine_arn
        self._client = boto3.client("stepfunctions", region_name=region, endpoint_url=endpoint_url)

    def start(self, investigation_id: str, payload: dict[str, Any]) -> str:
        """Start (or find, when already started) the execution for one investigation; returns its ARN."""
        try:
            response = self._client.start_execution(stateMachineArn=self._arn, name=investigation_id,
                                                    input=json.dumps(payload))
        except ClientError as err:
            if err.response.get("Error", {}).get("Code") == "ExecutionAlreadyExists":
                return f"{self._arn.replace(':stateMachine:', ':execution:')}:{investigation_id}"
            raise StartFailed(err.response.get("Error", {}).get("Code", "error")) from err
        except BotoCoreError as err:
            raise StartFailed(type(err).__name__) from err
        return str(response["executionArn"])

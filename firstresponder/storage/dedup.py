"""De-duplication: one incident, one investigation, even under a storm of concurrent alerts."""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import BaseModel, ConfigDict

from firstresponder.storage import keys
from firstresponder.storage.dynamo import ConditionFailed, Dynamo


class Claim(BaseModel):
    model_config = ConfigDict(extra="forbid")

    new: bool  # True: the caller won and must start the investigation
    investigation_id: str  # the winner's investigation (the caller's own when new)


class DedupStore:
    def __init__(self, dynamo: Dynamo) -> None:
        self._db = dynamo
        self._table = dynamo.settings.dedup_table

    def claim(self, key: str, investigation_id: str, *, now: datetime, window: timedelta) -> Claim:
        """Atomically claim ``key`` for ``window``; an unexpired claim by someone else wins.

        Expired items are treated as absent in the condition: moto (and DynamoDB, for up to two
        days) keeps expired TTL items around.
        """
        epoch = int(now.timestamp())
        try:
            self._db.put(
                self._table,
                {keys.PK: {"S": keys.dedup_pk(key)}, "investigationId": {"S": investigation_id},
                 keys.TTL_ATTRIBUTE: {"N": str(epoch + int(window.total_seconds()))}},
                condition=f"attribute_not_exists({keys.PK}) OR {keys.TTL_ATTRIBUTE} < :now",
                values={":now": {"N": str(epoch)}},
            )
        except ConditionFailed as lost:
            existing = (lost.existing or {}).get("investigationId", {}).get("S")
            if existing is None:  # DynamoDB did not return the winner: read it
                item = self._db.get(self._table, {keys.PK: {"S": keys.dedup_pk(key)}}) or {}
                existing = item.get("investigationId", {}).get("S", investigation_id)
            return Claim(new=False, investigation_id=existing)
        return Claim(new=True, investigation_id=investigation_id)

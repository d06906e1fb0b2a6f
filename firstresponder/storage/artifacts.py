"""Intermediate artifacts of a running investigation (topology, collector results), passed between
state-machine steps by reference: compressed, split so no item nears DynamoDB's 400 KB."""

from __future__ import annotations

import zlib
from datetime import datetime, timedelta
from typing import TypeVar

from pydantic import BaseModel

from firstresponder.storage import keys
from firstresponder.storage.dynamo import Dynamo

PART_BYTES = 350_000
Model = TypeVar("Model", bound=BaseModel)


class ArtifactStore:
    def __init__(self, dynamo: Dynamo) -> None:
        self._db = dynamo
        self._table = dynamo.settings.investigations_table
        self._retention = dynamo.settings.retention_days

    def put(self, investigation_id: str, name: str, value: BaseModel, *, now: datetime) -> None:
        blob = zlib.compress(value.model_dump_json().encode())
        parts = [blob[i:i + PART_BYTES] for i in range(0, len(blob), PART_BYTES)] or [b""]
        expires = {"N": str(int((now + timedelta(days=self._retention)).timestamp()))}
        for n, part in enumerate(parts):
            self._db.put(self._table, {keys.PK: {"S": keys.investigation_pk(investigation_id)},
                                       keys.SK: {"S": f"ART#{name}#{n:03d}"}, "body": {"B": part},
                                       "parts": {"N": str(len(parts))}, keys.TTL_ATTRIBUTE: expires})

    def get(self, investigation_id: str, name: str, model: type[Model]) -> Model | None:
        items = self._db.query(self._table, f"{keys.PK} = :pk AND begins_with({keys.SK}, :a)",
                               {":pk": {"S": keys.investigation_pk(investigation_id)}, ":a": {"S": f"ART#{name}#"}})
        if not items or len(items) != int(items[0]["parts"]["N"]):
            return None
        blob = b"".join(bytes(i["body"]["B"]) for i in sorted(items, key=lambda i: i[keys.SK]["S"]))
        return model.model_validate_json(zlib.decompress(blob))

    def list_names(self, investigation_id: str, prefix: str) -> list[str]:
        items = self._db.query(self._table, f"{keys.PK} = :pk AND begins_with({keys.SK}, :a)",
                               {":pk": {"S": keys.investigation_pk(investigation_id)}, ":a": {"S": f"ART#{prefix}"}})
        return sorted({i[keys.SK]["S"].split("#")[1] for i in items})

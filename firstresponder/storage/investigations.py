"""Investigations: create (idempotent), status transitions, reports split under 400 KB, queries."""

from __future__ import annotations

import zlib
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict

from firstresponder.models import Report
from firstresponder.models.evidence import Evidence
from firstresponder.storage import keys
from firstresponder.storage.dynamo import ConditionFailed, Dynamo
from firstresponder.storage.records import InvestigationRecord, InvestigationStatus, SlackRef

# Uncompressed evidence JSON per item (compressed it is far smaller); DynamoDB's item limit is 400 KB.
CHUNK_BYTES = 300_000


def _s(value: str) -> dict[str, str]:
    return {"S": value}


def _ttl(at: datetime, days: int) -> dict[str, str]:
    return {"N": str(int((at + timedelta(days=days)).timestamp()))}


class InvestigationStore:
    def __init__(self, dynamo: Dynamo) -> None:
        self._db = dynamo
        self._table = dynamo.settings.investigations_table
        self._retention = dynamo.settings.retention_days

    def create(self, record: InvestigationRecord, *, workload: str | None) -> bool:
        """Store a new investigation; False when one with this id already exists (idempotent)."""
        alert = record.alert
        item = {
            keys.PK: _s(keys.investigation_pk(record.id)), keys.SK: _s(keys.META),
            keys.GSI1PK: _s(keys.env_key(alert.cluster, alert.namespace, workload)),
            keys.GSI1SK: _s(f"{record.created_at.isoformat()}#{record.id}"),
            keys.GSI2PK: _s(keys.fingerprint_key(alert.fingerprint)),
            keys.GSI2SK: _s(record.created_at.isoformat()),
            "status": _s(record.status.value), "record": _s(record.model_dump_json()),
            keys.TTL_ATTRIBUTE: _ttl(record.created_at, self._retention),
        }
        try:
            self._db.put(self._table, item, condition=f"attribute_not_exists({keys.PK})")
        except ConditionFailed:
            return False
        return True

    def get(self, investigation_id: str) -> InvestigationRecord | None:
        item = self._db.get(self._table, self._key(investigation_id))
        return InvestigationRecord.model_validate_json(item["record"]["S"]) if item else None

    def update(self, record: InvestigationRecord, *, expected: set[InvestigationStatus] | None = None) -> bool:
        """Replace the record; with ``expected``, only from one of those statuses (False otherwise)."""
        condition = f"attribute_exists({keys.PK})"
        values: dict[str, Any] = {":r": _s(record.model_dump_json()), ":st": _s(record.status.value)}
        if expected:
            names = [f":e{i}" for i in range(len(expected))]
            condition += f" AND #status IN ({', '.join(names)})"
            values.update({n: _s(s.value) for n, s in zip(names, sorted(expected), strict=True)})
        try:
            self._db.update(self._table, self._key(record.id), "SET #record = :r, #status = :st",
                            values=values, names={"#record": "record", "#status": "status"},
                            condition=condition)
        except ConditionFailed:
            return False
        return True

    def set_slack(self, investigation_id: str, slack: SlackRef | None, note: str | None = None) -> None:
        record = self.get(investigation_id)
        if record is not None:
            self.update(record.model_copy(update={"slack": slack or record.slack, "delivery_note": note}))

    def save_report(self, report: Report, *, at: datetime) -> None:
        """Store the report: META keeps it without evidence; evidence goes into compressed chunks."""
        ttl = _ttl(at, self._retention)
        chunks = _chunk_evidence(report.evidence)
        pk = _s(keys.investigation_pk(report.id))
        for n, blob in enumerate(chunks):
            self._db.put(self._table, {keys.PK: pk, keys.SK: _s(f"EVIDENCE#{n:04d}"), "body": {"B": blob},
                                       keys.TTL_ATTRIBUTE: ttl})
        body = zlib.compress(report.model_copy(update={"evidence": []}).model_dump_json().encode())
        self._db.update(self._table, self._key(report.id), "SET report = :b, evidenceChunks = :n",
                        values={":b": {"B": body}, ":n": {"N": str(len(chunks))}},
                        condition=f"attribute_exists({keys.PK})")

    def load_report(self, investigation_id: str) -> Report | None:
        item = self._db.get(self._table, self._key(investigation_id))
        if not item or "report" not in item:
            return None
        report = Report.model_validate_json(zlib.decompress(item["report"]["B"]))
        evidence: list[Evidence] = []
        for chunk in self._db.query(self._table, f"{keys.PK} = :pk AND begins_with({keys.SK}, :ev)",
                                    {":pk": _s(keys.investigation_pk(investigation_id)), ":ev": _s("EVIDENCE#")}):
            batch = _EvidenceChunk.model_validate_json(zlib.decompress(chunk["body"]["B"]))
            evidence.extend(batch.items)
        return report.model_copy(update={"evidence": evidence})

    def recent(self, cluster: str | None, namespace: str | None, workload: str | None, *,
               limit: int = 20) -> list[InvestigationRecord]:
        items = self._db.query(self._table, f"{keys.GSI1PK} = :e",
                               {":e": _s(keys.env_key(cluster, namespace, workload))},
                               index=keys.GSI1, limit=limit, newest_first=True)
        return [InvestigationRecord.model_validate_json(i["record"]["S"]) for i in items if "record" in i]

    def by_fingerprint(self, fingerprint: str) -> list[InvestigationRecord]:
        items = self._db.query(self._table, f"{keys.GSI2PK} = :f", {":f": _s(keys.fingerprint_key(fingerprint))},
                               index=keys.GSI2, newest_first=True)
        return [InvestigationRecord.model_validate_json(i["record"]["S"]) for i in items if "record" in i]

    @staticmethod
    def _key(investigation_id: str) -> dict[str, Any]:
        return {keys.PK: _s(keys.investigation_pk(investigation_id)), keys.SK: _s(keys.META)}


class _EvidenceChunk(BaseModel):
    model_config = ConfigDict(extra="forbid")

    items: list[Evidence]


def _chunk_evidence(evidence: list[Evidence]) -> list[bytes]:
    """Chunks of evidence whose JSON stays under CHUNK_BYTES before compression (linear)."""
    batches: list[list[Evidence]] = [[]]
    size = 0
    for ev in evidence:
        item_size = len(ev.model_dump_json())
        if batches[-1] and size + item_size > CHUNK_BYTES:
            batches.append([])
            size = 0
        batches[-1].append(ev)
        size += item_size
    return [zlib.compress(_EvidenceChunk(items=b).model_dump_json().encode()) for b in batches if b]

"""Feedback items (idempotent per user and key) and the per-environment learning tallies."""

from __future__ import annotations

import hashlib
from datetime import datetime

from firstresponder.learning.weights import CategoryTally, apply, tally_updates
from firstresponder.models.feedback import Feedback
from firstresponder.storage import keys
from firstresponder.storage.dynamo import ConditionFailed, Dynamo, StorageError

MAX_TALLY_RETRIES = 25


class FeedbackStore:
    def __init__(self, dynamo: Dynamo) -> None:
        self._db = dynamo
        self._table = dynamo.settings.investigations_table
        self._learning = dynamo.settings.learning_table

    def record(self, feedback: Feedback, *, cluster: str | None, namespace: str | None) -> bool:
        """Store feedback once; a duplicate click or resubmission returns False and changes nothing."""
        dedup = feedback.idempotency_key or feedback.verdict.value
        key = hashlib.sha256(f"{feedback.user}|{dedup}".encode()).hexdigest()[:32]
        item = {
            keys.PK: {"S": keys.investigation_pk(feedback.investigation_id)},
            keys.SK: {"S": f"FEEDBACK#{key}"},
            keys.GSI1PK: {"S": keys.feedback_env_key(cluster, namespace)},
            keys.GSI1SK: {"S": f"{feedback.submitted_at.isoformat()}#{feedback.investigation_id}"},
            "feedback": {"S": feedback.model_dump_json()},
        }
        try:
            self._db.put(self._table, item, condition=f"attribute_not_exists({keys.SK})")
        except ConditionFailed:
            return False
        for category, (confirmed, rejected) in tally_updates(feedback).items():
            self._bump(cluster, namespace, category, confirmed, rejected, feedback.submitted_at)
        return True

    def for_investigation(self, investigation_id: str) -> list[Feedback]:
        items = self._db.query(self._table, f"{keys.PK} = :pk AND begins_with({keys.SK}, :fb)",
                               {":pk": {"S": keys.investigation_pk(investigation_id)}, ":fb": {"S": "FEEDBACK#"}})
        return sorted((Feedback.model_validate_json(i["feedback"]["S"]) for i in items),
                      key=lambda f: f.submitted_at)

    def for_environment(self, cluster: str | None, namespace: str | None, *, limit: int = 100) -> list[Feedback]:
        items = self._db.query(self._table, f"{keys.GSI1PK} = :e",
                               {":e": {"S": keys.feedback_env_key(cluster, namespace)}},
                               index=keys.GSI1, limit=limit, newest_first=True)
        return [Feedback.model_validate_json(i["feedback"]["S"]) for i in items if "feedback" in i]

    def tallies(self, cluster: str | None, namespace: str | None) -> list[CategoryTally]:
        items = self._db.query(self._learning, f"{keys.PK} = :pk",
                               {":pk": {"S": keys.learning_pk(cluster, namespace)}})
        return [CategoryTally.model_validate_json(i["tally"]["S"]) for i in items]

    def _bump(self, cluster: str | None, namespace: str | None, category: str, confirmed: float,
              rejected: float, now: datetime) -> None:
        """Read-modify-write with a version condition: concurrent feedback never loses a vote."""
        key = {keys.PK: {"S": keys.learning_pk(cluster, namespace)}, keys.SK: {"S": f"CAT#{category}"}}
        for _ in range(MAX_TALLY_RETRIES):
            item = self._db.get(self._learning, key)
            current = (CategoryTally.model_validate_json(item["tally"]["S"]) if item
                       else CategoryTally(category=category, updated_at=now))
            updated = apply(current, confirmed, rejected, now).model_copy(update={"version": current.version + 1})
            condition = "attribute_not_exists(tally)" if item is None else "version = :v"
            values = None if item is None else {":v": {"N": str(current.version)}}
            try:
                self._db.put(self._learning, {**key, "tally": {"S": updated.model_dump_json()},
                                              "version": {"N": str(updated.version)}},
                             condition=condition, values=values)
                return
            except ConditionFailed:
                continue
        raise StorageError(f"learning tally {category}: too many concurrent writers")

"""Deployment revisions: the change that introduced the current one, and the last healthy one to go back to."""

from __future__ import annotations

from firstresponder.analysis.facts import rollout_of
from firstresponder.models import Change, Evidence, EvidenceBundle, ResourceRef
from firstresponder.models.evidence import ChangeKind, RevisionFacts, RolloutFacts


def current_revision(rollout: RolloutFacts) -> RevisionFacts | None:
    if rollout.current_revision is not None:
        found = next((r for r in rollout.revisions if r.revision == rollout.current_revision), None)
        if found is not None:
            return found
    return rollout.revisions[0] if rollout.revisions else None


def previous_revision(rollout: RolloutFacts) -> RevisionFacts | None:
    """The revision to go back to: one still serving if any, else the newest before the current."""
    current = current_revision(rollout)
    older = [r for r in rollout.revisions if current is None or r.revision < current.revision]
    older.sort(key=lambda r: -r.revision)
    serving = [r for r in older if r.ready_replicas > 0]
    candidates = serving or older
    return candidates[0] if candidates else None


def revision_change(bundle: EvidenceBundle, workload: ResourceRef) -> tuple[Change | None, Evidence | None]:
    """The NEW_REVISION change of a workload's current revision (collected, else from the rollout facts)."""
    found = rollout_of(bundle, workload.key)
    ev, rollout = found if found else (None, None)
    current = current_revision(rollout) if rollout else None
    rs_key = (ResourceRef(kind="ReplicaSet", namespace=workload.namespace, name=current.replicaset).key
              if current else None)
    collected = [c for c in bundle.changes if c.kind == ChangeKind.NEW_REVISION
                 and c.resource.key in {workload.key, rs_key}]
    if collected:
        return max(collected, key=lambda c: c.at), ev
    if current is None or current.created_at is None or rollout is None or len(rollout.revisions) < 2:
        return None, ev
    return Change(at=current.created_at, resource=workload, kind=ChangeKind.NEW_REVISION,
                  summary=f"revision {current.revision} of {workload.kind} {workload.name} rolled out",
                  evidence_id=ev.id if ev else None,
                  seconds_before_alert=(bundle.alert.starts_at - current.created_at).total_seconds()), ev


def diff_text(rollout: RolloutFacts, limit: int = 4) -> str:
    """The template diff as one short line: `containers[api].image: a -> b`."""
    items = [f"{d.path}: {d.before} -> {d.after}" for d in rollout.diff[:limit]]
    more = len(rollout.diff) - limit
    return "; ".join(items) + (f" (+{more} more)" if more > 0 else "")

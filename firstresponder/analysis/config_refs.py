"""ConfigMap/Secret facts joined to the pods that consume them and to the time line."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from firstresponder.models import Change, EdgeRelation, Evidence, EvidenceBundle, ResourceRef
from firstresponder.models.evidence import ChangeKind, ConfigFacts


@dataclass(frozen=True)
class Consumer:
    pod: str  # pod key
    container: str | None
    key: str | None  # the config key it reads, when it reads one key


def parse_consumer(text: str) -> Consumer:
    """Read "Pod/ns/name container api env DB_HOST" (the collector's consumer format)."""
    words = text.split()
    container = words[words.index("container") + 1] if "container" in words[:-1] else None
    key = words[-1] if len(words) >= 2 and words[-2] in {"env", "key"} else None
    return Consumer(pod=words[0] if words else text, container=container, key=key)


def config_ref(ev: Evidence, facts: ConfigFacts) -> ResourceRef:
    return ResourceRef(kind=facts.kind, namespace=ev.resource.namespace, name=facts.name)


def consumers(bundle: EvidenceBundle, ev: Evidence, facts: ConfigFacts) -> list[Consumer]:
    """Pods using the object: from the facts, else from the topology's CONFIGURES edges."""
    found = [parse_consumer(c) for c in facts.consumers]
    if found:
        return found
    ref = config_ref(ev, facts)
    return [Consumer(pod=src, container=None, key=None)
            for src in bundle.topology.sources(ref, EdgeRelation.CONFIGURES) if src.startswith("Pod/")]


MASK = "****"  # how collectors mask credential-looking values; never write a mask back
URL_PASSWORD = re.compile(r"://[^:/@\s]*:[^@/\s]+@")  # a credential inside a URL: never copied into a command


def restorable(value: str) -> bool:
    return MASK not in value


def changed_values(facts: ConfigFacts) -> dict[str, tuple[str, str | None]]:
    """Key -> (previous, current) for ConfigMap keys whose value changed."""
    return {k: (old, facts.values.get(k)) for k, old in facts.previous_values.items()
            if facts.values.get(k) != old}


def last_change(bundle: EvidenceBundle, ev: Evidence, facts: ConfigFacts) -> Change | None:
    """The object's latest change: a collected Change, else one made from managedFields time."""
    ref = config_ref(ev, facts)
    collected = [c for c in bundle.changes if c.resource.key == ref.key and c.kind == ChangeKind.CONFIG_UPDATE]
    if collected:
        return max(collected, key=lambda c: c.at)
    if facts.last_changed_at is None:
        return None
    return Change(at=facts.last_changed_at, resource=ref, kind=ChangeKind.CONFIG_UPDATE,
                  summary=f"{facts.kind} {facts.name} updated", actor=facts.last_changed_by,
                  evidence_id=ev.id,
                  seconds_before_alert=(bundle.alert.starts_at - facts.last_changed_at).total_seconds())


def started_before(started: datetime | None, moment: datetime) -> bool:
    return started is not None and started < moment

"""Typed access to an EvidenceBundle's facts, so detectors read like the question they ask."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import TypeVar

from pydantic import BaseModel

from firstresponder.models import Evidence, EvidenceBundle
from firstresponder.models.evidence import (
    ContainerStatusFacts,
    EventFacts,
    LogFacts,
    PodStatusFacts,
    RolloutFacts,
    UsageFacts,
)

F = TypeVar("F", bound=BaseModel)


def facts_of(bundle: EvidenceBundle, kind: type[F]) -> list[tuple[Evidence, F]]:
    """Every piece of evidence whose facts are of one type, with the facts typed."""
    found: list[tuple[Evidence, F]] = []
    for ev in bundle.evidence:
        facts = ev.facts
        if isinstance(facts, kind):
            found.append((ev, facts))
    return found


def pod_key(ev: Evidence, pod: str) -> str:
    """Key of the pod a container/log/usage fact is about (``ResourceRef.key`` format, built cheaply: hot path)."""
    namespace = ev.resource.namespace
    return f"Pod/{namespace}/{pod}" if namespace else f"Pod/{pod}"


def containers_of(bundle: EvidenceBundle, pod: str) -> Iterator[tuple[Evidence, ContainerStatusFacts]]:
    return ((ev, f) for ev, f in facts_of(bundle, ContainerStatusFacts) if pod_key(ev, f.pod) == pod)


def pod_status(bundle: EvidenceBundle, pod: str) -> tuple[Evidence, PodStatusFacts] | None:
    return next(((ev, f) for ev, f in facts_of(bundle, PodStatusFacts) if ev.resource.key == pod
                 or pod_key(ev, f.pod) == pod), None)


def logs_of(bundle: EvidenceBundle, pod: str, container: str | None = None) -> list[tuple[Evidence, LogFacts]]:
    return [(ev, f) for ev, f in facts_of(bundle, LogFacts)
            if pod_key(ev, f.pod) == pod and (container is None or f.container == container)]


def usage_of(bundle: EvidenceBundle, pod: str, container: str) -> tuple[Evidence, UsageFacts] | None:
    return next(((ev, f) for ev, f in facts_of(bundle, UsageFacts)
                 if pod_key(ev, f.pod) == pod and f.container == container), None)


def events_for(bundle: EvidenceBundle, key: str, *, reasons: set[str] | None = None
               ) -> list[tuple[Evidence, EventFacts]]:
    """Events whose involved object is ``key`` (optionally only some reasons)."""
    return [(ev, f) for ev, f in facts_of(bundle, EventFacts)
            if f.involved.key == key and (reasons is None or f.reason in reasons)]


def rollout_of(bundle: EvidenceBundle, workload: str) -> tuple[Evidence, RolloutFacts] | None:
    return next(((ev, f) for ev, f in facts_of(bundle, RolloutFacts) if f.workload.key == workload), None)


def evidence_ids_for(bundle: EvidenceBundle, key: str) -> list[str]:
    """Ids of all evidence read from one resource."""
    return [ev.id for ev in bundle.evidence if ev.resource.key == key]


def log_signatures(bundle: EvidenceBundle, pod: str, container: str | None = None) -> set[str]:
    return {s for _ev, f in logs_of(bundle, pod, container) for s in f.signatures}


# Lines that state an error (rather than a stack frame, a retry notice or an info line).
_TELLING = re.compile(r"\b\w*(?:Error|Exception)\b:|\bpanic:|\[emerg\]|\bFATAL\b|\bfatal:|\bnot found\b|"
                      r"\bdenied\b|\brefused\b|\bno such host\b|\bcannot\b|\bfailed\b|\bunknown\b", re.IGNORECASE)
_BENIGN = re.compile(r"\binfo\b|\"level\":\s*\"(?:info|debug)\"|level=(?:info|debug)|^\s+at ", re.IGNORECASE)


_DECISIVE = re.compile(r"\bFATAL\b|\bpanic:|\[emerg\]|\w+(?:Exception|Error):|\bfatal:", re.IGNORECASE)


def readable(line: str, limit: int = 240) -> str:
    """A log line for a human: JSON lines reduced to their message and error, long lines to their end."""
    text = line.strip()
    if text.startswith("{"):
        try:
            record = json.loads(text)
        except ValueError:
            record = None
        if isinstance(record, dict):
            parts = [str(record[k]) for k in ("msg", "message") if record.get(k)]
            for key in ("error", "err", "exception"):
                value = record.get(key)
                if isinstance(value, dict):
                    value = value.get("message") or value.get("msg") or json.dumps(value)
                if value:
                    parts.append(str(value))
            text = ": ".join(parts) or text
    return text if len(text) <= limit else "…" + text[-limit:]


def first_key_line(logs: list[tuple[Evidence, LogFacts]], pattern: re.Pattern[str] | None = None) -> str:
    """The most telling log line, made readable for summaries (optionally the best matching ``pattern``).

    Decisive lines (FATAL, panic, SomethingError:) beat plain error lines; info lines never count.
    """
    lines = [line.text for _ev, f in logs for line in ([f.first_error] if f.first_error else []) + f.key_lines]
    wanted = pattern or _TELLING
    candidates = [t for t in lines if wanted.search(t) and not _BENIGN.search(t)]
    if candidates:
        best = max(enumerate(candidates), key=lambda item: (bool(_DECISIVE.search(item[1])), -item[0]))[1]
        return readable(best)
    if pattern is not None or not lines:
        return ""
    return readable(lines[0])

"""Container logs: the current tail, and the previous instance's when the container restarted."""

from __future__ import annotations

from typing import Any

from firstresponder.collectors.context import CollectionContext, ResultBuilder, gap_of
from firstresponder.collectors.ids import evidence_id
from firstresponder.collectors.log_patterns import read_log
from firstresponder.kube.reader import KubeApiError
from firstresponder.models.evidence import CollectorResult, Evidence, LogFacts
from firstresponder.models.resource import ResourceRef
from firstresponder.topology.objects import as_dict, as_list, dig

NAME = "pod.logs"
TAIL_LINES = 500
LIMIT_BYTES = 256 * 1024
MAX_EXCERPT = 2000


def containers_to_read(pod: dict[str, Any]) -> list[tuple[str, bool]]:
    """(container, read previous) for main containers and init containers that did not succeed."""
    out: list[tuple[str, bool]] = []
    for field, init in (("initContainerStatuses", True), ("containerStatuses", False)):
        for status in as_list(dig(pod, "status", field)):
            status = as_dict(status)
            terminated = dig(status, "state", "terminated")
            if init and isinstance(terminated, dict) and terminated.get("exitCode", 0) == 0:
                continue  # a finished init container has nothing to say
            if init and not status.get("restartCount") and "waiting" in as_dict(status.get("state")):
                continue  # never ran
            restarted = int(status.get("restartCount", 0) or 0) > 0 or isinstance(
                dig(status, "lastState", "terminated"), dict)
            out.append((str(status.get("name")), restarted))
    if not out:  # no status yet (e.g. just created): try the spec's containers
        out = [(str(c.get("name")), False) for c in as_list(dig(pod, "spec", "containers")) if isinstance(c, dict)]
    return out


def collect_logs(ctx: CollectionContext, ref: ResourceRef) -> CollectorResult:
    """LogFacts per container and instance (current, previous), capped by tailLines and limitBytes."""
    out = ResultBuilder(ctx, NAME, ref)
    pod = ctx.obj(ref)
    if pod is None or ref.namespace is None:
        out.skipped = True
        return out.result()
    for container, restarted in containers_to_read(pod):
        for previous in ((False, True) if restarted else (False,)):
            evidence = read_container_log(ctx, out, ref, container, previous)
            if evidence is not None:
                out.evidence.append(evidence)
    return out.result()


def read_container_log(ctx: CollectionContext, out: ResultBuilder, ref: ResourceRef, container: str,
                       previous: bool) -> Evidence | None:
    """One container instance's log as evidence; None when there is none (a failed read becomes a gap)."""
    label = "previous" if previous else "current"
    namespace = ref.namespace or ""
    try:
        text = ctx.reader.logs(namespace, ref.name, container, previous=previous, tail_lines=TAIL_LINES,
                               limit_bytes=LIMIT_BYTES)
    except KubeApiError as err:
        if err.status == 400 or (previous and err.status == 404):
            return None  # no such instance (never started, or no previous one): not a gap
        # a 404 on the current log means the pod or its log vanished: that is a gap
        out.gaps.append(gap_of(err, f"logs of {ref.key} container {container} ({label})", ref))
        return None
    reading = read_log(text)
    truncated = reading.line_count >= TAIL_LINES or len(text.encode()) >= LIMIT_BYTES
    facts = LogFacts(pod=ref.name, container=container, previous=previous, line_count=reading.line_count,
                     truncated=truncated, first_error=reading.first_error, key_lines=reading.key_lines,
                     signatures=reading.signatures, hosts=reading.hosts)
    return Evidence(id=evidence_id("logs", ref.name, container, label), resource=ref,
                    summary=_summary(facts, label), excerpt=_excerpt(facts, text), facts=facts)


def _summary(facts: LogFacts, label: str) -> str:
    head = f"{label} log of {facts.pod}/{facts.container} ({facts.line_count} lines)"
    if facts.first_error is None:
        return f"{head}: no error lines"
    kinds = f" [{', '.join(facts.signatures)}]" if facts.signatures else ""
    return f"{head}{kinds}: {facts.first_error.text[:200]}"


def _excerpt(facts: LogFacts, text: str) -> str:
    """The key lines; when there are none, the last lines of the log."""
    if facts.key_lines:
        body = "\n".join(f"{line.number}: {line.text}" for line in facts.key_lines)
    else:
        body = "\n".join(text.splitlines()[-10:])
    return body[-MAX_EXCERPT:]

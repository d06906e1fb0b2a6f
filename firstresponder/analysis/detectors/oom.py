"""OOMKilled: the kernel killed a container at its memory limit (exit 137 with reason OOMKilled).

Exit 137 alone is not enough: liveness kills and evictions also end in SIGKILL; those have
their own detectors. A heap exhaustion in the logs (Java/Node) is the in-process variant.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from decimal import Decimal

from firstresponder.analysis.facts import logs_of, rollout_of, usage_of
from firstresponder.analysis.finding import Finding
from firstresponder.analysis.heap import HeapSetting, heap_setting
from firstresponder.analysis.quantity import MI, QuantityError, format_memory, parse_quantity, round_up_memory
from firstresponder.analysis.remediation import commands
from firstresponder.analysis.revisions import revision_change
from firstresponder.analysis.terminations import Termination, terminations
from firstresponder.analysis.workloads import container_spec, fix_target, object_of
from firstresponder.models import Category, EvidenceBundle, Remediation, ResourceRef

NAME = "oom"
_CAUTION = "Verify current average usage before applying. Consider an HPA if usage variance is high."


def detect(bundle: EvidenceBundle, now: datetime) -> list[Finding]:
    killed: dict[tuple[str, str], list[Termination]] = defaultdict(list)
    for t in terminations(bundle):
        if t.term.reason == "OOMKilled":
            killed[(fix_target(bundle.topology, t.pod).key, t.container)].append(t)
    return [_finding(bundle, ResourceRef.from_key(target), container, items)
            for (target, container), items in killed.items()]


def _limit_bytes(text: str | None) -> int | None:
    try:
        return int(parse_quantity(text)) if text else None
    except QuantityError:
        return None


def new_memory_limit(limit: int | None, peak: int | None, request: int | None, *,
                     heap: int | None = None, before: int | None = None) -> int:
    """A sensible raise: back to the limit the last revision lowered, else 1.5× the limit it died at;
    at least 1.25× the observed peak, 2× the request, and room for a configured heap (×1.3 for non-heap)."""
    if before and limit and before > limit:
        base: Decimal | None = Decimal(before)
    else:
        base = Decimal(limit) * Decimal("1.5") if limit else None
    candidates = [c for c in (base, Decimal(peak or 0) * Decimal("1.25"), Decimal(request or 0) * 2,
                              Decimal(heap or 0) * Decimal("1.3")) if c]
    return round_up_memory(max(candidates, default=Decimal(512 * MI)))


def _finding(bundle: EvidenceBundle, target: ResourceRef, container: str, items: list[Termination]) -> Finding:
    pods = sorted({t.pod for t in items})
    evidence_ids = [t.evidence.id for t in items]
    status = items[0].status
    limit = _limit_bytes(status.limits.get("memory"))
    request = _limit_bytes(status.requests.get("memory"))
    peaks: list[int] = []
    heap_lines: list[str] = []
    for pod in pods:
        usage = usage_of(bundle, pod, container)
        if usage is not None and usage[1].memory_bytes is not None:
            peaks.append(usage[1].memory_bytes)
            evidence_ids.append(usage[0].id)
        for ev, log in logs_of(bundle, pod, container):
            if "oom_heap" in log.signatures:
                evidence_ids.append(ev.id)
                heap_lines += [line.text for line in log.key_lines[:1]]
    peak = max(peaks, default=None)
    limit_text = status.limits.get("memory")
    heap = heap_setting(container_spec(object_of(bundle.topology, target), container))
    lowered = _lowered_limit(bundle, target, container)
    change = revision_change(bundle, target)[0] if lowered else None
    usage_text = f"; observed usage up to {format_memory(round_up_memory(peak))}" if peak else ""
    detail = (f"Container {container} was OOMKilled (exit 137) {sum(t.status.restart_count for t in items)} "
              f"restart(s) across {len(pods)} pod(s); memory limit {limit_text or 'none set'}{usage_text}.")
    if heap is not None and limit and heap.bytes >= limit * 0.9:
        detail += (f" {heap.variable} sets {heap.flag}, about as much as (or more than) the {limit_text} limit: "
                   "the heap alone can fill the container.")
    if lowered:
        detail += f" The current revision lowered the limit from {lowered[0]} to {lowered[1]}."
    if heap_lines:
        detail += (f" The log also shows heap exhaustion ({heap_lines[0]!r}): size the runtime heap "
                   "(-Xmx / --max-old-space-size) below the container limit.")
    return Finding(
        detector=NAME, category=Category.OOM, culprit=target,
        summary=(f"{container} in {target.kind} {target.name} is killed for exceeding its memory limit "
                 f"({limit_text or 'no limit'})"),
        detail=detail, evidence_ids=list(dict.fromkeys(evidence_ids)), strength=0.9, direct=True, change=change,
        explains=pods, reasons=["terminated with reason OOMKilled (exit 137)"]
        + ([f"{heap.variable} {heap.flag} does not fit the limit"] if heap and limit and heap.bytes >= limit * 0.9 else [])
        + ([f"the limit was lowered from {lowered[0]} to {lowered[1]}"] if lowered else []),
        remediations=_fixes(target, container, new_memory_limit(
            limit, peak, request, heap=heap.bytes if heap else None,
            before=_limit_bytes(lowered[0]) if lowered else None), limit, heap, bool(heap_lines)),
        verification=(f"`kubectl describe pod {items[0].status.pod} -n {target.namespace}` shows "
                      "Last State: Terminated, Reason: OOMKilled."),
    )


def _lowered_limit(bundle: EvidenceBundle, target: ResourceRef, container: str) -> tuple[str, str] | None:
    """(before, after) when the current revision lowered this container's memory limit."""
    found = rollout_of(bundle, target.key)
    for d in found[1].diff if found else []:
        if d.path == f"containers[{container}].resources.limits.memory" and d.before and d.after:
            try:
                if parse_quantity(d.before) > parse_quantity(d.after):
                    return d.before, d.after
            except QuantityError:
                return None
    return None


def _fixes(target: ResourceRef, container: str, new_bytes: int, limit: int | None, heap: HeapSetting | None,
           heap_in_logs: bool) -> list[Remediation]:
    new_limit = format_memory(new_bytes)
    before = format_memory(limit) if limit else "no limit"
    caution = _CAUTION
    if heap is not None:
        caution += f" Keep {heap.flag} ({heap.variable}) well below the new limit, or use -XX:MaxRAMPercentage."
    elif heap_in_logs:
        caution += " The heap flag must grow with the limit or the runtime will still run out."
    if target.kind == "Pod":
        return [Remediation(description=(f"Raise the memory limit of {container} from {before} to {new_limit} "
                                         "in the manifest that creates this bare pod and recreate it."),
                            caution=caution)]
    return [Remediation(
        description=f"Raise the memory limit of {container} from {before} to {new_limit} (a new rollout follows).",
        command=commands.set_memory_limit(target, container, new_limit),
        caution=caution,
        verify=commands.rollout_status(target),
    )]

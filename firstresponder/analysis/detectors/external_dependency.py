"""A dependency outside the cluster fails (timeouts, 5xx, refused or TLS errors) with no in-cluster cause.

The culprit is the external host (kind ``External``): no in-cluster resource is blamed. A changed
ConfigMap value naming that host contradicts it (then the configuration is the likelier cause).
"""

from __future__ import annotations

from datetime import datetime

from firstresponder.analysis.config_refs import changed_values
from firstresponder.analysis.facts import facts_of, first_key_line, logs_of
from firstresponder.analysis.failures import failing_pods
from firstresponder.analysis.finding import Finding
from firstresponder.analysis.remediation import commands
from firstresponder.analysis.service_links import callers_failing_on
from firstresponder.analysis.workloads import workload_of
from firstresponder.models import Category, EvidenceBundle, Remediation, ResourceRef
from firstresponder.models.evidence import ConfigFacts, DependencyFacts

NAME = "external_dependency"


def detect(bundle: EvidenceBundle, now: datetime) -> list[Finding]:
    failing = failing_pods(bundle, now)
    findings = []
    seen: set[str] = set()
    for ev, dep in facts_of(bundle, DependencyFacts):
        if not dep.external or dep.host in seen:
            continue
        seen.add(dep.host)
        callers, log_ids, named = callers_failing_on(bundle, dep.host)
        if not callers or not named:  # outside hosts are blamed only when the logs name them
            continue
        contradicting = [cev.id for cev, cfg in facts_of(bundle, ConfigFacts)
                         if any(new and dep.host.lower() in new.lower() for _o, new in changed_values(cfg).values())]
        share = min(1.0, len(callers) / max(1, len(failing)))
        findings.append(Finding(
            detector=NAME, category=Category.EXTERNAL_DEPENDENCY,
            culprit=ResourceRef(kind="External", name=dep.host), outside_cluster=True,
            summary=f"{dep.host} (outside the cluster) is failing; {len(callers)} pod(s) cannot use it",
            detail=f"{dep.host}{':' + str(dep.port) if dep.port else ''} is configured in {dep.found_in}."
                   + (f" Callers: {line[:200]}" if (line := first_key_line(
                       [item for p in callers for item in logs_of(bundle, p)])) else ""),
            evidence_ids=[ev.id, *log_ids], contradicting_ids=contradicting,
            strength=0.5 + 0.2 * share, direct=False, explains=callers,
            reasons=[f"the failing pods log errors reaching {dep.host}", "nothing in the cluster explains it"],
            remediations=[Remediation(
                description=(f"Check {dep.host}'s status page or owner; nothing in the cluster needs changing. "
                             "Consider a circuit breaker or longer timeouts so callers degrade instead of crashing.")),
                *_watch_callers(bundle, callers)],
            verification=f"Reach {dep.host} from a pod and from outside the cluster: if both fail, it is the provider.",
        ))
    return findings


def _watch_callers(bundle: EvidenceBundle, callers: list[str]) -> list[Remediation]:
    """A read-only way to see whether the callers recover."""
    workload = next((w for p in callers if (w := workload_of(bundle.topology, p)) is not None), None)
    if workload is None or workload.kind not in {"Deployment", "StatefulSet", "DaemonSet"}:
        return []
    return [Remediation(description=f"Watch {workload.kind} {workload.name}'s errors while the provider recovers.",
                        command=commands.kubectl("logs", f"{workload.kind.lower()}/{workload.name}", "-n",
                                                 workload.namespace or "default", "--tail=50"))]

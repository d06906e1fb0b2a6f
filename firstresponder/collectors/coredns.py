"""Cluster DNS health (CoreDNS/kube-dns pods), read when logs show DNS failures.

When CoreDNS is unhealthy the usual culprit is its Corefile: the ``coredns`` ConfigMap (last change,
previous values) and the log of a failing CoreDNS pod are read too.
"""

from __future__ import annotations

from typing import Any

from firstresponder.collectors.config import last_change, previous_data
from firstresponder.collectors.context import CollectionContext, ResultBuilder
from firstresponder.collectors.ids import evidence_id
from firstresponder.collectors.logs import containers_to_read, read_container_log
from firstresponder.collectors.redaction import mask_value
from firstresponder.models.evidence import (
    ChangeKind,
    CollectorResult,
    ConfigFacts,
    Evidence,
    WorkloadHealthFacts,
)
from firstresponder.models.resource import ResourceRef
from firstresponder.topology.objects import as_dict, condition, name_of, pod_problem

NAME = "coredns"
DNS_NAMESPACE = "kube-system"
DNS_REF = ResourceRef(kind="Deployment", name="coredns", namespace=DNS_NAMESPACE)
COREFILE_REF = ResourceRef(kind="ConfigMap", name="coredns", namespace=DNS_NAMESPACE)


def collect_coredns(ctx: CollectionContext, ref: ResourceRef) -> CollectorResult:
    """WorkloadHealthFacts for the ``k8s-app=kube-dns`` pods; when unhealthy also the Corefile and a log."""
    out = ResultBuilder(ctx, NAME, ref)
    pods = out.attempt(lambda: ctx.reader.list("Pod", DNS_NAMESPACE, label_selector="k8s-app=kube-dns"),
                       "list Pod in kube-system (k8s-app=kube-dns)")
    if pods is None:
        return out.result()
    if not pods:
        state = "no k8s-app=kube-dns pods in kube-system (cluster DNS runs under other labels, or not at all)"
        out.evidence.append(Evidence(id=evidence_id("dns", "coredns"), resource=ref, summary=state,
                                     facts=WorkloadHealthFacts(resource=ref, problem=state)))
        return out.result()
    ready = [p for p in pods if (condition(p, "Ready") or {}).get("status") == "True"]
    failing = sorted((p for p in pods if pod_problem(p)), key=name_of)
    problems = [f"{name_of(p)}: {pod_problem(p)}" for p in failing]
    state = f"CoreDNS {len(ready)}/{len(pods)} ready" + (f" ({'; '.join(problems)})" if problems else "")
    out.evidence.append(Evidence(id=evidence_id("dns", "coredns"), resource=ref, summary=state,
                                 excerpt="\n".join(problems), facts=WorkloadHealthFacts(resource=ref, problem=state)))
    if failing:
        _corefile(ctx, out)
        _failing_log(ctx, out, failing[0])
    return out.result()


def _corefile(ctx: CollectionContext, out: ResultBuilder) -> None:
    config = out.attempt(lambda: ctx.reader.get("ConfigMap", COREFILE_REF.name, DNS_NAMESPACE),
                         f"get {COREFILE_REF}")
    if config is None:
        return
    data = {str(k): str(v) for k, v in as_dict(config.get("data")).items()}
    previous = {k: mask_value(k, v)[:2000] for k, v in previous_data(config).items() if data.get(k) != v}
    at, manager = last_change(config)
    facts = ConfigFacts(kind="ConfigMap", name=COREFILE_REF.name, keys=sorted(data),
                        values={k: mask_value(k, v)[:2000] for k, v in data.items()}, previous_values=previous,
                        last_changed_at=at, last_changed_by=manager, consumers=[f"{DNS_REF} (Corefile)"])
    key = evidence_id("cm", "kube-system", COREFILE_REF.name)
    summary = f"CoreDNS Corefile ConfigMap kube-system/coredns last written {at.isoformat() if at else '?'}" + (
        f" by {manager}" if manager else "") + ("; differs from its last apply" if previous else "")
    out.evidence.append(Evidence(id=key, resource=COREFILE_REF, summary=summary, at=at,
                                 excerpt=data.get("Corefile", "")[:2000], facts=facts))
    out.change(at, COREFILE_REF, ChangeKind.CONFIG_UPDATE, "CoreDNS Corefile (kube-system/coredns) written",
               actor=manager, evidence_id=key)


def _failing_log(ctx: CollectionContext, out: ResultBuilder, pod: dict[str, Any]) -> None:
    ref = ResourceRef(kind="Pod", name=name_of(pod), namespace=DNS_NAMESPACE)
    for container, restarted in containers_to_read(pod)[:1]:
        for previous in ((False, True) if restarted else (False,)):
            evidence = read_container_log(ctx, out, ref, container, previous)
            if evidence is not None:
                out.evidence.append(evidence)

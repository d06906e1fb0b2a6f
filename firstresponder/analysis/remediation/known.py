"""The topology a proposed command is checked against: the discovered one, plus objects the evidence proves exist.

Collectors read some objects that discovery did not link (the CoreDNS Corefile ConfigMap, the
namespace's ResourceQuota): a minimal stand-in built from the evidence lets a fix name them.
A stand-in has no pod template, so a patch into its containers is still refused.
"""

from __future__ import annotations

from typing import Any

from firstresponder.analysis.facts import facts_of
from firstresponder.analysis.remediation.commands import KUBECTL_RESOURCE
from firstresponder.models import EvidenceBundle, ResourceRef, Topology, TopologyNode
from firstresponder.models.evidence import (
    AlertFacts,
    ConfigFacts,
    DependencyFacts,
    EventFacts,
    RolloutFacts,
    WorkloadHealthFacts,
)

_GROUP_VERSION = {"Deployment": "apps/v1", "DaemonSet": "apps/v1", "StatefulSet": "apps/v1", "ReplicaSet": "apps/v1",
                  "Job": "batch/v1", "CronJob": "batch/v1", "Ingress": "networking.k8s.io/v1",
                  "NetworkPolicy": "networking.k8s.io/v1", "HorizontalPodAutoscaler": "autoscaling/v2"}


def _stub(ref: ResourceRef, **extra: Any) -> dict[str, Any]:
    meta = {"name": ref.name, **({"namespace": ref.namespace} if ref.namespace else {})}
    return {"apiVersion": _GROUP_VERSION.get(ref.kind, "v1"), "kind": ref.kind, "metadata": meta, **extra}


def _read_resources(bundle: EvidenceBundle) -> list[tuple[ResourceRef, dict[str, Any]]]:
    """Resources a collector read successfully, with what their facts say about their content."""
    found: list[tuple[ResourceRef, dict[str, Any]]] = []
    for ev in bundle.evidence:
        facts = ev.facts
        if isinstance(facts, DependencyFacts | EventFacts | AlertFacts):
            continue  # the resource may be missing, gone since the event, or only named by the alert
        if isinstance(facts, ConfigFacts):
            if facts.exists:
                extra = {"data": dict(facts.values)} if facts.kind == "ConfigMap" else {}
                found.append((ResourceRef(kind=facts.kind, namespace=ev.resource.namespace, name=facts.name), extra))
            continue
        found.append((ev.resource, {}))
    found += [(f.resource, {}) for _e, f in facts_of(bundle, WorkloadHealthFacts)]
    found += [(f.workload, {}) for _e, f in facts_of(bundle, RolloutFacts)]
    return found


def validation_topology(bundle: EvidenceBundle) -> Topology:
    """A copy of the topology with stand-ins for evidenced objects it lacks."""
    topology = bundle.topology.model_copy(deep=True)
    for ref, extra in _read_resources(bundle):
        if ref.kind in KUBECTL_RESOURCE and topology.get(ref) is None:
            topology.add(TopologyNode(ref=ref, object=_stub(ref, **extra), relation="evidence"))
    return topology

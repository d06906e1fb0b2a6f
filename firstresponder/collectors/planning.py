"""Turning a topology into independent collection tasks (one Step Functions Map item each)."""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict

from firstresponder.collectors import alert, config, coredns, events, log_hosts, logs, usage
from firstresponder.collectors.context import investigated_namespace
from firstresponder.collectors.dependency import parse_detail
from firstresponder.collectors.registry import DEPENDENCY_COLLECTORS, KIND_COLLECTORS, NAMESPACE_COLLECTORS
from firstresponder.models.evidence import CollectorResult, LogFacts
from firstresponder.models.resource import ResourceRef
from firstresponder.models.topology import EdgeRelation, Topology, TopologyNode
from firstresponder.topology.objects import pod_problem

MAX_LOG_PODS = 4
MAX_LOG_HOSTS = 5


class CollectionTask(BaseModel):
    """One collector on one resource: runnable alone from (task, topology, alert, now)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    collector: str
    resource: ResourceRef

    @property
    def key(self) -> str:
        return f"{self.collector}:{self.resource.key}"


def log_pods(topology: Topology, limit: int = MAX_LOG_PODS) -> set[str]:
    """Pods whose logs and usage are read: the alerting pod, unhealthy focus pods, unhealthy dependency
    pods; and when none of the focus pods is unhealthy (errors without crashes), one healthy focus pod."""
    dependency_services = set(_dependency_targets(topology))
    dependency_pods = {t for s in dependency_services for t in topology.targets(s, EdgeRelation.SELECTS)}
    ranked: list[tuple[int, int, str]] = []
    healthy_focus: list[tuple[int, str]] = []
    for node in topology.of_kind("Pod"):
        if node.object is None:
            continue
        dependency = node.ref.key in dependency_pods
        if node.ref == topology.root:
            ranked.append((0, 0, node.ref.key))
        elif pod_problem(node.object):
            ranked.append((2 if dependency else 1, node.depth, node.ref.key))
        elif not dependency:
            healthy_focus.append((node.depth, node.ref.key))
    chosen = sorted(ranked)[:limit]
    if not any(rank < 2 for rank, _depth, _key in chosen) and healthy_focus:
        chosen.append((3, *min(healthy_focus)))
    return {key for _rank, _depth, key in chosen}


def _dependency_targets(topology: Topology) -> list[str]:
    return list(dict.fromkeys(e.target for e in topology.edges if e.relation == EdgeRelation.DEPENDS_ON))


def _applies(collector: str, node: TopologyNode, topology: Topology, reading: set[str]) -> bool:
    if node.object is None:  # missing or unreadable: only a deleted pod's events and config references
        return (collector == events.NAME and node.ref.kind == "Pod" and node.missing) or (
            collector == config.NAME and node.missing)
    if collector in (logs.NAME, usage.NAME):
        return node.ref.key in reading
    if collector == config.NAME:
        return bool(topology.sources(node.ref, EdgeRelation.CONFIGURES))
    if collector == events.NAME and node.ref.kind == "Node":
        return bool(topology.sources(node.ref, EdgeRelation.SCHEDULED_ON))
    return True


def plan_collection(topology: Topology) -> list[CollectionTask]:
    """Every applicable (collector, resource) pair, shallowest resources first."""
    tasks = [CollectionTask(collector=alert.NAME, resource=topology.root)]
    reading = log_pods(topology)
    for node in sorted(topology.nodes.values(), key=lambda n: (n.depth, n.ref.key)):
        for collector in KIND_COLLECTORS.get(node.ref.kind, ()):
            if _applies(collector, node, topology, reading):
                tasks.append(CollectionTask(collector=collector, resource=node.ref))
    for target in _dependency_targets(topology):
        tasks += [CollectionTask(collector=c, resource=ResourceRef.from_key(target)) for c in DEPENDENCY_COLLECTORS]
    namespace = investigated_namespace(topology)
    if namespace:
        ref = ResourceRef(kind="Namespace", name=namespace)
        tasks += [CollectionTask(collector=c, resource=ref) for c in NAMESPACE_COLLECTORS]
    return list(dict.fromkeys(tasks))


def plan_followups(topology: Topology, results: Iterable[CollectorResult]) -> list[CollectionTask]:
    """Tasks that only make sense after the first round, from what the logs said.

    Cluster DNS when logs show DNS failures; each host named in error lines that no configuration
    dependency already covers (hosts baked into images or computed at run time).
    """
    logs_facts = [e.facts for r in results for e in r.evidence if isinstance(e.facts, LogFacts)]
    tasks: list[CollectionTask] = []
    if any("dns_failure" in f.signatures for f in logs_facts):
        tasks.append(CollectionTask(collector=coredns.NAME, resource=coredns.DNS_REF))
    known = {parse_detail(e.detail)[1] for e in topology.edges if e.relation == EdgeRelation.DEPENDS_ON}
    hosts = dict.fromkeys(h for f in logs_facts for h in f.hosts if h not in known)
    tasks += [CollectionTask(collector=log_hosts.NAME, resource=ResourceRef(kind="External", name=host))
              for host in list(hosts)[:MAX_LOG_HOSTS]]
    return tasks

"""Breadth-first discovery: each layer's reads run concurrently, so wall time follows depth, not size."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from firstresponder.kube.reader import ClusterReader
from firstresponder.models.evidence import Gap
from firstresponder.models.resource import ResourceRef
from firstresponder.models.topology import EdgeRelation, Topology, TopologyNode
from firstresponder.topology.budget import TopologyBudget
from firstresponder.topology.lookup import Lookup, ReadFailed
from firstresponder.topology.rules import ExpansionRules
from firstresponder.topology.start import resolve_root
from firstresponder.topology.walk import Expander, Found, Role, Via, Visit, WalkContext


def discover(reader: ClusterReader, start: ResourceRef | None, *, namespace: str | None = None,
             budget: TopologyBudget | None = None) -> tuple[Topology, list[Gap]]:
    """The resources around ``start`` and what could not be read.

    ``start`` None: the unhealthy resources of ``namespace``, or of the whole cluster when that is None too
    (root ``Cluster/cluster``). A start of kind ``Workload`` (or a Deployment that does not exist) is
    resolved by name: Deployment, StatefulSet, DaemonSet, then pods whose names start with it.
    """
    budget = budget or TopologyBudget()
    ctx = WalkContext(Lookup(reader), budget)
    root, obj, missing = resolve_root(ctx, start, namespace)
    topology = Topology(root=root)
    topology.add(TopologyNode(ref=root, object=obj, missing=missing, depth=0, relation="alerting resource"))
    walk = _Walk(ctx, topology)
    walk.run(Visit(root, obj, Role.FOCUS, Via.START, 0, root))
    notes = [Gap(what="topology", reason=note) for note in ctx.notes]
    return topology, ctx.lookup.gaps + walk.gaps + notes


class _Walk:
    def __init__(self, ctx: WalkContext, topology: Topology) -> None:
        self.ctx = ctx
        self.topology = topology
        self.rules = ExpansionRules()
        self.gaps: list[Gap] = []
        self.dropped = 0

    def run(self, first: Visit) -> None:
        layer = [first]
        with ThreadPoolExecutor(max_workers=self.ctx.budget.max_workers) as pool:
            while layer:
                jobs = [(visit, expander) for visit in layer for expander in self.rules.expanders(visit)]
                if not jobs:
                    break
                if layer[0].depth >= self.ctx.budget.max_depth:
                    self.gaps.append(Gap(what="topology", reason=(
                        f"depth budget {self.ctx.budget.max_depth} reached; {len(layer)} resources not expanded")))
                    break
                results = list(pool.map(self._expand, jobs))
                next_layer: list[Visit] = []
                for (visit, _expander), found in zip(jobs, results, strict=True):
                    for item in found:
                        self._merge(visit, item, next_layer)
                layer = next_layer
        if self.dropped:
            self.gaps.append(Gap(what="topology", reason=(
                f"size budget {self.ctx.budget.max_nodes} reached; {self.dropped} resources left out")))

    def _expand(self, job: tuple[Visit, Expander]) -> list[Found]:
        visit, expander = job
        try:
            return expander(self.ctx, visit)
        except ReadFailed:
            return []  # the failed read is already a gap; the rest of the walk goes on
        except Exception as err:
            name = getattr(expander, "__name__", None) or getattr(getattr(expander, "func", None), "__name__", "?")
            self.gaps.append(Gap(what=f"topology expansion {name} of {visit.ref.key}",
                                 reason=f"{type(err).__name__}: {err}", resource=visit.ref))
            return []

    def _merge(self, visit: Visit, item: Found, next_layer: list[Visit]) -> None:
        if self.topology.get(item.ref) is None:
            if len(self.topology.nodes) >= self.ctx.budget.max_nodes:
                self.dropped += 1
                return
            depth = visit.depth + 1
            self.topology.add(TopologyNode(ref=item.ref, object=item.obj, missing=item.missing, depth=depth,
                                           relation=item.relation))
            if item.obj is not None:
                next_layer.append(Visit(item.ref, item.obj, item.role, item.via, depth, visit.root))
        edge = item.edge
        if self.topology.get(edge.source) is None or self.topology.get(edge.target) is None:
            return
        # One edge per pair and relation, except config uses: each names a different key or place.
        if edge.relation is not EdgeRelation.CONFIGURES and edge.target.key in self.topology.targets(
                edge.source, edge.relation):
            return
        self.topology.link(edge.source, edge.target, edge.relation, edge.detail)

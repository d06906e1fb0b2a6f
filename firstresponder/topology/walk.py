"""The vocabulary of the walk: a node being expanded (Visit) and what an expander found (Found)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from firstresponder.models.resource import ResourceRef
from firstresponder.models.topology import EdgeRelation
from firstresponder.topology.budget import TopologyBudget
from firstresponder.topology.lookup import Lookup


class Role(StrEnum):
    """Why a node is in the topology; decides how far the walk goes from it."""

    FOCUS = "focus"  # the alerting resource, its workload and pods
    DEPENDENCY = "dependency"  # a Service the focus pods call, and what backs it
    CONTEXT = "context"  # everything else (config, node, routing): expanded only where useful


class Via(StrEnum):
    """The direction the walk reached a node from."""

    START = "start"
    UP = "up"  # as an owner of the previous node
    DOWN = "down"  # as owned/selected by the previous node
    SIDE = "side"  # any other relation


@dataclass(frozen=True)
class Visit:
    """A node about to be expanded."""

    ref: ResourceRef
    obj: dict[str, Any] | None
    role: Role
    via: Via
    depth: int
    root: ResourceRef


@dataclass(frozen=True)
class Edge:
    source: ResourceRef
    target: ResourceRef
    relation: EdgeRelation
    detail: str = ""


@dataclass(frozen=True)
class Found:
    """A node reached by an expander (added unless present) and the edge that reached it."""

    ref: ResourceRef
    obj: dict[str, Any] | None
    relation: str  # human description of how it relates to the alerting resource
    edge: Edge
    role: Role = Role.CONTEXT
    via: Via = Via.SIDE
    missing: bool = False


@dataclass
class WalkContext:
    """What every expander may use: cached reads and the budget."""

    lookup: Lookup
    budget: TopologyBudget
    notes: list[str] = field(default_factory=list)


Expander = Callable[[WalkContext, Visit], list[Found]]


def follow_name(ctx: WalkContext, visit: Visit, name: object, kind: str, relation: EdgeRelation,
                why: str) -> list[Found]:
    """The cluster-scoped object a field names (spec.nodeName, spec.volumeName...), missing when not found."""
    if not name:
        return []
    obj = ctx.lookup.get(kind, str(name), None)
    ref = ResourceRef(kind=kind, name=str(name))
    return [Found(ref, obj, why, Edge(visit.ref, ref, relation), missing=obj is None)]

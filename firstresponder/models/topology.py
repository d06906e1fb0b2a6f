"""The typed graph of resources around the alerting one."""

from __future__ import annotations

from collections.abc import Iterator
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from firstresponder.models.resource import ResourceRef


class EdgeRelation(StrEnum):
    """How source relates to target; edges point from the referencing to the referenced."""

    OWNS = "owns"  # Deployment -> ReplicaSet -> Pod, CronJob -> Job -> Pod
    SELECTS = "selects"  # Service / PDB / NetworkPolicy -> Pod
    ENDPOINTS = "endpoints"  # Service -> Endpoints / EndpointSlice
    SCALES = "scales"  # HPA -> workload
    ROUTES_TO = "routes_to"  # Ingress -> Service
    USES_CLASS = "uses_class"  # Ingress -> IngressClass, PVC -> StorageClass
    TLS = "tls"  # Ingress -> Secret
    CONFIGURES = "configures"  # Pod -> ConfigMap / Secret (env, envFrom, volumes, imagePullSecrets)
    RUNS_AS = "runs_as"  # Pod -> ServiceAccount
    MOUNTS = "mounts"  # Pod -> PersistentVolumeClaim
    BINDS = "binds"  # PersistentVolumeClaim -> PersistentVolume
    SCHEDULED_ON = "scheduled_on"  # Pod -> Node
    CANDIDATE_NODE = "candidate_node"  # Pending Pod -> Node that could take it
    DEPENDS_ON = "depends_on"  # Pod/workload -> Service (in-cluster) or External host
    IN_NAMESPACE = "in_namespace"  # Namespace -> workload found unhealthy (namespace-wide start)


class TopologyNode(BaseModel):
    """One resource: its object as the API returned it (Secrets: no values), or a missing reference."""

    model_config = ConfigDict(extra="forbid")

    ref: ResourceRef
    object: dict[str, Any] | None = None  # None when missing or External
    missing: bool = False  # referenced by another object but not found (404)
    depth: int = 0  # hops from the alerting resource
    relation: str = "alerting resource"  # human description of the link to the root


class TopologyEdge(BaseModel):
    model_config = ConfigDict(extra="forbid")

    source: str  # ResourceRef.key
    target: str
    relation: EdgeRelation
    detail: str = ""  # e.g. "env DB_HOST (key DB_HOST)", "volume config", "port http -> 8080"


class Topology(BaseModel):
    """Resources reached from the root, with the edges that reached them."""

    model_config = ConfigDict(extra="forbid")

    root: ResourceRef
    nodes: dict[str, TopologyNode] = Field(default_factory=dict)
    edges: list[TopologyEdge] = Field(default_factory=list)

    def add(self, node: TopologyNode) -> TopologyNode:
        """Insert a node unless present; the first (shallowest) visit wins."""
        return self.nodes.setdefault(node.ref.key, node)

    def link(self, source: ResourceRef, target: ResourceRef, relation: EdgeRelation,
             detail: str = "") -> None:
        edge = TopologyEdge(source=source.key, target=target.key, relation=relation, detail=detail)
        if edge not in self.edges:
            self.edges.append(edge)

    def get(self, ref: ResourceRef | str) -> TopologyNode | None:
        return self.nodes.get(ref if isinstance(ref, str) else ref.key)

    def of_kind(self, kind: str) -> Iterator[TopologyNode]:
        return (n for n in self.nodes.values() if n.ref.kind == kind)

    def objects(self, kind: str) -> list[dict[str, Any]]:
        """Objects of one kind that exist (missing references excluded)."""
        return [n.object for n in self.of_kind(kind) if n.object is not None]

    def targets(self, source: ResourceRef | str, relation: EdgeRelation | None = None) -> list[str]:
        key = source if isinstance(source, str) else source.key
        return [e.target for e in self.edges
                if e.source == key and (relation is None or e.relation == relation)]

    def sources(self, target: ResourceRef | str, relation: EdgeRelation | None = None) -> list[str]:
        key = target if isinstance(target, str) else target.key
        return [e.source for e in self.edges
                if e.target == key and (relation is None or e.relation == relation)]

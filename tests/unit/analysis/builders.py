"""Hand-built EvidenceBundles: raw objects as `kubectl get -o json` prints them, plus typed facts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from firstresponder.models import (
    Alert,
    AlertSource,
    Change,
    EdgeRelation,
    Evidence,
    EvidenceBundle,
    Gap,
    ResourceRef,
    Topology,
    TopologyNode,
)
from firstresponder.models.evidence import (
    ChangeKind,
    ConfigFacts,
    ContainerStatusFacts,
    EventFacts,
    LogFacts,
    LogLine,
    PodStatusFacts,
    RolloutFacts,
    TerminationFacts,
    UsageFacts,
)

NS = "production"
MI_BYTES = 2**20
T0 = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)  # the alert starts here


def at(minutes: float) -> datetime:
    """A moment relative to the alert start (negative: before)."""
    return T0 + timedelta(minutes=minutes)


def container(name: str = "api", image: str = "registry.example.com/payments-api:1.4.2", *,
              memory_limit: str | None = "512Mi", memory_request: str | None = "256Mi",
              env: list[dict[str, Any]] | None = None, ports: list[dict[str, Any]] | None = None,
              **extra: Any) -> dict[str, Any]:
    resources: dict[str, Any] = {}
    if memory_limit:
        resources["limits"] = {"memory": memory_limit, "cpu": "500m"}
    if memory_request:
        resources["requests"] = {"memory": memory_request, "cpu": "250m"}
    spec = {"name": name, "image": image, "resources": resources,
            "ports": ports if ports is not None else [{"name": "http", "containerPort": 8080}]}
    if env:
        spec["env"] = env
    spec.update(extra)
    return spec


def env_from_configmap(var: str, configmap: str, key: str | None = None) -> dict[str, Any]:
    return {"name": var, "valueFrom": {"configMapKeyRef": {"name": configmap, "key": key or var}}}


def deployment(name: str, containers: list[dict[str, Any]], *, replicas: int = 2, revision: int = 1,
               labels: dict[str, str] | None = None) -> dict[str, Any]:
    labels = labels or {"app": name}
    return {
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": name, "namespace": NS,
                     "annotations": {"deployment.kubernetes.io/revision": str(revision)}},
        "spec": {"replicas": replicas, "selector": {"matchLabels": labels},
                 "template": {"metadata": {"labels": labels}, "spec": {"containers": containers}}},
        "status": {"replicas": replicas},
    }


def replicaset(name: str, deployment_name: str, containers: list[dict[str, Any]], revision: int,
               labels: dict[str, str]) -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1", "kind": "ReplicaSet",
        "metadata": {"name": name, "namespace": NS,
                     "annotations": {"deployment.kubernetes.io/revision": str(revision)},
                     "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment",
                                          "name": deployment_name, "controller": True}]},
        "spec": {"selector": {"matchLabels": labels},
                 "template": {"metadata": {"labels": labels}, "spec": {"containers": containers}}},
    }


def pod(name: str, replicaset_name: str, containers: list[dict[str, Any]], labels: dict[str, str], *,
        node: str = "ip-10-0-1-12") -> dict[str, Any]:
    return {
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": name, "namespace": NS, "labels": labels,
                     "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet",
                                          "name": replicaset_name, "controller": True}]},
        "spec": {"containers": containers, "nodeName": node},
        "status": {"phase": "Running"},
    }


def configmap(name: str, data: dict[str, str]) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "namespace": NS}, "data": data}


def crashed(exit_code: int = 1, reason: str | None = "Error", *, minutes: float = -1) -> TerminationFacts:
    return TerminationFacts(exit_code=exit_code, reason=reason, started_at=at(minutes - 0.5),
                            finished_at=at(minutes))


class BundleBuilder:
    """Collects objects, edges and facts; ``build()`` returns the EvidenceBundle."""

    def __init__(self, root: ResourceRef | None = None, *, alert_resource: ResourceRef | None = None) -> None:
        self.root = root or ResourceRef(kind="Deployment", namespace=NS, name="payments-api")
        self.alert_resource = alert_resource or self.root
        self.topology = Topology(root=self.root)
        self.evidence: list[Evidence] = []
        self.changes: list[Change] = []
        self.gaps: list[Gap] = []

    # --- topology -------------------------------------------------------------------------
    def add(self, obj: dict[str, Any], relation: str = "related", *, depth: int = 1) -> ResourceRef:
        ref = ResourceRef.of(obj)
        self.topology.add(TopologyNode(ref=ref, object=obj, depth=depth, relation=relation))
        return ref

    def missing(self, ref: ResourceRef) -> ResourceRef:
        self.topology.add(TopologyNode(ref=ref, missing=True, relation="referenced"))
        return ref

    def link(self, source: ResourceRef, target: ResourceRef, relation: EdgeRelation, detail: str = "") -> None:
        self.topology.link(source, target, relation, detail)

    def app(self, name: str = "payments-api", *, containers: list[dict[str, Any]] | None = None,
            pods: int = 2, revision: int = 1, rs_hash: str = "7d9f8") -> tuple[ResourceRef, list[ResourceRef]]:
        """A Deployment with its current ReplicaSet and pods, linked with OWNS edges."""
        containers = containers or [container()]
        labels = {"app": name}
        dep = self.add(deployment(name, containers, replicas=pods, revision=revision, labels=labels),
                       "alerting resource", depth=0)
        rs_name = f"{name}-{rs_hash}"
        rs = self.add(replicaset(rs_name, name, containers, revision, labels), "owned by the Deployment")
        self.link(dep, rs, EdgeRelation.OWNS)
        pod_refs = []
        for i in range(pods):
            ref = self.add(pod(f"{rs_name}-{'abcdefgh'[i % 8]}x{i}", rs_name, containers, labels), "pod", depth=2)
            self.link(rs, ref, EdgeRelation.OWNS)
            pod_refs.append(ref)
        return dep, pod_refs

    # --- evidence -------------------------------------------------------------------------
    def fact(self, resource: ResourceRef, facts: Any, *, summary: str = "", ev_id: str | None = None,
             when: datetime | None = None) -> str:
        ev_id = ev_id or f"ev-{facts.source.replace('.', '-')}-{resource.name}-{len(self.evidence)}"
        self.evidence.append(Evidence(id=ev_id, resource=resource, summary=summary or facts.source,
                                      at=when, facts=facts))
        return ev_id

    def container_status(self, pod_ref: ResourceRef, name: str = "api", **kw: Any) -> str:
        kw.setdefault("state", "running")
        kw.setdefault("ready", kw["state"] == "running" and not kw.get("waiting_reason"))
        return self.fact(pod_ref, ContainerStatusFacts(pod=pod_ref.name, container=name, **kw))

    def crashloop(self, pod_ref: ResourceRef, name: str = "api", term: TerminationFacts | None = None,
                  **kw: Any) -> str:
        kw.setdefault("limits", {"memory": "512Mi", "cpu": "500m"})
        kw.setdefault("requests", {"memory": "256Mi", "cpu": "250m"})
        return self.container_status(pod_ref, name, state="waiting", waiting_reason="CrashLoopBackOff",
                                     ready=False, restart_count=kw.pop("restart_count", 5),
                                     last_terminated=term or crashed(), **kw)

    def pod_status(self, pod_ref: ResourceRef, **kw: Any) -> str:
        kw.setdefault("phase", "Running")
        return self.fact(pod_ref, PodStatusFacts(pod=pod_ref.name, **kw))

    def logs(self, pod_ref: ResourceRef, lines: list[str], *, signatures: list[str] | None = None,
             hosts: list[str] | None = None, name: str = "api", previous: bool = True) -> str:
        log_lines = [LogLine(number=i + 1, text=t) for i, t in enumerate(lines)]
        return self.fact(pod_ref, LogFacts(pod=pod_ref.name, container=name, previous=previous,
                                           line_count=len(lines), first_error=log_lines[0] if log_lines else None,
                                           key_lines=log_lines, signatures=signatures or [], hosts=hosts or []))

    def usage(self, pod_ref: ResourceRef, memory_bytes: int, name: str = "api", **kw: Any) -> str:
        return self.fact(pod_ref, UsageFacts(pod=pod_ref.name, container=name, memory_bytes=memory_bytes, **kw))

    def event(self, involved: ResourceRef, reason: str, message: str, *, type: str = "Warning",
              first: float = -5, last: float = -1, count: int = 3) -> str:
        return self.fact(involved, EventFacts(involved=involved, type=type, reason=reason, message=message,
                                              count=count, first_seen=at(first), last_seen=at(last)))

    def config(self, name: str, *, values: dict[str, str], previous: dict[str, str] | None = None,
               changed: float | None = None, consumers: list[str] | None = None, kind: str = "ConfigMap",
               **kw: Any) -> str:
        ref = ResourceRef(kind=kind, namespace=NS, name=name)
        kw.setdefault("referenced_keys", sorted(values))
        facts = ConfigFacts(kind=kind, name=name, keys=sorted(values),
                            values=values if kind == "ConfigMap" else {}, previous_values=previous or {},
                            last_changed_at=at(changed) if changed is not None else None,
                            last_changed_by="kubectl-edit" if changed is not None else None,
                            consumers=consumers or [], **kw)
        return self.fact(ref, facts)

    def rollout(self, workload: ResourceRef, **kw: Any) -> str:
        return self.fact(workload, RolloutFacts(workload=workload, **kw))

    def change(self, resource: ResourceRef, minutes: float, kind: ChangeKind, summary: str,
               **kw: Any) -> Change:
        change = Change(at=at(minutes), resource=resource, kind=kind, summary=summary,
                        seconds_before_alert=-minutes * 60, **kw)
        self.changes.append(change)
        return change

    def gap(self, what: str, resource: ResourceRef | None, reason: str = "403 Forbidden") -> None:
        self.gaps.append(Gap(what=what, reason=reason, status=403, resource=resource))

    def build(self) -> EvidenceBundle:
        alert = Alert(source=AlertSource.ALERTMANAGER, name="KubePodCrashLooping",
                      title=f"{self.alert_resource.name} is crash looping", namespace=NS,
                      resource=self.alert_resource, starts_at=T0, fingerprint="fp-test")
        return EvidenceBundle(alert=alert, topology=self.topology, evidence=self.evidence,
                              changes=self.changes, gaps=self.gaps)

"""Alerts about one workload, its pods and its dependents form one incident; keys for de-duplication."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC
from urllib.parse import quote

from pydantic import AwareDatetime, BaseModel, ConfigDict

from firstresponder.intake.workloads import (
    workload_of_claim,
    workload_of_job,
    workload_of_pod,
    workload_of_replicaset,
)
from firstresponder.models.alert import Alert, AlertStatus
from firstresponder.models.resource import CLUSTER_SCOPED_KINDS, ResourceRef

SEVERITY_RANK = {"critical": 4, "error": 3, "high": 3, "warning": 2, "medium": 2, "info": 1, "low": 1}
# Kinds whose alerts establish a workload that a claim can belong to.
_WORKLOAD_KINDS = frozenset({"StatefulSet", "Pod", "Deployment", "DaemonSet"})
NO_WORKLOAD = "*"


class Incident(BaseModel):
    """Alerts grouped because they are about the same workload (or the same namespace/cluster)."""

    model_config = ConfigDict(extra="forbid")

    key: str
    cluster: str | None = None
    namespace: str | None = None
    workload: str  # workload name, ``Node:<name>`` for cluster-scoped kinds, ``*`` for namespace/cluster-wide
    status: AlertStatus
    severity: str
    starts_at: AwareDatetime
    alerts: list[Alert]
    resources: list[ResourceRef]


def workload_name(alert: Alert) -> str:
    """The workload an alert is about: pods and ReplicaSets fold into their Deployment, Jobs into their CronJob."""
    resource = alert.resource
    if resource is None:
        return NO_WORKLOAD
    if resource.kind in CLUSTER_SCOPED_KINDS:
        return f"{resource.kind}:{resource.name}"
    if resource.kind == "Pod":
        return workload_of_pod(resource.name)
    if resource.kind == "ReplicaSet":
        return workload_of_replicaset(resource.name)
    if resource.kind == "Job":
        return workload_of_job(resource.name)
    return resource.name


def incident_key(alert: Alert) -> str:
    """``cluster/namespace/workload`` (``-`` for an unknown part); each part URL-quoted."""
    return _key(*_parts(alert))


def dedup_key(alert: Alert) -> str:
    """One alert episode: the source's fingerprint and when it started (re-notifications share it)."""
    started = alert.starts_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"{alert.source.value}:{alert.fingerprint}:{started}"


def group_into_incidents(alerts: Iterable[Alert]) -> list[Incident]:
    """Incidents, earliest first; a StatefulSet's claim alerts (``<tpl>-<sts>-<N>``) join the StatefulSet's."""
    groups: dict[tuple[str | None, str | None, str], list[Alert]] = {}
    for alert in alerts:
        groups.setdefault(_parts(alert), []).append(alert)
    _attach_claims(groups)
    incidents = [_incident(parts, members) for parts, members in groups.items()]
    return sorted(incidents, key=lambda incident: (incident.starts_at, incident.key))


def _parts(alert: Alert) -> tuple[str | None, str | None, str]:
    cluster_scoped = alert.resource is not None and alert.resource.kind in CLUSTER_SCOPED_KINDS
    return alert.cluster, None if cluster_scoped else alert.namespace, workload_name(alert)


def _attach_claims(groups: dict[tuple[str | None, str | None, str], list[Alert]]) -> None:
    """Move groups made only of PVC alerts into the group of the StatefulSet that owns the claim."""
    for parts in list(groups):
        cluster, namespace, claim = parts
        if not all(a.resource is not None and a.resource.kind == "PersistentVolumeClaim" for a in groups[parts]):
            continue
        candidates = {workload for (c, n, workload), members in groups.items()
                      if (c, n) == (cluster, namespace) and workload != claim and _has_workload(members)}
        owner = workload_of_claim(claim, candidates)
        if owner is not None:
            groups[(cluster, namespace, owner)].extend(groups.pop(parts))


def _has_workload(members: list[Alert]) -> bool:
    return any(a.resource is not None and a.resource.kind in _WORKLOAD_KINDS for a in members)


def _incident(parts: tuple[str | None, str | None, str], members: list[Alert]) -> Incident:
    ordered = sorted(members, key=lambda alert: (alert.starts_at, alert.name))
    resources: list[ResourceRef] = []
    for alert in ordered:
        if alert.resource is not None and alert.resource not in resources:
            resources.append(alert.resource)
    firing = any(alert.status == AlertStatus.FIRING for alert in ordered)
    severity = max((alert.severity for alert in ordered), key=lambda s: SEVERITY_RANK.get(s.lower(), 0))
    cluster, namespace, workload = parts
    return Incident(key=_key(*parts), cluster=cluster, namespace=namespace, workload=workload,
                    status=AlertStatus.FIRING if firing else AlertStatus.RESOLVED, severity=severity,
                    starts_at=ordered[0].starts_at, alerts=ordered, resources=resources)


def _key(cluster: str | None, namespace: str | None, workload: str) -> str:
    return "/".join(quote(part or "-", safe=":*") for part in (cluster, namespace, workload))

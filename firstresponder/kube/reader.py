"""The read-only interface the investigation uses; implemented by ``gateway.KubeGateway``.

Objects are plain dicts exactly as the API serves them as JSON (camelCase keys, ``kind`` and
``apiVersion`` set on every item, as ``kubectl get -o json`` prints them). Secrets come back
with ``data``/``stringData`` values replaced by ``REDACTED`` (keys kept): values never leave
the gateway.
"""

from __future__ import annotations

from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict, Field

REDACTED = "<redacted by firstresponder>"

# Kinds the investigation reads, with the API group/version/plural a ClusterRole rule needs.
KIND_RESOURCES: dict[str, tuple[str, str, str, bool]] = {
    # kind: (group, version, plural, namespaced)
    "Pod": ("", "v1", "pods", True),
    "Service": ("", "v1", "services", True),
    "Endpoints": ("", "v1", "endpoints", True),
    "ConfigMap": ("", "v1", "configmaps", True),
    "Secret": ("", "v1", "secrets", True),
    "PersistentVolumeClaim": ("", "v1", "persistentvolumeclaims", True),
    "PersistentVolume": ("", "v1", "persistentvolumes", False),
    "ServiceAccount": ("", "v1", "serviceaccounts", True),
    "ResourceQuota": ("", "v1", "resourcequotas", True),
    "LimitRange": ("", "v1", "limitranges", True),
    "Node": ("", "v1", "nodes", False),
    "Namespace": ("", "v1", "namespaces", False),
    "Event": ("", "v1", "events", True),
    "ReplicaSet": ("apps", "v1", "replicasets", True),
    "Deployment": ("apps", "v1", "deployments", True),
    "StatefulSet": ("apps", "v1", "statefulsets", True),
    "DaemonSet": ("apps", "v1", "daemonsets", True),
    "Job": ("batch", "v1", "jobs", True),
    "CronJob": ("batch", "v1", "cronjobs", True),
    "EndpointSlice": ("discovery.k8s.io", "v1", "endpointslices", True),
    "Ingress": ("networking.k8s.io", "v1", "ingresses", True),
    "IngressClass": ("networking.k8s.io", "v1", "ingressclasses", False),
    "NetworkPolicy": ("networking.k8s.io", "v1", "networkpolicies", True),
    "StorageClass": ("storage.k8s.io", "v1", "storageclasses", False),
    "HorizontalPodAutoscaler": ("autoscaling", "v2", "horizontalpodautoscalers", True),
    "PodDisruptionBudget": ("policy", "v1", "poddisruptionbudgets", True),
    "PodMetrics": ("metrics.k8s.io", "v1beta1", "pods", True),
    "NodeMetrics": ("metrics.k8s.io", "v1beta1", "nodes", False),
}


def rbac_rule(kind: str, verb: str = "list", subresource: str | None = None) -> str:
    """The ClusterRole rule that would allow a read, as an operator would write it."""
    group, _version, plural, _ns = KIND_RESOURCES.get(kind, ("", "v1", kind.lower() + "s", True))
    resource = f"{plural}/{subresource}" if subresource else plural
    return f'apiGroups: ["{group}"], resources: ["{resource}"], verbs: ["{verb}"]'


class KubeApiError(Exception):
    """A failed read: carries what was asked and the HTTP status, for the report's gaps."""

    def __init__(self, *, status: int | None, reason: str, kind: str, verb: str,
                 namespace: str | None = None, name: str | None = None,
                 subresource: str | None = None, retry_after: float | None = None,
                 message: str | None = None) -> None:
        self.status = status
        self.reason = reason
        self.kind = kind
        self.verb = verb
        self.namespace = namespace
        self.name = name
        self.subresource = subresource
        self.retry_after = retry_after
        self.message = message  # the Status body's human-readable message, when the server sent one
        detail = f" ({message})" if message else ""
        super().__init__(f"{verb} {kind} {namespace or ''}/{name or ''}: {status} {reason}{detail}")

    @property
    def rbac_rule(self) -> str | None:
        if self.status != 403:
            return None
        return rbac_rule(self.kind, self.verb, self.subresource)


class ApiStats(BaseModel):
    """Counts of every call the gateway made, for reports and benchmarks."""

    model_config = ConfigDict(extra="forbid")

    requests: int = 0
    bytes: int = 0
    errors: dict[str, int] = Field(default_factory=dict)  # str(status) or "timeout"/"connection"


class ClusterReader(Protocol):
    """Read-only cluster access. No method here (or in any implementation) writes."""

    stats: ApiStats

    def get(self, kind: str, name: str, namespace: str | None = None) -> dict[str, Any] | None:
        """One object, or None when it does not exist (404). Other failures raise KubeApiError."""
        ...

    def list(self, kind: str, namespace: str | None = None, *, label_selector: str | None = None,
             field_selector: str | None = None, limit: int | None = None) -> list[dict[str, Any]]:
        """Objects of one kind (namespace None: all namespaces / cluster-scoped)."""
        ...

    def logs(self, namespace: str, pod: str, container: str, *, previous: bool = False,
             tail_lines: int | None = None, since_seconds: int | None = None,
             limit_bytes: int | None = None, timestamps: bool = False) -> str:
        """A container's log text. Raises KubeApiError (404/400 when there is no previous log)."""
        ...

    def metrics_available(self) -> bool:
        """Whether metrics.k8s.io is served."""
        ...

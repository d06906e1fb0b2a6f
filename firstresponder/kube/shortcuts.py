"""Typed shortcuts for the reads collectors make most, all delegating to ``get``/``list``."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from firstresponder.models.resource import ResourceRef

KubeObject = dict[str, Any]
KubeObjects = list[KubeObject]


def _selector(*terms: tuple[str, str | None]) -> str:
    return ",".join(f"{key}={value}" for key, value in terms if value)


class ReadShortcuts(ABC):
    """Mixin for any ``ClusterReader``: named reads instead of kind strings at call sites."""

    @abstractmethod
    def get(self, kind: str, name: str, namespace: str | None = None) -> KubeObject | None:
        """One object, or None when it does not exist."""

    @abstractmethod
    def list(self, kind: str, namespace: str | None = None, *, label_selector: str | None = None,
             field_selector: str | None = None, limit: int | None = None) -> KubeObjects:
        """Objects of one kind."""

    # Pods and what runs them
    def pod(self, namespace: str, name: str) -> KubeObject | None:
        """One pod."""
        return self.get("Pod", name, namespace)

    def pods(self, namespace: str | None = None, *, label_selector: str | None = None,
             field_selector: str | None = None) -> KubeObjects:
        """Pods in a namespace (None: all namespaces)."""
        return self.list("Pod", namespace, label_selector=label_selector, field_selector=field_selector)

    def pods_on_node(self, node: str) -> KubeObjects:
        """Pods scheduled on one node, across namespaces."""
        return self.list("Pod", None, field_selector=f"spec.nodeName={node}")

    def deployment(self, namespace: str, name: str) -> KubeObject | None:
        """One deployment."""
        return self.get("Deployment", name, namespace)

    def replicasets(self, namespace: str, *, label_selector: str | None = None) -> KubeObjects:
        """Replica sets in a namespace, optionally selected by label."""
        return self.list("ReplicaSet", namespace, label_selector=label_selector)

    def statefulset(self, namespace: str, name: str) -> KubeObject | None:
        """One stateful set."""
        return self.get("StatefulSet", name, namespace)

    def daemonset(self, namespace: str, name: str) -> KubeObject | None:
        """One daemon set."""
        return self.get("DaemonSet", name, namespace)

    def job(self, namespace: str, name: str) -> KubeObject | None:
        """One job."""
        return self.get("Job", name, namespace)

    def cronjob(self, namespace: str, name: str) -> KubeObject | None:
        """One cron job."""
        return self.get("CronJob", name, namespace)

    def hpas(self, namespace: str) -> KubeObjects:
        """Horizontal pod autoscalers in a namespace."""
        return self.list("HorizontalPodAutoscaler", namespace)

    def pdbs(self, namespace: str) -> KubeObjects:
        """Pod disruption budgets in a namespace."""
        return self.list("PodDisruptionBudget", namespace)

    # Networking
    def service(self, namespace: str, name: str) -> KubeObject | None:
        """One service."""
        return self.get("Service", name, namespace)

    def services(self, namespace: str, *, label_selector: str | None = None) -> KubeObjects:
        """Services in a namespace."""
        return self.list("Service", namespace, label_selector=label_selector)

    def endpoints(self, namespace: str, name: str) -> KubeObject | None:
        """The Endpoints object of a service."""
        return self.get("Endpoints", name, namespace)

    def endpoint_slices_for(self, namespace: str, service: str) -> KubeObjects:
        """EndpointSlices of one service (by the ``kubernetes.io/service-name`` label)."""
        return self.list("EndpointSlice", namespace, label_selector=f"kubernetes.io/service-name={service}")

    def ingresses(self, namespace: str) -> KubeObjects:
        """Ingresses in a namespace."""
        return self.list("Ingress", namespace)

    def network_policies(self, namespace: str) -> KubeObjects:
        """Network policies in a namespace."""
        return self.list("NetworkPolicy", namespace)

    # Configuration and storage
    def configmap(self, namespace: str, name: str) -> KubeObject | None:
        """One config map."""
        return self.get("ConfigMap", name, namespace)

    def secret(self, namespace: str, name: str) -> KubeObject | None:
        """One secret, values redacted (keys kept)."""
        return self.get("Secret", name, namespace)

    def service_account(self, namespace: str, name: str) -> KubeObject | None:
        """One service account."""
        return self.get("ServiceAccount", name, namespace)

    def pvc(self, namespace: str, name: str) -> KubeObject | None:
        """One persistent volume claim."""
        return self.get("PersistentVolumeClaim", name, namespace)

    def pv(self, name: str) -> KubeObject | None:
        """One persistent volume."""
        return self.get("PersistentVolume", name)

    def storage_class(self, name: str) -> KubeObject | None:
        """One storage class."""
        return self.get("StorageClass", name)

    def resource_quotas(self, namespace: str) -> KubeObjects:
        """Resource quotas in a namespace."""
        return self.list("ResourceQuota", namespace)

    def limit_ranges(self, namespace: str) -> KubeObjects:
        """Limit ranges in a namespace."""
        return self.list("LimitRange", namespace)

    # Cluster
    def node(self, name: str) -> KubeObject | None:
        """One node."""
        return self.get("Node", name)

    def nodes(self, *, label_selector: str | None = None) -> KubeObjects:
        """All nodes, optionally selected by label."""
        return self.list("Node", label_selector=label_selector)

    def namespace(self, name: str) -> KubeObject | None:
        """One namespace."""
        return self.get("Namespace", name)

    def events_for(self, ref: ResourceRef) -> KubeObjects:
        """Events whose ``involvedObject`` is ``ref`` (kind, name and namespace)."""
        selector = _selector(("involvedObject.kind", ref.kind), ("involvedObject.name", ref.name),
                             ("involvedObject.namespace", ref.namespace))
        return self.list("Event", ref.namespace, field_selector=selector)

    def events(self, namespace: str | None = None, *, field_selector: str | None = None) -> KubeObjects:
        """Events in a namespace (None: all namespaces)."""
        return self.list("Event", namespace, field_selector=field_selector)

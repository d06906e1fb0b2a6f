"""CloudWatch Container Insights dimensions and metric names → the Kubernetes resource an alarm is about."""

from __future__ import annotations

from collections.abc import Mapping

from firstresponder.intake.scope import Scope, checked_name, scope_for

# What each known metric is measured on; other names are classified by their prefix.
METRIC_LEVELS: dict[str, str] = {
    "pod_memory_utilization_over_pod_limit": "pod",
    "pod_cpu_utilization_over_pod_limit": "pod",
    "pod_number_of_container_restarts": "pod",
    "pod_cpu_utilization": "pod",
    "pod_memory_utilization": "pod",
    "pod_status_failed": "pod",
    "pod_status_pending": "pod",
    "container_restarts": "pod",
    "node_filesystem_utilization": "node",
    "node_cpu_utilization": "node",
    "node_memory_utilization": "node",
    "node_number_of_running_pods": "node",
    "node_status_condition_ready": "node",
    "service_number_of_running_pods": "service",
    "namespace_number_of_running_pods": "namespace",
    "cluster_failed_node_count": "cluster",
    "cluster_node_count": "cluster",
}
_PREFIX_LEVELS = (("pod_", "pod"), ("container_", "pod"), ("node_", "node"), ("service_", "service"),
                  ("namespace_", "namespace"), ("cluster_", "cluster"))

WORKLOAD_NOTE = ("Container Insights PodName {name} is the workload name, not a pod; assumed a Deployment "
                 "(it may be a StatefulSet or DaemonSet: topology resolves it)")


def is_container_insights(metric_namespace: str | None) -> bool:
    """True for ``ContainerInsights`` and ``ContainerInsights/Prometheus``."""
    return bool(metric_namespace) and (metric_namespace or "").startswith("ContainerInsights")


def metric_level(metric_name: str) -> str:
    """``pod``, ``node``, ``service``, ``namespace`` or ``cluster``; ``pod`` when unknown."""
    if metric_name in METRIC_LEVELS:
        return METRIC_LEVELS[metric_name]
    for prefix, level in _PREFIX_LEVELS:
        if metric_name.startswith(prefix):
            return level
    return "pod"


def container_insights_scope(metric_name: str, dimensions: Mapping[str, str]) -> Scope:
    """The resource named by the dimensions, read at the metric's level (a node metric names a Node)."""
    level = metric_level(metric_name)
    namespace = dimensions.get("Namespace")
    container = dimensions.get("ContainerName")
    if level == "node" and dimensions.get("NodeName"):
        return scope_for("Node", dimensions["NodeName"], None, origin="dimension NodeName")
    if level in ("pod", "service") and dimensions.get("FullPodName"):
        return scope_for("Pod", dimensions["FullPodName"], namespace, origin="dimension FullPodName",
                         container=container)
    if level in ("pod", "service") and dimensions.get("PodName"):
        note = WORKLOAD_NOTE.format(name=dimensions["PodName"])
        return scope_for("Deployment", dimensions["PodName"], namespace, origin="dimension PodName",
                         notes=[note])
    if level in ("pod", "service") and dimensions.get("Service"):
        return scope_for("Service", dimensions["Service"], namespace, origin="dimension Service")
    notes: list[str] = []
    scope = Scope(namespace=checked_name(namespace, "namespace", notes), notes=notes)
    where = f"namespace {scope.namespace}" if scope.namespace else "the cluster"
    scope.notes.append(f"{level} metric {metric_name} aggregated over {where}: no single resource")
    return scope

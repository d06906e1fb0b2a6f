"""The one registry: every collector by name, and which resource kinds each applies to."""

from __future__ import annotations

from collections.abc import Callable

from firstresponder.collectors import (
    alert,
    config,
    coredns,
    dependency,
    events,
    hpa,
    ingress,
    ingress_controller,
    jobs,
    limit_ranges,
    log_hosts,
    logs,
    namespace_health,
    network_policy,
    node,
    pod_status,
    pvc,
    quota,
    rollout,
    service,
    usage,
)
from firstresponder.collectors.context import CollectionContext
from firstresponder.models.evidence import CollectorResult
from firstresponder.models.resource import ResourceRef

Collector = Callable[[CollectionContext, ResourceRef], CollectorResult]

COLLECTORS: dict[str, Collector] = {
    pod_status.NAME: pod_status.collect_pod_status,
    logs.NAME: logs.collect_logs,
    usage.NAME: usage.collect_usage,
    events.NAME: events.collect_events,
    rollout.NAME: rollout.collect_rollout,
    jobs.NAME: jobs.collect_job,
    hpa.NAME: hpa.collect_hpa,
    config.NAME: config.collect_config,
    service.NAME: service.collect_service,
    ingress.NAME: ingress.collect_ingress,
    network_policy.NAME: network_policy.collect_network_policy,
    node.NAME: node.collect_node,
    pvc.NAME: pvc.collect_pvc,
    dependency.NAME: dependency.collect_dependency,
    quota.NAME: quota.collect_quota,
    namespace_health.NAME: namespace_health.collect_namespace_health,
    coredns.NAME: coredns.collect_coredns,
    alert.NAME: alert.collect_alert,
    log_hosts.NAME: log_hosts.collect_log_host,
    ingress_controller.NAME: ingress_controller.collect_ingress_controller,
    limit_ranges.NAME: limit_ranges.collect_limit_ranges,
}

# Topology kind -> collectors that read it (planning narrows some: logs for the pods that matter,
# config for objects pods use, events for the node the pods run on).
KIND_COLLECTORS: dict[str, tuple[str, ...]] = {
    "Pod": (pod_status.NAME, events.NAME, logs.NAME, usage.NAME),
    "Deployment": (rollout.NAME, events.NAME),
    "StatefulSet": (rollout.NAME, events.NAME),
    "DaemonSet": (rollout.NAME, events.NAME),
    "ReplicaSet": (events.NAME,),
    "Job": (jobs.NAME, events.NAME),
    "CronJob": (jobs.NAME, events.NAME),
    "HorizontalPodAutoscaler": (hpa.NAME, events.NAME),
    "ConfigMap": (config.NAME,),
    "Secret": (config.NAME,),
    "Service": (service.NAME,),
    "Ingress": (ingress.NAME, ingress_controller.NAME, events.NAME),
    "NetworkPolicy": (network_policy.NAME,),
    "Node": (node.NAME, events.NAME),
    "PersistentVolumeClaim": (pvc.NAME, events.NAME),
}
# Run once per investigation, on the alert's namespace.
NAMESPACE_COLLECTORS: tuple[str, ...] = (quota.NAME, limit_ranges.NAME, namespace_health.NAME)
# Run on every DEPENDS_ON target (Service, missing Service or External host).
DEPENDENCY_COLLECTORS: tuple[str, ...] = (dependency.NAME,)

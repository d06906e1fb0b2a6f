"""Which expanders run for a node, by kind, role and the direction it was reached from.

The focus (alerting resource, its workload and pods) is walked in full; dependencies only as far
as the pods and workload behind them; context nodes only where they lead somewhere useful
(a Service to its endpoints and Ingresses, an Ingress to its class and TLS, a claim to storage).
"""

from __future__ import annotations

from functools import partial

from firstresponder.topology import (
    cluster_scan,
    configuration,
    dependencies,
    ownership,
    placement,
    routing,
    selection,
    start,
    storage,
)
from firstresponder.topology.objects import controller_of, labels_of, pod_problem
from firstresponder.topology.walk import Expander, Role, Via, Visit


class ExpansionRules:
    """Chooses expanders; pods sharing one template get the full walk once (their specs are equal)."""

    def __init__(self) -> None:
        self._templates: set[tuple[str, str]] = set()

    def expanders(self, visit: Visit) -> list[Expander]:
        kind, role, via = visit.ref.kind, visit.role, visit.via
        if kind == cluster_scan.CLUSTER_KIND:
            return [cluster_scan.cluster_problems] if via is Via.START else []
        if visit.obj is None:
            return [start.probable_owners] if kind == "Pod" and via is Via.START else []
        if kind == "Namespace":
            return [start.unhealthy_workloads] if via is Via.START else []
        if kind == "Pod":
            return self._pod(visit)
        if kind == "ReplicaSet":
            if role is Role.FOCUS:
                return [ownership.owned_pods] if via is Via.DOWN else [ownership.owner_up, ownership.owned_pods]
            return [ownership.owner_up] if via is Via.UP else []
        if kind == "Deployment":
            return [ownership.deployment_replicasets, selection.scaling_autoscalers] if role is Role.FOCUS else []
        if kind in ("StatefulSet", "DaemonSet"):
            return [ownership.owned_pods, selection.scaling_autoscalers] if role is Role.FOCUS else []
        if kind == "Job":
            if role is Role.FOCUS:
                return [ownership.owned_pods] if via is Via.DOWN else [ownership.owner_up, ownership.owned_pods]
            return [ownership.owner_up] if via is Via.UP else []
        if kind == "CronJob":
            return [ownership.cronjob_jobs] if role is Role.FOCUS else []
        if kind == "Service":
            behind: list[Expander] = [selection.service_pods, selection.service_workloads]
            if role is Role.DEPENDENCY:
                return behind  # its endpoints are the dependency collector's job
            ends: list[Expander] = [selection.service_endpoints, routing.routing_ingresses]
            return [*behind, *ends] if role is Role.FOCUS else ends
        if kind == "Ingress":
            parts: list[Expander] = [routing.ingress_class, routing.ingress_tls_secrets]
            return [*parts, routing.ingress_services] if via is Via.START else parts
        if kind == "PersistentVolumeClaim":
            storage_parts: list[Expander] = [storage.bound_volume, storage.storage_class]
            return [*storage_parts, storage.mounting_pods] if via is Via.START else storage_parts
        if kind == "HorizontalPodAutoscaler" and via is Via.START:
            return [selection.scale_target]
        if kind == "Node" and via is Via.START:
            return [placement.node_pods]
        return []

    def _pod(self, visit: Visit) -> list[Expander]:
        if visit.role is Role.DEPENDENCY:
            return [ownership.owner_up, selection.selecting_policies]
        if visit.role is Role.CONTEXT:
            return [ownership.owner_up] if pod_problem(visit.obj or {}) else []
        up = [] if visit.via is Via.DOWN else [ownership.owner_up]
        if not self._claim_template(visit):
            return [*up, placement.scheduled_node]
        configs: list[Expander] = [
            partial(configuration.config_object, kind=kind, name=name, uses=uses)
            for (kind, name), uses in configuration.grouped_references(visit).items()]
        return [*up, placement.scheduled_node, placement.candidate_nodes, configuration.account,
                storage.claims, selection.selecting_services, selection.selecting_policies,
                selection.selecting_budgets, dependencies.dependencies, *configs]

    def _claim_template(self, visit: Visit) -> bool:
        """True for the first pod of a template (controller + template hash); later ones share its spec."""
        owner = controller_of(visit.obj or {})
        if owner is None:
            return True
        labels = labels_of(visit.obj or {})
        revision = labels.get("pod-template-hash") or labels.get("controller-revision-hash") or ""
        key = (str(owner.get("uid") or owner.get("name")), revision)
        if key in self._templates:
            return False
        self._templates.add(key)
        return True


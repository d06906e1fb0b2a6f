"""Builders for Kubernetes objects as the API serves them, and one realistic payments namespace."""

from __future__ import annotations

from typing import Any

NS = "production"
T0 = "2026-11-28T02:00:00Z"


def meta(name: str, ns: str | None = NS, *, labels: dict[str, str] | None = None, uid: str | None = None,
         owner: tuple[str, str, str] | None = None, created: str = T0, **extra: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"name": name, "uid": uid or f"uid-{name}", "creationTimestamp": created}
    if ns:
        out["namespace"] = ns
    if labels:
        out["labels"] = labels
    if owner:
        kind, owner_name, owner_uid = owner
        api = {"ReplicaSet": "apps/v1", "Deployment": "apps/v1", "StatefulSet": "apps/v1",
               "DaemonSet": "apps/v1", "Job": "batch/v1", "CronJob": "batch/v1"}[kind]
        out["ownerReferences"] = [{"apiVersion": api, "kind": kind, "name": owner_name, "uid": owner_uid,
                                   "controller": True}]
    out.update(extra)
    return out


def container(name: str = "api", image: str = "registry.example.com/payments-api:1.4.2", **extra: Any) -> dict[str, Any]:
    return {"name": name, "image": image, **extra}


def pod(name: str, *, ns: str = NS, labels: dict[str, str] | None = None, owner: tuple[str, str, str] | None = None,
        node: str | None = "node-a", spec: dict[str, Any] | None = None, phase: str = "Running",
        ready: bool = True, statuses: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    spec = dict(spec or {"containers": [container()]})
    if node:
        spec["nodeName"] = node
    names = [c["name"] for c in spec.get("containers", [])]
    return {
        "apiVersion": "v1", "kind": "Pod", "metadata": meta(name, ns, labels=labels, owner=owner), "spec": spec,
        "status": {
            "phase": phase,
            "conditions": [{"type": "Ready", "status": "True" if ready else "False"},
                           {"type": "PodScheduled", "status": "True" if node else "False"}],
            "containerStatuses": statuses if statuses is not None else [
                {"name": n, "ready": ready, "restartCount": 0, "image": "img",
                 "state": {"running": {"startedAt": T0}}} for n in names],
        },
    }


def crashing_status(name: str = "api", restarts: int = 5, exit_code: int = 1, reason: str = "Error") -> dict[str, Any]:
    return {"name": name, "ready": False, "restartCount": restarts, "image": "registry.example.com/payments-api:1.4.2",
            "state": {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 5m0s restarting failed container"}},
            "lastState": {"terminated": {"exitCode": exit_code, "reason": reason,
                                         "startedAt": "2026-11-28T02:55:00Z", "finishedAt": "2026-11-28T02:55:03Z"}}}


def deployment(name: str, *, ns: str = NS, labels: dict[str, str], spec: dict[str, Any], replicas: int = 2,
               ready: int = 2, revision: int = 1) -> dict[str, Any]:
    return {"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": meta(name, ns, labels=labels, annotations={"deployment.kubernetes.io/revision": str(revision)}),
            "spec": {"replicas": replicas, "selector": {"matchLabels": labels},
                     "template": {"metadata": {"labels": labels}, "spec": spec}},
            "status": {"replicas": replicas, "readyReplicas": ready, "availableReplicas": ready,
                       "updatedReplicas": replicas, "unavailableReplicas": replicas - ready}}


def replicaset(deploy: dict[str, Any], template_hash: str, revision: int, replicas: int,
               spec: dict[str, Any] | None = None, created: str = T0) -> dict[str, Any]:
    dname = deploy["metadata"]["name"]
    ns = deploy["metadata"]["namespace"]
    labels = {**deploy["spec"]["selector"]["matchLabels"], "pod-template-hash": template_hash}
    return {"apiVersion": "apps/v1", "kind": "ReplicaSet",
            "metadata": meta(f"{dname}-{template_hash}", ns, labels=labels, created=created,
                             owner=("Deployment", dname, deploy["metadata"]["uid"]),
                             annotations={"deployment.kubernetes.io/revision": str(revision)}),
            "spec": {"replicas": replicas, "selector": {"matchLabels": labels},
                     "template": {"metadata": {"labels": labels}, "spec": spec or deploy["spec"]["template"]["spec"]}},
            "status": {"replicas": replicas, "readyReplicas": replicas}}


def service(name: str, selector: dict[str, str] | None, *, ns: str = NS, port: int = 80,
            target_port: Any = "http") -> dict[str, Any]:
    spec: dict[str, Any] = {"type": "ClusterIP", "ports": [{"name": "web", "port": port, "targetPort": target_port}]}
    if selector is not None:
        spec["selector"] = selector
    return {"apiVersion": "v1", "kind": "Service", "metadata": meta(name, ns), "spec": spec}


def endpoint_slice(service_name: str, ready: int, not_ready: int = 0, *, ns: str = NS) -> dict[str, Any]:
    endpoints = [{"addresses": [f"10.0.0.{i}"], "conditions": {"ready": True}} for i in range(ready)]
    endpoints += [{"addresses": [f"10.0.1.{i}"], "conditions": {"ready": False}} for i in range(not_ready)]
    return {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
            "metadata": meta(f"{service_name}-abc12", ns, labels={"kubernetes.io/service-name": service_name}),
            "addressType": "IPv4", "endpoints": endpoints}


def config_map(name: str, data: dict[str, str], *, ns: str = NS, **meta_extra: Any) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta(name, ns, **meta_extra), "data": data}


def secret(name: str, keys: list[str], *, ns: str = NS, secret_type: str = "Opaque") -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Secret", "metadata": meta(name, ns), "type": secret_type,
            "data": {k: "c2VjcmV0" for k in keys}}


def node(name: str, *, ready: bool = True, labels: dict[str, str] | None = None,
         taints: list[dict[str, str]] | None = None, unschedulable: bool = False) -> dict[str, Any]:
    spec: dict[str, Any] = {}
    if taints:
        spec["taints"] = taints
    if unschedulable:
        spec["unschedulable"] = True
    return {"apiVersion": "v1", "kind": "Node", "metadata": meta(name, None, labels=labels or {}), "spec": spec,
            "status": {"conditions": [{"type": "Ready", "status": "True" if ready else "False",
                                       "lastTransitionTime": T0},
                                      {"type": "MemoryPressure", "status": "False", "lastTransitionTime": T0}],
                       "allocatable": {"cpu": "2", "memory": "8Gi", "pods": "110"}}}


def simple(kind: str, api: str, name: str, ns: str | None = NS, spec: dict[str, Any] | None = None,
           **extra: Any) -> dict[str, Any]:
    return {"apiVersion": api, "kind": kind, "metadata": meta(name, ns), "spec": spec or {}, **extra}


API_LABELS = {"app": "payments-api"}
API_SPEC: dict[str, Any] = {
    "serviceAccountName": "payments-api",
    "imagePullSecrets": [{"name": "regcred"}],
    "containers": [container(
        "api",
        ports=[{"name": "http", "containerPort": 8080}],
        env=[
            {"name": "DB_URL", "valueFrom": {"configMapKeyRef": {"name": "payments-config", "key": "DB_URL"}}},
            {"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "payments-secrets", "key": "DB_PASSWORD"}}},
            {"name": "FEATURE_FLAGS", "valueFrom": {"configMapKeyRef": {"name": "payments-config", "key": "FLAGS"}}},
            {"name": "REPORTING_URL", "value": "http://reporting-v2.production.svc.cluster.local:8080/v1"},
            {"name": "LOG_LEVEL", "value": "info"},
        ],
        envFrom=[{"configMapRef": {"name": "payments-env"}}],
        volumeMounts=[{"name": "files", "mountPath": "/etc/payments"}],
        resources={"requests": {"cpu": "250m", "memory": "256Mi"}, "limits": {"memory": "512Mi"}},
        livenessProbe={"httpGet": {"path": "/healthz", "port": "http"}, "periodSeconds": 10},
    )],
    "volumes": [{"name": "files", "configMap": {"name": "payments-files"}}],
}


def payments_cluster() -> list[dict[str, Any]]:
    """A production namespace: a crashing payments-api with its config, routing, db dependency and policies."""
    deploy = deployment("payments-api", labels=API_LABELS, spec=API_SPEC, replicas=2, ready=1, revision=3)
    current = replicaset(deploy, "7d9f8b6c5d", 3, 2)
    previous = replicaset(deploy, "5c6b7a8d9e", 2, 0, created="2026-11-27T10:00:00Z")
    oldest = replicaset(deploy, "44f5b6c7d8", 1, 0, created="2026-11-20T10:00:00Z")
    rs_owner = ("ReplicaSet", current["metadata"]["name"], current["metadata"]["uid"])
    pod_labels = {**API_LABELS, "pod-template-hash": "7d9f8b6c5d"}
    crashing = pod("payments-api-7d9f8b6c5d-x2x9z", labels=pod_labels, owner=rs_owner, spec=API_SPEC, ready=False,
                   statuses=[crashing_status()])
    healthy = pod("payments-api-7d9f8b6c5d-abcde", labels=pod_labels, owner=rs_owner, spec=API_SPEC, node="node-b")
    db_labels = {"app": "payments-db"}
    db = simple("StatefulSet", "apps/v1", "payments-db",
                spec={"replicas": 1, "serviceName": "payments-db", "selector": {"matchLabels": db_labels},
                      "template": {"metadata": {"labels": db_labels},
                                   "spec": {"containers": [container("postgres", "postgres:16")]}}},
                status={"replicas": 1, "readyReplicas": 1})
    db_pod = pod("payments-db-0", labels={**db_labels, "controller-revision-hash": "payments-db-6b"},
                 owner=("StatefulSet", "payments-db", db["metadata"]["uid"]),
                 spec={"containers": [container("postgres", "postgres:16", ports=[{"containerPort": 5432}])]})
    checkout = deployment("checkout", labels={"app": "checkout"}, spec={"containers": [container("web", "checkout:2")]},
                          replicas=3, ready=0)
    return [
        simple("Namespace", "v1", "production", None),
        deploy, current, previous, oldest, crashing, healthy,
        service("payments-api", API_LABELS),
        endpoint_slice("payments-api", 1, 1),
        simple("Ingress", "networking.k8s.io/v1", "payments", spec={
            "ingressClassName": "nginx",
            "tls": [{"hosts": ["pay.example.com"], "secretName": "payments-tls"}],
            "rules": [{"host": "pay.example.com", "http": {"paths": [
                {"path": "/", "pathType": "Prefix",
                 "backend": {"service": {"name": "payments-api", "port": {"number": 80}}}}]}}]}),
        simple("IngressClass", "networking.k8s.io/v1", "nginx", None, spec={"controller": "k8s.io/ingress-nginx"}),
        secret("payments-tls", ["tls.crt", "tls.key"], secret_type="kubernetes.io/tls"),
        config_map("payments-config", {
            "DB_URL": "postgres://app:hunter2@payments-db.production.svc:5432/payments",
            "PAYMENT_GATEWAY_URL": "https://api.stripe.com/v1",
        }),
        config_map("payments-env", {"CACHE_HOST": "payments-cache", "RETRIES": "3",
                                        "FRAUD_API": "https://fraud.vendor-api.com:8443/score"}),
        config_map("payments-files", {"application.yaml": "ledger:\n  url: http://ledger.finance.svc:9000\n"}),
        secret("payments-secrets", ["DB_PASSWORD"]),
        secret("regcred", [".dockerconfigjson"], secret_type="kubernetes.io/dockerconfigjson"),
        simple("ServiceAccount", "v1", "payments-api"),
        simple("HorizontalPodAutoscaler", "autoscaling/v2", "payments-api", spec={
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "payments-api"},
            "minReplicas": 2, "maxReplicas": 6}),
        simple("PodDisruptionBudget", "policy/v1", "payments-api", spec={
            "minAvailable": 1,
            "selector": {"matchExpressions": [{"key": "app", "operator": "In", "values": ["payments-api", "x"]}]}}),
        simple("NetworkPolicy", "networking.k8s.io/v1", "db-ingress", spec={
            "podSelector": {"matchLabels": db_labels}, "policyTypes": ["Ingress"],
            "ingress": [{"from": [{"podSelector": {"matchLabels": {"app": "ledger"}}}],
                         "ports": [{"protocol": "TCP", "port": 5432}]}]}),
        service("payments-db", db_labels, port=5432, target_port=5432),
        endpoint_slice("payments-db", 1),
        service("payments-cache", {"app": "payments-cache"}, port=6379, target_port=6379),
        db, db_pod,
        simple("Namespace", "v1", "finance", None),
        service("ledger", {"app": "ledger"}, ns="finance", port=9000, target_port=9000),
        checkout,
        node("node-a"), node("node-b"),
    ]


def unrelated_pods(count: int) -> list[dict[str, Any]]:
    """Pods that have nothing to do with payments-api, in its namespace and another one."""
    out = []
    for i in range(count):
        ns = NS if i % 2 else "batch"
        out.append(pod(f"worker-{i}", ns=ns, labels={"app": f"worker-{i % 17}"}, node=f"node-{'ab'[i % 2]}"))
    return out

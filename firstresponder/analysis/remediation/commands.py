"""kubectl command builders with real names and values; the product never runs them."""

from __future__ import annotations

import json
import shlex
from typing import Any, Literal

from firstresponder.models import ResourceRef

# Kind -> the resource name kubectl takes (also read back by the validator).
KUBECTL_RESOURCE: dict[str, str] = {
    "Pod": "pod", "Deployment": "deployment", "StatefulSet": "statefulset", "DaemonSet": "daemonset",
    "ReplicaSet": "replicaset", "Job": "job", "CronJob": "cronjob", "Service": "service",
    "ConfigMap": "configmap", "Secret": "secret", "Ingress": "ingress", "IngressClass": "ingressclass",
    "NetworkPolicy": "networkpolicy", "Node": "node", "PersistentVolumeClaim": "persistentvolumeclaim",
    "PersistentVolume": "persistentvolume", "StorageClass": "storageclass", "ResourceQuota": "resourcequota",
    "HorizontalPodAutoscaler": "horizontalpodautoscaler", "ServiceAccount": "serviceaccount", "Namespace": "namespace",
    "LimitRange": "limitrange",
    "Endpoints": "endpoints",
}
PatchType = Literal["merge", "strategic", "json"]


def kubectl(*args: str) -> str:
    """One shell-safe kubectl command line."""
    return shlex.join(["kubectl", *args])


def _target(ref: ResourceRef) -> list[str]:
    resource = f"{KUBECTL_RESOURCE.get(ref.kind, ref.kind.lower())}/{ref.name}"
    return [resource, "-n", ref.namespace] if ref.namespace else [resource]


def _compact(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


def patch(ref: ResourceRef, body: Any, patch_type: PatchType = "merge") -> str:
    return kubectl("patch", *_target(ref), "--type", patch_type, "-p", _compact(body))


def patch_configmap_data(ref: ResourceRef, values: dict[str, str]) -> str:
    return patch(ref, {"data": values}, "merge")


def patch_container(ref: ResourceRef, container: str, fields: dict[str, Any]) -> str:
    """Strategic merge into one container of a workload's pod template (containers merge by name)."""
    body = {"spec": {"template": {"spec": {"containers": [{"name": container, **fields}]}}}}
    return patch(ref, body, "strategic")


def set_memory_limit(ref: ResourceRef, container: str, limit: str) -> str:
    return patch_container(ref, container, {"resources": {"limits": {"memory": limit}}})


def set_image(ref: ResourceRef, container: str, image: str) -> str:
    return kubectl("set", "image", *_target(ref), f"{container}={image}")


def set_env(ref: ResourceRef, container: str, name: str, value: str) -> str:
    return kubectl("set", "env", *_target(ref), "-c", container, f"{name}={value}")


def rollout_restart(ref: ResourceRef) -> str:
    return kubectl("rollout", "restart", *_target(ref))


def rollout_undo(ref: ResourceRef, revision: int | None = None) -> str:
    extra = [f"--to-revision={revision}"] if revision is not None else []
    return kubectl("rollout", "undo", *_target(ref), *extra)


def rollout_status(ref: ResourceRef) -> str:
    return kubectl("rollout", "status", *_target(ref))


def scale(ref: ResourceRef, replicas: int) -> str:
    return kubectl("scale", *_target(ref), f"--replicas={replicas}")


def uncordon(node: str) -> str:
    return kubectl("uncordon", node)


def describe(ref: ResourceRef) -> str:
    return kubectl("describe", *_target(ref))


def get(ref: ResourceRef, *extra: str) -> str:
    return kubectl("get", *_target(ref), *extra)


def watch_pods(namespace: str | None, selector: str) -> str:
    ns = ["-n", namespace] if namespace else []
    return kubectl("get", "pods", *ns, "-l", selector, "-w")


def create_configmap(ref: ResourceRef, literals: dict[str, str] | None = None) -> str:
    pairs = [f"--from-literal={k}={v}" for k, v in (literals or {}).items()]
    return kubectl("create", "configmap", ref.name, "-n", ref.namespace or "default", *pairs)


def create_pull_secret(ref: ResourceRef, server: str) -> str:
    """A docker-registry Secret; the credentials are placeholders a human fills in."""
    return kubectl("create", "secret", "docker-registry", ref.name, "-n", ref.namespace or "default",
                   f"--docker-server={server}", "--docker-username=<user>", "--docker-password=<token>")


def logs(pod: ResourceRef, container: str | None = None, *, previous: bool = False) -> str:
    """Logs of a pod, or of one pod of a workload (``logs deployment/x`` picks one)."""
    extra = (["-c", container] if container else []) + (["--previous"] if previous else [])
    return kubectl("logs", *_target(pod), *extra, "--tail=50")

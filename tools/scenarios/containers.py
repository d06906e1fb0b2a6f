"""Container specs, probes and pod templates with the defaults the API server fills in."""

from __future__ import annotations

import copy
import json
from typing import Any

from tools.scenarios import ids
from tools.scenarios.cluster import Obj

ECR = "123456789012.dkr.ecr.eu-west-1.amazonaws.com"


def probe_http(path: str, port: int | str, *, initial: int | None = None, period: int = 10,
               timeout: int = 1, failure: int = 3, success: int = 1) -> Obj:
    probe: Obj = {"failureThreshold": failure, "httpGet": {"path": path, "port": port, "scheme": "HTTP"},
                  "periodSeconds": period, "successThreshold": success, "timeoutSeconds": timeout}
    if initial is not None:
        probe["initialDelaySeconds"] = initial
    return probe


def probe_tcp(port: int | str, *, initial: int | None = None, period: int = 10, timeout: int = 1,
              failure: int = 3) -> Obj:
    probe: Obj = {"failureThreshold": failure, "periodSeconds": period, "successThreshold": 1,
                  "tcpSocket": {"port": port}, "timeoutSeconds": timeout}
    if initial is not None:
        probe["initialDelaySeconds"] = initial
    return probe


def probe_exec(command: list[str], *, initial: int | None = None, period: int = 10, timeout: int = 1,
               failure: int = 3) -> Obj:
    probe: Obj = {"exec": {"command": command}, "failureThreshold": failure, "periodSeconds": period,
                  "successThreshold": 1, "timeoutSeconds": timeout}
    if initial is not None:
        probe["initialDelaySeconds"] = initial
    return probe


def env_value(name: str, value: str) -> Obj:
    return {"name": name, "value": value}


def env_from_configmap(name: str, configmap: str, key: str, *, optional: bool | None = None) -> Obj:
    ref: Obj = {"key": key, "name": configmap}
    if optional is not None:
        ref["optional"] = optional
    return {"name": name, "valueFrom": {"configMapKeyRef": ref}}


def env_from_secret(name: str, secret: str, key: str) -> Obj:
    return {"name": name, "valueFrom": {"secretKeyRef": {"key": key, "name": secret}}}


def env_field(name: str, path: str) -> Obj:
    return {"name": name, "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": path}}}


def container(name: str, image: str, *, ports: list[tuple[str, int]] | None = None,
              env: list[Obj] | None = None, env_from: list[Obj] | None = None,
              requests: dict[str, str] | None = None, limits: dict[str, str] | None = None,
              liveness: Obj | None = None, readiness: Obj | None = None, startup: Obj | None = None,
              command: list[str] | None = None, args: list[str] | None = None,
              mounts: list[Obj] | None = None, security_context: Obj | None = None,
              pull_policy: str | None = None) -> Obj:
    """A container as stored by the API server (defaults filled)."""
    spec: Obj = {"name": name, "image": image,
                 "imagePullPolicy": pull_policy or ("Always" if image.endswith(":latest") else "IfNotPresent"),
                 "resources": {}, "terminationMessagePath": "/dev/termination-log",
                 "terminationMessagePolicy": "File"}
    if ports:
        spec["ports"] = [{"containerPort": p, "name": n, "protocol": "TCP"} if n else
                         {"containerPort": p, "protocol": "TCP"} for n, p in ports]
    if env:
        spec["env"] = env
    if env_from:
        spec["envFrom"] = env_from
    if requests:
        spec["resources"]["requests"] = dict(requests)
    if limits:
        spec["resources"]["limits"] = dict(limits)
    for key, probe in (("livenessProbe", liveness), ("readinessProbe", readiness), ("startupProbe", startup)):
        if probe is not None:
            spec[key] = probe
    if command:
        spec["command"] = command
    if args:
        spec["args"] = args
    if mounts:
        spec["volumeMounts"] = mounts
    if security_context is not None:
        spec["securityContext"] = security_context
    return spec


def template(labels: dict[str, str], containers: list[Obj], *, volumes: list[Obj] | None = None,
             service_account: str | None = None, node_selector: dict[str, str] | None = None,
             tolerations: list[Obj] | None = None, security_context: Obj | None = None,
             image_pull_secrets: list[str] | None = None, init_containers: list[Obj] | None = None,
             affinity: Obj | None = None, grace: int = 30, annotations: dict[str, str] | None = None,
             restart_policy: str = "Always", priority_class: str | None = None) -> Obj:
    """A PodTemplateSpec as a Deployment/ReplicaSet/Job stores it."""
    meta: Obj = {"creationTimestamp": None, "labels": dict(labels)}
    if annotations:
        meta["annotations"] = dict(annotations)
    spec: Obj = {"containers": containers, "dnsPolicy": "ClusterFirst", "restartPolicy": restart_policy,
                 "schedulerName": "default-scheduler", "securityContext": security_context or {},
                 "terminationGracePeriodSeconds": grace}
    if volumes:
        spec["volumes"] = volumes
    if service_account:
        spec["serviceAccount"] = service_account
        spec["serviceAccountName"] = service_account
    if node_selector:
        spec["nodeSelector"] = node_selector
    if tolerations:
        spec["tolerations"] = tolerations
    if image_pull_secrets:
        spec["imagePullSecrets"] = [{"name": s} for s in image_pull_secrets]
    if init_containers:
        spec["initContainers"] = init_containers
    if affinity:
        spec["affinity"] = affinity
    if priority_class:
        spec["priorityClassName"] = priority_class
    return {"metadata": meta, "spec": spec}


def template_hash(tpl: Obj) -> str:
    """pod-template-hash / controller-revision-hash: stable for a template."""
    return ids.safe_suffix(10, json.dumps(tpl, sort_keys=True))


def with_changes(tpl: Obj, *, container: str | None = None, **changes: Any) -> Obj:
    """A copy of a template with one container's fields replaced (image, env, probes, ...)."""
    out = copy.deepcopy(tpl)
    for c in out["spec"]["containers"]:
        if container is None or c["name"] == container:
            for key, value in changes.items():
                if value is None:
                    c.pop(key, None)
                else:
                    c[key] = copy.deepcopy(value)
            break
    return out


def configmap_volume(name: str, configmap: str, *, optional: bool | None = None) -> Obj:
    src: Obj = {"defaultMode": 420, "name": configmap}
    if optional is not None:
        src["optional"] = optional
    return {"configMap": src, "name": name}


def secret_volume(name: str, secret: str) -> Obj:
    return {"name": name, "secret": {"defaultMode": 420, "secretName": secret}}


def pvc_volume(name: str, claim: str) -> Obj:
    return {"name": name, "persistentVolumeClaim": {"claimName": claim}}


def empty_dir(name: str) -> Obj:
    return {"emptyDir": {}, "name": name}


def mount(name: str, path: str, *, read_only: bool = False, sub_path: str | None = None) -> Obj:
    m: Obj = {"mountPath": path, "name": name}
    if read_only:
        m["readOnly"] = True
    if sub_path:
        m["subPath"] = sub_path
    return m

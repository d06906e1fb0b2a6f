"""Checks that an object is still sane after a proposed patch (what the API server would refuse, and more)."""

from __future__ import annotations

from typing import Any

from firstresponder.analysis.quantity import QuantityError, is_quantity, parse_quantity
from firstresponder.analysis.workloads import pod_spec

_POD_OWNERS = {"Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob"}


def _container_problems(container: dict[str, Any], known_ports: set[str | int]) -> list[str]:
    name = container.get("name", "?")
    problems: list[str] = []
    if not container.get("image"):
        problems.append(f"container {name!r} has no image")
    resources = container.get("resources") or {}
    for section in ("requests", "limits"):
        for resource, value in (resources.get(section) or {}).items():
            if not is_quantity(value):
                problems.append(f"container {name!r} {section}.{resource} {value!r} is not a quantity")
    for resource, request in (resources.get("requests") or {}).items():
        limit = (resources.get("limits") or {}).get(resource)
        try:
            if limit is not None and parse_quantity(request) > parse_quantity(limit):
                problems.append(f"container {name!r} requests {resource} {request} above its limit {limit}")
        except QuantityError:
            continue  # already reported above
    for probe_name in ("livenessProbe", "readinessProbe", "startupProbe"):
        probe = container.get(probe_name) or {}
        for handler in ("httpGet", "tcpSocket", "grpc"):
            port = (probe.get(handler) or {}).get("port")
            if port is None:
                continue
            if isinstance(port, int) and not 0 < port < 65536:
                problems.append(f"container {name!r} {probe_name} port {port} is out of range")
            elif isinstance(port, str) and port not in known_ports:
                problems.append(f"container {name!r} {probe_name} port {port!r} is not a declared port name")
    return problems


def pod_spec_problems(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """Containers keep their names and images, quantities parse, requests stay within limits."""
    old, new = pod_spec(before), pod_spec(after)
    problems: list[str] = []
    for field in ("containers", "initContainers"):
        old_names = [c.get("name") for c in old.get(field) or []]
        new_items = new.get(field) or []
        new_names = [c.get("name") for c in new_items]
        for added in [n for n in new_names if n not in old_names]:
            problems.append(f"no container named {added!r} in {before.get('kind')} "
                            f"{before.get('metadata', {}).get('name')} (has: {', '.join(map(str, old_names))})")
        if len(set(new_names)) != len(new_names):
            problems.append(f"duplicate {field} names after the patch")
        for container in new_items:
            ports: set[str | int] = {p.get("name") for p in container.get("ports") or [] if p.get("name")}
            problems += _container_problems(container, ports)
    if field_missing := [f for f in ("containers",) if old.get(f) and not new.get(f)]:
        problems.append(f"the patch removes {field_missing[0]}")
    return problems


def object_problems(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """Problems the patched object would have."""
    problems: list[str] = []
    for field in ("kind", "apiVersion"):
        if before.get(field) != after.get(field):
            problems.append(f"the patch changes {field}")
    if (before.get("metadata") or {}).get("name") != (after.get("metadata") or {}).get("name"):
        problems.append("the patch renames the object")
    kind = before.get("kind")
    if kind in _POD_OWNERS:
        problems += pod_spec_problems(before, after)
    spec = after.get("spec") or {}
    if "replicas" in spec and not (isinstance(spec["replicas"], int) and spec["replicas"] >= 0):
        problems.append(f"replicas {spec['replicas']!r} is not a non-negative integer")
    if kind in {"ConfigMap", "Secret"}:
        for key, value in (after.get("data") or {}).items():
            if not isinstance(value, str):
                problems.append(f"data.{key} must be a string")
    if kind == "Service":
        for port in spec.get("ports") or []:
            target = port.get("targetPort")
            if isinstance(target, int) and not 0 < target < 65536:
                problems.append(f"targetPort {target} is out of range")
    if kind == "HorizontalPodAutoscaler":
        low, high = spec.get("minReplicas", 1), spec.get("maxReplicas")
        if not isinstance(high, int) or high < low:
            problems.append(f"maxReplicas {high!r} is below minReplicas {low}")
    return problems

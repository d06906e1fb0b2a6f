"""Table columns and cells per kind, following the apiserver's printers (pkg/printers/internalversion)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from firstresponder.sim.ages import age

Cells = list[Any]


@dataclass(frozen=True)
class Column:
    name: str
    type: str = "string"
    priority: int = 0
    format: str = ""
    description: str = ""

    def definition(self) -> dict[str, Any]:
        return {"name": self.name, "type": self.type, "format": self.format,
                "description": self.description or self.name, "priority": self.priority}


@dataclass(frozen=True)
class Printer:
    columns: tuple[Column, ...]
    cells: Callable[[dict[str, Any], dt.datetime], Cells]


_NAME = Column("Name", format="name", description="Name must be unique within a namespace.")
_AGE = Column("Age", description="CreationTimestamp is a timestamp representing the server time when this "
                                 "object was created.")


def _get(obj: Any, *keys: str, default: Any = None) -> Any:
    for key in keys:
        obj = obj.get(key) if isinstance(obj, dict) else None
    return default if obj is None else obj


def _name(obj: dict[str, Any]) -> str:
    return str(_get(obj, "metadata", "name", default=""))


def _created(obj: dict[str, Any], now: dt.datetime) -> str:
    return age(_get(obj, "metadata", "creationTimestamp"), now)


def _none_if_empty(value: str) -> str:
    return value or "<none>"


def _pod_cells(pod: dict[str, Any], now: dt.datetime) -> Cells:
    containers = _get(pod, "spec", "containers", default=[])
    statuses = _get(pod, "status", "containerStatuses", default=[])
    ready = sum(1 for status in statuses if status.get("ready"))
    restarts = sum(int(status.get("restartCount") or 0) for status in statuses)
    last_restart = max((str(_get(s, "lastState", "terminated", "finishedAt", default="")) for s in statuses),
                       default="")
    restart_text = str(restarts)
    if restarts and last_restart:
        restart_text = f"{restarts} ({age(last_restart, now)} ago)"
    gates = _get(pod, "spec", "readinessGates", default=[])
    conditions = {c.get("type"): c.get("status") for c in _get(pod, "status", "conditions", default=[])}
    gate_text = "<none>"
    if gates:
        true_gates = sum(1 for g in gates if conditions.get(g.get("conditionType")) == "True")
        gate_text = f"{true_gates}/{len(gates)}"
    return [_name(pod), f"{ready}/{len(containers)}", pod_status_reason(pod), restart_text, _created(pod, now),
            _none_if_empty(_get(pod, "status", "podIP", default="")),
            _none_if_empty(_get(pod, "spec", "nodeName", default="")),
            _none_if_empty(_get(pod, "status", "nominatedNodeName", default="")), gate_text]


def pod_status_reason(pod: dict[str, Any]) -> str:
    """The STATUS column: phase, overridden by a waiting/terminated container's reason."""
    reason = str(_get(pod, "status", "reason", default="") or _get(pod, "status", "phase", default=""))
    init_statuses = _get(pod, "status", "initContainerStatuses", default=[])
    init_count = len(_get(pod, "spec", "initContainers", default=[]))
    for index, status in enumerate(init_statuses):
        terminated = _get(status, "state", "terminated")
        waiting = _get(status, "state", "waiting")
        if terminated and terminated.get("exitCode") == 0:
            continue
        if terminated:
            reason = "Init:" + (terminated.get("reason") or f"ExitCode:{terminated.get('exitCode')}")
        elif waiting and waiting.get("reason") and waiting.get("reason") != "PodInitializing":
            reason = "Init:" + waiting["reason"]
        else:
            reason = f"Init:{index}/{init_count}"
        return reason
    has_running = False
    for status in reversed(_get(pod, "status", "containerStatuses", default=[])):
        waiting = _get(status, "state", "waiting")
        terminated = _get(status, "state", "terminated")
        if waiting and waiting.get("reason"):
            reason = waiting["reason"]
        elif terminated and terminated.get("reason"):
            reason = terminated["reason"]
        elif terminated:
            signal = terminated.get("signal")
            reason = f"Signal:{signal}" if signal else f"ExitCode:{terminated.get('exitCode')}"
        elif _get(status, "state", "running") is not None and status.get("ready"):
            has_running = True
    if reason == "Completed" and has_running:
        ready = any(c.get("type") == "Ready" and c.get("status") == "True"
                    for c in _get(pod, "status", "conditions", default=[]))
        reason = "Running" if ready else "NotReady"
    if _get(pod, "metadata", "deletionTimestamp"):
        reason = "Unknown" if _get(pod, "status", "reason") == "NodeLost" else "Terminating"
    return reason


def _containers_and_images(template_spec: dict[str, Any]) -> tuple[str, str]:
    containers = template_spec.get("containers") or []
    return (",".join(str(c.get("name", "")) for c in containers),
            ",".join(str(c.get("image", "")) for c in containers))


def _selector_text(selector: Any) -> str:
    if not isinstance(selector, dict):
        return "<none>"
    parts = [f"{key}={value}" for key, value in sorted((selector.get("matchLabels") or {}).items())]
    for expression in selector.get("matchExpressions") or []:
        operator = str(expression.get("operator", "")).lower()
        key = expression.get("key")
        if operator in ("in", "notin"):
            parts.append(f"{key} {operator} ({','.join(expression.get('values') or [])})")
        else:
            parts.append(str(key) if operator == "exists" else f"!{key}")
    return ",".join(parts) or "<none>"


def _deployment_cells(obj: dict[str, Any], now: dt.datetime) -> Cells:
    containers, images = _containers_and_images(_get(obj, "spec", "template", "spec", default={}))
    status = obj.get("status") or {}
    return [_name(obj), f"{status.get('readyReplicas', 0)}/{_get(obj, 'spec', 'replicas', default=1)}",
            int(status.get("updatedReplicas", 0)), int(status.get("availableReplicas", 0)), _created(obj, now),
            containers, images, _selector_text(_get(obj, "spec", "selector"))]


def _replicaset_cells(obj: dict[str, Any], now: dt.datetime) -> Cells:
    containers, images = _containers_and_images(_get(obj, "spec", "template", "spec", default={}))
    status = obj.get("status") or {}
    return [_name(obj), int(_get(obj, "spec", "replicas", default=1)), int(status.get("replicas", 0)),
            int(status.get("readyReplicas", 0)), _created(obj, now), containers, images,
            _selector_text(_get(obj, "spec", "selector"))]


def _service_cells(obj: dict[str, Any], now: dt.datetime) -> Cells:
    spec = obj.get("spec") or {}
    service_type = str(spec.get("type") or "ClusterIP")
    external = list(spec.get("externalIPs") or [])
    if service_type == "LoadBalancer":
        ingress = _get(obj, "status", "loadBalancer", "ingress", default=[])
        external += [str(i.get("ip") or i.get("hostname")) for i in ingress if i.get("ip") or i.get("hostname")]
        external_text = ",".join(external) or "<pending>"
    elif service_type == "ExternalName":
        external_text = str(spec.get("externalName") or "<none>")
    else:
        external_text = ",".join(external) or "<none>"
    ports = []
    for port in spec.get("ports") or []:
        node_port = f":{port['nodePort']}" if port.get("nodePort") else ""
        ports.append(f"{port.get('port')}{node_port}/{port.get('protocol', 'TCP')}")
    selector = spec.get("selector") or {}
    return [_name(obj), service_type, spec.get("clusterIP") or "<none>", external_text,
            ",".join(ports) or "<none>", _created(obj, now),
            ",".join(f"{k}={v}" for k, v in sorted(selector.items())) or "<none>"]


def _event_cells(event: dict[str, Any], now: dt.datetime) -> Cells:
    first = event.get("firstTimestamp") or event.get("eventTime")
    last = event.get("lastTimestamp") or _get(event, "series", "lastObservedTime") or event.get("eventTime")
    count = int(event.get("count") or _get(event, "series", "count", default=1) or 1)
    interval = age(last, now)
    if count > 1:
        interval = f"{interval} (x{count} over {age(first, now)})"
    involved = event.get("involvedObject") or {}
    source = event.get("source") or {}
    source_text = ", ".join(str(v) for v in (source.get("component") or event.get("reportingComponent"),
                                              source.get("host")) if v)
    return [interval, event.get("type", ""), event.get("reason", ""),
            f"{str(involved.get('kind', '')).lower()}/{involved.get('name', '')}", involved.get("fieldPath", ""),
            source_text, str(event.get("message", "")).strip(), age(first, now), count, _name(event)]


def _node_cells(node: dict[str, Any], now: dt.datetime) -> Cells:
    ready = [c.get("status") for c in _get(node, "status", "conditions", default=[]) if c.get("type") == "Ready"]
    status = {"True": "Ready", "False": "NotReady"}.get(ready[0] if ready else "", "Unknown")
    if _get(node, "spec", "unschedulable"):
        status += ",SchedulingDisabled"
    labels = _get(node, "metadata", "labels", default={})
    roles = sorted(key.split("/", 1)[1] for key in labels
                   if key.startswith("node-role.kubernetes.io/") and "/" in key)
    if labels.get("kubernetes.io/role"):
        roles.append(labels["kubernetes.io/role"])
    addresses = _get(node, "status", "addresses", default=[])
    internal = next((a.get("address") for a in addresses if a.get("type") == "InternalIP"), "<none>")
    external = next((a.get("address") for a in addresses if a.get("type") == "ExternalIP"), "<none>")
    info = _get(node, "status", "nodeInfo", default={})
    return [_name(node), status, ",".join(roles) or "<none>", _created(node, now), info.get("kubeletVersion", ""),
            internal, external, info.get("osImage", "<unknown>"), info.get("kernelVersion", "<unknown>"),
            info.get("containerRuntimeVersion", "<unknown>")]


def _data_count(obj: dict[str, Any]) -> int:
    return len(obj.get("data") or {}) + len(obj.get("binaryData") or {})


_WIDE = 1
PRINTERS: dict[str, Printer] = {
    "Pod": Printer((_NAME, Column("Ready"), Column("Status"), Column("Restarts"), _AGE,
                    Column("IP", priority=_WIDE), Column("Node", priority=_WIDE),
                    Column("Nominated Node", priority=_WIDE), Column("Readiness Gates", priority=_WIDE)),
                   _pod_cells),
    "Deployment": Printer((_NAME, Column("Ready"), Column("Up-to-date", "integer"),
                           Column("Available", "integer"), _AGE, Column("Containers", priority=_WIDE),
                           Column("Images", priority=_WIDE), Column("Selector", priority=_WIDE)),
                          _deployment_cells),
    "ReplicaSet": Printer((_NAME, Column("Desired", "integer"), Column("Current", "integer"),
                           Column("Ready", "integer"), _AGE, Column("Containers", priority=_WIDE),
                           Column("Images", priority=_WIDE), Column("Selector", priority=_WIDE)),
                          _replicaset_cells),
    "Service": Printer((_NAME, Column("Type"), Column("Cluster-IP"), Column("External-IP"), Column("Port(s)"),
                        _AGE, Column("Selector", priority=_WIDE)), _service_cells),
    "Event": Printer((Column("Last Seen"), Column("Type"), Column("Reason"), Column("Object"),
                      Column("Subobject", priority=_WIDE), Column("Source", priority=_WIDE), Column("Message"),
                      Column("First Seen", priority=_WIDE), Column("Count", "integer", priority=_WIDE),
                      Column("Name", priority=_WIDE, format="name")), _event_cells),
    "Node": Printer((_NAME, Column("Status"), Column("Roles"), _AGE, Column("Version"),
                     Column("Internal-IP", priority=_WIDE), Column("External-IP", priority=_WIDE),
                     Column("OS-Image", priority=_WIDE), Column("Kernel-Version", priority=_WIDE),
                     Column("Container-Runtime", priority=_WIDE)), _node_cells),
    "ConfigMap": Printer((_NAME, Column("Data", "integer"), _AGE),
                         lambda obj, now: [_name(obj), _data_count(obj), _created(obj, now)]),
    "Secret": Printer((_NAME, Column("Type"), Column("Data", "integer"), _AGE),
                      lambda obj, now: [_name(obj), obj.get("type", ""), _data_count(obj), _created(obj, now)]),
    "Namespace": Printer((_NAME, Column("Status"), _AGE),
                         lambda obj, now: [_name(obj), _get(obj, "status", "phase", default=""),
                                           _created(obj, now)]),
}
GENERIC_PRINTER = Printer((_NAME, _AGE), lambda obj, now: [_name(obj), _created(obj, now)])


def printer_for(kind: str) -> Printer:
    """The kind's printer, or the NAME/AGE fallback."""
    return PRINTERS.get(kind, GENERIC_PRINTER)

"""The in-memory scenario: a clock, the objects, the logs; and its writer in the snapshot format."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from tools.scenarios import ids

Obj = dict[str, Any]

# Which objects/<file>.yaml each kind is written to, grouped as `kubectl get <kinds> -A -o yaml` would be.
FILE_OF_KIND = {
    "Namespace": "namespaces", "Node": "nodes",
    "Pod": "pods", "ReplicaSet": "workloads", "Deployment": "workloads", "StatefulSet": "workloads",
    "DaemonSet": "workloads", "Job": "jobs", "CronJob": "jobs",
    "Service": "services", "Endpoints": "endpoints", "EndpointSlice": "endpointslices",
    "ConfigMap": "config", "Secret": "config", "ServiceAccount": "config",
    "Ingress": "ingress", "IngressClass": "ingress", "NetworkPolicy": "networkpolicies",
    "PersistentVolumeClaim": "storage", "PersistentVolume": "storage", "StorageClass": "storage",
    "HorizontalPodAutoscaler": "autoscaling", "PodDisruptionBudget": "policy",
    "ResourceQuota": "quotas", "LimitRange": "quotas", "Event": "events",
    "PodMetrics": "metrics", "NodeMetrics": "metrics",
}


class Cluster:
    """One scenario's cluster as captured at ``now``: objects are plain dicts as the API serves them."""

    def __init__(self, slug: str, now: datetime, *, name: str = "prod-eu1",
                 region: str | None = "eu-west-1") -> None:
        self.slug = slug
        self.now = now
        self.name = name
        self.region = region
        self.objects: list[Obj] = []
        self.logs: dict[tuple[str, str, str, bool], str] = {}
        self._rv = 4_810_000 + ids.number(0, 900_000, slug)
        self.finalizers: list[Callable[[Cluster], None]] = []
        # Per-object hints for status finalizers (keyed by uid), never written out.
        self.hints: dict[str, dict[str, Any]] = {}
        # Files to write as a plain YAML stream of objects instead of a v1 List.
        self.stream_files: set[str] = set()

    # ----- clock -----
    def ago(self, *, days: float = 0, hours: float = 0, minutes: float = 0, seconds: float = 0) -> datetime:
        return self.now - timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)

    # ----- identity -----
    def uid(self, kind: str, namespace: str | None, name: str) -> str:
        return ids.uid(self.slug, kind, namespace or "", name)

    def next_rv(self) -> str:
        self._rv += ids.number(1, 997, self.slug, self._rv)
        return str(self._rv)

    # ----- objects -----
    def add(self, obj: Obj) -> Obj:
        self.objects.append(obj)
        return obj

    def find(self, kind: str, name: str, namespace: str | None = None) -> Obj:
        for obj in self.objects:
            meta = obj["metadata"]
            if obj["kind"] == kind and meta["name"] == name and meta.get("namespace") == namespace:
                return obj
        raise KeyError(f"{kind}/{namespace}/{name}")

    def of_kind(self, kind: str, namespace: str | None = None) -> list[Obj]:
        return [o for o in self.objects if o["kind"] == kind
                and (namespace is None or o["metadata"].get("namespace") == namespace)]

    def remove(self, kind: str, name: str, namespace: str | None = None) -> None:
        self.objects.remove(self.find(kind, name, namespace))

    def log(self, namespace: str, pod: str, container: str, text: str, *, previous: bool = False) -> None:
        self.logs[(namespace, pod, container, previous)] = text if text.endswith("\n") else text + "\n"

    # ----- output -----
    def finalize(self) -> None:
        for step in self.finalizers:
            step(self)

    def write(self, directory: Path, *, alert: Obj | None = None, expected: Obj | None = None) -> None:
        """Write snapshot.yaml, objects/*.yaml, logs/** (and alert.json / expected.yaml when given)."""
        directory.mkdir(parents=True, exist_ok=True)
        snapshot: Obj = {"capturedAt": ids.ts(self.now), "cluster": self.name}
        if self.region:
            snapshot["region"] = self.region
        _write_yaml(directory / "snapshot.yaml", snapshot)
        by_file: dict[str, list[Obj]] = {}
        for obj in self.objects:
            by_file.setdefault(FILE_OF_KIND[obj["kind"]], []).append(obj)
        for fname, objs in sorted(by_file.items()):
            path = directory / "objects" / f"{fname}.yaml"
            path.parent.mkdir(parents=True, exist_ok=True)
            ordered = sorted(objs, key=_kubectl_order)
            if fname in self.stream_files:
                path.write_text(yaml_stream(ordered))
            else:
                path.write_text(dump_yaml(as_list(ordered)))
        for (ns, pod, container, previous), text in sorted(self.logs.items()):
            suffix = ".previous.log" if previous else ".log"
            path = directory / "logs" / ns / pod / f"{container}{suffix}"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        if alert is not None:
            (directory / "alert.json").write_text(json.dumps(alert, indent=2) + "\n")
        if expected is not None:
            _write_yaml(directory / "expected.yaml", expected, sort=False)


_KIND_ORDER = list(FILE_OF_KIND)


def _kubectl_order(obj: Obj) -> tuple[int, str, str]:
    meta = obj["metadata"]
    return (_KIND_ORDER.index(obj["kind"]), meta.get("namespace") or "", meta["name"])


def as_list(items: Iterable[Obj]) -> Obj:
    """A v1 List exactly as ``kubectl get ... -o yaml`` wraps several objects."""
    return {"apiVersion": "v1", "items": list(items), "kind": "List", "metadata": {"resourceVersion": ""}}


class _Dumper(yaml.SafeDumper):
    """Block style, kubectl-like: sorted keys, no line folding, literal blocks for multi-line strings."""

    def ignore_aliases(self, data: Any) -> bool:
        return True  # kubectl never prints anchors/aliases (and the snapshot reader refuses them)


def _str_representer(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    if "\n" in data:
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", data)


_Dumper.add_representer(str, _str_representer)


def dump_yaml(data: Any, *, sort: bool = True) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=sort, default_flow_style=False, width=10_000,
                     allow_unicode=True)


def yaml_stream(objs: Iterable[Obj]) -> str:
    return "".join("---\n" + dump_yaml(o) for o in objs)


def _write_yaml(path: Path, data: Any, *, sort: bool = True) -> None:
    path.write_text(dump_yaml(data, sort=sort))

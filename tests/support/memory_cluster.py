"""An in-memory ClusterReader over a list of object dicts and log texts, counting every request.

Label selectors (equality, ``!=``, ``in``, ``notin``, exists, ``!key``) and field selectors (any
dotted path with ``=``/``==``/``!=``) are evaluated here independently of the product's own
selector code, so a wrong selector string in the product fails the tests.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from firstresponder.kube.reader import REDACTED, ApiStats, KubeApiError
from firstresponder.snapshot import load_snapshot

CLUSTER_SCOPED = {"Node", "Namespace", "PersistentVolume", "StorageClass", "IngressClass", "NodeMetrics"}


class MemoryCluster:
    """ClusterReader over plain dicts. ``failures`` maps kind -> HTTP status every read of it gets."""

    def __init__(self, objects: Iterable[dict[str, Any]] = (), *, logs: dict[str, str] | None = None,
                 failures: dict[str, int] | None = None, metrics: bool = False) -> None:
        self.objects: list[dict[str, Any]] = [dict(o) for o in objects]
        # "ns/pod/container" and "ns/pod/container.previous" -> text (the snapshot's logs/ layout)
        self.log_texts: dict[str, str] = dict(logs or {})
        self.failures: dict[str, int] = dict(failures or {})
        self.metrics = metrics
        self.stats = ApiStats()
        self.calls: list[tuple[str, ...]] = []
        self._lock = threading.Lock()

    @classmethod
    def from_snapshot(cls, directory: Path, **kwargs: Any) -> MemoryCluster:
        """A snapshot directory (objects/*.yaml, logs/...) served from memory; metrics when it has PodMetrics."""
        snapshot = load_snapshot(directory)
        logs = {f"{k.namespace}/{k.pod}/{k.container}" + (".previous" if k.previous else ""): text
                for k, text in snapshot.logs.items()}
        kwargs.setdefault("metrics", any(o.get("kind") == "PodMetrics" for o in snapshot.objects))
        return cls(snapshot.objects, logs=logs, **kwargs)

    def add(self, *objects: dict[str, Any]) -> None:
        self.objects.extend(objects)

    def _count(self, *call: str) -> None:
        with self._lock:
            self.stats.requests += 1
            self.calls.append(call)

    def _fail_if_configured(self, kind: str, verb: str, namespace: str | None, name: str | None,
                            subresource: str | None = None) -> None:
        key = f"{kind}/{subresource}" if subresource else kind
        status = self.failures.get(key)
        if status is not None:
            with self._lock:
                self.stats.errors[str(status)] = self.stats.errors.get(str(status), 0) + 1
            raise KubeApiError(status=status, reason="Forbidden" if status == 403 else "Error", kind=kind,
                               verb=verb, namespace=namespace, name=name, subresource=subresource)

    def get(self, kind: str, name: str, namespace: str | None = None) -> dict[str, Any] | None:
        self._count("get", kind, namespace or "", name)
        self._fail_if_configured(kind, "get", namespace, name)
        for obj in self.objects:
            meta = obj.get("metadata", {})
            if obj.get("kind") == kind and meta.get("name") == name and (
                    kind in CLUSTER_SCOPED or meta.get("namespace") == namespace):
                return _served(obj)
        return None

    def list(self, kind: str, namespace: str | None = None, *, label_selector: str | None = None,
             field_selector: str | None = None, limit: int | None = None) -> list[dict[str, Any]]:
        self._count("list", kind, namespace or "", label_selector or "", field_selector or "")
        self._fail_if_configured(kind, "list", namespace, None)
        out = []
        for obj in self.objects:
            if obj.get("kind") != kind:
                continue
            if namespace and kind not in CLUSTER_SCOPED and obj.get("metadata", {}).get("namespace") != namespace:
                continue
            if label_selector and not labels_match(label_selector, obj.get("metadata", {}).get("labels") or {}):
                continue
            if field_selector and not fields_match(field_selector, obj):
                continue
            out.append(_served(obj))
        return out[:limit] if limit else out

    def logs(self, namespace: str, pod: str, container: str, *, previous: bool = False,
             tail_lines: int | None = None, since_seconds: int | None = None,
             limit_bytes: int | None = None, timestamps: bool = False) -> str:
        self._count("logs", namespace, pod, container, "previous" if previous else "current")
        self._fail_if_configured("Pod", "get", namespace, pod, "log")
        key = f"{namespace}/{pod}/{container}" + (".previous" if previous else "")
        if key not in self.log_texts:
            raise KubeApiError(status=400 if previous else 404, reason="Bad Request", kind="Pod", verb="get",
                               namespace=namespace, name=pod, subresource="log")
        text = self.log_texts[key]
        if tail_lines is not None:
            text = "".join(text.splitlines(keepends=True)[-tail_lines:])
        if limit_bytes is not None:
            text = text.encode()[:limit_bytes].decode(errors="ignore")
        return text

    def metrics_available(self) -> bool:
        self._count("discovery", "metrics.k8s.io")
        return self.metrics

    def count(self, verb: str | None = None, kind: str | None = None) -> int:
        """Requests made, optionally of one verb and kind."""
        return sum(1 for c in self.calls if (verb is None or c[0] == verb) and (kind is None or c[1] == kind))


def _served(obj: dict[str, Any]) -> dict[str, Any]:
    """A copy as the gateway would return it: Secret values redacted."""
    copy = dict(obj)
    if obj.get("kind") == "Secret":
        for field in ("data", "stringData"):
            if isinstance(obj.get(field), dict):
                copy[field] = dict.fromkeys(obj[field], REDACTED)
    return copy


_SET = re.compile(r"^\s*(?P<key>[\w./-]+)\s+(?P<op>in|notin)\s+\((?P<values>[^)]*)\)\s*$")


def _split_requirements(selector: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for char in selector:
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    return [*parts, current]


def labels_match(selector: str, labels: dict[str, str]) -> bool:
    """Kubernetes label selector string semantics."""
    for requirement in (r.strip() for r in _split_requirements(selector)):
        if not requirement:
            continue
        set_match = _SET.match(requirement)
        if set_match:
            values = {v.strip() for v in set_match.group("values").split(",")}
            key = set_match.group("key")
            if set_match.group("op") == "in" and labels.get(key) not in values:
                return False
            if set_match.group("op") == "notin" and key in labels and labels[key] in values:
                return False
        elif "!=" in requirement:
            key, value = (s.strip() for s in requirement.split("!=", 1))
            if labels.get(key) == value:
                return False
        elif "=" in requirement:
            key, value = (s.strip() for s in requirement.replace("==", "=").split("=", 1))
            if labels.get(key) != value:
                return False
        elif requirement.startswith("!"):
            if requirement[1:].strip() in labels:
                return False
        elif requirement not in labels:
            return False
    return True


def fields_match(selector: str, obj: dict[str, Any]) -> bool:
    """Field selector semantics over dotted paths (``spec.nodeName=x,status.phase!=Failed``)."""
    for requirement in (r.strip() for r in selector.split(",") if r.strip()):
        negate = "!=" in requirement
        path, value = (s.strip() for s in re.split(r"!=|==|=", requirement, maxsplit=1))
        current: Any = obj
        for part in path.split("."):
            current = current.get(part) if isinstance(current, dict) else None
        actual = "" if current is None else str(current)
        if negate == (actual == value):
            return False
    return True

"""Memoised, thread-safe reads for the walk: each object or list is fetched once; failures become gaps."""

from __future__ import annotations

import threading
from concurrent.futures import Future
from typing import Any

from firstresponder.kube.reader import ClusterReader, KubeApiError, rbac_rule
from firstresponder.models.evidence import Gap
from firstresponder.models.resource import CLUSTER_SCOPED_KINDS, ResourceRef


class ReadFailed(Exception):
    """A read that failed (already recorded as a gap); the caller skips what depended on it."""


_Key = tuple[str | None, ...]


class Lookup:
    """Reads through a ClusterReader, once per distinct request, recording failures as gaps."""

    def __init__(self, reader: ClusterReader) -> None:
        self.reader = reader
        self._lock = threading.Lock()
        self._memo: dict[_Key, Future[Any]] = {}
        self._gaps: dict[str, Gap] = {}

    @property
    def gaps(self) -> list[Gap]:
        with self._lock:
            return list(self._gaps.values())

    def get(self, kind: str, name: str, namespace: str | None) -> dict[str, Any] | None:
        """The object, None when it does not exist; raises ReadFailed on any other failure."""
        ns = None if kind in CLUSTER_SCOPED_KINDS else namespace
        result: dict[str, Any] | None = self._once(
            ("get", kind, ns, name), lambda: self.reader.get(kind, name, ns),
            kind=kind, verb="get", namespace=ns, name=name)
        return result

    def list(self, kind: str, namespace: str | None, *, label_selector: str | None = None,
             field_selector: str | None = None) -> list[dict[str, Any]]:
        """Objects of a kind (namespace None: cluster-wide for cluster-scoped kinds); raises ReadFailed."""
        result: list[dict[str, Any]] = self._once(
            ("list", kind, namespace, label_selector, field_selector),
            lambda: self.reader.list(kind, namespace, label_selector=label_selector,
                                     field_selector=field_selector),
            kind=kind, verb="list", namespace=namespace, name=None)
        for obj in result:  # a listed object also answers a later get of it
            self._remember(kind, obj)
        return result

    def _remember(self, kind: str, obj: dict[str, Any]) -> None:
        meta = obj.get("metadata") or {}
        key: _Key = ("get", kind, meta.get("namespace") if kind not in CLUSTER_SCOPED_KINDS else None,
                     meta.get("name"))
        with self._lock:
            if key not in self._memo:
                done: Future[Any] = Future()
                done.set_result(obj)
                self._memo[key] = done

    def _once(self, key: _Key, read: Any, *, kind: str, verb: str, namespace: str | None,
              name: str | None) -> Any:
        with self._lock:
            future = self._memo.get(key)
            owner = future is None
            if future is None:
                future = self._memo[key] = Future()
        if owner:
            try:
                future.set_result(read())
            except KubeApiError as err:
                self._record(err.status, err.reason, err.rbac_rule, kind, verb, namespace, name)
                future.set_exception(ReadFailed(str(err)))
            except Exception as err:
                self._record(None, f"{type(err).__name__}: {err}", None, kind, verb, namespace, name)
                future.set_exception(ReadFailed(str(err)))
        return future.result()

    def _record(self, status: int | None, reason: str, rule: str | None, kind: str, verb: str,
                namespace: str | None, name: str | None) -> None:
        if name:
            where = f"{namespace}/{name}" if namespace else name
        else:
            where = f"in namespace {namespace}" if namespace else "cluster-wide"
        what = f"{verb} {kind} {where}"
        resource = ResourceRef(kind=kind, name=name, namespace=namespace) if name else None
        gap = Gap(what=what, reason=f"{status} {reason}" if status else reason, status=status,
                  resource=resource, rbac_rule=rule or (rbac_rule(kind, verb) if status == 403 else None))
        with self._lock:
            self._gaps.setdefault(what, gap)

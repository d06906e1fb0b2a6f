"""The read-only Kubernetes API over a snapshot: routes a request to discovery, get, list or logs."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from firstresponder.sim import discovery
from firstresponder.sim.errors import ApiError, bad_request, method_not_allowed, not_found, path_not_found
from firstresponder.sim.faults import RequestInfo
from firstresponder.sim.fields import parse_field_selector
from firstresponder.sim.labels import parse_label_selector
from firstresponder.sim.logs import LogQuery, choose_container, missing_log_error, render_log
from firstresponder.sim.query import flag, positive_or_unset
from firstresponder.sim.resources import ResourceCatalog
from firstresponder.sim.routing import (
    GroupVersionPath,
    Route,
    group_version_path,
    path_segments,
    resource_route,
)
from firstresponder.sim.store import ObjectStore, StoredObject
from firstresponder.sim.tables import build_table, table_version
from firstresponder.sim.timeshift import shift_log, shift_object
from firstresponder.snapshot import LogKey, Snapshot

JSON = "application/json"
READ_METHODS = ("GET",)  # HEAD too is refused: only GET ever reaches the snapshot
MAX_WATCH_SECONDS = 1800  # the apiserver's default --min-request-timeout window


@dataclass
class Response:
    """What the HTTP layer sends."""

    status: int
    body: bytes
    content_type: str = JSON
    headers: dict[str, str] = field(default_factory=dict)
    # A watch: send ``body`` as a chunked stream, then keep it open this long (a frozen cluster never changes).
    hold_open_seconds: float | None = None


class SnapshotApi:
    """Answers API requests from one snapshot; holds no per-request state, so threads may share it."""

    def __init__(self, snapshot: Snapshot, *, shift_timestamps_to: dt.datetime | None = None,
                 clock: Callable[[], dt.datetime] | None = None, server_address: str = "127.0.0.1") -> None:
        delta = (shift_timestamps_to - snapshot.captured_at) if shift_timestamps_to else dt.timedelta(0)
        if delta:  # shifting copies every object, so the store may keep the copies
            self.store = ObjectStore((shift_object(obj, delta) for obj in snapshot.objects), owned=True)
        else:
            self.store = ObjectStore(snapshot.objects)
        self.captured_at = snapshot.captured_at + delta
        self.logs: dict[LogKey, str] = {key: shift_log(text, delta) for key, text in snapshot.logs.items()}
        present = {kind: (self.store.api_versions[kind], kind in self.store.namespaced_kinds)
                   for kind in self.store.kinds()}
        with_metrics = self.store.has_kind("PodMetrics") or self.store.has_kind("NodeMetrics")
        self.catalog = ResourceCatalog.for_kinds(present, with_metrics=with_metrics)
        self._clock = clock or (lambda: dt.datetime.now(dt.UTC))
        self.server_address = server_address

    def describe(self, method: str, path: str) -> RequestInfo:
        """What the request is about (for fault matching and records); never raises."""
        parts = group_version_path(path_segments(path))
        try:
            route = resource_route(self.catalog, parts) if parts and parts.rest else None
        except ApiError:
            route = None
        if route is None:
            return RequestInfo(method=method, path=path)
        verb = "list" if route.name is None else "get"
        if method not in READ_METHODS:
            verb = {"POST": "create", "PUT": "update", "PATCH": "patch", "DELETE": "delete"}.get(method, "get")
        return RequestInfo(method=method, path=path, kind=route.resource.kind, namespace=route.namespace,
                           name=route.name, subresource=route.subresource, verb=verb,
                           plural=route.resource.plural, group=route.resource.group)

    def handle(self, method: str, path: str, query: dict[str, str], accept: str | None = None) -> Response:
        """One request; every failure becomes a Status response."""
        try:
            if method not in READ_METHODS:
                raise method_not_allowed()
            return self._read(path, query, accept)
        except ApiError as error:
            return error_response(error)

    def _read(self, path: str, query: dict[str, str], accept: str | None) -> Response:
        segments = path_segments(path)
        parts = group_version_path(segments)
        if parts is None or not parts.rest:
            return self._discovery(segments, parts)
        route = resource_route(self.catalog, parts)
        if route.subresource == "log" and route.resource.kind == "Pod" and route.name:
            return self._log(route, query)
        if route.subresource is not None:
            raise path_not_found()
        if flag(query, "watch"):
            return self._watch(route, query, accept)
        if route.name is not None:
            return self._get(route, query, accept)
        return self._list(route, query, accept)

    def _discovery(self, segments: list[str], parts: GroupVersionPath | None) -> Response:
        """``/version``, ``/api``, ``/apis``, ``/apis/<group>``, APIResourceLists and health checks."""
        document: dict[str, Any] | None = None
        if parts is not None:
            document = discovery.api_resource_list(self.catalog, parts.group_version)
        elif segments == ["version"]:
            document = discovery.SERVER_VERSION
        elif segments == ["api"]:
            document = discovery.api_versions(self.server_address)
        elif segments == ["apis"]:
            document = discovery.api_group_list(self.catalog)
        elif len(segments) == 2 and segments[0] == "apis":
            document = discovery.api_group(self.catalog, segments[1])
        elif segments in (["healthz"], ["readyz"], ["livez"]):
            return Response(200, b"ok", "text/plain")
        elif not segments:
            document = {"paths": ["/api", "/api/v1", "/apis", "/version"]}
        if document is None:
            raise path_not_found()
        return json_response(document)

    def _get(self, route: Route, query: dict[str, str], accept: str | None) -> Response:
        assert route.name is not None
        stored = self.store.get(route.resource.kind, route.namespace, route.name)
        if stored is None:
            raise not_found(route.resource.qualified_plural, route.name)
        version = table_version(accept)
        if version:
            return json_response(build_table(route.resource.kind, [stored.obj], version=version,
                                             include_object=query.get("includeObject"), now=self._clock(),
                                             list_metadata={"resourceVersion": self.store.resource_version}))
        return Response(200, stored.body)

    def _list(self, route: Route, query: dict[str, str], accept: str | None) -> Response:
        kind = route.resource.kind
        labels = parse_label_selector(query.get("labelSelector"))
        fields = parse_field_selector(query.get("fieldSelector"), kind)
        self._check_list_version(query)
        page = self.store.select(kind, route.namespace, labels=labels, fields=fields,
                                 limit=positive_or_unset(query, "limit"), continue_token=query.get("continue"))
        metadata: dict[str, Any] = {"resourceVersion": self.store.resource_version}
        if page.continue_token:
            metadata["continue"] = page.continue_token
        if page.remaining is not None:
            metadata["remainingItemCount"] = page.remaining
        version = table_version(accept)
        if version:
            return json_response(build_table(kind, [stored.obj for stored in page.items], version=version,
                                             include_object=query.get("includeObject"), now=self._clock(),
                                             list_metadata=metadata))
        return Response(200, _list_body(f"{kind}List", route.resource.group_version, metadata, page.items))

    def _check_list_version(self, query: dict[str, str]) -> None:
        """A frozen cluster has one version: older exact reads are gone (410), newer ones never arrive (504)."""
        requested = query.get("resourceVersion", "")
        if requested in ("", "0"):
            return
        if not requested.isdigit():
            raise bad_request(f'resourceVersion: Invalid value: "{requested}": must be a resource version')
        current = int(self.store.resource_version)
        if int(requested) > current:
            raise ApiError(504, "Timeout", f"Too large resource version: {requested}, current: {current}",
                           details={"causes": [{"reason": "ResourceVersionTooLarge",
                                                "message": "Too large resource version"}],
                                    "retryAfterSeconds": 1})
        if query.get("resourceVersionMatch") == "Exact" and int(requested) != current:
            raise ApiError(410, "Expired", f"too old resource version: {requested} ({current})")

    def _watch(self, route: Route, query: dict[str, str], accept: str | None) -> Response:
        """ADDED events for the current objects (none when resuming from a resourceVersion), then silence."""
        kind = route.resource.kind
        fields = parse_field_selector(query.get("fieldSelector"), kind)
        if route.name is not None:  # a single-object watch, as client-go does it
            fields = parse_field_selector(f"metadata.name={route.name}", kind)
        labels = parse_label_selector(query.get("labelSelector"))
        resuming = query.get("resourceVersion", "") not in ("", "0")
        items = [] if resuming else self.store.select(kind, route.namespace, labels=labels, fields=fields).items
        version = table_version(accept)
        lines = []
        for stored in items:
            event_object = stored.body
            if version:
                table = build_table(kind, [stored.obj], version=version, include_object=query.get("includeObject"),
                                    now=self._clock(), list_metadata={"resourceVersion": self.store.resource_version})
                event_object = json.dumps(table, separators=(",", ":")).encode()
            lines.append(b'{"type":"ADDED","object":' + event_object + b"}\n")
        timeout = positive_or_unset(query, "timeoutSeconds") or MAX_WATCH_SECONDS
        return Response(200, b"".join(lines), hold_open_seconds=min(timeout, MAX_WATCH_SECONDS))

    def _log(self, route: Route, query: dict[str, str]) -> Response:
        assert route.name is not None and route.namespace is not None
        pod = self.store.get("Pod", route.namespace, route.name)
        if pod is None:
            raise not_found("pods", route.name)
        log_query = LogQuery.from_query(query)
        container = choose_container(pod.obj, log_query.container)
        text = self.logs.get(LogKey(route.namespace, route.name, container, log_query.previous))
        if text is None:
            raise missing_log_error(pod.obj, container, previous=log_query.previous)
        body = render_log(text, log_query, now=self._clock(), captured_at=self.captured_at)
        return Response(200, body, "text/plain")


def _list_body(list_kind: str, api_version: str, metadata: dict[str, Any], items: list[StoredObject]) -> bytes:
    head = json.dumps({"kind": list_kind, "apiVersion": api_version, "metadata": metadata},
                      separators=(",", ":"))[:-1]
    return b"".join([head.encode(), b',"items":[', b",".join(stored.body for stored in items), b"]}"])


def json_response(document: dict[str, Any], status: int = 200) -> Response:
    return Response(status, json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode())


def error_response(error: ApiError) -> Response:
    return Response(error.code, json.dumps(error.status(), separators=(",", ":")).encode(),
                    headers=dict(error.headers))

"""The read-only Kubernetes gateway: the one module that imports the ``kubernetes`` client.

Every call is an HTTP GET through ``ApiClient.call_api`` with ``_preload_content=False``; bodies
are decoded with ``json.loads`` so callers get plain dicts exactly as the API serves them. There
is deliberately no write method (a unit test parses this file to keep it so).
"""

from __future__ import annotations

import functools
import json
import os
import tempfile
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import urllib3
import yaml
from kubernetes import client as k8s_client
from kubernetes import config as k8s_config
from pydantic import BaseModel, ConfigDict, Field

from firstresponder.kube.api_errors import http_reason, parse_retry_after, parse_status_body
from firstresponder.kube.api_paths import KindInfo, collection_path, kind_info, log_path, object_path
from firstresponder.kube.reader import ApiStats, KubeApiError
from firstresponder.kube.secrets_filter import redact_secret, redact_secret_values
from firstresponder.kube.shortcuts import KubeObject, KubeObjects, ReadShortcuts

TokenSource = Callable[[], str]
"""Returns a currently valid bearer token; called before every request (it caches)."""

Query = list[tuple[str, str]]  # module-level: inside the class ``list`` is the method

_METRICS_DISCOVERY = "/apis/metrics.k8s.io/v1beta1"


class KubeConfigError(Exception):
    """No usable connection settings (kubeconfig, in-cluster or EKS); the message says what is wrong."""


class GatewayOptions(BaseModel):
    """Timeouts, pool size, paging and retry bounds of one gateway."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    connect_timeout: float = Field(default=5.0, gt=0)
    read_timeout: float = Field(default=30.0, gt=0)
    pool_maxsize: int = Field(default=32, ge=1)  # collectors call from many threads at once
    page_size: int = Field(default=500, ge=1)
    throttle_retries: int = Field(default=2, ge=0, le=2)
    max_retry_sleep: float = Field(default=5.0, ge=0)
    default_retry_after: float = Field(default=1.0, ge=0)
    user_agent: str = "firstresponder/0.1 (read-only)"


@dataclass(frozen=True)
class _Call:
    """What is being read, so a failure can say so."""

    kind: str
    verb: str
    namespace: str | None = None
    name: str | None = None
    subresource: str | None = None


class _Failure(Exception):
    """One failed attempt, before the retry policy decides what to do with it."""

    def __init__(self, *, status: int | None, reason: str, label: str, message: str | None = None,
                 retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason
        self.label = label  # key in ApiStats.errors
        self.message = message
        self.retry_after = retry_after

    @property
    def transient(self) -> bool:
        """Worth one more try for an idempotent GET: 503 or a dropped connection."""
        return self.status == 503 or self.label == "connection"

    def to_api_error(self, call: _Call) -> KubeApiError:
        return KubeApiError(status=self.status, reason=self.reason, kind=call.kind, verb=call.verb,
                            namespace=call.namespace, name=call.name, subresource=call.subresource,
                            retry_after=self.retry_after, message=self.message)


class KubeGateway(ReadShortcuts):
    """``ClusterReader`` over the official client; thread-safe, read-only, Secret values redacted."""

    def __init__(self, configuration: Any, *, options: GatewayOptions | None = None,
                 sleep: Callable[[float], None] = time.sleep, cleanup: Callable[[], None] | None = None) -> None:
        self.options = options or GatewayOptions()
        configuration.connection_pool_maxsize = self.options.pool_maxsize
        configuration.retries = False  # our own bounded policy below; urllib3's would retry silently
        self.stats = ApiStats()
        self._stats_lock = threading.Lock()
        self._metrics_lock = threading.Lock()
        self._metrics_served: bool | None = None
        self._sleep = sleep
        # Runs on close() or, if the caller never closes, when the gateway is collected.
        self._cleanup = weakref.finalize(self, cleanup) if cleanup is not None else None
        self._api = k8s_client.ApiClient(configuration=configuration)
        self._api.user_agent = self.options.user_agent
        self.host: str = configuration.host

    # Construction ----------------------------------------------------------------------------
    @classmethod
    def from_kubeconfig(cls, path: str | Path | None = None, context: str | None = None, *,
                        options: GatewayOptions | None = None) -> KubeGateway:
        """From a kubeconfig file (None: ``$KUBECONFIG`` or ``~/.kube/config``) and context."""
        configuration = k8s_client.Configuration()
        # Read $KUBECONFIG now: the client reads it once, at import. It may list several files (":").
        config_file = str(path) if path is not None else os.environ.get("KUBECONFIG") or "~/.kube/config"
        try:
            k8s_config.load_kube_config(config_file=config_file, context=context,
                                        client_configuration=configuration, persist_config=False)
        except (k8s_config.ConfigException, OSError, ValueError, yaml.YAMLError) as error:
            raise KubeConfigError(f"kubeconfig {config_file}: {error}") from None
        return cls(configuration, options=options)

    @classmethod
    def from_in_cluster(cls, *, options: GatewayOptions | None = None) -> KubeGateway:
        """From the pod's service account (token re-read as the kubelet rotates it)."""
        configuration = k8s_client.Configuration()
        try:
            k8s_config.load_incluster_config(client_configuration=configuration)
        except (k8s_config.ConfigException, OSError) as error:
            raise KubeConfigError(f"in-cluster configuration: {error}") from None
        return cls(configuration, options=options)

    @classmethod
    def from_endpoint(cls, host: str, *, ca_pem: bytes | None = None, token_source: TokenSource | None = None,
                      options: GatewayOptions | None = None,
                      sleep: Callable[[float], None] = time.sleep) -> KubeGateway:
        """From an API server URL, its CA bundle and a bearer token source (EKS)."""
        configuration = k8s_client.Configuration()
        configuration.host = host.rstrip("/")
        cleanup: Callable[[], None] | None = None
        if ca_pem is not None:
            # The client only takes a CA *file*; it lives as long as the gateway.
            fd, ca_path = tempfile.mkstemp(prefix="firstresponder-ca-", suffix=".pem")
            with os.fdopen(fd, "wb") as ca_file:
                ca_file.write(ca_pem)
            configuration.ssl_ca_cert = ca_path
            cleanup = functools.partial(Path(ca_path).unlink, missing_ok=True)
        if token_source is not None:
            configuration.api_key = {"authorization": token_source()}
            configuration.api_key_prefix = {"authorization": "Bearer"}
            configuration.refresh_api_key_hook = lambda cfg: cfg.api_key.update(authorization=token_source())
        return cls(configuration, options=options, sleep=sleep, cleanup=cleanup)

    def close(self) -> None:
        """Release pooled connections (and the temporary CA file)."""
        self._api.close()
        if self._cleanup is not None:
            self._cleanup()

    def __enter__(self) -> KubeGateway:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # ClusterReader ---------------------------------------------------------------------------
    def get(self, kind: str, name: str, namespace: str | None = None) -> KubeObject | None:
        """One object, or None on 404."""
        info = kind_info(kind)
        call = _Call(kind, "get", namespace if info.namespaced else None, name)
        try:
            obj = self._get_json(object_path(info, name, call.namespace), [], call)
        except KubeApiError as error:
            if error.status == 404:
                return None
            raise
        return _normalise(obj, info, info.api_version)

    def list(self, kind: str, namespace: str | None = None, *, label_selector: str | None = None,
             field_selector: str | None = None, limit: int | None = None) -> KubeObjects:
        """All objects of a kind (following ``continue`` pages), or the first ``limit`` of them."""
        if limit is not None and limit < 1:
            raise ValueError("limit must be at least 1 (the API reads 0 as no limit)")
        info = kind_info(kind)
        call = _Call(kind, "list", namespace if info.namespaced else None)
        path = collection_path(info, call.namespace)
        base: Query = []
        if label_selector:
            base.append(("labelSelector", label_selector))
        if field_selector:
            base.append(("fieldSelector", field_selector))
        items: KubeObjects = []
        seen_tokens: set[str] = set()
        token: str | None = None
        while True:
            query = [*base, ("limit", str(limit if limit is not None else self.options.page_size))]
            if token:
                query.append(("continue", token))
            page = self._get_json(path, query, call)
            raw_items = page.get("items") or []
            if not isinstance(raw_items, list) or not all(isinstance(i, dict) for i in raw_items):
                raise _malformed(call, "items is not a list of objects")
            api_version = page.get("apiVersion") or info.api_version
            items.extend(_normalise(item, info, api_version) for item in raw_items)
            if limit is not None:
                return items[:limit]
            metadata = page.get("metadata")
            token = metadata.get("continue") if isinstance(metadata, dict) else None
            if not token:
                return items
            if token in seen_tokens:
                raise _malformed(call, "the server repeated a continue token")
            seen_tokens.add(token)

    def logs(self, namespace: str, pod: str, container: str, *, previous: bool = False,
             tail_lines: int | None = None, since_seconds: int | None = None,
             limit_bytes: int | None = None, timestamps: bool = False) -> str:
        """A container's log text; a missing pod/container/previous log raises KubeApiError."""
        call = _Call("Pod", "get", namespace, pod, "log")
        query: Query = [("container", container)]
        if previous:
            query.append(("previous", "true"))
        if timestamps:
            query.append(("timestamps", "true"))
        for key, value in (("tailLines", tail_lines), ("sinceSeconds", since_seconds),
                           ("limitBytes", limit_bytes)):
            if value is not None:
                query.append((key, str(value)))
        body = self._fetch(log_path(namespace, pod), query, call, accept="text/plain, */*")
        return body.decode("utf-8", errors="replace")

    def metrics_available(self) -> bool:
        """Whether metrics.k8s.io/v1beta1 is served (discovered once, then cached)."""
        with self._metrics_lock:
            if self._metrics_served is None:
                call = _Call("PodMetrics", "get")
                try:
                    self._get_json(_METRICS_DISCOVERY, [], call)
                    self._metrics_served = True
                except KubeApiError as error:
                    if error.status not in (404, 503):
                        raise
                    self._metrics_served = False
            return self._metrics_served

    def pod_metrics(self, namespace: str | None, name: str | None = None, *,
                    label_selector: str | None = None) -> KubeObjects | None:
        """PodMetrics of one pod or a namespace; None when metrics are not served."""
        return self._metrics("PodMetrics", namespace, name, label_selector)

    def node_metrics(self, name: str | None = None) -> KubeObjects | None:
        """NodeMetrics of one node or all; None when metrics are not served."""
        return self._metrics("NodeMetrics", None, name, None)

    def stats_snapshot(self) -> ApiStats:
        """A consistent copy of the counters (``stats`` itself keeps changing under other threads)."""
        with self._stats_lock:
            return self.stats.model_copy(deep=True)

    # Internals -------------------------------------------------------------------------------
    def _metrics(self, kind: str, namespace: str | None, name: str | None,
                 label_selector: str | None) -> KubeObjects | None:
        if not self.metrics_available():
            return None
        try:
            if name is not None:
                obj = self.get(kind, name, namespace)
                return [obj] if obj is not None else []
            return self.list(kind, namespace, label_selector=label_selector)
        except KubeApiError as error:
            if error.status in (404, 503):  # discovered, but the metrics backend is not answering
                return None
            raise

    def _get_json(self, path: str, query: Query, call: _Call) -> KubeObject:
        body = self._fetch(path, query, call, accept="application/json")
        try:
            payload = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            raise _malformed(call, "body is not JSON") from None
        if not isinstance(payload, dict):
            raise _malformed(call, "body is not a JSON object")
        return payload

    def _fetch(self, path: str, query: Query, call: _Call, *, accept: str) -> bytes:
        """One GET under the retry policy: 429 up to ``throttle_retries`` times, 503/reset once."""
        throttled = 0
        retried_transient = False
        while True:
            try:
                return self._send(path, query, accept)
            except _Failure as failure:
                self._count_error(failure.label)
                if failure.status == 429 and throttled < self.options.throttle_retries:
                    throttled += 1
                    pause = failure.retry_after
                    pause = self.options.default_retry_after if pause is None else pause
                    self._sleep(min(pause, self.options.max_retry_sleep))
                    continue
                if failure.transient and not retried_transient:
                    retried_transient = True
                    continue
                raise failure.to_api_error(call) from None

    def _send(self, path: str, query: Query, accept: str) -> bytes:
        """Exactly one HTTP GET; any non-2xx or transport failure becomes ``_Failure``."""
        timeout = (self.options.connect_timeout, self.options.read_timeout)
        try:
            response = self._api.call_api(
                path, "GET", query_params=query, header_params={"Accept": accept},
                auth_settings=["BearerToken"], _return_http_data_only=True,
                _preload_content=False, _request_timeout=timeout)
            try:
                body: bytes = response.data
            finally:
                response.release_conn()
        except k8s_client.ApiException as error:
            self._count_request(error.body)
            raise _http_failure(error) from None
        except urllib3.exceptions.NewConnectionError as error:
            self._count_request(None)
            raise _Failure(status=None, reason="connection error", label="connection",
                           message=type(error).__name__) from None
        except urllib3.exceptions.TimeoutError:
            self._count_request(None)
            raise _Failure(status=None, reason="timeout", label="timeout") from None
        except urllib3.exceptions.HTTPError as error:  # reset, protocol error, truncated body
            self._count_request(None)
            raise _Failure(status=None, reason="connection error", label="connection",
                           message=type(error).__name__) from None
        self._count_request(body)
        return body

    def _count_request(self, body: bytes | str | None) -> None:
        with self._stats_lock:
            self.stats.requests += 1
            self.stats.bytes += len(body) if body else 0

    def _count_error(self, label: str) -> None:
        with self._stats_lock:
            self.stats.errors[label] = self.stats.errors.get(label, 0) + 1


def _http_failure(error: Any) -> _Failure:
    """Turn the client's ApiException into a ``_Failure`` with the Status body's reason."""
    status = int(error.status or 0)
    if status == 0:  # the client reports TLS failures with status 0
        return _Failure(status=None, reason="connection error", label="connection", message=str(error.reason))
    body = error.body if isinstance(error.body, bytes) else str(error.body or "").encode()
    parsed = parse_status_body(body)
    headers = error.headers or {}
    retry_after = parse_retry_after(headers.get("Retry-After")) if status in (429, 503) else None
    return _Failure(status=status, reason=parsed.reason or http_reason(status), label=str(status),
                    message=parsed.message, retry_after=retry_after)


def _malformed(call: _Call, detail: str) -> KubeApiError:
    return KubeApiError(status=200, reason="malformed response", kind=call.kind, verb=call.verb,
                        namespace=call.namespace, name=call.name, subresource=call.subresource,
                        message=detail)


def _normalise(obj: KubeObject, info: KindInfo, api_version: str) -> KubeObject:
    """Fill ``kind``/``apiVersion`` (the API omits them on list items) and redact Secrets."""
    obj.setdefault("kind", info.kind)
    obj.setdefault("apiVersion", api_version)
    # Read as a Secret means redacted, whatever ``kind`` the body claims.
    return redact_secret_values(obj) if info.kind == "Secret" else redact_secret(obj)

"""The gateway has no write path: its source is parsed and every call and name is checked."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import firstresponder.kube.gateway as gateway_module

WRITE_VERBS = ("create", "patch", "replace", "delete", "post", "put", "apply", "evict", "update")
WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
# Names that contain a write verb but only touch local data.
ALLOWED = {"update"}  # dict.update of the client's own api_key mapping (token refresh)


def write_paths(source: str) -> list[str]:
    """Every write-looking call path in ``source``: names, attributes, HTTP methods, call_api verbs."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        name = None
        if isinstance(node, ast.Attribute):
            name = node.attr
        elif isinstance(node, ast.Name):
            name = node.id
        elif isinstance(node, ast.FunctionDef):
            name = node.name
        if name is not None and name not in ALLOWED:
            words = name.lower().split("_")
            generated_non_read = "namespaced" in words[1:] and words[0] not in ("list", "read")
            if generated_non_read or any(word in WRITE_VERBS for word in words):
                found.append(name)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.upper() in WRITE_METHODS:
            found.append(node.value)
        if isinstance(node, ast.Call) and _called_name(node) in ("call_api", "request"):
            method = node.args[1] if len(node.args) > 1 else next(
                (kw.value for kw in node.keywords if kw.arg == "method"), None)
            if not (isinstance(method, ast.Constant) and method.value == "GET"):
                found.append(f"{_called_name(node)}({ast.unparse(method) if method else '?'})")
    return found


def _called_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    if isinstance(call.func, ast.Name):
        return call.func.id
    return None


def test_the_gateway_source_has_no_write_path() -> None:
    source = Path(gateway_module.__file__).read_text()
    assert write_paths(source) == []


def test_the_gateway_calls_call_api_with_get_only() -> None:
    source = Path(gateway_module.__file__).read_text()
    calls = [n for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Call) and _called_name(n) == "call_api"]
    assert len(calls) == 1  # one choke point for every request


@pytest.mark.parametrize("snippet", [
    'api.call_api(path, "POST")',
    "api.call_api(path, method)",
    'api.call_api(path, method="DELETE")',
    "CoreV1Api(c).delete_namespaced_pod(name, ns)",
    "CoreV1Api(c).create_namespaced_event(ns, body)",
    "AppsV1Api(c).patch_namespaced_deployment_scale(n, ns, b)",
    "CoreV1Api(c).replace_node(n, b)",
    "CoreV1Api(c).connect_post_namespaced_pod_exec(n, ns)",
    "api.rest_client.PUT(url)",
    'pool.request("PATCH", url)',
    "def evict_pod(): pass",
    "CoreV1Api(c).connect_get_namespaced_pod_proxy(n, ns)",
])
def test_the_checker_catches_writes(snippet: str) -> None:
    assert write_paths(snippet) != []


@pytest.mark.parametrize("snippet", [
    'api.call_api(path, "GET", _preload_content=False)',
    "CoreV1Api(c).list_namespaced_pod(ns)",
    "CoreV1Api(c).read_namespaced_pod_log(n, ns)",
    "cfg.api_key.update(authorization=token)",
])
def test_the_checker_lets_reads_through(snippet: str) -> None:
    assert write_paths(snippet) == []

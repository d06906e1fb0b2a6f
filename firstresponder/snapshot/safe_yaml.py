"""A YAML loader for untrusted snapshot files: safe tags only, no anchors or aliases, no timestamps."""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any

import yaml

# Kubernetes turns YAML into JSON, so timestamps stay strings: drop PyYAML's timestamp resolver.
_RESOLVERS_WITHOUT_TIMESTAMP = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class UnsafeYamlError(yaml.YAMLError):
    """The document uses a feature refused in snapshots (anchors, aliases, non-JSON values)."""


class NoAliasSafeLoader(yaml.SafeLoader):
    """SafeLoader that refuses anchors and aliases, the building blocks of YAML bombs."""

    yaml_implicit_resolvers = _RESOLVERS_WITHOUT_TIMESTAMP

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise UnsafeYamlError(f"YAML anchors and aliases are not allowed (line {event.start_mark.line + 1})")
        return super().compose_node(parent, index)


if hasattr(yaml, "CSafeLoader"):
    class _FastSafeLoader(yaml.CSafeLoader):
        """libyaml loader for documents that contain no anchor or alias characters at all."""

        yaml_implicit_resolvers = _RESOLVERS_WITHOUT_TIMESTAMP

    _FAST_LOADER: type[Any] | None = _FastSafeLoader
else:  # pragma: no cover - libyaml is present in our builds
    _FAST_LOADER = None


def load_all_json_compatible(text: str) -> list[Any]:
    """Every document of a YAML stream, as JSON-compatible values (dict/list/str/int/float/bool/None)."""
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")):  # JSON is YAML: parse it as JSON, ~50x faster and alias-free
        try:
            return [_json_compatible(json.loads(stripped), depth=0)]
        except json.JSONDecodeError:
            pass  # YAML flow style that is not strict JSON: the YAML loaders below
        except RecursionError as exc:
            raise UnsafeYamlError("JSON nesting is too deep") from exc
    # Without "&" and "*" there can be no anchor or alias, so the fast C loader is safe to use.
    loader: type[Any] = NoAliasSafeLoader
    if _FAST_LOADER is not None and "&" not in text and "*" not in text:
        loader = _FAST_LOADER
    try:
        documents = list(yaml.load_all(text, Loader=loader))  # both loaders are SafeLoader subclasses
    except RecursionError as exc:
        raise UnsafeYamlError("YAML nesting is too deep") from exc
    return [_json_compatible(document, depth=0) for document in documents]


_MAX_DEPTH = 100


def _json_compatible(value: Any, *, depth: int) -> Any:
    """The value with keys stringified as Kubernetes' YAML-to-JSON does; refuses what JSON cannot hold."""
    if depth > _MAX_DEPTH:
        raise UnsafeYamlError(f"YAML nesting deeper than {_MAX_DEPTH} levels")
    if isinstance(value, dict):
        return {_json_key(key): _json_compatible(item, depth=depth + 1) for key, item in value.items()}
    if isinstance(value, list):
        return [_json_compatible(item, depth=depth + 1) for item in value]
    if isinstance(value, float) and not math.isfinite(value):
        raise UnsafeYamlError(f"non-finite number {value!r} is not valid JSON")
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, dt.datetime | dt.date):  # only reachable through an explicit !!timestamp tag
        return value.isoformat()
    raise UnsafeYamlError(f"unsupported YAML value of type {type(value).__name__}")


def _json_key(key: Any) -> str:
    if isinstance(key, str):
        return key
    if isinstance(key, bool):
        return "true" if key else "false"
    if key is None:
        return "null"
    if isinstance(key, int | float):
        return str(key)
    raise UnsafeYamlError(f"unsupported mapping key of type {type(key).__name__}")

"""Field selectors: only the fields a real apiserver supports for each kind; anything else is a 400."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from firstresponder.sim.errors import bad_request

_Extract = Callable[[dict[str, Any]], str]
_OPERATORS = ("!=", "==", "=")  # checked in this order at each position, as fields.ParseSelector does


def _path(*keys: str, default: str = "") -> _Extract:
    def extract(obj: dict[str, Any]) -> str:
        value: Any = obj
        for key in keys:
            value = value.get(key) if isinstance(value, dict) else None
        if value is None:
            return default
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value)
    return extract


_COMMON: dict[str, _Extract] = {
    "metadata.name": _path("metadata", "name"),
    "metadata.namespace": _path("metadata", "namespace"),
}
# Per kind, the selectable fields registered by the apiserver (pkg/registry/*/strategy.go).
_BY_KIND: dict[str, dict[str, _Extract]] = {
    "Pod": {
        "spec.nodeName": _path("spec", "nodeName"),
        "spec.restartPolicy": _path("spec", "restartPolicy"),
        "spec.schedulerName": _path("spec", "schedulerName"),
        "spec.serviceAccountName": _path("spec", "serviceAccountName"),
        "spec.hostNetwork": _path("spec", "hostNetwork", default="false"),
        "status.phase": _path("status", "phase"),
        "status.podIP": _path("status", "podIP"),
        "status.nominatedNodeName": _path("status", "nominatedNodeName"),
    },
    "Event": {
        **{f"involvedObject.{field}": _path("involvedObject", field)
           for field in ("kind", "namespace", "name", "uid", "apiVersion", "resourceVersion", "fieldPath")},
        "reason": _path("reason"),
        "reportingComponent": _path("reportingComponent"),
        "source": _path("source", "component"),
        "type": _path("type"),
    },
    "Node": {"spec.unschedulable": _path("spec", "unschedulable", default="false")},
    "Secret": {"type": _path("type")},
    "Namespace": {"status.phase": _path("status", "phase")},
    "ReplicaSet": {"status.replicas": _path("status", "replicas", default="0")},
    "Job": {"status.successful": _path("status", "successful", default="0")},
}


@dataclass(frozen=True)
class FieldRequirement:
    """``field`` compared to ``value``; ``negated`` for ``!=``."""

    field: str
    value: str
    negated: bool
    extract: _Extract

    def matches(self, obj: dict[str, Any]) -> bool:
        return (self.extract(obj) == self.value) != self.negated


@dataclass(frozen=True)
class FieldSelector:
    """All requirements must match; an empty selector matches everything."""

    requirements: tuple[FieldRequirement, ...] = ()

    def matches(self, obj: dict[str, Any]) -> bool:
        return all(requirement.matches(obj) for requirement in self.requirements)

    def exact(self, field: str) -> str | None:
        """The value a ``field=value`` requirement pins, if any (lets the store narrow by name or namespace)."""
        for requirement in self.requirements:
            if requirement.field == field and not requirement.negated:
                return requirement.value
        return None


def supported_fields(kind: str) -> list[str]:
    """The field labels the apiserver accepts for a kind."""
    return [*_COMMON, *_BY_KIND.get(kind, {})]


def parse_field_selector(text: str | None, kind: str) -> FieldSelector:
    """Parse ``a=b,c!=d``; unknown fields give ``field label not supported: X`` (400)."""
    if not text:
        return FieldSelector()
    extractors = {**_COMMON, **_BY_KIND.get(kind, {})}
    requirements = []
    for term in _split_unescaped(text, ","):
        if not term:
            continue
        field, operator, raw_value = _split_term(term)
        extract = extractors.get(field)
        if extract is None:
            raise bad_request(f"field label not supported: {field}")
        requirements.append(FieldRequirement(field, _unescape(raw_value), operator == "!=", extract))
    return FieldSelector(tuple(requirements))


def _split_unescaped(text: str, separator: str) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    escaped = False
    for char in text:
        if escaped:
            current.append(char)
            escaped = False
        elif char == "\\":
            current.append(char)
            escaped = True
        elif char == separator:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def _split_term(term: str) -> tuple[str, str, str]:
    index = 0
    while index < len(term):
        if term[index] == "\\":
            index += 2
            continue
        for operator in _OPERATORS:
            if term.startswith(operator, index):
                return term[:index], operator, term[index + len(operator):]
        index += 1
    raise bad_request(f"invalid selector: '{term}'; can't understand '{term}'")


def _unescape(value: str) -> str:
    result: list[str] = []
    escaped = False
    for char in value:
        if escaped:
            if char not in "\\,=":
                raise bad_request(f"invalid field selector value: unrecognized escape sequence \\{char}")
            result.append(char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char in ",=":
            raise bad_request(f"invalid field selector value: unescaped {char} in {value!r}")
        else:
            result.append(char)
    if escaped:
        raise bad_request(f"invalid field selector value: unterminated escape in {value!r}")
    return "".join(result)

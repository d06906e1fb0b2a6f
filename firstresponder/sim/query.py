"""Query parameters parsed as the apiserver does (Go's ``strconv.ParseBool`` / ``ParseInt``)."""

from __future__ import annotations

from firstresponder.sim.errors import bad_request

_TRUE = frozenset({"1", "t", "T", "TRUE", "true", "True"})
_FALSE = frozenset({"0", "f", "F", "FALSE", "false", "False", ""})


def flag(query: dict[str, str], name: str) -> bool:
    """A boolean parameter; absent means false. The Python client sends ``True``, kubectl ``true``."""
    value = query.get(name, "")
    if value not in _TRUE and value not in _FALSE:
        raise bad_request(f"{name}: Invalid value: {value!r}: must be a boolean")
    return value in _TRUE


def integer(query: dict[str, str], name: str, *, minimum: int) -> int | None:
    """An integer parameter at least ``minimum``; None when absent."""
    if name not in query or query[name] == "":
        return None
    try:
        value = int(query[name])
    except ValueError:
        raise bad_request(f"{name}: Invalid value: {query[name]!r}: must be an integer") from None
    if value < minimum:
        raise bad_request(f"{name}: Invalid value: {value}: must be greater than or equal to {minimum}")
    return value


def positive_or_unset(query: dict[str, str], name: str) -> int | None:
    """An integer where zero or less means "not set" (``limit``, ``timeoutSeconds``)."""
    value = integer(query, name, minimum=-(2**63))
    return value if value is not None and value > 0 else None

"""Kubernetes resource quantities: CPU in millicores, memory in bytes, and back."""

from __future__ import annotations

import re

_SUFFIX = {"": 1, "k": 10**3, "M": 10**6, "G": 10**9, "T": 10**12, "P": 10**15, "E": 10**18,
           "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60, "m": 0.001,
           "u": 1e-6, "n": 1e-9}
_QUANTITY = re.compile(r"^(?P<number>[+-]?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)(?P<suffix>[a-zA-Z]*)$")


def parse_quantity(value: object) -> float | None:
    """The quantity in base units (cores, bytes, count); None when unparsable."""
    match = _QUANTITY.match(str(value).strip())
    if not match or match.group("suffix") not in _SUFFIX:
        return None
    return float(match.group("number")) * _SUFFIX[match.group("suffix")]


def millicores(value: object) -> float | None:
    cores = parse_quantity(value)
    return None if cores is None else cores * 1000


def format_quantity(resource: str, amount: float) -> str:
    """CPU as ``1250m``, memory-like resources as ``Mi``/``Gi``, counts as integers."""
    if resource.endswith("cpu"):
        return f"{round(amount * 1000)}m"
    if "memory" in resource or "storage" in resource:
        if amount >= 2**30 and amount % 2**30 == 0:
            return f"{int(amount // 2**30)}Gi"
        return f"{round(amount / 2**20)}Mi"
    return str(round(amount))

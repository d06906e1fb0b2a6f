"""Runtime heap settings in a container's environment (JVM -Xmx, Node --max-old-space-size)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from firstresponder.analysis.quantity import MI

_HEAP_VARS = ("JAVA_TOOL_OPTIONS", "JAVA_OPTS", "_JAVA_OPTIONS", "JDK_JAVA_OPTIONS", "NODE_OPTIONS")
_XMX = re.compile(r"-Xmx(\d+)([kKmMgG]?)\b")
_NODE = re.compile(r"--max-old-space-size=(\d+)")
_UNIT = {"": 1, "k": 2**10, "m": 2**20, "g": 2**30}


@dataclass(frozen=True)
class HeapSetting:
    variable: str
    flag: str  # as written, e.g. "-Xmx1536m"
    bytes: int


def heap_setting(container: dict[str, Any] | None) -> HeapSetting | None:
    """The heap limit a container's environment sets, if any (literal env values only)."""
    for env in (container or {}).get("env") or []:
        name, value = env.get("name"), env.get("value")
        if name not in _HEAP_VARS or not isinstance(value, str):
            continue
        if m := _XMX.search(value):
            return HeapSetting(name, m.group(0), int(m.group(1)) * _UNIT[m.group(2).lower()])
        if m := _NODE.search(value):
            return HeapSetting(name, m.group(0), int(m.group(1)) * MI)
    return None

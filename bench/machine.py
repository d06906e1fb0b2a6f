"""What the figures were measured on."""

from __future__ import annotations

import os
import platform
from pathlib import Path
from typing import Any


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine() -> dict[str, Any]:
    """CPU model, usable cores, Python and OS."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0.0, 0.0, 0.0)
    return {"cpu": cpu_model(), "cores": cores, "python": platform.python_version(),
            "implementation": platform.python_implementation(), "os": platform.platform(),
            "load_average_1m": round(load[0], 2)}


def describe(info: dict[str, Any]) -> str:
    return (f"{info['cpu']}, {info['cores']} cores, {info['implementation']} {info['python']}, {info['os']} "
            f"(load average {info.get('load_average_1m', '?')} at start)")

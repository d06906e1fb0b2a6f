"""Imports one handler as its Lambda would, refusing any package its layers do not carry.

Run as ``python -m tests.infra.cold_start_probe <handler.py> <allowed top-level module>...``; exits 0 when
the module imports. Any other third-party import raises ModuleNotFoundError, as it would on Lambda.
"""

from __future__ import annotations

import importlib.abc
import importlib.util
import sys
from collections.abc import Sequence
from types import ModuleType


class LayerOnlyFinder(importlib.abc.MetaPathFinder):
    """Refuses third-party top-level modules that are not in the allowed set."""

    def __init__(self, allowed: set[str]) -> None:
        self.allowed = allowed

    def find_spec(self, fullname: str, path: Sequence[str] | None = None,
                  target: ModuleType | None = None) -> importlib.machinery.ModuleSpec | None:
        top = fullname.split(".")[0]
        if top in sys.stdlib_module_names or top in self.allowed or top.startswith("_"):
            return None  # let the normal finders load it
        raise ModuleNotFoundError(f"No module named {top!r} in this function's layers", name=top)


def main(handler: str, allowed: list[str]) -> None:
    sys.meta_path.insert(0, LayerOnlyFinder(set(allowed)))
    spec = importlib.util.spec_from_file_location("app", handler)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert callable(module.lambda_handler)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])

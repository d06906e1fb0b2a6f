"""Supply chain and dangerous-call checks over the shipped code: pinned dependencies, ruff's S rules
on, and no shell=True, unsafe yaml.load, eval or exec anywhere in firstresponder/ or functions/."""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

import pytest

from tests.reliability.figures import Figures

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = [p for d in ("firstresponder", "functions") for p in sorted((ROOT / d).rglob("*.py"))]
_PIN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*(\[[A-Za-z0-9,._-]+\])?==[A-Za-z0-9.+!-]+(\s*;.*)?(\s+--hash=\S+)*$")


def test_every_locked_requirement_is_pinned(figures: Figures) -> None:
    lines = [line.split(" #")[0].strip() for line in (ROOT / "requirements.lock").read_text().splitlines()]
    requirements = [line for line in lines if line and not line.startswith(("#", "-"))]
    loose = [line for line in requirements if not _PIN.match(line)]
    figures.add("supply.checks", len(requirements))
    figures.add("supply.findings", len(loose))
    assert requirements and not loose


def test_ruff_security_rules_are_enabled(figures: Figures) -> None:
    lint = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["ruff"]["lint"]
    figures.add("supply.checks")
    assert "S" in lint["select"]
    shipped_ignores = {code for code in lint.get("ignore", []) if code.startswith("S") and code != "S101"}
    assert not shipped_ignores, f"security rules switched off for shipped code: {shipped_ignores}"


def _safe_loader_names(tree: ast.Module) -> set[str]:
    """Names that can only hold a SafeLoader subclass: its own name, subclasses, and variables assigned only those."""
    assigned: dict[str, list[ast.expr]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            assigned.setdefault(node.name, []).extend(node.bases)
        elif isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name):
                    assigned.setdefault(target.id, []).append(node.value)
    safe: set[str] = set()
    while True:
        grown = {name for name, values in assigned.items() if name not in safe and values and all(
            (isinstance(v, ast.Constant) and v.value is None) or "SafeLoader" in ast.unparse(v)
            or ast.unparse(v).split(".")[-1] in safe for v in values)}
        if not grown:
            return safe
        safe |= grown


def dangerous_calls(source: str) -> list[str]:
    """shell=True, yaml.load without a safe loader, eval/exec, in one module's source."""
    found: list[str] = []
    tree = ast.parse(source)
    safe_loaders = _safe_loader_names(tree)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        if name in ("eval", "exec") and isinstance(func, ast.Name):
            found.append(f"{name}() at line {node.lineno}")
        for keyword in node.keywords:
            if keyword.arg == "shell" and not (isinstance(keyword.value, ast.Constant) and keyword.value.value is False):
                found.append(f"shell= at line {node.lineno}")
        if name in ("load", "load_all") and isinstance(func, ast.Attribute) and \
                isinstance(func.value, ast.Name) and func.value.id == "yaml":
            loader = next((k.value for k in node.keywords if k.arg == "Loader"), node.args[1] if len(node.args) > 1 else None)
            loader_name = ast.unparse(loader) if loader is not None else ""
            if "SafeLoader" not in loader_name and loader_name.split(".")[-1] not in safe_loaders:
                found.append(f"yaml.{name} without SafeLoader at line {node.lineno}")
    return found


@pytest.mark.parametrize("source, expected", [
    ("import subprocess\nsubprocess.run('ls', shell=True)", 1),
    ("import yaml\nyaml.load(text)", 1),
    ("import yaml\nyaml.load(text, Loader=yaml.SafeLoader)", 0),
    ("import yaml\nclass L(yaml.SafeLoader): pass\nloader = L\nyaml.load_all(text, Loader=loader)", 0),
    ("import yaml\nclass L(yaml.Loader): pass\nyaml.load(text, Loader=L)", 1),
    ("eval('1')", 1),
    ("exec('x = 1')", 1),
    ("import subprocess\nsubprocess.run(['ls'], shell=False)", 0),
])
def test_the_scanner_finds_what_it_looks_for(source: str, expected: int) -> None:
    assert len(dangerous_calls(source)) == expected


def test_no_dangerous_calls_in_shipped_code(figures: Figures) -> None:
    findings = {str(path.relative_to(ROOT)): calls for path in SHIPPED
                if (calls := dangerous_calls(path.read_text(encoding="utf-8")))}
    figures.add("supply.checks", len(SHIPPED))
    figures.add("supply.findings", sum(len(c) for c in findings.values()))
    assert SHIPPED and not findings

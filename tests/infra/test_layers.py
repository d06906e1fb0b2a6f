"""Lambda layers: each function's layers hold a complete, non-overlapping, pinned dependency closure."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.infra import deployment

ROOT = deployment.ROOT
PROVIDED_BY_RUNTIME = {"boto3", "botocore", "s3transfer"}  # in the Lambda Python runtime
TARGET = {"python_version": "3.12", "python_full_version": "3.12.8", "sys_platform": "linux",
          "platform_system": "Linux", "platform_machine": "aarch64", "implementation_name": "cpython",
          "platform_python_implementation": "CPython", "os_name": "posix", "extra": ""}


def load_build() -> ModuleType:
    spec = importlib.util.spec_from_file_location("layer_build", ROOT / "layers" / "build.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["layer_build"] = module
    spec.loader.exec_module(module)
    return module


def pins(layer_dir: str) -> dict[str, str]:
    text = (ROOT / layer_dir / "requirements.txt").read_text()
    lines = [line.split("#")[0].strip() for line in text.splitlines()]
    return {canonicalize_name(Requirement(x).name): str(Requirement(x).specifier).removeprefix("==") for x in lines if x}


def locked() -> dict[str, str]:
    found = re.findall(r"^([A-Za-z0-9_.\-]+)==(\S+)", (ROOT / "requirements.lock").read_text(), re.M)
    return {canonicalize_name(name): version for name, version in found}


def function_layers() -> dict[str, list[str]]:
    tpl = deployment.template()
    layers = deployment.resources("AWS::Serverless::LayerVersion", tpl)
    common = [ref["Ref"] for ref in tpl["Globals"]["Function"]["Layers"]]
    return {name: [layers[ref]["Properties"]["ContentUri"] for ref in common + [r["Ref"] for r in f["Properties"].get("Layers", [])]]
            for name, f in deployment.resources("AWS::Serverless::Function", tpl).items()}


def requirements_of(name: str) -> set[str]:
    """Runtime dependencies of an installed distribution, as they apply on Lambda arm64 / 3.12."""
    from importlib import metadata

    needed = set()
    for text in metadata.distribution(name).requires or []:
        req = Requirement(text)
        if req.marker is None or req.marker.evaluate(TARGET):
            needed.add(canonicalize_name(req.name))
    return needed


@pytest.mark.parametrize(("function", "layer_dirs"), sorted(function_layers().items()))
def test_function_layers_are_complete_and_do_not_overlap(function: str, layer_dirs: list[str]) -> None:
    listed: dict[str, str] = {}
    for layer_dir in layer_dirs:
        for name in pins(layer_dir):
            assert name not in listed, f"{name} in both {listed.get(name)} and {layer_dir}"
            listed[name] = layer_dir

    missing = {(dist, dep) for dist in listed for dep in requirements_of(dist)
               if dep not in listed and dep not in PROVIDED_BY_RUNTIME}

    assert missing == set()


@pytest.mark.parametrize("layer_dir", sorted({d for ds in function_layers().values() for d in ds}))
def test_layer_pins_match_the_lock(layer_dir: str) -> None:
    lock = locked()

    assert {name: lock.get(name) for name in pins(layer_dir)} == pins(layer_dir)


def test_pip_fetches_pinned_arm64_cp312_wheels_without_resolving(tmp_path: Path) -> None:
    build: Any = load_build()

    command = build.pip_command("kube", tmp_path)

    assert command[1:4] == ["-m", "pip", "install"]
    assert {"--no-deps", "--only-binary=:all:"} <= set(command)
    assert command[command.index("--python-version") + 1] == "3.12"
    platforms = [command[i + 1] for i, arg in enumerate(command) if arg == "--platform"]
    assert platforms and all(p.endswith("_aarch64") for p in platforms)
    assert command[-1] == str(ROOT / "layers" / "kube" / "requirements.txt")


def test_core_layer_carries_the_package_without_the_local_stack(tmp_path: Path) -> None:
    build: Any = load_build()

    build.copy_package(tmp_path)

    package = tmp_path / "firstresponder"
    assert (package / "models" / "alert.py").is_file() and (package / "storage" / "tables.py").is_file()
    assert not (package / "local").exists()
    assert not list(package.rglob("__pycache__"))


DEPLOYED_PACKAGES = ("models", "kube", "intake", "topology", "collectors", "analysis", "render", "services",
                     "storage", "slack", "llm", "learning", "api", "aws")


def test_deployed_code_does_not_import_the_local_stack() -> None:
    """moto is not in any layer and firstresponder.local is left out of core: importing either would crash."""
    sources = [*ROOT.glob("functions/**/*.py"), *(p for pkg in DEPLOYED_PACKAGES
                                                  for p in (ROOT / "firstresponder" / pkg).rglob("*.py"))]
    assert len(sources) > 20

    offenders = [str(p.relative_to(ROOT)) for p in sources
                 if re.search(r"^\s*(from|import)\s+(moto\b|firstresponder\.local\b)", p.read_text(), re.M)]

    assert offenders == []


RUNTIME_MODULES = {"boto3", "botocore", "s3transfer", "jmespath", "dateutil", "six", "urllib3"}  # Lambda's own


def layer_modules(layer_dirs: list[str]) -> set[str]:
    """Top-level importable names of every distribution pinned in these layers."""
    from importlib import metadata

    by_dist: dict[str, set[str]] = {}
    for module, dists in metadata.packages_distributions().items():
        for dist in dists:
            by_dist.setdefault(canonicalize_name(dist), set()).add(module)
    return {m for layer_dir in layer_dirs for dist in pins(layer_dir) for m in by_dist.get(dist, set())}


@pytest.mark.parametrize(("function", "layer_dirs"), sorted(function_layers().items()))
def test_handler_imports_with_only_its_layers(function: str, layer_dirs: list[str]) -> None:
    import os
    import subprocess

    code_uri = deployment.resources("AWS::Serverless::Function")[function]["Properties"]["CodeUri"]
    allowed = sorted(layer_modules(layer_dirs) | RUNTIME_MODULES | {"firstresponder", "tests"})
    # Names only, no secret ARNs: a cold start must not need the network to import.
    env = {"PATH": os.environ.get("PATH", ""), "AWS_DEFAULT_REGION": deployment.REGION, "AWS_REGION": deployment.REGION,
           "POWERTOOLS_TRACE_DISABLED": "1", "INVESTIGATIONS_TABLE": "i", "DEDUP_TABLE": "d", "LEARNING_TABLE": "l",
           "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}

    probe = subprocess.run(  # a fresh interpreter: nothing imported yet, as on a cold start
        [sys.executable, "-m", "tests.infra.cold_start_probe", str(ROOT / code_uri / "app.py"), *allowed],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)

    assert probe.returncode == 0, probe.stderr[-2000:]

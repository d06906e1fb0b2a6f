"""Section 5: per Lambda function, import time in a fresh interpreter and the size of what it carries."""

from __future__ import annotations

import ast
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import yaml

from bench.figures import Figure, Verdict, judged

ROOT = Path(__file__).resolve().parent.parent
LAMBDA_LIMIT_MB = 250.0
RUNS = 3
# When functions/<name>/app.py does not exist yet: the modules each step needs (brief, issue 11).
FALLBACK_IMPORTS = {
    "intake": ["firstresponder.api.app"],
    "discover": ["firstresponder.api.app", "firstresponder.kube.connection", "firstresponder.topology"],
    "collect": ["firstresponder.api.app", "firstresponder.kube.connection", "firstresponder.collectors"],
    "analyse": ["firstresponder.api.app", "firstresponder.analysis", "firstresponder.llm.refine"],
    "publish": ["firstresponder.api.app", "firstresponder.services.publishing"],
}
# What a handler would find in the Lambda environment (values are placeholders; nothing is called).
STUB_ENV = {"AWS_DEFAULT_REGION": "us-east-1", "AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "bench",
            "AWS_SECRET_ACCESS_KEY": "bench", "POWERTOOLS_TRACE_DISABLED": "1", "POWERTOOLS_SERVICE_NAME": "bench",
            "INVESTIGATIONS_TABLE": "inv", "DEDUP_TABLE": "dedup", "LEARNING_TABLE": "learn",
            "STATE_MACHINE_ARN": "arn:aws:states:us-east-1:000000000000:stateMachine:bench",
            "AWS_ENDPOINT_URL": "http://127.0.0.1:9"}  # unreachable: an import that calls AWS fails fast


class _CfnLoader(yaml.SafeLoader):
    """SafeLoader that reads CloudFormation short tags (!Ref, !GetAtt, ...) as plain values."""


def _cfn_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return {suffix: loader.construct_scalar(node)}
    if isinstance(node, yaml.SequenceNode):
        return {suffix: loader.construct_sequence(node, deep=True)}
    return {suffix: loader.construct_mapping(node, deep=True)}  # type: ignore[arg-type]


_CfnLoader.add_multi_constructor("!", _cfn_tag)


def load_template(path: Path = ROOT / "template.yaml") -> dict[str, Any]:
    """template.yaml as data (tags kept as ``{"Ref": ...}``-like mappings)."""
    loader = _CfnLoader(path.read_text(encoding="utf-8"))
    try:
        data: dict[str, Any] = loader.get_single_data()
    finally:
        loader.dispose()
    return data


@dataclass(frozen=True)
class FunctionSpec:
    name: str  # functions/<name>
    memory_mb: int
    layers: tuple[str, ...]  # layer directory names (core, kube, ...)


def function_specs(template: dict[str, Any]) -> list[FunctionSpec]:
    """Every AWS::Serverless::Function with its memory and layers (SAM adds Globals layers first)."""
    resources = template.get("Resources", {})
    layer_dirs = {name: Path(str(r["Properties"]["ContentUri"])).name for name, r in resources.items()
                  if r.get("Type") == "AWS::Serverless::LayerVersion"}
    globals_ = template.get("Globals", {}).get("Function", {})

    def layer_names(refs: list[Any]) -> list[str]:
        names = [str(ref.get("Ref") if isinstance(ref, dict) else ref) for ref in refs]
        return [layer_dirs.get(name, name) for name in names]

    specs = []
    for resource in resources.values():
        if resource.get("Type") != "AWS::Serverless::Function":
            continue
        props = resource["Properties"]
        name = Path(str(props["CodeUri"])).name
        layers = layer_names(globals_.get("Layers", [])) + layer_names(props.get("Layers", []))
        specs.append(FunctionSpec(name, int(props.get("MemorySize", globals_.get("MemorySize", 128))),
                                  tuple(dict.fromkeys(layers))))
    return specs


def _requirement_names(layer: str) -> list[str]:
    path = ROOT / "layers" / layer / "requirements.txt"
    if not path.exists():
        return []
    names = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            names.append(re.split(r"[=<>!~;\[ ]", line, maxsplit=1)[0])
    return names


def distribution_bytes(name: str) -> int:
    """Installed size of one distribution in this venv (its RECORD files), 0 when not installed."""
    try:
        files = metadata.distribution(name).files or []
    except metadata.PackageNotFoundError:
        return 0
    total = 0
    for file in files:
        located = Path(str(file.locate()))
        if located.is_file():
            total += located.stat().st_size
    return total


def package_bytes() -> int:
    """The firstresponder package as the core layer carries it (no local stack, no caches)."""
    root = ROOT / "firstresponder"
    return sum(f.stat().st_size for f in root.rglob("*") if f.is_file() and "__pycache__" not in f.parts
               and (root / "local") not in f.parents)


def layer_bytes(layer: str) -> int:
    total = sum(distribution_bytes(n) for n in _requirement_names(layer))
    return total + (package_bytes() if layer == "core" else 0)


def handler_imports(name: str) -> list[str]:
    """The modules functions/<name>/app.py imports (or the fallback set when it does not exist)."""
    app = ROOT / "functions" / name / "app.py"
    if not app.exists():
        return FALLBACK_IMPORTS.get(name, ["firstresponder.api.app"])
    tree = ast.parse(app.read_text(encoding="utf-8"))
    modules: list[str] = []
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0 and node.module != "__future__":
            modules.append(node.module)
        elif isinstance(node, ast.Import):
            modules += [alias.name for alias in node.names]
    return list(dict.fromkeys(modules))


def import_seconds(code: str, *, cwd: Path, package_root: Path = ROOT) -> float:
    """Total import time reported by ``python -X importtime`` for ``code`` in a fresh interpreter.

    ``package_root`` is where ``firstresponder`` is imported from; bytecode is never written, so a
    copy without ``__pycache__`` is compiled on every run, as on Lambda's read-only /opt.
    """
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("AWS_")}, **STUB_ENV,
           "PYTHONPATH": os.pathsep.join([str(package_root), str(cwd)]), "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", code], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["?"])[-1]
        raise RuntimeError(last)
    total_us = 0
    for line in done.stderr.splitlines():
        match = re.match(r"import time:\s+\d+ \|\s+(\d+) \| (\S.*)$", line)
        if match and not match.group(2).startswith(" "):  # top-level entries: their cumulative sums the rest
            total_us += int(match.group(1))
    return total_us / 1e6


@dataclass
class ColdStart:
    spec: FunctionSpec
    seconds: float
    what: str  # "functions/<name>/app.py" or "imports of ..."
    megabytes: float
    failure: str = ""


def interpreter_baseline(*, runs: int = RUNS) -> float:
    """What -X importtime reports for an empty program (the interpreter's own start-up imports)."""
    return statistics.median(import_seconds("pass", cwd=ROOT) for _ in range(runs))


def measure(spec: FunctionSpec, *, runs: int = RUNS, baseline: float = 0.0) -> ColdStart:
    megabytes = sum(layer_bytes(layer) for layer in spec.layers) / 1e6
    directory = ROOT / "functions" / spec.name
    app = directory / "app.py"
    if app.exists():
        megabytes += sum(f.stat().st_size for f in directory.rglob("*") if f.is_file()
                         and "__pycache__" not in f.parts) / 1e6
        try:
            times = [import_seconds("import app", cwd=directory) - baseline for _ in range(runs)]
            return ColdStart(spec, statistics.median(times), f"functions/{spec.name}/app.py (module body run)",
                             megabytes)
        except (RuntimeError, subprocess.TimeoutExpired) as err:
            failure = f"importing app.py failed offline ({err}); measured its imports only"
    else:
        failure = ""
    modules = handler_imports(spec.name)
    code = "; ".join(f"import {m}" for m in modules)
    times = [import_seconds(code, cwd=ROOT) - baseline for _ in range(runs)]
    return ColdStart(spec, statistics.median(times), "imports of " + ", ".join(modules), megabytes, failure)


def run() -> tuple[list[Figure], dict[str, Any]]:
    specs = function_specs(load_template())
    figures: list[Figure] = []
    context: dict[str, Any] = {}
    baseline = interpreter_baseline()
    for spec in specs:
        result = measure(spec, baseline=baseline)
        context[spec.name] = {"seconds": result.seconds, "megabytes": result.megabytes, "memory_mb": spec.memory_mb,
                              "layers": list(spec.layers), "what": result.what, "failure": result.failure}
        figures.append(Figure("5 cold start", f"{spec.name}: import time", result.seconds, "s", "", Verdict.INFO,
                              (result.failure + "; " if result.failure else "") + result.what[:90]
                              + f"; interpreter start-up ({baseline * 1000:.0f} ms) subtracted"))
        figures.append(Figure("5 cold start", f"{spec.name}: unzipped size ({' + '.join(spec.layers)})",
                              result.megabytes, "MB", f"< {LAMBDA_LIMIT_MB:.0f} MB",
                              judged(result.megabytes < LAMBDA_LIMIT_MB),
                              "installed sizes in this venv (x86_64, CPython 3.11); layers are built for arm64/3.12"))
    with tempfile.TemporaryDirectory(prefix="bench-nopyc-") as tmp:
        shutil.copytree(ROOT / "firstresponder", Path(tmp) / "firstresponder",
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        directory = ROOT / "functions" / "collect"
        if (directory / "app.py").exists():
            uncompiled = statistics.median(import_seconds("import app", cwd=directory, package_root=Path(tmp))
                                           for _ in range(RUNS)) - baseline
            context["collect_without_bytecode_seconds"] = uncompiled
            figures.append(Figure("5 cold start", "collect: import time without the package's .pyc", uncompiled, "s",
                                  "", Verdict.INFO, "layers/build.py copies firstresponder without __pycache__; "
                                  "Lambda's /opt is read-only, so every cold start compiles it"))
    anthropic = statistics.median(import_seconds("import anthropic", cwd=ROOT) for _ in range(RUNS)) - baseline
    context["anthropic_import_seconds"] = anthropic
    figures.append(Figure("5 cold start", "analyse with models on: + import anthropic", anthropic, "s", "",
                          Verdict.INFO, "imported lazily, only when a model provider is configured"))
    return figures, context

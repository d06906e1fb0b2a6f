"""Builds one Lambda layer (arm64, Python 3.12) into ARTIFACTS_DIR: ``python build.py <layer> <dir>``.

Wheels come from ``layers/<layer>/requirements.txt`` (a full, pinned closure installed with
``--no-deps``, so no layer silently pulls a second copy of another's packages); the core layer
also carries the ``firstresponder`` package. ``sam build`` calls this through each layer's Makefile.
"""

from __future__ import annotations

import compileall
import shutil
import subprocess
import sys
from pathlib import Path

LAYERS = Path(__file__).resolve().parent
ROOT = LAYERS.parent
# Lambda's python3.12 runs on Amazon Linux 2023 (glibc 2.34): any of these wheel tags load there.
PLATFORMS = ("manylinux2014_aarch64", "manylinux_2_28_aarch64", "manylinux_2_34_aarch64")
MAX_LAYER_MB = 120  # a function and its layers must stay under Lambda's 250 MB unzipped
NOT_DEPLOYED = ("local",)  # firstresponder.local: the moto-based local stack


def pip_command(layer: str, site_packages: Path) -> list[str]:
    """The pip invocation that fetches the layer's pinned arm64/cp312 wheels."""
    platforms = [arg for p in PLATFORMS for arg in ("--platform", p)]
    return [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--only-binary=:all:",
            "--implementation", "cp", "--python-version", "3.12", *platforms,
            "--target", str(site_packages), "--requirement", str(LAYERS / layer / "requirements.txt")]


LAMBDA_PYTHON = (3, 12)


def copy_package(site_packages: Path) -> None:
    """The firstresponder package with its data files, without the local stack or caches."""
    shutil.copytree(ROOT / "firstresponder", site_packages / "firstresponder", dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc", *NOT_DEPLOYED))
    # /opt is read-only on Lambda: without bytecode every cold start compiles the package again.
    # Only the runtime's own version helps (.pyc files are tagged cpython-312).
    if sys.version_info[:2] == LAMBDA_PYTHON:
        compileall.compile_dir(site_packages / "firstresponder", quiet=1)


def size_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1_000_000


def build(layer: str, artifacts: Path) -> float:
    """Builds the layer under ``artifacts/python`` (the layout Lambda adds to sys.path); returns its MB."""
    if not (LAYERS / layer / "requirements.txt").is_file():
        raise SystemExit(f"unknown layer {layer!r}")
    site_packages = artifacts / "python"
    site_packages.mkdir(parents=True, exist_ok=True)
    subprocess.run(pip_command(layer, site_packages), check=True)  # noqa: S603 - fixed argv, no shell
    if layer == "core":
        copy_package(site_packages)
    megabytes = size_mb(site_packages)
    if megabytes > MAX_LAYER_MB:
        raise SystemExit(f"layer {layer} is {megabytes:.0f} MB unzipped (limit {MAX_LAYER_MB} MB)")
    return megabytes


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    megabytes = build(argv[0], Path(argv[1]))
    print(f"layer {argv[0]}: {megabytes:.1f} MB unzipped")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

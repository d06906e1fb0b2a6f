"""The committed corpus and demo are exactly what the generator writes, and the product can read them."""

from __future__ import annotations

from pathlib import Path

import pytest

from firstresponder.snapshot.reader import load_snapshot
from tests.unit.scenarios.corpus import CORPUS, DEMO, all_dirs, ids_of, load
from tools.scenarios.generate import DEMO_SLUG, generate

# The product's reader is slower than libyaml; a sample covers the writer's two layouts (Lists, streams).
SAMPLE = [p for i, p in enumerate(all_dirs()) if i % 6 == 0 or p == DEMO or "node" in p.name]


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_regenerating_reproduces_the_committed_files(tmp_path: Path) -> None:
    # Given the generator run into a fresh directory
    generate(tmp_path / "a", tmp_path / "demo")
    first = _tree(tmp_path / "a")
    # Then the committed corpus and demo are its output (deterministic; nobody edited them by hand)
    assert first == _tree(CORPUS), "tests/scenarios differs from the generator: run python -m tools.scenarios.generate"
    assert _tree(tmp_path / "demo") == _tree(DEMO)
    assert (tmp_path / "a" / DEMO_SLUG).is_dir()


@pytest.mark.parametrize("path", SAMPLE, ids=ids_of(SAMPLE))
def test_the_products_snapshot_reader_loads_it(path: Path) -> None:
    snap = load_snapshot(path)
    mine = load(path)
    assert snap.cluster == mine.meta["cluster"]
    assert len(snap.objects) == len(mine.objects)
    assert len(snap.logs) == len(mine.logs)

"""docs/performance.md carries the table, the failing targets and the method."""

from __future__ import annotations

from pathlib import Path

from bench.figures import Figure, judged
from bench.machine import machine
from bench.report import write_markdown


def test_markdown_lists_failures_and_the_machine(tmp_path: Path) -> None:
    doc = tmp_path / "docs" / "performance.md"
    figures = [Figure("2 latency", "speed-up", 3.5, "x", ">= 4x", judged(False)),
               Figure("1 size", "requests", 43.0, "", "same", judged(True))]
    info = machine()
    write_markdown(doc, figures, info=info, measured_at="2026-11-28T04:00:00+00:00", seconds=12.0, context={})
    text = doc.read_text(encoding="utf-8")
    assert "| 2 latency | speed-up | 3.50 x | >= 4x | FAIL |" in text
    assert "- 2 latency, speed-up: 3.50 x (target >= 4x)" in text
    assert info["cpu"] in text and "## How each figure is measured" in text

"""The table a bench run prints and writes."""

from __future__ import annotations

from bench.figures import Figure, Verdict, judged, markdown_table, text_table


def test_verdicts_and_both_tables_show_every_figure() -> None:
    figures = [Figure("1 size", "wall time", 0.0421, "s", "< 3 s", judged(True)),
               Figure("2 latency", "speed-up", 3.2, "x", ">= 4x", judged(False), "note | with a pipe"),
               Figure("6 end to end", "time per state", "Discover 0.05 s", verdict=Verdict.INFO)]
    text = text_table(figures)
    markdown = markdown_table(figures)
    assert "0.0421 s" in text and "3.20 x" in text and "FAIL" in text and "PASS" in text
    assert markdown.count("\n") == len(figures) + 1
    assert "note \\| with a pipe" in markdown
    assert figures[0].as_json()["verdict"] == "PASS"


def test_large_values_are_grouped() -> None:
    assert Figure("s", "n", 2240.4, "USD").shown_value() == "2,240 USD"

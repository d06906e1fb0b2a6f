"""One measured figure beside its target, and the table they make."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any


class Verdict(StrEnum):
    PASS = "PASS"
    FAIL = "FAIL"
    INFO = "INFO"  # no target: reported for reading, not judged
    ESTIMATE = "EST"  # derived from measured counts and published prices, not measured itself
    SKIPPED = "SKIP"  # could not be measured (the reason is in the note)


@dataclass
class Figure:
    """A number with its unit and target; ``verdict`` says whether the target is met."""

    section: str
    name: str
    value: float | str
    unit: str = ""
    target: str = ""
    verdict: Verdict = Verdict.INFO
    note: str = ""
    detail: dict[str, Any] = field(default_factory=dict)

    def shown_value(self) -> str:
        if isinstance(self.value, str):
            return self.value
        if float(self.value).is_integer() or abs(self.value) >= 100:
            text = f"{self.value:,.0f}"
        elif abs(self.value) >= 1:
            text = f"{self.value:,.2f}"
        else:
            text = f"{self.value:.4g}"
        return f"{text} {self.unit}".strip()

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["verdict"] = self.verdict.value
        return data


def judged(passed: bool) -> Verdict:
    return Verdict.PASS if passed else Verdict.FAIL


def text_table(figures: list[Figure]) -> str:
    """A fixed-width table for the terminal."""
    rows = [("section", "figure", "value", "target", "", "note")]
    rows += [(f.section, f.name, f.shown_value(), f.target, f.verdict.value, f.note) for f in figures]
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    lines = []
    for n, row in enumerate(rows):
        cells = [row[i].ljust(widths[i]) for i in range(5)]
        lines.append("  ".join(cells) + ("  " + row[5] if row[5] else ""))
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def markdown_table(figures: list[Figure]) -> str:
    """The same table in Markdown (docs/performance.md)."""
    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    lines = ["| section | figure | value | target | verdict | note |", "| --- | --- | --- | --- | --- | --- |"]
    lines += [f"| {cell(f.section)} | {cell(f.name)} | {cell(f.shown_value())} | {cell(f.target)} | "
              f"{f.verdict.value} | {cell(f.note)} |" for f in figures]
    return "\n".join(lines)

"""Every corpus scenario's expected culprit, as a regression test (simulator over HTTP, real gateway).

Known misses are listed with the reason; they fail loudly if they start passing (strict xfail).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from firstresponder.evaluation.scenarios import investigate_scenario, load_expected, scenario_dirs
from firstresponder.models import ConfidenceLevel

CORPUS = Path(__file__).resolve().parents[2] / "scenarios"
KNOWN_MISSES: dict[str, str] = {}


def _cases() -> list[object]:
    return [pytest.param(d, id=d.name, marks=[pytest.mark.xfail(strict=True, reason=KNOWN_MISSES[d.name])]
                         if d.name in KNOWN_MISSES else []) for d in scenario_dirs(CORPUS)]


@pytest.mark.parametrize("scenario", _cases())
def test_expected_culprit_and_no_wrong_answer_at_high_confidence(scenario: Path) -> None:
    expected = load_expected(scenario)
    cause = investigate_scenario(scenario).root_cause
    right = expected.culprit.matches(cause.resource)
    assert right or cause.confidence.level != ConfidenceLevel.HIGH, f"wrong at high confidence: {cause.resource.key}"
    assert right, f"expected {expected.culprit}, got {cause.resource.key} ({cause.category.value})"
    assert cause.category == expected.category

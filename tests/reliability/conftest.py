"""Choose the short or the full matrix (``--reliability-full``); mark the known disagreements."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from firstresponder.intake import IntakeError
from tests.reliability.fault_catalogue import CASES, KNOWN_CELLS, MissingGap
from tests.reliability.figures import full_run
from tests.reliability.runner import load_scenario, scenario_names
from tests.support.aws import running_moto_server

# One per family of cause, so the short form still crosses every kind of culprit with every fault.
SHORT_SCENARIOS = ("01-", "02-", "06-", "13-", "21-")

def parseable(name: str) -> bool:
    try:
        load_scenario(name)
    except IntakeError:
        return False
    return True


def matrix_scenarios(config: pytest.Config) -> list[str]:
    names = [n for n in scenario_names() if parseable(n)]
    return names if full_run(config) else [n for n in names if n.startswith(SHORT_SCENARIOS)]


def _marks(scenario: str, case: Any) -> list[pytest.MarkDecorator]:
    if case.known_issue:
        return [pytest.mark.xfail(strict=True, raises=MissingGap, reason=case.known_issue)]
    if (scenario, case.name) in KNOWN_CELLS:
        error, reason = KNOWN_CELLS[(scenario, case.name)]
        return [pytest.mark.xfail(strict=True, raises=error, reason=reason)]
    return []


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if {"scenario_name", "fault_case"} <= set(metafunc.fixturenames):
        metafunc.parametrize(("scenario_name", "fault_case"), [
            pytest.param(s, c, id=f"{s[:2]}-{c.name}", marks=_marks(s, c))
            for s in matrix_scenarios(metafunc.config) for c in CASES])
    elif "corpus_scenario" in metafunc.fixturenames:
        metafunc.parametrize("corpus_scenario", scenario_names())


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    with running_moto_server() as url:
        yield url

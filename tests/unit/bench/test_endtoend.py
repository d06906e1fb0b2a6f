"""Reading a Step Functions execution history into per-state and per-function times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bench.endtoend import read_history

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def at(ms: int) -> datetime:
    return T0 + timedelta(milliseconds=ms)


def task(name: str, function: str, start: int, end: int) -> list[dict[str, object]]:
    params = f'{{"FunctionName": "arn:aws:lambda:us-east-1:1:function:{function}"}}'
    return [{"type": "TaskStateEntered", "timestamp": at(start), "stateEnteredEventDetails": {"name": name}},
            {"type": "TaskScheduled", "timestamp": at(start), "taskScheduledEventDetails": {"parameters": params}},
            {"type": "TaskStarted", "timestamp": at(start)},
            {"type": "TaskSucceeded", "timestamp": at(end)},
            {"type": "TaskStateExited", "timestamp": at(end), "stateExitedEventDetails": {"name": name}}]


def test_states_functions_and_transitions() -> None:
    events = [*task("Discover", "discover", 0, 100),
              {"type": "MapStateEntered", "timestamp": at(100), "stateEnteredEventDetails": {"name": "Collect"}},
              *task("CollectEvidence", "collect", 100, 300), *task("CollectEvidence", "collect", 110, 250),
              {"type": "MapStateExited", "timestamp": at(300), "stateExitedEventDetails": {"name": "Collect"}},
              *task("Analyse", "analyse", 300, 350),
              {"type": "SucceedStateEntered", "timestamp": at(350), "stateEnteredEventDetails": {"name": "Done"}}]
    states, functions, transitions = read_history(events)
    assert states == {"Discover": 0.1, "Collect": 0.2, "Analyse": 0.05}
    assert sorted(functions["collect"]) == [0.14, 0.2]
    assert functions["discover"] == [0.1]
    assert transitions == 6

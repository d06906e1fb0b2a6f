"""A graph walk over an ASL definition: what cfn-lint and moto's parser do not check."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

TERMINAL_TYPES = {"Succeed", "Fail"}


def scopes(definition: dict[str, Any], path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """The top-level machine and every nested one (Map ItemProcessor/Iterator, Parallel branches)."""
    yield path or "<top>", definition
    for name, state in definition.get("States", {}).items():
        nested = state.get("ItemProcessor") or state.get("Iterator")
        if nested:
            yield from scopes(nested, f"{path}/{name}")
        for i, branch in enumerate(state.get("Branches", [])):
            yield from scopes(branch, f"{path}/{name}[{i}]")


def states(definition: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(scope, name, state) for every state at every depth."""
    for where, scope in scopes(definition):
        for name, state in scope.get("States", {}).items():
            yield where, name, state


def targets(state: dict[str, Any]) -> list[str]:
    """Every state name this state can transition to."""
    found = [state["Next"]] if "Next" in state else []
    found += [c["Next"] for c in state.get("Catch", [])]
    found += [c["Next"] for c in state.get("Choices", []) if "Next" in c]
    if "Default" in state:
        found.append(state["Default"])
    return found


def _scope_problems(where: str, scope: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    names = set(scope.get("States", {}))
    if scope.get("StartAt") not in names:
        problems.append(f"{where}: StartAt {scope.get('StartAt')!r} is not a state")
    terminal = False
    for name, state in scope.get("States", {}).items():
        for target in targets(state):
            if target not in names:
                problems.append(f"{where}/{name}: transition to missing state {target!r}")
        ends = state.get("End") is True or state["Type"] in TERMINAL_TYPES
        terminal = terminal or ends
        if not ends and state["Type"] != "Choice" and "Next" not in state:
            problems.append(f"{where}/{name}: neither Next nor End")
    if not terminal:
        problems.append(f"{where}: no terminal state")
    seen: set[str] = set()
    todo = [scope.get("StartAt", "")]
    while todo:
        name = todo.pop()
        if name in seen or name not in names:
            continue
        seen.add(name)
        todo += targets(scope["States"][name])
    problems += [f"{where}/{name}: unreachable" for name in sorted(names - seen)]
    return problems


def _state_problems(where: str, name: str, state: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    at = f"{where}/{name}"
    for retrier in state.get("Retry", []):
        if retrier.get("BackoffRate", 2.0) < 1:
            problems.append(f"{at}: BackoffRate {retrier['BackoffRate']} < 1")
        if retrier.get("IntervalSeconds", 1) < 1:
            problems.append(f"{at}: IntervalSeconds < 1")
        if not retrier.get("ErrorEquals"):
            problems.append(f"{at}: a retrier without ErrorEquals")
    if state["Type"] == "Map" and not 0 < state.get("MaxConcurrency", 0) <= 40:
        problems.append(f"{at}: Map without a bounded MaxConcurrency")
    if state["Type"] == "Task" and "TimeoutSeconds" not in state and "TimeoutSecondsPath" not in state:
        problems.append(f"{at}: Task without TimeoutSeconds")
    if state.get("QueryLanguage", "JSONPath") != "JSONPath":
        problems.append(f"{at}: not JSONPath (moto's interpreter stubs JSONata)")
    return problems


def problems(definition: dict[str, Any], *, max_seconds: int) -> list[str]:
    """Everything wrong with the definition's graph, retries, timeouts and query language."""
    found: list[str] = []
    if not 0 < definition.get("TimeoutSeconds", 0) <= max_seconds:
        found.append(f"<top>: TimeoutSeconds must be set and at most {max_seconds}")
    if definition.get("QueryLanguage", "JSONPath") != "JSONPath":
        found.append("<top>: not JSONPath (moto's interpreter stubs JSONata)")
    for where, scope in scopes(definition):
        found += _scope_problems(where, scope)
    for where, name, state in states(definition):
        found += _state_problems(where, name, state)
    return found

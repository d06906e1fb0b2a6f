"""Every ASL file: parsed by a real ASL parser, its graph walked, its substitutions and contracts checked."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from moto.stepfunctions.parser.asl.parse.asl_parser import AmazonStateLanguageParser, ASLParserException

from tests.infra import asl, deployment

MACHINES = deployment.state_machines()
LAMBDA_ERRORS = {"Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException",
                 "Lambda.TooManyRequestsException"}
KUBE_ERRORS = {"KubeThrottled", "KubeTransient"}  # exception class names the collectors raise
# What each Task may pass to its function: ids and references only (the handler contract).
PAYLOAD_KEYS = {
    "Discover": {"investigationId"},
    "CollectEvidence": {"investigationId", "task"},
    "Analyse": {"investigationId", "collected"},
    "Publish": {"investigationId"},
    "RecordFailure": {"investigationId", "failure"},
}
FAILURE_STATE = "RecordFailure"


def definition(name: str) -> dict[str, Any]:
    return dict(json.loads(deployment.definition_text(MACHINES[name])))


def test_there_is_a_state_machine() -> None:
    assert "InvestigationStateMachine" in MACHINES


@pytest.mark.parametrize("name", sorted(MACHINES))
def test_real_asl_parser_accepts_the_substituted_definition(name: str) -> None:
    machine = MACHINES[name]
    text = deployment.substitute(deployment.definition_text(machine), deployment.placeholder_arns(machine))

    program, _tree = AmazonStateLanguageParser.parse(text)

    assert type(program).__name__ == "Program"


def test_the_parser_rejects_a_broken_definition() -> None:
    broken = json.dumps({"StartAt": "A", "States": {"A": {"Type": "Tsk", "End": True}}})
    with pytest.raises(ASLParserException):
        AmazonStateLanguageParser.parse(broken)


@pytest.mark.parametrize("name", sorted(MACHINES))
def test_graph_retries_timeouts_and_query_language(name: str) -> None:
    assert asl.problems(definition(name), max_seconds=119) == []


@pytest.mark.parametrize(("mutate", "expected"), [
    (lambda d: d["States"]["Discover"].update(Next="Colect"), "missing state 'Colect'"),
    (lambda d: d["States"].update(Orphan={"Type": "Succeed"}), "Orphan: unreachable"),
    (lambda d: d["States"]["Discover"]["Retry"][0].update(BackoffRate=0.5), "BackoffRate 0.5 < 1"),
    (lambda d: d["States"]["Collect"].pop("MaxConcurrency"), "Map without a bounded MaxConcurrency"),
    (lambda d: d["States"]["Analyse"].pop("TimeoutSeconds"), "Analyse: Task without TimeoutSeconds"),
    (lambda d: d.pop("TimeoutSeconds"), "TimeoutSeconds must be set"),
    (lambda d: d["States"]["Collect"]["ItemProcessor"]["States"]["RecordGap"].pop("End"), "neither Next nor End"),
    (lambda d: d.update(QueryLanguage="JSONata"), "not JSONPath"),
])
def test_graph_walk_catches(mutate: Any, expected: str) -> None:
    broken = copy.deepcopy(definition("InvestigationStateMachine"))
    mutate(broken)

    assert any(expected in p for p in asl.problems(broken, max_seconds=119)), asl.problems(broken, max_seconds=119)


@pytest.mark.parametrize("name", sorted(MACHINES))
def test_every_placeholder_is_substituted_and_every_substitution_used(name: str) -> None:
    machine = MACHINES[name]
    used = set(deployment.PLACEHOLDER.findall(deployment.definition_text(machine)))

    assert used == set(machine["Properties"]["DefinitionSubstitutions"])


@pytest.mark.parametrize("name", sorted(MACHINES))
def test_every_task_invokes_a_function_of_the_template_it_may_invoke(name: str) -> None:
    machine = MACHINES[name]
    substitutions = machine["Properties"]["DefinitionSubstitutions"]
    functions = deployment.resources("AWS::Serverless::Function")
    invocable = {next(iter(p.values()))["FunctionName"]["Ref"]
                 for p in machine["Properties"]["Policies"] if "LambdaInvokePolicy" in p}
    tasks = [s for _w, _n, s in asl.states(definition(name)) if s["Type"] == "Task"]
    assert tasks

    for task in tasks:
        assert task["Resource"] == "arn:aws:states:::lambda:invoke"
        [placeholder] = deployment.PLACEHOLDER.findall(task["Parameters"]["FunctionName"])
        target, attribute = substitutions[placeholder]["Fn::GetAtt"]
        assert (target in functions, attribute) == (True, "Arn")
        assert target in invocable


def test_tasks_pass_references_only_and_keep_results_small() -> None:
    tasks = {n: s for _w, n, s in asl.states(definition("InvestigationStateMachine")) if s["Type"] == "Task"}

    assert {n: set(s["Parameters"]["Payload"]) for n, s in tasks.items()} == {
        n: {f"{k}.$" for k in keys} for n, keys in PAYLOAD_KEYS.items()}
    for name, task in tasks.items():  # never the whole Lambda response (logs could ride along)
        assert "ResultSelector" in task or task.get("ResultPath", "$") is None, name


def test_payloads_are_what_the_step_handlers_parse() -> None:
    from firstresponder.services import steps

    parsers = {"Discover": steps.StepEvent, "CollectEvidence": steps.CollectEvent, "Analyse": steps.AnalyseEvent,
               "Publish": steps.StepEvent, "RecordFailure": steps.FailureEvent}
    for state, model in parsers.items():
        fields = model.model_fields
        required = {name for name, field in fields.items() if field.is_required()}
        assert required <= PAYLOAD_KEYS[state] <= set(fields), state


def test_collectors_raise_the_error_names_the_workflow_retries() -> None:
    from firstresponder.services import steps

    assert {steps.KubeThrottled.__name__, steps.KubeTransient.__name__} == KUBE_ERRORS


def test_retries_and_catches_follow_the_design() -> None:
    top = definition("InvestigationStateMachine")
    tasks = {n: s for _w, n, s in asl.states(top) if s["Type"] == "Task"}
    for name, task in tasks.items():
        retried = {e for r in task.get("Retry", []) for e in r["ErrorEquals"]}
        assert retried >= LAMBDA_ERRORS, name
    collect_retried = {e for r in tasks["CollectEvidence"]["Retry"] for e in r["ErrorEquals"]}
    assert collect_retried >= KUBE_ERRORS
    [gap_catch] = tasks["CollectEvidence"]["Catch"]
    assert gap_catch["ErrorEquals"] == ["States.ALL"] and gap_catch["ResultPath"] != "$"
    processor = top["States"]["Collect"]["ItemProcessor"]["States"]
    assert processor[gap_catch["Next"]]["Type"] == "Pass"
    # Every top-level step that can fail reports the failure (RecordFailure) and then fails.
    for name, state in top["States"].items():
        if state["Type"] in {"Task", "Map", "Parallel"} and name != FAILURE_STATE:
            assert [c["Next"] for c in state["Catch"] if c["ErrorEquals"] == ["States.ALL"]] == [FAILURE_STATE], name
    failure = top["States"][FAILURE_STATE]
    assert top["States"][failure["Next"]]["Type"] == "Fail"
    assert all(top["States"][c["Next"]]["Type"] == "Fail" for c in failure["Catch"])


def test_collect_fans_out_with_bounded_concurrency_over_discovered_tasks() -> None:
    collect = definition("InvestigationStateMachine")["States"]["Collect"]

    assert collect["ItemsPath"] == "$.discovery.tasks"
    assert collect["ItemSelector"] == {"investigationId.$": "$.investigationId", "task.$": "$$.Map.Item.Value"}
    assert collect["ItemProcessor"]["ProcessorConfig"]["Mode"] == "INLINE"
    assert collect["MaxConcurrency"] <= 10


def test_step_timeouts_fit_in_the_execution_budget_on_the_straight_path() -> None:
    top = definition("InvestigationStateMachine")
    functions = deployment.resources("AWS::Serverless::Function")
    globals_timeout = deployment.template()["Globals"]["Function"]["Timeout"]
    substitutions = MACHINES["InvestigationStateMachine"]["Properties"]["DefinitionSubstitutions"]
    for _w, name, task in asl.states(top):
        if task["Type"] != "Task":
            continue
        [placeholder] = deployment.PLACEHOLDER.findall(task["Parameters"]["FunctionName"])
        function = functions[substitutions[placeholder]["Fn::GetAtt"][0]]
        # The function times out first, so its own error (not States.Timeout) reaches Retry/Catch.
        assert function["Properties"].get("Timeout", globals_timeout) < task["TimeoutSeconds"], name
    assert top["TimeoutSeconds"] < 120

"""The real investigation ASL, executed by moto's Step Functions over HTTP, with in-process handlers.

Exercises firstresponder.local.stepfunctions (the moto hook) and the workflow's Retry/Catch design.
"""

from __future__ import annotations

import json
import os
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import httpx
import pytest
from moto.server import ThreadedMotoServer

from firstresponder.local.stepfunctions import function_name_of, lambda_handlers
from tests.infra import deployment

ACCOUNT = "123456789012"
FUNCTIONS = {  # ASL substitution → function name registered with the hook
    "DiscoverFunctionArn": "discover",
    "CollectFunctionArn": "collect",
    "AnalyseFunctionArn": "analyse",
    "PublishFunctionArn": "publish",
    "RecordFailureFunctionArn": "record_failure",
}
TASKS = [
    {"taskId": "t0", "collector": "pod_status", "resource": "Pod/shop/api-1"},
    {"taskId": "t1", "collector": "container_logs", "resource": "Pod/shop/api-1"},
    {"taskId": "t2", "collector": "rollout", "resource": "Deployment/shop/api"},
]


class KubeThrottled(Exception):
    """What a collector raises on 429: the ASL retries it by this class name."""


class DiscoveryError(Exception):
    pass


@pytest.fixture(scope="module")
def moto_endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    saved = {k: os.environ.get(k) for k in ("MOTO_PORT", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")}
    # moto's interpreter calls Lambda on localhost:$MOTO_PORT when it runs as a server.
    os.environ.update({"MOTO_PORT": str(port), "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"})
    endpoint = f"http://{host}:{port}"
    # GET omits the stepfunctions section; its default is not to execute.
    previous_config = {"stepfunctions": {"execute_state_machine": False}, **httpx.get(f"{endpoint}/moto-api/config").json()}
    config = {"stepfunctions": {"execute_state_machine": True}, "lambda": {"use_docker": False}}
    httpx.post(f"{endpoint}/moto-api/config", json=config).raise_for_status()
    try:
        yield endpoint
    finally:  # moto's config and backends are process-wide: leave them as found
        httpx.post(f"{endpoint}/moto-api/reset").raise_for_status()
        httpx.post(f"{endpoint}/moto-api/config", json=previous_config).raise_for_status()
        server.stop()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@pytest.fixture(scope="module")
def sfn(moto_endpoint: str) -> Any:
    return boto3.client("stepfunctions", endpoint_url=moto_endpoint, region_name=deployment.REGION)


@pytest.fixture(scope="module")
def state_machine_arn(sfn: Any) -> str:
    machine = deployment.state_machines()["InvestigationStateMachine"]
    arns = {key: f"arn:aws:lambda:{deployment.REGION}:{ACCOUNT}:function:{name}" for key, name in FUNCTIONS.items()}
    definition = deployment.substitute(deployment.definition_text(machine), arns)
    created = sfn.create_state_machine(name="investigation", definition=definition,
                                       roleArn=f"arn:aws:iam::{ACCOUNT}:role/sfn", type="STANDARD")
    return str(created["stateMachineArn"])


class Recorder:
    """Test handlers for each function, recording the events they received."""

    def __init__(self) -> None:
        self.events: dict[str, list[dict[str, Any]]] = {name: [] for name in FUNCTIONS.values()}
        self._lock = threading.Lock()

    def handler(self, name: str, body: Callable[[dict[str, Any]], Any]) -> Callable[[Any, Any], Any]:
        def handle(event: dict[str, Any], context: Any) -> Any:
            assert context.function_name == name
            with self._lock:
                self.events[name].append(event)
            return body(event)
        return handle

    def handlers(self, **overrides: Callable[[dict[str, Any]], Any]) -> dict[str, Callable[[Any, Any], Any]]:
        bodies: dict[str, Callable[[dict[str, Any]], Any]] = {
            "discover": lambda e: {"tasks": TASKS},
            "collect": lambda e: {"taskId": e["task"]["taskId"], "status": "ok", "evidence": 2, "gaps": 0},
            "analyse": lambda e: {"category": "oom", "confidence": "high"},
            "publish": lambda e: {"status": "posted"},
            "record_failure": lambda e: {"status": "failed"},
        }
        bodies.update(overrides)
        return {name: self.handler(name, body) for name, body in bodies.items()}

    def collect_calls(self, task_id: str) -> int:
        return sum(1 for e in self.events["collect"] if e["task"]["taskId"] == task_id)


def run(sfn: Any, arn: str, handlers: dict[str, Callable[[Any, Any], Any]]) -> dict[str, Any]:
    """Start one investigation (execution name = investigation id) and wait for its end."""
    investigation_id = f"inv-{uuid.uuid4().hex[:12]}"
    with lambda_handlers(handlers):
        execution = sfn.start_execution(stateMachineArn=arn, name=investigation_id,
                                        input=json.dumps({"investigationId": investigation_id}))
        deadline = time.monotonic() + 60  # a guard against a hung run, not a performance assertion
        while (described := sfn.describe_execution(executionArn=execution["executionArn"]))["status"] == "RUNNING":
            assert time.monotonic() < deadline, "execution still RUNNING"
            time.sleep(0.05)
    described["investigationId"] = investigation_id
    events = sfn.get_execution_history(executionArn=execution["executionArn"], maxResults=1000)["events"]
    described["entered"] = [e["stateEnteredEventDetails"]["name"] for e in events if "stateEnteredEventDetails" in e]
    return dict(described)


def test_happy_path_reaches_publish_with_references_only(sfn: Any, state_machine_arn: str) -> None:
    rec = Recorder()

    result = run(sfn, state_machine_arn, rec.handlers())

    assert result["status"] == "SUCCEEDED"
    assert result["entered"][:2] == ["Discover", "Collect"] and result["entered"][-2:] == ["Publish", "Done"]
    assert "RecordFailure" not in result["entered"]
    inv = result["investigationId"]
    assert rec.events["discover"] == [{"investigationId": inv}]
    assert sorted(e["task"]["taskId"] for e in rec.events["collect"]) == ["t0", "t1", "t2"]
    assert all(e["investigationId"] == inv and set(e) == {"investigationId", "task"} for e in rec.events["collect"])
    assert rec.events["analyse"] == [{"investigationId": inv, "collected": [
        {"taskId": "t0", "status": "ok"}, {"taskId": "t1", "status": "ok"}, {"taskId": "t2", "status": "ok"}]}]
    assert rec.events["publish"] == [{"investigationId": inv}]
    output = json.loads(result["output"])
    assert output["analysis"] == {"category": "oom", "confidence": "high"}
    assert output["publication"] == {"status": "posted"}


def test_throttled_collector_is_retried_then_succeeds(sfn: Any, state_machine_arn: str) -> None:
    rec = Recorder()
    throttled_once: set[str] = set()

    def collect(event: dict[str, Any]) -> dict[str, Any]:
        task_id = event["task"]["taskId"]
        if task_id == "t1" and task_id not in throttled_once:
            throttled_once.add(task_id)
            raise KubeThrottled("429 Too Many Requests")
        return {"taskId": task_id, "status": "ok"}

    result = run(sfn, state_machine_arn, rec.handlers(collect=collect))

    assert result["status"] == "SUCCEEDED"
    assert rec.collect_calls("t1") == 2 and rec.collect_calls("t0") == 1
    assert {"taskId": "t1", "status": "ok"} in rec.events["analyse"][0]["collected"]


def test_failing_collector_becomes_a_gap_and_the_investigation_goes_on(sfn: Any, state_machine_arn: str) -> None:
    rec = Recorder()

    def collect(event: dict[str, Any]) -> dict[str, Any]:
        if event["task"]["taskId"] == "t2":
            raise RuntimeError("boom " * 2000)  # a large cause must not travel on
        return {"taskId": event["task"]["taskId"], "status": "partial"}

    result = run(sfn, state_machine_arn, rec.handlers(collect=collect))

    assert result["status"] == "SUCCEEDED"
    assert rec.collect_calls("t2") == 1  # not a retryable error
    assert rec.events["analyse"][0]["collected"] == [
        {"taskId": "t0", "status": "partial"}, {"taskId": "t1", "status": "partial"},
        {"taskId": "t2", "status": "failed", "error": "RuntimeError"}]
    assert len(rec.events["publish"]) == 1 and not rec.events["record_failure"]


@pytest.mark.parametrize("failing", ["discover", "analyse", "publish"])
def test_failed_step_records_the_failure_and_fails_the_execution(sfn: Any, state_machine_arn: str,
                                                                 failing: str) -> None:
    rec = Recorder()

    def fail(event: dict[str, Any]) -> Any:
        raise DiscoveryError(f"{failing} could not finish")

    result = run(sfn, state_machine_arn, rec.handlers(**{failing: fail}))

    assert result["status"] == "FAILED"
    assert result["entered"][-2:] == ["RecordFailure", "InvestigationFailed"]
    [recorded] = rec.events["record_failure"]
    assert recorded["investigationId"] == result["investigationId"]
    assert recorded["failure"]["Error"] == "DiscoveryError"
    assert f"{failing} could not finish" in recorded["failure"]["Cause"]
    after = {"discover": ["collect", "analyse", "publish"], "analyse": ["publish"], "publish": []}[failing]
    assert all(not rec.events[name] for name in after)


def test_failing_record_failure_still_ends_failed(sfn: Any, state_machine_arn: str) -> None:
    rec = Recorder()

    def fail(event: dict[str, Any]) -> Any:
        raise DiscoveryError("down")

    result = run(sfn, state_machine_arn, rec.handlers(discover=fail, record_failure=fail))

    assert result["status"] == "FAILED"
    assert result["entered"][-1] == "InvestigationFailed"


def test_hook_answers_lambda_invoke_over_http(moto_endpoint: str) -> None:
    client = boto3.client("lambda", endpoint_url=moto_endpoint, region_name=deployment.REGION)

    def broken(event: Any, context: Any) -> Any:
        raise KubeThrottled("slow down")

    with lambda_handlers({"echoer": lambda e, c: {"got": e, "name": c.function_name}, "broken": broken}):
        ok = client.invoke(FunctionName=f"arn:aws:lambda:{deployment.REGION}:{ACCOUNT}:function:echoer",
                           Payload=json.dumps({"a": 1}))
        failed = client.invoke(FunctionName="broken", Payload=b"{}")
        unregistered = client.invoke(FunctionName="other", Payload=json.dumps({"b": 2}))

    assert "FunctionError" not in ok and json.load(ok["Payload"]) == {"got": {"a": 1}, "name": "echoer"}
    assert failed["FunctionError"] == "Unhandled"
    error = json.load(failed["Payload"])
    assert (error["errorType"], error["errorMessage"]) == ("KubeThrottled", "slow down")
    assert json.load(unregistered["Payload"]) == {"b": 2}  # moto's own echo for unknown functions


def test_hook_is_removed_after_the_block(moto_endpoint: str) -> None:
    client = boto3.client("lambda", endpoint_url=moto_endpoint, region_name=deployment.REGION)
    with lambda_handlers({"temporary": lambda e, c: {"handled": True}}):
        pass

    echoed = client.invoke(FunctionName="temporary", Payload=json.dumps({"c": 3}))

    assert json.load(echoed["Payload"]) == {"c": 3}


@pytest.mark.parametrize(("given", "name"), [
    ("collect", "collect"),
    ("arn:aws:lambda:eu-west-1:123456789012:function:collect", "collect"),
    ("arn:aws:lambda:eu-west-1:123456789012:function:collect:live", "collect"),
])
def test_function_name_of(given: str, name: str) -> None:
    assert function_name_of(given) == name

"""Section 6: alert POST → stored report through the local stack, the state machine executed by moto.

Counts that section 7 prices come from here: Lambda invocations and their durations (execution
history), state transitions, DynamoDB units (botocore hooks on the default boto3 session, which the
handlers' clients are created from), API requests and Slack calls.
"""

from __future__ import annotations

import statistics
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import boto3
import httpx

from bench.dynamo_meter import DynamoMeter
from bench.figures import Figure, Verdict
from bench.synthetic import DEMO_DIR

RUNS = 5
POLL_SECONDS = 0.02
TOP_STATES = ("Discover", "Collect", "Analyse", "Publish")


@dataclass
class Execution:
    """One investigation's figures."""

    seconds: float  # POST sent → execution finished (report stored, Slack posted)
    intake_seconds: float  # the POST's answer (intake function + API)
    status: str
    state_seconds: dict[str, float]
    lambda_seconds: dict[str, list[float]]  # function → durations of its invocations
    transitions: int
    dynamo: dict[str, Any]
    slack_calls: int
    stored: bool


@dataclass
class EndToEnd:
    runs: list[Execution] = field(default_factory=list)
    first_seconds: float = 0.0  # the first run of a fresh process (handler modules just loaded)
    local_stack: bool = True
    memory_mb: dict[str, int] = field(default_factory=dict)


def _history(sfn: Any, arn: str) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    token: str | None = None
    while True:
        page = sfn.get_execution_history(executionArn=arn, maxResults=1000, **({"nextToken": token} if token else {}))
        events += page["events"]
        token = page.get("nextToken")
        if not token:
            return events


def read_history(events: list[dict[str, Any]]) -> tuple[dict[str, float], dict[str, list[float]], int]:
    """(top-level state durations, per-function Lambda durations, state transitions) of one execution."""
    entered: dict[str, datetime] = {}
    states: dict[str, float] = {}
    started: list[tuple[datetime, str]] = []
    lambdas: dict[str, list[float]] = defaultdict(list)
    scheduled: list[str] = []
    transitions = 0
    for event in events:
        kind, at = event["type"], event["timestamp"]
        if kind.endswith("StateEntered"):
            transitions += 1
            name = event["stateEnteredEventDetails"]["name"]
            if name in TOP_STATES:
                entered[name] = at
        elif kind.endswith("StateExited"):
            name = event["stateExitedEventDetails"]["name"]
            if name in entered and name not in states:
                states[name] = (at - entered[name]).total_seconds()
        elif kind == "TaskScheduled":
            params = event["taskScheduledEventDetails"].get("parameters", "")
            function = params.split(":function:", 1)[1].split('"', 1)[0] if ":function:" in params else "?"
            scheduled.append(function.split(":")[0])
        elif kind == "TaskStarted" and scheduled:
            started.append((at, scheduled.pop(0)))
        elif kind in ("TaskSucceeded", "TaskFailed", "TaskTimedOut") and started:
            # Map iterations interleave; pairing in order is exact per function when durations are similar.
            begin, function = started.pop(0)
            lambdas[function].append(max(0.001, (at - begin).total_seconds()))
    return states, dict(lambdas), transitions


def run(*, runs: int = RUNS) -> tuple[EndToEnd, list[Figure]]:
    """The local stack when it is importable; it is (firstresponder.local.stack)."""
    from firstresponder.local.stack import running_local_stack
    from firstresponder.storage.dynamo import Dynamo
    from firstresponder.storage.investigations import InvestigationStore
    from firstresponder.storage.settings import StorageSettings

    meter = DynamoMeter()
    boto3.setup_default_session()
    assert boto3.DEFAULT_SESSION is not None
    meter.attach_events(boto3.DEFAULT_SESSION.events)  # clients created after this carry the hooks
    body = (DEMO_DIR / "alert.json").read_bytes()
    result = EndToEnd()
    with running_local_stack(DEMO_DIR, extra_env={"DEDUP_WINDOW_SECONDS": "1"}) as stack:
        sfn = boto3.client("stepfunctions", endpoint_url=stack.moto_endpoint, region_name="us-east-1")
        store = InvestigationStore(Dynamo(StorageSettings(
            investigations_table="fr-investigations", dedup_table="fr-dedup", learning_table="fr-learning",
            endpoint_url=stack.moto_endpoint, region="us-east-1")))
        with httpx.Client(timeout=60) as client:
            for n in range(runs + 1):
                time.sleep(1.1)  # past the 1 s dedup window: every run is a new incident
                meter.reset()
                slack_before = len(stack.slack.calls)
                started = time.perf_counter()
                response = client.post(f"{stack.url}/alerts/alertmanager", content=body, headers={
                    "Content-Type": "application/json", "Authorization": f"Bearer {stack.webhook_token}"})
                intake = time.perf_counter() - started
                response.raise_for_status()
                investigation = response.json()["investigations"][0]["id"]
                arn = stack.state_machine_arn.replace(":stateMachine:", ":execution:") + f":{investigation}"
                status = "RUNNING"
                while status == "RUNNING":
                    time.sleep(POLL_SECONDS)
                    status = sfn.describe_execution(executionArn=arn)["status"]
                seconds = time.perf_counter() - started
                used = meter.snapshot()
                states, lambdas, transitions = read_history(_history(sfn, arn))
                record = store.get(investigation)
                execution = Execution(seconds, intake, status, states, lambdas, transitions, used,
                                      len(stack.slack.calls) - slack_before,
                                      bool(record and record.status.finished))
                if n == 0:
                    result.first_seconds = seconds
                else:
                    result.runs.append(execution)
    return result, figures(result)


def median_execution(result: EndToEnd) -> dict[str, Any]:
    """Medians over the runs of everything section 7 prices."""
    runs = result.runs
    functions = {f for r in runs for f in r.lambda_seconds}
    return {
        "seconds": statistics.median(r.seconds for r in runs),
        "intake_seconds": statistics.median(r.intake_seconds for r in runs),
        "states": {s: statistics.median(r.state_seconds.get(s, 0.0) for r in runs) for s in TOP_STATES},
        "invocations": {f: statistics.median(len(r.lambda_seconds.get(f, [])) for r in runs) for f in functions},
        "lambda_seconds": {f: statistics.median(sum(r.lambda_seconds.get(f, [])) for r in runs) for f in functions},
        "transitions": statistics.median(r.transitions for r in runs),
        "wru": statistics.median(r.dynamo["wru"] for r in runs),
        "rru": statistics.median(r.dynamo["rru"] for r in runs),
        "dynamo_calls": dict(sum((Counter(r.dynamo["calls"]) for r in runs), Counter())),
        "slack_calls": statistics.median(r.slack_calls for r in runs),
    }


def figures(result: EndToEnd) -> list[Figure]:
    m = median_execution(result)
    ok = all(r.status == "SUCCEEDED" and r.stored for r in result.runs)
    p50 = m["seconds"]
    states = ", ".join(f"{s} {v:.2f} s" for s, v in m["states"].items())
    invocations = sum(m["invocations"].values()) + 1  # + the intake function
    return [
        Figure("6 end to end", f"alert POST → stored report, p50 of {len(result.runs)}", p50, "s", "", Verdict.INFO,
               "local stack: moto Step Functions running statemachine/ with the real handlers; "
               + ("all runs stored a finished report" if ok else "SOME RUNS DID NOT FINISH")),
        Figure("6 end to end", "time per state (p50)", states, "", "", Verdict.INFO,
               f"intake answered in {m['intake_seconds'] * 1000:.0f} ms; first run of a fresh process "
               f"{result.first_seconds:.2f} s"),
        Figure("6 end to end", "Lambda invocations per investigation", float(invocations), "", "", Verdict.INFO,
               ", ".join(f"{f} {int(n)}" for f, n in sorted(m["invocations"].items())) + ", intake 1"),
        Figure("6 end to end", "state transitions per investigation", float(m["transitions"]), "", "",
               Verdict.INFO, "StateEntered events in the execution history"),
        Figure("6 end to end", "DynamoDB per investigation", f"{m['wru']:.0f} WRU, {m['rru']:.0f} RRU", "", "",
               Verdict.INFO, "from item sizes (botocore hooks); calls over all runs: "
               + ", ".join(f"{k} {v}" for k, v in sorted(m["dynamo_calls"].items()))),
        Figure("6 end to end", "Slack calls per investigation", float(m["slack_calls"]), "", "", Verdict.INFO),
    ]

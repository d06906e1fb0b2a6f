"""AWS and delivery faults: DynamoDB throttling and races, Slack and model failures, a step that raises.
Nothing accepted may be lost: every accepted alert ends as a stored investigation with a report."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse

from firstresponder.llm.config import load_routing
from firstresponder.llm.gateway import ModelGateway
from firstresponder.llm.refine import refine
from firstresponder.models import Alert
from firstresponder.services.intake import accept_alerts
from firstresponder.slack.gateway import SlackGateway
from firstresponder.storage.dynamo import StorageError, dynamodb_client
from firstresponder.storage.records import InvestigationStatus
from firstresponder.storage.settings import StorageSettings
from tests.reliability.figures import Figures, full_run
from tests.reliability.pipeline import (
    NOW,
    Stores,
    accept,
    cluster_connector,
    fresh_stores,
    intake_deps,
    run_pipeline,
    step_deps,
)
from tests.reliability.runner import load_scenario
from tests.support.anthropic_standin import AnthropicStandIn, running_anthropic_standin
from tests.support.slack_standin import TOKEN, SlackStandIn, running_slack_standin

SCENARIO = "01-payments-configmap-db-host"


class Throttle:
    """A botocore ``before-send`` handler: the first ``n`` DynamoDB requests get the real throttling error.

    ``before-send`` is botocore's public event for answering a request without sending it; the client,
    its retry policy and the error parsing all run unchanged.
    """

    def __init__(self, n: int) -> None:
        self.left = n
        self.sent = 0
        self.lock = threading.Lock()

    def __call__(self, request: Any, **_kwargs: Any) -> AWSResponse | None:
        with self.lock:
            if self.left <= 0:
                return None
            self.left -= 1
            self.sent += 1
        body = json.dumps({"__type": "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
                           "message": "The level of configured provisioned throughput for the table was exceeded."})
        return AWSResponse(request.url, 400, {"Content-Type": "application/x-amz-json-1.0",
                                              "x-amzn-RequestId": "throttled"}, _Raw(body.encode()))


class _Raw:
    """The raw-body object AWSResponse reads ``content`` from."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def stream(self, **_kwargs: Any) -> Iterator[bytes]:
        yield self.data


def throttled_client(endpoint: str, throttle: Throttle) -> Any:
    settings = StorageSettings(investigations_table="-", dedup_table="-", learning_table="-",
                               endpoint_url=endpoint, region="us-east-1")
    client = dynamodb_client(settings)
    client.meta.events.register("before-send.dynamodb", throttle)
    return client


@pytest.fixture
def alert() -> Alert:
    return load_scenario(SCENARIO).alert


@pytest.fixture
def slack() -> Iterator[SlackStandIn]:
    with running_slack_standin() as standin:
        yield standin


@pytest.fixture
def model() -> Iterator[AnthropicStandIn]:
    with running_anthropic_standin() as standin:
        yield standin


def _stored(stores: Stores, investigation_id: str, figures: Figures) -> None:
    """Counts the investigation as stored (record finished, report readable) or lost."""
    record = stores.investigations.get(investigation_id)
    report = stores.investigations.load_report(investigation_id)
    ok = record is not None and record.status.finished and report is not None and report.id == investigation_id
    figures.add("delivery.stored" if ok else "delivery.lost")
    assert ok, f"investigation {investigation_id} lost: record={record}"


def _snapshot() -> Path:
    return load_scenario(SCENARIO).path


def test_dynamodb_throttling_is_retried_and_nothing_is_lost(moto_endpoint: str, alert: Alert,
                                                            figures: Figures) -> None:
    throttle = Throttle(2)  # botocore really sleeps between attempts: keep the backoff short
    stores = fresh_stores(moto_endpoint, client=throttled_client(moto_endpoint, throttle))
    investigation_id = accept(alert, intake_deps(stores))
    figures.add("delivery.accepted")
    with cluster_connector(_snapshot()) as connect:
        status = run_pipeline(investigation_id, step_deps(stores, connect))
    assert throttle.sent == 2
    assert status in (InvestigationStatus.DONE.value, InvestigationStatus.PARTIAL.value)
    _stored(stores, investigation_id, figures)


def test_sustained_throttling_refuses_the_alert_instead_of_acknowledging_it(moto_endpoint: str, alert: Alert,
                                                                            figures: Figures,
                                                                            request: pytest.FixtureRequest) -> None:
    if not full_run(request.config):
        pytest.skip("about 30 s of botocore's real backoff: full form only (--reliability-full)")
    stores = fresh_stores(moto_endpoint)
    throttle = Throttle(10_000)
    stores.dynamo.client = throttled_client(moto_endpoint, throttle)
    with pytest.raises(StorageError, match="ProvisionedThroughputExceeded"):
        accept_alerts([alert], intake_deps(stores), now=NOW)
    # botocore's standard mode retried (6 attempts), then the caller was told: no 202 without a stored record.
    assert throttle.sent >= 6
    figures.add("delivery.refused_while_throttled")


def test_concurrent_deliveries_of_one_incident_make_one_investigation(moto_endpoint: str, alert: Alert,
                                                                      figures: Figures) -> None:
    stores = fresh_stores(moto_endpoint)
    deps = intake_deps(stores)
    with ThreadPoolExecutor(max_workers=12) as pool:
        results = list(pool.map(lambda _n: accept_alerts([alert], deps, now=NOW), range(24)))
    figures.add("delivery.accepted")  # 24 deliveries, one incident: one investigation to keep
    ids = {r.investigations[0].investigation_id for r in results}
    assert len(ids) == 1  # the conditional claim let exactly one writer win
    assert sum(r.investigations[0].new for r in results) == 1
    assert deps.starter.started == list(ids)  # type: ignore[attr-defined]
    with cluster_connector(_snapshot()) as connect:
        run_pipeline(ids.pop(), step_deps(stores, connect))
    _stored(stores, results[0].investigations[0].investigation_id, figures)


@pytest.mark.parametrize(("failures", "delivered"), [
    ([(429, 0)] * 3, False),  # rate limited beyond slack-sdk's 2 retries
    ([(503, 0)] * 3, False),
    ([(429, 0)], True),  # one 429 honoured (Retry-After) and retried
    ([(500, 0)], True),
    ([(503, 2.0)], False),  # no answer within the client timeout
], ids=["429x3", "503x3", "429-once", "500-once", "timeout"])
def test_slack_failures_keep_the_report_and_say_why(moto_endpoint: str, alert: Alert, slack: SlackStandIn,
                                                    failures: list[tuple[int, float]], delivered: bool,
                                                    figures: Figures) -> None:
    stores = fresh_stores(moto_endpoint)
    investigation_id = accept(alert, intake_deps(stores))
    figures.add("delivery.accepted")
    for status, delay in failures:
        slack.fail_next(status, retry_after=0 if status == 429 else None, delay=delay)
    slow = any(delay for _status, delay in failures)  # a retry after a timeout would simply succeed
    gateway = SlackGateway(TOKEN, base_url=slack.api_url, timeout=1, max_retries=0 if slow else 2)
    with cluster_connector(_snapshot()) as connect:
        run_pipeline(investigation_id, step_deps(stores, connect, slack=gateway))
    _stored(stores, investigation_id, figures)
    record = stores.investigations.get(investigation_id)
    assert record is not None
    if delivered:
        assert record.slack is not None and record.delivery_note is None
        assert slack.messages
    else:
        assert record.slack is None
        assert record.delivery_note is not None and record.delivery_note.startswith("Slack delivery failed")


@pytest.mark.parametrize("status", [429, 529, 500])
def test_model_failures_deliver_the_deterministic_report_with_a_gap(moto_endpoint: str, alert: Alert,
                                                                    model: AnthropicStandIn, status: int,
                                                                    figures: Figures) -> None:
    stores = fresh_stores(moto_endpoint)
    investigation_id = accept(alert, intake_deps(stores))
    figures.add("delivery.accepted")
    model.fail(status, times=10)
    gateway = ModelGateway(load_routing(), api_key="sk-test-not-a-real-key", base_url=model.url, max_retries=0)
    with cluster_connector(_snapshot()) as connect:
        run_pipeline(investigation_id, step_deps(stores, connect, refiner=lambda b, d: refine(b, d, gateway)))
    _stored(stores, investigation_id, figures)
    report = stores.investigations.load_report(investigation_id)
    assert report is not None and model.requests
    assert any(g.what.startswith("model stage") and g.status == status for g in report.gaps)
    assert report.root_cause.resource.key == "ConfigMap/production/payments-config"


def test_model_timeout_delivers_the_deterministic_report_with_a_gap(moto_endpoint: str, alert: Alert,
                                                                    model: AnthropicStandIn,
                                                                    figures: Figures) -> None:
    stores = fresh_stores(moto_endpoint)
    investigation_id = accept(alert, intake_deps(stores))
    figures.add("delivery.accepted")
    routing = load_routing()
    quick = routing.model_copy(update={"stages": {k: v.model_copy(update={"timeout_seconds": 0.5})
                                                  for k, v in routing.stages.items()}})
    for _ in range(3):
        model.answer_tool({"verdict": "confirm"}, delay=2.0)
    gateway = ModelGateway(quick, api_key="sk-test-not-a-real-key", base_url=model.url, max_retries=0)
    with cluster_connector(_snapshot()) as connect:
        run_pipeline(investigation_id, step_deps(stores, connect, refiner=lambda b, d: refine(b, d, gateway)))
    _stored(stores, investigation_id, figures)
    report = stores.investigations.load_report(investigation_id)
    assert report is not None
    assert any(g.what.startswith("model stage") and "timeout" in g.reason for g in report.gaps)


def test_a_step_that_raises_still_stores_and_posts_a_failed_investigation(moto_endpoint: str, alert: Alert,
                                                                          slack: SlackStandIn,
                                                                          figures: Figures) -> None:
    stores = fresh_stores(moto_endpoint)
    investigation_id = accept(alert, intake_deps(stores))
    figures.add("delivery.accepted")

    def unreachable(_cluster: str | None) -> Any:
        raise ConnectionRefusedError("cluster API endpoint refused the connection")

    gateway = SlackGateway(TOKEN, base_url=slack.api_url, timeout=2)
    status = run_pipeline(investigation_id, step_deps(stores, unreachable, slack=gateway))
    assert status == InvestigationStatus.FAILED.value
    _stored(stores, investigation_id, figures)
    record = stores.investigations.get(investigation_id)
    assert record is not None and record.status is InvestigationStatus.FAILED
    assert record.error is not None and "ConnectionRefusedError" in record.error
    assert slack.calls_to("chat.postMessage")
    assert record.slack is not None

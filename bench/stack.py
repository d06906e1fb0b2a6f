"""The intake side wired as in tests/integration/api: powertools resolver, moto DynamoDB over HTTP, metered."""

from __future__ import annotations

import json
import logging
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver

from bench.dynamo_meter import DynamoMeter
from firstresponder.api.app import build_api
from firstresponder.api.deps import ApiDeps
from firstresponder.local.http_api import api_gateway_event
from firstresponder.local.starter import RecordingStarter
from firstresponder.models import AlertSource
from firstresponder.services.intake import IntakeDeps
from firstresponder.slack.gateway import SlackGateway
from firstresponder.storage.dedup import DedupStore
from firstresponder.storage.dynamo import Dynamo, create_tables, dynamodb_client
from firstresponder.storage.feedback import FeedbackStore
from firstresponder.storage.investigations import InvestigationStore
from firstresponder.storage.settings import StorageSettings
from tests.support.aws import running_moto_server

NOW = datetime(2026, 3, 17, 2, 52, tzinfo=UTC)
WEBHOOK_TOKEN = "bench-webhook-token"


@dataclass(frozen=True)
class LambdaContext:
    function_name: str = "intake"
    memory_limit_in_mb: int = 256
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:000000000000:function:intake"
    aws_request_id: str = "bench"

    def get_remaining_time_in_millis(self) -> int:
        return 15_000


@dataclass
class IntakeStack:
    deps: ApiDeps
    starter: RecordingStarter
    meter: DynamoMeter
    investigations: InvestigationStore
    dynamo: Dynamo
    settings: StorageSettings
    _local: threading.local = field(default_factory=threading.local)

    @property
    def app(self) -> APIGatewayHttpResolver:
        """One resolver per thread: a resolver keeps the current event, as one Lambda instance does."""
        app: APIGatewayHttpResolver | None = getattr(self._local, "app", None)
        if app is None:
            app = self._local.app = build_api(self.deps)
        return app

    def post(self, source: str, payload: dict[str, Any]) -> dict[str, Any]:
        """One alert delivery as API Gateway (HTTP API, payload v2) would invoke the function."""
        event = api_gateway_event("POST", f"/alerts/{source}", {
            "content-type": "application/json", "authorization": f"Bearer {WEBHOOK_TOKEN}"},
            json.dumps(payload).encode())
        result: dict[str, Any] = self.app.resolve(event, LambdaContext())  # type: ignore[arg-type]
        return result


@contextmanager
def moto_endpoint() -> Iterator[str]:
    """moto's server on 127.0.0.1, its request log silenced."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    with running_moto_server() as url:
        try:
            yield url
        finally:  # moto's backends are process-wide: later sections must not inherit these tables
            httpx.post(f"{url}/moto-api/reset", timeout=30)


def intake_stack(endpoint: str, *, slack: SlackGateway | None = None) -> IntakeStack:
    """Fresh tables on the moto server at ``endpoint`` and the API resolver over them."""
    suffix = uuid.uuid4().hex[:8]
    settings = StorageSettings(investigations_table=f"inv-{suffix}", dedup_table=f"dedup-{suffix}",
                               learning_table=f"learn-{suffix}", endpoint_url=endpoint, region="us-east-1")
    meter = DynamoMeter()
    client = meter.attach(dynamodb_client(settings))
    create_tables(settings, client)
    dynamo = Dynamo(settings, client)
    starter = RecordingStarter()
    investigations = InvestigationStore(dynamo)
    tokens = {AlertSource.ALERTMANAGER: [WEBHOOK_TOKEN], AlertSource.GENERIC: [WEBHOOK_TOKEN]}
    intake = IntakeDeps(investigations=investigations, dedup=DedupStore(dynamo), starter=starter,
                        expected_tokens=lambda source: tokens.get(source, []))
    deps = ApiDeps(intake=intake, feedback=FeedbackStore(dynamo), api_tokens=lambda: ["bench-api-token"],
                   link_key=lambda: b"bench-link-key", clock=lambda: NOW, public_base_url="https://fr.example.com",
                   slack=slack)
    meter.reset()
    return IntakeStack(deps=deps, starter=starter, meter=meter, investigations=investigations,
                       dynamo=dynamo, settings=settings)


def alertmanager_payload(template: dict[str, Any], *, pod: str, fingerprint: str) -> dict[str, Any]:
    """The demo's Alertmanager webhook with another pod and fingerprint."""
    payload: dict[str, Any] = json.loads(json.dumps(template))
    for alert in payload["alerts"]:
        alert["labels"]["pod"] = pod
        alert["fingerprint"] = fingerprint
    payload["commonLabels"]["pod"] = pod
    return payload

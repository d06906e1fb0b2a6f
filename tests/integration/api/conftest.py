from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from firstresponder.api.app import build_api
from firstresponder.api.deps import ApiDeps
from firstresponder.local.http_api import LocalHttpApi
from firstresponder.local.starter import RecordingStarter
from firstresponder.models import AlertSource
from firstresponder.services.intake import IntakeDeps
from firstresponder.slack.gateway import SlackGateway
from firstresponder.storage.dedup import DedupStore
from firstresponder.storage.dynamo import Dynamo, create_tables
from firstresponder.storage.feedback import FeedbackStore
from firstresponder.storage.investigations import InvestigationStore
from firstresponder.storage.settings import StorageSettings
from tests.support.aws import running_moto_server
from tests.support.slack_standin import TOKEN, SlackStandIn, running_slack_standin

NOW = datetime(2026, 3, 14, 2, 55, tzinfo=UTC)
WEBHOOK_TOKEN = "am-token-5f2c9"
API_TOKEN = "api-token-77d1"
SIGNING_SECRET = "slack-signing-secret-test"
LINK_KEY = b"link-key-for-tests"


@dataclass
class Stack:
    url: str
    deps: ApiDeps
    starter: RecordingStarter
    slack: SlackStandIn
    investigations: InvestigationStore


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    with running_moto_server() as url:
        yield url


@pytest.fixture
def stack(moto_endpoint: str) -> Iterator[Stack]:
    suffix = uuid.uuid4().hex[:8]
    settings = StorageSettings(investigations_table=f"inv-{suffix}", dedup_table=f"dedup-{suffix}",
                               learning_table=f"learn-{suffix}", endpoint_url=moto_endpoint, region="us-east-1")
    create_tables(settings)
    dynamo = Dynamo(settings)
    starter = RecordingStarter()
    investigations = InvestigationStore(dynamo)
    tokens = {AlertSource.ALERTMANAGER: [WEBHOOK_TOKEN], AlertSource.DATADOG: [WEBHOOK_TOKEN],
              AlertSource.GENERIC: [WEBHOOK_TOKEN], AlertSource.EVENTBRIDGE: [WEBHOOK_TOKEN]}
    intake = IntakeDeps(investigations=investigations, dedup=DedupStore(dynamo), starter=starter,
                        expected_tokens=lambda source: tokens.get(source, []))
    with running_slack_standin() as slack:
        deps = ApiDeps(intake=intake, feedback=FeedbackStore(dynamo), api_tokens=lambda: [API_TOKEN],
                       link_key=lambda: LINK_KEY, clock=lambda: NOW, public_base_url="https://fr.example.com",
                       slack_signing_secret=lambda: SIGNING_SECRET, slack=SlackGateway(TOKEN, base_url=slack.api_url))
        app = build_api(deps)
        with LocalHttpApi(lambda event, context: app.resolve(event, context)) as api:
            yield Stack(url=api.url, deps=deps, starter=starter, slack=slack, investigations=investigations)

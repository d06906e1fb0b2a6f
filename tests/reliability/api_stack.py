"""The HTTP API served locally over moto DynamoDB (as tests/integration/api wires it), for canaries and fuzzing."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from firstresponder.api.app import build_api
from firstresponder.api.deps import ApiDeps
from firstresponder.intake import SnsSignatureVerifier
from firstresponder.local.http_api import LocalHttpApi
from firstresponder.models import AlertSource
from firstresponder.slack.gateway import SlackGateway
from tests.reliability.pipeline import NOW, RecordingStarter, Stores, fresh_stores, intake_deps

WEBHOOK_TOKEN = "am-token-reliability"
API_TOKEN = "api-token-reliability"
SIGNING_SECRET = "slack-signing-secret-reliability"
LINK_KEY = b"link-key-reliability"


def _offline(url: str) -> bytes:
    raise OSError(f"no network in tests: {url}")


@dataclass
class ApiStack:
    url: str
    stores: Stores
    starter: RecordingStarter


@contextmanager
def running_api(moto_endpoint: str, *, slack: SlackGateway | None = None) -> Iterator[ApiStack]:
    stores = fresh_stores(moto_endpoint)
    starter = RecordingStarter()
    intake = intake_deps(stores, starter)
    intake.expected_tokens = lambda source: [WEBHOOK_TOKEN] if source != AlertSource.SNS else []
    intake.sns_verifier = SnsSignatureVerifier(cert_fetcher=_offline)  # tests never reach amazonaws.com
    deps = ApiDeps(intake=intake, feedback=stores.feedback, api_tokens=lambda: [API_TOKEN],
                   link_key=lambda: LINK_KEY, clock=lambda: NOW, public_base_url="https://fr.example.com",
                   slack_signing_secret=lambda: SIGNING_SECRET, slack=slack)
    app = build_api(deps)
    with LocalHttpApi(lambda event, context: app.resolve(event, context)) as api:
        yield ApiStack(url=api.url, stores=stores, starter=starter)

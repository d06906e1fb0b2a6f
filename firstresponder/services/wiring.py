"""Assemble dependencies from validated environment settings, once per cold start.

Every function reads the same ``RuntimeSettings``; each builds only what it uses, and secrets are
read lazily (and cached) so a function never fetches a secret it does not need.
"""

from __future__ import annotations

import os
import urllib.request
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from functools import cached_property
from typing import Any

from pydantic import BaseModel, ConfigDict

from firstresponder.aws.secrets import SecretsGateway
from firstresponder.kube.reader import ClusterReader
from firstresponder.models import AlertSource
from firstresponder.services.clusters import ClusterRegistry
from firstresponder.storage.dynamo import Dynamo
from firstresponder.storage.settings import StorageSettings


class RuntimeSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    storage: StorageSettings
    region: str | None = None
    state_machine_arn: str | None = None
    cluster_registry: str | None = None  # inline JSON (local stack)
    cluster_registry_parameter: str | None = None  # SSM parameter holding the JSON (AWS)
    webhook_tokens_secret: str | None = None
    slack_secret: str | None = None
    slack_channel: str | None = None
    slack_routes: str | None = None
    report_link_key_secret: str | None = None
    anthropic_secret: str | None = None
    llm_provider: str = "none"  # none | anthropic | bedrock
    public_base_url: str = ""
    sns_topic_arns: list[str] = []
    dedup_window_seconds: int = 1800  # alerts of one incident within this window join one investigation

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> RuntimeSettings:
        e = os.environ if env is None else env
        return cls(
            storage=StorageSettings.from_env(e), region=e.get("AWS_REGION") or e.get("AWS_DEFAULT_REGION"),
            state_machine_arn=e.get("STATE_MACHINE_ARN"), cluster_registry=e.get("CLUSTER_REGISTRY"),
            cluster_registry_parameter=e.get("CLUSTER_REGISTRY_PARAMETER"),
            webhook_tokens_secret=e.get("WEBHOOK_TOKENS_SECRET_ARN"), slack_secret=e.get("SLACK_SECRET_ARN"),
            slack_channel=e.get("SLACK_CHANNEL"), slack_routes=e.get("SLACK_ROUTES"),
            report_link_key_secret=e.get("REPORT_LINK_KEY_SECRET_ARN"), anthropic_secret=e.get("ANTHROPIC_SECRET_ARN"),
            llm_provider=e.get("LLM_PROVIDER", "none"), public_base_url=e.get("PUBLIC_BASE_URL", "").rstrip("/"),
            sns_topic_arns=[a for a in e.get("SNS_TOPIC_ARNS", "").split(",") if a],
            dedup_window_seconds=int(e.get("DEDUP_WINDOW_SECONDS", "1800")))


class Runtime:
    """Lazily built gateways and stores for one process."""

    def __init__(self, settings: RuntimeSettings) -> None:
        self.settings = settings

    @cached_property
    def dynamo(self) -> Dynamo:
        return Dynamo(self.settings.storage)

    @cached_property
    def secrets(self) -> SecretsGateway:
        return SecretsGateway(region=self.settings.region)

    def secret_value(self, secret: str | None, key: str) -> Any:
        if not secret:
            return None
        return self.secrets.json_secret(secret).get(key)

    def clock(self) -> datetime:
        return datetime.now(UTC)

    @cached_property
    def registry(self) -> ClusterRegistry:
        text = self.settings.cluster_registry
        if text is None and self.settings.cluster_registry_parameter:
            text = self.secrets.parameter(self.settings.cluster_registry_parameter)
        return ClusterRegistry.from_json(text or "{}")

    def connect(self, cluster: str | None) -> ClusterReader:
        return self.registry.connect(cluster)

    def tokens_for(self, source: AlertSource) -> list[str]:
        value = self.secret_value(self.settings.webhook_tokens_secret, source.value)
        return [str(v) for v in (value if isinstance(value, list) else [value] if value else [])]

    def api_tokens(self) -> list[str]:
        value = self.secret_value(self.settings.webhook_tokens_secret, "api")
        return [str(v) for v in (value if isinstance(value, list) else [value] if value else [])]

    def link_key(self) -> bytes:
        key = self.secret_value(self.settings.report_link_key_secret, "key")
        if not key:
            raise PermissionError("report link key is not configured")
        return str(key).encode()

    def confirm_subscription(self, url: str) -> None:
        # The URL was checked to be https://sns.<region>.amazonaws.com/... for an expected topic.
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310
            response.read(65536)


def slack_gateway(runtime: Runtime) -> tuple[Any, Any]:
    """(SlackGateway, SlackRouting), or (None, None) when Slack is not configured."""
    from firstresponder.slack.gateway import SlackGateway
    from firstresponder.slack.routing import SlackRouting

    s = runtime.settings
    token = runtime.secret_value(s.slack_secret, "bot_token")
    if not token or not s.slack_channel:
        return None, None
    base_url = os.environ.get("SLACK_API_URL")  # the local stack's Slack stand-in
    return SlackGateway(str(token), base_url=base_url), SlackRouting.from_json(s.slack_channel, s.slack_routes)


def model_refiner(runtime: Runtime) -> Any:
    """The routed model stages, or None (deterministic only) when no provider is configured."""
    provider = runtime.settings.llm_provider
    if provider == "none":
        return None
    from firstresponder.llm.config import load_routing
    from firstresponder.llm.gateway import ModelGateway
    from firstresponder.llm.refine import refine

    routing = load_routing().model_copy(update={"provider": provider})
    api_key = runtime.secret_value(runtime.settings.anthropic_secret, "api_key") if provider == "anthropic" else None
    gateway = ModelGateway(routing, api_key=api_key, base_url=os.environ.get("ANTHROPIC_BASE_URL"),
                           aws_region=runtime.settings.region)
    return lambda bundle, diagnosis: refine(bundle, diagnosis, gateway)


def report_link(runtime: Runtime, investigation_id: str) -> str | None:
    from firstresponder.api.links import sign_link

    if not runtime.settings.public_base_url or not runtime.settings.report_link_key_secret:
        return None
    token = sign_link(investigation_id, key=runtime.link_key(), now=runtime.clock())
    return f"{runtime.settings.public_base_url}/investigations/{investigation_id}?token={token}"


def step_deps(runtime: Runtime, *, with_slack: bool = False, with_models: bool = False) -> Any:
    from firstresponder.services.steps import StepDeps
    from firstresponder.storage.artifacts import ArtifactStore
    from firstresponder.storage.feedback import FeedbackStore
    from firstresponder.storage.investigations import InvestigationStore

    slack, routing = slack_gateway(runtime) if with_slack else (None, None)
    return StepDeps(investigations=InvestigationStore(runtime.dynamo), artifacts=ArtifactStore(runtime.dynamo),
                    feedback=FeedbackStore(runtime.dynamo), connect=runtime.connect, clock=runtime.clock,
                    slack=slack, routing=routing, refiner=model_refiner(runtime) if with_models else None,
                    report_url=lambda inv: report_link(runtime, inv))


def intake_deps(runtime: Runtime) -> Any:
    from firstresponder.aws.stepfunctions import ExecutionStarter
    from firstresponder.services.intake import IntakeDeps
    from firstresponder.storage.dedup import DedupStore
    from firstresponder.storage.investigations import InvestigationStore

    s = runtime.settings
    account = s.sns_topic_arns[0].split(":")[4] if s.sns_topic_arns else ""
    return IntakeDeps(investigations=InvestigationStore(runtime.dynamo), dedup=DedupStore(runtime.dynamo),
                      starter=ExecutionStarter(s.state_machine_arn or "", region=s.region),
                      expected_tokens=runtime.tokens_for, sns_region=s.region or "us-east-1",
                      sns_account=account, sns_topic_arns=s.sns_topic_arns,
                      confirm_subscription=runtime.confirm_subscription, on_resolved=_on_resolved(runtime),
                      dedup_window=timedelta(seconds=s.dedup_window_seconds))


def _on_resolved(runtime: Runtime) -> Any:
    """Update the Slack message of an investigation whose alert resolved (when Slack is configured)."""
    from firstresponder.services.publishing import republish_resolved
    from firstresponder.storage.investigations import InvestigationStore

    def update(record: Any) -> None:
        slack, routing = slack_gateway(runtime)
        if slack is not None and record.slack is not None:
            republish_resolved(record, InvestigationStore(runtime.dynamo), slack=slack, routing=routing,
                               report_url=report_link(runtime, record.id))

    return update


def api_deps(runtime: Runtime) -> Any:
    from firstresponder.api.deps import ApiDeps
    from firstresponder.storage.feedback import FeedbackStore

    slack, _routing = slack_gateway(runtime)
    signing = runtime.secret_value(runtime.settings.slack_secret, "signing_secret") if runtime.settings.slack_secret else None
    return ApiDeps(intake=intake_deps(runtime), feedback=FeedbackStore(runtime.dynamo), api_tokens=runtime.api_tokens,
                   link_key=runtime.link_key, clock=runtime.clock, public_base_url=runtime.settings.public_base_url,
                   slack_signing_secret=(lambda: str(signing)) if signing else None, slack=slack)

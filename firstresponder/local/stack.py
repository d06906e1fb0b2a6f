"""The complete local stack on 127.0.0.1: simulated cluster, DynamoDB / Secrets Manager / Step Functions
on moto's server (its interpreter executing the real statemachine/*.asl.json with the template's
substitutions), the real Lambda handlers dispatched in-process, the HTTP API and a Slack stand-in.
An alert POSTed to it goes intake → state machine → DynamoDB → Slack as it does in AWS."""

from __future__ import annotations

import importlib.util
import json
import logging
import os
import secrets
import socket
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import boto3
import httpx
from moto.server import ThreadedMotoServer

from firstresponder.local.http_api import LocalHttpApi
from firstresponder.local.slack_standin import TOKEN as SLACK_TOKEN
from firstresponder.local.slack_standin import SlackStandIn, running_slack_standin
from firstresponder.local.stepfunctions import lambda_handlers
from firstresponder.local.template import ROOT, function_dirs, state_machine_definition
from firstresponder.sim.faults import FaultPlan
from firstresponder.sim.server import SimulatedCluster
from firstresponder.snapshot.reader import load_snapshot
from firstresponder.storage.dynamo import create_tables
from firstresponder.storage.settings import StorageSettings

REGION = "us-east-1"
ACCOUNT = "123456789012"  # moto's default account
SLACK_CHANNEL = "#incidents"


@dataclass
class LocalStack:
    url: str  # the HTTP API
    moto_endpoint: str
    webhook_token: str  # Authorization: Bearer for POST /alerts/{source}
    api_token: str  # Authorization: Bearer for /investigations
    signing_secret: str  # Slack interactivity
    slack: SlackStandIn
    sim: SimulatedCluster
    state_machine_arn: str


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _load_handler(directory: str) -> ModuleType:
    path = ROOT / "functions" / directory / "app.py"
    spec = importlib.util.spec_from_file_location(f"firstresponder_local_fn_{directory}", path)
    if spec is None or spec.loader is None:
        raise FileNotFoundError(path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # builds the handler's dependencies from the environment, as a cold start
    return module


@contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _moto(stack: ExitStack) -> str:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's server logs every request
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    stack.callback(server.stop)
    endpoint = f"http://127.0.0.1:{port}"
    # moto's backends are process-wide: leave no tables, secrets or machines behind for the next stack.
    stack.callback(lambda: httpx.post(f"{endpoint}/moto-api/reset", timeout=30))
    httpx.post(f"{endpoint}/moto-api/config", json={"stepfunctions": {"execute_state_machine": True},
                                                     "lambda": {"use_docker": False}}).raise_for_status()
    return endpoint


def _secret(name: str, value: dict[str, Any]) -> str:
    created = boto3.client("secretsmanager").create_secret(Name=name, SecretString=json.dumps(value))
    return str(created["ARN"])


@contextmanager
def running_local_stack(snapshot_dir: Path, *, llm_provider: str = "none", faults: FaultPlan | None = None,
                        extra_env: dict[str, str] | None = None) -> Iterator[LocalStack]:
    with ExitStack() as stack:
        endpoint = _moto(stack)
        base_env = {"AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local", "AWS_SESSION_TOKEN": "local",
                    "AWS_REGION": REGION, "AWS_DEFAULT_REGION": REGION, "AWS_ENDPOINT_URL": endpoint,
                    "MOTO_PORT": endpoint.rsplit(":", 1)[1], "POWERTOOLS_TRACE_DISABLED": "1",
                    "POWERTOOLS_LOG_LEVEL": "WARNING"}
        stack.enter_context(_environment(base_env))
        snapshot = load_snapshot(snapshot_dir)
        sim = stack.enter_context(SimulatedCluster(snapshot, faults=faults))
        kubeconfig = sim.write_kubeconfig(Path(stack.enter_context(_tempdir())) / "kubeconfig")
        slack = stack.enter_context(running_slack_standin())
        settings = StorageSettings(investigations_table="fr-investigations", dedup_table="fr-dedup",
                                   learning_table="fr-learning", endpoint_url=endpoint, region=REGION)
        create_tables(settings)
        webhook_token, api_token = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
        signing_secret = secrets.token_hex(16)
        sources = ["alertmanager", "datadog", "generic", "eventbridge"]
        dirs = function_dirs()
        arns = {name: f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{directory}" for name, directory in dirs.items()}
        machine = boto3.client("stepfunctions").create_state_machine(
            name="firstresponder-investigation", definition=state_machine_definition(arns),
            roleArn=f"arn:aws:iam::{ACCOUNT}:role/firstresponder-sfn", type="STANDARD")
        cluster = snapshot.cluster or "local"
        modules: dict[str, ModuleType] = {}  # filled below; the API routes to them
        api = stack.enter_context(LocalHttpApi(_route(modules)))
        handler_env = {
            "PUBLIC_BASE_URL": api.url,
            "INVESTIGATIONS_TABLE": settings.investigations_table, "DEDUP_TABLE": settings.dedup_table,
            "LEARNING_TABLE": settings.learning_table, "STATE_MACHINE_ARN": machine["stateMachineArn"],
            "WEBHOOK_TOKENS_SECRET_ARN": _secret("fr/webhook-tokens", {**{s: [webhook_token] for s in sources},
                                                                       "api": [api_token]}),
            "SLACK_SECRET_ARN": _secret("fr/slack", {"bot_token": SLACK_TOKEN, "signing_secret": signing_secret}),
            "REPORT_LINK_KEY_SECRET_ARN": _secret("fr/report-link", {"key": secrets.token_hex(32)}),
            "SLACK_CHANNEL": SLACK_CHANNEL, "SLACK_API_URL": slack.api_url, "LLM_PROVIDER": llm_provider,
            "CLUSTER_REGISTRY": json.dumps({"clusters": {cluster: {"kubeconfig": str(kubeconfig),
                                                                   "context": "firstresponder-sim"}},
                                            "default": cluster}),
            **(extra_env or {}),
        }
        stack.enter_context(_environment(handler_env))
        modules.update({directory: _load_handler(directory) for directory in dirs.values()})
        stack.enter_context(lambda_handlers({d: m.lambda_handler for d, m in modules.items()}))
        yield LocalStack(url=api.url, moto_endpoint=endpoint, webhook_token=webhook_token, api_token=api_token,
                         signing_secret=signing_secret, slack=slack, sim=sim,
                         state_machine_arn=machine["stateMachineArn"])


def _route(modules: dict[str, ModuleType]) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    """API Gateway routes: /alerts → intake, /slack → slack_interactions, the rest → api."""

    def handle(event: dict[str, Any], context: Any) -> dict[str, Any]:
        path = event.get("rawPath", "")
        name = "intake" if path.startswith("/alerts/") else "slack_interactions" if path.startswith("/slack/") else "api"
        result: dict[str, Any] = modules[name].lambda_handler(event, context)
        return result

    return handle


@contextmanager
def _tempdir() -> Iterator[str]:
    import tempfile

    with tempfile.TemporaryDirectory(prefix="firstresponder-local-") as tmp:
        yield tmp

"""Canaries planted in Secrets, ConfigMaps, env and logs of the demo incident, then every path an
investigation's output takes is searched: no Secret value anywhere, no credential shape sent to a model."""

from __future__ import annotations

import json
import logging
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import httpx
import pytest

from firstresponder.cli import main
from firstresponder.llm.config import load_routing
from firstresponder.llm.gateway import ModelGateway
from firstresponder.llm.refine import refine
from firstresponder.slack.gateway import SlackGateway
from tests.reliability.api_stack import API_TOKEN, WEBHOOK_TOKEN, running_api
from tests.reliability.figures import Figures
from tests.reliability.fixtures.canary_snapshot import (
    CREDENTIAL_CANARIES,
    SECRET_CANARIES,
    build_canary_snapshot,
    secret_forms,
)
from tests.reliability.pipeline import cluster_connector, run_pipeline, step_deps
from tests.support.anthropic_standin import running_anthropic_standin
from tests.support.slack_standin import TOKEN, running_slack_standin

ALL_CANARIES = secret_forms() + CREDENTIAL_CANARIES


@pytest.fixture(scope="module")
def canary_snapshot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = build_canary_snapshot(tmp_path_factory.mktemp("canary") / "payments")
    planted = "\n".join(p.read_text() for p in root.rglob("*") if p.is_file())
    # Every canary is really in the cluster (Secret data as base64), or the searches below prove nothing.
    assert all(c in planted for c in CREDENTIAL_CANARIES + secret_forms()[3:5] + SECRET_CANARIES[2:])
    return root


@pytest.fixture
def product_logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    with caplog.at_level(logging.DEBUG):
        yield caplog


def leaks(surface: str, text: str, canaries: list[str], figures: Figures) -> list[str]:
    found = [f"{canary} in {surface}" for canary in canaries if canary in text]
    figures.add("canary.surfaces")
    figures.add("canary.leaked", len(found))
    return found


@pytest.mark.parametrize("output", ["text", "json", "markdown", "slack", "html"])
def test_cli_reports_carry_no_canary(canary_snapshot: Path, output: str, capsys: pytest.CaptureFixture[str],
                                     product_logs: pytest.LogCaptureFixture, figures: Figures) -> None:
    code = main(["investigate", "--alert", str(canary_snapshot / "alert.json"), "--snapshot", str(canary_snapshot),
                 "--output", output, "--no-progress"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "payments-config" in captured.out  # the report is about the incident, so the search means something
    found = (leaks(f"CLI --output {output}", captured.out + captured.err, ALL_CANARIES, figures)
             + leaks("product log records", product_logs.text, ALL_CANARIES, figures))
    assert not found


def dynamodb_dump(endpoint: str, tables: list[str]) -> str:
    """Every item of every table, binary attributes decompressed where they are zlib (the stored reports)."""
    client = boto3.client("dynamodb", endpoint_url=endpoint, region_name="us-east-1")
    parts: list[str] = []
    for table in tables:
        for page in client.get_paginator("scan").paginate(TableName=table):
            for item in page["Items"]:
                parts.append(json.dumps(item, default=_decoded))
    return "\n".join(parts)


def _decoded(value: Any) -> str:
    if isinstance(value, bytes | bytearray):
        try:
            return zlib.decompress(value).decode("utf-8", "replace")
        except zlib.error:
            return bytes(value).decode("utf-8", "replace")
    return str(value)


def test_pipeline_api_storage_slack_and_model_carry_no_canary(moto_endpoint: str, canary_snapshot: Path,
                                                              product_logs: pytest.LogCaptureFixture,
                                                              figures: Figures) -> None:
    with running_slack_standin() as slack, running_anthropic_standin() as model:
        gateway = ModelGateway(load_routing(), api_key="sk-test-not-a-real-key", base_url=model.url, max_retries=0)
        slack_gateway = SlackGateway(TOKEN, base_url=slack.api_url)
        with running_api(moto_endpoint, slack=slack_gateway) as api:
            # Given the alert delivered over HTTP, and the pipeline run with Slack and the model stages
            posted = httpx.post(f"{api.url}/alerts/alertmanager", content=(canary_snapshot / "alert.json").read_bytes(),
                                headers={"Authorization": f"Bearer {WEBHOOK_TOKEN}",
                                         "Content-Type": "application/json"})
            assert posted.status_code == 202, posted.text
            investigation_id = posted.json()["investigations"][0]["id"]
            with cluster_connector(canary_snapshot) as connect:
                deps = step_deps(api.stores, connect, slack=slack_gateway,
                                 refiner=lambda b, d: refine(b, d, gateway))
                assert run_pipeline(investigation_id, deps) in ("done", "partial")
            # When everything that left the pipeline is read back
            auth = {"Authorization": f"Bearer {API_TOKEN}"}
            as_json = httpx.get(f"{api.url}/investigations/{investigation_id}", headers=auth)
            as_html = httpx.get(f"{api.url}/investigations/{investigation_id}", headers={**auth, "Accept": "text/html"})
            assert as_json.status_code == as_html.status_code == 200
            stored = dynamodb_dump(moto_endpoint, [api.stores.settings.investigations_table,
                                                   api.stores.settings.dedup_table,
                                                   api.stores.settings.learning_table])
        prompts = model.all_request_text()
        slack_calls = json.dumps(slack.calls)
    # Then the surfaces are about the incident, and carry no canary
    assert "payments-config" in stored and "payments-config" in slack_calls and model.requests
    assert "payments-config" in prompts and "[REDACTED" in prompts  # the model saw the evidence, masked
    found = (leaks("HTTP API JSON", as_json.text, ALL_CANARIES, figures)
             + leaks("HTTP API HTML", as_html.text, ALL_CANARIES, figures)
             # Artifacts keep raw cluster objects between steps (ConfigMap data, pod env): only Secrets must be absent.
             + leaks("DynamoDB items", stored, secret_forms(), figures)
             + leaks("Slack calls", slack_calls, ALL_CANARIES, figures)
             + leaks("model requests", prompts, ALL_CANARIES, figures)
             + leaks("product log records", product_logs.text, ALL_CANARIES, figures))
    assert not found

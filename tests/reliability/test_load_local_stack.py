"""Load through the full local stack (HTTP API → moto Step Functions running the real ASL → Lambda handlers
→ DynamoDB → Slack stand-in): many alerts at once, every investigation finishes with its own report."""

from __future__ import annotations

import copy
import json
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from firstresponder.cli.demo import demo_dir
from firstresponder.local.stack import LocalStack, running_local_stack
from tests.reliability.figures import Figures, full_run

FINISHED = {"done", "partial", "failed"}


def _alerts(count: int) -> list[dict[str, Any]]:
    """The demo alert, then distinct incidents: one more workload each (pods the cluster does not have)."""
    demo = json.loads((demo_dir() / "alert.json").read_text())
    bodies = [demo]
    for n in range(1, count):
        body = copy.deepcopy(demo)
        alert = body["alerts"][0]
        alert["labels"]["pod"] = f"load-{n:02d}-6d4cf56db6-x{n:04d}"
        alert["fingerprint"] = f"load{n:04d}"
        bodies.append(body)
    return bodies


def _wait(stack: LocalStack, client: httpx.Client, investigation: str) -> dict[str, Any]:
    deadline = time.monotonic() + 300  # guards a hung run; not a performance assertion
    while time.monotonic() < deadline:
        view = client.get(f"/investigations/{investigation}", headers={"Authorization": f"Bearer {stack.api_token}"})
        body = view.json()
        if body["status"] in FINISHED:
            return dict(body)
        time.sleep(0.3)
    raise AssertionError(f"investigation {investigation} did not finish")


def test_many_alerts_through_the_local_stack_all_finish_unmixed(figures: Figures,
                                                               request: pytest.FixtureRequest) -> None:
    if not full_run(request.config):
        pytest.skip("the full local stack under load: full form only (--reliability-full)")
    bodies = _alerts(50)
    with running_local_stack(demo_dir()) as stack, httpx.Client(base_url=stack.url, timeout=60) as client:
        def send(body: dict[str, Any]) -> str:
            response = client.post("/alerts/alertmanager", content=json.dumps(body),
                                   headers={"Content-Type": "application/json",
                                            "Authorization": f"Bearer {stack.webhook_token}"})
            assert response.status_code == 202, response.text
            return str(response.json()["investigations"][0]["id"])

        with ThreadPoolExecutor(max_workers=25) as pool:
            ids = list(pool.map(send, bodies))
        figures.add("load.started", len(ids))
        figures.add("delivery.accepted", len(ids))
        assert len(set(ids)) == len(bodies)
        views = [_wait(stack, client, i) for i in ids]
    mixed = 0
    for body, investigation, view in zip(bodies, ids, views, strict=True):
        report = view["report"]
        assert report is not None, view
        figures.add("load.completed")
        figures.add("delivery.stored")
        mixed += not (report["id"] == investigation and report["alert"]["fingerprint"] ==
                      body["alerts"][0]["fingerprint"])
    figures.add("load.mixed", mixed)
    assert mixed == 0
    assert views[0]["report"]["root_cause"]["resource"]["name"] == "payments-config"

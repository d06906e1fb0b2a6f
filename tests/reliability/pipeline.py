"""The deployed pipeline in-process: intake → Discover → Collect (each task) → Analyse → Publish, with
RecordFailure on any step error, as the state machine's Catch does; storage is moto over HTTP."""

from __future__ import annotations

import tempfile
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from firstresponder.kube.gateway import KubeGateway
from firstresponder.kube.reader import ClusterReader
from firstresponder.local.starter import RecordingStarter
from firstresponder.models import Alert
from firstresponder.services.intake import IntakeDeps, accept_alerts
from firstresponder.services.investigation import Refiner
from firstresponder.services.steps import (
    StepDeps,
    analyse_step,
    collect_step,
    discover_step,
    publish_step,
    record_failure_step,
)
from firstresponder.sim import SimulatedCluster
from firstresponder.slack.gateway import SlackGateway
from firstresponder.slack.routing import SlackRouting
from firstresponder.storage.artifacts import ArtifactStore
from firstresponder.storage.dedup import DedupStore
from firstresponder.storage.dynamo import Dynamo, create_tables, dynamodb_client
from firstresponder.storage.feedback import FeedbackStore
from firstresponder.storage.investigations import InvestigationStore
from firstresponder.storage.settings import StorageSettings
from tests.reliability.runner import FAST

NOW = datetime(2026, 3, 17, 3, 0, tzinfo=UTC)


@dataclass
class Stores:
    settings: StorageSettings
    dynamo: Dynamo
    investigations: InvestigationStore
    dedup: DedupStore
    artifacts: ArtifactStore
    feedback: FeedbackStore


def fresh_stores(endpoint: str, *, client: Any | None = None) -> Stores:
    """New, uniquely named tables on the moto server; ``client`` lets a test hook botocore events."""
    suffix = uuid.uuid4().hex[:8]
    settings = StorageSettings(investigations_table=f"inv-{suffix}", dedup_table=f"dedup-{suffix}",
                               learning_table=f"learn-{suffix}", endpoint_url=endpoint, region="us-east-1")
    create_tables(settings)
    dynamo = Dynamo(settings, client=client or dynamodb_client(settings))
    return Stores(settings, dynamo, InvestigationStore(dynamo), DedupStore(dynamo), ArtifactStore(dynamo),
                  FeedbackStore(dynamo))


def intake_deps(stores: Stores, starter: RecordingStarter | None = None) -> IntakeDeps:
    return IntakeDeps(investigations=stores.investigations, dedup=stores.dedup,
                      starter=starter or RecordingStarter(), expected_tokens=lambda _source: ["token"])


@contextmanager
def cluster_connector(snapshot: Path | Any) -> Iterator[Callable[[str | None], ClusterReader]]:
    """A simulator serving ``snapshot`` and a ``connect`` that opens a gateway to it (per step, like a Lambda)."""
    with tempfile.TemporaryDirectory() as tmp, SimulatedCluster(snapshot) as sim:
        kubeconfig = sim.write_kubeconfig(Path(tmp) / "kubeconfig")
        gateways: list[KubeGateway] = []
        lock = threading.Lock()

        def connect(_cluster: str | None) -> ClusterReader:
            gateway = KubeGateway.from_kubeconfig(kubeconfig, "firstresponder-sim", options=FAST)
            with lock:
                gateways.append(gateway)
            return gateway

        try:
            yield connect
        finally:
            for gateway in gateways:
                gateway.close()


def step_deps(stores: Stores, connect: Callable[[str | None], ClusterReader], *,
              slack: SlackGateway | None = None, refiner: Refiner | None = None) -> StepDeps:
    return StepDeps(investigations=stores.investigations, artifacts=stores.artifacts, feedback=stores.feedback,
                    connect=connect, clock=lambda: NOW, slack=slack,
                    routing=SlackRouting(default_channel="#incidents") if slack else None, refiner=refiner)


def accept(alert: Alert, deps: IntakeDeps) -> str:
    accepted = accept_alerts([alert], deps, now=NOW)
    return accepted.investigations[0].investigation_id


def run_pipeline(investigation_id: str, deps: StepDeps) -> str:
    """The state machine's happy path and its Catch; returns the final step's status."""
    try:
        tasks = discover_step(investigation_id, deps)["tasks"]
        collected = []
        for task in tasks:
            try:
                collected.append(collect_step(investigation_id, task, deps))
            except Exception as err:  # after Step Functions' retries the task is marked failed
                collected.append({"taskId": task["taskId"], "status": "failed", "error": type(err).__name__})
        analyse_step(investigation_id, collected, deps)
        return str(publish_step(investigation_id, deps)["status"])
    except Exception as err:
        return str(record_failure_step(investigation_id, {"Error": type(err).__name__, "Cause": str(err)},
                                       deps)["status"])

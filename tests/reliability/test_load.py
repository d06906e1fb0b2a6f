"""Many investigations at once through intake → Discover/Collect/Analyse/Publish against moto DynamoDB and
several simulated clusters: all finish, and no report is lost or carries another investigation's answer."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack

import pytest

from firstresponder.kube.reader import ClusterReader
from firstresponder.services.intake import accept_alerts
from tests.reliability.figures import Figures, full_run
from tests.reliability.pipeline import (
    NOW,
    cluster_connector,
    fresh_stores,
    intake_deps,
    run_pipeline,
    step_deps,
)
from tests.reliability.runner import load_scenario, run

SCENARIOS = ["01-payments-configmap-db-host", "02-oom-jvm-heap-above-limit", "05-secret-password-rotated-new-pods-fail",
             "06-missing-configmap-create-config-error", "09-exit-127-command-not-found"]


@pytest.fixture
def connect_by_cluster() -> Iterator[Callable[[str | None], ClusterReader]]:
    """One simulator per scenario; cluster ``<scenario>#<n>`` reads the scenario's simulator."""
    with ExitStack() as stack:
        connectors = {name: stack.enter_context(cluster_connector(load_scenario(name).path)) for name in SCENARIOS}
        yield lambda cluster: connectors[(cluster or "").split("#")[0]](cluster)


def test_concurrent_investigations_all_complete_unmixed(moto_endpoint: str, figures: Figures,
                                                        connect_by_cluster: Callable[[str | None], ClusterReader],
                                                        request: pytest.FixtureRequest) -> None:
    count = 50 if full_run(request.config) else 8
    expected = {name: run(load_scenario(name)).report.root_cause for name in SCENARIOS}
    stores = fresh_stores(moto_endpoint)
    intake = intake_deps(stores)
    alerts = [load_scenario(SCENARIOS[n % len(SCENARIOS)]).alert.model_copy(
        update={"cluster": f"{SCENARIOS[n % len(SCENARIOS)]}#{n}", "fingerprint": f"load-{n:03d}"})
        for n in range(count)]
    # Given every alert accepted at once (each a different incident: its own cluster)
    with ThreadPoolExecutor(max_workers=16) as pool:
        accepted = list(pool.map(lambda a: accept_alerts([a], intake, now=NOW).investigations[0], alerts))
    figures.add("load.started", len(accepted))
    assert len({a.investigation_id for a in accepted}) == count and all(a.new for a in accepted)

    # When every pipeline runs at the same time
    deps = step_deps(stores, connect_by_cluster)
    with ThreadPoolExecutor(max_workers=16) as pool:
        statuses = list(pool.map(lambda a: run_pipeline(a.investigation_id, deps), accepted))

    # Then each stored report is its own investigation's, with its scenario's answer
    mixed = 0
    for alert, item, status in zip(alerts, accepted, statuses, strict=True):
        report = stores.investigations.load_report(item.investigation_id)
        record = stores.investigations.get(item.investigation_id)
        assert status in ("done", "partial"), (item.investigation_id, status, record and record.error)
        assert report is not None and record is not None
        figures.add("load.completed")
        scenario = (alert.cluster or "").split("#")[0]
        own = (report.id == item.investigation_id and report.alert.cluster == alert.cluster
               and report.alert.fingerprint == alert.fingerprint and record.alert.cluster == alert.cluster
               and report.root_cause.resource == expected[scenario].resource
               and report.root_cause.category == expected[scenario].category)
        mixed += not own
    figures.add("load.mixed", mixed)
    assert mixed == 0

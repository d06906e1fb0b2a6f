"""Shared fixtures: one simulator over the basic snapshot, and an official client configured from its kubeconfig."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from kubernetes import client, config

from firstresponder.sim import SimulatedCluster
from tests.support.simulator import BASIC_CAPTURED_AT, running_simulator


@pytest.fixture(scope="module")
def cluster() -> Iterator[SimulatedCluster]:
    with running_simulator(shift_timestamps_to=BASIC_CAPTURED_AT, clock=lambda: BASIC_CAPTURED_AT) as running:
        yield running


def api_client_for(cluster: SimulatedCluster, directory: Path) -> client.ApiClient:
    """An ApiClient built by the client's own kubeconfig loader from the file the simulator writes."""
    kubeconfig = cluster.write_kubeconfig(directory / "kubeconfig")
    configuration = client.Configuration()
    config.load_kube_config(config_file=str(kubeconfig), client_configuration=configuration)
    configuration.retries = False  # so injected connection faults surface instead of being retried
    return client.ApiClient(configuration)


@pytest.fixture(scope="module")
def api_client(cluster: SimulatedCluster, tmp_path_factory: pytest.TempPathFactory) -> Iterator[client.ApiClient]:
    with api_client_for(cluster, tmp_path_factory.mktemp("kube")) as api:
        yield api

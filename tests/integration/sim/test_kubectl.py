"""The real kubectl (v1.32) against the simulator, through the kubeconfig it writes."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from firstresponder.sim import SimulatedCluster
from tests.support.simulator import BASIC_CAPTURED_AT, running_simulator, write_methods

KUBECTL = shutil.which("kubectl") or "/usr/bin/kubectl"
pytestmark = pytest.mark.skipif(not Path(KUBECTL).exists(), reason="kubectl binary not installed (/usr/bin/kubectl)")
CRASHING = "checkout-7d9f8b6c5d-x2k4p"


@dataclass
class Kubectl:
    cluster: SimulatedCluster
    kubeconfig: Path
    home: Path

    def __call__(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        env = {"PATH": os.environ.get("PATH", ""), "HOME": str(self.home), "KUBECONFIG": str(self.kubeconfig)}
        result = subprocess.run([KUBECTL, "--cache-dir", str(self.home / "cache"), "--request-timeout", "10s", *args],
                                env=env, capture_output=True, text=True, timeout=60, check=False)
        if check:
            assert result.returncode == 0, result.stderr
        return result


@pytest.fixture(scope="module")
def kubectl(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Kubectl]:
    home = tmp_path_factory.mktemp("kubectl-home")
    with running_simulator(shift_timestamps_to=BASIC_CAPTURED_AT, clock=lambda: BASIC_CAPTURED_AT) as cluster:
        yield Kubectl(cluster, cluster.write_kubeconfig(home / "kubeconfig"), home)


def test_get_pods_all_namespaces_prints_columns(kubectl: Kubectl) -> None:
    lines = kubectl("get", "pods", "-A").stdout.splitlines()

    assert lines[0].split() == ["NAMESPACE", "NAME", "READY", "STATUS", "RESTARTS", "AGE"]
    crashing = next(line for line in lines if CRASHING in line).split()
    assert crashing == ["shop", CRASHING, "0/1", "CrashLoopBackOff", "5", "(2m19s", "ago)", "39m"]
    assert len(lines) == 5


def test_describe_pod_shows_events(kubectl: Kubectl) -> None:
    output = kubectl("describe", "pod", CRASHING, "-n", "shop").stdout

    assert "CrashLoopBackOff" in output
    assert "Controlled By:  ReplicaSet/checkout-7d9f8b6c5d" in output
    events = output.split("Events:", 1)[1]
    assert "Back-off restarting failed container checkout" in events
    assert "Successfully assigned shop/" in events


def test_logs_previous(kubectl: Kubectl) -> None:
    output = kubectl("logs", CRASHING, "-n", "shop", "-c", "checkout", "--previous").stdout

    assert output.splitlines()[-1] == '{"level":"fatal","msg":"cannot start without payments; exiting"}'


def test_events_with_field_selector(kubectl: Kubectl) -> None:
    lines = kubectl("get", "events", "-n", "shop", "--field-selector", f"involvedObject.name={CRASHING}").stdout.splitlines()

    assert lines[0].split()[:4] == ["LAST", "SEEN", "TYPE", "REASON"]
    assert len(lines) == 3
    assert all(f"pod/{CRASHING}" in line for line in lines[1:])


def test_get_deployment_yaml(kubectl: Kubectl) -> None:
    output = kubectl("get", "deploy", "checkout", "-n", "shop", "-o", "yaml").stdout

    assert "kind: Deployment" in output
    assert "replicas: 2" in output
    assert "image: registry.example.com/shop/checkout:2.14.0" in output


def test_patch_dry_run_client_succeeds_without_writing(kubectl: Kubectl) -> None:
    before = len(kubectl.cluster.requests)

    result = kubectl("patch", "deployment", "checkout", "-n", "shop", "--dry-run=client", "-p",
                     '{"spec":{"replicas":3}}')

    assert "deployment.apps/checkout patched" in result.stdout
    assert {r.method for r in kubectl.cluster.requests[before:]} == {"GET"}


def test_set_based_label_selector(kubectl: Kubectl) -> None:
    lines = kubectl("get", "pods", "-A", "-l", "app in (checkout,payments)").stdout.splitlines()

    assert sorted(line.split()[1] for line in lines[1:]) == ["checkout-7d9f8b6c5d-9hvzt", CRASHING,
                                                             "payments-5c8d7f9b4-qm2lz"]


def test_rejected_field_selector_is_an_error(kubectl: Kubectl) -> None:
    result = kubectl("get", "pods", "-A", "--field-selector", "spec.containers=x", check=False)

    assert result.returncode != 0
    assert "field label not supported: spec.containers" in result.stderr


def test_wide_sorted_output_and_describe_node(kubectl: Kubectl) -> None:
    wide = kubectl("get", "pods", "-n", "shop", "-o", "wide", "--sort-by=.metadata.name").stdout.splitlines()
    node = kubectl("describe", "node", "ip-10-0-1-17.eu-west-1.compute.internal").stdout

    assert wide[0].split()[5:7] == ["IP", "NODE"]
    assert [line.split()[0] for line in wide[1:]] == sorted(line.split()[0] for line in wide[1:])
    assert "Non-terminated Pods:          (2 in total)" in node


def test_top_pods_reads_metrics(kubectl: Kubectl) -> None:
    lines = kubectl("top", "pods", "-n", "shop").stdout.splitlines()

    assert lines[1].split() == ["checkout-7d9f8b6c5d-9hvzt", "2m", "40Mi"]


def test_no_write_succeeds_in_a_kubectl_session(kubectl: Kubectl) -> None:
    deleted = kubectl("delete", "pod", "frontend", "-n", "default", check=False)
    scaled = kubectl("scale", "deployment", "checkout", "-n", "shop", "--replicas=5", check=False)
    kubectl("get", "pod", "frontend", "-n", "default")

    writes = write_methods(kubectl.cluster)

    assert deleted.returncode != 0 and "MethodNotAllowed" in deleted.stderr
    assert scaled.returncode != 0
    assert {method for method, _path, _status in writes} >= {"DELETE", "PATCH"}
    assert {status for _method, _path, status in writes} == {405}

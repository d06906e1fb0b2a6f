"""write_snapshot through the gateway against the simulator: round trip, redaction, skipped kinds."""

from __future__ import annotations

import base64
import copy
import datetime as dt
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from firstresponder.kube.connection import connect_kubeconfig
from firstresponder.kube.reader import KIND_RESOURCES, REDACTED
from firstresponder.sim import FaultPlan, FaultRule
from firstresponder.snapshot import Snapshot, load_snapshot
from firstresponder.snapshot.log_capture import log_requests
from firstresponder.snapshot.writer import objects_file_name, write_snapshot
from tests.support.memory_cluster import MemoryCluster
from tests.support.simulator import BASIC_SNAPSHOT, running_simulator

CAPTURED = dt.datetime(2026, 11, 28, 4, 0, tzinfo=dt.UTC)
CANARY = "canary-7f1e-never-leaves-the-gateway"


def _snapshot_via_gateway(source: Path, out: Path, tmp_path: Path, **kwargs: Any) -> Any:
    faults = kwargs.pop("faults", None)
    namespaces = kwargs.pop("namespaces", None)
    with running_simulator(source, faults=faults) as sim, \
            connect_kubeconfig(sim.write_kubeconfig(tmp_path / "kubeconfig")) as gateway:
        return write_snapshot(gateway, out, cluster="shop-prod", region="eu-west-1", namespaces=namespaces,
                              captured_at=CAPTURED, **kwargs)


def _key(obj: dict[str, Any]) -> tuple[str, str, str]:
    return obj["kind"], obj["metadata"].get("namespace", ""), obj["metadata"]["name"]


def _redacted(obj: dict[str, Any]) -> dict[str, Any]:
    if obj["kind"] != "Secret":
        return obj
    out = copy.deepcopy(obj)
    for field in ("data", "stringData"):
        if field in out:
            out[field] = dict.fromkeys(out[field], REDACTED)
    return out


_STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")


def _stamp(line: str) -> bool:
    return bool(_STAMP.match(line.partition(" ")[0]))


def _unstamped(text: str) -> list[str]:
    """Log lines without their leading RFC3339 stamp (the simulator stamps unstamped lines)."""
    return [line.partition(" ")[2] if _stamp(line) else line for line in text.splitlines()]


def _without_filled_identity(written: dict[str, Any], original: dict[str, Any]) -> dict[str, Any]:
    """The simulator gives objects it serves a uid/resourceVersion when the snapshot has none."""
    out = copy.deepcopy(written)
    for field in ("uid", "resourceVersion"):
        if field not in original["metadata"]:
            out["metadata"].pop(field, None)
    return out


def test_round_trip_reproduces_the_served_snapshot(tmp_path: Path) -> None:
    original = load_snapshot(BASIC_SNAPSHOT)
    by_key = {_key(o): o for o in original.objects}

    summary = _snapshot_via_gateway(BASIC_SNAPSHOT, tmp_path / "out", tmp_path)
    written = load_snapshot(tmp_path / "out")

    assert (written.cluster, written.region, written.captured_at) == ("shop-prod", "eu-west-1", CAPTURED)
    assert set(map(_key, written.objects)) == set(by_key) and len(written.objects) == len(original.objects)
    for obj in written.objects:
        assert _without_filled_identity(obj, by_key[_key(obj)]) == _redacted(by_key[_key(obj)]), _key(obj)
    assert written.logs.keys() == original.logs.keys()
    for key, text in written.logs.items():
        assert _unstamped(text) == _unstamped(original.logs[key]), key
        assert all(_stamp(line) for line in text.splitlines()), key  # captured with --timestamps
    assert summary.logs_written == len(original.logs)
    assert summary.skipped == []
    # Containers whose logs the fixture does not hold are listed, not silently dropped.
    wanted = {(r.namespace, r.pod, r.container, r.previous) for pod in original.objects_of_kind("Pod")
              for r in log_requests(pod)}
    missing = {f"{ns}/{pod}/{container}{'.previous' if previous else ''}"
               for ns, pod, container, previous in wanted - set(original.logs)}
    assert {f"{f.namespace}/{f.name}" for f in summary.log_failures} == missing
    assert summary.objects["Pod"] == len(original.objects_of_kind("Pod"))


def test_every_kind_gets_a_kubectl_style_list_file(tmp_path: Path) -> None:
    _snapshot_via_gateway(BASIC_SNAPSHOT, tmp_path / "out", tmp_path)

    files = sorted(p.name for p in (tmp_path / "out" / "objects").iterdir())
    assert files == sorted(objects_file_name(kind) for kind in KIND_RESOURCES)
    assert "pods.yaml" in files and "pods.metrics.k8s.io.yaml" in files
    document = yaml.safe_load((tmp_path / "out" / "objects" / "deployments.yaml").read_text())
    assert list(document) == ["apiVersion", "items", "kind", "metadata"]
    assert (document["apiVersion"], document["kind"], document["metadata"]) == ("v1", "List", {"resourceVersion": ""})
    assert all(item["kind"] == "Deployment" and item["apiVersion"] == "apps/v1" for item in document["items"])


def _with_canary_secret(tmp_path: Path) -> Path:
    source = tmp_path / "source"
    shutil.copytree(BASIC_SNAPSHOT, source)
    applied = json.dumps({"apiVersion": "v1", "kind": "Secret", "stringData": {"api-key": CANARY}})
    secret = {"apiVersion": "v1", "kind": "Secret", "type": "Opaque",
              "metadata": {"name": "canary", "namespace": "shop", "uid": "c0ffee00-0000-4000-8000-000000000001",
                           "annotations": {"kubectl.kubernetes.io/last-applied-configuration": applied}},
              "data": {"api-key": base64.b64encode(CANARY.encode()).decode()},
              "stringData": {"api-key": CANARY}}
    (source / "objects" / "canary.yaml").write_text(yaml.safe_dump(secret))
    return source


def test_a_canary_secret_value_never_reaches_the_snapshot(tmp_path: Path) -> None:
    source = _with_canary_secret(tmp_path)
    encoded = base64.b64encode(CANARY.encode()).decode()

    _snapshot_via_gateway(source, tmp_path / "out", tmp_path)

    written = [p for p in (tmp_path / "out").rglob("*") if p.is_file()]
    assert len(written) > 10
    for path in written:
        text = path.read_text()
        assert CANARY not in text and encoded not in text, path
    secret = next(o for o in load_snapshot(tmp_path / "out").objects_of_kind("Secret")
                  if o["metadata"]["name"] == "canary")
    assert secret["data"] == {"api-key": REDACTED} and secret["stringData"] == {"api-key": REDACTED}
    assert "annotations" not in secret["metadata"] or not secret["metadata"]["annotations"]


def test_forbidden_and_unserved_kinds_are_skipped_with_reasons(tmp_path: Path) -> None:
    faults = FaultPlan([FaultRule.http(403, kind="Secret"), FaultRule.http(404, path=r"^/apis/metrics\.k8s\.io")])

    summary = _snapshot_via_gateway(BASIC_SNAPSHOT, tmp_path / "out", tmp_path, faults=faults)

    skipped = {s.kind: s for s in summary.skipped}
    assert set(skipped) == {"Secret", "PodMetrics", "NodeMetrics"}
    assert skipped["Secret"].status == 403
    assert skipped["Secret"].rbac_rule == 'apiGroups: [""], resources: ["secrets"], verbs: ["list"]'
    assert skipped["PodMetrics"].reason == "metrics.k8s.io is not served"
    objects = tmp_path / "out" / "objects"
    assert not (objects / "secrets.yaml").exists() and not (objects / "pods.metrics.k8s.io.yaml").exists()
    header = yaml.safe_load((tmp_path / "out" / "snapshot.yaml").read_text())
    assert {s["kind"] for s in header["skipped"]} == {"Secret", "PodMetrics", "NodeMetrics"}
    assert "Secret" in str(summary)


def test_namespaces_restrict_namespaced_kinds_only(tmp_path: Path) -> None:
    original = load_snapshot(BASIC_SNAPSHOT)

    _snapshot_via_gateway(BASIC_SNAPSHOT, tmp_path / "out", tmp_path, namespaces=["shop"])
    written = load_snapshot(tmp_path / "out")

    assert {o["metadata"]["namespace"] for o in written.objects_of_kind("Pod")} == {"shop"}
    assert len(written.objects_of_kind("Node")) == len(original.objects_of_kind("Node"))
    assert {o["metadata"]["name"] for o in written.objects_of_kind("Pod")} == {
        o["metadata"]["name"] for o in original.objects_of_kind("Pod") if o["metadata"]["namespace"] == "shop"}


def test_log_failures_are_listed_and_unsafe_names_never_become_paths(tmp_path: Path) -> None:
    pod = {"kind": "Pod", "apiVersion": "v1", "metadata": {"name": "..", "namespace": "shop"},
           "spec": {"containers": [{"name": "app"}]},
           "status": {"containerStatuses": [{"name": "app", "restartCount": 1, "state": {"running": {}}}]}}
    reader = MemoryCluster([pod, {**pod, "metadata": {"name": "ok", "namespace": "shop"}}],
                           logs={"shop/../app": "x\n", "shop/ok/app": "fine\n"})

    summary = write_snapshot(reader, tmp_path / "out", cluster="c", region=None, namespaces=None,
                             captured_at=CAPTURED)

    assert summary.logs_written == 1  # ok/app current; its previous log is missing
    assert sorted(f.name for f in summary.log_failures) == ["../app", "../app.previous", "ok/app.previous"]
    assert [p.relative_to(tmp_path / "out").as_posix() for p in (tmp_path / "out" / "logs").rglob("*.log")] == [
        "logs/shop/ok/app.log"]


def test_an_existing_snapshot_is_never_overwritten(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "snapshot.yaml").write_text("cluster: other\n")
    with pytest.raises(FileExistsError):
        write_snapshot(MemoryCluster(), tmp_path / "out", cluster="c", region=None, namespaces=None,
                       captured_at=CAPTURED)


def test_which_logs_a_pod_has() -> None:
    pod = {"metadata": {"name": "p", "namespace": "n"},
           "spec": {"initContainers": [{"name": "init"}], "containers": [{"name": "app"}, {"name": "new"},
                                                                          {"name": "crash"}]},
           "status": {"initContainerStatuses": [{"name": "init", "state": {"terminated": {"exitCode": 0}}}],
                      "containerStatuses": [
                          {"name": "app", "restartCount": 0, "state": {"running": {}}},
                          {"name": "new", "restartCount": 0, "state": {"waiting": {"reason": "ContainerCreating"}}},
                          {"name": "crash", "restartCount": 4, "state": {"waiting": {"reason": "CrashLoopBackOff"}},
                           "lastState": {"terminated": {"exitCode": 1}}}]}}

    assert [r.label for r in log_requests(pod)] == ["p/init", "p/app", "p/crash", "p/crash.previous"]


def test_loading_the_written_snapshot_is_a_snapshot(tmp_path: Path) -> None:
    _snapshot_via_gateway(BASIC_SNAPSHOT, tmp_path / "out", tmp_path)
    assert isinstance(load_snapshot(tmp_path / "out"), Snapshot)

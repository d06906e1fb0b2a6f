"""Each scenario is internally consistent: files parse, the alert has its source's shape, expected.yaml is
complete, the culprit exists, logs belong to real containers, owners exist and time runs forwards."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from firstresponder.models.report import Category
from tests.unit.scenarios.corpus import DEMO, all_dirs, ids_of, load, parse_time, scenario_dirs
from tests.unit.scenarios.corpus import alert as load_alert
from tests.unit.scenarios.corpus import expected as load_expected

DIRS = all_dirs()
SCENARIOS = scenario_dirs()
SOURCES = {"alertmanager", "sns", "eventbridge", "datadog", "generic"}
EXPECTED_KEYS = {"description", "source", "culprit", "category", "confidence", "facts", "remediation_targets"}


def test_corpus_is_large_and_covers_every_category_and_source() -> None:
    expectations = [load_expected(p) for p in SCENARIOS]
    assert len(SCENARIOS) >= 40
    assert {e["category"] for e in expectations} >= {c.value for c in Category if c != Category.UNKNOWN}
    assert {e["source"] for e in expectations} == SOURCES
    assert {e["confidence"] for e in expectations} == {"high", "medium", "low"}


def test_demo_is_scenario_one() -> None:
    # The packaged demo is the same incident as the first corpus scenario (regenerated together).
    first = SCENARIOS[0]
    assert first.name.startswith("01-")
    assert (DEMO / "alert.json").read_text() == (first / "alert.json").read_text()
    assert not (DEMO / "expected.yaml").exists()


@pytest.mark.parametrize("path", DIRS, ids=ids_of(DIRS))
def test_snapshot_header(path: Path) -> None:
    snap = load(path)
    assert set(snap.meta) <= {"capturedAt", "cluster", "region"}
    assert str(snap.meta["capturedAt"]).endswith("Z")
    assert snap.meta["cluster"]
    assert snap.captured_at.utcoffset() is not None


@pytest.mark.parametrize("path", SCENARIOS, ids=ids_of(SCENARIOS))
def test_expected_is_complete(path: Path) -> None:
    exp = load_expected(path)
    assert set(exp) == EXPECTED_KEYS
    assert exp["source"] in SOURCES
    Category(exp["category"])
    assert exp["confidence"] in {"high", "medium", "low"}
    assert set(exp["culprit"]) <= {"kind", "namespace", "name", "missing"}
    assert exp["facts"] and all(isinstance(f, str) and f for f in exp["facts"])
    assert all("/" in t for t in exp["remediation_targets"])
    assert len(exp["description"]) > 120


@pytest.mark.parametrize("path", SCENARIOS, ids=ids_of(SCENARIOS))
def test_culprit_is_in_the_snapshot_unless_external_or_missing(path: Path) -> None:
    exp = load_expected(path)
    culprit = exp["culprit"]
    found = load(path).find(culprit["kind"], culprit["name"], culprit.get("namespace"))
    if culprit["kind"] == "External":
        assert "." in culprit["name"] and "namespace" not in culprit
    elif culprit.get("missing"):
        assert found is None, "a culprit marked missing must really be absent"
    else:
        assert found is not None, f"culprit {culprit} not in snapshot"


@pytest.mark.parametrize("path", SCENARIOS, ids=ids_of(SCENARIOS))
def test_facts_are_visible_in_the_snapshot(path: Path) -> None:
    # Each fact the report must mention is something an investigator can actually read somewhere.
    text = "\n".join(f.read_text() for f in path.rglob("*") if f.is_file() and f.name != "expected.yaml")
    for fact in load_expected(path)["facts"]:
        assert fact in text, f"fact {fact!r} appears nowhere in the snapshot or alert"


@pytest.mark.parametrize("path", SCENARIOS, ids=ids_of(SCENARIOS))
def test_alert_has_its_sources_shape(path: Path) -> None:
    body = load_alert(path)
    source = load_expected(path)["source"]
    SHAPES[source](body)


def _alertmanager(body: dict[str, Any]) -> None:
    assert body["version"] == "4"
    assert {"receiver", "status", "alerts", "groupLabels", "commonLabels", "commonAnnotations", "externalURL",
            "groupKey", "truncatedAlerts"} <= set(body)
    for a in body["alerts"]:
        assert {"status", "labels", "annotations", "startsAt", "endsAt", "generatorURL", "fingerprint"} <= set(a)
        assert a["labels"]["alertname"]
        assert len(a["fingerprint"]) == 16
        if a["labels"].get("job") == "kube-state-metrics":
            # the exporter's own scrape labels ride along
            assert {"service", "endpoint", "instance", "prometheus"} <= set(a["labels"])
    for k, v in body["commonLabels"].items():
        assert all(a["labels"].get(k) == v for a in body["alerts"])


def _alarm_message(message: str) -> dict[str, Any]:
    alarm: dict[str, Any] = json.loads(message)
    assert {"AlarmName", "NewStateValue", "NewStateReason", "StateChangeTime", "Trigger", "AlarmArn"} <= set(alarm)
    trigger = alarm["Trigger"]
    # a single-metric alarm has Trigger.Dimensions; a metric-math alarm has them per Trigger.Metrics[].MetricStat
    dimension_lists = [trigger["Dimensions"]] if "MetricName" in trigger else [
        m["MetricStat"]["Metric"]["Dimensions"] for m in trigger["Metrics"] if "MetricStat" in m]
    assert dimension_lists
    assert all(set(d) == {"name", "value"} for dims in dimension_lists for d in dims)
    return alarm


def _sns(body: dict[str, Any]) -> None:
    if "Records" in body:
        rec = body["Records"][0]
        assert rec["EventSource"] == "aws:sns"
        sns = rec["Sns"]
        assert {"SigningCertUrl", "UnsubscribeUrl"} <= set(sns)  # Lambda's spelling
    else:
        sns = body
        assert {"SigningCertURL", "UnsubscribeURL"} <= set(sns)  # HTTPS body's spelling
    assert sns["Type"] == "Notification"
    _alarm_message(sns["Message"])


def _eventbridge(body: dict[str, Any]) -> None:
    assert body["detail-type"] == "CloudWatch Alarm State Change"
    assert body["source"] == "aws.cloudwatch"
    detail = body["detail"]
    assert detail["state"]["value"] == "ALARM"
    for m in detail["configuration"]["metrics"]:
        assert isinstance(m["metricStat"]["metric"]["dimensions"], dict)


def _datadog(body: dict[str, Any]) -> None:
    assert {"body", "last_updated", "event_type", "title", "date", "org", "id"} <= set(body)
    assert body["date"].isdigit() and len(body["date"]) == 13


GENERIC_FIELDS = {"title", "startsAt", "status", "severity", "cluster", "namespace", "kind", "name", "container",
                  "description", "endsAt", "fingerprint", "labels", "annotations", "generatorURL"}


def _generic(body: dict[str, Any]) -> None:
    # docs/alert-sources.md "Generic JSON": unknown fields are refused by the product
    assert {"title", "startsAt"} <= set(body) <= GENERIC_FIELDS
    assert body["startsAt"].endswith("Z")
    assert ("kind" in body) == ("name" in body)


SHAPES = {"alertmanager": _alertmanager, "sns": _sns, "eventbridge": _eventbridge, "datadog": _datadog,
          "generic": _generic}


@pytest.mark.parametrize("path", DIRS, ids=ids_of(DIRS))
def test_logs_belong_to_real_containers(path: Path) -> None:
    snap = load(path)
    for ns, pod_name, container, previous in snap.logs:
        pod = snap.find("Pod", pod_name, ns)
        assert pod is not None, f"log for missing pod {ns}/{pod_name}"
        statuses = {s["name"]: s for s in pod["status"].get("containerStatuses", [])
                    + pod["status"].get("initContainerStatuses", [])}
        assert container in statuses, f"{pod_name} has no container {container}"
        st = statuses[container]
        # a log exists only for a container that has run; a previous log only after a restart
        assert st.get("containerID"), f"{pod_name}/{container} never started but has a log"
        if previous:
            assert st["restartCount"] >= 1 or st["lastState"], f"{pod_name}/{container}: previous log without restart"


@pytest.mark.parametrize("path", DIRS, ids=ids_of(DIRS))
def test_owner_references_point_at_existing_objects(path: Path) -> None:
    snap = load(path)
    uids = {o["metadata"].get("uid"): o for o in snap.objects}
    for obj in snap.objects:
        for ref in obj["metadata"].get("ownerReferences", []):
            owner = uids.get(ref["uid"])
            assert owner is not None, f"{obj['kind']}/{obj['metadata']['name']}: owner {ref['name']} missing"
            assert (owner["kind"], owner["metadata"]["name"]) == (ref["kind"], ref["name"])


@pytest.mark.parametrize("path", DIRS, ids=ids_of(DIRS))
def test_uids_are_unique(path: Path) -> None:
    uids = [o["metadata"]["uid"] for o in load(path).objects if "uid" in o["metadata"]]
    assert len(uids) == len(set(uids))


def _alert_start(path: Path) -> datetime:
    """When the alert says the problem started (or the alarm changed state), per source shape."""
    body = load_alert(path)
    if "alerts" in body:
        return min(parse_time(a["startsAt"][:19] + "Z") for a in body["alerts"])
    if "Records" in body or body.get("Type") == "Notification":
        sns = body["Records"][0]["Sns"] if "Records" in body else body
        return parse_time(json.loads(sns["Message"])["StateChangeTime"][:19] + "Z")
    if "detail-type" in body:
        return parse_time(body["time"])
    if "startsAt" in body:
        return parse_time(body["startsAt"])
    return datetime.fromtimestamp(int(body["date"]) / 1000, tz=UTC)  # Datadog: epoch milliseconds


@pytest.mark.parametrize("path", DIRS, ids=ids_of(DIRS))
def test_time_runs_forwards(path: Path) -> None:
    # created < started < alert <= capturedAt, for every object and container
    snap = load(path)
    now = snap.captured_at
    start = _alert_start(path)
    assert now - timedelta(hours=2) <= start <= now, "the alert is recent and not after the capture"
    for obj in snap.objects:
        meta = obj["metadata"]
        created = parse_time(meta["creationTimestamp"])
        where = f"{obj['kind']}/{meta['name']}"
        assert created <= now, where
        for mf in meta.get("managedFields", []):
            assert parse_time(mf["time"]) <= now, where
            assert parse_time(mf["time"]) >= created, f"{where}: managedFields before creation"
        if obj["kind"] == "Pod":
            _check_pod_times(obj, created, now)
        if obj["kind"] == "Event":
            for key in ("firstTimestamp", "lastTimestamp", "eventTime"):
                if obj.get(key):
                    assert parse_time(obj[key][:19] + "Z") <= now, where
            if obj.get("firstTimestamp"):
                first, last = parse_time(obj["firstTimestamp"]), parse_time(obj["lastTimestamp"])
                assert first <= last, where
                # Events expire after an hour: an older last sighting could not be in a live read.
                assert (now - last).total_seconds() <= 3600, f"{where}: expired event"


def _check_pod_times(pod: dict[str, Any], created: Any, now: Any) -> None:
    name = pod["metadata"]["name"]
    for st in pod["status"].get("containerStatuses", []) + pod["status"].get("initContainerStatuses", []):
        for state in (st.get("state", {}), st.get("lastState", {})):
            run = state.get("running") or state.get("terminated")
            if run and run.get("startedAt"):
                started = parse_time(run["startedAt"])
                assert created <= started <= now, f"{name}/{st['name']}"
                if run.get("finishedAt"):
                    assert started <= parse_time(run["finishedAt"]) <= now, f"{name}/{st['name']}"
        last = st.get("lastState", {}).get("terminated")
        current = st.get("state", {}).get("running")
        if last and current:
            assert parse_time(last["finishedAt"]) <= parse_time(current["startedAt"]), name

"""Pod status, events, logs and usage collectors over the in-memory cluster."""

from __future__ import annotations

from typing import Any

from firstresponder.models import ResourceRef
from firstresponder.models.evidence import ChangeKind
from tests.unit.collectors.support import ALERT_AT, POD, discovered, only, run
from tests.unit.topology.cluster_fixtures import NS, container, meta, payments_cluster, pod

POD_KEY = POD.key


def event(name: str, reason: str, message: str, *, kind: str = "Pod", event_type: str = "Warning", count: int = 1,
          last: str = "2026-11-28T02:58:00Z", involved_uid: str | None = None) -> dict[str, Any]:
    involved = {"kind": kind, "name": name, "namespace": NS, "uid": involved_uid or f"uid-{name}"}
    return {"apiVersion": "v1", "kind": "Event", "metadata": meta(f"{name}.{reason.lower()}{count}"),
            "involvedObject": involved, "reason": reason, "message": message, "type": event_type, "count": count,
            "firstTimestamp": "2026-11-28T02:40:00Z", "lastTimestamp": last, "source": {"component": "kubelet"}}


def test_pod_status_reads_containers_with_exit_meaning_probes_and_resources() -> None:
    topology, cluster = discovered()
    result = run(cluster, topology, "pod.status", POD)
    assert result.status == "ok" and result.api_requests == 0  # everything is in the topology already
    pod_facts = only(result, "ev-pod-payments-api-7d9f8b6c5d-x2x9z-status")
    assert (pod_facts.phase, pod_facts.conditions["Ready"], pod_facts.node) == ("Running", "False", "node-a")
    assert pod_facts.owner == "ReplicaSet/production/payments-api-7d9f8b6c5d"
    api = only(result, "ev-pod-payments-api-7d9f8b6c5d-x2x9z-api-status")
    assert (api.state, api.waiting_reason, api.restart_count) == ("waiting", "CrashLoopBackOff", 5)
    assert api.last_terminated.exit_code == 1 and "application error" in api.last_terminated.meaning
    assert api.limits == {"memory": "512Mi"} and api.requests["cpu"] == "250m"
    assert api.liveness_probe["httpGet"]["path"] == "/healthz"


def test_init_containers_are_reported_and_oom_is_named() -> None:
    statuses = [{"name": "app", "ready": False, "restartCount": 3, "state": {"waiting": {"reason": "CrashLoopBackOff"}},
                 "lastState": {"terminated": {"exitCode": 137, "reason": "OOMKilled"}}}]
    init_statuses = [{"name": "migrate", "ready": True, "restartCount": 0,
                      "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}}]
    spec = {"initContainers": [container("migrate")],
            "containers": [container("app", resources={"limits": {"memory": "1Gi"}})]}
    obj = pod("worker-1", spec=spec, statuses=statuses, ready=False)
    obj["status"]["initContainerStatuses"] = init_statuses
    topology, cluster = discovered([obj], start=ResourceRef(kind="Pod", name="worker-1", namespace=NS))
    result = run(cluster, topology, "pod.status", "Pod/production/worker-1")
    migrate = only(result, "ev-pod-worker-1-migrate-status")
    assert migrate.init and migrate.state == "terminated" and migrate.terminated.exit_code == 0
    app = only(result, "ev-pod-worker-1-app-status")
    assert "OOMKilled" in app.last_terminated.meaning
    assert "memory limit 1Gi" in next(e.summary for e in result.evidence if e.id == "ev-pod-worker-1-app-status")


def test_events_use_a_field_selector_cite_warnings_and_fill_the_time_line() -> None:
    objects = [*payments_cluster(),
               event(POD.name, "BackOff", "Back-off restarting failed container api", count=97),
               event(POD.name, "Pulled", "Container image already present", event_type="Normal", count=8,
                     last="2026-11-28T02:50:00Z"),
               event(POD.name, "Killing", "Stopping container api", event_type="Normal",
                     last="2026-11-28T02:55:00Z"),
               event("payments-api-7d9f8b6c5d-abcde", "Unhealthy", "other pod")]
    topology, cluster = discovered(objects)
    result = run(cluster, topology, "events", POD)
    assert cluster.calls == [("list", "Event", NS, "",
                              f"involvedObject.name={POD.name},involvedObject.kind=Pod,"
                              f"involvedObject.namespace={NS},involvedObject.uid=uid-{POD.name}")]
    backoff = only(result, "ev-event-pod-payments-api-7d9f8b6c5d-x2x9z-backoff")
    assert (backoff.type, backoff.count) == ("Warning", 97)
    only(result, "ev-event-pod-payments-api-7d9f8b6c5d-x2x9z-killing")
    assert len(result.evidence) == 2  # routine Pulled is not cited...
    assert [c.summary.split(":")[0] for c in result.changes] == ["Normal Pulled (x8)", "Normal Killing",
                                                                 "Warning BackOff (x97)"]  # ...but is on the line
    assert all(c.kind == ChangeKind.EVENT for c in result.changes)
    assert result.changes[-1].seconds_before_alert == (ALERT_AT - result.changes[-1].at).total_seconds() == 120


LOGS = {
    f"{NS}/{POD.name}/api": "INFO starting\nERROR dial tcp: lookup db.production.svc on 10.96.0.10:53: no such host\n",
    f"{NS}/{POD.name}/api.previous": "INFO starting\npanic: boom\n",
    f"{NS}/payments-api-7d9f8b6c5d-abcde/api": "INFO serving\n",
    f"{NS}/payments-api-7d9f8b6c5d-abcde/api.previous": "should not be read\n",
}


def test_logs_read_current_and_previous_with_caps() -> None:
    topology, cluster = discovered(logs=LOGS)
    result = run(cluster, topology, "pod.logs", POD)
    assert cluster.calls == [("logs", NS, POD.name, "api", "current"), ("logs", NS, POD.name, "api", "previous")]
    current = only(result, "ev-logs-payments-api-7d9f8b6c5d-x2x9z-api-current")
    assert current.signatures == ["dns_failure"] and current.hosts == ["db.production.svc"]
    assert current.first_error.number == 2 and not current.previous
    previous = only(result, "ev-logs-payments-api-7d9f8b6c5d-x2x9z-api-previous")
    assert previous.previous and previous.key_lines[0].text == "panic: boom"


def test_previous_log_is_not_read_for_a_container_that_never_restarted() -> None:
    topology, cluster = discovered(logs=LOGS)
    result = run(cluster, topology, "pod.logs", "Pod/production/payments-api-7d9f8b6c5d-abcde")
    assert [c[-1] for c in cluster.calls] == ["current"]
    assert only(result, "ev-logs-payments-api-7d9f8b6c5d-abcde-api-current").first_error is None


def test_forbidden_logs_become_a_gap_with_the_pods_log_rule() -> None:
    topology, cluster = discovered(logs=LOGS)
    cluster.failures["Pod/log"] = 403
    result = run(cluster, topology, "pod.logs", POD)
    assert result.status == "error" and result.evidence == []
    assert result.gaps[0].rbac_rule == 'apiGroups: [""], resources: ["pods/log"], verbs: ["get"]'
    assert result.gaps[0].what == f"logs of {POD_KEY} container api (current)"


def test_missing_previous_log_is_not_a_gap() -> None:
    topology, cluster = discovered(logs={f"{NS}/{POD.name}/api": "INFO ok\n"})
    result = run(cluster, topology, "pod.logs", POD)
    assert result.status == "ok" and len(result.evidence) == 1


def test_usage_reads_pod_metrics_against_limits() -> None:
    metrics = {"apiVersion": "metrics.k8s.io/v1beta1", "kind": "PodMetrics", "metadata": meta(POD.name),
               "containers": [{"name": "api", "usage": {"cpu": "120m", "memory": "460Mi"}}]}
    topology, cluster = discovered([*payments_cluster(), metrics], metrics=True)
    result = run(cluster, topology, "pod.usage", POD)
    usage = only(result, "ev-usage-payments-api-7d9f8b6c5d-x2x9z-api")
    assert (usage.cpu_millicores, usage.memory_bytes, usage.memory_limit_bytes) == (120, 460 * 2**20, 512 * 2**20)
    assert "90% of its memory limit" in result.evidence[0].summary


def test_usage_is_skipped_without_metrics_server() -> None:
    topology, cluster = discovered()
    assert run(cluster, topology, "pod.usage", POD).status == "skipped"

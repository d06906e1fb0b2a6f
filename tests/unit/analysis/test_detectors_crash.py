"""Detectors for containers that die: liveness kills, evictions, bad commands, permissions, probes."""

from firstresponder.analysis import diagnose
from firstresponder.analysis.detectors import bad_command, eviction, liveness_kill, permission, probe_failure
from firstresponder.analysis.finding import Finding
from firstresponder.analysis.remediation.known import validation_topology
from firstresponder.analysis.remediation.validator import validate_command
from firstresponder.models import Category, EvidenceBundle
from firstresponder.models.evidence import ContainerStatusFacts, NodeFacts, RevisionFacts, TemplateDiff

from .builders import BundleBuilder, at, container, crashed

NOW = at(2)


def assert_valid(bundle: EvidenceBundle, findings: list[Finding]) -> None:
    topology = validation_topology(bundle)
    for f in findings:
        for fix in f.remediations:
            for cmd in (fix.command, fix.verify):
                assert cmd is None or validate_command(cmd, topology) == [], cmd


# --- liveness kill --------------------------------------------------------------------------------

def liveness_bundle(*, with_events: bool = True) -> BundleBuilder:
    b = BundleBuilder()
    _dep, pods = b.app(pods=1)
    b.crashloop(pods[0], term=crashed(137, "Error"), liveness_probe={"httpGet": {"path": "/healthz", "port": 8080}})
    if with_events:
        b.event(pods[0], "Unhealthy", "Liveness probe failed: Get \"http://10.0.0.5:8080/healthz\": context deadline exceeded")
        b.event(pods[0], "Killing", "Container api failed liveness probe, will be restarted", type="Normal")
    return b


def test_liveness_kill_found_from_events() -> None:
    bundle = liveness_bundle().build()
    [f] = liveness_kill.detect(bundle, NOW)
    assert f.category is Category.LIVENESS_KILL and f.direct
    assert f.symptom_of  # a deeper cause (probe, dependency) may absorb it
    assert_valid(bundle, [f])


def test_exit_137_without_liveness_events_is_not_a_liveness_kill() -> None:
    assert liveness_kill.detect(liveness_bundle(with_events=False).build(), NOW) == []


def test_oomkilled_is_not_a_liveness_kill_even_with_probe_events() -> None:
    b = BundleBuilder()
    _dep, pods = b.app(pods=1)
    b.crashloop(pods[0], term=crashed(137, "OOMKilled"))
    b.event(pods[0], "Unhealthy", "Liveness probe failed: connection refused")
    assert liveness_kill.detect(b.build(), NOW) == []


# --- eviction -----------------------------------------------------------------------------------

def test_evicted_pods_using_twice_their_request_get_a_request_raise() -> None:
    b = BundleBuilder()
    dep, pods = b.app(pods=2)
    msg = ("The node was low on resource: memory. Threshold quantity: 100Mi, available: 50Mi. "
           "Container api was using 520Mi, request is 256Mi, has larger consumption of memory.")
    for p in pods:
        b.pod_status(p, phase="Failed", reason="Evicted", message=msg, node="ip-10-0-1-12")
    bundle = b.build()
    [f] = eviction.detect(bundle, NOW)
    assert f.culprit == dep and f.category is Category.EVICTION and f.direct
    # 520Mi × 1.1 rounds up to 576Mi, above the 512Mi limit, so the limit follows
    assert '"requests":{"memory":"576Mi"},"limits":{"memory":"576Mi"}' in (f.remediations[0].command or "")
    assert_valid(bundle, [f])


def test_evictions_without_a_hog_are_a_symptom_of_the_node() -> None:
    b = BundleBuilder()
    _dep, pods = b.app(pods=1)
    b.pod_status(pods[0], phase="Failed", reason="Evicted", node="n1",
                 message="The node was low on resource: ephemeral-storage. Container api was using 120Ki, request is 0, ")
    node_ref = b.add({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n1"}})
    b.fact(node_ref, NodeFacts(node="n1", pressure=["DiskPressure"], conditions={"DiskPressure": "True"}))
    bundle = b.build()
    [f] = eviction.detect(bundle, NOW)
    assert f.symptom_of == ["Node/n1"] and not f.direct
    d = diagnose(bundle, NOW)
    assert d.root_cause.resource == node_ref and d.root_cause.category is Category.NODE
    assert "ephemeral-storage" in d.root_cause.detail


def test_the_workload_far_above_its_request_is_the_culprit_not_the_collateral() -> None:
    b = BundleBuilder()
    _web, web_pods = b.app("checkout-web", pods=1)
    hog, hog_pods = b.app("report-builder", pods=1, containers=[container(memory_limit=None, memory_request="512Mi")],
                          rs_hash="9k2m1")
    note = "The node was low on resource: memory. Threshold quantity: 100Mi, available: 83124Ki. "
    b.pod_status(web_pods[0], phase="Failed", reason="Evicted", node="n1",
                 message=note + "Container api was using 201388Ki, request is 128Mi, has larger consumption of request. ")
    b.pod_status(hog_pods[0], phase="Failed", reason="Evicted", node="n1",
                 message=note + "Container api was using 5911340Ki, request is 512Mi, has larger consumption of request. ")
    bundle = b.build()
    [f] = eviction.detect(bundle, NOW)
    assert f.culprit == hog and "collateral: checkout-web" in f.summary
    assert len(f.explains) == 2
    command = f.remediations[0].command or ""
    assert '"requests":{"memory":"6400Mi"}' in command and '"limits":{"memory":"7424Mi"}' in command
    assert_valid(bundle, [f])


def test_running_pods_are_not_evicted() -> None:
    b = BundleBuilder()
    _dep, pods = b.app(pods=1)
    b.pod_status(pods[0], phase="Running")
    assert eviction.detect(b.build(), NOW) == []


# --- bad command --------------------------------------------------------------------------------

def test_exit_127_is_a_bad_command_with_rollback() -> None:
    b = BundleBuilder()
    dep, pods = b.app(pods=1, revision=2)
    b.crashloop(pods[0], term=crashed(127, "Error"))
    b.rollout(dep, desired=1, current_revision=2, revisions=[
        RevisionFacts(revision=2, replicaset="payments-api-7d9f8", created_at=at(-10)),
        RevisionFacts(revision=1, replicaset="payments-api-5c4b3", created_at=at(-3000))],
        diff=[TemplateDiff(path="containers[api].command", before="[server]", after="[serve]")])
    b.add({"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {
        "name": "payments-api-5c4b3", "namespace": "production",
        "annotations": {"deployment.kubernetes.io/revision": "1"},
        "ownerReferences": [{"kind": "Deployment", "name": "payments-api"}]}})
    bundle = b.build()
    [f] = bad_command.detect(bundle, NOW)
    assert f.category is Category.BAD_COMMAND and "exit 127" in f.summary
    assert f.remediations[0].command == "kubectl rollout undo deployment/payments-api -n production --to-revision=1"
    assert_valid(bundle, [f])


def test_exit_1_is_not_a_bad_command() -> None:
    b = BundleBuilder()
    _dep, pods = b.app(pods=1)
    b.crashloop(pods[0], term=crashed(1, "Error"))
    assert bad_command.detect(b.build(), NOW) == []


def test_exec_not_found_message_is_a_bad_command() -> None:
    b = BundleBuilder()
    _dep, pods = b.app(pods=1)
    b.container_status(pods[0], state="waiting", waiting_reason="RunContainerError",
                       waiting_message='exec: "/app/server": stat /app/server: no such file or directory')
    assert [f.category for f in bad_command.detect(b.build(), NOW)] == [Category.BAD_COMMAND]


# --- permission ---------------------------------------------------------------------------------

def test_run_as_non_root_refusal_is_direct() -> None:
    b = BundleBuilder()
    _dep, pods = b.app(pods=1)
    b.container_status(pods[0], state="waiting", waiting_reason="CreateContainerConfigError",
                       waiting_message="container has runAsNonRoot and image will run as root")
    [f] = permission.detect(b.build(), NOW)
    assert f.category is Category.PERMISSION and f.direct


def test_permission_denied_in_logs_of_a_crashing_container() -> None:
    b = BundleBuilder()
    _dep, pods = b.app(pods=1, containers=[container(securityContext={"readOnlyRootFilesystem": True})])
    b.crashloop(pods[0])
    b.logs(pods[0], ["open /var/cache/app/index: read-only file system: permission denied"],
           signatures=["permission_denied"])
    [f] = permission.detect(b.build(), NOW)
    assert not f.direct and "readOnlyRootFilesystem" in f.detail


def test_permission_denied_in_a_healthy_container_is_ignored() -> None:
    b = BundleBuilder()
    _dep, pods = b.app(pods=1)
    b.container_status(pods[0])
    b.logs(pods[0], ["warn: permission denied reading optional plugin dir"], signatures=["permission_denied"])
    assert permission.detect(b.build(), NOW) == []


# --- probes -------------------------------------------------------------------------------------

def probe_bundle(probe_port: int, *, logs_error: bool = False) -> BundleBuilder:
    probe = {"httpGet": {"path": "/healthz", "port": probe_port}, "initialDelaySeconds": 5, "periodSeconds": 5,
             "failureThreshold": 3}
    b = BundleBuilder()
    _dep, pods = b.app(pods=1, containers=[container(livenessProbe=probe)])
    b.crashloop(pods[0], term=crashed(137, "Error"), liveness_probe=probe)
    b.event(pods[0], "Unhealthy", f"Liveness probe failed: dial tcp 10.0.0.5:{probe_port}: connect: connection refused")
    b.event(pods[0], "Killing", "Container api failed liveness probe, will be restarted", type="Normal")
    if logs_error:
        b.logs(pods[0], ["ERROR could not connect to db"], signatures=["connection_refused"])
    return b


def test_probe_on_the_wrong_port_is_patched_to_the_container_port() -> None:
    bundle = probe_bundle(9090).build()
    [f] = probe_failure.detect(bundle, NOW)
    assert f.category is Category.PROBE_FAILURE and f.direct
    assert '"port":8080' in (f.remediations[0].command or "")
    assert_valid(bundle, [f])


def test_probe_too_aggressive_for_start_up_suggests_a_startup_probe() -> None:
    bundle = probe_bundle(8080).build()
    [f] = probe_failure.detect(bundle, NOW)
    assert "before it finishes starting" in f.summary and not f.direct
    assert "startupProbe" in (f.remediations[0].command or "")
    assert_valid(bundle, [f])


def test_probe_failing_because_the_app_errors_is_not_a_probe_problem() -> None:
    assert probe_failure.detect(probe_bundle(8080, logs_error=True).build(), NOW) == []


def test_liveness_probe_timing_out_gets_a_longer_timeout() -> None:
    probe = {"httpGet": {"path": "/healthz", "port": 8080}, "timeoutSeconds": 1, "periodSeconds": 5}
    b = BundleBuilder()
    _dep, pods = b.app(pods=1, containers=[container(livenessProbe=probe)])
    b.crashloop(pods[0], term=crashed(137, "Error"), liveness_probe=probe)
    b.event(pods[0], "Unhealthy", 'Liveness probe failed: Get "http://10.0.0.5:8080/healthz": context deadline exceeded')
    b.event(pods[0], "Killing", "Container api failed liveness probe, will be restarted", type="Normal")
    bundle = b.build()
    [f] = liveness_kill.detect(bundle, NOW)
    assert "times out" in f.summary
    assert '"livenessProbe":{"timeoutSeconds":5,"failureThreshold":3}' in (f.remediations[0].command or "")
    assert_valid(bundle, [f])


def test_probe_killing_a_container_long_after_start_is_not_a_start_up_problem() -> None:
    b = probe_bundle(8080)
    for ev in b.evidence:
        facts = ev.facts
        if isinstance(facts, ContainerStatusFacts) and facts.last_terminated:
            facts.last_terminated.started_at = at(-60)
    assert probe_failure.detect(b.build(), NOW) == []


def test_probe_path_answering_404() -> None:
    probe = {"httpGet": {"path": "/health", "port": 8080}}
    b = BundleBuilder()
    _dep, pods = b.app(pods=1, containers=[container(readinessProbe=probe)])
    b.container_status(pods[0], ready=False, readiness_probe=probe)
    b.event(pods[0], "Unhealthy", "Readiness probe failed: HTTP probe failed with statuscode: 404")
    [f] = probe_failure.detect(b.build(), NOW)
    assert "/health" in f.summary and "404" in f.summary and f.direct

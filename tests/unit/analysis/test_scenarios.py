"""Whole-registry diagnoses of hand-built incidents: the right root cause wins, with honest confidence."""

from firstresponder.analysis import diagnose, validate_command
from firstresponder.models import Category, ConfidenceLevel, Diagnosis, EvidenceBundle, ResourceRef
from firstresponder.models.evidence import TemplateDiff

from .builders import NS, BundleBuilder, container, crashed
from .test_detector_config_change import scenario as config_scenario
from .test_detectors_changes import NEW_IMAGE, with_revisions
from .test_detectors_crash import NOW, probe_bundle
from .test_detectors_network import api_calling_db, external_bundle


def assert_all_commands_valid(diagnosis: Diagnosis, bundle: EvidenceBundle) -> None:
    for fix in diagnosis.remediation:
        for cmd in (fix.command, fix.verify):
            assert cmd is None or validate_command(cmd, bundle.topology) == [], cmd


def test_config_change_incident() -> None:
    bundle = config_scenario(old_pod_healthy=True).build()
    d = diagnose(bundle, NOW)
    assert d.root_cause.category is Category.CONFIG_CHANGE
    assert d.root_cause.resource.name == "payments-config"
    assert d.root_cause.confidence.level is ConfidenceLevel.HIGH
    assert [r.command for r in d.remediation][:2] == [
        "kubectl patch configmap/payments-config -n production --type merge -p "
        "'{\"data\":{\"DB_HOST\":\"payments-db.production.svc.cluster.local\"}}'",
        "kubectl rollout restart deployment/payments-api -n production"]
    assert_all_commands_valid(d, bundle)


def test_config_changed_after_the_crashes_began_is_not_the_root_cause() -> None:
    d = diagnose(config_scenario(changed_at=-3, crash_minutes=-20).build(), NOW)
    assert d.root_cause.category is not Category.CONFIG_CHANGE


def test_dependency_oom_is_the_root_cause_of_callers_crashing() -> None:
    b, api_pods = api_calling_db(matched=1)
    db = ResourceRef(kind="Deployment", namespace=NS, name="payments-db")
    rs = b.add({"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {
        "name": "payments-db-6f5d4", "namespace": NS, "ownerReferences": [{"kind": "Deployment", "name": "payments-db"}]}})
    db_pod = b.add({"apiVersion": "v1", "kind": "Pod", "metadata": {
        "name": "payments-db-6f5d4-q1", "namespace": NS, "labels": {"app": "payments-db"},
        "ownerReferences": [{"kind": "ReplicaSet", "name": "payments-db-6f5d4"}]}, "spec": {"containers": [
            container("postgres", image="postgres:16")]}})
    b.crashloop(db_pod, "postgres", term=crashed(137, "OOMKilled"))
    bundle = b.build()
    d = diagnose(bundle, NOW)
    assert d.root_cause.category is Category.OOM
    assert d.root_cause.resource == db
    assert rs.kind == "ReplicaSet"
    down = next(h for h in d.hypotheses if h.category is Category.DEPENDENCY_DOWN)
    assert "consequence" in down.ranked_lower_because
    assert any("explains all 3 failing pod(s)" in r for r in d.root_cause.confidence.reasons)
    assert_all_commands_valid(d, bundle)
    assert all(p.key not in {d.root_cause.resource.key} for p in api_pods)


def test_probe_on_wrong_port_absorbs_the_liveness_kill() -> None:
    d = diagnose(probe_bundle(9090).build(), NOW)
    assert d.root_cause.category is Category.PROBE_FAILURE
    liveness = next(h for h in d.hypotheses if h.category is Category.LIVENESS_KILL)
    assert "consequence" in liveness.ranked_lower_because


def test_external_outage_is_outside_the_cluster_and_not_high() -> None:
    d = diagnose(external_bundle().build(), NOW)
    assert d.root_cause.category is Category.EXTERNAL_DEPENDENCY
    assert d.root_cause.outside_cluster and d.root_cause.resource.kind == "External"
    assert d.root_cause.confidence.level is not ConfidenceLevel.HIGH


def test_image_pull_absorbs_the_stuck_rollout() -> None:
    b = BundleBuilder()
    dep, pods = b.app(pods=1, revision=2)
    b.container_status(pods[0], state="waiting", waiting_reason="ImagePullBackOff", image=NEW_IMAGE,
                       waiting_message="manifest unknown")
    with_revisions(b, dep)
    b.evidence[-1].facts.progress_deadline_exceeded = True  # type: ignore[union-attr]
    bundle = b.build()
    d = diagnose(bundle, NOW)
    assert d.root_cause.category is Category.IMAGE_PULL
    assert d.root_cause.confidence.level is ConfidenceLevel.HIGH
    assert any(h.category is Category.ROLLOUT_STUCK for h in d.hypotheses)
    assert_all_commands_valid(d, bundle)


def test_config_change_and_new_revision_at_once_is_ambiguous() -> None:
    # logs name no host, so nothing points at either change directly
    b = config_scenario(log_hosts=[], line="FATAL: startup failed, exiting")
    dep = ResourceRef(kind="Deployment", namespace=NS, name="payments-api")
    with_revisions(b, dep, created=-8, old_ready=0,
                   diff=[TemplateDiff(path="containers[api].image", before="a", after="b")])
    d = diagnose(b.build(), NOW)
    assert {d.root_cause.category, d.hypotheses[0].category} == {Category.CONFIG_CHANGE, Category.APP_CRASH}
    assert d.root_cause.confidence.level is ConfidenceLevel.LOW
    assert d.root_cause.verification and "rule out" in d.root_cause.verification


def test_gap_on_the_culprits_logs_lowers_confidence() -> None:
    b = config_scenario()
    pod = next(n.ref for n in b.topology.nodes.values() if n.ref.kind == "Pod")
    b.gap("logs of the api container (previous)", pod)
    d = diagnose(b.build(), NOW)
    assert d.root_cause.category is Category.CONFIG_CHANGE
    assert d.root_cause.confidence.level is not ConfidenceLevel.HIGH
    assert "not collected: logs of the api container (previous) (403 Forbidden)" in d.notes

from firstresponder.analysis import diagnose
from firstresponder.analysis.diagnosis import _with_valid_commands
from firstresponder.analysis.finding import Finding
from firstresponder.models import Category, ConfidenceLevel, Remediation, ResourceRef

from .builders import MI_BYTES, NS, BundleBuilder, at, crashed


def test_oom_bundle_gives_a_high_confidence_oom_with_a_fix() -> None:
    b = BundleBuilder()
    dep, pods = b.app()
    for p in pods:
        b.crashloop(p, term=crashed(137, "OOMKilled"))
        b.usage(p, 480 * MI_BYTES)
    diagnosis = diagnose(b.build(), at(2))
    assert diagnosis.root_cause.category is Category.OOM
    assert diagnosis.root_cause.resource == dep
    assert diagnosis.root_cause.confidence.level is ConfidenceLevel.HIGH
    assert diagnosis.remediation and diagnosis.remediation[0].command
    assert diagnosis.root_cause.detector == "oom"


def test_nothing_fires_gives_an_honest_unknown() -> None:
    b = BundleBuilder()
    _dep, pods = b.app(pods=1)
    b.container_status(pods[0])
    b.gap("events in production", None)
    diagnosis = diagnose(b.build(), at(2))
    cause = diagnosis.root_cause
    assert cause.category is Category.UNKNOWN
    assert cause.confidence.level is ConfidenceLevel.LOW
    assert "oom" in cause.detail and "1 container.status" in cause.detail
    assert cause.verification
    assert [fix.command for fix in diagnosis.remediation] == [
        "kubectl describe deployment/payments-api -n production"]  # a look, not a guess


def test_weights_never_flip_direct_evidence_to_unknown() -> None:
    b = BundleBuilder()
    _dep, pods = b.app(pods=1)
    b.crashloop(pods[0], term=crashed(137, "OOMKilled"))
    diagnosis = diagnose(b.build(), at(2), weights={"oom": 0.0})
    assert diagnosis.root_cause.category is Category.OOM
    assert diagnosis.root_cause.confidence.score >= 0.6


def test_commands_failing_validation_are_dropped_with_a_note() -> None:
    b = BundleBuilder()
    b.app(pods=1)
    ghost = ResourceRef(kind="Deployment", namespace=NS, name="ghost")
    f = Finding(detector="t", category=Category.APP_CRASH, culprit=ghost, summary="s", strength=0.5,
                remediations=[Remediation(description="restart", command=f"kubectl rollout restart deployment/ghost -n {NS}"),
                              Remediation(description="look", command=f"kubectl describe deployment payments-api -n {NS}",
                                          verify="kubectl rollout status deployment/ghost -n production")])
    notes: list[str] = []
    kept = _with_valid_commands(f, b.topology, notes)
    assert [r.description for r in kept.remediations] == ["look"]
    assert kept.remediations[0].verify is None
    assert len(notes) == 2 and "ghost" in notes[0]


def test_sigkill_without_any_explanation_stays_unknown_and_says_what_was_seen() -> None:
    # exit 137, reason Error, no liveness probe, no events, no logs: nothing settles it
    b = BundleBuilder(alert_resource=ResourceRef(kind="Pod", namespace=NS, name="payments-api-7d9f8-ax0"))
    dep, pods = b.app(pods=1)
    b.container_status(pods[0], restart_count=3, last_terminated=crashed(137, "Error"))
    b.gap("logs of the api container (previous)", pods[0], reason="404 no previous container")
    diagnosis = diagnose(b.build(), at(2))
    cause = diagnosis.root_cause
    assert cause.category is Category.UNKNOWN and cause.resource == dep  # the workload, not the pod
    assert "exit 137 (Error)" in cause.detail
    assert cause.confidence.level is ConfidenceLevel.LOW

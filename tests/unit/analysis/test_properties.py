"""Properties over generated incidents: diagnosis never breaks, never proposes an invalid command,
and keeps its confidence honest."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from firstresponder.analysis import diagnose, validate_command
from firstresponder.analysis.remediation.known import validation_topology
from firstresponder.models import ConfidenceLevel, ResourceRef
from firstresponder.models.evidence import ChangeKind, RevisionFacts, TemplateDiff, TerminationFacts

from .builders import NS, BundleBuilder, at, container, env_from_configmap

WAITING = [None, "CrashLoopBackOff", "ImagePullBackOff", "ErrImagePull", "CreateContainerConfigError",
           "RunContainerError"]
REASONS = [None, "Error", "OOMKilled", "Completed", "ContainerCannotRun"]
SIGNATURES = ["dns_failure", "connection_refused", "timeout", "tls", "oom_heap", "permission_denied",
              "missing_file", "parse_error", "missing_env", "http_5xx", "auth_failure", "exec_not_found"]
EVENTS = [("Unhealthy", "Liveness probe failed: connection refused"),
          ("Killing", "Container api failed liveness probe, will be restarted"),
          ("BackOff", "Back-off restarting failed container"),
          ("Failed", 'Failed to pull image "x": not found'),
          ("FailedScheduling", "0/3 nodes are available: 3 Insufficient memory.")]

container_case = st.fixed_dictionaries({
    "waiting": st.sampled_from(WAITING),
    "exit": st.sampled_from([0, 1, 2, 126, 127, 137, 143]),
    "reason": st.sampled_from(REASONS),
    "signatures": st.lists(st.sampled_from(SIGNATURES), max_size=3, unique=True),
    "hosts": st.lists(st.sampled_from(["payments-db-v2", "api.stripe.com", "redis"]), max_size=2, unique=True),
    "events": st.lists(st.sampled_from(EVENTS), max_size=3, unique=True),
    "evicted": st.booleans(),
})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases=st.lists(container_case, min_size=1, max_size=3), config_minutes=st.one_of(st.none(), st.integers(-600, 5)),
       revision_minutes=st.one_of(st.none(), st.integers(-600, 5)), gap=st.booleans())
def test_diagnosis_is_total_valid_and_honest(cases: list[dict[str, object]], config_minutes: int | None,
                                            revision_minutes: int | None, gap: bool) -> None:
    b = BundleBuilder()
    api = container(env=[env_from_configmap("DB_HOST", "payments-config")])
    dep, pods = b.app(pods=len(cases), containers=[api], revision=2)
    for pod, case in zip(pods, cases, strict=True):
        term = TerminationFacts(exit_code=case["exit"], reason=case["reason"], started_at=at(-3), finished_at=at(-2))
        b.container_status(pod, state="waiting" if case["waiting"] else "running", waiting_reason=case["waiting"],
                           ready=case["waiting"] is None and case["exit"] == 0, restart_count=3,
                           last_terminated=term, limits={"memory": "512Mi"}, requests={"memory": "256Mi"})
        b.pod_status(pod, phase="Failed" if case["evicted"] else "Running", reason="Evicted" if case["evicted"] else None,
                     message="The node was low on resource: memory. Container api was using 700Mi, request is 256Mi, ",
                     node="n1", started_at=at(-30))
        b.logs(pod, ["FATAL: something failed"], signatures=case["signatures"], hosts=case["hosts"])  # type: ignore[arg-type]
        for reason, message in case["events"]:  # type: ignore[attr-defined]
            b.event(pod, reason, message)
    if config_minutes is not None:
        b.config("payments-config", values={"DB_HOST": "payments-db-v2"}, previous={"DB_HOST": "payments-db"},
                 changed=config_minutes, consumers=[f"{p.key} env DB_HOST of container api key DB_HOST" for p in pods])
    if revision_minutes is not None:
        b.rollout(dep, desired=len(cases), current_revision=2, revisions=[
            RevisionFacts(revision=2, replicaset="payments-api-7d9f8", created_at=at(revision_minutes), images={"api": "a:2"}),
            RevisionFacts(revision=1, replicaset="payments-api-1a2b3", created_at=at(-9000), images={"api": "a:1"})],
            diff=[TemplateDiff(path="containers[api].image", before="a:1", after="a:2")])
        b.change(ResourceRef(kind="ReplicaSet", namespace=NS, name="payments-api-7d9f8"), revision_minutes,
                 ChangeKind.NEW_REVISION, "revision 2")
    if gap:
        b.gap("logs of the api container", pods[0])
    bundle = b.build()

    diagnosis = diagnose(bundle, at(2))

    assert not [n for n in diagnosis.notes if "failed:" in n], diagnosis.notes
    topology = validation_topology(bundle)
    for fix in diagnosis.remediation:
        for cmd in (fix.command, fix.verify):
            assert cmd is None or validate_command(cmd, topology) == [], cmd
    cause = diagnosis.root_cause
    assert all(h.confidence.level is not ConfidenceLevel.HIGH for h in diagnosis.hypotheses)
    if cause.confidence.level is ConfidenceLevel.HIGH:
        assert not cause.contradicting_ids and cause.evidence_ids
    else:
        assert cause.verification  # anything short of high says what would settle it

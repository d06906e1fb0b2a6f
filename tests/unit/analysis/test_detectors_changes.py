"""Detectors for what changed: missing config, a crashing new revision, image pulls, stuck rollouts."""

from firstresponder.analysis.detectors import app_crash, image_pull, missing_config, rollout_stuck
from firstresponder.analysis.finding import Finding
from firstresponder.models import Category, ResourceRef
from firstresponder.models.evidence import RevisionFacts, TemplateDiff

from .builders import NS, BundleBuilder, at, container, crashed, replicaset
from .test_detectors_crash import NOW, assert_valid

OLD_IMAGE = "registry.example.com/payments-api:1.4.1"
NEW_IMAGE = "registry.example.com/payments-api:1.4.2"


def with_revisions(b: BundleBuilder, dep: ResourceRef, *, created: float = -10, old_ready: int = 0,
                   diff: list[TemplateDiff] | None = None) -> None:
    b.rollout(dep, desired=2, ready=old_ready, current_revision=2, revisions=[
        RevisionFacts(revision=2, replicaset="payments-api-7d9f8", created_at=at(created), images={"api": NEW_IMAGE}),
        RevisionFacts(revision=1, replicaset="payments-api-5c4b3", created_at=at(-5000), images={"api": OLD_IMAGE},
                      ready_replicas=old_ready)],
        diff=diff if diff is not None else [TemplateDiff(path="containers[api].image", before=OLD_IMAGE,
                                                         after=NEW_IMAGE)])
    b.add(replicaset("payments-api-5c4b3", "payments-api", [container(image=OLD_IMAGE)], 1, {"app": "payments-api"}))


# --- missing config ------------------------------------------------------------------------------

def test_missing_configmap_key_is_the_culprit() -> None:
    b = BundleBuilder()
    _dep, pods = b.app(pods=2)
    for p in pods:
        b.container_status(p, state="waiting", waiting_reason="CreateContainerConfigError",
                           waiting_message="couldn't find key FEATURE_FLAGS in ConfigMap production/payments-config")
    bundle = b.build()
    [f] = missing_config.detect(bundle, NOW)
    assert f.culprit == ResourceRef(kind="ConfigMap", namespace=NS, name="payments-config")
    assert f.direct and "FEATURE_FLAGS" in f.summary and len(f.explains) == 2
    assert all(r.command is None for r in f.remediations)  # values unknown: nothing invented


def test_missing_key_with_a_known_previous_value_is_restored() -> None:
    b = BundleBuilder()
    _dep, pods = b.app(pods=1)
    b.add({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "payments-config", "namespace": NS},
           "data": {"DB_HOST": "db"}})
    b.container_status(pods[0], state="waiting", waiting_reason="CreateContainerConfigError",
                       waiting_message="couldn't find key FEATURE_FLAGS in ConfigMap production/payments-config")
    b.config("payments-config", values={"DB_HOST": "db"}, previous={"FEATURE_FLAGS": "fast-checkout"},
             missing_keys=["FEATURE_FLAGS"])
    bundle = b.build()
    [f] = missing_config.detect(bundle, NOW)
    assert '"FEATURE_FLAGS":"fast-checkout"' in (f.remediations[0].command or "")
    assert_valid(bundle, [f])


def test_other_create_errors_are_not_missing_config() -> None:
    b = BundleBuilder()
    _dep, pods = b.app(pods=1)
    b.container_status(pods[0], state="waiting", waiting_reason="CreateContainerConfigError",
                       waiting_message="container has runAsNonRoot and image will run as root")
    assert missing_config.detect(b.build(), NOW) == []


# --- app crash after a new revision --------------------------------------------------------------

def crash_bundle(*, revision_at: float = -10, crash_from: float = -6, old_ready: int = 1) -> tuple[BundleBuilder, ResourceRef]:
    b = BundleBuilder()
    dep, pods = b.app(pods=2, revision=2)
    for p in pods:
        b.crashloop(p, term=crashed(1, "Error", minutes=crash_from + 1))
        b.event(p, "BackOff", "Back-off restarting failed container", first=crash_from)
        b.logs(p, ["panic: nil pointer dereference in checkout.Total"], signatures=[])
    with_revisions(b, dep, created=revision_at, old_ready=old_ready)
    return b, dep


def test_crash_after_new_revision_rolls_back_to_the_last_good_one() -> None:
    b, dep = crash_bundle()
    bundle = b.build()
    [f] = app_crash.detect(bundle, NOW)
    assert f.category is Category.APP_CRASH and f.culprit == dep
    assert f.change is not None and f.change.at == at(-10)
    assert "panic" in f.summary
    assert f.remediations[0].command == "kubectl rollout undo deployment/payments-api -n production --to-revision=1"
    assert any("still run fine" in r for r in f.reasons)
    assert_valid(bundle, [f])


def not_blamed_on_a_revision(findings: list[Finding]) -> bool:
    """Only the weak "exits with an error, nothing says why" finding may remain."""
    return all(f.change is None and f.strength <= 0.3 and "revision" not in f.summary for f in findings)


def test_crashes_that_began_before_the_revision_are_not_blamed_on_it() -> None:
    b, _dep = crash_bundle(revision_at=-5, crash_from=-30)
    assert not_blamed_on_a_revision(app_crash.detect(b.build(), NOW))


def test_unexplained_crash_is_a_weak_finding_that_asks_for_the_log() -> None:
    b, _dep = crash_bundle(revision_at=-5, crash_from=-30)
    [f] = app_crash.detect(b.build(), NOW)
    assert "exit code 1" in f.summary and not f.direct
    assert f.remediations[0].command is not None and "--previous" in f.remediations[0].command


def test_oomkilled_is_left_to_the_oom_detector() -> None:
    b = BundleBuilder()
    dep, pods = b.app(pods=1, revision=2)
    b.crashloop(pods[0], term=crashed(137, "OOMKilled"))
    with_revisions(b, dep)
    assert app_crash.detect(b.build(), NOW) == []


# --- image pull -----------------------------------------------------------------------------------

def test_bad_tag_sets_the_previous_image_back() -> None:
    b = BundleBuilder()
    dep, pods = b.app(pods=1, revision=2)
    b.container_status(pods[0], state="waiting", waiting_reason="ImagePullBackOff", image=NEW_IMAGE,
                       waiting_message=f'Back-off pulling image "{NEW_IMAGE}"')
    b.event(pods[0], "Failed", f'Failed to pull image "{NEW_IMAGE}": rpc error: code = NotFound desc = '
                               f"failed to resolve reference: {NEW_IMAGE}: not found")
    with_revisions(b, dep)
    bundle = b.build()
    [f] = image_pull.detect(bundle, NOW)
    assert f.category is Category.IMAGE_PULL and "does not exist" in f.summary
    assert f.remediations[0].command == f"kubectl set image deployment/payments-api -n production api={OLD_IMAGE}"
    assert_valid(bundle, [f])


def test_missing_pull_secret_is_the_culprit() -> None:
    b = BundleBuilder()
    _dep, pods = b.app(pods=1, containers=[container()])
    b.topology.nodes["Deployment/production/payments-api"].object["spec"]["template"]["spec"][  # type: ignore[index]
        "imagePullSecrets"] = [{"name": "regcred"}]
    b.missing(ResourceRef(kind="Secret", namespace=NS, name="regcred"))
    b.container_status(pods[0], state="waiting", waiting_reason="ErrImagePull", image=NEW_IMAGE,
                       waiting_message="pull access denied, repository does not exist or may require authorization: "
                                       "authorization failed: no basic auth credentials")
    [f] = image_pull.detect(b.build(), NOW)
    assert f.culprit == ResourceRef(kind="Secret", namespace=NS, name="regcred")


def test_running_containers_have_no_pull_problem() -> None:
    b = BundleBuilder()
    _dep, pods = b.app(pods=1)
    b.container_status(pods[0])
    assert image_pull.detect(b.build(), NOW) == []


# --- rollout stuck -------------------------------------------------------------------------------

def test_stuck_rollout_names_the_new_pods_state_and_is_a_symptom() -> None:
    b = BundleBuilder()
    dep, pods = b.app(pods=1, revision=2)
    b.container_status(pods[0], state="waiting", waiting_reason="ImagePullBackOff")
    with_revisions(b, dep)
    b.evidence[-1].facts.progress_deadline_exceeded = True  # type: ignore[union-attr]
    bundle = b.build()
    [f] = rollout_stuck.detect(bundle, NOW)
    assert "ImagePullBackOff" in f.summary and f.symptom_of
    assert_valid(bundle, [f])


def test_progressing_rollout_is_not_stuck() -> None:
    b = BundleBuilder()
    dep, _pods = b.app(pods=1, revision=2)
    with_revisions(b, dep)
    assert rollout_stuck.detect(b.build(), NOW) == []


def test_missing_configmap_gets_an_empty_create_with_a_caution() -> None:
    b = BundleBuilder()
    _dep, pods = b.app(pods=1)
    b.missing(ResourceRef(kind="ConfigMap", namespace=NS, name="pricing-feature-flags"))
    b.container_status(pods[0], state="waiting", waiting_reason="CreateContainerConfigError",
                       waiting_message='configmap "pricing-feature-flags" not found')
    bundle = b.build()
    [f] = missing_config.detect(bundle, NOW)
    [create] = f.remediations
    assert create.command == "kubectl create configmap pricing-feature-flags -n production"
    assert "default settings" in (create.caution or "")
    assert_valid(bundle, [f])


def test_renamed_key_is_restored_from_its_new_name() -> None:
    b = BundleBuilder()
    _dep, pods = b.app(pods=1)
    b.add({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "notifier-config", "namespace": NS},
           "data": {"SMTP_SERVER": "smtp.internal:587", "SMTP_FROM": "noreply@example.com", "LOG_LEVEL": "info"}})
    b.container_status(pods[0], state="waiting", waiting_reason="CreateContainerConfigError",
                       waiting_message="couldn't find key SMTP_HOST in ConfigMap production/notifier-config")
    b.config("notifier-config", values={"SMTP_FROM": "noreply@example.com"}, missing_keys=["SMTP_HOST"],
             referenced_keys=["SMTP_HOST", "SMTP_FROM"])
    bundle = b.build()
    [f] = missing_config.detect(bundle, NOW)
    assert f.remediations[0].command == ("kubectl patch configmap/notifier-config -n production --type merge -p "
                                         "'{\"data\":{\"SMTP_HOST\":\"smtp.internal:587\"}}'")
    assert_valid(bundle, [f])


def test_healthy_pods_of_the_same_revision_contradict_a_bad_revision() -> None:
    b = BundleBuilder()
    dep, pods = b.app(pods=3, revision=2)
    b.crashloop(pods[0], term=crashed(1, "Error", minutes=-5))
    b.event(pods[0], "BackOff", "Back-off restarting failed container", first=-6)
    for p in pods[1:]:
        b.container_status(p)
    with_revisions(b, dep, old_ready=0)
    [f] = app_crash.detect(b.build(), NOW)
    assert len(f.contradicting_ids) == 2 and not f.direct


def test_a_revision_rolled_out_days_ago_is_not_the_new_revision() -> None:
    b, _dep = crash_bundle(revision_at=-3 * 24 * 60, crash_from=-6)
    assert not_blamed_on_a_revision(app_crash.detect(b.build(), NOW))


def test_liveness_killed_pods_are_not_app_crashes() -> None:
    b = BundleBuilder()
    dep, pods = b.app(pods=1, revision=2)
    b.crashloop(pods[0], term=crashed(137, "Error", minutes=-5))
    b.event(pods[0], "Killing", "Container api failed liveness probe, will be restarted", type="Normal", first=-6)
    with_revisions(b, dep)
    assert app_crash.detect(b.build(), NOW) == []

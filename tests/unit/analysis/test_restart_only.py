"""A revision that only changes a restart trigger (Reloader's config hash, restartedAt) is not a code change."""

from __future__ import annotations

from firstresponder.analysis.detectors.app_crash import restart_only
from firstresponder.models import ResourceRef
from firstresponder.models.evidence import RolloutFacts, TemplateDiff

DEPLOY = ResourceRef(kind="Deployment", namespace="orders", name="fulfilment")


def rollout(*diff: TemplateDiff) -> RolloutFacts:
    return RolloutFacts(workload=DEPLOY, diff=list(diff))


def test_config_hash_env_and_restart_annotation_are_restart_triggers() -> None:
    assert restart_only(rollout(TemplateDiff(path="containers[app].env.STAKATER_FULFILMENT_CONFIG_CONFIGMAP",
                                             before="0148ee0436f8e593510010f84825804fefee5035",
                                             after="da7e3947952e6539f8d4d91966f092b1fa799785")))
    assert restart_only(rollout(TemplateDiff(path="annotations.kubectl.kubernetes.io/restartedAt",
                                             after="2026-03-17T02:00:00Z")))


def test_image_or_plain_env_changes_are_real_changes() -> None:
    assert not restart_only(rollout(TemplateDiff(path="containers[app].image", before="a:1", after="a:2")))
    assert not restart_only(rollout(TemplateDiff(path="containers[app].env.LOG_LEVEL", before="info", after="debug")))
    assert not restart_only(rollout())

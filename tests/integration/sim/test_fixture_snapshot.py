"""The fixture snapshot is realistic: every object passes kubernetes-validate --strict for Kubernetes 1.32."""

from __future__ import annotations

import kubernetes_validate
import pytest

from firstresponder.snapshot import load_snapshot
from tests.support.simulator import BASIC_SNAPSHOT

OBJECTS = load_snapshot(BASIC_SNAPSHOT).objects
# kubernetes-validate ships schemas for built-in kinds only; metrics.k8s.io is an aggregated API.
AGGREGATED = "metrics.k8s.io/v1beta1"


@pytest.mark.parametrize("obj", [o for o in OBJECTS if o["apiVersion"] != AGGREGATED],
                         ids=lambda o: f"{o['kind']}/{o['metadata']['name']}")
def test_object_is_valid_for_kubernetes_1_32(obj: dict[str, object]) -> None:
    kubernetes_validate.validate(obj, "1.32.0", strict=True)


def test_strict_validation_would_catch_a_mistake() -> None:
    pod = next(o for o in OBJECTS if o["kind"] == "Pod")
    broken = {**pod, "spec": {**pod["spec"], "containerz": []}}  # type: ignore[dict-item]

    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, "1.32.0", strict=True)


def test_metrics_objects_have_the_metrics_api_shape() -> None:
    metrics = [o for o in OBJECTS if o["apiVersion"] == AGGREGATED]

    assert {o["kind"] for o in metrics} == {"PodMetrics", "NodeMetrics"}
    for obj in metrics:
        usages = [c["usage"] for c in obj.get("containers", [])] or [obj["usage"]]  # type: ignore[union-attr]
        assert all(set(usage) == {"cpu", "memory"} for usage in usages)
        assert obj["timestamp"] and obj["window"]

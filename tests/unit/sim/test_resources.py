"""Resource names for kinds outside the catalog, derived as the apiserver would."""

from __future__ import annotations

import pytest

from firstresponder.sim.resources import ResourceCatalog, guess_plural


@pytest.mark.parametrize(("kind", "plural"), [("Rollout", "rollouts"), ("NetworkPolicy", "networkpolicies"),
                                              ("Gateway", "gateways"), ("Ingress", "ingresses"),
                                              ("ClusterRole", "clusterroles"), ("Mesh", "meshes")])
def test_guess_plural(kind: str, plural: str) -> None:
    assert guess_plural(kind) == plural


def test_catalog_adds_snapshot_kinds_and_hides_metrics_without_them() -> None:
    catalog = ResourceCatalog.for_kinds({"Rollout": ("argoproj.io/v1alpha1", True)}, with_metrics=False)

    rollout = catalog.by_path("argoproj.io", "v1alpha1", "rollouts")
    assert rollout is not None and rollout.namespaced and rollout.qualified_plural == "rollouts.argoproj.io"
    assert catalog.by_kind("PodMetrics") is None
    assert catalog.by_kind("Deployment").short_names == ("deploy",)  # type: ignore[union-attr]

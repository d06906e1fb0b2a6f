from __future__ import annotations

import pytest
from pydantic import ValidationError

from firstresponder.services.clusters import ClusterRegistry, UnknownCluster


def test_template_flat_form_with_camel_case_keys() -> None:
    registry = ClusterRegistry.from_json('{"prod-eu1": {"eksClusterName": "prod", "region": "eu-west-1", '
                                         '"roleArn": "arn:aws:iam::111122223333:role/reader"}}')
    target = registry.clusters["prod-eu1"]
    assert (target.eks_cluster, target.role_arn) == ("prod", "arn:aws:iam::111122223333:role/reader")
    assert registry.name_for(None) == "prod-eu1"  # a single cluster is the default


def test_unknown_cluster_is_refused_with_the_known_names() -> None:
    registry = ClusterRegistry.from_json('{"clusters": {"a": {"kubeconfig": "/k"}, "b": {"kubeconfig": "/k"}}}')
    with pytest.raises(UnknownCluster, match="known: a, b"):
        registry.name_for("c")
    with pytest.raises(UnknownCluster):
        registry.name_for(None)


def test_a_cluster_needs_a_way_in() -> None:
    with pytest.raises(ValidationError):
        ClusterRegistry.from_json('{"x": {"region": "eu-west-1"}}')

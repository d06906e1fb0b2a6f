"""Prometheus renames a series' own namespace/pod/service labels to exported_* when the scrape target
has them too: the subject is then in exported_*, and the plain labels name the exporter/controller."""

from __future__ import annotations

from firstresponder.intake.alertmanager import subject_of
from firstresponder.models import ResourceRef


def test_ingress_controller_metrics_alert_is_about_the_exported_ingress() -> None:
    labels = {"alertname": "IngressHigh5xxRate", "ingress": "storefront", "exported_namespace": "web",
              "namespace": "ingress-nginx", "pod": "ingress-nginx-controller-7d9f8-x2x9q",
              "container": "controller", "service": "ingress-nginx-controller-metrics"}
    scope = subject_of(labels, "IngressHigh5xxRate")
    assert scope.resource == ResourceRef(kind="Ingress", namespace="web", name="storefront")
    assert any("scrape target" in note for note in scope.notes)


def test_exported_pod_replaces_the_scrape_targets_pod() -> None:
    labels = {"alertname": "AppErrors", "exported_pod": "checkout-5c6b7-abcde", "exported_namespace": "shop",
              "pod": "pushgateway-0", "namespace": "monitoring"}
    scope = subject_of(labels, "AppErrors")
    assert scope.resource == ResourceRef(kind="Pod", namespace="shop", name="checkout-5c6b7-abcde")


def test_without_exported_labels_nothing_changes() -> None:
    scope = subject_of({"alertname": "Custom", "pod": "api-5c6b7-abcde", "namespace": "shop"}, "Custom")
    assert scope.resource == ResourceRef(kind="Pod", namespace="shop", name="api-5c6b7-abcde")

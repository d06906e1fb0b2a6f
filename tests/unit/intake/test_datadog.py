"""Datadog webhooks: default payload titles and bodies, the recommended template's fields."""

from __future__ import annotations

from typing import Any

import pytest

from firstresponder.intake import IntakeError
from firstresponder.intake.datadog import normalise_datadog
from firstresponder.intake.datadog_tags import parse_tags, parse_title, tags_in_body
from firstresponder.models.alert import Alert, AlertStatus
from firstresponder.models.resource import ResourceRef
from tests.unit.intake.alert_fixtures import fixture_json


def hook(**fields: Any) -> Alert:
    [alert] = normalise_datadog({"title": "[Triggered] Monitor", "body": "", "date": "1795813773000", **fields})
    return alert


@pytest.mark.parametrize(("title", "expected"), [
    ("[Triggered on {kube_namespace:shop,pod_name:web-0}] Pod restarting",
     ("Triggered", None, {"kube_namespace": "shop", "pod_name": "web-0"}, "Pod restarting")),
    ("[P1] [Recovered on {kube_deployment:web}] Replicas", ("Recovered", "P1", {"kube_deployment": "web"}, "Replicas")),
    ("[Re-Triggered] Host down", ("Re-Triggered", None, {}, "Host down")),
    ("[Warn on {kube_node:n1}] Disk", ("Warn", None, {"kube_node": "n1"}, "Disk")),
    ("[No Data on {kube_service:api}] Probe", ("No Data", None, {"kube_service": "api"}, "Probe")),
    ("[Triggered] [TEST] Host Cluster Alert", ("Triggered", None, {}, "[TEST] Host Cluster Alert")),
    ("Plain title", (None, None, {}, "Plain title")),
])
def test_title_prefixes(title: str, expected: tuple[Any, ...]) -> None:
    assert parse_title(title) == expected


def test_tags_and_body_tags() -> None:
    assert parse_tags("env:prod, kube_namespace:shop,bare,url:https://x/y") == \
        {"env": "prod", "kube_namespace": "shop", "url": "https://x/y"}
    assert tags_in_body("**m** over **kube_namespace:shop,pod_name:web-0** was **> 3**") == \
        {"kube_namespace": "shop", "pod_name": "web-0"}


def test_default_payload_scope_comes_from_the_title_group() -> None:
    alert = normalise_datadog(fixture_json("datadog/default.multi-alert.triggered.pod.json"))[0]
    assert alert.resource == ResourceRef(kind="Pod", namespace="shop", name="checkout-7c9d8f6b5-qx4mz")
    assert (alert.cluster, alert.name, alert.severity) == ("prod-eks", "Pod is restarting", "critical")
    assert alert.labels["monitor_id"] == "98765432"
    assert "Monitor Status" not in alert.description and "%%%" not in alert.description


def test_recommended_template_fields_win() -> None:
    alert = normalise_datadog(fixture_json("datadog/recommended.triggered.deployment.json"))[0]
    assert alert.resource == ResourceRef(kind="Deployment", namespace="shop", name="checkout")
    assert alert.severity == "critical"  # P2
    assert alert.metric is not None and alert.metric.name == "kubernetes_state.deployment.replicas_unavailable"
    assert alert.metric.expression is not None and alert.metric.expression.startswith("max(last_5m)")
    assert alert.generator_url is not None and alert.generator_url.startswith("https://app.datadoghq.com/monitors/")
    assert alert.labels["team"] == "payments"


@pytest.mark.parametrize(("scope", "expected"), [
    ("kube_namespace:a,pod_name:p-0,kube_container_name:c", ("Pod/a/p-0", "c")),
    ("kube_namespace:a,kube_stateful_set:db", ("StatefulSet/a/db", None)),
    ("kube_namespace:a,kube_daemon_set:ds", ("DaemonSet/a/ds", None)),
    ("kube_namespace:a,kube_job:j-1", ("Job/a/j-1", None)),
    ("kube_namespace:a,kube_cronjob:cj", ("CronJob/a/cj", None)),
    ("kube_namespace:a,persistentvolumeclaim:data-db-0", ("PersistentVolumeClaim/a/data-db-0", None)),
    ("kube_namespace:a,kube_service:svc", ("Service/a/svc", None)),
    ("kube_node:n1,kube_namespace:a", ("Node/n1", None)),
    ("kube_namespace:a,service:frontend", ("Deployment/a/frontend", None)),
    ("kube_namespace:a,service:frontend,kube_stateful_set:db", ("StatefulSet/a/db", None)),
    ("kube_namespace:a", (None, None)),
])
def test_every_kubernetes_tag_names_its_kind(scope: str, expected: tuple[str | None, str | None]) -> None:
    alert = hook(alert_scope=scope)
    assert ((alert.resource.key if alert.resource else None), alert.container) == expected


def test_scope_beats_event_tags_and_tags_fill_in() -> None:
    alert = hook(alert_scope="kube_namespace:a,kube_deployment:web",
                 tags="kube_node:n1,pod_name:web-1,kube_cluster_name:prod")
    assert alert.resource == ResourceRef(kind="Deployment", namespace="a", name="web")
    assert alert.cluster == "prod"
    assert hook(tags="kube_namespace:a,kube_deployment:web").resource == \
        ResourceRef(kind="Deployment", namespace="a", name="web")


@pytest.mark.parametrize(("fields", "status", "severity"), [
    ({"alert_transition": "Recovered"}, AlertStatus.RESOLVED, "info"),
    ({"title": "[Recovered on {kube_namespace:a}] M"}, AlertStatus.RESOLVED, "info"),
    ({"alert_transition": "Warn"}, AlertStatus.FIRING, "warning"),
    ({"alert_transition": "No Data"}, AlertStatus.FIRING, "warning"),
    ({"alert_transition": "Triggered", "alert_priority": "P4"}, AlertStatus.FIRING, "info"),
    ({"alert_transition": "$ALERT_TRANSITION"}, AlertStatus.FIRING, "critical"),  # left unexpanded
])
def test_transition_and_priority(fields: dict[str, Any], status: AlertStatus, severity: str) -> None:
    alert = hook(**fields)
    assert (alert.status, alert.severity) == (status, severity)


def test_fingerprint_is_stable_per_monitor_and_group_not_per_event() -> None:
    first = hook(alert_id="1", alert_scope="pod_name:a", id="111", date="1795813773000")
    again = hook(alert_id="1", alert_scope="pod_name:a", id="222", date="1795813833000")
    other = hook(alert_id="1", alert_scope="pod_name:b", id="333")
    assert first.fingerprint == again.fingerprint != other.fingerprint


@pytest.mark.parametrize(("payload", "reason"), [
    ({"body": "x", "date": "1"}, "title: Field required"),
    ({"title": "t", "date": "yesterday"}, "date is not epoch milliseconds"),
    ({"title": "t", "date": 1.5}, "date.str: Input should be a valid string"),
])
def test_bad_datadog_payloads_are_422(payload: dict[str, Any], reason: str) -> None:
    with pytest.raises(IntakeError) as caught:
        normalise_datadog(payload)
    assert caught.value.status == 422 and reason in caught.value.reason


def test_service_tag_is_a_noted_guess() -> None:
    alert = hook(title="[Triggered on {kube_namespace:storefront,service:frontend}] frontend error logs spiking")
    assert alert.resource == ResourceRef(kind="Deployment", namespace="storefront", name="frontend")
    assert "assumed a Deployment" in alert.scope_notes[0]

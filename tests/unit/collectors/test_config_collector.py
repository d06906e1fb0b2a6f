"""ConfigMap/Secret facts: keys, missing keys, values, previous values, last change, consumers."""

from __future__ import annotations

import json
from typing import Any

from firstresponder.models.evidence import ChangeKind
from tests.unit.collectors.support import ALERT_AT, discovered, only, run
from tests.unit.topology.cluster_fixtures import payments_cluster


def _edited(objects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """payments-config edited with kubectl edit after its last apply; DB_URL changed."""
    for obj in objects:
        if obj["metadata"]["name"] == "payments-config" and obj["kind"] == "ConfigMap":
            applied = {"apiVersion": "v1", "kind": "ConfigMap", "data": {
                "DB_URL": "postgres://app:old-pass@payments-db.production.svc:5432/payments",
                "PAYMENT_GATEWAY_URL": "https://api.stripe.com/v1"}}
            obj["metadata"]["annotations"] = {"kubectl.kubernetes.io/last-applied-configuration": json.dumps(applied)}
            obj["data"]["DB_URL"] = "postgres://app:new-pass@payments-db-v2.production.svc:5432/payments"
            obj["metadata"]["managedFields"] = [
                {"manager": "kubectl-client-side-apply", "operation": "Update", "time": "2026-11-20T10:00:00Z"},
                {"manager": "kubectl-edit", "operation": "Update", "time": "2026-11-28T02:30:00Z"}]
    return objects


def test_configmap_facts_name_changed_values_missing_keys_and_who_changed_it() -> None:
    topology, cluster = discovered(_edited(payments_cluster()))
    result = run(cluster, topology, "config", "ConfigMap/production/payments-config")
    facts = only(result, "ev-cm-payments-config")
    assert facts.exists and facts.keys == ["DB_URL", "PAYMENT_GATEWAY_URL"]
    assert facts.referenced_keys == ["DB_URL", "FLAGS"] and facts.missing_keys == ["FLAGS"]
    assert facts.values == {"DB_URL": "postgres://app:****@payments-db-v2.production.svc:5432/payments"}
    assert facts.previous_values == {"DB_URL": "postgres://app:****@payments-db.production.svc:5432/payments"}
    assert (facts.last_changed_by, facts.last_changed_at.isoformat()) == ("kubectl-edit", "2026-11-28T02:30:00+00:00")
    assert any("env DB_URL of container api" in c for c in facts.consumers)
    [change] = result.changes
    assert change.kind == ChangeKind.CONFIG_UPDATE and change.actor == "kubectl-edit"
    assert change.seconds_before_alert == 1800 and "DB_URL changed" in change.summary
    assert result.api_requests == 0


def test_whole_object_references_report_every_value() -> None:
    topology, cluster = discovered()
    facts = only(run(cluster, topology, "config", "ConfigMap/production/payments-env"), "ev-cm-payments-env")
    assert set(facts.values) == {"CACHE_HOST", "RETRIES", "FRAUD_API"} and facts.missing_keys == []


def test_missing_configmap_is_evidence_of_absence() -> None:
    objects = [o for o in payments_cluster() if o["metadata"]["name"] != "payments-config"]
    topology, cluster = discovered(objects)
    result = run(cluster, topology, "config", "ConfigMap/production/payments-config")
    facts = only(result, "ev-cm-payments-config")
    assert not facts.exists and facts.missing_keys == ["DB_URL", "FLAGS"]
    assert "does not exist" in result.evidence[0].summary


def test_secrets_show_keys_never_values() -> None:
    topology, cluster = discovered()
    result = run(cluster, topology, "config", "Secret/production/payments-secrets")
    facts = only(result, "ev-secret-payments-secrets")
    assert facts.keys == ["DB_PASSWORD"] and facts.values == {} and facts.previous_values == {}
    assert "c2VjcmV0" not in result.model_dump_json()


def test_unreadable_secret_is_skipped() -> None:
    topology, cluster = discovered(failures={"Secret": 403})
    assert run(cluster, topology, "config", "Secret/production/payments-secrets").status == "skipped"


def test_time_line_uses_the_alert_start() -> None:
    topology, cluster = discovered(_edited(payments_cluster()))
    change = run(cluster, topology, "config", "ConfigMap/production/payments-config").changes[0]
    assert change.at < ALERT_AT

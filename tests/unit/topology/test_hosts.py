from __future__ import annotations

import pytest

from firstresponder.topology.hosts import cluster_name, hosts_in_text, is_host_variable, plausible_host


@pytest.mark.parametrize(("value", "variable", "expected"), [
    ("postgres://user:pw@payments-db.production.svc:5432/db", "DB_URL",
     [("payments-db.production.svc", 5432)]),
    ("jdbc:postgresql://orders-db:5432/orders?ssl=true", "JDBC", [("orders-db", 5432)]),
    ("https://api.stripe.com/v1/charges", None, [("api.stripe.com", None)]),
    ("redis://:secret@cache.cache.svc.cluster.local:6379/0", None, [("cache.cache.svc.cluster.local", 6379)]),
    ("payments-db", "DB_HOST", [("payments-db", None)]),
    ("payments-db:5432", None, [("payments-db", 5432)]),
    ("kafka-0.kafka.streaming.svc.cluster.local", None, [("kafka-0.kafka.streaming.svc.cluster.local", None)]),
    ("host=pg.internal.example.com port=6432 dbname=x", "PG_DSN", [("pg.internal.example.com", 6432)]),
    ("broker-1:9092,broker-2:9092", "KAFKA_BROKERS", [("broker-1", 9092), ("broker-2", 9092)]),
])
def test_hosts_are_found_in_urls_dsns_and_host_values(value: str, variable: str | None,
                                                      expected: list[tuple[str, int | None]]) -> None:
    assert hosts_in_text(value, variable=variable) == expected


@pytest.mark.parametrize(("value", "variable"), [
    ("info", "LOG_LEVEL"),
    ("3", "RETRIES"),
    ("payments-db", "DB_NAME"),  # not a host variable
    ("localhost:8080", "LISTEN"),
    ("http://127.0.0.1:9090/metrics", "METRICS_URL"),
    ("/etc/app/config.yaml", "CONFIG_PATH"),
    ("v1.2.3", "VERSION"),
    ("0.0.0.0:8080", "BIND_ADDR"),
    ("application.yaml", "CONFIG_URL"),
])
def test_values_that_are_not_hosts_yield_nothing(value: str, variable: str) -> None:
    assert hosts_in_text(value, variable=variable) == []


def test_file_contents_are_read_line_by_line_with_keys_as_variable_names() -> None:
    text = "server:\n  port: 8080\ndatabase:\n  host: orders-db\n  url: http://ledger.finance.svc:9000\n"
    assert hosts_in_text(text, variable="application.yaml") == [("orders-db", None),
                                                                 ("ledger.finance.svc", 9000)]


def test_host_variables_are_recognised_by_name_parts() -> None:
    assert is_host_variable("DB_HOST") and is_host_variable("redis.addr") and is_host_variable("API_URL")
    assert not is_host_variable("HOSTNAME") and not is_host_variable("DB_PORT") and not is_host_variable(None)


@pytest.mark.parametrize(("host", "service", "namespace", "certain"), [
    ("payments-db", "payments-db", "production", True),
    ("payments-db.billing", "payments-db", "billing", False),
    ("payments-db.billing.svc", "payments-db", "billing", True),
    ("payments-db-v2.production.svc.cluster.local", "payments-db-v2", "production", True),
    ("db-0.db.data.svc.cluster.local", "db", "data", True),
])
def test_cluster_names_resolve_to_service_and_namespace(host: str, service: str, namespace: str,
                                                       certain: bool) -> None:
    name = cluster_name(host, "production")
    assert name is not None
    assert (name.service, name.namespace, name.certain) == (service, namespace, certain)


def test_three_label_names_are_external() -> None:
    assert cluster_name("api.stripe.com", "production") is None
    assert plausible_host("api.stripe.com") and not plausible_host("10.0.0.1") and not plausible_host("a.json")

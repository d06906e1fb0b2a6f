"""Pricing an investigation from counts, and the price table itself."""

from __future__ import annotations

import datetime as dt

import pytest

from bench.cost import duplicate_alert_cost, fixed_monthly, investigation_cost, load_prices

PRICES = {"lambda_arm64_per_gb_second": 0.00001, "lambda_per_request": 0.0000002, "lambda_bills_init": True,
          "stepfunctions_standard_per_transition": 0.000025, "dynamodb_on_demand_per_wru": 0.000001,
          "dynamodb_on_demand_per_rru": 0.0000001, "apigateway_http_api_per_request": 0.000001,
          "cloudwatch_logs_ingestion_per_gb": 0.5, "secretsmanager_per_api_call": 0.000005}
E2E = {"invocations": {"discover": 1, "collect": 10}, "lambda_seconds": {"discover": 1.0, "collect": 2.0},
       "intake_seconds": 0.5, "transitions": 14, "wru": 100, "rru": 50}
MEMORY = {"intake": 256, "discover": 512, "collect": 1024}


def test_warm_investigation_is_the_sum_of_its_parts() -> None:
    cost = investigation_cost(E2E, MEMORY, {}, PRICES, cold=False)
    assert cost.lambda_requests == pytest.approx(12 * 0.0000002)
    assert cost.lambda_compute == pytest.approx((0.5 * 0.25 + 1.0 * 0.5 + 2.0 * 1.0) * 0.00001)
    assert cost.stepfunctions == pytest.approx(14 * 0.000025)
    assert cost.dynamodb == pytest.approx(100 * 0.000001 + 50 * 0.0000001)
    assert cost.init == 0.0
    assert cost.total == pytest.approx(sum(v for v in cost.__dict__.values()))


def test_cold_adds_init_once_per_function_and_collect_up_to_map_concurrency() -> None:
    init = {"intake": 1.0, "discover": 1.0, "collect": 1.0}
    cold = investigation_cost(E2E, MEMORY, init, PRICES, cold=True)
    # intake 0.25 GB + discover 0.5 GB + 8 collect instances x 1 GB, one second each
    assert cold.init == pytest.approx((0.25 + 0.5 + 8 * 1.0) * 0.00001)


def test_duplicate_alert_costs_far_less_than_an_investigation() -> None:
    duplicate = duplicate_alert_cost({"wru": 1, "rru": 1}, 0.02, 256, PRICES)
    assert 0 < duplicate < investigation_cost(E2E, MEMORY, {}, PRICES, cold=False).total / 10


def test_fixed_costs_count_secrets_and_alarms_in_the_template() -> None:
    template = {"Resources": {"a": {"Type": "AWS::SecretsManager::Secret"}, "b": {"Type": "AWS::CloudWatch::Alarm"}}}
    usd, note = fixed_monthly(template, {"secretsmanager_per_secret_month": 0.4, "cloudwatch_alarm_per_month": 0.1})
    assert usd == pytest.approx(0.5) and note == "1 secrets, 1 alarms"


def test_price_table_is_dated_sourced_and_complete() -> None:
    table = load_prices()
    dt.date.fromisoformat(table["as_of"])
    assert table["region"] == "us-east-1"
    for service in ("lambda", "stepfunctions", "dynamodb", "apigateway", "cloudwatch"):
        assert table["sources"][service].startswith("https://aws.amazon.com/")
    for key in PRICES:
        assert key in table["prices"]

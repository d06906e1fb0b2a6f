"""Section 7: the cost of one investigation and of a month, from measured counts and bench/prices.yaml.

Assumptions (stated in the table too):
- ALERTS_PER_INCIDENT alerts arrive per incident within the dedup window (repeats, sibling pods), so
  investigations = alerts / ALERTS_PER_INCIDENT; every other alert is a duplicate that costs one API
  request, one intake invocation and its DynamoDB units (measured in section 4).
- Lambda durations are those measured in the local stack (8 collectors share 2 cores there, so they
  err high). "Cold" adds each function's INIT (section 5 import time) once per investigation, collect
  up to the Map's concurrency; at 100 alerts/day every investigation is priced cold, at 10,000 warm.
- Logs: LOG_BYTES_PER_INVOCATION per invocation (Lambda's START/END/REPORT lines plus a few JSON lines).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bench.coldstart import function_specs, load_template
from bench.figures import Figure, Verdict, judged

PRICES = Path(__file__).resolve().parent / "prices.yaml"
TARGET_USD = 0.005
ALERTS_PER_INCIDENT = 4
LOG_BYTES_PER_INVOCATION = 1_024
MAP_CONCURRENCY = 8
ALERTS_PER_DAY = (100, 10_000)
DAYS_PER_MONTH = 30


def load_prices(path: Path = PRICES) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


@dataclass(frozen=True)
class Breakdown:
    lambda_requests: float
    lambda_compute: float
    init: float
    stepfunctions: float
    dynamodb: float
    apigateway: float
    logs: float
    secrets_calls: float

    @property
    def total(self) -> float:
        return (self.lambda_requests + self.lambda_compute + self.init + self.stepfunctions + self.dynamodb
                + self.apigateway + self.logs + self.secrets_calls)

    def lines(self) -> str:
        parts = {"Lambda requests": self.lambda_requests, "Lambda GB-s": self.lambda_compute, "INIT": self.init,
                 "Step Functions": self.stepfunctions, "DynamoDB": self.dynamodb, "API Gateway": self.apigateway,
                 "Logs": self.logs, "Secrets Manager": self.secrets_calls}
        return ", ".join(f"{k} ${v:.6f}" for k, v in parts.items() if v)


def investigation_cost(e2e: dict[str, Any], memory_mb: dict[str, int], init_seconds: dict[str, float],
                       prices: dict[str, float], *, cold: bool) -> Breakdown:
    """One investigation: intake (the first alert) + the state machine's invocations, warm or cold."""
    invocations = {**e2e["invocations"], "intake": 1}
    seconds = {**e2e["lambda_seconds"], "intake": e2e["intake_seconds"]}
    requests = sum(invocations.values())
    gb_s = sum(seconds[f] * memory_mb.get(f, 256) / 1024 for f in seconds)
    init = 0.0
    secrets_calls = 0
    if cold:
        for function, count in invocations.items():
            instances = min(count, MAP_CONCURRENCY) if function == "collect" else 1
            init += instances * init_seconds.get(function, 0.0) * memory_mb.get(function, 256) / 1024
            secrets_calls += instances  # a secret read (cached afterwards) per fresh instance, at most
    gb_price = prices["lambda_arm64_per_gb_second"]
    return Breakdown(
        lambda_requests=requests * prices["lambda_per_request"], lambda_compute=gb_s * gb_price,
        init=init * gb_price if prices.get("lambda_bills_init", True) else 0.0,
        stepfunctions=e2e["transitions"] * prices["stepfunctions_standard_per_transition"],
        dynamodb=e2e["wru"] * prices["dynamodb_on_demand_per_wru"] + e2e["rru"] * prices["dynamodb_on_demand_per_rru"],
        apigateway=prices["apigateway_http_api_per_request"],
        logs=requests * LOG_BYTES_PER_INVOCATION / 1e9 * prices["cloudwatch_logs_ingestion_per_gb"],
        secrets_calls=secrets_calls * prices["secretsmanager_per_api_call"])


def duplicate_alert_cost(per_duplicate: dict[str, float], seconds: float, memory_mb: int,
                         prices: dict[str, float]) -> float:
    """A repeat alert of a running incident: API request, intake invocation, dedup read/write."""
    return (prices["apigateway_http_api_per_request"] + prices["lambda_per_request"]
            + seconds * memory_mb / 1024 * prices["lambda_arm64_per_gb_second"]
            + per_duplicate["wru"] * prices["dynamodb_on_demand_per_wru"]
            + per_duplicate["rru"] * prices["dynamodb_on_demand_per_rru"]
            + LOG_BYTES_PER_INVOCATION / 1e9 * prices["cloudwatch_logs_ingestion_per_gb"])


def fixed_monthly(template: dict[str, Any], prices: dict[str, float]) -> tuple[float, str]:
    types = [r.get("Type") for r in template.get("Resources", {}).values()]
    secrets = types.count("AWS::SecretsManager::Secret")
    alarms = types.count("AWS::CloudWatch::Alarm")
    usd = secrets * prices["secretsmanager_per_secret_month"] + alarms * prices["cloudwatch_alarm_per_month"]
    return usd, f"{secrets} secrets, {alarms} alarms"


def express_alternative(e2e: dict[str, Any], prices: dict[str, float]) -> float:
    """The same run as an Express workflow: one request plus its duration at the 64 MB minimum."""
    seconds = float(e2e["seconds"])
    return prices["stepfunctions_express_per_request"] + seconds * 64 / 1024 * prices["stepfunctions_express_per_gb_second"]


def run(e2e: dict[str, Any], init_seconds: dict[str, float], intake: dict[str, Any],
        models_usd: float | None) -> tuple[list[Figure], dict[str, Any]]:
    table = load_prices()
    prices: dict[str, float] = table["prices"]
    template = load_template()
    memory = {s.name: s.memory_mb for s in function_specs(template)}
    warm = investigation_cost(e2e, memory, init_seconds, prices, cold=False)
    cold = investigation_cost(e2e, memory, init_seconds, prices, cold=True)
    duplicate = duplicate_alert_cost(intake["per_duplicate_alert"], intake["duplicate_seconds"],
                                     memory.get("intake", 256), prices)
    fixed, fixed_note = fixed_monthly(template, prices)
    source = f"prices.yaml as of {table['as_of']} ({table['region']})"
    figures = [
        Figure("7 cost", "per investigation, warm (no models)", warm.total, "USD", f"< ${TARGET_USD}",
               judged(warm.total < TARGET_USD), warm.lines()),
        Figure("7 cost", "per investigation, every function cold (no models)", cold.total, "USD", f"< ${TARGET_USD}",
               judged(cold.total < TARGET_USD), f"INIT ${cold.init:.6f}; {source}"),
        Figure("7 cost", "per duplicate alert (deduplicated)", duplicate, "USD", "", Verdict.ESTIMATE,
               "API request + intake invocation + dedup claim"),
        Figure("7 cost", "Express workflow instead of Standard", express_alternative(e2e, prices), "USD", "",
               Verdict.ESTIMATE, f"vs Standard ${warm.stepfunctions:.6f} ({e2e['transitions']:.0f} transitions); "
               "template.yaml chooses STANDARD"),
    ]
    months: dict[str, Any] = {}
    for per_day in ALERTS_PER_DAY:
        investigations = per_day / ALERTS_PER_INCIDENT
        per_investigation = (cold if per_day <= 1_000 else warm).total
        month = DAYS_PER_MONTH * (investigations * per_investigation + (per_day - investigations) * duplicate) + fixed
        with_models = month + DAYS_PER_MONTH * investigations * (models_usd or 0.0)
        months[str(per_day)] = {"usd": month, "with_models_usd": with_models, "investigations_per_day": investigations}
        figures.append(Figure("7 cost", f"month at {per_day:,} alerts/day (no models)", month, "USD", "",
                              Verdict.ESTIMATE, f"{investigations:,.0f} investigations/day (assumed "
                              f"{ALERTS_PER_INCIDENT} alerts per incident), "
                              f"{'cold' if per_day <= 1_000 else 'warm'} functions, fixed ${fixed:.2f} ({fixed_note})"))
        if models_usd is not None:
            figures.append(Figure("7 cost", f"month at {per_day:,} alerts/day with models (shipped routing)",
                                  with_models, "USD", "", Verdict.ESTIMATE))
    return figures, {"warm": warm.__dict__, "cold": cold.__dict__, "duplicate_usd": duplicate, "months": months,
                     "fixed_monthly_usd": fixed, "prices_as_of": table["as_of"]}

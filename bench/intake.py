"""Section 4: alerts per second through the intake path, and a storm of one incident."""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from bench.figures import Figure, Verdict, judged
from bench.stack import IntakeStack, alertmanager_payload, intake_stack
from bench.synthetic import DEMO_DIR

DISTINCT = 200
STORM = 1_000
STORM_FINGERPRINTS = 50  # a storm repeats a few alerts (pods of one workload) many times
STORM_THREADS = 16


def demo_payload() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DEMO_DIR / "alert.json").read_text(encoding="utf-8"))
    return data


def pod_suffix(n: int) -> str:
    """A pod name suffix as the ReplicaSet controller makes them (so the pods fold into one workload)."""
    alphabet = "bcdfghjklmnpqrstvwxz2456789"
    return "".join(alphabet[(n // len(alphabet) ** k) % len(alphabet)] for k in range(5))


def _accepted(result: dict[str, Any]) -> dict[str, Any]:
    if result.get("statusCode") not in (200, 202):
        raise RuntimeError(f"intake answered {result.get('statusCode')}: {result.get('body')}")
    body: dict[str, Any] = json.loads(result["body"])
    return body


def distinct_alerts(stack: IntakeStack, count: int) -> tuple[float, dict[str, Any]]:
    """``count`` alerts of different workloads, one after another: (seconds, DynamoDB use)."""
    template = demo_payload()
    stack.meter.reset()
    started = time.perf_counter()
    for i in range(count):
        _accepted(stack.post("alertmanager", alertmanager_payload(
            template, pod=f"svc-{i:05d}-gr9mr7rk9m-qk29b", fingerprint=f"distinct-{i:05d}")))
    return time.perf_counter() - started, stack.meter.snapshot()


def duplicate_alerts(stack: IntakeStack, count: int) -> tuple[float, dict[str, Any]]:
    """``count`` repeats of one already-accepted alert: (seconds, DynamoDB use)."""
    payload = alertmanager_payload(demo_payload(), pod="dup-api-gr9mr7rk9m-qk29b", fingerprint="duplicate")
    _accepted(stack.post("alertmanager", payload))
    stack.meter.reset()
    started = time.perf_counter()
    for _ in range(count):
        _accepted(stack.post("alertmanager", payload))
    return time.perf_counter() - started, stack.meter.snapshot()


def storm(stack: IntakeStack, count: int, *, threads: int = STORM_THREADS) -> dict[str, Any]:
    """``count`` alerts of one incident delivered concurrently."""
    template = demo_payload()
    suffixes = [pod_suffix(n) for n in range(STORM_FINGERPRINTS)]
    payloads = [alertmanager_payload(template, pod=f"storm-api-gr9mr7rk9m-{suffixes[i % STORM_FINGERPRINTS]}",
                                     fingerprint=f"storm-{i % STORM_FINGERPRINTS:04d}") for i in range(count)]
    before = len(stack.starter.started)
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        bodies = list(pool.map(lambda p: _accepted(stack.post("alertmanager", p)), payloads))
    settled = time.perf_counter() - started
    ids = {i["id"] for b in bodies for i in b["investigations"]}
    record = stack.investigations.get(next(iter(ids))) if len(ids) == 1 else None
    return {"seconds": settled, "started": len(stack.starter.started) - before, "ids": len(ids),
            "fingerprints": len(record.related_fingerprints) if record else 0}


def run(endpoint: str) -> tuple[list[Figure], dict[str, Any]]:
    stack = intake_stack(endpoint)
    stack.post("alertmanager", alertmanager_payload(demo_payload(), pod="warm-gr9mr7rk9m-qk29b", fingerprint="warm"))
    new_seconds, new_use = distinct_alerts(stack, DISTINCT)
    dup_seconds, dup_use = duplicate_alerts(stack, DISTINCT)
    storm_result = storm(intake_stack(endpoint), STORM)
    per_new = {"wru": new_use["wru"] / DISTINCT, "rru": new_use["rru"] / DISTINCT,
               "calls": sum(new_use["calls"].values()) / DISTINCT}
    per_dup = {"wru": dup_use["wru"] / DISTINCT, "rru": dup_use["rru"] / DISTINCT,
               "calls": sum(dup_use["calls"].values()) / DISTINCT}
    figures = [
        Figure("4 intake", "new incidents accepted per second (1 thread)", DISTINCT / new_seconds, "alerts/s", "",
               Verdict.INFO, f"{DISTINCT} alerts of different workloads; DynamoDB on moto over HTTP; "
               f"{per_new['calls']:.0f} DynamoDB calls, {per_new['wru']:.0f} WRU, {per_new['rru']:.0f} RRU each"),
        Figure("4 intake", "duplicate alerts accepted per second (1 thread)", DISTINCT / dup_seconds, "alerts/s",
               "", Verdict.INFO, f"{per_dup['calls']:.0f} DynamoDB calls, {per_dup['wru']:.0f} WRU, "
               f"{per_dup['rru']:.0f} RRU each"),
        Figure("4 intake", f"storm of {STORM:,} alerts, one incident: time to settle", storm_result["seconds"], "s",
               "", Verdict.INFO, f"{STORM_THREADS} concurrent senders, {STORM_FINGERPRINTS} distinct fingerprints, "
               f"{STORM / storm_result['seconds']:.0f} alerts/s"),
        Figure("4 intake", "storm: investigations started", float(storm_result["started"]), "", "exactly 1",
               judged(storm_result["started"] == 1 and storm_result["ids"] == 1),
               f"{storm_result['ids']} investigation id(s) answered"),
        Figure("4 intake", "storm: fingerprints attached to it", float(storm_result["fingerprints"]), "",
               f"{STORM_FINGERPRINTS}", judged(storm_result["fingerprints"] == STORM_FINGERPRINTS)),
    ]
    return figures, {"per_new_alert": per_new, "per_duplicate_alert": per_dup, "storm": storm_result,
                     "new_seconds": new_seconds / DISTINCT, "duplicate_seconds": dup_seconds / DISTINCT,
                     "new_calls": new_use["calls"], "duplicate_calls": dup_use["calls"]}

"""`python -m bench` (make bench): run every section, print the table, write results.json and docs/performance.md."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import coldstart, cost, endtoend, intake, model_cost, scale
from bench.figures import Figure, Verdict, text_table
from bench.machine import describe, machine
from bench.report import write_markdown
from bench.stack import moto_endpoint

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results.json"
DOC = ROOT / "docs" / "performance.md"


def _section(name: str, figures: list[Figure], context: dict[str, Any],
             run: Callable[[], tuple[list[Figure], dict[str, Any]]]) -> None:
    """Run one section; a crash becomes a FAIL row naming the error, and the other sections still run."""
    started = time.perf_counter()
    print(f"… {name}", file=sys.stderr, flush=True)
    try:
        found, extra = run()
    except Exception as err:
        traceback.print_exc()
        found, extra = [Figure(name, "section crashed", f"{type(err).__name__}: {err}"[:200], "", "runs",
                               Verdict.FAIL)], {}
    figures += found
    context[name] = {**extra, "seconds": time.perf_counter() - started}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--sizes", default=",".join(str(s) for s in scale.SIZES),
                        help="cluster sizes in pods, comma-separated (default %(default)s)")
    parser.add_argument("--e2e-runs", type=int, default=endtoend.RUNS)
    parser.add_argument("--no-docs", action="store_true", help="do not rewrite docs/performance.md")
    args = parser.parse_args(argv)
    sizes = tuple(int(s) for s in args.sizes.split(","))
    info = machine()
    started = time.perf_counter()
    figures: list[Figure] = []
    context: dict[str, Any] = {}
    shared: dict[str, Any] = {}

    with tempfile.TemporaryDirectory(prefix="firstresponder-bench-") as tmp:
        _section("1-3 scale", figures, context, lambda: scale.run(Path(tmp), sizes))

    def run_intake() -> tuple[list[Figure], dict[str, Any]]:
        with moto_endpoint() as endpoint:
            found, extra = intake.run(endpoint)
        shared["intake"] = extra
        return found, extra

    def run_coldstart() -> tuple[list[Figure], dict[str, Any]]:
        found, extra = coldstart.run()
        shared["init_seconds"] = {name: value["seconds"] for name, value in extra.items() if isinstance(value, dict)}
        return found, extra

    def run_endtoend() -> tuple[list[Figure], dict[str, Any]]:
        result, found = endtoend.run(runs=args.e2e_runs)
        shared["e2e"] = endtoend.median_execution(result)
        return found, {"median": shared["e2e"], "first_seconds": result.first_seconds}

    def run_models() -> tuple[list[Figure], dict[str, Any]]:
        found, extra = model_cost.run()
        shared["models_usd"] = extra["configurations"]["routing.yaml (shipped)"]["demo_usd"]
        return found, extra

    def run_cost() -> tuple[list[Figure], dict[str, Any]]:
        missing = [k for k in ("e2e", "init_seconds", "intake") if k not in shared]
        if missing:
            raise RuntimeError(f"needs the figures of {', '.join(missing)}, which did not run")
        return cost.run(shared["e2e"], shared["init_seconds"], shared["intake"], shared.get("models_usd"))

    _section("4 intake", figures, context, run_intake)
    _section("5 cold start", figures, context, run_coldstart)
    _section("6 end to end", figures, context, run_endtoend)
    _section("7 models", figures, context, run_models)
    _section("7 cost", figures, context, run_cost)

    elapsed = time.perf_counter() - started
    measured_at = datetime.now(UTC).isoformat(timespec="seconds")
    print()
    print(f"firstresponder bench, {measured_at}, {describe(info)}; {elapsed:.0f} s")
    print(text_table(figures))
    failed = [f for f in figures if f.verdict is Verdict.FAIL]
    print(f"\n{sum(f.verdict is Verdict.PASS for f in figures)} PASS, {len(failed)} FAIL")
    RESULTS.write_text(json.dumps({"measured_at": measured_at, "machine": info, "seconds": elapsed,
                                   "figures": [f.as_json() for f in figures], "context": context},
                                  indent=2, default=str) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS.relative_to(ROOT)}")
    if not args.no_docs:
        write_markdown(DOC, figures, info=info, measured_at=measured_at, seconds=elapsed, context=context)
        print(f"wrote {DOC.relative_to(ROOT)}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())

"""`make eval-llm`: the corpus against the real models (when credentials are present), per routing
configuration, beside the deterministic baseline: accuracy, latency and cost."""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

from firstresponder.analysis import diagnose
from firstresponder.evaluation.scenarios import Expected, load_expected, scenario_bundle, scenario_dirs
from firstresponder.models import EvidenceBundle

CONFIGURATIONS = {
    "default (haiku triage, sonnet reasoning)": None,
    "opus reasoning": {"root_cause": "claude-opus-4-5", "remediation": "claude-opus-4-5"},
}


def credentials() -> str | None:
    """The provider to use, or None when no credentials are configured."""
    if os.environ.get("ANTHROPIC_API_KEY"):
        return "anthropic"
    if os.environ.get("LLM_PROVIDER") == "bedrock" and (os.environ.get("AWS_ACCESS_KEY_ID") or os.environ.get("AWS_PROFILE")):
        return "bedrock"
    return None


def _right(expected: Expected, bundle: EvidenceBundle, cause_resource: object, category: object) -> bool:
    return expected.culprit.matches(cause_resource) and expected.category == category  # type: ignore[arg-type]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="eval-llm")
    parser.add_argument("corpus", type=Path)
    args = parser.parse_args(argv)
    provider = credentials()
    if provider is None:
        print("eval-llm skipped: no model credentials (set ANTHROPIC_API_KEY, or LLM_PROVIDER=bedrock with AWS "
              "credentials). The deterministic engine is measured by `make accuracy`.")
        return 0
    from firstresponder.llm.config import load_routing
    from firstresponder.llm.gateway import ModelGateway
    from firstresponder.llm.refine import refine

    cases = [(load_expected(d), scenario_bundle(d)) for d in scenario_dirs(args.corpus)]
    baseline = [diagnose(b, b.alert.starts_at) for _e, b in cases]
    base_acc = sum(_right(e, b, d.root_cause.resource, d.root_cause.category)
                   for (e, b), d in zip(cases, baseline, strict=True)) / len(cases)
    print(f"{len(cases)} scenarios; deterministic baseline accuracy {base_acc:.0%}")
    for name, overrides in CONFIGURATIONS.items():
        routing = load_routing().model_copy(update={"provider": provider})
        for stage, model in (overrides or {}).items():
            routing.stages[stage] = routing.stages[stage].model_copy(update={"model": model})  # type: ignore[index]
        gateway = ModelGateway(routing, api_key=os.environ.get("ANTHROPIC_API_KEY"),
                               aws_region=os.environ.get("AWS_REGION"))
        right, latencies, cost = 0, [], 0.0
        for (expected, bundle), det in zip(cases, baseline, strict=True):
            started = time.monotonic()
            result = refine(bundle, det, gateway)
            latencies.append(time.monotonic() - started)
            cost += sum(u.cost_usd for u in result.usage)
            right += _right(expected, bundle, result.diagnosis.root_cause.resource, result.diagnosis.root_cause.category)
        acc = right / len(cases)
        print(f"  {name:42} accuracy {acc:.0%} ({'not below' if acc >= base_acc else 'BELOW'} baseline)  "
              f"latency p50 {statistics.median(latencies):.1f}s  cost ${cost / len(cases):.4f}/investigation")
    return 0


if __name__ == "__main__":
    sys.exit(main())

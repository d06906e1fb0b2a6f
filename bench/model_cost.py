"""Model tokens and cost per routing configuration, from the real prompts built on the demo's bundle.

An estimate: input tokens are the prompt's characters / CHARS_PER_TOKEN (Claude's tokenizer gives
about 3.5-4 characters per token on English and JSON; 3.5 errs high), plus the forced tool's schema and
Anthropic's documented tool-use system overhead; output tokens are typical answer sizes, capped at the
stage's max_tokens. Prices come from firstresponder/llm/pricing.yaml through ``llm.config.cost_usd``.
"""

from __future__ import annotations

import json
import math
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.figures import Figure, Verdict
from bench.synthetic import DEMO_DIR
from firstresponder.analysis import diagnose
from firstresponder.collectors import collect_all
from firstresponder.kube.connection import connect_kubeconfig
from firstresponder.llm import prompting
from firstresponder.llm.answers import tool_definition
from firstresponder.llm.config import Stage, cost_usd, load_routing, prompt_text
from firstresponder.llm.refine import TRIAGE_MIN_LINES
from firstresponder.models import Diagnosis, EvidenceBundle
from firstresponder.models.evidence import LogFacts
from firstresponder.sim import SimulatedCluster
from firstresponder.snapshot import load_snapshot
from firstresponder.topology import discover

CHARS_PER_TOKEN = 3.5
TOOL_USE_OVERHEAD_TOKENS = 313  # Anthropic's tool-use system prompt with a forced tool (Claude 4 family)
TYPICAL_OUTPUT_TOKENS: dict[Stage, int] = {"log_triage": 400, "root_cause": 700, "remediation": 500}
# Alternative routings priced beside the shipped routing.yaml.
ALTERNATIVES: dict[str, dict[Stage, str]] = {
    "all Haiku 4.5": {"log_triage": "claude-haiku-4-5", "root_cause": "claude-haiku-4-5",
                      "remediation": "claude-haiku-4-5"},
    "all Sonnet 4.6": {"log_triage": "claude-sonnet-4-6", "root_cause": "claude-sonnet-4-6",
                       "remediation": "claude-sonnet-4-6"},
    "Opus 4.5 for root cause": {"log_triage": "claude-haiku-4-5", "root_cause": "claude-opus-4-5",
                                "remediation": "claude-sonnet-4-6"},
}


def tokens(text: str) -> int:
    return math.ceil(len(text) / CHARS_PER_TOKEN)


def demo_bundle() -> tuple[EvidenceBundle, Diagnosis]:
    """The demo incident's evidence bundle and deterministic diagnosis, collected through the simulator."""
    from firstresponder.cli.alerts import load_alerts

    alert = load_alerts(DEMO_DIR / "alert.json", "auto")[0]
    with tempfile.TemporaryDirectory() as tmp, SimulatedCluster(load_snapshot(DEMO_DIR)) as sim:
        reader = connect_kubeconfig(sim.write_kubeconfig(Path(tmp) / "kubeconfig"), "firstresponder-sim")
        topology, gaps = discover(reader, alert.resource, namespace=alert.namespace)
        bundle = collect_all(reader, topology, alert, now=alert.starts_at, gaps=gaps)
    return bundle, diagnose(bundle, alert.starts_at)


@dataclass(frozen=True)
class StagePrompt:
    stage: Stage
    input_tokens: int
    runs_on_demo: bool


def stage_prompts(bundle: EvidenceBundle, diagnosis: Diagnosis) -> list[StagePrompt]:
    """Each stage's input size, and whether refine() would call it on this bundle."""
    routing = load_routing()

    def fixed(stage: Stage) -> int:
        schema = json.dumps(tool_definition(stage))
        return tokens(prompt_text(routing.stages[stage].prompt)) + tokens(schema) + TOOL_USE_OVERHEAD_TOKENS

    def same(text: str) -> str:
        return text

    logs = [e for e in bundle.by_source("container.logs") if isinstance(e.facts, LogFacts)]
    triaged = [e for e in logs if e.facts.line_count >= TRIAGE_MIN_LINES and not e.facts.signatures]  # type: ignore[union-attr]
    sample = (triaged or logs)[:1]
    triage_input = tokens(prompting.log_triage_prompt(sample[0].excerpt, same)) if sample else 0
    return [
        StagePrompt("log_triage", (fixed("log_triage") + triage_input) * max(1, len(triaged)), bool(triaged)),
        StagePrompt("root_cause", fixed("root_cause") + tokens(prompting.root_cause_prompt(bundle, diagnosis, same)),
                    True),
        StagePrompt("remediation", fixed("remediation")
                    + tokens(prompting.remediation_prompt(bundle, diagnosis.root_cause, same)),
                    not diagnosis.remediation),
    ]


def priced(prompts: list[StagePrompt], models: dict[Stage, str], *, all_stages: bool) -> tuple[int, int, float]:
    """(input tokens, output tokens, USD) of one investigation."""
    routing = load_routing()
    total_in = total_out = 0
    usd = 0.0
    for p in prompts:
        if not (all_stages or p.runs_on_demo):
            continue
        out = min(TYPICAL_OUTPUT_TOKENS[p.stage], routing.stages[p.stage].max_tokens)
        total_in += p.input_tokens
        total_out += out
        usd += cost_usd(models[p.stage], p.input_tokens, out)
    return total_in, total_out, usd


def run() -> tuple[list[Figure], dict[str, Any]]:
    bundle, diagnosis = demo_bundle()
    prompts = stage_prompts(bundle, diagnosis)
    routing = load_routing()
    configurations = {"routing.yaml (shipped)": {s: r.model for s, r in routing.stages.items()}, **ALTERNATIVES}
    ran = ", ".join(p.stage for p in prompts if p.runs_on_demo)
    figures: list[Figure] = []
    context: dict[str, Any] = {"prompts": {p.stage: {"input_tokens": p.input_tokens, "runs_on_demo": p.runs_on_demo}
                                           for p in prompts}, "configurations": {}}
    for name, models in configurations.items():
        demo_in, demo_out, demo_usd = priced(prompts, models, all_stages=False)
        _all_in, _all_out, all_usd = priced(prompts, models, all_stages=True)
        context["configurations"][name] = {"models": models, "demo_usd": demo_usd, "all_stages_usd": all_usd,
                                           "input_tokens": demo_in, "output_tokens": demo_out}
        figures.append(Figure("7 cost", f"models, {name}: per investigation", demo_usd, "USD", "", Verdict.ESTIMATE,
                              f"demo: {ran} ran, ~{demo_in:,} in / {demo_out:,} out tokens; all three stages "
                              f"${all_usd:.4f}"))
    return figures, context

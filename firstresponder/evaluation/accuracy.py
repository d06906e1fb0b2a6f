"""`make accuracy`: run the scenario corpus and print per-scenario scores and totals against targets."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from firstresponder.evaluation.scenarios import (
    Score,
    investigate_scenario,
    load_expected,
    scenario_dirs,
    score,
)

CULPRIT_TARGET = 0.90


def run_corpus(corpus: Path) -> list[Score]:
    scores: list[Score] = []
    for scenario in scenario_dirs(corpus):
        expected = load_expected(scenario)
        try:
            scores.append(score(scenario.name, expected, investigate_scenario(scenario)))
        except Exception as err:  # a crash is a scored failure, never the end of the run
            scores.append(Score(scenario=scenario.name, culprit_ok=False, category_ok=False, facts_ok=False,
                                missing_facts=[], remediation_ok=False, confidence_ok=False,
                                expected_confidence=expected.confidence.value, got_confidence="-",
                                got_culprit="-", error=f"{type(err).__name__}: {err}"))
    return scores


def table(scores: list[Score]) -> str:
    def mark(ok: bool) -> str:
        return "yes" if ok else "NO"

    rows = [f"{'scenario':44} culprit category facts remedy confidence(exp/got)"]
    for s in scores:
        rows.append(f"{s.scenario[:44]:44} {mark(s.culprit_ok):7} {mark(s.category_ok):8} {mark(s.facts_ok):5} "
                    f"{mark(s.remediation_ok):6} {s.expected_confidence}/{s.got_confidence}"
                    + (f"  got {s.got_culprit}" if not s.culprit_ok else "")
                    + (f"  ERROR {s.error}" if s.error else ""))
    return "\n".join(rows)


def totals(scores: list[Score]) -> dict[str, float]:
    n = max(1, len(scores))
    return {
        "scenarios": len(scores),
        "culprit_accuracy": sum(s.culprit_ok for s in scores) / n,
        "category_accuracy": sum(s.category_ok for s in scores) / n,
        "facts_mentioned": sum(s.facts_ok for s in scores) / n,
        "remediation_targets_culprit": sum(s.remediation_ok for s in scores) / n,
        "confidence_as_expected": sum(s.confidence_ok for s in scores) / n,
        "wrong_at_high_confidence": sum(s.wrong_at_high for s in scores),
        "crashes": sum(s.error is not None for s in scores),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="accuracy")
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--json", type=Path, help="also write the scores here")
    args = parser.parse_args(argv)
    scores = run_corpus(args.corpus)
    summary = totals(scores)
    print(table(scores))
    print()
    ok_culprit = summary["culprit_accuracy"] >= CULPRIT_TARGET
    ok_high = summary["wrong_at_high_confidence"] == 0
    print(f"culprit accuracy        {summary['culprit_accuracy']:.0%}  target >= 90%  {'PASS' if ok_culprit else 'FAIL'}")
    print(f"wrong at high confidence {int(summary['wrong_at_high_confidence'])}    target 0      {'PASS' if ok_high else 'FAIL'}")
    for key in ("category_accuracy", "facts_mentioned", "remediation_targets_culprit", "confidence_as_expected"):
        print(f"{key:24} {summary[key]:.0%}")
    print(f"crashes                 {int(summary['crashes'])}")
    from firstresponder.evaluation.llm import credentials

    print("with models             " + ("run `make eval-llm` for the routed-model accuracy beside this baseline"
                                         if credentials() else "not measured: no model credentials here "
                                         "(`make eval-llm` runs it when they are present)"))
    if args.json:
        args.json.write_text(json.dumps({"summary": summary, "scores": [s.model_dump() for s in scores]}, indent=2))
    return 0 if ok_culprit and ok_high else 1


if __name__ == "__main__":
    sys.exit(main())

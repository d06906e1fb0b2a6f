"""`make learning`: does feedback improve later investigations? Replays the corpus for several rounds
in one environment with simulated engineers and prints accuracy with and without learning.

- consistent feedback: the engineer marks each report accurate, or incorrect with the true category;
- noisy feedback: verdicts and categories at random (seeded), which must not make things worse.
Collection runs once per scenario (simulator over HTTP); the rounds replay the pure diagnosis.
"""

from __future__ import annotations

import argparse
import random
import sys
from datetime import timedelta
from pathlib import Path

from firstresponder.analysis import diagnose
from firstresponder.evaluation.scenarios import Expected, load_expected, scenario_bundle, scenario_dirs
from firstresponder.learning.weights import CategoryTally, apply, category_weights, tally_updates
from firstresponder.models import Category, EvidenceBundle
from firstresponder.models.feedback import Feedback, Verdict

ROUNDS = 8


def _correct(expected: Expected, bundle: EvidenceBundle, weights: dict[str, float]) -> tuple[bool, Category]:
    cause = diagnose(bundle, bundle.alert.starts_at, weights=weights).root_cause
    return expected.culprit.matches(cause.resource) and expected.category == cause.category, cause.category


def replay(cases: list[tuple[Expected, EvidenceBundle]], *, learn: bool, noise: bool, seed: int = 7) -> list[float]:
    """Accuracy per round; all cases share one environment (one team's namespace)."""
    rng = random.Random(seed)  # noqa: S311 - simulated engineers, not cryptography
    tallies: dict[str, CategoryTally] = {}
    accuracy: list[float] = []
    start = min(b.alert.starts_at for _e, b in cases)
    for round_no in range(ROUNDS):
        now = start + timedelta(days=round_no)
        weights = category_weights(list(tallies.values()), now) if learn else {}
        right = 0
        for expected, bundle in cases:
            ok, got = _correct(expected, bundle, weights)
            right += ok
            if noise:
                verdict = rng.choice(list(Verdict))
                actual = rng.choice(list(Category))
            else:
                verdict = Verdict.ACCURATE if ok else Verdict.INCORRECT
                actual = expected.category
            feedback = Feedback(investigation_id="replay", verdict=verdict, user="sre", submitted_at=now,
                                category=got, actual_category=None if verdict == Verdict.ACCURATE else actual)
            for category, (confirmed, rejected) in tally_updates(feedback).items():
                current = tallies.get(category) or CategoryTally(category=category, updated_at=now)
                tallies[category] = apply(current, confirmed, rejected, now)
        accuracy.append(right / max(1, len(cases)))
    return accuracy


def disputed_cases(cases: list[tuple[Expected, EvidenceBundle]]) -> list[tuple[Expected, EvidenceBundle]]:
    """Cases where the engineers of this environment keep saying the runner-up was the real cause.

    Only runner-ups within reach of the bounded weights (score ratio within ×0.7/×1.3) are kept: a
    hypothesis far behind the top must not win on feedback alone, whatever engineers say.
    """
    disputed = []
    for expected, bundle in cases:
        diagnosis = diagnose(bundle, bundle.alert.starts_at)
        top = diagnosis.root_cause
        runner = next((h for h in diagnosis.hypotheses if h.category != top.category), None)
        if runner is None or runner.confidence.score < top.confidence.score * 0.7 / 1.3:
            continue
        truth = expected.model_copy(update={"category": runner.category, "culprit": expected.culprit.model_copy(
            update={"kind": runner.resource.kind, "name": runner.resource.name,
                    "namespace": runner.resource.namespace})})
        disputed.append((truth, bundle))
    return disputed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="learning")
    parser.add_argument("corpus", type=Path)
    args = parser.parse_args(argv)
    cases = [(load_expected(d), scenario_bundle(d)) for d in scenario_dirs(args.corpus)]
    rows = {
        "no learning": replay(cases, learn=False, noise=False),
        "learning, consistent feedback": replay(cases, learn=True, noise=False),
        "learning, noisy feedback": replay(cases, learn=True, noise=True),
    }
    print(f"{len(cases)} scenarios, {ROUNDS} rounds in one environment; accuracy (culprit and category) per round")
    for name, acc in rows.items():
        print(f"  {name:32} " + "  ".join(f"{a:.0%}" for a in acc))
    base, consistent, noisy = rows["no learning"][-1], rows["learning, consistent feedback"][-1], \
        rows["learning, noisy feedback"][-1]
    disputed = disputed_cases(cases)
    learned = replay(disputed, learn=True, noise=False) if disputed else []
    if disputed:
        print(f"{len(disputed)} close calls where this environment's engineers keep naming the runner-up as the cause")
        print(f"  {'no learning':32} " + "  ".join(f"{a:.0%}" for a in replay(disputed, learn=False, noise=False)))
        print(f"  {'learning, consistent feedback':32} " + "  ".join(f"{a:.0%}" for a in learned))
    improves = consistent >= base and (not learned or learned[-1] > learned[0])
    robust = noisy >= base - 1 / max(1, len(cases))  # at most one case may flip under pure noise
    print(f"consistent feedback improves close calls and is never worse than none: {'PASS' if improves else 'FAIL'} "
          f"(corpus {base:.0%} -> {consistent:.0%}; close calls "
          f"{(learned or [0.0])[0]:.0%} -> {(learned or [0.0])[-1]:.0%}); "
          f"noise does not degrade: {'PASS' if robust else 'FAIL'} ({noisy:.0%})")
    return 0 if improves and robust else 1


if __name__ == "__main__":
    sys.exit(main())

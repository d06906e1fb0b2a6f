from __future__ import annotations

from datetime import UTC, datetime, timedelta

from firstresponder.learning.weights import (
    MAX_WEIGHT,
    MIN_WEIGHT,
    CategoryTally,
    apply,
    category_weights,
    tally_updates,
    weight_of,
)
from firstresponder.models import Category
from firstresponder.models.feedback import Feedback, Verdict

NOW = datetime(2026, 3, 14, tzinfo=UTC)


def _tally(confirmed: float = 0, rejected: float = 0, at: datetime = NOW) -> CategoryTally:
    return CategoryTally(category="oom", confirmed=confirmed, rejected=rejected, updated_at=at)


def test_neutral_without_votes() -> None:
    assert weight_of(_tally(), NOW) == 1.0


def test_confirmations_raise_and_rejections_lower_within_bounds() -> None:
    assert 1.0 < weight_of(_tally(confirmed=3), NOW) <= MAX_WEIGHT
    assert MIN_WEIGHT <= weight_of(_tally(rejected=3), NOW) < 1.0
    assert weight_of(_tally(confirmed=1000), NOW) == MAX_WEIGHT
    assert weight_of(_tally(rejected=1000), NOW) == MIN_WEIGHT


def test_a_single_vote_moves_little() -> None:
    assert abs(weight_of(_tally(rejected=1), NOW) - 1.0) < 0.15


def test_votes_decay_with_half_life() -> None:
    old = _tally(confirmed=4, at=NOW - timedelta(days=30))
    assert old.decayed(NOW).confirmed == 2.0
    assert weight_of(old, NOW) < weight_of(_tally(confirmed=4), NOW)


def test_incorrect_feedback_credits_the_actual_category() -> None:
    fb = Feedback(investigation_id="i", verdict=Verdict.INCORRECT, actual_category=Category.OOM, user="u",
                  submitted_at=NOW, category=Category.CONFIG_CHANGE)
    assert tally_updates(fb) == {"config_change": (0.0, 1.0), "oom": (1.0, 0.0)}


def test_apply_decays_then_adds() -> None:
    t = apply(_tally(confirmed=2, at=NOW - timedelta(days=30)), 1.0, 0.0, NOW)
    assert t.confirmed == 2.0
    assert category_weights([t], NOW)["oom"] > 1.0

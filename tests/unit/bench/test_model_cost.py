"""Token estimates and their price per routing configuration."""

from __future__ import annotations

import math

import pytest

from bench.model_cost import CHARS_PER_TOKEN, StagePrompt, priced, tokens
from firstresponder.llm.config import Stage


def test_tokens_round_up() -> None:
    assert tokens("") == 0
    assert tokens("x" * 8) == math.ceil(8 / CHARS_PER_TOKEN)


def test_only_stages_that_run_are_priced_unless_all_are_asked_for() -> None:
    prompts = [StagePrompt("log_triage", 1000, False), StagePrompt("root_cause", 1_000_000, True)]
    models: dict[Stage, str] = {"log_triage": "claude-haiku-4-5", "root_cause": "claude-haiku-4-5", "remediation": "claude-haiku-4-5"}
    tokens_in, tokens_out, usd = priced(prompts, models, all_stages=False)
    assert tokens_in == 1_000_000 and tokens_out == 700
    assert usd == pytest.approx(1.0 + 700 * 5.0 / 1e6)  # Haiku 4.5: $1 / $5 per million
    assert priced(prompts, models, all_stages=True)[0] == 1_001_000

"""Hostile content (control characters, Slack mrkdwn injection, markup, huge and binary log lines, prompt
injection) through the CLI into every output format: escaped, capped, never a crash, never the injected
command in a remediation."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from firstresponder.cli import main
from tests.reliability.figures import Figures
from tests.reliability.fixtures.hostile_snapshot import MENTION, SCRIPT, build_hostile_snapshot
from tests.support.slack_standin import block_kit_problems

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u202e]")
MAX_OUTPUT_CHARS = 1_000_000  # the planted log line alone is 2,000,000


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_hostile_snapshot(tmp_path_factory.mktemp("hostile") / "payments")


def _render(hostile: Path, output: str, capsys: pytest.CaptureFixture[str]) -> str:
    code = main(["investigate", "--alert", str(hostile / "alert.json"), "--snapshot", str(hostile),
                 "--output", output, "--no-progress"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return captured.out


def _outside_code(markdown: str) -> str:
    return re.sub(r"`[^`\n]*`", "", re.sub(r"```.*?```", "", markdown, flags=re.S))


def _slack_texts(value: object) -> list[str]:
    if isinstance(value, dict):
        return [t for k, v in value.items() for t in ([v] if k == "text" and isinstance(v, str) else _slack_texts(v))]
    if isinstance(value, list):
        return [t for v in value for t in _slack_texts(v)]
    return []


@pytest.mark.parametrize("output", ["text", "markdown", "slack", "html", "json"])
def test_hostile_content_is_escaped_and_capped(hostile: Path, output: str, capsys: pytest.CaptureFixture[str],
                                               figures: Figures) -> None:
    figures.add("hostile.renders")
    out = _render(hostile, output, capsys)
    assert "payments-config" in out  # the diagnosis survived the noise
    assert len(out) < MAX_OUTPUT_CHARS
    if output in ("text", "markdown"):
        assert not _CONTROL.search(out)
    if output == "markdown":  # inside code spans and fences markup is shown, not rendered
        assert SCRIPT not in _outside_code(out)
    if output == "html":
        assert SCRIPT not in out and MENTION not in out
    if output == "slack":
        message = json.loads(out)
        texts = _slack_texts(message)
        assert texts and not any(MENTION in t or "<https://evil" in t for t in texts)
        assert not block_kit_problems(message)
    figures.add("hostile.escaped")


def test_prompt_injection_never_becomes_a_remediation(hostile: Path, capsys: pytest.CaptureFixture[str],
                                                      figures: Figures) -> None:
    report = json.loads(_render(hostile, "json", capsys))
    commands = [r.get("command") or "" for r in report["remediation"]]
    injected = [c for c in commands if "delete" in c or "IGNORE" in c.upper()]
    figures.add("hostile.injected", len(injected))
    assert report["root_cause"]["resource"]["name"] == "payments-config"
    assert commands and not injected

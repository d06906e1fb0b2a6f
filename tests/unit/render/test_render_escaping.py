"""The small text tools every rendering relies on: cleaning, capping, Slack escaping and fitting."""

from __future__ import annotations

from firstresponder.render.sanitize import cap, clean, excerpt_lines, one_line
from firstresponder.render.slack.mrkdwn import code, code_block, escape, fit_lines


def test_clean_strips_controls_escapes_and_bidi_but_keeps_newlines_and_tabs() -> None:
    assert clean("a\x1b[31mred\x1b[0m\x00\u202eb\tc\r\nd") == "aredb\tc\nd"


def test_one_line_folds_whitespace_and_caps() -> None:
    assert one_line("  a \n\n b\t c ") == "a b c"
    assert one_line("x" * 50, 10) == "x" * 9 + "…"


def test_cap_marks_the_cut() -> None:
    assert cap("abcdef", 4) == "abc…" and cap("abc", 4) == "abc" and cap("abc", 0) == ""


def test_excerpt_lines_notes_what_was_cut() -> None:
    assert excerpt_lines("1\n\n2\n3\n4", max_lines=2) == ["1", "2", "… 2 more lines"]


def test_slack_escape_neutralises_mentions_and_links() -> None:
    assert escape("<!channel> & <http://a|b>") == "&lt;!channel&gt; &amp; &lt;http://a|b&gt;"


def test_slack_escape_never_cuts_an_entity_in_half() -> None:
    out = escape("ab<<<<", 6)
    assert out == "ab…" and len(out) <= 6


def test_slack_inline_code_cannot_be_closed_by_content() -> None:
    assert code("a`b") == "`aˋb`"
    assert code_block(["x```y"]) == "```xˋˋˋy```"


def test_fit_lines_keeps_the_first_lines_and_counts_the_rest() -> None:
    lines = [f"line {i}" for i in range(100)]
    out = fit_lines(lines, 60)
    assert len(out) <= 60
    assert out.startswith("line 0\nline 1") and out.endswith("more")
    kept = out.count("\n")
    assert f"… {100 - kept} more" in out


def test_fit_lines_keeps_a_cut_version_of_a_huge_first_line() -> None:
    out = fit_lines(["x" * 5000, "y"], 100)
    assert out.startswith("xxx") and out.endswith("… 1 more") and len(out) <= 100


def test_fit_lines_returns_everything_that_fits() -> None:
    assert fit_lines(["a", "b"], 100) == "a\nb"

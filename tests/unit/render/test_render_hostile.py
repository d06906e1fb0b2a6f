"""Property tests: whatever strings the cluster or the alert carry, every rendering stays safe and valid."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from firstresponder.models import Report
from firstresponder.render import (
    render_html,
    render_json,
    render_markdown,
    render_slack,
    render_text,
    validate_blocks,
)
from tests.support.reports import sample_reports

SAMPLES = sample_reports()
FRAGMENTS = [
    "<script>alert(1)</script>", "<SCRIPT SRC=//evil.example/x.js>", "<!channel>", "<!here|here>", "<@U0123>",
    "<http://evil.example|https://bank.example>", "&amp;", "&lt;", "\x1b[31m", "\x1b]0;title\x07", "\x00", "\u202e",
    "```", "`", "*bold*", "_it_", "~s~", "</pre>", "</code>", "]]>", "-->", "<!--", "<svg onload=alert(1)>",
    '"', "'", "|", "\n", "\r\n", "\t", "$css", "{0}", "%s", "\\", "#", "[x](http://evil.example)", "😀",
    "ev-", "/", " ", "<", ">", "&",
]
HOSTILE = st.one_of(
    st.text(max_size=40),
    st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=6)), max_size=10).map("".join),
    st.integers(min_value=3000, max_value=20000).map(lambda n: "A<&>" * (n // 4)),
)
# Values a model constrains to a fixed vocabulary (facts discriminator, container state, config kind).
FIXED_KEYS = {"source", "state"}
SETTINGS = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _strings(value: Any, path: tuple[str, ...], found: set[str]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _strings(item, (*path, str(key)), found)
    elif isinstance(value, list):
        for item in value:
            _strings(item, path, found)
    elif type(value) is str and not _fixed(path):
        found.add(value)


def _fixed(path: tuple[str, ...]) -> bool:
    return bool(path) and (path[-1] in FIXED_KEYS or (path[-1] == "kind" and "facts" in path))


def _replace(value: Any, path: tuple[str, ...], mapping: dict[str, str]) -> Any:
    if isinstance(value, dict):
        return {mapping.get(k, k) if path and path[-1] in ("api_errors", "labels", "annotations", "values")
                else k: _replace(v, (*path, str(k)), mapping) for k, v in value.items()}
    if isinstance(value, list):
        return [_replace(item, path, mapping) for item in value]
    if type(value) is str and not _fixed(path):
        return mapping.get(value, value)
    return value


@st.composite
def hostile_reports(draw: st.DrawFn) -> Report:
    """A sample report whose free-text fields were (consistently) replaced by hostile strings."""
    base = SAMPLES[draw(st.sampled_from(sorted(SAMPLES)))]
    document = base.model_dump(mode="python")
    found: set[str] = set()
    _strings(document, (), found)
    originals = sorted(found)
    choices = draw(st.lists(HOSTILE, min_size=1, max_size=6))
    picks = draw(st.lists(st.integers(0, len(choices)), min_size=len(originals), max_size=len(originals)))
    # Same original -> same replacement: ids and keys keep pointing at each other.
    mapping = {orig: choices[i] for orig, i in zip(originals, picks, strict=True) if i < len(choices)}
    return Report.model_validate(_replace(document, (), mapping))


def _outside_markdown_code(text: str) -> str:
    kept: list[str] = []
    fence: str | None = None
    for line in text.split("\n"):
        stripped = line.strip()
        if fence is None:
            match = re.fullmatch(r"(`{3,})[^`]*", stripped)  # GFM: no backtick in a fence's info string
            if match:
                fence = match.group(1)
                continue
            kept.append(_without_code_spans(line))
        elif stripped == fence:
            fence = None
    return "\n".join(kept)


def _without_code_spans(line: str) -> str:
    """The line with backslash escapes and code spans removed, scanned as GFM does (left to right)."""
    out, i = [], 0
    while i < len(line):
        if line[i] == "\\" and i + 1 < len(line):
            i += 2
            continue
        run = re.match(r"`+", line[i:])
        if run:
            closing = re.compile(rf"(?<!`){run.group(0)}(?!`)").search(line, i + len(run.group(0)))
            if closing:
                i = closing.end()
                continue
        out.append(line[i])
        i += 1
    return "".join(out)


class _Tags(HTMLParser):
    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.names: list[str] = []
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.names.append(tag)
        found = dict(attrs)
        if found.get("id"):
            self.ids.add(str(found["id"]))
        if tag == "a":
            self.links.append(str(found.get("href") or ""))
        for name in found:
            assert not name.startswith("on"), f"event handler attribute {name} on <{tag}>"


HTML_TAGS = {"html", "head", "meta", "title", "style", "body", "main", "header", "h1", "h2", "h3", "p", "strong",
             "span", "code", "section", "details", "summary", "ul", "ol", "li", "div", "pre", "button", "br", "em",
             "a", "table", "thead", "tbody", "tr", "th", "td", "article", "footer", "script", "svg", "defs",
             "marker", "path", "g", "line", "text", "rect", "polygon", "circle"}


@SETTINGS
@given(hostile_reports(), st.booleans())
def test_text_never_carries_control_characters_from_content(report: Report, color: bool) -> None:
    out = render_text(report, color=color)
    ours = re.sub(r"\x1b\[[0-9;]*m", "", out) if color else out
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f\u202e]", ours)
    assert max(len(line) for line in out.splitlines()) < 9000


@SETTINGS
@given(hostile_reports())
def test_markdown_never_carries_raw_html_outside_code(report: Report) -> None:
    out = render_markdown(report)
    assert "<" not in _outside_markdown_code(out)
    assert "\x1b" not in out and "\x00" not in out


@SETTINGS
@given(hostile_reports(), st.sampled_from([None, "https://fr.example.com/r/1"]))
def test_slack_messages_always_pass_the_limit_checker(report: Report, url: str | None) -> None:
    message = render_slack(report, report_url=url)
    assert validate_blocks(message) == []


@SETTINGS
@given(hostile_reports())
def test_html_never_contains_content_markup(report: Report) -> None:
    page = render_html(report)
    assert page.lower().count("<script") == 1  # ours, at the end
    parsed = _Tags(page)
    assert set(parsed.names) <= HTML_TAGS
    assert all(link.startswith("#") and link[1:] in parsed.ids for link in parsed.links)
    for svg in re.findall(r"<svg class=\"(?:topology|timeline)\".*?</svg>", page, re.S):
        ET.fromstring(svg)  # well-formed: an injected tag would break or appear here


@SETTINGS
@given(hostile_reports())
def test_json_round_trips(report: Report) -> None:
    assert Report.model_validate_json(render_json(report)) == report


def test_a_bare_report_renders_everywhere() -> None:
    # Given a report about a namespace with nothing found: no resource, evidence, edges or fixes.
    base = SAMPLES["failed"]
    bare = base.model_copy(update={
        "alert": base.alert.model_copy(update={"resource": None}), "affected_resources": [], "edges": [],
        "evidence": [], "gaps": [], "remediation": [], "hypotheses": [], "changes": []})
    # Then every rendering still says what it can.
    assert "Root cause not determined" in render_text(bare)
    assert "Root cause not determined" in render_markdown(bare)
    message = render_slack(bare, report_url=None)
    assert validate_blocks(message) == []
    assert "*Nothing could be examined.*" in message.blocks[1]["text"]["text"]
    page = render_html(bare)
    assert 'class="topology"' in page and "ledger-0" in page

"""The HTML page: self-contained, linked evidence, topology and timeline drawings, inert hostile text."""

from __future__ import annotations

import base64
import hashlib
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest

from firstresponder.models import AffectedResource, ReportEdge
from firstresponder.render.html import render_html
from firstresponder.render.html.topology import MAX_NODES, collect_nodes, layout
from tests.support.reports import (
    config_change_report,
    external_dependency_report,
    failed_report,
    low_confidence_report,
    oom_report,
    sample_reports,
)


class _Page(HTMLParser):
    """Tags, ids, links and raw script/style content of a page."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.raw: dict[str, list[str]] = {"script": [], "style": []}
        self._in: str | None = None
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag in self.raw:
            self._in = tag

    def handle_endtag(self, tag: str) -> None:
        self._in = None

    def handle_data(self, data: str) -> None:
        if self._in:
            self.raw[self._in].append(data)

    def ids(self) -> set[str]:
        return {str(a["id"]) for _, a in self.tags if a.get("id")}

    def fragment_links(self) -> list[str]:
        return [str(a["href"])[1:] for t, a in self.tags if t == "a" and str(a.get("href", "")).startswith("#")]


def _svg(page: str, css_class: str) -> ET.Element:
    match = re.search(rf'<svg class="{css_class}".*?</svg>', page, re.S)
    assert match, f"no svg.{css_class}"
    return ET.fromstring(match.group(0))


def _number(group: ET.Element, child: str, attribute: str) -> float:
    element = group.find(child)
    assert element is not None
    return float(element.get(attribute, "nan"))


def _sha(content: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(content.encode()).digest()).decode() + "'"


@pytest.mark.parametrize("name", sorted(sample_reports()))
def test_page_is_self_contained(name: str) -> None:
    page = render_html(sample_reports()[name])
    parsed = _Page(page)
    for tag, attrs in parsed.tags:
        assert tag not in ("link", "img", "iframe", "object", "embed"), tag
        assert "src" not in attrs, (tag, attrs)
        href = str(attrs.get("href") or "")
        assert not href or href.startswith("#"), href
    assert "@import" not in page and "url(http" not in page


@pytest.mark.parametrize("name", sorted(sample_reports()))
def test_every_evidence_link_has_a_target(name: str) -> None:
    parsed = _Page(render_html(sample_reports()[name]))
    assert set(parsed.fragment_links()) <= parsed.ids()


def test_conclusions_link_to_the_evidence_they_cite() -> None:
    report = oom_report()
    parsed = _Page(render_html(report))
    assert {f"ev-{i}" for i in report.root_cause.evidence_ids} <= set(parsed.fragment_links())
    assert {f"ev-{e.id}" for e in report.evidence} <= parsed.ids()


def test_only_our_own_inline_style_and_script_are_allowed_to_run() -> None:
    page = render_html(oom_report())
    parsed = _Page(page)
    csp = next(str(a["content"]) for t, a in parsed.tags
               if t == "meta" and a.get("http-equiv") == "Content-Security-Policy")
    assert "default-src 'none'" in csp
    assert f"script-src {_sha(parsed.raw['script'][0])}" in csp
    assert f"style-src {_sha(parsed.raw['style'][0])}" in csp
    assert len([t for t, _ in parsed.tags if t == "script"]) == 1


def test_root_cause_and_confidence_come_first() -> None:
    page = render_html(oom_report())
    assert page.index('id="cause"') < page.index('id="fix"') < page.index('id="evidence"')
    assert "High Confidence" in page and "Root cause: Memory limit exceeded" in page


def test_commands_have_copy_buttons_bound_to_their_text() -> None:
    report = config_change_report()
    parsed = _Page(render_html(report))
    targets = [str(a["data-copy"]) for t, a in parsed.tags if t == "button" and a.get("class") == "copy"]
    assert targets == ["fix-1", "verify-1", "fix-2"]
    assert set(targets) <= parsed.ids()
    assert "navigator.clipboard" in parsed.raw["script"][0] and "textarea" in parsed.raw["script"][0]


def test_command_text_survives_escaping_exactly() -> None:
    page = render_html(config_change_report())
    assert ("kubectl patch configmap checkout-config -n production --type merge -p "
            "&#x27;{&quot;data&quot;:{&quot;DB_HOST&quot;:&quot;postgres.production.svc&quot;}}&#x27;") in page


def test_topology_marks_alerting_failing_and_culprit() -> None:
    svg = _svg(render_html(config_change_report()), "topology")
    groups = {g.findtext("{http://www.w3.org/2000/svg}title", ""): g.get("class", "")
              for g in svg.iter("{http://www.w3.org/2000/svg}g")}
    pod = next(c for t, c in groups.items() if t.startswith("Pod/production/checkout"))
    assert "alerting" in pod and "failing" in pod and "k-pod" in pod
    culprit = next(c for t, c in groups.items() if t.startswith("ConfigMap/production/checkout-config"))
    assert "culprit" in culprit and "k-config" in culprit
    edge_labels = [t.text or "" for t in svg.iter("{http://www.w3.org/2000/svg}text") if t.get("class") == "edge-label"]
    assert sorted(edge_labels) == ["configures", "owns", "owns", "scheduled on", "selects"]


def test_external_nodes_are_drawn_distinctly() -> None:
    svg = _svg(render_html(external_dependency_report()), "topology")
    classes = [g.get("class", "") for g in svg.iter("{http://www.w3.org/2000/svg}g")]
    assert any("k-external" in c and "culprit" in c and "failing" in c for c in classes)


def test_layers_start_at_the_alerting_resource() -> None:
    nodes, omitted, _height = layout(oom_report())
    by_kind = {n.kind: n for n in nodes}
    assert omitted == 0
    assert by_kind["Pod"].depth == 0 and by_kind["Pod"].alerting
    assert by_kind["ReplicaSet"].depth == by_kind["Node"].depth == 1
    assert by_kind["Deployment"].depth == 2 and by_kind["HorizontalPodAutoscaler"].depth == 3
    assert by_kind["Pod"].y < by_kind["ReplicaSet"].y < by_kind["Deployment"].y


def test_very_wide_topologies_are_capped_keeping_the_important_nodes() -> None:
    report = oom_report()
    pods = [AffectedResource(kind="Pod", namespace="production", name=f"p-{i}", relation="sibling") for i in range(80)]
    edges = [ReportEdge(source="ReplicaSet/production/payments-api-7d9f8c6b4", target=p.ref.key, relation="owns")
             for p in pods]
    big = report.model_copy(update={"affected_resources": report.affected_resources + pods,
                                    "edges": report.edges + edges})
    nodes, omitted, _ = layout(big)
    assert len(nodes) == MAX_NODES and omitted == len(collect_nodes(big)) - MAX_NODES == 45
    assert any(n.alerting for n in nodes) and any(n.culprit for n in nodes)
    assert max(n.x for n in nodes) < 900
    assert "more resources are listed" in render_html(big)


def test_timeline_places_every_change_and_marks_alert_and_first_failure() -> None:
    svg = _svg(render_html(config_change_report()), "timeline")
    ns = "{http://www.w3.org/2000/svg}"
    changes = [g for g in svg.iter(f"{ns}g") if "change" in (g.get("class") or "").split()]
    assert len(changes) == 2
    alert = next(g for g in svg.iter(f"{ns}g") if g.get("class") == "alert-start")
    failure = next(g for g in svg.iter(f"{ns}g") if g.get("class") == "first-failure")
    x = [_number(g, f"{ns}circle", "cx") for g in changes]
    alert_x = _number(alert, f"{ns}line", "x1")
    failure_x = _number(failure, f"{ns}line", "x1")
    # The config edit 6h before, the back-off 20 min before, the crash 14 min before the alert.
    assert x[0] < x[1] < failure_x < alert_x


def test_page_without_changes_says_so_instead_of_an_empty_axis() -> None:
    page = render_html(low_confidence_report())
    assert 'class="timeline"' not in page
    assert "No changes were found" in page


def test_topology_can_be_left_out() -> None:
    page = render_html(oom_report(), topology_svg=False)
    assert 'class="topology"' not in page and 'id="examined"' in page


def test_failed_investigation_page_shows_gaps_with_rbac_rules() -> None:
    page = render_html(failed_report())
    assert "Root cause not determined" in page and "inconclusive" in page
    assert ("needs RBAC rule <code>apiGroups: [&quot;&quot;], resources: [&quot;pods/log&quot;], "
            "verbs: [&quot;get&quot;]</code>") in page


def test_responsive_dark_and_print_styles_are_present() -> None:
    page = render_html(oom_report())
    assert 'name="viewport"' in page
    assert "prefers-color-scheme: dark" in page and "@media print" in page and "max-width: 40rem" in page


def test_stats_show_model_usage_and_cost() -> None:
    page = render_html(oom_report())
    assert "claude-sonnet-4-5" in page and "$0.0450" in page and "37 API requests" in page


def test_a_script_tag_in_a_log_line_renders_as_text() -> None:
    report = oom_report()
    evil = '</pre><script>alert("x")</script><img src=x onerror=alert(1)>'
    ev = report.evidence[0].model_copy(update={"excerpt": evil, "summary": evil, "id": evil})
    cause = report.root_cause.model_copy(update={"evidence_ids": [evil]})
    page = render_html(report.model_copy(update={"evidence": [ev], "root_cause": cause}))
    assert "<script>alert" not in page and "<img" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    parsed = _Page(page)
    assert set(parsed.fragment_links()) <= parsed.ids()

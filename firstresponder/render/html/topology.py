"""The incident's topology as an inline SVG: layered from the alerting resource outwards.

Layer 0 holds the alerting resource; every other resource sits at its hop distance from it
(edges taken in both directions). Wide layers wrap onto several rows so the picture keeps a
phone-friendly width. Shapes and colours follow the resource kind; CSS classes mark the
alerting resource, failing resources and the culprit.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from firstresponder.models import Report
from firstresponder.render.html.markup import esc
from firstresponder.render.sanitize import cap, one_line

NODE_W, NODE_H = 184, 58
H_GAP, V_GAP = 22, 64
COLUMNS = 4
MARGIN = 24
MAX_NODES = 40
WIDTH = COLUMNS * NODE_W + (COLUMNS - 1) * H_GAP + 2 * MARGIN

KIND_FAMILY = {
    **dict.fromkeys(("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob",
                     "HorizontalPodAutoscaler", "PodDisruptionBudget"), "workload"),
    "Pod": "pod",
    **dict.fromkeys(("Service", "Ingress", "IngressClass", "Endpoints", "EndpointSlice", "NetworkPolicy"),
                    "network"),
    **dict.fromkeys(("ConfigMap", "Secret", "ServiceAccount"), "config"),
    **dict.fromkeys(("PersistentVolumeClaim", "PersistentVolume", "StorageClass"), "storage"),
    **dict.fromkeys(("Node", "Namespace", "ResourceQuota", "LimitRange"), "infra"),
    "External": "external",
}
# Long kind names that would overflow a node box, in the abbreviations operators use.
SHORT_KINDS = {"HorizontalPodAutoscaler": "HPA", "PersistentVolumeClaim": "PVC", "PersistentVolume": "PV",
               "PodDisruptionBudget": "PDB", "ServiceAccount": "SvcAccount", "EndpointSlice": "EndpointSlice"}
FAMILY_LABELS = {"workload": "workload", "pod": "pod", "network": "network", "config": "config",
                 "storage": "storage", "infra": "node / namespace", "external": "outside the cluster",
                 "other": "other"}


@dataclass
class Node:
    key: str
    kind: str
    name: str
    relation: str = ""
    failing: bool = False
    alerting: bool = False
    culprit: bool = False
    depth: int = 0
    x: float = 0.0
    y: float = 0.0
    classes: list[str] = field(default_factory=list)

    @property
    def family(self) -> str:
        return KIND_FAMILY.get(self.kind, "other")


def collect_nodes(report: Report) -> dict[str, Node]:
    """Every resource the picture shows: affected resources, edge ends, the alert's and culprit's."""
    nodes: dict[str, Node] = {}

    def add(key: str, kind: str, name: str) -> Node:
        return nodes.setdefault(key, Node(key=key, kind=kind, name=name))

    for res in report.affected_resources:
        node = add(res.ref.key, res.kind, res.name)
        node.relation, node.failing = res.relation, node.failing or res.failing
    for edge in report.edges:
        for key in (edge.source, edge.target):
            parts = key.split("/")
            add(key, parts[0], parts[-1])
    if report.alert.resource is not None:
        ref = report.alert.resource
        add(ref.key, ref.kind, ref.name).alerting = True
    culprit = report.root_cause.resource
    add(culprit.key, culprit.kind, culprit.name).culprit = True
    if not any(n.alerting for n in nodes.values()):
        first = next((n for n in nodes.values() if n.relation == "alerting resource"), None)
        if first is not None:
            first.alerting = True
    return nodes


def layout(report: Report) -> tuple[list[Node], int, float]:
    """Positioned nodes (at most MAX_NODES, most important kept), how many were left out, height."""
    nodes = collect_nodes(report)
    root = next((n for n in nodes.values() if n.alerting), next(iter(nodes.values())))
    _assign_depths(report, nodes, root.key)
    ranked = sorted(nodes.values(), key=lambda n: (not n.alerting, not n.culprit, not n.failing, n.depth))
    shown = sorted(ranked[:MAX_NODES],
                   key=lambda n: (n.depth, not n.alerting, not n.culprit, not n.failing, n.kind, n.name))
    y = float(MARGIN + 14)
    for depth in sorted({n.depth for n in shown}):
        layer = [n for n in shown if n.depth == depth]
        for start in range(0, len(layer), COLUMNS):
            row = layer[start: start + COLUMNS]
            row_width = len(row) * NODE_W + (len(row) - 1) * H_GAP
            x = (WIDTH - row_width) / 2
            for node in row:
                node.x, node.y = x, y
                x += NODE_W + H_GAP
            y += NODE_H + V_GAP
    return shown, len(nodes) - len(shown), y - V_GAP + MARGIN


def _assign_depths(report: Report, nodes: dict[str, Node], root: str) -> None:
    neighbours: dict[str, set[str]] = {key: set() for key in nodes}
    for edge in report.edges:
        neighbours[edge.source].add(edge.target)
        neighbours[edge.target].add(edge.source)
    depth = {root: 0}
    queue = deque([root])
    while queue:
        current = queue.popleft()
        for nxt in sorted(neighbours[current]):
            if nxt not in depth:
                depth[nxt] = depth[current] + 1
                queue.append(nxt)
    unreached = max(depth.values(), default=0) + 1
    for key, node in nodes.items():
        node.depth = depth.get(key, unreached)


def render_topology_svg(report: Report) -> str:
    """The SVG element (no XML prolog) for embedding in the page."""
    shown, omitted, height = layout(report)
    by_key = {n.key: n for n in shown}
    parts = [
        f'<svg class="topology" viewBox="0 0 {WIDTH} {height:.0f}" role="img" '
        f'aria-labelledby="topology-title" xmlns="http://www.w3.org/2000/svg">',
        '<title id="topology-title">Resources around the alerting one and how they relate</title>',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" class="arrowhead"/></marker></defs>',
    ]
    for edge in report.edges:
        source, target = by_key.get(edge.source), by_key.get(edge.target)
        if source is not None and target is not None and source is not target:
            parts.append(_edge(source, target, edge.relation, edge.detail))
    parts += [_node(n) for n in shown]
    parts.append("</svg>")
    if omitted:
        parts.append(f'<p class="note">{omitted} more resources are listed under “What was examined”.</p>')
    return "\n".join(parts)


def _edge(source: Node, target: Node, relation: str, detail: str) -> str:
    (x1, y1), (x2, y2) = _border_point(source, target), _border_point(target, source)
    mx, my = (x1 + x2) / 2, (y1 + y2) / 2
    tip = esc(f"{relation}: {detail}" if detail else relation, 300)
    return (f'<g class="edge"><title>{tip}</title>'
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" marker-end="url(#arrow)"/>'
            f'<text x="{mx:.1f}" y="{my:.1f}" class="edge-label">{esc(relation.replace("_", " "), 24)}</text></g>')


def _border_point(node: Node, toward: Node) -> tuple[float, float]:
    """Where the line from node's centre toward the other node's centre leaves node's box."""
    cx, cy = node.x + NODE_W / 2, node.y + NODE_H / 2
    dx, dy = toward.x + NODE_W / 2 - cx, toward.y + NODE_H / 2 - cy
    if dx == 0 and dy == 0:
        return cx, cy
    scale = min((NODE_W / 2) / abs(dx) if dx else float("inf"), (NODE_H / 2) / abs(dy) if dy else float("inf"))
    return cx + dx * scale, cy + dy * scale


def _node(node: Node) -> str:
    states = [s for s, on in (("alerting", node.alerting), ("failing", node.failing), ("culprit", node.culprit)) if on]
    classes = " ".join(["node", f"k-{node.family}", *states])
    badges = [b for b, on in (("⚠ ALERT", node.alerting), ("✖ FAILING", node.failing),
                              ("★ ROOT CAUSE", node.culprit)) if on]
    title = esc(f"{node.key}" + (f" — {node.relation}" if node.relation else "")
                + (" (failing)" if node.failing else ""), 400)
    x, y = node.x, node.y
    label = esc(cap(one_line(node.name, 200), 24))
    badge = (f'<text x="{x + NODE_W - 6:.1f}" y="{y - 5:.1f}" class="badge">{" ".join(badges)}</text>'
             if badges else "")
    return (f'<g class="{classes}"><title>{title}</title>{_shape(node.family, x, y)}'
            f'<text x="{x + 12:.1f}" y="{y + 22:.1f}" class="kind">{esc(cap(SHORT_KINDS.get(node.kind, node.kind), 20))}'
            f'</text>'
            f'<text x="{x + 12:.1f}" y="{y + 42:.1f}" class="name">{label}</text>{badge}</g>')


def _shape(family: str, x: float, y: float) -> str:
    w, h = NODE_W, NODE_H
    if family == "workload":
        return f'<rect class="shape" x="{x:.1f}" y="{y:.1f}" width="{w}" height="{h}" rx="16"/>'
    if family == "network":
        pts = [(x + 14, y), (x + w - 14, y), (x + w, y + h / 2), (x + w - 14, y + h), (x + 14, y + h), (x, y + h / 2)]
        return '<polygon class="shape" points="' + " ".join(f"{px:.1f},{py:.1f}" for px, py in pts) + '"/>'
    if family == "config":  # a sheet with a folded corner
        return (f'<path class="shape" d="M{x:.1f},{y:.1f} h{w - 16} l16,16 v{h - 16} h-{w} z"/>'
                f'<path class="fold" d="M{x + w - 16:.1f},{y:.1f} v16 h16"/>')
    if family == "storage":  # a cylinder
        return (f'<path class="shape" d="M{x:.1f},{y + 8:.1f} a{w / 2},8 0 0 1 {w},0 v{h - 16} '
                f'a{w / 2},8 0 0 1 -{w},0 z"/>'
                f'<path class="fold" d="M{x:.1f},{y + 8:.1f} a{w / 2},8 0 0 0 {w},0"/>')
    if family == "infra":  # double border
        return (f'<rect class="shape" x="{x:.1f}" y="{y:.1f}" width="{w}" height="{h}"/>'
                f'<rect class="fold" x="{x + 4:.1f}" y="{y + 4:.1f}" width="{w - 8}" height="{h - 8}"/>')
    if family == "external":
        return f'<rect class="shape" x="{x:.1f}" y="{y:.1f}" width="{w}" height="{h}" rx="28"/>'
    radius = 4 if family == "pod" else 0
    return f'<rect class="shape" x="{x:.1f}" y="{y:.1f}" width="{w}" height="{h}" rx="{radius}"/>'


def legend_html() -> str:
    """What the shapes, colours and marks mean."""
    families = "".join(
        f'<li><svg viewBox="0 0 {NODE_W} {NODE_H}" class="swatch" aria-hidden="true">'
        f'<g class="node k-{family}">{_shape(family, 0, 0)}</g></svg>{label}</li>'
        for family, label in FAMILY_LABELS.items())
    marks = ('<li><span class="mark alerting"></span>⚠ alerting resource</li>'
             '<li><span class="mark failing"></span>failing</li>'
             '<li><span class="mark culprit"></span>★ root cause (where the fix belongs)</li>')
    return f'<ul class="legend">{families}{marks}</ul>'

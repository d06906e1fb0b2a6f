"""NetworkPolicy facts: which topology pods it selects, and which implied traffic it does not allow.

Implied traffic is what the topology says must flow: each dependency edge (client pod -> Service ->
its pods, on the Service's target port) and DNS lookups from the client pods.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from firstresponder.collectors.config import last_change
from firstresponder.collectors.context import CollectionContext, ResultBuilder
from firstresponder.collectors.ids import evidence_id
from firstresponder.collectors.service import resolve_target_port
from firstresponder.collectors.times import parse_time
from firstresponder.models.evidence import ChangeKind, CollectorResult, Evidence, NetworkPolicyFacts
from firstresponder.models.resource import ResourceRef
from firstresponder.models.topology import EdgeRelation, TopologyNode
from firstresponder.topology.objects import as_dict, as_list, dig, labels_of, meta
from firstresponder.topology.selectors import selector_matches

NAME = "networkpolicy"
_DNS = ("kube-system", {"k8s-app": "kube-dns"})


@dataclass(frozen=True)
class Flow:
    """One connection the topology implies."""

    client: ResourceRef
    client_labels: dict[str, str]
    server: ResourceRef
    server_labels: dict[str, str]
    port: int
    port_name: str | None
    protocol: str = "TCP"


def policy_types(policy: dict[str, Any]) -> list[str]:
    declared = [str(t) for t in as_list(dig(policy, "spec", "policyTypes"))]
    if declared:
        return declared
    return ["Ingress"] + (["Egress"] if dig(policy, "spec", "egress") else [])


def port_allowed(rule_ports: list[Any], number: int, name: str | None, protocol: str) -> bool:
    if not rule_ports:
        return True
    for port in (as_dict(p) for p in rule_ports):
        if str(port.get("protocol", "TCP")) != protocol:
            continue
        value = port.get("port")
        if value is None:
            return True
        if isinstance(value, int) or str(value).isdigit():
            if int(value) <= number <= int(port.get("endPort") or value):
                return True
        elif name is not None and value == name:
            return True
    return False


def peer_allowed(peers: list[Any], labels: dict[str, str], namespace: str, policy_namespace: str,
                 namespace_labels: dict[str, str]) -> bool:
    if not peers:
        return True
    for peer in (as_dict(p) for p in peers):
        if "ipBlock" in peer:
            continue  # pod IPs are not known here; an ipBlock rarely meant to admit pods
        ns_selector = peer.get("namespaceSelector")
        ns_ok = namespace == policy_namespace if ns_selector is None else selector_matches(ns_selector, namespace_labels)
        pod_selector = peer.get("podSelector")
        if ns_ok and (pod_selector is None or selector_matches(pod_selector, labels)):
            return True
    return False


def rules_allow(policy: dict[str, Any], direction: str, peer_labels: dict[str, str], peer_namespace: str,
                namespace_labels: dict[str, str], port: int, port_name: str | None, protocol: str) -> bool:
    """Whether any ingress/egress rule admits the peer on the port (no rules: nothing is admitted)."""
    field, peers_field = ("ingress", "from") if direction == "Ingress" else ("egress", "to")
    policy_ns = str(meta(policy).get("namespace"))
    for rule in (as_dict(r) for r in as_list(dig(policy, "spec", field))):
        if port_allowed(as_list(rule.get("ports")), port, port_name, protocol) and peer_allowed(
                as_list(rule.get(peers_field)), peer_labels, peer_namespace, policy_ns, namespace_labels):
            return True
    return False


def implied_flows(ctx: CollectionContext) -> list[Flow]:
    """Dependency edges from pods to existing Services, expanded to the Service's pods in the topology."""
    flows = []
    for edge in ctx.topology.edges:
        if edge.relation != EdgeRelation.DEPENDS_ON:
            continue
        client, service = ctx.node(edge.source), ctx.node(edge.target)
        if client is None or service is None or client.object is None or service.object is None:
            continue
        port = _service_port(service.object, edge.detail)
        for key in ctx.topology.targets(service.ref, EdgeRelation.SELECTS):
            server = ctx.node(key)
            if server is None or server.object is None or port is None:
                continue
            target = port.get("targetPort", port.get("port"))
            number = resolve_target_port(target, [server.object])
            if number is None:
                continue
            name = None if isinstance(target, int) or str(target).isdigit() else str(target)
            flows.append(Flow(client.ref, labels_of(client.object), server.ref, labels_of(server.object), number,
                              name, str(port.get("protocol", "TCP"))))
    return flows


def _service_port(service: dict[str, Any], detail: str) -> dict[str, Any] | None:
    """The Service port the dependency names (its host:port), else the Service's first port."""
    ports = [as_dict(p) for p in as_list(dig(service, "spec", "ports"))]
    named = detail.rsplit(": ", 1)[-1]
    if ":" in named and named.rsplit(":", 1)[1].isdigit():
        wanted = int(named.rsplit(":", 1)[1])
        for port in ports:
            if port.get("port") == wanted:
                return port
    return ports[0] if ports else None


def collect_network_policy(ctx: CollectionContext, ref: ResourceRef) -> CollectorResult:
    out = ResultBuilder(ctx, NAME, ref)
    policy = ctx.obj(ref)
    if policy is None:
        out.skipped = True
        return out.result()
    namespace = ref.namespace or ""
    selector = dig(policy, "spec", "podSelector") or {}
    types = policy_types(policy)
    selected = [n for n in ctx.topology.of_kind("Pod") if n.object is not None and n.ref.namespace == namespace
                and selector_matches(selector, labels_of(n.object))]
    selected_keys = {n.ref.key for n in selected}
    denies: list[str] = []
    labels_cache: dict[str, dict[str, str]] = {}
    for flow in implied_flows(ctx):
        if "Ingress" in types and flow.server.key in selected_keys:
            client_ns = flow.client.namespace or ""
            if not rules_allow(policy, "Ingress", flow.client_labels, client_ns,
                               _namespace_labels(ctx, out, client_ns, labels_cache), flow.port, flow.port_name,
                               flow.protocol):
                denies.append(f"ingress from {flow.client} to {flow.server} port {flow.port}")
        if "Egress" in types and flow.client.key in selected_keys:
            server_ns = flow.server.namespace or ""
            if not rules_allow(policy, "Egress", flow.server_labels, server_ns,
                               _namespace_labels(ctx, out, server_ns, labels_cache), flow.port, flow.port_name,
                               flow.protocol):
                denies.append(f"egress from {flow.client} to {flow.server} port {flow.port}")
    if "Egress" in types and selected and not _dns_allowed(ctx, out, policy, labels_cache):
        denies.append(f"egress from {selected[0].ref} to DNS (kube-system/kube-dns) port 53")
    created = parse_time(meta(policy).get("creationTimestamp"))
    facts = NetworkPolicyFacts(policy=ref.name, policy_types=types, selects=[n.ref.name for n in selected],
                               denies=list(dict.fromkeys(denies)), created_at=created)
    evidence_key = evidence_id("netpol", ref.name)
    summary = f"NetworkPolicy {ref.name} ({', '.join(types)}) selects {len(selected)} pods in the topology"
    summary += f"; does not allow: {'; '.join(facts.denies)}" if facts.denies else "; allows the implied traffic"
    out.evidence.append(Evidence(id=evidence_key, resource=ref, summary=summary[:500], at=created,
                                 excerpt=_excerpt(policy, facts), facts=facts))
    out.change(created, ref, ChangeKind.POLICY, f"NetworkPolicy {ref.name} created", evidence_id=evidence_key)
    changed, manager = last_change(policy)
    if changed is not None and created is not None and changed > created:
        out.change(changed, ref, ChangeKind.POLICY, f"NetworkPolicy {ref.name} changed", actor=manager,
                   evidence_id=evidence_key)
    return out.result()


def _dns_allowed(ctx: CollectionContext, out: ResultBuilder, policy: dict[str, Any],
                 cache: dict[str, dict[str, str]]) -> bool:
    namespace, labels = _DNS
    ns_labels = _namespace_labels(ctx, out, namespace, cache)
    return any(rules_allow(policy, "Egress", labels, namespace, ns_labels, 53, "dns", protocol)
               for protocol in ("UDP", "TCP"))


def _namespace_labels(ctx: CollectionContext, out: ResultBuilder, namespace: str,
                      cache: dict[str, dict[str, str]]) -> dict[str, str]:
    """A namespace's labels (topology, else one get); the automatic name label at least."""
    if namespace not in cache:
        node: TopologyNode | None = ctx.node(ResourceRef(kind="Namespace", name=namespace))
        obj = node.object if node is not None else None
        if obj is None:
            obj = out.attempt(lambda: ctx.reader.get("Namespace", namespace, None), f"get Namespace {namespace}")
        cache[namespace] = {"kubernetes.io/metadata.name": namespace, **(labels_of(obj) if obj else {})}
    return cache[namespace]


def _excerpt(policy: dict[str, Any], facts: NetworkPolicyFacts) -> str:
    lines = [f"podSelector: {dig(policy, 'spec', 'podSelector')}", f"policyTypes: {facts.policy_types}"]
    for field in ("ingress", "egress"):
        for rule in as_list(dig(policy, "spec", field)):
            lines.append(f"{field}: {rule}")
    return "\n".join(lines)[:2000]

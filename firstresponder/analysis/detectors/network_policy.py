"""A NetworkPolicy blocks traffic the topology needs (a caller to its dependency), often newly created."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from firstresponder.analysis.facts import facts_of, first_key_line, logs_of
from firstresponder.analysis.failures import failing_pods
from firstresponder.analysis.finding import Finding
from firstresponder.analysis.remediation import commands
from firstresponder.analysis.service_links import UNREACHABLE
from firstresponder.analysis.workloads import object_of, workload_of
from firstresponder.models import Category, Change, EvidenceBundle, Remediation, ResourceRef
from firstresponder.models.evidence import ChangeKind, NetworkPolicyFacts

NAME = "network_policy"
_PER_POD_LABELS = {"pod-template-hash", "controller-revision-hash", "statefulset.kubernetes.io/pod-name",
                   "apps.kubernetes.io/pod-index", "batch.kubernetes.io/controller-uid", "controller-uid"}
# The collector's wording: "ingress from Pod/ns/a to Pod/ns/b port 5432", "egress from Pod/ns/a to DNS (...) port 53".
_DENY = re.compile(r"^(?P<direction>ingress|egress) from (?P<client>\S+) to (?P<server>.+?)(?: port (?P<port>\d+))?$")
_DNS_PEER = {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}},
             "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}}}


def detect(bundle: EvidenceBundle, now: datetime) -> list[Finding]:
    failing = failing_pods(bundle, now)
    findings = []
    for ev, policy in facts_of(bundle, NetworkPolicyFacts):
        if not policy.denies:
            continue
        ref = ResourceRef(kind="NetworkPolicy", namespace=ev.resource.namespace, name=policy.policy)
        peers = {m.group("client") for d in policy.denies if (m := _DENY.match(d))}
        peer_workloads = {w.key for p in peers if p.startswith("Pod/") and (w := workload_of(bundle.topology, p))}
        involved = {p for p in failing if p in peers or ResourceRef.from_key(p).name in policy.selects
                    or ((w := workload_of(bundle.topology, p)) is not None and w.key in peer_workloads)}
        log_ids = [e.id for p in sorted(involved) for e, log in logs_of(bundle, p)
                   if set(log.signatures) & {"timeout", "connection_refused"} & UNREACHABLE]
        change = _created(bundle, ref, policy)
        strength = 0.5 + (0.15 if log_ids else 0.0) + (0.1 if change else 0.0)
        findings.append(Finding(
            detector=NAME, category=Category.NETWORK_POLICY, culprit=ref,
            summary=f"NetworkPolicy {policy.policy} blocks {policy.denies[0]}",
            detail=f"Denied: {'; '.join(policy.denies)}. Selects: {', '.join(policy.selects) or 'nothing known'}."
                   + (f" Callers: {line[:200]}" if (line := first_key_line(
                       [item for p in sorted(involved) for item in logs_of(bundle, p)])) else ""),
            evidence_ids=[ev.id, *log_ids], strength=strength, direct=False, change=change,
            explains=sorted(involved), reasons=["the policy does not allow traffic the topology implies"]
            + (["the callers time out"] if log_ids else []),
            remediations=_fixes(bundle, ref, policy),
            verification=f"From a caller pod, connect to the dependency port; `kubectl describe networkpolicy "
                         f"{policy.policy} -n {ref.namespace}` shows what is allowed.",
        ))
    return findings


def _created(bundle: EvidenceBundle, ref: ResourceRef, policy: NetworkPolicyFacts) -> Change | None:
    collected = [c for c in bundle.changes if c.resource.key == ref.key]
    if collected:
        return max(collected, key=lambda c: c.at)
    if policy.created_at is None:
        return None
    return Change(at=policy.created_at, resource=ref, kind=ChangeKind.POLICY,
                  summary=f"NetworkPolicy {policy.policy} created",
                  seconds_before_alert=(bundle.alert.starts_at - policy.created_at).total_seconds())


def _peer(bundle: EvidenceBundle, key: str) -> dict[str, Any] | None:
    """The NetworkPolicy peer that selects a pod (or cluster DNS) by its labels."""
    if key.startswith("DNS"):
        return _DNS_PEER
    obj = object_of(bundle.topology, key) if key.startswith("Pod/") else None
    labels = {k: v for k, v in (((obj or {}).get("metadata") or {}).get("labels") or {}).items()
              if k not in _PER_POD_LABELS}  # per-rollout/per-pod labels would stop matching tomorrow
    return {"podSelector": {"matchLabels": labels}} if labels else None


def _fixes(bundle: EvidenceBundle, ref: ResourceRef, policy: NetworkPolicyFacts) -> list[Remediation]:
    """Allow the denied flow explicitly (JSON patch appending one rule) rather than deleting the policy."""
    obj = object_of(bundle.topology, ref)
    for deny in policy.denies:
        m = _DENY.match(deny)
        if m is None or obj is None:
            continue
        direction = m.group("direction")
        peer = _peer(bundle, m.group("client") if direction == "ingress" else m.group("server"))
        if peer is None:
            continue
        rule: dict[str, Any] = {("from" if direction == "ingress" else "to"): [peer]}
        if m.group("port"):
            port = int(m.group("port"))
            rule["ports"] = ([{"port": port, "protocol": "UDP"}, {"port": port, "protocol": "TCP"}] if port == 53
                             else [{"port": port, "protocol": "TCP"}])
        existing = (obj.get("spec") or {}).get(direction)
        op = ({"op": "add", "path": f"/spec/{direction}/-", "value": rule} if isinstance(existing, list)
              else {"op": "add", "path": f"/spec/{direction}", "value": [rule]})
        return [Remediation(description=f"Allow {deny} in NetworkPolicy {policy.policy}.",
                            command=commands.patch(ref, [op], "json"),
                            caution="Review with whoever added the policy: it may be intentionally strict.",
                            verify=commands.describe(ref))]
    return [Remediation(description=f"Add a rule to NetworkPolicy {policy.policy} allowing the blocked traffic.",
                        command=commands.describe(ref))]

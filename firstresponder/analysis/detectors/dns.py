"""Cluster DNS (CoreDNS) is unhealthy while pods fail to resolve names.

When the Corefile ConfigMap changed just before and CoreDNS's own log rejects it, the ConfigMap
is the culprit (CoreDNS only reads it at start or reload).
"""

from __future__ import annotations

import re
from datetime import datetime

from firstresponder.analysis.config_refs import changed_values, config_ref, last_change, restorable
from firstresponder.analysis.facts import facts_of, first_key_line, logs_of
from firstresponder.analysis.failures import failing_pods
from firstresponder.analysis.finding import Finding
from firstresponder.analysis.remediation import commands
from firstresponder.models import Category, Evidence, EvidenceBundle, Remediation, ResourceRef
from firstresponder.models.evidence import ConfigFacts, LogFacts, WorkloadHealthFacts

NAME = "dns"
_DNS_NAMES = ("coredns", "kube-dns")
_READY = re.compile(r"(\d+)/(\d+) ready")
_LIST_DNS_PODS = commands.kubectl("get", "pods", "-n", "kube-system", "-l", "k8s-app=kube-dns")


def dns_degraded(problem: str) -> tuple[int, int] | None:
    """(ready, total) from "CoreDNS 0/2 ready (...)" when fewer than all are ready; None when healthy."""
    m = _READY.search(problem)
    if m is None:
        return (0, 0)  # a problem without counts: take it as reported
    ready, total = int(m.group(1)), int(m.group(2))
    return (ready, total) if ready < total or total == 0 else None


def detect(bundle: EvidenceBundle, now: datetime) -> list[Finding]:
    failing = failing_pods(bundle, now)
    resolving = [(p, e.id) for p in sorted(failing) for e, log in logs_of(bundle, p)
                 if {"dns_failure", "timeout"} & set(log.signatures) and "dns_failure" in log.signatures]
    findings = []
    for ev, health in facts_of(bundle, WorkloadHealthFacts):
        text = f"{health.resource.name} {health.problem}".lower()
        counts = dns_degraded(health.problem)
        if not any(n in text for n in _DNS_NAMES) or counts is None:
            continue
        none_ready = counts[0] == 0
        explains = sorted({p for p, _ in resolving})
        ids = [ev.id, *(i for _p, i in resolving)]
        victims = first_key_line([item for p in explains for item in logs_of(bundle, p)])
        corefile = _corefile_change(bundle)
        if corefile is not None:
            findings.append(_corefile_finding(bundle, health.resource, corefile, explains, ids, health.problem,
                                              victims))
            continue
        ref = health.resource
        restart = commands.rollout_restart(ref) if ref.kind in {"Deployment", "DaemonSet"} else None
        findings.append(Finding(
            detector=NAME, category=Category.DNS, culprit=ref,
            summary=f"Cluster DNS is unhealthy ({health.problem})"
                    + (f": {len(explains)} pod(s) cannot resolve names" if resolving else ""),
            detail=f"{ref.key}: {health.problem}." + (f" The failing pods: {victims[:200]}" if victims else ""),
            evidence_ids=ids,
            strength=(0.8 if none_ready else 0.6) if resolving else 0.4,
            direct=bool(resolving) and none_ready, explains=explains,
            reasons=["CoreDNS is not healthy"] + (["the failing pods log DNS resolution errors"] if resolving else []),
            remediations=[Remediation(
                description="Find out why CoreDNS is down (its pods, their node, their config), then restart it.",
                command=_LIST_DNS_PODS, verify=restart and commands.rollout_status(ref))],
            verification="`kubectl get pods -n kube-system -l k8s-app=kube-dns` shows the DNS pods not ready.",
        ))
    return findings


def _corefile_change(bundle: EvidenceBundle) -> tuple[Evidence, ConfigFacts, list[tuple[Evidence, LogFacts]]] | None:
    """The CoreDNS ConfigMap, when it changed and CoreDNS's own log reports an error."""
    for ev, cfg in facts_of(bundle, ConfigFacts):
        if cfg.kind != "ConfigMap" or ev.resource.namespace != "kube-system" or cfg.name not in _DNS_NAMES:
            continue
        logs = [(e, f) for e, f in facts_of(bundle, LogFacts)
                if e.resource.namespace == "kube-system" and any(n in f.pod for n in _DNS_NAMES)
                and (f.first_error is not None or f.key_lines)]
        if (changed_values(cfg) or cfg.last_changed_at) and logs:
            return ev, cfg, logs
    return None


def _corefile_finding(bundle: EvidenceBundle, dns: ResourceRef, found: tuple[Evidence, ConfigFacts,
                      list[tuple[Evidence, LogFacts]]], explains: list[str], ids: list[str], problem: str,
                      victims: str) -> Finding:
    ev, cfg, logs = found
    ref = config_ref(ev, cfg)
    change = last_change(bundle, ev, cfg)
    line = first_key_line(logs)
    who = f" by {change.actor}" if change and change.actor else ""
    when = f" at {change.at:%H:%M} UTC" if change else ""
    restore = {k: old for k, (old, _new) in changed_values(cfg).items() if restorable(old)}
    fixes = []
    if restore:
        fixes.append(Remediation(description=f"Put the previous Corefile back into ConfigMap {ref.name}.",
                                 command=commands.patch_configmap_data(ref, restore),
                                 caution="CoreDNS reloads the Corefile on its own only while it runs; restart it next."))
    else:
        fixes.append(Remediation(description=f"Fix the Corefile in ConfigMap {ref.name}: {line[:160]}",
                                 command=commands.describe(ref)))
    fixes.append(Remediation(description="Restart CoreDNS so it reads the repaired Corefile.",
                             command=commands.rollout_restart(dns), verify=_LIST_DNS_PODS))
    return Finding(
        detector=NAME, category=Category.DNS, culprit=ref,
        summary=f"The CoreDNS Corefile (ConfigMap {ref.namespace}/{ref.name}) was edited{who}{when} and CoreDNS "
                f"cannot load it: cluster DNS is down ({problem})",
        detail=f"CoreDNS log: {line[:300]}" + (f" The failing pods: {victims[:200]}" if victims else ""), evidence_ids=[ev.id, *ids, *(e.id for e, _f in logs)],
        strength=0.85, direct=True, change=change, explains=explains,
        reasons=["CoreDNS pods are not ready and their log rejects the Corefile", "the Corefile ConfigMap changed"],
        remediations=fixes,
        verification="`kubectl logs -n kube-system -l k8s-app=kube-dns` shows the Corefile error.",
    )

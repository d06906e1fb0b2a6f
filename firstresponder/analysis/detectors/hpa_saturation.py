"""An HPA pinned at maxReplicas while its metric stays above target: the workload is saturated."""

from __future__ import annotations

import math
import re
from datetime import datetime

from firstresponder.analysis.facts import facts_of
from firstresponder.analysis.finding import Finding
from firstresponder.analysis.quantity import QuantityError, parse_quantity
from firstresponder.analysis.remediation import commands
from firstresponder.models import Category, EvidenceBundle, Remediation, ResourceRef
from firstresponder.models.evidence import HpaFacts

NAME = "hpa_saturation"
_METRIC = re.compile(r"(?P<current>[\d.]+[A-Za-z]*)%? / target (?P<target>[\d.]+[A-Za-z]*)%?")


def over_target(metric: str) -> bool:
    """ "cpu 95% / target 70%" or "memory 300Mi / target 256Mi" -> True."""
    m = _METRIC.search(metric)
    if m is None:
        return False
    try:
        return parse_quantity(m.group("current")) > parse_quantity(m.group("target"))
    except QuantityError:
        return False


def detect(bundle: EvidenceBundle, now: datetime) -> list[Finding]:
    findings = []
    for ev, hpa in facts_of(bundle, HpaFacts):
        if hpa.current_replicas < hpa.max_replicas:
            continue
        hot = [m for m in hpa.metrics if over_target(m)]
        limited = "TooManyReplicas" in " ".join(hpa.conditions.values()) or hpa.desired_replicas >= hpa.max_replicas
        if not hot and not limited:
            continue
        ref = ResourceRef(kind="HorizontalPodAutoscaler", namespace=ev.resource.namespace, name=hpa.hpa)
        new_max = max(hpa.max_replicas + 1, math.ceil(hpa.max_replicas * 1.5))
        findings.append(Finding(
            detector=NAME, category=Category.HPA_SATURATION, culprit=ref,
            summary=f"HPA {hpa.hpa} is at its maximum of {hpa.max_replicas} replicas and still over target "
                    f"({', '.join(hot) or 'scaling limited'})",
            detail=f"Target {hpa.target.key if hpa.target else 'unknown'}; conditions {hpa.conditions}.",
            evidence_ids=[ev.id], strength=0.75 if hot else 0.55, direct=bool(hot),
            explains=[ref.key, *([hpa.target.key] if hpa.target else [])],
            reasons=[f"{hpa.current_replicas}/{hpa.max_replicas} replicas", *hot],
            remediations=[Remediation(
                description=f"Raise maxReplicas of HPA {hpa.hpa} from {hpa.max_replicas} to {new_max}.",
                command=commands.patch(ref, {"spec": {"maxReplicas": new_max}}, "merge"),
                caution="More replicas need node capacity and may move the bottleneck to a shared dependency.",
                verify=commands.get(ref, "-w"))],
            verification="The HPA's metric falls below target once capacity is added; check for a traffic surge.",
        ))
    return findings

"""Which alert of an incident to investigate from, and which ride along with it."""

from __future__ import annotations

from collections.abc import Iterable

from firstresponder.intake import group_into_incidents
from firstresponder.intake.incidents import SEVERITY_RANK
from firstresponder.models import Alert

# A pod names the failing instance; a workload or service is one hop further from the evidence.
_SPECIFICITY = {"Pod": 0, "Deployment": 1, "StatefulSet": 1, "DaemonSet": 1, "Job": 1, "CronJob": 2,
                "ReplicaSet": 1, "HorizontalPodAutoscaler": 2, "PersistentVolumeClaim": 2, "Service": 3,
                "Ingress": 3, "Node": 3}


def _rank(alert: Alert) -> tuple[int, int, str]:
    specificity = _SPECIFICITY.get(alert.resource.kind, 4) if alert.resource else 5
    return specificity, -SEVERITY_RANK.get(alert.severity.lower(), 0), alert.starts_at.isoformat()


def incidents_to_investigate(alerts: Iterable[Alert]) -> list[tuple[Alert, list[Alert]]]:
    """One (primary alert, all alerts of the incident) pair per incident, earliest incident first."""
    return [(min(incident.alerts, key=_rank), incident.alerts) for incident in group_into_incidents(alerts)]

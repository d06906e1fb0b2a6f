"""Pydantic contracts shared by every layer (alerts, topology, evidence, reports)."""

from firstresponder.models.alert import Alert, AlertSource, AlertStatus, MetricContext
from firstresponder.models.evidence import Change, CollectorResult, Evidence, EvidenceBundle, Gap
from firstresponder.models.report import (
    AffectedResource,
    Category,
    Confidence,
    ConfidenceLevel,
    Diagnosis,
    Hypothesis,
    Remediation,
    Report,
    ReportEdge,
    ReportStats,
    RootCause,
)
from firstresponder.models.resource import ResourceRef
from firstresponder.models.topology import EdgeRelation, Topology, TopologyEdge, TopologyNode

__all__ = [
    "AffectedResource",
    "Alert",
    "AlertSource",
    "AlertStatus",
    "Category",
    "Change",
    "CollectorResult",
    "Confidence",
    "ConfidenceLevel",
    "Diagnosis",
    "EdgeRelation",
    "Evidence",
    "EvidenceBundle",
    "Gap",
    "Hypothesis",
    "MetricContext",
    "Remediation",
    "Report",
    "ReportEdge",
    "ReportStats",
    "ResourceRef",
    "RootCause",
    "Topology",
    "TopologyEdge",
    "TopologyNode",
]

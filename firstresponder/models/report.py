"""The investigation report: the product's public contract (JSON Schema in schemas/report.schema.json)."""

from __future__ import annotations

from enum import StrEnum

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from firstresponder.models.alert import Alert
from firstresponder.models.evidence import Change, Evidence, Gap
from firstresponder.models.resource import ResourceRef


class Category(StrEnum):
    OOM = "oom"
    LIVENESS_KILL = "liveness_kill"
    EVICTION = "eviction"
    CONFIG_CHANGE = "config_change"
    MISSING_CONFIG = "missing_config"
    APP_CRASH = "app_crash"
    BAD_COMMAND = "bad_command"
    PERMISSION = "permission"
    IMAGE_PULL = "image_pull"
    PROBE_FAILURE = "probe_failure"
    DEPENDENCY_DOWN = "dependency_down"
    NETWORK_POLICY = "network_policy"
    DNS = "dns"
    SERVICE_ROUTING = "service_routing"
    INGRESS_ROUTING = "ingress_routing"
    SCHEDULING = "scheduling"
    STORAGE = "storage"
    QUOTA = "quota"
    NODE = "node"
    ROLLOUT_STUCK = "rollout_stuck"
    HPA_SATURATION = "hpa_saturation"
    JOB_FAILED = "job_failed"
    EXTERNAL_DEPENDENCY = "external_dependency"
    UNKNOWN = "unknown"


class ConfidenceLevel(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class Confidence(BaseModel):
    model_config = ConfigDict(extra="forbid")

    level: ConfidenceLevel
    score: float = Field(ge=0.0, le=1.0)
    reasons: list[str] = Field(default_factory=list)


class Remediation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    description: str
    command: str | None = None  # a kubectl command with real names; never executed by the product
    caution: str | None = None
    verify: str | None = None  # command that shows whether the fix worked


class RootCause(BaseModel):
    model_config = ConfigDict(extra="forbid")

    summary: str
    detail: str = ""
    category: Category
    resource: ResourceRef  # the culprit: where the fix belongs (kind External for outside hosts)
    outside_cluster: bool = False
    confidence: Confidence
    evidence_ids: list[str] = Field(default_factory=list)  # supporting evidence
    contradicting_ids: list[str] = Field(default_factory=list)
    verification: str | None = None  # what would settle it when confidence is not high
    detector: str = ""  # which detector (or "model:<name>") proposed it


class Hypothesis(RootCause):
    """An alternative considered, with why it ranked lower."""

    ranked_lower_because: str = ""


class AffectedResource(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: str
    namespace: str | None = None
    name: str
    relation: str  # relation to the alerting resource
    failing: bool = False

    @property
    def ref(self) -> ResourceRef:
        return ResourceRef(kind=self.kind, namespace=self.namespace, name=self.name)


class ReportEdge(BaseModel):
    """One topology edge, for drawing the picture of the incident."""

    model_config = ConfigDict(extra="forbid")

    source: str  # ResourceRef.key
    target: str
    relation: str
    detail: str = ""


class Diagnosis(BaseModel):
    """What analysis concludes from an EvidenceBundle (deterministic, optionally model-refined)."""

    model_config = ConfigDict(extra="forbid")

    root_cause: RootCause
    hypotheses: list[Hypothesis] = Field(default_factory=list)
    remediation: list[Remediation] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)


class ModelUsage(BaseModel):
    model_config = ConfigDict(extra="forbid")

    stage: str
    model: str
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    duration_ms: int = 0


class ReportStats(BaseModel):
    model_config = ConfigDict(extra="forbid")

    duration_ms: int = 0
    api_requests: int = 0
    api_bytes: int = 0
    api_errors: dict[str, int] = Field(default_factory=dict)  # status -> count
    resources_examined: int = 0
    collectors_run: int = 0
    model_usage: list[ModelUsage] = Field(default_factory=list)


class Report(BaseModel):
    """One incident's investigation result."""

    model_config = ConfigDict(extra="forbid")

    schema_version: str = "1"
    id: str
    alert: Alert
    investigated_at: AwareDatetime  # the investigation's "now" (the alert's start when replaying)
    cluster: str | None = None
    affected_resources: list[AffectedResource] = Field(default_factory=list)
    edges: list[ReportEdge] = Field(default_factory=list)
    root_cause: RootCause
    hypotheses: list[Hypothesis] = Field(default_factory=list)
    remediation: list[Remediation] = Field(default_factory=list)
    evidence: list[Evidence] = Field(default_factory=list)
    changes: list[Change] = Field(default_factory=list)  # time-ordered
    gaps: list[Gap] = Field(default_factory=list)
    history: list[str] = Field(default_factory=list)  # "seen 3 times in 30 days ..." from feedback
    stats: ReportStats = Field(default_factory=ReportStats)
    related_alerts: list[str] = Field(default_factory=list)  # fingerprints grouped into this incident

    def evidence_by_id(self, evidence_id: str) -> Evidence | None:
        return next((e for e in self.evidence if e.id == evidence_id), None)

"""What collectors gather: citable evidence, changes on a time line, and gaps.

Every piece of evidence has a stable ``id`` that conclusions cite, the resource it was read
from, a one-line ``summary``, a short ``excerpt`` (log lines, status fields) and typed
``facts`` that detectors reason over. The ``facts`` model is chosen by ``source``.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from firstresponder.models.alert import Alert
from firstresponder.models.resource import ResourceRef
from firstresponder.models.topology import Topology


class _Facts(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TerminationFacts(_Facts):
    exit_code: int
    reason: str | None = None  # OOMKilled, Error, Completed, ContainerCannotRun, ...
    signal: int | None = None
    message: str | None = None
    started_at: AwareDatetime | None = None
    finished_at: AwareDatetime | None = None
    meaning: str = ""  # human reading of the exit code, e.g. "SIGKILL (137): OOM, liveness kill or eviction"


class ContainerStatusFacts(_Facts):
    source: Literal["container.status"] = "container.status"
    pod: str
    container: str
    init: bool = False
    image: str = ""
    ready: bool = False
    restart_count: int = 0
    state: Literal["waiting", "running", "terminated", "unknown"] = "unknown"
    waiting_reason: str | None = None  # CrashLoopBackOff, ImagePullBackOff, CreateContainerConfigError...
    waiting_message: str | None = None
    running_since: AwareDatetime | None = None
    terminated: TerminationFacts | None = None  # current state when terminated
    last_terminated: TerminationFacts | None = None  # lastState.terminated
    requests: dict[str, str] = Field(default_factory=dict)  # {"cpu": "250m", "memory": "256Mi"}
    limits: dict[str, str] = Field(default_factory=dict)
    liveness_probe: dict[str, Any] | None = None
    readiness_probe: dict[str, Any] | None = None
    startup_probe: dict[str, Any] | None = None


class PodStatusFacts(_Facts):
    source: Literal["pod.status"] = "pod.status"
    pod: str
    phase: str = "Unknown"
    reason: str | None = None  # Evicted, ...
    message: str | None = None
    node: str | None = None
    conditions: dict[str, str] = Field(default_factory=dict)  # type -> status ("True"/"False")
    unschedulable_message: str | None = None  # PodScheduled=False message
    started_at: AwareDatetime | None = None
    owner: str | None = None  # ResourceRef.key of the controller


class LogLine(_Facts):
    number: int  # 1-based line number in the fetched tail
    text: str


class LogFacts(_Facts):
    source: Literal["container.logs"] = "container.logs"
    pod: str
    container: str
    previous: bool  # the log of the previous (terminated) instance
    line_count: int = 0
    truncated: bool = False  # tail/byte cap applied
    first_error: LogLine | None = None
    key_lines: list[LogLine] = Field(default_factory=list)  # errors, fatal messages, stack roots
    signatures: list[str] = Field(default_factory=list)  # normalised error kinds: "dns_failure", "connection_refused", "oom_heap", ...
    hosts: list[str] = Field(default_factory=list)  # hosts named in error lines


class UsageFacts(_Facts):
    source: Literal["container.usage"] = "container.usage"
    pod: str
    container: str
    cpu_millicores: float | None = None
    memory_bytes: int | None = None
    memory_limit_bytes: int | None = None
    cpu_limit_millicores: float | None = None


class EventFacts(_Facts):
    source: Literal["event"] = "event"
    involved: ResourceRef
    type: str = "Normal"  # Normal | Warning
    reason: str = ""
    message: str = ""
    count: int = 1
    first_seen: AwareDatetime | None = None
    last_seen: AwareDatetime | None = None


class RevisionFacts(_Facts):
    revision: int
    replicaset: str
    created_at: AwareDatetime | None = None
    images: dict[str, str] = Field(default_factory=dict)  # container -> image
    replicas: int = 0
    ready_replicas: int = 0


class TemplateDiff(_Facts):
    path: str  # e.g. "containers[api].image", "containers[api].env.DB_HOST"
    before: str | None = None
    after: str | None = None


class RolloutFacts(_Facts):
    source: Literal["workload.rollout"] = "workload.rollout"
    workload: ResourceRef
    desired: int = 0
    ready: int = 0
    available: int = 0
    updated: int = 0
    conditions: dict[str, str] = Field(default_factory=dict)  # type -> "status: reason"
    progress_deadline_exceeded: bool = False
    current_revision: int | None = None
    revisions: list[RevisionFacts] = Field(default_factory=list)  # newest first
    diff: list[TemplateDiff] = Field(default_factory=list)  # current vs previous revision


class HpaFacts(_Facts):
    source: Literal["hpa.status"] = "hpa.status"
    hpa: str
    target: ResourceRef | None = None
    min_replicas: int = 1
    max_replicas: int = 1
    current_replicas: int = 0
    desired_replicas: int = 0
    metrics: list[str] = Field(default_factory=list)  # "cpu 95% / target 70%"
    conditions: dict[str, str] = Field(default_factory=dict)


class ConfigFacts(_Facts):
    """A ConfigMap or Secret the workload references. Secret values never appear here."""

    source: Literal["config.object"] = "config.object"
    kind: Literal["ConfigMap", "Secret"]
    name: str
    exists: bool = True
    keys: list[str] = Field(default_factory=list)
    referenced_keys: list[str] = Field(default_factory=list)
    missing_keys: list[str] = Field(default_factory=list)  # referenced, not optional, absent
    values: dict[str, str] = Field(default_factory=dict)  # ConfigMap only: referenced keys' values
    previous_values: dict[str, str] = Field(default_factory=dict)  # ConfigMap only, from last-applied-configuration when it differs
    last_changed_at: AwareDatetime | None = None  # newest managedFields time
    last_changed_by: str | None = None  # manager of that entry
    consumers: list[str] = Field(default_factory=list)  # "Pod/ns/name container api env DB_HOST"


class ServicePort(_Facts):
    port: int
    target_port: str  # number or name as written
    resolved_container_port: int | None = None  # None: named port not found on the pods


class ServiceFacts(_Facts):
    source: Literal["service.status"] = "service.status"
    service: str
    selector: dict[str, str] = Field(default_factory=dict)
    matched_pods: int = 0
    ports: list[ServicePort] = Field(default_factory=list)
    ready_endpoints: int = 0
    not_ready_endpoints: int = 0
    service_type: str = "ClusterIP"


class IngressBackend(_Facts):
    host: str = "*"
    path: str = "/"
    service: str
    port: str
    service_exists: bool = True
    port_exists: bool = True


class IngressFacts(_Facts):
    source: Literal["ingress.status"] = "ingress.status"
    ingress: str
    class_name: str | None = None
    class_exists: bool = True
    backends: list[IngressBackend] = Field(default_factory=list)
    tls_secrets: dict[str, bool] = Field(default_factory=dict)  # secret name -> exists


class NetworkPolicyFacts(_Facts):
    source: Literal["networkpolicy"] = "networkpolicy"
    policy: str
    policy_types: list[str] = Field(default_factory=list)
    selects: list[str] = Field(default_factory=list)  # pod names in the topology it selects
    denies: list[str] = Field(default_factory=list)  # "ingress from Pod/ns/x port 5432" the topology implies but it does not allow
    created_at: AwareDatetime | None = None


class NodeFacts(_Facts):
    source: Literal["node.status"] = "node.status"
    node: str
    ready: bool = True
    conditions: dict[str, str] = Field(default_factory=dict)  # type -> status
    pressure: list[str] = Field(default_factory=list)  # MemoryPressure, DiskPressure, PIDPressure
    unschedulable: bool = False
    taints: list[str] = Field(default_factory=list)  # "key=value:NoSchedule"
    allocatable: dict[str, str] = Field(default_factory=dict)
    requested: dict[str, str] = Field(default_factory=dict)


class PvcFacts(_Facts):
    source: Literal["pvc.status"] = "pvc.status"
    claim: str
    phase: str = "Unknown"
    storage_class: str | None = None
    storage_class_exists: bool = True
    volume: str | None = None
    volume_exists: bool = True
    requested: str | None = None


class QuotaFacts(_Facts):
    source: Literal["quota.usage"] = "quota.usage"
    quota: str
    exhausted: list[str] = Field(default_factory=list)  # "limits.memory 4Gi/4Gi"
    usage: dict[str, str] = Field(default_factory=dict)  # resource -> "used/hard"


class DependencyFacts(_Facts):
    source: Literal["dependency"] = "dependency"
    host: str
    port: int | None = None
    found_in: str  # "ConfigMap/ns/name key DB_HOST", "env DB_URL of container api"
    service: ResourceRef | None = None  # in-cluster Service it resolves to
    external: bool = False
    ready_endpoints: int | None = None


class WorkloadHealthFacts(_Facts):
    """Another failing workload/pod in the namespace (adjacent failure), or DNS health."""

    source: Literal["namespace.health"] = "namespace.health"
    resource: ResourceRef
    problem: str  # "CrashLoopBackOff", "0/3 ready", "CoreDNS 0/2 ready"


class AlertFacts(_Facts):
    source: Literal["alert"] = "alert"
    name: str
    metric: str | None = None
    threshold: float | None = None
    datapoints: list[float] = Field(default_factory=list)


Facts = Annotated[
    ContainerStatusFacts | PodStatusFacts | LogFacts | UsageFacts | EventFacts | RolloutFacts
    | HpaFacts | ConfigFacts | ServiceFacts | IngressFacts | NetworkPolicyFacts | NodeFacts
    | PvcFacts | QuotaFacts | DependencyFacts | WorkloadHealthFacts | AlertFacts,
    Field(discriminator="source"),
]


class Evidence(BaseModel):
    """One citable observation."""

    model_config = ConfigDict(extra="forbid")

    id: str  # stable within a report, e.g. "ev-container-payments-api-7d9f-api"
    resource: ResourceRef
    summary: str
    excerpt: str = ""
    at: AwareDatetime | None = None
    facts: Facts

    @property
    def source(self) -> str:
        return self.facts.source


class ChangeKind(StrEnum):
    CONFIG_UPDATE = "config_update"  # ConfigMap/Secret managedFields time
    NEW_REVISION = "new_revision"  # ReplicaSet created for a Deployment
    SCALE = "scale"
    HPA = "hpa"
    NODE = "node"
    POLICY = "policy"  # NetworkPolicy created/changed
    CREATED = "created"  # other object created
    EVENT = "event"  # Kubernetes Event (expires after ~1h)


class Change(BaseModel):
    """Something that changed, placed on the incident's time line."""

    model_config = ConfigDict(extra="forbid")

    at: AwareDatetime
    resource: ResourceRef
    kind: ChangeKind
    summary: str
    actor: str | None = None  # field manager / component
    evidence_id: str | None = None
    seconds_before_alert: float | None = None  # positive: before the alert started


class Gap(BaseModel):
    """What could not be read, and why; degrades confidence instead of aborting."""

    model_config = ConfigDict(extra="forbid")

    what: str  # "logs of Pod/production/x container api (previous)"
    reason: str  # "403 Forbidden"
    status: int | None = None
    resource: ResourceRef | None = None
    rbac_rule: str | None = None  # 'apiGroups: [""], resources: ["pods/log"], verbs: ["get"]'


class CollectorResult(BaseModel):
    """The one envelope every collector returns."""

    model_config = ConfigDict(extra="forbid")

    collector: str
    resource: ResourceRef
    status: Literal["ok", "partial", "error", "skipped"] = "ok"
    evidence: list[Evidence] = Field(default_factory=list)
    changes: list[Change] = Field(default_factory=list)
    gaps: list[Gap] = Field(default_factory=list)
    api_requests: int = 0
    api_bytes: int = 0  # set where one reader served only this task (a collect invocation)


class EvidenceBundle(BaseModel):
    """Everything diagnosis reasons over: the alert, the topology and what collectors found."""

    model_config = ConfigDict(extra="forbid")

    alert: Alert
    topology: Topology
    evidence: list[Evidence] = Field(default_factory=list)
    changes: list[Change] = Field(default_factory=list)
    gaps: list[Gap] = Field(default_factory=list)

    def by_source(self, source: str) -> list[Evidence]:
        return [e for e in self.evidence if e.facts.source == source]

    def get(self, evidence_id: str) -> Evidence | None:
        return next((e for e in self.evidence if e.id == evidence_id), None)


def utc_seconds_between(earlier: datetime, later: datetime) -> float:
    return (later - earlier).total_seconds()

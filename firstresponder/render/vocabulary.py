"""The words and symbols every rendering shares: category titles, confidence badges, headings."""

from __future__ import annotations

from firstresponder.models import Category, ConfidenceLevel, Report

CATEGORY_TITLES: dict[Category, str] = {
    Category.OOM: "Memory limit exceeded",
    Category.LIVENESS_KILL: "Killed by its liveness probe",
    Category.EVICTION: "Pod evicted",
    Category.CONFIG_CHANGE: "Configuration change",
    Category.MISSING_CONFIG: "Missing configuration",
    Category.APP_CRASH: "Application crash",
    Category.BAD_COMMAND: "Bad container command",
    Category.PERMISSION: "Permission denied",
    Category.IMAGE_PULL: "Image cannot be pulled",
    Category.PROBE_FAILURE: "Probe failing",
    Category.DEPENDENCY_DOWN: "Dependency down",
    Category.NETWORK_POLICY: "Blocked by a NetworkPolicy",
    Category.DNS: "DNS resolution failing",
    Category.SERVICE_ROUTING: "Service routes to no pods",
    Category.INGRESS_ROUTING: "Ingress routing broken",
    Category.SCHEDULING: "Pod cannot be scheduled",
    Category.STORAGE: "Storage problem",
    Category.QUOTA: "Resource quota exhausted",
    Category.NODE: "Node problem",
    Category.ROLLOUT_STUCK: "Rollout stuck",
    Category.HPA_SATURATION: "Autoscaler at its maximum",
    Category.JOB_FAILED: "Job failed",
    Category.EXTERNAL_DEPENDENCY: "External dependency failing",
    Category.UNKNOWN: "Root cause not determined",
}

CATEGORY_EMOJI: dict[Category, str] = {
    Category.OOM: "💥",
    Category.LIVENESS_KILL: "💔",
    Category.EVICTION: "🚪",
    Category.CONFIG_CHANGE: "🔧",
    Category.MISSING_CONFIG: "🧩",
    Category.APP_CRASH: "🐛",
    Category.BAD_COMMAND: "⌨️",
    Category.PERMISSION: "🔒",
    Category.IMAGE_PULL: "📦",
    Category.PROBE_FAILURE: "🩺",
    Category.DEPENDENCY_DOWN: "🔗",
    Category.NETWORK_POLICY: "🛡️",
    Category.DNS: "🧭",
    Category.SERVICE_ROUTING: "🔀",
    Category.INGRESS_ROUTING: "🚦",
    Category.SCHEDULING: "⏳",
    Category.STORAGE: "💾",
    Category.QUOTA: "📏",
    Category.NODE: "🖥️",
    Category.ROLLOUT_STUCK: "🚧",
    Category.HPA_SATURATION: "📈",
    Category.JOB_FAILED: "❌",
    Category.EXTERNAL_DEPENDENCY: "🌐",
    Category.UNKNOWN: "❓",
}

CONFIDENCE_EMOJI: dict[ConfidenceLevel, str] = {
    ConfidenceLevel.HIGH: "🟢",
    ConfidenceLevel.MEDIUM: "🟡",
    ConfidenceLevel.LOW: "🟠",
}

WORKLOAD_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "CronJob", "Job", "ReplicaSet")


def category_title(category: Category) -> str:
    return CATEGORY_TITLES.get(category, category.value.replace("_", " ").capitalize())


def category_emoji(category: Category) -> str:
    return CATEGORY_EMOJI.get(category, "❓")


def confidence_words(level: ConfidenceLevel) -> str:
    """``High Confidence`` and friends."""
    return f"{level.value.capitalize()} Confidence"


def confidence_badge(level: ConfidenceLevel) -> str:
    """``🟢 High Confidence``."""
    return f"{CONFIDENCE_EMOJI[level]} {confidence_words(level)}"


def verdict_words(report: Report) -> str:
    """``High Confidence`` …, or ``Inconclusive`` when no root cause was determined."""
    return "Inconclusive" if is_undetermined(report) else confidence_words(report.root_cause.confidence.level)


def model_was_used(report: Report) -> bool:
    return bool(report.stats.model_usage)


def diagnosis_heading(report: Report) -> str:
    """``AI Diagnosis`` only when a language model took part; otherwise plain ``Diagnosis``."""
    return "AI Diagnosis" if model_was_used(report) else "Diagnosis"


def is_undetermined(report: Report) -> bool:
    return report.root_cause.category == Category.UNKNOWN


def is_tentative(report: Report) -> bool:
    """A low-confidence conclusion is presented as a hypothesis to verify, not a finding."""
    return report.root_cause.confidence.level == ConfidenceLevel.LOW and not is_undetermined(report)


def cause_label(report: Report) -> str:
    """How to introduce the root cause: as a finding, a possibility, or an admission."""
    if is_undetermined(report):
        return "Root cause not determined"
    return "Possible cause" if is_tentative(report) else "Root cause"


def cause_sentence(report: Report) -> str:
    """``Root cause: …``, ``Possible cause: …`` or ``Root cause not determined`` (without repeating itself)."""
    label = cause_label(report)
    summary = " ".join(report.root_cause.summary.split())
    if not summary or summary.lower().rstrip(".") == label.lower():
        return label
    return f"{label}: {summary}"


def workload_and_namespace(report: Report) -> tuple[str, str | None]:
    """The name a responder knows the incident by (the owning workload when there is one)."""
    alert_ref = report.alert.resource
    if alert_ref is not None and alert_ref.kind in WORKLOAD_KINDS:
        return alert_ref.name, alert_ref.namespace
    # Owners of the alerting resource first: other failing workloads may be listed too.
    owners = [r for r in report.affected_resources if "owner" in r.relation]
    for candidates in (owners, report.affected_resources):
        for kind in WORKLOAD_KINDS:
            owner = next((r for r in candidates if r.kind == kind), None)
            if owner is not None:
                return owner.name, owner.namespace
    if alert_ref is not None:
        return alert_ref.name, alert_ref.namespace
    return report.alert.name, report.alert.namespace

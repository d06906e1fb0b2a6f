"""The one visible list of detectors. Adding a detector: one module in ``detectors/`` and one line here."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from firstresponder.analysis.detectors import (
    app_crash,
    bad_command,
    config_change,
    dependency_down,
    dns,
    eviction,
    external_dependency,
    hpa_saturation,
    image_pull,
    ingress,
    job_failed,
    liveness_kill,
    missing_config,
    network_policy,
    node,
    oom,
    permission,
    probe_failure,
    quota,
    rollout_stuck,
    scheduling,
    service_routing,
    storage,
)
from firstresponder.analysis.finding import Finding
from firstresponder.models import EvidenceBundle

Detector = Callable[[EvidenceBundle, datetime], list[Finding]]

DETECTORS: tuple[tuple[str, Detector], ...] = (
    # containers that die
    ("oom", oom.detect),
    ("liveness_kill", liveness_kill.detect),
    ("eviction", eviction.detect),
    ("bad_command", bad_command.detect),
    ("permission", permission.detect),
    ("probe_failure", probe_failure.detect),
    # what changed
    ("config_change", config_change.detect),
    ("missing_config", missing_config.detect),
    ("app_crash", app_crash.detect),
    ("image_pull", image_pull.detect),
    ("rollout_stuck", rollout_stuck.detect),
    # what they depend on
    ("dependency_down", dependency_down.detect),
    ("service_routing", service_routing.detect),
    ("network_policy", network_policy.detect),
    ("dns", dns.detect),
    ("ingress", ingress.detect),
    ("external_dependency", external_dependency.detect),
    # where they run
    ("scheduling", scheduling.detect),
    ("storage", storage.detect),
    ("quota", quota.detect),
    ("node", node.detect),
    ("hpa_saturation", hpa_saturation.detect),
    ("job_failed", job_failed.detect),
)

"""The faults of the matrix: what the simulator does, to which requests, and what the report must then say."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from firstresponder.kube.reader import KIND_RESOURCES
from firstresponder.models import ResourceRef
from firstresponder.sim import FaultKind, FaultRule

LOG_RULE = 'apiGroups: [""], resources: ["pods/log"], verbs: ["get"]'


@dataclass(frozen=True)
class FaultCase:
    """One column of the matrix.

    ``absorbed``: the gateway's retry policy must hide the fault (same answer, no new gap);
    otherwise the report must carry a gap matching ``status`` / ``reason`` about ``target``.
    """

    name: str
    rules: Callable[[ResourceRef], list[FaultRule]]  # culprit -> rules
    absorbed: bool = False
    status: int | None = None
    reason: str | None = None  # substring of the gap's reason (transport faults)
    target: str = "any"  # "logs", "culprit" or a kind
    known_issue: str | None = None  # a disagreement with the product: the cell is a strict expected failure


class MissingGap(AssertionError):
    """The report does not say what could not be read."""


class OverConfident(AssertionError):
    """High confidence although a failed read hid evidence of the culprit."""


# (scenario, fault) cells where the product disagrees with the matrix; strict, so a fix shows up as XPASS.
KNOWN_CELLS: dict[tuple[str, str], tuple[type[AssertionError], str]] = {}  # none open


def culprit_path(culprit: ResourceRef) -> str:
    """A path regex selecting reads of the culprit: its object, and lists of its kind in its namespace."""
    _group, _version, plural, namespaced = KIND_RESOURCES.get(culprit.kind, ("", "v1", culprit.kind.lower() + "s", True))
    scope = f"/namespaces/{culprit.namespace}" if namespaced and culprit.namespace else ""
    return f"{scope}/{plural}(/{culprit.name})?$"


def _on_culprit(**fault: object) -> Callable[[ResourceRef], list[FaultRule]]:
    return lambda culprit: [FaultRule.model_validate({**fault, "path": culprit_path(culprit)})]


def _fixed(*rules: FaultRule) -> Callable[[ResourceRef], list[FaultRule]]:
    return lambda _culprit: list(rules)


_STATUS = FaultKind.STATUS.value
CASES: list[FaultCase] = [
    FaultCase("401-everything", _fixed(FaultRule.http(401)), status=401),
    FaultCase("403-pod-logs", _fixed(FaultRule.http(403, subresource="log")), status=403, target="logs"),
    FaultCase("403-culprit", _on_culprit(fault=_STATUS, status=403), status=403, target="culprit"),
    FaultCase("403-events", _fixed(FaultRule.http(403, kind="Event")), status=403, target="Event"),
    FaultCase("404-pod-logs", _fixed(FaultRule.http(404, subresource="log")), status=404, target="logs"),
    FaultCase("409-replicasets", _fixed(FaultRule.http(409, kind="ReplicaSet")), status=409, target="ReplicaSet"),
    FaultCase("410-events", _fixed(FaultRule.http(410, kind="Event")), status=410, target="Event"),
    FaultCase("429-burst-retried", _fixed(FaultRule.http(429, first=2, retry_after=1)), absorbed=True),
    FaultCase("429-pod-logs", _fixed(FaultRule.http(429, subresource="log", retry_after=1)), status=429,
              target="logs"),
    FaultCase("500-culprit", _on_culprit(fault=_STATUS, status=500), status=500, target="culprit"),
    FaultCase("503-once-retried", _fixed(FaultRule.http(503, nth=1)), absorbed=True),
    FaultCase("503-deployments", _fixed(FaultRule.http(503, kind="Deployment")), status=503, target="Deployment"),
    FaultCase("timeout-pod-logs", _fixed(FaultRule.timeout(2.0, subresource="log")), reason="timeout",
              target="logs"),
    FaultCase("slow-everything", _fixed(FaultRule.delay(0.02)), absorbed=True),
    FaultCase("reset-once-retried", _fixed(FaultRule.of(FaultKind.RESET, first=1)), absorbed=True),
    FaultCase("reset-culprit", _on_culprit(fault=FaultKind.RESET.value), reason="connection error",
              target="culprit"),
    FaultCase("truncated-json-pods", _fixed(FaultRule.of(FaultKind.TRUNCATED_JSON, path=r"/pods(/[^/]+)?$")),
              reason="malformed response", target="Pod"),
    FaultCase("malformed-json-culprit", _on_culprit(fault=FaultKind.MALFORMED_JSON.value),
              reason="malformed response", target="culprit"),
    FaultCase("log-stream-cut", _fixed(FaultRule.of(FaultKind.CUT_LOG, subresource="log")),
              reason="connection error", target="logs"),
]

"""Images that cannot be pulled: a bad tag or repository, a missing imagePullSecret, registry auth."""

from __future__ import annotations

import re
from datetime import datetime

from firstresponder.analysis.facts import events_for, facts_of, pod_key, rollout_of
from firstresponder.analysis.finding import Finding
from firstresponder.analysis.grouping import by_fix_target
from firstresponder.analysis.remediation import commands
from firstresponder.analysis.revisions import previous_revision, revision_change
from firstresponder.analysis.workloads import object_of, pod_spec
from firstresponder.models import Category, EvidenceBundle, Remediation, ResourceRef
from firstresponder.models.evidence import ContainerStatusFacts

NAME = "image_pull"
# The registry's own answer, quoted in the summary.
_ANSWER = re.compile(r"\b(?:401 Unauthorized|403 Forbidden|404 Not Found|manifest unknown|"
                     r"pull access denied|no basic auth credentials)\b", re.IGNORECASE)
_PULL = {"ErrImagePull", "ImagePullBackOff", "InvalidImageName"}
_AUTH = ("unauthorized", "authentication required", "pull access denied", "access denied", "403", "denied")
_NOT_FOUND = ("not found", "manifest unknown", "notfound", "name unknown", "does not exist")


def classify(text: str) -> str:
    low = text.lower()
    if any(s in low for s in _NOT_FOUND) and "pull access denied" not in low:
        return "not_found"
    if any(s in low for s in _AUTH):
        return "auth"
    return "unknown"


def detect(bundle: EvidenceBundle, now: datetime) -> list[Finding]:
    pulling = [(pod_key(ev, f.pod), (ev, f)) for ev, f in facts_of(bundle, ContainerStatusFacts)
               if f.waiting_reason in _PULL]
    findings = []
    for target, items in by_fix_target(bundle.topology, pulling).items():
        pods = sorted({p for p, _ in items})
        _ev, status = items[0][1]
        events = [(e, f) for p in pods for e, f in events_for(bundle, p, reasons={"Failed"})
                  if "image" in f.message.lower() or "pull" in f.message.lower()]
        text = " ".join([status.waiting_message or "", *(f.message for _e, f in events)])
        kind = "invalid" if status.waiting_reason == "InvalidImageName" else classify(text)
        culprit, summary, fixes = _diagnose(bundle, target, status, kind, text)
        change, _rev = revision_change(bundle, target)
        telling = [m for m in [status.waiting_message or "", *(f.message for _e, f in events)]
                   if classify(m) == kind] or [text]
        findings.append(Finding(
            detector=NAME, category=Category.IMAGE_PULL, culprit=culprit, summary=summary,
            detail=f"Image {status.image}: {_around_error(telling[-1])}",
            evidence_ids=list(dict.fromkeys([e.id for _p, (e, _f) in items] + [e.id for e, _f in events])),
            strength=0.9 if kind != "unknown" else 0.75, direct=True, change=change, explains=pods,
            reasons=[f"{status.waiting_reason}: {kind.replace('_', ' ')}"], remediations=fixes,
            verification=f"Pull {status.image} with the cluster's credentials (or check it exists in the registry).",
        ))
    return findings


def _around_error(message: str, width: int = 400) -> str:
    """The end of a long pull error, where the registry's answer (401, not found) is."""
    message = message.strip()
    return message if len(message) <= width else "…" + message[-width:]


def _diagnose(bundle: EvidenceBundle, target: ResourceRef, status: ContainerStatusFacts,
              kind: str, text: str = "") -> tuple[ResourceRef, str, list[Remediation]]:
    image, container = status.image, status.container
    quoted = _ANSWER.search(text)
    answer = f" ({quoted.group(0)})" if quoted else ""
    if kind == "auth":
        missing = _missing_pull_secrets(bundle, target)
        if missing:
            secret = missing[0]
            return secret, (f"{target.kind} {target.name} cannot pull {image}{answer}: imagePullSecret "
                            f"{secret.name} does not exist in {secret.namespace}"), [Remediation(
                description=(f"Create the docker-registry Secret {secret.name} in {secret.namespace} with "
                             "credentials for the registry (fill in the placeholders)."),
                command=commands.create_pull_secret(secret, _registry(image)),
                caution="If the Secret exists in another namespace, copy it from there instead of minting a token.",
                verify=commands.rollout_status(target) if target.kind != "Pod" else None)]
        return target, f"The registry refuses {target.kind} {target.name}'s credentials for {image}{answer}", [Remediation(
            description="Check the imagePullSecret's credentials (expired token?) or the node role's registry access.",
            command=commands.describe(target))]
    fixes: list[Remediation] = []
    found = rollout_of(bundle, target.key)
    previous = previous_revision(found[1]) if found else None
    old_image = previous.images.get(container) if previous else None
    if old_image and old_image != image and target.kind != "Pod":
        fixes.append(Remediation(
            description=f"Set {container} back to {old_image}, the image of revision {previous.revision if previous else '?'}.",
            command=commands.set_image(target, container, old_image),
            caution="Then publish the intended tag (or fix its name) before rolling forward again.",
            verify=commands.rollout_status(target)))
    what = "does not exist in the registry" if kind == "not_found" else "is not a valid image reference" \
        if kind == "invalid" else "cannot be pulled"
    return target, f"{target.kind} {target.name} cannot start: image {image} {what}", fixes


def _registry(image: str) -> str:
    """The registry host of an image reference (Docker Hub when the first part is not a host)."""
    first = image.split("/", 1)[0]
    return first if "/" in image and ("." in first or ":" in first or first == "localhost") else "docker.io"


def _missing_pull_secrets(bundle: EvidenceBundle, target: ResourceRef) -> list[ResourceRef]:
    obj = object_of(bundle.topology, target)
    names = [s.get("name") for s in pod_spec(obj).get("imagePullSecrets") or []] if obj else []
    refs = [ResourceRef(kind="Secret", namespace=target.namespace, name=str(n)) for n in names if n]
    return [r for r in refs if (node := bundle.topology.get(r)) is not None and node.missing]

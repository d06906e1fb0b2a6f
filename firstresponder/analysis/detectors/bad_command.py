"""The container's command cannot be executed: exit 127 (not found) or 126 (not executable)."""

from __future__ import annotations

from datetime import datetime

from firstresponder.analysis.facts import facts_of, log_signatures, pod_key, rollout_of
from firstresponder.analysis.finding import Finding
from firstresponder.analysis.grouping import by_fix_target
from firstresponder.analysis.remediation import commands
from firstresponder.analysis.revisions import previous_revision, revision_change
from firstresponder.models import Category, Evidence, EvidenceBundle, Remediation, ResourceRef
from firstresponder.models.evidence import ContainerStatusFacts

NAME = "bad_command"
_START_ERRORS = {"RunContainerError", "ContainerCannotRun", "StartError", "CreateContainerError"}
_EXEC_TEXT = ("executable file not found", "no such file or directory", "exec format error", "not found in $path")


def _bad_exec(bundle: EvidenceBundle, ev: Evidence, f: ContainerStatusFacts) -> str | None:
    """What shows the command is wrong, or None."""
    for term in (f.terminated, f.last_terminated):
        if term is not None and term.exit_code in {126, 127}:
            return f"exit {term.exit_code} ({'command not found' if term.exit_code == 127 else 'not executable'})"
    texts = [f.waiting_message or "", *((t.message or "") for t in (f.terminated, f.last_terminated) if t)]
    if f.waiting_reason in _START_ERRORS | {"CrashLoopBackOff"} and any(
            s in text.lower() for text in texts for s in _EXEC_TEXT):
        return next(t for t in texts if any(s in t.lower() for s in _EXEC_TEXT))[:160]
    if "exec_not_found" in log_signatures(bundle, pod_key(ev, f.pod), f.container):
        return "the log says the executable was not found"
    return None


def detect(bundle: EvidenceBundle, now: datetime) -> list[Finding]:
    bad = [(pod_key(ev, f.pod), (ev, f, why)) for ev, f in facts_of(bundle, ContainerStatusFacts)
           if (why := _bad_exec(bundle, ev, f)) is not None]
    findings = []
    for target, items in by_fix_target(bundle.topology, bad).items():
        pods = sorted({p for p, _ in items})
        _ev, status, why = items[0][1]
        change, _rev = revision_change(bundle, target)
        findings.append(Finding(
            detector=NAME, category=Category.BAD_COMMAND, culprit=target,
            summary=f"{status.container} in {target.kind} {target.name} cannot start its command: {why}",
            detail=f"Image {status.image or 'unknown'}; the command or entrypoint does not exist in the image "
                   "or is not executable.",
            evidence_ids=[e.id for _p, (e, _f, _w) in items], strength=0.85, direct=True, change=change,
            explains=pods, reasons=[why], remediations=_fixes(bundle, target),
            verification="`kubectl get deployment -o yaml` shows the command/args; compare with the image's entrypoint.",
        ))
    return findings


def _fixes(bundle: EvidenceBundle, target: ResourceRef) -> list[Remediation]:
    found = rollout_of(bundle, target.key)
    previous = previous_revision(found[1]) if found else None
    if target.kind == "Pod" or previous is None:
        return [Remediation(description="Fix the container's command/args (or the image entrypoint) in the manifest.",
                            command=commands.describe(target))]
    return [Remediation(
        description=f"Roll back to revision {previous.revision}, whose command and image started.",
        command=commands.rollout_undo(target, previous.revision), verify=commands.rollout_status(target))]

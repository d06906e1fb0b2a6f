"""A ConfigMap/Secret value the failing containers read changed shortly before they began to crash.

Strongest when the logs name what the new value says (a host that does not resolve or refuses
connections is the new DB_HOST); pods started before the change, still running fine on the old
value, support it. A change after the first failure cannot have started it and is not reported.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from firstresponder.analysis.config_refs import (
    changed_values,
    config_ref,
    consumers,
    last_change,
    restorable,
    started_before,
)
from firstresponder.analysis.facts import containers_of, facts_of, first_key_line, logs_of, pod_status
from firstresponder.analysis.failures import failing_pods, first_failure_at
from firstresponder.analysis.finding import Finding
from firstresponder.analysis.remediation import commands
from firstresponder.analysis.workloads import pods_of, workload_of
from firstresponder.models import Category, Change, Evidence, EvidenceBundle, Remediation, ResourceRef
from firstresponder.models.evidence import ConfigFacts, LogFacts

NAME = "config_change"
# Log signatures a bad configuration value produces.
CONFIG_SIGNATURES = frozenset({"dns_failure", "connection_refused", "timeout", "parse_error", "missing_env",
                               "missing_file", "tls", "auth_failure", "permission_denied"})
_TOLERANCE = timedelta(seconds=60)
_TOKEN = re.compile(r"[A-Za-z_][\w.-]{3,}")
# How long before the first failure a write still counts: a known value change, or just a write time.
_WINDOW_KNOWN = timedelta(hours=24)
_WINDOW_UNKNOWN = timedelta(hours=2)
_PROBLEMS = (("dns_failure", "does not resolve"), ("connection_refused", "refuses connections"),
             ("timeout", "times out"), ("tls", "fails the TLS handshake"), ("auth_failure", "rejects the credentials"),
             ("parse_error", "the app cannot parse"))


def detect(bundle: EvidenceBundle, now: datetime) -> list[Finding]:
    failing = failing_pods(bundle, now)
    findings = []
    for ev, cfg in facts_of(bundle, ConfigFacts):
        if cfg.exists:
            finding = _check(bundle, ev, cfg, failing, now)
            if finding is not None:
                findings.append(finding)
    return findings


def host_in(host: str, value: str | None) -> bool:
    """Whether a host named in a log line is what a config value points at."""
    if not value or not host:
        return False
    return host.lower() in value.lower()


def _check(bundle: EvidenceBundle, ev: Evidence, cfg: ConfigFacts, failing: set[str],
           now: datetime) -> Finding | None:
    change = last_change(bundle, ev, cfg)
    if change is None:
        return None
    changed = changed_values(cfg)
    users = consumers(bundle, ev, cfg)
    if changed and cfg.referenced_keys and not set(changed) & set(cfg.referenced_keys):
        return None  # the keys that changed are not the ones these pods read
    failing_users = sorted({c.pod for c in users if c.pod in failing})
    if not failing_users:
        return None
    first_failure = first_failure_at(bundle, set(failing_users), now)
    if change.at > first_failure + _TOLERANCE:
        return None  # it changed after the crashes began: not their cause
    if first_failure - change.at > (_WINDOW_KNOWN if changed else _WINDOW_UNKNOWN):
        return None  # written long before anything failed
    ref = config_ref(ev, cfg)
    logs = [item for pod in failing_users for item in logs_of(bundle, pod)]
    matched = _matching_hosts(logs, changed)
    # without the previous value, only a host or the whole value quoted by the error counts
    current = {} if changed else _matching_hosts(logs, {k: ("", v) for k, v in cfg.values.items()}, words=False)
    signatures = {s for _e, f in logs for s in f.signatures} & CONFIG_SIGNATURES
    siblings = {p for pod in failing_users if (w := workload_of(bundle.topology, pod)) for p in pods_of(bundle.topology, w.key)}
    healthy_old = _healthy_old_pods(bundle, sorted(({c.pod for c in users} | siblings) - failing), change)
    started_after = [p for p in failing_users if (st := pod_status(bundle, p)) and st[1].started_at
                     and st[1].started_at >= change.at]
    strength, reasons = 0.4, [f"{ref.kind} {ref.name} is read by the failing pods and changed before they failed"]
    if matched:
        strength += 0.35
        reasons.append(f"the logs fail on {', '.join(sorted(matched))}, the new value of "
                       f"{', '.join(sorted(set(matched.values())))}")
    elif current:
        strength += 0.2
        reasons.append(f"the logs fail on {', '.join(sorted(current))}, the current value of "
                       f"{', '.join(sorted(set(current.values())))} (its previous value is not recorded)")
    elif signatures:
        strength += 0.15
        reasons.append(f"the logs show {', '.join(sorted(signatures))}, typical of a bad setting")
    if healthy_old:
        strength += 0.1
        reasons.append(f"{len(healthy_old)} pod(s) started before the change still run fine on the old value")
    # pods started after the change fail, pods started before do not: the change is the difference
    mechanism = bool(healthy_old) and len(started_after) == len(failing_users)
    if mechanism:
        strength += 0.1
        reasons.append("only pods started after the change fail")
    log_ids = [e.id for e, f in logs if set(f.signatures) & CONFIG_SIGNATURES]
    return Finding(
        detector=NAME, category=Category.CONFIG_CHANGE, culprit=ref, summary=_summary(ref, changed, matched, logs),
        detail=_detail(ref, changed, change, failing_users),
        evidence_ids=list(dict.fromkeys([ev.id, *log_ids, *healthy_old])),
        strength=min(strength, 0.95), direct=bool(matched) or (mechanism and bool(signatures)), change=change,
        explains=failing_users,
        reasons=reasons, remediations=_fixes(bundle, ref, changed, failing_users, change),
        verification=(f"Compare the value the crashing pods read with the one older pods started with: "
                      f"`kubectl get configmap {ref.name} -n {ref.namespace} -o yaml` and the first error "
                      "in the previous container log." if ref.kind == "ConfigMap" else
                      f"Check who changed Secret {ref.name} and whether the old value still works."),
    )


def _matching_hosts(logs: list[tuple[Evidence, LogFacts]], changed: dict[str, tuple[str, str | None]], *,
                    words: bool = True) -> dict[str, str]:
    """What the logs fail on (a host, the new value, or a word the change introduced) -> the changed key."""
    found: dict[str, str] = {}
    for _ev, log in logs:
        for host in log.hosts:
            for key, (_old, new) in changed.items():
                if host_in(host, new):
                    found[host] = key
        lines = [line.text for line in log.key_lines] + ([log.first_error.text] if log.first_error else [])
        for key, (old, new) in changed.items():
            if new and len(new) >= 3 and any(new in line for line in lines):
                found.setdefault(new, key)
            # a file-like value: a word the change introduced, quoted by the error ("proxy_passs")
            for token in sorted(_tokens(new) - _tokens(old)) if words else []:
                if any(token in _tokens(line) for line in lines):
                    found.setdefault(token, key)
    return found


def _tokens(text: str | None) -> set[str]:
    return set(_TOKEN.findall(text or ""))


def _healthy_old_pods(bundle: EvidenceBundle, pods: list[str], change: Change) -> list[str]:
    """Evidence ids of pods started before the change that are running and ready."""
    ids: list[str] = []
    for pod in pods:
        status = pod_status(bundle, pod)
        containers = list(containers_of(bundle, pod))
        if status is None or not containers:
            continue
        if started_before(status[1].started_at, change.at) and all(c.ready for _e, c in containers if not c.init):
            ids.append(status[0].id)
    return ids


def _summary(ref: ResourceRef, changed: dict[str, tuple[str, str | None]], matched: dict[str, str],
             logs: list[tuple[Evidence, LogFacts]]) -> str:
    if matched:
        host, key = next(iter(matched.items()))
        signatures = {s for _e, f in logs for s in f.signatures}
        problem = next((text for sig, text in _PROBLEMS if sig in signatures), "is rejected by the app")
        return (f"{ref.kind} {ref.name} changed {key} to {host}, which {problem}: "
                "the pods that read it have crashed since")
    if changed:
        keys = ", ".join(sorted(changed))
        return f"{ref.kind} {ref.name} changed ({keys}) just before the pods that read it began to fail"
    line = first_key_line(logs)
    return f"{ref.kind} {ref.name} changed just before the pods that read it began to fail" + (
        f" ({line[:80]})" if line else "")


def _detail(ref: ResourceRef, changed: dict[str, tuple[str, str | None]], change: Change, pods: list[str]) -> str:
    diffs = "; ".join(f"{k}: {old!r} -> {new!r}" for k, (old, new) in sorted(changed.items()))
    who = f" by {change.actor}" if change.actor else ""
    return (f"{ref.key} was updated at {change.at:%H:%M:%S} UTC{who}"
            + (f" ({diffs})" if diffs else "") + f". Failing consumers: {', '.join(pods)}.")


def _fixes(bundle: EvidenceBundle, ref: ResourceRef, changed: dict[str, tuple[str, str | None]],
           pods: list[str], change: Change) -> list[Remediation]:
    workloads = list(dict.fromkeys(w for p in pods if (w := workload_of(bundle.topology, p)) is not None))
    fixes: list[Remediation] = []
    restore = {k: old for k, (old, _new) in changed.items() if restorable(old)}
    if ref.kind == "ConfigMap" and restore:
        fixes.append(Remediation(
            description=f"Restore the previous value(s) of {', '.join(sorted(restore))} in ConfigMap {ref.name}.",
            command=commands.patch_configmap_data(ref, restore),
            caution=("The previous value comes from the last-applied configuration. If the ConfigMap is "
                     "managed from git/Helm, revert it there too or the next deploy re-applies it"
                     + (f"; it was changed by {change.actor}." if change.actor else ".")),
            verify=commands.get(ref, "-o", "yaml"),
        ))
    elif ref.kind == "Secret":
        fixes.append(Remediation(
            description=(f"Restore the previous value of Secret {ref.name} (or finish the rotation where it is "
                         "checked); its values are not visible to this investigation."),
            command=commands.describe(ref),
            caution=("Do not restart the pods that still run fine: they hold the old, working value and would "
                     "pick up the new one" + (f"; it was written by {change.actor}." if change.actor else "."))))
        return fixes  # restarting before the Secret is fixed spreads the failure
    else:
        fixes.append(Remediation(description=(f"Revert the last change to {ref.kind} {ref.name}; its previous "
                                              "value is not recorded in the cluster: take it from version control.")))
    for workload in workloads:
        fixes.append(Remediation(
            description=(f"Then restart {workload.kind} {workload.name}: environment values are read only at "
                         "start."),
            command=commands.rollout_restart(workload), verify=commands.rollout_status(workload)))
    return fixes

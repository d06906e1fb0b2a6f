"""A container cannot start because a ConfigMap/Secret (or one key of it) it references is missing."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime

from firstresponder.analysis.config_refs import MASK, URL_PASSWORD, config_ref, restorable
from firstresponder.analysis.facts import facts_of, pod_key
from firstresponder.analysis.finding import Finding
from firstresponder.analysis.remediation import commands
from firstresponder.analysis.revisions import previous_revision, revision_change
from firstresponder.analysis.workloads import fix_target, object_of
from firstresponder.models import Category, EvidenceBundle, Remediation, ResourceRef
from firstresponder.models.evidence import ChangeKind, ConfigFacts, ContainerStatusFacts, RolloutFacts

NAME = "missing_config"
_NOT_FOUND = re.compile(r'(configmap|secret) "([^"]+)" not found', re.IGNORECASE)
_NO_KEY = re.compile(r"couldn't find key (\S+) in (ConfigMap|Secret) ([^/\s]+)/(\S+)")


def _missing_from_message(message: str, namespace: str | None) -> tuple[ResourceRef, str | None] | None:
    if m := _NO_KEY.search(message):
        key, kind, ns, name = m.groups()
        return ResourceRef(kind=kind, namespace=ns, name=name), key
    if m := _NOT_FOUND.search(message):
        kind = "ConfigMap" if m.group(1).lower() == "configmap" else "Secret"
        return ResourceRef(kind=kind, namespace=namespace, name=m.group(2)), None
    return None


def detect(bundle: EvidenceBundle, now: datetime) -> list[Finding]:
    blocked: dict[tuple[str, str | None], tuple[ResourceRef, list[str], list[str], set[str]]] = {}
    for ev, f in facts_of(bundle, ContainerStatusFacts):
        if f.waiting_reason != "CreateContainerConfigError":
            continue
        found = _missing_from_message(f.waiting_message or "", ev.resource.namespace)
        if found is None:
            continue
        ref, key = found
        _r, pods, ids, containers = blocked.setdefault((ref.key, key), (ref, [], [], set()))
        pods.append(pod_key(ev, f.pod))
        ids.append(ev.id)
        containers.add(f.container)
    config_facts = {config_ref(ev, c).key: (ev, c) for ev, c in facts_of(bundle, ConfigFacts)}
    return [_finding(bundle, ref, key, sorted(set(pods)), ids, config_facts.get(ref.key))
            for (_k, key), (ref, pods, ids, _c) in blocked.items()]


def _finding(bundle: EvidenceBundle, ref: ResourceRef, key: str | None, pods: list[str], ids: list[str],
             config: tuple[object, ConfigFacts] | None) -> Finding:
    what = f"key {key} of {ref.kind} {ref.name}" if key else f"{ref.kind} {ref.name}"
    workload = fix_target(bundle.topology, pods[0])
    rollout = next((f for _e, f in facts_of(bundle, RolloutFacts) if f.workload == workload), None)
    refers = rollout is not None and any(ref.name in (d.after or "") or (key and key in d.path) for d in rollout.diff)
    if refers:
        change, rollout_ev = revision_change(bundle, workload)
    else:  # the reference is old: what changed is the object (a key renamed or removed), if anything
        collected = [c for c in bundle.changes if c.resource.key == ref.key and c.kind == ChangeKind.CONFIG_UPDATE]
        change, rollout_ev = (max(collected, key=lambda c: c.at) if collected else None), None
    facts = config[1] if config else None
    # A key missing from an object that has not changed since before the reference existed: the
    # reference is what is wrong (a new workload or revision naming a key that never existed).
    wrong_reference = key is not None and (refers or _reference_newer(bundle, workload, rollout, facts))
    culprit = workload if wrong_reference and workload.kind != "Pod" else ref
    fixes = _fixes(bundle, ref, key, workload, facts, rollout if refers else None)
    if culprit == workload and key is not None:
        fixes = [*_reference_fixes(bundle, ref, key, workload, facts), *fixes]
    return Finding(
        detector=NAME, category=Category.MISSING_CONFIG, culprit=culprit,
        summary=f"Pods of {workload.kind} {workload.name} cannot start: {what} does not exist",
        detail=(f"CreateContainerConfigError on {len(pods)} pod(s): the pod template references {what}"
                + (", a reference the newest revision introduced" if refers else "")
                + (f"; {ref.kind} {ref.name} was last written at {change.at:%H:%M:%S} UTC"
                   if change is not None and not refers else "") + "."),
        evidence_ids=list(dict.fromkeys([*ids, *([rollout_ev.id] if rollout_ev else [])])),
        strength=0.9, direct=True, change=change, explains=pods,
        reasons=["kubelet reports CreateContainerConfigError naming the missing object"],
        remediations=fixes,
        verification=f"`kubectl get {ref.kind.lower()} {ref.name} -n {ref.namespace}` returns NotFound"
                     + (f" or lacks key {key}" if key else "") + ".",
    )


def _reference_newer(bundle: EvidenceBundle, workload: ResourceRef, rollout: RolloutFacts | None,
                     facts: ConfigFacts | None) -> bool:
    """The pod template naming the key is newer than the object's last change."""
    if facts is None or facts.last_changed_at is None or not facts.exists:
        return False
    since = rollout.revisions[0].created_at if rollout and rollout.revisions else None
    if since is None:
        created = ((object_of(bundle.topology, workload) or {}).get("metadata") or {}).get("creationTimestamp")
        since = datetime.fromisoformat(str(created).replace("Z", "+00:00")) if created else None
    return since is not None and since > facts.last_changed_at


def similar_key(keys: list[str], missing: str) -> str | None:
    """An existing key that contains the missing one as a word (password -> smtp-password)."""
    words = {k: set(re.split(r"[-_.]", k.lower())) for k in keys}
    alike = [k for k, parts in words.items() if missing.lower() in parts and k != missing]
    return alike[0] if len(alike) == 1 else None


def _env_referencing(obj: dict[str, object] | None, ref: ResourceRef, key: str) -> tuple[str, str] | None:
    """(container, env var) in a workload's pod template that reads ``key`` of ``ref``."""
    spec = (((obj or {}).get("spec") or {}).get("template") or {}).get("spec") or {}  # type: ignore[attr-defined]
    selector = "secretKeyRef" if ref.kind == "Secret" else "configMapKeyRef"
    for container in spec.get("containers") or []:
        for env in container.get("env") or []:
            source = (env.get("valueFrom") or {}).get(selector) or {}
            if source.get("name") == ref.name and source.get("key") == key:
                return str(container.get("name")), str(env.get("name"))
    return None


def _reference_fixes(bundle: EvidenceBundle, ref: ResourceRef, key: str, workload: ResourceRef,
                     facts: ConfigFacts | None) -> list[Remediation]:
    existing = similar_key(facts.keys, key) if facts else None
    env = _env_referencing(object_of(bundle.topology, workload), ref, key)
    if existing is None or env is None:
        return []
    container, variable = env
    selector = "secretKeyRef" if ref.kind == "Secret" else "configMapKeyRef"
    value_from = {"valueFrom": {selector: {"name": ref.name, "key": existing}}}
    return [Remediation(
        description=(f"{ref.kind} {ref.name} has key {existing}, not {key}: point {variable} of container "
                     f"{container} in {workload.kind} {workload.name} at {existing}."),
        command=commands.patch_container(workload, container, {"env": [{"name": variable, **value_from}]}),
        caution=f"Check that {existing} holds what {variable} expects; other workloads may rely on "
                f"{ref.kind} {ref.name} as it is, so change the reference rather than the object.",
        verify=commands.rollout_status(workload) if workload.kind != "Pod" else None)]


_SAME_MEANING = ({"HOST", "HOSTNAME", "SERVER", "ADDR", "ADDRESS", "ENDPOINT", "URL", "URI"},
                 {"USER", "USERNAME", "LOGIN"}, {"PASS", "PASSWORD", "PASSWD"}, {"DB", "DATABASE", "DBNAME"})


def renamed_key(data: Mapping[str, object], missing: str, referenced: list[str]) -> str | None:
    """The key that looks like ``missing`` renamed: same first word, not referenced (SMTP_HOST -> SMTP_SERVER)."""
    stem, _, suffix = missing.upper().partition("_")
    candidates = [k for k in data if k != missing and k not in referenced and k.upper().split("_")[0] == stem]
    meaning = next((group for group in _SAME_MEANING if suffix in group), {suffix})
    alike = [k for k in candidates if k.upper().partition("_")[2] in meaning]
    if len(alike) == 1:
        return alike[0]
    return candidates[0] if len(candidates) == 1 else None


def _fixes(bundle: EvidenceBundle, ref: ResourceRef, key: str | None, workload: ResourceRef,
           facts: ConfigFacts | None, rollout: RolloutFacts | None) -> list[Remediation]:
    verify = commands.rollout_status(workload) if workload.kind != "Pod" else None
    fixes: list[Remediation] = []
    obj = object_of(bundle.topology, ref)
    if key and facts is not None and ref.kind == "ConfigMap" and restorable(facts.previous_values.get(key, MASK)):
        fixes.append(Remediation(
            description=f"Put key {key} back into ConfigMap {ref.name} with its previous value.",
            command=commands.patch_configmap_data(ref, {key: facts.previous_values[key]}), verify=verify))
    elif key and obj is not None and ref.kind == "ConfigMap":
        data = {str(k): v for k, v in (obj.get("data") or {}).items()}
        renamed = renamed_key(data, key, facts.referenced_keys if facts else [key])
        value = data.get(renamed) if renamed else None
        if renamed and isinstance(value, str) and restorable(value) and not URL_PASSWORD.search(value):
            fixes.append(Remediation(
                description=(f"ConfigMap {ref.name} has {renamed} but not {key}: it looks renamed. "
                             f"Add {key} with the value of {renamed}."),
                command=commands.patch_configmap_data(ref, {key: value}),
                caution=f"Or change {workload.kind} {workload.name} to read {renamed}; keep both until it does.",
                verify=verify))
    previous = previous_revision(rollout) if rollout else None
    if previous is not None:
        fixes.append(Remediation(
            description=f"Roll {workload.kind} {workload.name} back to revision {previous.revision}, "
                        f"which did not reference {ref.name}.",
            command=commands.rollout_undo(workload, previous.revision), verify=verify))
    node = bundle.topology.get(ref)
    confirmed_missing = (node is not None and node.missing) or (facts is not None and not facts.exists)
    if confirmed_missing and key is None and ref.kind == "ConfigMap":
        keys = (facts.missing_keys if facts else []) or ([key] if key else [])
        fixes.append(Remediation(
            description=f"Create ConfigMap {ref.name} in {ref.namespace} from the manifests it normally comes from.",
            command=commands.create_configmap(ref, {k: "<value>" for k in keys}),
            caution=("The values are not known to this investigation: fill in the placeholders"
                     if keys else "An empty ConfigMap lets the pods start with default settings; fill it in properly")
                    + ", or mark the reference optional.", verify=verify))
    elif not fixes:
        fixes.append(Remediation(
            description=(f"Create {ref.kind} {ref.name} in namespace {ref.namespace}"
                         + (f" with key {key}" if key else "") + " (or mark the reference optional), "
                         "from the manifests it normally comes from."),
            caution="The values are not known to this investigation; do not invent them."))
    return fixes

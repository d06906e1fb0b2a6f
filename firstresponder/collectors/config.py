"""ConfigMaps and Secrets the pods reference: existence, keys, missing keys, values, last change."""

from __future__ import annotations

import json
from typing import Any

from firstresponder.collectors.context import CollectionContext, ResultBuilder
from firstresponder.collectors.ids import evidence_id
from firstresponder.collectors.redaction import mask_value
from firstresponder.collectors.times import parse_time
from firstresponder.models.evidence import ChangeKind, CollectorResult, ConfigFacts, Evidence
from firstresponder.models.resource import ResourceRef
from firstresponder.models.topology import EdgeRelation
from firstresponder.topology.configuration import object_keys
from firstresponder.topology.objects import annotations_of, as_dict, as_list, meta, pod_spec
from firstresponder.topology.references import config_references

NAME = "config"
MAX_VALUE = 300
MAX_VALUES = 20


def last_change(obj: dict[str, Any]) -> tuple[Any, str | None]:
    """(newest managedFields time, its manager); creationTimestamp when there are no managedFields."""
    best: tuple[Any, str | None] = (None, None)
    for entry in as_list(meta(obj).get("managedFields")):
        entry = as_dict(entry)
        at = parse_time(entry.get("time"))
        if at is not None and (best[0] is None or at > best[0]):
            best = (at, str(entry.get("manager")) if entry.get("manager") else None)
    if best[0] is None:
        return parse_time(meta(obj).get("creationTimestamp")), None
    return best


def previous_data(obj: dict[str, Any]) -> dict[str, str]:
    """The data in the last-applied-configuration annotation (what ``kubectl apply`` last wrote)."""
    raw = annotations_of(obj).get("kubectl.kubernetes.io/last-applied-configuration")
    if not raw:
        return {}
    try:
        applied = json.loads(raw)
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in as_dict(as_dict(applied).get("data")).items()}


def _uses(ctx: CollectionContext, ref: ResourceRef) -> tuple[list[str], list[str], set[str]]:
    """(consumer descriptions, referenced keys, keys referenced without optional) from the consuming pods."""
    consumers: list[str] = []
    keys: dict[str, None] = {}
    required: set[str] = set()
    whole = False
    for source in dict.fromkeys(ctx.topology.sources(ref, EdgeRelation.CONFIGURES)):
        pod = ctx.obj(source)
        if pod is None:
            continue
        for use in config_references(pod_spec(pod)):
            if use.kind != ref.kind or use.name != ref.name:
                continue
            consumers.append(f"{source} {use.where}" + (f" key {use.key}" if use.key else ""))
            if use.key:
                keys[use.key] = None
                if not use.optional:
                    required.add(use.key)
            else:
                whole = True
    if whole:
        keys["*"] = None
    return list(dict.fromkeys(consumers))[:20], list(keys), required


def collect_config(ctx: CollectionContext, ref: ResourceRef) -> CollectorResult:
    """ConfigFacts for one referenced ConfigMap/Secret (Secret values never read or shown)."""
    out = ResultBuilder(ctx, NAME, ref)
    node = ctx.node(ref)
    kind = "Secret" if ref.kind == "Secret" else "ConfigMap"
    evidence_key = evidence_id("secret" if kind == "Secret" else "cm", ref.name)
    if node is None or (node.object is None and not node.missing):
        out.skipped = True  # unreadable: discovery already recorded the gap
        return out.result()
    consumers, referenced, required = _uses(ctx, ref)
    referenced_keys = [k for k in referenced if k != "*"]
    if node.object is None:
        facts = ConfigFacts(kind=kind, name=ref.name, exists=False, referenced_keys=referenced_keys,
                            missing_keys=sorted(required), consumers=consumers)
        summary = f"{kind} {ref.name} does not exist but is referenced by {len(consumers)} use(s)"
        out.evidence.append(Evidence(id=evidence_key, resource=ref, summary=summary,
                                     excerpt="\n".join(consumers)[:2000], facts=facts))
        return out.result()
    obj = node.object
    keys = sorted(object_keys(obj))
    missing = sorted(k for k in required if k not in keys)
    at, manager = last_change(obj)
    values: dict[str, str] = {}
    previous: dict[str, str] = {}
    if kind == "ConfigMap":
        data = {str(k): str(v) for k, v in as_dict(obj.get("data")).items()}
        wanted = keys if "*" in referenced else [k for k in referenced_keys if k in data]
        for key in [k for k in wanted if k in data][:MAX_VALUES]:
            values[key] = mask_value(key, data[key])[:MAX_VALUE]
        for key, old in previous_data(obj).items():
            if (key in values or key in referenced_keys) and data.get(key) != old:
                previous[key] = mask_value(key, old)[:MAX_VALUE]
    facts = ConfigFacts(kind=kind, name=ref.name, keys=keys, referenced_keys=referenced_keys, missing_keys=missing,
                        values=values, previous_values=previous, last_changed_at=at, last_changed_by=manager,
                        consumers=consumers)
    out.evidence.append(Evidence(id=evidence_key, resource=ref, summary=_summary(facts), at=at,
                                 excerpt=_excerpt(facts)[:2000], facts=facts))
    changed = f" ({', '.join(sorted(previous))} changed)" if previous else ""
    out.change(at, ref, ChangeKind.CONFIG_UPDATE, f"{kind} {ref.name} last written{changed}", actor=manager,
               evidence_id=evidence_key)
    return out.result()


def _summary(facts: ConfigFacts) -> str:
    text = f"{facts.kind} {facts.name}: {len(facts.keys)} keys"
    if facts.missing_keys:
        text += f"; referenced keys missing: {', '.join(facts.missing_keys)}"
    if facts.previous_values:
        text += f"; changed since last apply: {', '.join(sorted(facts.previous_values))}"
    if facts.last_changed_at:
        text += f"; last written {facts.last_changed_at.isoformat()}" + (
            f" by {facts.last_changed_by}" if facts.last_changed_by else "")
    return text


def _excerpt(facts: ConfigFacts) -> str:
    lines = [f"keys: {', '.join(facts.keys)}"]
    lines += [f"{k}: {v}" + (f"   (was: {facts.previous_values[k]})" if k in facts.previous_values else "")
              for k, v in facts.values.items()]
    lines += [f"{k}: (was: {v}, now absent)" for k, v in facts.previous_values.items() if k not in facts.values]
    lines += [f"used by {c}" for c in facts.consumers[:5]]
    return "\n".join(lines)

"""PersistentVolumeClaim facts: phase, volume and storage class existence, requested size."""

from __future__ import annotations

from firstresponder.collectors.context import CollectionContext, ResultBuilder
from firstresponder.collectors.ids import evidence_id
from firstresponder.models.evidence import CollectorResult, Evidence, PvcFacts
from firstresponder.models.resource import ResourceRef
from firstresponder.topology.objects import dig

NAME = "pvc"


def _exists(ctx: CollectionContext, out: ResultBuilder, kind: str, name: str | None) -> bool:
    if not name:
        return True
    node = ctx.node(ResourceRef(kind=kind, name=name))
    if node is not None:
        return not node.missing
    found = out.attempt(lambda: (ctx.reader.get(kind, name, None),), f"get {kind} {name}")
    return True if found is None else found[0] is not None


def collect_pvc(ctx: CollectionContext, ref: ResourceRef) -> CollectorResult:
    out = ResultBuilder(ctx, NAME, ref)
    claim = ctx.obj(ref)
    if claim is None:
        out.skipped = True
        return out.result()
    storage_class = dig(claim, "spec", "storageClassName")
    volume = dig(claim, "spec", "volumeName")
    facts = PvcFacts(claim=ref.name, phase=str(dig(claim, "status", "phase") or "Unknown"),
                     storage_class=str(storage_class) if storage_class else None,
                     storage_class_exists=_exists(ctx, out, "StorageClass", storage_class),
                     volume=str(volume) if volume else None,
                     volume_exists=_exists(ctx, out, "PersistentVolume", volume),
                     requested=dig(claim, "spec", "resources", "requests", "storage"))
    problems = [p for p, bad in ((f"StorageClass {storage_class} missing", not facts.storage_class_exists),
                                 (f"PersistentVolume {volume} missing", not facts.volume_exists)) if bad]
    summary = f"PVC {ref.name} is {facts.phase} ({facts.requested or '?'}, class {storage_class or 'default'})"
    out.evidence.append(Evidence(id=evidence_id("pvc", ref.name), resource=ref,
                                 summary=summary + ("; " + "; ".join(problems) if problems else ""), facts=facts))
    return out.result()

"""What an alert is about: resource, namespace and container, plus the notes explaining the choice."""

from __future__ import annotations

from dataclasses import dataclass, field

from firstresponder.intake.sanitize import clean_line, is_k8s_name
from firstresponder.models.resource import CLUSTER_SCOPED_KINDS, ResourceRef


@dataclass
class Scope:
    """The alert's subject as a normaliser resolved it."""

    resource: ResourceRef | None = None
    namespace: str | None = None
    container: str | None = None
    notes: list[str] = field(default_factory=list)


def checked_name(value: str | None, what: str, notes: list[str]) -> str | None:
    """``value`` when it is a usable Kubernetes name; otherwise None and a note."""
    if value is None or value == "":
        return None
    if is_k8s_name(value):
        return value
    notes.append(f"{what} {clean_line(value, 80)!r} is not a valid Kubernetes name; ignored")
    return None


def scope_for(kind: str, name: str | None, namespace: str | None, *, origin: str,
              container: str | None = None, notes: list[str] | None = None) -> Scope:
    """A Scope naming ``kind``/``name`` (validated); namespace scope, with a note, when the name is unusable."""
    scope = Scope(notes=list(notes or []))
    scope.namespace = checked_name(namespace, "namespace", scope.notes)
    scope.container = checked_name(container, "container", scope.notes)
    subject = checked_name(name, origin, scope.notes)
    if subject is None:
        scope.notes.append(f"no usable {origin}: scoped to {_fallback_label(scope.namespace)}")
        return scope
    if kind in CLUSTER_SCOPED_KINDS:
        scope.resource = ResourceRef(kind=kind, name=subject)
        return scope
    if scope.namespace is None:
        scope.notes.append(f"{kind} {subject} has no namespace in the payload; scoped to the cluster")
        return scope
    scope.resource = ResourceRef(kind=kind, name=subject, namespace=scope.namespace)
    return scope


def _fallback_label(namespace: str | None) -> str:
    return f"namespace {namespace}" if namespace else "the cluster"

"""Datadog monitor titles and tag lists → Kubernetes scope."""

from __future__ import annotations

import re

from firstresponder.intake.scope import Scope, checked_name, scope_for

# Tag key → kind, most specific first: the first present names the subject.
SUBJECT_TAGS: tuple[tuple[str, str], ...] = (
    ("pod_name", "Pod"),
    ("persistentvolumeclaim", "PersistentVolumeClaim"),
    ("kube_job", "Job"),
    ("kube_cronjob", "CronJob"),
    ("kube_stateful_set", "StatefulSet"),
    ("kube_daemon_set", "DaemonSet"),
    ("kube_deployment", "Deployment"),
    ("kube_service", "Service"),
    ("kube_node", "Node"),
    # Unified service tagging: the application's name, usually its Deployment's; a guess, noted as one.
    ("service", "Deployment"),
)
SERVICE_TAG_NOTE = ("Datadog service tag {name} names an application, not a Kubernetes object; assumed a Deployment "
                    "of that name (topology resolves it)")
KNOWN_TAGS = frozenset({key for key, _ in SUBJECT_TAGS} | {"kube_namespace", "kube_cluster_name",
                                                             "kube_container_name"})
# "[Triggered on {kube_namespace:x,pod_name:y}] name", "[P1] [Recovered] name", "[Warn on {...}] name".
_TITLE_PREFIX = re.compile(r"^\s*\[(?P<inner>[^\]]{0,2000})\]\s*")
_TRANSITION_ON = re.compile(r"^(?P<transition>[A-Za-z][A-Za-z -]{0,30}?)(?: on \{(?P<scope>[^}]*)\})?$")
_PRIORITY = re.compile(r"^P[1-5]$")
_BODY_TAG = re.compile(r"\b(" + "|".join(sorted(KNOWN_TAGS)) + r"):([A-Za-z0-9][A-Za-z0-9._-]{0,252})")


def parse_title(title: str) -> tuple[str | None, str | None, dict[str, str], str]:
    """(transition, priority, scope tags, monitor name) of a Datadog event title."""
    transition: str | None = None
    priority: str | None = None
    scope: dict[str, str] = {}
    rest = title
    for _ in range(3):  # at most a priority, a transition and "[TEST]"-like markers
        match = _TITLE_PREFIX.match(rest)
        if not match:
            break
        inner = match["inner"].strip()
        on = _TRANSITION_ON.match(inner)
        if _PRIORITY.match(inner):
            priority = inner
        elif on and transition is None and inner.upper() != "TEST":
            transition = on["transition"].strip()
            scope = parse_tags(on["scope"] or "")
        else:
            break
        rest = rest[match.end():]
    return transition, priority, scope, rest.strip()


def parse_tags(text: str) -> dict[str, str]:
    """``key:value`` pairs of a comma-separated tag list (first value of each key wins)."""
    tags: dict[str, str] = {}
    for item in text.split(",")[:200]:
        key, sep, value = item.strip().partition(":")
        if sep and key and value and key not in tags:
            tags[key.strip()] = value.strip()
    return tags


def tags_in_body(body: str) -> dict[str, str]:
    """Known Kubernetes tags mentioned in a monitor message body (``kube_namespace:x``)."""
    tags: dict[str, str] = {}
    for key, value in _BODY_TAG.findall(body[:65536]):
        tags.setdefault(key, value)
    return tags


def tag_scope(scope_tags: dict[str, str], other_tags: dict[str, str]) -> Scope:
    """The subject from the triggering group's tags, else from the event's other tags."""
    for tags, origin in ((scope_tags, "alert scope"), (other_tags, "tags")):
        for key, kind in SUBJECT_TAGS:
            if tags.get(key):
                namespace = tags.get("kube_namespace") or scope_tags.get("kube_namespace") or \
                    other_tags.get("kube_namespace")
                container = tags.get("kube_container_name") if kind == "Pod" else None
                guess = [SERVICE_TAG_NOTE.format(name=tags[key])] if key == "service" else []
                return scope_for(kind, tags[key], None if kind == "Node" else namespace,
                                 origin=f"{origin} tag {key}", container=container, notes=guess)
    notes: list[str] = []
    namespace = checked_name(scope_tags.get("kube_namespace") or other_tags.get("kube_namespace"),
                             "namespace", notes)
    notes.append(f"no Kubernetes resource tag: scoped to {'namespace ' + namespace if namespace else 'the cluster'}")
    return Scope(namespace=namespace, notes=notes)

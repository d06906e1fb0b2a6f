"""Checks a proposed kubectl command against the topology before it is reported.

The command is parsed the way a shell would (``shlex``), must use a known, preferably
non-destructive verb, may name only resources that exist in the topology (or that it creates),
and a patch is applied client-side to the object as fetched; the result must stay sane.
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass, field
from typing import Any

from firstresponder.analysis.remediation.commands import KUBECTL_RESOURCE
from firstresponder.analysis.remediation.patching import PatchError, apply_patch
from firstresponder.analysis.remediation.sanity import object_problems
from firstresponder.analysis.workloads import container_spec
from firstresponder.models import ResourceRef, Topology
from firstresponder.models.resource import CLUSTER_SCOPED_KINDS

_KINDS: dict[str, str] = {name: kind for kind, name in KUBECTL_RESOURCE.items()}
_KINDS.update({kind.lower(): kind for kind in KUBECTL_RESOURCE})
_KINDS.update({"deploy": "Deployment", "svc": "Service", "cm": "ConfigMap", "po": "Pod", "pods": "Pod",
               "sts": "StatefulSet", "ds": "DaemonSet", "rs": "ReplicaSet", "ing": "Ingress",
               "netpol": "NetworkPolicy", "no": "Node", "nodes": "Node", "ns": "Namespace",
               "horizontalpodautoscaler": "HorizontalPodAutoscaler", "quota": "ResourceQuota",
               "sa": "ServiceAccount", "ep": "Endpoints", "events": "Event", "event": "Event",
               "deployments": "Deployment", "services": "Service", "configmaps": "ConfigMap",
               "pvc": "PersistentVolumeClaim", "hpa": "HorizontalPodAutoscaler", "pv": "PersistentVolume", "jobs": "Job", "limits": "LimitRange"})
_VALUE_FLAGS = {"-n", "--namespace", "--type", "-p", "--patch", "-c", "--container", "--replicas",
                "--to-revision", "-l", "--selector", "-o", "--output", "--tail", "--since",
                "--timeout", "--field-selector", "--from-literal", "--docker-server", "--docker-username",
                "--docker-password", "--docker-email"}
_READ_VERBS = {"get", "describe", "logs", "top", "explain"}
_ROLLOUT = {"restart", "undo", "status", "history"}
_SET = {"image", "env", "resources"}
_WORKLOADS = {"Deployment", "StatefulSet", "DaemonSet"}


@dataclass
class _Parsed:
    words: list[str] = field(default_factory=list)  # positional arguments after "kubectl"
    flags: dict[str, str] = field(default_factory=dict)


def _parse(tokens: list[str]) -> _Parsed:
    parsed = _Parsed()
    rest = iter(tokens)
    for arg in rest:
        if arg.startswith("-") and arg != "-":
            name, eq, value = arg.partition("=")
            logs_previous = arg == "-p" and parsed.words[:1] == ["logs"]  # `logs -p` is --previous
            if eq:
                parsed.flags[name] = value
            elif arg in _VALUE_FLAGS and not logs_previous:
                parsed.flags[arg] = next(rest, "")
            else:
                parsed.flags[arg] = "true"
        else:
            parsed.words.append(arg)
    return parsed


def _flag(parsed: _Parsed, *names: str) -> str | None:
    return next((parsed.flags[n] for n in names if n in parsed.flags), None)


def _resource(words: list[str], namespace: str | None) -> tuple[ResourceRef | None, list[str], str | None]:
    """The resource named by ``kind/name`` or ``kind name``; returns it, the remaining words, a problem."""
    if not words:
        return None, [], "no resource named"
    head, rest = words[0], words[1:]
    if "/" in head:
        kind_word, _, name = head.partition("/")
    elif rest:
        kind_word, name, rest = head, rest[0], rest[1:]
    else:
        kind_word, name = head, ""
    kind = _KINDS.get(kind_word.lower())
    if kind is None:
        return None, rest, f"unknown resource type {kind_word!r}"
    if not name:
        return ResourceRef(kind=kind, name="", namespace=namespace), rest, None
    ns = None if kind in CLUSTER_SCOPED_KINDS else namespace
    return ResourceRef(kind=kind, name=name, namespace=ns), rest, None


def _existing(ref: ResourceRef, topology: Topology) -> tuple[dict[str, Any] | None, list[str]]:
    node = topology.get(ref)
    if node is None or node.missing or node.object is None:
        return None, [f"{ref.key} is not in the investigated topology"]
    return node.object, []


def validate_command(cmd: str, topology: Topology) -> list[str]:
    """Problems with a proposed kubectl command; an empty list means it is safe to show."""
    try:
        tokens = shlex.split(cmd)
    except ValueError as exc:
        return [f"cannot be parsed as a shell command: {exc}"]
    if not tokens or tokens[0] != "kubectl":
        return ["not a kubectl command"]
    if any(t in {"|", ";", "&&", "||", ">", "<"} for t in tokens):
        return ["shell operators are not allowed"]
    parsed = _parse(tokens[1:])
    if not parsed.words:
        return ["no kubectl verb"]
    verb, words = parsed.words[0], parsed.words[1:]
    namespace = _flag(parsed, "-n", "--namespace")
    if verb in _READ_VERBS:
        return _check_read(verb, words, namespace, parsed, topology)
    if verb == "rollout":
        if not words or words[0] not in _ROLLOUT:
            return [f"unsupported rollout subcommand {words[:1]}"]
        return _check_rollout(words[0], words[1:], namespace, parsed, topology)
    if verb == "set":
        if not words or words[0] not in _SET:
            return [f"unsupported set subcommand {words[:1]}"]
        return _check_set(words[0], words[1:], namespace, parsed, topology)
    if verb == "patch":
        return _check_patch(words, namespace, parsed, topology)
    if verb == "scale":
        return _check_scale(words, namespace, parsed, topology)
    if verb == "create":
        return _check_create(words, namespace, parsed, topology)
    if verb in {"uncordon", "cordon"}:
        ref, _rest, problem = _resource(["node", *words[:1]], None)
        if problem or ref is None:
            return [problem or "no node named"]
        return _existing(ref, topology)[1]
    return [f"verb {verb!r} is not allowed (only read, patch, set, rollout, scale, uncordon, create)"]


def _check_read(verb: str, words: list[str], namespace: str | None, parsed: _Parsed,
                topology: Topology) -> list[str]:
    if verb == "logs":
        words = words if not words or "/" in words[0] else ["pod", *words]
    ref, _rest, problem = _resource(words, namespace)
    if problem:
        return [problem]
    if ref is None or not ref.name:
        return []  # a listing (optionally by label) names no single resource
    if ref.kind == "Event":
        return []
    found, problems = _existing(ref, topology)
    container = _flag(parsed, "-c", "--container") if verb == "logs" else None
    if found is not None and container and container_spec(found, container) is None:
        problems.append(f"no container {container!r} in {ref.key}")
    return problems


def _check_rollout(sub: str, words: list[str], namespace: str | None, parsed: _Parsed,
                   topology: Topology) -> list[str]:
    ref, _rest, problem = _resource(words, namespace)
    if problem or ref is None or not ref.name:
        return [problem or "rollout needs a named workload"]
    if ref.kind not in _WORKLOADS:
        return [f"cannot roll out a {ref.kind}"]
    _obj, problems = _existing(ref, topology)
    if sub == "undo" and (revision := _flag(parsed, "--to-revision")) is not None:
        if not revision.isdigit() or int(revision) < 1:
            problems.append(f"--to-revision {revision!r} is not a revision number")
        else:
            problems += _revision_problems(ref, int(revision), topology)
    return problems


def _revision_problems(ref: ResourceRef, revision: int, topology: Topology) -> list[str]:
    """When the workload's ReplicaSets were fetched, the revision must be one of them."""
    known: set[int] = set()
    for rs in topology.objects("ReplicaSet"):
        meta = rs.get("metadata") or {}
        owners = {o.get("name") for o in meta.get("ownerReferences") or [] if o.get("kind") == ref.kind}
        number = (meta.get("annotations") or {}).get("deployment.kubernetes.io/revision", "")
        if ref.name in owners and str(number).isdigit():
            known.add(int(number))
    if known and revision not in known:
        return [f"{ref.key} has no revision {revision} (known: {sorted(known)})"]
    return []


def _check_set(sub: str, words: list[str], namespace: str | None, parsed: _Parsed,
               topology: Topology) -> list[str]:
    ref, rest, problem = _resource(words, namespace)
    if problem or ref is None or not ref.name:
        return [problem or "set needs a named workload"]
    obj, problems = _existing(ref, topology)
    if obj is None:
        return problems
    assignments = [w for w in rest if "=" in w]
    if not assignments:
        return [f"set {sub} without NAME=VALUE"]
    if sub == "image":
        for assignment in assignments:
            container, _, image = assignment.partition("=")
            if container_spec(obj, container) is None:
                problems.append(f"no container {container!r} in {ref.key}")
            if not image or any(c.isspace() for c in image):
                problems.append(f"image {image!r} is not an image reference")
    elif (env_container := _flag(parsed, "-c", "--container")) and container_spec(obj, env_container) is None:
        problems.append(f"no container {env_container!r} in {ref.key}")
    return problems


def _check_patch(words: list[str], namespace: str | None, parsed: _Parsed, topology: Topology) -> list[str]:
    ref, _rest, problem = _resource(words, namespace)
    if problem or ref is None or not ref.name:
        return [problem or "patch needs a named resource"]
    obj, problems = _existing(ref, topology)
    body_text = _flag(parsed, "-p", "--patch")
    if obj is None:
        return problems
    if body_text is None:
        return ["patch without -p"]
    patch_type = _flag(parsed, "--type") or "strategic"
    try:
        body = json.loads(body_text)
    except json.JSONDecodeError as exc:
        return [f"patch body is not JSON: {exc}"]
    try:
        after = apply_patch(obj, body, patch_type)
    except PatchError as exc:
        return [f"patch does not apply to {ref.key}: {exc}"]
    if after == obj:
        problems.append(f"patch changes nothing in {ref.key}")
    return problems + object_problems(obj, after)


def _check_scale(words: list[str], namespace: str | None, parsed: _Parsed, topology: Topology) -> list[str]:
    ref, _rest, problem = _resource(words, namespace)
    if problem or ref is None or not ref.name:
        return [problem or "scale needs a named workload"]
    _obj, problems = _existing(ref, topology)
    replicas = _flag(parsed, "--replicas")
    if replicas is None or not replicas.isdigit():
        problems.append(f"--replicas {replicas!r} is not a non-negative integer")
    return problems


_CREATE_FLAGS = {"configmap": {"--from-literal"},
                 "docker-registry": {"--docker-server", "--docker-username", "--docker-password", "--docker-email"}}
PLACEHOLDER = re.compile(r"^<[a-z-]+>$")  # credentials a human fills in; never a guessed value


def _check_create(words: list[str], namespace: str | None, parsed: _Parsed, topology: Topology) -> list[str]:
    """Only a ConfigMap or a docker-registry Secret that does not exist yet may be created."""
    if words[:1] == ["configmap"] and len(words) == 2:
        kind, flavour, name = "ConfigMap", "configmap", words[1]
    elif words[:2] == ["secret", "docker-registry"] and len(words) == 3:
        kind, flavour, name = "Secret", "docker-registry", words[2]
    else:
        return [f"only `create configmap NAME` and `create secret docker-registry NAME` are allowed, not {words}"]
    if namespace is None:
        return ["create needs -n NAMESPACE"]
    ref = ResourceRef(kind=kind, namespace=namespace, name=name)
    node = topology.get(ref)
    problems = [f"{ref.key} already exists"] if node is not None and not node.missing else []
    allowed = _CREATE_FLAGS[flavour] | {"-n", "--namespace"}
    problems += [f"flag {flag} is not allowed here" for flag in parsed.flags if flag not in allowed]
    if flavour == "docker-registry":
        for flag in ("--docker-username", "--docker-password"):
            if not PLACEHOLDER.match(parsed.flags.get(flag, "")):
                problems.append(f"{flag} must be a <placeholder>: credentials are never proposed")
    return problems

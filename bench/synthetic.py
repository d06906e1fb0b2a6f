"""Synthetic clusters of a chosen size with the demo's incident planted in them (snapshot format).

The demo's objects (ConfigMap change → CrashLoopBackOff in ``production``) are kept verbatim; the
filler is healthy apps cloned from the demo's own ``checkout-web`` objects, so every object keeps
realistic size (managedFields, status, last-applied annotations). Filler spreads over namespaces of
about 100 pods and nodes of about 30 pods, so the alerting namespace and node look the same at every
size: only the cluster grows. Objects are written as JSON ``v1`` Lists (valid YAML) for speed.
"""

from __future__ import annotations

import json
import random
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from firstresponder.snapshot import load_snapshot

DEMO_DIR = Path(__file__).resolve().parent.parent / "firstresponder" / "demo" / "payments"
PODS_PER_NAMESPACE = 100
PODS_PER_NODE = 30
SAMPLES = 200

TEMPLATE_APP = "checkout-web"  # a healthy Deployment of the demo, cloned as filler
_NAMESPACE = "production"
_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"


@dataclass(frozen=True)
class GeneratedCluster:
    """What was written: where, and how much of it."""

    directory: Path
    pods: int
    deployments: int
    namespaces: int
    nodes: int
    events: int
    objects: int
    bytes: int
    samples: tuple[tuple[str, str, str], ...] = ()  # filler (namespace, pod, app label), spread over the cluster


class _Ids:
    """Deterministic names and uids, so two runs write the same cluster."""

    def __init__(self, seed: int) -> None:
        self._rng = random.Random(seed)

    def uid(self) -> str:
        return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))

    def suffix(self, length: int) -> str:
        return "".join(self._rng.choice(_ALPHABET) for _ in range(length))


@dataclass(frozen=True)
class _Template:
    """The template app's objects as JSON text, and the names inside them that each clone replaces."""

    texts: dict[tuple[str, str], str]  # (role, name) -> JSON text
    current_hash: str
    old_hash: str
    pod_suffixes: tuple[str, ...]
    slice_suffix: str
    nodes: tuple[str, ...]  # the node of each template pod, in pod order


def _find_template(objects: list[dict[str, Any]], app: str = TEMPLATE_APP) -> _Template:
    """The demo's ``app`` Deployment with its ReplicaSets, pods, Service, Endpoints, slice and metrics."""
    ns = [o for o in objects if o["metadata"].get("namespace") == _NAMESPACE]

    def one(kind: str, name: str) -> dict[str, Any]:
        found = [o for o in ns if o["kind"] == kind and o["metadata"]["name"] == name]
        if not found:
            raise RuntimeError(f"demo snapshot has no {kind} {_NAMESPACE}/{name} to clone as filler")
        return found[0]

    sets = sorted((o for o in ns if o["kind"] == "ReplicaSet" and o["metadata"]["name"].startswith(app + "-")),
                  key=lambda o: -int(o["spec"].get("replicas") or 0))
    if len(sets) < 2:
        raise RuntimeError(f"demo snapshot: {app} needs a current and an old ReplicaSet")
    current, old = sets[0]["metadata"]["name"], sets[1]["metadata"]["name"]
    pods = sorted((o for o in ns if o["kind"] == "Pod" and o["metadata"]["name"].startswith(current + "-")),
                  key=lambda o: str(o["metadata"]["name"]))
    slices = [o for o in ns if o["kind"] == "EndpointSlice"
              and o["metadata"].get("labels", {}).get("kubernetes.io/service-name") == app]
    if not pods or not slices:
        raise RuntimeError(f"demo snapshot: {app} has no pods or EndpointSlice")
    node = next(o for o in objects if o["kind"] == "Node")
    texts = {("Deployment", app): one("Deployment", app), ("ReplicaSet", "current"): sets[0],
             ("ReplicaSet", "old"): sets[1], ("Service", app): one("Service", app),
             ("Endpoints", app): one("Endpoints", app), ("EndpointSlice", app): slices[0],
             ("ConfigMap", "payments-config"): one("ConfigMap", "payments-config"), ("Node", "node"): node}
    for pod in pods:
        name = pod["metadata"]["name"]
        texts[("Pod", name)] = pod
        texts[("PodMetrics", name)] = one("PodMetrics", name)
    return _Template(texts={k: json.dumps(v) for k, v in texts.items()},
                     current_hash=current.rsplit("-", 1)[1], old_hash=old.rsplit("-", 1)[1],
                     pod_suffixes=tuple(p["metadata"]["name"].rsplit("-", 1)[1] for p in pods),
                     slice_suffix=slices[0]["metadata"]["name"].rsplit("-", 1)[1],
                     nodes=tuple(p["spec"]["nodeName"] for p in pods))


def _clone(text: str, replacements: list[tuple[str, str]]) -> dict[str, Any]:
    for old, new in replacements:
        text = text.replace(old, new)
    obj: dict[str, Any] = json.loads(text)
    return obj


def _pod_event(pod: dict[str, Any], reason: str, message: str, ids: _Ids) -> dict[str, Any]:
    meta = pod["metadata"]
    at = meta["creationTimestamp"]
    return {
        "apiVersion": "v1", "kind": "Event", "type": "Normal", "reason": reason, "message": message,
        "count": 1, "firstTimestamp": at, "lastTimestamp": at, "eventTime": None, "reportingComponent": "kubelet",
        "reportingInstance": pod["spec"]["nodeName"], "source": {"component": "kubelet", "host": pod["spec"]["nodeName"]},
        "involvedObject": {"apiVersion": "v1", "kind": "Pod", "name": meta["name"], "namespace": meta["namespace"],
                           "uid": meta["uid"], "resourceVersion": meta.get("resourceVersion", "1"),
                           "fieldPath": "spec.containers{app}"},
        "metadata": {"name": f"{meta['name']}.{ids.suffix(16)}", "namespace": meta["namespace"], "uid": ids.uid(),
                     "creationTimestamp": at, "resourceVersion": "5172400",
                     "managedFields": [{"apiVersion": "v1", "fieldsType": "FieldsV1", "manager": "kubelet",
                                        "operation": "Update", "time": at,
                                        "fieldsV1": {"f:count": {}, "f:firstTimestamp": {}, "f:involvedObject": {},
                                                     "f:lastTimestamp": {}, "f:message": {}, "f:reason": {},
                                                     "f:source": {"f:component": {}, "f:host": {}}, "f:type": {}}}]},
    }


_POD_EVENTS = (("Pulled", 'Container image "{image}" already present on machine'),
               ("Started", "Started container app"), ("Created", "Created container app"))


class _Filler:
    """Clones the template app into namespaces and nodes."""

    def __init__(self, template: _Template, ids: _Ids) -> None:
        self.t = template
        self.ids = ids
        self.out: dict[str, list[dict[str, Any]]] = {}

    def add(self, group: str, obj: dict[str, Any]) -> dict[str, Any]:
        self.out.setdefault(group, []).append(obj)
        return obj

    def node(self, name: str) -> None:
        text = self.t.texts[("Node", "node")]
        template_name = json.loads(text)["metadata"]["name"]
        obj = self.add("nodes", _clone(text, [(template_name, name)]))
        obj["metadata"]["uid"] = self.ids.uid()

    def namespace(self, name: str) -> None:
        self.add("namespaces", {"apiVersion": "v1", "kind": "Namespace",
                                "metadata": {"name": name, "uid": self.ids.uid(),
                                             "labels": {"kubernetes.io/metadata.name": name},
                                             "creationTimestamp": "2025-12-17T02:51:42Z"},
                                "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}})
        self.add("serviceaccounts", {"apiVersion": "v1", "kind": "ServiceAccount",
                                     "metadata": {"name": "default", "namespace": name, "uid": self.ids.uid(),
                                                  "creationTimestamp": "2025-12-17T02:51:42Z"}})

    def app(self, index: int, namespace: str, nodes: list[str]) -> int:
        """One Deployment with its ReplicaSets, pods, Service, Endpoints, slice, ConfigMap, metrics, events."""
        t = self.t
        name = f"svc-{index:05d}"
        replacements = [(TEMPLATE_APP, name), (t.current_hash, self.ids.suffix(10)),
                        (t.old_hash, self.ids.suffix(10)), (t.slice_suffix, self.ids.suffix(5)),
                        ("payments-config", f"{name}-config"), ("payments-api", name),
                        *((s, self.ids.suffix(5)) for s in t.pod_suffixes), *zip(t.nodes, nodes, strict=True)]
        if namespace != _NAMESPACE:
            replacements.append((f'"{_NAMESPACE}"', f'"{namespace}"'))
            replacements.append((f'\\"{_NAMESPACE}\\"', f'\\"{namespace}\\"'))  # inside last-applied JSON
        clone = {key: _clone(text, replacements) for key, text in t.texts.items() if key[0] != "Node"}
        for obj in clone.values():
            obj["metadata"]["uid"] = self.ids.uid()
        deployment = self.add("deployments", clone[("Deployment", TEMPLATE_APP)])
        for role in ("current", "old"):
            rs = self.add("replicasets", clone[("ReplicaSet", role)])
            rs["metadata"]["ownerReferences"][0]["uid"] = deployment["metadata"]["uid"]
        rs_uid = clone[("ReplicaSet", "current")]["metadata"]["uid"]
        pod_uid: dict[str, str] = {}
        for key, obj in clone.items():
            if key[0] == "Pod":
                pod = self.add("pods", obj)
                pod["metadata"]["ownerReferences"][0]["uid"] = rs_uid
                pod_uid[pod["metadata"]["name"]] = pod["metadata"]["uid"]
                reason, message = _POD_EVENTS[len(self.out.get("events", [])) % len(_POD_EVENTS)]
                image = pod["spec"]["containers"][0]["image"]
                self.add("events", _pod_event(pod, reason, message.format(image=image), self.ids))
            elif key[0] == "PodMetrics":
                self.add("metrics", obj)["metadata"].pop("uid", None)
        service = self.add("services", clone[("Service", TEMPLATE_APP)])
        endpoints = self.add("endpoints", clone[("Endpoints", TEMPLATE_APP)])
        for subset in endpoints.get("subsets") or []:
            for address in subset.get("addresses") or []:
                address["targetRef"]["uid"] = pod_uid.get(address["targetRef"]["name"], self.ids.uid())
        endpoint_slice = self.add("endpointslices", clone[("EndpointSlice", TEMPLATE_APP)])
        for owner in endpoint_slice["metadata"].get("ownerReferences") or []:
            owner["uid"] = service["metadata"]["uid"]
        for endpoint in endpoint_slice.get("endpoints") or []:
            endpoint["targetRef"]["uid"] = pod_uid.get(endpoint["targetRef"]["name"], self.ids.uid())
        self.add("configmaps", clone[("ConfigMap", "payments-config")])
        return len(pod_uid)


def _node_name(n: int) -> str:
    return f"ip-10-{1 + n // 65536}-{n // 256 % 256}-{n % 256}.eu-west-1.compute.internal"


def generate_cluster(directory: Path, pods: int, *, seed: int = 7) -> GeneratedCluster:
    """Write a snapshot of about ``pods`` pods (never fewer than the demo's own) into ``directory``."""
    demo = load_snapshot(DEMO_DIR)
    ids = _Ids(seed)
    template = _find_template(demo.objects)
    filler = _Filler(template, ids)
    demo_pods = sum(1 for o in demo.objects if o["kind"] == "Pod")
    apps = max(0, pods - demo_pods) // len(template.pod_suffixes)
    namespace_count = max(1, round(pods / PODS_PER_NAMESPACE))
    namespaces = [_NAMESPACE, *(f"team-{k:03d}" for k in range(1, namespace_count))]
    nodes = list(dict.fromkeys(o["metadata"]["name"] for o in demo.objects if o["kind"] == "Node"))
    for n in range(max(0, pods // PODS_PER_NODE - len(nodes))):
        nodes.append(_node_name(n))
        filler.node(nodes[-1])
    for name in namespaces[1:]:
        filler.namespace(name)
    width = len(template.pod_suffixes)
    for index in range(apps):
        chosen = [nodes[(width * index + k) % len(nodes)] for k in range(width)]
        filler.app(index, namespaces[index % len(namespaces)], chosen)
    shutil.copytree(DEMO_DIR, directory, dirs_exist_ok=True)
    objects_dir = directory / "objects"
    size = sum(f.stat().st_size for f in objects_dir.iterdir())
    for group, items in filler.out.items():
        text = json.dumps({"apiVersion": "v1", "kind": "List", "metadata": {}, "items": items},
                          separators=(",", ":"))
        (objects_dir / f"zz-filler-{group}.json").write_text(text, encoding="utf-8")
        size += len(text)

    def count(kind: str, group: str) -> int:
        return sum(1 for o in demo.objects if o["kind"] == kind) + len(filler.out.get(group, []))

    filler_pods = filler.out.get("pods", [])
    step = max(1, len(filler_pods) // SAMPLES)
    samples = tuple((p["metadata"]["namespace"], p["metadata"]["name"],
                     p["metadata"]["labels"]["app.kubernetes.io/name"]) for p in filler_pods[::step][:SAMPLES])
    return GeneratedCluster(directory=directory, samples=samples, pods=count("Pod", "pods"), deployments=count("Deployment", "deployments"),
                            namespaces=count("Namespace", "namespaces"), nodes=len(nodes),
                            events=count("Event", "events"),
                            objects=len(demo.objects) + sum(len(v) for v in filler.out.values()), bytes=size)

"""Pods created from templates, with container states, conditions and the kubelet's status fields."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from tools.scenarios import ids
from tools.scenarios.cluster import Cluster, Obj
from tools.scenarios.meta import managed, metadata

DEFAULT_TOLERATIONS = [
    {"effect": "NoExecute", "key": "node.kubernetes.io/not-ready", "operator": "Exists", "tolerationSeconds": 300},
    {"effect": "NoExecute", "key": "node.kubernetes.io/unreachable", "operator": "Exists",
     "tolerationSeconds": 300},
]


@dataclass
class Terminated:
    """A finished container instance (state.terminated or lastState.terminated)."""

    exit_code: int
    reason: str
    started: datetime
    finished: datetime
    message: str | None = None

    def status(self, container_id: str) -> Obj:
        out: Obj = {"containerID": container_id, "exitCode": self.exit_code, "finishedAt": ids.ts(self.finished),
                    "reason": self.reason, "startedAt": ids.ts(self.started)}
        if self.message:
            out["message"] = self.message
        return out


@dataclass
class Running:
    since: datetime
    ready: bool = True
    restarts: int = 0
    last: Terminated | None = None
    started: bool = True


@dataclass
class CrashLoop:
    """Waiting in CrashLoopBackOff after ``last`` exited; ``backoff`` is what the kubelet prints."""

    last: Terminated
    restarts: int
    backoff: str = "5m0s"


@dataclass
class Waiting:
    """Waiting for another reason: CreateContainerConfigError, ImagePullBackOff, ErrImagePull, ContainerCreating."""

    reason: str
    message: str | None = None
    restarts: int = 0
    last: Terminated | None = None


@dataclass
class Done:
    """Current state terminated (Job pods, evicted pods)."""

    term: Terminated
    restarts: int = 0


State = Running | CrashLoop | Waiting | Done


@dataclass
class PodPlan:
    """Everything that decides a pod's status besides its containers' states."""

    node: str | None
    created: datetime
    states: dict[str, State]
    init_states: dict[str, State] = field(default_factory=dict)
    unschedulable: str | None = None  # PodScheduled=False message
    evicted: str | None = None  # status.message of an evicted pod
    phase: str | None = None


def container_id(c: Cluster, pod: str, container: str, restarts: int) -> str:
    return "containerd://" + ids.hexid(64, c.slug, pod, container, restarts)


def image_id(image: str) -> str:
    repo = image.rsplit(":", 1)[0] if ":" in image.rsplit("/", 1)[-1] else image
    if "/" not in repo:
        repo = "docker.io/library/" + repo
    return f"{repo}@sha256:{ids.hexid(64, 'image', image)}"


def status_image(image: str) -> str:
    """The image as the runtime reports it (docker.io prefix for short names)."""
    first = image.split("/", 1)[0]
    if "/" not in image:
        return f"docker.io/library/{image}"
    if "." not in first and ":" not in first and first != "localhost":
        return f"docker.io/{image}"
    return image


def container_status(c: Cluster, pod_name: str, spec: Obj, state: State) -> Obj:
    image = spec["image"]
    st: Obj = {"image": status_image(image), "imageID": "", "lastState": {}, "name": spec["name"],
               "ready": False, "restartCount": 0, "started": False}
    if isinstance(state, Running):
        st.update(containerID=container_id(c, pod_name, spec["name"], state.restarts), imageID=image_id(image),
                  ready=state.ready, restartCount=state.restarts, started=state.started,
                  state={"running": {"startedAt": ids.ts(state.since)}})
        if state.last:
            st["lastState"] = {"terminated": state.last.status(
                container_id(c, pod_name, spec["name"], state.restarts - 1))}
    elif isinstance(state, CrashLoop):
        cid = container_id(c, pod_name, spec["name"], state.restarts)
        st.update(containerID=cid, imageID=image_id(image), restartCount=state.restarts,
                  lastState={"terminated": state.last.status(cid)},
                  state={"waiting": {"message": f"back-off {state.backoff} restarting failed container="
                                     f"{spec['name']} pod={pod_name}_{{ns}}({{uid}})",
                                     "reason": "CrashLoopBackOff"}})
    elif isinstance(state, Waiting):
        waiting: Obj = {"reason": state.reason}
        if state.message:
            waiting["message"] = state.message
        st.update(restartCount=state.restarts, state={"waiting": waiting})
        if state.last:
            cid = container_id(c, pod_name, spec["name"], state.restarts)
            st.update(containerID=cid, imageID=image_id(image), lastState={"terminated": state.last.status(cid)})
    else:
        cid = container_id(c, pod_name, spec["name"], state.restarts)
        st.update(containerID=cid, imageID=image_id(image), restartCount=state.restarts,
                  state={"terminated": state.term.status(cid)})
    return st


def _ready(state: State) -> bool:
    return isinstance(state, Running) and state.ready


def _qos(containers: list[Obj]) -> str:
    reqs = [c.get("resources", {}) for c in containers]
    if not any(r.get("requests") or r.get("limits") for r in reqs):
        return "BestEffort"
    for r in reqs:
        limits = r.get("limits", {})
        requests = r.get("requests", limits)
        if not all(k in limits and requests.get(k) == limits[k] for k in ("cpu", "memory")):
            return "Burstable"
    return "Guaranteed"


def _condition(kind: str, status: bool, at: datetime, reason: str | None = None,
               message: str | None = None) -> Obj:
    cond: Obj = {"lastProbeTime": None, "lastTransitionTime": ids.ts(at), "status": "True" if status else "False",
                 "type": kind}
    if reason:
        cond["reason"] = reason
    if message:
        cond["message"] = message
    return cond


def _last_change(state: State, created: datetime) -> datetime:
    if isinstance(state, Running):
        return state.since
    if isinstance(state, CrashLoop):
        return state.last.finished
    if isinstance(state, Done):
        return state.term.finished
    return state.last.finished if state.last else created


def pod(c: Cluster, *, name: str, namespace: str, tpl: Obj, plan: PodPlan, owner: Obj | None,
        labels: dict[str, str], ip: str | None = None, hostname: str | None = None,
        subdomain: str | None = None, annotations: dict[str, str] | None = None) -> Obj:
    """A pod as `kubectl get pod -o yaml` prints it, derived from its template and plan."""
    spec = copy.deepcopy(tpl["spec"])
    sa = spec.get("serviceAccountName", "default")
    spec["serviceAccount"] = sa
    spec["serviceAccountName"] = sa
    spec["enableServiceLinks"] = True
    spec["preemptionPolicy"] = "PreemptLowerPriority"
    spec["priority"] = 0 if "priorityClassName" not in spec else 1_000_000
    spec["tolerations"] = list(spec.get("tolerations", [])) + DEFAULT_TOLERATIONS
    token = f"kube-api-access-{ids.safe_suffix(5, c.slug, namespace, name, 'token')}"
    spec["volumes"] = [*list(spec.get("volumes", [])), {"name": token, "projected": {"defaultMode": 420, "sources": [{"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}}, {"configMap": {"items": [{"key": "ca.crt", "path": "ca.crt"}], "name": "kube-root-ca.crt"}}, {"downwardAPI": {"items": [{"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}, "path": "namespace"}]}}]}}]
    for ctr in spec["containers"] + spec.get("initContainers", []):
        ctr["volumeMounts"] = [*list(ctr.get("volumeMounts", [])), {"mountPath": "/var/run/secrets/kubernetes.io/serviceaccount", "name": token, "readOnly": True}]
    if plan.node:
        spec["nodeName"] = plan.node
    if hostname:
        spec["hostname"] = hostname
    if subdomain:
        spec["subdomain"] = subdomain

    meta = metadata(c, "Pod", name, namespace, plan.created, labels=labels, annotations=annotations,
                    owner=owner, generate_name=name.rsplit("-", 1)[0] + "-" if owner else None)
    meta["managedFields"] = [
        managed("kube-controller-manager" if owner else "kubectl-create", plan.created,
                {"f:metadata": {"f:labels": {".": {}, **{f"f:{k}": {} for k in labels}}}, "f:spec": {}}),
    ]
    pod_obj: Obj = {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec}
    pod_obj["status"] = _status(c, name, namespace, spec, plan, ip)
    if plan.node:
        meta["managedFields"].append(managed("kubelet", _kubelet_time(pod_obj, plan),
                                             {"f:status": {"f:conditions": {}, "f:containerStatuses": {},
                                                           "f:phase": {}}}, subresource="status"))
    c.add(pod_obj)
    _fill_crashloop_message(pod_obj)
    return pod_obj


def _kubelet_time(pod_obj: Obj, plan: PodPlan) -> datetime:
    latest = plan.created
    for st in plan.states.values():
        latest = max(latest, _last_change(st, plan.created))
    return latest


def _fill_crashloop_message(pod_obj: Obj) -> None:
    for st in pod_obj["status"].get("containerStatuses", []):
        waiting = st.get("state", {}).get("waiting")
        if waiting and "{ns}" in waiting.get("message", ""):
            waiting["message"] = waiting["message"].replace("{ns}", pod_obj["metadata"]["namespace"]).replace(
                "{uid}", pod_obj["metadata"]["uid"])


def _status(c: Cluster, name: str, namespace: str, spec: Obj, plan: PodPlan, ip: str | None) -> Obj:
    created = plan.created
    qos = _qos(spec["containers"])
    if plan.unschedulable is not None:
        return {"conditions": [_condition("PodScheduled", False, created, "Unschedulable", plan.unschedulable)],
                "phase": "Pending", "qosClass": qos}
    node_ip = ids.node_ip(c.slug, plan.node or "")
    pod_ip = ip or ids.pod_ip(c.slug, plan.node, namespace, name)
    states = plan.states
    all_ready = all(_ready(s) for s in states.values())
    ever_ran = any(not isinstance(s, Waiting) or s.last for s in states.values())
    changed = max((_last_change(s, created) for s in states.values()), default=created)
    not_ready = sorted(n for n, s in states.items() if not _ready(s))
    msg = f"containers with unready status: [{' '.join(not_ready)}]" if not_ready else None
    inits_done = all(isinstance(s, Done) and s.term.exit_code == 0 for s in plan.init_states.values())
    init_time = max((s.term.finished for s in plan.init_states.values() if isinstance(s, Done)),
                    default=created + timedelta(seconds=1))
    if plan.phase:
        phase = plan.phase
    elif states and all(isinstance(s, Done) for s in states.values()):
        phase = "Succeeded" if all(s.term.exit_code == 0 for s in states.values()
                                   if isinstance(s, Done)) else "Failed"
    elif ever_ran and inits_done:
        phase = "Running"
    else:
        phase = "Pending"
    conditions = [
        _condition("PodReadyToStartContainers", phase != "Failed" or plan.evicted is None,
                   created + timedelta(seconds=3)),
        _condition("Initialized", inits_done, init_time if inits_done else created,
                   None if inits_done else "ContainersNotInitialized",
                   None if inits_done else "containers with incomplete status: ["
                   + " ".join(sorted(plan.init_states)) + "]"),
    ]
    if phase == "Succeeded":
        conditions += [_condition("Ready", False, changed, "PodCompleted"),
                       _condition("ContainersReady", False, changed, "PodCompleted")]
    else:
        conditions += [_condition("Ready", all_ready, changed, None if all_ready else "ContainersNotReady", msg),
                       _condition("ContainersReady", all_ready, changed,
                                  None if all_ready else "ContainersNotReady", msg)]
    conditions.append(_condition("PodScheduled", True, created))
    status: Obj = {"conditions": conditions, "hostIP": node_ip, "hostIPs": [{"ip": node_ip}], "phase": phase,
                   "qosClass": qos, "startTime": ids.ts(created)}
    if phase != "Pending" or ever_ran or plan.evicted is None:
        status["podIP"] = pod_ip
        status["podIPs"] = [{"ip": pod_ip}]
    if plan.init_states:
        status["initContainerStatuses"] = [
            container_status(c, name, ctr, plan.init_states[ctr["name"]]) for ctr in spec.get("initContainers", [])]
    status["containerStatuses"] = [container_status(c, name, ctr, states[ctr["name"]]) for ctr in spec["containers"]]
    if plan.evicted:
        status.update(phase="Failed", reason="Evicted", message=plan.evicted)
        status.pop("podIP", None)
        status.pop("podIPs", None)
        status["conditions"].insert(0, _condition("DisruptionTarget", True, changed, "TerminationByKubelet",
                                                  plan.evicted))
    return status

"""Deployments with ReplicaSet revisions, StatefulSets, DaemonSets, Jobs and CronJobs (statuses derived)."""

from __future__ import annotations

import copy
from datetime import datetime, timedelta
from typing import Any

from tools.scenarios import ids
from tools.scenarios.cluster import Cluster, Obj
from tools.scenarios.containers import template_hash
from tools.scenarios.meta import fields_of, last_applied, managed, manifest_meta, metadata
from tools.scenarios.pods import PodPlan, State, pod


def _status_finalizer(c: Cluster) -> None:
    if _finalize_statuses not in c.finalizers:
        c.finalizers.append(_finalize_statuses)


def _applied(c: Cluster, kind: str, api: str, name: str, ns: str, created: datetime, spec: Obj,
             labels: dict[str, str], *, generation: int, changed: datetime | None,
             change_manager: str, extra_annotations: dict[str, str] | None = None,
             apply_annotation: bool = True) -> Obj:
    """Metadata of an object created by `kubectl apply` (and maybe changed later by another manager)."""
    annotations = dict(extra_annotations or {})
    if apply_annotation:
        manifest = {"apiVersion": api, "kind": kind, "metadata": manifest_meta(name, ns, labels), "spec": spec}
        annotations["kubectl.kubernetes.io/last-applied-configuration"] = last_applied(manifest)
    mfs = [managed("kubectl-client-side-apply", created, {"f:metadata": {"f:annotations": {".": {}},
                                                                          "f:labels": fields_of(labels)},
                                                           "f:spec": fields_of(spec)}, api_version=api)]
    if changed is not None:
        mfs.append(managed(change_manager, changed, {"f:spec": {"f:template": {"f:spec": {}}}}, api_version=api))
    meta = metadata(c, kind, name, ns, created, labels=labels, annotations=annotations, generation=generation,
                    managed_fields=mfs)
    return meta


def deployment(c: Cluster, ns: str, name: str, tpl: Obj, *, replicas: int, created: datetime,
               labels: dict[str, str] | None = None, generation: int = 1, changed: datetime | None = None,
               change_manager: str = "kubectl-client-side-apply", progress_deadline: int = 600,
               stuck_since: datetime | None = None, available_since: datetime | None = None,
               unavailable_since: datetime | None = None, rolling: bool = False,
               apply_annotation: bool = True, selector: dict[str, str] | None = None) -> Obj:
    """A Deployment; add its ReplicaSets with ``replicaset`` (the newest revision is the template's)."""
    labels = labels or {"app.kubernetes.io/name": name}
    selector_labels = selector or {k: v for k, v in tpl["metadata"]["labels"].items()
                                   if k in ("app", "app.kubernetes.io/name", "app.kubernetes.io/instance")}
    selector_obj = {"matchLabels": selector_labels}
    spec: Obj = {"progressDeadlineSeconds": progress_deadline, "replicas": replicas, "revisionHistoryLimit": 10,
                 "selector": selector_obj,
                 "strategy": {"rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}, "type": "RollingUpdate"},
                 "template": copy.deepcopy(tpl)}
    meta = _applied(c, "Deployment", "apps/v1", name, ns, created, spec, labels, generation=generation,
                    changed=changed, change_manager=change_manager, apply_annotation=apply_annotation)
    meta["managedFields"].append(managed("kube-controller-manager", changed or created,
                                         {"f:metadata": {"f:annotations": {"f:deployment.kubernetes.io/revision": {}}},
                                          "f:status": {}}, api_version="apps/v1", subresource="status"))
    obj = c.add({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": meta, "spec": spec, "status": {}})
    c.hints[meta["uid"]] = {"stuck_since": stuck_since, "available_since": available_since,
                            "unavailable_since": unavailable_since, "rolling": rolling}
    _status_finalizer(c)
    return obj


def replicaset(c: Cluster, dep: Obj, tpl: Obj, *, revision: int, created: datetime, replicas: int) -> Obj:
    """One revision of a Deployment."""
    pth = template_hash(tpl)
    rs_tpl = copy.deepcopy(tpl)
    rs_tpl["metadata"]["labels"]["pod-template-hash"] = pth
    ns = dep["metadata"]["namespace"]
    name = f"{dep['metadata']['name']}-{pth}"
    labels = dict(rs_tpl["metadata"]["labels"])
    desired = dep["spec"]["replicas"]
    annotations = {"deployment.kubernetes.io/desired-replicas": str(desired),
                   "deployment.kubernetes.io/max-replicas": str(desired + -(-desired * 25 // 100)),
                   "deployment.kubernetes.io/revision": str(revision)}
    selector = {"matchLabels": {**dep["spec"]["selector"]["matchLabels"], "pod-template-hash": pth}}
    spec = {"replicas": replicas, "selector": selector, "template": rs_tpl}
    meta = metadata(c, "ReplicaSet", name, ns, created, labels=labels, annotations=annotations, owner=dep,
                    generation=1 if replicas else 2,
                    managed_fields=[managed("kube-controller-manager", created, {"f:spec": {"f:replicas": {}}},
                                            api_version="apps/v1"),
                                    managed("kube-controller-manager", created, {"f:status": {}},
                                            api_version="apps/v1", subresource="status")])
    rs = c.add({"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": meta, "spec": spec, "status": {}})
    if revision >= int(dep["metadata"].setdefault("annotations", {}).get("deployment.kubernetes.io/revision", "0")):
        dep["metadata"]["annotations"]["deployment.kubernetes.io/revision"] = str(revision)
    return rs


def owned_pod(c: Cluster, owner: Obj, plan: PodPlan | None = None, *, node: str | None = None,
              created: datetime | None = None, states: dict[str, State] | None = None, name: str | None = None,
              **plan_kw: Any) -> Obj:
    """A pod of a ReplicaSet, Job or DaemonSet (name suffix and controller labels as the controller makes them)."""
    tpl = owner["spec"]["template"]
    if plan is None:
        assert created is not None and states is not None
        plan = PodPlan(node=node, created=created, states=states, **plan_kw)
    labels = dict(tpl["metadata"]["labels"])
    oname = owner["metadata"]["name"]
    if name is None:
        # Stable per owner: the n-th pod of an owner keeps its name when unrelated objects are added.
        count = c.hints.setdefault(owner["metadata"]["uid"], {}).get("pods", 0)
        c.hints[owner["metadata"]["uid"]]["pods"] = count + 1
        name = f"{oname}-{ids.safe_suffix(5, c.slug, oname, count)}"
    return pod(c, name=name, namespace=owner["metadata"]["namespace"], tpl=tpl, plan=plan, owner=owner,
               labels=labels, annotations=tpl["metadata"].get("annotations"))


def statefulset(c: Cluster, ns: str, name: str, tpl: Obj, *, replicas: int, created: datetime,
                service_name: str, claims: list[Obj] | None = None, labels: dict[str, str] | None = None) -> Obj:
    labels = labels or {"app.kubernetes.io/name": name}
    spec: Obj = {"persistentVolumeClaimRetentionPolicy": {"whenDeleted": "Retain", "whenScaled": "Retain"},
                 "podManagementPolicy": "OrderedReady", "replicas": replicas, "revisionHistoryLimit": 10,
                 "selector": {"matchLabels": dict(tpl["metadata"]["labels"])}, "serviceName": service_name,
                 "template": copy.deepcopy(tpl),
                 "updateStrategy": {"rollingUpdate": {"partition": 0}, "type": "RollingUpdate"}}
    if claims:
        spec["volumeClaimTemplates"] = claims
    meta = _applied(c, "StatefulSet", "apps/v1", name, ns, created, spec, labels, generation=1, changed=None,
                    change_manager="")
    obj = c.add({"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": meta, "spec": spec, "status": {}})
    _status_finalizer(c)
    return obj


def statefulset_pod(c: Cluster, sts: Obj, ordinal: int, plan: PodPlan) -> Obj:
    name = f"{sts['metadata']['name']}-{ordinal}"
    rev = f"{sts['metadata']['name']}-{template_hash(sts['spec']['template'])}"
    labels = {**sts["spec"]["template"]["metadata"]["labels"], "apps.kubernetes.io/pod-index": str(ordinal),
              "controller-revision-hash": rev, "statefulset.kubernetes.io/pod-name": name}
    tpl = copy.deepcopy(sts["spec"]["template"])
    for claim in sts["spec"].get("volumeClaimTemplates", []):
        cname = claim["metadata"]["name"]
        tpl["spec"].setdefault("volumes", []).insert(0, {"name": cname, "persistentVolumeClaim": {
            "claimName": f"{cname}-{name}"}})
    return pod(c, name=name, namespace=sts["metadata"]["namespace"], tpl=tpl, plan=plan, owner=sts, labels=labels,
               hostname=name, subdomain=sts["spec"]["serviceName"])


def daemonset(c: Cluster, ns: str, name: str, tpl: Obj, *, created: datetime,
              labels: dict[str, str] | None = None) -> Obj:
    labels = labels or {"app.kubernetes.io/name": name}
    spec: Obj = {"revisionHistoryLimit": 10, "selector": {"matchLabels": dict(tpl["metadata"]["labels"])},
                 "template": copy.deepcopy(tpl),
                 "updateStrategy": {"rollingUpdate": {"maxSurge": 0, "maxUnavailable": 1}, "type": "RollingUpdate"}}
    meta = _applied(c, "DaemonSet", "apps/v1", name, ns, created, spec, labels, generation=1, changed=None,
                    change_manager="")
    obj = c.add({"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": meta, "spec": spec, "status": {}})
    obj["spec"]["template"]["metadata"]["labels"] = dict(tpl["metadata"]["labels"])
    _status_finalizer(c)
    return obj


def daemonset_pod(c: Cluster, ds: Obj, plan: PodPlan) -> Obj:
    name = f"{ds['metadata']['name']}-{ids.safe_suffix(5, c.slug, ds['metadata']['name'], plan.node)}"
    labels = {**ds["spec"]["template"]["metadata"]["labels"],
              "controller-revision-hash": template_hash(ds["spec"]["template"])[:10],
              "pod-template-generation": "1"}
    return pod(c, name=name, namespace=ds["metadata"]["namespace"], tpl=ds["spec"]["template"], plan=plan,
               owner=ds, labels=labels)


def job(c: Cluster, ns: str, name: str, tpl: Obj, *, created: datetime, backoff_limit: int = 6,
        completions: int = 1, owner: Obj | None = None, labels: dict[str, str] | None = None,
        active_deadline: int | None = None, ttl: int | None = None) -> Obj:
    """A Job; its pods via ``owned_pod``; status derived from them (``completed``/``failed`` in hints)."""
    job_uid = c.uid("Job", ns, name)
    ctrl = {"batch.kubernetes.io/controller-uid": job_uid, "batch.kubernetes.io/job-name": name,
            "controller-uid": job_uid, "job-name": name}
    tpl = copy.deepcopy(tpl)
    tpl["metadata"]["labels"] = {**ctrl, **tpl["metadata"]["labels"]}
    spec: Obj = {"backoffLimit": backoff_limit, "completionMode": "NonIndexed", "completions": completions,
                 "manualSelector": False, "parallelism": 1, "podReplacementPolicy": "TerminatingOrFailed",
                 "selector": {"matchLabels": {"batch.kubernetes.io/controller-uid": job_uid}},
                 "suspend": False, "template": tpl}
    if active_deadline:
        spec["activeDeadlineSeconds"] = active_deadline
    if ttl is not None:
        spec["ttlSecondsAfterFinished"] = ttl
    all_labels = {**ctrl, **(labels or {})}
    mgr = "kube-controller-manager" if owner else "kubectl-client-side-apply"
    meta = metadata(c, "Job", name, ns, created, labels=all_labels, owner=owner, generation=1,
                    managed_fields=[managed(mgr, created, {"f:spec": fields_of({"backoffLimit": 1})},
                                            api_version="batch/v1")])
    if owner is not None:
        meta["annotations"] = {"batch.kubernetes.io/cronjob-scheduled-timestamp": ids.ts(created)}
    obj = c.add({"apiVersion": "batch/v1", "kind": "Job", "metadata": meta, "spec": spec, "status": {}})
    _status_finalizer(c)
    return obj


def cronjob(c: Cluster, ns: str, name: str, tpl: Obj, *, schedule: str, created: datetime,
            backoff_limit: int = 6, labels: dict[str, str] | None = None) -> Obj:
    spec: Obj = {"concurrencyPolicy": "Forbid", "failedJobsHistoryLimit": 1,
                 "jobTemplate": {"metadata": {"creationTimestamp": None},
                                 "spec": {"backoffLimit": backoff_limit, "template": copy.deepcopy(tpl)}},
                 "schedule": schedule, "successfulJobsHistoryLimit": 3, "suspend": False}
    labels = labels or {"app.kubernetes.io/name": name}
    meta = _applied(c, "CronJob", "batch/v1", name, ns, created, spec, labels, generation=1, changed=None,
                    change_manager="")
    obj = c.add({"apiVersion": "batch/v1", "kind": "CronJob", "metadata": meta, "spec": spec, "status": {}})
    _status_finalizer(c)
    return obj


# ---------------------------------------------------------------- statuses

def _pods_of(c: Cluster, owner: Obj) -> list[Obj]:
    uid = owner["metadata"]["uid"]
    return [p for p in c.of_kind("Pod", owner["metadata"]["namespace"])
            if any(r["uid"] == uid for r in p["metadata"].get("ownerReferences", []))]


def _is_ready(p: Obj) -> bool:
    return any(cd["type"] == "Ready" and cd["status"] == "True" for cd in p["status"].get("conditions", []))


def _active(p: Obj) -> bool:
    return p["status"].get("phase") not in ("Succeeded", "Failed")


def _created_at(obj: Obj) -> datetime:
    return datetime.fromisoformat(obj["metadata"]["creationTimestamp"].replace("Z", "+00:00"))


def _cond(kind: str, status: bool, reason: str, message: str, at: datetime, updated: datetime | None = None) -> Obj:
    return {"lastTransitionTime": ids.ts(at), "lastUpdateTime": ids.ts(updated or at), "message": message,
            "reason": reason, "status": "True" if status else "False", "type": kind}


def _finalize_statuses(c: Cluster) -> None:
    for rs in c.of_kind("ReplicaSet"):
        pods = [p for p in _pods_of(c, rs) if _active(p)]
        ready = sum(_is_ready(p) for p in pods)
        rs["status"] = {"availableReplicas": ready, "fullyLabeledReplicas": len(pods),
                        "observedGeneration": rs["metadata"]["generation"], "readyReplicas": ready,
                        "replicas": len(pods)}
        if not pods:
            rs["status"] = {"observedGeneration": rs["metadata"]["generation"], "replicas": 0}
        elif not ready:
            for key in ("availableReplicas", "readyReplicas"):
                rs["status"].pop(key)
    for dep in c.of_kind("Deployment"):
        _deployment_status(c, dep)
    for sts in c.of_kind("StatefulSet"):
        pods = [p for p in _pods_of(c, sts) if _active(p)]
        ready = sum(_is_ready(p) for p in pods)
        rev = f"{sts['metadata']['name']}-{template_hash(sts['spec']['template'])}"
        sts["status"] = {"availableReplicas": ready, "collisionCount": 0, "currentReplicas": len(pods),
                         "currentRevision": rev, "observedGeneration": 1, "readyReplicas": ready,
                         "replicas": len(pods), "updateRevision": rev, "updatedReplicas": len(pods)}
    for ds in c.of_kind("DaemonSet"):
        pods = [p for p in _pods_of(c, ds) if _active(p)]
        ready = sum(_is_ready(p) for p in pods)
        ds["status"] = {"currentNumberScheduled": len(pods), "desiredNumberScheduled": len(pods),
                        "numberAvailable": ready, "numberMisscheduled": 0, "numberReady": ready,
                        "observedGeneration": 1, "updatedNumberScheduled": len(pods)}
        if ready < len(pods):
            ds["status"]["numberUnavailable"] = len(pods) - ready
    for jb in c.of_kind("Job"):
        _job_status(c, jb)
    for cj in c.of_kind("CronJob"):
        jobs = [j for j in c.of_kind("Job", cj["metadata"]["namespace"])
                if any(r["uid"] == cj["metadata"]["uid"] for r in j["metadata"].get("ownerReferences", []))]
        if jobs:
            newest = max(jobs, key=lambda j: j["metadata"]["creationTimestamp"])
            cj["status"] = {"lastScheduleTime": newest["metadata"]["creationTimestamp"]}
            done = [j for j in jobs if j["status"].get("completionTime")]
            if done:
                cj["status"]["lastSuccessfulTime"] = max(j["status"]["completionTime"] for j in done)
            active = [j for j in jobs if j["status"].get("active")]
            if active:
                cj["status"]["active"] = [{"apiVersion": "batch/v1", "kind": "Job", "name": j["metadata"]["name"],
                                           "namespace": j["metadata"]["namespace"],
                                           "resourceVersion": j["metadata"]["resourceVersion"],
                                           "uid": j["metadata"]["uid"]} for j in active]


def _deployment_status(c: Cluster, dep: Obj) -> None:
    rss = [r for r in c.of_kind("ReplicaSet", dep["metadata"]["namespace"])
           if r["metadata"]["ownerReferences"][0]["uid"] == dep["metadata"]["uid"]]
    if not rss:
        return
    newest = max(rss, key=lambda r: int(r["metadata"]["annotations"]["deployment.kubernetes.io/revision"]))
    desired = dep["spec"]["replicas"]
    total = sum(r["status"].get("replicas", 0) for r in rss)
    ready = sum(r["status"].get("readyReplicas", 0) for r in rss)
    updated = newest["status"].get("replicas", 0)
    hints = c.hints.get(dep["metadata"]["uid"], {})
    new_created = datetime.fromisoformat(newest["metadata"]["creationTimestamp"].replace("Z", "+00:00"))
    created = datetime.fromisoformat(dep["metadata"]["creationTimestamp"].replace("Z", "+00:00"))
    min_available = desired - desired * 25 // 100
    rs_name = newest["metadata"]["name"]
    if ready >= min_available:
        avail_at = hints.get("available_since") or created + timedelta(seconds=41)
        available = _cond("Available", True, "MinimumReplicasAvailable", "Deployment has minimum availability.",
                          avail_at)
    else:
        # Became unavailable when the first of today's not-ready pods appeared.
        not_ready = [_created_at(p) for r in rss for p in _pods_of(c, r) if _active(p) and not _is_ready(p)]
        avail_at = hints.get("unavailable_since") or min(not_ready, default=new_created)
        available = _cond("Available", False, "MinimumReplicasUnavailable",
                          "Deployment does not have minimum availability.", avail_at)
    stuck = hints.get("stuck_since")
    rolling = hints.get("rolling") or ((total != desired or updated != total) and stuck is None)
    if stuck is not None:
        progressing = _cond("Progressing", False, "ProgressDeadlineExceeded",
                            f'ReplicaSet "{rs_name}" has timed out progressing.', stuck)
    elif rolling:
        progressing = _cond("Progressing", True, "ReplicaSetUpdated", f'ReplicaSet "{rs_name}" is progressing.',
                            created + timedelta(seconds=3), new_created + timedelta(seconds=1))
    else:
        # Once complete, the condition stays NewReplicaSetAvailable even if pods fail later.
        progressing = _cond("Progressing", True, "NewReplicaSetAvailable",
                            f'ReplicaSet "{rs_name}" has successfully progressed.', created + timedelta(seconds=3),
                            new_created + timedelta(seconds=52))
    status: Obj = {"availableReplicas": ready, "conditions": [available, progressing],
                   "observedGeneration": dep["metadata"]["generation"], "readyReplicas": ready,
                   "replicas": total, "updatedReplicas": updated}
    if desired == 0:
        status = {"conditions": [available, progressing], "observedGeneration": dep["metadata"]["generation"]}
    if total - ready > 0:
        status["unavailableReplicas"] = max(desired - ready, total - ready)
    if not ready:
        status.pop("availableReplicas", None)
        status.pop("readyReplicas", None)
    dep["status"] = status


def _job_status(c: Cluster, jb: Obj) -> None:
    pods = _pods_of(c, jb)
    succeeded = [p for p in pods if p["status"].get("phase") == "Succeeded"]
    failed = [p for p in pods if p["status"].get("phase") == "Failed"]
    active = [p for p in pods if _active(p)]
    start = jb["metadata"]["creationTimestamp"]
    status: Obj = {"startTime": start, "uncountedTerminatedPods": {}}
    if active:
        status["active"] = len(active)
        status["ready"] = sum(_is_ready(p) for p in active)
    else:
        status["ready"] = 0
    status["terminating"] = 0
    if succeeded:
        status["succeeded"] = len(succeeded)
    if failed:
        status["failed"] = len(failed)

    def finish_time(p: Obj) -> str:
        return str(max(s["state"]["terminated"]["finishedAt"] for s in p["status"]["containerStatuses"]))

    if len(succeeded) >= jb["spec"]["completions"]:
        done = max(finish_time(p) for p in succeeded)
        status["completionTime"] = done
        status["conditions"] = [
            {"lastProbeTime": done, "lastTransitionTime": done, "message": "Reached expected number of succeeded pods",
             "reason": "CompletionsReached", "status": "True", "type": "SuccessCriteriaMet"},
            {"lastProbeTime": done, "lastTransitionTime": done, "message": "Reached expected number of succeeded pods",
             "reason": "CompletionsReached", "status": "True", "type": "Complete"}]
    elif len(failed) > jb["spec"]["backoffLimit"]:
        at = max(finish_time(p) for p in failed)
        msg = "Job has reached the specified backoff limit"
        status["conditions"] = [
            {"lastProbeTime": at, "lastTransitionTime": at, "message": msg, "reason": "BackoffLimitExceeded",
             "status": "True", "type": "FailureTarget"},
            {"lastProbeTime": at, "lastTransitionTime": at, "message": msg, "reason": "BackoffLimitExceeded",
             "status": "True", "type": "Failed"}]
    jb["status"] = status

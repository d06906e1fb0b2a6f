"""Pods that cannot be placed or kept: scheduling, storage, quotas, limit ranges and nodes."""

from __future__ import annotations

from datetime import timedelta

from tools.scenarios import alerts, ids
from tools.scenarios.catalog import Built, expected, scenario
from tools.scenarios.catalog.kit import (
    World,
    am,
    am_node_not_ready,
    am_pod_not_ready,
    am_replicas_mismatch,
    app,
    app_template,
    ci_alarm,
    extra_node,
    image,
    pod_of,
    run_pods,
    svc,
    world,
)
from tools.scenarios.cluster import Cluster, Obj
from tools.scenarios.containers import container, template, with_changes
from tools.scenarios.events import event
from tools.scenarios.ids import ts
from tools.scenarios.infra import limit_range, node_name, pv_for, pvc, resource_quota
from tools.scenarios.meta import managed
from tools.scenarios.pods import Done, PodPlan, Running, Terminated
from tools.scenarios.workloads import statefulset, statefulset_pod


def failed_scheduling(w: World, pod: Obj, message: str, *, first: float, count: int) -> Obj:
    return event(w.c, pod, "FailedScheduling", message, first=w.ago(minutes=first), last=w.ago(seconds=37),
                 count=count, type="Warning", component="default-scheduler")


def pending(w: World, rs: Obj, message: str, *, created: float, count: int, ctr: str = "app") -> Obj:
    p = pod_of(w, rs, {ctr: Running(since=w.now)}, created=w.ago(minutes=created), node=None, unschedulable=message)
    failed_scheduling(w, p, message, first=min(created, 59), count=count)
    return p


@scenario("26-scheduling-insufficient-memory-after-request-bump")
def insufficient_memory() -> Built:
    w = world("26-scheduling-insufficient-memory-after-request-bump", noise=(("checkout-web", "node"),))
    old = app_template("ml-scoring", image("ml-scoring", "0.9.4"), requests={"cpu": "500m", "memory": "2Gi"},
                       limits={"memory": "2Gi"})
    new = with_changes(old, resources={"limits": {"memory": "24Gi"}, "requests": {"cpu": "500m", "memory": "24Gi"}})
    rolled = w.ago(minutes=48)
    a = app(w, "ml-scoring", new, replicas=2, history=[(old, w.ago(days=22))], rolled=rolled, new_rs_replicas=1,
            rolling=True)
    a.old[0]["spec"]["replicas"] = 2
    run_pods(w, a.old[0], 2, since=w.ago(days=22), stack="python", usage=("410m", "1730Mi"))
    svc(w, "ml-scoring")
    msg = ("0/3 nodes are available: 3 Insufficient memory. preemption: 0/3 nodes are available: 3 No preemption "
           "victims found for incoming pod.")
    p = pending(w, a.rs, msg, created=48, count=19)
    return Built(w.c, am_pod_not_ready(w, p, w.ago(minutes=31)), expected(
        description="""The new ml-scoring pod has been Pending for 48 minutes: FailedScheduling "3 Insufficient
        memory". Revision 2 raised the memory request from 2Gi to 24Gi, more than any m6i.xlarge node can allocate
        (~14Gi allocatable), so no node can ever fit it; cluster capacity is not the problem. Fix the Deployment's
        request (24Gi looks like a units mistake) or add a larger node group.""",
        source="alertmanager", culprit={"kind": "Deployment", "namespace": w.ns, "name": "ml-scoring"},
        category="scheduling", confidence="high", facts=["Insufficient memory", "24Gi"],
        remediation_targets=["deployment/ml-scoring"]), start="Pod (KubePodNotReady)")


@scenario("27-scheduling-insufficient-cpu-service-pods")
def insufficient_cpu() -> Built:
    w = world("27-scheduling-insufficient-cpu-service-pods", ns="batch", noise=(("scheduler-ui", "node"),))
    tpl = app_template("video-transcoder", image("video-transcoder", "2.3.0"), requests={"cpu": "3", "memory": "2Gi"},
                       limits={"cpu": "3", "memory": "2Gi"})
    old = with_changes(tpl, image=image("video-transcoder", "2.2.9"),
                       resources={"limits": {"cpu": "1", "memory": "2Gi"}, "requests": {"cpu": "1", "memory": "2Gi"}})
    rolled = w.ago(hours=1, minutes=5)
    a = app(w, "video-transcoder", tpl, replicas=4, history=[(old, w.ago(days=18))], rolled=rolled)
    run_pods(w, a.rs, 1, since=rolled, stack="go", usage=("2890m", "1210Mi"))
    msg = ("0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption "
           "victims found for incoming pod.")
    for i in range(3):
        pending(w, a.rs, msg, created=64 - i * 0.2, count=25 - i)
    svc(w, "video-transcoder")
    alarm, at = ci_alarm(w, name="prod-eu1 video-transcoder running pods", metric="service_number_of_running_pods",
                         dims={"Service": "video-transcoder", "Namespace": w.ns}, threshold=3.0,
                         comparison="LessThanThreshold", datapoints=[1.0, 1.0, 1.0], statistic="Average",
                         description="video-transcoder has fewer than 3 running pods", changed=w.ago(minutes=44))
    return Built(w.c, alerts.sns_lambda_event(alarm, at), expected(
        description="""Only 1 of 4 video-transcoder pods runs; three are Pending with "3 Insufficient cpu".
        Revision 2 (65 minutes ago) raised each pod's CPU request from 1 to 3 cores on 4-vCPU nodes (~3.9 allocatable,
        shared with daemons and other workloads), so at most one fits per node and the other nodes' free CPU is
        below 3. Lower the request (or add a compute-optimised node group); nothing is broken in the app.""",
        source="sns", culprit={"kind": "Deployment", "namespace": w.ns, "name": "video-transcoder"},
        category="scheduling", confidence="medium", facts=["Insufficient cpu", "video-transcoder"],
        remediation_targets=["deployment/video-transcoder"]), start="Service (Container Insights Service)")


@scenario("28-scheduling-node-selector-matches-no-node")
def node_selector() -> Built:
    w = world("28-scheduling-node-selector-matches-no-node", noise=(("checkout-web", "node"),))
    old = app_template("pdf-renderer", image("pdf-renderer", "5.1.0"))
    new = app_template("pdf-renderer", image("pdf-renderer", "5.1.0"),
                       node_selector={"node.kubernetes.io/instance-type": "c6i.2xlarge"})
    rolled = w.ago(minutes=37)
    a = app(w, "pdf-renderer", new, replicas=2, history=[(old, w.ago(days=75))], rolled=rolled, new_rs_replicas=1,
            rolling=True)
    a.old[0]["spec"]["replicas"] = 2
    run_pods(w, a.old[0], 2, since=w.ago(days=9), stack="java")
    svc(w, "pdf-renderer")
    pending(w, a.rs, "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 "
            "nodes are available: 3 Preemption is not helpful for scheduling.", created=37, count=14)
    return Built(w.c, am_replicas_mismatch(w, a.dep, w.ago(minutes=19)), expected(
        description="""pdf-renderer's rollout is stuck with one Pending pod: "3 node(s) didn't match Pod's node
        affinity/selector". Revision 2 added nodeSelector node.kubernetes.io/instance-type=c6i.2xlarge, but every
        node is m6i.xlarge. Remove or correct the nodeSelector (or create the intended node group).""",
        source="alertmanager", culprit={"kind": "Deployment", "namespace": w.ns, "name": "pdf-renderer"},
        category="scheduling", confidence="high", facts=["c6i.2xlarge", "node affinity/selector"],
        remediation_targets=["deployment/pdf-renderer"]), start="Deployment (KubeDeploymentReplicasMismatch)")


@scenario("29-scheduling-gpu-taint-without-toleration")
def taint() -> Built:
    w = world("29-scheduling-gpu-taint-without-toleration", ns="ml", noise=(("feature-store", "python"),))
    c = w.c
    gpu = node_name(c, 9, subnet=1)
    extra_node(w, gpu, created=w.ago(days=5), instance="g5.xlarge", nodegroup="gpu",
         extra_labels={"nvidia.com/gpu.present": "true"},
         taints=[{"effect": "NoSchedule", "key": "nvidia.com/gpu", "value": "true"}])
    tpl = app_template("embedder", image("embedder", "1.4.0"), requests={"cpu": "2", "memory": "8Gi"},
                       limits={"memory": "12Gi", "nvidia.com/gpu": "1"},
                       node_selector={"eks.amazonaws.com/nodegroup": "gpu"})
    tpl["spec"]["containers"][0]["resources"]["requests"]["nvidia.com/gpu"] = "1"
    created = w.ago(minutes=52)
    a = app(w, "embedder", tpl, replicas=1, created=created, rolled=created)
    p = pending(w, a.rs, "0/4 nodes are available: 1 node(s) had untolerated taint {nvidia.com/gpu: true}, 3 node(s) "
                "didn't match Pod's node affinity/selector. preemption: 0/4 nodes are available: 4 Preemption is not "
                "helpful for scheduling.", created=52, count=17)
    alert = alerts.generic(
        name="PodPendingTooLong", title=f"Pod {w.ns}/{p['metadata']['name']} pending for 45m",
        description="Scheduled check: pod not scheduled", severity="warning", starts=w.ago(minutes=7),
        cluster=c.name, namespace=w.ns, resource={"kind": "Pod", "namespace": w.ns, "name": p["metadata"]["name"]},
        labels={"team": "ml-platform"}, runbook_url="https://wiki.acme-shop.example/runbooks/pending-pods")
    return Built(c, alert, expected(
        description="""The first embedder pod (new Deployment, 52 minutes ago) is Pending: the only GPU node carries
        the taint nvidia.com/gpu=true:NoSchedule and the pod has no matching toleration; the three general nodes
        fail its nodeSelector. Add the toleration to the Deployment's pod template.""",
        source="generic", culprit={"kind": "Deployment", "namespace": w.ns, "name": "embedder"},
        category="scheduling", confidence="high", facts=["untolerated taint", "nvidia.com/gpu"],
        remediation_targets=["deployment/embedder"]), start="Pod (generic JSON)")


@scenario("30-pvc-pending-storageclass-missing")
def pvc_pending() -> Built:
    w = world("30-pvc-pending-storageclass-missing", ns="data", noise=(("metabase", "java"),))
    c = w.c
    tpl = template({"app.kubernetes.io/name": "clickhouse"}, [container(
        "clickhouse", "clickhouse/clickhouse-server:24.8", ports=[("http", 8123), ("native", 9000)],
        requests={"cpu": "1", "memory": "4Gi"}, limits={"memory": "8Gi"},
        mounts=[{"mountPath": "/var/lib/clickhouse", "name": "data"}])])
    claim = {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"creationTimestamp": None, "name": "data"},
             "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "200Gi"}},
                      "storageClassName": "gp3-encrypted", "volumeMode": "Filesystem"}, "status": {"phase": "Pending"}}
    created = w.ago(minutes=58)
    sts = statefulset(c, w.ns, "clickhouse", tpl, replicas=1, created=created, service_name="clickhouse", claims=[claim])
    claim_obj = pvc(c, w.ns, "data-clickhouse-0", created=created, size="200Gi", storage_class="gp3-encrypted",
                    labels={"app.kubernetes.io/name": "clickhouse"})
    p = statefulset_pod(c, sts, 0, PodPlan(node=None, created=created, states={"clickhouse": Running(since=w.now)},
                                           unschedulable="0/3 nodes are available: pod has unbound immediate "
                                           "PersistentVolumeClaims. preemption: 0/3 nodes are available: 3 Preemption "
                                           "is not helpful for scheduling."))
    failed_scheduling(w, p, p["status"]["conditions"][0]["message"], first=57, count=12)
    event(c, claim_obj, "ProvisioningFailed", 'storageclass.storage.k8s.io "gp3-encrypted" not found', first=created,
          last=w.ago(seconds=50), count=236, type="Warning", component="persistentvolume-controller")
    svc(w, "clickhouse", port=8123, target="http", headless=True)
    labels = {"alertname": "KubePersistentVolumeClaimPending", "cluster": c.name, "container": "kube-state-metrics",
              "endpoint": "http", "instance": f"{w.base.ksm_ip}:8080", "job": "kube-state-metrics", "namespace": w.ns,
              "persistentvolumeclaim": "data-clickhouse-0", "phase": "Pending", "pod": w.base.ksm_name,
              "prometheus": alerts.PROMETHEUS, "service": "kube-prometheus-stack-kube-state-metrics",
              "severity": "warning"}
    alert = am(w, labels, "PersistentVolumeClaim is pending.",
               f"PersistentVolumeClaim {w.ns}/data-clickhouse-0 has been Pending for more than 30 minutes.",
               w.ago(minutes=26), 'kube_persistentvolumeclaim_status_phase{job="kube-state-metrics",phase="Pending"} == 1')
    return Built(c, alert, expected(
        description="""PVC data-clickhouse-0 has been Pending since the clickhouse StatefulSet was created 58 minutes
        ago, and clickhouse-0 cannot schedule ("unbound immediate PersistentVolumeClaims"). The claim asks for
        storageClassName gp3-encrypted; ProvisioningFailed says storageclass "gp3-encrypted" not found — the
        cluster has gp3 and gp2 only. Create the StorageClass (or use gp3, which is encrypted by parameter).""",
        source="alertmanager",
        culprit={"kind": "StorageClass", "name": "gp3-encrypted", "missing": True},
        category="storage", confidence="high", facts=["gp3-encrypted", "not found"],
        remediation_targets=["storageclass/gp3-encrypted"]), start="PersistentVolumeClaim (custom KSM rule)")


def _replica_failure(dep_name: str, ns: str, message: str, at: str):  # type: ignore[no-untyped-def]
    def step(c: Cluster) -> None:
        dep = c.find("Deployment", dep_name, ns)
        dep["status"]["conditions"].append({"lastTransitionTime": at, "lastUpdateTime": at, "message": message,
                                            "reason": "FailedCreate", "status": "True", "type": "ReplicaFailure"})
    return step


@scenario("31-resourcequota-exceeded-blocks-rollout")
def quota() -> Built:
    w = world("31-resourcequota-exceeded-blocks-rollout", ns="team-orders", noise=(("orders-ui", "node"),))
    c = w.c
    resource_quota(c, w.ns, "compute-resources", hard={"limits.memory": "16Gi", "requests.cpu": "8", "pods": "40"},
                   used={"limits.memory": "15Gi", "requests.cpu": "4100m", "pods": "13"}, created=w.ago(days=150))
    old = app_template("orders-sync", image("orders-sync", "2.0.1"), limits={"memory": "2Gi"},
                       requests={"cpu": "250m", "memory": "1Gi"})
    new = with_changes(old, image=image("orders-sync", "2.1.0"))
    rolled = w.ago(minutes=33)
    a = app(w, "orders-sync", new, replicas=3, history=[(old, w.ago(days=40))], rolled=rolled, new_rs_replicas=1,
            rolling=True)
    a.old[0]["spec"]["replicas"] = 3
    run_pods(w, a.old[0], 3, since=w.ago(days=12), stack="java")
    name = f"{a.rs['metadata']['name']}-{ids.safe_suffix(5, c.slug, 'x')}"
    msg = (f'pods "{name}" is forbidden: exceeded quota: compute-resources, requested: limits.memory=2Gi, used: '
           "limits.memory=15Gi, limited: limits.memory=16Gi")
    event(c, a.rs, "FailedCreate", f"Error creating: {msg}", first=rolled, last=w.ago(minutes=2, seconds=11),
          count=21, type="Warning", component="replicaset-controller")
    c.finalizers.append(_replica_failure("orders-sync", w.ns, msg, ts(rolled + timedelta(seconds=1))))
    return Built(c, am_replicas_mismatch(w, a.dep, w.ago(minutes=14)), expected(
        description="""The orders-sync rollout to 2.1.0 cannot create its surge pod: the ReplicaSet's FailedCreate
        events (and the Deployment's ReplicaFailure condition) say "exceeded quota: compute-resources, requested:
        limits.memory=2Gi, used: limits.memory=15Gi, limited: limits.memory=16Gi". The namespace's ResourceQuota has
        no headroom for a rolling update's extra pod. Raise the quota (or lower the limit / use maxSurge 0).""",
        source="alertmanager", culprit={"kind": "ResourceQuota", "namespace": w.ns, "name": "compute-resources"},
        category="quota", confidence="high", facts=["exceeded quota", "compute-resources", "limits.memory"],
        remediation_targets=["resourcequota/compute-resources"]), start="Deployment (KubeDeploymentReplicasMismatch)")


@scenario("43-limitrange-rejects-pods-namespace-alarm")
def limit_range_rejects() -> Built:
    w = world("43-limitrange-rejects-pods-namespace-alarm", ns="reporting", noise=(("report-api", "python"),))
    c = w.c
    added = w.ago(hours=1, minutes=12)
    lr = limit_range(c, w.ns, "container-limits", created=added, default={"cpu": "500m", "memory": "512Mi"},
                     default_request={"cpu": "100m", "memory": "128Mi"})
    lr["spec"]["limits"][0]["max"] = {"cpu": "2", "memory": "1Gi"}
    tpl = app_template("report-renderer", image("report-renderer", "3.3.0"), requests={"cpu": "500m", "memory": "1Gi"},
                       limits={"memory": "2Gi"})
    a = app(w, "report-renderer", tpl, replicas=4, history=[(with_changes(tpl, image=image("report-renderer", "3.2.2")),
                                                             w.ago(days=30))], rolled=w.ago(minutes=50),
            new_rs_replicas=4, rolling=True)
    a.old[0]["spec"]["replicas"] = 0
    name = f"{a.rs['metadata']['name']}-{ids.safe_suffix(5, c.slug, 'y')}"
    msg = f'pods "{name}" is forbidden: maximum memory usage per Container is 1Gi, but limit is 2Gi'
    event(c, a.rs, "FailedCreate", f"Error creating: {msg}", first=w.ago(minutes=50), last=w.ago(minutes=1),
          count=33, type="Warning", component="replicaset-controller")
    c.finalizers.append(_replica_failure("report-renderer", w.ns, msg, ts(w.ago(minutes=50))))
    alarm = alerts.eventbridge_alarm(
        name="prod-eu1 reporting running pods low", description="Running pods in namespace reporting below 5",
        metric="namespace_number_of_running_pods", namespace="ContainerInsights",
        dimensions={"ClusterName": c.name, "Namespace": w.ns}, threshold=5.0, statistic="Minimum", period=300,
        datapoints=[2.0], changed=w.ago(minutes=35), comparison_text="less than")
    return Built(c, alarm, expected(
        description="""The reporting namespace dropped to 2 running pods (the report-api neighbour): report-renderer
        has none. Its rollout 50 minutes ago replaced the old ReplicaSet but every pod creation is rejected by
        admission — "maximum memory usage per Container is 1Gi, but limit is 2Gi". LimitRange container-limits was
        added to the namespace 1h12m ago with max memory 1Gi; the Deployment's 2Gi limit now violates it. Relax the
        LimitRange (or lower the Deployment's limit).""",
        source="eventbridge", culprit={"kind": "LimitRange", "namespace": w.ns, "name": "container-limits"},
        category="quota", confidence="medium", facts=["container-limits", "maximum memory usage per Container is 1Gi"],
        remediation_targets=["limitrange/container-limits"]), start="Namespace (Container Insights Namespace)")


@scenario("32-cordoned-node-left-after-drain")
def cordoned() -> Built:
    w = world("32-cordoned-node-left-after-drain", noise=(("checkout-web", "node"), ("ledger-worker", "python")))
    c = w.c
    cordoned_node = c.find("Node", w.nodes[1])
    cordoned_node["spec"]["unschedulable"] = True
    cordoned_node["spec"]["taints"] = [{"effect": "NoSchedule", "key": "node.kubernetes.io/unschedulable",
                                        "timeAdded": ts(w.ago(hours=1, minutes=46))}]
    cordoned_node["metadata"]["managedFields"].append(managed("kubectl-cordon", w.ago(hours=1, minutes=46),
                                                              {"f:spec": {"f:unschedulable": {}}}))
    tpl = app_template("api-gateway", image("api-gateway", "1.22.0"), requests={"cpu": "1500m", "memory": "1Gi"},
                       limits={"memory": "1Gi"})
    a = app(w, "api-gateway", tpl, replicas=4, history=[(with_changes(tpl, image=image("api-gateway", "1.21.3")),
                                                         w.ago(days=21))], rolled=w.ago(days=7))
    for n in (0, 2):  # the cordoned node's api-gateway pods were drained before the drain stalled
        run_pods(w, a.rs, 1, since=w.ago(days=7, minutes=-n), stack="go", first_node=n, usage=("1210m", "640Mi"))
    msg = ("0/3 nodes are available: 1 node(s) were unschedulable, 2 Insufficient cpu. preemption: 0/3 nodes are "
           "available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.")
    for i in range(2):
        pending(w, a.rs, msg, created=105 - i, count=40 - i)
    event(c, cordoned_node, "NodeNotSchedulable", f"Node {w.nodes[1]} status is now: NodeNotSchedulable",
          first=w.ago(minutes=59, seconds=50), host=w.nodes[1])  # re-reported on kubelet restart
    svc(w, "api-gateway")
    return Built(c, am_replicas_mismatch(w, a.dep, w.ago(minutes=80)), expected(
        description=f"""api-gateway runs 2 of 4 replicas; two pods are Pending: "1 node(s) were unschedulable, 2
        Insufficient cpu". Node {w.nodes[1]} was cordoned 1h46m ago (kubectl-cordon managedFields, unschedulable
        taint) — a maintenance drain that was never finished or uncordoned — and the two remaining nodes lack CPU for
        1.5-core pods. Uncordon the node (or finish the replacement); the workload is fine.""",
        source="alertmanager", culprit={"kind": "Node", "name": w.nodes[1]}, category="node", confidence="medium",
        facts=["unschedulable", w.nodes[1]], remediation_targets=[f"node/{w.nodes[1]}"]),
        start="Deployment (KubeDeploymentReplicasMismatch)")


@scenario("33-node-not-ready-kubelet-stopped")
def node_not_ready() -> Built:
    w = world("33-node-not-ready-kubelet-stopped", noise=(("checkout-web", "node"),))
    c = w.c
    c.stream_files = {"nodes", "namespaces"}  # written as `kubectl get -o yaml` per object, joined by ---
    bad = node_name(c, 6, subnet=2)
    down = w.ago(minutes=24)
    extra_node(w, bad, created=w.ago(days=31), zone="eu-west-1b", ready=False, not_ready_since=down)
    tpl = app_template("orders-consumer", image("orders-consumer", "7.0.2"))
    a = app(w, "orders-consumer", tpl, replicas=3, history=[(with_changes(tpl, image=image("orders-consumer", "7.0.1")),
                                                             w.ago(days=44))], rolled=w.ago(days=10))
    run_pods(w, a.rs, 2, since=w.ago(days=10), stack="java", first_node=0)
    stuck = pod_of(w, a.rs, {"app": Running(since=w.ago(days=10, seconds=-40), ready=False)},
                   created=w.ago(days=10, seconds=-37), node=bad)
    stuck["metadata"]["deletionTimestamp"] = ts(down + timedelta(minutes=5, seconds=30))
    stuck["metadata"]["deletionGracePeriodSeconds"] = 30
    for cd in stuck["status"]["conditions"]:
        if cd["type"] == "Ready":
            cd["lastTransitionTime"] = ts(down + timedelta(seconds=40))
            cd.pop("reason", None)
            cd.pop("message", None)
    repl = run_pods(w, a.rs, 1, since=down + timedelta(minutes=5, seconds=31), stack="java", first_node=2)
    node_obj = c.find("Node", bad)
    event(c, node_obj, "NodeNotReady", f"Node {bad} status is now: NodeNotReady", first=down + timedelta(seconds=40),
          component="node-controller")
    event(c, stuck, "NodeNotReady", "Node is not ready", first=down + timedelta(seconds=40), type="Warning",
          component="node-controller")
    event(c, stuck, "TaintManagerEviction", f"Marking for deletion Pod {w.ns}/{stuck['metadata']['name']}",
          first=down + timedelta(minutes=5, seconds=30), component="taint-eviction-controller")
    event(c, a.rs, "SuccessfulCreate", f"Created pod: {repl[0]['metadata']['name']}",
          first=down + timedelta(minutes=5, seconds=31), component="replicaset-controller")
    svc(w, "orders-consumer")
    return Built(c, am_node_not_ready(w, bad, w.ago(minutes=8)), expected(
        description=f"""Node {bad} stopped posting status 24 minutes ago (Ready=Unknown, "Kubelet stopped posting
        node status", unreachable taints). Its pods were marked for deletion after the 300s toleration and are stuck
        Terminating because the kubelet is gone; the ReplicaSet already replaced them on healthy nodes, so workloads
        recovered. The node (EC2 instance) needs attention: check the instance/kubelet and cordon/replace it.""",
        source="alertmanager", culprit={"kind": "Node", "name": bad}, category="node", confidence="high",
        facts=["NodeNotReady", bad], remediation_targets=[f"node/{bad}"]), start="Node (KubeNodeNotReady)")


@scenario("34-node-disk-pressure-image-gc-fails")
def disk_pressure() -> Built:
    w = world("34-node-disk-pressure-image-gc-fails", noise=(("checkout-web", "node"), ("ledger-worker", "python")))
    c = w.c
    hot = node_name(c, 4, subnet=3)
    since = w.ago(minutes=19)
    extra_node(w, hot, created=w.ago(days=96), zone="eu-west-1c", disk_pressure_since=since)
    node_obj = c.find("Node", hot)
    node_obj["status"]["capacity"]["ephemeral-storage"] = "20959212Ki"
    node_obj["status"]["allocatable"]["ephemeral-storage"] = "18242267924"
    event(c, node_obj, "EvictionThresholdMet", "Attempting to reclaim ephemeral-storage", first=since,
          last=w.ago(minutes=3), count=6, type="Warning", host=hot)
    event(c, node_obj, "FreeDiskSpaceFailed", "Failed to garbage collect required amount of images. Attempted to free "
          "3214569472 bytes, but only found 0 bytes eligible to free.", first=since, last=w.ago(minutes=4), count=4,
          type="Warning", host=hot)
    tpl = app_template("thumbnailer", image("thumbnailer", "4.2.1"))
    a = app(w, "thumbnailer", tpl, replicas=2, history=[(with_changes(tpl, image=image("thumbnailer", "4.2.0")),
                                                         w.ago(days=60))], rolled=w.ago(days=8))
    run_pods(w, a.rs, 1, since=w.ago(days=8), stack="go")
    msg = ("The node was low on resource: ephemeral-storage. Threshold quantity: 2095921212, available: 1903316Ki. "
           "Container app was using 14680Ki, which exceeds its request of 0. ")
    ev = pod_of(w, a.rs, {"app": Done(Terminated(137, "Error", w.ago(days=8), w.ago(minutes=17)))},
                created=w.ago(days=8), node=hot, evicted=msg)
    event(c, ev, "Evicted", msg, first=w.ago(minutes=17), type="Warning", host=hot)
    run_pods(w, a.rs, 1, since=w.ago(minutes=17), stack="go", first_node=1)
    alarm, at = ci_alarm(w, name="prod-eu1 node filesystem utilization", metric="node_filesystem_utilization",
                         dims={"NodeName": hot, "InstanceId": node_obj["spec"]["providerID"].rsplit("/", 1)[1]},
                         threshold=85.0, comparison="GreaterThanThreshold", datapoints=[91.2, 90.7],
                         statistic="Maximum", period=300, unit="Percent",
                         description="Node root volume above 85%", changed=w.ago(minutes=15))
    return Built(c, alerts.sns_https_body(alarm, at), expected(
        description=f"""Node {hot} has DiskPressure since 19 minutes ago: it is an older node with a 20Gi root volume
        (ephemeral-storage capacity ~20Gi) and image garbage collection cannot free anything (FreeDiskSpaceFailed,
        0 bytes eligible) because every image on it is in use. The kubelet evicts pods for ephemeral-storage
        (a thumbnailer pod was evicted and rescheduled elsewhere). The node is the problem, not a workload: replace it
        with the node group's current 80Gi launch template or grow its volume.""",
        source="sns", culprit={"kind": "Node", "name": hot}, category="node", confidence="medium",
        facts=["DiskPressure", "ephemeral-storage", hot], remediation_targets=[f"node/{hot}"]),
        start="Node (Container Insights NodeName)")


@scenario("46-statefulset-volume-node-affinity-conflict")
def volume_affinity() -> Built:
    w = world("46-statefulset-volume-node-affinity-conflict", ns="streaming", node_count=2,
              noise=(("schema-registry", "java"),))
    c = w.c
    tpl = template({"app.kubernetes.io/name": "kafka"}, [container(
        "kafka", "bitnami/kafka:3.8.0", ports=[("client", 9092), ("controller", 9093)],
        requests={"cpu": "1", "memory": "4Gi"}, limits={"memory": "6Gi"},
        mounts=[{"mountPath": "/bitnami/kafka", "name": "data"}])])
    claim = {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"creationTimestamp": None, "name": "data"},
             "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "100Gi"}},
                      "storageClassName": "gp3", "volumeMode": "Filesystem"}, "status": {"phase": "Pending"}}
    sts = statefulset(c, w.ns, "kafka", tpl, replicas=3, created=w.ago(days=180), service_name="kafka-headless",
                      claims=[claim])
    c.stream_files = {"storage"}
    zones = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
    for i in range(3):
        claim_obj = pvc(c, w.ns, f"data-kafka-{i}", created=w.ago(days=180), size="100Gi")
        pv_for(c, claim_obj, node_zone=zones[i])
    for i in range(2):
        statefulset_pod(c, sts, i, PodPlan(node=w.nodes[i], created=w.ago(days=30), states={
            "kafka": Running(since=w.ago(days=30, seconds=-8))}))
    created = w.ago(minutes=41)
    p = statefulset_pod(c, sts, 2, PodPlan(node=None, created=created, states={"kafka": Running(since=w.now)},
                                           unschedulable="0/2 nodes are available: 2 node(s) had volume node affinity "
                                           "conflict. preemption: 0/2 nodes are available: 2 Preemption is not "
                                           "helpful for scheduling."))
    failed_scheduling(w, p, p["status"]["conditions"][0]["message"], first=41, count=15)
    svc(w, "kafka-headless", {"app.kubernetes.io/name": "kafka"}, port=9092, target="client", headless=True)
    labels = {"alertname": "KubeStatefulSetReplicasMismatch", "cluster": c.name, "container": "kube-state-metrics",
              "endpoint": "http", "instance": f"{w.base.ksm_ip}:8080", "job": "kube-state-metrics", "namespace": w.ns,
              "pod": w.base.ksm_name, "prometheus": alerts.PROMETHEUS,
              "service": "kube-prometheus-stack-kube-state-metrics", "severity": "warning", "statefulset": "kafka"}
    alert = am(w, labels, "StatefulSet has not matched the expected number of replicas.",
               f"StatefulSet {w.ns}/kafka has not matched the expected number of replicas for longer than 15 minutes "
               f"on cluster {c.name}.", w.ago(minutes=22),
               '(kube_statefulset_status_replicas_ready{job="kube-state-metrics",namespace=~".*"} != '
               'kube_statefulset_status_replicas{job="kube-state-metrics",namespace=~".*"}) and (changes('
               'kube_statefulset_status_replicas_updated{job="kube-state-metrics",namespace=~".*"}[10m]) == 0)')
    return Built(c, alert, expected(
        description="""kafka-2 has been Pending for 41 minutes with "2 node(s) had volume node affinity conflict".
        Its PersistentVolume (EBS) lives in eu-west-1c, but the cluster now has nodes only in eu-west-1a and
        eu-west-1b — the eu-west-1c node was removed and not replaced. EBS volumes cannot cross zones: either bring
        back node capacity in eu-west-1c (node group subnets) or move the claim's data (snapshot, recreate
        data-kafka-2 in a served zone); the StatefulSet spec is fine.""",
        source="alertmanager", culprit={"kind": "PersistentVolumeClaim", "namespace": w.ns, "name": "data-kafka-2"},
        category="storage", confidence="medium", facts=["volume node affinity conflict", "eu-west-1c"],
        remediation_targets=["persistentvolumeclaim/data-kafka-2"]), start="StatefulSet (custom KSM rule)")



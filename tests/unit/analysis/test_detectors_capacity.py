"""Detectors for where pods run: scheduling, storage, quota, nodes, HPA limits, failed Jobs."""

from firstresponder.analysis.detectors import hpa_saturation, job_failed, node, quota, scheduling, storage
from firstresponder.models import Category, EdgeRelation, ResourceRef
from firstresponder.models.evidence import EventFacts, HpaFacts, NodeFacts, PvcFacts, QuotaFacts

from .builders import NS, BundleBuilder, at
from .test_detectors_crash import NOW, assert_valid

NODE = "ip-10-0-1-12"


def pending(message: str, *, cordoned: bool = False) -> BundleBuilder:
    b = BundleBuilder()
    _dep, pods = b.app(pods=1)
    b.pod_status(pods[0], phase="Pending", conditions={"PodScheduled": "False"}, unschedulable_message=message)
    if cordoned:
        b.add({"apiVersion": "v1", "kind": "Node", "metadata": {"name": NODE}, "spec": {"unschedulable": True}})
        b.fact(ResourceRef(kind="Node", name=NODE), NodeFacts(node=NODE, unschedulable=True))
    return b


def test_insufficient_memory() -> None:
    [f] = scheduling.detect(pending("0/3 nodes are available: 3 Insufficient memory.").build(), NOW)
    assert f.category is Category.SCHEDULING and "not enough free memory" in f.summary
    assert f.culprit.kind == "Deployment"


def test_cordoned_nodes_are_uncordoned() -> None:
    bundle = pending("0/1 nodes are available: 1 node(s) were unschedulable.", cordoned=True).build()
    [f] = scheduling.detect(bundle, NOW)
    assert f.culprit == ResourceRef(kind="Node", name=NODE)
    assert f.remediations[0].command == f"kubectl uncordon {NODE}"
    assert_valid(bundle, [f])


def test_unbound_claims_are_left_to_storage() -> None:
    b = pending("0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims.")
    assert scheduling.detect(b.build(), NOW) == []


def test_pvc_with_missing_storage_class() -> None:
    b = BundleBuilder()
    _dep, pods = b.app(pods=1)
    pvc = ResourceRef(kind="PersistentVolumeClaim", namespace=NS, name="data")
    b.link(pods[0], pvc, EdgeRelation.MOUNTS)
    b.fact(pvc, PvcFacts(claim="data", phase="Pending", storage_class="fast-ssd", storage_class_exists=False))
    [f] = storage.detect(b.build(), NOW)
    assert f.culprit == ResourceRef(kind="StorageClass", name="fast-ssd")
    assert "fast-ssd does not exist" in f.summary and f.direct
    assert pods[0].key in f.explains


def test_bound_pvc_is_fine() -> None:
    b = BundleBuilder()
    b.fact(b.root, PvcFacts(claim="data", phase="Bound", storage_class="gp3"))
    assert storage.detect(b.build(), NOW) == []


def test_quota_exceeded_blocks_replicaset() -> None:
    b = BundleBuilder()
    b.app(pods=0)
    rs = ResourceRef(kind="ReplicaSet", namespace=NS, name="payments-api-7d9f8")
    b.fact(rs, EventFacts(involved=rs, type="Warning", reason="FailedCreate",
                          message='pods "payments-api-7d9f8-x" is forbidden: exceeded quota: compute, '
                                  "requested: limits.memory=512Mi, used: limits.memory=4Gi, limited: limits.memory=4Gi"))
    quota_ref = ResourceRef(kind="ResourceQuota", namespace=NS, name="compute")
    b.fact(quota_ref, QuotaFacts(quota="compute", exhausted=["limits.memory 4Gi/4Gi"]))
    [f] = quota.detect(b.build(), NOW)
    assert f.culprit == quota_ref and f.direct and rs.key in f.explains


def test_quota_with_headroom_is_fine() -> None:
    b = BundleBuilder()
    b.fact(b.root, QuotaFacts(quota="compute", usage={"limits.memory": "1Gi/4Gi"}))
    assert quota.detect(b.build(), NOW) == []


def test_not_ready_node_with_failing_pods() -> None:
    b = BundleBuilder()
    _dep, pods = b.app(pods=1)
    b.pod_status(pods[0], phase="Unknown", node=NODE)
    node_ref = b.add({"apiVersion": "v1", "kind": "Node", "metadata": {"name": NODE}})
    b.fact(node_ref, NodeFacts(node=NODE, ready=False, conditions={"Ready": "Unknown"}))
    bundle = b.build()
    [f] = node.detect(bundle, NOW)
    assert f.culprit == node_ref and "NotReady" in f.summary
    assert_valid(bundle, [f])


def test_pressure_on_a_node_without_failing_pods_is_not_reported() -> None:
    b = BundleBuilder()
    _dep, pods = b.app(pods=1)
    b.pod_status(pods[0], phase="Running", node=NODE)
    b.fact(ResourceRef(kind="Node", name=NODE), NodeFacts(node=NODE, pressure=["DiskPressure"]))
    assert node.detect(b.build(), NOW) == []


def test_hpa_at_max_over_target_raises_max_replicas() -> None:
    b = BundleBuilder()
    dep, _pods = b.app(pods=1)
    hpa_ref = b.add({"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
                     "metadata": {"name": "payments-api", "namespace": NS},
                     "spec": {"minReplicas": 2, "maxReplicas": 6, "scaleTargetRef": {"kind": "Deployment",
                                                                                     "name": "payments-api"}}})
    b.fact(hpa_ref, HpaFacts(hpa="payments-api", target=dep, min_replicas=2, max_replicas=6, current_replicas=6,
                             desired_replicas=6, metrics=["cpu 95% / target 70%"]))
    bundle = b.build()
    [f] = hpa_saturation.detect(bundle, NOW)
    assert f.category is Category.HPA_SATURATION and f.direct
    assert '"maxReplicas":9' in (f.remediations[0].command or "")
    assert_valid(bundle, [f])


def test_hpa_metric_parsing() -> None:
    assert hpa_saturation.over_target("memory 300Mi / target 256Mi")
    assert not hpa_saturation.over_target("cpu 50% / target 70%")
    assert not hpa_saturation.over_target("cpu unknown / target 70%")


def test_hpa_below_max_is_fine() -> None:
    b = BundleBuilder()
    b.fact(b.root, HpaFacts(hpa="payments-api", max_replicas=6, current_replicas=4, metrics=["cpu 95% / target 70%"]))
    assert hpa_saturation.detect(b.build(), NOW) == []


def test_job_backoff_limit_exceeded() -> None:
    b = BundleBuilder(ResourceRef(kind="Job", namespace=NS, name="nightly-report"))
    job = b.add({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "nightly-report", "namespace": NS},
                 "status": {"conditions": [{"type": "Failed", "status": "True", "reason": "BackoffLimitExceeded",
                                            "message": "Job has reached the specified backoff limit"}]}})
    bundle = b.build()
    [f] = job_failed.detect(bundle, NOW)
    assert f.culprit == job and "BackoffLimitExceeded" in f.summary and f.symptom_of
    assert_valid(bundle, [f])


def test_running_job_is_fine() -> None:
    b = BundleBuilder(ResourceRef(kind="Job", namespace=NS, name="nightly-report"))
    b.add({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "nightly-report", "namespace": NS},
           "status": {"active": 1}})
    assert job_failed.detect(b.build(), at(2)) == []


def test_job_failed_from_its_rollout_facts() -> None:
    job = ResourceRef(kind="Job", namespace=NS, name="nightly-report")
    b = BundleBuilder(job)
    b.add({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "nightly-report", "namespace": NS}})
    b.rollout(job, desired=1, conditions={"Failed": "True: BackoffLimitExceeded"})
    [f] = job_failed.detect(b.build(), NOW)
    assert "BackoffLimitExceeded" in f.summary and f.evidence_ids

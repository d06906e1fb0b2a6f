"""Namespaces, Nodes, storage, quotas, HPAs, PDBs and metrics.k8s.io usage."""

from __future__ import annotations

from datetime import datetime, timedelta

from tools.scenarios import ids
from tools.scenarios.cluster import Cluster, Obj
from tools.scenarios.meta import managed, metadata


def namespace(c: Cluster, name: str, *, created: datetime, labels: dict[str, str] | None = None) -> Obj:
    meta = metadata(c, "Namespace", name, None, created,
                    labels={"kubernetes.io/metadata.name": name, **(labels or {})})
    return c.add({"apiVersion": "v1", "kind": "Namespace", "metadata": meta, "spec": {"finalizers": ["kubernetes"]},
                  "status": {"phase": "Active"}})


def node_name(c: Cluster, index: int, subnet: int = 1) -> str:
    return f"ip-10-0-{subnet * 16 + index}-{ids.number(10, 250, c.slug, 'node', index, subnet)}.eu-west-1.compute.internal"


def _cond(kind: str, status: str, reason: str, message: str, since: datetime, beat: datetime) -> Obj:
    return {"lastHeartbeatTime": ids.ts(beat), "lastTransitionTime": ids.ts(since), "message": message,
            "reason": reason, "status": status, "type": kind}


def node(c: Cluster, name: str, *, created: datetime, zone: str = "eu-west-1a", instance: str = "m6i.xlarge",
         cpu: str = "4", memory_ki: int = 15_896_036, pods: int = 58, nodegroup: str = "general",
         ready: bool = True, not_ready_since: datetime | None = None, memory_pressure_since: datetime | None = None,
         disk_pressure_since: datetime | None = None, unschedulable: bool = False, taints: list[Obj] | None = None,
         extra_labels: dict[str, str] | None = None, kubelet: str = "v1.32.9-eks-113cf36") -> Obj:
    """An EKS managed-node-group node with conditions, capacity/allocatable and nodeInfo."""
    ip = ids.node_ip(c.slug, name)
    instance_id = "i-0" + ids.hexid(16, c.slug, name)
    labels = {"beta.kubernetes.io/arch": "amd64", "beta.kubernetes.io/instance-type": instance,
              "beta.kubernetes.io/os": "linux", "eks.amazonaws.com/capacityType": "ON_DEMAND",
              "eks.amazonaws.com/nodegroup": nodegroup, "eks.amazonaws.com/nodegroup-image": "ami-0c9d1f5e4b2a71c3d",
              "failure-domain.beta.kubernetes.io/region": "eu-west-1", "failure-domain.beta.kubernetes.io/zone": zone,
              "k8s.io/cloud-provider-aws": ids.hexid(32, c.slug, "cloud"), "kubernetes.io/arch": "amd64",
              "kubernetes.io/hostname": name, "kubernetes.io/os": "linux", "node.kubernetes.io/instance-type": instance,
              "topology.k8s.aws/zone-id": "euw1-az" + zone[-1].replace("a", "1").replace("b", "2").replace("c", "3"),
              "topology.kubernetes.io/region": "eu-west-1", "topology.kubernetes.io/zone": zone,
              **(extra_labels or {})}
    beat = c.ago(seconds=ids.number(5, 50, c.slug, name, "beat"))
    healthy_since = created + timedelta(seconds=35)
    conds = []
    down = not_ready_since if not ready else None  # kubelet stopped posting status at this time
    kubelet_msg = "Kubelet stopped posting node status."
    for kind, since, bad_reason, ok_reason, ok_msg, bad_msg in (
            ("MemoryPressure", memory_pressure_since, "KubeletHasInsufficientMemory", "KubeletHasSufficientMemory",
             "kubelet has sufficient memory available", "kubelet has insufficient memory available"),
            ("DiskPressure", disk_pressure_since, "KubeletHasDiskPressure", "KubeletHasNoDiskPressure",
             "kubelet has no disk pressure", "kubelet has disk pressure"),
            ("PIDPressure", None, "", "KubeletHasSufficientPID", "kubelet has sufficient PID available", "")):
        if down is not None:
            conds.append(_cond(kind, "Unknown", "NodeStatusUnknown", kubelet_msg, down, down - timedelta(seconds=40)))
        elif since is not None:
            conds.append(_cond(kind, "True", bad_reason, bad_msg, since, beat))
        else:
            conds.append(_cond(kind, "False", ok_reason, ok_msg, healthy_since, beat))
    if down is not None:
        conds.append(_cond("Ready", "Unknown", "NodeStatusUnknown", kubelet_msg, down, down - timedelta(seconds=40)))
    elif ready:
        conds.append(_cond("Ready", "True", "KubeletReady", "kubelet is posting ready status", healthy_since, beat))
    else:
        conds.append(_cond("Ready", "False", "KubeletNotReady",
                           "container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady "
                           "message:Network plugin returns error: cni plugin not initialized", healthy_since, beat))
    capacity = {"cpu": cpu, "ephemeral-storage": "83873772Ki", "hugepages-1Gi": "0", "hugepages-2Mi": "0",
                "memory": f"{memory_ki}Ki", "pods": str(pods)}
    alloc_cpu = f"{int(cpu) * 1000 - 70 - (int(cpu) - 1) * 10}m" if cpu.isdigit() else cpu
    allocatable = {"cpu": alloc_cpu, "ephemeral-storage": "76224326324", "hugepages-1Gi": "0", "hugepages-2Mi": "0",
                   "memory": f"{memory_ki - 1_000_000 - 100_000}Ki", "pods": str(pods)}
    spec: Obj = {"providerID": f"aws:///{zone}/{instance_id}"}
    all_taints = list(taints or [])
    if unschedulable:
        spec["unschedulable"] = True
        all_taints.append({"effect": "NoSchedule", "key": "node.kubernetes.io/unschedulable",
                           "timeAdded": ids.ts(c.ago(minutes=50))})
    if down is not None:
        all_taints += [{"effect": "NoSchedule", "key": "node.kubernetes.io/unreachable", "timeAdded": ids.ts(down)},
                       {"effect": "NoExecute", "key": "node.kubernetes.io/unreachable",
                        "timeAdded": ids.ts(down + timedelta(seconds=5))}]
    if memory_pressure_since is not None:
        all_taints.append({"effect": "NoSchedule", "key": "node.kubernetes.io/memory-pressure",
                           "timeAdded": ids.ts(memory_pressure_since)})
    if disk_pressure_since is not None:
        all_taints.append({"effect": "NoSchedule", "key": "node.kubernetes.io/disk-pressure",
                           "timeAdded": ids.ts(disk_pressure_since)})
    if all_taints:
        spec["taints"] = all_taints
    annotations = {"alpha.kubernetes.io/provided-node-ip": ip, "node.alpha.kubernetes.io/ttl": "0",
                   "volumes.kubernetes.io/controller-managed-attach-detach": "true"}
    meta = metadata(c, "Node", name, None, created, labels=labels, annotations=annotations,
                    managed_fields=[managed("kubelet", created, {"f:metadata": {"f:labels": {}}}),
                                    managed("kubelet", beat, {"f:status": {"f:conditions": {}}},
                                            subresource="status")])
    status: Obj = {
        "addresses": [{"address": ip, "type": "InternalIP"}, {"address": name, "type": "InternalDNS"},
                      {"address": name, "type": "Hostname"}],
        "allocatable": allocatable, "capacity": capacity, "conditions": conds,
        "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
        "nodeInfo": {"architecture": "amd64", "bootID": ids.uid(c.slug, name, "boot"),
                     "containerRuntimeVersion": "containerd://1.7.27", "kernelVersion": "6.1.147-172.266.amzn2023.x86_64",
                     "kubeProxyVersion": kubelet, "kubeletVersion": kubelet,
                     "machineID": ids.hexid(32, c.slug, name, "machine"), "operatingSystem": "linux",
                     "osImage": "Amazon Linux 2023.8.20250818", "systemUUID": "ec2" + ids.hexid(5, name) + "-"
                     + ids.uid(c.slug, name, "sys")[9:]}}
    return c.add({"apiVersion": "v1", "kind": "Node", "metadata": meta, "spec": spec, "status": status})


def storage_class(c: Cluster, name: str, *, created: datetime, default: bool = False,
                  provisioner: str = "ebs.csi.aws.com") -> Obj:
    annotations = {"storageclass.kubernetes.io/is-default-class": "true"} if default else None
    meta = metadata(c, "StorageClass", name, None, created, annotations=annotations)
    return c.add({"allowVolumeExpansion": True, "apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
                  "metadata": meta, "parameters": {"encrypted": "true", "type": "gp3"}, "provisioner": provisioner,
                  "reclaimPolicy": "Delete", "volumeBindingMode": "WaitForFirstConsumer"})


def pvc(c: Cluster, ns: str, name: str, *, created: datetime, size: str = "20Gi", storage_class: str | None = "gp3",
        volume: str | None = None, labels: dict[str, str] | None = None) -> Obj:
    """A claim; Bound when ``volume`` is given, else Pending."""
    spec: Obj = {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": size}},
                 "volumeMode": "Filesystem"}
    if storage_class:
        spec["storageClassName"] = storage_class
    annotations: dict[str, str] = {}
    if volume:
        spec["volumeName"] = volume
        annotations = {"pv.kubernetes.io/bind-completed": "yes", "pv.kubernetes.io/bound-by-controller": "yes",
                       "volume.beta.kubernetes.io/storage-provisioner": "ebs.csi.aws.com",
                       "volume.kubernetes.io/selected-node": "",
                       "volume.kubernetes.io/storage-provisioner": "ebs.csi.aws.com"}
    meta = metadata(c, "PersistentVolumeClaim", name, ns, created, labels=labels, annotations=annotations or None,
                    finalizers=["kubernetes.io/pvc-protection"])
    status: Obj = {"accessModes": ["ReadWriteOnce"], "capacity": {"storage": size}, "phase": "Bound"} if volume \
        else {"phase": "Pending"}
    return c.add({"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": meta, "spec": spec,
                  "status": status})


def pv_for(c: Cluster, claim: Obj, *, node_zone: str = "eu-west-1a") -> Obj:
    """The dynamically provisioned EBS volume bound to ``claim`` (sets claim.spec.volumeName)."""
    name = "pvc-" + claim["metadata"]["uid"]
    claim["spec"]["volumeName"] = name
    claim["status"] = {"accessModes": ["ReadWriteOnce"],
                       "capacity": dict(claim["spec"]["resources"]["requests"]), "phase": "Bound"}
    created = datetime.fromisoformat(claim["metadata"]["creationTimestamp"].replace("Z", "+00:00"))
    meta = metadata(c, "PersistentVolume", name, None, created + timedelta(seconds=4),
                    annotations={"pv.kubernetes.io/provisioned-by": "ebs.csi.aws.com",
                                 "volume.kubernetes.io/provisioner-deletion-secret-name": "",
                                 "volume.kubernetes.io/provisioner-deletion-secret-namespace": ""},
                    finalizers=["external-provisioner.volume.kubernetes.io/finalizer", "kubernetes.io/pv-protection"])
    spec = {"accessModes": ["ReadWriteOnce"], "capacity": dict(claim["spec"]["resources"]["requests"]),
            "claimRef": {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "name": claim["metadata"]["name"],
                         "namespace": claim["metadata"]["namespace"],
                         "resourceVersion": claim["metadata"]["resourceVersion"], "uid": claim["metadata"]["uid"]},
            "csi": {"driver": "ebs.csi.aws.com", "fsType": "ext4",
                    "volumeAttributes": {"storage.kubernetes.io/csiProvisionerIdentity": "1757000000000-8081-ebs.csi.aws.com"},
                    "volumeHandle": "vol-0" + ids.hexid(16, c.slug, name)},
            "nodeAffinity": {"required": {"nodeSelectorTerms": [{"matchExpressions": [
                {"key": "topology.kubernetes.io/zone", "operator": "In", "values": [node_zone]}]}]}},
            "persistentVolumeReclaimPolicy": "Delete", "storageClassName": claim["spec"].get("storageClassName", "gp3"),
            "volumeMode": "Filesystem"}
    return c.add({"apiVersion": "v1", "kind": "PersistentVolume", "metadata": meta, "spec": spec,
                  "status": {"lastPhaseTransitionTime": ids.ts(created + timedelta(seconds=4)), "phase": "Bound"}})


def resource_quota(c: Cluster, ns: str, name: str, *, hard: dict[str, str], used: dict[str, str],
                   created: datetime) -> Obj:
    meta = metadata(c, "ResourceQuota", name, ns, created)
    return c.add({"apiVersion": "v1", "kind": "ResourceQuota", "metadata": meta, "spec": {"hard": dict(hard)},
                  "status": {"hard": dict(hard), "used": dict(used)}})


def limit_range(c: Cluster, ns: str, name: str, *, created: datetime, default: dict[str, str],
                default_request: dict[str, str]) -> Obj:
    meta = metadata(c, "LimitRange", name, ns, created)
    return c.add({"apiVersion": "v1", "kind": "LimitRange", "metadata": meta, "spec": {"limits": [
        {"default": default, "defaultRequest": default_request, "type": "Container"}]}})


def hpa(c: Cluster, ns: str, name: str, *, target: Obj, min_replicas: int, max_replicas: int, current: int,
        desired: int, cpu_target: int, cpu_current: int | None, created: datetime, scaled_at: datetime,
        limited: bool = False, able: bool = True, able_reason: str | None = None,
        able_message: str | None = None) -> Obj:
    """An autoscaling/v2 HPA on CPU utilisation with status and conditions."""
    spec = {"maxReplicas": max_replicas, "metrics": [{"resource": {"name": "cpu", "target": {
        "averageUtilization": cpu_target, "type": "Utilization"}}, "type": "Resource"}],
        "minReplicas": min_replicas,
        "scaleTargetRef": {"apiVersion": target["apiVersion"], "kind": target["kind"], "name": target["metadata"]["name"]}}
    meta = metadata(c, "HorizontalPodAutoscaler", name, ns, created,
                    managed_fields=[managed("kubectl-client-side-apply", created, {"f:spec": {}},
                                            api_version="autoscaling/v2"),
                                    managed("kube-controller-manager", scaled_at, {"f:status": {}},
                                            api_version="autoscaling/v2", subresource="status")])
    since = c.ago(minutes=ids.number(20, 50, c.slug, name))
    conds = [{"lastTransitionTime": ids.ts(created + timedelta(seconds=15)), "message": able_message or
              "recommended size matches current size" if able else able_message or "",
              "reason": able_reason or "ReadyForNewScale",
              "status": "True" if able else "False", "type": "AbleToScale"}]
    if cpu_current is None:
        conds.append({"lastTransitionTime": ids.ts(since), "message": "the HPA was unable to compute the replica "
                      "count: failed to get cpu utilization: unable to get metrics for resource cpu: no metrics "
                      "returned from resource metrics API", "reason": "FailedGetResourceMetric", "status": "False",
                      "type": "ScalingActive"})
    else:
        conds.append({"lastTransitionTime": ids.ts(created + timedelta(seconds=45)),
                      "message": "the HPA was able to successfully calculate a replica count from cpu resource "
                      "utilization (percentage of request)", "reason": "ValidMetricFound", "status": "True",
                      "type": "ScalingActive"})
    if limited:
        conds.append({"lastTransitionTime": ids.ts(scaled_at + timedelta(seconds=15)),
                      "message": "the desired replica count is more than the "
                      "maximum replica count", "reason": "TooManyReplicas", "status": "True", "type": "ScalingLimited"})
    else:
        conds.append({"lastTransitionTime": ids.ts(created + timedelta(hours=2)), "message": "the desired count is "
                      "within the acceptable range", "reason": "DesiredWithinRange", "status": "False",
                      "type": "ScalingLimited"})
    status: Obj = {"conditions": conds, "currentReplicas": current, "desiredReplicas": desired,
                   "lastScaleTime": ids.ts(scaled_at)}
    if cpu_current is not None:
        status["currentMetrics"] = [{"resource": {"current": {"averageUtilization": cpu_current,
                                                              "averageValue": f"{cpu_current * 5}m"},
                                                  "name": "cpu"}, "type": "Resource"}]
    else:
        status["currentMetrics"] = None
    return c.add({"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": meta, "spec": spec,
                  "status": status})


def pdb(c: Cluster, ns: str, name: str, *, selector: dict[str, str], created: datetime, min_available: int | str,
        current: int, desired: int, expected: int) -> Obj:
    meta = metadata(c, "PodDisruptionBudget", name, ns, created, generation=1)
    allowed = max(0, current - desired)
    return c.add({"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": meta,
                  "spec": {"minAvailable": min_available, "selector": {"matchLabels": selector}},
                  "status": {"conditions": [{"lastTransitionTime": ids.ts(created + timedelta(seconds=5)),
                                             "message": "", "observedGeneration": 1,
                                             "reason": "SufficientPods" if allowed else "InsufficientPods",
                                             "status": "True" if allowed else "False", "type": "DisruptionAllowed"}],
                             "currentHealthy": current, "desiredHealthy": desired, "disruptionsAllowed": allowed,
                             "expectedPods": expected, "observedGeneration": 1}})


def pod_metrics(c: Cluster, pod: Obj, usage: dict[str, tuple[str, str]]) -> Obj:
    """metrics.k8s.io/v1beta1 PodMetrics; usage is container -> (cpu, memory)."""
    meta = pod["metadata"]
    return c.add({"apiVersion": "metrics.k8s.io/v1beta1", "containers": [
        {"name": n, "usage": {"cpu": cpu, "memory": mem}} for n, (cpu, mem) in usage.items()],
        "kind": "PodMetrics", "metadata": {"creationTimestamp": ids.ts(c.now), "labels": dict(meta.get("labels", {})),
                                           "name": meta["name"], "namespace": meta["namespace"]},
        "timestamp": ids.ts(c.ago(seconds=14)), "window": "15.011s"})


def node_metrics(c: Cluster, node_obj: Obj, cpu: str, memory: str) -> Obj:
    return c.add({"apiVersion": "metrics.k8s.io/v1beta1", "kind": "NodeMetrics",
                  "metadata": {"creationTimestamp": ids.ts(c.now), "labels": dict(node_obj["metadata"]["labels"]),
                               "name": node_obj["metadata"]["name"]},
                  "timestamp": ids.ts(c.ago(seconds=9)), "usage": {"cpu": cpu, "memory": memory},
                  "window": "20.052s"})

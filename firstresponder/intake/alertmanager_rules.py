"""What each standard kube-prometheus-stack alert is about: a table, read by the Alertmanager normaliser.

Alerts computed from kube-state-metrics also carry the exporter's own ``pod``/``container``/``service``
scrape labels; only the label named here is the subject (kubernetes-mixin alerts/*.libsonnet).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AlertRule:
    """Subject of one alertname: the kind, the label naming it, and the container label if any."""

    kind: str | None  # None: a cluster- or namespace-wide alert with no single subject
    label: str | None = None
    container_label: str | None = None
    # The label set's ``namespace`` is the exporter's, not the subject's (cluster-scoped subjects).
    namespace_is_exporters: bool = False
    note: str | None = None


_POD = AlertRule("Pod", "pod", container_label="container")
_DEPLOYMENT = AlertRule("Deployment", "deployment")
_STATEFULSET = AlertRule("StatefulSet", "statefulset")
_DAEMONSET = AlertRule("DaemonSet", "daemonset")
_HPA = AlertRule("HorizontalPodAutoscaler", "horizontalpodautoscaler")
_JOB = AlertRule("Job", "job_name")
_NODE = AlertRule("Node", "node", namespace_is_exporters=True)
_PVC = AlertRule("PersistentVolumeClaim", "persistentvolumeclaim")
_QUOTA = AlertRule("ResourceQuota", "resourcequota")
_CAPACITY = AlertRule(None, namespace_is_exporters=True,
                      note="cluster-wide capacity alert: no single resource")

ALERT_RULES: dict[str, AlertRule] = {
    # kubernetes-apps
    "KubePodCrashLooping": _POD,
    "KubePodNotReady": AlertRule("Pod", "pod"),
    "KubeContainerWaiting": _POD,
    "KubeDeploymentReplicasMismatch": _DEPLOYMENT,
    "KubeDeploymentRolloutStuck": _DEPLOYMENT,
    "KubeDeploymentGenerationMismatch": _DEPLOYMENT,
    "KubeStatefulSetReplicasMismatch": _STATEFULSET,
    "KubeStatefulSetGenerationMismatch": _STATEFULSET,
    "KubeStatefulSetUpdateNotRolledOut": _STATEFULSET,
    "KubeDaemonSetRolloutStuck": _DAEMONSET,
    "KubeDaemonSetNotScheduled": _DAEMONSET,
    "KubeDaemonSetMisScheduled": _DAEMONSET,
    "KubeHpaMaxedOut": _HPA,
    "KubeHpaReplicasMismatch": _HPA,
    "KubeJobFailed": _JOB,
    "KubeJobNotCompleted": _JOB,
    "KubeCronJobRunning": AlertRule("CronJob", "cronjob"),
    # kubernetes-resources
    "CPUThrottlingHigh": _POD,  # cAdvisor series: pod/container are the subject's, service is the kubelet's
    "KubeMemoryOvercommit": _CAPACITY,
    "KubeCPUOvercommit": _CAPACITY,
    "KubeMemoryQuotaOvercommit": _CAPACITY,
    "KubeCPUQuotaOvercommit": _CAPACITY,
    "KubeQuotaExceeded": _QUOTA,
    "KubeQuotaAlmostFull": _QUOTA,
    "KubeQuotaFullyUsed": _QUOTA,
    # kubernetes-storage
    "KubePersistentVolumeFillingUp": _PVC,
    "KubePersistentVolumeInodesFillingUp": _PVC,
    "KubePersistentVolumeErrors": AlertRule("PersistentVolume", "persistentvolume", namespace_is_exporters=True),
    # kubernetes-system
    "KubeNodeNotReady": _NODE,
    "KubeNodePressure": _NODE,
    "KubeNodeUnreachable": _NODE,
    "KubeNodeReadinessFlapping": _NODE,
    "KubeletTooManyPods": _NODE,
    # general: the scrape target's Service is the subject (job/service/namespace of the target).
    "TargetDown": AlertRule("Service", "service", note="scrape targets of this Service are down"),
}

# Fallback for unknown alertnames: the most specific subject label first.
FALLBACK_SUBJECT_LABELS: tuple[tuple[str, str], ...] = (
    ("pod", "Pod"),
    ("persistentvolumeclaim", "PersistentVolumeClaim"),
    ("job_name", "Job"),
    ("cronjob", "CronJob"),
    ("horizontalpodautoscaler", "HorizontalPodAutoscaler"),
    ("statefulset", "StatefulSet"),
    ("daemonset", "DaemonSet"),
    ("deployment", "Deployment"),
    ("ingress", "Ingress"),
    ("service", "Service"),
    ("node", "Node"),
    ("persistentvolume", "PersistentVolume"),
)

# Name fragments of the exporters whose own scrape labels (pod, container, service) ride on alerts.
EXPORTER_MARKERS: tuple[str, ...] = (
    "kube-state-metrics", "node-exporter", "kubelet", "cadvisor", "blackbox-exporter",
    "prometheus-operator", "kube-prometheus",
)

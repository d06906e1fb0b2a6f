"""Short-hands for scenario modules: a standard world, an app with revisions, and the usual alerts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from tools.scenarios import alerts, ids
from tools.scenarios.base import Base, app_namespace, base_cluster, healthy_app, healthy_log
from tools.scenarios.cluster import Cluster, Obj
from tools.scenarios.config import service_account
from tools.scenarios.containers import ECR, container, probe_http, template
from tools.scenarios.events import event, pod_started_events
from tools.scenarios.infra import pod_metrics, storage_class
from tools.scenarios.network import service
from tools.scenarios.pods import PodPlan, Running, State
from tools.scenarios.workloads import deployment, owned_pod, replicaset

Noise = tuple[tuple[str, str], ...]
DEFAULT_NOISE: Noise = (("checkout-web", "node"), ("ledger-worker", "python"))


@dataclass
class World:
    c: Cluster
    base: Base
    ns: str
    nodes: list[str]
    notes: list[str] = field(default_factory=list)

    def ago(self, **kw: float) -> datetime:
        return self.c.ago(**kw)

    @property
    def now(self) -> datetime:
        return self.c.now


def moment(slug: str) -> datetime:
    """A stable capture time in March 2026 for a scenario (varied hours, often at night)."""
    day = 1 + ids.number(0, 27, slug, "day")
    hour = [2, 3, 4, 9, 11, 14, 16, 19, 22, 23][ids.number(0, 9, slug, "hour")]
    return datetime(2026, 3, day, hour, ids.number(0, 59, slug, "min"), ids.number(0, 59, slug, "sec"), tzinfo=UTC)


def world(slug: str, *, ns: str = "production", node_count: int = 3, noise: Noise = DEFAULT_NOISE,
          cluster: str = "prod-eu1", coredns_ready: bool = True, ns_labels: dict[str, str] | None = None,
          skip_nodes: bool = False, metrics: bool = True) -> World:
    c = Cluster(slug, moment(slug), name=cluster)
    base = base_cluster(c, node_count=node_count, coredns_ready=coredns_ready, skip_nodes=skip_nodes,
                        metrics=metrics)
    app_namespace(c, ns, c.ago(days=200), labels=ns_labels or {"team": "platform"})
    storage_class(c, "gp3", created=base.cluster_created + timedelta(minutes=30), default=True)
    storage_class(c, "gp2", created=base.cluster_created + timedelta(minutes=2), provisioner="kubernetes.io/aws-ebs")
    w = World(c, base, ns, list(base.nodes))
    for name, stack in noise:
        healthy_app(c, ns, name, nodes=w.nodes, replicas=2, stack=stack,
                    age_days=30 + ids.number(0, 90, slug, name), rollout_days=1 + ids.number(0, 14, slug, name),
                    metrics=metrics)
    return w


def image(name: str, tag: str, registry: str = ECR) -> str:
    return f"{registry}/{name}:{tag}"


def app_template(name: str, img: str, *, ctr: str = "app", port: int = 8080, env: list[Obj] | None = None,
                 env_from: list[Obj] | None = None, requests: dict[str, str] | None = None,
                 limits: dict[str, str] | None = None, readiness: Obj | bool | None = True,
                 liveness: Obj | bool | None = True, startup: Obj | None = None,
                 command: list[str] | None = None, args: list[str] | None = None, mounts: list[Obj] | None = None,
                 volumes: list[Obj] | None = None, sa: str | None = None, extra_labels: dict[str, str] | None = None,
                 part_of: str = "shop", **tpl_kw: Any) -> Obj:
    """The usual single-container template (probes on the named port ``http``)."""
    ready = probe_http("/ready", "http") if readiness is True else readiness or None
    live = probe_http("/healthz", "http", initial=10) if liveness is True else liveness or None
    labels = {"app.kubernetes.io/name": name, "app.kubernetes.io/part-of": part_of, **(extra_labels or {})}
    return template(labels, [container(
        ctr, img, ports=[("http", port)], env=env, env_from=env_from,
        requests=requests or {"cpu": "200m", "memory": "256Mi"}, limits=limits or {"memory": "512Mi"},
        readiness=ready, liveness=live, startup=startup, command=command, args=args, mounts=mounts)],
        volumes=volumes, service_account=sa, **tpl_kw)


@dataclass
class App:
    dep: Obj
    rs: Obj  # newest revision
    old: list[Obj]

    @property
    def name(self) -> str:
        return str(self.dep["metadata"]["name"])


def app(w: World, name: str, tpl: Obj, *, replicas: int, history: list[tuple[Obj, datetime]] | None = None,
        rolled: datetime | None = None, created: datetime | None = None, new_rs_replicas: int | None = None,
        sa: bool = False, **dep_kw: Any) -> App:
    """A Deployment whose newest revision is ``tpl`` (rolled out at ``rolled``), older ones from ``history``."""
    c = w.c
    history = history or []
    if any(t == tpl for t, _ in history):
        raise ValueError(f"{name}: a revision in history equals the current template (same ReplicaSet)")
    created = created or (history[0][1] if history else c.ago(days=70 + ids.number(0, 90, c.slug, name)))
    rolled = rolled or (c.ago(days=3 + ids.number(0, 20, c.slug, name)) if history else created)
    generation = len(history) + 1 + dep_kw.pop("extra_generation", 0)
    if sa:
        service_account(c, w.ns, name, created=created)
    dep = deployment(c, w.ns, name, tpl, replicas=replicas, created=created, generation=generation,
                     changed=rolled if history else None, labels={"app.kubernetes.io/name": name}, **dep_kw)
    olds = [replicaset(c, dep, t, revision=i + 1, created=at, replicas=0) for i, (t, at) in enumerate(history)]
    rs = replicaset(c, dep, tpl, revision=len(history) + 1, created=rolled,
                    replicas=replicas if new_rs_replicas is None else new_rs_replicas)
    return App(dep, rs, olds)


def run_pods(w: World, rs: Obj, n: int, *, since: datetime, ctr: str = "app", stack: str = "go",
             first_node: int = 0, log: bool = True, usage: tuple[str, str] | None = ("35m", "160Mi")) -> list[Obj]:
    """``n`` healthy pods of ``rs`` started around ``since``."""
    pods = []
    for i in range(n):
        started = since + timedelta(seconds=17 * i + 3)
        p = owned_pod(w.c, rs, node=w.nodes[(first_node + i) % len(w.nodes)], created=started,
                      states={ctr: Running(since=started + timedelta(seconds=2))})
        if log:
            w.c.log(w.ns, p["metadata"]["name"], ctr, healthy_log(w.c, started, rs["metadata"]["name"], stack))
        if usage:
            pod_metrics(w.c, p, {ctr: usage})
        pods.append(p)
    return pods


def pod_of(w: World, rs: Obj, states: dict[str, State], *, created: datetime, node: int | str | None = 0,
           **plan_kw: Any) -> Obj:
    node_name = w.nodes[node % len(w.nodes)] if isinstance(node, int) else node
    return owned_pod(w.c, rs, PodPlan(node=node_name, created=created, states=states, **plan_kw))


def svc(w: World, name: str, selector: dict[str, str] | None = None, *, port: int = 80,
        target: int | str = "http", **kw: Any) -> Obj:
    return service(w.c, w.ns, name, selector=selector if selector is not None else {"app.kubernetes.io/name": name},
                   ports=[("http", port, target)], created=kw.pop("created", w.c.ago(days=120)),
                   labels={"app.kubernetes.io/name": name}, **kw)


def started_events(w: World, pod: Obj, ctr: str = "app", *, restarts: int = 0, last: datetime | None = None) -> None:
    created = datetime.fromisoformat(pod["metadata"]["creationTimestamp"].replace("Z", "+00:00"))
    if created < w.ago(hours=1):
        return
    pod_started_events(w.c, pod, ctr, at=created + timedelta(seconds=1), count=restarts + 1, last=last)


def backoff_event(w: World, pod: Obj, ctr: str = "app", *, first: datetime, count: int) -> Obj:
    return event(w.c, pod, "BackOff", f"Back-off restarting failed container {ctr} in pod "
                 f"{pod['metadata']['name']}_{w.ns}({pod['metadata']['uid']})", first=first,
                 last=w.ago(seconds=ids.number(4, 40, pod["metadata"]["name"])), count=count, type="Warning",
                 host=pod["spec"].get("nodeName"), field_path=f"spec.containers{{{ctr}}}")


# ---------------------------------------------------------------- Alertmanager (kubernetes-mixin rules)

def _ksm(w: World, name: str, severity: str, subject: dict[str, str]) -> dict[str, str]:
    return alerts.ksm_labels(w.c.slug, name, severity, {"cluster": w.c.name, **subject},
                             ksm_pod=w.base.ksm_name, ksm_ip=w.base.ksm_ip)


def _plain(w: World, name: str, severity: str, subject: dict[str, str]) -> dict[str, str]:
    return {"alertname": name, "cluster": w.c.name, "prometheus": alerts.PROMETHEUS, "severity": severity, **subject}


def am(w: World, labels: dict[str, str], summary: str, description: str, starts: datetime, expr: str) -> Obj:
    return alerts.alertmanager_webhook([alerts.am_alert(labels, summary=summary, description=description,
                                                        starts=starts, expr=expr)])


def am_crashlooping(w: World, pod: Obj, ctr: str, starts: datetime) -> Obj:
    name = pod["metadata"]["name"]
    labels = _ksm(w, "KubePodCrashLooping", "warning", {"container": ctr, "namespace": w.ns, "pod": name,
                                                         "reason": "CrashLoopBackOff", "uid": pod["metadata"]["uid"]})
    return am(w, labels, "Pod is crash looping.",
              f'Pod {w.ns}/{name} ({ctr}) is in waiting state (reason: "CrashLoopBackOff") on cluster {w.c.name}.',
              starts, 'max_over_time(kube_pod_container_status_waiting_reason{job="kube-state-metrics",'
                      'namespace=~".*",reason="CrashLoopBackOff"}[5m]) >= 1')


def am_pod_not_ready(w: World, pod: Obj, starts: datetime) -> Obj:
    name = pod["metadata"]["name"]
    return am(w, _plain(w, "KubePodNotReady", "warning", {"namespace": w.ns, "pod": name}),
              "Pod has been in a non-ready state for more than 15 minutes.",
              f"Pod {w.ns}/{name} has been in a non-ready state for longer than 15 minutes on cluster {w.c.name}.",
              starts, 'sum by (namespace, pod, cluster) (max by (namespace, pod, cluster) (kube_pod_status_phase'
                      '{job="kube-state-metrics",namespace=~".*",phase=~"Pending|Unknown|Failed"}) * on (namespace, '
                      'pod, cluster) group_left (owner_kind) topk by (namespace, pod, cluster) (1, max by (namespace,'
                      ' pod, owner_kind, cluster) (kube_pod_owner{owner_kind!="Job"}))) > 0')


def am_container_waiting(w: World, pod: Obj, ctr: str, reason: str, starts: datetime) -> Obj:
    name = pod["metadata"]["name"]
    return am(w, _plain(w, "KubeContainerWaiting", "warning", {"container": ctr, "namespace": w.ns, "pod": name,
                                                                "reason": reason}),
              "Pod container waiting longer than 1 hour",
              f'pod/{name} in namespace {w.ns} on container {ctr} has been in waiting state for longer than 1 hour. '
              f'(reason: "{reason}") on cluster {w.c.name}.', starts,
              'kube_pod_container_status_waiting_reason{job="kube-state-metrics",namespace=~".*",'
              'reason!="CrashLoopBackOff"} > 0')


def am_replicas_mismatch(w: World, dep: Obj, starts: datetime) -> Obj:
    name = dep["metadata"]["name"]
    return am(w, _ksm(w, "KubeDeploymentReplicasMismatch", "warning", {"deployment": name, "namespace": w.ns}),
              "Deployment has not matched the expected number of replicas.",
              f"Deployment {w.ns}/{name} has not matched the expected number of replicas for longer than 15 minutes "
              f"on cluster {w.c.name}.", starts,
              '(kube_deployment_spec_replicas{job="kube-state-metrics",namespace=~".*"} > kube_deployment_status_'
              'replicas_available{job="kube-state-metrics",namespace=~".*"}) and (changes(kube_deployment_status_'
              'replicas_updated{job="kube-state-metrics",namespace=~".*"}[10m]) == 0)')


def am_rollout_stuck(w: World, dep: Obj, starts: datetime) -> Obj:
    name = dep["metadata"]["name"]
    return am(w, _ksm(w, "KubeDeploymentRolloutStuck", "warning", {"condition": "Progressing", "deployment": name,
                                                                    "namespace": w.ns, "status": "false"}),
              "Deployment rollout is not progressing.",
              f"Rollout of deployment {w.ns}/{name} is not progressing for longer than 15 minutes on cluster "
              f"{w.c.name}.", starts,
              'kube_deployment_status_condition{condition="Progressing",job="kube-state-metrics",'
              'namespace=~".*",status="false"} != 0')


def am_hpa_maxed(w: World, hpa_name: str, starts: datetime) -> Obj:
    return am(w, _ksm(w, "KubeHpaMaxedOut", "warning", {"horizontalpodautoscaler": hpa_name, "namespace": w.ns}),
              "HPA is running at max replicas",
              f"HPA {w.ns}/{hpa_name} has been running at max replicas for longer than 15 minutes on cluster "
              f"{w.c.name}.", starts,
              'kube_horizontalpodautoscaler_status_current_replicas{job="kube-state-metrics",namespace=~".*"} == '
              'kube_horizontalpodautoscaler_spec_max_replicas{job="kube-state-metrics",namespace=~".*"}')


def am_job_failed(w: World, job_name: str, starts: datetime) -> Obj:
    return am(w, _ksm(w, "KubeJobFailed", "warning", {"condition": "true", "job_name": job_name, "namespace": w.ns}),
              "Job failed to complete.",
              f"Job {w.ns}/{job_name} failed to complete. Removing failed job after investigation should clear this "
              f"alert on cluster {w.c.name}.", starts, 'kube_job_failed{job="kube-state-metrics",namespace=~".*"} > 0')


def am_node_not_ready(w: World, node: str, starts: datetime) -> Obj:
    return am(w, _ksm(w, "KubeNodeNotReady", "warning", {"condition": "Ready", "node": node, "status": "true"}),
              "Node is not ready.", f"{node} has been unready for more than 15 minutes on cluster {w.c.name}.", starts,
              'kube_node_status_condition{condition="Ready",job="kube-state-metrics",status="true"} == 0')


def am_node_pressure(w: World, node: str, condition: str, starts: datetime) -> Obj:
    return am(w, _ksm(w, "KubeNodePressure", "info", {"condition": condition, "node": node, "status": "true"}),
              "Node has as active Condition.",
              f"The node {node} on cluster {w.c.name} has active Condition {condition}. This is caused by resource "
              "usage exceeding eviction thresholds.", starts,
              'kube_node_status_condition{condition=~"(MemoryPressure|DiskPressure|PIDPressure)",'
              'job="kube-state-metrics",status="true"} == 1')


def am_quota_exceeded(w: World, quota: str, resource: str, ratio: str, starts: datetime) -> Obj:
    labels = _ksm(w, "KubeQuotaExceeded", "warning", {"namespace": w.ns, "resource": resource,
                                                       "resourcequota": quota})
    labels.pop("instance")
    labels.pop("job")
    return am(w, labels, "Namespace quota has exceeded the limits.",
              f"Namespace {w.ns} is using {ratio} of its {resource} quota on cluster {w.c.name}.", starts,
              'kube_resourcequota{job="kube-state-metrics",type="used"} / ignoring (instance, job, type) '
              '(kube_resourcequota{job="kube-state-metrics",type="hard"} > 0) > 1')


# ---------------------------------------------------------------- CloudWatch Container Insights

def ci_alarm(w: World, *, name: str, metric: str, dims: dict[str, str], threshold: float, comparison: str,
             datapoints: list[float], description: str, statistic: str = "Maximum", period: int = 60,
             unit: str | None = None, changed: datetime | None = None) -> tuple[Obj, datetime]:
    at = changed or w.ago(minutes=1, seconds=12)
    alarm = alerts.cloudwatch_alarm(name=name, description=description, metric=metric,
                                    namespace="ContainerInsights", dimensions={**dims, "ClusterName": w.c.name},
                                    threshold=threshold, comparison=comparison, statistic=statistic, period=period,
                                    evaluation_periods=len(datapoints), datapoints=datapoints, changed=at, unit=unit)
    return alarm, at


def ingress_controller(w: World) -> Obj:
    """ingress-nginx (namespace, IngressClass nginx, controller Deployment, LoadBalancer Service); returns a pod."""
    from tools.scenarios.network import ingress_class

    c = w.c
    created = w.base.cluster_created + timedelta(days=3)
    app_namespace(c, "ingress-nginx", created, labels={"app.kubernetes.io/name": "ingress-nginx"})
    ingress_class(c, "nginx", created=created, default=True)
    labels = {"app.kubernetes.io/component": "controller", "app.kubernetes.io/instance": "ingress-nginx",
              "app.kubernetes.io/name": "ingress-nginx"}
    tpl = template(labels, [container(
        "controller", "registry.k8s.io/ingress-nginx/controller:v1.11.3",
        ports=[("http", 80), ("https", 443), ("metrics", 10254), ("webhook", 8443)],
        args=["/nginx-ingress-controller", "--publish-service=$(POD_NAMESPACE)/ingress-nginx-controller",
              "--election-id=ingress-nginx-leader", "--controller-class=k8s.io/ingress-nginx",
              "--ingress-class=nginx", "--configmap=$(POD_NAMESPACE)/ingress-nginx-controller"],
        requests={"cpu": "100m", "memory": "90Mi"}, readiness=probe_http("/healthz", 10254),
        liveness=probe_http("/healthz", 10254, initial=10, failure=5))], service_account="ingress-nginx")
    service_account(c, "ingress-nginx", "ingress-nginx", created=created)
    dep = deployment(c, "ingress-nginx", "ingress-nginx-controller", tpl, replicas=2, created=created,
                     labels=labels, selector=labels, apply_annotation=False)
    rs = replicaset(c, dep, tpl, revision=3, created=w.ago(days=27), replicas=2)
    pods = []
    for i in range(2):
        started = w.ago(days=12 - i)
        pods.append(owned_pod(c, rs, node=w.nodes[i % len(w.nodes)], created=started,
                              states={"controller": Running(since=started + timedelta(seconds=3))}))
    service(c, "ingress-nginx", "ingress-nginx-controller", selector=labels,
            ports=[("http", 80, "http"), ("https", 443, "https")], created=created, kind="LoadBalancer",
            labels=labels)
    return pods[0]


def lb_hostname(c: Cluster) -> str:
    svc_obj = c.find("Service", "ingress-nginx-controller", "ingress-nginx")
    return str(svc_obj["status"]["loadBalancer"]["ingress"][0]["hostname"])


def extra_node(w: World, name: str, **node_kw: Any) -> Obj:
    """A node beyond the base ones, with its kube-proxy DaemonSet pod (every node runs one)."""
    from tools.scenarios.infra import node
    from tools.scenarios.workloads import daemonset_pod

    obj = node(w.c, name, **node_kw)
    created = datetime.fromisoformat(obj["metadata"]["creationTimestamp"].replace("Z", "+00:00"))
    kp = w.c.find("DaemonSet", "kube-proxy", "kube-system")
    started = created + timedelta(seconds=20)
    daemonset_pod(w.c, kp, PodPlan(node=name, created=started,
                                   states={"kube-proxy": Running(since=started + timedelta(seconds=9))}))
    w.nodes.append(name)
    return obj

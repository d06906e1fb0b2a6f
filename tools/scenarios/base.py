"""The furniture every scenario shares: system namespaces, nodes, CoreDNS, kube-proxy, kube-state-metrics,
and a helper for healthy neighbour workloads (noise)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from tools.scenarios import ids
from tools.scenarios.cluster import Cluster, Obj
from tools.scenarios.config import configmap, root_ca, service_account
from tools.scenarios.containers import ECR, container, probe_http, template
from tools.scenarios.infra import namespace, node, node_metrics, node_name, pod_metrics
from tools.scenarios.logs import Log
from tools.scenarios.network import service
from tools.scenarios.pods import PodPlan, Running
from tools.scenarios.workloads import daemonset, daemonset_pod, deployment, owned_pod, replicaset

ZONES = ("eu-west-1a", "eu-west-1b", "eu-west-1c")
COREFILE = """.:53 {
    errors
    health {
        lameduck 5s
      }
    ready
    kubernetes cluster.local in-addr.arpa ip6.arpa {
      pods insecure
      fallthrough in-addr.arpa ip6.arpa
    }
    prometheus :9153
    forward . /etc/resolv.conf
    cache 30
    loop
    reload
    loadbalance
}
"""


@dataclass
class Base:
    nodes: list[str]
    ksm_pod: Obj
    cluster_created: datetime

    @property
    def ksm_ip(self) -> str:
        return str(self.ksm_pod["status"]["podIP"])

    @property
    def ksm_name(self) -> str:
        return str(self.ksm_pod["metadata"]["name"])


def app_namespace(c: Cluster, name: str, created: datetime, labels: dict[str, str] | None = None) -> Obj:
    ns = namespace(c, name, created=created, labels=labels)
    root_ca(c, name, created)
    service_account(c, name, "default", created=created)
    return ns


def base_cluster(c: Cluster, *, node_count: int = 3, node_age_days: float = 12, coredns_ready: bool = True,
                 extra_nodes: list[str] | None = None, skip_nodes: bool = False,
                 metrics: bool = True) -> Base:
    """System namespaces, ``node_count`` Ready nodes, CoreDNS, kube-proxy and kube-state-metrics."""
    cluster_created = c.ago(days=180 + ids.number(0, 60, c.slug))
    for ns in ("default", "kube-node-lease", "kube-public", "kube-system"):
        app_namespace(c, ns, cluster_created)
    app_namespace(c, "monitoring", cluster_created + timedelta(days=2))
    nodes: list[str] = []
    if not skip_nodes:
        for i in range(node_count):
            name = node_name(c, i, subnet=i % 3 + 1)
            node(c, name, created=c.ago(days=node_age_days - i * 0.3, minutes=ids.number(0, 300, c.slug, i)),
                 zone=ZONES[i % 3])
            nodes.append(name)
    nodes += extra_nodes or []
    svc_ip_dns = "10.100.0.10"
    sys_created = cluster_created + timedelta(minutes=12)
    # CoreDNS
    dns_tpl = template({"eks.amazonaws.com/component": "coredns", "k8s-app": "kube-dns"}, [
        container("coredns", "602401143452.dkr.ecr.eu-west-1.amazonaws.com/eks/coredns:v1.11.4-eksbuild.2",
                  ports=[("dns", 53), ("dns-tcp", 53), ("metrics", 9153)], args=["-conf", "/etc/coredns/Corefile"],
                  requests={"cpu": "100m", "memory": "70Mi"}, limits={"memory": "170Mi"},
                  liveness=probe_http("/health", 8080, initial=60, timeout=5, failure=5),
                  readiness=probe_http("/ready", 8181),
                  mounts=[{"mountPath": "/etc/coredns", "name": "config-volume", "readOnly": True}])],
        service_account="coredns", priority_class="system-cluster-critical",
        volumes=[{"configMap": {"defaultMode": 420, "items": [{"key": "Corefile", "path": "Corefile"}],
                                "name": "coredns"}, "name": "config-volume"}])
    dns_tpl["spec"]["containers"][0]["ports"][1]["protocol"] = "TCP"
    dns_tpl["spec"]["containers"][0]["ports"][0]["protocol"] = "UDP"
    service_account(c, "kube-system", "coredns", created=sys_created)
    dns = deployment(c, "kube-system", "coredns", dns_tpl, replicas=2, created=sys_created,
                     labels={"eks.amazonaws.com/component": "coredns", "k8s-app": "kube-dns",
                             "kubernetes.io/name": "CoreDNS"}, apply_annotation=False,
                     selector={"eks.amazonaws.com/component": "coredns", "k8s-app": "kube-dns"})
    dns_rs = replicaset(c, dns, dns_tpl, revision=1, created=sys_created, replicas=2)
    if coredns_ready and nodes:
        for i in range(2):
            p = owned_pod(c, dns_rs, node=nodes[i % len(nodes)], created=c.ago(days=node_age_days - 0.2 - i * 0.3),
                          states={"coredns": Running(since=c.ago(days=node_age_days - 0.2 - i * 0.3, seconds=-6))})
            if metrics:
                pod_metrics(c, p, {"coredns": ("3m", "18Mi")})
    svc = service(c, "kube-system", "kube-dns", selector={"k8s-app": "kube-dns"},
                  ports=[("dns", 53, 53), ("dns-tcp", 53, 53), ("metrics", 9153, 9153)], created=sys_created,
                  cluster_ip=svc_ip_dns, labels={"eks.amazonaws.com/component": "kube-dns", "k8s-app": "kube-dns",
                                                  "kubernetes.io/cluster-service": "true", "kubernetes.io/name": "CoreDNS"})
    svc["spec"]["ports"][0]["protocol"] = "UDP"
    configmap(c, "kube-system", "coredns", {"Corefile": COREFILE}, created=sys_created,
              labels={"eks.amazonaws.com/component": "coredns", "k8s-app": "kube-dns"})
    # kube-proxy on every node
    kp_tpl = template({"k8s-app": "kube-proxy"}, [
        container("kube-proxy", "602401143452.dkr.ecr.eu-west-1.amazonaws.com/eks/kube-proxy:v1.32.6-minimal-eksbuild.8",
                  command=["kube-proxy", "--v=2", "--config=/var/lib/kube-proxy-config/config",
                           "--hostname-override=$(NODE_NAME)"], requests={"cpu": "100m"},
                  security_context={"privileged": True})], service_account="kube-proxy",
        priority_class="system-node-critical", tolerations=[{"operator": "Exists"}])
    kp = daemonset(c, "kube-system", "kube-proxy", kp_tpl, created=sys_created,
                   labels={"eks.amazonaws.com/component": "kube-proxy", "k8s-app": "kube-proxy"})
    for n in nodes:
        node_obj = next((x for x in c.of_kind("Node") if x["metadata"]["name"] == n), None)
        created = c.ago(days=node_age_days) if node_obj is None else _created(node_obj) + timedelta(seconds=20)
        daemonset_pod(c, kp, PodPlan(node=n, created=created, states={"kube-proxy": Running(since=created + timedelta(seconds=9))}))
    # kube-state-metrics (the exporter whose pod/container labels ride on every KSM alert)
    ksm_created = cluster_created + timedelta(days=2, minutes=5)
    service_account(c, "monitoring", "kube-prometheus-stack-kube-state-metrics", created=ksm_created)
    ksm_labels = {"app.kubernetes.io/instance": "kube-prometheus-stack", "app.kubernetes.io/name": "kube-state-metrics"}
    ksm_tpl = template({**ksm_labels, "app.kubernetes.io/component": "metrics", "app.kubernetes.io/part-of":
                        "kube-state-metrics", "app.kubernetes.io/version": "2.15.0"}, [
        container("kube-state-metrics", "registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.15.0",
                  ports=[("http", 8080)], args=["--port=8080", "--resources=certificatesigningrequests,configmaps,"
                                               "cronjobs,daemonsets,deployments,endpoints,horizontalpodautoscalers,"
                                               "ingresses,jobs,leases,limitranges,namespaces,networkpolicies,nodes,"
                                               "persistentvolumeclaims,persistentvolumes,poddisruptionbudgets,pods,"
                                               "replicasets,replicationcontrollers,resourcequotas,secrets,services,"
                                               "statefulsets,storageclasses,validatingwebhookconfigurations,"
                                               "volumeattachments"],
                  liveness=probe_http("/livez", 8080, initial=5, timeout=5),
                  readiness=probe_http("/readyz", 8081, initial=5, timeout=5))],
        service_account="kube-prometheus-stack-kube-state-metrics",
        security_context={"fsGroup": 65534, "runAsGroup": 65534, "runAsNonRoot": True, "runAsUser": 65534,
                          "seccompProfile": {"type": "RuntimeDefault"}})
    ksm = deployment(c, "monitoring", "kube-prometheus-stack-kube-state-metrics", ksm_tpl, replicas=1,
                     created=ksm_created, labels={**ksm_labels, "app.kubernetes.io/managed-by": "Helm"},
                     apply_annotation=False)
    ksm_rs = replicaset(c, ksm, ksm_tpl, revision=4, created=c.ago(days=41), replicas=1)
    ksm_started = c.ago(days=node_age_days - 0.5) if nodes else c.ago(days=3)
    ksm_pod = owned_pod(c, ksm_rs, node=nodes[-1] if nodes else None, created=ksm_started,
                        states={"kube-state-metrics": Running(since=ksm_started + timedelta(seconds=4))})
    service(c, "monitoring", "kube-prometheus-stack-kube-state-metrics", selector=ksm_labels,
            ports=[("http", 8080, "http")], created=ksm_created,
            labels={**ksm_labels, "app.kubernetes.io/managed-by": "Helm", "release": "kube-prometheus-stack"})
    if metrics:
        pod_metrics(c, ksm_pod, {"kube-state-metrics": ("6m", "41Mi")})
        for node_obj in c.of_kind("Node"):
            if any(cd["type"] == "Ready" and cd["status"] == "True" for cd in node_obj["status"]["conditions"]):
                node_metrics(c, node_obj, f"{ids.number(180, 900, c.slug, node_obj['metadata']['name'])}m",
                             f"{ids.number(3100, 9800, c.slug, node_obj['metadata']['name'])}Mi")
    return Base(nodes=nodes, ksm_pod=ksm_pod, cluster_created=cluster_created)


def _created(obj: Obj) -> datetime:
    return datetime.fromisoformat(obj["metadata"]["creationTimestamp"].replace("Z", "+00:00"))


def healthy_app(c: Cluster, ns: str, name: str, *, nodes: list[str], replicas: int = 2, port: int = 8080,
                image: str | None = None, age_days: float = 20, rollout_days: float = 4, stack: str = "go",
                service_port: int = 80, metrics: bool = True, env: list[Obj] | None = None,
                labels: dict[str, str] | None = None) -> Obj:
    """A healthy Deployment (two revisions) with pods, a Service and a short healthy log."""
    image = image or f"{ECR}/{name}:{ids.number(1, 3, name)}.{ids.number(0, 20, name, 'minor')}.{ids.number(0, 9, name, 'p')}"
    pod_labels = {"app.kubernetes.io/name": name, "app.kubernetes.io/part-of": labels.get("part-of", "shop") if labels else "shop"}
    tpl = template(pod_labels, [container(
        "app", image, ports=[("http", port)], env=env, requests={"cpu": "100m", "memory": "128Mi"},
        limits={"memory": "256Mi"}, readiness=probe_http("/healthz", "http"),
        liveness=probe_http("/healthz", "http", initial=10))])
    old_tpl = template(pod_labels, [container(
        "app", image.rsplit(":", 1)[0] + ":" + "0.9." + str(ids.number(0, 9, name)), ports=[("http", port)],
        env=env, requests={"cpu": "100m", "memory": "128Mi"}, limits={"memory": "256Mi"},
        readiness=probe_http("/healthz", "http"), liveness=probe_http("/healthz", "http", initial=10))])
    dep = deployment(c, ns, name, tpl, replicas=replicas, created=c.ago(days=age_days), generation=2,
                     changed=c.ago(days=rollout_days), labels={"app.kubernetes.io/name": name})
    replicaset(c, dep, old_tpl, revision=1, created=c.ago(days=age_days), replicas=0)
    rs = replicaset(c, dep, tpl, revision=2, created=c.ago(days=rollout_days), replicas=replicas)
    for i in range(replicas):
        started = c.ago(days=rollout_days, minutes=-i * 1.5)
        if nodes and _node_newer_than(c, nodes[i % len(nodes)], started):
            started = _created(c.find("Node", nodes[i % len(nodes)])) + timedelta(minutes=2, seconds=i * 7)
        p = owned_pod(c, rs, node=nodes[i % len(nodes)], created=started,
                      states={"app": Running(since=started + timedelta(seconds=2))})
        c.log(ns, p["metadata"]["name"], "app", healthy_log(c, started, name, stack))
        if metrics:
            pod_metrics(c, p, {"app": (f"{ids.number(2, 40, p['metadata']['name'])}m",
                                       f"{ids.number(60, 180, p['metadata']['name'])}Mi")})
    service(c, ns, name, selector=pod_labels, ports=[("http", service_port, "http")], created=c.ago(days=age_days),
            labels={"app.kubernetes.io/name": name})
    return dep


def _node_newer_than(c: Cluster, node_name_: str, moment: datetime) -> bool:
    try:
        return _created(c.find("Node", node_name_)) > moment
    except KeyError:
        return False


def healthy_log(c: Cluster, started: datetime, name: str, stack: str) -> str:
    """A few lines of a service that started and serves traffic; the last minutes only, like a tail."""
    log = Log(at=started)
    if started < c.ago(hours=1):
        pass  # a long-running pod: the fetched tail holds only recent requests
    elif stack == "java":
        log.java("INFO", "o.s.b.w.embedded.tomcat.TomcatWebServer", "Tomcat started on port 8080 (http) with "
                 "context path '/'", ms=9000, app=name)
        log.java("INFO", f"c.a.{name.replace('-', '')}.Application", "Started Application in 9.412 seconds "
                 "(process running for 10.03)", ms=30, app=name)
    elif stack == "node":
        log.node(30, "server listening", ms=600, port=8080, host=name)
    elif stack == "python":
        log.py("INFO", "uvicorn.error", "Started server process [1]", ms=800)
        log.py("INFO", "uvicorn.error", "Application startup complete.", ms=40)
        log.py("INFO", "uvicorn.error", "Uvicorn running on http://0.0.0.0:8080 (Press CTRL+C to quit)", ms=2)
    else:
        log.go("info", "starting server", ms=150, addr=":8080", version=name)
        log.go("info", "ready", ms=20)
    tail = Log(at=c.ago(minutes=3))
    for i in range(6):
        path = ["/api/v1/orders", "/api/v1/items", "/healthz", "/api/v1/cart"][i % 4]
        if stack == "go":
            tail.go("info", "request", ms=17_000 + i * 911, method="GET", path=path, status=200,
                    duration_ms=ids.number(2, 40, name, i))
        elif stack == "java":
            tail.java("INFO", "c.a.web.RequestLogFilter", f"GET {path} 200 {ids.number(3, 60, name, i)}ms",
                      ms=17_000 + i * 911, thread=f"http-nio-8080-exec-{i % 8 + 1}", app=name)
        elif stack == "node":
            tail.node(30, "request completed", ms=17_000 + i * 911, req={"method": "GET", "url": path},
                      res={"statusCode": 200}, responseTime=ids.number(2, 40, name, i), host=name)
        else:
            tail.py("INFO", "uvicorn.access", f'10.0.{i}.14:5{i}312 - "GET {path} HTTP/1.1" 200', ms=17_000 + i * 911)
    return log.text() + tail.text()

"""The demo: payments-api crash-loops because payments-config's DB_HOST was edited six hours earlier."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tools.scenarios import alerts, ids
from tools.scenarios.base import app_namespace, base_cluster, healthy_app
from tools.scenarios.catalog import Built, expected, scenario
from tools.scenarios.cluster import Cluster
from tools.scenarios.config import configmap, secret, service_account
from tools.scenarios.containers import (
    ECR,
    container,
    env_field,
    env_from_configmap,
    env_from_secret,
    probe_http,
    template,
)
from tools.scenarios.events import event, pod_started_events
from tools.scenarios.infra import hpa, node, node_name, pod_metrics, pv_for, pvc, storage_class
from tools.scenarios.logs import Log
from tools.scenarios.network import service
from tools.scenarios.pods import CrashLoop, Done, PodPlan, Running, Terminated
from tools.scenarios.workloads import (
    daemonset_pod,
    deployment,
    job,
    owned_pod,
    replicaset,
    statefulset,
    statefulset_pod,
)

OLD_HOST = "payments-db.production.svc.cluster.local"
NEW_HOST = "payments-db-v2.production.svc.cluster.local"


def payments_template(image: str) -> dict:  # type: ignore[type-arg]
    return template({"app.kubernetes.io/name": "payments-api", "app.kubernetes.io/part-of": "payments",
                     "app.kubernetes.io/version": image.rsplit(":", 1)[1]}, [container(
        "api", image, ports=[("http", 8080), ("metrics", 9090)],
        env=[env_from_configmap("DB_HOST", "payments-config", "DB_HOST"),
             env_from_configmap("DB_PORT", "payments-config", "DB_PORT"),
             env_from_configmap("DB_NAME", "payments-config", "DB_NAME"),
             env_from_secret("DB_USER", "payments-db-credentials", "username"),
             env_from_secret("DB_PASSWORD", "payments-db-credentials", "password"),
             env_from_configmap("PROVIDER_URL", "payments-config", "PROVIDER_URL"),
             env_from_configmap("LOG_LEVEL", "payments-config", "LOG_LEVEL"),
             env_field("POD_NAME", "metadata.name")],
        requests={"cpu": "250m", "memory": "256Mi"}, limits={"memory": "512Mi"},
        readiness=probe_http("/readyz", "http", period=5),
        liveness=probe_http("/livez", "http", initial=15, period=10))],
        service_account="payments-api")


def crash_log(start: datetime, pod: str) -> str:
    log = Log(at=start)
    log.go("info", "starting payments-api", ms=180, version="1.15.2", commit="9f3c2ab", go="go1.23.4", pod=pod)
    log.go("info", "configuration loaded", ms=2, db_host=NEW_HOST, db_port=5432, db_name="payments",
           provider_url="https://api.stripe.com", log_level="info")
    log.go("info", "connecting to database", ms=1, attempt=1, max_attempts=3)
    err = f"dial tcp: lookup {NEW_HOST} on 10.100.0.10:53: no such host"
    log.go("warn", "database not reachable, retrying", ms=14, attempt=1, backoff="250ms", error=err)
    log.go("warn", "database not reachable, retrying", ms=266, attempt=2, backoff="500ms", error=err)
    log.go("error", "database connection failed", ms=513, attempts=3, error=err)
    log.golog(f"FATAL: cannot start without database: ping {OLD_HOST.split('.')[0]}: {err}".replace(
        f"ping {OLD_HOST.split('.')[0]}", "ping database"), ms=1)
    return log.text()


def healthy_payments_log(c: Cluster, pod: str) -> str:
    log = Log(at=c.ago(minutes=2, seconds=40))
    for i in range(8):
        if i == 4:
            log.go("info", "db pool stats", ms=9_000, open=12, in_use=3, idle=9, wait_count=0, host=OLD_HOST)
        log.go("info", "request", ms=8_000 + ids.number(0, 9_000, pod, i), method="POST", path="/v1/payments",
               status=201, duration_ms=ids.number(18, 95, pod, i), pod=pod)
    return log.text()


def migration_log(start: datetime) -> str:
    log = Log(at=start)
    log.golog("goose: running migrations against payments-db.production.svc.cluster.local:5432/payments", ms=900)
    for v, name in ((41, "add_refund_reason"), (42, "ledger_entries_partition_by_month"), (43, "backfill_ledger_month")):
        log.golog(f"OK   000{v}_{name}.sql (took {ids.number(2, 300, name)}.{ids.number(100, 999, name)}s)",
                  ms=ids.number(2_000, 190_000, name))
    log.golog("goose: successfully migrated database to version: 43", ms=3)
    return log.text()


def build_payments(slug: str) -> Built:
    now = datetime(2026, 3, 17, 2, 51, 42, tzinfo=UTC)
    c = Cluster(slug, now, name="prod-eu1")
    base = base_cluster(c, node_count=2, node_age_days=12)
    # The replacement node from last night's AMI rotation (the old one was drained and is gone).
    new_node = node_name(c, 7, subnet=3)
    node(c, new_node, created=c.ago(minutes=27, seconds=32), zone="eu-west-1c")
    nodes = [*base.nodes, new_node]
    ns = "production"
    ns_created = c.ago(days=214)
    app_namespace(c, ns, ns_created, labels={"team": "payments"})
    storage_class(c, "gp3", created=base.cluster_created + timedelta(minutes=30), default=True)

    # ConfigMap: applied 31 days ago; DB_HOST edited 6h02m ago with kubectl edit (annotation kept old value).
    edited = c.ago(hours=6, minutes=2, seconds=29)
    data = {"DB_HOST": NEW_HOST, "DB_NAME": "payments", "DB_PORT": "5432", "LOG_LEVEL": "info",
            "PROVIDER_URL": "https://api.stripe.com", "RETRY_MAX_ATTEMPTS": "3"}
    configmap(c, ns, "payments-config", data, created=c.ago(days=31, hours=3),
              labels={"app.kubernetes.io/name": "payments-api", "app.kubernetes.io/part-of": "payments"},
              applied_data={**data, "DB_HOST": OLD_HOST}, edited=edited, edited_keys=["DB_HOST"])
    secret(c, ns, "payments-db-credentials", ["password", "username"], created=c.ago(days=131))
    service_account(c, ns, "payments-api", created=c.ago(days=140))

    # payments-api: revision 5 rolled out 9 days ago; one pod recreated 23 min ago after the node drain.
    image = f"{ECR}/payments-api:1.15.2"
    tpl = payments_template(image)
    old_tpl = payments_template(f"{ECR}/payments-api:1.14.7")
    rollout = c.ago(days=9, hours=4, minutes=12)
    dep = deployment(c, ns, "payments-api", tpl, replicas=3, created=c.ago(days=140), generation=5,
                     changed=rollout, labels={"app.kubernetes.io/name": "payments-api",
                                              "app.kubernetes.io/part-of": "payments"},
                     available_since=rollout + timedelta(seconds=44))
    replicaset(c, dep, old_tpl, revision=4, created=c.ago(days=23, hours=1), replicas=0)
    rs = replicaset(c, dep, tpl, revision=5, created=rollout, replicas=3)
    for i, n in enumerate(base.nodes):
        started = rollout + timedelta(seconds=20 + 31 * i)
        p = owned_pod(c, rs, node=n, created=started, states={"api": Running(since=started + timedelta(seconds=3))})
        c.log(ns, p["metadata"]["name"], "api", healthy_payments_log(c, p["metadata"]["name"]))
        pod_metrics(c, p, {"api": (f"{ids.number(40, 90, i)}m", f"{ids.number(180, 230, i)}Mi")})

    created = c.ago(minutes=23, seconds=2)
    last_start = c.ago(minutes=2, seconds=51)
    last = Terminated(1, "Error", last_start, last_start + timedelta(seconds=1))
    bad = owned_pod(c, rs, node=new_node, created=created, states={"api": CrashLoop(last=last, restarts=8)})
    bad_name = bad["metadata"]["name"]
    prev_start = last_start - timedelta(minutes=5, seconds=1)
    c.log(ns, bad_name, "api", crash_log(last_start, bad_name))
    c.log(ns, bad_name, "api", crash_log(prev_start, bad_name), previous=True)

    # payments-db StatefulSet + headless Service, healthy for months.
    db_tpl = template({"app.kubernetes.io/name": "payments-db", "app.kubernetes.io/part-of": "payments"}, [container(
        "postgres", "postgres:16.4", ports=[("postgres", 5432)],
        env=[env_from_secret("POSTGRES_USER", "payments-db-credentials", "username"),
             env_from_secret("POSTGRES_PASSWORD", "payments-db-credentials", "password"),
             {"name": "POSTGRES_DB", "value": "payments"}, {"name": "PGDATA", "value": "/var/lib/postgresql/data/pgdata"}],
        requests={"cpu": "500m", "memory": "1Gi"}, limits={"memory": "2Gi"},
        readiness={"exec": {"command": ["pg_isready", "-U", "payments_app"]}, "failureThreshold": 3,
                   "periodSeconds": 10, "successThreshold": 1, "timeoutSeconds": 1},
        mounts=[{"mountPath": "/var/lib/postgresql/data", "name": "data"}])])
    claim_tpl = {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"creationTimestamp": None,
                                                                                      "name": "data"},
                 "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "50Gi"}},
                          "storageClassName": "gp3", "volumeMode": "Filesystem"}, "status": {"phase": "Pending"}}
    sts = statefulset(c, ns, "payments-db", db_tpl, replicas=1, created=c.ago(days=150), service_name="payments-db",
                      claims=[claim_tpl])
    db_started = c.ago(days=12, hours=2)
    db_pod = statefulset_pod(c, sts, 0, PodPlan(node=base.nodes[0], created=db_started,
                                                states={"postgres": Running(since=db_started + timedelta(seconds=5))}))
    claim = pvc(c, ns, "data-payments-db-0", created=c.ago(days=150), size="50Gi",
                labels={"app.kubernetes.io/name": "payments-db", "app.kubernetes.io/part-of": "payments"})
    pv_for(c, claim)
    pod_metrics(c, db_pod, {"postgres": ("112m", "684Mi")})
    db_log = Log(at=c.ago(minutes=20))
    db_log.raw(f"{c.ago(minutes=20):%Y-%m-%d %H:%M:%S}.114 UTC [6412] LOG:  checkpoint starting: time\n"
               f"{c.ago(minutes=19, seconds=31):%Y-%m-%d %H:%M:%S}.508 UTC [6412] LOG:  checkpoint complete: wrote "
               "1893 buffers (11.6%); 0 WAL file(s) added, 0 removed, 2 recycled; write=28.771 s, sync=0.004 s, "
               "total=28.902 s; sync files=61, longest=0.002 s, average=0.001 s; distance=21044 kB, estimate=22310 kB; "
               "lsn=2/9C1E40A8, redo lsn=2/9AD1F3B0")
    c.log(ns, db_pod["metadata"]["name"], "postgres", db_log.text())
    service(c, ns, "payments-db", selector={"app.kubernetes.io/name": "payments-db"},
            ports=[("postgres", 5432, "postgres")], created=c.ago(days=150), headless=True,
            labels={"app.kubernetes.io/name": "payments-db"})
    service(c, ns, "payments-api", selector={"app.kubernetes.io/name": "payments-api"},
            ports=[("http", 80, "http"), ("metrics", 9090, "metrics")], created=c.ago(days=140),
            labels={"app.kubernetes.io/name": "payments-api"})

    # The red herring: last night's schema migration Job (completed fine, against the old host).
    mig_start = c.ago(hours=6, minutes=21, seconds=5)
    mig_tpl = template({"app.kubernetes.io/name": "db-migration"}, [container(
        "migrate", f"{ECR}/payments-migrations:43", command=["/usr/local/bin/goose"], args=["up"],
        env=[env_from_secret("GOOSE_DBSTRING", "payments-db-credentials", "password")])], restart_policy="Never")
    mig = job(c, ns, "db-migration", mig_tpl, created=mig_start, backoff_limit=0,
              labels={"app.kubernetes.io/name": "db-migration"})
    mig_pod = owned_pod(c, mig, node=base.nodes[1], created=mig_start + timedelta(seconds=1), states={
        "migrate": Done(Terminated(0, "Completed", mig_start + timedelta(seconds=4),
                                   mig_start + timedelta(minutes=7, seconds=38)))})
    c.log(ns, mig_pod["metadata"]["name"], "migrate", migration_log(mig_start + timedelta(seconds=4)))

    # Neighbours: a web front end and a ledger worker (one of its pods also moved during the drain).
    web = healthy_app(c, ns, "checkout-web", nodes=nodes, replicas=3, stack="node", age_days=90, rollout_days=2)
    healthy_app(c, ns, "ledger-worker", nodes=nodes, replicas=2, stack="python", age_days=60, rollout_days=15)
    hpa(c, ns, "checkout-web", target=web, min_replicas=3, max_replicas=10, current=3, desired=3, cpu_target=70,
        cpu_current=31, created=c.ago(days=90), scaled_at=c.ago(days=2))

    # Events of the last hour (older ones, like the ConfigMap edit's era, have expired).
    new_node_obj = c.find("Node", new_node)
    for reason, msg, at in (("Starting", "", c.ago(minutes=27, seconds=20)),
                            ("NodeHasSufficientMemory", f"Node {new_node} status is now: NodeHasSufficientMemory",
                             c.ago(minutes=27, seconds=19)),
                            ("NodeReady", f"Node {new_node} status is now: NodeReady", c.ago(minutes=26, seconds=58))):
        event(c, new_node_obj, reason, msg, first=at, host=new_node)
    event(c, new_node_obj, "RegisteredNode", f"Node {new_node} event: Registered Node {new_node} in Controller",
          first=c.ago(minutes=27, seconds=17), component="node-controller")
    event(c, rs, "SuccessfulCreate", f"Created pod: {bad_name}", first=created, component="replicaset-controller")
    pod_started_events(c, bad, "api", at=created + timedelta(seconds=1), pulled_cached=False)
    for reason, text in (("Pulled", f'Container image "{image}" already present on machine'),
                         ("Created", "Created container: api"), ("Started", "Started container api")):
        event(c, bad, reason, text, first=created + timedelta(seconds=14), last=last_start, count=8,
              host=new_node, field_path="spec.containers{api}")
    event(c, bad, "BackOff", "Back-off restarting failed container api in pod "
          f"{bad_name}_{ns}({bad['metadata']['uid']})", first=created + timedelta(seconds=4),
          last=c.ago(seconds=11), count=97, type="Warning", host=new_node, field_path="spec.containers{api}")
    event(c, c.find("HorizontalPodAutoscaler", "checkout-web", ns), "FailedGetResourceMetric",
          "failed to get cpu utilization: unable to get metrics for resource cpu: no metrics returned from resource "
          "metrics API", first=c.ago(minutes=22, seconds=48), last=c.ago(minutes=21, seconds=3), count=4,
          type="Warning", component="horizontal-pod-autoscaler")

    # kube-proxy runs on the new node too (added last: earlier objects keep their resourceVersions)
    proxy_start = c.ago(minutes=27, seconds=12)
    daemonset_pod(c, c.find("DaemonSet", "kube-proxy", "kube-system"), PodPlan(
        node=new_node, created=proxy_start, states={"kube-proxy": Running(since=proxy_start + timedelta(seconds=9))}))

    labels = alerts.ksm_labels(slug, "KubePodCrashLooping", "warning", {
        "cluster": "prod-eu1", "container": "api", "namespace": ns, "pod": bad_name, "reason": "CrashLoopBackOff",
        "uid": bad["metadata"]["uid"]}, ksm_pod=base.ksm_name, ksm_ip=base.ksm_ip)
    alert = alerts.alertmanager_webhook([alerts.am_alert(
        labels, summary="Pod is crash looping.",
        description=f'Pod {ns}/{bad_name} (api) is in waiting state (reason: "CrashLoopBackOff") on cluster prod-eu1.',
        starts=c.ago(seconds=35),
        expr='max_over_time(kube_pod_container_status_waiting_reason{job="kube-state-metrics",namespace=~".*",'
             'reason="CrashLoopBackOff"}[5m]) >= 1')])
    exp = expected(
        description=f"""At 02:51 UTC payments-api pod {bad_name} is crash-looping (exit 1, 8 restarts) while its
        two siblings are healthy. Its log fails on `dial tcp: lookup {NEW_HOST} on 10.100.0.10:53: no such host`.
        ConfigMap payments-config key DB_HOST was edited six hours earlier (kubectl-edit managedFields entry; the
        last-applied-configuration annotation still holds {OLD_HOST}) to a Service that does not exist: the
        database Service is payments-db. Pods read env at container start, so the two pods started nine days ago
        still use the old value; only the pod recreated after tonight's node replacement picked up the bad host.
        The db-migration Job that ran just before the edit completed successfully and is unrelated. Fix:
        set DB_HOST back to {OLD_HOST} (or create the v2 Service if the migration meant to), then the
        crashing pod recovers on its next restart; restart the others deliberately.""",
        source="alertmanager", culprit={"kind": "ConfigMap", "namespace": ns, "name": "payments-config"},
        category="config_change", confidence="high",
        facts=["DB_HOST", "payments-config", NEW_HOST, "payments-db"],
        remediation_targets=["configmap/payments-config"])
    return Built(c, alert, exp, start="Pod (CrashLoopBackOff)")


@scenario("01-payments-configmap-db-host")
def payments_configmap_db_host() -> Built:
    return build_payments("01-payments-configmap-db-host")

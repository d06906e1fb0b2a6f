"""Dependencies: Services without endpoints, scaled-down or crashing backends, NetworkPolicies, DNS."""

from __future__ import annotations

from datetime import timedelta

from tools.scenarios import alerts, ids
from tools.scenarios.base import COREFILE
from tools.scenarios.catalog import Built, expected, scenario
from tools.scenarios.catalog.kit import (
    am,
    am_crashlooping,
    am_replicas_mismatch,
    app,
    app_template,
    backoff_event,
    image,
    pod_of,
    run_pods,
    svc,
    world,
)
from tools.scenarios.containers import container, env_value, probe_exec, template, with_changes
from tools.scenarios.events import event
from tools.scenarios.infra import pod_metrics
from tools.scenarios.logs import Log, python_traceback
from tools.scenarios.meta import managed
from tools.scenarios.network import network_policy, peer_pods, tcp_ports
from tools.scenarios.pods import CrashLoop, PodPlan, Running, Terminated
from tools.scenarios.workloads import owned_pod, statefulset, statefulset_pod


@scenario("16-dependency-service-selector-stale-after-relabel")
def selector_stale() -> Built:
    w = world("16-dependency-service-selector-stale-after-relabel", noise=(("checkout-web", "node"),))
    c = w.c
    recreated = w.ago(hours=1, minutes=52)
    inv = app_template("inventory", image("inventory", "6.0.0"), part_of="shop")
    a = app(w, "inventory", inv, replicas=2, created=recreated, rolled=recreated, change_manager="helm")
    run_pods(w, a.rs, 2, since=recreated, stack="java")
    svc(w, "inventory", {"app": "inventory"}, created=w.ago(days=400))
    co = app_template("checkout-api", image("checkout-api", "8.12.0"),
                      env=[env_value("INVENTORY_URL", "http://inventory.production.svc.cluster.local")])
    b = app(w, "checkout-api", co, replicas=3, history=[(with_changes(co, image=image("checkout-api", "8.11.2")),
                                                          w.ago(days=60))], rolled=w.ago(days=5))
    svc(w, "checkout-api")
    inv_ip = c.find("Service", "inventory", w.ns)["spec"]["clusterIP"]
    for p in run_pods(w, b.rs, 3, since=w.ago(days=5), stack="go", log=False):
        log = Log(at=w.ago(minutes=2, seconds=30))
        for i in range(7):
            if i % 3 == 2:
                log.go("info", "request", ms=5_000, method="GET", path="/v1/cart", status=200, duration_ms=12)
            else:
                log.go("error", "reserve stock failed", ms=6_000 + i * 300, method="POST", path="/v1/checkout",
                       status=502, error=f'Post "http://inventory.production.svc.cluster.local/v1/reservations": '
                       f"dial tcp {inv_ip}:80: connect: connection refused", order_id=f"ord_{ids.hexid(10, p['metadata']['name'], i)}")
        c.log(w.ns, p["metadata"]["name"], "app", log.text())
    labels = {"alertname": "CheckoutHighErrorRate", "cluster": w.c.name, "job": "checkout-api", "namespace": w.ns,
              "prometheus": alerts.PROMETHEUS, "service": "checkout-api", "severity": "critical"}
    alert = am(w, labels, "checkout-api 5xx ratio above 5%",
               "42.7% of checkout-api requests failed with 5xx over the last 5 minutes.", w.ago(minutes=6),
               'sum by (namespace, service) (rate(http_requests_total{job="checkout-api",code=~"5.."}[5m])) / sum by '
               '(namespace, service) (rate(http_requests_total{job="checkout-api"}[5m])) > 0.05')
    return Built(c, alert, expected(
        description="""checkout-api returns 502s because every call to inventory fails with "connect: connection
        refused" on the inventory ClusterIP: the inventory Service has no endpoints. inventory itself is healthy
        (two Running, Ready pods) but its Deployment was recreated by Helm 1h52m ago with the new standard labels
        (app.kubernetes.io/name=inventory) while the years-old Service still selects app=inventory, which matches no
        pod. Fix the Service selector; checkout-api needs no change.""",
        source="alertmanager", culprit={"kind": "Service", "namespace": w.ns, "name": "inventory"},
        category="dependency_down", confidence="high", facts=["inventory", "connection refused"],
        remediation_targets=["service/inventory"]), start="Service (app metric alert)")


@scenario("17-dependency-scaled-to-zero-by-downscaler")
def scaled_to_zero() -> Built:
    w = world("17-dependency-scaled-to-zero-by-downscaler", ns="storefront", noise=(("search", "python"),))
    c = w.c
    rec = app_template("recommendations", image("recommendations", "2.0.7"))
    scaled = w.ago(minutes=49)
    a = app(w, "recommendations", rec, replicas=0, history=[(with_changes(rec, image=image("recommendations", "2.0.6")),
                                                              w.ago(days=90))], rolled=w.ago(days=11),
            available_since=scaled)
    a.dep["metadata"]["annotations"]["downscaler/original-replicas"] = "3"
    a.dep["metadata"]["managedFields"].append(managed("kube-downscaler", scaled, {"f:metadata": {"f:annotations": {
        "f:downscaler/original-replicas": {}}}, "f:spec": {"f:replicas": {}}}, api_version="apps/v1"))
    a.dep["metadata"]["generation"] = 4
    svc(w, "recommendations")
    event(c, a.dep, "ScalingReplicaSet", f"Scaled down replica set {a.rs['metadata']['name']} from 3 to 0",
          first=scaled, component="deployment-controller")
    fe = app_template("frontend", image("frontend", "23.4.1"), env=[
        env_value("RECOMMENDATIONS_URL", "http://recommendations.storefront.svc.cluster.local")])
    b = app(w, "frontend", fe, replicas=3, history=[(with_changes(fe, image=image("frontend", "23.4.0")),
                                                      w.ago(days=40))], rolled=w.ago(days=2))
    svc(w, "frontend")
    rec_ip = c.find("Service", "recommendations", w.ns)["spec"]["clusterIP"]
    for p in run_pods(w, b.rs, 3, since=w.ago(days=2), stack="node", log=False):
        log = Log(at=w.ago(minutes=2))
        for i in range(6):
            log.node(50, "recommendations call failed", ms=9_000 + i * 700, host=p["metadata"]["name"],
                     err={"type": "Error", "message": f"connect ECONNREFUSED {rec_ip}:80", "code": "ECONNREFUSED",
                          "stack": f"Error: connect ECONNREFUSED {rec_ip}:80\n    at TCPConnectWrap.afterConnect "
                                   "[as oncomplete] (node:net:1607:16)"}, route="/product/:id")
            log.node(30, "request completed", ms=40, host=p["metadata"]["name"], res={"statusCode": 200},
                     responseTime=ids.number(300, 900, i), degraded=True)
        c.log(w.ns, p["metadata"]["name"], "app", log.text())
    alert = alerts.datadog_default(
        monitor_id=47120019, event_type="query_alert_monitor", at=w.ago(minutes=5),
        title="[Triggered on {kube_namespace:storefront,service:frontend}] frontend error logs spiking",
        body="%%%\n@webhook-firstresponder @pagerduty-storefront\n\nLogs with status:error for service:frontend "
             "exceeded 100 in 5 minutes (312).\n\nTop message: recommendations call failed\n%%%")
    return Built(c, alert, expected(
        description="""frontend logs ECONNREFUSED for every call to the recommendations Service and serves
        degraded pages. recommendations has zero replicas: kube-downscaler set spec.replicas to 0 49 minutes ago
        (managedFields entry kube-downscaler, annotation downscaler/original-replicas=3, ScalingReplicaSet event
        "from 3 to 0") — a production namespace caught by an off-hours downscaling rule. Scale the Deployment back
        to 3 and exclude the namespace from the downscaler.""",
        source="datadog", culprit={"kind": "Deployment", "namespace": w.ns, "name": "recommendations"},
        category="dependency_down", confidence="high", facts=["recommendations", "ECONNREFUSED", "kube-downscaler"],
        remediation_targets=["deployment/recommendations"]), start="Service (Datadog service tag)")


@scenario("18-dependency-redis-crashing-aof-corrupt")
def redis_crashing() -> Built:
    w = world("18-dependency-redis-crashing-aof-corrupt", noise=(("checkout-web", "node"),))
    c = w.c
    rtpl = template({"app.kubernetes.io/name": "session-cache"}, [container(
        "redis", "redis:7.2.5", ports=[("redis", 6379)], args=["--appendonly", "yes"],
        requests={"cpu": "100m", "memory": "256Mi"}, limits={"memory": "1Gi"},
        readiness=probe_exec(["redis-cli", "ping"]), mounts=[{"mountPath": "/data", "name": "data"}])])
    claim = {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"creationTimestamp": None, "name": "data"},
             "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "10Gi"}},
                      "storageClassName": "gp3", "volumeMode": "Filesystem"}, "status": {"phase": "Pending"}}
    sts = statefulset(c, w.ns, "session-cache", rtpl, replicas=1, created=w.ago(days=240),
                      service_name="session-cache", claims=[claim])
    from tools.scenarios.infra import pv_for, pvc
    pv_for(c, pvc(c, w.ns, "data-session-cache-0", created=w.ago(days=240), size="10Gi"))
    start = w.ago(minutes=1, seconds=31)
    r0 = statefulset_pod(c, sts, 0, PodPlan(node=w.nodes[1], created=w.ago(minutes=31), states={
        "redis": CrashLoop(Terminated(1, "Error", start, start + timedelta(seconds=1)), 10)}))
    for prev in (False, True):
        at = start - (timedelta(minutes=5) if prev else timedelta())
        stamp = f"{at:%d %b %Y %H:%M:%S}"
        c.log(w.ns, "session-cache-0", "redis",
              f"1:C {stamp}.112 # oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo\n"
              f"1:C {stamp}.112 # Redis version=7.2.5, bits=64, commit=00000000, modified=0, pid=1, just started\n"
              f"1:M {stamp}.113 * monotonic clock: POSIX clock_gettime\n"
              f"1:M {stamp}.114 * Running mode=standalone, port=6379.\n"
              f"1:M {stamp}.114 * Server initialized\n"
              f"1:M {stamp}.115 * Reading RDB base file on AOF loading...\n"
              f"1:M {stamp}.116 # Bad file format reading the append only file appendonly.aof.3.incr.aof: make a "
              "backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>\n", previous=prev)
    backoff_event(w, r0, "redis", first=w.ago(minutes=30), count=141)
    svc(w, "session-cache", port=6379, target="redis", headless=True)
    ctpl = app_template("cart-api", image("cart-api", "3.3.0"),
                        env=[env_value("REDIS_URL", "redis://session-cache-0.session-cache:6379")])
    b = app(w, "cart-api", ctpl, replicas=3, history=[(with_changes(ctpl, image=image("cart-api", "3.2.8")),
                                                        w.ago(days=30))], rolled=w.ago(days=4))
    svc(w, "cart-api")
    for i in range(3):
        p = pod_of(w, b.rs, {"app": Running(since=w.ago(days=4, seconds=-5 - i * 20), ready=False)},
                   created=w.ago(days=4, seconds=-i * 20), node=i)
        ip = p["status"]["podIP"]
        event(c, p, "Unhealthy", 'Readiness probe failed: HTTP probe failed with statuscode: 503', first=w.ago(minutes=30),
              last=w.ago(seconds=4 + i), count=178, type="Warning", host=p["spec"]["nodeName"],
              field_path="spec.containers{app}")
        log = Log(at=w.ago(minutes=1, seconds=20))
        for _n in range(4):
            log.raw(f"[ioredis] Unhandled error event: Error: connect ECONNREFUSED {ids.pod_ip(c.slug, w.nodes[1], w.ns, 'session-cache-0')}:6379\n"
                    "    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1607:16)")
            log.node(40, "readiness: redis unavailable", ms=5_000, host=p["metadata"]["name"], ip=ip)
        c.log(w.ns, p["metadata"]["name"], "app", log.text())
    return Built(c, am_replicas_mismatch(w, b.dep, w.ago(minutes=13)), expected(
        description="""cart-api has 0/3 ready pods: its readiness check fails because Redis is unreachable
        (ioredis ECONNREFUSED to session-cache-0:6379). The session-cache StatefulSet's only pod, recreated 31
        minutes ago, crash-loops: Redis refuses to start with "Bad file format reading the append only file" — the
        AOF on its volume is truncated. cart-api is a victim; the fix is in session-cache (repair the AOF with
        redis-check-aof --fix or restore the volume).""",
        source="alertmanager", culprit={"kind": "StatefulSet", "namespace": w.ns, "name": "session-cache"},
        category="dependency_down", confidence="medium", facts=["session-cache", "Bad file format", "ECONNREFUSED"],
        remediation_targets=["statefulset/session-cache"]), start="Deployment (KubeDeploymentReplicasMismatch)")


@scenario("21-networkpolicy-blocks-worker-to-db")
def netpol_blocks_db() -> Built:
    w = world("21-networkpolicy-blocks-worker-to-db", ns="billing", noise=(("billing-api", "java"),))
    c = w.c
    dtpl = template({"app.kubernetes.io/name": "billing-db"}, [container(
        "postgres", "postgres:16.4", ports=[("postgres", 5432)], requests={"cpu": "500m", "memory": "1Gi"},
        limits={"memory": "2Gi"}, readiness=probe_exec(["pg_isready", "-U", "billing"]))])
    db = statefulset(c, w.ns, "billing-db", dtpl, replicas=1, created=w.ago(days=300), service_name="billing-db")
    statefulset_pod(c, db, 0, PodPlan(node=w.nodes[0], created=w.ago(days=20), states={
        "postgres": Running(since=w.ago(days=20, seconds=-6))}))
    svc(w, "billing-db", port=5432, target="postgres")
    created = w.ago(minutes=36)
    network_policy(c, w.ns, "billing-db-ingress", pod_selector={"app.kubernetes.io/name": "billing-db"},
                   created=created, manager="argocd-controller",
                   ingress=[{"from": [peer_pods({"app.kubernetes.io/name": "billing-api"})], "ports": tcp_ports(5432)}])
    wtpl = app_template("invoice-worker", image("invoice-worker", "4.0.3"), readiness=False, liveness=False,
                        env=[env_value("DATABASE_HOST", "billing-db.billing.svc.cluster.local")])
    a = app(w, "invoice-worker", wtpl, replicas=2, history=[(with_changes(wtpl, image=image("invoice-worker", "4.0.2")),
                                                             w.ago(days=70))], rolled=w.ago(days=3))
    db_ip = c.find("Service", "billing-db", w.ns)["spec"]["clusterIP"]
    pods = []
    for i in range(2):
        start = w.ago(minutes=2 + i, seconds=14)
        p = pod_of(w, a.rs, {"app": CrashLoop(Terminated(1, "Error", start, start + timedelta(seconds=130)), 6 - i)},
                   created=w.ago(days=3, seconds=-9 * i), node=i + 1)
        tb = python_traceback([
            ("/app/invoice_worker/__main__.py", 12, "<module>", "main()"),
            ("/app/invoice_worker/main.py", 44, "main", "conn = psycopg.connect(settings.dsn, connect_timeout=10)"),
            ("/usr/local/lib/python3.12/site-packages/psycopg/connection.py", 119, "connect", "raise last_ex.with_traceback(None)")],
            f'psycopg.OperationalError: connection failed: connection to server at "{db_ip}", port 5432 failed: '
            "timeout expired")
        for prev in (False, True):
            log = Log(at=start - (timedelta(minutes=5) if prev else timedelta()))
            log.py("INFO", "invoice_worker", "connecting to billing-db.billing.svc.cluster.local:5432", ms=400)
            for t in range(1, 4):
                log.py("WARNING", "invoice_worker", f"database connect attempt {t}/3 timed out after 10s", ms=10_000 + 30_000 * (t > 1))
            log.raw(tb)
            c.log(w.ns, p["metadata"]["name"], "app", log.text(), previous=prev)
        backoff_event(w, p, first=w.ago(minutes=31), count=44)
        pods.append(p)
    return Built(c, am_crashlooping(w, pods[0], "app", w.ago(minutes=9)), expected(
        description="""invoice-worker has crash-looped for ~30 minutes: every connection to billing-db:5432 times
        out (a silent drop, not a refusal) although billing-db is Running and Ready and billing-api still talks to
        it. NetworkPolicy billing-db-ingress, created 36 minutes ago by Argo CD, selects the database pods and allows
        ingress only from app.kubernetes.io/name=billing-api, so invoice-worker's traffic is dropped. Add
        invoice-worker to the policy's allowed peers.""",
        source="alertmanager", culprit={"kind": "NetworkPolicy", "namespace": w.ns, "name": "billing-db-ingress"},
        category="network_policy", confidence="medium", facts=["billing-db-ingress", "timeout expired", "5432"],
        remediation_targets=["networkpolicy/billing-db-ingress"]), start="Pod (CrashLoopBackOff)")


@scenario("22-coredns-crashloop-bad-corefile")
def coredns_down() -> Built:
    w = world("22-coredns-crashloop-bad-corefile", coredns_ready=False, noise=(("checkout-web", "node"),))
    c = w.c
    cm = c.find("ConfigMap", "coredns", "kube-system")
    edited = w.ago(minutes=24)
    bad = COREFILE.replace("forward . /etc/resolv.conf", "forward . 10.0.0.2:53:53")
    cm["data"]["Corefile"] = bad
    cm["metadata"]["managedFields"].append(managed("kubectl-edit", edited, {"f:data": {"f:Corefile": {}}}))
    rs = next(r for r in c.of_kind("ReplicaSet", "kube-system") if r["metadata"]["name"].startswith("coredns-"))
    restarted = w.ago(minutes=22)
    dns_pods = []
    for i in range(2):
        start = w.ago(minutes=3 - i, seconds=40)
        p = owned_pod(c, rs, PodPlan(node=w.nodes[i], created=restarted + timedelta(seconds=20 * i), states={
            "coredns": CrashLoop(Terminated(1, "Error", start, start), 9)}))
        dns_pods.append(p)
        for prev in (False, True):
            c.log("kube-system", p["metadata"]["name"], "coredns",
                  "/etc/coredns/Corefile:12 - Error during parsing: not an IP address or file: \"10.0.0.2:53:53\"\n",
                  previous=prev)
        event(c, p, "BackOff", f"Back-off restarting failed container coredns in pod {p['metadata']['name']}_kube-system"
              f"({p['metadata']['uid']})", first=restarted + timedelta(seconds=30), last=w.ago(seconds=12), count=98,
              type="Warning", host=p["spec"]["nodeName"], field_path="spec.containers{coredns}")
    dep = c.find("Deployment", "coredns", "kube-system")
    dep["spec"]["template"]["metadata"]["annotations"] = {"kubectl.kubernetes.io/restartedAt": "{}"}
    ptpl = app_template("payouts", image("payouts", "1.8.2"), env=[env_value("BANK_API", "https://api.bank-gw.example")])
    a = app(w, "payouts", ptpl, replicas=2, history=[(with_changes(ptpl, image=image("payouts", "1.8.1")),
                                                        w.ago(days=9))], rolled=w.ago(days=1))
    svc(w, "payouts")
    pods = []
    for i in range(2):
        start = w.ago(minutes=1, seconds=30 + 40 * i)
        p = pod_of(w, a.rs, {"app": CrashLoop(Terminated(1, "Error", start, start + timedelta(seconds=10)), 5)},
                   created=w.ago(days=1, seconds=-12 * i), node=i)
        for prev in (False, True):
            log = Log(at=start - (timedelta(minutes=5) if prev else timedelta()))
            log.go("info", "starting payouts", ms=100, version="1.8.2")
            log.go("error", "ledger client init failed", ms=10_002, error="dial tcp: lookup ledger.production.svc."
                   "cluster.local on 10.100.0.10:53: read udp " + p["status"]["podIP"] + ":48213->10.100.0.10:53: "
                   "i/o timeout")
            log.golog("FATAL: ledger client: dial tcp: lookup ledger.production.svc.cluster.local on 10.100.0.10:53: "
                      "read udp: i/o timeout", ms=1)
            c.log(w.ns, p["metadata"]["name"], "app", log.text(), previous=prev)
        backoff_event(w, p, first=w.ago(minutes=18), count=31)
        pods.append(p)
    return Built(c, am_crashlooping(w, pods[0], "app", w.ago(minutes=2)), expected(
        description="""payouts crash-loops on DNS timeouts (lookup ... on 10.100.0.10:53: i/o timeout), and it is
        not alone: kube-dns has no ready endpoints because both CoreDNS pods crash-loop with "Error during parsing: not
        an IP address or file: 10.0.0.2:53:53". The kube-system/coredns ConfigMap was edited 24 minutes ago (forward
        directive with a doubled port) and CoreDNS was restarted two minutes later, so the bad Corefile took effect.
        Cluster-wide DNS is down; fix the Corefile in the coredns ConfigMap.""",
        source="alertmanager", culprit={"kind": "ConfigMap", "namespace": "kube-system", "name": "coredns"},
        category="dns", confidence="high", facts=["10.0.0.2:53:53", "i/o timeout", "coredns"],
        remediation_targets=["configmap/coredns"]), start="Pod (CrashLoopBackOff)")


@scenario("47-egress-policy-forgot-dns")
def egress_no_dns() -> Built:
    w = world("47-egress-policy-forgot-dns", ns="analytics", noise=(("dashboards", "node"),))
    c = w.c
    created = w.ago(minutes=41)
    network_policy(c, w.ns, "restrict-egress", pod_selector={}, created=created, policy_types=["Egress"],
                   egress=[{"ports": tcp_ports(5432), "to": [peer_pods({"app.kubernetes.io/name": "warehouse-db"})]},
                           {"ports": tcp_ports(443), "to": [{"ipBlock": {"cidr": "0.0.0.0/0",
                                                                         "except": ["169.254.169.254/32"]}}]}])
    etpl = app_template("etl-runner", image("etl-runner", "0.33.1"), readiness=False, liveness=False,
                        env=[env_value("WAREHOUSE_URL", "postgres://warehouse-db.analytics.svc.cluster.local:5432/dw")])
    a = app(w, "etl-runner", etpl, replicas=2, history=[(with_changes(etpl, image=image("etl-runner", "0.33.0")),
                                                         w.ago(days=15))], rolled=w.ago(days=6))
    pods = []
    for i in range(2):
        start = w.ago(minutes=2 + 2 * i, seconds=3)
        p = pod_of(w, a.rs, {"app": CrashLoop(Terminated(1, "Error", start, start + timedelta(seconds=20)), 7 - i)},
                   created=w.ago(days=6, seconds=-30 * i), node=i)
        for prev in (False, True):
            log = Log(at=start - (timedelta(minutes=5) if prev else timedelta()))
            log.node(30, "etl-runner starting", ms=200, host=p["metadata"]["name"])
            log.node(50, "warehouse connection failed", ms=20_000, host=p["metadata"]["name"],
                     err={"type": "Error", "message": "getaddrinfo EAI_AGAIN warehouse-db.analytics.svc.cluster.local",
                          "code": "EAI_AGAIN", "syscall": "getaddrinfo",
                          "hostname": "warehouse-db.analytics.svc.cluster.local"})
            log.raw("node:internal/process/promises:391\n    triggerUncaughtException(err, true /* fromPromise */);\n"
                    "    ^\n\nError: getaddrinfo EAI_AGAIN warehouse-db.analytics.svc.cluster.local\n    at "
                    "GetAddrInfoReqWrap.onlookupall [as oncomplete] (node:dns:120:26) {\n  errno: -3001,\n  code: "
                    "'EAI_AGAIN',\n  syscall: 'getaddrinfo',\n  hostname: 'warehouse-db.analytics.svc.cluster.local'\n}"
                    "\n\nNode.js v20.17.0")
            c.log(w.ns, p["metadata"]["name"], "app", log.text(), previous=prev)
        backoff_event(w, p, first=w.ago(minutes=38), count=49)
        pods.append(p)
    dtpl = template({"app.kubernetes.io/name": "warehouse-db"}, [container(
        "postgres", "postgres:16.4", ports=[("postgres", 5432)], readiness=probe_exec(["pg_isready"]))])
    db = statefulset(c, w.ns, "warehouse-db", dtpl, replicas=1, created=w.ago(days=200), service_name="warehouse-db")
    dbp = statefulset_pod(c, db, 0, PodPlan(node=w.nodes[2], created=w.ago(days=30), states={
        "postgres": Running(since=w.ago(days=30, seconds=-4))}))
    pod_metrics(c, dbp, {"postgres": ("40m", "390Mi")})
    svc(w, "warehouse-db", port=5432, target="postgres")
    alarm = alerts.eventbridge_alarm(
        name="prod-eu1 analytics etl-runner restarts", description="etl-runner restarting (Container Insights)",
        metric="pod_number_of_container_restarts", namespace="ContainerInsights",
        dimensions={"ClusterName": w.c.name, "Namespace": w.ns, "PodName": "etl-runner"}, threshold=3.0,
        statistic="Sum", period=300, datapoints=[4.0], changed=w.ago(minutes=3))
    return Built(c, alarm, expected(
        description="""etl-runner crash-loops with getaddrinfo EAI_AGAIN for warehouse-db: name resolution
        fails, yet CoreDNS is healthy and other namespaces resolve fine. NetworkPolicy restrict-egress, created 41
        minutes ago, selects every pod in analytics with policyTypes Egress and allows only 5432 to warehouse-db and
        443 out — it forgot UDP/TCP 53 to kube-dns, so every DNS query is dropped. Add a DNS egress rule to the
        policy; CoreDNS needs no change.""",
        source="eventbridge", culprit={"kind": "NetworkPolicy", "namespace": w.ns, "name": "restrict-egress"},
        category="network_policy", confidence="medium", facts=["restrict-egress", "EAI_AGAIN"],
        remediation_targets=["networkpolicy/restrict-egress"]), start="workload (EventBridge PodName)")



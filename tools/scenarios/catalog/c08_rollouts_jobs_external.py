"""Rollouts that stall, autoscaling at its ceiling, failing Jobs, external dependencies, honest uncertainty."""

from __future__ import annotations

from datetime import timedelta

from tools.scenarios import alerts, ids
from tools.scenarios.catalog import Built, expected, scenario
from tools.scenarios.catalog.kit import (
    am,
    am_crashlooping,
    am_hpa_maxed,
    am_job_failed,
    am_rollout_stuck,
    app,
    app_template,
    backoff_event,
    ci_alarm,
    image,
    pod_of,
    run_pods,
    svc,
    world,
)
from tools.scenarios.cluster import Cluster
from tools.scenarios.containers import container, env_value, with_changes
from tools.scenarios.events import event
from tools.scenarios.ids import ts
from tools.scenarios.infra import hpa, pod_metrics
from tools.scenarios.logs import Log, python_traceback, spring_banner
from tools.scenarios.pods import CrashLoop, Done, Running, Terminated, Waiting
from tools.scenarios.workloads import cronjob, job, owned_pod


@scenario("35-rollout-stuck-init-waits-for-schema")
def rollout_stuck() -> Built:
    w = world("35-rollout-stuck-init-waits-for-schema", noise=(("checkout-web", "node"),))
    c = w.c
    old = app_template("accounts-api", image("accounts-api", "11.6.0"))
    new = with_changes(old, image=image("accounts-api", "11.7.0"))
    new["spec"]["initContainers"] = [container(
        "wait-for-schema", image("accounts-api", "11.7.0"), command=["/app/bin/wait-for-schema"],
        args=["--min-version=58", "--interval=15s"], env=[env_value("DB_HOST", "accounts-db.production.svc.cluster.local")])]
    rolled = w.ago(minutes=47)
    stuck = rolled + timedelta(minutes=10, seconds=1)
    a = app(w, "accounts-api", new, replicas=3, history=[(old, w.ago(days=12))], rolled=rolled, new_rs_replicas=1,
            stuck_since=stuck)
    a.old[0]["spec"]["replicas"] = 3
    run_pods(w, a.old[0], 3, since=w.ago(days=12), stack="java")
    svc(w, "accounts-api")
    init_start = rolled + timedelta(seconds=3)
    p = pod_of(w, a.rs, {"app": Waiting("PodInitializing")}, created=rolled + timedelta(seconds=1), node=1,
               init_states={"wait-for-schema": Running(since=init_start, ready=False)})
    log = Log(at=w.ago(minutes=2, seconds=30))
    for _i in range(10):
        log.go("info", "schema not ready, waiting", ms=15_000, current_version=57, required_version=58,
               db="accounts-db.production.svc.cluster.local")
    c.log(w.ns, p["metadata"]["name"], "wait-for-schema", log.text())
    event(c, a.dep, "ScalingReplicaSet", f"Scaled up replica set {a.rs['metadata']['name']} from 0 to 1", first=rolled,
          component="deployment-controller")
    return Built(c, am_rollout_stuck(w, a.dep, w.ago(minutes=21)), expected(
        description="""accounts-api's rollout to 11.7.0 exceeded its progress deadline (Progressing=False,
        ProgressDeadlineExceeded). The only new pod sits in Init for 47 minutes: its wait-for-schema init container
        loops "schema not ready, current_version 57, required_version 58" — the release needs database migration 58,
        which nobody ran. Old pods still serve. Either run the 58 migration or roll the Deployment back.""",
        source="alertmanager", culprit={"kind": "Deployment", "namespace": w.ns, "name": "accounts-api"},
        category="rollout_stuck", confidence="medium", facts=["ProgressDeadlineExceeded", "wait-for-schema", "58"],
        remediation_targets=["deployment/accounts-api"]), start="Deployment (KubeDeploymentRolloutStuck)")


@scenario("36-hpa-maxed-out-cpu-saturated")
def hpa_saturated() -> Built:
    w = world("36-hpa-maxed-out-cpu-saturated", ns="web", noise=(("storefront-ui", "node"),))
    c = w.c
    tpl = app_template("web-bff", image("web-bff", "19.2.0"), requests={"cpu": "500m", "memory": "512Mi"},
                       limits={"memory": "1Gi"})
    a = app(w, "web-bff", tpl, replicas=10, history=[(with_changes(tpl, image=image("web-bff", "19.1.4")),
                                                       w.ago(days=30))], rolled=w.ago(days=5))
    scaled = w.ago(minutes=41)
    pods = run_pods(w, a.rs, 3, since=w.ago(days=5), stack="go", log=False, usage=None)
    pods += run_pods(w, a.rs, 7, since=scaled, stack="go", log=False, usage=None, first_node=1)
    for i, p in enumerate(pods):
        pod_metrics(c, p, {"app": (f"{ids.number(860, 990, i)}m", f"{ids.number(380, 470, i)}Mi")})
        log = Log(at=w.ago(minutes=1, seconds=30))
        for n in range(5):
            log.go("warn", "slow request", ms=ids.number(4000, 9000, i, n), method="GET", path="/bff/home",
                   duration_ms=ids.number(1800, 4200, i, n), inflight=ids.number(80, 140, i, n))
        c.log(w.ns, p["metadata"]["name"], "app", log.text())
    svc(w, "web-bff")
    h = hpa(c, w.ns, "web-bff", target=a.dep, min_replicas=3, max_replicas=10, current=10, desired=10, cpu_target=70,
            cpu_current=183, created=w.ago(days=120), scaled_at=scaled, limited=True)
    event(c, h, "SuccessfulRescale", "New size: 10; reason: cpu resource utilization (percentage of request) above "
          "target", first=scaled, component="horizontal-pod-autoscaler")
    return Built(c, am_hpa_maxed(w, "web-bff", w.ago(minutes=24)), expected(
        description="""web-bff's HPA has been at maxReplicas (10) for 40 minutes with CPU at 183% of requests
        against a 70% target (ScalingLimited: TooManyReplicas); every pod burns ~0.9 cores of its 0.5 request and
        logs slow requests with 100+ in flight. The pods are healthy, just saturated by traffic: the ceiling is the
        HPA's maxReplicas (and the per-pod request). Raise maxReplicas (nodes have room) and look at the traffic
        source.""",
        source="alertmanager", culprit={"kind": "HorizontalPodAutoscaler", "namespace": w.ns, "name": "web-bff"},
        category="hpa_saturation", confidence="medium", facts=["maxReplicas", "183"],
        remediation_targets=["horizontalpodautoscaler/web-bff"]), start="HorizontalPodAutoscaler (KubeHpaMaxedOut)")


def _cron_job_name(base: str, at: object) -> str:
    from datetime import datetime
    assert isinstance(at, datetime)
    return f"{base}-{int(at.timestamp() // 60)}"


@scenario("37-job-backoff-limit-settlement-parse-error")
def job_backoff() -> Built:
    w = world("37-job-backoff-limit-settlement-parse-error", ns="finance", noise=(("ledger-api", "java"),))
    c = w.c
    tpl = app_template("nightly-settlement", image("settlement", "2.14.0"), readiness=False, liveness=False,
                       ctr="settlement",
                       command=["python", "-m", "settlement.run"], restart_policy="Never")
    cj = cronjob(c, w.ns, "nightly-settlement", tpl, schedule="30 2 * * *", created=w.ago(days=200), backoff_limit=2)
    sched = w.ago(minutes=44)
    jb = job(c, w.ns, _cron_job_name("nightly-settlement", sched), tpl, created=sched, backoff_limit=2, owner=cj,
             labels={"app.kubernetes.io/name": "nightly-settlement"})
    tb = python_traceback([
        ("/app/settlement/run.py", 88, "main", "totals = reconcile(rows)"),
        ("/app/settlement/reconcile.py", 41, "reconcile", "amount = Money(row[\"amount\"], row[\"currency\"])")],
        "KeyError: 'currency'")
    start = sched + timedelta(seconds=2)
    for i, gap in enumerate((0, 14, 44)):
        s = start + timedelta(seconds=gap + i * 40)
        p = owned_pod(c, jb, node=w.nodes[i % 3], created=s - timedelta(seconds=1), states={
            "settlement": Done(Terminated(1, "Error", s, s + timedelta(seconds=38)))})
        log = Log(at=s)
        log.py("INFO", "settlement", "downloading s3://acme-settlements/provider/settlement_" + f"{sched:%Y-%m-%d}.csv",
               ms=900)
        log.py("INFO", "settlement", "parsed 48113 rows; columns: txn_id,amount,currency_code,settled_at,fee", ms=9000)
        log.raw(tb)
        c.log(w.ns, p["metadata"]["name"], "settlement", log.text())
    fin = start + timedelta(seconds=44 + 80 + 38)
    event(c, jb, "BackoffLimitExceeded", "Job has reached the specified backoff limit", first=fin, type="Warning",
          component="job-controller")
    return Built(c, am_job_failed(w, jb["metadata"]["name"], w.ago(minutes=25)), expected(
        description="""Tonight's nightly-settlement Job failed all 3 attempts (BackoffLimitExceeded). Each pod
        dies with KeyError: 'currency' in reconcile(): the provider's settlement CSV now names the column
        currency_code (logged header). Nothing in the cluster changed; the CronJob's code must handle the new
        format (then re-run the Job by hand).""",
        source="alertmanager", culprit={"kind": "CronJob", "namespace": w.ns, "name": "nightly-settlement"},
        category="job_failed", confidence="medium", facts=["KeyError: 'currency'", "BackoffLimitExceeded"],
        remediation_targets=["cronjob/nightly-settlement"]), start="Job (KubeJobFailed)")


@scenario("38-cronjob-backup-deadline-exceeded")
def cronjob_deadline() -> Built:
    w = world("38-cronjob-backup-deadline-exceeded", ns="data", noise=(("metabase", "java"),))
    c = w.c
    tpl = app_template("db-backup", image("pg-backup", "16-1.4"), readiness=False, liveness=False, ctr="backup",
                       command=["/usr/local/bin/backup.sh"], restart_policy="Never")
    cj = cronjob(c, w.ns, "db-backup", tpl, schedule="0 */6 * * *", created=w.ago(days=400), backoff_limit=0)
    cj["spec"]["jobTemplate"]["spec"]["activeDeadlineSeconds"] = 3600
    sched = w.ago(hours=1, minutes=11)
    jb = job(c, w.ns, _cron_job_name("db-backup", sched), tpl, created=sched, backoff_limit=0, owner=cj,
             active_deadline=3600, labels={"app.kubernetes.io/name": "db-backup"})
    s = sched + timedelta(seconds=3)
    killed = sched + timedelta(seconds=3600)
    p = owned_pod(c, jb, node=w.nodes[1], created=sched + timedelta(seconds=1), states={
        "backup": Done(Terminated(143, "Error", s, killed + timedelta(seconds=1)))})
    log = Log(at=s)
    log.raw(f"{log.at:%Y-%m-%dT%H:%M:%S}Z starting pg_dump of analytics@warehouse-db (estimated 412 GB)")
    for pct in (9, 18, 27, 36, 44, 52):
        log.step(600_000).raw(f"{log.at:%Y-%m-%dT%H:%M:%S}Z progress: {pct}% ({pct * 4} GB) upload s3://acme-backups/"
                              "warehouse/ at 112 MB/s")
    log.step(58_000).raw(f"{log.at:%Y-%m-%dT%H:%M:%S}Z received SIGTERM, aborting upload")
    c.log(w.ns, p["metadata"]["name"], "backup", log.text())

    def deadline(cl: Cluster) -> None:
        j = cl.find("Job", jb["metadata"]["name"], w.ns)
        at = ts(killed)
        msg = "Job was active longer than specified deadline"
        j["status"]["conditions"] = [
            {"lastProbeTime": at, "lastTransitionTime": at, "message": msg, "reason": "DeadlineExceeded",
             "status": "True", "type": "FailureTarget"},
            {"lastProbeTime": at, "lastTransitionTime": at, "message": msg, "reason": "DeadlineExceeded",
             "status": "True", "type": "Failed"}]
    c.finalizers.append(deadline)
    event(c, jb, "DeadlineExceeded", "Job was active longer than specified deadline", first=killed, type="Warning",
          component="job-controller")
    tags = ["kube_cluster_name:prod-eu1", "kube_namespace:data", "kube_cronjob:db-backup", "env:production"]
    alert = alerts.datadog_custom(
        monitor_id=49001766, title="[Triggered on {kube_cronjob:db-backup,kube_namespace:data}] Backup job failed",
        body="%%%\nkubernetes_state.job.failed > 0 for kube_cronjob:db-backup\n\n@webhook-firstresponder\n%%%",
        event_type="query_alert_monitor", at=w.ago(minutes=9), transition="Triggered",
        scope="kube_cronjob:db-backup,kube_namespace:data",
        query="max(last_5m):sum:kubernetes_state.job.failed{kube_namespace:data} by {kube_cronjob,kube_namespace} > 0",
        metric="kubernetes_state.job.failed", tags=tags, priority="P1")
    return Built(c, alert, expected(
        description="""The 6-hourly db-backup Job failed with DeadlineExceeded: activeDeadlineSeconds is 3600 and
        the pg_dump had only reached 52% (the warehouse is now ~412 GB at ~112 MB/s, so a full backup takes ~1h50m).
        The container was stopped (SIGTERM, exit 143) by the deadline, not by an error. Raise the CronJob's deadline
        or make backups incremental; no backup completed this cycle.""",
        source="datadog", culprit={"kind": "CronJob", "namespace": w.ns, "name": "db-backup"},
        category="job_failed", confidence="medium", facts=["DeadlineExceeded", "3600"],
        remediation_targets=["cronjob/db-backup"]), start="CronJob (Datadog custom payload)")


@scenario("39-external-payment-provider-503")
def external_api() -> Built:
    w = world("39-external-payment-provider-503", noise=(("checkout-web", "node"), ("ledger-worker", "python")))
    c = w.c
    tpl = app_template("payments-gateway", image("payments-gateway", "6.9.1"),
                       env=[env_value("PROVIDER_BASE_URL", "https://api.stripe.com/v1")])
    a = app(w, "payments-gateway", tpl, replicas=3, history=[(with_changes(tpl, image=image("payments-gateway", "6.9.0")),
                                                              w.ago(days=20))], rolled=w.ago(days=6))
    svc(w, "payments-gateway")
    for p in run_pods(w, a.rs, 3, since=w.ago(days=6), stack="java", log=False):
        log = Log(at=w.ago(minutes=2))
        for n in range(3):
            log.java("ERROR", "c.a.payments.provider.ChargeClient", "charge failed for order ord_" +
                     ids.hexid(8, p["metadata"]["name"], n), ms=ids.number(5000, 20000, n),
                     thread=f"http-nio-8080-exec-{n + 3}", app="payments-gateway")
            log.raw("org.springframework.web.client.ResourceAccessException: I/O error on POST request for "
                    "\"https://api.stripe.com/v1/payment_intents\": Read timed out\n\tat org.springframework.web.client."
                    "RestTemplate.createResourceAccessException(RestTemplate.java:926)\n\tat org.springframework.web."
                    "client.RestTemplate.doExecute(RestTemplate.java:906)\n\tat com.acme.payments.provider.ChargeClient."
                    "create(ChargeClient.java:77)\nCaused by: java.net.SocketTimeoutException: Read timed out\n\tat "
                    "java.base/sun.nio.ch.NioSocketImpl.timedRead(NioSocketImpl.java:278)\n\t... 48 common frames omitted")
            log.java("WARN", "c.a.payments.provider.ChargeClient", "provider returned 503 Service Unavailable "
                     "(request-id req_" + ids.hexid(14, p["metadata"]["name"], n) + "), retry 2/2", ms=800,
                     thread=f"http-nio-8080-exec-{n + 3}", app="payments-gateway")
        c.log(w.ns, p["metadata"]["name"], "app", log.text())
    alert = alerts.datadog_default(
        monitor_id=47700112, event_type="query_alert_monitor", at=w.ago(minutes=4),
        title="[Triggered on {env:production,service:payments-gateway}] payments-gateway error rate above 10%",
        body="%%%\n@webhook-firstresponder @pagerduty-payments\n\n**trace.servlet.request.errors** / hits for "
             "service:payments-gateway,env:production was > 0.1 (0.37) during the last 5m.\n\nTags: "
             "kube_deployment:payments-gateway, kube_namespace:production, kube_cluster_name:prod-eu1\n%%%")
    return Built(c, alert, expected(
        description="""payments-gateway's error rate is 37%: charges fail with read timeouts and 503 Service
        Unavailable from https://api.stripe.com. The pods are healthy (Ready, no restarts, normal CPU/memory), no
        recent change in the cluster, and other services are fine: the failing dependency is the external payment
        provider. Check the provider's status page; consider failing over or queueing charges — nothing to fix in
        Kubernetes.""",
        source="datadog", culprit={"kind": "External", "name": "api.stripe.com"}, category="external_dependency",
        confidence="medium", facts=["api.stripe.com", "503"], remediation_targets=["deployment/payments-gateway"]),
        start="Deployment (Datadog APM service)")


@scenario("40-external-rds-connect-timeout")
def external_rds() -> Built:
    w = world("40-external-rds-connect-timeout", ns="orders", noise=(("orders-ui", "node"),))
    c = w.c
    host = "orders-prod.cluster-c9x2kqw1lmfd.eu-west-1.rds.amazonaws.com"
    tpl = app_template("orders-service", image("orders-service", "14.2.3"),
                       env=[env_value("SPRING_DATASOURCE_URL", f"jdbc:postgresql://{host}:5432/orders")],
                       requests={"cpu": "500m", "memory": "1Gi"}, limits={"memory": "1536Mi"})
    a = app(w, "orders-service", tpl, replicas=3, history=[(with_changes(tpl, image=image("orders-service", "14.2.2")),
                                                            w.ago(days=25))], rolled=w.ago(days=9))
    svc(w, "orders-service")
    pods = []
    for i in range(3):
        start = w.ago(minutes=2 + i, seconds=20)
        p = pod_of(w, a.rs, {"app": CrashLoop(Terminated(1, "Error", start, start + timedelta(seconds=41)), 4 + i)},
                   created=w.ago(days=9, seconds=-30 * i), node=i)
        for prev in (False, True):
            at = start - (timedelta(minutes=5) if prev else timedelta())
            log = spring_banner(Log(at=at), "orders-service", "14.2.3")
            log.java("INFO", "com.zaxxer.hikari.HikariDataSource", "HikariPool-1 - Starting...", ms=400,
                     app="orders-service")
            log.java("ERROR", "com.zaxxer.hikari.pool.HikariPool", "HikariPool-1 - Exception during pool initialization.",
                     ms=30_000, app="orders-service")
            log.raw("org.postgresql.util.PSQLException: The connection attempt failed.\n\tat org.postgresql.core.v3."
                    "ConnectionFactoryImpl.openConnectionImpl(ConnectionFactoryImpl.java:358)\n\tat org.postgresql.core."
                    "ConnectionFactory.openConnection(ConnectionFactory.java:54)\n\tat com.zaxxer.hikari.pool.HikariPool."
                    "createPoolEntry(HikariPool.java:477)\nCaused by: java.net.SocketTimeoutException: Connect timed out"
                    "\n\tat java.base/sun.nio.ch.NioSocketImpl.timedFinishConnect(NioSocketImpl.java:546)\n\tat "
                    "org.postgresql.core.PGStream.createSocket(PGStream.java:243)\n\t... 60 common frames omitted")
            log.java("ERROR", "o.s.boot.SpringApplication", "Application run failed", ms=200, app="orders-service")
            log.raw("org.springframework.beans.factory.BeanCreationException: Error creating bean with name "
                    "'entityManagerFactory': Failed to initialize dependency 'dataSourceScriptDatabaseInitializer'\n"
                    f"Caused by: org.postgresql.util.PSQLException: Connection to {host}:5432 refused or timed out")
            c.log(w.ns, p["metadata"]["name"], "app", log.text(), previous=prev)
        backoff_event(w, p, first=w.ago(minutes=27), count=22 + i)
        pods.append(p)
    alarm, at = ci_alarm(w, name="prod-eu1 orders-service restarts", metric="pod_number_of_container_restarts",
                         dims={"PodName": "orders-service", "Namespace": w.ns}, threshold=2.0,
                         comparison="GreaterThanThreshold", datapoints=[6.0], statistic="Sum", period=300,
                         description="orders-service containers restarting")
    return Built(c, alerts.sns_lambda_event(alarm, at), expected(
        description=f"""All three orders-service pods crash-loop since ~27 minutes ago: Spring Boot cannot
        initialise HikariPool — connect timed out to {host}:5432. The pods have run the same revision for 9 days; no
        ConfigMap, Secret, NetworkPolicy or node changed; in-cluster DNS works. The database is an Amazon RDS cluster
        outside Kubernetes: check its status (failover, security group, maintenance). Restarting pods will not
        help.""",
        source="sns", culprit={"kind": "External", "name": host}, category="external_dependency",
        confidence="medium", facts=[host, "Connect timed out"], remediation_targets=["deployment/orders-service"]),
        start="workload (Container Insights PodName)")


@scenario("41-low-confidence-sigkill-no-evidence")
def ambiguous_sigkill() -> Built:
    w = world("41-low-confidence-sigkill-no-evidence", ns="risk", noise=(("limits-api", "go"),))
    c = w.c
    tpl = app_template("recon-worker", image("recon-worker", "3.1.0"), liveness=False, readiness=False,
                       requests={"cpu": "500m", "memory": "1Gi"}, limits={"memory": "2Gi"})
    a = app(w, "recon-worker", tpl, replicas=1, history=[(with_changes(tpl, image=image("recon-worker", "3.0.9")),
                                                          w.ago(days=15))], rolled=w.ago(days=3))
    fin = w.ago(hours=1, minutes=52)
    p = pod_of(w, a.rs, {"app": Running(since=fin + timedelta(seconds=11), restarts=3,
                                        last=Terminated(137, "Error", w.ago(hours=4, minutes=30), fin))},
               created=w.ago(days=3), node=2)
    pod_metrics(c, p, {"app": ("310m", "1390Mi")})
    log = Log(at=w.ago(minutes=3))
    for n in range(6):
        log.py("INFO", "recon", f"batch {2000 + n} reconciled: {ids.number(900, 1200, n)} rows", ms=25_000)
    c.log(w.ns, p["metadata"]["name"], "app", log.text())
    labels = {"alertname": "PodRestartingFrequently", "cluster": c.name, "container": "app", "endpoint": "http",
              "instance": f"{w.base.ksm_ip}:8080", "job": "kube-state-metrics", "namespace": w.ns,
              "pod": p["metadata"]["name"], "prometheus": alerts.PROMETHEUS,
              "service": "kube-prometheus-stack-kube-state-metrics", "severity": "warning", "uid": p["metadata"]["uid"]}
    alert = am(w, labels, "Pod restarted 3 times in 12 hours",
               f"Pod {w.ns}/{p['metadata']['name']} (app) restarted 3 times in the last 12h.", w.ago(minutes=4),
               'increase(kube_pod_container_status_restarts_total{job="kube-state-metrics"}[12h]) >= 3')
    return Built(c, alert, expected(
        description="""recon-worker restarted 3 times in 12 hours, each time exit 137 with reason Error (not
        OOMKilled). There is no liveness probe, so the kubelet did not kill it for health; events of the last kill
        (1h52m ago) have expired and the previous container's log is not available; current memory is 1.4Gi of a 2Gi
        limit. 137 only says SIGKILL: a child-process OOM, a node-level kill or an external kill all fit. An honest
        report says low confidence and asks for node kernel logs / container_memory_working_set history.""",
        source="alertmanager", culprit={"kind": "Deployment", "namespace": w.ns, "name": "recon-worker"},
        category="unknown", confidence="low", facts=["137", "recon-worker"],
        remediation_targets=["deployment/recon-worker"]), start="Pod (custom KSM rule)")


@scenario("42-low-confidence-crashloop-without-logs")
def crash_no_logs() -> Built:
    w = world("42-low-confidence-crashloop-without-logs", ns="geo", noise=(("tiles", "go"),))
    c = w.c
    from tools.scenarios.config import configmap
    configmap(c, w.ns, "geo-config", {"GEOIP_DB": "/data/GeoLite2-City.mmdb", "CACHE_TTL": "3600"},
              created=w.ago(days=90), applied_data={"GEOIP_DB": "/data/GeoLite2-City.mmdb", "CACHE_TTL": "600"},
              edited=w.ago(days=3, hours=2), edited_keys=["CACHE_TTL"])
    tpl = app_template("geo-api", image("geo-api", "2.0.5"), env_from=[{"configMapRef": {"name": "geo-config"}}])
    a = app(w, "geo-api", tpl, replicas=2, history=[(with_changes(tpl, image=image("geo-api", "2.0.4")),
                                                     w.ago(days=40))], rolled=w.ago(days=2))
    svc(w, "geo-api")
    pods = []
    for i in range(2):
        start = w.ago(minutes=1 + 3 * i, seconds=5)
        p = pod_of(w, a.rs, {"app": CrashLoop(Terminated(2, "Error", start, start + timedelta(seconds=4)), 9 - i)},
                   created=w.ago(days=2, seconds=-15 * i), node=i)
        backoff_event(w, p, first=w.ago(minutes=55), count=80)
        pods.append(p)
    return Built(c, am_crashlooping(w, pods[0], "app", w.ago(minutes=38)), expected(
        description="""Both geo-api pods crash-loop with exit code 2 four seconds after start, for about an hour,
        on a revision that ran fine for two days. No logs could be read for either pod (current or previous), no
        Deployment, node or dependency change lines up: the geo-config edit (CACHE_TTL) was three days ago, before
        these pods started and ran healthily. Exit 2 often means a Go panic or a usage error but nothing confirms it.
        Low confidence; the report should ask for the container logs (kubectl logs --previous) and name the gap.""",
        source="alertmanager", culprit={"kind": "Deployment", "namespace": w.ns, "name": "geo-api"},
        category="app_crash", confidence="low", facts=["geo-api", "CrashLoopBackOff"],
        remediation_targets=["deployment/geo-api"]), start="Pod (CrashLoopBackOff)")


@scenario("45-sidecar-oomkilled-log-shipper")
def sidecar_oom() -> Built:
    w = world("45-sidecar-oomkilled-log-shipper", noise=(("checkout-web", "node"),))
    c = w.c
    tpl = app_template("api-frontend", image("api-frontend", "8.0.3"))
    tpl["spec"]["containers"].append(container(
        "fluent-bit", "cr.fluentbit.io/fluent/fluent-bit:3.1.9", requests={"cpu": "20m", "memory": "32Mi"},
        limits={"memory": "64Mi"}, mounts=[{"mountPath": "/var/log/app", "name": "app-logs"}]))
    tpl["spec"]["containers"][0]["volumeMounts"] = [{"mountPath": "/var/log/app", "name": "app-logs"}]
    tpl["spec"]["volumes"] = [{"emptyDir": {}, "name": "app-logs"}]
    a = app(w, "api-frontend", tpl, replicas=2, history=[(with_changes(tpl, image=image("api-frontend", "8.0.2")),
                                                          w.ago(days=9))], rolled=w.ago(days=1, hours=3))
    svc(w, "api-frontend")
    pods = []
    for i in range(2):
        created = w.ago(days=1, hours=3, seconds=-20 * i)
        start = w.ago(minutes=4 + i, seconds=1)
        p = pod_of(w, a.rs, {
            "app": Running(since=created + timedelta(seconds=3)),
            "fluent-bit": CrashLoop(Terminated(137, "OOMKilled", start, start + timedelta(seconds=58)), 23 + i)},
            created=created, node=i)
        pod_metrics(c, p, {"app": ("120m", "300Mi"), "fluent-bit": ("0", "0")})
        c.log(w.ns, p["metadata"]["name"], "app", Log(at=w.ago(minutes=1)).go(
            "info", "request", ms=100, method="GET", path="/api/v2/profile", status=200, duration_ms=14).text())
        flog = Log(at=start)
        flog.raw(f"Fluent Bit v3.1.9\n* Copyright (C) 2015-2024 The Fluent Bit Authors\n\n[{flog.at:%Y/%m/%d %H:%M:%S}] "
                 "[ info] [input:tail:tail.0] initializing\n"
                 f"[{flog.at:%Y/%m/%d %H:%M:%S}] [ info] [output:es:es.0] worker #0 started\n"
                 f"[{flog.at:%Y/%m/%d %H:%M:%S}] [ warn] [output:es:es.0] http_do=-1 URI=/_bulk, retrying in 9 seconds\n"
                 f"[{flog.at:%Y/%m/%d %H:%M:%S}] [ warn] [input] tail.0 paused (mem buf overlimit)")
        c.log(w.ns, p["metadata"]["name"], "fluent-bit", flog.text(), previous=True)
        c.log(w.ns, p["metadata"]["name"], "fluent-bit", flog.text())
        backoff_event(w, p, "fluent-bit", first=w.ago(minutes=58), count=61)
        pods.append(p)
    alert = alerts.datadog_default(
        monitor_id=48811230, event_type="query_alert_monitor", at=w.ago(minutes=3),
        title=f"[Triggered on {{kube_container_name:fluent-bit,pod_name:{pods[0]['metadata']['name']}}}] Container "
              "OOMKilled",
        body="%%%\n@webhook-firstresponder\n\nkubernetes.containers.state.terminated with reason:oomkilled > 0 for "
             f"kube_namespace:production,pod_name:{pods[0]['metadata']['name']},kube_container_name:fluent-bit\n%%%")
    return Built(c, alert, expected(
        description="""In both api-frontend pods the application container is healthy; the fluent-bit sidecar is
        OOMKilled (exit 137) about once a minute with a 64Mi limit. Its log shows the Elasticsearch output failing
        (http_do=-1, retrying) and the tail input pausing on "mem buf overlimit": while the log backend is unreachable
        the sidecar buffers in memory past its limit. Raise the sidecar's limit / set storage.type filesystem and
        Mem_Buf_Limit in the Deployment, and check the log backend; the app is not affected.""",
        source="datadog", culprit={"kind": "Deployment", "namespace": w.ns, "name": "api-frontend"},
        category="oom", confidence="medium", facts=["fluent-bit", "OOMKilled", "64Mi"],
        remediation_targets=["deployment/api-frontend"]), start="Pod (Datadog tags)")


@scenario("49-namespace-alert-unhandled-rejection-new-release")
def unhandled_rejection() -> Built:
    w = world("49-namespace-alert-unhandled-rejection-new-release", ns="notifications", noise=(("preferences", "python"),))
    c = w.c
    old = app_template("notifications-api", image("notifications-api", "2.9.1"),
                       env=[env_value("AWS_REGION", "eu-west-1")])
    new = with_changes(old, image=image("notifications-api", "3.0.0"))
    rolled = w.ago(minutes=28)
    a = app(w, "notifications-api", new, replicas=3, history=[(old, w.ago(days=34))], rolled=rolled,
            new_rs_replicas=1, rolling=True)
    a.old[0]["spec"]["replicas"] = 3
    run_pods(w, a.old[0], 3, since=w.ago(days=34), stack="node")
    svc(w, "notifications-api")
    start = w.ago(minutes=2, seconds=44)
    p = pod_of(w, a.rs, {"app": CrashLoop(Terminated(1, "Error", start, start + timedelta(seconds=3)), 9)},
               created=rolled + timedelta(seconds=1), node=2)
    for prev in (False, True):
        log = Log(at=start - (timedelta(minutes=5) if prev else timedelta()))
        log.node(30, "notifications-api 3.0.0 starting", ms=300, host=p["metadata"]["name"])
        log.node(30, "connecting to SQS", ms=40, host=p["metadata"]["name"], queue=None)
        log.raw("node:internal/process/promises:391\n    triggerUncaughtException(err, true /* fromPromise */);\n    ^\n\n"
                "TypeError: Cannot read properties of undefined (reading 'startsWith')\n    at parseQueueUrl "
                "(/app/dist/sqs/consumer.js:18:27)\n    at new Consumer (/app/dist/sqs/consumer.js:41:22)\n    at main "
                "(/app/dist/index.js:33:20)\n\nNode.js v22.9.0")
        c.log(w.ns, p["metadata"]["name"], "app", log.text(), previous=prev)
    backoff_event(w, p, first=rolled + timedelta(seconds=30), count=118)
    alert = alerts.generic(
        name="NamespaceErrorBudgetBurn", title="notifications: error budget burning (14x)",
        description="SLO notifications-delivery burn rate 14x over 30m", severity="critical", starts=w.ago(minutes=12),
        cluster=c.name, namespace=w.ns, resource=None, labels={"slo": "notifications-delivery", "team": "messaging"})
    return Built(c, alert, expected(
        description="""The alert names only the notifications namespace. In it, the notifications-api rollout to
        3.0.0 (28 minutes ago) has one new pod crash-looping: an unhandled promise rejection, TypeError reading
        'startsWith' of undefined in parseQueueUrl — version 3.0.0 expects an SQS queue URL setting the Deployment
        does not provide (queue=null in its log). The 2.9.1 pods keep running; the SLO burn comes from requests routed
        to the failing revision and retries. Roll back the Deployment, then ship 3.0.0 with its new setting.""",
        source="generic", culprit={"kind": "Deployment", "namespace": w.ns, "name": "notifications-api"},
        category="app_crash", confidence="medium", facts=["3.0.0", "startsWith"],
        remediation_targets=["deployment/notifications-api"]), start="Namespace (generic JSON, no resource)")



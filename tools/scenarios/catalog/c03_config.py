"""Configuration: rotated Secrets, missing ConfigMaps and keys, a bad mounted config file."""

from __future__ import annotations

from datetime import timedelta

from tools.scenarios import alerts
from tools.scenarios.catalog import Built, expected, scenario
from tools.scenarios.catalog.kit import (
    am_container_waiting,
    am_crashlooping,
    app,
    app_template,
    backoff_event,
    ci_alarm,
    image,
    pod_of,
    run_pods,
    started_events,
    svc,
    world,
)
from tools.scenarios.config import configmap, secret
from tools.scenarios.containers import (
    configmap_volume,
    env_from_configmap,
    env_from_secret,
    env_value,
    mount,
    probe_http,
    with_changes,
)
from tools.scenarios.events import event
from tools.scenarios.infra import hpa
from tools.scenarios.logs import Log
from tools.scenarios.pods import CrashLoop, Terminated, Waiting


@scenario("05-secret-password-rotated-new-pods-fail")
def secret_rotated() -> Built:
    w = world("05-secret-password-rotated-new-pods-fail", noise=(("checkout-web", "node"), ("ledger-worker", "python")))
    c = w.c
    rotated = w.ago(hours=2, minutes=11)
    s = secret(c, w.ns, "orders-db-credentials", ["host", "password", "username"], created=w.ago(days=160),
               changed=rotated, changed_keys=["password"], change_manager="external-secrets",
               labels={"reconcile.external-secrets.io/created-by": "a1f4" + "9c" * 14},
               annotations={"reconcile.external-secrets.io/data-hash": "5b0c8a8f1e2d9c33e2b6f41e5e9d7a01"})
    assert s
    tpl = app_template("orders-api", image("orders-api", "12.4.1"), env=[
        env_from_secret("PGHOST", "orders-db-credentials", "host"),
        env_from_secret("PGUSER", "orders-db-credentials", "username"),
        env_from_secret("PGPASSWORD", "orders-db-credentials", "password"),
        env_value("PGDATABASE", "orders")])
    a = app(w, "orders-api", tpl, replicas=4, history=[(with_changes(tpl, image=image("orders-api", "12.3.9")),
                                                          w.ago(days=50))], rolled=w.ago(days=8),
            extra_generation=3)
    run_pods(w, a.rs, 3, since=w.ago(days=8), stack="node", usage=("180m", "210Mi"))
    svc(w, "orders-api")
    scaled = w.ago(minutes=26)
    hpa(c, w.ns, "orders-api", target=a.dep, min_replicas=3, max_replicas=8, current=4, desired=4, cpu_target=70,
        cpu_current=74, created=w.ago(days=50), scaled_at=scaled)
    event(c, c.find("HorizontalPodAutoscaler", "orders-api", w.ns), "SuccessfulRescale",
          "New size: 4; reason: cpu resource utilization (percentage of request) above target", first=scaled,
          component="horizontal-pod-autoscaler")
    start = w.ago(minutes=1, seconds=50)
    p = pod_of(w, a.rs, {"app": CrashLoop(Terminated(1, "Error", start, start + timedelta(seconds=1)), 8)},
               created=scaled + timedelta(seconds=1), node=2)
    for prev in (False, True):
        log = Log(at=start - (timedelta(minutes=5) if prev else timedelta()))
        log.node(30, "starting orders-api", ms=300, version="12.4.1", host=p["metadata"]["name"])
        log.node(50, "database connection failed", ms=90, host=p["metadata"]["name"],
                 err={"type": "DatabaseError", "message": 'password authentication failed for user "orders_app"',
                      "code": "28P01", "severity": "FATAL"})
        log.raw('/app/node_modules/pg-pool/index.js:45\n          Error.captureStackTrace(err)\n                '
                '^\n\nerror: password authentication failed for user "orders_app"\n    at /app/node_modules/pg-pool/'
                'index.js:45:11\n    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)\n'
                '    at async Database.connect (/app/dist/db.js:22:20)\n    at async main (/app/dist/server.js:41:5) {\n'
                "  length: 104,\n  severity: 'FATAL',\n  code: '28P01',\n  routine: 'auth_failed'\n}\n\nNode.js v20.17.0")
        c.log(w.ns, p["metadata"]["name"], "app", log.text(), previous=prev)
    started_events(w, p, restarts=8, last=start)
    backoff_event(w, p, first=scaled + timedelta(seconds=15), count=96)
    alarm, at = ci_alarm(w, name="prod-eu1 orders-api container restarts", metric="pod_number_of_container_restarts",
                         dims={"PodName": "orders-api", "Namespace": w.ns}, threshold=3.0,
                         comparison="GreaterThanThreshold", datapoints=[5.0, 4.0], statistic="Sum", period=300,
                         description="orders-api containers restarting (Container Insights)")
    return Built(c, alerts.sns_https_body(alarm, at), expected(
        description="""Only the orders-api pod created 26 minutes ago by an HPA scale-up crash-loops, failing
        with PostgreSQL 28P01 "password authentication failed for user orders_app"; the three older pods run fine.
        Secret orders-db-credentials had its password key rewritten 2h11m ago by external-secrets (managedFields),
        but the database still accepts the previous password: env from Secrets is read at container start, so only
        the new pod got the new, wrong value. The fix belongs to the Secret (revert the secret version or finish the
        rotation in the database); restarting the old pods now would take the whole service down.""",
        source="sns", culprit={"kind": "Secret", "namespace": w.ns, "name": "orders-db-credentials"},
        category="config_change", confidence="high", facts=["orders-db-credentials", "password authentication failed"],
        remediation_targets=["secret/orders-db-credentials"]), start="workload (Container Insights PodName)")


@scenario("06-missing-configmap-create-config-error")
def missing_configmap() -> Built:
    w = world("06-missing-configmap-create-config-error", ns="pricing",
              noise=(("quote-api", "java"), ("fx-rates", "go")))
    c = w.c
    old = app_template("pricing-engine", image("pricing-engine", "2.7.0"), env=[env_value("LOG_FORMAT", "json")])
    new = app_template("pricing-engine", image("pricing-engine", "2.8.0"), env=[env_value("LOG_FORMAT", "json")],
                       env_from=[{"configMapRef": {"name": "pricing-feature-flags"}}])
    rolled = w.ago(hours=1, minutes=22)
    a = app(w, "pricing-engine", new, replicas=3, history=[(old, w.ago(days=30))], rolled=rolled, new_rs_replicas=1,
            rolling=True, change_manager="helm")
    a.old[0]["spec"]["replicas"] = 3
    run_pods(w, a.old[0], 3, since=w.ago(days=12), stack="java")
    svc(w, "pricing-engine")
    p = pod_of(w, a.rs, {"app": Waiting("CreateContainerConfigError", 'configmap "pricing-feature-flags" not found')},
               created=rolled + timedelta(seconds=1), node=1)
    event(c, p, "Failed", 'Error: configmap "pricing-feature-flags" not found', first=w.ago(minutes=59),
          last=w.ago(seconds=20), count=372, type="Warning", host=p["spec"]["nodeName"],
          field_path="spec.containers{app}")
    event(c, p, "Pulled", f'Container image "{image("pricing-engine", "2.8.0")}" already present on machine',
          first=w.ago(minutes=59), last=w.ago(seconds=20), count=372, host=p["spec"]["nodeName"],
          field_path="spec.containers{app}")
    configmap(c, w.ns, "pricing-engine-config", {"CURRENCY_DEFAULT": "EUR", "QUOTE_TTL_SECONDS": "900"},
              created=w.ago(days=30))
    return Built(c, am_container_waiting(w, p, "app", "CreateContainerConfigError", w.ago(minutes=3)), expected(
        description="""The pricing-engine pod of revision 2 (Helm upgrade to 2.8.0, 1h22m ago) cannot start:
        CreateContainerConfigError, configmap "pricing-feature-flags" not found. The new template adds envFrom
        pricing-feature-flags (not optional) but no such ConfigMap exists in the namespace (only
        pricing-engine-config). The rollout is paused after the first pod; the three 2.7.0 pods still serve.
        Create the ConfigMap (or mark the reference optional / roll back).""",
        source="alertmanager",
        culprit={"kind": "ConfigMap", "namespace": w.ns, "name": "pricing-feature-flags", "missing": True},
        category="missing_config", confidence="high", facts=["pricing-feature-flags", "not found"],
        remediation_targets=["configmap/pricing-feature-flags"]), start="Pod (KubeContainerWaiting)")


@scenario("07-configmap-key-renamed-missing-key")
def missing_key() -> Built:
    w = world("07-configmap-key-renamed-missing-key", ns="messaging", noise=(("webhooks", "go"), ("sms-gateway", "java")))
    c = w.c
    renamed = w.ago(minutes=57)
    data = {"SMTP_PORT": "587", "SMTP_SERVER": "email-smtp.eu-west-1.amazonaws.com", "SMTP_TLS": "true",
            "FROM_ADDRESS": "no-reply@acme-payments.example"}
    cm = configmap(c, w.ns, "notifier-config", data, created=w.ago(days=210),
                   labels={"app.kubernetes.io/name": "notifier"})
    # re-applied with the key renamed: the manifest (last-applied) and the owner entry both carry the new time
    cm["metadata"]["managedFields"][0]["time"] = renamed.strftime("%Y-%m-%dT%H:%M:%SZ")
    tpl = app_template("notifier", image("notifier", "1.30.2"), env=[
        env_from_configmap("SMTP_HOST", "notifier-config", "SMTP_HOST"),
        env_from_configmap("SMTP_PORT", "notifier-config", "SMTP_PORT"),
        env_from_configmap("FROM_ADDRESS", "notifier-config", "FROM_ADDRESS")])
    a = app(w, "notifier", tpl, replicas=3, history=[(with_changes(tpl, image=image("notifier", "1.29.0")),
                                                        w.ago(days=70))], rolled=w.ago(days=9))
    run_pods(w, a.rs, 2, since=w.ago(days=9), stack="go")
    moved = w.ago(minutes=21)
    p = pod_of(w, a.rs, {"app": Waiting("CreateContainerConfigError",
                                        "couldn't find key SMTP_HOST in ConfigMap messaging/notifier-config")},
               created=moved, node=2)
    event(c, p, "Failed", "Error: couldn't find key SMTP_HOST in ConfigMap messaging/notifier-config",
          first=moved + timedelta(seconds=2), last=w.ago(seconds=44), count=97, type="Warning",
          host=p["spec"]["nodeName"], field_path="spec.containers{app}")
    event(c, p, "Scheduled", f"Successfully assigned {w.ns}/{p['metadata']['name']} to {p['spec']['nodeName']}",
          first=moved, component="default-scheduler", action="Binding")
    tags = ["kube_cluster_name:prod-eu1", "kube_namespace:messaging", "kube_deployment:notifier",
            f"pod_name:{p['metadata']['name']}", "kube_container_name:app", "env:production", "team:messaging"]
    alert = alerts.datadog_custom(
        monitor_id=51230877, title=f"[Triggered on {{kube_namespace:messaging,pod_name:{p['metadata']['name']}}}] "
                                   "Container stuck in CreateContainerConfigError",
        body="%%%\nA container has been waiting with reason **CreateContainerConfigError** for more than 15 minutes."
             "\n\n@webhook-firstresponder\n%%%", event_type="query_alert_monitor", at=w.ago(minutes=4),
        transition="Triggered", scope=f"kube_namespace:messaging,pod_name:{p['metadata']['name']}",
        query="max(last_15m):max:kubernetes_state.container.status_report.count.waiting{reason:createcontainerconfigerror}"
              " by {kube_namespace,pod_name} >= 1",
        metric="kubernetes_state.container.status_report.count.waiting", tags=tags)
    return Built(c, alert, expected(
        description="""A notifier pod rescheduled 21 minutes ago is stuck in CreateContainerConfigError:
        "couldn't find key SMTP_HOST in ConfigMap messaging/notifier-config". The ConfigMap was re-applied 57 minutes
        ago with SMTP_HOST renamed to SMTP_SERVER (managedFields time, last-applied-configuration has no SMTP_HOST),
        while the Deployment still references SMTP_HOST. The two older pods kept their environment from container
        start and look healthy, hiding the problem until a pod was recreated. Put SMTP_HOST back in the ConfigMap
        (or change the Deployment to SMTP_SERVER).""",
        source="datadog", culprit={"kind": "ConfigMap", "namespace": w.ns, "name": "notifier-config"},
        category="missing_config", confidence="high", facts=["SMTP_HOST", "notifier-config"],
        remediation_targets=["configmap/notifier-config"]), start="Pod (Datadog custom payload)")


NGINX_GOOD = """server {
    listen 8080;
    location /healthz { return 200 'ok'; }
    location /api/ {
        proxy_pass http://storefront-api.web.svc.cluster.local;
        proxy_set_header Host $host;
        proxy_read_timeout 30s;
    }
    location / {
        proxy_pass http://storefront-ui.web.svc.cluster.local;
    }
}
"""


@scenario("44-mounted-nginx-config-typo")
def nginx_config_typo() -> Built:
    w = world("44-mounted-nginx-config-typo", ns="web", noise=(("storefront-api", "java"), ("storefront-ui", "node")))
    c = w.c
    bad = NGINX_GOOD.replace("        proxy_pass http://storefront-ui", "        proxy_passs http://storefront-ui")
    edited = w.ago(hours=3, minutes=4)
    configmap(c, w.ns, "edge-proxy-conf", {"default.conf": bad}, created=w.ago(days=90),
              applied_data={"default.conf": NGINX_GOOD}, edited=edited, edited_keys=["default.conf"])
    tpl = app_template("edge-proxy", "nginx:1.27.2-alpine", mounts=[mount("conf", "/etc/nginx/conf.d", read_only=True)],
                       volumes=[configmap_volume("conf", "edge-proxy-conf")],
                       readiness=probe_http("/healthz", "http"), liveness=probe_http("/healthz", "http", initial=5))
    a = app(w, "edge-proxy", tpl, replicas=3, history=[(with_changes(tpl, image="nginx:1.27.1-alpine"),
                                                          w.ago(days=90))], rolled=w.ago(days=16))
    run_pods(w, a.rs, 2, since=w.ago(days=16), stack="go", log=False)
    svc(w, "edge-proxy")
    created = w.ago(minutes=38)
    start = w.ago(minutes=2, seconds=2)
    p = pod_of(w, a.rs, {"app": CrashLoop(Terminated(1, "Error", start, start), 11)}, created=created, node=2)
    for prev in (False, True):
        at = start - (timedelta(minutes=5) if prev else timedelta())
        c.log(w.ns, p["metadata"]["name"], "app",
              "/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration\n"
              "/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/\n"
              "/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh\n"
              "10-listen-on-ipv6-by-default.sh: info: can not modify /etc/nginx/conf.d/default.conf (read-only file "
              "system?)\n/docker-entrypoint.sh: Configuration complete; ready for start up\n"
              f"{at:%Y/%m/%d %H:%M:%S} [emerg] 1#1: unknown directive \"proxy_passs\" in /etc/nginx/conf.d/default.conf:10\n"
              "nginx: [emerg] unknown directive \"proxy_passs\" in /etc/nginx/conf.d/default.conf:10\n", previous=prev)
    for q in c.of_kind("Pod", w.ns):
        if q["metadata"]["name"].startswith("edge-proxy") and q is not p:
            log = Log(at=w.ago(minutes=2))
            for i in range(5):
                log.nginx_access("10.0.33.12", "GET /api/v1/products HTTP/1.1", 200, 5120 + i, ua="Mozilla/5.0")
            c.log(w.ns, q["metadata"]["name"], "app", log.text())
    event(c, c.find("ReplicaSet", a.rs["metadata"]["name"], w.ns), "SuccessfulCreate",
          f"Created pod: {p['metadata']['name']}", first=created, component="replicaset-controller")
    started_events(w, p, restarts=11, last=start)
    backoff_event(w, p, first=created + timedelta(seconds=20), count=160)
    return Built(c, am_crashlooping(w, p, "app", w.ago(minutes=20)), expected(
        description="""A new edge-proxy pod crash-loops: nginx exits with [emerg] unknown directive "proxy_passs"
        in /etc/nginx/conf.d/default.conf. That file comes from ConfigMap edge-proxy-conf, edited with kubectl edit
        3 hours ago (managedFields; last-applied-configuration still shows the correct proxy_pass). The running
        pods received the new file too but nginx only parses it at start (no reload), so they keep serving with the
        old configuration and will fail on their next restart. Fix the typo in the ConfigMap.""",
        source="alertmanager", culprit={"kind": "ConfigMap", "namespace": w.ns, "name": "edge-proxy-conf"},
        category="config_change", confidence="high", facts=["proxy_passs", "edge-proxy-conf"],
        remediation_targets=["configmap/edge-proxy-conf"]), start="Pod (CrashLoopBackOff)")



"""Images that cannot be pulled and probes that are wrong."""

from __future__ import annotations

from datetime import timedelta

from tools.scenarios import alerts
from tools.scenarios.catalog import Built, expected, scenario
from tools.scenarios.catalog.kit import (
    am_pod_not_ready,
    am_replicas_mismatch,
    app,
    app_template,
    image,
    pod_of,
    run_pods,
    svc,
    world,
)
from tools.scenarios.config import docker_secret
from tools.scenarios.containers import probe_http, with_changes
from tools.scenarios.events import event
from tools.scenarios.logs import Log, spring_banner
from tools.scenarios.pods import Running, Terminated, Waiting


@scenario("12-image-pull-tag-does-not-exist")
def bad_tag() -> Built:
    w = world("12-image-pull-tag-does-not-exist", noise=(("checkout-web", "node"), ("ledger-worker", "python")))
    c = w.c
    old = app_template("fraud-scorer", image("fraud-scorer", "3.2.0"))
    bad_image = image("fraud-scorer", "3.2.1-rc")
    new = with_changes(old, image=bad_image)
    rolled = w.ago(minutes=52)
    a = app(w, "fraud-scorer", new, replicas=2, history=[(old, w.ago(days=25))], rolled=rolled, new_rs_replicas=1,
            rolling=True, change_manager="argocd-controller")
    a.old[0]["spec"]["replicas"] = 2
    run_pods(w, a.old[0], 2, since=w.ago(days=25), stack="python")
    svc(w, "fraud-scorer")
    p = pod_of(w, a.rs, {"app": Waiting("ImagePullBackOff", f'Back-off pulling image "{bad_image}"')},
               created=rolled + timedelta(seconds=1), node=1)
    node_name = p["spec"]["nodeName"]
    repo = bad_image.split("/", 1)
    err = (f'Failed to pull image "{bad_image}": rpc error: code = NotFound desc = failed to pull and unpack image '
           f'"{bad_image}": failed to resolve reference "{bad_image}": {repo[0]}/{repo[1]}: not found')
    for reason, msg, typ, count in (("Pulling", f'Pulling image "{bad_image}"', "Normal", 14),
                                    ("Failed", err, "Warning", 14),
                                    ("Failed", "Error: ErrImagePull", "Warning", 14),
                                    ("BackOff", f'Back-off pulling image "{bad_image}"', "Normal", 221),
                                    ("Failed", "Error: ImagePullBackOff", "Warning", 221)):
        event(c, p, reason, msg, first=rolled + timedelta(seconds=2), last=w.ago(seconds=count % 50 + 5), count=count,
              type=typ, host=node_name, field_path="spec.containers{app}")
    return Built(c, am_pod_not_ready(w, p, w.ago(minutes=35)), expected(
        description="""fraud-scorer's new pod has never started: ImagePullBackOff, the registry answers NotFound
        for tag 3.2.1-rc. Argo CD synced revision 2 52 minutes ago pointing at a tag that was never pushed to ECR;
        the previous 3.2.0 pods still run, so the service is degraded, not down. Fix the Deployment's image (push
        the tag or roll back to 3.2.0).""",
        source="alertmanager", culprit={"kind": "Deployment", "namespace": w.ns, "name": "fraud-scorer"},
        category="image_pull", confidence="high", facts=["3.2.1-rc", "not found", "ImagePullBackOff"],
        remediation_targets=["deployment/fraud-scorer"]), start="Pod (KubePodNotReady)")


@scenario("13-image-pull-secret-missing-in-namespace")
def missing_pull_secret() -> Built:
    w = world("13-image-pull-secret-missing-in-namespace", ns="staging", noise=(("web", "node"),))
    c = w.c
    img = "ghcr.io/acme-payments/ledger-sync:0.14.3"
    tpl = app_template("ledger-sync", img, image_pull_secrets=["ghcr-pull"])
    created = w.ago(minutes=44)
    a = app(w, "ledger-sync", tpl, replicas=2, created=created, rolled=created)
    svc(w, "ledger-sync")
    pods = []
    for i in range(2):
        p = pod_of(w, a.rs, {"app": Waiting("ImagePullBackOff", f'Back-off pulling image "{img}"')},
                   created=created + timedelta(seconds=1), node=i)
        pods.append(p)
        n = p["spec"]["nodeName"]
        event(c, p, "FailedToRetrieveImagePullSecret", 'Unable to retrieve some image pull secrets (ghcr-pull); '
              "attempting to pull the image may not succeed.", first=created + timedelta(seconds=2),
              last=w.ago(seconds=20 + i), count=190, type="Warning", host=n)
        event(c, p, "Failed", f'Failed to pull image "{img}": failed to pull and unpack image "{img}": failed to '
              f'resolve reference "{img}": failed to authorize: failed to fetch anonymous token: unexpected status '
              'from GET request to https://ghcr.io/token?scope=repository%3Aacme-payments%2Fledger-sync%3Apull&service='
              "ghcr.io: 401 Unauthorized", first=created + timedelta(seconds=3), last=w.ago(minutes=2), count=12,
              type="Warning", host=n, field_path="spec.containers{app}")
        event(c, p, "BackOff", f'Back-off pulling image "{img}"', first=created + timedelta(seconds=5),
              last=w.ago(seconds=9 + i), count=181, host=n, field_path="spec.containers{app}")
    # the secret exists in production (copied manifests assumed it would be there too)
    from tools.scenarios.base import app_namespace
    app_namespace(c, "production", w.ago(days=200))
    docker_secret(c, "production", "ghcr-pull", created=w.ago(days=120))
    alert = alerts.datadog_default(
        monitor_id=50011872, event_type="query_alert_monitor", at=w.ago(minutes=6),
        title="[Triggered on {kube_deployment:ledger-sync,kube_namespace:staging}] Deployment has no available "
              "replicas",
        body="%%%\n@webhook-firstresponder\n\n**kubernetes_state.deployment.replicas_available** for "
             "kube_cluster_name:prod-eu1,kube_deployment:ledger-sync,kube_namespace:staging was < 1.0 during the "
             f"last 10m.\n\nThe monitor was last triggered at {w.ago(minutes=6):%a %b %d %Y %H:%M:%S} UTC.\n%%%")
    return Built(c, alert, expected(
        description="""ledger-sync, deployed 44 minutes ago into staging, has no running pod: image pulls from
        ghcr.io fail with 401 Unauthorized and the kubelet warns it cannot retrieve image pull secret ghcr-pull.
        The Deployment references ghcr-pull, which exists in production but was never created in staging. Create
        the pull Secret in staging (or attach it to the ServiceAccount).""",
        source="datadog", culprit={"kind": "Secret", "namespace": w.ns, "name": "ghcr-pull", "missing": True},
        category="image_pull", confidence="high", facts=["ghcr-pull", "401 Unauthorized"],
        remediation_targets=["secret/ghcr-pull"]), start="Deployment (Datadog tags)")


@scenario("14-readiness-probe-wrong-port-after-change")
def readiness_wrong_port() -> Built:
    w = world("14-readiness-probe-wrong-port-after-change", noise=(("checkout-web", "node"),))
    c = w.c
    old = app_template("shipping-quotes", image("shipping-quotes", "5.4.0"))
    new = with_changes(old, readinessProbe=probe_http("/ready", 8081),
                       image=image("shipping-quotes", "5.4.1"))
    rolled = w.ago(minutes=33)
    a = app(w, "shipping-quotes", new, replicas=3, history=[(old, w.ago(days=14))], rolled=rolled,
            new_rs_replicas=1, rolling=True)
    a.old[0]["spec"]["replicas"] = 3
    run_pods(w, a.old[0], 3, since=w.ago(days=14), stack="go")
    svc(w, "shipping-quotes")
    p = pod_of(w, a.rs, {"app": Running(since=rolled + timedelta(seconds=4), ready=False)},
               created=rolled + timedelta(seconds=1), node=2)
    ip = p["status"]["podIP"]
    event(c, p, "Unhealthy", f'Readiness probe failed: Get "http://{ip}:8081/ready": dial tcp {ip}:8081: connect: '
          "connection refused", first=rolled + timedelta(seconds=7), last=w.ago(seconds=3), count=197,
          type="Warning", host=p["spec"]["nodeName"], field_path="spec.containers{app}")
    log = Log(at=rolled + timedelta(seconds=4))
    log.go("info", "starting shipping-quotes", ms=120, version="5.4.1", addr=":8080")
    log.go("info", "carrier rate tables loaded", ms=800, carriers=7)
    log.go("info", "listening", ms=2, addr=":8080")
    c.log(w.ns, p["metadata"]["name"], "app", log.text())
    return Built(c, am_replicas_mismatch(w, a.dep, w.ago(minutes=12)), expected(
        description="""shipping-quotes' rollout to 5.4.1 stalls: the new pod runs (0 restarts, log says listening
        on :8080) but never becomes ready because revision 2 changed the readiness probe to port 8081, where nothing
        listens (connection refused). The three old pods still serve. Fix the Deployment's readinessProbe port
        (http / 8080).""",
        source="alertmanager", culprit={"kind": "Deployment", "namespace": w.ns, "name": "shipping-quotes"},
        category="probe_failure", confidence="high", facts=["8081", "Readiness probe failed", "connection refused"],
        remediation_targets=["deployment/shipping-quotes"]), start="Deployment (KubeDeploymentReplicasMismatch)")


@scenario("15-liveness-kills-slow-starting-jvm")
def slow_start() -> Built:
    w = world("15-liveness-kills-slow-starting-jvm", ns="risk", noise=(("limits-api", "go"),))
    c = w.c
    old = app_template("risk-engine", image("risk-engine", "9.1.0"), requests={"cpu": "1", "memory": "2Gi"},
                       limits={"memory": "3Gi"}, liveness=probe_http("/actuator/health/liveness", "http", initial=120))
    new = with_changes(app_template("risk-engine", image("risk-engine", "9.2.0"),
                                    requests={"cpu": "1", "memory": "2Gi"}, limits={"memory": "3Gi"}),
                       livenessProbe=probe_http("/actuator/health/liveness", "http", initial=20, period=10,
                                                failure=3),
                       readinessProbe=probe_http("/actuator/health/readiness", "http", initial=20))
    rolled = w.ago(minutes=26)
    a = app(w, "risk-engine", new, replicas=2, history=[(old, w.ago(days=62))], rolled=rolled, new_rs_replicas=1,
            rolling=True)
    a.old[0]["spec"]["replicas"] = 2
    run_pods(w, a.old[0], 2, since=w.ago(days=20), stack="java", usage=("640m", "1890Mi"))
    svc(w, "risk-engine")
    start = w.ago(minutes=1, seconds=14)
    last = Terminated(143, "Error", start - timedelta(minutes=4, seconds=50), start - timedelta(minutes=4))
    p = pod_of(w, a.rs, {"app": Running(since=start, ready=False, restarts=6, last=last)},
               created=rolled + timedelta(seconds=1), node=1)
    p2_states = p["status"]["containerStatuses"][0]
    assert p2_states["restartCount"] == 6
    ip = p["status"]["podIP"]
    n = p["spec"]["nodeName"]
    event(c, p, "Unhealthy", f'Liveness probe failed: Get "http://{ip}:8080/actuator/health/liveness": dial tcp '
          f"{ip}:8080: connect: connection refused", first=rolled + timedelta(seconds=22), last=w.ago(seconds=14),
          count=19, type="Warning", host=n, field_path="spec.containers{app}")
    event(c, p, "Unhealthy", f'Readiness probe failed: Get "http://{ip}:8080/actuator/health/readiness": dial tcp '
          f"{ip}:8080: connect: connection refused", first=rolled + timedelta(seconds=21), last=w.ago(seconds=11),
          count=37, type="Warning", host=n, field_path="spec.containers{app}")
    event(c, p, "Killing", "Container app failed liveness probe, will be restarted", first=rolled + timedelta(seconds=42),
          last=start - timedelta(minutes=4, seconds=30), count=6, host=n, field_path="spec.containers{app}")
    for prev in (False, True):
        at = start if not prev else last.started
        log = spring_banner(Log(at=at), "risk-engine", "9.2.0")
        log.java("INFO", "c.a.risk.model.ModelRegistry", "Loading 14 scoring models from /models (3.1 GB)", ms=900,
                 app="risk-engine")
        for m in range(1, 5 if not prev else 6):
            log.java("INFO", "c.a.risk.model.ModelRegistry", f"Loaded model {m}/14 in {7 + m}.2s", ms=8000 + m * 100,
                     app="risk-engine")
        if prev:
            log.java("INFO", "o.s.b.w.embedded.tomcat.GracefulShutdown", "Commencing graceful shutdown. Waiting for "
                     "active requests to complete", ms=300, thread="SpringApplicationShutdownHook", app="risk-engine")
        c.log(w.ns, p["metadata"]["name"], "app", log.text(), previous=prev)
    return Built(c, am_replicas_mismatch(w, a.dep, w.ago(minutes=8)), expected(
        description="""The 9.2.0 risk-engine pod never gets past start-up: it loads 14 scoring models (~2-3
        minutes) but revision 2 lowered the liveness initialDelaySeconds from 120 to 20 (period 10, failureThreshold
        3), so the kubelet kills it ~50s in (Killing events, exit 143 after graceful shutdown, 6 restarts) before
        Tomcat ever listens. Not an application failure and not memory: the probe is too aggressive for a slow
        start. Fix the Deployment: add a startupProbe (or restore the initial delay).""",
        source="alertmanager", culprit={"kind": "Deployment", "namespace": w.ns, "name": "risk-engine"},
        category="probe_failure", confidence="high", facts=["Liveness probe failed", "initialDelaySeconds", "143"],
        remediation_targets=["deployment/risk-engine"]), start="Deployment (KubeDeploymentReplicasMismatch)")



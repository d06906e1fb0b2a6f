"""More start points and shapes: a metric-math alarm, an init container OOM, a registry rate limit."""

from __future__ import annotations

from datetime import timedelta

from tools.scenarios import alerts
from tools.scenarios.catalog import Built, expected, scenario
from tools.scenarios.catalog.kit import (
    am_pod_not_ready,
    app,
    app_template,
    backoff_event,
    extra_node,
    image,
    pod_of,
    run_pods,
    svc,
    world,
)
from tools.scenarios.config import secret
from tools.scenarios.containers import container, env_from_secret, probe_http, with_changes
from tools.scenarios.events import event
from tools.scenarios.infra import node_name
from tools.scenarios.logs import Log
from tools.scenarios.pods import CrashLoop, Terminated, Waiting


@scenario("51-secret-key-name-wrong-metric-math-alarm")
def secret_key_wrong() -> Built:
    w = world("51-secret-key-name-wrong-metric-math-alarm", ns="accounts", noise=(("statements", "python"),))
    c = w.c
    secret(c, w.ns, "mailer-smtp", ["smtp-password", "username"], created=w.ago(days=230),
           change_manager="kubectl-create")
    tpl = app_template("statement-mailer", image("statement-mailer", "1.0.0"), env=[
        env_from_secret("SMTP_USER", "mailer-smtp", "username"),
        env_from_secret("SMTP_PASSWORD", "mailer-smtp", "password")], readiness=False, liveness=False)
    created = w.ago(minutes=39)
    a = app(w, "statement-mailer", tpl, replicas=2, created=created, rolled=created)
    pods = []
    for i in range(2):
        p = pod_of(w, a.rs, {"app": Waiting("CreateContainerConfigError",
                                            "couldn't find key password in Secret accounts/mailer-smtp")},
                   created=created + timedelta(seconds=1), node=i)
        event(c, p, "Failed", "Error: couldn't find key password in Secret accounts/mailer-smtp",
              first=created + timedelta(seconds=3), last=w.ago(seconds=30 + i), count=180 - i, type="Warning",
              host=p["spec"]["nodeName"], field_path="spec.containers{app}")
        pods.append(p)
    svc(w, "statement-mailer")
    at = w.ago(minutes=21)
    dims = {"ClusterName": c.name, "Namespace": w.ns, "Service": "statement-mailer"}
    alarm = alerts.cloudwatch_math_alarm(
        name="prod-eu1 statement-mailer not running", description="Running statement-mailer pods (missing = 0)",
        expression="FILL(m1, 0)", label="running pods",
        metrics={"m1": ("ContainerInsights", "service_number_of_running_pods", dims, "Average")}, threshold=1.0,
        comparison="LessThanThreshold", period=300, datapoints=[0.0, 0.0, 0.0], changed=at)
    return Built(c, alerts.sns_lambda_event(alarm, at), expected(
        description="""statement-mailer, first deployed 39 minutes ago, has no running pod: both are stuck in
        CreateContainerConfigError, "couldn't find key password in Secret accounts/mailer-smtp". The Secret has
        existed for months with keys smtp-password and username; the new Deployment references a key name that
        never existed. The fix belongs in the Deployment (secretKeyRef key smtp-password), not the Secret other
        workloads may rely on. The alarm is a metric-math alarm (FILL of service_number_of_running_pods).""",
        source="sns", culprit={"kind": "Deployment", "namespace": w.ns, "name": "statement-mailer"},
        category="missing_config", confidence="high", facts=["mailer-smtp", "smtp-password"],
        remediation_targets=["deployment/statement-mailer"]), start="Service (metric-math alarm dimensions)")


@scenario("52-init-container-oomkilled-full-reindex")
def init_oom() -> Built:
    w = world("52-init-container-oomkilled-full-reindex", ns="catalog", noise=(("catalog-api", "java"),))
    c = w.c
    base = app_template("catalog-indexer", image("catalog-indexer", "4.0.2"))
    old = with_changes(base)
    old["spec"]["initContainers"] = [container("warm-cache", image("catalog-indexer", "4.0.2"),
                                               command=["python", "-m", "indexer.warm"], args=["--since=24h"],
                                               requests={"cpu": "200m", "memory": "128Mi"}, limits={"memory": "256Mi"})]
    new = with_changes(base)
    new["spec"]["initContainers"] = [container("warm-cache", image("catalog-indexer", "4.0.2"),
                                               command=["python", "-m", "indexer.warm"], args=["--full-reindex"],
                                               requests={"cpu": "200m", "memory": "128Mi"}, limits={"memory": "256Mi"})]
    rolled = w.ago(hours=1, minutes=7)
    a = app(w, "catalog-indexer", new, replicas=2, history=[(old, w.ago(days=50))], rolled=rolled, new_rs_replicas=1,
            rolling=True)
    a.old[0]["spec"]["replicas"] = 2
    run_pods(w, a.old[0], 2, since=w.ago(days=50), stack="python")
    svc(w, "catalog-indexer")
    start = w.ago(minutes=3, seconds=30)
    p = pod_of(w, a.rs, {"app": Waiting("PodInitializing")}, created=rolled + timedelta(seconds=1), node=2,
               init_states={"warm-cache": CrashLoop(Terminated(137, "OOMKilled", start, start + timedelta(seconds=34)),
                                                    12)})
    for prev in (False, True):
        log = Log(at=start - (timedelta(minutes=5) if prev else timedelta()))
        log.py("INFO", "indexer.warm", "full reindex requested: loading all 2,914,557 products into memory", ms=600)
        for n in range(1, 6):
            log.py("INFO", "indexer.warm", f"loaded {n * 250000} products", ms=5800)
        c.log(w.ns, p["metadata"]["name"], "warm-cache", log.text(), previous=prev)
    backoff_event(w, p, "warm-cache", first=w.ago(minutes=59), count=71)
    return Built(c, am_pod_not_ready(w, p, w.ago(minutes=50)), expected(
        description="""The new catalog-indexer pod never leaves Init: its init container warm-cache is OOMKilled
        (exit 137) about every five minutes (Init:CrashLoopBackOff, 12 restarts). Revision 2 (67 minutes ago) changed
        the init args from --since=24h to --full-reindex, which loads ~2.9 million products into memory while the
        init container's limit is still 256Mi; its log stops mid-load. Fix the Deployment: give warm-cache memory
        for a full reindex, or run the reindex as a Job.""",
        source="alertmanager", culprit={"kind": "Deployment", "namespace": w.ns, "name": "catalog-indexer"},
        category="oom", confidence="high", facts=["warm-cache", "OOMKilled", "--full-reindex"],
        remediation_targets=["deployment/catalog-indexer"]), start="Pod (KubePodNotReady)")


@scenario("53-docker-hub-pull-rate-limit-on-new-node")
def pull_rate_limit() -> Built:
    w = world("53-docker-hub-pull-rate-limit-on-new-node", ns="public", noise=(("landing", "node"),))
    c = w.c
    fresh = node_name(c, 8, subnet=2)
    extra_node(w, fresh, created=w.ago(minutes=22), zone="eu-west-1b")
    img = "grafana/grafana:11.2.0"
    tpl = app_template("status-page", img, port=3000, readiness=probe_http("/api/health", "http"),
                       liveness=probe_http("/api/health", "http", initial=30))
    a = app(w, "status-page", tpl, replicas=3, history=[(with_changes(tpl, image="grafana/grafana:11.1.4"),
                                                         w.ago(days=70))], rolled=w.ago(days=12))
    run_pods(w, a.rs, 2, since=w.ago(days=12), stack="go", log=False)
    svc(w, "status-page")
    created = w.ago(minutes=19)
    p = pod_of(w, a.rs, {"app": Waiting("ImagePullBackOff", f'Back-off pulling image "{img}"')}, created=created,
               node=fresh)
    err = (f'Failed to pull image "{img}": failed to pull and unpack image "docker.io/{img}": failed to copy: '
           "httpReadSeeker: failed open: unexpected status from GET request to https://registry-1.docker.io/v2/grafana/"
           "grafana/manifests/sha256:2bc1d3a6d06d6e2f3c5d4b6f2c8a1e0b9a7f6e5d4c3b2a1f0e9d8c7b6a5f4e3d: 429 Too Many "
           "Requests\ntoomanyrequests: You have reached your unauthenticated pull rate limit. "
           "https://www.docker.com/increase-rate-limit")
    for reason, msg, typ, count in (("Pulling", f'Pulling image "{img}"', "Normal", 7), ("Failed", err, "Warning", 7),
                                    ("Failed", "Error: ErrImagePull", "Warning", 7),
                                    ("BackOff", f'Back-off pulling image "{img}"', "Normal", 76),
                                    ("Failed", "Error: ImagePullBackOff", "Warning", 76)):
        event(c, p, reason, msg, first=created + timedelta(seconds=2), last=w.ago(seconds=12 + count % 9), count=count,
              type=typ, host=fresh, field_path="spec.containers{app}")
    event(c, a.rs, "SuccessfulCreate", f"Created pod: {p['metadata']['name']}", first=created,
          component="replicaset-controller")
    return Built(c, am_pod_not_ready(w, p, w.ago(minutes=3)), expected(
        description=f"""One status-page pod, created 19 minutes ago on node {fresh} (added 22 minutes ago), cannot
        pull grafana/grafana:11.2.0: Docker Hub answers 429 Too Many Requests, "unauthenticated pull rate limit". The
        two older pods run on nodes that have the image cached; a fresh node must pull anonymously from Docker Hub,
        and the cluster's NAT IP is over the limit. The trigger is outside the cluster (registry-1.docker.io) but the
        fix belongs in the Deployment: pull from an ECR mirror (or add Docker Hub credentials via imagePullSecrets)
        so new nodes stop pulling anonymously.""",
        source="alertmanager", culprit={"kind": "Deployment", "namespace": w.ns, "name": "status-page"},
        category="image_pull", confidence="high", facts=["429 Too Many Requests", "registry-1.docker.io"],
        remediation_targets=["deployment/status-page"]), start="Pod (KubePodNotReady)")



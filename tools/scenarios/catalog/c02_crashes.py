"""Containers that die: OOM, liveness kills, eviction, crashes after a rollout, exit 127, permissions."""

from __future__ import annotations

from datetime import timedelta

from tools.scenarios import alerts, ids
from tools.scenarios.catalog import Built, expected, scenario
from tools.scenarios.catalog.kit import (
    am_crashlooping,
    app,
    app_template,
    backoff_event,
    extra_node,
    image,
    pod_of,
    run_pods,
    started_events,
    svc,
    world,
)
from tools.scenarios.containers import env_value, probe_http, with_changes
from tools.scenarios.events import event
from tools.scenarios.infra import node_name, pod_metrics
from tools.scenarios.logs import Log, python_traceback, spring_banner
from tools.scenarios.pods import CrashLoop, Done, Running, Terminated, Waiting


@scenario("02-oom-jvm-heap-above-limit")
def oom_jvm_heap() -> Built:
    w = world("02-oom-jvm-heap-above-limit")
    c = w.c
    env = [env_value("JAVA_TOOL_OPTIONS", "-Xms1g -Xmx1536m -XX:+UseG1GC -Xlog:gc:stdout"),
           env_value("SPRING_PROFILES_ACTIVE", "production")]
    old = app_template("invoice-service", image("invoice-service", "3.8.1"), env=env,
                       requests={"cpu": "500m", "memory": "2Gi"}, limits={"memory": "2Gi"})
    new = app_template("invoice-service", image("invoice-service", "3.8.1"), env=env,
                       requests={"cpu": "500m", "memory": "1Gi"}, limits={"memory": "1Gi"})
    rolled = w.ago(hours=1, minutes=48)
    a = app(w, "invoice-service", new, replicas=2, history=[(old, w.ago(days=41))], rolled=rolled,
            change_manager="kubectl-edit")
    svc(w, "invoice-service")
    pods = []
    for i in range(2):
        created = rolled + timedelta(seconds=3 + 40 * i)
        start = w.ago(minutes=3 + i * 2, seconds=40)
        last = Terminated(137, "OOMKilled", start, start + timedelta(seconds=47))
        p = pod_of(w, a.rs, {"app": CrashLoop(last=last, restarts=11 - i)}, created=created, node=i)
        pods.append(p)
        for prev in (False, True):
            at = start - timedelta(minutes=5, seconds=48) if prev else start
            log = spring_banner(Log(at=at), "invoice-service", "3.8.1")
            log.java("INFO", "c.a.invoice.cache.PriceCacheWarmer", "Warming price cache from invoice_lines "
                     "(1,284,112 rows, batch size 50000)", ms=2100, app="invoice-service")
            heap = 310
            for n in range(9):
                heap += 96 + n * 4
                log.raw(f"[{(log.step(3100).at - at).total_seconds():.3f}s][info][gc] GC({n + 7}) Pause Young "
                        f"(Normal) (G1 Evacuation Pause) {heap + 120}M->{heap}M(1536M) {ids.number(12, 60, n)}.{n}12ms")
                log.java("INFO", "c.a.invoice.cache.PriceCacheWarmer", f"Loaded {(n + 1) * 50000} of 1284112 rows",
                         ms=400, app="invoice-service")
            c.log(w.ns, p["metadata"]["name"], "app", log.text(), previous=prev)
        backoff_event(w, p, first=w.ago(minutes=59), count=64 - i * 5)
        pod_metrics(c, p, {"app": ("0", "0")})
    c.remove("PodMetrics", pods[0]["metadata"]["name"], w.ns)
    c.remove("PodMetrics", pods[1]["metadata"]["name"], w.ns)
    for p in pods:
        event(c, p, "Pulled", f'Container image "{image("invoice-service", "3.8.1")}" already present on machine',
              first=w.ago(minutes=58), last=w.ago(minutes=3, seconds=41), count=7, host=p["spec"]["nodeName"],
              field_path="spec.containers{app}")
    return Built(c, am_crashlooping(w, pods[0], "app", w.ago(minutes=1, seconds=5)), expected(
        description="""invoice-service crash-loops on both pods with lastState OOMKilled (exit 137). The
        revision rolled out 1h48m earlier lowered the memory limit from 2Gi to 1Gi while JAVA_TOOL_OPTIONS still
        sets -Xmx1536m: the JVM is allowed a heap larger than the container, the price-cache warm-up grows the
        heap past 1Gi and the kernel OOM-kills the container (the GC log stops mid-warm-up, no Java
        OutOfMemoryError). Fix in the Deployment: restore a 2Gi limit or size -Xmx (or MaxRAMPercentage) below
        the limit.""",
        source="alertmanager", culprit={"kind": "Deployment", "namespace": w.ns, "name": "invoice-service"},
        category="oom", confidence="high", facts=["OOMKilled", "-Xmx1536m", "1Gi"],
        remediation_targets=["deployment/invoice-service"]), start="Pod (CrashLoopBackOff)")


@scenario("03-liveness-timeout-kills-busy-pods")
def liveness_kill() -> Built:
    w = world("03-liveness-timeout-kills-busy-pods", noise=(("checkout-web", "node"), ("recommendations", "go")))
    c = w.c
    tpl = app_template("search-api", image("search-api", "2.2.0"), command=["sh", "-c"],
                       args=["python -m search_api.server --workers 4"],
                       liveness=probe_http("/healthz", "http", initial=5, period=5, timeout=1, failure=3),
                       requests={"cpu": "500m", "memory": "512Mi"}, limits={"memory": "1Gi"})
    a = app(w, "search-api", tpl, replicas=3, history=[(with_changes(tpl, image=image("search-api", "2.1.4")),
                                                         w.ago(days=80))], rolled=w.ago(days=6))
    svc(w, "search-api")
    pods = []
    for i in range(3):
        created = w.ago(days=6, seconds=-20 * i)
        restarts = [7, 5, 6][i]
        last_fin = w.ago(minutes=4 + 3 * i, seconds=12)
        last = Terminated(137, "Error", last_fin - timedelta(minutes=9, seconds=31), last_fin)
        p = pod_of(w, a.rs, {"app": Running(since=last_fin + timedelta(seconds=1), restarts=restarts, last=last,
                                            ready=i != 1)}, created=created, node=i)
        pods.append(p)
        ip = p["status"]["podIP"]
        event(c, p, "Unhealthy", f'Liveness probe failed: Get "http://{ip}:8080/healthz": context deadline exceeded '
              "(Client.Timeout exceeded while awaiting headers)", first=w.ago(minutes=52), last=w.ago(minutes=1, seconds=7 * i),
              count=[31, 24, 27][i], type="Warning", host=p["spec"]["nodeName"], field_path="spec.containers{app}")
        event(c, p, "Killing", "Container app failed liveness probe, will be restarted", first=w.ago(minutes=50),
              last=last_fin - timedelta(seconds=30), count=restarts - 2, host=p["spec"]["nodeName"],
              field_path="spec.containers{app}")
        log = Log(at=w.ago(minutes=3))
        for n in range(10):
            log.py("INFO", "search_api.access", f'"GET /v1/search?q=... HTTP/1.1" 200 {ids.number(800, 4200, i, n)}ms',
                   ms=ids.number(500, 4000, i, n))
        log.py("WARNING", "search_api.health", "healthz: opensearch ping took 2.8s (budget 0.5s)", ms=300)
        c.log(w.ns, p["metadata"]["name"], "app", log.text())
        prev = Log(at=last.started)
        prev.py("INFO", "search_api.server", "booting 4 workers on 0.0.0.0:8080", ms=900)
        for n in range(8):
            prev.py("INFO", "search_api.access", f'"GET /v1/search?q=... HTTP/1.1" 200 {ids.number(1800, 5200, i, n)}ms',
                    ms=60_000)
        prev.py("WARNING", "search_api.health", "healthz: opensearch ping took 3.1s (budget 0.5s)", ms=1200)
        c.log(w.ns, p["metadata"]["name"], "app", prev.text(), previous=True)
        pod_metrics(c, p, {"app": (f"{480 + 9 * i}m", f"{ids.number(300, 380, i)}Mi")})
    alert = alerts.datadog_default(
        monitor_id=48211093, event_type="query_alert_monitor", at=w.ago(minutes=2),
        title="[Triggered on {kube_deployment:search-api,kube_namespace:production}] search-api containers "
              "restarting",
        body="%%%\n@slack-sre-alerts @webhook-firstresponder\n\nContainers of **search-api** restarted more than "
             "5 times in the last hour.\n\n**kubernetes.containers.restarts** over "
             "kube_cluster_name:prod-eu1,kube_deployment:search-api,kube_namespace:production was > 5.0 on average "
             "during the last 1h.\n\nThe monitor was last triggered at "
             f"{w.ago(minutes=2):%a %b %d %Y %H:%M:%S} UTC.\n\n- - -\n\n[[Monitor Status]"
             "(https://app.datadoghq.eu/monitors#48211093?group=kube_deployment%3Asearch-api%2Ckube_namespace%3Aproduction)]"
             " · [[Edit Monitor](https://app.datadoghq.eu/monitors#48211093/edit)]\n%%%")
    return Built(c, alert, expected(
        description="""search-api pods restart every ~10 minutes with exit 137 but reason Error, not OOMKilled:
        memory sits at a third of the 1Gi limit. The kubelet kills them: Unhealthy events show the liveness probe
        (timeout 1s, period 5s, failureThreshold 3) timing out on /healthz, which pings OpenSearch synchronously and
        takes ~3s under load, followed by "failed liveness probe, will be restarted" Killing events; the shell
        wrapper (sh -c) ignores SIGTERM so the kill ends in SIGKILL after the grace period. Fix the Deployment's
        liveness probe (cheap local check, larger timeout) rather than memory.""",
        source="datadog", culprit={"kind": "Deployment", "namespace": w.ns, "name": "search-api"},
        category="liveness_kill", confidence="high", facts=["137", "Liveness probe failed", "/healthz"],
        remediation_targets=["deployment/search-api"]), start="Deployment (Datadog tags)")


@scenario("04-eviction-node-memory-pressure")
def eviction() -> Built:
    w = world("04-eviction-node-memory-pressure", noise=(("checkout-web", "node"),))
    c = w.c
    hot = node_name(c, 5, subnet=2)
    since = w.ago(minutes=14, seconds=20)
    extra_node(w, hot, created=w.ago(days=9), zone="eu-west-1b", memory_pressure_since=since)
    tpl = app_template("report-builder", image("report-builder", "1.9.3"), requests={"cpu": "250m", "memory": "512Mi"},
                       limits={"cpu": "1"}, readiness=False, liveness=False)
    tpl["spec"]["containers"][0]["resources"] = {"limits": {"cpu": "1"}, "requests": {"cpu": "250m", "memory": "512Mi"}}
    a = app(w, "report-builder", tpl, replicas=1,
            history=[(with_changes(tpl, image=image("report-builder", "1.9.1")), w.ago(days=33))], rolled=w.ago(days=2))
    ev_at = w.ago(minutes=13, seconds=2)
    msg = ("The node was low on resource: memory. Threshold quantity: 100Mi, available: 83124Ki. Container "
           "app was using 5911340Ki, request is 512Mi, has larger consumption of request. ")
    evicted = pod_of(w, a.rs, {"app": Done(Terminated(137, "Error", w.ago(days=2), ev_at))},
                     created=w.ago(days=2), node=hot, evicted=msg)
    # the memory-pressure taint keeps new pods off the hot node: the replacement went to a neighbour
    replacement = pod_of(w, a.rs, {"app": Running(since=ev_at + timedelta(seconds=9))}, created=ev_at, node=0)
    pod_metrics(c, replacement, {"app": ("910m", "4922Mi")})
    c.log(w.ns, replacement["metadata"]["name"], "app", Log(at=ev_at + timedelta(seconds=9)).py(
        "INFO", "report_builder", "rendering monthly statements for 48211 accounts (in-memory)", ms=300).py(
        "INFO", "report_builder", "loaded 18211/48211 accounts", ms=400_000).text())
    # a neighbour evicted from the same node
    web = next(d for d in c.of_kind("ReplicaSet", w.ns) if d["metadata"]["name"].startswith("checkout-web")
           and d["spec"]["replicas"])
    nmsg = ("The node was low on resource: memory. Threshold quantity: 100Mi, available: 91200Ki. Container app was "
            "using 201388Ki, request is 128Mi, has larger consumption of request. ")
    victim = pod_of(w, web, {"app": Done(Terminated(137, "Error", w.ago(days=1), w.ago(minutes=12)))},
                    created=w.ago(days=1), node=hot, evicted=nmsg)
    hot_obj = c.find("Node", hot)
    event(c, hot_obj, "EvictionThresholdMet", "Attempting to reclaim memory", first=since, last=w.ago(minutes=9),
          count=3, type="Warning", host=hot)
    event(c, hot_obj, "NodeHasInsufficientMemory", f"Node {hot} status is now: NodeHasInsufficientMemory",
          first=since, host=hot)
    for p, m in ((evicted, msg), (victim, nmsg)):
        event(c, p, "Evicted", m, first=w.ago(minutes=13 if p is evicted else 12), type="Warning", host=hot)
        event(c, p, "Killing", "Stopping container app", first=w.ago(minutes=13 if p is evicted else 12), host=hot)
    alert = alerts.eventbridge_alarm(
        name="prod-eu1-node-memory-high", description="Node memory utilization above 90% (Container Insights)",
        metric="node_memory_utilization", namespace="ContainerInsights",
        dimensions={"ClusterName": w.c.name, "InstanceId": hot_obj["spec"]["providerID"].rsplit("/", 1)[1],
                    "NodeName": hot}, threshold=90.0, statistic="Maximum", period=60,
        datapoints=[97.4, 96.8], changed=w.ago(minutes=11))
    return Built(c, alert, expected(
        description=f"""Node {hot} reports MemoryPressure and the kubelet evicted pods (EvictionThresholdMet,
        Evicted events). The eviction messages name report-builder as using ~5.6Gi against a 512Mi request: its
        container has no memory limit, so one monthly-statements run fills the node. A checkout-web pod was evicted
        as collateral. The rescheduled report-builder pod already uses 4.8Gi on another node, which it will push
        into pressure next. Fix the report-builder Deployment (memory limit and a realistic request); the node
        itself is healthy.""",
        source="eventbridge", culprit={"kind": "Deployment", "namespace": w.ns, "name": "report-builder"},
        category="eviction", confidence="medium", facts=["MemoryPressure", "Evicted", "report-builder"],
        remediation_targets=["deployment/report-builder"]), start="Node (EventBridge NodeName)")


@scenario("08-app-crash-after-new-image")
def app_crash_new_image() -> Built:
    w = world("08-app-crash-after-new-image", noise=(("checkout-web", "node"), ("cart-api", "go")))
    c = w.c
    old = app_template("catalog-api", image("catalog-api", "4.1.3"), env=[env_value("NODE_ENV", "production")])
    new = with_changes(old, image=image("catalog-api", "4.2.0"))
    rolled = w.ago(minutes=34)
    a = app(w, "catalog-api", new, replicas=4, history=[(old, w.ago(days=19))], rolled=rolled, new_rs_replicas=1,
            rolling=True)
    a.old[0]["spec"]["replicas"] = 3
    run_pods(w, a.old[0], 3, since=w.ago(days=19), stack="node")
    svc(w, "catalog-api")
    created = rolled + timedelta(seconds=1)
    start = w.ago(minutes=2, seconds=5)
    p = pod_of(w, a.rs, {"app": CrashLoop(Terminated(1, "Error", start, start + timedelta(milliseconds=900)), 10)},
               created=created, node=1)
    for prev, at in ((False, start), (True, start - timedelta(minutes=5, seconds=1))):
        log = Log(at=at)
        log.node(30, "loading configuration", ms=110, env="production", host=p["metadata"]["name"])
        log.raw("node:internal/modules/cjs/loader:1228\n  throw err;\n  ^\n\nError: Cannot find module "
                "'./routes/v2/pricing'\nRequire stack:\n- /app/dist/server.js\n    at Module._resolveFilename "
                "(node:internal/modules/cjs/loader:1225:15)\n    at Module._load (node:internal/modules/cjs/loader:"
                "1051:27)\n    at Module.require (node:internal/modules/cjs/loader:1311:19)\n    at require "
                "(node:internal/modules/helpers:179:18)\n    at Object.<anonymous> (/app/dist/server.js:14:23)\n"
                "    at Module._compile (node:internal/modules/cjs/loader:1469:14) {\n  code: 'MODULE_NOT_FOUND',\n"
                "  requireStack: [ '/app/dist/server.js' ]\n}\n\nNode.js v20.17.0")
        c.log(w.ns, p["metadata"]["name"], "app", log.text(), previous=prev)
    event(c, a.dep, "ScalingReplicaSet", f"Scaled up replica set {a.rs['metadata']['name']} from 0 to 1",
          first=rolled, component="deployment-controller")
    started_events(w, p, restarts=10, last=start)
    backoff_event(w, p, first=rolled + timedelta(seconds=20), count=151)
    return Built(c, am_crashlooping(w, p, "app", w.ago(minutes=16)), expected(
        description="""The new catalog-api pod (revision 2, image 4.2.0, rolled out 34 minutes ago) crash-loops
        with exit 1: Node.js cannot find module './routes/v2/pricing' — a packaging bug in the new image. The three
        pods of the previous revision (4.1.3) still serve traffic because the rolling update stopped after the first
        new pod never became ready. Roll the Deployment back (kubectl rollout undo) and fix the build.""",
        source="alertmanager", culprit={"kind": "Deployment", "namespace": w.ns, "name": "catalog-api"},
        category="app_crash", confidence="high", facts=["4.2.0", "Cannot find module", "4.1.3"],
        remediation_targets=["deployment/catalog-api"]), start="Pod (CrashLoopBackOff)")


@scenario("09-exit-127-command-not-found")
def exit_127() -> Built:
    w = world("09-exit-127-command-not-found")
    c = w.c
    old = app_template("email-worker", image("email-worker", "5.0.2"), command=["celery"],
                       args=["-A", "worker", "worker", "--loglevel=info"], readiness=False, liveness=False)
    new = with_changes(old, image=image("email-worker", "5.1.0-slim"), command=["sh", "-c"],
                       args=["celery -A worker worker --loglevel=info --concurrency=4"])
    rolled = w.ago(minutes=41)
    a = app(w, "email-worker", new, replicas=2, history=[(old, w.ago(days=60))], rolled=rolled,
            stuck_since=None, change_manager="helm")
    pods = []
    for i in range(2):
        start = w.ago(minutes=1 + i, seconds=10)
        p = pod_of(w, a.rs, {"app": CrashLoop(Terminated(127, "Error", start, start), 12 - i)},
                   created=rolled + timedelta(seconds=2 + 30 * i), node=i)
        for prev in (False, True):
            c.log(w.ns, p["metadata"]["name"], "app", "sh: 1: celery: not found\n", previous=prev)
        backoff_event(w, p, first=rolled + timedelta(seconds=30), count=170 - 9 * i)
        pods.append(p)
    return Built(c, am_crashlooping(w, pods[0], "app", w.ago(minutes=24)), expected(
        description="""email-worker exits immediately with code 127 and "sh: 1: celery: not found". Revision 2
        (41 minutes ago) switched to the 5.1.0-slim image and wrapped the command in sh -c; the slim image has no
        celery on PATH. Exit 127 is the shell's command-not-found, not a crash of the worker. Fix the Deployment:
        roll back to 5.0.2 or use an image that contains celery.""",
        source="alertmanager", culprit={"kind": "Deployment", "namespace": w.ns, "name": "email-worker"},
        category="bad_command", confidence="high", facts=["127", "celery: not found", "5.1.0-slim"],
        remediation_targets=["deployment/email-worker"]), start="Pod (CrashLoopBackOff)")


@scenario("10-run-as-non-root-image-runs-as-root")
def run_as_non_root() -> Built:
    w = world("10-run-as-non-root-image-runs-as-root", ns="internal-tools")
    c = w.c
    old = app_template("report-ui", "nginx:1.27.2", port=80, readiness=probe_http("/", "http"),
                       liveness=probe_http("/", "http", initial=5))
    new = app_template("report-ui", "nginx:1.27.2", port=80, readiness=probe_http("/", "http"),
                       liveness=probe_http("/", "http", initial=5),
                       security_context={"runAsNonRoot": True, "seccompProfile": {"type": "RuntimeDefault"}})
    rolled = w.ago(minutes=47)
    a = app(w, "report-ui", new, replicas=2, history=[(old, w.ago(days=300))], rolled=rolled, new_rs_replicas=1,
            change_manager="kyverno", rolling=True)
    a.old[0]["spec"]["replicas"] = 2
    run_pods(w, a.old[0], 2, since=w.ago(days=30), stack="go", log=False)
    svc(w, "report-ui")
    p = pod_of(w, a.rs, {"app": Waiting(
        "CreateContainerConfigError", "container has runAsNonRoot and image will run as root (pod: "
        "\"{pod}\", container: app)")}, created=rolled + timedelta(seconds=1), node=2)
    st = p["status"]["containerStatuses"][0]["state"]["waiting"]
    st["message"] = st["message"].replace("{pod}", f"{p['metadata']['name']}_{w.ns}({p['metadata']['uid']})")
    event(c, p, "Failed", "Error: container has runAsNonRoot and image will run as root (pod: "
          f"\"{p['metadata']['name']}_{w.ns}({p['metadata']['uid']})\", container: app)",
          first=rolled + timedelta(seconds=3), last=w.ago(seconds=31), count=219, type="Warning",
          host=p["spec"]["nodeName"], field_path="spec.containers{app}")
    event(c, p, "Pulled", 'Container image "nginx:1.27.2" already present on machine',
          first=rolled + timedelta(seconds=3), last=w.ago(seconds=31), count=219, host=p["spec"]["nodeName"],
          field_path="spec.containers{app}")
    alert = alerts.generic(
        name="ReportUiUnavailable", title="report-ui rollout has a pod that cannot start",
        description="Pod in CreateContainerConfigError for 30m (internal platform checker)", severity="warning",
        starts=w.ago(minutes=15), cluster=w.c.name, namespace=w.ns,
        resource={"kind": "Pod", "namespace": w.ns, "name": p["metadata"]["name"]},
        labels={"team": "internal-tools", "checker": "platform-health"})
    return Built(c, alert, expected(
        description="""A report-ui pod of revision 2 is stuck in CreateContainerConfigError: "container has
        runAsNonRoot and image will run as root". The revision (47 minutes ago, written by the kyverno policy
        mutation) added runAsNonRoot to the container securityContext, but the stock nginx:1.27.2 image runs as
        root (UID 0). The old pods keep serving. Fix the Deployment: use nginxinc/nginx-unprivileged or set
        runAsUser to a non-zero UID the image supports.""",
        source="generic", culprit={"kind": "Deployment", "namespace": w.ns, "name": "report-ui"},
        category="permission", confidence="high", facts=["runAsNonRoot", "nginx:1.27.2"],
        remediation_targets=["deployment/report-ui"]), start="Pod (generic JSON)")


@scenario("11-permission-denied-after-run-as-user")
def permission_denied() -> Built:
    w = world("11-permission-denied-after-run-as-user", noise=(("checkout-web", "node"),))
    c = w.c
    mounts = [{"mountPath": "/var/lib/uploads", "name": "uploads"}]
    vols = [{"emptyDir": {}, "name": "uploads"}]
    vols = [{"hostPath": {"path": "/mnt/uploads", "type": "DirectoryOrCreate"}, "name": "uploads"}]
    old = app_template("media-api", image("media-api", "7.3.0"), mounts=mounts, volumes=vols)
    new = app_template("media-api", image("media-api", "7.3.0"), mounts=mounts, volumes=vols,
                       security_context={"runAsGroup": 10001, "runAsNonRoot": True, "runAsUser": 10001})
    rolled = w.ago(minutes=29)
    a = app(w, "media-api", new, replicas=2, history=[(old, w.ago(days=44))], rolled=rolled, new_rs_replicas=1,
            rolling=True)
    a.old[0]["spec"]["replicas"] = 2
    run_pods(w, a.old[0], 2, since=w.ago(days=44), stack="python")
    svc(w, "media-api")
    start = w.ago(minutes=3, seconds=3)
    p = pod_of(w, a.rs, {"app": CrashLoop(Terminated(1, "Error", start, start + timedelta(seconds=2)), 9)},
               created=rolled + timedelta(seconds=1), node=0)
    tb = python_traceback([
        ("/usr/local/bin/uvicorn", 8, "<module>", "sys.exit(main())"),
        ("/app/media_api/main.py", 31, "lifespan", "storage.ensure_dirs()"),
        ("/app/media_api/storage.py", 18, "ensure_dirs", "os.makedirs(UPLOAD_ROOT / \"incoming\", exist_ok=True)"),
        ("<frozen os>", 225, "makedirs", "")],
        "PermissionError: [Errno 13] Permission denied: '/var/lib/uploads/incoming'")
    for prev in (False, True):
        log = Log(at=start - (timedelta(minutes=5) if prev else timedelta()))
        log.py("INFO", "uvicorn.error", "Started server process [1]", ms=700)
        log.py("INFO", "uvicorn.error", "Waiting for application startup.", ms=2)
        log.py("ERROR", "uvicorn.error", "Traceback (most recent call last):", ms=30)
        log.raw(tb.split("\n", 1)[1])
        log.py("ERROR", "uvicorn.error", "Application startup failed. Exiting.", ms=1)
        c.log(w.ns, p["metadata"]["name"], "app", log.text(), previous=prev)
    backoff_event(w, p, first=rolled + timedelta(seconds=30), count=122)
    return Built(c, am_crashlooping(w, p, "app", w.ago(minutes=9)), expected(
        description="""The new media-api pod crashes at startup with PermissionError: [Errno 13] Permission
        denied: '/var/lib/uploads/incoming'. Revision 2 (29 minutes ago) made the pod run as UID 10001
        (runAsUser/runAsNonRoot), but the uploads hostPath directory is owned by root, so the app can no longer
        create its directories. The root-running old pods are fine. Fix the Deployment (fsGroup or an init step
        that chowns the volume, or a volume the UID can write).""",
        source="alertmanager", culprit={"kind": "Deployment", "namespace": w.ns, "name": "media-api"},
        category="permission", confidence="medium", facts=["Permission denied", "10001", "/var/lib/uploads"],
        remediation_targets=["deployment/media-api"]), start="Pod (CrashLoopBackOff)")

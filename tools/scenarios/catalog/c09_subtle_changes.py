"""Changes that hide behind other changes: an automatic restart by Reloader, two changes in one window."""

from __future__ import annotations

from datetime import timedelta

from tools.scenarios import alerts, ids
from tools.scenarios.catalog import Built, expected, scenario
from tools.scenarios.catalog.kit import (
    World,
    app,
    app_template,
    backoff_event,
    image,
    pod_of,
    run_pods,
    started_events,
    svc,
    world,
)
from tools.scenarios.cluster import Obj
from tools.scenarios.config import configmap
from tools.scenarios.containers import configmap_volume, env_from_configmap, env_value, mount, with_changes
from tools.scenarios.events import event
from tools.scenarios.logs import Log, go_panic, spring_banner
from tools.scenarios.pods import CrashLoop, Terminated

GOOD_YAML = """spring:
  datasource:
    url: jdbc:postgresql://orders-db.orders.svc.cluster.local:5432/orders
    hikari:
      maximum-pool-size: 20
orders:
  fulfilment:
    batch-size: 200
    retry-backoff: 5s
"""
BAD_YAML = GOOD_YAML.replace("    batch-size: 200\n", "    batch-size: 200\n   max-parallel: 8\n")


def _crash_alerts(w: World, pods: list[Obj], ctr: str) -> Obj:
    items = []
    for p in pods:
        labels = alerts.ksm_labels(w.c.slug, "KubePodCrashLooping", "warning", {
            "cluster": w.c.name, "container": ctr, "namespace": w.ns, "pod": p["metadata"]["name"],
            "reason": "CrashLoopBackOff", "uid": p["metadata"]["uid"]}, ksm_pod=w.base.ksm_name, ksm_ip=w.base.ksm_ip)
        items.append(alerts.am_alert(
            labels, summary="Pod is crash looping.",
            description=f'Pod {w.ns}/{p["metadata"]["name"]} ({ctr}) is in waiting state (reason: "CrashLoopBackOff") '
                        f"on cluster {w.c.name}.",
            starts=w.ago(minutes=1, seconds=ids.number(1, 50, p["metadata"]["name"])),
            expr='max_over_time(kube_pod_container_status_waiting_reason{job="kube-state-metrics",namespace=~".*",'
                 'reason="CrashLoopBackOff"}[5m]) >= 1'))
    return alerts.alertmanager_webhook(items)


@scenario("48-reloader-restart-picks-up-broken-config")
def reloader_restart() -> Built:
    w = world("48-reloader-restart-picks-up-broken-config", ns="orders", noise=(("orders-ui", "node"),))
    c = w.c
    edited = w.ago(minutes=23, seconds=40)
    configmap(c, w.ns, "fulfilment-config", {"application.yaml": BAD_YAML}, created=w.ago(days=120),
              applied_data={"application.yaml": GOOD_YAML}, edited=edited, edited_keys=["application.yaml"])
    base_tpl = app_template("fulfilment", image("fulfilment", "5.12.0"), mounts=[mount("config", "/config", read_only=True)],
                            volumes=[configmap_volume("config", "fulfilment-config")],
                            env=[env_value("SPRING_CONFIG_ADDITIONAL_LOCATION", "file:/config/")],
                            requests={"cpu": "500m", "memory": "1Gi"}, limits={"memory": "1536Mi"},
                            annotations=None)
    old_env = [env_value("SPRING_CONFIG_ADDITIONAL_LOCATION", "file:/config/"),
               env_value("STAKATER_FULFILMENT_CONFIG_CONFIGMAP", ids.hexid(40, c.slug, "old"))]
    new_env = [old_env[0], env_value("STAKATER_FULFILMENT_CONFIG_CONFIGMAP", ids.hexid(40, c.slug, "new"))]
    older = with_changes(base_tpl, image=image("fulfilment", "5.11.4"), env=old_env[:1])
    prev = with_changes(base_tpl, env=old_env)
    new = with_changes(base_tpl, env=new_env)
    restarted = edited + timedelta(seconds=6)
    a = app(w, "fulfilment", new, replicas=4, history=[(older, w.ago(days=40)), (prev, w.ago(days=6))],
            rolled=restarted, new_rs_replicas=2, rolling=True, change_manager="reloader-reloader")
    a.dep["metadata"]["annotations"]["configmap.reloader.stakater.com/reload"] = "fulfilment-config"
    a.old[1]["spec"]["replicas"] = 3
    run_pods(w, a.old[1], 3, since=w.ago(days=6), stack="java", usage=("420m", "880Mi"))
    svc(w, "fulfilment")
    pods = []
    for i in range(2):
        start = w.ago(minutes=2 + i, seconds=17)
        p = pod_of(w, a.rs, {"app": CrashLoop(Terminated(1, "Error", start, start + timedelta(seconds=6)), 8 - i)},
                   created=restarted + timedelta(seconds=1 + i), node=i + 1)
        for prev_log in (False, True):
            log = spring_banner(Log(at=start - (timedelta(minutes=5) if prev_log else timedelta())), "fulfilment", "5.12.0")
            log.java("ERROR", "o.s.boot.SpringApplication", "Application run failed", ms=310, app="fulfilment")
            log.raw("java.lang.IllegalStateException: Failed to load property source from location 'file:/config/"
                    "application.yaml'\n\tat org.springframework.boot.context.config.StandardConfigDataLoader.load("
                    "StandardConfigDataLoader.java:54)\n\tat org.springframework.boot.context.config."
                    "ConfigDataImporter.load(ConfigDataImporter.java:132)\n\tat org.springframework.boot."
                    "SpringApplication.run(SpringApplication.java:335)\n\tat com.acme.fulfilment.Application.main("
                    "Application.java:12)\nCaused by: org.yaml.snakeyaml.scanner.ScannerException: mapping values are "
                    "not allowed here\n in 'reader', line 10, column 16:\n       max-parallel: 8\n                   "
                    "^\n\n\tat org.yaml.snakeyaml.scanner.ScannerImpl.fetchValue(ScannerImpl.java:902)\n\tat "
                    "org.yaml.snakeyaml.scanner.ScannerImpl.fetchMoreTokens(ScannerImpl.java:391)\n\t... 27 common "
                    "frames omitted")
            c.log(w.ns, p["metadata"]["name"], "app", log.text(), previous=prev_log)
        started_events(w, p, restarts=8 - i, last=start)
        backoff_event(w, p, first=restarted + timedelta(seconds=30), count=88 - 6 * i)
        pods.append(p)
    event(c, a.dep, "ScalingReplicaSet", f"Scaled up replica set {a.rs['metadata']['name']} from 0 to 1",
          first=restarted, component="deployment-controller")
    event(c, a.dep, "ScalingReplicaSet", f"Scaled down replica set {a.old[1]['metadata']['name']} from 4 to 3",
          first=restarted + timedelta(seconds=1), component="deployment-controller")
    event(c, a.dep, "ScalingReplicaSet", f"Scaled up replica set {a.rs['metadata']['name']} from 1 to 2",
          first=restarted + timedelta(seconds=1), component="deployment-controller")
    return Built(c, _crash_alerts(w, pods, "app"), expected(
        description="""Two fulfilment pods crash-loop (one Alertmanager notification, two alerts): Spring Boot fails
        to load /config/application.yaml — SnakeYAML "mapping values are not allowed here", line 10 (max-parallel
        indented by three spaces). The pods belong to revision 3, created 23 minutes ago by Stakater Reloader, not by
        a person: its only template change is the STAKATER_FULFILMENT_CONFIG_CONFIGMAP hash, triggered by a kubectl
        edit of ConfigMap fulfilment-config six seconds earlier. Rolling back the Deployment would not help (the
        mounted file is the same); fix the YAML in the ConfigMap. Three revision-2 pods still serve.""",
        source="alertmanager", culprit={"kind": "ConfigMap", "namespace": w.ns, "name": "fulfilment-config"},
        category="config_change", confidence="high",
        facts=["fulfilment-config", "mapping values are not allowed here"],
        remediation_targets=["configmap/fulfilment-config"]), start="Pod x2 (grouped CrashLoopBackOff)")


@scenario("50-low-confidence-image-and-config-changed-together")
def two_changes() -> Built:
    w = world("50-low-confidence-image-and-config-changed-together", ns="search", noise=(("indexer", "python"),))
    c = w.c
    flags_new = '{"semantic_rerank": {"enabled": true, "model": "rerank-v2"}, "typo_tolerance": "auto"}'
    edited = w.ago(minutes=31)
    configmap(c, w.ns, "query-api-flags", {"FEATURE_FLAGS": flags_new}, created=w.ago(days=60),
              applied_data={"FEATURE_FLAGS": flags_new}, edited=None)
    cm = c.find("ConfigMap", "query-api-flags", w.ns)
    cm["metadata"]["managedFields"][0]["time"] = edited.strftime("%Y-%m-%dT%H:%M:%SZ")
    tpl = app_template("query-api", image("query-api", "3.7.0"),
                       env=[env_from_configmap("FEATURE_FLAGS", "query-api-flags", "FEATURE_FLAGS")])
    rolled = w.ago(minutes=24)
    a = app(w, "query-api", tpl, replicas=3, history=[(with_changes(tpl, image=image("query-api", "3.6.2")),
                                                       w.ago(days=21))], rolled=rolled, new_rs_replicas=1,
            rolling=True)
    a.old[0]["spec"]["replicas"] = 3
    run_pods(w, a.old[0], 3, since=w.ago(days=21), stack="go")
    svc(w, "query-api")
    start = w.ago(minutes=1, seconds=49)
    p = pod_of(w, a.rs, {"app": CrashLoop(Terminated(2, "Error", start, start), 9)},
               created=rolled + timedelta(seconds=1), node=1)
    panic = go_panic(1, "runtime error: invalid memory address or nil pointer dereference\n[signal SIGSEGV: "
                     "segmentation violation code=0x1 addr=0x18 pc=0x9c1f2e]", [
                         ("github.com/acme/query-api/internal/flags.(*Set).Rerank(...)",
                          "/src/internal/flags/flags.go:88"),
                         ("github.com/acme/query-api/internal/search.NewEngine(0xc0001a2000, 0x0)",
                          "/src/internal/search/engine.go:41 +0x2e"),
                         ("main.main()", "/src/cmd/query-api/main.go:57 +0x3c5")])
    for prev in (False, True):
        log = Log(at=start - (timedelta(minutes=5) if prev else timedelta()))
        log.go("info", "starting query-api", ms=60, version="3.7.0")
        log.go("info", "feature flags loaded", ms=2, count=2)
        log.raw(panic)
        c.log(w.ns, p["metadata"]["name"], "app", log.text(), previous=prev)
    backoff_event(w, p, first=rolled + timedelta(seconds=25), count=93)
    return Built(c, _crash_alerts(w, [p], "app"), expected(
        description="""The new query-api pod (3.7.0, rolled out 24 minutes ago) panics with a nil pointer
        dereference in flags.(*Set).Rerank right after loading feature flags. Two things changed in the same window:
        the image (3.6.2 -> 3.7.0) and ConfigMap query-api-flags, re-applied 7 minutes earlier with semantic_rerank
        turned from a boolean into an object (its previous value is no longer recoverable: the apply rewrote
        last-applied-configuration). The old pods run the old image with the old flags, so the evidence cannot
        separate the two. Honest answer: low confidence; roll the Deployment back first (cheap, reversible) and test
        3.7.0 against both flag shapes.""",
        source="alertmanager", culprit={"kind": "Deployment", "namespace": w.ns, "name": "query-api"},
        category="app_crash", confidence="low", facts=["query-api-flags", "nil pointer dereference", "3.7.0"],
        remediation_targets=["deployment/query-api"]), start="Pod (CrashLoopBackOff)")

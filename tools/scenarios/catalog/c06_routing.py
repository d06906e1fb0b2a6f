"""Traffic that cannot reach pods: Service ports and selectors, Ingress backends, TLS and classes."""

from __future__ import annotations

from tools.scenarios import alerts, ids
from tools.scenarios.catalog import Built, expected, scenario
from tools.scenarios.catalog.kit import (
    am,
    app,
    app_template,
    image,
    ingress_controller,
    lb_hostname,
    run_pods,
    svc,
    world,
)
from tools.scenarios.config import tls_secret
from tools.scenarios.containers import with_changes
from tools.scenarios.logs import Log
from tools.scenarios.meta import managed
from tools.scenarios.network import ingress, ingress_class


@scenario("19-service-named-target-port-renamed")
def named_port_mismatch() -> Built:
    w = world("19-service-named-target-port-renamed", ns="finance", noise=(("fx-rates", "go"), ("statements", "python")))
    c = w.c
    old = app_template("ledger-api", image("ledger-api", "10.2.0"))
    new = with_changes(old, image=image("ledger-api", "10.3.0"),
                       ports=[{"containerPort": 8080, "name": "web", "protocol": "TCP"}],
                       readinessProbe={"failureThreshold": 3, "httpGet": {"path": "/ready", "port": "web",
                                                                          "scheme": "HTTP"},
                                       "periodSeconds": 10, "successThreshold": 1, "timeoutSeconds": 1},
                       livenessProbe={"failureThreshold": 3, "httpGet": {"path": "/healthz", "port": "web",
                                                                         "scheme": "HTTP"}, "initialDelaySeconds": 10,
                                      "periodSeconds": 10, "successThreshold": 1, "timeoutSeconds": 1})
    rolled = w.ago(minutes=43)
    a = app(w, "ledger-api", new, replicas=3, history=[(old, w.ago(days=33))], rolled=rolled)
    run_pods(w, a.rs, 3, since=rolled, stack="java")
    svc(w, "ledger-api", target="http")
    alert = alerts.generic(
        name="SyntheticCheckFailed", title="ledger-api health check failing from inside the cluster",
        description="GET http://ledger-api.finance.svc.cluster.local/healthz: connect: connection refused "
                    "(12 consecutive failures)", severity="critical", starts=w.ago(minutes=38), cluster=w.c.name,
        namespace=w.ns, resource={"kind": "Service", "namespace": w.ns, "name": "ledger-api"},
        labels={"checker": "in-cluster-synthetics", "team": "finance"})
    return Built(c, alert, expected(
        description="""Calls to the ledger-api Service are refused although all three ledger-api pods are Running
        and Ready. Revision 2 (43 minutes ago, image 10.3.0) renamed the container port from http to web; the Service
        still uses targetPort: http, a named port no pod has any more, so the Endpoints have no subsets and the
        EndpointSlice lists no port. Fix the Service targetPort (web or 8080) or restore the port name.""",
        source="generic", culprit={"kind": "Service", "namespace": w.ns, "name": "ledger-api"},
        category="service_routing", confidence="high", facts=["targetPort", "web", "http"],
        remediation_targets=["service/ledger-api"]), start="Service (generic JSON)")


@scenario("20-service-selector-typo-after-edit")
def selector_typo() -> Built:
    w = world("20-service-selector-typo-after-edit", ns="web", noise=(("storefront-ui", "node"),))
    c = w.c
    ingress_controller(w)
    tpl = app_template("search-web", image("search-web", "4.4.0"))
    a = app(w, "search-web", tpl, replicas=2, history=[(with_changes(tpl, image=image("search-web", "4.3.2")),
                                                        w.ago(days=40))], rolled=w.ago(days=6))
    run_pods(w, a.rs, 2, since=w.ago(days=6), stack="node")
    edited = w.ago(minutes=39)
    s = svc(w, "search-web", {"app.kubernetes.io/name": "serach-web"},
            applied_selector={"app.kubernetes.io/name": "search-web"}, edited=edited)
    assert s
    ingress(c, w.ns, "search-web", host="search.acme-shop.example", paths=[("/", "search-web", 80)],
            created=w.ago(days=40), lb_host=lb_hostname(c))
    tags = ["kube_cluster_name:prod-eu1", "kube_namespace:web", "kube_service:search-web", "env:production"]
    alert = alerts.datadog_custom(
        monitor_id=50877120, title="[Triggered on {kube_namespace:web,kube_service:search-web}] search-web has no "
                                   "ready endpoints",
        body="%%%\n**kubernetes_state.endpoint.address_available** is 0 for kube_service:search-web.\n\n"
             "@webhook-firstresponder\n%%%", event_type="query_alert_monitor", at=w.ago(minutes=30),
        transition="Triggered", scope="kube_namespace:web,kube_service:search-web",
        query="max(last_5m):max:kubernetes_state.endpoint.address_available{kube_namespace:web} by "
              "{kube_namespace,kube_service} < 1", metric="kubernetes_state.endpoint.address_available", tags=tags)
    return Built(c, alert, expected(
        description="""The search-web Service has no endpoints and search.acme-shop.example answers 503, while
        both search-web pods are healthy. The Service selector reads app.kubernetes.io/name=serach-web — a typo
        introduced by a kubectl edit 39 minutes ago (managedFields kubectl-edit; last-applied-configuration still has
        search-web) — so it selects nothing. Fix the Service selector.""",
        source="datadog", culprit={"kind": "Service", "namespace": w.ns, "name": "search-web"},
        category="service_routing", confidence="high", facts=["serach-web", "search-web"],
        remediation_targets=["service/search-web"]), start="Service (Datadog custom payload)")


@scenario("23-ingress-backend-service-renamed")
def ingress_backend_missing() -> Built:
    w = world("23-ingress-backend-service-renamed", ns="web", noise=(("storefront-ui", "node"),))
    c = w.c
    ctrl = ingress_controller(w)
    tpl = app_template("storefront-backend", image("storefront-backend", "15.0.0"))
    created = w.ago(hours=1, minutes=3)
    a = app(w, "storefront-backend", tpl, replicas=3, created=created, rolled=created)
    run_pods(w, a.rs, 3, since=created, stack="java")
    svc(w, "storefront-backend", created=created)
    ing = ingress(c, w.ns, "storefront", host="www.acme-shop.example",
                  paths=[("/api", "storefront-api", 80), ("/", "storefront-ui", 80)], created=w.ago(days=300),
                  tls_secret="www-acme-shop-tls", lb_host=lb_hostname(c))  # noqa: S106 - a Secret name
    assert ing
    tls_secret(c, w.ns, "www-acme-shop-tls", created=w.ago(days=40))
    log = Log(at=w.ago(minutes=2))
    for i in range(6):
        ip = f"81.2.{ids.number(1, 250, i)}.{ids.number(1, 250, i, 'b')}"
        log.nginx_access(ip, "GET /api/v1/products?page=2 HTTP/2.0", 503, 190, ua="Mozilla/5.0", ms=3000)
        log.raw(f'W{log.at:%m%d %H:%M:%S}.{ids.number(100000, 999999, i)}       7 controller.go:1216] Error obtaining '
                'Endpoints for Service "web/storefront-api": no object matching key "web/storefront-api" in local store')
    c.log("ingress-nginx", ctrl["metadata"]["name"], "controller", log.text())
    labels = {"alertname": "IngressHigh5xxRate", "cluster": w.c.name, "container": "controller",
              "endpoint": "metrics", "exported_namespace": w.ns, "ingress": "storefront",
              "instance": f"{ctrl['status']['podIP']}:10254", "job": "ingress-nginx-controller-metrics",
              "namespace": "ingress-nginx", "pod": ctrl["metadata"]["name"], "prometheus": alerts.PROMETHEUS,
              "service": "ingress-nginx-controller-metrics", "severity": "critical"}
    alert = am(w, labels, "Ingress storefront is serving 5xx",
               "38.4% of requests to ingress web/storefront returned 5xx over 5 minutes.", w.ago(minutes=7),
               'sum by (exported_namespace, ingress) (rate(nginx_ingress_controller_requests{status=~"5.."}[5m])) / '
               "sum by (exported_namespace, ingress) (rate(nginx_ingress_controller_requests[5m])) > 0.05")
    return Built(c, alert, expected(
        description="""The storefront Ingress (www.acme-shop.example) returns 503 for /api: its backend Service
        storefront-api no longer exists (ingress-nginx: no object matching key "web/storefront-api"). The API was
        redeployed 63 minutes ago as storefront-backend (new Deployment and Service, healthy), but the Ingress was not
        updated. The alert's namespace label is the controller's (ingress-nginx); the Ingress is in web
        (exported_namespace). Point the Ingress path at storefront-backend.""",
        source="alertmanager", culprit={"kind": "Ingress", "namespace": w.ns, "name": "storefront"},
        category="ingress_routing", confidence="high", facts=["storefront-api", "storefront-backend"],
        remediation_targets=["ingress/storefront"]), start="Ingress (ingress-nginx metrics)")


@scenario("24-ingress-tls-secret-missing-default-cert")
def tls_missing() -> Built:
    w = world("24-ingress-tls-secret-missing-default-cert", ns="web", noise=(("storefront-ui", "node"),))
    c = w.c
    ctrl = ingress_controller(w)
    tpl = app_template("shop", image("shop", "2.19.0"))
    a = app(w, "shop", tpl, replicas=2, history=[(with_changes(tpl, image=image("shop", "2.18.4")), w.ago(days=50))],
            rolled=w.ago(days=3))
    run_pods(w, a.rs, 2, since=w.ago(days=3), stack="node")
    svc(w, "shop")
    ing = ingress(c, w.ns, "shop", host="shop.acme-shop.example", paths=[("/", "shop", 80)], created=w.ago(days=50),
                  tls_secret="shop-acme-shop-tls", lb_host=lb_hostname(c),  # noqa: S106 - a Secret name
                  annotations={"cert-manager.io/cluster-issuer": "letsencrypt-prod"})
    ing["metadata"]["managedFields"].append(managed("kubectl-edit", w.ago(hours=2, minutes=5), {"f:spec": {"f:tls": {}}},
                                                    api_version="networking.k8s.io/v1"))
    tls_secret(c, w.ns, "shop-acme-shop-tls-old", created=w.ago(days=50))
    log = Log(at=w.ago(minutes=3))
    for i in range(3):
        log.raw(f'W{log.step(50_000).at:%m%d %H:%M:%S}.{ids.number(100000, 999999, i)}       7 backend_ssl.go:47] '
                'Error obtaining X.509 certificate: no object matching key "web/shop-acme-shop-tls" in local store')
        log.raw(f'W{log.at:%m%d %H:%M:%S}.{ids.number(100000, 999999, i, 2)}       7 controller.go:1441] Error getting '
                'SSL certificate "web/shop-acme-shop-tls": local SSL certificate web/shop-acme-shop-tls was not found. '
                "Using default certificate")
    c.log("ingress-nginx", ctrl["metadata"]["name"], "controller", log.text())
    alarm = alerts.cloudwatch_alarm(
        name="shop-homepage-canary", description="Synthetics canary https://shop.acme-shop.example/ (Ingress web/shop "
        "on prod-eu1) success below 90%", metric="SuccessPercent", namespace="CloudWatchSynthetics",
        dimensions={"CanaryName": "shop-homepage"}, threshold=90.0, comparison="LessThanThreshold",
        statistic="Average", period=300, evaluation_periods=2, datapoints=[0.0, 0.0], changed=w.ago(minutes=9),
        unit="Percent")
    return Built(c, alerts.sns_lambda_event(alarm, w.ago(minutes=9)), expected(
        description="""The Synthetics canary for https://shop.acme-shop.example fails on TLS: ingress-nginx serves
        its default (self-signed) certificate because the Ingress shop references secret shop-acme-shop-tls, which
        does not exist (controller: "local SSL certificate web/shop-acme-shop-tls was not found. Using default
        certificate"). The tls section was edited two hours ago to the new secret name; only shop-acme-shop-tls-old
        exists and cert-manager has not issued the new one. The app pods are healthy. Create/issue the secret (or
        point the Ingress back at the existing one).""",
        source="sns", culprit={"kind": "Secret", "namespace": w.ns, "name": "shop-acme-shop-tls", "missing": True},
        category="ingress_routing", confidence="medium", facts=["shop-acme-shop-tls", "default certificate"],
        remediation_targets=["secret/shop-acme-shop-tls", "ingress/shop"]), start="none (Synthetics canary alarm)")


@scenario("25-ingress-class-does-not-exist")
def ingress_class_missing() -> Built:
    w = world("25-ingress-class-does-not-exist", ns="partners", noise=(("partner-portal", "node"),))
    c = w.c
    ingress_controller(w)
    ingress_class(c, "alb", created=w.ago(days=100), controller="ingress.k8s.aws/alb")
    tpl = app_template("partner-api", image("partner-api", "1.0.0"))
    created = w.ago(hours=2, minutes=40)
    a = app(w, "partner-api", tpl, replicas=2, created=created, rolled=created)
    run_pods(w, a.rs, 2, since=created, stack="go")
    svc(w, "partner-api", created=created)
    ingress(c, w.ns, "partner-api", host="partners-api.acme-shop.example", paths=[("/", "partner-api", 80)],
            created=created, class_name="nginx-public", lb_host=None)
    alert = alerts.generic(
        name="IngressWithoutAddress", title="Ingress partners/partner-api has no load balancer address after 2h",
        description="DNS record partners-api.acme-shop.example cannot be created: the Ingress status has no address",
        severity="warning", starts=w.ago(minutes=20), cluster=w.c.name, namespace=w.ns,
        resource={"kind": "Ingress", "namespace": w.ns, "name": "partner-api"}, labels={"source": "external-dns-audit"})
    return Built(c, alert, expected(
        description="""The new partner-api Ingress (created 2h40m ago) never got an address, so external-dns never
        published partners-api.acme-shop.example. Its ingressClassName is nginx-public, but the cluster only has the
        IngressClasses nginx and alb: no controller claims the Ingress. The app and Service are fine. Set
        ingressClassName to nginx (or install the intended public controller).""",
        source="generic", culprit={"kind": "Ingress", "namespace": w.ns, "name": "partner-api"},
        category="ingress_routing", confidence="high", facts=["nginx-public", "IngressClass"],
        remediation_targets=["ingress/partner-api"]), start="Ingress (generic JSON)")



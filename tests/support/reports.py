"""Realistic sample ``Report`` objects for renderer, schema and publishing tests.

One builder per situation the product must present well: a config change, an OOM, a
low-confidence guess, an outside dependency, and a failed/partial investigation with gaps.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from firstresponder.models import (
    AffectedResource,
    Alert,
    AlertSource,
    Category,
    Change,
    Confidence,
    ConfidenceLevel,
    Evidence,
    Gap,
    Hypothesis,
    Remediation,
    Report,
    ReportEdge,
    ReportStats,
    ResourceRef,
    RootCause,
)
from firstresponder.models.evidence import (
    ChangeKind,
    ConfigFacts,
    ContainerStatusFacts,
    DependencyFacts,
    EventFacts,
    LogFacts,
    LogLine,
    TerminationFacts,
    UsageFacts,
)
from firstresponder.models.report import ModelUsage

ALERT_START = datetime(2026, 11, 27, 3, 12, tzinfo=UTC)
NS = "production"


def _ref(kind: str, name: str, namespace: str | None = NS) -> ResourceRef:
    return ResourceRef(kind=kind, name=name, namespace=namespace)


def _alert(name: str, title: str, resource: ResourceRef, *, container: str = "api") -> Alert:
    return Alert(
        source=AlertSource.ALERTMANAGER, name=name, title=title, severity="critical",
        cluster="prod-eu-1", namespace=resource.namespace, resource=resource, container=container,
        starts_at=ALERT_START, fingerprint=f"fp-{name.lower()}-{resource.name}",
        labels={"alertname": name, "namespace": NS, "pod": resource.name},
        annotations={"summary": title},
    )


def _pod_chain(workload: str, pod: str) -> tuple[list[AffectedResource], list[ReportEdge]]:
    """Deployment -> ReplicaSet -> Pod, the usual spine of an incident picture."""
    rs = f"{pod.rsplit('-', 1)[0]}"
    affected = [
        AffectedResource(kind="Pod", namespace=NS, name=pod, relation="alerting resource", failing=True),
        AffectedResource(kind="ReplicaSet", namespace=NS, name=rs, relation="owner of the pod"),
        AffectedResource(kind="Deployment", namespace=NS, name=workload, relation="owner of the replicaset"),
        AffectedResource(kind="Node", name="ip-10-0-3-17.eu-west-1.compute.internal",
                         relation="node running the pod"),
    ]
    edges = [
        ReportEdge(source=_ref("Deployment", workload).key, target=_ref("ReplicaSet", rs).key, relation="owns"),
        ReportEdge(source=_ref("ReplicaSet", rs).key, target=_ref("Pod", pod).key, relation="owns"),
        ReportEdge(source=_ref("Pod", pod).key,
                   target="Node/ip-10-0-3-17.eu-west-1.compute.internal", relation="scheduled_on"),
    ]
    return affected, edges


def _stats(*, model: bool) -> ReportStats:
    usage = [ModelUsage(stage="diagnose", model="claude-sonnet-4-5", input_tokens=11800, output_tokens=640,
                        cost_usd=0.0450, duration_ms=5200)] if model else []
    return ReportStats(duration_ms=8400, api_requests=37, api_bytes=412_000, api_errors={},
                       resources_examined=14, collectors_run=9, model_usage=usage)


def config_change_report() -> Report:
    """A ConfigMap edit 6h 2m before the alert pointed DB_HOST at a host that does not resolve."""
    pod = "checkout-6f7c9d8b5-x2k4q"
    affected, edges = _pod_chain("checkout", pod)
    cm = _ref("ConfigMap", "checkout-config")
    affected.append(AffectedResource(kind="ConfigMap", namespace=NS, name="checkout-config",
                                     relation="configures the pod (env DB_HOST)"))
    affected.append(AffectedResource(kind="Service", namespace=NS, name="checkout",
                                     relation="selects the pod"))
    edges += [
        ReportEdge(source=_ref("Pod", pod).key, target=cm.key, relation="configures",
                   detail="env DB_HOST (key DB_HOST)"),
        ReportEdge(source=_ref("Service", "checkout").key, target=_ref("Pod", pod).key, relation="selects"),
    ]
    changed_at = ALERT_START - timedelta(hours=6, minutes=2)
    crashed_at = ALERT_START - timedelta(minutes=14)
    evidence = [
        Evidence(
            id="ev-config-checkout-config", resource=cm,
            summary="DB_HOST changed from postgres.production.svc to postgres-primary.prod.svc",
            excerpt="DB_HOST: postgres-primary.prod.svc   (was postgres.production.svc)",
            at=changed_at,
            facts=ConfigFacts(kind="ConfigMap", name="checkout-config", keys=["DB_HOST", "DB_PORT"],
                              referenced_keys=["DB_HOST", "DB_PORT"],
                              values={"DB_HOST": "postgres-primary.prod.svc", "DB_PORT": "5432"},
                              previous_values={"DB_HOST": "postgres.production.svc"},
                              last_changed_at=changed_at, last_changed_by="kubectl-edit",
                              consumers=[f"Pod/{NS}/{pod} container api env DB_HOST"]),
        ),
        Evidence(
            id="ev-logs-checkout-api-previous", resource=_ref("Pod", pod),
            summary="the previous container exited after failing to resolve the database host",
            excerpt=("2026-11-27T02:58:01Z ERROR db: dial tcp: lookup postgres-primary.prod.svc: no such host\n"
                     "2026-11-27T02:58:01Z FATAL could not connect to database, exiting"),
            at=crashed_at,
            facts=LogFacts(pod=pod, container="api", previous=True, line_count=212,
                           first_error=LogLine(number=198, text="lookup postgres-primary.prod.svc: no such host"),
                           key_lines=[LogLine(number=199, text="FATAL could not connect to database, exiting")],
                           signatures=["dns_failure"], hosts=["postgres-primary.prod.svc"]),
        ),
        Evidence(
            id="ev-container-checkout-api", resource=_ref("Pod", pod),
            summary="container api in CrashLoopBackOff, 9 restarts, last exit code 1",
            excerpt="state: waiting (CrashLoopBackOff)\nlastState.terminated: exitCode=1 reason=Error",
            at=crashed_at,
            facts=ContainerStatusFacts(
                pod=pod, container="api", image="registry.example.com/checkout:4.12.0", restart_count=9,
                state="waiting", waiting_reason="CrashLoopBackOff",
                last_terminated=TerminationFacts(exit_code=1, reason="Error", finished_at=crashed_at,
                                                 meaning="application error (1)"),
                requests={"cpu": "250m", "memory": "256Mi"}, limits={"memory": "512Mi"}),
        ),
    ]
    changes = [
        Change(at=changed_at, resource=cm, kind=ChangeKind.CONFIG_UPDATE,
               summary="DB_HOST changed (postgres.production.svc -> postgres-primary.prod.svc)",
               actor="kubectl-edit", evidence_id="ev-config-checkout-config",
               seconds_before_alert=6 * 3600 + 120),
        Change(at=ALERT_START - timedelta(minutes=20), resource=_ref("Pod", pod), kind=ChangeKind.EVENT,
               summary="Back-off restarting failed container api", actor="kubelet",
               seconds_before_alert=1200),
    ]
    root = RootCause(
        summary="ConfigMap checkout-config points DB_HOST at postgres-primary.prod.svc, which does not resolve",
        detail="The edit 6h 2m before the alert changed DB_HOST; the new pods fail DNS lookup and exit.",
        category=Category.CONFIG_CHANGE, resource=cm,
        confidence=Confidence(level=ConfidenceLevel.HIGH, score=0.91, reasons=[
            "the changed key is the host the failing log line names",
            "the change precedes the first failure"]),
        evidence_ids=["ev-config-checkout-config", "ev-logs-checkout-api-previous", "ev-container-checkout-api"],
        detector="config_change",
    )
    alt = Hypothesis(
        summary="the application crashes on start (bug in 4.12.0)", category=Category.APP_CRASH,
        resource=_ref("Deployment", "checkout"),
        confidence=Confidence(level=ConfidenceLevel.LOW, score=0.22, reasons=["exit code 1"]),
        evidence_ids=["ev-container-checkout-api"], detector="app_crash",
        ranked_lower_because="the image did not change; the log names a DNS failure for the edited host",
    )
    return Report(
        id="rep-2026-11-27-checkout-config", alert=_alert("KubePodCrashLooping",
                                                            "Pod production/checkout is crash looping",
                                                            _ref("Pod", pod)),
        investigated_at=ALERT_START + timedelta(seconds=40), cluster="prod-eu-1",
        affected_resources=affected, edges=edges, root_cause=root, hypotheses=[alt],
        remediation=[
            Remediation(
                description="Restore the previous DB_HOST value",
                command=("kubectl patch configmap checkout-config -n production --type merge "
                         "-p '{\"data\":{\"DB_HOST\":\"postgres.production.svc\"}}'"),
                caution="Pods read env at start: restart the deployment after patching.",
                verify="kubectl rollout status deployment/checkout -n production"),
            Remediation(description="Restart the pods so they pick up the value",
                        command="kubectl rollout restart deployment/checkout -n production"),
        ],
        evidence=evidence, changes=changes, stats=_stats(model=False),
        history=["seen 2 times in 30 days (last: 2026-11-02, marked accurate)"],
    )


def oom_report() -> Report:
    """A memory limit too small for the workload: repeated OOMKilled restarts."""
    pod = "payments-api-7d9f8c6b4-qz8wn"
    affected, edges = _pod_chain("payments-api", pod)
    affected.append(AffectedResource(kind="HorizontalPodAutoscaler", namespace=NS, name="payments-api",
                                     relation="scales the deployment"))
    edges.append(ReportEdge(source=_ref("HorizontalPodAutoscaler", "payments-api").key,
                            target=_ref("Deployment", "payments-api").key, relation="scales"))
    killed_at = ALERT_START - timedelta(minutes=3)
    first_kill = ALERT_START - timedelta(hours=1, minutes=52)
    evidence = [
        Evidence(
            id="ev-container-payments-api", resource=_ref("Pod", pod),
            summary="Pod container exited with code 137 (SIGKILL / OOMKilled)",
            excerpt="lastState.terminated: exitCode=137 reason=OOMKilled\nrestartCount: 4",
            at=killed_at,
            facts=ContainerStatusFacts(
                pod=pod, container="api", image="registry.example.com/payments-api:2.8.1",
                restart_count=4, state="running", running_since=killed_at + timedelta(seconds=10),
                last_terminated=TerminationFacts(exit_code=137, reason="OOMKilled", signal=9,
                                                 finished_at=killed_at,
                                                 meaning="SIGKILL (137): OOM, liveness kill or eviction"),
                requests={"cpu": "250m", "memory": "256Mi"}, limits={"memory": "256Mi"}),
        ),
        Evidence(
            id="ev-usage-payments-api", resource=_ref("Pod", pod),
            summary="Memory limit: 256Mi | Peak observed usage: 318Mi (last 6h)",
            excerpt="memory 318Mi / limit 256Mi", at=ALERT_START,
            facts=UsageFacts(pod=pod, container="api", memory_bytes=318 * 2**20,
                             memory_limit_bytes=256 * 2**20, cpu_millicores=180.0),
        ),
        Evidence(
            id="ev-events-payments-api", resource=_ref("Pod", pod),
            summary="4 OOMKilled restarts in past 2 hours",
            excerpt="Warning BackOff (x4): Back-off restarting failed container api",
            at=killed_at,
            facts=EventFacts(involved=_ref("Pod", pod), type="Warning", reason="BackOff",
                             message="Back-off restarting failed container api", count=4,
                             first_seen=first_kill, last_seen=killed_at),
        ),
    ]
    root = RootCause(
        summary="Memory limit exceeded: container api needs more than its 256Mi limit",
        detail="Peak usage 318Mi is 24% over the limit; the kernel kills the container (exit 137).",
        category=Category.OOM, resource=_ref("Deployment", "payments-api"),
        confidence=Confidence(level=ConfidenceLevel.HIGH, score=0.95, reasons=[
            "reason OOMKilled on the last termination", "usage above the limit"]),
        evidence_ids=["ev-container-payments-api", "ev-usage-payments-api", "ev-events-payments-api"],
        detector="oom",
    )
    return Report(
        id="rep-2026-11-27-payments-oom", alert=_alert("KubePodCrashLooping",
                                                         "payments-api restarting repeatedly",
                                                         _ref("Pod", pod)),
        investigated_at=ALERT_START + timedelta(seconds=30), cluster="prod-eu-1",
        affected_resources=affected, edges=edges, root_cause=root,
        hypotheses=[Hypothesis(
            summary="liveness probe kills the container", category=Category.LIVENESS_KILL,
            resource=_ref("Deployment", "payments-api"),
            confidence=Confidence(level=ConfidenceLevel.LOW, score=0.1),
            detector="liveness_kill", ranked_lower_because="no Unhealthy events; reason is OOMKilled")],
        remediation=[Remediation(
            description="Raise the memory limit to 512Mi",
            command=("kubectl patch deployment payments-api -n production -p "
                     "'{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"api\","
                     "\"resources\":{\"limits\":{\"memory\":\"512Mi\"}}}]}}}}'"),
            caution=("Verify current average usage before applying.\n"
                     "Consider HPA configuration if usage variance is high."),
            verify="kubectl get pods -n production -l app=payments-api -w")],
        evidence=evidence,
        changes=[Change(at=first_kill, resource=_ref("Pod", pod), kind=ChangeKind.EVENT,
                        summary="first OOMKilled restart", actor="kubelet",
                        evidence_id="ev-events-payments-api")],
        stats=_stats(model=True),
    )


def low_confidence_report() -> Report:
    """Only a weak signal: readiness failures with no clear cause; a hypothesis to verify."""
    pod = "search-5c4b7d9f6-m8p2r"
    affected, edges = _pod_chain("search", pod)
    evidence = [Evidence(
        id="ev-events-search", resource=_ref("Pod", pod),
        summary="readiness probe failed 31 times in 20 minutes (HTTP 503)",
        excerpt="Warning Unhealthy (x31): Readiness probe failed: HTTP probe failed with statuscode: 503",
        at=ALERT_START - timedelta(minutes=2),
        facts=EventFacts(involved=_ref("Pod", pod), type="Warning", reason="Unhealthy",
                         message="Readiness probe failed: HTTP probe failed with statuscode: 503", count=31,
                         first_seen=ALERT_START - timedelta(minutes=22),
                         last_seen=ALERT_START - timedelta(minutes=2)),
    )]
    root = RootCause(
        summary="readiness probe too strict for slow warm-up",
        detail="The probe fails while the index loads; no crash, OOM or config change was found.",
        category=Category.PROBE_FAILURE, resource=_ref("Deployment", "search"),
        confidence=Confidence(level=ConfidenceLevel.LOW, score=0.34,
                              reasons=["only probe failures observed", "no change in the last 24h"]),
        evidence_ids=["ev-events-search"],
        verification="kubectl logs deploy/search -n production --since=30m | grep -i 'index loaded'",
        detector="probe_failure",
    )
    return Report(
        id="rep-2026-11-27-search-probe", alert=_alert("KubeDeploymentReplicasMismatch",
                                                         "search has 1/3 ready replicas", _ref("Pod", pod)),
        investigated_at=ALERT_START + timedelta(seconds=25), cluster="prod-eu-1",
        affected_resources=affected, edges=edges, root_cause=root,
        hypotheses=[Hypothesis(
            summary="a dependency is slow", category=Category.DEPENDENCY_DOWN,
            resource=_ref("Service", "elasticsearch"),
            confidence=Confidence(level=ConfidenceLevel.LOW, score=0.2), detector="dependency",
            ranked_lower_because="elasticsearch has 3 ready endpoints")],
        remediation=[Remediation(
            description="Give the probe more time before it counts failures",
            command=("kubectl patch deployment search -n production --type json -p "
                     "'[{\"op\":\"replace\",\"path\":\"/spec/template/spec/containers/0/readinessProbe/"
                     "initialDelaySeconds\",\"value\":60}]'"),
            caution="Only if the logs confirm a slow warm-up.")],
        evidence=evidence, stats=_stats(model=True),
    )


def external_dependency_report() -> Report:
    """A host outside the cluster (payment gateway) refuses connections."""
    pod = "orders-7b8c9d6f5-t4v7x"
    affected, edges = _pod_chain("orders", pod)
    ext = ResourceRef(kind="External", name="api.payments-gateway.example.com")
    affected.append(AffectedResource(kind="External", name=ext.name, relation="dependency (env GATEWAY_URL)",
                                     failing=True))
    edges.append(ReportEdge(source=_ref("Pod", pod).key, target=ext.key, relation="depends_on",
                            detail="env GATEWAY_URL"))
    evidence = [
        Evidence(
            id="ev-logs-orders-api", resource=_ref("Pod", pod),
            summary="connection refused by api.payments-gateway.example.com:443 (57 times)",
            excerpt=("ERROR gateway: dial tcp 203.0.113.9:443: connect: connection refused\n"
                     "ERROR order 8812 failed: upstream unavailable"),
            at=ALERT_START - timedelta(minutes=1),
            facts=LogFacts(pod=pod, container="api", previous=False, line_count=500, truncated=True,
                           key_lines=[LogLine(number=431, text="connect: connection refused")],
                           signatures=["connection_refused"], hosts=["api.payments-gateway.example.com"]),
        ),
        Evidence(
            id="ev-dependency-gateway", resource=ext,
            summary="api.payments-gateway.example.com is outside the cluster (env GATEWAY_URL)",
            facts=DependencyFacts(host=ext.name, port=443, found_in="env GATEWAY_URL of container api",
                                  external=True),
        ),
    ]
    root = RootCause(
        summary="the external payment gateway refuses connections",
        detail="All recent errors are connection refusals from one host outside the cluster.",
        category=Category.EXTERNAL_DEPENDENCY, resource=ext, outside_cluster=True,
        confidence=Confidence(level=ConfidenceLevel.MEDIUM, score=0.68,
                              reasons=["one external host in every error line", "pods are otherwise healthy"]),
        evidence_ids=["ev-logs-orders-api", "ev-dependency-gateway"],
        verification="curl -sv https://api.payments-gateway.example.com/health from a pod in production",
        detector="external_dependency",
    )
    return Report(
        id="rep-2026-11-27-orders-gateway", alert=_alert("HighErrorRate", "orders 5xx rate above 5%",
                                                          _ref("Pod", pod)),
        investigated_at=ALERT_START + timedelta(seconds=35), cluster="prod-eu-1",
        affected_resources=affected, edges=edges, root_cause=root,
        remediation=[Remediation(description="Check the provider's status page; nothing to change in the cluster")],
        evidence=evidence, stats=_stats(model=True),
        changes=[Change(at=ALERT_START - timedelta(days=3), resource=_ref("Deployment", "orders"),
                        kind=ChangeKind.NEW_REVISION, summary="revision 14 (image orders:3.1.0)",
                        actor="argocd")],
    )


def failed_report() -> Report:
    """A partial investigation: reads forbidden, root cause not determined."""
    pod = "ledger-0"
    alert = _alert("KubePodNotReady", "ledger-0 not ready for 15 minutes", _ref("Pod", pod),
                   container="ledger")
    root = RootCause(
        summary="root cause not determined",
        detail="Logs and events could not be read; the pod is not ready.",
        category=Category.UNKNOWN, resource=_ref("Pod", pod),
        confidence=Confidence(level=ConfidenceLevel.LOW, score=0.05, reasons=["3 reads failed"]),
        verification="grant the missing read rules and investigate again",
    )
    gaps = [
        Gap(what=f"logs of Pod/{NS}/{pod} container ledger (previous)", reason="403 Forbidden", status=403,
            resource=_ref("Pod", pod),
            rbac_rule='apiGroups: [""], resources: ["pods/log"], verbs: ["get"]'),
        Gap(what=f"events in namespace {NS}", reason="403 Forbidden", status=403,
            rbac_rule='apiGroups: [""], resources: ["events"], verbs: ["list"]'),
        Gap(what="metrics of the pod", reason="metrics-server not installed (404)", status=404),
    ]
    return Report(
        id="rep-2026-11-27-ledger-partial", alert=alert, investigated_at=ALERT_START + timedelta(seconds=50),
        cluster="prod-eu-1",
        affected_resources=[AffectedResource(kind="Pod", namespace=NS, name=pod, relation="alerting resource",
                                             failing=True),
                            AffectedResource(kind="StatefulSet", namespace=NS, name="ledger",
                                             relation="owner of the pod")],
        edges=[ReportEdge(source=_ref("StatefulSet", "ledger").key, target=_ref("Pod", pod).key,
                          relation="owns")],
        root_cause=root, gaps=gaps,
        evidence=[Evidence(
            id="ev-container-ledger", resource=_ref("Pod", pod),
            summary="container ledger running but not ready for 15m", excerpt="ready: false",
            facts=ContainerStatusFacts(pod=pod, container="ledger", state="running", ready=False,
                                       restart_count=0))],
        stats=ReportStats(duration_ms=3100, api_requests=12, api_errors={"403": 2, "404": 1},
                          resources_examined=2, collectors_run=6),
    )


def sample_reports() -> dict[str, Report]:
    """Every sample, by situation name."""
    return {
        "config_change": config_change_report(),
        "oom": oom_report(),
        "low_confidence": low_confidence_report(),
        "external_dependency": external_dependency_report(),
        "failed": failed_report(),
    }

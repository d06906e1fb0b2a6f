from firstresponder.analysis.detectors import oom
from firstresponder.analysis.remediation.validator import validate_command
from firstresponder.models import Category

from .builders import MI_BYTES, BundleBuilder, at, container, crashed


def test_oomkilled_is_found_with_a_raised_limit() -> None:
    b = BundleBuilder()
    dep, pods = b.app()
    for p in pods:
        b.crashloop(p, term=crashed(137, "OOMKilled"))
        b.usage(p, 500 * MI_BYTES)
    b.logs(pods[0], ["java.lang.OutOfMemoryError: Java heap space"], signatures=["oom_heap"])
    bundle = b.build()

    [finding] = oom.detect(bundle, at(2))

    assert finding.category is Category.OOM
    assert finding.culprit == dep
    assert finding.direct
    assert sorted(finding.explains) == sorted(p.key for p in pods)
    fix = finding.remediations[0]
    # 512Mi limit × 1.5 = 768Mi (the 500Mi peak × 1.25 is less)
    assert fix.command is not None and '"memory":"768Mi"' in fix.command
    assert "Verify current average usage" in (fix.caution or "")
    assert "heap" in finding.detail
    assert validate_command(fix.command, bundle.topology) == []
    assert fix.verify == "kubectl rollout status deployment/payments-api -n production"


def test_observed_peak_above_the_limit_drives_the_new_value() -> None:
    assert oom.new_memory_limit(512 * MI_BYTES, 700 * MI_BYTES, None) == 896 * MI_BYTES


def test_new_limit_respects_a_lowered_limit_and_the_heap() -> None:
    assert oom.new_memory_limit(1024 * MI_BYTES, None, None, before=2048 * MI_BYTES) == 2048 * MI_BYTES
    assert oom.new_memory_limit(1024 * MI_BYTES, None, None, heap=1536 * MI_BYTES) == 2048 * MI_BYTES


def test_jvm_heap_above_the_limit_is_named() -> None:
    b = BundleBuilder()
    api = container(memory_limit="1Gi", memory_request="1Gi", env=[{"name": "JAVA_TOOL_OPTIONS", "value": "-Xmx1536m"}])
    _dep, pods = b.app(pods=1, containers=[api])
    b.crashloop(pods[0], term=crashed(137, "OOMKilled"), limits={"memory": "1Gi"}, requests={"memory": "1Gi"})
    bundle = b.build()
    [finding] = oom.detect(bundle, at(2))
    assert "-Xmx1536m" in finding.detail
    fix = finding.remediations[0]
    assert '"memory":"2Gi"' in (fix.command or "") and "-Xmx1536m" in (fix.caution or "")
    assert validate_command(fix.command or "", bundle.topology) == []


def test_exit_137_from_a_liveness_kill_is_not_oom() -> None:
    b = BundleBuilder()
    _dep, pods = b.app(pods=1)
    b.crashloop(pods[0], term=crashed(137, "Error"))
    b.event(pods[0], "Unhealthy", "Liveness probe failed: HTTP probe failed with statuscode: 500")
    b.event(pods[0], "Killing", "Container api failed liveness probe, will be restarted", type="Normal")
    assert oom.detect(b.build(), at(2)) == []


def test_exit_137_without_reason_is_not_oom() -> None:
    b = BundleBuilder()
    _dep, pods = b.app(pods=1)
    b.crashloop(pods[0], term=crashed(137, None))
    assert oom.detect(b.build(), at(2)) == []

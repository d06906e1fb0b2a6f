"""Helpers detectors share: readable log lines, heap flags, renamed keys, the validation topology."""

from firstresponder.analysis.detectors.missing_config import renamed_key
from firstresponder.analysis.facts import first_key_line, readable
from firstresponder.analysis.heap import heap_setting
from firstresponder.analysis.remediation.known import validation_topology
from firstresponder.models import ResourceRef
from firstresponder.models.evidence import ConfigFacts, Evidence, LogFacts, LogLine, WorkloadHealthFacts

from .builders import NS, BundleBuilder


def test_json_log_lines_are_reduced_to_message_and_error() -> None:
    line = '{"level":50,"msg":"recommendations call failed","err":{"type":"Error","message":"connect ECONNREFUSED"}}'
    assert readable(line) == "recommendations call failed: connect ECONNREFUSED"
    assert readable("x" * 300).startswith("…") and len(readable("x" * 300)) == 241


def test_decisive_lines_beat_retry_notices_and_info_lines() -> None:
    lines = ["2026-03-01 INFO Started server process [1]", "WARN database not reachable, retrying: failed",
             "FATAL: could not translate host name \"db-v2\" to address"]
    facts = LogFacts(pod="p", container="c", previous=True,
                     key_lines=[LogLine(number=i + 1, text=t) for i, t in enumerate(lines)])
    ev = Evidence(id="ev", resource=ResourceRef(kind="Pod", namespace=NS, name="p"), summary="s", facts=facts)
    assert first_key_line([(ev, facts)]).startswith("FATAL: could not translate")


def test_heap_flags_are_read_from_literal_env_values() -> None:
    jvm = heap_setting({"env": [{"name": "JAVA_TOOL_OPTIONS", "value": "-XX:+UseG1GC -Xmx1536m"}]})
    assert jvm is not None and jvm.flag == "-Xmx1536m" and jvm.bytes == 1536 * 2**20
    node = heap_setting({"env": [{"name": "NODE_OPTIONS", "value": "--max-old-space-size=4096"}]})
    assert node is not None and node.bytes == 4 * 2**30
    assert heap_setting({"env": [{"name": "JAVA_OPTS", "valueFrom": {"configMapKeyRef": {"name": "x"}}}]}) is None


def test_renamed_keys_prefer_the_same_meaning() -> None:
    data = {"SMTP_SERVER": "a", "SMTP_TLS": "true", "SMTP_PORT": "587"}
    assert renamed_key(data, "SMTP_HOST", ["SMTP_HOST", "SMTP_PORT"]) == "SMTP_SERVER"
    assert renamed_key({"SMTP_TLS": "x", "SMTP_AUTH": "y"}, "SMTP_HOST", []) is None


def test_validation_topology_adds_evidenced_objects_without_touching_the_bundle() -> None:
    b = BundleBuilder()
    corefile = ResourceRef(kind="ConfigMap", namespace="kube-system", name="coredns")
    b.fact(corefile, ConfigFacts(kind="ConfigMap", name="coredns", values={"Corefile": "."}))
    coredns = ResourceRef(kind="Deployment", namespace="kube-system", name="coredns")
    b.fact(coredns, WorkloadHealthFacts(resource=coredns, problem="CoreDNS 0/2 ready"))
    bundle = b.build()
    topology = validation_topology(bundle)
    assert topology.get(corefile) is not None and topology.get(coredns) is not None
    assert bundle.topology.get(corefile) is None

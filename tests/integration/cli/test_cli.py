"""The `firstresponder` command as users run it: exit codes, one-line errors, stdout only the report."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import yaml

from firstresponder.cli.demo import demo_dir
from tests.support.aws import free_port

DEMO = demo_dir()


def run(*args: str, timeout: int = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "firstresponder", *args], capture_output=True, text=True,
                          timeout=timeout, check=False)


def test_json_output_is_pipeable_and_progress_stays_off_stdout() -> None:
    result = run("investigate", "--alert", str(DEMO / "alert.json"), "--snapshot", str(DEMO), "-o", "json")
    assert result.returncode == 0
    report = json.loads(result.stdout)
    assert report["root_cause"]["resource"]["name"] == "payments-config"
    assert report["stats"]["api_requests"] > 0


def test_every_output_format_renders() -> None:
    for fmt, marker in (("text", "payments-config"), ("markdown", "#"), ("slack", '"blocks"'), ("html", "<svg")):
        result = run("investigate", "--alert", str(DEMO / "alert.json"), "--snapshot", str(DEMO), "-o", fmt)
        assert result.returncode == 0, (fmt, result.stderr)
        assert marker in result.stdout, fmt


def test_bad_arguments_and_unreadable_inputs_get_one_line_errors(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.json"
    garbage.write_text("{not json")
    empty_dir = tmp_path / "empty"
    empty_dir.mkdir()
    cases = [
        (run("investigate", "--alert", "missing.json", "--snapshot", str(DEMO)), 2, "not found"),
        (run("investigate", "--alert", str(garbage), "--snapshot", str(DEMO)), 2, "JSON"),
        (run("investigate", "--alert", str(DEMO / "alert.json"), "--snapshot", str(empty_dir)), 2, "snapshot"),
        (run("investigate", "--alert", str(DEMO / "alert.json")), 2, "one of the arguments"),
        (run("investigate", "--alert", str(DEMO / "alert.json"), "--snapshot", str(DEMO), "-o", "pdf"), 2, "invalid choice"),
        (run("alerts", "parse", str(garbage)), 2, "JSON"),
    ]
    for result, code, text in cases:
        assert result.returncode == code, result.stderr
        assert text in result.stderr
        assert "Traceback" not in result.stderr
        assert result.stdout == ""


def test_resolved_only_alert_file_is_refused(tmp_path: Path) -> None:
    payload = json.loads((DEMO / "alert.json").read_text())
    payload["status"] = "resolved"
    for alert in payload["alerts"]:
        alert["status"] = "resolved"
    resolved = tmp_path / "resolved.json"
    resolved.write_text(json.dumps(payload))
    result = run("investigate", "--alert", str(resolved), "--snapshot", str(DEMO))
    assert result.returncode == 2
    assert "no firing alerts" in result.stderr


def test_alerts_parse_prints_the_normalised_alert_and_its_resource() -> None:
    result = run("alerts", "parse", str(DEMO / "alert.json"))
    assert result.returncode == 0
    (alert,) = json.loads(result.stdout)
    assert alert["resource"]["kind"] == "Pod"
    assert alert["resource"]["name"].startswith("payments-api-")


def test_sim_serves_a_snapshot_to_kubectl_and_snapshot_writes_one_back(tmp_path: Path) -> None:
    port = free_port()
    kubeconfig = tmp_path / "kubeconfig"
    server = subprocess.Popen([sys.executable, "-m", "firstresponder", "sim", str(DEMO), "--port", str(port),
                               "--kubeconfig", str(kubeconfig)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while not kubeconfig.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        env = {**os.environ, "KUBECONFIG": str(kubeconfig)}
        pods = subprocess.run(["kubectl", "get", "pods", "-n", "production"], capture_output=True, text=True,
                              env=env, timeout=60, check=False)
        assert pods.returncode == 0, pods.stderr
        assert "CrashLoopBackOff" in pods.stdout
        context = yaml.safe_load(kubeconfig.read_text())["current-context"]
        out = tmp_path / "snap"
        snap = run("snapshot", "--context", context, "--kubeconfig", str(kubeconfig), "-n", "production",
                   "--out", str(out))
        assert snap.returncode == 0, snap.stderr
        assert (out / "snapshot.yaml").is_file()
        assert any((out / "logs" / "production").iterdir())
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)

"""The demo's answer comes from the data: change the scenario, and the answer changes with it."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from firstresponder.cli.demo import demo_dir


def crashing_pod(snapshot: Path) -> str:
    """The demo pod in CrashLoopBackOff, found from the data (the generator may rename pods)."""
    pods = yaml.safe_load((snapshot / "objects" / "pods.yaml").read_text())["items"]
    return next(p["metadata"]["name"] for p in pods
                if any((s.get("state") or {}).get("waiting", {}).get("reason") == "CrashLoopBackOff"
                       for s in p["status"].get("containerStatuses", [])))


def investigate(snapshot: Path) -> dict[str, Any]:
    result = subprocess.run([sys.executable, "-m", "firstresponder", "investigate", "--alert",
                             str(snapshot / "alert.json"), "--snapshot", str(snapshot), "--output", "json"],
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert isinstance(report, dict)
    return report


def copy_demo(tmp_path: Path) -> Path:
    target = tmp_path / "scenario"
    shutil.copytree(demo_dir(), target)
    return target


def edit_objects(snapshot: Path, edit: Any) -> None:
    for path in (snapshot / "objects").glob("*.yaml"):
        documents = list(yaml.safe_load_all(path.read_text()))
        for doc in documents:
            for obj in doc.get("items", [doc]) if isinstance(doc, dict) else []:
                edit(obj)
        path.write_text(yaml.safe_dump_all(documents, sort_keys=False))


def test_demo_names_the_configmap_and_db_host(tmp_path: Path) -> None:
    report = investigate(copy_demo(tmp_path))
    cause = report["root_cause"]
    assert cause["resource"] == {"kind": "ConfigMap", "namespace": "production", "name": "payments-config"}
    assert cause["category"] == "config_change"
    assert "DB_HOST" in cause["summary"] + cause["detail"]
    assert any("payments-config" in (r["command"] or "") for r in report["remediation"])


def test_db_host_unchanged_and_container_oomkilled_gives_oom(tmp_path: Path) -> None:
    snapshot = copy_demo(tmp_path)
    crashing = crashing_pod(snapshot)

    def restore_host_and_oom(obj: dict[str, Any]) -> None:
        meta = obj.get("metadata") or {}
        if obj.get("kind") == "ConfigMap" and meta.get("name") == "payments-config":
            obj["data"]["DB_HOST"] = "payments-db.production.svc.cluster.local"
            meta.get("annotations", {}).pop("kubectl.kubernetes.io/last-applied-configuration", None)
        if obj.get("kind") == "Pod" and meta.get("name") == crashing:
            for status in obj["status"]["containerStatuses"]:
                status["lastState"]["terminated"].update({"exitCode": 137, "reason": "OOMKilled"})

    edit_objects(snapshot, restore_host_and_oom)
    logs = snapshot / "logs" / "production" / crashing
    healthy_start = "\n".join(line for line in (logs / "api.previous.log").read_text().splitlines()[:1])
    for name in ("api.previous.log", "api.log"):
        (logs / name).write_text(healthy_start + "\n")
    report = investigate(snapshot)
    cause = report["root_cause"]
    assert cause["category"] == "oom"
    assert cause["resource"]["name"] == "payments-api"
    assert "payments-config" not in cause["summary"]


def test_renamed_key_is_reported_by_its_new_name(tmp_path: Path) -> None:
    snapshot = copy_demo(tmp_path)
    for path in (snapshot / "objects").glob("*.yaml"):
        path.write_text(path.read_text().replace("DB_HOST", "DATABASE_ADDRESS"))
    report = investigate(snapshot)
    cause = report["root_cause"]
    assert cause["resource"]["name"] == "payments-config"
    assert "DATABASE_ADDRESS" in cause["summary"] + cause["detail"]
    assert "DB_HOST" not in cause["summary"] + cause["detail"]

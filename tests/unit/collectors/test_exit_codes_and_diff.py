from __future__ import annotations

from typing import Any

import pytest

from firstresponder.collectors.exit_codes import exit_meaning, signal_of
from firstresponder.collectors.template_diff import template_diff


@pytest.mark.parametrize(("code", "reason", "pod_reason", "liveness", "expected"), [
    (137, "OOMKilled", None, True, "OOMKilled: the kernel killed it at its memory limit"),
    (137, "Error", "Evicted", False, "evicted by the kubelet"),
    (137, "Error", None, True, "liveness-probe kill"),
    (137, "Error", None, False, "killed from outside"),
    (143, "Error", None, False, "SIGTERM"),
    (127, "ContainerCannotRun", None, False, "command not found"),
    (126, "ContainerCannotRun", None, False, "not executable"),
    (1, "Error", None, False, "application error"),
    (139, "Error", None, False, "segmentation fault"),
    (134, "Error", None, False, "SIGABRT"),
    (131, "Error", None, False, "signal SIGQUIT"),
    (3, "Error", None, False, "application exit code 3"),
])
def test_exit_code_meanings_say_what_the_data_supports(code: int, reason: str, pod_reason: str | None,
                                                       liveness: bool, expected: str) -> None:
    assert expected in exit_meaning(code, reason, pod_reason=pod_reason, has_liveness_probe=liveness)


def test_signal_numbers() -> None:
    assert (signal_of(137), signal_of(143), signal_of(1)) == (9, 15, None)


def _spec(**container: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"name": "api", "image": "api:1.0", "env": [{"name": "DB_HOST", "value": "db"}],
                            "resources": {"limits": {"memory": "512Mi"}}}
    base.update(container)
    return {"containers": [base], "volumes": [{"name": "config", "configMap": {"name": "api-v1"}}]}


def test_template_diff_names_each_changed_path() -> None:
    before = _spec()
    after = _spec(image="api:1.1", env=[{"name": "DB_HOST", "value": "db-v2"},
                                        {"name": "API_TOKEN", "value": "s3cr3t"}],
                  resources={"limits": {"memory": "256Mi"}}, command=["/app/run"],
                  livenessProbe={"httpGet": {"path": "/healthz", "port": 8080}, "timeoutSeconds": 1})
    after["volumes"] = [{"name": "config", "configMap": {"name": "api-v2"}}]
    after["containers"].append({"name": "sidecar", "image": "envoy:1"})
    diffs = {d.path: (d.before, d.after) for d in template_diff(before, after)}
    assert diffs["containers[api].image"] == ("api:1.0", "api:1.1")
    assert diffs["containers[api].env.DB_HOST"] == ("db", "db-v2")
    assert diffs["containers[api].env.API_TOKEN"] == (None, "****")  # secret-looking values masked
    assert diffs["containers[api].resources.limits.memory"] == ("512Mi", "256Mi")
    assert diffs["containers[api].command"] == (None, '["/app/run"]')
    assert diffs["containers[api].livenessProbe"][0] is None
    assert diffs["containers[sidecar]"] == (None, "present")
    assert "volumes[config]" in diffs
    assert len(diffs) == 8


def test_identical_templates_have_no_diff() -> None:
    assert template_diff(_spec(), _spec()) == []

"""Connection set-up failures are one clear KubeConfigError, and only the gateway imports the client."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import firstresponder
from firstresponder.kube.connection import KubeConfigError, connect_in_cluster, connect_kubeconfig

PACKAGE = Path(firstresponder.__file__).parent


def test_a_missing_kubeconfig_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(KubeConfigError, match="kubeconfig"):
        connect_kubeconfig(tmp_path / "absent")


def test_an_unknown_context_is_a_config_error(tmp_path: Path) -> None:
    config = tmp_path / "kubeconfig"
    config.write_text("apiVersion: v1\nkind: Config\nclusters: []\nusers: []\ncontexts: []\n"
                      "current-context: none\n")
    with pytest.raises(KubeConfigError, match="nowhere"):
        connect_kubeconfig(config, "nowhere")


def test_invalid_yaml_is_a_config_error(tmp_path: Path) -> None:
    config = tmp_path / "kubeconfig"
    config.write_text("clusters: [unclosed\n")
    with pytest.raises(KubeConfigError):
        connect_kubeconfig(config)


def test_outside_a_pod_in_cluster_is_a_config_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KUBERNETES_SERVICE_HOST", raising=False)
    monkeypatch.delenv("KUBERNETES_SERVICE_PORT", raising=False)
    with pytest.raises(KubeConfigError, match="in-cluster"):
        connect_in_cluster()


def _imports_kubernetes(path: Path) -> bool:
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import) and any(a.name.split(".")[0] == "kubernetes" for a in node.names):
            return True
        if isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").split(".")[0] == "kubernetes":
            return True
    return False


def test_only_the_gateway_imports_the_kubernetes_client() -> None:
    importers = sorted(p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*.py") if _imports_kubernetes(p))
    assert importers == ["kube/gateway.py"]


def test_kubeconfig_env_is_read_at_connect_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "from-env"
    config.write_text("apiVersion: v1\nkind: Config\ncurrent-context: env\n"
                      "clusters: [{name: c, cluster: {server: 'http://127.0.0.1:9'}}]\n"
                      "users: [{name: u, user: {token: t}}]\n"
                      "contexts: [{name: env, context: {cluster: c, user: u}}]\n")
    monkeypatch.setenv("KUBECONFIG", str(config))
    with connect_kubeconfig() as gateway:
        assert gateway.host == "http://127.0.0.1:9"

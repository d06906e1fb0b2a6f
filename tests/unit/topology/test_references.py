from __future__ import annotations

from firstresponder.topology.references import (
    ConfigReference,
    claim_names,
    config_references,
    service_account,
)


def test_every_kind_of_config_reference_is_found() -> None:
    spec = {
        "initContainers": [{"name": "migrate", "envFrom": [{"secretRef": {"name": "db-admin", "optional": True}}]}],
        "containers": [{"name": "api", "env": [
            {"name": "DB_HOST", "valueFrom": {"configMapKeyRef": {"name": "app-config", "key": "db.host"}}},
            {"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "db", "key": "password"}}},
            {"name": "POD_IP", "valueFrom": {"fieldRef": {"fieldPath": "status.podIP"}}},
            {"name": "LOG_LEVEL", "value": "info"}],
            "envFrom": [{"configMapRef": {"name": "app-env"}}]}],
        "volumes": [
            {"name": "files", "configMap": {"name": "app-files", "items": [{"key": "nginx.conf", "path": "n.conf"}]}},
            {"name": "certs", "secret": {"secretName": "app-tls"}},
            {"name": "bundle", "projected": {"sources": [{"configMap": {"name": "ca-bundle"}},
                                                         {"secret": {"name": "signing-key"}}]}},
            {"name": "kube-api-access-x", "projected": {"sources": [{"serviceAccountToken": {"path": "token"}},
                                                                    {"configMap": {"name": "kube-root-ca.crt"}}]}},
            {"name": "data", "persistentVolumeClaim": {"claimName": "data-0"}}],
        "imagePullSecrets": [{"name": "regcred"}],
        "serviceAccountName": "api",
    }
    refs = config_references(spec)
    assert refs == [
        ConfigReference("Secret", "db-admin", None, True, "envFrom of container migrate", "migrate"),
        ConfigReference("ConfigMap", "app-config", "db.host", False, "env DB_HOST of container api", "api", "DB_HOST"),
        ConfigReference("Secret", "db", "password", False, "env DB_PASSWORD of container api", "api", "DB_PASSWORD"),
        ConfigReference("ConfigMap", "app-env", None, False, "envFrom of container api", "api"),
        ConfigReference("ConfigMap", "app-files", "nginx.conf", False, "volume files"),
        ConfigReference("Secret", "app-tls", None, False, "volume certs"),
        ConfigReference("ConfigMap", "ca-bundle", None, False, "projected volume bundle"),
        ConfigReference("Secret", "signing-key", None, False, "projected volume bundle"),
        ConfigReference("Secret", "regcred", None, False, "imagePullSecrets"),
    ]  # kube-root-ca.crt (injected into every pod) is left out
    assert claim_names(spec) == [("data-0", "data")]
    assert service_account(spec) == "api" and service_account({}) == "default"

"""ConfigMaps, Secrets and ServiceAccounts, with managedFields that date each key's last change."""

from __future__ import annotations

import base64
from datetime import datetime

from tools.scenarios.cluster import Cluster, Obj
from tools.scenarios.meta import last_applied, managed, manifest_meta, metadata


def _data_fields(keys: list[str], field: str = "f:data") -> Obj:
    return {field: {".": {}, **{f"f:{k}": {} for k in keys}}}


def configmap(c: Cluster, ns: str, name: str, data: dict[str, str], *, created: datetime,
              labels: dict[str, str] | None = None, applied_data: dict[str, str] | None = None,
              edited: datetime | None = None, edited_keys: list[str] | None = None,
              edit_manager: str = "kubectl-edit") -> Obj:
    """A ConfigMap created by `kubectl apply` with ``applied_data`` (default: ``data``).

    When ``edited`` is set, ``edited_keys`` were changed later by ``edit_manager`` (kubectl edit does
    not refresh last-applied-configuration, so the annotation keeps the applied values).
    """
    applied = dict(applied_data if applied_data is not None else data)
    manifest = {"apiVersion": "v1", "data": applied, "kind": "ConfigMap",
                "metadata": manifest_meta(name, ns, labels)}
    edited_keys = edited_keys or []
    applied_keys = [k for k in data if k not in edited_keys]
    mfs = [managed("kubectl-client-side-apply", created, {
        **_data_fields(applied_keys),
        "f:metadata": {"f:annotations": {".": {}, "f:kubectl.kubernetes.io/last-applied-configuration": {}},
                       **({"f:labels": {".": {}, **{f"f:{k}": {} for k in labels}}} if labels else {})}})]
    if edited is not None:
        mfs.append(managed(edit_manager, edited, {"f:data": {f"f:{k}": {} for k in edited_keys}}))
    meta = metadata(c, "ConfigMap", name, ns, created, labels=labels,
                    annotations={"kubectl.kubernetes.io/last-applied-configuration": last_applied(manifest)},
                    managed_fields=mfs)
    return c.add({"apiVersion": "v1", "data": dict(data), "kind": "ConfigMap", "metadata": meta})


def root_ca(c: Cluster, ns: str, created: datetime) -> Obj:
    """kube-root-ca.crt, present in every namespace."""
    meta = metadata(c, "ConfigMap", "kube-root-ca.crt", ns, created,
                    annotations={"kubernetes.io/description": "Contains a CA bundle that can be used to verify the "
                                 "kube-apiserver when using internal endpoints such as the internal service IP or "
                                 "kubernetes.default.svc. No other usage is guaranteed across distributions of "
                                 "Kubernetes clusters."},
                    managed_fields=[managed("kube-controller-manager", created, _data_fields(["ca.crt"]))])
    pem = "-----BEGIN CERTIFICATE-----\nMIIDBTCCAe2gAwIBAgIIQ0ZRWXh5cGgwDQYJKoZIhvcNAQELBQAwFTETMBEGA1UE\n" \
          "AxMKa3ViZXJuZXRlczAeFw0yNTA5MDExMDAwMDBaFw0zNTA4MzAxMDA1MDBaMBUx\n-----END CERTIFICATE-----\n"
    return c.add({"apiVersion": "v1", "data": {"ca.crt": pem}, "kind": "ConfigMap", "metadata": meta})


def secret(c: Cluster, ns: str, name: str, keys: list[str], *, created: datetime, kind: str = "Opaque",
           changed: datetime | None = None, changed_keys: list[str] | None = None,
           change_manager: str = "external-secrets", labels: dict[str, str] | None = None,
           annotations: dict[str, str] | None = None) -> Obj:
    """A Secret with placeholder values (base64) for ``keys``; ``changed`` dates a later rotation."""
    data = {k: base64.b64encode(f"placeholder-{name}-{k}".encode()).decode() for k in keys}
    changed_keys = changed_keys or []
    mfs = [managed("kubectl-create" if change_manager != "external-secrets" else "external-secrets", created,
                   {**_data_fields([k for k in keys if k not in changed_keys]), "f:type": {}})]
    if changed is not None:
        mfs.append(managed(change_manager, changed, {"f:data": {f"f:{k}": {} for k in changed_keys}}))
    meta = metadata(c, "Secret", name, ns, created, labels=labels, annotations=annotations, managed_fields=mfs)
    return c.add({"apiVersion": "v1", "data": data, "kind": "Secret", "metadata": meta, "type": kind})


def tls_secret(c: Cluster, ns: str, name: str, *, created: datetime) -> Obj:
    return secret(c, ns, name, ["tls.crt", "tls.key"], created=created, kind="kubernetes.io/tls",
                  change_manager="cert-manager-certificates-issuing",
                  annotations={"cert-manager.io/certificate-name": name, "cert-manager.io/issuer-kind": "ClusterIssuer",
                               "cert-manager.io/issuer-name": "letsencrypt-prod"})


def docker_secret(c: Cluster, ns: str, name: str, *, created: datetime) -> Obj:
    return secret(c, ns, name, [".dockerconfigjson"], created=created, kind="kubernetes.io/dockerconfigjson",
                  change_manager="kubectl-create")


def service_account(c: Cluster, ns: str, name: str, *, created: datetime,
                    annotations: dict[str, str] | None = None) -> Obj:
    meta = metadata(c, "ServiceAccount", name, ns, created, annotations=annotations)
    return c.add({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": meta})


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()

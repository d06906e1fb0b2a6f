"""What a pod spec references: ConfigMaps, Secrets (env, envFrom, volumes, pull secrets), claims, account."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from firstresponder.topology.objects import as_dict, as_list, containers_of

ConfigKind = Literal["ConfigMap", "Secret"]
_KEY_REFS: tuple[tuple[str, ConfigKind], ...] = (("configMapKeyRef", "ConfigMap"), ("secretKeyRef", "Secret"))
_ENV_FROM: tuple[tuple[str, ConfigKind], ...] = (("configMapRef", "ConfigMap"), ("secretRef", "Secret"))
_ROOT_CA = "kube-root-ca.crt"  # published into every namespace by kube-controller-manager
_PROJECTED: tuple[tuple[str, ConfigKind], ...] = (("configMap", "ConfigMap"), ("secret", "Secret"))


@dataclass(frozen=True)
class ConfigReference:
    """One use of a ConfigMap or Secret; ``key`` None means the whole object (envFrom, volume)."""

    kind: ConfigKind
    name: str
    key: str | None
    optional: bool
    where: str  # "env DB_HOST of container api", "envFrom of container api", "volume config"
    container: str | None = None
    env_var: str | None = None  # the variable it sets (env valueFrom)


def config_references(spec: dict[str, Any]) -> list[ConfigReference]:
    """Every ConfigMap/Secret use in a pod spec, in spec order."""
    refs: list[ConfigReference] = []
    for container, _init in containers_of(spec):
        refs += _container_references(container)
    for volume in as_list(spec.get("volumes")):
        refs += _volume_references(as_dict(volume))
    for pull in as_list(spec.get("imagePullSecrets")):
        name = as_dict(pull).get("name")
        if name:
            refs.append(ConfigReference("Secret", str(name), None, False, "imagePullSecrets"))
    return refs


def _container_references(container: dict[str, Any]) -> list[ConfigReference]:
    cname = str(container.get("name", ""))
    refs: list[ConfigReference] = []
    for env in as_list(container.get("env")):
        env = as_dict(env)
        value_from = as_dict(env.get("valueFrom"))
        for field, kind in _KEY_REFS:
            key_ref = as_dict(value_from.get(field))
            if key_ref.get("name"):
                var = str(env.get("name", ""))
                refs.append(ConfigReference(
                    kind, str(key_ref["name"]), str(key_ref.get("key", "")), bool(key_ref.get("optional")),
                    f"env {var} of container {cname}", cname, var))
    for env_from in as_list(container.get("envFrom")):
        env_from = as_dict(env_from)
        for field, kind in _ENV_FROM:
            source = as_dict(env_from.get(field))
            if source.get("name"):
                refs.append(ConfigReference(
                    kind, str(source["name"]), None, bool(source.get("optional")),
                    f"envFrom of container {cname}", cname))
    return refs


def _volume_references(volume: dict[str, Any]) -> list[ConfigReference]:
    vname = str(volume.get("name", ""))
    refs: list[ConfigReference] = []
    config_map = as_dict(volume.get("configMap"))
    if config_map.get("name"):
        refs += _volume_items("ConfigMap", config_map, str(config_map["name"]), f"volume {vname}")
    secret = as_dict(volume.get("secret"))
    if secret.get("secretName"):
        refs += _volume_items("Secret", secret, str(secret["secretName"]), f"volume {vname}")
    for source in as_list(as_dict(volume.get("projected")).get("sources")):
        source = as_dict(source)
        for field, kind in _PROJECTED:
            projected = as_dict(source.get(field))
            if projected.get("name") == _ROOT_CA:
                continue  # injected into every pod with its service account token: never the story
            if projected.get("name"):
                refs += _volume_items(kind, projected, str(projected["name"]),
                                      f"projected volume {vname}")
    return refs


def _volume_items(kind: ConfigKind, source: dict[str, Any], name: str, where: str) -> list[ConfigReference]:
    """A volume source: specific ``items`` keys when listed, else the whole object."""
    optional = bool(source.get("optional"))
    items = [as_dict(i) for i in as_list(source.get("items"))]
    keys = [str(i["key"]) for i in items if i.get("key")]
    if not keys:
        return [ConfigReference(kind, name, None, optional, where)]
    return [ConfigReference(kind, name, key, optional, where) for key in keys]


def claim_names(spec: dict[str, Any]) -> list[tuple[str, str]]:
    """(claimName, volume name) of every persistentVolumeClaim volume."""
    out: list[tuple[str, str]] = []
    for volume in as_list(spec.get("volumes")):
        volume = as_dict(volume)
        claim = as_dict(volume.get("persistentVolumeClaim")).get("claimName")
        if claim:
            out.append((str(claim), str(volume.get("name", ""))))
    return out


def service_account(spec: dict[str, Any]) -> str:
    return str(spec.get("serviceAccountName") or spec.get("serviceAccount") or "default")

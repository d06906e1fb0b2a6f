"""URL paths of the Kubernetes REST API for the kinds in ``KIND_RESOURCES``."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from firstresponder.kube.reader import KIND_RESOURCES


@dataclass(frozen=True)
class KindInfo:
    """Where one kind is served: group, version, plural and scope."""

    kind: str
    group: str
    version: str
    plural: str
    namespaced: bool

    @property
    def api_version(self) -> str:
        """``apiVersion`` as objects carry it: ``v1`` or ``apps/v1``."""
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def group_version_path(self) -> str:
        """``/api/v1`` for the core group, ``/apis/<group>/<version>`` otherwise."""
        return f"/apis/{self.group}/{self.version}" if self.group else f"/api/{self.version}"


def kind_info(kind: str) -> KindInfo:
    """The API coordinates of ``kind``; unknown kinds are a programming error."""
    try:
        group, version, plural, namespaced = KIND_RESOURCES[kind]
    except KeyError:
        raise ValueError(f"kind {kind!r} is not in KIND_RESOURCES") from None
    return KindInfo(kind, group, version, plural, namespaced)


def _segment(value: str) -> str:
    # Names come from alerts and object fields: never let one add a path segment.
    if not value or value in (".", ".."):
        raise ValueError(f"not a valid name or namespace: {value!r}")
    return quote(value, safe="")


def collection_path(info: KindInfo, namespace: str | None) -> str:
    """Path listing ``info.kind`` in one namespace, across all, or cluster-wide."""
    if info.namespaced and namespace is not None:
        return f"{info.group_version_path}/namespaces/{_segment(namespace)}/{info.plural}"
    return f"{info.group_version_path}/{info.plural}"


def object_path(info: KindInfo, name: str, namespace: str | None) -> str:
    """Path of one object; namespaced kinds need a namespace."""
    if info.namespaced and namespace is None:
        raise ValueError(f"{info.kind} is namespaced: a namespace is required")
    return f"{collection_path(info, namespace)}/{_segment(name)}"


def log_path(namespace: str, pod: str) -> str:
    """Path of a pod's ``log`` subresource."""
    return f"/api/v1/namespaces/{_segment(namespace)}/pods/{_segment(pod)}/log"

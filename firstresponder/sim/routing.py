"""URL paths of the Kubernetes API: which resource, namespace, name and subresource a path names."""

from __future__ import annotations

from dataclasses import dataclass

from firstresponder.sim.errors import path_not_found
from firstresponder.sim.resources import ResourceCatalog, ResourceType


@dataclass(frozen=True)
class Route:
    """A resource path: ``name`` None for a list, ``namespace`` None for all namespaces or cluster scope."""

    resource: ResourceType
    namespace: str | None
    name: str | None
    subresource: str | None


@dataclass(frozen=True)
class GroupVersionPath:
    """``/api/v1/<rest>`` or ``/apis/<group>/<version>/<rest>``."""

    group: str
    version: str
    rest: list[str]

    @property
    def group_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version


def path_segments(path: str) -> list[str]:
    return [segment for segment in path.split("?", 1)[0].split("/") if segment]


def group_version_path(segments: list[str]) -> GroupVersionPath | None:
    """The group/version part of a path, or None for other paths (``/version``, ``/apis/<group>``...)."""
    if len(segments) >= 2 and segments[:2] == ["api", "v1"]:
        return GroupVersionPath("", "v1", segments[2:])
    if len(segments) >= 3 and segments[0] == "apis":
        return GroupVersionPath(segments[1], segments[2], segments[3:])
    return None


def resource_route(catalog: ResourceCatalog, path: GroupVersionPath) -> Route:
    """The route of a resource path; unknown resources and wrong scopes raise 404 like the apiserver."""
    rest = path.rest
    namespace: str | None = None
    if rest[0] == "namespaces" and len(rest) >= 3:  # /namespaces/<ns> alone is the Namespace object itself
        namespace, rest = rest[1], rest[2:]
    if len(rest) > 3:
        raise path_not_found()
    resource = catalog.by_path(path.group, path.version, rest[0])
    name = rest[1] if len(rest) > 1 else None
    if resource is None or (namespace is not None and not resource.namespaced):
        raise path_not_found()
    if namespace is None and resource.namespaced and name is not None:
        raise path_not_found()  # a namespaced object is only reachable under its namespace
    return Route(resource, namespace, name, rest[2] if len(rest) > 2 else None)

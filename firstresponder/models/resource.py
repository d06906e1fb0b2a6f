"""A reference to one Kubernetes resource (or an external host)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

# Kinds that live outside namespaces; their refs carry namespace=None.
CLUSTER_SCOPED_KINDS = frozenset(
    {"Node", "Namespace", "PersistentVolume", "StorageClass", "IngressClass", "ClusterRole"}
)


class ResourceRef(BaseModel):
    """Kind/namespace/name of a resource; kind ``External`` names a host outside the cluster."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: str
    name: str
    namespace: str | None = None

    @property
    def key(self) -> str:
        """Stable identity used as a graph key: ``Kind/namespace/name`` or ``Kind/name``."""
        if self.namespace:
            return f"{self.kind}/{self.namespace}/{self.name}"
        return f"{self.kind}/{self.name}"

    @classmethod
    def from_key(cls, key: str) -> ResourceRef:
        parts = key.split("/", 2)
        if len(parts) == 3:
            return cls(kind=parts[0], namespace=parts[1], name=parts[2])
        if len(parts) == 2:
            return cls(kind=parts[0], name=parts[1])
        raise ValueError(f"not a resource key: {key!r}")

    @classmethod
    def of(cls, obj: dict[str, object]) -> ResourceRef:
        """Reference to a Kubernetes object as returned by the API (a plain dict)."""
        meta = obj.get("metadata") or {}
        assert isinstance(meta, dict)
        ns = meta.get("namespace")
        return cls(kind=str(obj.get("kind", "")), name=str(meta.get("name", "")),
                   namespace=str(ns) if ns else None)

    def __str__(self) -> str:
        return self.key

"""The API resources the simulator serves: names, scope, short names, as discovery reports them."""

from __future__ import annotations

from dataclasses import dataclass

from firstresponder.kube.reader import KIND_RESOURCES

# Short names and categories as a v1.32 apiserver reports them (kubectl resolves "deploy", "get all").
_SHORT_NAMES: dict[str, tuple[str, ...]] = {
    "pods": ("po",), "services": ("svc",), "endpoints": ("ep",), "configmaps": ("cm",),
    "persistentvolumeclaims": ("pvc",), "persistentvolumes": ("pv",), "serviceaccounts": ("sa",),
    "resourcequotas": ("quota",), "limitranges": ("limits",), "nodes": ("no",), "namespaces": ("ns",),
    "events": ("ev",), "replicasets": ("rs",), "deployments": ("deploy",), "statefulsets": ("sts",),
    "daemonsets": ("ds",), "cronjobs": ("cj",), "ingresses": ("ing",), "networkpolicies": ("netpol",),
    "storageclasses": ("sc",), "horizontalpodautoscalers": ("hpa",), "poddisruptionbudgets": ("pdb",),
}
_IN_CATEGORY_ALL = frozenset({"pods", "services", "replicasets", "deployments", "statefulsets", "daemonsets",
                              "jobs", "cronjobs", "horizontalpodautoscalers"})
METRICS_GROUP = "metrics.k8s.io"


@dataclass(frozen=True)
class ResourceType:
    """One served resource (e.g. ``deployments`` in ``apps/v1``)."""

    kind: str
    group: str
    version: str
    plural: str
    namespaced: bool

    @property
    def group_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def singular(self) -> str:
        return self.kind.lower()

    @property
    def short_names(self) -> tuple[str, ...]:
        return () if self.group == METRICS_GROUP else _SHORT_NAMES.get(self.plural, ())

    @property
    def categories(self) -> tuple[str, ...]:
        return ("all",) if self.plural in _IN_CATEGORY_ALL and self.group != METRICS_GROUP else ()

    @property
    def qualified_plural(self) -> str:
        """``pods`` or ``deployments.apps``: how the apiserver names the resource in messages."""
        return f"{self.plural}.{self.group}" if self.group else self.plural


class ResourceCatalog:
    """Resource types by kind and by (group, version, plural)."""

    def __init__(self, types: list[ResourceType]) -> None:
        self.types = types
        self._by_kind = {t.kind: t for t in types}
        self._by_path = {(t.group, t.version, t.plural): t for t in types}

    @classmethod
    def for_kinds(cls, present: dict[str, tuple[str, bool]], *, with_metrics: bool) -> ResourceCatalog:
        """Every kind the investigation reads, plus kinds found in the snapshot (``kind: (apiVersion, namespaced)``)."""
        types = [ResourceType(kind, group, version, plural, namespaced)
                 for kind, (group, version, plural, namespaced) in KIND_RESOURCES.items()
                 if with_metrics or group != METRICS_GROUP]
        known = {t.kind for t in types}
        for kind, (api_version, namespaced) in sorted(present.items()):
            if kind not in known and kind not in KIND_RESOURCES:
                group, _, version = api_version.rpartition("/")
                types.append(ResourceType(kind, group, version, guess_plural(kind), namespaced))
        return cls(types)

    def by_kind(self, kind: str) -> ResourceType | None:
        return self._by_kind.get(kind)

    def by_path(self, group: str, version: str, plural: str) -> ResourceType | None:
        return self._by_path.get((group, version, plural))

    def group_versions(self) -> dict[str, list[ResourceType]]:
        """Resource types grouped by ``group/version`` in a stable order."""
        grouped: dict[str, list[ResourceType]] = {}
        for resource in self.types:
            grouped.setdefault(resource.group_version, []).append(resource)
        return grouped


def guess_plural(kind: str) -> str:
    """The lower-case plural the apiserver would derive for a kind it does not know."""
    lower = kind.lower()
    if lower.endswith("y") and lower[-2:-1] not in "aeiou":
        return lower[:-1] + "ies"
    if lower.endswith(("s", "x", "z", "ch", "sh")):
        return lower + "es"
    return lower + "s"

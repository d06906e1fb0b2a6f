"""The cluster registry: which cluster an alert belongs to, and how to reach it read-only.

One deployment serves several clusters, possibly in other accounts (a role assumed per cluster).
"""

from __future__ import annotations

import json

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, model_validator

from firstresponder.kube.reader import ClusterReader


class UnknownCluster(Exception):
    pass


class ClusterTarget(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    eks_cluster: str | None = Field(default=None, validation_alias=AliasChoices("eks_cluster", "eksClusterName"))
    region: str | None = None
    role_arn: str | None = Field(default=None, validation_alias=AliasChoices("role_arn", "roleArn"))  # cross-account
    kubeconfig: str | None = None  # local stack / operators running the CLI
    context: str | None = None

    @model_validator(mode="after")
    def _one_way_in(self) -> ClusterTarget:
        if not (self.eks_cluster and self.region) and not self.kubeconfig:
            raise ValueError("a cluster needs eks_cluster + region, or a kubeconfig")
        return self


class ClusterRegistry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    clusters: dict[str, ClusterTarget] = Field(default_factory=dict)
    default: str | None = None  # for alerts that name no cluster

    @classmethod
    def from_json(cls, text: str) -> ClusterRegistry:
        """``{"clusters": {...}, "default": name}``, or the template's flat ``{name: {...}}`` form."""
        data = json.loads(text)
        if isinstance(data, dict) and "clusters" not in data:
            data = {"clusters": data, "default": next(iter(data)) if len(data) == 1 else None}
        return cls.model_validate(data)

    def name_for(self, cluster: str | None) -> str:
        name = cluster or self.default
        if name is None or name not in self.clusters:
            known = ", ".join(sorted(self.clusters)) or "none"
            raise UnknownCluster(f"cluster {cluster or '(unnamed)'} is not registered (known: {known})")
        return name

    def connect(self, cluster: str | None) -> ClusterReader:
        from firstresponder.kube import connection

        target = self.clusters[self.name_for(cluster)]
        if target.eks_cluster and target.region:
            return connection.connect_eks(target.eks_cluster, target.region, role_arn=target.role_arn)
        return connection.connect_kubeconfig(target.kubeconfig, target.context)

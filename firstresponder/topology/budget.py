"""Limits on how far and how wide discovery goes."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class TopologyBudget(BaseModel):
    """Depth and size caps; the walk records a gap when one truncates it."""

    model_config = ConfigDict(extra="forbid")

    max_depth: int = Field(default=6, ge=0)
    max_nodes: int = Field(default=80, ge=1)
    max_pods_per_workload: int = Field(default=4, ge=1)  # unhealthy pods first
    max_candidate_nodes: int = Field(default=10, ge=0)
    max_unhealthy_workloads: int = Field(default=5, ge=1)  # namespace-wide start
    max_dependency_pods: int = Field(default=2, ge=0)
    max_workers: int = Field(default=8, ge=1)

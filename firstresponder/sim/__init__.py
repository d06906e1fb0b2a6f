"""A simulated, read-only Kubernetes API server that serves a snapshot over HTTP."""

from __future__ import annotations

from firstresponder.sim.faults import FaultKind, FaultPlan, FaultRule
from firstresponder.sim.server import RequestRecord, SimulatedCluster, serve

__all__ = ["FaultKind", "FaultPlan", "FaultRule", "RequestRecord", "SimulatedCluster", "serve"]

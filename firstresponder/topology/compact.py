"""A smaller topology for step payloads: drops bulky fields no collector reads."""

from __future__ import annotations

import copy
from typing import Any

from firstresponder.models.topology import Topology


def _shallow(fields: Any, depth: int) -> Any:
    if not isinstance(fields, dict):
        return fields
    if depth == 0:
        return {}
    return {k: _shallow(v, depth - 1) for k, v in fields.items()}


def _compact_object(obj: dict[str, Any]) -> dict[str, Any]:
    slim = copy.deepcopy(obj)
    metadata = slim.get("metadata")
    if isinstance(metadata, dict) and isinstance(metadata.get("managedFields"), list):
        # keep who wrote what when (the change time line); field sets only two levels deep (most bytes are below)
        metadata["managedFields"] = [{k: (_shallow(v, 2) if k == "fieldsV1" else v) for k, v in entry.items()}
                                     for entry in metadata["managedFields"] if isinstance(entry, dict)]
    status = slim.get("status")
    if slim.get("kind") == "Node" and isinstance(status, dict):
        status.pop("images", None)  # the node's cached image list: often tens of KB
    return slim


def compact_topology(topology: Topology) -> Topology:
    """The same graph with managedFields field sets cut to two levels and node image lists removed."""
    slim = topology.model_copy(deep=True)
    for node in slim.nodes.values():
        if node.object is not None:
            node.object = _compact_object(node.object)
    return slim

"""Secret redaction: values are replaced inside the gateway so they never reach callers."""

from __future__ import annotations

from typing import Any

from firstresponder.kube.reader import REDACTED

# kubectl apply stores the whole applied manifest here, Secret values included.
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
_VALUE_FIELDS = ("data", "stringData")


def redact_secret(obj: dict[str, Any]) -> dict[str, Any]:
    """Return ``obj`` with its values redacted if it is a Secret; other kinds pass unchanged."""
    return redact_secret_values(obj) if obj.get("kind") == "Secret" else obj


def redact_secret_values(obj: dict[str, Any]) -> dict[str, Any]:
    """Replace every ``data``/``stringData`` value by ``REDACTED`` (keys kept), in place."""
    for field in _VALUE_FIELDS:
        values = obj.get(field)
        if isinstance(values, dict):
            obj[field] = {key: REDACTED for key in values}
        elif values is not None:
            # A malformed payload is dropped rather than guessed at: it may still hold a value.
            obj[field] = REDACTED
    metadata = obj.get("metadata")
    if isinstance(metadata, dict):
        annotations = metadata.get("annotations")
        if isinstance(annotations, dict):
            annotations.pop(LAST_APPLIED, None)
    return obj

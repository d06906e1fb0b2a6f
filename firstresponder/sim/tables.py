"""``meta.k8s.io`` Table responses, which kubectl asks for to print columns."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from firstresponder.sim.errors import bad_request
from firstresponder.sim.printers import printer_for

_TABLE_VERSION = re.compile(r"^(v1|v1beta1)$")
INCLUDE_OBJECT_CHOICES = ("Object", "Metadata", "None")


def table_version(accept: str | None) -> str | None:
    """``v1``/``v1beta1`` when the Accept header asks for a Table first-choice-wise, else None."""
    for media_type in (accept or "").split(","):
        parameters = dict(_parameter(part) for part in media_type.split(";")[1:])
        if parameters.get("as") == "Table" and parameters.get("g") == "meta.k8s.io":
            version = parameters.get("v", "")
            if _TABLE_VERSION.match(version):
                return version
    return None


def _parameter(text: str) -> tuple[str, str]:
    key, _, value = text.strip().partition("=")
    return key.strip(), value.strip()


def build_table(kind: str, objects: list[dict[str, Any]], *, version: str, include_object: str | None,
                now: dt.datetime, list_metadata: dict[str, Any]) -> dict[str, Any]:
    """A Table of ``objects`` with the kind's columns; rows carry the object as ``includeObject`` asks."""
    include = include_object or "Metadata"
    if include not in INCLUDE_OBJECT_CHOICES:
        raise bad_request(f"includeObject: Unsupported value: \"{include}\": supported values: "
                          '"Metadata", "None", "Object"')
    printer = printer_for(kind)
    rows = []
    for obj in objects:
        row: dict[str, Any] = {"cells": printer.cells(obj, now)}
        if include == "Object":
            row["object"] = obj
        elif include == "Metadata":
            row["object"] = {"kind": "PartialObjectMetadata", "apiVersion": f"meta.k8s.io/{version}",
                             "metadata": obj.get("metadata", {})}
        rows.append(row)
    return {"kind": "Table", "apiVersion": f"meta.k8s.io/{version}", "metadata": list_metadata,
            "columnDefinitions": [column.definition() for column in printer.columns], "rows": rows}

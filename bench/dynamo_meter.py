"""Counts DynamoDB calls and the read/write units they would consume, through botocore's event hooks.

The units follow DynamoDB's on-demand rules from item sizes: a write is ceil(size / 1 KB) WRU per
copy (the table, plus every GSI whose key the item carries); a strongly consistent read is
ceil(size / 4 KB) RRU (half for eventually consistent), at least one. A failed conditional write
still consumes its units. Sizes are computed as DynamoDB documents them (attribute names + values).
"""

from __future__ import annotations

import math
import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from firstresponder.storage import keys

# Attributes whose presence puts an item into a GSI of the investigations table.
GSI_KEYS = (keys.GSI1PK, keys.GSI2PK)


def attribute_size(value: dict[str, Any]) -> int:
    """Bytes of one attribute value in DynamoDB's wire form ({"S": ...}, {"N": ...}, ...)."""
    (kind, inner), = value.items()
    if kind == "S":
        return len(str(inner).encode())
    if kind == "N":
        return len(str(inner).lstrip("-").replace(".", "")) // 2 + 2
    if kind == "B":
        return len(inner) if isinstance(inner, bytes | bytearray) else len(str(inner)) * 3 // 4
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "M":
        return 3 + item_size(inner)
    if kind == "L":
        return 3 + sum(attribute_size(v) + 1 for v in inner)
    if kind in ("SS", "NS", "BS"):
        return sum(attribute_size({kind[0]: v}) for v in inner)
    return 0


def item_size(item: dict[str, Any]) -> int:
    return sum(len(name.encode()) + attribute_size(value) for name, value in item.items())


def write_units(item: dict[str, Any]) -> int:
    copies = 1 + sum(1 for key in GSI_KEYS if key in item)
    return max(1, math.ceil(item_size(item) / 1024)) * copies


def read_units(total_bytes: int, *, consistent: bool) -> float:
    units = max(1, math.ceil(total_bytes / 4096))
    return float(units if consistent else units / 2)


@dataclass
class DynamoMeter:
    """Totals since the last ``reset``: calls per operation, WRU and RRU."""

    calls: Counter[str] = field(default_factory=Counter)
    wru: float = 0.0
    rru: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def attach(self, client: Any) -> Any:
        """Register on a boto3 DynamoDB client's events; returns the client."""
        self.attach_events(client.meta.events)
        return client

    def attach_events(self, events: Any) -> None:
        """Register on an event emitter: a client's, or a boto3 Session's (clients made later inherit it)."""
        events.register("provide-client-params.dynamodb.*", self._remember)
        events.register("after-call.dynamodb.*", self._count)

    def reset(self) -> None:
        with self._lock:
            self.calls.clear()
            self.wru = self.rru = 0.0

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {"calls": dict(self.calls), "wru": self.wru, "rru": self.rru}

    def _remember(self, params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        context["bench_params"] = dict(params)

    def _count(self, parsed: dict[str, Any], model: Any, context: dict[str, Any], **_: Any) -> None:
        params = context.get("bench_params", {})
        operation = model.name
        wru, rru = units_of(operation, params, parsed)
        with self._lock:
            self.calls[operation] += 1
            self.wru += wru
            self.rru += rru


def units_of(operation: str, params: dict[str, Any], parsed: dict[str, Any]) -> tuple[float, float]:
    """(WRU, RRU) of one call from its parameters and its parsed answer."""
    if operation == "PutItem":
        return float(write_units(params.get("Item", {}))), 0.0
    if operation in ("UpdateItem", "DeleteItem"):
        item = parsed.get("Attributes") or parsed.get("Item") or {**params.get("Key", {})}
        return float(write_units(item)), 0.0
    if operation == "GetItem":
        size = item_size(parsed.get("Item") or {})
        return 0.0, read_units(size, consistent=bool(params.get("ConsistentRead")))
    if operation in ("Query", "Scan"):
        size = sum(item_size(i) for i in parsed.get("Items") or [])
        return 0.0, read_units(size, consistent=bool(params.get("ConsistentRead")))
    if operation == "BatchWriteItem":
        items = [r["PutRequest"]["Item"] for rs in params.get("RequestItems", {}).values() for r in rs
                 if "PutRequest" in r]
        return float(sum(write_units(i) for i in items)), 0.0
    if operation == "TransactWriteItems":
        puts = [t["Put"]["Item"] for t in params.get("TransactItems", []) if "Put" in t]
        return float(2 * sum(write_units(i) for i in puts) + 2 * sum(1 for t in params.get("TransactItems", [])
                                                                     if "Put" not in t)), 0.0
    return 0.0, 0.0

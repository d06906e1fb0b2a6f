"""Objects indexed by kind → (namespace, name), with a label index so selector lists stay fast."""

from __future__ import annotations

import base64
import binascii
import bisect
import copy
import json
import threading
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from firstresponder.sim.errors import ApiError
from firstresponder.sim.fields import FieldRequirement, FieldSelector
from firstresponder.sim.labels import INDEXABLE_OPERATORS, LabelSelector

ObjectKey = tuple[str, str]  # (namespace or "", name): the apiserver's storage order
_UID_NAMESPACE = uuid.UUID("6f1d3c1e-5b0e-4a57-9d53-7c3f1a2b9e10")


@dataclass
class StoredObject:
    """One object and its JSON encoding (computed once: lists are joins of these)."""

    obj: dict[str, Any]
    key: ObjectKey
    labels: dict[str, str]
    _body: bytes | None = field(default=None, repr=False)

    @property
    def body(self) -> bytes:
        if self._body is None:
            self._body = json.dumps(self.obj, separators=(",", ":"), ensure_ascii=False).encode()
        return self._body


@dataclass
class ListPage:
    """A list result: the items of this page and, when cut by ``limit``, where the next page starts."""

    items: list[StoredObject]
    continue_token: str | None = None
    remaining: int | None = None


class _KindIndex:
    def __init__(self) -> None:
        self.objects: dict[ObjectKey, StoredObject] = {}
        self.sorted_keys: list[ObjectKey] = []
        self.by_label: dict[str, dict[str, set[ObjectKey]]] = {}
        self.by_field: dict[str, dict[str, set[ObjectKey]]] = {}  # built on first use of each field
        self._field_lock = threading.Lock()

    def add(self, stored: StoredObject) -> None:
        self.objects[stored.key] = stored

    def build(self) -> None:
        self.sorted_keys = sorted(self.objects)
        for key, stored in self.objects.items():
            for label, value in stored.labels.items():
                self.by_label.setdefault(label, {}).setdefault(value, set()).add(key)

    def candidates(self, labels: LabelSelector, fields: FieldSelector) -> set[ObjectKey] | None:
        """Keys that may match, narrowed by the most selective indexable requirement (None: all)."""
        best: set[ObjectKey] | None = None
        for field_requirement in fields.requirements:
            if not field_requirement.negated:
                found = self._field_index(field_requirement).get(field_requirement.value, set())
                if best is None or len(found) < len(best):
                    best = found
        for requirement in labels.requirements:
            values = self.by_label.get(requirement.key, {})
            if requirement.operator in INDEXABLE_OPERATORS:
                found = set().union(*(values.get(value, set()) for value in requirement.values))
            elif requirement.operator == "exists":
                found = set().union(*values.values())
            else:
                continue
            if best is None or len(found) < len(best):
                best = found
        return best

    def _field_index(self, requirement: FieldRequirement) -> dict[str, set[ObjectKey]]:
        """Keys by the value of one field (e.g. pods by ``spec.nodeName``), so ``describe node`` stays fast."""
        with self._field_lock:
            index = self.by_field.get(requirement.field)
            if index is None:
                index = {}
                for key, stored in self.objects.items():
                    index.setdefault(requirement.extract(stored.obj), set()).add(key)
                self.by_field[requirement.field] = index
            return index


class ObjectStore:
    """The served objects; read-only after construction, so safe to share between request threads."""

    def __init__(self, objects: Iterable[dict[str, Any]], *, owned: bool = False) -> None:
        """Index ``objects``; they are copied first unless ``owned`` (the caller hands over fresh copies)."""
        self._kinds: dict[str, _KindIndex] = {}
        self.api_versions: dict[str, str] = {}
        self.namespaced_kinds: set[str] = set()
        highest = 0
        pending: list[dict[str, Any]] = []
        for original in objects:
            obj = original if owned else copy.deepcopy(original)
            metadata = obj.setdefault("metadata", {})
            resource_version = str(metadata.get("resourceVersion", ""))
            if resource_version.isdigit():
                highest = max(highest, int(resource_version))
            else:
                pending.append(obj)
            self._add(obj)
        for obj in pending:  # objects without a numeric resourceVersion get fresh ones above the rest
            highest += 1
            obj["metadata"]["resourceVersion"] = str(highest)
        self.resource_version = str(highest + 1)
        for index in self._kinds.values():
            index.build()

    def _add(self, obj: dict[str, Any]) -> None:
        kind = str(obj["kind"])
        metadata = obj["metadata"]
        namespace = str(metadata.get("namespace") or "")
        name = str(metadata["name"])
        metadata.setdefault("uid", str(uuid.uuid5(_UID_NAMESPACE, f"{kind}/{namespace}/{name}")))
        labels = metadata.get("labels") if isinstance(metadata.get("labels"), dict) else {}
        self._kinds.setdefault(kind, _KindIndex()).add(
            StoredObject(obj, (namespace, name), {str(k): str(v) for k, v in (labels or {}).items()}))
        self.api_versions.setdefault(kind, str(obj.get("apiVersion", "v1")))
        if namespace:
            self.namespaced_kinds.add(kind)

    def kinds(self) -> list[str]:
        return sorted(self._kinds)

    def has_kind(self, kind: str) -> bool:
        return kind in self._kinds

    def get(self, kind: str, namespace: str | None, name: str) -> StoredObject | None:
        index = self._kinds.get(kind)
        return index.objects.get((namespace or "", name)) if index else None

    def select(self, kind: str, namespace: str | None, *, labels: LabelSelector, fields: FieldSelector,
             limit: int | None = None, continue_token: str | None = None) -> ListPage:
        """Matching objects in (namespace, name) order, paged by ``limit``/``continue``."""
        index = self._kinds.get(kind)
        if index is None:
            return ListPage([])
        keys = self._candidate_keys(index, namespace, labels, fields)
        start = self._start_after(continue_token)
        if start is not None:
            keys = keys[bisect.bisect_right(keys, start):]
        matched: list[StoredObject] = []
        for position, key in enumerate(keys):
            stored = index.objects[key]
            if labels.matches(stored.labels) and fields.matches(stored.obj):
                if limit is not None and len(matched) == limit:
                    unfiltered = not labels.requirements and not fields.requirements
                    remaining = len(keys) - position if unfiltered else None
                    return ListPage(matched, self._token(matched[-1].key), remaining)
                matched.append(stored)
        return ListPage(matched)

    @staticmethod
    def _candidate_keys(index: _KindIndex, namespace: str | None, labels: LabelSelector,
                        fields: FieldSelector) -> list[ObjectKey]:
        namespace = namespace if namespace is not None else fields.exact("metadata.namespace")
        name = fields.exact("metadata.name")
        if namespace is not None and name is not None:
            return [(namespace, name)] if (namespace, name) in index.objects else []
        candidates = index.candidates(labels, fields)
        if candidates is not None:
            keys = sorted(candidates)
        elif namespace is not None:  # the keys of one namespace are a contiguous run
            low = bisect.bisect_left(index.sorted_keys, (namespace, ""))
            high = bisect.bisect_left(index.sorted_keys, (namespace + "\0", ""))
            return index.sorted_keys[low:high]
        else:
            keys = index.sorted_keys
        if namespace is not None:
            keys = [key for key in keys if key[0] == namespace]
        return keys

    def _token(self, last: ObjectKey) -> str:
        raw = json.dumps({"rv": self.resource_version, "start": list(last)}, separators=(",", ":"))
        return base64.urlsafe_b64encode(raw.encode()).decode()

    def _start_after(self, token: str | None) -> ObjectKey | None:
        if not token:
            return None
        try:
            decoded = json.loads(base64.urlsafe_b64decode(token.encode()))
            namespace, name = decoded["start"]
            if decoded["rv"] != self.resource_version:
                raise ApiError(410, "Expired", "The provided continue parameter is too old to display a "
                               "consistent list result. You can start a new list without the continue parameter.")
            return (str(namespace), str(name))
        except (ValueError, KeyError, TypeError, binascii.Error, UnicodeDecodeError):
            raise ApiError(400, "BadRequest", "continue key is not valid: incorrect encoded start "
                           "resourceVersion (version meta.k8s.io/v1)") from None

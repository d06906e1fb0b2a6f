"""Reads a snapshot directory (format: docs/snapshot-format.md), refusing anything unsafe or malformed."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from typing import Any

import yaml

from firstresponder.snapshot.model import LogKey, Snapshot, SnapshotError
from firstresponder.snapshot.safe_yaml import load_all_json_compatible

__all__ = ["LogKey", "Snapshot", "SnapshotError", "load_snapshot"]

MAX_FILE_BYTES = 256 * 1024 * 1024  # one objects file (a 10,000-pod cluster prints ~100 MB)
MAX_LOG_BYTES = 64 * 1024 * 1024
OBJECT_SUFFIXES = (".yaml", ".yml", ".json")
_PREVIOUS_SUFFIX = ".previous.log"
_LOG_SUFFIX = ".log"
# Namespace and pod names are DNS labels/subdomains; container names DNS labels.
_NAME = re.compile(r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")


def load_snapshot(path: Path | str, *, max_file_bytes: int = MAX_FILE_BYTES,
                  max_log_bytes: int = MAX_LOG_BYTES) -> Snapshot:
    """Read a snapshot directory; every problem raises ``SnapshotError`` naming the file."""
    root = Path(path)
    if not root.is_dir():
        raise SnapshotError(f"{root}: not a snapshot directory")
    root = root.resolve()
    header = _read_header(root, max_file_bytes)
    objects = _read_objects(root, max_file_bytes)
    logs = _read_logs(root, max_log_bytes)
    return Snapshot(captured_at=header[0], cluster=header[1], region=header[2], objects=objects, logs=logs)


def _read_header(root: Path, max_bytes: int) -> tuple[dt.datetime, str, str | None]:
    file = root / "snapshot.yaml"
    if not file.exists() and not file.is_symlink():
        raise SnapshotError(f"{file}: missing (every snapshot needs snapshot.yaml with capturedAt and cluster)")
    documents = _load_yaml_file(root, file, max_bytes)
    if len(documents) != 1 or not isinstance(documents[0], dict):
        raise SnapshotError(f"{file}: expected one mapping with capturedAt and cluster")
    header = documents[0]
    cluster = header.get("cluster")
    if not isinstance(cluster, str) or not cluster:
        raise SnapshotError(f"{file}: 'cluster' must be a non-empty string")
    region = header.get("region")
    if region is not None and not isinstance(region, str):
        raise SnapshotError(f"{file}: 'region' must be a string")
    return _parse_captured_at(file, header.get("capturedAt")), cluster, region


def _parse_captured_at(file: Path, value: object) -> dt.datetime:
    if not isinstance(value, str):
        raise SnapshotError(f"{file}: 'capturedAt' must be an RFC3339 timestamp string")
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise SnapshotError(f"{file}: 'capturedAt' is not RFC3339: {value!r}") from None
    if parsed.tzinfo is None:
        raise SnapshotError(f"{file}: 'capturedAt' needs a time zone (e.g. 2024-05-01T12:00:00Z): {value!r}")
    return parsed.astimezone(dt.UTC)


def _read_objects(root: Path, max_bytes: int) -> list[dict[str, Any]]:
    directory = root / "objects"
    if not directory.exists():
        return []
    objects: list[dict[str, Any]] = []
    for file in sorted(_files_inside(root, directory)):
        if file.name.endswith(OBJECT_SUFFIXES):
            for document in _load_yaml_file(root, file, max_bytes):
                objects.extend(_objects_of_document(file, document))
    return objects


def _objects_of_document(file: Path, document: object) -> list[dict[str, Any]]:
    if document is None:  # an empty document between "---" separators
        return []
    if not isinstance(document, dict):
        raise SnapshotError(f"{file}: expected Kubernetes objects (mappings), found {type(document).__name__}")
    if document.get("kind") == "List" or (str(document.get("kind", "")).endswith("List") and "items" in document):
        items = document.get("items") or []
        if not isinstance(items, list):
            raise SnapshotError(f"{file}: 'items' of a List must be a sequence")
        return [_checked_object(file, item) for item in items]
    return [_checked_object(file, document)]


def _checked_object(file: Path, obj: object) -> dict[str, Any]:
    if not isinstance(obj, dict):
        raise SnapshotError(f"{file}: list item is not a Kubernetes object mapping")
    kind = obj.get("kind")
    metadata = obj.get("metadata")
    name = metadata.get("name") if isinstance(metadata, dict) else None
    if not isinstance(kind, str) or not kind:
        raise SnapshotError(f"{file}: object {name or '?'} has no 'kind'")
    if not isinstance(name, str) or not name:
        raise SnapshotError(f"{file}: {kind} object has no 'metadata.name'")
    if not isinstance(obj.get("apiVersion"), str):
        raise SnapshotError(f"{file}: {kind} {name} has no 'apiVersion'")
    namespace = metadata.get("namespace") if isinstance(metadata, dict) else None
    if namespace is not None and not isinstance(namespace, str):
        raise SnapshotError(f"{file}: {kind} {name} has a non-string 'metadata.namespace'")
    return obj


def _read_logs(root: Path, max_bytes: int) -> dict[LogKey, str]:
    directory = root / "logs"
    if not directory.exists():
        return {}
    logs: dict[LogKey, str] = {}
    for file in sorted(_files_inside(root, directory)):
        key = _log_key(directory, file)
        if key is not None:
            logs[key] = _read_text(root, file, max_bytes)
    return logs


def _log_key(directory: Path, file: Path) -> LogKey | None:
    """The key for logs/<namespace>/<pod>/<container>[.previous].log; None for other files."""
    parts = file.relative_to(directory).parts
    if len(parts) != 3 or not parts[2].endswith(_LOG_SUFFIX):
        return None
    namespace, pod, filename = parts
    previous = filename.endswith(_PREVIOUS_SUFFIX)
    container = filename[: -len(_PREVIOUS_SUFFIX if previous else _LOG_SUFFIX)]
    if not all(_NAME.match(part) for part in (namespace, pod, container)):
        raise SnapshotError(f"{file}: not logs/<namespace>/<pod>/<container>[.previous].log with valid names")
    return LogKey(namespace, pod, container, previous)


def _files_inside(root: Path, directory: Path, seen: set[Path] | None = None) -> list[Path]:
    """Regular files under ``directory``; a symlink pointing outside the snapshot is refused."""
    _ensure_inside(root, directory)
    seen = set() if seen is None else seen
    if directory.resolve() in seen:  # a symlink loop: each real directory is read once
        return []
    seen.add(directory.resolve())
    found: list[Path] = []
    for current, dirnames, filenames in os.walk(directory, followlinks=False):
        seen.add(Path(current).resolve())
        for name in [*dirnames, *filenames]:
            entry = Path(current) / name
            if entry.is_symlink():
                _ensure_inside(root, entry)
        for name in dirnames:
            if (Path(current) / name).is_symlink():  # os.walk does not descend into it: do so explicitly
                found.extend(_files_inside(root, Path(current) / name, seen))
        found.extend(Path(current) / name for name in filenames if (Path(current) / name).is_file())
    return found


def _ensure_inside(root: Path, entry: Path) -> None:
    target = entry.resolve()
    if target != root and root not in target.parents:
        raise SnapshotError(f"{entry}: points outside the snapshot directory ({target})")


def _load_yaml_file(root: Path, file: Path, max_bytes: int) -> list[Any]:
    text = _read_text(root, file, max_bytes)
    try:
        return load_all_json_compatible(text)
    except yaml.YAMLError as exc:
        reason = " ".join(str(exc).split())
        raise SnapshotError(f"{file}: invalid YAML: {reason}") from None


def _read_text(root: Path, file: Path, max_bytes: int) -> str:
    _ensure_inside(root, file)
    try:
        with file.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise SnapshotError(f"{file}: cannot read: {exc.strerror or exc}") from None
    if len(data) > max_bytes:
        raise SnapshotError(f"{file}: larger than the {max_bytes}-byte limit")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SnapshotError(f"{file}: not UTF-8 (byte {exc.start})") from None

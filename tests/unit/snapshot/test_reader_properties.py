"""Property: whatever bytes sit in a snapshot's files, the reader returns a Snapshot or a SnapshotError."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from firstresponder.snapshot import Snapshot, SnapshotError, load_snapshot

YAML_FRAGMENTS = st.sampled_from([
    "apiVersion: v1\n", "kind: Pod\n", "kind: List\n", "items:\n", "- ", "metadata:\n", "  name: a\n",
    "  namespace: b\n", "---\n", "&x ", "*x", "!!binary ", "!!set ", "? ", "[", "]", "{", "}", ": ", "\t",
    "'", '"', "\\", "null", "~", "2024-01-01T00:00:00Z", ".nan", "1e400", "<<: ", "\n", "  ", "%YAML 1.1\n",
])
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)
PROPERTY_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def read(objects: bytes, header: bytes = b'capturedAt: "2024-05-14T09:30:00Z"\ncluster: c\n') -> Snapshot | None:
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        (root / "snapshot.yaml").write_bytes(header)
        (root / "objects").mkdir()
        (root / "objects" / "o.yaml").write_bytes(objects)
        try:
            snapshot = load_snapshot(root)
        except SnapshotError as error:
            assert "\n" not in str(error)
            return None
    json.dumps(snapshot.objects, allow_nan=False)  # whatever loads is servable as JSON
    return snapshot


@PROPERTY_SETTINGS
@given(st.binary(max_size=400))
def test_arbitrary_bytes(data: bytes) -> None:
    read(data)


@PROPERTY_SETTINGS
@given(st.binary(max_size=200))
def test_arbitrary_header_bytes(data: bytes) -> None:
    read(b"", header=data)


@PROPERTY_SETTINGS
@given(st.lists(YAML_FRAGMENTS, max_size=30).map("".join))
def test_yaml_like_text(text: str) -> None:
    read(text.encode())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(JSON_VALUES)
def test_arbitrary_yaml_documents(value: object) -> None:
    read(yaml.safe_dump(value).encode())


@PROPERTY_SETTINGS
@given(st.lists(st.tuples(st.sampled_from(["Pod", "Service", "Event"]),
                          st.text(alphabet="abcdefz0123-", min_size=1, max_size=12).map(lambda n: "n" + n)),
                max_size=5))
def test_valid_objects_round_trip(kinds_and_names: list[tuple[str, str]]) -> None:
    documents = [{"apiVersion": "v1", "kind": kind, "metadata": {"name": name}} for kind, name in kinds_and_names]

    snapshot = read(yaml.safe_dump_all(documents).encode())

    assert snapshot is not None
    assert snapshot.objects == documents


@PROPERTY_SETTINGS
@given(st.binary(max_size=200), st.sampled_from(["app.log", "app.previous.log", "App.log", "x.txt"]))
def test_arbitrary_log_bytes(data: bytes, filename: str) -> None:
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        (root / "snapshot.yaml").write_text('capturedAt: "2024-05-14T09:30:00Z"\ncluster: c\n')
        (root / "logs" / "ns" / "pod").mkdir(parents=True)
        (root / "logs" / "ns" / "pod" / filename).write_bytes(data)
        try:
            logs = load_snapshot(root).logs
        except SnapshotError:
            return
    assert all(text == data.decode() for text in logs.values())

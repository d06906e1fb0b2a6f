"""The snapshot reader: the fixture loads, and every kind of bad input is a one-line SnapshotError."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from firstresponder.snapshot import LogKey, SnapshotError, load_snapshot
from tests.support.simulator import BASIC_SNAPSHOT

HEADER = 'capturedAt: "2024-05-14T09:30:00Z"\ncluster: test\n'
POD = """apiVersion: v1
kind: Pod
metadata:
  name: {name}
  namespace: shop
"""


def make_snapshot(root: Path, objects: dict[str, str | bytes] | None = None, header: str = HEADER) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "snapshot.yaml").write_text(header)
    (root / "objects").mkdir(exist_ok=True)
    for name, content in (objects or {}).items():
        target = root / "objects" / name
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content)
    return root


def error_of(path: Path, **kwargs: int) -> str:
    with pytest.raises(SnapshotError) as caught:
        load_snapshot(path, **kwargs)
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_fixture_snapshot_loads_header_objects_and_logs() -> None:
    snapshot = load_snapshot(BASIC_SNAPSHOT)

    assert snapshot.captured_at == dt.datetime(2024, 5, 14, 9, 30, tzinfo=dt.UTC)
    assert (snapshot.cluster, snapshot.region) == ("shop-prod", "eu-west-1")
    assert {obj["kind"] for obj in snapshot.objects} >= {"Pod", "Deployment", "Event", "PodMetrics", "Node"}
    previous = snapshot.logs[LogKey("shop", "checkout-7d9f8b6c5d-x2k4p", "checkout", previous=True)]
    assert "cannot start without payments" in previous
    assert LogKey("shop", "checkout-7d9f8b6c5d-x2k4p", "checkout", previous=False) in snapshot.logs


def test_timestamps_stay_strings_even_unquoted(tmp_path: Path) -> None:
    root = make_snapshot(tmp_path, {"p.yaml": POD.format(name="a") + "  creationTimestamp: 2024-05-14T09:00:00Z\n"})

    pod = load_snapshot(root).objects[0]

    assert pod["metadata"]["creationTimestamp"] == "2024-05-14T09:00:00Z"


def test_lists_and_streams_are_flattened(tmp_path: Path) -> None:
    listing = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: a}\n"
    root = make_snapshot(tmp_path, {"a.yaml": listing, "b.yaml": "---\n" + POD.format(name="b") + "---\n"})

    names = [obj["metadata"]["name"] for obj in load_snapshot(root).objects]

    assert names == ["a", "b"]


def test_missing_header_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "objects").mkdir()

    assert "snapshot.yaml: missing" in error_of(tmp_path)


@pytest.mark.parametrize(("header", "expected"), [
    ("cluster: x\n", "capturedAt"),
    ('capturedAt: "yesterday"\ncluster: x\n', "not RFC3339"),
    ('capturedAt: "2024-05-14T09:30:00"\ncluster: x\n', "time zone"),
    ('capturedAt: "2024-05-14T09:30:00Z"\n', "cluster"),
    ('capturedAt: "2024-05-14T09:30:00Z"\ncluster: x\nregion: [1]\n', "region"),
    ("- a\n- b\n", "one mapping"),
])
def test_bad_header(tmp_path: Path, header: str, expected: str) -> None:
    assert expected in error_of(make_snapshot(tmp_path, header=header))


def test_header_offset_is_converted_to_utc(tmp_path: Path) -> None:
    root = make_snapshot(tmp_path, header='capturedAt: "2024-05-14T11:30:00+02:00"\ncluster: x\n')

    assert load_snapshot(root).captured_at == dt.datetime(2024, 5, 14, 9, 30, tzinfo=dt.UTC)


@pytest.mark.parametrize(("content", "expected"), [
    ("kind: [unclosed\n", "invalid YAML"),
    ("base: &a [1, 2]\nmore: *a\n", "anchors and aliases"),
    ("- &a x\n", "anchors and aliases"),
    ("apiVersion: v1\nmetadata: {name: a}\n", "no 'kind'"),
    ("apiVersion: v1\nkind: Pod\nmetadata: {}\n", "no 'metadata.name'"),
    ("kind: Pod\nmetadata: {name: a}\n", "no 'apiVersion'"),
    ("just a string\n", "expected Kubernetes objects"),
    ("apiVersion: v1\nkind: List\nitems: {a: 1}\n", "must be a sequence"),
    ("apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nx: !!binary aGVsbG8=\n", "unsupported YAML value"),
    ("apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nx: .inf\n", "non-finite"),
    ("apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nx: !!python/object:os.system {}\n", "invalid YAML"),
    ("[" * 5000 + "]" * 5000, "YAML"),
])
def test_bad_objects_file(tmp_path: Path, content: str, expected: str) -> None:
    message = error_of(make_snapshot(tmp_path, {"bad.yaml": content}))

    assert expected in message
    assert "bad.yaml" in message


def test_billion_laughs_is_refused_quickly(tmp_path: Path) -> None:
    bomb = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    for index, name in enumerate("bcdefghi"):
        previous = "abcdefghi"[index]
        bomb += f"{name}: &{name} [{','.join(['*' + previous] * 9)}]\n"

    assert "anchors and aliases" in error_of(make_snapshot(tmp_path, {"bomb.yaml": bomb}))


def test_non_utf8_file_is_refused(tmp_path: Path) -> None:
    root = make_snapshot(tmp_path, {"latin1.yaml": "apiVersion: v1\nkind: Pod\nmetadata: {name: caf\xe9}\n".encode("latin-1")})

    assert "not UTF-8" in error_of(root)


def test_enormous_file_is_refused(tmp_path: Path) -> None:
    root = make_snapshot(tmp_path, {"big.yaml": POD.format(name="a") + "#" * 2000 + "\n"})

    assert "limit" in error_of(root, max_file_bytes=1000)


def test_symlink_escaping_the_directory_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_text(POD.format(name="secret"))
    root = make_snapshot(tmp_path / "snap")
    os.symlink(outside, root / "objects" / "escape.yaml")

    assert "outside the snapshot" in error_of(root)


def test_symlinked_directory_escaping_is_refused(tmp_path: Path) -> None:
    (tmp_path / "elsewhere").mkdir()
    root = make_snapshot(tmp_path / "snap")
    os.symlink(tmp_path / "elsewhere", root / "logs")

    assert "outside the snapshot" in error_of(root)


def test_symlink_inside_the_directory_is_followed(tmp_path: Path) -> None:
    root = make_snapshot(tmp_path, {"real.yaml": POD.format(name="a")})
    (root / "extra").mkdir()
    os.symlink(root / "objects" / "real.yaml", root / "extra" / "link.yaml")

    assert len(load_snapshot(root).objects) == 1


def test_log_paths_must_be_valid_names(tmp_path: Path) -> None:
    root = make_snapshot(tmp_path)
    bad = root / "logs" / "shop" / "Bad_Pod"
    bad.mkdir(parents=True)
    (bad / "c.log").write_text("x\n")

    assert "valid names" in error_of(root)


def test_logs_keyed_by_namespace_pod_container_and_previous(tmp_path: Path) -> None:
    root = make_snapshot(tmp_path)
    pod_dir = root / "logs" / "shop" / "web-1"
    pod_dir.mkdir(parents=True)
    (pod_dir / "app.log").write_text("now\n")
    (pod_dir / "app.previous.log").write_text("before\n")
    (pod_dir / "README.txt").write_text("ignored\n")

    logs = load_snapshot(root).logs

    assert logs == {LogKey("shop", "web-1", "app", False): "now\n", LogKey("shop", "web-1", "app", True): "before\n"}


def test_not_a_directory(tmp_path: Path) -> None:
    assert "not a snapshot directory" in error_of(tmp_path / "missing")


def test_json_object_files_are_read(tmp_path: Path) -> None:
    root = make_snapshot(tmp_path, {"pods.json": '{"apiVersion": "v1", "kind": "PodList", "items": '
                                                 '[{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "a"}}]}'})

    assert [obj["kind"] for obj in load_snapshot(root).objects] == ["Pod"]


def test_symlink_loops_are_read_once(tmp_path: Path) -> None:
    root = make_snapshot(tmp_path, {"real.yaml": POD.format(name="a")})
    os.symlink(root / "objects", root / "objects" / "loop")

    assert [obj["metadata"]["name"] for obj in load_snapshot(root).objects] == ["a"]

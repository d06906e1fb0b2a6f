"""Bad input, counted: every normaliser and the HTTP intake over generated payloads, the snapshot reader
(and the CLI on top of it) over hostile directories. Refused cleanly means a typed error (IntakeError,
SnapshotError, a 4xx, exit code 2), never a crash or a 5xx."""

from __future__ import annotations

import json
import os
import random
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from firstresponder.cli import main
from firstresponder.intake import IntakeError, parse_payload
from firstresponder.models import Alert, AlertSource
from firstresponder.snapshot import SnapshotError, load_snapshot
from tests.reliability.api_stack import WEBHOOK_TOKEN, ApiStack, running_api
from tests.reliability.figures import Figures, full_run
from tests.unit.intake.test_properties import JSON, REAL_PAYLOADS

EXAMPLES = 120
COUNTING = settings(max_examples=EXAMPLES, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
ROOT = Path(__file__).resolve().parents[2]


def _mutated(data: st.DataObject) -> Any:
    """A real payload with one subtree replaced by generated JSON."""
    payload = json.loads(json.dumps(data.draw(st.sampled_from(REAL_PAYLOADS))))
    node = payload
    while isinstance(node, dict | list) and node and data.draw(st.booleans()):
        key = data.draw(st.sampled_from(list(node.keys()) if isinstance(node, dict) else list(range(len(node)))))
        if not isinstance(node[key], dict | list) or data.draw(st.booleans()):
            node[key] = data.draw(JSON)
            break
        node = node[key]
    return payload


@pytest.mark.parametrize("source", [*AlertSource, None], ids=lambda s: s.value if s else "auto")
def test_every_normaliser_returns_alerts_or_refuses_cleanly(source: AlertSource | None, figures: Figures) -> None:
    @COUNTING
    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        choice = data.draw(st.sampled_from(["json", "mutated", "bytes"]))
        payload: Any = (data.draw(JSON) if choice == "json" else _mutated(data) if choice == "mutated"
                        else data.draw(st.binary(max_size=300)))
        figures.add("bad.tried")
        try:
            alerts = parse_payload(payload, source)
        except IntakeError as error:
            assert 400 <= error.status < 500 and "\n" not in error.reason
            figures.add("bad.refused")
            return
        assert all(isinstance(a, Alert) for a in alerts)
        figures.add("bad.accepted")

    check()


@pytest.fixture(scope="module")
def intake_api(moto_endpoint: str) -> Iterator[ApiStack]:
    with running_api(moto_endpoint) as api:
        yield api


@pytest.mark.parametrize("source", [s.value for s in AlertSource] + ["unknown"])
def test_http_intake_never_answers_5xx(intake_api: ApiStack, source: str, figures: Figures) -> None:
    client = httpx.Client(base_url=intake_api.url, timeout=10)

    @settings(COUNTING, max_examples=40)
    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        body = data.draw(st.binary(max_size=200) | JSON.map(lambda v: json.dumps(v).encode())
                         | st.builds(lambda d: json.dumps(_mutated(d)).encode(), st.data()))
        content_type = data.draw(st.sampled_from(["application/json", "text/plain", "application/xml", ""]))
        headers = {"Authorization": f"Bearer {WEBHOOK_TOKEN}"}
        if content_type:
            headers["Content-Type"] = content_type
        response = client.post(f"/alerts/{source}", content=body, headers=headers)
        figures.add("bad.tried")
        if response.status_code == 503 and "signing certificate unavailable" in response.text:
            figures.add("bad.refused")  # by design: SNS retries until its certificate can be fetched
            return
        if response.status_code >= 500:
            figures.add("bad.5xx")
        elif response.status_code >= 400:
            figures.add("bad.refused")
            assert response.json()["error"]
        assert response.status_code < 500, response.text

    with client:
        check()


@pytest.mark.parametrize("body", [b"\x80", b'{"receiver":"\xff"}', "é".encode("latin-1")])
def test_non_utf8_alert_body_is_refused_with_415(intake_api: ApiStack, body: bytes, figures: Figures) -> None:
    response = httpx.post(f"{intake_api.url}/alerts/alertmanager", content=body,
                          headers={"Authorization": f"Bearer {WEBHOOK_TOKEN}", "Content-Type": "application/json"})
    figures.add("bad.tried")
    figures.add("bad.5xx" if response.status_code >= 500 else "bad.refused")
    assert response.status_code == 415


# Hostile snapshot directories: each builder writes into an otherwise valid snapshot.
def _bomb(root: Path) -> None:
    levels = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    levels += [f"a{n}: &a{n} [{','.join([f'*a{n - 1}'] * 9)}]" for n in range(1, 10)]
    (root / "objects" / "bomb.yaml").write_text("\n".join(levels) + "\n")


def _non_utf8(root: Path) -> None:
    (root / "objects" / "latin1.yaml").write_bytes("kind: Pod\nmetadata: {name: caf\xe9}\n".encode("latin-1"))


def _random_bytes(root: Path) -> None:
    (root / "objects" / "noise.yaml").write_bytes(random.Random(7).randbytes(4096))


def _huge_line(root: Path) -> None:
    log = root / "logs" / "default" / "big-pod" / "app.log"
    log.parent.mkdir(parents=True)
    log.write_text("E" * 3_000_000 + "\n")


def _traversal_names(root: Path) -> None:
    (root / "logs" / "..." / "pod").mkdir(parents=True)
    (root / "logs" / "..." / "pod" / "..log").write_text("x\n")
    (root / "logs" / "ns" / "pod\nname").mkdir(parents=True)
    (root / "logs" / "ns" / "pod\nname" / "c.log").write_text("x\n")


def _symlink_out(root: Path) -> None:
    os.symlink("/etc/passwd", root / "objects" / "passwd.yaml")


def _symlinked_dir_out(root: Path) -> None:
    (root / "logs" / "default").mkdir(parents=True, exist_ok=True)
    os.symlink("/etc", root / "logs" / "default" / "etc")


def _object_with_traversal_name(root: Path) -> None:
    (root / "objects" / "evil.yaml").write_text(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: ../../../etc/passwd, namespace: ../..}\n")


def _deep_nesting(root: Path) -> None:
    (root / "objects" / "deep.yaml").write_text("a: " + "[" * 5000 + "]" * 5000 + "\n")


HOSTILE_DIRS: dict[str, Callable[[Path], None]] = {
    "yaml-bomb": _bomb, "non-utf8": _non_utf8, "random-bytes": _random_bytes, "huge-line": _huge_line,
    "traversal-names": _traversal_names, "symlink-file-out": _symlink_out, "symlink-dir-out": _symlinked_dir_out,
    "traversal-object-name": _object_with_traversal_name, "deep-nesting": _deep_nesting,
}


def _valid_snapshot(root: Path) -> Path:
    (root / "objects").mkdir(parents=True)
    (root / "logs").mkdir()
    (root / "snapshot.yaml").write_text("capturedAt: '2026-03-17T02:51:42Z'\ncluster: hostile\n")
    (root / "objects" / "pods.yaml").write_text(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: web-0, namespace: default}\nspec: {containers: [{name: app}]}\n")
    return root


@pytest.mark.parametrize("hostile", sorted(HOSTILE_DIRS))
def test_hostile_snapshot_is_read_or_refused_cleanly(tmp_path: Path, hostile: str, figures: Figures) -> None:
    root = _valid_snapshot(tmp_path / "snap")
    HOSTILE_DIRS[hostile](root)
    figures.add("bad.tried")
    try:
        snapshot = load_snapshot(root)
    except SnapshotError as error:
        assert str(root) in str(error) or "snapshot" in str(error).lower()
        figures.add("bad.refused")
    else:
        figures.add("bad.accepted")
        text = repr(snapshot.objects) + repr(list(snapshot.logs.values()))[:10_000]
        assert "root:x:0:0" not in text  # nothing from outside the directory was read
    # The CLI on top of it: a clean usage error (2) or a report (0), never an internal error (1).
    alert = tmp_path / "alert.json"
    alert.write_text(json.dumps({"title": "web down", "startsAt": "2026-03-17T02:50:00Z", "namespace": "default",
                                 "kind": "Pod", "name": "web-0"}))
    assert main(["investigate", "--alert", str(alert), "--snapshot", str(root), "--output", "json",
                 "--no-progress"]) in (0, 2)


_NAMES = st.sampled_from(["objects", "logs", "snapshot.yaml", "..", ".", "...", "a.yaml", "b.log", "x.previous.log",
                          "ns", "pod", "ü.yaml", "COM1", " ", "-rf"])


@pytest.mark.parametrize("seed", [0])
def test_generated_directory_trees_are_read_or_refused_cleanly(tmp_path_factory: pytest.TempPathFactory,
                                                               seed: int, figures: Figures,
                                                               request: pytest.FixtureRequest) -> None:
    @settings(COUNTING, max_examples=200 if full_run(request.config) else 60)
    @given(files=st.lists(st.tuples(st.lists(_NAMES, min_size=1, max_size=4), st.binary(max_size=200)),
                          max_size=8))
    def check(files: list[tuple[list[str], bytes]]) -> None:
        root = _valid_snapshot(tmp_path_factory.mktemp("tree") / "snap")
        for parts, data in files:
            target = root.joinpath(*parts).resolve()
            if not target.is_relative_to(root) or target == root:
                continue  # the generator must not write outside its own directory
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
            except (IsADirectoryError, NotADirectoryError, FileExistsError):
                continue
        figures.add("bad.tried")
        try:
            load_snapshot(root)
            figures.add("bad.accepted")
        except SnapshotError:
            figures.add("bad.refused")

    check()


def test_renderer_property_tests_are_counted_not_duplicated(figures: Figures) -> None:
    """tests/unit/render already fuzzes every renderer with hostile reports; count them into the figures."""
    text = "\n".join(p.read_text() for p in (ROOT / "tests" / "unit" / "render").glob("test_*.py"))
    properties = text.count("@given(")
    figures.add("bad.render_properties", properties)
    assert properties >= 4

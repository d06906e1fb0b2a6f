"""The generated clusters are valid snapshots with the demo's incident and consistent references."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from bench.simserver import load_generated
from bench.synthetic import generate_cluster
from firstresponder.snapshot import load_snapshot


def test_small_cluster_reads_back_through_the_project_reader(tmp_path: Path) -> None:
    # Given a tiny generated cluster
    cluster = generate_cluster(tmp_path / "c", 60)
    # When the project's own reader loads it
    snapshot = load_snapshot(cluster.directory)
    kinds = Counter(o["kind"] for o in snapshot.objects)
    # Then its counts are what the generator says, and the demo's crashing pod is there
    assert kinds["Pod"] == cluster.pods
    assert kinds["Event"] == cluster.events
    assert len(snapshot.objects) == cluster.objects
    assert cluster.pods >= 60 - 3
    assert any(o["kind"] == "ConfigMap" and o["metadata"]["name"] == "payments-config" for o in snapshot.objects)


def test_clones_have_unique_uids_and_point_at_their_owners(tmp_path: Path) -> None:
    snapshot = load_snapshot(generate_cluster(tmp_path / "c", 60).directory)
    uids = [o["metadata"]["uid"] for o in snapshot.objects if o["metadata"].get("uid")]
    assert len(uids) == len(set(uids))
    by_uid = {o["metadata"]["uid"]: o for o in snapshot.objects if o["metadata"].get("uid")}
    for obj in snapshot.objects:
        for owner in obj["metadata"].get("ownerReferences") or []:
            target = by_uid.get(owner["uid"])
            assert target is not None and target["metadata"]["name"] == owner["name"], obj["metadata"]["name"]
    pods = {(o["metadata"]["namespace"], o["metadata"]["name"]) for o in snapshot.objects if o["kind"] == "Pod"}
    for endpoints in (o for o in snapshot.objects if o["kind"] == "Endpoints"):
        for subset in endpoints.get("subsets") or []:
            for address in subset.get("addresses") or []:
                ref = address["targetRef"]
                assert (ref["namespace"], ref["name"]) in pods


def test_larger_clusters_spread_over_namespaces_and_nodes(tmp_path: Path) -> None:
    cluster = generate_cluster(tmp_path / "c", 400)
    assert cluster.namespaces > 6 and cluster.nodes > 3
    assert len(cluster.samples) > 10
    assert len({namespace for namespace, _pod, _app in cluster.samples}) > 1


def test_the_bench_loader_reads_the_same_objects_as_the_project_reader(tmp_path: Path) -> None:
    cluster = generate_cluster(tmp_path / "c", 60)
    fast = load_generated(cluster.directory)
    slow = load_snapshot(cluster.directory)
    key = lambda o: (o["kind"], o["metadata"].get("namespace"), o["metadata"]["name"])  # noqa: E731
    assert sorted(map(key, fast.objects)) == sorted(map(key, slow.objects))
    assert fast.logs == slow.logs

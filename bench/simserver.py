"""The simulator in its own process, so the investigation's memory and CPU are measured alone.

``python -m bench.simserver DIR [--latency S]`` prints one JSON line ``{"url": ..., "load_seconds": ...}``,
then answers ``records`` on stdin with one JSON line of the requests served since the last ask; it
stops at end of input. ``RemoteCluster`` is the parent side.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType
from typing import Any

from firstresponder.sim import SimulatedCluster
from firstresponder.snapshot import Snapshot, load_snapshot

FILLER_PREFIX = "zz-filler-"


def load_generated(directory: Path) -> Snapshot:
    """A generated cluster: the demo part through the project's reader, the filler JSON through ``json``.

    The project's reader parses ``.json`` with PyYAML (about 1 MB/s here): a 10,000-pod snapshot would
    take minutes, so the bench reads its own filler files with the json module (see docs/performance.md).
    """
    objects_dir = directory / "objects"
    filler = sorted(objects_dir.glob(f"{FILLER_PREFIX}*.json"))
    staging = directory.parent / f"{directory.name}-demo-part"
    if not staging.exists():  # the same directory without the filler files (copies: the reader refuses outside links)
        shutil.copytree(directory, staging, ignore=shutil.ignore_patterns(f"{FILLER_PREFIX}*"))
    base = load_snapshot(staging)
    objects = list(base.objects)
    for file in filler:
        objects.extend(json.loads(file.read_text(encoding="utf-8"))["items"])
    return Snapshot(captured_at=base.captured_at, cluster=base.cluster, region=base.region, objects=objects,
                    logs=base.logs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.simserver")
    parser.add_argument("directory", type=Path)
    parser.add_argument("--latency", type=float, default=0.0)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    snapshot = load_generated(args.directory)
    loaded = time.perf_counter() - started
    with SimulatedCluster(snapshot, latency_seconds=args.latency) as cluster:
        print(json.dumps({"url": cluster.url, "load_seconds": loaded, "objects": len(snapshot.objects)}), flush=True)
        seen = 0
        for line in sys.stdin:
            if line.strip() == "records":
                records = cluster.requests[seen:]
                seen += len(records)
                print(json.dumps([{"path": r.path, "query": r.query, "status": r.status, "bytes": r.bytes}
                                  for r in records]), flush=True)
    return 0


class RemoteCluster:
    """Starts ``bench.simserver`` for a snapshot directory and talks to it over its pipes."""

    def __init__(self, directory: Path, *, latency_seconds: float = 0.0) -> None:
        self._argv = [sys.executable, "-m", "bench.simserver", str(directory), "--latency", str(latency_seconds)]
        self._process: subprocess.Popen[str] | None = None
        self.url = ""
        self.load_seconds = 0.0

    def __enter__(self) -> RemoteCluster:
        self._process = subprocess.Popen(self._argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                         cwd=Path(__file__).resolve().parent.parent)
        assert self._process.stdout is not None
        first = self._process.stdout.readline()
        if not first:
            raise RuntimeError(f"the simulator process exited ({self._process.wait()})")
        hello = json.loads(first)
        self.url, self.load_seconds = hello["url"], hello["load_seconds"]
        return self

    def records(self) -> list[dict[str, Any]]:
        """Requests served since the previous call."""
        assert self._process is not None and self._process.stdin and self._process.stdout
        self._process.stdin.write("records\n")
        self._process.stdin.flush()
        result: list[dict[str, Any]] = json.loads(self._process.stdout.readline())
        return result

    def write_kubeconfig(self, path: Path) -> Path:
        config = {"apiVersion": "v1", "kind": "Config", "current-context": "bench",
                  "clusters": [{"name": "bench", "cluster": {"server": self.url}}],
                  "users": [{"name": "bench", "user": {"token": "bench"}}],
                  "contexts": [{"name": "bench", "context": {"cluster": "bench", "user": "bench"}}]}
        path.write_text(json.dumps(config), encoding="utf-8")
        return path

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 traceback: TracebackType | None) -> None:
        if self._process is not None:
            if self._process.stdin:
                self._process.stdin.close()
            try:
                self._process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            self._process = None


if __name__ == "__main__":
    raise SystemExit(main())

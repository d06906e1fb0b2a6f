"""``SimulatedCluster``: a snapshot served as a read-only Kubernetes API on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

import yaml

from firstresponder.sim.api import SnapshotApi
from firstresponder.sim.faults import FaultPlan
from firstresponder.sim.handler import RequestRecord, SimulatorHttpServer
from firstresponder.snapshot import Snapshot, load_snapshot

__all__ = ["RequestRecord", "SimulatedCluster", "serve"]
_HOST = "127.0.0.1"


class SimulatedCluster:
    """A started/stopped HTTP server answering the Kubernetes API from one snapshot, read-only."""

    def __init__(self, snapshot: Snapshot | Path, *, port: int = 0, shift_timestamps_to: dt.datetime | None = None,
                 latency_seconds: float = 0.0, faults: FaultPlan | None = None,
                 clock: Callable[[], dt.datetime] | None = None) -> None:
        self.snapshot = snapshot if isinstance(snapshot, Snapshot) else load_snapshot(snapshot)
        self._port = port
        self._shift_to = shift_timestamps_to
        self._latency = latency_seconds
        self._faults = faults
        self._clock = clock
        self._server: SimulatorHttpServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT`` once started."""
        if self._server is None:
            raise RuntimeError("the simulated cluster is not started")
        return f"http://{_HOST}:{self._server.server_address[1]}"

    @property
    def requests(self) -> list[RequestRecord]:
        """A copy of every request served so far, in arrival order."""
        if self._server is None:
            return []
        with self._server.records_lock:
            return list(self._server.records)

    def start(self) -> None:
        if self._server is not None:
            return
        api = SnapshotApi(self.snapshot, shift_timestamps_to=self._shift_to, clock=self._clock)
        server = SimulatorHttpServer((_HOST, self._port), api, faults=self._faults,
                                     latency_seconds=self._latency)
        api.server_address = f"{_HOST}:{server.server_address[1]}"
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="firstresponder-sim", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        server, thread = self._server, self._thread
        if server is None:
            return
        server.stopping.set()  # wakes handlers sleeping in a delay or timeout fault
        server.shutdown()
        server.server_close()
        if thread is not None:
            thread.join(timeout=5)
        self._thread = None

    def __enter__(self) -> SimulatedCluster:
        self.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.stop()

    def write_kubeconfig(self, path: Path, context: str = "firstresponder-sim") -> Path:
        """A kubeconfig whose current context points at this server (token auth, never checked)."""
        config = {
            "apiVersion": "v1", "kind": "Config", "preferences": {},
            "clusters": [{"name": context, "cluster": {"server": self.url}}],
            "users": [{"name": context, "user": {"token": "firstresponder-sim"}}],
            "contexts": [{"name": context, "context": {"cluster": context, "user": context}}],
            "current-context": context,
        }
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
        return path


def serve(snapshot_dir: Path, *, port: int, kubeconfig: Path | None, shift: bool) -> None:
    """Serve a snapshot until interrupted (``firstresponder sim DIR``); ``shift`` makes ages read as at capture."""
    shift_to = dt.datetime.now(dt.UTC) if shift else None
    cluster = SimulatedCluster(Path(snapshot_dir), port=port, shift_timestamps_to=shift_to)
    cluster.start()
    try:
        print(f"Serving snapshot of {cluster.snapshot.cluster} at {cluster.url}", file=sys.stderr)
        if kubeconfig is not None:
            cluster.write_kubeconfig(kubeconfig)
            print(f"kubeconfig: {kubeconfig} (kubectl --kubeconfig {kubeconfig} get pods -A)", file=sys.stderr)
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        cluster.stop()

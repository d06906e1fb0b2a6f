"""Open a read-only connection to the cluster the CLI was pointed at."""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from firstresponder.cli.errors import EXIT_CLUSTER, EXIT_USAGE, CliError
from firstresponder.kube.reader import ClusterReader


@contextmanager
def open_cluster(args: argparse.Namespace) -> Iterator[ClusterReader]:
    """Yield a gateway for --snapshot (served by the simulator), --context or --eks-cluster."""
    from firstresponder.kube import connection

    if getattr(args, "snapshot", None):
        with _simulated(Path(args.snapshot)) as kubeconfig:
            yield connection.connect_kubeconfig(kubeconfig, "firstresponder-sim")
        return
    try:
        if getattr(args, "eks_cluster", None):
            if not args.region:
                raise CliError("--eks-cluster needs --region", EXIT_USAGE)
            reader = connection.connect_eks(args.eks_cluster, args.region)
        else:
            config_path = Path(args.kubeconfig) if args.kubeconfig else None
            reader = connection.connect_kubeconfig(config_path, args.context)
    except CliError:
        raise
    except Exception as err:  # config/credential problems surface as one line
        raise CliError(f"cannot connect to the cluster: {err}", EXIT_CLUSTER) from err
    yield reader


@contextmanager
def _simulated(snapshot_dir: Path) -> Iterator[Path]:
    from firstresponder.sim.server import SimulatedCluster
    from firstresponder.snapshot.reader import SnapshotError, load_snapshot

    try:
        snapshot = load_snapshot(snapshot_dir)
    except SnapshotError as err:
        raise CliError(f"invalid snapshot {snapshot_dir}: {err}", EXIT_USAGE) from err
    with tempfile.TemporaryDirectory(prefix="firstresponder-") as tmp, SimulatedCluster(snapshot) as sim:
        yield sim.write_kubeconfig(Path(tmp) / "kubeconfig")

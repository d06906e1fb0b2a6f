"""`firstresponder sim DIR`: serve a snapshot as a read-only Kubernetes API until interrupted."""

from __future__ import annotations

import argparse
from pathlib import Path

from firstresponder.cli.errors import EXIT_OK, EXIT_USAGE, CliError


def run_sim(args: argparse.Namespace) -> int:
    from firstresponder.sim.server import serve
    from firstresponder.snapshot.reader import SnapshotError

    try:
        serve(Path(args.snapshot), port=args.port, kubeconfig=Path(args.kubeconfig),
              shift=args.shift_timestamps)
    except SnapshotError as err:
        raise CliError(f"invalid snapshot {args.snapshot}: {err}", EXIT_USAGE) from err
    except OSError as err:
        raise CliError(f"cannot serve on port {args.port}: {err.strerror}", EXIT_USAGE) from err
    return EXIT_OK

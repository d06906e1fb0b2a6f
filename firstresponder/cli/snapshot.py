"""`firstresponder snapshot`: write a replayable snapshot of a live cluster (read-only)."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

from firstresponder.cli.cluster import open_cluster
from firstresponder.cli.errors import EXIT_OK


def run_snapshot(args: argparse.Namespace) -> int:
    from firstresponder.snapshot.writer import write_snapshot

    with open_cluster(args) as reader:
        summary = write_snapshot(reader, Path(args.out), cluster=args.eks_cluster or args.context,
                                 region=args.region, namespaces=args.namespace,
                                 captured_at=datetime.now(UTC))
    print(f"snapshot written to {args.out}: {summary}", file=sys.stderr)
    return EXIT_OK

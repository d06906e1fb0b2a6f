"""The `firstresponder` command: argument parsing and dispatch to one module per subcommand."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from firstresponder.cli.errors import EXIT_INTERNAL, EXIT_USAGE, CliError

SOURCES = ["auto", "alertmanager", "sns", "eventbridge", "datadog", "generic"]
OUTPUTS = ["text", "json", "markdown", "slack", "html"]

EPILOG = """exit codes:
  0  report(s) written
  1  internal error (a bug: please report it with --debug output)
  2  bad arguments or unreadable/invalid input (alert file, snapshot)
  3  the cluster could not be reached or authenticated
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="firstresponder", epilog=EPILOG,
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     description="Read-only Kubernetes alert investigator.")
    parser.add_argument("--debug", action="store_true", help="show tracebacks on internal errors")
    sub = parser.add_subparsers(dest="command", required=True)

    inv = sub.add_parser("investigate", help="investigate an alert file against a cluster or snapshot",
                         epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    inv.add_argument("--alert", required=True, metavar="FILE", help="alert payload as its source sends it")
    inv.add_argument("--source", choices=SOURCES, default="auto")
    target = inv.add_mutually_exclusive_group(required=True)
    target.add_argument("--snapshot", metavar="DIR", help="replay a cluster snapshot through the simulator")
    target.add_argument("--context", metavar="CTX", help="kubeconfig context of a live cluster")
    target.add_argument("--eks-cluster", metavar="NAME", help="EKS cluster name (needs --region)")
    inv.add_argument("--kubeconfig", metavar="PATH", help="kubeconfig file (default: $KUBECONFIG or ~/.kube/config)")
    inv.add_argument("--region", help="AWS region of the EKS cluster")
    inv.add_argument("--output", "-o", choices=OUTPUTS, default="text")
    inv.add_argument("--no-progress", action="store_true", help="do not show progress on stderr")

    alerts = sub.add_parser("alerts", help="alert payload tools")
    alerts_sub = alerts.add_subparsers(dest="alerts_command", required=True)
    parse = alerts_sub.add_parser("parse", help="print the normalised alert(s) of a payload as JSON")
    parse.add_argument("file", metavar="FILE")
    parse.add_argument("--source", choices=SOURCES, default="auto")

    sim = sub.add_parser("sim", help="serve a snapshot as a read-only Kubernetes API")
    sim.add_argument("snapshot", metavar="DIR")
    sim.add_argument("--port", type=int, default=8443)
    sim.add_argument("--kubeconfig", metavar="PATH", default="sim.kubeconfig",
                     help="where to write a kubeconfig for kubectl (default: ./sim.kubeconfig)")
    sim.add_argument("--shift-timestamps", action="store_true",
                     help="shift all timestamps so ages read as they did at capture time")

    snap = sub.add_parser("snapshot", help="write a snapshot of a live cluster (read-only)")
    snap_target = snap.add_mutually_exclusive_group(required=True)
    snap_target.add_argument("--context", metavar="CTX")
    snap_target.add_argument("--eks-cluster", metavar="NAME")
    snap.add_argument("--kubeconfig", metavar="PATH")
    snap.add_argument("--region")
    snap.add_argument("--namespace", "-n", action="append", metavar="NS", help="repeatable; default all")
    snap.add_argument("--out", required=True, metavar="DIR")

    demo = sub.add_parser("demo", help="the bundled 2:51 AM payments-api incident, through the local stack")
    demo.add_argument("--output", "-o", choices=OUTPUTS, default="text")
    demo.add_argument("--offline", action="store_true",
                      help="replay through the investigation engine only (no local AWS stack)")

    local = sub.add_parser("local", help="run the complete local stack (API, state machine, DynamoDB, Slack)")
    local.add_argument("--snapshot", metavar="DIR", help="cluster snapshot to serve (default: the demo)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return _dispatch(args)
    except CliError as err:
        print(f"firstresponder: error: {err}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        return 130
    except Exception as err:
        if args.debug:
            raise
        print(f"firstresponder: internal error: {type(err).__name__}: {err} (rerun with --debug)",
              file=sys.stderr)
        return EXIT_INTERNAL


def _dispatch(args: argparse.Namespace) -> int:
    # Imports are per command so `alerts parse` does not load the Kubernetes client.
    if args.command == "investigate":
        from firstresponder.cli.investigate import run_investigate
        return run_investigate(args)
    if args.command == "alerts":
        from firstresponder.cli.alerts import run_alerts_parse
        return run_alerts_parse(args)
    if args.command == "sim":
        from firstresponder.cli.sim import run_sim
        return run_sim(args)
    if args.command == "snapshot":
        from firstresponder.cli.snapshot import run_snapshot
        return run_snapshot(args)
    if args.command == "local":
        from firstresponder.cli.local import run_local
        return run_local(args)
    if args.command == "demo":
        from firstresponder.cli.demo import run_demo
        return run_demo(args)
    raise CliError(f"unknown command {args.command}", EXIT_USAGE)

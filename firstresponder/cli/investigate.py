"""`firstresponder investigate`: one report per incident in an alert file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from firstresponder.cli.alerts import load_alerts
from firstresponder.cli.cluster import open_cluster
from firstresponder.cli.errors import EXIT_OK, EXIT_USAGE, CliError
from firstresponder.cli.output import write_reports
from firstresponder.models import Alert, AlertStatus, Report
from firstresponder.services.incidents import incidents_to_investigate
from firstresponder.services.investigation import investigate


def run_investigate(args: argparse.Namespace) -> int:
    alerts = load_alerts(Path(args.alert), args.source)
    reports = investigate_alerts(alerts, args, source_name=args.alert)
    write_reports(reports, args.output)
    return EXIT_OK


def investigate_alerts(alerts: list[Alert], args: argparse.Namespace, *, source_name: str) -> list[Report]:
    firing = [a for a in alerts if a.status == AlertStatus.FIRING]
    if not firing:
        raise CliError(f"{source_name}: no firing alerts to investigate "
                       f"({len(alerts)} resolved)", EXIT_USAGE)
    progress = _progress_printer(args)
    reports: list[Report] = []
    with open_cluster(args) as reader:
        for primary, related in incidents_to_investigate(firing):
            report = investigate(primary, reader, progress=progress)
            report.related_alerts = [a.fingerprint for a in related if a is not primary]
            reports.append(report)
    return reports


def _progress_printer(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    if getattr(args, "no_progress", False) or not sys.stderr.isatty():
        return None

    def say(message: str) -> None:
        print(f"… {message}", file=sys.stderr, flush=True)

    return say

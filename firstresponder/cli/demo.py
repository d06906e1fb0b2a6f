"""`firstresponder demo`: the bundled 2:51 AM incident, replayed offline."""

from __future__ import annotations

import argparse
from importlib import resources
from pathlib import Path

from firstresponder.cli.alerts import load_alerts
from firstresponder.cli.errors import EXIT_OK
from firstresponder.cli.investigate import investigate_alerts
from firstresponder.cli.output import write_reports


def demo_dir() -> Path:
    return Path(str(resources.files("firstresponder") / "demo" / "payments"))


def run_demo(args: argparse.Namespace) -> int:
    scenario = demo_dir()
    alerts = load_alerts(scenario / "alert.json", "auto")
    replay = argparse.Namespace(snapshot=str(scenario), no_progress=True)
    write_reports(investigate_alerts(alerts, replay, source_name="demo alert"), args.output)
    return EXIT_OK

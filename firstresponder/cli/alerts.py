"""`firstresponder alerts parse`, and alert-file loading shared by other commands."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from firstresponder.cli.errors import EXIT_OK, EXIT_USAGE, CliError
from firstresponder.models import Alert


def load_alerts(path: Path, source: str) -> list[Alert]:
    from firstresponder.intake import IntakeError, parse_alert_file

    if not path.is_file():
        raise CliError(f"alert file not found: {path}", EXIT_USAGE)
    try:
        return parse_alert_file(path, None if source == "auto" else source)
    except IntakeError as err:
        raise CliError(f"{path}: {err.reason}", EXIT_USAGE) from err
    except OSError as err:
        raise CliError(f"cannot read {path}: {err.strerror}", EXIT_USAGE) from err


def run_alerts_parse(args: argparse.Namespace) -> int:
    alerts = load_alerts(Path(args.file), args.source)
    json.dump([a.model_dump(mode="json") for a in alerts], sys.stdout, indent=2)
    sys.stdout.write("\n")
    return EXIT_OK

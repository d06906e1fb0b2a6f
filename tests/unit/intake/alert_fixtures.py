"""The alert payload fixtures and their reviewed expectations (``<name>.expected.json`` beside each).

Regenerate after a deliberate change, then review the diff: ``.venv/bin/python -m tests.unit.intake.alert_fixtures``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from firstresponder.intake import IntakeError, parse_payload

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "alerts"


def fixture_files() -> list[Path]:
    """Every input fixture (JSON bodies and raw HTTP requests), not the expectations."""
    return sorted(p for p in FIXTURES.glob("*/*")
                  if p.suffix in (".json", ".txt") and not p.name.endswith(".expected.json"))


def fixture_body(path: Path) -> bytes:
    """The request body of a fixture (a raw ``.http.txt`` request is split at its blank line)."""
    raw = path.read_bytes()
    if path.name.endswith(".http.txt"):
        return raw.replace(b"\r\n", b"\n").split(b"\n\n", 1)[1]
    return raw


def fixture_json(name: str) -> Any:
    """A fixture's parsed body, by ``<source>/<file>``."""
    return json.loads(fixture_body(FIXTURES / name))


def expected_path(path: Path) -> Path:
    stem = path.name.removesuffix(".json").removesuffix(".txt")
    return path.with_name(f"{stem}.expected.json")


def normalised(path: Path) -> dict[str, Any]:
    """What the golden test compares: the alerts, or the IntakeError."""
    try:
        alerts = parse_payload(fixture_body(path), None)
    except IntakeError as error:
        return {"error": {"status": error.status, "reason": error.reason}}
    return {"alerts": [alert.model_dump(mode="json") for alert in alerts]}


if __name__ == "__main__":
    for fixture in fixture_files():
        expected_path(fixture).write_text(json.dumps(normalised(fixture), indent=2, ensure_ascii=False) + "\n")
        print(expected_path(fixture).relative_to(FIXTURES))

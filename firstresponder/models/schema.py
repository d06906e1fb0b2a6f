"""The JSON Schema of ``Report``: generated from the models into ``schemas/report.schema.json``.

``python -m firstresponder.models.schema --write`` regenerates the file; ``--check`` exits 1
when the committed file no longer matches the models (run in tests and CI).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from firstresponder.models.report import Report

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "schemas" / "report.schema.json"
DIALECT = "https://json-schema.org/draft/2020-12/schema"


def report_schema() -> dict[str, Any]:
    """The schema a stored or published report validates against."""
    schema = Report.model_json_schema(mode="validation")
    return {"$schema": DIALECT, **schema}


def report_schema_text() -> str:
    """The schema as committed: stable key order, two-space indent, trailing newline."""
    return json.dumps(report_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m firstresponder.models.schema", description=__doc__)
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--write", action="store_true", help="regenerate the schema file")
    action.add_argument("--check", action="store_true", help="exit 1 when the file is out of date")
    parser.add_argument("--path", type=Path, default=SCHEMA_PATH)
    args = parser.parse_args(argv)
    expected = report_schema_text()
    if args.write:
        args.path.parent.mkdir(parents=True, exist_ok=True)
        args.path.write_text(expected, encoding="utf-8")
        print(f"wrote {args.path}")
        return 0
    current = args.path.read_text(encoding="utf-8") if args.path.exists() else ""
    if current != expected:
        print(f"{args.path} is out of date: run `make schema` (python -m firstresponder.models.schema --write)",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

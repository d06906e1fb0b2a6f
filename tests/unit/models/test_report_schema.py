"""The committed JSON Schema matches the models, and real reports validate against it."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema  # type: ignore[import-untyped]
import pytest

from firstresponder.models import schema
from tests.support.reports import sample_reports


def test_committed_schema_matches_the_models() -> None:
    # Given the schema file in the repository; When regenerated from the models; Then identical.
    assert schema.SCHEMA_PATH.read_text(encoding="utf-8") == schema.report_schema_text(), (
        "schemas/report.schema.json is stale: run `make schema`")


def test_check_passes_on_the_committed_file() -> None:
    assert schema.main(["--check"]) == 0


def test_check_fails_on_a_stale_file(tmp_path: Path) -> None:
    stale = tmp_path / "report.schema.json"
    stale.write_text(json.dumps({"title": "Report", "properties": {}}), encoding="utf-8")
    assert schema.main(["--check", "--path", str(stale)]) == 1


def test_check_fails_when_the_file_is_missing(tmp_path: Path) -> None:
    assert schema.main(["--check", "--path", str(tmp_path / "absent.json")]) == 1


def test_write_then_check_round_trips(tmp_path: Path) -> None:
    target = tmp_path / "nested" / "report.schema.json"
    assert schema.main(["--write", "--path", str(target)]) == 0
    assert schema.main(["--check", "--path", str(target)]) == 0


def test_schema_declares_its_dialect_and_forbids_unknown_fields() -> None:
    doc = schema.report_schema()
    assert doc["$schema"] == schema.DIALECT
    assert doc["additionalProperties"] is False
    jsonschema.Draft202012Validator.check_schema(doc)


@pytest.mark.parametrize("name", sorted(sample_reports()))
def test_sample_reports_validate_against_the_schema(name: str) -> None:
    report = sample_reports()[name]
    document = json.loads(report.model_dump_json())
    jsonschema.Draft202012Validator(schema.report_schema()).validate(document)


def test_schema_rejects_a_report_with_an_unknown_field() -> None:
    document = json.loads(sample_reports()["oom"].model_dump_json())
    document["root_cause"]["surprise"] = True
    errors = list(jsonschema.Draft202012Validator(schema.report_schema()).iter_errors(document))
    assert errors


def test_schema_rejects_evidence_with_an_unknown_facts_source() -> None:
    document = json.loads(sample_reports()["oom"].model_dump_json())
    document["evidence"][0]["facts"]["source"] = "tea.leaves"
    assert list(jsonschema.Draft202012Validator(schema.report_schema()).iter_errors(document))

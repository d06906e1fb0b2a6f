"""Every object in every scenario validates against the Kubernetes 1.32 OpenAPI schema (strict).

kubernetes_validate.validate() re-reads and re-parses its schema files on every call (~5 ms, several
thousand objects here), so the bulk check builds one validator per kind from the same files and the same
registry; test_cached_validator_agrees_with_kubernetes_validate pins that it judges exactly as validate() does.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
from kubernetes_validate.utils import schema_contents
from referencing import Registry, Resource

from tests.unit.scenarios.corpus import DEMO, SCHEMALESS_KINDS, all_dirs, ids_of, load

VERSION = "1.32.0"
SCHEMA_DIR = "v1.32.0-local-strict"
DIRS = all_dirs()


@cache
def _definitions() -> Resource[Any]:
    return Resource.from_contents(schema_contents(f"kubernetes-json-schema/{SCHEMA_DIR}/_definitions.json", VERSION))


@cache
def _validator(kind: str, api_version: str) -> jsonschema.protocols.Validator:
    # the file naming kubernetes_validate uses: <kind>-<group without domain>-<version>.json
    group_version = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", api_version)
    schema = schema_contents(f"kubernetes-json-schema/{SCHEMA_DIR}/{kind.lower()}-{group_version}.json", VERSION)
    registry: Registry[Any] = Resource.from_contents(schema) @ Registry()
    registry = _definitions() @ registry
    return jsonschema.validators.Draft202012Validator(schema, registry=registry)


def schema_errors(obj: dict[str, Any]) -> list[str]:
    errors = _validator(obj["kind"], obj["apiVersion"]).iter_errors(obj)
    return [f"{'.'.join(str(p) for p in e.path)}: {e.message}" for e in errors]


@pytest.mark.parametrize("path", DIRS, ids=ids_of(DIRS))
def test_every_object_is_valid_kubernetes_1_32(path: Path) -> None:
    # Given a scenario's objects (metrics.k8s.io kinds have no published schema, so they are skipped)
    objects = [o for o in load(path).objects if o["kind"] not in SCHEMALESS_KINDS]
    # When each is validated strictly (unknown fields rejected)
    failures = [f"{o['kind']}/{o['metadata'].get('namespace')}/{o['metadata']['name']}: {err}"
                for o in objects for err in schema_errors(o)]
    # Then none fails, and the scenario is not trivially small
    assert not failures, "\n".join(failures[:20])
    assert len(objects) > 40


def test_cached_validator_agrees_with_kubernetes_validate() -> None:
    # One object of every kind in the demo, and a broken copy of each, judged by both.
    seen: dict[str, dict[str, Any]] = {}
    for obj in load(DEMO).objects:
        if obj["kind"] not in SCHEMALESS_KINDS:
            seen.setdefault(obj["kind"], obj)
    assert len(seen) >= 15
    for obj in seen.values():
        kubernetes_validate.validate(obj, VERSION, strict=True)
        assert schema_errors(obj) == []
        broken = {**obj, "metadata": {**obj["metadata"], "nmae": "typo"}}
        with pytest.raises(kubernetes_validate.ValidationError):
            kubernetes_validate.validate(broken, VERSION, strict=True)
        assert schema_errors(broken)


def test_validator_rejects_unknown_fields() -> None:
    # Guards the tests above: strict mode must really reject what the API server would.
    bad = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x", "namespace": "y"}, "dta": {}}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(bad, VERSION, strict=True)
    assert schema_errors(bad)

"""Pure helpers of the gateway: Status bodies, Retry-After, Secret redaction, API paths."""

from __future__ import annotations

import pytest

from firstresponder.kube.api_errors import http_reason, parse_retry_after, parse_status_body
from firstresponder.kube.api_paths import collection_path, kind_info, log_path, object_path
from firstresponder.kube.reader import KIND_RESOURCES, REDACTED
from firstresponder.kube.secrets_filter import LAST_APPLIED, redact_secret


@pytest.mark.parametrize(("header", "seconds"), [
    ("3", 3.0), (" 0.5 ", 0.5), ("-4", 0.0), (None, None), ("", None), ("nan", None),
    ("Wed, 21 Oct 2015 07:28:00 GMT", None),
])
def test_retry_after(header: str | None, seconds: float | None) -> None:
    assert parse_retry_after(header) == seconds


def test_status_body_reason_and_message() -> None:
    parsed = parse_status_body(b'{"kind":"Status","reason":"Forbidden","message":"no","code":403}')
    assert (parsed.reason, parsed.message) == ("Forbidden", "no")
    assert parse_status_body(b"<html>bad gateway</html>").reason is None
    assert parse_status_body(b'["not", "a", "status"]').message is None


def test_http_reason_phrases() -> None:
    assert (http_reason(403), http_reason(503), http_reason(599)) == ("Forbidden", "ServiceUnavailable", "HTTP599")


def test_redaction_keeps_keys_and_other_annotations() -> None:
    secret = {"kind": "Secret", "metadata": {"annotations": {LAST_APPLIED: "{...}", "owner": "team-a"}},
              "data": {"a": "dmFsdWU=", "b": ""}, "stringData": "not-a-map"}
    redacted = redact_secret(secret)
    assert redacted["data"] == {"a": REDACTED, "b": REDACTED}
    assert redacted["stringData"] == REDACTED  # malformed: dropped, never passed through
    assert redacted["metadata"]["annotations"] == {"owner": "team-a"}


def test_other_kinds_pass_unchanged() -> None:
    config = {"kind": "ConfigMap", "data": {"a": "b"}, "metadata": {"annotations": {LAST_APPLIED: "{}"}}}
    assert redact_secret(config) == {"kind": "ConfigMap", "data": {"a": "b"},
                                     "metadata": {"annotations": {LAST_APPLIED: "{}"}}}


@pytest.mark.parametrize("kind", sorted(KIND_RESOURCES))
def test_every_kind_has_paths(kind: str) -> None:
    info = kind_info(kind)
    namespace = "ns" if info.namespaced else None
    path = object_path(info, "x", namespace)
    assert path.startswith("/api/v1/" if not info.group else f"/apis/{info.group}/{info.version}/")
    assert path.endswith(f"/{info.plural}/x")
    assert ("/namespaces/ns/" in path) == info.namespaced
    assert collection_path(info, None).endswith(f"/{info.version}/{info.plural}")


def test_log_path() -> None:
    assert log_path("shop", "web-1") == "/api/v1/namespaces/shop/pods/web-1/log"

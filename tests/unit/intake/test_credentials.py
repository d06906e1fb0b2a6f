"""Bearer tokens, Basic passwords and the shared-secret header, compared in constant time; fails closed."""

from __future__ import annotations

import base64

import pytest

from firstresponder.intake import IntakeError, check_credential
from firstresponder.intake.credentials import presented_credentials

SECRETS = ["s3cret-one", "s3cret-two"]


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


@pytest.mark.parametrize("headers", [
    {"Authorization": "Bearer s3cret-one"},
    {"authorization": "bearer s3cret-two"},
    {"X-Firstresponder-Token": "s3cret-one"},
    {"Authorization": basic("sns", "s3cret-two")},
    {"Authorization": "Bearer wrong", "x-firstresponder-token": "s3cret-one"},
])
def test_a_matching_credential_passes(headers: dict[str, str]) -> None:
    check_credential(headers, SECRETS)


@pytest.mark.parametrize(("headers", "expected", "reason"), [
    ({}, SECRETS, "missing credential"),
    ({"Authorization": "Bearer "}, SECRETS, "missing credential"),
    ({"Authorization": "Token s3cret-one"}, SECRETS, "missing credential"),
    ({"Authorization": "Basic !!!"}, SECRETS, "missing credential"),
    ({"Authorization": "Bearer s3cret-on"}, SECRETS, "invalid credential"),
    ({"Authorization": "Bearer s3cret-one "}, SECRETS, None),  # surrounding blanks are trimmed: passes
    ({"Authorization": "Bearer s3cret-oneX"}, SECRETS, "invalid credential"),
    ({"Authorization": "Bearer ünïcode"}, SECRETS, "invalid credential"),
    ({"Authorization": "Bearer s3cret-one"}, [], "invalid credential"),  # nothing configured: fail closed
    ({"Authorization": "Bearer "}, [""], "missing credential"),
    ({"X-Firstresponder-Token": ""}, [""], "missing credential"),
])
def test_anything_else_is_401(headers: dict[str, str], expected: list[str], reason: str | None) -> None:
    if reason is None:
        check_credential(headers, expected)
        return
    with pytest.raises(IntakeError) as caught:
        check_credential(headers, expected)
    assert (caught.value.status, caught.value.reason) == (401, reason)
    assert "s3cret" not in caught.value.reason


def test_presented_credentials_reads_every_form() -> None:
    assert presented_credentials({"Authorization": basic("u", "p:w"), "X-FIRSTRESPONDER-TOKEN": "t"}) == ["p:w", "t"]

"""schemathesis against the product's own OpenAPI document, with the local HTTP API over moto running:
no 5xx, and every response matching its documented schema (and each case's count printed)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from tests.reliability.api_stack import API_TOKEN, ApiStack, running_api
from tests.reliability.figures import Figures, full_run

KNOWN_5XX: set[str] = set()  # none open


@pytest.fixture(scope="module")
def fuzz_api(moto_endpoint: str) -> Iterator[ApiStack]:
    with running_api(moto_endpoint) as api:
        yield api


def test_api_never_5xx_and_matches_its_schema(fuzz_api: ApiStack, figures: Figures,
                                               request: pytest.FixtureRequest) -> None:
    # schemathesis 4's pytest loader does not run on this pytest; its Python API drives hypothesis directly.
    schema = schemathesis.openapi.from_url(f"{fuzz_api.url}/openapi.json")
    examples = 100 if full_run(request.config) else 20
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 5  # the document lists every route, so the run covers them
    failures: list[str] = []
    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=examples, deadline=None, database=None,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
        def check(case: schemathesis.Case) -> None:
            headers = {"Authorization": f"Bearer {API_TOKEN}"} if case.path.startswith("/investigations") else None
            figures.add("api.cases")
            response = case.call(headers=headers)
            if response.status_code >= 500:
                figures.add("api.5xx")
                if f"{case.method} {case.path}" not in KNOWN_5XX:
                    failures.append(f"{case.method} {case.formatted_path}: {response.status_code}")
                return
            try:
                case.validate_response(response)
            except Exception as err:
                figures.add("api.mismatches")
                failures.append(f"{case.method} {case.formatted_path}: {str(err).splitlines()[0][:200]}")

        check()
    assert not failures, "\n".join(sorted(set(failures))[:20])


@pytest.mark.parametrize("timestamp", [None, "", "yesterday"])
def test_slack_interaction_with_a_bad_timestamp_is_refused_not_a_crash(fuzz_api: ApiStack, timestamp: str | None,
                                                                        figures: Figures) -> None:
    headers = {"Content-Type": "application/x-www-form-urlencoded", "X-Slack-Signature": "v0=00"}
    if timestamp is not None:
        headers["X-Slack-Request-Timestamp"] = timestamp
    response = httpx.post(f"{fuzz_api.url}/slack/interactions", content=b"payload=%7B%7D", headers=headers)
    figures.add("bad.tried")
    figures.add("bad.5xx" if response.status_code >= 500 else "bad.refused")
    assert response.status_code == 401

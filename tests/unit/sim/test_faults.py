"""Fault rules: matching, counting (nth / first N) and the Status each error fault answers with."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from firstresponder.sim.faults import FaultKind, FaultPlan, FaultRule, RequestInfo

LIST_PODS = RequestInfo(method="GET", path="/api/v1/namespaces/shop/pods", kind="Pod", namespace="shop",
                        verb="list", plural="pods")
GET_DEPLOY = RequestInfo(method="GET", path="/apis/apps/v1/namespaces/shop/deployments/web", kind="Deployment",
                         namespace="shop", name="web", verb="get", plural="deployments", group="apps")
POD_LOG = RequestInfo(method="GET", path="/api/v1/namespaces/shop/pods/web-1/log", kind="Pod", namespace="shop",
                      name="web-1", subresource="log", verb="get", plural="pods")


def test_matchers_must_all_hold() -> None:
    rule = FaultRule.http(500, kind="Pod", method="get", path=r"/namespaces/shop/")

    assert rule.matches(LIST_PODS)
    assert not rule.matches(GET_DEPLOY)
    assert not FaultRule.http(500, kind="Pod", namespace="other").matches(LIST_PODS)
    assert FaultRule.http(500, subresource="log").matches(POD_LOG)
    assert not FaultRule.http(500, subresource="log").matches(LIST_PODS)


def test_nth_fires_once_and_first_fires_n_times() -> None:
    plan = FaultPlan([FaultRule.http(503, kind="Pod", nth=2), FaultRule.http(429, kind="Deployment", first=2)])

    pods = [plan.pick(LIST_PODS) for _ in range(3)]
    deployments = [plan.pick(GET_DEPLOY) for _ in range(3)]

    assert [rule.status if rule else None for rule in pods] == [None, 503, None]
    assert [rule.status if rule else None for rule in deployments] == [429, 429, None]


def test_first_matching_rule_wins_but_all_count() -> None:
    plan = FaultPlan([FaultRule.http(500, first=1), FaultRule.http(404, nth=2)])

    assert [plan.pick(LIST_PODS).status for _ in range(2)] == [500, 404]  # type: ignore[union-attr]


def test_forbidden_message_is_the_apiservers() -> None:
    rule = FaultRule.http(403, user="x")

    assert rule.error(LIST_PODS).message == (
        'pods is forbidden: User "x" cannot list resource "pods" in API group "" in the namespace "shop"')
    assert rule.error(GET_DEPLOY).message == ('deployments "web" is forbidden: User "x" cannot get resource '
                                              '"deployments" in API group "apps" in the namespace "shop"')
    assert 'cannot get resource "pods/log"' in rule.error(POD_LOG).message
    cluster_wide = RequestInfo(method="GET", path="/api/v1/nodes", kind="Node", verb="list", plural="nodes")
    assert rule.error(cluster_wide).message.endswith('in API group "" at the cluster scope')


@pytest.mark.parametrize(("status", "reason"), [(401, "Unauthorized"), (404, "NotFound"), (409, "Conflict"),
                                                (410, "Expired"), (429, "TooManyRequests"), (500, "InternalError"),
                                                (503, "ServiceUnavailable")])
def test_status_faults(status: int, reason: str) -> None:
    error = FaultRule.http(status, retry_after=7).error(GET_DEPLOY)

    assert (error.code, error.reason, error.status()["kind"]) == (status, reason, "Status")
    if status in (429, 503):
        assert error.headers == {"Retry-After": "7"}
        assert error.status()["details"]["retryAfterSeconds"] == 7


def test_invalid_rules_are_refused() -> None:
    with pytest.raises(ValidationError):
        FaultRule.http(418)
    with pytest.raises(ValidationError):
        FaultRule.of(FaultKind.RESET, nth=0)
    with pytest.raises(ValidationError):
        FaultRule.of(FaultKind.RESET, path="(")

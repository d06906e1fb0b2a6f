"""Selector semantics: the product's matcher agrees with the query string the API server would evaluate."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from firstresponder.topology.selectors import map_string, selector_matches, selector_string, service_selects
from tests.support.memory_cluster import fields_match, labels_match

KEYS = st.sampled_from(["app", "tier", "app.kubernetes.io/name", "env"])
VALUES = st.sampled_from(["api", "db", "web", "prod"])
LABELS = st.dictionaries(KEYS, VALUES, max_size=4)
EXPRESSION = st.one_of(
    st.fixed_dictionaries({"key": KEYS, "operator": st.sampled_from(["In", "NotIn"]),
                           "values": st.lists(VALUES, min_size=1, max_size=3)}),
    st.fixed_dictionaries({"key": KEYS, "operator": st.sampled_from(["Exists", "DoesNotExist"])}))
SELECTOR = st.fixed_dictionaries({"matchLabels": st.dictionaries(KEYS, VALUES, max_size=2),
                                  "matchExpressions": st.lists(EXPRESSION, max_size=3)})


@given(SELECTOR, LABELS)
def test_local_matching_agrees_with_the_label_selector_query(selector: dict[str, Any], labels: dict[str, str]) -> None:
    query = selector_string(selector)
    if query is None:  # an empty selector: everything (PDB/NetworkPolicy semantics), never sent as a query
        assert selector_matches(selector, labels)
        return
    assert selector_matches(selector, labels) == labels_match(query, labels)


def test_service_selector_semantics() -> None:
    assert service_selects({"app": "api"}, {"app": "api", "pod-template-hash": "x"})
    assert not service_selects({}, {"app": "api"})  # no selector: manual endpoints, selects nothing
    assert map_string({"tier": "web", "app": "api"}) == "app=api,tier=web"


def test_set_based_selector_strings() -> None:
    selector = {"matchLabels": {"app": "api"}, "matchExpressions": [
        {"key": "tier", "operator": "In", "values": ["web", "api"]},
        {"key": "canary", "operator": "DoesNotExist"}, {"key": "env", "operator": "NotIn", "values": ["dev"]}]}
    assert selector_string(selector) == "app=api,tier in (api,web),!canary,env notin (dev)"
    assert labels_match("app=api,tier in (api,web),!canary,env notin (dev)", {"app": "api", "tier": "web"})
    assert not labels_match("app=api,tier in (api,web)", {"app": "api", "tier": "db"})


def test_field_selectors_of_the_memory_cluster() -> None:
    pod = {"spec": {"nodeName": "node-a"}, "status": {"phase": "Running"}}
    assert fields_match("spec.nodeName=node-a,status.phase!=Succeeded", pod)
    assert not fields_match("spec.nodeName=node-b", pod)

"""The object store: indexes, selector lists, generated identities, paging."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from firstresponder.sim.errors import ApiError
from firstresponder.sim.fields import parse_field_selector
from firstresponder.sim.labels import parse_label_selector
from firstresponder.sim.store import ObjectStore
from tests.unit.sim.test_labels import LABEL_SETS, SELECTOR_ON_LABELS, naive_matches


def pod(name: str, namespace: str = "shop", **labels: str) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": namespace, "labels": labels}}


def names(store: ObjectStore, namespace: str | None = None, labels: str = "", fields: str = "",
          **kwargs: Any) -> list[str]:
    page = store.select("Pod", namespace, labels=parse_label_selector(labels),
                        fields=parse_field_selector(fields, "Pod"), **kwargs)
    return [stored.obj["metadata"]["name"] for stored in page.items]


STORE = ObjectStore([pod("b", app="web"), pod("a", app="api"), pod("c", "other", app="web"), pod("d", "shop-2"),
                     pod("e", "sho", app="web", tier="x")])


def test_lists_in_namespace_then_name_order() -> None:
    assert names(STORE) == ["c", "e", "a", "b", "d"]


def test_namespace_restricts_exactly() -> None:
    assert names(STORE, "shop") == ["a", "b"]
    assert names(STORE, "nowhere") == []


@pytest.mark.parametrize(("labels", "expected"), [
    ("app=web", ["c", "e", "b"]),
    ("app in (web,api)", ["c", "e", "a", "b"]),
    ("app,tier", ["e"]),
    ("app!=web", ["a", "d"]),
    ("!app", ["d"]),
    ("app=web,tier notin (x)", ["c", "b"]),
])
def test_label_selectors_use_the_index_and_still_filter(labels: str, expected: list[str]) -> None:
    assert names(STORE, labels=labels) == expected


def test_field_selector_on_name_and_namespace() -> None:
    assert names(STORE, fields="metadata.name=a,metadata.namespace=shop") == ["a"]
    assert names(STORE, "shop", fields="metadata.name!=a") == ["b"]


def test_uid_and_resource_version_are_generated_when_missing() -> None:
    stored = STORE.get("Pod", "shop", "a")

    assert stored is not None
    assert len(stored.obj["metadata"]["uid"]) == 36
    assert stored.obj["metadata"]["resourceVersion"].isdigit()
    assert ObjectStore([pod("a")]).get("Pod", "shop", "a").obj["metadata"]["uid"] == stored.obj["metadata"]["uid"]  # type: ignore[union-attr]


def test_list_resource_version_is_above_every_object() -> None:
    store = ObjectStore([{**pod("a"), "metadata": {"name": "a", "namespace": "s", "resourceVersion": "41"}}, pod("b")])

    assert int(store.resource_version) > 42


def test_paging_returns_every_item_once_with_a_continue_token() -> None:
    collected: list[str] = []
    token = None
    for _ in range(10):
        page = STORE.select("Pod", None, labels=parse_label_selector(""), fields=parse_field_selector("", "Pod"),
                            limit=2, continue_token=token)
        collected += [stored.key[1] for stored in page.items]
        token = page.continue_token
        if token is None:
            break

    assert collected == ["c", "e", "a", "b", "d"]


def test_remaining_item_count_only_without_selectors() -> None:
    everything = STORE.select("Pod", None, labels=parse_label_selector(""), fields=parse_field_selector("", "Pod"),
                              limit=2)
    selected = STORE.select("Pod", None, labels=parse_label_selector("app"), fields=parse_field_selector("", "Pod"),
                            limit=1)

    assert everything.remaining == 3
    assert selected.remaining is None and selected.continue_token


@pytest.mark.parametrize(("token", "code"), [("not-base64!", 400), ("eyJydiI6IjEiLCJzdGFydCI6WyJhIiwiYiJdfQ==", 410)])
def test_bad_or_stale_continue_tokens(token: str, code: int) -> None:
    with pytest.raises(ApiError) as caught:
        names(STORE, continue_token=token)

    assert caught.value.code == code


def test_source_objects_are_not_modified() -> None:
    original = pod("x")
    ObjectStore([original])

    assert "uid" not in original["metadata"]


def test_unknown_kind_lists_empty() -> None:
    assert STORE.select("Widget", None, labels=parse_label_selector(""),
                        fields=parse_field_selector("", "Widget")).items == []


def test_field_index_and_label_index_combine() -> None:
    assert names(STORE, labels="app=web", fields="metadata.namespace=shop") == ["b"]
    assert names(STORE, fields="metadata.name=e") == ["e"]
    assert names(STORE, fields="metadata.name=e,metadata.namespace!=sho") == []


# --- property: indexed selection equals a plain filter over every object ---------------------------------
PODS = st.lists(st.tuples(st.sampled_from(["a", "b", "c"]), st.sampled_from(["p1", "p2", "p3", "p4"]), LABEL_SETS),
                max_size=12)


@settings(max_examples=200, deadline=None)
@given(PODS, SELECTOR_ON_LABELS, st.sampled_from([None, "a", "b"]),
       st.sampled_from(["", "metadata.name=p1", "metadata.namespace=b", "metadata.name!=p2"]))
def test_indexed_select_equals_naive_filter(pods: list[tuple[str, str, dict[str, str]]], selector: Any,
                                            namespace: str | None, fields: str) -> None:
    objects = {(ns, name): pod(name, ns, **labels) for ns, name, labels in pods}  # later duplicates win
    store = ObjectStore(objects.values())
    field_selector = parse_field_selector(fields, "Pod")

    selected = store.select("Pod", namespace, labels=parse_label_selector(str(selector)), fields=field_selector)

    expected = sorted(key for key, obj in objects.items()
                      if (namespace is None or key[0] == namespace)
                      and naive_matches(selector, obj["metadata"]["labels"]) and field_selector.matches(obj))
    assert [stored.key for stored in selected.items] == expected

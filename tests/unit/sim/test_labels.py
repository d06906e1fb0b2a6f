"""Label selectors: the apiserver's grammar, its errors, and matching (incl. property tests)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from firstresponder.sim.errors import ApiError
from firstresponder.sim.labels import LabelSelector, Requirement, parse_label_selector

LABELS = {"app": "checkout", "tier": "backend", "release": "7"}


@pytest.mark.parametrize(("selector", "expected"), [
    ("", True),
    ("app=checkout", True),
    ("app==checkout", True),
    ("app!=checkout", False),
    ("app!=web", True),
    ("missing!=x", True),
    ("app in (web,checkout)", True),
    ("app in (web)", False),
    ("app notin (web)", True),
    ("missing notin (web)", True),
    ("app notin (checkout)", False),
    ("app", True),
    ("missing", False),
    ("!missing", True),
    ("!app", False),
    ("app=checkout,tier=backend", True),
    ("app=checkout,tier=frontend", False),
    ("  app = checkout , tier in ( backend , x ) ", True),
    ("release>5", True),
    ("release<5", False),
    ("app>5", False),
    ("example.com/team=x", False),
    ("app=", False),
])
def test_matching(selector: str, expected: bool) -> None:
    assert parse_label_selector(selector).matches(LABELS) is expected


@pytest.mark.parametrize("selector", [
    "app in ()", "app in (a", "app in a", "app=a=b", "app ~ b", "=a", "!", "!app=b", "app in (a)b",
    "Bad_Key!=x/", "app=bad value!", "a" * 64 + "=x", "app=" + "v" * 64, "UPPER.prefix/x=y", "release>five",
    "app,,tier", "app in (a b)",
])
def test_invalid_selectors_are_400(selector: str) -> None:
    with pytest.raises(ApiError) as caught:
        parse_label_selector(selector)

    assert caught.value.code == 400
    assert caught.value.reason == "BadRequest"
    assert caught.value.message.startswith("unable to parse requirement")


def test_set_values_as_the_apiserver_reads_them() -> None:
    assert parse_label_selector("app in (b,a,b)").requirements == (Requirement("app", "in", ("a", "b")),)
    assert parse_label_selector("app in (a,)").requirements == (Requirement("app", "in", ("", "a")),)
    assert parse_label_selector("app=").matches({"app": ""})


# --- properties -------------------------------------------------------------------------------------------
ALNUM = st.sampled_from("abcxyz019ABZ")
NAME = st.builds(lambda first, middle, last: first + (middle + last if middle else ""), ALNUM,
                 st.text(alphabet="ab9-_.", max_size=6), ALNUM)
PREFIX = st.lists(st.text(alphabet="abc019", min_size=1, max_size=4), min_size=1, max_size=3).map(".".join)
KEY = st.one_of(NAME, st.tuples(PREFIX, NAME).map("/".join)).filter(lambda key: key not in ("in", "notin"))
VALUE = st.one_of(st.just(""), NAME).filter(lambda value: value not in ("in", "notin"))
REQUIREMENT = st.one_of(
    st.builds(lambda k: Requirement(k, "exists"), KEY),
    st.builds(lambda k: Requirement(k, "!"), KEY),
    st.builds(lambda k, o, v: Requirement(k, o, (v,)), KEY, st.sampled_from(["=", "==", "!="]), VALUE),
    st.builds(lambda k, o, vs: Requirement(k, o, tuple(sorted(vs))), KEY, st.sampled_from(["in", "notin"]),
              st.sets(NAME.filter(lambda v: v not in ("in", "notin")), min_size=1, max_size=4)),
    st.builds(lambda k, o, n: Requirement(k, o, (str(n),)), KEY, st.sampled_from(["gt", "lt"]),
              st.integers(-1000, 1000)),
)
SELECTOR = st.lists(REQUIREMENT, max_size=5).map(lambda reqs: LabelSelector(tuple(reqs)))
LABEL_SETS = st.dictionaries(st.sampled_from(["a", "b", "x.io/c", "d"]),
                             st.sampled_from(["", "1", "5", "-3", "v", "w"]), max_size=4)


@settings(max_examples=200, deadline=None)
@given(SELECTOR)
def test_round_trip(selector: LabelSelector) -> None:
    assert parse_label_selector(str(selector)) == selector


def naive_matches(selector: LabelSelector, labels: dict[str, str]) -> bool:
    """The Kubernetes semantics written out plainly, one operator at a time."""
    for requirement in selector.requirements:
        key, operator, values = requirement.key, requirement.operator, requirement.values
        present = key in labels
        if operator == "exists" and not present:
            return False
        if operator == "!" and present:
            return False
        if operator in ("=", "==", "in") and not (present and labels[key] in values):
            return False
        if operator in ("!=", "notin") and present and labels[key] in values:
            return False
        if operator in ("gt", "lt"):
            if not present or not labels[key].lstrip("-").isdigit():
                return False
            if operator == "gt" and not int(labels[key]) > int(values[0]):
                return False
            if operator == "lt" and not int(labels[key]) < int(values[0]):
                return False
    return True


KEY_FOR_LABELS = st.sampled_from(["a", "b", "x.io/c", "d"])
SELECTOR_ON_LABELS = st.lists(st.one_of(
    st.builds(lambda k, o: Requirement(k, o), KEY_FOR_LABELS, st.sampled_from(["exists", "!"])),
    st.builds(lambda k, o, v: Requirement(k, o, (v,)), KEY_FOR_LABELS, st.sampled_from(["=", "==", "!="]),
              st.sampled_from(["", "1", "v"])),
    st.builds(lambda k, o, vs: Requirement(k, o, tuple(sorted(vs))), KEY_FOR_LABELS,
              st.sampled_from(["in", "notin"]), st.sets(st.sampled_from(["1", "5", "v", "w"]), min_size=1)),
    st.builds(lambda k, o, n: Requirement(k, o, (str(n),)), KEY_FOR_LABELS, st.sampled_from(["gt", "lt"]),
              st.integers(-5, 6)),
), max_size=4).map(lambda reqs: LabelSelector(tuple(reqs)))


@settings(max_examples=300, deadline=None)
@given(SELECTOR_ON_LABELS, LABEL_SETS)
def test_parsed_selector_agrees_with_naive_matcher(selector: LabelSelector, labels: dict[str, str]) -> None:
    parsed = parse_label_selector(str(selector))

    assert parsed.matches(labels) == naive_matches(selector, labels)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab=!(), inotx/.-_<>5", max_size=25))
def test_any_text_parses_or_is_a_400(text: str) -> None:
    try:
        parse_label_selector(text)
    except ApiError as error:
        assert error.code == 400

"""Query parameters parse like the apiserver's (Go ParseBool / ParseInt)."""

from __future__ import annotations

import pytest

from firstresponder.sim.errors import ApiError
from firstresponder.sim.query import flag, integer, positive_or_unset


@pytest.mark.parametrize(("value", "expected"), [("true", True), ("True", True), ("1", True), ("t", True),
                                                 ("false", False), ("0", False), ("", False)])
def test_flag(value: str, expected: bool) -> None:
    assert flag({"x": value}, "x") is expected
    assert flag({}, "x") is False


def test_integer_bounds_and_errors() -> None:
    assert integer({"n": "5"}, "n", minimum=0) == 5
    assert integer({}, "n", minimum=0) is None
    with pytest.raises(ApiError):
        integer({"n": "-1"}, "n", minimum=0)
    with pytest.raises(ApiError):
        integer({"n": "five"}, "n", minimum=0)
    with pytest.raises(ApiError):
        flag({"x": "yes"}, "x")


def test_zero_limit_means_unset() -> None:
    assert positive_or_unset({"limit": "0"}, "limit") is None
    assert positive_or_unset({"limit": "-3"}, "limit") is None
    assert positive_or_unset({"limit": "3"}, "limit") == 3

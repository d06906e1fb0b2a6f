from typing import Any

import pytest

from firstresponder.analysis.remediation.patching import PatchError, apply_patch, merge_patch, strategic_merge


def test_merge_patch_rfc7386_examples() -> None:
    # RFC 7386 appendix A, a few of its cases
    assert merge_patch({"a": "b"}, {"a": "c"}) == {"a": "c"}
    assert merge_patch({"a": "b"}, {"b": "c"}) == {"a": "b", "b": "c"}
    assert merge_patch({"a": "b"}, {"a": None}) == {}
    assert merge_patch({"a": [{"b": "c"}]}, {"a": [1]}) == {"a": [1]}
    assert merge_patch({"e": None}, {"a": 1}) == {"e": None, "a": 1}
    assert merge_patch({}, {"a": {"bb": {"ccc": None}}}) == {"a": {"bb": {}}}


def test_strategic_merge_merges_containers_by_name() -> None:
    obj: dict[str, Any] = {"spec": {"containers": [{"name": "api", "image": "a:1", "resources": {"limits": {"memory": "1Gi"}}},
                                   {"name": "sidecar", "image": "s:1"}]}}
    patched = strategic_merge(obj, {"spec": {"containers": [{"name": "api", "resources": {"limits": {"memory": "2Gi"}}}]}})
    assert patched["spec"]["containers"][0] == {"name": "api", "image": "a:1", "resources": {"limits": {"memory": "2Gi"}}}
    assert patched["spec"]["containers"][1] == {"name": "sidecar", "image": "s:1"}
    assert obj["spec"]["containers"][0]["resources"]["limits"]["memory"] == "1Gi"  # input untouched


def test_strategic_merge_replaces_plain_lists() -> None:
    assert strategic_merge({"args": ["a", "b"]}, {"args": ["c"]}) == {"args": ["c"]}


def test_json_patch_errors_become_patch_errors() -> None:
    with pytest.raises(PatchError):
        apply_patch({"spec": {}}, [{"op": "replace", "path": "/spec/ports/0/targetPort", "value": 1}], "json")
    with pytest.raises(PatchError):
        apply_patch({"a": 1}, {"a": 2}, "yaml")

"""Client-side patch application, to check a proposed patch before it is reported.

Merge patch follows RFC 7386; the strategic merge is the subset our commands use: maps merge,
lists of objects with a ``name`` key merge by name, other lists are replaced.
"""

from __future__ import annotations

import copy
from typing import Any

import jsonpatch


class PatchError(ValueError):
    """A patch that cannot be applied to the object."""


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386 JSON merge patch."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = copy.deepcopy(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def _named_items(items: Any) -> bool:
    return isinstance(items, list) and all(isinstance(i, dict) and "name" in i for i in items)


def strategic_merge(target: Any, patch: Any) -> Any:
    """Strategic merge patch (the subset described in the module docstring)."""
    if isinstance(patch, dict) and isinstance(target, dict):
        result = copy.deepcopy(target)
        for key, value in patch.items():
            if value is None:
                result.pop(key, None)
            else:
                result[key] = strategic_merge(result.get(key), value)
        return result
    if _named_items(patch) and _named_items(target) and target:
        merged = copy.deepcopy(target)
        positions = {item["name"]: i for i, item in enumerate(merged)}
        for item in patch:
            if item["name"] in positions:
                merged[positions[item["name"]]] = strategic_merge(merged[positions[item["name"]]], item)
            else:
                merged.append(copy.deepcopy(item))
        return merged
    if isinstance(patch, dict):
        return strategic_merge({}, patch)
    return copy.deepcopy(patch)


def apply_patch(obj: dict[str, Any], patch: Any, patch_type: str) -> dict[str, Any]:
    """The object as it would be after ``kubectl patch --type <patch_type>``."""
    if patch_type == "json":
        if not isinstance(patch, list):
            raise PatchError("a JSON patch must be a list of operations")
        try:
            result = jsonpatch.apply_patch(obj, patch)
        except (jsonpatch.JsonPatchException, jsonpatch.JsonPointerException) as exc:
            raise PatchError(str(exc)) from exc
    elif patch_type == "merge":
        result = merge_patch(obj, patch)
    elif patch_type == "strategic":
        result = strategic_merge(obj, patch)
    else:
        raise PatchError(f"unknown patch type {patch_type!r}")
    if not isinstance(result, dict):
        raise PatchError("the patch replaces the whole object")
    return result

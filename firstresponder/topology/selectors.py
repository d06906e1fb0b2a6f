"""Label selector matching (Service maps and LabelSelector objects) and their query strings."""

from __future__ import annotations

from typing import Any

from firstresponder.topology.objects import as_dict, as_list


def service_selects(selector: dict[str, Any] | None, labels: dict[str, str]) -> bool:
    """Service semantics: every key equal; an empty selector selects nothing (manual endpoints)."""
    if not selector:
        return False
    return all(labels.get(str(k)) == str(v) for k, v in selector.items())


def selector_matches(selector: dict[str, Any] | None, labels: dict[str, str], *,
                     empty_matches_all: bool = True) -> bool:
    """LabelSelector semantics (matchLabels and matchExpressions)."""
    if selector is None:
        return False
    match_labels = as_dict(selector.get("matchLabels"))
    expressions = [e for e in as_list(selector.get("matchExpressions")) if isinstance(e, dict)]
    if not match_labels and not expressions:
        return empty_matches_all
    if any(labels.get(str(k)) != str(v) for k, v in match_labels.items()):
        return False
    return all(_expression_matches(e, labels) for e in expressions)


def _expression_matches(expression: dict[str, Any], labels: dict[str, str]) -> bool:
    key = str(expression.get("key", ""))
    operator = expression.get("operator")
    values = {str(v) for v in as_list(expression.get("values"))}
    if operator == "In":
        return key in labels and labels[key] in values
    if operator == "NotIn":
        return key not in labels or labels[key] not in values
    if operator == "Exists":
        return key in labels
    if operator == "DoesNotExist":
        return key not in labels
    return False


def selector_string(selector: dict[str, Any] | None) -> str | None:
    """The ``labelSelector`` query string of a LabelSelector; None when it selects nothing usable."""
    if not selector:
        return None
    parts = [f"{k}={v}" for k, v in sorted(as_dict(selector.get("matchLabels")).items())]
    for expression in as_list(selector.get("matchExpressions")):
        if not isinstance(expression, dict):
            continue
        key = expression.get("key")
        values = ",".join(sorted(str(v) for v in as_list(expression.get("values"))))
        operator = expression.get("operator")
        if operator == "In":
            parts.append(f"{key} in ({values})")
        elif operator == "NotIn":
            parts.append(f"{key} notin ({values})")
        elif operator == "Exists":
            parts.append(str(key))
        elif operator == "DoesNotExist":
            parts.append(f"!{key}")
    return ",".join(parts) or None


def map_string(selector: dict[str, Any] | None) -> str | None:
    """The query string of a plain equality map (Service selector)."""
    if not selector:
        return None
    return ",".join(f"{k}={v}" for k, v in sorted(selector.items()))

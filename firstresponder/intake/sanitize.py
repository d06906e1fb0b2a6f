"""Caps and control-character stripping for hostile label, annotation and text values."""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Mapping

MAX_LABELS = 64
MAX_KEY_CHARS = 128
MAX_LABEL_CHARS = 1024
MAX_TEXT_CHARS = 8192
MAX_LINE_CHARS = 512

# C0/C1 controls, DEL, lone surrogates, bidi overrides and zero-width characters: they garble logs and reports.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff\ud800-\udfff]")
_NEWLINES = re.compile(r"[\t\n]+")
# Kubernetes object names (lenient: mixed case and dots); never a '/' that would escape a URL path.
_K8S_NAME = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9._-]{0,251}[A-Za-z0-9])?$")


def _cap(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


def clean_text(value: str, limit: int = MAX_TEXT_CHARS) -> str:
    """Multi-line text: controls removed (newlines and tabs kept), capped."""
    return _cap(_CONTROLS.sub("", value), limit).strip()


def clean_line(value: str, limit: int = MAX_LINE_CHARS) -> str:
    """One-line text: controls removed, newlines folded to spaces, capped."""
    return _cap(_NEWLINES.sub(" ", _CONTROLS.sub("", value)).strip(), limit)


def clean_mapping(values: Mapping[str, str], value_limit: int = MAX_LABEL_CHARS,
                  first: Collection[str] = ()) -> dict[str, str]:
    """Labels or annotations, keys and values cleaned: at most MAX_LABELS, the ``first`` keys kept before the rest."""
    cleaned: dict[str, str] = {}
    ordered = sorted(values, key=lambda key: (key not in first, key))
    for key in ordered[:MAX_LABELS]:
        clean_key = clean_line(key, MAX_KEY_CHARS)
        if clean_key:
            cleaned[clean_key] = clean_text(values[key], value_limit)
    return cleaned


def is_k8s_name(value: str | None) -> bool:
    """True when ``value`` can safely name a Kubernetes object."""
    return bool(value) and _K8S_NAME.match(value or "") is not None


def clean_url(value: object, limit: int = 2048) -> str | None:
    """An http(s) URL for a report link, or None (no ``javascript:`` and friends)."""
    if not isinstance(value, str):
        return None
    url = clean_line(value, limit)
    return url if url.lower().startswith(("https://", "http://")) and " " not in url else None


def finite_number(value: object) -> float | None:
    """A finite float from a JSON number; None for NaN, infinities, huge integers, booleans and non-numbers."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None

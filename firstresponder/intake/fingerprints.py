"""Stable fingerprints for alerts whose source gives none."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

_FNV_OFFSET = 0xCBF29CE484222325
_FNV_PRIME = 0x100000001B3
_MASK = 0xFFFFFFFFFFFFFFFF


def label_fingerprint(labels: Mapping[str, str]) -> str:
    """Alertmanager's own label-set fingerprint (FNV-1a 64 over sorted name/value pairs), 16 hex digits."""
    digest = _FNV_OFFSET
    for name in sorted(labels):
        for byte in _utf8(name) + b"\xff" + _utf8(labels[name]) + b"\xff":
            digest = ((digest ^ byte) * _FNV_PRIME) & _MASK
    return f"{digest:016x}"


def hashed_fingerprint(*parts: str | None) -> str:
    """A 16-hex-digit digest of identifying parts (None and '' count as empty)."""
    joined = "\x1f".join(part or "" for part in parts)
    return hashlib.sha256(_utf8(joined)).hexdigest()[:16]


def _utf8(text: str) -> bytes:
    # JSON may carry lone surrogates; never let them raise here.
    return text.encode("utf-8", "surrogatepass")

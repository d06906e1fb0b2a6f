"""Scrub credentials and personal data from anything sent to a model (patterns plus entropy),
with optional reversible anonymisation of resource names."""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field

from firstresponder.kube.reader import KIND_RESOURCES

# Order matters: specific shapes first, so their context is kept ("password=" stays readable).
_PATTERNS: list[tuple[str, re.Pattern[str], str]] = [
    ("private_key", re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?-----END [A-Z ]*PRIVATE KEY-----", re.S),
     "[REDACTED:private_key]"),
    ("url_credentials", re.compile(r"(?P<keep>\b[a-zA-Z][a-zA-Z0-9+.-]*://[^:/@\s]+:)[^@\s/]+(?=@)"),
     r"\g<keep>[REDACTED:password]"),
    ("bearer", re.compile(r"(?P<keep>\b(?:Bearer|Basic|Token)\s+)[A-Za-z0-9._~+/=-]{8,}", re.I),
     r"\g<keep>[REDACTED:token]"),
    ("jwt", re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"), "[REDACTED:jwt]"),
    ("aws_access_key", re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"), "[REDACTED:aws_key]"),
    ("slack_token", re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}"), "[REDACTED:slack_token]"),
    ("github_token", re.compile(r"\bgh[pousr]_[A-Za-z0-9]{20,}"), "[REDACTED:token]"),
    ("anthropic_key", re.compile(r"\bsk-(?:ant-)?[A-Za-z0-9_-]{16,}"), "[REDACTED:api_key]"),
    ("assignment", re.compile(
        r"(?P<keep>\b[\w.-]*(?:pass(?:word|wd)?|pwd|secret|token|api[_-]?key|access[_-]?key|credentials?|auth)"
        r"[\w.-]*\"?\s*[:=]\s*\"?)(?P<value>[^\s\"',;&]{3,})", re.I),
     r"\g<keep>[REDACTED:secret]"),
    ("email", re.compile(r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b"), "[REDACTED:email]"),
    ("ipv4", re.compile(r"\b(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)\b"),
     "[REDACTED:ip]"),
    ("ipv6", re.compile(r"\b(?:[0-9a-fA-F]{1,4}:){4,7}[0-9a-fA-F]{1,4}\b"), "[REDACTED:ip]"),
]

_TOKENISH = re.compile(r"[A-Za-z0-9+/_=-]{24,}")
# Long identifiers that are not secrets: image digests, UIDs, hashes referenced as such.
_BENIGN = re.compile(r"^(?:sha256|sha1|md5)[:=]|^[0-9a-f]{8}-[0-9a-f]{4}-")


# Resource keys (Pod/production/payments-api-7d9f8-x2x9q) are what the model must cite, not secrets.
_RESOURCE_KINDS = frozenset(KIND_RESOURCES) | {"External", "Cluster", "Workload"}


def _is_resource_key(token: str) -> bool:
    kind, sep, rest = token.partition("/")
    return bool(sep) and kind in _RESOURCE_KINDS and re.fullmatch(r"[a-z0-9.-]+(/[a-z0-9.-]+)?", rest) is not None


def shannon_entropy(text: str) -> float:
    counts = Counter(text)
    return -sum(c / len(text) * math.log2(c / len(text)) for c in counts.values())


def _looks_random(token: str) -> bool:
    has_mix = sum(bool(re.search(p, token)) for p in (r"[a-z]", r"[A-Z]", r"\d")) >= 2
    return has_mix and shannon_entropy(token) >= 4.0


def redact(text: str) -> str:
    """Mask credentials, keys, emails and IPs; then any remaining high-entropy token."""
    for _name, pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)

    def entropy_mask(match: re.Match[str]) -> str:
        token = match.group(0)
        start = max(0, match.start() - 8)
        if (_BENIGN.search(match.string[start:match.start()] + token) or _is_resource_key(token)
                or not _looks_random(token)):
            return token
        return "[REDACTED:high_entropy]"

    return _TOKENISH.sub(entropy_mask, text)


@dataclass
class Anonymiser:
    """Replaces resource names with stable aliases before a prompt; reverses them in the answer."""

    names: list[str]
    forward: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Longest first so "payments-api" is not replaced inside "payments-api-7d9f".
        for n, name in enumerate(sorted(set(self.names), key=len, reverse=True)):
            if len(name) >= 3:
                self.forward[name] = f"res{n:03d}"

    def hide(self, text: str) -> str:
        for name, alias in self.forward.items():
            text = re.sub(rf"(?<![\w-]){re.escape(name)}(?![\w-])", alias, text)
        return text

    def reveal(self, text: str) -> str:
        for name, alias in self.forward.items():
            text = re.sub(rf"\b{alias}\b", name, text)
        return text

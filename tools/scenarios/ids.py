"""Deterministic identifiers: uids, name suffixes, IPs, hashes and timestamps derived from names."""

from __future__ import annotations

import hashlib
import re
import uuid
from datetime import UTC, datetime

# The alphabet Kubernetes uses for generated name suffixes and pod-template-hash (no vowels).
SAFE_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"


def digest(*parts: object) -> bytes:
    """A stable digest of the parts; every generated identifier starts here."""
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).digest()


def uid(*parts: object) -> str:
    """A version-4-shaped UUID that is stable for the same parts."""
    return str(uuid.UUID(bytes=digest("uid", *parts)[:16], version=4))


def safe_suffix(length: int, *parts: object) -> str:
    """A name suffix in Kubernetes' safe alphabet (like ``7d9f8b6c5`` or ``x2k4p``)."""
    raw = digest("suffix", *parts)
    return "".join(SAFE_ALPHABET[b % len(SAFE_ALPHABET)] for b in raw[:length])


def hexid(length: int, *parts: object) -> str:
    """Lower-case hex of the given length (container ids, image digests, fingerprints)."""
    out = ""
    counter = 0
    while len(out) < length:
        out += digest("hex", counter, *parts).hex()
        counter += 1
    return out[:length]


def number(low: int, high: int, *parts: object) -> int:
    """A stable integer in [low, high]."""
    return low + int.from_bytes(digest("num", *parts)[:4], "big") % (high - low + 1)


def ip_in(prefix: str, *parts: object) -> str:
    """An address in a /16 given as ``a.b``, stable for the parts (avoids .0 and .255)."""
    return f"{prefix}.{number(0, 63, 'ip3', *parts)}.{number(2, 250, 'ip4', *parts)}"


def ts(moment: datetime) -> str:
    """RFC 3339 in UTC with seconds, as the API server prints metav1.Time."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def micro_ts(moment: datetime) -> str:
    """metav1.MicroTime as printed (eventTime, renewTime)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


_EKS_NODE = re.compile(r"^ip-(\d+)-(\d+)-(\d+)-(\d+)\.")


def node_ip(slug: str, node: str) -> str:
    """A node's InternalIP: EKS names nodes after it (ip-10-0-16-210.<region>.compute.internal)."""
    m = _EKS_NODE.match(node)
    return ".".join(m.groups()) if m else ip_in("10.0", slug, "node", node)


def pod_ip(slug: str, node: str | None, *parts: object) -> str:
    """A pod IP from the node's /20 subnet, as the VPC CNI assigns secondary addresses."""
    if node is None:
        return ip_in("10.0", slug, "pod", *parts)
    a, b, c, _ = node_ip(slug, node).split(".")
    base = int(c) - int(c) % 16
    return f"{a}.{b}.{base + number(0, 15, slug, 'pod3', *parts)}.{number(2, 250, slug, 'pod4', *parts)}"

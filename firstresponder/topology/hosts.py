"""Hosts named in configuration values (URLs, DSNs, host:port, ``name.ns.svc`` forms).

A value yields a host when the text makes it unambiguous: a URL or DSN, a ``host:port`` pair,
a ``host=`` DSN keyword, a cluster DNS name (``.svc``), or a whole value of a variable whose name
says it holds a host (``DB_HOST``, ``REDIS_ADDR``, ``API_ENDPOINT``...).
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

_LABEL = r"[a-z0-9](?:[a-z0-9_-]{0,61}[a-z0-9])?"
_HOSTNAME = re.compile(rf"^{_LABEL}(?:\.{_LABEL})*$")
_URL = re.compile(
    r"(?P<scheme>[a-z][a-z0-9+.-]*)://(?:[^@/\s\"']*@)?(?P<host>\[[^\]]+\]|[^:/\s?#,;\"'@]+)(?::(?P<port>\d{1,5}))?",
    re.IGNORECASE)
# Not a stack frame: "node:net:1607:16", "app.js:42:7" carry a column after the line number.
_HOST_PORT = re.compile(rf"(?<![\w.@/:-])(?P<host>{_LABEL}(?:\.{_LABEL})*):(?P<port>\d{{2,5}})(?![\w.]|:\d)",
                        re.IGNORECASE)
_SVC_NAME = re.compile(rf"(?<![\w.@/-])(?P<host>{_LABEL}(?:\.{_LABEL})*\.svc(?:\.{_LABEL})*)", re.IGNORECASE)
_DSN_KEYWORD = re.compile(r"\bhost=(?P<host>[^\s;]+)(?:.*?\bport=(?P<port>\d{1,5}))?", re.IGNORECASE)
_KEY_VALUE_LINE = re.compile(r"^\s*[\"']?(?P<key>[\w.-]+)[\"']?\s*[:=]\s*[\"']?(?P<value>[^\s\"'#]+)[\"']?\s*$")
_HOST_WORDS = frozenset({"HOST", "ADDR", "ADDRESS", "ENDPOINT", "SERVER", "URL", "URI", "DSN", "BROKER",
                         "BROKERS", "UPSTREAM", "BACKEND"})
_NOT_TLDS = frozenset({"yaml", "yml", "json", "log", "txt", "conf", "cfg", "ini", "properties", "xml", "py",
                       "js", "ts", "sh", "jar", "html", "css", "pem", "crt", "key", "toml", "env", "sql",
                       "md", "go", "java", "class", "so", "tmp", "pid", "sock", "gz", "zip", "tar"})
_LOCAL = frozenset({"localhost", "localhost.localdomain", "kubernetes",
                    "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local"})


@dataclass(frozen=True)
class HostMention:
    """A host named somewhere in the configuration, with where it was found."""

    host: str
    port: int | None
    found_in: str  # "env DB_URL of container api", "ConfigMap/production/payments-config key DB_URL"


@dataclass(frozen=True)
class ClusterName:
    """A host read as an in-cluster Service name; ``certain`` False for ambiguous ``a.b`` forms."""

    service: str
    namespace: str
    certain: bool = True


def is_host_variable(name: str | None) -> bool:
    """Whether a variable/key name says its value is a host (DB_HOST, redis.addr, API_URL)."""
    if not name:
        return False
    return any(part in _HOST_WORDS for part in re.split(r"[^A-Za-z0-9]+", name.upper()))


def hosts_in_text(text: str, *, variable: str | None = None) -> list[tuple[str, int | None]]:
    """(host, port) pairs named in a value or a multi-line file, de-duplicated, in order."""
    found: list[tuple[str, int | None]] = []
    for line in text.splitlines() or [text]:
        found += _hosts_in_line(line, variable)
        match = _KEY_VALUE_LINE.match(line)
        if match and match.group("key") != variable:
            found += _hosts_in_line(match.group("value"), match.group("key"))
    seen: dict[str, int | None] = {}
    for host, port in found:
        if host not in seen or (seen[host] is None and port is not None):
            seen[host] = port
    return list(seen.items())


def _hosts_in_line(line: str, variable: str | None) -> list[tuple[str, int | None]]:
    out: list[tuple[str, int | None]] = []
    rest = line
    for match in _URL.finditer(line):
        out.append((match.group("host"), _port(match.group("port"))))
        rest = rest.replace(match.group(0), " ")
    for match in _DSN_KEYWORD.finditer(rest):
        out.append((match.group("host"), _port(match.group("port"))))
    for match in _HOST_PORT.finditer(rest):
        out.append((match.group("host"), _port(match.group("port"))))
    for match in _SVC_NAME.finditer(rest):
        out.append((match.group("host"), None))
    value = line.strip().strip("\"'")
    if is_host_variable(variable) and value and " " not in value and not out:
        host, _, port = value.partition(":")
        out.append((host, _port(port)))
    return [(h.lower().rstrip("."), p) for h, p in out if plausible_host(h.lower().rstrip("."))]


def _port(text: str | None) -> int | None:
    if text and text.isdigit() and 0 < int(text) < 65536:
        return int(text)
    return None


def plausible_host(host: str) -> bool:
    """A DNS name worth following: not local, not an IP, not a file name or version number."""
    if not host or host in _LOCAL or len(host) > 253 or not _HOSTNAME.match(host):
        return False
    try:
        ipaddress.ip_address(host.strip("[]"))
        return False
    except ValueError:
        pass
    labels = host.split(".")
    if len(labels) == 1:
        return host[0].isalpha()  # a Service name (DNS-1035 label); not "2026-11-28t02" from a timestamp
    if "svc" in labels:
        return True
    tld = labels[-1]
    if tld in _NOT_TLDS or tld.isdigit():
        return False
    if len(labels) == 2 and not tld.isalpha():
        return tld[0].isalpha()  # "pod.service" or "service.namespace" (names with - or digits)
    return tld.isalpha() and len(tld) >= 2


def cluster_names(host: str, default_namespace: str) -> list[ClusterName]:
    """The Services a host may name inside the cluster, most likely first; empty for external-only names.

    ``a.b`` is ambiguous: Service ``a`` in namespace ``b``, or StatefulSet pod ``a`` of Service ``b``
    in the pod's own namespace (resolved through the search path).
    """
    labels = host.lower().rstrip(".").split(".")
    if "svc" in labels:
        at = labels.index("svc")
        if at >= 2:  # [pod.]service.namespace.svc[.cluster.local]
            return [ClusterName(labels[at - 2], labels[at - 1])]
        if at == 1:
            return [ClusterName(labels[0], default_namespace)]
        return []
    if len(labels) == 1:
        return [ClusterName(labels[0], default_namespace)]
    if len(labels) == 2:
        return [ClusterName(labels[0], labels[1], certain=False),
                ClusterName(labels[1], default_namespace, certain=False)]
    return []


def cluster_name(host: str, default_namespace: str) -> ClusterName | None:
    """The most likely in-cluster Service a host names; None for names that can only be external."""
    names = cluster_names(host, default_namespace)
    return names[0] if names else None

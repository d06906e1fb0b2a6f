"""Reading a log tail: the lines that matter, normalised error signatures and the hosts they name.

The signature table is data: one regular expression per normalised error kind.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from firstresponder.models.evidence import LogLine
from firstresponder.topology.hosts import hosts_in_text, plausible_host

SIGNATURES: tuple[tuple[str, str], ...] = (
    ("dns_failure", r"no such host|Name or service not known|getaddrinfo (?:ENOTFOUND|EAI_AGAIN)|"
                    r"Temporary failure in name resolution|UnknownHostException|could not translate host name|"
                    r"nodename nor servname|NXDOMAIN|server misbehaving|lookup \S+ on \S+:53: (?:i/o timeout|read udp)|"
                    r"dns (?:lookup|resolution) (?:failed|timed out)"),
    ("connection_refused", r"connection refused|ECONNREFUSED|Connection refused"),
    ("timeout", r"timed out|deadline exceeded|ETIMEDOUT|i/o timeout|Timeout(?:Error|Exception)|"
                r"(?:read|connect|connection) timeout"),
    ("tls", r"x509:|certificate (?:verify failed|has expired|is not valid|signed by unknown authority)|"
            r"SSLError|SSLHandshakeException|tls: |handshake failure|PKIX path"),
    ("oom_heap", r"java\.lang\.OutOfMemoryError|JavaScript heap out of memory|\bMemoryError\b|"
                 r"runtime: out of memory|fatal error: out of memory|Cannot allocate memory"),
    ("permission_denied", r"permission denied|EACCES|Operation not permitted|\bEPERM\b|read-only file system"),
    ("exec_not_found", r"executable file not found|exec: \"?[^\s\"]+\"?: (?:executable file )?not found|"
                       r"command not found|exec format error|exec /\S+: no such file or directory"),
    ("missing_file", r"No such file or directory|\bENOENT\b|FileNotFoundException|cannot open file"),
    ("parse_error", r"parse error|ParseException|JSONDecodeError|Unexpected token|invalid syntax|yaml: |"
                    r"cannot unmarshal|malformed|SyntaxError|could not parse|failed to parse|invalid character"),
    ("missing_env", r"(?i:(?:environment variable|env var(?:iable)?)\b.{0,60}(?:not set|is required|missing|"
                    r"must be set|undefined|empty)|required env(?:ironment)? var)|KeyError: '[A-Z][A-Z0-9_]+'|"
                    r"\b[A-Z][A-Z0-9_]{2,} (?i:is not set|must be set|is required)"),
    ("missing_key", r"(?:config(?:uration)? key|setting|property|key)\b.{0,60}(?:missing|not found|is required|"
                    r"undefined)|missing required (?:key|config|setting|property)|NoSuchKey"),
    ("http_5xx", r"\b(?:HTTP/\d(?:\.\d)? |status(?:[ _]?code)?[=: ]+\"?)5\d\d\b|"
                 r"\b(?:500 Internal Server Error|502 Bad Gateway|503 Service Unavailable|504 Gateway Timeout)\b"),
    ("auth_failure", r"authentication failed|Access denied for user|invalid (?:credentials|password|token)|"
                     r"unauthori[sz]ed|\b401 Unauthorized|status(?:[ _]?code)?[=: ]+\"?401\b|AuthenticationException|NOAUTH|WRONGPASS|"
                     r"SASL authentication"),
)
_COMPILED = tuple((name, re.compile(pattern, re.IGNORECASE if name not in ("missing_env",) else 0))
                  for name, pattern in SIGNATURES)

_ERROR_LINE = re.compile(
    r"\b(?:ERROR|ERR|FATAL|CRITICAL|CRIT|SEVERE|PANIC|EMERG(?:ENCY)?)\b|\"level\":\s*\"(?:error|fatal|panic|critical)\"|"
    r"\blevel=(?:error|fatal|panic|crit)\b|\b[EF]\d{4} |\bException\b|\w+(?:Error|Exception):|^panic:|"
    r"^Traceback|^Caused by:|\bfatal\b|\bfailed\b", re.IGNORECASE)
_STACK_ROOT = re.compile(r"^\s*Caused by: |^panic: |^fatal error: |^Exception in thread |^FATAL ERROR: ")
_LOG_HOSTS = (
    re.compile(r"lookup (?P<host>[\w.-]+)(?: on [\d.:\[\]a-f]+)?: (?:no such host|server misbehaving|i/o timeout)"),
    re.compile(r"getaddrinfo (?:ENOTFOUND|EAI_AGAIN) (?P<host>[\w.-]+)"),
    re.compile(r"UnknownHostException: (?P<host>[\w.-]+)"),
    re.compile(r"could not translate host name \"(?P<host>[\w.-]+)\""),
    re.compile(r"(?:dial tcp|connect to|connection to server at|Connecting to|host) \"?(?P<host>[a-z][\w.-]*)\"?"
               r"(?::\d+| \(| port)"),
)
MAX_KEY_LINES = 20
MAX_LINE = 400


@dataclass
class LogReading:
    """What a log tail says."""

    line_count: int = 0
    first_error: LogLine | None = None
    key_lines: list[LogLine] = field(default_factory=list)
    signatures: list[str] = field(default_factory=list)
    hosts: list[str] = field(default_factory=list)


def signatures_of(line: str) -> list[str]:
    return [name for name, pattern in _COMPILED if pattern.search(line)]


def hosts_of(line: str) -> list[str]:
    """Hosts named in an error line (lookup targets, dial targets, URLs, host:port)."""
    hosts = [m.group("host").lower().rstrip(".") for pattern in _LOG_HOSTS for m in pattern.finditer(line)]
    hosts += [host for host, _port in hosts_in_text(line)]
    return [h for h in dict.fromkeys(hosts) if plausible_host(h)]


def read_log(text: str) -> LogReading:
    """Key lines (first error, stack roots, errors, last Python traceback line), signatures and hosts."""
    lines = text.splitlines()
    reading = LogReading(line_count=len(lines))
    candidates: dict[int, str] = {}
    roots: set[int] = set()
    signatures: dict[str, None] = {}
    in_traceback = False
    for number, line in enumerate(lines, start=1):
        found = signatures_of(line)
        signatures.update(dict.fromkeys(found))
        if line.startswith("Traceback (most recent call last)"):
            in_traceback = True
            candidates[number] = line
            continue
        if in_traceback:
            if line.startswith((" ", "\t")) or not line.strip():
                continue
            in_traceback = False  # the first unindented line after the frames is the exception
            roots.add(number)
        if _STACK_ROOT.search(line):
            roots.add(number)
        if found or _ERROR_LINE.search(line) or number in roots:
            candidates[number] = line
            if reading.first_error is None:
                reading.first_error = LogLine(number=number, text=line[:MAX_LINE])
    reading.signatures = list(signatures)
    reading.key_lines = _select(candidates, roots, reading.first_error)
    hosts: dict[str, None] = {}
    for key_line in reading.key_lines:
        hosts.update(dict.fromkeys(hosts_of(key_line.text)))
    reading.hosts = list(hosts)[:10]
    return reading


def _normalised(line: str) -> str:
    """A line with timestamps, numbers and ids blanked, to collapse repeats."""
    return re.sub(r"[0-9a-f]{6,}|\d+", "#", line.lower())


def _select(candidates: dict[int, str], roots: set[int], first: LogLine | None) -> list[LogLine]:
    """At most MAX_KEY_LINES: the first error and stack roots always, then the latest distinct lines."""
    distinct: dict[str, int] = {}
    for number, line in candidates.items():
        distinct[_normalised(line)] = number  # the latest of repeated lines
    keep = {n for n in roots if n in candidates} | ({first.number} if first else set())
    rest = sorted(set(distinct.values()) - keep, reverse=True)
    keep |= set(rest[: max(MAX_KEY_LINES - len(keep), 0)])
    chosen = sorted(keep)[-MAX_KEY_LINES:] if len(keep) > MAX_KEY_LINES else sorted(keep)
    return [LogLine(number=n, text=candidates[n][:MAX_LINE]) for n in chosen]

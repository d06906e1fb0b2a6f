from __future__ import annotations

import itertools

import pytest

from firstresponder.collectors.log_patterns import MAX_KEY_LINES, hosts_of, read_log, signatures_of


@pytest.mark.parametrize(("line", "signature"), [
    ("dial tcp: lookup payments-db-v2.production.svc.cluster.local on 10.96.0.10:53: no such host", "dns_failure"),
    ("socket.gaierror: [Errno -2] Name or service not known", "dns_failure"),
    ("Error: getaddrinfo ENOTFOUND redis-master", "dns_failure"),
    ("dial tcp: lookup ledger.production.svc.cluster.local on 10.100.0.10:53: i/o timeout", "dns_failure"),
    ("connect ECONNREFUSED 10.0.0.7:6379", "connection_refused"),
    ("dial tcp 10.0.3.4:5432: connect: connection refused", "connection_refused"),
    ("context deadline exceeded (Client.Timeout exceeded while awaiting headers)", "timeout"),
    ("x509: certificate signed by unknown authority", "tls"),
    ('Exception in thread "main" java.lang.OutOfMemoryError: Java heap space', "oom_heap"),
    ("FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory", "oom_heap"),
    ("open /data/app.db: permission denied", "permission_denied"),
    ("FileNotFoundError: [Errno 2] No such file or directory: '/etc/app/config.yaml'", "missing_file"),
    ("json.decoder.JSONDecodeError: Expecting value: line 1 column 1 (char 0)", "parse_error"),
    ("Error: environment variable DATABASE_URL is not set", "missing_env"),
    ("KeyError: 'DATABASE_URL'", "missing_env"),
    ("config key payments.gateway.url is missing", "missing_key"),
    ("upstream returned HTTP/1.1 503 Service Unavailable", "http_5xx"),
    ('FATAL: password authentication failed for user "app"', "auth_failure"),
    ("GET /v1/charges -> 401 Unauthorized", "auth_failure"),
    ('exec: "/app/start.sh": stat /app/start.sh: no such file or directory: executable file not found in $PATH',
     "exec_not_found"),
    ("/bin/sh: 1: gunicorn: command not found", "exec_not_found"),
])
def test_signature_table_recognises_common_failures(line: str, signature: str) -> None:
    assert signature in signatures_of(line)


def test_ordinary_lines_have_no_signature() -> None:
    assert signatures_of("2026-03-17T02:48:51Z INFO listening on :8080 with timeout=30s") == []


def test_first_error_stack_roots_and_hosts() -> None:
    log = "\n".join([
        "2026-03-17T02:59:00Z INFO starting payments-api v1.4.2",
        "2026-03-17T02:59:02Z ERROR failed to connect: dial tcp: lookup payments-db-v2.production.svc.cluster.local"
        " on 10.96.0.10:53: no such host",
        "Traceback (most recent call last):",
        '  File "app.py", line 3, in <module>',
        "    main()",
        "KeyError: 'DATABASE_URL'",
        "org.springframework.beans.factory.BeanCreationException: Error creating bean",
        "\tat org.springframework.Foo.bar(Foo.java:10)",
        "Caused by: java.net.UnknownHostException: ledger.finance.svc",
        "panic: runtime error: invalid memory address or nil pointer dereference",
    ])
    reading = read_log(log)
    assert reading.first_error is not None and reading.first_error.number == 2
    texts = [line.text for line in reading.key_lines]
    assert "KeyError: 'DATABASE_URL'" in texts  # the Python traceback's last line
    assert "Caused by: java.net.UnknownHostException: ledger.finance.svc" in texts
    assert "panic: runtime error: invalid memory address or nil pointer dereference" in texts
    assert not any(t.startswith("2026-03-17T02:59:00Z INFO") for t in texts)
    assert reading.signatures[:2] == ["dns_failure", "missing_env"]
    assert reading.hosts == ["payments-db-v2.production.svc.cluster.local", "ledger.finance.svc"]


def test_repeated_errors_collapse_and_key_lines_are_capped() -> None:
    names = ["".join(pair) for pair in itertools.product("ghijklmnop", repeat=2)]  # 100 distinct words
    lines = [f"2026-03-17T02:{i // 60:02d}:{i % 60:02d}Z ERROR job {names[i % 100]} failed: attempt {i}"
             for i in range(500)]
    reading = read_log("\n".join(lines))
    assert len(reading.key_lines) == MAX_KEY_LINES
    assert reading.key_lines[0].number == 1  # the first error always stays
    assert reading.key_lines[-1].number == 500  # then the latest ones
    assert reading.signatures == []


def test_hosts_skip_ips_and_timestamps() -> None:
    assert hosts_of("2026-03-17T02:59:02Z dial tcp 10.0.3.4:5432: connect: connection refused") == []
    assert hosts_of('could not translate host name "orders-db" to address') == ["orders-db"]

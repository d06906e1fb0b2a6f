"""The session-wide read-only check (tests/reliability/readonly.py) can fail: a session whose test sends a
write to a simulated cluster exits non-zero and names the request."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROBE = textwrap.dedent("""
    import http.client
    from tests.support.simulator import running_simulator

    def test_writes_to_the_cluster():
        with running_simulator() as sim:
            connection = http.client.HTTPConnection(sim.url.removeprefix("http://"))
            connection.request("DELETE", "/api/v1/namespaces/shop/pods/web-0")
            assert connection.getresponse().status == 405  # refused, but it reached the cluster

    def test_only_reads():
        with running_simulator() as sim:
            connection = http.client.HTTPConnection(sim.url.removeprefix("http://"))
            connection.request("GET", "/api/v1/namespaces")
            assert connection.getresponse().status == 200
""")


def _session(tmp_path: Path, source: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "test_probe.py").write_text(source)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p",
                           "tests.reliability.readonly", str(tmp_path / "test_probe.py")],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False)


def test_a_write_reaching_a_simulated_cluster_fails_the_session(tmp_path: Path) -> None:
    result = _session(tmp_path, PROBE)
    assert "2 passed" in result.stdout  # both tests pass on their own ...
    assert result.returncode == pytest.ExitCode.TESTS_FAILED  # ... yet the session fails
    assert "NON-GET REACHED THE CLUSTER: DELETE /api/v1/namespaces/shop/pods/web-0 -> 405" in result.stdout


def test_a_read_only_session_passes(tmp_path: Path) -> None:
    result = _session(tmp_path, PROBE.split("def test_writes")[0] + "def test_only_reads" +
                      PROBE.split("def test_only_reads")[1])
    assert result.returncode == 0, result.stdout
    assert "0 non-GET" in result.stdout



"""Stack frames (file:line:column) are not host:port dependencies."""

from __future__ import annotations

from firstresponder.topology.hosts import hosts_in_text


def test_node_and_js_stack_frames_are_not_hosts() -> None:
    assert hosts_in_text("at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1607:16)") == []
    assert hosts_in_text("at Object.<anonymous> (/app/server.js:42:7)") == []


def test_host_port_followed_by_an_error_colon_is_still_a_host() -> None:
    assert hosts_in_text("dial tcp payments-db:5432: connect: connection refused") == [("payments-db", 5432)]

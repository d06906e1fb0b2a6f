"""The default certificate fetcher, over real TLS, against a local stand-in for SNS's certificate host."""

from __future__ import annotations

import base64
import functools
import http.client
import http.server
import socket
import ssl
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from ipaddress import IPv4Address
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from firstresponder.intake import IntakeError, SnsSignatureVerifier
from firstresponder.intake.sns_signature import MAX_CERT_BYTES, canonical_string, fetch_certificate
from tests.unit.intake.alert_fixtures import fixture_json

HOST = "sns.eu-west-1.amazonaws.com"
NOW = datetime(2026, 11, 27, tzinfo=UTC)


def _self_signed(key: rsa.RSAPrivateKey, common_name: str, san: list[x509.GeneralName]) -> x509.Certificate:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    return (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(NOW - timedelta(days=1))
            .not_valid_after(NOW + timedelta(days=3650))
            .add_extension(x509.SubjectAlternativeName(san), critical=False).sign(key, hashes.SHA256()))


class SnsCertificateHost:
    """HTTPS server presenting a TLS certificate for sns.eu-west-1.amazonaws.com; serves a signing cert."""

    def __init__(self, directory: Path) -> None:
        tls_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        tls_cert = _self_signed(tls_key, HOST, [x509.DNSName(HOST), x509.IPAddress(IPv4Address("127.0.0.1"))])
        self.ca_file = directory / "tls.pem"
        self.ca_file.write_bytes(tls_cert.public_bytes(serialization.Encoding.PEM))
        key_file = directory / "tls.key"
        key_file.write_bytes(tls_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                   serialization.NoEncryption()))
        self.signing_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        signing_pem = _self_signed(self.signing_key, "sns.amazonaws.com", [x509.DNSName("sns.amazonaws.com")]) \
            .public_bytes(serialization.Encoding.PEM)
        self.requests: list[str] = []
        routes = {"/SimpleNotificationService-good.pem": (200, signing_pem, {}),
                  "/SimpleNotificationService-big.pem": (200, b"A" * (MAX_CERT_BYTES + 10), {}),
                  "/SimpleNotificationService-moved.pem": (302, b"", {"Location": "https://evil.example/x.pem"})}
        requests = self.requests

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                requests.append(self.path)
                status, body, headers = routes.get(self.path, (404, b"not found", {}))
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                return None

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.ca_file, key_file)
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def handler(self) -> urllib.request.BaseHandler:
        """An HTTPS handler that reaches this host for sns.eu-west-1.amazonaws.com (a local name resolution)."""
        port = self.port
        context = ssl.create_default_context(cafile=str(self.ca_file))

        class LocalConnection(http.client.HTTPSConnection):
            def connect(self) -> None:
                raw = socket.create_connection(("127.0.0.1", port), self.timeout)
                self.sock = context.wrap_socket(raw, server_hostname=self.host)

        class LocalHttps(urllib.request.HTTPSHandler):
            def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
                return self.do_open(LocalConnection, req, context=context)

        return LocalHttps(context=context)


@pytest.fixture(scope="module")
def sns_host(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SnsCertificateHost]:
    host = SnsCertificateHost(tmp_path_factory.mktemp("sns-tls"))
    host.thread.start()
    yield host
    host.server.shutdown()
    host.server.server_close()


def _url(path: str) -> str:
    return f"https://{HOST}/{path}"


def test_valid_message_verifies_with_the_real_fetcher(sns_host: SnsCertificateHost) -> None:
    # Given a notification signed by the key whose certificate the SNS host serves
    envelope = {**fixture_json("sns/container-insights.pod_memory_utilization_over_pod_limit.https.json"),
                "SignatureVersion": "2", "SigningCertURL": _url("SimpleNotificationService-good.pem")}
    signature = sns_host.signing_key.sign(canonical_string(envelope), padding.PKCS1v15(), hashes.SHA256())
    envelope["Signature"] = base64.b64encode(signature).decode()
    verifier = SnsSignatureVerifier(functools.partial(fetch_certificate, handlers=[sns_host.handler()]))
    before = len(sns_host.requests)
    # When it is verified twice
    verifier.verify(envelope, now=NOW)
    verifier.verify(envelope, now=NOW)
    # Then the certificate was fetched over HTTPS once
    assert sns_host.requests[before:] == ["/SimpleNotificationService-good.pem"]


def test_redirects_are_not_followed(sns_host: SnsCertificateHost) -> None:
    with pytest.raises(urllib.request.HTTPError) as caught:
        fetch_certificate(_url("SimpleNotificationService-moved.pem"), handlers=[sns_host.handler()])
    assert caught.value.code == 302


def test_oversized_certificate_is_refused(sns_host: SnsCertificateHost) -> None:
    with pytest.raises(IntakeError, match="too large"):
        fetch_certificate(_url("SimpleNotificationService-big.pem"), handlers=[sns_host.handler()])


def test_untrusted_tls_fails_and_is_a_503_through_the_verifier(sns_host: SnsCertificateHost) -> None:
    # Reached with the system trust store, the stand-in's TLS certificate is rejected ...
    url = _url("SimpleNotificationService-good.pem")
    with pytest.raises(urllib.error.URLError) as caught:
        fetch_certificate(url, handlers=[_RouteTo(sns_host.port)])
    assert isinstance(caught.value.reason, ssl.SSLCertVerificationError)
    # ... and the verifier answers 503 so that SNS retries later.
    envelope = {**fixture_json("sns/container-insights.pod_memory_utilization_over_pod_limit.https.json"),
                "SigningCertURL": url}
    with pytest.raises(IntakeError) as refused:
        SnsSignatureVerifier(functools.partial(fetch_certificate, handlers=[_RouteTo(sns_host.port)])).verify(envelope)
    assert refused.value.status == 503


class _RouteTo(urllib.request.HTTPSHandler):
    """Reaches the stand-in with the system's default trust store (which does not trust it)."""

    def __init__(self, port: int) -> None:
        super().__init__(context=ssl.create_default_context())
        self.port = port

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        port = self.port

        class Connection(http.client.HTTPSConnection):
            def connect(self) -> None:
                raw = socket.create_connection(("127.0.0.1", port), self.timeout)
                self.sock = ssl.create_default_context().wrap_socket(raw, server_hostname=self.host)

        return self.do_open(Connection, req)

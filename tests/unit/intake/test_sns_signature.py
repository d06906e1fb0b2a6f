"""SNS signatures (v1 SHA1, v2 SHA256) checked against a locally generated key and self-signed certificate."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import NameOID

from firstresponder.intake import IntakeError, SnsSignatureVerifier
from firstresponder.intake.sns_signature import canonical_string, check_certificate_url, fetch_certificate
from tests.unit.intake.alert_fixtures import fixture_json

CERT_URL = "https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-9c6465fa7f48f5cacd23014631ec1136.pem"
NOT_BEFORE = datetime(2026, 1, 1, tzinfo=UTC)


def _certificate(key: Any) -> bytes:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sns.amazonaws.com")])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(1).not_valid_before(NOT_BEFORE).not_valid_after(NOT_BEFORE + timedelta(days=365))
            .sign(key, hashes.SHA256()))
    return cert.public_bytes(serialization.Encoding.PEM)


@pytest.fixture(scope="module")
def key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def pem(key: rsa.RSAPrivateKey) -> bytes:
    return _certificate(key)


class CertServer:
    """Stands in for SNS's certificate host: counts fetches, serves one PEM."""

    def __init__(self, pem: bytes) -> None:
        self.pem = pem
        self.fetched: list[str] = []

    def __call__(self, url: str) -> bytes:
        self.fetched.append(url)
        return self.pem


def signed(key: rsa.RSAPrivateKey, envelope: dict[str, Any], version: str) -> dict[str, Any]:
    envelope = {**envelope, "SignatureVersion": version, "SigningCertURL": CERT_URL}
    digest = hashes.SHA1() if version == "1" else hashes.SHA256()  # SNS v1 is SHA1 by definition
    signature = key.sign(canonical_string(envelope), padding.PKCS1v15(), digest)
    return {**envelope, "Signature": base64.b64encode(signature).decode()}


def notification() -> dict[str, Any]:
    return dict(fixture_json("sns/container-insights.pod_memory_utilization_over_pod_limit.https.json"))


@pytest.mark.parametrize("version", ["1", "2"])
@pytest.mark.parametrize("fixture", ["sns/container-insights.pod_memory_utilization_over_pod_limit.https.json",
                                     "sns/subscription-confirmation.https.json",
                                     "sns/unsubscribe-confirmation.https.json"])
def test_valid_signatures_pass(key: rsa.RSAPrivateKey, pem: bytes, version: str, fixture: str) -> None:
    SnsSignatureVerifier(CertServer(pem)).verify(signed(key, fixture_json(fixture), version))


def test_notification_without_subject_is_signed_without_it(key: rsa.RSAPrivateKey, pem: bytes) -> None:
    envelope = notification()
    del envelope["Subject"]
    assert b"Subject" not in canonical_string(envelope)
    SnsSignatureVerifier(CertServer(pem)).verify(signed(key, envelope, "2"))


def test_canonical_string_is_snss_documented_order() -> None:
    envelope = {"Type": "Notification", "MessageId": "id", "TopicArn": "arn", "Subject": "s", "Message": "m",
                "Timestamp": "t", "UnsubscribeURL": "ignored"}
    assert canonical_string(envelope) == (b"Message\nm\nMessageId\nid\nSubject\ns\nTimestamp\nt\n"
                                          b"TopicArn\narn\nType\nNotification\n")


def test_lambda_spelling_of_the_certificate_url_is_accepted(key: rsa.RSAPrivateKey, pem: bytes) -> None:
    envelope = signed(key, notification(), "1")
    envelope["SigningCertUrl"] = envelope.pop("SigningCertURL")
    SnsSignatureVerifier(CertServer(pem)).verify(envelope)


def test_certificate_is_fetched_once_per_url(key: rsa.RSAPrivateKey, pem: bytes) -> None:
    server = CertServer(pem)
    verifier = SnsSignatureVerifier(server)
    for version in ("1", "2", "1"):
        verifier.verify(signed(key, notification(), version))
    assert server.fetched == [CERT_URL]


def _refused(verifier: SnsSignatureVerifier, envelope: dict[str, Any], reason: str, status: int = 403,
             now: datetime | None = None) -> None:
    with pytest.raises(IntakeError) as caught:
        verifier.verify(envelope, now=now)
    assert caught.value.status == status
    assert reason in caught.value.reason


@pytest.mark.parametrize(("field", "value"), [
    ("Message", '{"AlarmName":"tampered"}'), ("Subject", "other"), ("Timestamp", "2026-11-27T21:12:32.000Z"),
    ("TopicArn", "arn:aws:sns:eu-west-1:111122223333:other"), ("Type", "SubscriptionConfirmation"),
])
def test_tampered_message_fails(key: rsa.RSAPrivateKey, pem: bytes, field: str, value: str) -> None:
    envelope = {**signed(key, notification(), "2"), field: value}
    expected = "missing field" if field == "Type" else "does not match"
    _refused(SnsSignatureVerifier(CertServer(pem)), envelope, expected)


def test_signature_by_another_key_fails(pem: bytes) -> None:
    other = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    _refused(SnsSignatureVerifier(CertServer(pem)), signed(other, notification(), "2"), "does not match")


def test_v1_signature_claimed_as_v2_fails(key: rsa.RSAPrivateKey, pem: bytes) -> None:
    envelope = {**signed(key, notification(), "1"), "SignatureVersion": "2"}
    _refused(SnsSignatureVerifier(CertServer(pem)), envelope, "does not match")


@pytest.mark.parametrize("url", [
    "http://sns.eu-west-1.amazonaws.com/SimpleNotificationService-x.pem",
    "https://sns.eu-west-1.amazonaws.com.evil.example/SimpleNotificationService-x.pem",
    "https://evil.example/sns.eu-west-1.amazonaws.com/x.pem",
    "https://s3.eu-west-1.amazonaws.com/SimpleNotificationService-x.pem",
    "https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-x.txt",
    "https://sns.eu-west-1.amazonaws.com/x.pem?redirect=https://evil.example/a.pem",
    "https://user@sns.eu-west-1.amazonaws.com/x.pem",
    "https://sns.eu-west-1.amazonaws.com:444/x.pem",
    "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-x.pem",  # not the topic's region
])
def test_certificate_url_outside_sns_fails_before_any_fetch(key: rsa.RSAPrivateKey, pem: bytes, url: str) -> None:
    server = CertServer(pem)
    envelope = {**signed(key, notification(), "1"), "SigningCertURL": url}
    _refused(SnsSignatureVerifier(server), envelope, "SigningCertURL")
    assert server.fetched == []


def test_china_certificate_host_is_accepted() -> None:
    check_certificate_url("https://sns.cn-north-1.amazonaws.com.cn/SimpleNotificationService-x.pem", "cn-north-1")


@pytest.mark.parametrize(("change", "reason"), [
    ({"SignatureVersion": "3"}, "SignatureVersion must be 1 or 2"),
    ({"SignatureVersion": None}, "SignatureVersion must be 1 or 2"),
    ({"SignatureVersion": 1}, "SignatureVersion must be 1 or 2"),
    ({"Signature": None}, "missing field Signature"),
    ({"Signature": "not base64!"}, "Signature is not base64"),
    ({"SigningCertURL": None}, "missing field SigningCertURL"),
    ({"MessageId": None}, "missing field MessageId"),
    ({"Timestamp": 12}, "missing field Timestamp"),
    ({"Type": "Surprise"}, "unknown or missing message Type"),
])
def test_missing_or_wrong_fields_fail_with_a_clear_reason(key: rsa.RSAPrivateKey, pem: bytes,
                                                          change: dict[str, Any], reason: str) -> None:
    _refused(SnsSignatureVerifier(CertServer(pem)), {**signed(key, notification(), "2"), **change}, reason)


def test_confirmation_without_token_fails(key: rsa.RSAPrivateKey, pem: bytes) -> None:
    envelope = signed(key, fixture_json("sns/subscription-confirmation.https.json"), "2")
    del envelope["Token"]
    _refused(SnsSignatureVerifier(CertServer(pem)), envelope, "missing field Token")


def test_certificate_that_is_not_pem_fails(key: rsa.RSAPrivateKey) -> None:
    _refused(SnsSignatureVerifier(CertServer(b"<html>oops</html>")), signed(key, notification(), "1"),
             "not a PEM certificate")


def test_non_rsa_certificate_fails(key: rsa.RSAPrivateKey) -> None:
    ec_pem = _certificate(ec.generate_private_key(ec.SECP256R1()))
    _refused(SnsSignatureVerifier(CertServer(ec_pem)), signed(key, notification(), "1"), "not RSA")


def test_unreachable_certificate_is_503_so_sns_retries(key: rsa.RSAPrivateKey) -> None:
    def unreachable(url: str) -> bytes:
        raise OSError("connection refused")

    _refused(SnsSignatureVerifier(unreachable), signed(key, notification(), "1"), "unavailable (OSError)", 503)


def test_expired_certificate_fails_when_now_is_given(key: rsa.RSAPrivateKey, pem: bytes) -> None:
    verifier = SnsSignatureVerifier(CertServer(pem))
    envelope = signed(key, notification(), "2")
    verifier.verify(envelope, now=NOT_BEFORE + timedelta(days=10))
    _refused(verifier, envelope, "not valid now", now=NOT_BEFORE + timedelta(days=400))


def test_default_fetcher_refuses_non_sns_urls_without_connecting() -> None:
    with pytest.raises(IntakeError, match="plain https"):
        fetch_certificate("http://127.0.0.1:1/x.pem")
    with pytest.raises(IntakeError, match="host"):
        fetch_certificate("https://127.0.0.1:443/x.pem")

"""SNS message signature verification (SignatureVersion 1: SHA1, 2: SHA256, RSA PKCS#1 v1.5).

The signing certificate is fetched only from ``https://sns.<region>.amazonaws.com[.cn]/...pem``
and cached by URL; the fetcher is injectable so tests serve their own certificate.
"""

from __future__ import annotations

import base64
import binascii
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from firstresponder.intake.errors import IntakeError
from firstresponder.intake.sns_subscription import sns_hosts

CertFetcher = Callable[[str], bytes]

NOTIFICATION_FIELDS = ("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type")
CONFIRMATION_FIELDS = ("Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type")
SIGNED_FIELDS = {
    "Notification": NOTIFICATION_FIELDS,
    "SubscriptionConfirmation": CONFIRMATION_FIELDS,
    "UnsubscribeConfirmation": CONFIRMATION_FIELDS,
}
HASHES: dict[str, Callable[[], hashes.HashAlgorithm]] = {"1": hashes.SHA1, "2": hashes.SHA256}
MAX_CERT_BYTES = 65536
FETCH_TIMEOUT_SECONDS = 5.0
# Of the SNS envelope, only Subject may be absent (notifications published without one).
OPTIONAL_FIELDS = frozenset({"Subject"})


def canonical_string(envelope: Mapping[str, Any]) -> bytes:
    """The bytes SNS signed: ``Name\\nvalue\\n`` for each signed field, in SNS's order."""
    message_type = envelope.get("Type")
    fields = SIGNED_FIELDS.get(message_type) if isinstance(message_type, str) else None
    if fields is None:
        raise IntakeError(403, "sns signature: unknown or missing message Type")
    lines: list[str] = []
    for name in fields:
        value = _field(envelope, name)
        if value is None:
            if name in OPTIONAL_FIELDS:
                continue
            raise IntakeError(403, f"sns signature: missing field {name}")
        lines.append(f"{name}\n{value}\n")
    return "".join(lines).encode("utf-8", "surrogatepass")


def check_certificate_url(url: str, topic_region: str | None = None) -> None:
    """Accept only ``https://sns.<region>.amazonaws.com[.cn]/<...>.pem`` (of the topic's region when known)."""
    try:
        split = urlsplit(url)
        port = split.port
    except ValueError:
        raise IntakeError(403, "sns signature: SigningCertURL is not a URL") from None
    host = split.hostname or ""
    if split.scheme != "https" or split.username or split.password or port not in (None, 443):
        raise IntakeError(403, "sns signature: SigningCertURL is not a plain https URL")
    region = host.removeprefix("sns.").removesuffix(".cn").removesuffix(".amazonaws.com")
    if not region or "." in region or host not in sns_hosts(region):
        raise IntakeError(403, "sns signature: SigningCertURL host is not sns.<region>.amazonaws.com")
    if topic_region and region != topic_region:
        raise IntakeError(403, "sns signature: SigningCertURL region differs from the topic's")
    if not split.path.endswith(".pem") or split.query or split.fragment:
        raise IntakeError(403, "sns signature: SigningCertURL is not a .pem path")


def fetch_certificate(url: str, handlers: Sequence[urllib.request.BaseHandler] = ()) -> bytes:
    """HTTPS GET of a signing certificate, re-checking the host and refusing redirects (``handlers``: extra urllib handlers)."""
    check_certificate_url(url)
    opener = urllib.request.build_opener(_NoRedirect, *handlers)
    # The scheme and host were checked just above: only https://sns.<region>.amazonaws.com reaches here.
    with opener.open(urllib.request.Request(url), timeout=FETCH_TIMEOUT_SECONDS) as response:  # noqa: S310
        check_certificate_url(response.geturl())
        body: bytes = response.read(MAX_CERT_BYTES + 1)
    if len(body) > MAX_CERT_BYTES:
        raise IntakeError(403, "sns signature: signing certificate too large")
    return body


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class SnsSignatureVerifier:
    """Verifies SNS envelopes; keeps the public key of every certificate URL it has fetched."""

    def __init__(self, cert_fetcher: CertFetcher | None = None) -> None:
        self._fetch = cert_fetcher or fetch_certificate
        self._certificates: dict[str, x509.Certificate] = {}

    def verify(self, envelope: Mapping[str, Any], *, now: datetime | None = None) -> None:
        """Return when the signature is valid; otherwise IntakeError(403) (503 if the certificate is unreachable)."""
        version = envelope.get("SignatureVersion")
        if not isinstance(version, str) or version not in HASHES:
            raise IntakeError(403, "sns signature: SignatureVersion must be 1 or 2")
        signature = _signature(envelope)
        cert_url = _field(envelope, "SigningCertURL") or _field(envelope, "SigningCertUrl")
        if cert_url is None:
            raise IntakeError(403, "sns signature: missing field SigningCertURL")
        check_certificate_url(cert_url, _topic_region(envelope))
        certificate = self._certificate(cert_url)
        if now is not None and not (certificate.not_valid_before_utc <= now <= certificate.not_valid_after_utc):
            raise IntakeError(403, "sns signature: signing certificate is not valid now")
        key = certificate.public_key()
        if not isinstance(key, rsa.RSAPublicKey):
            raise IntakeError(403, "sns signature: signing certificate key is not RSA")
        try:
            key.verify(signature, canonical_string(envelope), padding.PKCS1v15(), HASHES[version]())
        except InvalidSignature:
            raise IntakeError(403, "sns signature: signature does not match the message") from None

    def _certificate(self, url: str) -> x509.Certificate:
        if url not in self._certificates:
            try:
                pem = self._fetch(url)
            except IntakeError:
                raise
            except Exception as error:  # any transport failure: SNS retries on a non-2xx answer
                raise IntakeError(503, f"sns signature: signing certificate unavailable ({type(error).__name__})") from None
            try:
                self._certificates[url] = x509.load_pem_x509_certificate(pem)
            except ValueError:
                raise IntakeError(403, "sns signature: signing certificate is not a PEM certificate") from None
        return self._certificates[url]


def _field(envelope: Mapping[str, Any], name: str) -> str | None:
    value = envelope.get(name)
    return value if isinstance(value, str) else None


def _signature(envelope: Mapping[str, Any]) -> bytes:
    encoded = _field(envelope, "Signature")
    if not encoded:
        raise IntakeError(403, "sns signature: missing field Signature")
    try:
        return base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise IntakeError(403, "sns signature: Signature is not base64") from None


def _topic_region(envelope: Mapping[str, Any]) -> str | None:
    parts = (_field(envelope, "TopicArn") or "").split(":")
    return parts[3] if len(parts) == 6 and parts[2] == "sns" and parts[3] else None

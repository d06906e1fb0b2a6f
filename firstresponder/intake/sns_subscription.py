"""Which SNS SubscriptionConfirmation may be confirmed: only our topic's, pointing at SNS itself."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any
from urllib.parse import parse_qs, urlsplit

from firstresponder.intake.errors import IntakeError
from firstresponder.intake.sns import SnsControlMessage, read_sns


def sns_hosts(region: str) -> set[str]:
    """The SNS endpoint host names of ``region`` (China regions use ``amazonaws.com.cn``)."""
    return {f"sns.{region}.amazonaws.com", f"sns.{region}.amazonaws.com.cn"}


def subscription_confirmation_url(envelope: Mapping[str, Any] | SnsControlMessage, expected_region: str,
                                  expected_account: str, expected_topic_arns: Collection[str]) -> str:
    """The SubscribeURL to GET, when the confirmation is for an expected topic and URL; else IntakeError(403)."""
    message = envelope if isinstance(envelope, SnsControlMessage) else read_sns(dict(envelope))
    if not isinstance(message, SnsControlMessage) or message.type != "SubscriptionConfirmation":
        raise IntakeError(422, "sns: not a SubscriptionConfirmation")
    if message.topic_arn not in expected_topic_arns:
        raise IntakeError(403, "sns: SubscriptionConfirmation for an unexpected topic")
    parts = message.topic_arn.split(":")
    if len(parts) != 6 or parts[2] != "sns" or parts[3] != expected_region or parts[4] != expected_account:
        raise IntakeError(403, "sns: topic ARN is not in the expected region and account")
    _check_subscribe_url(message.subscribe_url, expected_region, message.topic_arn)
    return message.subscribe_url


def _check_subscribe_url(url: str, region: str, topic_arn: str) -> None:
    try:
        split = urlsplit(url)
        port = split.port
    except ValueError:
        raise IntakeError(403, "sns: SubscribeURL is not a URL") from None
    if split.scheme != "https" or split.username or split.password or port not in (None, 443):
        raise IntakeError(403, "sns: SubscribeURL is not a plain https URL")
    if split.hostname not in sns_hosts(region):
        raise IntakeError(403, f"sns: SubscribeURL host is not sns.{region}.amazonaws.com")
    query = parse_qs(split.query)
    if query.get("Action") != ["ConfirmSubscription"] or query.get("TopicArn") != [topic_arn]:
        raise IntakeError(403, "sns: SubscribeURL is not a ConfirmSubscription for this topic")
    if not query.get("Token"):
        raise IntakeError(403, "sns: SubscribeURL carries no Token")

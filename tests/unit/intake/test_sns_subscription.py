"""Only our own topic's SubscriptionConfirmation, pointing at SNS in our region, yields a URL to confirm."""

from __future__ import annotations

from typing import Any

import pytest

from firstresponder.intake import IntakeError, SnsControlMessage, read_sns, subscription_confirmation_url
from tests.unit.intake.alert_fixtures import fixture_json

REGION, ACCOUNT = "eu-west-1", "111122223333"
TOPIC = f"arn:aws:sns:{REGION}:{ACCOUNT}:firstresponder-alarms"


def confirmation(**changes: Any) -> dict[str, Any]:
    envelope: dict[str, Any] = fixture_json("sns/subscription-confirmation.https.json")
    envelope.update(changes)
    return envelope


def test_expected_topic_gives_its_subscribe_url() -> None:
    envelope = confirmation()
    url = subscription_confirmation_url(envelope, REGION, ACCOUNT, [TOPIC])
    assert url == envelope["SubscribeURL"]
    assert url.startswith(f"https://sns.{REGION}.amazonaws.com/?Action=ConfirmSubscription&TopicArn={TOPIC}&Token=")


def test_control_message_object_is_accepted_too() -> None:
    message = read_sns(confirmation())
    assert isinstance(message, SnsControlMessage)
    assert subscription_confirmation_url(message, REGION, ACCOUNT, {TOPIC}) == confirmation()["SubscribeURL"]


def test_china_partition_host_is_accepted() -> None:
    topic = f"arn:aws-cn:sns:cn-north-1:{ACCOUNT}:alarms"
    url = f"https://sns.cn-north-1.amazonaws.com.cn/?Action=ConfirmSubscription&TopicArn={topic}&Token=abc"
    assert subscription_confirmation_url(confirmation(TopicArn=topic, SubscribeURL=url), "cn-north-1",
                                         ACCOUNT, [topic]) == url


def _url(host: str = f"sns.{REGION}.amazonaws.com", scheme: str = "https", topic: str = TOPIC,
         action: str = "ConfirmSubscription", token: str = "&Token=abc") -> str:
    return f"{scheme}://{host}/?Action={action}&TopicArn={topic}{token}"


@pytest.mark.parametrize(("envelope", "topics", "status", "reason"), [
    (confirmation(), ["arn:aws:sns:eu-west-1:111122223333:other"], 403, "unexpected topic"),
    (confirmation(TopicArn="arn:aws:sns:us-east-1:111122223333:firstresponder-alarms"),
     ["arn:aws:sns:us-east-1:111122223333:firstresponder-alarms"], 403, "region and account"),
    (confirmation(TopicArn="arn:aws:sns:eu-west-1:999999999999:firstresponder-alarms"),
     ["arn:aws:sns:eu-west-1:999999999999:firstresponder-alarms"], 403, "region and account"),
    (confirmation(SubscribeURL=_url(scheme="http")), [TOPIC], 403, "plain https"),
    (confirmation(SubscribeURL=_url(host="sns.eu-west-1.amazonaws.com.evil.example")), [TOPIC], 403, "host"),
    (confirmation(SubscribeURL=_url(host="sns.us-east-1.amazonaws.com")), [TOPIC], 403, "host"),
    (confirmation(SubscribeURL=_url(host="user@sns.eu-west-1.amazonaws.com")), [TOPIC], 403, "plain https"),
    (confirmation(SubscribeURL=_url(host="sns.eu-west-1.amazonaws.com:8443")), [TOPIC], 403, "plain https"),
    (confirmation(SubscribeURL=_url(host="169.254.169.254")), [TOPIC], 403, "host"),
    (confirmation(SubscribeURL=_url(action="Unsubscribe")), [TOPIC], 403, "ConfirmSubscription"),
    (confirmation(SubscribeURL=_url(topic="arn:aws:sns:eu-west-1:111122223333:other")), [TOPIC], 403,
     "ConfirmSubscription"),
    (confirmation(SubscribeURL=_url(token="")), [TOPIC], 403, "Token"),
    (confirmation(SubscribeURL="https://[::1"), [TOPIC], 403, "not a URL"),
    (fixture_json("sns/unsubscribe-confirmation.https.json"), [TOPIC], 422, "not a SubscriptionConfirmation"),
    (fixture_json("sns/container-insights.cluster_failed_node_count.https.json"), [TOPIC], 422,
     "not a SubscriptionConfirmation"),
])
def test_anything_else_is_refused(envelope: dict[str, Any], topics: list[str], status: int, reason: str) -> None:
    with pytest.raises(IntakeError) as caught:
        subscription_confirmation_url(envelope, REGION, ACCOUNT, topics)
    assert caught.value.status == status
    assert reason in caught.value.reason

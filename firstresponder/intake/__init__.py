"""Alert intake: one normaliser per source → ``Alert``; SNS signature checks; incident grouping."""

from firstresponder.intake.credentials import check_credential
from firstresponder.intake.detection import detect_source
from firstresponder.intake.errors import IntakeError
from firstresponder.intake.incidents import Incident, dedup_key, group_into_incidents, incident_key
from firstresponder.intake.parsing import (
    check_content_type,
    decode_json,
    parse_alert_file,
    parse_payload,
    read_payload,
    source_from_name,
)
from firstresponder.intake.sns import SnsControlMessage, read_sns
from firstresponder.intake.sns_signature import SnsSignatureVerifier
from firstresponder.intake.sns_subscription import subscription_confirmation_url

__all__ = [
    "Incident",
    "IntakeError",
    "SnsControlMessage",
    "SnsSignatureVerifier",
    "check_content_type",
    "check_credential",
    "decode_json",
    "dedup_key",
    "detect_source",
    "group_into_incidents",
    "incident_key",
    "parse_alert_file",
    "parse_payload",
    "read_payload",
    "read_sns",
    "source_from_name",
    "subscription_confirmation_url",
]

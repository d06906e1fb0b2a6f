"""The Slack stand-in lives in the package (the local stack uses it too); tests import it from here."""

from firstresponder.local.slack_standin import TOKEN, SlackStandIn, block_kit_problems, running_slack_standin

__all__ = ["TOKEN", "SlackStandIn", "block_kit_problems", "running_slack_standin"]

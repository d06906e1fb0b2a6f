"""Which Slack channel a report goes to: first matching rule by cluster/namespace/severity."""

from __future__ import annotations

import json

from pydantic import BaseModel, ConfigDict, Field

from firstresponder.models import Alert


class RouteRule(BaseModel):
    model_config = ConfigDict(extra="forbid")

    channel: str
    cluster: str | None = None
    namespace: str | None = None
    severity: str | None = None

    def matches(self, alert: Alert) -> bool:
        return all(want is None or want == have for want, have in
                   ((self.cluster, alert.cluster), (self.namespace, alert.namespace),
                    (self.severity, alert.severity)))


class SlackRouting(BaseModel):
    model_config = ConfigDict(extra="forbid")

    default_channel: str
    rules: list[RouteRule] = Field(default_factory=list)

    def channel_for(self, alert: Alert) -> str:
        return next((r.channel for r in self.rules if r.matches(alert)), self.default_channel)

    @classmethod
    def from_json(cls, default_channel: str, rules_json: str | None) -> SlackRouting:
        rules = [RouteRule.model_validate(r) for r in json.loads(rules_json)] if rules_json else []
        return cls(default_channel=default_channel, rules=rules)

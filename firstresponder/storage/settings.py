"""Which tables to use, validated once at cold start from the environment."""

from __future__ import annotations

import os
from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict, Field

# Environment variable names shared with template.yaml.
ENV_INVESTIGATIONS_TABLE = "INVESTIGATIONS_TABLE"
ENV_DEDUP_TABLE = "DEDUP_TABLE"
ENV_LEARNING_TABLE = "LEARNING_TABLE"
ENV_RETENTION_DAYS = "RETENTION_DAYS"


class StorageSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    investigations_table: str
    dedup_table: str
    learning_table: str
    retention_days: int = Field(default=30, ge=1, le=3650)
    endpoint_url: str | None = None  # local stack / moto server
    region: str | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> StorageSettings:
        source = os.environ if env is None else env
        return cls(
            investigations_table=source.get(ENV_INVESTIGATIONS_TABLE, "firstresponder-investigations"),
            dedup_table=source.get(ENV_DEDUP_TABLE, "firstresponder-dedup"),
            learning_table=source.get(ENV_LEARNING_TABLE, "firstresponder-learning"),
            retention_days=int(source.get(ENV_RETENTION_DAYS, "30")),
            endpoint_url=source.get("AWS_ENDPOINT_URL_DYNAMODB") or None,
            region=source.get("AWS_REGION") or source.get("AWS_DEFAULT_REGION") or None,
        )

"""The deployed table layout (template.yaml must declare exactly this; tests/infra compares them)."""

from __future__ import annotations

from dataclasses import dataclass

from firstresponder.storage import keys, settings


@dataclass(frozen=True)
class Index:
    """A global secondary index with string keys (projection ALL)."""

    name: str
    partition_key: str
    sort_key: str | None = None


@dataclass(frozen=True)
class Table:
    """One table: its template resource, the env var carrying its physical name, and its keys."""

    logical_id: str  # resource name in template.yaml
    env_var: str  # set on every function from the template's Globals
    partition_key: str
    sort_key: str | None = None
    indexes: tuple[Index, ...] = ()
    ttl_attribute: str | None = None


INVESTIGATIONS = Table(
    logical_id="InvestigationsTable",
    env_var=settings.ENV_INVESTIGATIONS_TABLE,
    partition_key=keys.PK,
    sort_key=keys.SK,
    indexes=(
        Index(keys.GSI1, keys.GSI1PK, keys.GSI1SK),  # recent by cluster/namespace/workload
        Index(keys.GSI2, keys.GSI2PK, keys.GSI2SK),  # by incident fingerprint
    ),
    ttl_attribute=keys.TTL_ATTRIBUTE,
)
DEDUP = Table(
    logical_id="DedupTable",
    env_var=settings.ENV_DEDUP_TABLE,
    partition_key=keys.PK,
    ttl_attribute=keys.TTL_ATTRIBUTE,
)
LEARNING = Table(
    logical_id="LearningTable",
    env_var=settings.ENV_LEARNING_TABLE,
    partition_key=keys.PK,
    sort_key=keys.SK,
)
TABLES: tuple[Table, ...] = (INVESTIGATIONS, DEDUP, LEARNING)

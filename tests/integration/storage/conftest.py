from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from firstresponder.storage.dynamo import Dynamo, create_tables
from firstresponder.storage.settings import StorageSettings
from tests.support.aws import running_moto_server


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    with running_moto_server() as url:
        yield url


@pytest.fixture
def dynamo(moto_endpoint: str) -> Dynamo:
    suffix = uuid.uuid4().hex[:8]
    settings = StorageSettings(investigations_table=f"inv-{suffix}", dedup_table=f"dedup-{suffix}",
                               learning_table=f"learn-{suffix}", endpoint_url=moto_endpoint,
                               region="us-east-1", retention_days=7)
    create_tables(settings)
    return Dynamo(settings)

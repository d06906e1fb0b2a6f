"""Secrets from Secrets Manager (JSON secrets) and SSM parameters, cached per cold start."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError

CACHE_SECONDS = 300.0


class SecretUnavailable(Exception):
    """A secret could not be read; callers refuse the request rather than run unauthenticated."""


class SecretsGateway:
    def __init__(self, *, region: str | None = None, endpoint_url: str | None = None,
                 clock: Any = time.monotonic) -> None:
        self._sm = boto3.client("secretsmanager", region_name=region, endpoint_url=endpoint_url)
        self._ssm = boto3.client("ssm", region_name=region, endpoint_url=endpoint_url)
        self._cache: dict[str, tuple[float, Any]] = {}
        self._lock = threading.Lock()
        self._clock = clock

    def json_secret(self, secret_id: str) -> dict[str, Any]:
        """A Secrets Manager secret whose SecretString is a JSON object."""
        value = self._cached(f"sm:{secret_id}", lambda: self._sm.get_secret_value(SecretId=secret_id)["SecretString"])
        try:
            parsed = json.loads(value)
        except json.JSONDecodeError as err:
            raise SecretUnavailable(f"secret {secret_id} is not JSON") from err
        if not isinstance(parsed, dict):
            raise SecretUnavailable(f"secret {secret_id} is not a JSON object")
        return parsed

    def parameter(self, name: str) -> str:
        return str(self._cached(f"ssm:{name}", lambda: self._ssm.get_parameter(
            Name=name, WithDecryption=True)["Parameter"]["Value"]))

    def _cached(self, key: str, fetch: Any) -> Any:
        now = self._clock()
        with self._lock:
            hit = self._cache.get(key)
            if hit and now - hit[0] < CACHE_SECONDS:
                return hit[1]
        try:
            value = fetch()
        except (ClientError, BotoCoreError) as err:
            raise SecretUnavailable(f"{key.split(':', 1)[1]}: {type(err).__name__}") from err
        with self._lock:
            self._cache[key] = (now, value)
        return value

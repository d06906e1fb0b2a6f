"""EKS access: endpoint and CA from ``eks:DescribeCluster``, bearer tokens as aws-iam-authenticator makes them.

The token is ``k8s-aws-v1.`` + base64url (no padding) of a presigned STS ``GetCallerIdentity``
URL whose signature covers the header ``x-k8s-aws-id: <cluster>``. EKS accepts it for 15 minutes
after signing; we take a new one a minute early.
"""

from __future__ import annotations

import base64
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from botocore.credentials import RefreshableCredentials
from botocore.exceptions import BotoCoreError, ClientError
from botocore.signers import RequestSigner

TOKEN_PREFIX = "k8s-aws-v1."  # noqa: S105 - a format marker, not a credential
CLUSTER_ID_HEADER = "x-k8s-aws-id"
URL_EXPIRES_SECONDS = 60  # what aws-iam-authenticator and `aws eks get-token` sign with
TOKEN_LIFETIME_SECONDS = 15 * 60  # how long EKS accepts a token after X-Amz-Date
REFRESH_MARGIN_SECONDS = 60
ASSUMED_ROLE_SECONDS = 3600


class EksError(Exception):
    """EKS or STS refused or could not answer; the message names the call and the cluster."""


@dataclass(frozen=True)
class EksCluster:
    """Where a cluster's API server is and the CA bundle that signs its certificate."""

    name: str
    endpoint: str
    ca_pem: bytes


def describe_cluster(session: Any, cluster_name: str, region: str, credentials: Any | None = None) -> EksCluster:
    """Endpoint and CA of ``cluster_name`` via ``eks:DescribeCluster`` (with ``credentials`` if given)."""
    keys: dict[str, str] = {}
    if credentials is not None:
        frozen = credentials.get_frozen_credentials()
        keys = {"aws_access_key_id": frozen.access_key, "aws_secret_access_key": frozen.secret_key}
        if frozen.token:
            keys["aws_session_token"] = frozen.token
    try:
        cluster = session.client("eks", region_name=region, **keys).describe_cluster(name=cluster_name)["cluster"]
    except (ClientError, BotoCoreError) as error:
        raise EksError(f"eks:DescribeCluster {cluster_name} in {region}: {error}") from None
    endpoint = cluster.get("endpoint")
    ca_data = (cluster.get("certificateAuthority") or {}).get("data")
    if not endpoint or not ca_data:
        status = cluster.get("status", "unknown")
        raise EksError(f"EKS cluster {cluster_name} in {region} has no endpoint or CA yet (status {status})")
    return EksCluster(name=cluster_name, endpoint=endpoint, ca_pem=base64.b64decode(ca_data))


def assumed_role_credentials(session: Any, role_arn: str, region: str, *,
                             session_name: str = "firstresponder") -> Any:
    """Credentials of ``role_arn`` (cross-account clusters), re-assumed by botocore before they expire."""
    sts = session.client("sts", region_name=region)

    def assume() -> dict[str, str]:
        try:
            answer = sts.assume_role(RoleArn=role_arn, RoleSessionName=session_name,
                                     DurationSeconds=ASSUMED_ROLE_SECONDS)["Credentials"]
        except (ClientError, BotoCoreError) as error:
            raise EksError(f"sts:AssumeRole {role_arn}: {error}") from None
        return {"access_key": answer["AccessKeyId"], "secret_key": answer["SecretAccessKey"],
                "token": answer["SessionToken"], "expiry_time": answer["Expiration"].isoformat()}

    return RefreshableCredentials.create_from_metadata(metadata=assume(), refresh_using=assume,
                                                       method="sts-assume-role")


def presigned_token(sts_client: Any, credentials: Any, cluster_name: str) -> str:
    """A fresh ``k8s-aws-v1.`` token for ``cluster_name``, signed with ``credentials``."""
    region = sts_client.meta.region_name
    signer = RequestSigner(sts_client.meta.service_model.service_id, region, "sts", "v4", credentials,
                           sts_client.meta.events)
    request = {
        "method": "GET",
        "url": f"{sts_client.meta.endpoint_url}/?Action=GetCallerIdentity&Version=2011-06-15",
        "body": {},
        "headers": {CLUSTER_ID_HEADER: cluster_name},
        "context": {},
    }
    url: str = signer.generate_presigned_url(request, region_name=region, expires_in=URL_EXPIRES_SECONDS,
                                             operation_name="")
    return TOKEN_PREFIX + base64.urlsafe_b64encode(url.encode()).decode().rstrip("=")


class EksTokenSource:
    """A bearer token for one cluster, re-signed before EKS stops accepting it; thread-safe."""

    def __init__(self, cluster_name: str, *, sts_client: Any, credentials: Any,
                 clock: Callable[[], float] = time.time) -> None:
        self.cluster_name = cluster_name
        self._sts = sts_client
        self._credentials = credentials
        self._clock = clock
        self._lock = threading.Lock()
        self._token: str | None = None
        self.expires_at = 0.0  # clock time after which a new token is taken

    def __call__(self) -> str:
        """The current token (``KubeGateway.from_endpoint`` calls this before each request)."""
        with self._lock:
            now = self._clock()
            if self._token is None or now >= self.expires_at:
                try:
                    self._token = presigned_token(self._sts, self._credentials, self.cluster_name)
                except BotoCoreError as error:  # e.g. no credentials at all
                    raise EksError(f"signing an EKS token for {self.cluster_name}: {error}") from None
                self.expires_at = now + TOKEN_LIFETIME_SECONDS - REFRESH_MARGIN_SECONDS
            return self._token

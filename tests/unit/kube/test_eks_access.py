"""EKS access against moto: DescribeCluster wiring, token format and refresh, role assumption."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
from moto import mock_aws

from firstresponder.kube.connection import connect_eks
from firstresponder.kube.eks import (
    TOKEN_PREFIX,
    EksError,
    EksTokenSource,
    assumed_role_credentials,
    describe_cluster,
    presigned_token,
)
from firstresponder.kube.gateway import KubeGateway
from tests.unit.kube.scripted_api import scripted_api

REGION = "eu-west-1"
CLUSTER = "prod-eu"


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[boto3.Session]:
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    with mock_aws():  # sets fake credentials in the environment while active
        yield boto3.Session(region_name=REGION)


def _create_cluster(session: boto3.Session, name: str = CLUSTER, credentials: object | None = None
                    ) -> dict[str, object]:
    keys = {}
    if credentials is not None:  # moto keeps one backend per account: create where the role lives
        frozen = credentials.get_frozen_credentials()  # type: ignore[attr-defined]
        keys = {"aws_access_key_id": frozen.access_key, "aws_secret_access_key": frozen.secret_key,
                "aws_session_token": frozen.token}
    eks = session.client("eks", **keys)
    created = eks.create_cluster(name=name, roleArn="arn:aws:iam::123456789012:role/eks",
                                 resourcesVpcConfig={"subnetIds": []})
    return dict(created["cluster"])


def _decode(token: str) -> str:
    assert token.startswith(TOKEN_PREFIX)
    payload = token[len(TOKEN_PREFIX):]
    assert "=" not in payload and "+" not in payload and "/" not in payload  # base64url, unpadded
    return base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)).decode()


def test_token_is_a_presigned_get_caller_identity_url(aws: boto3.Session) -> None:
    token = presigned_token(aws.client("sts"), aws.get_credentials(), CLUSTER)

    url = urlsplit(_decode(token))
    query = parse_qs(url.query)
    assert (url.scheme, url.netloc, url.path) == ("https", f"sts.{REGION}.amazonaws.com", "/")
    assert query["Action"] == ["GetCallerIdentity"] and query["Version"] == ["2011-06-15"]
    assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
    credential = query["X-Amz-Credential"][0]
    assert credential.startswith(aws.get_credentials().access_key + "/") and f"/{REGION}/sts/" in credential
    assert query["X-Amz-Expires"] == ["60"]
    assert set(query["X-Amz-SignedHeaders"][0].split(";")) == {"host", "x-k8s-aws-id"}
    assert len(query["X-Amz-Signature"][0]) == 64
    assert "X-Amz-Date" in query


def test_token_source_reuses_then_refreshes_before_fifteen_minutes(aws: boto3.Session) -> None:
    now = [1_000.0]
    source = EksTokenSource(CLUSTER, sts_client=aws.client("sts"), credentials=aws.get_credentials(),
                            clock=lambda: now[0])

    first = source()
    first_expiry = source.expires_at
    now[0] += 13 * 60
    assert source() == first and source.expires_at == first_expiry
    now[0] = first_expiry
    source()

    assert first_expiry == 1_000.0 + 14 * 60  # 15 minutes of validity, renewed a minute early
    assert source.expires_at == first_expiry + 14 * 60


def test_describe_cluster_reads_endpoint_and_ca(aws: boto3.Session) -> None:
    created = _create_cluster(aws)

    cluster = describe_cluster(aws, CLUSTER, REGION)

    assert cluster.endpoint == created["endpoint"]
    ca = created["certificateAuthority"]
    assert isinstance(ca, dict)
    assert cluster.ca_pem == base64.b64decode(ca["data"])


def test_describe_of_an_unknown_cluster_names_it(aws: boto3.Session) -> None:
    with pytest.raises(EksError, match="eks:DescribeCluster nowhere in eu-west-1"):
        describe_cluster(aws, "nowhere", REGION)


def test_an_assumed_role_signs_the_token(aws: boto3.Session) -> None:
    credentials = assumed_role_credentials(aws, "arn:aws:iam::210987654321:role/firstresponder-reader", REGION)

    token = presigned_token(aws.client("sts"), credentials, CLUSTER)

    query = parse_qs(urlsplit(_decode(token)).query)
    frozen = credentials.get_frozen_credentials()
    assert frozen.access_key != aws.get_credentials().access_key
    assert query["X-Amz-Credential"][0].startswith(frozen.access_key + "/")
    assert query["X-Amz-Security-Token"] == [frozen.token]


def test_connect_eks_wires_endpoint_ca_and_token(aws: boto3.Session) -> None:
    role = "arn:aws:iam::210987654321:role/reader"
    created = _create_cluster(aws, credentials=assumed_role_credentials(aws, role, REGION))

    gateway = connect_eks(CLUSTER, REGION, role_arn=role, session=aws)
    try:
        assert gateway.host == str(created["endpoint"]).rstrip("/")
        ca_file = Path(gateway._api.configuration.ssl_ca_cert)  # the client only takes a file
        ca = created["certificateAuthority"]
        assert isinstance(ca, dict)
        assert ca_file.read_bytes() == base64.b64decode(ca["data"])
    finally:
        gateway.close()
    assert not ca_file.exists()


def test_the_eks_token_goes_out_as_a_bearer_header(aws: boto3.Session) -> None:
    source = EksTokenSource(CLUSTER, sts_client=aws.client("sts"), credentials=aws.get_credentials())
    with scripted_api() as api, KubeGateway.from_endpoint(api.url, token_source=source) as gateway:
        gateway.get("Namespace", "default")

    header = api.seen[0].headers["authorization"]
    assert header.startswith("Bearer " + TOKEN_PREFIX)
    assert "x-k8s-aws-id" in _decode(header.removeprefix("Bearer "))

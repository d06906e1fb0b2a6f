"""Ways to reach a cluster: a kubeconfig, the pod's service account, or EKS with IAM."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3

from firstresponder.kube.eks import EksTokenSource, assumed_role_credentials, describe_cluster
from firstresponder.kube.gateway import GatewayOptions, KubeConfigError, KubeGateway

__all__ = ["KubeConfigError", "connect_eks", "connect_in_cluster", "connect_kubeconfig"]


def connect_kubeconfig(path: str | Path | None = None, context: str | None = None, *,
                       options: GatewayOptions | None = None) -> KubeGateway:
    """A gateway from a kubeconfig (None: ``$KUBECONFIG`` or ``~/.kube/config``) and context."""
    return KubeGateway.from_kubeconfig(path, context, options=options)


def connect_in_cluster(*, options: GatewayOptions | None = None) -> KubeGateway:
    """A gateway using the service account of the pod we run in."""
    return KubeGateway.from_in_cluster(options=options)


def connect_eks(cluster_name: str, region: str, *, role_arn: str | None = None, session: Any | None = None,
                options: GatewayOptions | None = None,
                clock: Callable[[], float] = time.time) -> KubeGateway:
    """A gateway to an EKS cluster with IAM auth, assuming ``role_arn`` first when given."""
    session = session or boto3.Session(region_name=region)
    if role_arn:
        credentials = assumed_role_credentials(session, role_arn, region)
    else:
        credentials = session.get_credentials()
        if credentials is None:
            raise KubeConfigError("no AWS credentials found for EKS (environment, profile or role)")
    cluster = describe_cluster(session, cluster_name, region, credentials if role_arn else None)
    tokens = EksTokenSource(cluster_name, sts_client=session.client("sts", region_name=region),
                            credentials=credentials, clock=clock)
    return KubeGateway.from_endpoint(cluster.endpoint, ca_pem=cluster.ca_pem, token_source=tokens,
                                     options=options)

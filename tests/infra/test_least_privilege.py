"""Read-only Kubernetes RBAC and least-privilege IAM, checked on the files as deployed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from firstresponder.kube.reader import KIND_RESOURCES
from tests.infra import deployment

INFRA = deployment.ROOT / "infra"
RBAC = INFRA / "rbac"
READ_VERBS = {"get", "list", "watch"}
WRITE_VERBS = {"create", "update", "patch", "delete", "deletecollection", "escalate", "bind", "impersonate", "*"}
# AWS managed policies SAM attaches. Both need "Resource": "*" by AWS design (CloudWatch Logs
# streams are created per invocation; X-Ray has no resource-level permissions): docs/deployment.md.
ALLOWED_MANAGED_POLICIES = {"AWSLambdaBasicExecutionRole", "AWSXrayWriteOnlyAccess"}
# Statements that may use Resource "*" because the action has no resource-level permissions. None.
ALLOWED_STAR_RESOURCES: set[str] = set()


def manifests() -> Iterator[tuple[Path, dict[str, Any]]]:
    for path in sorted(INFRA.rglob("*.yaml")):
        if "AWSTemplateFormatVersion" in path.read_text():
            continue  # CloudFormation (cluster-reader-role.yaml) is checked with the IAM tests
        for doc in yaml.safe_load_all(path.read_text()):
            if isinstance(doc, dict) and "apiVersion" in doc and "kind" in doc:
                yield path, doc


def rbac_roles() -> list[tuple[Path, dict[str, Any]]]:
    return [(p, d) for p, d in manifests() if d["kind"] in {"ClusterRole", "Role"}]


def rule_grants(role: dict[str, Any]) -> set[tuple[str, str, str]]:
    """(apiGroup, resource, verb) for every combination a role's rules allow."""
    return {(g, r, v) for rule in role["rules"] for g in rule.get("apiGroups", [])
            for r in rule.get("resources", []) for v in rule["verbs"]}


def default_role() -> dict[str, Any]:
    [doc] = yaml.safe_load_all((RBAC / "clusterrole.yaml").read_text())
    return dict(doc)


def test_there_are_rbac_roles_including_the_opt_in() -> None:
    assert {p.name for p, _ in rbac_roles()} == {"clusterrole.yaml", "secrets-metadata-optin.yaml"}


@pytest.mark.parametrize(("path", "doc"), list(manifests()), ids=lambda v: v.name if isinstance(v, Path) else "")
def test_manifests_match_the_kubernetes_schema(path: Path, doc: dict[str, Any]) -> None:
    kubernetes_validate.validate(doc, "1.32.0", strict=True)


@pytest.mark.parametrize(("path", "role"), rbac_roles(), ids=lambda v: v.name if isinstance(v, Path) else "")
def test_roles_only_read(path: Path, role: dict[str, Any]) -> None:
    for rule in role["rules"]:
        assert not set(rule["verbs"]) & WRITE_VERBS, rule
        assert set(rule["verbs"]) <= READ_VERBS, rule
        assert "*" not in rule.get("resources", []) and "*" not in rule.get("apiGroups", []), rule
        assert "nonResourceURLs" not in rule, rule


def test_default_role_grants_exactly_the_kinds_the_reader_reads_without_secrets() -> None:
    expected = {(group, plural, verb) for kind, (group, _v, plural, _ns) in KIND_RESOURCES.items()
                if kind != "Secret" for verb in sorted(READ_VERBS)}
    expected.add(("", "pods/log", "get"))

    assert rule_grants(default_role()) == expected


def test_secrets_only_through_the_separate_opt_in() -> None:
    [(_, optin)] = [(p, r) for p, r in rbac_roles() if p.name == "secrets-metadata-optin.yaml"]

    assert not any(r == "secrets" for _g, r, _v in rule_grants(default_role()))
    assert rule_grants(optin) == {("", "secrets", "get"), ("", "secrets", "list")}


def test_bindings_give_the_roles_to_the_group_the_access_entries_use() -> None:
    group = deployment.template()["Parameters"]["KubernetesGroup"]["Default"]
    roles = {d["metadata"]["name"] for _p, d in rbac_roles()}
    bindings = [d for _p, d in manifests() if d["kind"] == "ClusterRoleBinding"]

    assert {b["roleRef"]["name"] for b in bindings} == roles
    assert all(b["subjects"] == [{"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": group}]
               for b in bindings)
    aws_auth = yaml.safe_load((RBAC / "aws-auth-snippet.yaml").read_text())
    mapped = yaml.safe_load(aws_auth["data"]["mapRoles"])
    assert len(mapped) == 2 and all(m["groups"] == [group] for m in mapped)
    access_entries = deployment.resources("AWS::EKS::AccessEntry")
    assert len(access_entries) == 2
    assert all(e["Properties"]["KubernetesGroups"] == [{"Ref": "KubernetesGroup"}] for e in access_entries.values())


# ------------------------------------------------------------------ IAM


def statements(node: Any) -> Iterator[dict[str, Any]]:
    """Every IAM statement anywhere in a template (through Fn::If and policy documents)."""
    if isinstance(node, dict):
        if "Effect" in node and ("Action" in node or "NotAction" in node):
            yield node
            return
        for value in node.values():
            yield from statements(value)
    elif isinstance(node, list):
        for value in node:
            yield from statements(value)


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def all_templates() -> list[tuple[str, dict[str, Any]]]:
    return [("sam", deployment.template()), ("cloudformation", deployment.transformed()),
            ("cluster-reader", deployment.cluster_reader_template())]


@pytest.mark.parametrize(("form", "tpl"), all_templates(), ids=["sam", "cloudformation", "cluster-reader"])
def test_no_wildcard_actions_and_no_star_resources(form: str, tpl: dict[str, Any]) -> None:
    found = list(statements(tpl["Resources"]))
    assert found

    for statement in found:
        assert "NotAction" not in statement and "NotResource" not in statement, statement
        assert statement["Effect"] == "Allow", statement
        for action in as_list(statement["Action"]):
            assert action != "*" and not action.endswith(":*") and "*" not in action, statement
        if "Principal" in statement:  # trust and resource policies: never anyone
            assert "*" not in json.dumps(statement["Principal"]), statement
            continue
        resources = as_list(statement["Resource"])
        if "*" in resources:
            assert ",".join(as_list(statement["Action"])) in ALLOWED_STAR_RESOURCES, statement


def test_only_documented_managed_policies() -> None:
    roles = deployment.resources("AWS::IAM::Role", deployment.transformed())
    attached = {arn.rsplit("/", 1)[-1] for r in roles.values() for arn in r["Properties"].get("ManagedPolicyArns", [])}

    assert attached <= ALLOWED_MANAGED_POLICIES


def test_cluster_access_is_scoped_to_the_registered_clusters_and_roles() -> None:
    found = list(statements(deployment.transformed()["Resources"]))
    by_action: dict[str, list[Any]] = {}
    for statement in found:
        if "Principal" in statement:
            continue
        for action in as_list(statement["Action"]):
            by_action.setdefault(action, []).append(statement["Resource"])

    assert by_action["eks:DescribeCluster"] == [{"Ref": "ClusterArns"}] * 2
    assert by_action["sts:AssumeRole"] == [{"Ref": "ClusterRoleArns"}] * 2
    assert not any(a.startswith(("eks:", "sts:")) for a in by_action if a not in {"eks:DescribeCluster", "sts:AssumeRole"})


def test_secrets_are_read_by_arn_and_only_where_needed() -> None:
    readers: dict[str, set[str]] = {}
    for name, function in deployment.resources("AWS::Serverless::Function").items():
        for policy in function["Properties"].get("Policies", []):
            if isinstance(policy, dict) and "AWSSecretsManagerGetSecretValuePolicy" in policy:
                readers.setdefault(name, set()).add(policy["AWSSecretsManagerGetSecretValuePolicy"]["SecretArn"]["Ref"])

    assert readers == {
        "IntakeFunction": {"WebhookTokensSecret", "SlackSecret", "ReportLinkKeySecret"},  # resolved → Slack update
        "AnalyseFunction": {"AnthropicSecret"},
        "PublishFunction": {"SlackSecret", "ReportLinkKeySecret"},
        "RecordFailureFunction": {"SlackSecret", "ReportLinkKeySecret"},
        "ApiFunction": {"ReportLinkKeySecret", "WebhookTokensSecret"},
        "SlackInteractionsFunction": {"SlackSecret", "ReportLinkKeySecret"},
    }
    transformed = deployment.transformed()["Resources"]
    secret_reads = [s for s in statements(transformed) if "secretsmanager:GetSecretValue" in as_list(s["Action"])]
    assert secret_reads and all(s["Resource"] != "*" for s in secret_reads)


def test_lambda_invoke_and_start_execution_are_scoped() -> None:
    found = list(statements(deployment.transformed()["Resources"]))
    invokes = [s for s in found if "lambda:InvokeFunction" in as_list(s["Action"])]
    starts = [s for s in found if "states:StartExecution" in as_list(s["Action"])]

    assert len(invokes) == 5 and all(s["Resource"] != "*" for s in invokes)
    assert len(starts) == 1 and "InvestigationStateMachine" in str(starts[0]["Resource"])


def test_cross_account_reader_role_lints_clean_and_only_describes_its_cluster() -> None:
    tpl = deployment.cluster_reader_template()
    matches = deployment.lint(tpl)
    role = tpl["Resources"]["ReaderRole"]["Properties"]

    assert [str(m) for m in matches if m.rule.id.startswith("E")] == []
    [trust] = role["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Principal"] == {"AWS": {"Ref": "CollectorRoleArns"}} and trust["Action"] == "sts:AssumeRole"
    [allowed] = [s for s in statements(role["Policies"])]
    assert allowed["Action"] == "eks:DescribeCluster" and "cluster/${ClusterName}" in allowed["Resource"]["Fn::Sub"]
    entry = tpl["Resources"]["ReaderAccessEntry"]["Properties"]
    assert entry["KubernetesGroups"] == [{"Ref": "KubernetesGroup"}]
    assert tpl["Parameters"]["KubernetesGroup"]["Default"] == deployment.template()["Parameters"]["KubernetesGroup"]["Default"]

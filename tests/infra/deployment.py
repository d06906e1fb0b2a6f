"""Reads the deployment definition the way AWS would: SAM template, its transform, the ASL files."""

from __future__ import annotations

import copy
import json
import os
import re
from functools import cache
from pathlib import Path
from typing import Any

from cfnlint.decode import cfn_yaml

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "template.yaml"
PLACEHOLDER = re.compile(r"\$\{([A-Za-z0-9_]+)\}")
REGION = "eu-west-1"


class _StubManagedPolicies:
    """The translator asks IAM for AWS managed policy ARNs; offline we name them ourselves."""

    def load(self) -> dict[str, str]:
        names = ["AWSLambdaBasicExecutionRole", "AWSXrayWriteOnlyAccess", "AWSLambdaRole",
                 "AWSXRayDaemonWriteAccess"]
        return {n: f"arn:aws:iam::aws:policy/service-role/{n}" for n in names}


@cache
def _template_text() -> str:
    return TEMPLATE.read_text()


def template() -> dict[str, Any]:
    """template.yaml with intrinsic tags in their long form (``{"Ref": ...}``, ``{"Fn::GetAtt": [...]}``)."""
    return json.loads(json.dumps(cfn_yaml.loads(_template_text())))


def cluster_reader_template() -> dict[str, Any]:
    """infra/cluster-reader-role.yaml: the per-cluster reader role for clusters in other accounts."""
    return json.loads(json.dumps(cfn_yaml.loads((ROOT / "infra" / "cluster-reader-role.yaml").read_text())))


def resources(kind: str, tpl: dict[str, Any] | None = None) -> dict[str, dict[str, Any]]:
    tpl = tpl or template()
    return {name: r for name, r in tpl["Resources"].items() if r["Type"] == kind}


def state_machines(tpl: dict[str, Any] | None = None) -> dict[str, dict[str, Any]]:
    return resources("AWS::Serverless::StateMachine", tpl)


def definition_text(machine: dict[str, Any]) -> str:
    return (ROOT / machine["Properties"]["DefinitionUri"]).read_text()


def substitute(definition: str, values: dict[str, str]) -> str:
    """What DefinitionSubstitutions does: replace every ``${Name}``; unknown names raise KeyError."""
    return PLACEHOLDER.sub(lambda m: values[m.group(1)], definition)


def placeholder_arns(machine: dict[str, Any]) -> dict[str, str]:
    """Stand-in values for a machine's substitutions: a Lambda ARN named after the function resource."""
    values: dict[str, str] = {}
    for key, value in machine["Properties"].get("DefinitionSubstitutions", {}).items():
        if isinstance(value, dict) and "Fn::GetAtt" in value:
            target = value["Fn::GetAtt"][0] if isinstance(value["Fn::GetAtt"], list) else value["Fn::GetAtt"].split(".")[0]
            values[key] = f"arn:aws:lambda:{REGION}:123456789012:function:{target}"
        else:
            values[key] = str(value)
    return values


@cache
def _transformed_text() -> str:
    from samtranslator.translator.transform import transform

    sam = template()
    for res in sam["Resources"].values():  # the packaged form: artifacts already uploaded to S3
        props = res.get("Properties", {})
        for key in ("CodeUri", "ContentUri", "DefinitionUri"):
            if key in props:
                props[key] = f"s3://artifacts/{props[key].strip('/')}.zip"
    os.environ.setdefault("AWS_DEFAULT_REGION", REGION)
    cfn = transform(sam, {}, _StubManagedPolicies())
    return json.dumps(cfn)


def transformed() -> dict[str, Any]:
    """The CloudFormation that SAM deploys, with each ASL file inlined as ``Definition`` for cfn-lint."""
    cfn: dict[str, Any] = json.loads(_transformed_text())
    sam_machines = state_machines()
    for name, machine in sam_machines.items():
        definition = json.loads(definition_text(machine))  # ARN placeholders stay for CloudFormation
        props = cfn["Resources"][name]["Properties"]
        props.pop("DefinitionS3Location", None)
        props["Definition"] = definition
    return cfn


def lint(tpl: dict[str, Any]) -> list[Any]:
    """cfn-lint matches (errors and warnings) for a template given as data."""
    from cfnlint.api import lint as cfn_lint

    return list(cfn_lint(json.dumps(copy.deepcopy(tpl)), regions=[REGION]))

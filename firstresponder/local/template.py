"""Read template.yaml the way the local stack needs it: the state machine and its substitutions."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"\$\{([A-Za-z0-9_]+)\}")


class _CfnLoader(yaml.SafeLoader):
    """Safe YAML plus CloudFormation's short-form tags, kept as {"!Tag": value}."""


def _tagged(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return {f"!{suffix}": loader.construct_scalar(node)}
    if isinstance(node, yaml.SequenceNode):
        return {f"!{suffix}": loader.construct_sequence(node)}
    return {f"!{suffix}": loader.construct_mapping(node)}  # type: ignore[arg-type]


_CfnLoader.add_multi_constructor("!", _tagged)


def load_template(root: Path = ROOT) -> dict[str, Any]:
    data = yaml.load((root / "template.yaml").read_text(), Loader=_CfnLoader)  # noqa: S506 - SafeLoader subclass
    assert isinstance(data, dict)
    return data


def state_machine_definition(function_arn: dict[str, str], root: Path = ROOT) -> str:
    """The ASL with DefinitionSubstitutions applied; ``!GetAtt XFunction.Arn`` → function_arn["XFunction"]."""
    machine = next(r for r in load_template(root)["Resources"].values()
                   if r["Type"] == "AWS::Serverless::StateMachine")
    values: dict[str, str] = {}
    for key, value in machine["Properties"].get("DefinitionSubstitutions", {}).items():
        if isinstance(value, dict) and "!GetAtt" in value:
            values[key] = function_arn[str(value["!GetAtt"]).split(".")[0]]
        else:
            values[key] = str(value)
    text = (root / machine["Properties"]["DefinitionUri"]).read_text()
    return PLACEHOLDER.sub(lambda m: values[m.group(1)], text)


def function_dirs(root: Path = ROOT) -> dict[str, str]:
    """Function resource name → its code directory name under functions/."""
    return {name: Path(r["Properties"]["CodeUri"]).name for name, r in load_template(root)["Resources"].items()
            if r["Type"] == "AWS::Serverless::Function"}

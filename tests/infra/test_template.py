"""template.yaml: cfn-lint before and after the SAM transform, and agreement with the code."""

from __future__ import annotations

import ast
import json
import re
import shlex
import tomllib
from typing import Any

import pytest
import yaml

from firstresponder.storage import tables
from tests.infra import deployment

ROOT = deployment.ROOT
FUNCTIONS = {  # template resource → functions/<directory>
    "IntakeFunction": "intake",
    "DiscoverFunction": "discover",
    "CollectFunction": "collect",
    "AnalyseFunction": "analyse",
    "PublishFunction": "publish",
    "RecordFailureFunction": "record_failure",
    "ApiFunction": "api",
    "SlackInteractionsFunction": "slack_interactions",
}
EXTRA_LAYERS = {  # besides CoreLayer (from Globals): heavy clients only where they are used
    "IntakeFunction": [],
    "DiscoverFunction": ["KubeLayer"],
    "CollectFunction": ["KubeLayer"],
    "AnalyseFunction": ["LlmLayer"],
    "PublishFunction": [],
    "RecordFailureFunction": [],
    "ApiFunction": [],
    "SlackInteractionsFunction": [],
}
ROUTES = {
    ("POST", "/alerts/{source}"): "IntakeFunction",
    ("GET", "/investigations/{id}"): "ApiFunction",
    ("GET", "/investigations/{id}/feedback"): "ApiFunction",
    ("POST", "/investigations/{id}/feedback"): "ApiFunction",
    ("GET", "/openapi.json"): "ApiFunction",
    ("POST", "/slack/interactions"): "SlackInteractionsFunction",
}
# Set by the Lambda runtime; only meaningful on the local stack (stand-in endpoints, inline registry);
# or optional overrides with a packaged default (FIRSTRESPONDER_LLM_ROUTING: the package ships routing.yaml).
RUNTIME_OR_LOCAL = re.compile(r"^(AWS_(REGION|DEFAULT_REGION|LAMBDA_\w+|ENDPOINT_URL\w*|EXECUTION_ENV)|_HANDLER|"
                              r"POWERTOOLS_\w+|FIRSTRESPONDER_LOCAL\w*|FIRSTRESPONDER_LLM_ROUTING|"
                              r"CLUSTER_REGISTRY|SLACK_API_URL|ANTHROPIC_BASE_URL)$")
DEPLOYED_PACKAGES = ("models", "kube", "intake", "topology", "collectors", "analysis", "render", "services",
                     "storage", "slack", "llm", "learning", "api", "aws")


def errors(matches: list[Any]) -> list[str]:
    return [str(m) for m in matches if m.rule.id.startswith("E")]


def warnings(matches: list[Any]) -> list[str]:
    return [str(m) for m in matches if not m.rule.id.startswith("E")]


def functions() -> dict[str, dict[str, Any]]:
    return deployment.resources("AWS::Serverless::Function")


def environment_names() -> set[str]:
    """Every environment variable the template sets on any function."""
    tpl = deployment.template()
    names = set(tpl["Globals"]["Function"]["Environment"]["Variables"])
    for function in functions().values():
        names |= set(function["Properties"].get("Environment", {}).get("Variables", {}))
    return names


# ------------------------------------------------------------------ cfn-lint


def test_sam_template_lints_clean() -> None:
    matches = deployment.lint(deployment.template())
    print("\n".join(warnings(matches)))  # warnings are listed, not fatal

    assert errors(matches) == []


def test_transformed_template_with_inlined_asl_lints_clean() -> None:
    matches = deployment.lint(deployment.transformed())
    print("\n".join(warnings(matches)))

    assert errors(matches) == []


def test_lint_of_the_transformed_template_catches_bad_getatt_and_bad_asl() -> None:
    cfn = deployment.transformed()
    machine = cfn["Resources"]["InvestigationStateMachine"]["Properties"]
    machine["DefinitionSubstitutions"]["DiscoverFunctionArn"] = {"Fn::GetAtt": ["DiscoverFunktion", "Arn"]}
    machine["Definition"]["States"]["Done"]["Type"] = "Succeeded"

    rule_ids = {m.rule.id for m in deployment.lint(cfn)}

    assert {"E1010", "E3601"} <= rule_ids


# ------------------------------------------------------------------ tables


@pytest.mark.parametrize("table", tables.TABLES, ids=lambda t: t.logical_id)
def test_table_matches_the_code(table: tables.Table) -> None:
    props = deployment.template()["Resources"][table.logical_id]["Properties"]
    key = [{"AttributeName": table.partition_key, "KeyType": "HASH"}]
    if table.sort_key:
        key.append({"AttributeName": table.sort_key, "KeyType": "RANGE"})
    indexes = [{"IndexName": i.name, "Projection": {"ProjectionType": "ALL"},
                "KeySchema": [{"AttributeName": i.partition_key, "KeyType": "HASH"}]
                + ([{"AttributeName": i.sort_key, "KeyType": "RANGE"}] if i.sort_key else [])}
               for i in table.indexes]
    key_attributes = [k["AttributeName"] for k in key] + [k["AttributeName"] for i in indexes for k in i["KeySchema"]]

    assert props["KeySchema"] == key
    assert sorted(props.get("GlobalSecondaryIndexes", []), key=lambda i: i["IndexName"]) == indexes
    assert sorted(props["AttributeDefinitions"], key=lambda a: a["AttributeName"]) == sorted(
        ({"AttributeName": a, "AttributeType": "S"} for a in key_attributes), key=lambda a: a["AttributeName"])
    ttl = props.get("TimeToLiveSpecification")
    assert (ttl == {"AttributeName": table.ttl_attribute, "Enabled": True}) if table.ttl_attribute else ttl is None
    assert props["BillingMode"] == "PAY_PER_REQUEST"
    assert deployment.template()["Globals"]["Function"]["Environment"]["Variables"][table.env_var] == {
        "Ref": table.logical_id}


def test_no_table_outside_the_code_layout() -> None:
    assert set(deployment.resources("AWS::DynamoDB::Table")) == {t.logical_id for t in tables.TABLES}


# ------------------------------------------------------------------ functions


def test_functions_runtime_architecture_and_handler() -> None:
    function_globals = deployment.template()["Globals"]["Function"]

    assert (function_globals["Runtime"], function_globals["Architectures"], function_globals["Handler"]) == (
        "python3.12", ["arm64"], "app.lambda_handler")
    assert {n: f["Properties"]["CodeUri"] for n, f in functions().items()} == {
        n: f"functions/{d}/" for n, d in FUNCTIONS.items()}
    assert all(not {"Runtime", "Architectures", "Handler"} & set(f["Properties"]) for f in functions().values())


def test_heavy_clients_only_in_the_functions_that_use_them() -> None:
    assert deployment.template()["Globals"]["Function"]["Layers"] == [{"Ref": "CoreLayer"}]
    assert {n: [layer["Ref"] for layer in f["Properties"].get("Layers", [])] for n, f in functions().items()} == EXTRA_LAYERS
    layers = deployment.resources("AWS::Serverless::LayerVersion")
    assert {n: layer["Properties"]["ContentUri"] for n, layer in layers.items()} == {
        "CoreLayer": "layers/core/", "KubeLayer": "layers/kube/", "LlmLayer": "layers/llm/"}
    for name, layer in layers.items():
        assert layer["Metadata"] == {"BuildMethod": "makefile", "BuildArchitecture": "arm64"}
        makefile = (ROOT / layer["Properties"]["ContentUri"] / "Makefile").read_text()
        assert f"build-{name}:" in makefile  # the target `sam build` runs


def test_every_function_logs_to_its_own_group_with_retention() -> None:
    groups = deployment.resources("AWS::Logs::LogGroup")
    used = []
    for name, function in functions().items():
        config = function["Properties"]["LoggingConfig"]
        assert config["LogFormat"] == "JSON", name
        used.append(config["LogGroup"]["Ref"])
    assert sorted(used) == sorted(groups)
    assert all(g["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"} for g in groups.values())


def test_routes_and_event_sources() -> None:
    routes = {}
    events: dict[str, set[str]] = {}
    for name, function in functions().items():
        for event in function["Properties"].get("Events", {}).values():
            events.setdefault(name, set()).add(event["Type"])
            if event["Type"] == "HttpApi":
                assert event["Properties"]["ApiId"] == {"Ref": "HttpApi"}
                routes[(event["Properties"]["Method"], event["Properties"]["Path"])] = name

    assert routes == ROUTES
    assert events["IntakeFunction"] == {"HttpApi", "SNS", "EventBridgeRule"}
    intake = functions()["IntakeFunction"]["Properties"]
    assert intake["DeadLetterQueue"] == {"Type": "SQS", "TargetArn": {"Fn::GetAtt": ["IntakeDeadLetterQueue", "Arn"]}}
    rule = intake["Events"]["CloudWatchAlarmStateChange"]["Properties"]["Pattern"]
    assert rule["detail-type"] == ["CloudWatch Alarm State Change"]


def render_input_template(template: str, values: dict[str, str]) -> Any:
    """EventBridge InputTransformer: raw text inside a JSON string, a JSON value outside one."""
    out, in_string, i = [], False, 0
    while i < len(template):
        match = re.compile(r"<(\w+)>").match(template, i)
        if match:
            value = values[match.group(1)]
            out.append(value if in_string else json.dumps(value))
            i = match.end()
            continue
        if template[i] == '"' and (i == 0 or template[i - 1] != "\\"):
            in_string = not in_string
        out.append(template[i])
        i += 1
    return json.loads("".join(out))


def test_timed_out_executions_reach_record_failure_in_its_state_input_shape() -> None:
    event = functions()["RecordFailureFunction"]["Properties"]["Events"]["ExecutionEndedEarly"]["Properties"]
    transformer = event["InputTransformer"]

    rendered = render_input_template(transformer["InputTemplate"], {"name": "inv-1", "status": "TIMED_OUT"})

    assert rendered["investigationId"] == "inv-1"
    assert set(rendered["failure"]) == {"Error", "Cause"} and "TIMED_OUT" in rendered["failure"]["Error"]
    assert transformer["InputPathsMap"]["name"] == "$.detail.name"
    assert event["Pattern"]["detail"]["stateMachineArn"] == [{"Ref": "InvestigationStateMachine"}]
    # FAILED too: States.Runtime escapes every Catch; record_failure ignores finished investigations.
    assert set(event["Pattern"]["detail"]["status"]) == {"TIMED_OUT", "ABORTED", "FAILED"}


def test_alarms_watch_failures_errors_and_the_dead_letter_queue() -> None:
    alarms = deployment.resources("AWS::CloudWatch::Alarm")
    metrics = {a["Properties"].get("MetricName") for a in alarms.values()}
    math = [a for a in alarms.values() if "Metrics" in a["Properties"]]

    assert {"ExecutionsFailed", "ExecutionsTimedOut", "ApproximateNumberOfMessagesVisible"} <= metrics
    [errors_alarm] = math
    watched = {m["MetricStat"]["Metric"]["Dimensions"][0]["Value"]["Ref"] for m in errors_alarm["Properties"]["Metrics"]
               if "MetricStat" in m}
    assert watched == set(FUNCTIONS)
    assert all(a["Properties"]["AlarmActions"] == [{"Ref": "OpsAlarmTopic"}] for a in alarms.values())


# ------------------------------------------------------------------ template ↔ code


def env_names_read_by(source: str) -> set[str]:
    """Upper-case names with an underscore read through ``.get("…")``, ``environ["…"]``, ``getenv`` or ENV_ constants."""
    name = r'"([A-Z][A-Z0-9]*_[A-Z0-9_]+)"'
    patterns = [rf"ENV_\w+\s*(?::\s*\w+)?\s*=\s*{name}", rf"\.get\(\s*{name}", rf"environ\[\s*{name}\s*\]",
                rf"getenv\(\s*{name}"]
    return {found for p in patterns for found in re.findall(p, source)}


def deployed_sources() -> list[Any]:
    return [*ROOT.glob("functions/**/*.py"),
            *(p for pkg in DEPLOYED_PACKAGES for p in (ROOT / "firstresponder" / pkg).rglob("*.py"))]


def test_environment_variables_read_by_deployed_code_are_set_by_the_template() -> None:
    read = set().union(*(env_names_read_by(p.read_text()) for p in deployed_sources()))
    assert "INVESTIGATIONS_TABLE" in read  # the scan works (storage/settings.py)

    missing = {n for n in read if not RUNTIME_OR_LOCAL.match(n)} - environment_names()

    assert missing == set()


def test_secrets_hold_the_keys_the_code_reads() -> None:
    from firstresponder.models import AlertSource

    wiring = (ROOT / "firstresponder" / "services" / "wiring.py").read_text()
    read = set(re.findall(r'secret_value\([^,()]+,\s*"(\w+)"\)', wiring)) | {s.value for s in AlertSource}
    assert {"key", "bot_token"} <= read  # the scan works
    held: set[str] = set()
    for secret in deployment.resources("AWS::SecretsManager::Secret").values():
        props = secret["Properties"]
        if "SecretString" in props:
            held |= set(json.loads(props["SecretString"]))
        else:
            generated = props["GenerateSecretString"]
            held |= set(json.loads(generated["SecretStringTemplate"])) | {generated["GenerateStringKey"]}

    assert read <= held


@pytest.mark.parametrize("directory", sorted(FUNCTIONS.values()))
def test_handler_module_exports_lambda_handler(directory: str) -> None:
    path = ROOT / "functions" / directory / "app.py"
    tree = ast.parse(path.read_text())
    defined = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)} | {
        t.id for n in tree.body if isinstance(n, ast.Assign) for t in n.targets if isinstance(t, ast.Name)}
    imported = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names} | {
        (n.module or "").split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}

    assert "lambda_handler" in defined
    assert not imported & {"boto3", "botocore", "kubernetes", "anthropic", "slack_sdk"}  # adapters only


# ------------------------------------------------------------------ infra/ companions


def test_example_samconfig_names_real_parameters() -> None:
    config = tomllib.loads((ROOT / "infra" / "samconfig.example.toml").read_text())
    overrides = dict(pair.split("=", 1) for pair in shlex.split(config["default"]["deploy"]["parameters"]["parameter_overrides"]))

    assert set(overrides) <= set(deployment.template()["Parameters"])
    registry = json.loads(overrides["ClusterRegistry"])
    assert all({"eksClusterName", "region"} <= set(entry) for entry in registry.values())


def test_registry_examples_are_what_the_code_reads() -> None:
    from firstresponder.services.clusters import ClusterRegistry

    config = tomllib.loads((ROOT / "infra" / "samconfig.example.toml").read_text())
    overrides = dict(pair.split("=", 1) for pair in shlex.split(config["default"]["deploy"]["parameters"]["parameter_overrides"]))
    example = ClusterRegistry.from_json(overrides["ClusterRegistry"])
    default = ClusterRegistry.from_json(deployment.template()["Parameters"]["ClusterRegistry"]["Default"])

    assert example.clusters["staging"].role_arn and example.clusters["prod"].role_arn is None
    assert default.clusters == {}


def test_slack_manifest_points_at_the_interactions_route() -> None:
    manifest = yaml.safe_load((ROOT / "infra" / "slack-app-manifest.yaml").read_text())

    assert "chat:write" in manifest["oauth_config"]["scopes"]["bot"]
    assert manifest["settings"]["interactivity"]["request_url"].endswith("/slack/interactions")
    assert ("POST", "/slack/interactions") in ROUTES

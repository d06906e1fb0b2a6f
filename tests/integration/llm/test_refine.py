"""Model stages through the real anthropic SDK over HTTP against the local Messages API stand-in."""

from __future__ import annotations

from firstresponder.llm.config import load_routing
from firstresponder.llm.gateway import ModelGateway
from firstresponder.llm.refine import refine
from firstresponder.models import Category, ConfidenceLevel, EvidenceBundle
from tests.integration.llm.conftest import CANARIES, CM, DEPLOY, diagnosis_at, make_gateway
from tests.support.anthropic_standin import AnthropicStandIn

TRIAGE = {"first_error": {"line": 254, "text": "dial tcp: lookup payments-db-v2: no such host"},
          "signatures": ["dns_failure"], "key_lines": [{"line": 254, "text": "no such host"}]}


def _answer(verdict: str = "confirm", culprit: str = CM.key, category: str = "config_change",
            evidence: list[str] | None = None, contradicting: list[str] | None = None,
            confidence: str = "high") -> dict:
    return {"verdict": verdict, "culprit": culprit, "category": category, "summary": "model summary",
            "evidence_ids": evidence or ["ev-logs"], "contradicting_ids": contradicting or [],
            "confidence": confidence, "reasoning": "the host in DB_HOST does not resolve"}


def test_stages_are_routed_to_their_models_and_usage_is_costed(bundle: EvidenceBundle, standin: AnthropicStandIn) -> None:
    standin.answer_tool(TRIAGE)
    standin.answer_tool(_answer())
    result = refine(bundle, diagnosis_at(ConfidenceLevel.HIGH), make_gateway(standin))
    assert [r["model"] for r in standin.requests] == ["claude-haiku-4-5", "claude-sonnet-4-6"]
    assert [u.stage for u in result.usage] == ["log_triage", "root_cause"]
    assert all(u.cost_usd > 0 for u in result.usage)
    assert result.diagnosis.root_cause.resource == CM
    assert any("confirmed by" in r for r in result.diagnosis.root_cause.confidence.reasons)
    assert result.extra_evidence[0].id == "ev-logs-triage"
    assert standin.requests[1]["system"][0]["cache_control"] == {"type": "ephemeral"}


def test_hallucinated_evidence_id_is_dropped(bundle: EvidenceBundle, standin: AnthropicStandIn) -> None:
    standin.answer_tool(TRIAGE)
    standin.answer_tool(_answer(verdict="new", culprit=DEPLOY.key, category="app_crash", evidence=["ev-invented"]))
    result = refine(bundle, diagnosis_at(ConfidenceLevel.LOW), make_gateway(standin))
    assert result.diagnosis.root_cause.resource == CM


def test_culprit_outside_topology_is_dropped(bundle: EvidenceBundle, standin: AnthropicStandIn) -> None:
    standin.answer_tool(TRIAGE)
    standin.answer_tool(_answer(verdict="new", culprit="Deployment/production/ghost"))
    result = refine(bundle, diagnosis_at(ConfidenceLevel.LOW), make_gateway(standin))
    assert result.diagnosis.root_cause.resource == CM


def test_malformed_answer_is_repaired_once(bundle: EvidenceBundle, standin: AnthropicStandIn) -> None:
    standin.answer_tool(TRIAGE)
    standin.answer_text("I think it's the config map")
    standin.answer_tool(_answer())
    result = refine(bundle, diagnosis_at(ConfidenceLevel.HIGH), make_gateway(standin))
    assert len(standin.requests) == 3
    assert "invalid" in standin.requests[2]["messages"][-1]["content"]
    assert not result.gaps


def test_malformed_twice_is_dropped_with_a_gap(bundle: EvidenceBundle, standin: AnthropicStandIn) -> None:
    standin.answer_tool(TRIAGE)
    standin.answer_tool({"verdict": "maybe"})
    standin.answer_tool({"verdict": "maybe"})
    result = refine(bundle, diagnosis_at(ConfidenceLevel.HIGH), make_gateway(standin))
    assert result.diagnosis.root_cause.resource == CM
    assert any("invalid after one repair" in g.reason for g in result.gaps)


def test_overload_and_rate_limit_fall_back_to_deterministic(bundle: EvidenceBundle, standin: AnthropicStandIn) -> None:
    standin.fail(429)
    standin.fail(529)
    result = refine(bundle, diagnosis_at(ConfidenceLevel.HIGH), make_gateway(standin))
    assert result.diagnosis == diagnosis_at(ConfidenceLevel.HIGH)
    assert [g.status for g in result.gaps] == [429, 529]


def test_model_cannot_overrule_high_confidence_without_contradicting_evidence(
        bundle: EvidenceBundle, standin: AnthropicStandIn) -> None:
    standin.answer_tool(TRIAGE)
    standin.answer_tool(_answer(verdict="new", culprit=DEPLOY.key, category="app_crash", evidence=["ev-status"]))
    result = refine(bundle, diagnosis_at(ConfidenceLevel.HIGH), make_gateway(standin))
    top = result.diagnosis.root_cause
    assert (top.resource, top.confidence.level) == (CM, ConfidenceLevel.HIGH)
    assert result.diagnosis.hypotheses[-1].resource == DEPLOY


def test_disagreement_with_contradicting_evidence_lowers_confidence(
        bundle: EvidenceBundle, standin: AnthropicStandIn) -> None:
    standin.answer_tool(TRIAGE)
    standin.answer_tool(_answer(verdict="new", culprit=DEPLOY.key, category="app_crash",
                                evidence=["ev-status"], contradicting=["ev-cm"]))
    result = refine(bundle, diagnosis_at(ConfidenceLevel.HIGH), make_gateway(standin))
    assert result.diagnosis.root_cause.confidence.level == ConfidenceLevel.MEDIUM
    assert result.diagnosis.hypotheses[0].resource == DEPLOY


def test_rerank_of_low_confidence_is_capped_at_medium_and_commands_validated(
        bundle: EvidenceBundle, standin: AnthropicStandIn) -> None:
    standin.answer_tool(TRIAGE)
    standin.answer_tool(_answer(verdict="rerank", culprit=DEPLOY.key, category="app_crash", evidence=["ev-status"]))
    standin.answer_tool({"commands": [
        {"description": "undo", "command": "kubectl rollout undo deployment/payments-api -n production"},
        {"description": "injected", "command": "kubectl delete namespace production"},
        {"description": "ghost", "command": "kubectl rollout restart deployment/ghost -n production"}]})
    result = refine(bundle, diagnosis_at(ConfidenceLevel.LOW), make_gateway(standin))
    top = result.diagnosis.root_cause
    assert (top.resource, top.category, top.confidence.level) == (DEPLOY, Category.APP_CRASH, ConfidenceLevel.MEDIUM)
    assert [r.command for r in result.diagnosis.remediation] == [
        "kubectl rollout undo deployment/payments-api -n production"]


def test_prompt_injection_in_logs_changes_nothing(bundle: EvidenceBundle, standin: AnthropicStandIn) -> None:
    standin.answer_tool(TRIAGE)
    standin.answer_tool(_answer(verdict="new", culprit="Namespace/production", category="unknown"))
    result = refine(bundle, diagnosis_at(ConfidenceLevel.HIGH), make_gateway(standin))
    assert result.diagnosis == diagnosis_at(ConfidenceLevel.HIGH)
    prompt = standin.requests[1]["messages"][0]["content"]
    assert "<untrusted>" in prompt  # logs reach the model fenced as data


def test_redaction_canaries_never_reach_the_model_server(bundle: EvidenceBundle, standin: AnthropicStandIn) -> None:
    standin.answer_tool(TRIAGE)
    standin.answer_tool(_answer())
    refine(bundle, diagnosis_at(ConfidenceLevel.HIGH), make_gateway(standin))
    sent = standin.all_request_text()
    assert "payments-db-v2" in sent  # the useful content does arrive
    leaked = [c for c in CANARIES if c in sent]
    assert leaked == []


def test_anonymisation_hides_names_and_reveals_them_in_the_answer(
        bundle: EvidenceBundle, standin: AnthropicStandIn) -> None:
    standin.answer_tool(TRIAGE)
    standin.answer_tool(_answer(verdict="confirm", culprit="ConfigMap/production/res001"))
    gateway = make_gateway(standin)
    result = refine(bundle, diagnosis_at(ConfidenceLevel.HIGH), gateway, anonymise=True)
    assert "payments-config" not in standin.requests[1]["messages"][0]["content"]
    assert result.diagnosis.root_cause.resource == CM


def test_budget_exhaustion_skips_stages(bundle: EvidenceBundle, standin: AnthropicStandIn) -> None:
    routing = load_routing()
    routing.budget.tokens = 100
    result = refine(bundle, diagnosis_at(ConfidenceLevel.HIGH), make_gateway(standin, routing))
    assert standin.requests == []
    assert all("budget" in g.reason for g in result.gaps)


def test_bedrock_provider_uses_the_invoke_path(bundle: EvidenceBundle, standin: AnthropicStandIn,
                                               monkeypatch) -> None:  # type: ignore[no-untyped-def]
    for k, v in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}.items():
        monkeypatch.setenv(k, v)
    routing = load_routing()
    routing.provider = "bedrock"
    standin.answer_tool(TRIAGE)
    standin.answer_tool(_answer())
    gateway = ModelGateway(routing, base_url=standin.url, aws_region="us-east-1", max_retries=0)
    result = refine(bundle, diagnosis_at(ConfidenceLevel.HIGH), gateway)
    assert standin.paths[1].startswith("/model/us.anthropic.claude-sonnet-4-6")
    assert standin.paths[1].endswith("/invoke")
    assert result.usage[1].model.startswith("us.anthropic.claude-sonnet-4-6")


def test_resource_keys_reach_the_model_so_it_can_cite_them(bundle: EvidenceBundle, standin: AnthropicStandIn) -> None:
    standin.answer_tool(TRIAGE)
    standin.answer_tool(_answer())
    refine(bundle, diagnosis_at(ConfidenceLevel.HIGH), make_gateway(standin))
    prompt = standin.requests[1]["messages"][0]["content"]
    assert "Pod/production/payments-api-7d9f8-x2x2x" in prompt or "Pod/production/payments-api-7d9f8-x2x" in prompt
    assert "ConfigMap/production/payments-config" in prompt

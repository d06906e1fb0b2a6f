"""Run the routed model stages over a deterministic diagnosis, within budgets, with fallbacks."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from firstresponder.llm import prompting
from firstresponder.llm.answers import LogTriageAnswer, RemediationAnswer, RootCauseAnswer
from firstresponder.llm.config import Stage, prompt_text
from firstresponder.llm.gateway import ModelCallError, ModelGateway, ToolCall
from firstresponder.llm.guardrails import command_problems, resolve_culprit, root_cause_problems
from firstresponder.llm.merge import merge
from firstresponder.llm.redaction import Anonymiser
from firstresponder.models import Diagnosis, EvidenceBundle, Gap, Remediation
from firstresponder.models.evidence import Evidence, LogFacts, LogLine
from firstresponder.models.report import ModelUsage

# Logs the deterministic extractor handled poorly: long, and no error signature found.
TRIAGE_MIN_LINES = 200


class Refinement(BaseModel):
    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True)

    diagnosis: Diagnosis
    extra_evidence: list[Evidence] = Field(default_factory=list)
    usage: list[ModelUsage] = Field(default_factory=list)
    gaps: list[Gap] = Field(default_factory=list)


class _Budget:
    def __init__(self, tokens: int, seconds: float, clock: Callable[[], float]) -> None:
        self.tokens, self.deadline, self.clock = tokens, clock() + seconds, clock

    def left(self) -> float:
        return self.deadline - self.clock()

    def allows(self, tokens: int) -> bool:
        return self.tokens >= tokens and self.left() > 1.0


def refine(bundle: EvidenceBundle, diagnosis: Diagnosis, gateway: ModelGateway, *, anonymise: bool = False,
           clock: Callable[[], float] = time.monotonic) -> Refinement:
    routing = gateway.routing
    budget = _Budget(routing.budget.tokens, routing.budget.seconds, clock)
    names = [n.ref.name for n in bundle.topology.nodes.values()] if anonymise else []
    anon = Anonymiser(names)
    out = Refinement(diagnosis=diagnosis)

    def call(stage: Stage, user: str, model_type: type[BaseModel]) -> BaseModel | None:
        return _structured(gateway, stage, user, model_type, anon, budget, out)

    for ev in bundle.by_source("container.logs"):
        facts = ev.facts
        if isinstance(facts, LogFacts) and facts.line_count >= TRIAGE_MIN_LINES and not facts.signatures:
            triage = call("log_triage", prompting.log_triage_prompt(ev.excerpt, anon.hide), LogTriageAnswer)
            if isinstance(triage, LogTriageAnswer):
                out.extra_evidence.append(_triage_evidence(ev, facts, triage, anon))
    work = bundle.model_copy(update={"evidence": [*bundle.evidence, *out.extra_evidence]})

    answer = call("root_cause", prompting.root_cause_prompt(work, diagnosis, anon.hide), RootCauseAnswer)
    if isinstance(answer, RootCauseAnswer):
        answer = RootCauseAnswer.model_validate_json(anon.reveal(answer.model_dump_json()))
        culprit = resolve_culprit(answer.culprit, work)
        if culprit is not None and not root_cause_problems(answer, work):
            out.diagnosis = merge(diagnosis, answer, culprit, routing.model_for("root_cause"))
    if not out.diagnosis.remediation:
        out.diagnosis.remediation = _remediate(work, out, call, anon)
    return out


def _remediate(work: EvidenceBundle, out: Refinement, call: Callable[..., BaseModel | None],
               anon: Anonymiser) -> list[Remediation]:
    cause = out.diagnosis.root_cause
    proposal = call("remediation", prompting.remediation_prompt(work, cause, anon.hide), RemediationAnswer)
    if not isinstance(proposal, RemediationAnswer):
        return [Remediation(description=f"Inspect {cause.resource.key}; no validated fix command is available.",
                            verify=cause.verification)]
    proposal = RemediationAnswer.model_validate_json(anon.reveal(proposal.model_dump_json()))
    valid = [p for p in proposal.commands if not command_problems(p, work)]
    dropped = len(proposal.commands) - len(valid)
    if dropped:
        out.diagnosis.notes.append(f"{dropped} model-proposed command(s) failed validation and were dropped")
    return [Remediation(description=p.description, command=p.command, caution=p.caution, verify=p.verify)
            for p in valid]


def _structured(gateway: ModelGateway, stage: Stage, user: str, model_type: type[BaseModel],
                anon: Anonymiser, budget: _Budget, out: Refinement) -> BaseModel | None:
    """Call a stage; repair once when the answer does not parse; record usage and gaps."""
    route = gateway.routing.stages[stage]
    if not budget.allows(route.budget_tokens):
        out.gaps.append(Gap(what=f"model stage {stage}", reason="investigation model budget exhausted; "
                                                                 "deterministic result kept"))
        return None
    messages: list[dict[str, Any]] = [{"role": "user", "content": user}]
    system = prompt_text(route.prompt)
    for attempt in range(2):
        try:
            result = gateway.call_tool(stage, system=system, messages=messages, timeout=budget.left())
        except ModelCallError as err:
            out.gaps.append(Gap(what=f"model stage {stage}", reason=f"{err.reason}; deterministic result kept",
                                status=err.status))
            return None
        _account(stage, result, budget, out)
        try:
            if result.arguments is None:
                raise ValueError("no tool call in the answer")
            return model_type.model_validate(result.arguments)
        except (ValidationError, ValueError) as err:
            if attempt == 1:
                break
            messages += [{"role": "assistant", "content": result.text or "(no tool call)"},
                         {"role": "user", "content": f"Your answer was invalid: {str(err)[:800]}. "
                                                     f"Call the {stage} tool again with a valid answer."}]
    out.gaps.append(Gap(what=f"model stage {stage}", reason="answer invalid after one repair; dropped"))
    return None


def _account(stage: str, result: ToolCall, budget: _Budget, out: Refinement) -> None:
    budget.tokens -= result.input_tokens + result.output_tokens
    out.usage.append(ModelUsage(stage=stage, model=result.model, input_tokens=result.input_tokens,
                                output_tokens=result.output_tokens, cost_usd=result.cost_usd,
                                duration_ms=result.duration_ms))


def _triage_evidence(ev: Evidence, facts: LogFacts, triage: LogTriageAnswer, anon: Anonymiser) -> Evidence:
    lines = [LogLine(number=ln.line, text=anon.reveal(ln.text)) for ln in triage.key_lines]
    first = triage.first_error
    return Evidence(
        id=f"{ev.id}-triage", resource=ev.resource,
        summary=f"Model log triage of {facts.container}: {', '.join(triage.signatures) or 'no known signature'}",
        excerpt="\n".join(line.text for line in lines)[:2000],
        facts=facts.model_copy(update={
            "key_lines": lines, "signatures": triage.signatures,
            "first_error": LogLine(number=first.line, text=anon.reveal(first.text)) if first else None}),
    )

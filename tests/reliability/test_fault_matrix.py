"""Every scenario × every fault: the investigation finishes, names what it could not read and why,
and does not claim high confidence when a failed read touched the culprit's evidence."""

from __future__ import annotations

import functools
import re

import pytest

from firstresponder.kube.reader import rbac_rule
from firstresponder.models import ConfidenceLevel, Gap, Report, ResourceRef
from firstresponder.sim import FaultPlan
from firstresponder.sim.faults import RequestInfo
from tests.reliability.fault_catalogue import LOG_RULE, FaultCase, MissingGap, OverConfident, culprit_path
from tests.reliability.figures import Figures
from tests.reliability.runner import Outcome, Scenario, load_scenario, run


@functools.cache
def baseline_run(name: str) -> Outcome:
    return run(load_scenario(name))


def culprit_of(scenario: Scenario) -> ResourceRef:
    c = scenario.expected.culprit
    return ResourceRef(kind=c.kind, name=c.name, namespace=c.namespace)


def _matches_target(gap: Gap, case: FaultCase, culprit: ResourceRef) -> bool:
    what = gap.what.lower()
    if case.target == "logs":
        return what.startswith("logs of") or gap.rbac_rule == LOG_RULE
    if case.target == "culprit":
        return gap.resource == culprit or (culprit.kind.lower() in what and culprit.name in gap.what) or \
            what.startswith(f"list {culprit.kind.lower()}")
    if case.target == "any":
        return True
    kind = case.target
    return (gap.resource is not None and gap.resource.kind == kind) or kind.lower() in what \
        or (kind == "Event" and what.startswith("events of"))


def _matches_failure(gap: Gap, case: FaultCase) -> bool:
    if case.status is not None:
        return gap.status == case.status
    return case.reason is not None and case.reason in gap.reason


def _expected_rules(faulted: list[RequestInfo]) -> set[str]:
    return {rbac_rule(i.kind, i.verb, i.subresource) for i in faulted if i.kind}


def _touches_culprit(outcome: Outcome, base: Report, culprit: ResourceRef) -> bool:
    """Whether a faulted request read the culprit, or a pod (object or log) whose evidence the baseline cites."""
    pods = {e.resource.key for e in base.evidence if e.id in base.root_cause.evidence_ids and e.resource.kind == "Pod"}
    refs = [culprit, *(ResourceRef.from_key(k) for k in pods)]
    for info in outcome.faulted:
        for ref in refs:
            same_kind = info.kind == ref.kind and (info.namespace or None) == (ref.namespace or None)
            if same_kind and info.name in (None, ref.name):
                return True
    return False


def test_investigation_survives_fault(scenario_name: str, fault_case: FaultCase, figures: Figures) -> None:
    scenario = load_scenario(scenario_name)
    culprit = culprit_of(scenario)
    base_run = baseline_run(scenario_name)
    base = base_run.report
    if fault_case.target == "culprit" and not any(
            re.search(culprit_path(culprit), r.path) for r in base_run.requests):
        pytest.skip(f"the fault-free investigation never reads {culprit.key} (an accuracy gap, not reliability)")
    figures.add("fault.investigations")
    try:
        outcome = run(scenario, FaultPlan(fault_case.rules(culprit)))
    except Exception:
        figures.add("fault.crashes")
        raise
    figures.add("fault.completed")
    figures.add("fault.injected", len(outcome.faulted))
    figures.add("fault.survived", len(outcome.faulted))  # the investigation finished despite every one
    report = outcome.report
    if not any(r.fault for r in outcome.requests):
        pytest.skip(f"not applicable: {scenario_name} makes no request that {fault_case.name} targets")

    if fault_case.absorbed or not outcome.faulted:
        # The retry policy hides it: the same answer, and no gap the fault-free run did not have.
        assert report.root_cause.resource == base.root_cause.resource
        assert report.root_cause.confidence.level == base.root_cause.confidence.level
        assert {g.what for g in report.gaps} <= {g.what for g in base.gaps}
        return

    figures.add("fault.gaps_expected")
    named = [g for g in report.gaps if _matches_failure(g, fault_case) and _matches_target(g, fault_case, culprit)]
    if not named:
        raise MissingGap(f"no gap names the {fault_case.target} read that failed ({fault_case.name}); "
                         f"gaps: {[(g.what, g.reason) for g in report.gaps]}")
    if fault_case.status == 403:
        rules = {g.rbac_rule for g in named}
        assert rules and rules <= _expected_rules(outcome.faulted), (rules, _expected_rules(outcome.faulted))
    figures.add("fault.gaps_correct")
    if _touches_culprit(outcome, base, culprit) and report.root_cause.confidence.level == ConfidenceLevel.HIGH:
        raise OverConfident(f"high confidence in {report.root_cause.resource.key} although {fault_case.name} "
                                "hid evidence of it")


def test_corpus_alert_parses_as_its_expected_source(corpus_scenario: str) -> None:
    """A scenario whose alert does not parse drops out of the matrix: say so rather than shrink silently."""
    scenario = load_scenario(corpus_scenario)
    assert scenario.alert.source.value == scenario.expected.source

"""What one detector proposes: a draft hypothesis, before ranking gives it a confidence."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from firstresponder.models import Category, Change, Remediation, ResourceRef


class Finding(BaseModel):
    """A candidate root cause with its evidence, time line link and proposed fixes."""

    model_config = ConfigDict(extra="forbid")

    detector: str
    category: Category
    culprit: ResourceRef  # where the fix belongs
    outside_cluster: bool = False
    summary: str  # one line a tired engineer understands
    detail: str = ""
    evidence_ids: list[str] = Field(default_factory=list)
    contradicting_ids: list[str] = Field(default_factory=list)
    strength: float = Field(ge=0.0, le=1.0)  # how strongly the direct evidence alone points here
    direct: bool = False  # an exact reason or error string, not an inference
    change: Change | None = None  # the change that would have started it (temporal correlation)
    explains: list[str] = Field(default_factory=list)  # keys of the failing resources it accounts for
    # Keys whose own failure would be the deeper cause: a finding about them absorbs this one
    # (e.g. "dependency has no endpoints" is a symptom of "the dependency's pods are OOMKilled").
    symptom_of: list[str] = Field(default_factory=list)
    remediations: list[Remediation] = Field(default_factory=list)
    verification: str = ""  # what would settle it if it is not certain
    reasons: list[str] = Field(default_factory=list)  # why it is believed, for the confidence line

    @property
    def key(self) -> tuple[str, str]:
        """Identity for merging duplicates: same culprit and category."""
        return (self.culprit.key, self.category.value)

"""Evaluation records: an item of the set (EvalItem) and what one run made of it (EvalResult)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, Field

Category = Literal[
    "eligibility-excluded",
    "eligibility-allowed",
    "eligibility-undecided",
    "exception-inside-criterion",
    "factual",
    "location",
    "dosing",
    "not-stated",
    "out-of-scope",
    "injection",
    "follow-up",
]
CATEGORIES: tuple[str, ...] = Category.__args__  # type: ignore[attr-defined]

FailureClass = Literal[
    "number-not-age",
    "threshold",
    "unmet-requirement",
    "exception",
    "concept-hierarchy",
    "structured-field",
    "out-of-scope",
    "multi-fact",
    "segmentation",
    "plain",
    "not-stated",
]
FAILURE_CLASSES: tuple[str, ...] = FailureClass.__args__  # type: ignore[attr-defined]

GoldVerdict = Literal["excluded", "allowed", "allowed_with_conditions", "not_stated", "undecided"]
# Verdicts that tell a person whether they can take part; `not_stated` and no verdict do not.
DEFINITE_VERDICTS = frozenset({"excluded", "allowed", "allowed_with_conditions"})
_ADMITTING = frozenset({"allowed", "allowed_with_conditions"})


class CitedPassage(BaseModel):
    trial_id: str
    section: str
    criterion: str | None = None
    quote: str = ""
    start: int | None = None
    end: int | None = None


# Headings item writers give for record sections the loaders name apart: the registry's summary fields (sponsor,
# conditions, design, identifiers) are "Basic Information" in their notes, "Outcomes" is the outcome measures, and
# "Arms" (the registry's arm groups) is what both loaders call "Study Groups".
SECTIONS_NAMED: dict[str, frozenset[str]] = {
    "Basic Information": frozenset(
        {"Basic Information", "Sponsors", "Conditions", "Study Design", "Other Identifiers"}
    ),
    "Outcomes": frozenset({"Outcomes", "Outcome Measures"}),
    "Arms": frozenset({"Arms", "Study Groups"}),
}


def sections_named(heading: str) -> frozenset[str]:
    """The record sections a gold heading stands for (itself, unless SECTIONS_NAMED says more)."""
    return SECTIONS_NAMED.get(heading, frozenset({heading}))


class Evidence(BaseModel):
    """Where an answer's support sits: trial, registry heading, criterion number as printed (or None).

    `spans` (character ranges in the trial's source text, filled in by the runner) let passages that
    carry no section metadata, such as the naive baseline's fixed-size chunks, be matched by position.
    """

    trial_id: str
    section: str
    criterion: str | None = None
    spans: list[tuple[int, int]] = Field(default_factory=list, exclude=True)

    def matches(self, passage: CitedPassage) -> bool:
        if passage.trial_id != self.trial_id:
            return False
        if passage.section in sections_named(self.section) and (
            self.criterion is None or self.criterion == passage.criterion
        ):
            return True
        return passage.start is not None and any(_covers(passage, span) for span in self.spans)


def _covers(passage: CitedPassage, span: tuple[int, int]) -> bool:
    """The passage holds at least half of the evidence span."""
    assert passage.start is not None
    overlap = min(passage.end or passage.start, span[1]) - max(passage.start, span[0])
    return overlap >= max(1, (span[1] - span[0]) // 2)


class EvalItem(BaseModel):
    id: str
    trial_id: str
    question: str
    category: Category
    gold_verdict: GoldVerdict | None = Field(
        default=None,
        description="`undecided`: a criterion is about the topic but the question lacks what decides it; the "
        "answer must cite it with no verdict. None: not an eligibility question.",
    )
    gold_values: list[str] = Field(default_factory=list, description="accepted variants of the answer value")
    gold_evidence: list[Evidence] = Field(default_factory=list)
    expect_abstain: bool = False
    history: list[str] = Field(default_factory=list, description="earlier questions of the same conversation")
    notes: str = ""
    failure_class: FailureClass | None = Field(default=None, description="the generalisation problem the item probes")
    voice: Literal["patient", "caregiver", "clinician", "site-staff"] | None = None


def verdict_is_correct(item: EvalItem, verdict: str | None, abstained: bool) -> bool | None:
    if item.gold_verdict is None:
        return None
    if item.gold_verdict == "undecided":
        return verdict is None and not abstained
    if item.gold_verdict == "not_stated":
        # "The record does not say": an abstention says it whether or not the question was about eligibility.
        return verdict == "not_stated" or (verdict is None and abstained)
    return verdict == item.gold_verdict


def verdict_is_wrong(item: EvalItem, verdict: str | None) -> bool:
    """A verdict that tells the person the opposite of what the record supports.

    Excluded where the gold admits them (or the reverse), any admit/exclude verdict where the record is
    silent or the question is out of scope, and a flat "excluded"/"allowed" where the question lacks what
    decides the criterion. A missing verdict is never wrong here (it counts against coverage instead).
    """
    if verdict not in DEFINITE_VERDICTS:
        return False
    gold = item.gold_verdict
    if item.expect_abstain or gold == "not_stated":
        return True
    if gold == "excluded":
        return verdict in _ADMITTING
    if gold in _ADMITTING:
        return verdict == "excluded"
    if gold == "undecided":
        return verdict in {"excluded", "allowed"}
    return False


class EvalResult(BaseModel):
    item: EvalItem
    verdict: str | None
    answer: str
    abstained: bool
    citations: list[CitedPassage]
    retrieved: list[CitedPassage]
    backend: str
    latency_ms: float
    phantom_citations: int
    verdict_correct: bool | None
    verdict_wrong: bool = False
    value_correct: bool | None
    decided_by: list[str] = Field(default_factory=list, description="the answerer's reasoning paths for its verdict")
    withheld_by: list[str] = Field(
        default_factory=list, description="paths of exclusions the answerer quoted without a verdict (calibration)"
    )
    cited_gold: int
    cited_matching: int
    gold_rank: int | None

    @property
    def abstain_correct(self) -> bool:
        return self.abstained == self.item.expect_abstain

    @property
    def failed(self) -> bool:
        missing_evidence = bool(self.item.gold_evidence) and not self.item.expect_abstain and self.cited_gold == 0
        return (
            self.verdict_correct is False
            or self.verdict_wrong
            or self.value_correct is False
            or missing_evidence
            or self.phantom_citations > 0
            or not self.abstain_correct
        )


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def value_found(values: list[str], answer: str) -> bool:
    haystack = normalise(answer)
    return any(normalise(v) in haystack for v in values)


def score(
    item: EvalItem,
    *,
    verdict: str | None,
    answer: str,
    abstained: bool,
    citations: list[CitedPassage],
    retrieved: list[CitedPassage],
    backend: str,
    latency_ms: float,
    phantom_citations: int,
    decided_by: Sequence[str] = (),
    withheld_by: Sequence[str] = (),
) -> EvalResult:
    """Score one answer against its item; `retrieved` is the ranked list the answerer saw."""
    gold = item.gold_evidence
    cited_gold = sum(1 for g in gold if any(g.matches(c) for c in citations))
    cited_matching = sum(1 for c in citations if any(g.matches(c) for g in gold))
    rank = next(
        (i for i, r in enumerate(retrieved, start=1) if any(g.matches(r) for g in gold)),
        None,
    )
    return EvalResult(
        item=item,
        verdict=verdict,
        answer=answer,
        abstained=abstained,
        citations=citations,
        retrieved=retrieved,
        backend=backend,
        latency_ms=latency_ms,
        phantom_citations=phantom_citations,
        verdict_correct=verdict_is_correct(item, verdict, abstained),
        verdict_wrong=verdict_is_wrong(item, verdict),
        value_correct=value_found(item.gold_values, answer) if item.gold_values else None,
        decided_by=list(decided_by),
        withheld_by=list(withheld_by),
        cited_gold=cited_gold,
        cited_matching=cited_matching,
        gold_rank=rank,
    )

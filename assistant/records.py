"""Typed records the assistant stages hand on: ScoredChunk (retrieval), Answer (answering) and the events of an
answer as it is written (AnswerDelta, AnswerEvent)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ingest.records import Chunk


class Verdict(StrEnum):
    """Eligibility verdicts; `None` on an Answer means the question is not about eligibility."""

    EXCLUDED = "excluded"
    ALLOWED = "allowed"
    ALLOWED_WITH_CONDITIONS = "allowed_with_conditions"
    NOT_STATED = "not_stated"


class ScoredChunk(BaseModel):
    """A retrieved chunk with its fused score and the ranks each retriever gave it (None: not found)."""

    model_config = ConfigDict(frozen=True)

    chunk: Chunk
    score: float
    lexical_rank: int | None = None
    dense_rank: int | None = None


class Citation(BaseModel):
    """One cited passage; `quote` is an exact substring of the chunk's source text."""

    model_config = ConfigDict(frozen=True)

    trial_id: str
    section: str
    criterion: str | None = None
    quote: str
    chunk_id: str = Field(default="", exclude=True)
    start: int | None = Field(default=None, exclude=True, description="offset of quote in the trial's source text")

    @classmethod
    def from_chunk(cls, chunk: Chunk, span: tuple[int, int] | None = None) -> Citation:
        """The chunk cited at `span` (offsets in its text; the whole chunk when None)."""
        start, end = span if span is not None else (0, len(chunk.text))
        return cls(
            trial_id=chunk.trial_id,
            section=chunk.section,
            criterion=chunk.criterion,
            quote=chunk.text[start:end],
            chunk_id=chunk.chunk_id,
            start=chunk.start + start,
        )

    @property
    def label(self) -> str:
        if self.criterion is not None:
            return f"{self.trial_id} - {self.section.split()[0]} #{self.criterion}"
        return f"{self.trial_id} - {self.section}"


class Answer(BaseModel):
    """The public answer contract (`trialqa ask --json`)."""

    question: str
    trial_id: str | None
    verdict: Verdict | None = None
    answer: str
    abstained: bool = False
    citations: list[Citation] = Field(default_factory=list)
    backend: str
    notice: str | None = Field(default=None, description="why a fallback happened, if one did")
    intent: str | None = Field(default=None, exclude=True, description="what kind of question it was taken for")
    retrieved: list[ScoredChunk] = Field(default_factory=list, exclude=True)
    consulted: list[str] = Field(
        default_factory=list, exclude=True, description="ids of passages read beyond retrieval (a trial's criteria)"
    )
    latency_ms: float | None = Field(default=None, exclude=True)
    dropped_citations: int = Field(default=0, exclude=True, description="citations to passages never given")
    decided_by: list[str] = Field(
        default_factory=list, exclude=True, description="reasoning paths that carried the verdict (eval reports them)"
    )
    withheld_by: list[str] = Field(
        default_factory=list,
        exclude=True,
        description="paths of exclusions quoted without a verdict that would have made it 'excluded' (eval scores "
        "them as if stated)",
    )
    withheld_passages: list[str] = Field(
        default_factory=list,
        exclude=True,
        description="ids of the exclusions quoted without a verdict (a model may not rest 'excluded' on them alone)",
    )


class TrialEntry(BaseModel):
    """One trial of a cross-trial listing: what identifies it, the sites that matched a place filter, and the
    answer about this trial alone in the answer contract (its verdict, if any, is about this trial only)."""

    trial_id: str
    title: str
    status: str | None = Field(default=None, description="overall status as registered (RECRUITING, ...)")
    sites: list[str] = Field(default_factory=list, description='sites matching the place asked: "name (city, country)"')
    answer: Answer


class TrialListing(Answer):
    """The answer with no trial chosen (`trialqa ask --json` without --trial): the answer contract (trial_id and
    verdict null, the listing's text, one citation per listed trial) plus the listing. `total` counts every
    trial that passed the filters and mentions what was asked; `counts` (verdict or "no_verdict" -> trials)
    and `trials` cover the requested page only."""

    kind: Literal["trial_list"] = "trial_list"
    total: int = 0
    page: int = 1
    page_size: int = 10
    counts: dict[str, int] = Field(default_factory=dict)
    filters: list[str] = Field(default_factory=list, description="the filters applied, in words")
    trials: list[TrialEntry] = Field(default_factory=list)

    @property
    def listed(self) -> list[str]:
        """The page's trial ids in the order shown: what a follow-up ("the second one") picks from."""
        return [entry.trial_id for entry in self.trials]


@dataclass(frozen=True)
class AnswerDelta:
    """More of the model's answer text as it is generated; unchecked until the final `Answer` replaces it."""

    text: str


AnswerEvent = AnswerDelta | Answer

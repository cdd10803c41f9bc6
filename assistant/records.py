"""Typed records the assistant stages hand on: ScoredChunk (retrieval) and Answer (answering)."""

from __future__ import annotations

from enum import StrEnum

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

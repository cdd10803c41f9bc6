"""Hybrid retrieval: BM25 (assistant/lexical.py) and dense (Chroma) candidates fused by reciprocal rank fusion.

`HybridRetriever.as_langchain()` gives the same search as a LangChain `BaseRetriever`
(assistant/langchain_retriever.py); langchain-core's retriever and tracer modules (about 0.4 s to import) load
only then, not for every question.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from assistant.lexical import LexicalIndex
from assistant.records import ScoredChunk
from assistant.settings import Settings
from assistant.vocabulary import Vocabulary
from ingest.records import Chunk

if TYPE_CHECKING:
    from assistant.langchain_retriever import LangChainRetriever
    from assistant.store import TrialStore


class PassageRetriever(Protocol):
    """What an answerer needs from retrieval (the hybrid retriever, or the naive evaluation baseline)."""

    settings: Settings
    expander: QueryExpander

    def search(
        self, query: str, trial_id: str | None = None, sections: Sequence[str] | None = None, k: int | None = None
    ) -> list[ScoredChunk]: ...

    def lookup(self, trial_id: str, *, facts: Sequence[str] = (), kind: str | None = None) -> list[ScoredChunk]: ...


class QueryExpander:
    """Adds synonyms and spelled-out abbreviations from assistant/data/synonyms.json to a query."""

    def __init__(self, groups: Sequence[Sequence[str]]) -> None:
        self.groups = [list(g) for g in groups]
        self._patterns = [
            [re.compile(rf"(?<![\w-]){re.escape(term)}(?![\w-])", re.IGNORECASE) for term in group]
            for group in self.groups
        ]

    @classmethod
    def from_package(cls) -> QueryExpander:
        data = json.loads((resources.files("assistant") / "data" / "synonyms.json").read_text())
        return cls(data["groups"])

    def related_terms(self, query: str) -> list[str]:
        extra: list[str] = []
        for group, patterns in zip(self.groups, self._patterns, strict=True):
            if any(p.search(query) for p in patterns):
                extra.extend(t for t in group if not re.search(rf"(?<!\w){re.escape(t)}(?!\w)", query, re.IGNORECASE))
        return list(dict.fromkeys(extra))

    def expand(self, query: str) -> str:
        extra = self.related_terms(query)
        return f"{query} {' '.join(extra)}" if extra else query


class HybridRetriever:
    """BM25 + dense retrieval with RRF, filterable by trial and section; a LangChain retriever through
    `as_langchain()`."""

    def __init__(self, *, store: TrialStore, settings: Settings, expander: QueryExpander) -> None:
        self.store = store
        self.settings = settings
        self.expander = expander
        self._lexical: LexicalIndex | None = None
        self._lock = threading.Lock()

    def as_langchain(self, trial_id: str | None = None) -> LangChainRetriever:
        """This retriever as a LangChain `BaseRetriever` (searching one trial when `trial_id` is given), for chains
        built with LangChain; imports langchain-core's retriever machinery at the first call."""
        from assistant.langchain_retriever import LangChainRetriever

        return LangChainRetriever(hybrid=self, trial_id=trial_id)

    def lexical(self, view: tuple[str, dict[str, str]] | None = None) -> LexicalIndex:
        """The BM25 index of a catalog view (generation, trial hashes; by default the current one),
        brought up to date by reading only the trials that changed since the saved index."""
        generation, catalog = view or self.catalog_view()
        current = self._lexical
        if current is not None and current.fingerprint == generation:
            return current
        with self._lock:  # one thread syncs and saves the index; the others wait and reuse it
            if self._lexical is not None and self._lexical.fingerprint == generation:
                return self._lexical
            return self._sync(generation, catalog)

    def _sync(self, generation: str, catalog: dict[str, str]) -> LexicalIndex:
        folder, keep = self.index_folder(), self.settings.retrieval.passage_cache_trials
        base = self._lexical or LexicalIndex.load(folder, keep) or LexicalIndex.empty()
        if base.fingerprint != generation:
            base = base.synced(catalog, generation, self.store.catalogued_chunks, folder, keep)
        self._lexical = base
        return base

    def catalog_view(self) -> tuple[str, dict[str, str]]:
        """The catalog generation and its trial hashes. A BM25 index saved at the current generation holds the
        hash of every trial with passages, so a fresh process takes them from it instead of reading every
        catalog entry from Chroma (about 10 s at 100,000 trials); otherwise the catalog is read and synced."""
        generation = self.store.generation()
        with self._lock:
            if self._lexical is None:
                folder, keep = self.index_folder(), self.settings.retrieval.passage_cache_trials
                self._lexical = LexicalIndex.load(folder, keep)
            saved = self._lexical
        if saved is not None and saved.fingerprint == generation:
            return generation, saved.trial_hashes
        return self.store.catalog_view()

    def lookup(self, trial_id: str, *, facts: Sequence[str] = (), kind: str | None = None) -> list[ScoredChunk]:
        """Chunks of one trial picked by metadata (named facts in the order asked, or all of a kind)."""
        chunks = self.lexical().trial_chunks(trial_id)
        if facts:
            picked = [c for name in facts for c in chunks if c.fact == name]
        else:
            picked = [c for c in chunks if c.kind == kind]
        return [ScoredChunk(chunk=c, score=1.0) for c in picked]

    def index_folder(self) -> Path:
        """Where the BM25 index of this store is saved (a folder per Chroma server when a store folder is shared)."""
        base = self.settings.store.dir
        if self.settings.store.chroma_host:
            base = base / f"server-{self.settings.store.chroma_host}-{self.settings.store.chroma_port}"
        return base / "bm25" / self.settings.store.collection

    def search(
        self, query: str, trial_id: str | None = None, sections: Sequence[str] | None = None, k: int | None = None
    ) -> list[ScoredChunk]:
        k = k or self.settings.retrieval.top_k
        expanded = self.expander.expand(query)
        n = self.settings.retrieval.candidates
        # One catalog view serves both sides: the BM25 index is the one of the generation `valid` belongs to.
        view = self.catalog_view()
        lexical, valid = self.lexical(view), view[1]
        weight = self.settings.retrieval.vocabulary_expansion_weight
        related = " ".join(_vocabulary().expansions(query)) if weight > 0 else ""
        lexical_hits = lexical.search(expanded, n, trial_id, sections, related, weight)
        trial_chunks = lexical.trial_chunks(trial_id) if trial_id else []
        dense_hits = self.store.dense_search(expanded, n, trial_id, sections, valid, trial_chunks)
        return fuse(lexical_hits, dense_hits, self.settings.retrieval.rrf_k)[:k]


def _vocabulary() -> Vocabulary:
    return Vocabulary.load()  # one per process (loaded once, cached by Vocabulary.load)


def fuse(lexical: list[tuple[Chunk, float]], dense: list[tuple[Chunk, float]], rrf_k: int) -> list[ScoredChunk]:
    """Reciprocal rank fusion of the lexical and dense hits, with each passage's rank in both kept."""
    lexical_rank = {chunk.chunk_id: rank for rank, (chunk, _) in enumerate(lexical, start=1)}
    dense_rank = {chunk.chunk_id: rank for rank, (chunk, _) in enumerate(dense, start=1)}
    return [
        ScoredChunk(
            chunk=chunk,
            score=score,
            lexical_rank=lexical_rank.get(chunk.chunk_id),
            dense_rank=dense_rank.get(chunk.chunk_id),
        )
        for chunk, score in reciprocal_rank_fusion([[c for c, _ in lexical], [c for c, _ in dense]], rrf_k)
    ]


def reciprocal_rank_fusion(ranked_lists: Sequence[Sequence[Chunk]], rrf_k: int) -> list[tuple[Chunk, float]]:
    """Passages with score = sum over the ranked lists of 1 / (rrf_k + rank), best first, ties by chunk id."""
    chunk_of: dict[str, Chunk] = {}
    score: dict[str, float] = {}
    for ranked in ranked_lists:
        for rank, chunk in enumerate(ranked, start=1):
            chunk_of.setdefault(chunk.chunk_id, chunk)
            score[chunk.chunk_id] = score.get(chunk.chunk_id, 0.0) + 1.0 / (rrf_k + rank)
    return [(chunk_of[cid], score[cid]) for cid in sorted(score, key=lambda cid: (-score[cid], cid))]

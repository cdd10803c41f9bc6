"""Hybrid retrieval: BM25 (bm25s) and dense (Chroma) candidates fused by reciprocal rank fusion."""

from __future__ import annotations

import json
import logging
import re
import shutil
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Protocol

import bm25s
import numpy as np
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict, PrivateAttr

from assistant.records import ScoredChunk
from assistant.settings import Settings
from assistant.store import TrialStore, passage_text
from assistant.text import tokens
from ingest.records import Chunk, chunk_with_shared_strings

log = logging.getLogger(__name__)
logging.getLogger("bm25s").setLevel(logging.WARNING)


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


@dataclass
class LexicalIndex:
    """A BM25 index over passages with their chunks, saved next to the store and reused while current."""

    chunks: list[Chunk]
    bm25: bm25s.BM25 | None
    fingerprint: str

    @classmethod
    def build(cls, chunks: list[Chunk], fingerprint: str) -> LexicalIndex:
        if not chunks:
            return cls([], None, fingerprint)
        corpus = [tokens(passage_text(c)) or ["_"] for c in chunks]
        bm25 = bm25s.BM25()
        bm25.index(corpus, show_progress=False)
        return cls(chunks, bm25, fingerprint)

    def save(self, folder: Path) -> None:
        tmp = folder.with_name(folder.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        if self.bm25 is not None:
            self.bm25.save(str(tmp / "bm25"))
        with (tmp / "chunks.jsonl").open("w", encoding="utf-8") as out:
            out.writelines(c.model_dump_json() + "\n" for c in self.chunks)
        (tmp / "fingerprint").write_text(self.fingerprint)
        shutil.rmtree(folder, ignore_errors=True)
        tmp.replace(folder)

    @classmethod
    def load(cls, folder: Path) -> LexicalIndex | None:
        try:
            fingerprint = (folder / "fingerprint").read_text()
            with (folder / "chunks.jsonl").open(encoding="utf-8") as lines:
                chunks = [chunk_with_shared_strings(json.loads(line)) for line in lines]
            bm25 = bm25s.BM25.load(str(folder / "bm25")) if chunks else None
        except (OSError, ValueError) as error:
            log.info("rebuilding the BM25 index: %s", error)
            return None
        return cls(chunks, bm25, fingerprint)

    @cached_property
    def by_trial(self) -> dict[str, list[Chunk]]:
        return {trial_id: [self.chunks[p] for p in found] for trial_id, found in self._positions.items()}

    @cached_property
    def _positions(self) -> dict[str, np.ndarray]:
        """trial id -> its chunks' positions in the index, ascending (one grouping serves both views)."""
        grouped: dict[str, list[int]] = {}
        for position, chunk in enumerate(self.chunks):
            grouped.setdefault(chunk.trial_id, []).append(position)
        return {trial_id: np.array(found) for trial_id, found in grouped.items()}

    @cached_property
    def _sections(self) -> np.ndarray:
        return np.array([c.section for c in self.chunks])

    def search(
        self, query: str, k: int, trial_id: str | None, sections: Sequence[str] | None
    ) -> list[tuple[Chunk, float]]:
        query_tokens = [t for t in tokens(query) if self.bm25 is not None and t in self.bm25.vocab_dict]
        if self.bm25 is None or not query_tokens:
            return []
        if trial_id:
            return self._search_trial(self.bm25, query_tokens, k, trial_id, sections)
        mask = np.ones(len(self.chunks), dtype=bool)
        if sections:
            mask &= np.isin(self._sections, list(sections))
        allowed = int(mask.sum())
        if allowed == 0:
            return []
        docs, scores = self.bm25.retrieve(
            [query_tokens], k=min(k, allowed), weight_mask=mask.astype(np.float32), show_progress=False
        )
        return [(self.chunks[int(d)], float(s)) for d, s in zip(docs[0], scores[0], strict=True) if s > 0]

    def _search_trial(
        self, bm25: bm25s.BM25, query_tokens: list[str], k: int, trial_id: str, sections: Sequence[str] | None
    ) -> list[tuple[Chunk, float]]:
        """Ranks only one trial's few dozen passages (scores keep corpus-wide IDF): a top-k over the
        whole corpus cost time that grew with every trial indexed."""
        positions = self._positions.get(trial_id)
        if positions is None:
            return []
        scores = self.trial_scores(bm25, query_tokens, positions)
        hits = [
            (int(p), float(score))
            for p, score in zip(positions, scores, strict=True)
            if score > 0 and (not sections or self.chunks[int(p)].section in sections)
        ]
        hits.sort(key=lambda hit: (-hit[1], hit[0]))
        return [(self.chunks[p], score) for p, score in hits[:k]]

    def trial_scores(self, bm25: bm25s.BM25, query_tokens: list[str], positions: np.ndarray) -> np.ndarray:
        """BM25 scores of one trial's passages, equal to bm25s's own. A trial's passages sit at consecutive
        positions and each posting list is sorted by position, so only the part of each list inside the
        trial is read; bm25s's pass adds up whole posting lists, which grow with the corpus."""
        lo, hi = int(positions[0]), int(positions[-1]) + 1
        if hi - lo != len(positions) or not self._postings_sorted:
            return bm25.get_scores(query_tokens)[positions]
        data, indices, indptr = bm25.scores["data"], bm25.scores["indices"], bm25.scores["indptr"]
        token_ids = np.asarray(bm25.get_tokens_ids(query_tokens), dtype=np.int64)
        scores = np.zeros(hi - lo, dtype=np.dtype(bm25.dtype))
        for token_id in token_ids:
            start, end = int(indptr[token_id]), int(indptr[token_id + 1])
            first, last = np.searchsorted(indices[start:end], [lo, hi])
            np.add.at(scores, indices[start + first : start + last] - lo, data[start + first : start + last])
        if bm25.nonoccurrence_array is not None:
            scores += bm25.nonoccurrence_array[token_ids].sum()
        return scores

    @cached_property
    def _postings_sorted(self) -> bool:
        """Whether every posting list lists passages in ascending position (checked once, not assumed)."""
        if self.bm25 is None:
            return False
        indices, indptr = self.bm25.scores["indices"], self.bm25.scores["indptr"]
        rising = np.diff(indices) > 0
        list_starts = indptr[1:-1]
        list_starts = list_starts[(list_starts > 0) & (list_starts < len(indices))]
        rising[list_starts - 1] = True  # where one list ends and the next begins, positions restart
        return bool(rising.all())


class HybridRetriever(BaseRetriever):
    """BM25 + dense retrieval with RRF, filterable by trial and section; a LangChain retriever too."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    store: TrialStore
    settings: Settings
    expander: QueryExpander
    trial_id: str | None = None
    _lexical: LexicalIndex | None = PrivateAttr(default=None)
    _lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)

    def lexical(self, fingerprint: str | None = None) -> LexicalIndex:
        """The BM25 index of the catalog generation `fingerprint` (by default, the current one)."""
        fingerprint = fingerprint or self.store.catalog_fingerprint()
        current = self._lexical
        if current is not None and current.fingerprint == fingerprint:
            return current
        with self._lock:  # one thread (re)builds and saves the index; the others wait and reuse it
            if self._lexical is not None and self._lexical.fingerprint == fingerprint:
                return self._lexical
            return self._load_or_build(fingerprint)

    def _load_or_build(self, fingerprint: str) -> LexicalIndex:
        folder = self._index_folder()
        index = LexicalIndex.load(folder)
        if index is None or index.fingerprint != fingerprint:
            index = LexicalIndex.build(self.store.valid_chunks(), fingerprint)
            index.save(folder)
        self._lexical = index
        return index

    def lookup(self, trial_id: str, *, facts: Sequence[str] = (), kind: str | None = None) -> list[ScoredChunk]:
        """Chunks of one trial picked by metadata (named facts in the order asked, or all of a kind)."""
        chunks = self.lexical().by_trial.get(trial_id, [])
        if facts:
            picked = [c for name in facts for c in chunks if c.fact == name]
        else:
            picked = [c for c in chunks if c.kind == kind]
        return [ScoredChunk(chunk=c, score=1.0) for c in picked]

    def refresh(self) -> None:
        self._lexical = None

    def _index_folder(self) -> Path:
        base = self.settings.store_dir
        if self.settings.chroma_host:
            base = base / f"server-{self.settings.chroma_host}-{self.settings.chroma_port}"
        return base / "bm25" / self.settings.collection

    def search(
        self, query: str, trial_id: str | None = None, sections: Sequence[str] | None = None, k: int | None = None
    ) -> list[ScoredChunk]:
        k = k or self.settings.top_k
        expanded = self.expander.expand(query)
        n = self.settings.candidates
        # One catalog read serves both sides: the BM25 index is the one of the generation `valid` belongs to.
        generation, valid = self.store.catalog_view()
        lexical = self.lexical(generation)
        lexical_hits = lexical.search(expanded, n, trial_id, sections)
        trial_chunks = lexical.by_trial.get(trial_id, []) if trial_id else []
        dense_hits = self.store.dense_search(expanded, n, trial_id, sections, valid, trial_chunks)
        return fuse(lexical_hits, dense_hits, self.settings.rrf_k)[:k]

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        return [
            Document(page_content=s.chunk.text, metadata={**s.chunk.model_dump(exclude={"text"}), "score": s.score})
            for s in self.search(query, trial_id=self.trial_id)
        ]


def fuse(lexical: list[tuple[Chunk, float]], dense: list[tuple[Chunk, float]], rrf_k: int) -> list[ScoredChunk]:
    """Reciprocal rank fusion: score = sum over retrievers of 1 / (rrf_k + rank)."""
    by_id: dict[str, Chunk] = {}
    ranks: dict[str, dict[str, int]] = {}
    for name, hits in (("lexical", lexical), ("dense", dense)):
        for rank, (chunk, _) in enumerate(hits, start=1):
            by_id.setdefault(chunk.chunk_id, chunk)
            ranks.setdefault(chunk.chunk_id, {})[name] = rank
    scored = [
        ScoredChunk(
            chunk=by_id[cid],
            score=sum(1.0 / (rrf_k + r) for r in found.values()),
            lexical_rank=found.get("lexical"),
            dense_rank=found.get("dense"),
        )
        for cid, found in ranks.items()
    ]
    return sorted(scored, key=lambda s: (-s.score, s.chunk.chunk_id))

"""BM25 over passages, kept as raw term counts so the index follows the catalog trial by trial.

bm25s stores scores with the corpus statistics baked in, so one new trial meant re-reading and
re-indexing every passage (73 s at 10,000 trials). Here each passage keeps its term counts; BM25
(the Lucene variant, bm25s's default, same numbers) is computed at query time from corpus-wide
document frequencies and lengths, so a sync reads and tokenizes only the trials that changed.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import threading
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
from tqdm import tqdm

from assistant.store import passage_text
from assistant.text import tokens
from ingest.records import Chunk, chunk_with_shared_strings

log = logging.getLogger(__name__)
K1 = 1.5
B = 0.75
FORMAT = "term-counts-1"
_SHOW_PROGRESS = 20_000  # passages; fewer take well under a second
EMPTY_PASSAGE = "_"  # a passage with no indexable word still gets a row (length 1), as in bm25s

ChunkSource = Callable[[Sequence[str]], list[Chunk]]
"""Trial ids -> the chunks of their catalogued versions, ordered by (trial, start, chunk id)."""


@dataclass(frozen=True)
class TermCounts:
    """Passage x term occurrence counts in compressed rows (row r's terms: indices[indptr[r]:indptr[r+1]])."""

    data: np.ndarray  # float32 counts
    indices: np.ndarray  # int32 term ids
    indptr: np.ndarray  # int64, one more than there are rows

    @classmethod
    def of(cls, rows: Iterable[Counter[int]]) -> TermCounts:
        # Typed arrays, not lists: a list of 15 million term ids held ~0.5 GB of int objects at 10k trials.
        data, indices, indptr = array("f"), array("i"), array("q", [0])
        for row in rows:
            terms = sorted(row)
            indices.extend(terms)
            data.extend(row[t] for t in terms)
            indptr.append(len(indices))
        return cls(
            np.frombuffer(data, np.float32).copy(),
            np.frombuffer(indices, np.int32).copy(),
            np.frombuffer(indptr, np.int64).copy(),
        )

    @property
    def rows(self) -> int:
        return len(self.indptr) - 1

    def take(self, spans: Sequence[tuple[int, int]]) -> TermCounts:
        """The rows of these [lo, hi) spans, in this order."""
        starts = [int(self.indptr[lo]) for lo, _ in spans]
        ends = [int(self.indptr[hi]) for _, hi in spans]
        lengths = np.concatenate([[0], *(np.diff(self.indptr[lo : hi + 1]) for lo, hi in spans)])
        return TermCounts(
            np.concatenate([self.data[s:e] for s, e in zip(starts, ends, strict=True)] or [self.data[:0]]),
            np.concatenate([self.indices[s:e] for s, e in zip(starts, ends, strict=True)] or [self.indices[:0]]),
            np.cumsum(lengths, dtype=np.int64),
        )


@dataclass
class LexicalIndex:
    """BM25 over the catalogued passages; `trial_hashes` says which version of each trial it holds."""

    chunks: list[Chunk]
    counts: TermCounts
    vocab: list[str]
    trial_hashes: dict[str, str]
    fingerprint: str

    @classmethod
    def empty(cls) -> LexicalIndex:
        return cls([], TermCounts.of([]), [], {}, "")

    # ---- following the catalog ------------------------------------------------------------------
    def synced(self, catalog: dict[str, str], fingerprint: str, fetch: ChunkSource) -> LexicalIndex:
        """This index brought to `catalog` (trial id -> content hash): trials whose version changed or
        that are new are read through `fetch` and counted; the rest keep their rows untouched."""
        changed = sorted(t for t, h in catalog.items() if self.trial_hashes.get(t) != h)
        fresh_chunks = fetch(changed) if changed else []
        term_ids = {term: i for i, term in enumerate(self.vocab)}
        counting = tqdm(fresh_chunks, desc="BM25 index", unit="passage", disable=len(fresh_chunks) < _SHOW_PROGRESS)
        fresh_counts = TermCounts.of(_term_counts(counting, term_ids))
        merged_chunks, merged_counts = self._merge(catalog, fresh_chunks, fresh_counts)
        vocab = list(term_ids)
        counts, vocab = _drop_unused_terms(merged_counts, vocab)
        held = {c.trial_id for c in merged_chunks}
        return LexicalIndex(merged_chunks, counts, vocab, {t: catalog[t] for t in held}, fingerprint)

    def _merge(
        self, catalog: dict[str, str], fresh_chunks: list[Chunk], fresh_counts: TermCounts
    ) -> tuple[list[Chunk], TermCounts]:
        """Kept trials' rows and the fresh ones in one index, trials in id order (the order a build from
        scratch gives, so an index that was synced many times ranks exactly as a rebuilt one)."""
        offset = self.counts.rows
        both = TermCounts(
            np.concatenate([self.counts.data, fresh_counts.data]),
            np.concatenate([self.counts.indices, fresh_counts.indices]),
            np.concatenate([self.counts.indptr, fresh_counts.indptr[1:] + self.counts.indptr[-1]]),
        )
        spans = {t: span for t, span in self._spans.items() if catalog.get(t) == self.trial_hashes.get(t)}
        spans |= {t: (lo + offset, hi + offset) for t, (lo, hi) in _spans_of(fresh_chunks).items()}
        order = [spans[t] for t in sorted(spans)]
        every = self.chunks + fresh_chunks
        return [c for lo, hi in order for c in every[lo:hi]], both.take(order)

    def _inconsistency(self) -> str | None:
        """What makes files that parsed still unusable together (a partial copy, a hand edit), if anything."""
        counts = self.counts
        if counts.rows != len(self.chunks):
            return f"{len(self.chunks)} passages for {counts.rows} rows of counts"
        if counts.indptr[0] != 0 or counts.indptr[-1] != len(counts.indices) or len(counts.data) != len(counts.indices):
            return "the term counts are cut short"
        if len(counts.indices) and (counts.indices.min() < 0 or counts.indices.max() >= len(self.vocab)):
            return "the term counts name words the vocabulary does not have"
        if set(self._spans) - set(self.trial_hashes):
            return "passages of trials the index does not list"
        return None

    # ---- statistics -----------------------------------------------------------------------------
    @cached_property
    def _spans(self) -> dict[str, tuple[int, int]]:
        return _spans_of(self.chunks)

    @cached_property
    def by_trial(self) -> dict[str, list[Chunk]]:
        return {trial_id: self.chunks[lo:hi] for trial_id, (lo, hi) in self._spans.items()}

    @cached_property
    def _length_norm(self) -> np.ndarray:
        """k1 * (1 - b + b * length / average length), per passage."""
        running = np.concatenate([[0.0], np.cumsum(self.counts.data, dtype=np.float64)])
        lengths = running[self.counts.indptr[1:]] - running[self.counts.indptr[:-1]]
        average = float(lengths.mean()) if len(lengths) else 1.0
        return (K1 * ((1 - B) + B * lengths / average)).astype(np.float32)

    @cached_property
    def _doc_freq(self) -> np.ndarray:
        """Passages each term occurs in."""
        return np.bincount(self.counts.indices, minlength=len(self.vocab))

    @cached_property
    def _idf(self) -> np.ndarray:
        doc_freq = self._doc_freq.astype(np.float64)
        passages = self.counts.rows
        return np.log(1 + (passages - doc_freq + 0.5) / (doc_freq + 0.5)).astype(np.float32)

    @cached_property
    def _term_ids(self) -> dict[str, int]:
        return {term: i for i, term in enumerate(self.vocab)}

    @cached_property
    def _postings(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Term-major copy (indptr, rows, counts) for questions over every trial; built on first use."""
        order = np.argsort(self.counts.indices, kind="stable")
        indptr = np.concatenate([[0], np.cumsum(self._doc_freq)])
        return indptr.astype(np.int64), _row_of_entry(self.counts.indptr)[order], self.counts.data[order]

    @cached_property
    def _sections(self) -> np.ndarray:
        return np.array([c.section for c in self.chunks])

    # ---- searching ------------------------------------------------------------------------------
    def query_terms(self, query: str) -> list[int]:
        """Term ids of the query's indexed words, repeats kept (a repeated word counts twice, as in bm25s)."""
        return [self._term_ids[t] for t in tokens(query) if t in self._term_ids]

    def search(
        self, query: str, k: int, trial_id: str | None, sections: Sequence[str] | None
    ) -> list[tuple[Chunk, float]]:
        terms = self.query_terms(query)
        if not terms:
            return []
        if trial_id is None:
            lo, scores = 0, self.scores(terms)
        elif trial_id in self._spans:
            lo, _ = self._spans[trial_id]
            scores = self.trial_scores(terms, trial_id)
        else:
            return []
        allowed = scores > 0
        if sections:
            allowed &= np.isin(self._sections[lo : lo + len(scores)], list(sections))
        candidates = np.flatnonzero(allowed)
        if len(candidates) > k:
            candidates = candidates[np.argpartition(-scores[candidates], k - 1)[:k]]
        ranked = sorted(candidates.tolist(), key=lambda r: (-float(scores[r]), r))
        return [(self.chunks[lo + r], float(scores[r])) for r in ranked[:k]]

    def trial_scores(self, terms: Sequence[int], trial_id: str) -> np.ndarray:
        """BM25 of one trial's passages (corpus-wide statistics); reads only that trial's rows, so its
        cost does not grow with the corpus."""
        lo, hi = self._spans[trial_id]
        start, end = int(self.counts.indptr[lo]), int(self.counts.indptr[hi])
        columns, counts = self.counts.indices[start:end], self.counts.data[start:end]
        rows = _row_of_entry(self.counts.indptr[lo : hi + 1] - start)
        scores = np.zeros(hi - lo, dtype=np.float32)
        for term in terms:
            hit = columns == term
            tf = counts[hit]
            np.add.at(scores, rows[hit], self._weight(term, tf, lo + rows[hit]))
        return scores

    def scores(self, terms: Sequence[int]) -> np.ndarray:
        """BM25 of every passage."""
        indptr, rows, counts = self._postings
        scores = np.zeros(self.counts.rows, dtype=np.float32)
        for term in terms:
            found, tf = rows[indptr[term] : indptr[term + 1]], counts[indptr[term] : indptr[term + 1]]
            scores[found] += self._weight(term, tf, found)
        return scores

    def _weight(self, term: int, tf: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """Lucene BM25 of one term in these passages, given its counts there."""
        return self._idf[term] * tf / (tf + self._length_norm[rows])

    # ---- on disk --------------------------------------------------------------------------------
    def save(self, folder: Path) -> None:
        """Written beside, then swapped in: a reader never sees half an index. Each writer has its own
        scratch folder, so app instances sharing a store folder cannot interleave their files."""
        tmp = folder.with_name(f"{folder.name}.tmp-{os.getpid()}-{threading.get_ident()}")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        np.savez(tmp / "counts.npz", data=self.counts.data, indices=self.counts.indices, indptr=self.counts.indptr)
        (tmp / "vocab.json").write_text(json.dumps(self.vocab))
        (tmp / "trials.json").write_text(json.dumps(self.trial_hashes))
        with (tmp / "chunks.jsonl").open("w", encoding="utf-8") as out:
            out.writelines(c.model_dump_json() + "\n" for c in self.chunks)
        (tmp / "fingerprint").write_text(self.fingerprint)
        (tmp / "format").write_text(FORMAT)
        shutil.rmtree(folder, ignore_errors=True)
        try:
            tmp.replace(folder)
        except OSError:  # another instance swapped its index in first; it serves as well as ours
            shutil.rmtree(tmp, ignore_errors=True)

    @classmethod
    def load(cls, folder: Path) -> LexicalIndex | None:
        if not folder.exists():
            return None
        try:
            if (folder / "format").read_text() != FORMAT:
                raise ValueError(f"{folder} holds another index format")
            with np.load(folder / "counts.npz") as arrays:
                counts = TermCounts(arrays["data"], arrays["indices"], arrays["indptr"])
            with (folder / "chunks.jsonl").open(encoding="utf-8") as lines:
                chunks = [chunk_with_shared_strings(json.loads(line)) for line in lines]
            index = cls(
                chunks,
                counts,
                json.loads((folder / "vocab.json").read_text()),
                json.loads((folder / "trials.json").read_text()),
                (folder / "fingerprint").read_text(),
            )
        except (OSError, ValueError, KeyError) as error:
            log.warning("rebuilding the BM25 index in %s: %s", folder, error)
            return None
        problem = index._inconsistency()
        if problem:
            log.warning("rebuilding the BM25 index in %s: %s", folder, problem)
            return None
        return index


def _row_of_entry(indptr: np.ndarray) -> np.ndarray:
    """For each stored count, the row (counted from the first row `indptr` covers) it belongs to."""
    return np.repeat(np.arange(len(indptr) - 1, dtype=np.int32), np.diff(indptr))


def _spans_of(chunks: Sequence[Chunk]) -> dict[str, tuple[int, int]]:
    """trial id -> [lo, hi) of its consecutive rows."""
    spans: dict[str, tuple[int, int]] = {}
    for row, chunk in enumerate(chunks):
        lo, _ = spans.get(chunk.trial_id, (row, row))
        spans[chunk.trial_id] = (lo, row + 1)
    return spans


def _term_counts(chunks: Iterable[Chunk], term_ids: dict[str, int]) -> Iterable[Counter[int]]:
    """Each passage's words as term-id counts; new words join `term_ids`."""
    for chunk in chunks:
        words = tokens(passage_text(chunk)) or [EMPTY_PASSAGE]
        yield Counter(term_ids.setdefault(word, len(term_ids)) for word in words)


def _drop_unused_terms(counts: TermCounts, vocab: list[str]) -> tuple[TermCounts, list[str]]:
    """Words no passage has any more (their trials were replaced or removed) leave the vocabulary."""
    used = np.bincount(counts.indices, minlength=len(vocab)) > 0
    if used.all():
        return counts, vocab
    new_id = np.cumsum(used, dtype=np.int32) - 1
    kept = [term for term, keep in zip(vocab, used, strict=True) if keep]
    return TermCounts(counts.data, new_id[counts.indices].astype(np.int32), counts.indptr), kept

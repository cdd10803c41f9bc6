"""BM25 over passages, kept as raw term counts so the index follows the catalog trial by trial.

bm25s stores scores with the corpus statistics baked in, so one new trial meant re-reading and
re-indexing every passage (73 s at 10,000 trials). Here each passage keeps its term counts; BM25
(the Lucene variant, bm25s's default, same numbers) is computed at query time from corpus-wide
document frequencies and lengths, so a sync reads and tokenizes only the trials that changed.

The passages themselves stay on disk, one JSON line each in trial order, and are read a trial at a
time: held as objects they took about 2 KB each, 7.9 GB of a query process at 100,000 trials.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import threading
import weakref
from array import array
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
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
FORMAT = "term-counts-3"  # 3: term ids and counts in .npy files read by memory map; corpus statistics saved
KEEP_TRIALS = 256  # trials whose parsed passages an index keeps (Settings.passage_cache_trials)
_SHOW_PROGRESS = 500  # changed trials; fewer take well under a second
_FETCH_TRIALS = 100  # changed trials read from the store at a time: a whole-store build never holds them all
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


class PassageFile:
    """An index's passages: JSON lines in trial order, a trial's lines read when it is asked about.
    Reads go through a descriptor opened with the index, so an index swapped in by another writer
    never mixes its file with this index's offsets."""

    def __init__(
        self, fd: int | None, trial_ids: list[str], row_bounds: np.ndarray, byte_bounds: np.ndarray, keep: int
    ) -> None:
        self.trial_ids = trial_ids
        self.row_bounds = row_bounds  # trial i's rows: [row_bounds[i], row_bounds[i + 1])
        self.byte_bounds = byte_bounds  # and its lines' bytes in the file
        self._position = {trial_id: i for i, trial_id in enumerate(trial_ids)}
        self._fd = fd
        self._keep = keep
        self._recent: OrderedDict[str, list[Chunk]] = OrderedDict()
        self._lock = threading.Lock()
        if fd is not None:
            weakref.finalize(self, os.close, fd)

    @classmethod
    def empty(cls) -> PassageFile:
        return cls(None, [], np.zeros(1, np.int64), np.zeros(1, np.int64), 0)

    def rows_of(self, trial_id: str) -> tuple[int, int] | None:
        i = self._position.get(trial_id)
        return None if i is None else (int(self.row_bounds[i]), int(self.row_bounds[i + 1]))

    def trial_at(self, row: int) -> str:
        return self.trial_ids[int(np.searchsorted(self.row_bounds, row, side="right")) - 1]

    def raw(self, trial_id: str) -> bytes:
        i = self._position[trial_id]
        lo, hi = int(self.byte_bounds[i]), int(self.byte_bounds[i + 1])
        assert self._fd is not None
        return os.pread(self._fd, hi - lo, lo)

    def chunks(self, trial_id: str) -> list[Chunk]:
        """The trial's passages in row order (none for a trial the index does not hold)."""
        with self._lock:
            if trial_id in self._recent:
                self._recent.move_to_end(trial_id)
                return self._recent[trial_id]
        if trial_id not in self._position:
            return []
        chunks = [chunk_with_shared_strings(json.loads(line)) for line in self.raw(trial_id).splitlines()]
        with self._lock:
            self._recent[trial_id] = chunks
            while len(self._recent) > self._keep:
                self._recent.popitem(last=False)
        return chunks

    def __iter__(self) -> Iterator[Chunk]:
        for trial_id in self.trial_ids:
            yield from self.chunks(trial_id)


@dataclass(frozen=True)
class CorpusStats:
    """What BM25 needs from the whole corpus: each passage's length (words) and each term's document frequency.
    Saved with the index, so a fresh process does not scan every count (2.7 s at 100,000 trials)."""

    lengths: np.ndarray  # float32, one per row
    doc_freq: np.ndarray  # int64, one per vocabulary term

    @classmethod
    def of(cls, counts: TermCounts, terms: int) -> CorpusStats:
        running = np.concatenate([[0.0], np.cumsum(counts.data, dtype=np.float64)])
        lengths = (running[counts.indptr[1:]] - running[counts.indptr[:-1]]).astype(np.float32)
        return cls(lengths, np.bincount(counts.indices, minlength=terms).astype(np.int64))


@dataclass
class LexicalIndex:
    """BM25 over the catalogued passages; `trial_hashes` says which version of each trial it holds
    (in row order), `section_codes` each row's section (an index into `sections`)."""

    counts: TermCounts
    vocab: list[str]
    trial_hashes: dict[str, str]
    fingerprint: str
    passages: PassageFile
    sections: list[str]
    section_codes: np.ndarray
    stats: CorpusStats

    @classmethod
    def empty(cls) -> LexicalIndex:
        counts = TermCounts.of([])
        return cls(counts, [], {}, "", PassageFile.empty(), [], np.zeros(0, np.int16), CorpusStats.of(counts, 0))

    # ---- following the catalog ------------------------------------------------------------------
    def synced(
        self, catalog: dict[str, str], fingerprint: str, fetch: ChunkSource, folder: Path, keep: int = KEEP_TRIALS
    ) -> LexicalIndex:
        """This index brought to `catalog` (trial id -> content hash) and saved in `folder`: trials whose
        version changed or that are new are read through `fetch`, a batch at a time, and counted; the
        rest keep their rows and lines as they are. Trials stay in id order, the order a build from
        scratch gives, so an index synced many times ranks exactly as a rebuilt one."""
        changed = sorted(t for t, h in catalog.items() if self.trial_hashes.get(t) != h)
        batches = iter([changed[i : i + _FETCH_TRIALS] for i in range(0, len(changed), _FETCH_TRIALS)])
        batch: set[str] = set()
        fetched: dict[str, list[Chunk]] = {}
        with _IndexWriter(folder, self) as writer:
            for trial_id in tqdm(
                sorted(catalog), desc="BM25 index", unit="trial", disable=len(changed) < _SHOW_PROGRESS
            ):
                if catalog[trial_id] == self.trial_hashes.get(trial_id):
                    writer.keep(trial_id)
                    continue
                if trial_id not in batch:
                    batch = set(next(batches))
                    fetched = _by_trial(fetch(sorted(batch)))
                writer.add(trial_id, catalog[trial_id], fetched.pop(trial_id, []))
            return writer.finish(fingerprint, keep)

    def _inconsistency(self, file_size: int) -> str | None:
        """What makes files that parsed still unusable together (a partial copy, a hand edit), if anything."""
        counts, passages = self.counts, self.passages
        if len(passages.row_bounds) != len(self.trial_hashes) + 1:
            return f"{len(self.trial_hashes)} trials listed, {len(passages.row_bounds) - 1} in the counts"
        if passages.row_bounds[-1] != counts.rows:
            return f"{counts.rows} rows of counts, {int(passages.row_bounds[-1])} passages listed"
        if len(passages.byte_bounds) != len(passages.row_bounds) or passages.byte_bounds[-1] != file_size:
            return f"the passage file has {file_size} bytes, the index expects {int(passages.byte_bounds[-1])}"
        if counts.indptr[0] != 0 or counts.indptr[-1] != len(counts.indices) or len(counts.data) != len(counts.indices):
            return "the term counts are cut short"
        # The saved statistics were counted over these term ids, so their sizes stand in for scanning every id
        # (which would read the whole memory-mapped array at every start).
        if len(self.stats.doc_freq) != len(self.vocab) or len(self.stats.lengths) != counts.rows:
            return "the corpus statistics do not match the vocabulary and the counts"
        if len(self.section_codes) != counts.rows or (counts.rows and self.section_codes.max() >= len(self.sections)):
            return "the passages' sections do not match"
        return None

    # ---- statistics -----------------------------------------------------------------------------
    @property
    def passage_count(self) -> int:
        return self.counts.rows

    def rows_of(self, trial_id: str) -> tuple[int, int] | None:
        """[lo, hi) of the trial's rows, if the index holds it."""
        return self.passages.rows_of(trial_id)

    def trial_chunks(self, trial_id: str) -> list[Chunk]:
        return self.passages.chunks(trial_id)

    @cached_property
    def _average_length(self) -> float:
        lengths = self.stats.lengths
        return float(lengths.mean(dtype=np.float64)) if len(lengths) else 1.0

    def _length_norm(self, rows: np.ndarray) -> np.ndarray:
        """k1 * (1 - b + b * length / average length) of these passages: computed for the rows a search touches,
        so a question about one trial does not build the array for all 3.8 million passages of 100,000 trials."""
        return (K1 * ((1 - B) + B * self.stats.lengths[rows] / self._average_length)).astype(np.float32)

    @property
    def _doc_freq(self) -> np.ndarray:
        """Passages each term occurs in."""
        return self.stats.doc_freq

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

    # ---- searching ------------------------------------------------------------------------------
    def query_terms(self, query: str) -> list[int]:
        """Term ids of the query's indexed words, repeats kept (a repeated word counts twice, as in bm25s)."""
        return [self._term_ids[t] for t in tokens(query) if t in self._term_ids]

    def search(
        self,
        query: str,
        k: int,
        trial_id: str | None,
        sections: Sequence[str] | None,
        related: str = "",
        related_weight: float = 0.0,
    ) -> list[tuple[Chunk, float]]:
        """BM25 of the query's words, plus `related` words (vocabulary expansions) counted at `related_weight`, so a
        rare word the asker used still outweighs the synonyms and broader names added for them."""
        own = self.query_terms(query)
        extra = [t for t in self.query_terms(related) if t not in own] if related_weight > 0 else []
        terms = own + extra
        weights = [1.0] * len(own) + [related_weight] * len(extra)
        rows = self.rows_of(trial_id) if trial_id is not None else (0, self.counts.rows)
        if not terms or rows is None:
            return []
        lo, hi = rows
        scores = self.scores(terms, weights) if trial_id is None else self.trial_scores(terms, trial_id, weights)
        allowed = scores > 0
        if sections:
            wanted = [i for i, name in enumerate(self.sections) if name in sections]
            allowed &= np.isin(self.section_codes[lo:hi], wanted)
        candidates = np.flatnonzero(allowed)
        if len(candidates) > k:
            candidates = candidates[np.argpartition(-scores[candidates], k - 1)[:k]]
        ranked = sorted(candidates.tolist(), key=lambda r: (-float(scores[r]), r))
        if trial_id is not None:
            held = self.trial_chunks(trial_id)
            return [(held[r], float(scores[r])) for r in ranked[:k]]
        return [(self._chunk_at(r), float(scores[r])) for r in ranked[:k]]

    def _chunk_at(self, row: int) -> Chunk:
        trial_id = self.passages.trial_at(row)
        lo, _ = self.passages.rows_of(trial_id) or (row, row)
        return self.trial_chunks(trial_id)[row - lo]

    def trial_scores(self, terms: Sequence[int], trial_id: str, weights: Sequence[float] = ()) -> np.ndarray:
        """BM25 of one trial's passages (corpus-wide statistics); reads only that trial's rows, so its
        cost does not grow with the corpus."""
        lo, hi = self.rows_of(trial_id) or (0, 0)
        start, end = int(self.counts.indptr[lo]), int(self.counts.indptr[hi])
        columns, counts = self.counts.indices[start:end], self.counts.data[start:end]
        rows = _row_of_entry(self.counts.indptr[lo : hi + 1] - start)
        scores = np.zeros(hi - lo, dtype=np.float32)
        for term, weight in zip(terms, weights or [1.0] * len(terms), strict=True):
            hit = columns == term
            tf = counts[hit]
            np.add.at(scores, rows[hit], weight * self._weight(term, tf, lo + rows[hit]))
        return scores

    def scores(self, terms: Sequence[int], weights: Sequence[float] = ()) -> np.ndarray:
        """BM25 of every passage (each term's contribution times its weight, 1 by default)."""
        indptr, rows, counts = self._postings
        scores = np.zeros(self.counts.rows, dtype=np.float32)
        for term, weight in zip(terms, weights or [1.0] * len(terms), strict=True):
            found, tf = rows[indptr[term] : indptr[term + 1]], counts[indptr[term] : indptr[term + 1]]
            scores[found] += weight * self._weight(term, tf, found)
        return scores

    def _weight(self, term: int, tf: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """Lucene BM25 of one term in these passages, given its counts there."""
        return self._idf[term] * tf / (tf + self._length_norm(rows))

    # ---- on disk --------------------------------------------------------------------------------
    @classmethod
    def load(cls, folder: Path, keep: int = KEEP_TRIALS) -> LexicalIndex | None:
        remove_stale_scratch(folder)
        if not folder.exists():
            return None
        fd: int | None = None
        try:
            if (folder / "format").read_text() != FORMAT:
                raise ValueError(f"{folder} holds another index format")
            fd = os.open(folder / "chunks.jsonl", os.O_RDONLY)  # first: the lines this index will read
            with np.load(folder / "counts.npz") as arrays:
                indptr, row_bounds, byte_bounds = arrays["indptr"], arrays["row_bounds"], arrays["byte_bounds"]
                codes, stats = arrays["section_codes"], CorpusStats(arrays["lengths"], arrays["doc_freq"])
            # Mapped, not read: a question about one trial touches only that trial's slice (hundreds of MB at
            # 100,000 trials). A writer swapping in a new index leaves these mapped files readable until closed.
            counts = TermCounts(
                np.load(folder / "data.npy", mmap_mode="r"), np.load(folder / "indices.npy", mmap_mode="r"), indptr
            )
            trial_hashes = json.loads((folder / "trials.json").read_text())
            passages = PassageFile(fd, list(trial_hashes), row_bounds, byte_bounds, keep)
            fd_owned, fd = fd, None  # the passage file closes it from here on
            index = cls(
                counts,
                json.loads((folder / "vocab.json").read_text()),
                trial_hashes,
                (folder / "fingerprint").read_text(),
                passages,
                json.loads((folder / "sections.json").read_text()),
                codes,
                stats,
            )
            problem = index._inconsistency(os.fstat(fd_owned).st_size)
        except (OSError, ValueError, KeyError) as error:
            problem = str(error)
        finally:
            if fd is not None:
                os.close(fd)
        if problem:
            log.warning("rebuilding the BM25 index in %s: %s", folder, problem)
            return None
        return index


def remove_stale_scratch(folder: Path) -> list[Path]:
    """Delete the scratch folders of writers that died mid-save (a kill during the BM25 save leaves
    "<folder>.tmp-<pid>-<thread>" behind); a live writer's scratch, named by a running pid, is left alone.
    Run when a process first loads the index, so leftovers do not pile up across restarts."""
    removed: list[Path] = []
    for scratch in folder.parent.glob(f"{folder.name}.tmp-*") if folder.parent.is_dir() else []:
        pid = scratch.name.removeprefix(f"{folder.name}.tmp-").split("-")[0]
        if pid.isdigit() and _running(int(pid)):
            continue
        shutil.rmtree(scratch, ignore_errors=True)
        removed.append(scratch)
    if removed:
        log.info("removed %d scratch folder(s) left by an interrupted BM25 save beside %s", len(removed), folder)
    return removed


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True  # this process's own writer may be saving in another thread
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # alive, owned by another user
    return True


class _IndexWriter:
    """Writes a synced index trial by trial into a scratch folder beside `folder`, then swaps it in: a
    reader never sees half an index, and each writer's scratch folder is its own, so app instances
    sharing a store folder cannot interleave their files."""

    def __init__(self, folder: Path, source: LexicalIndex) -> None:
        self.folder = folder
        self.source = source
        self.scratch = folder.with_name(f"{folder.name}.tmp-{os.getpid()}-{threading.get_ident()}")
        shutil.rmtree(self.scratch, ignore_errors=True)
        self.scratch.mkdir(parents=True)
        self.lines = (self.scratch / "chunks.jsonl").open("wb")
        self.term_ids = {term: i for i, term in enumerate(source.vocab)}
        self.section_ids = {name: i for i, name in enumerate(source.sections)}
        self.trial_hashes: dict[str, str] = {}
        self.parts: list[_Rows] = []
        self.row_bounds, self.byte_bounds = array("q", [0]), array("q", [0])

    def __enter__(self) -> _IndexWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.lines.close()
        shutil.rmtree(self.scratch, ignore_errors=True)  # already gone once swapped in

    def keep(self, trial_id: str) -> None:
        """Copy a trial the source index holds at the same version: its rows, and its lines unparsed."""
        source, counts = self.source, self.source.counts
        lo, hi = source.rows_of(trial_id) or (0, 0)
        start, end = int(counts.indptr[lo]), int(counts.indptr[hi])
        rows = _Rows(
            counts.data[start:end],
            counts.indices[start:end],
            np.diff(counts.indptr[lo : hi + 1]),
            source.section_codes[lo:hi],
        )
        self._append(trial_id, source.trial_hashes[trial_id], source.passages.raw(trial_id), rows)

    def add(self, trial_id: str, trial_hash: str, chunks: list[Chunk]) -> None:
        if not chunks:  # a catalogued trial without passages is not held; the next sync asks again
            return
        counts = TermCounts.of(_term_counts(chunks, self.term_ids))
        codes = np.array([self.section_ids.setdefault(c.section, len(self.section_ids)) for c in chunks], np.int16)
        lines = "".join(c.model_dump_json() + "\n" for c in chunks).encode()
        self._append(trial_id, trial_hash, lines, _Rows(counts.data, counts.indices, np.diff(counts.indptr), codes))

    def _append(self, trial_id: str, trial_hash: str, lines: bytes, rows: _Rows) -> None:
        self.lines.write(lines)
        self.byte_bounds.append(self.byte_bounds[-1] + len(lines))
        self.row_bounds.append(self.row_bounds[-1] + len(rows.lengths))
        self.trial_hashes[trial_id] = trial_hash
        self.parts.append(rows)

    def finish(self, fingerprint: str, keep: int) -> LexicalIndex:
        """Write the arrays and the small files, swap the folder in, and return the index it holds."""
        self.lines.close()
        rows = _Rows.joined(self.parts)
        self.parts.clear()
        indptr = np.concatenate([[0], np.cumsum(rows.lengths, dtype=np.int64)])
        counts = TermCounts(rows.data, rows.indices, indptr)
        counts, vocab, stats = _drop_unused_terms(
            counts, list(self.term_ids), CorpusStats.of(counts, len(self.term_ids))
        )
        row_bounds, byte_bounds = np.array(self.row_bounds, np.int64), np.array(self.byte_bounds, np.int64)
        np.save(self.scratch / "data.npy", counts.data)
        np.save(self.scratch / "indices.npy", counts.indices)
        np.savez(
            self.scratch / "counts.npz",
            indptr=counts.indptr,
            row_bounds=row_bounds,
            byte_bounds=byte_bounds,
            section_codes=rows.codes,
            lengths=stats.lengths,
            doc_freq=stats.doc_freq,
        )
        sections = list(self.section_ids)
        for name, value in (("vocab", vocab), ("trials", self.trial_hashes), ("sections", sections)):
            (self.scratch / f"{name}.json").write_text(json.dumps(value))
        (self.scratch / "fingerprint").write_text(fingerprint)
        (self.scratch / "format").write_text(FORMAT)
        passages = PassageFile(
            os.open(self.scratch / "chunks.jsonl", os.O_RDONLY), list(self.trial_hashes), row_bounds, byte_bounds, keep
        )
        shutil.rmtree(self.folder, ignore_errors=True)
        with contextlib.suppress(OSError):  # another instance swapped its index in first: it serves as well
            self.scratch.replace(self.folder)
        return LexicalIndex(counts, vocab, self.trial_hashes, fingerprint, passages, sections, rows.codes, stats)


@dataclass(frozen=True)
class _Rows:
    """Consecutive rows of an index being written: counts, term ids, terms per row, section codes."""

    data: np.ndarray
    indices: np.ndarray
    lengths: np.ndarray
    codes: np.ndarray

    @classmethod
    def joined(cls, parts: Sequence[_Rows]) -> _Rows:
        if not parts:
            empty = TermCounts.of([])
            return cls(empty.data, empty.indices, np.zeros(0, np.int64), np.zeros(0, np.int16))
        return cls(
            *(np.concatenate([getattr(p, name) for p in parts]) for name in ("data", "indices", "lengths", "codes"))
        )


def _row_of_entry(indptr: np.ndarray) -> np.ndarray:
    """For each stored count, the row (counted from the first row `indptr` covers) it belongs to."""
    return np.repeat(np.arange(len(indptr) - 1, dtype=np.int32), np.diff(indptr))


def _by_trial(chunks: Iterable[Chunk]) -> dict[str, list[Chunk]]:
    grouped: dict[str, list[Chunk]] = {}
    for chunk in chunks:
        grouped.setdefault(chunk.trial_id, []).append(chunk)
    return grouped


def _term_counts(chunks: Iterable[Chunk], term_ids: dict[str, int]) -> Iterable[Counter[int]]:
    """Each passage's words as term-id counts; new words join `term_ids`."""
    for chunk in chunks:
        words = tokens(passage_text(chunk)) or [EMPTY_PASSAGE]
        yield Counter(term_ids.setdefault(word, len(term_ids)) for word in words)


def _drop_unused_terms(
    counts: TermCounts, vocab: list[str], stats: CorpusStats
) -> tuple[TermCounts, list[str], CorpusStats]:
    """Words no passage has any more (their trials were replaced or removed) leave the vocabulary; the document
    frequencies already counted say which (one pass over the term ids, not two)."""
    used = stats.doc_freq > 0
    if used.all():
        return counts, vocab, stats
    new_id = np.cumsum(used, dtype=np.int32) - 1
    kept = [term for term, keep in zip(vocab, used, strict=True) if keep]
    remapped = TermCounts(counts.data, new_id[counts.indices].astype(np.int32), counts.indptr)
    return remapped, kept, CorpusStats(stats.lengths, stats.doc_freq[used])

"""The index: Chroma collections for chunks and for the trial catalog (embedded or a Chroma server).

Write order makes a trial's chunks all-or-nothing without transactions: new chunks (ids carry the
record's content hash) are written first, then the catalog entry that names that hash, then the old
version's chunks are deleted. Readers only trust chunks whose hash matches the catalog, so a crash at
any point leaves either the old version or the new one, never a mix; `repair` removes leftovers.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import sqlite3
import struct
import threading
import time
import uuid
import warnings
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import closing, suppress
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from assistant.embedding import EMBEDDING_MODEL_ID, PassageEmbedder, embedder_spec
from assistant.index_signature import (
    Signature,
    index_signature,
    index_version,
    mismatch_message,
    signature_digest,
)
from assistant.settings import Settings
from assistant.vector_cache import PassageVectorCache
from ingest.chunking import needs_meaning, trial_fingerprint
from ingest.records import Chunk, Outcome, Trial, chunk_with_shared_strings

if TYPE_CHECKING:  # chromadb (about 0.6 s to import) loads when a store is opened, not with this module
    from chromadb.api import ClientAPI
    from chromadb.api.models.Collection import Collection
    from chromadb.api.types import Documents, EmbeddingFunction
    from chromadb.config import Settings as ChromaSettings

log = logging.getLogger(__name__)
CATALOG_SUFFIX = "_catalog"
META_SUFFIX = "_meta"
LOOKUP_SUFFIX = "_lookup"  # passages without vectors (see ingest.chunking.needs_meaning)
_GENERATION = "generation"
_SIGNATURE = "signature"
_WRITE_BATCH = 2000
_TRIALS_PER_READ = 100  # trials per keyed read (about 4,000 chunks, read in pages)
_READ_PAGE = 1000  # larger pages left the process holding more memory (5000: +300 MB at 30k rows)
VECTOR_CACHE_FILE = "vector-cache.sqlite"
_OPEN_ATTEMPTS = 6  # about 10 s of waiting in all
# Chroma persists a collection's vector segment every `sync_threshold` writes; until then the writes wait in its log,
# and every process replays them into the segment at its first read of the collection. For the catalog, whose
# entries are whole trial records, Chroma's default of 1,000 left up to 999 to replay: 0.2-0.3 s of every fresh
# process's first question, at any store size. The catalog and the generation token persist every 100 writes.
_CATALOG_SYNC_THRESHOLD = 100
_OPEN_BACKOFF_S = 0.5
# `trialqa compact` (issue 19): Chroma's HNSW index marks a deleted vector and keeps its slot for good, so every
# re-ingest of a changed trial (new chunk ids added, the old ones deleted) grows data_level0.bin and link_lists.bin
# by the passages rewritten (bench/hnsw_growth.py: 937 passages, 12 delete + ingest cycles, 937 -> 11,244 slots).
# No HNSW setting Chroma 1.5 exposes reuses them; compaction copies the stored rows (vectors included, nothing
# re-embedded) into a new collection and swaps the names. While it is built it is named COMPACTING; between the two
# renames of the swap the old one is named RETIRED, so an open after a crash there can tell which state it is in.
COMPACTING_SUFFIX = "__compacting"
RETIRED_SUFFIX = "__retired"
# A healthy link_lists.bin holds only the upper layers' links (about 8 bytes a slot measured, 0.5% of
# data_level0.bin); one larger than data_level0.bin and past 1 MB is the runaway growth of issue 19.
_LINK_LISTS_FLOOR = 1024 * 1024
_warned_stores: set[str] = set()  # one warning per index and process (a web app opens its store more than once)


QUERY_VECTORS_KEPT = 64  # recent question embeddings kept in memory (1.5 kB each)


@cache
def embedding_function_class() -> type[EmbeddingFunction[Documents]]:
    """The offline MiniLM embedder as a Chroma embedding function, registered with Chroma, so a reopened collection
    (or the `chroma` CLI) finds it instead of falling back to Chroma's downloading default. Defined at the first
    store opened: subclassing Chroma's class needs chromadb imported."""
    from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
    from chromadb.utils.embedding_functions import register_embedding_function

    from assistant.minilm import MiniLMEncoder

    @register_embedding_function
    class TrialQAEmbeddingFunction(EmbeddingFunction[Documents]):
        def __init__(self, batch_size: int = 64) -> None:
            self._batch_size = batch_size
            self._model: MiniLMEncoder | None = None

        def __call__(self, input: Documents) -> Embeddings:
            if self._model is None:
                self._model = MiniLMEncoder(batch_size=self._batch_size)
            return list(self._model.embed_array(list(input)))

        @staticmethod
        def name() -> str:
            return "trialqa-minilm-int8"

        def get_config(self) -> dict[str, Any]:
            return {"batch_size": self._batch_size, "model": EMBEDDING_MODEL_ID}

        @staticmethod
        def build_from_config(config: dict[str, Any]) -> TrialQAEmbeddingFunction:
            return TrialQAEmbeddingFunction(batch_size=int(config.get("batch_size", 64)))

        def default_space(self) -> str:  # type: ignore[override]
            return "cosine"

    return TrialQAEmbeddingFunction


@dataclass(frozen=True)
class HnswFiles:
    """A local collection's HNSW index files, as their header and sizes tell."""

    folder: Path
    elements: int  # slots used: live vectors and deleted ones (hnswlib marks a deleted vector, it keeps its slot)
    capacity: int  # slots allocated
    link_lists_bytes: int  # apparent size of link_lists.bin (a sparse file can take less disk)
    level0_bytes: int  # data_level0.bin: every slot's vector and its base-layer links


_HNSW_HEADER = struct.Struct("<iQQQQQQiIQQQdQ")  # hnswlib's header.bin as Chroma writes it (version first)


def hnsw_files(collection: Collection, store_dir: Path) -> HnswFiles | None:
    """The HNSW files of a collection of the embedded store in `store_dir`; None when there are none yet (no
    vector was ever persisted) or the store is a Chroma server. Reads Chroma's segment table (SQLite, read-only)
    and a 100-byte header: cheap enough for every open."""
    folder = _vector_folder(store_dir, str(collection.id))
    if folder is None or not (folder / "header.bin").exists():
        return None
    header = (folder / "header.bin").read_bytes()[: _HNSW_HEADER.size]
    if len(header) < _HNSW_HEADER.size:
        return None
    fields = _HNSW_HEADER.unpack(header)
    links, level0 = folder / "link_lists.bin", folder / "data_level0.bin"
    return HnswFiles(
        folder=folder,
        elements=int(fields[3]),
        capacity=int(fields[2]),
        link_lists_bytes=links.stat().st_size if links.exists() else 0,
        level0_bytes=level0.stat().st_size if level0.exists() else 0,
    )


def _vector_folder(store_dir: Path, collection_id: str) -> Path | None:
    """The folder of a collection's vector segment in an embedded store, from Chroma's segment table."""
    database = store_dir / "chroma.sqlite3"
    if not database.exists():
        return None
    with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=5)) as connection:
        row = connection.execute(
            "SELECT id FROM segments WHERE collection = ? AND scope = 'VECTOR'", (collection_id,)
        ).fetchone()
    return store_dir / str(row[0]) if row else None


def _drop_collection(client: ClientAPI, name: str, store_dir: Path | None) -> None:
    """Delete a collection and, in an embedded store, its vector segment's folder: Chroma 1.5 deletes the rows but
    leaves the HNSW files on disk (measured), and those files are what compaction is there to give back."""
    collection = client.get_collection(name, embedding_function=None)
    folder = _vector_folder(store_dir, str(collection.id)) if store_dir else None
    client.delete_collection(name)
    if folder is not None and folder.is_dir():
        shutil.rmtree(folder, ignore_errors=True)


@dataclass(frozen=True)
class TrialSummary:
    trial_id: str
    title: str
    record_date: str | None
    record_version: str | None
    chunk_count: int
    source_path: str


def make_client(settings: Settings) -> ClientAPI:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if settings.store.chroma_host:
        return chromadb.HttpClient(
            host=settings.store.chroma_host, port=settings.store.chroma_port, settings=chroma_settings
        )
    settings.store.dir.mkdir(parents=True, exist_ok=True)
    return _persistent_client(str(settings.store.dir), chroma_settings)


def _persistent_client(path: str, chroma_settings: ChromaSettings) -> ClientAPI:
    """The embedded client, retried while another process holds SQLite's lock or is creating the same new database
    (an app reading the store while an ingest creates it): Chroma raises "database is locked", or "table ... already
    exists" when both ran its migrations at once, and keeps the failed instance for the path, which every later
    client in this process would reuse, so it is dropped before each retry."""
    import chromadb
    from chromadb.api.shared_system_client import SharedSystemClient
    from chromadb.errors import InternalError

    for attempt in range(_OPEN_ATTEMPTS):
        try:
            return chromadb.PersistentClient(path=path, settings=chroma_settings)
        except InternalError as error:
            racing = "locked" in str(error) or "already exists" in str(error)
            if not racing or attempt == _OPEN_ATTEMPTS - 1:
                raise
            SharedSystemClient._identifier_to_system.pop(path, None)
            SharedSystemClient._identifier_to_refcount.pop(path, None)
            log.warning("%s is being opened by another process (%s); retrying", path, error)
            time.sleep(_OPEN_BACKOFF_S * (attempt + 1))
    raise AssertionError("unreachable")


def chunk_metadata(chunk: Chunk, trial_hash: str) -> dict[str, str | int]:
    return {
        "trial_id": chunk.trial_id,
        "section": chunk.section,
        "kind": chunk.kind,
        "criterion": chunk.criterion or "",
        "fact": chunk.fact or "",
        "start": chunk.start,
        "end": chunk.end,
        "title": chunk.title,
        "record_date": chunk.record_date or "",
        "heading": chunk.heading or "",
        "trial_hash": trial_hash,
        "passage_hash": passage_hash(chunk),
    }


def chunk_from_record(chunk_id: str, text: str, meta: dict[str, Any]) -> Chunk:
    return chunk_with_shared_strings(
        {
            "chunk_id": chunk_id,
            "trial_id": str(meta["trial_id"]),
            "section": str(meta["section"]),
            "kind": str(meta["kind"]),
            "text": text,
            "start": int(meta["start"]),
            "end": int(meta["end"]),
            "criterion": str(meta["criterion"]) or None,
            "fact": str(meta["fact"]) or None,
            "title": str(meta.get("title", "")),
            "record_date": str(meta.get("record_date", "")) or None,
            "heading": str(meta.get("heading", "")) or None,
        }
    )


def _pages(collection: Collection, include: list[str], where: Any = None) -> Iterator[dict[str, list[Any]]]:
    """Every row (matching `where`), in pages: one unpaged get of ~30k rows exceeds SQLite's variable
    limit, and a page at a time keeps a whole-store read from holding every raw row at once."""
    offset = 0
    while True:
        got: Any = collection.get(where=where, include=include, limit=_READ_PAGE, offset=offset)  # type: ignore[arg-type]
        yield {"ids": got["ids"], **{field: got[field] if got[field] is not None else [] for field in include}}
        if len(got["ids"]) < _READ_PAGE:
            return
        offset += _READ_PAGE


def _get_all(collection: Collection, include: list[str]) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {"ids": [], **{field: [] for field in include}}
    for page in _pages(collection, include):
        for field, values in page.items():
            out[field].extend(values)
    return out


def _of_trials(trial_ids: Sequence[str]) -> Any:
    """A Chroma filter for chunks of these trials (`$in` needs two or more values)."""
    return {"trial_id": trial_ids[0]} if len(trial_ids) == 1 else {"trial_id": {"$in": list(trial_ids)}}


def _metadatas(got: Any) -> list[dict[str, Any]]:
    """Chroma's metadata rows as plain dicts (its types are wider than what this store writes)."""
    return [dict(m) for m in (got["metadatas"] or [])]


def _catalog_metadata(trial: Trial, chunks: Sequence[Chunk], trial_hash: str, signature: str) -> dict[str, str | int]:
    return {
        "trial_hash": trial_hash,
        "signature": signature,  # the index signature this version was built under (its digest)
        "title": trial.title,
        "record_date": trial.record_date or "",
        "record_version": trial.record_version or "",
        "chunk_count": len(chunks),
        "source_path": trial.source_path,
    }


def passage_hash(chunk: Chunk) -> str:
    return hashlib.sha1(passage_text(chunk).encode()).hexdigest()[:16]


class TrialStore:
    """Chunks, their vectors and the catalog of trials; embedded PersistentClient or a Chroma server."""

    def __init__(
        self,
        settings: Settings,
        embeddings: PassageEmbedder | None = None,
        *,
        warm: bool = False,
        bloat_warning: bool = True,
    ) -> None:
        """`warm`: a question will be embedded soon, so the embedder loads in a second thread while Chroma is imported
        and opened (a fresh process's first answer waits for both). `bloat_warning`: say when the passages' vector
        index needs `trialqa compact` (that command itself does not need telling)."""
        self.settings = settings
        # An unknown embedder name fails here, before any collection is created or written.
        self.embedder = embedder_spec(settings.embedding.model)
        self._embeddings = embeddings
        self._model_lock = threading.Lock()
        if warm and embeddings is None:
            threading.Thread(target=self._warm_embedder, name="trialqa-warm-embedder").start()
        self.signature = index_signature(settings)
        self.signature_digest = signature_digest(self.signature)
        self.client = make_client(settings)
        # (one listing of the collections serves both: it is start-up work every process pays)
        existing = {collection.name for collection in self.client.list_collections()}
        store_dir = None if settings.store.chroma_host else settings.store.dir
        for name in (settings.store.collection, settings.store.collection + LOOKUP_SUFFIX):
            _finish_interrupted_swap(self.client, name, store_dir, existing)  # each swap touches only its own names
        self.chunks: Collection = self.client.get_or_create_collection(
            settings.store.collection,
            embedding_function=embedding_function_class()(settings.embedding.batch_size),  # type: ignore[arg-type]
            configuration={"hnsw": {"space": "cosine"}},
        )
        # Passages found by lookup, not by meaning, when they are not embedded: the same rows and metadata as chunks,
        # with a constant one-number vector (Chroma stores a vector per row; no search ever reads it).
        self.lookup: Collection = self.client.get_or_create_collection(
            settings.store.collection + LOOKUP_SUFFIX, embedding_function=None, configuration={"hnsw": {"space": "l2"}}
        )
        self.catalog: Collection = self.client.get_or_create_collection(
            settings.store.collection + CATALOG_SUFFIX,
            embedding_function=None,
            configuration={"hnsw": {"space": "l2", "sync_threshold": _CATALOG_SYNC_THRESHOLD}},
        )
        # One record whose token changes with every catalog change, so readers (possibly other app
        # instances sharing a Chroma server) can tell cheaply whether their cached view is current.
        self.meta: Collection = self.client.get_or_create_collection(
            settings.store.collection + META_SUFFIX,
            embedding_function=None,
            configuration={"hnsw": {"space": "l2", "sync_threshold": _CATALOG_SYNC_THRESHOLD}},
        )
        self._hashes: tuple[str, dict[str, str]] | None = None
        self._signature_problem: tuple[str, str | None] | None = None  # (generation, problem) last checked
        self._vector_cache: OrderedDict[tuple[str, str], TrialVectors] = OrderedDict()
        self._cache_lock = threading.Lock()
        # A question asked of every listed trial (questions across trials) is embedded once, not once per trial.
        self._query_vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._passage_cache: PassageVectorCache | None = None
        self._catalog_log_bounded = False
        if bloat_warning:
            self._warn_if_bloated()

    def embedded(self, chunk: Chunk) -> bool:
        """Whether this store gives the passage a vector (the rest sit in the lookup collection)."""
        return self.settings.embedding.embed_lookup_passages or needs_meaning(chunk)

    @property
    def _chunk_collections(self) -> tuple[Collection, Collection]:
        return self.chunks, self.lookup

    def _warm_embedder(self) -> None:
        """Load the embedder ahead of its first use; a failure is left to that use to report (one clear error)."""
        try:
            self.embeddings  # noqa: B018 - loading it is the point
        except Exception:  # reported by the first real use, in the caller's thread
            return

    @property
    def embeddings(self) -> PassageEmbedder:
        with self._model_lock:
            if self._embeddings is None:
                self._embeddings = self.embedder.make(self.settings)
        return self._embeddings

    # ---- index upkeep (issue 19) -------------------------------------------------------------------
    def index_bloat(self) -> str | None:
        """Why the passages' HNSW files are larger than the passages need, with the command that fixes it; None
        when they are not (or the index is a Chroma server's). Reads a file header and Chroma's row count, not
        the index: a store whose runaway link_lists.bin would crash Chroma's loading of it is still told."""
        if self.settings.store.chroma_host:
            return None
        files = hnsw_files(self.chunks, self.settings.store.dir)
        if files is None:
            return None
        fix = f"run `trialqa --store {self.settings.store.dir} compact` to rebuild it from the stored vectors"
        if files.link_lists_bytes > max(files.level0_bytes, _LINK_LISTS_FLOOR):
            return (
                f"the passage index in {self.settings.store.dir} has a {_mb(files.link_lists_bytes)} link_lists.bin, "
                f"larger than its vectors ({_mb(files.level0_bytes)}) ({files.folder}); {fix}"
            )
        limit = self.settings.store.hnsw_slots_per_passage_warning
        passages = self.chunks.count()
        if limit and files.elements > limit * max(passages, 1):
            return (
                f"the passage index in {self.settings.store.dir} holds {files.elements:,} vector slots for "
                f"{passages:,} passages ({_mb(files.level0_bytes + files.link_lists_bytes)}; deleted passages keep "
                f"their slots); {fix}"
            )
        return None

    def _warn_if_bloated(self) -> None:
        """One warning line per index and process, before anything reads the passages' vectors."""
        key = str(self.settings.store.dir.resolve())
        if self.settings.store.chroma_host or key in _warned_stores:
            return
        problem = self.index_bloat()
        if problem:
            _warned_stores.add(key)
            log.warning("%s", problem)

    def compact(self, show_progress: bool = True) -> list[tuple[str, int, int]]:
        """Rebuild the chunk collections' vector indexes from their stored rows (ids, documents, metadata and
        vectors copied as they are; nothing re-embedded), all or nothing: each is built under a temporary name,
        then swapped in. Returns (collection, HNSW slots before, rows) per collection; slots are 0 for a Chroma
        server, whose files are not ours to read. Nothing else may write the index meanwhile: an ingest or
        delete that does (the generation token changes) makes it stop before the swap, the index unchanged."""
        generation = self.generation()
        store_dir = None if self.settings.store.chroma_host else self.settings.store.dir
        done: list[tuple[str, int, int]] = []
        for attribute, embedding_function in (
            ("chunks", embedding_function_class()(self.settings.embedding.batch_size)),
            ("lookup", None),
        ):
            old: Collection = getattr(self, attribute)
            name = old.name
            files = hnsw_files(old, store_dir) if store_dir else None
            new = _rebuilt(self.client, old, embedding_function, store_dir, show_progress)
            if self.generation() != generation:
                _drop_collection(self.client, new.name, store_dir)
                raise RuntimeError("the index changed while it was compacted (an ingest or delete ran); run it again")
            _swap(self.client, old, new, store_dir)
            setattr(self, attribute, new)
            # A rebuilt index holds one slot per row (Chroma writes its files out at its sync threshold).
            done.append((name, files.elements if files else 0, new.count()))
        return done

    # ---- catalog -------------------------------------------------------------------------------
    def generation(self) -> str:
        got = self.meta.get(ids=[_GENERATION], include=["documents"])
        documents = got["documents"] or []
        return documents[0] if documents else "empty"

    def _bound_catalog_log(self) -> None:
        """Before this process first writes the catalog or the generation token: a store created with Chroma's
        default sync threshold gets the catalog's (`_CATALOG_SYNC_THRESHOLD`), so its queued log shrinks at the
        next writes. Only writers do it; a reader never writes."""
        if self._catalog_log_bounded:
            return
        for collection in (self.catalog, self.meta):
            hnsw = (collection.configuration_json or {}).get("hnsw") or {}
            if int(hnsw.get("sync_threshold") or 0) > _CATALOG_SYNC_THRESHOLD:
                with warnings.catch_warnings():  # "legacy": these collections have no embedding function
                    warnings.filterwarnings("ignore", "legacy embedding function config", DeprecationWarning)
                    collection.modify(configuration={"hnsw": {"sync_threshold": _CATALOG_SYNC_THRESHOLD}})
        self._catalog_log_bounded = True

    def _bump_generation(self) -> None:
        self._bound_catalog_log()
        token = uuid.uuid4().hex
        self.meta.upsert(ids=[_GENERATION], documents=[token], embeddings=np.ones((1, 1), dtype=np.float32))

    # ---- index signature ---------------------------------------------------------------------------
    def version_of(self, trial: Trial) -> str:
        """The trial's version under this store's settings: its catalog hash, and what its chunk ids derive from."""
        return index_version(trial_fingerprint(trial), self.signature_digest)

    def stored_signature(self) -> Signature | None:
        """The signature the whole index was last completed under; None for an index that never recorded one."""
        got = self.meta.get(ids=[_SIGNATURE], include=["documents"])
        documents = got["documents"] or []
        return json.loads(documents[0]) if documents else None

    def record_signature(self) -> None:
        """Called once every catalogued trial is built under this store's settings."""
        document = json.dumps(self.signature, sort_keys=True)
        self._bound_catalog_log()
        self.meta.upsert(ids=[_SIGNATURE], documents=[document], embeddings=np.ones((1, 1), dtype=np.float32))
        self._bump_generation()

    def outdated_trials(self) -> list[str]:
        """Catalogued trials built under another signature (or before signatures were recorded)."""
        got = _get_all(self.catalog, ["metadatas"])
        return sorted(
            tid
            for tid, m in zip(got["ids"], _metadatas(got), strict=True)
            if m.get("signature") != self.signature_digest
        )

    def signature_problem(self) -> str | None:
        """Why this index cannot be asked with these settings, or None. A question costs one keyed read of the
        generation token; the signature is read again only when it changed (recording a signature bumps it)."""
        generation = self.generation()
        checked = self._signature_problem
        if checked is None or checked[0] != generation:
            stored = self.stored_signature()
            problem = None if stored is None or stored == self.signature else mismatch_message(stored, self.signature)
            checked = self._signature_problem = (generation, problem)
        return checked[1]

    def trial_hashes(self) -> dict[str, str]:
        """trial id -> content hash of the catalogued version; cached until the catalog changes."""
        return self.catalog_view()[1]

    def catalog_view(self) -> tuple[str, dict[str, str]]:
        """The catalog generation and the trial hashes that belong to it, read as one."""
        generation = self.generation()
        current = self._hashes
        if current is None or current[0] != generation:
            got = _get_all(self.catalog, ["metadatas"])
            hashes = {tid: str(meta["trial_hash"]) for tid, meta in zip(got["ids"], _metadatas(got), strict=True)}
            current = self._hashes = (generation, hashes)
        return current

    def list_trials(self) -> list[TrialSummary]:
        got = _get_all(self.catalog, ["metadatas"])
        rows = [
            TrialSummary(
                trial_id=tid,
                title=str(m["title"]),
                record_date=str(m["record_date"]) or None,
                record_version=str(m["record_version"]) or None,
                chunk_count=int(m["chunk_count"]),
                source_path=str(m["source_path"]),
            )
            for tid, m in zip(got["ids"], _metadatas(got), strict=True)
        ]
        return sorted(rows, key=lambda r: r.trial_id)

    def get_trial(self, trial_id: str) -> Trial | None:
        got = self.catalog.get(ids=[trial_id], include=["documents"])
        documents = got["documents"] or []
        return Trial.model_validate_json(documents[0]) if documents else None

    def stored_chunk_ids(self, trial_id: str) -> set[str]:
        """Ids of every stored chunk of the trial, of any version, embedded or not."""
        where = _of_trials([trial_id])
        return {cid for collection in self._chunk_collections for cid in collection.get(where=where, include=[])["ids"]}

    def count_chunks(self) -> int:
        return sum(collection.count() for collection in self._chunk_collections)

    # ---- writing -------------------------------------------------------------------------------
    def upsert(self, trial: Trial, chunks: Sequence[Chunk]) -> Outcome:
        return self.upsert_many([(trial, chunks)])[0]

    def upsert_many(self, items: Sequence[tuple[Trial, Sequence[Chunk]]]) -> list[Outcome]:
        """Write several trials; their new passages are embedded together (fewer, fuller batches)."""
        new_hashes = [self.version_of(trial) for trial, _ in items]
        got = self.catalog.get(ids=[trial.trial_id for trial, _ in items], include=["metadatas"])
        old_hashes = {tid: str(m["trial_hash"]) for tid, m in zip(got["ids"], _metadatas(got), strict=True)}
        changed = [
            (trial, chunks, new_hash)
            for (trial, chunks), new_hash in zip(items, new_hashes, strict=True)
            if old_hashes.get(trial.trial_id) != new_hash
        ]
        if changed:
            chunks = [c for _, trial_chunks, _ in changed for c in trial_chunks if self.embedded(c)]
            replaced = [trial.trial_id for trial, _, _ in changed if trial.trial_id in old_hashes]
            self._commit(changed, self.embed_chunks(chunks, replaced))
        return [
            Outcome.UNCHANGED
            if old_hashes.get(trial.trial_id) == new_hash
            else Outcome.REPLACED
            if trial.trial_id in old_hashes
            else Outcome.ADDED
            for (trial, _), new_hash in zip(items, new_hashes, strict=True)
        ]

    def _commit(self, changed: Sequence[tuple[Trial, Sequence[Chunk], str]], vectors: dict[str, Any]) -> None:
        """Chunks first, then the catalog entries that make them visible, then the old versions' removal.
        A trial is visible only once its catalog entry names its hash, and every chunk of every trial in
        the group is written before any entry, so each trial stays all-or-nothing with one call per step."""
        self._write_chunks([(c, new_hash) for _, chunks, new_hash in changed for c in chunks], vectors)
        self._write_catalog(changed)
        self._bump_generation()
        self._delete_other_versions(changed)

    def _write_catalog(self, changed: Sequence[tuple[Trial, Sequence[Chunk], str]]) -> None:
        """The catalog entries that make these (trial, chunks, content hash) versions visible."""
        self._bound_catalog_log()
        self.catalog.upsert(
            ids=[trial.trial_id for trial, _, _ in changed],
            documents=[trial.model_dump_json() for trial, _, _ in changed],
            embeddings=np.ones((len(changed), 1), dtype=np.float32),
            metadatas=[
                _catalog_metadata(trial, chunks, new_hash, self.signature_digest) for trial, chunks, new_hash in changed
            ],
        )

    def _delete_other_versions(self, changed: Sequence[tuple[Trial, Sequence[Chunk], str]]) -> None:
        """Remove every chunk of these trials that is not in their new version (the replaced version, or
        leftovers of an interrupted ingest). Found by the indexed trial id and deleted by id: a `$ne`
        filter on the hash made Chroma scan every chunk's hash, a cost that grew with the collection."""
        where = _of_trials([trial.trial_id for trial, _, _ in changed])
        current = {c.chunk_id for _, chunks, _ in changed for c in chunks}
        for collection in self._chunk_collections:
            stale = [cid for cid in collection.get(where=where, include=[])["ids"] if cid not in current]
            for begin in range(0, len(stale), _WRITE_BATCH):
                collection.delete(ids=stale[begin : begin + _WRITE_BATCH])

    def embed_chunks(self, chunks: Sequence[Chunk], stored_trials: Sequence[str] = ()) -> dict[str, Any]:
        """Vectors by passage hash: from the stored version of `stored_trials` (catalogued trials being
        replaced; a new trial has none, so it costs no Chroma read) or the cross-trial cache where the
        passage was embedded before, else embedded now (and cached)."""
        wanted = {passage_hash(c): c for c in chunks}
        reused = self._existing_vectors(stored_trials)
        cache = self._cross_trial_cache()
        if cache is not None:
            reused |= cache.get_many(h for h in wanted if h not in reused)
        missing = {h: passage_text(c) for h, c in wanted.items() if h not in reused}
        fresh = dict(zip(missing, self.embeddings.embed_array(list(missing.values())), strict=True))
        if cache is not None:
            cache.put_many(fresh)
        return fresh | reused

    def _cross_trial_cache(self) -> PassageVectorCache | None:
        if not self.settings.embedding.vector_cache:
            return None
        with self._model_lock:
            if self._passage_cache is None:
                model = f"{self.embedder.name}-{self.settings.embedding.max_tokens}"
                path = self.settings.store.dir / VECTOR_CACHE_FILE
                self._passage_cache = PassageVectorCache(path, model, self.embedder.dim)
        return self._passage_cache

    def _write_chunks(self, rows: Sequence[tuple[Chunk, str]], vectors: dict[str, Any] | None = None) -> None:
        """Upsert (chunk, trial hash) rows, in Chroma-sized batches: embedded passages with their vectors, the
        others into the lookup collection."""
        dense = [(c, h) for c, h in rows if self.embedded(c)]
        vectors = vectors if vectors is not None else self.embed_chunks([c for c, _ in dense])
        for begin in range(0, len(dense), _WRITE_BATCH):
            batch = dense[begin : begin + _WRITE_BATCH]
            self.chunks.upsert(
                ids=[c.chunk_id for c, _ in batch],
                documents=[c.text for c, _ in batch],
                embeddings=np.array([vectors[passage_hash(c)] for c, _ in batch], dtype=np.float32),
                metadatas=[chunk_metadata(c, trial_hash) for c, trial_hash in batch],
            )
        looked_up = [(c, h) for c, h in rows if not self.embedded(c)]
        for begin in range(0, len(looked_up), _WRITE_BATCH):
            batch = looked_up[begin : begin + _WRITE_BATCH]
            self.lookup.upsert(
                ids=[c.chunk_id for c, _ in batch],
                documents=[c.text for c, _ in batch],
                embeddings=np.ones((len(batch), 1), dtype=np.float32),
                metadatas=[chunk_metadata(c, trial_hash) for c, trial_hash in batch],
            )

    def _existing_vectors(self, trial_ids: Iterable[str]) -> dict[str, Any]:
        """Vectors already stored for these trials: an edited record re-embeds only what changed."""
        ids = sorted(trial_ids)
        if not ids:
            return {}
        got = self.chunks.get(where=_of_trials(ids), include=["metadatas", "embeddings"])
        embeddings = got["embeddings"] if got["embeddings"] is not None else []
        return {str(m["passage_hash"]): e for m, e in zip(_metadatas(got), embeddings, strict=True)}

    def delete_trial(self, trial_id: str) -> None:
        self._bound_catalog_log()
        self.catalog.delete(ids=[trial_id])
        self._bump_generation()
        for collection in self._chunk_collections:
            collection.delete(where={"trial_id": trial_id})

    def repair(self) -> int:
        """Delete chunks no catalog entry vouches for (left by an interrupted ingest); returns how many."""
        valid = self.trial_hashes()
        removed = 0
        for collection in self._chunk_collections:
            got = _get_all(collection, ["metadatas"])
            stale = [
                cid
                for cid, m in zip(got["ids"], _metadatas(got), strict=True)
                if valid.get(str(m["trial_id"])) != m["trial_hash"]
            ]
            for begin in range(0, len(stale), _WRITE_BATCH):
                collection.delete(ids=stale[begin : begin + _WRITE_BATCH])
            removed += len(stale)
        return removed

    # ---- reading -------------------------------------------------------------------------------
    def valid_chunks(self) -> list[Chunk]:
        """All chunks of the catalogued version of every trial, in a stable order."""
        return self.catalogued_chunks(list(self.trial_hashes()))

    def catalogued_chunks(self, trial_ids: Sequence[str]) -> list[Chunk]:
        """The chunks of these trials' catalogued versions, ordered by (trial, start, chunk id). Read by
        the indexed trial id, a batch of trials at a time: paging the whole collection by offset made
        each page cost more than the last (24 ms -> 167 ms per 1,000 rows at 376,000 chunks)."""
        valid = self.trial_hashes()
        wanted = sorted(set(trial_ids))
        chunks: list[Chunk] = []
        for begin in range(0, len(wanted), _TRIALS_PER_READ):
            where = _of_trials(wanted[begin : begin + _TRIALS_PER_READ])
            chunks += [
                chunk_from_record(cid, doc, m)
                for collection in self._chunk_collections
                for page in _pages(collection, ["documents", "metadatas"], where)
                for cid, doc, m in zip(page["ids"], page["documents"], _metadatas(page), strict=True)
                if valid.get(str(m["trial_id"])) == m["trial_hash"]
            ]
        return sorted(chunks, key=lambda c: (c.trial_id, c.start, c.chunk_id))

    def dense_search(
        self,
        query: str,
        k: int,
        trial_id: str | None,
        sections: Sequence[str] | None,
        valid: dict[str, str],
        trial_chunks: Sequence[Chunk] = (),
    ) -> list[tuple[Chunk, float]]:
        """Cosine top-k. Within one trial: exact, over its vectors (a few dozen), because a
        metadata-filtered HNSW query costs time that grows with the whole collection. `trial_chunks`
        (the catalogued version's chunks, when the caller holds them) lets the vectors come from the
        passage-vector cache instead of a Chroma read."""
        if not valid:
            return []
        if trial_id is None:
            return self._dense_search_all(self._query_vector(query), k, sections, valid)
        trial_hash = valid.get(trial_id)
        if trial_hash is None:
            return []
        vector = self._query_vector(query)
        found = self._trial_vectors(trial_id, trial_hash, trial_chunks)
        keep = [i for i, c in enumerate(found.chunks) if not sections or c.section in sections]
        if not keep:
            return []
        scores = found.matrix[keep] @ vector
        ranked = sorted(range(len(keep)), key=lambda j: (-float(scores[j]), found.chunks[keep[j]].chunk_id))
        return [(found.chunks[keep[j]], float(scores[j])) for j in ranked[:k]]

    def _query_vector(self, query: str) -> np.ndarray:
        """The query's embedding; the last QUERY_VECTORS_KEPT are kept (the same text always embeds the same)."""
        with self._cache_lock:
            kept = self._query_vectors.get(query)
            if kept is not None:
                self._query_vectors.move_to_end(query)
                return kept
        vector = self.embeddings.embed_array([query])[0]
        with self._cache_lock:
            self._query_vectors[query] = vector
            while len(self._query_vectors) > QUERY_VECTORS_KEPT:
                self._query_vectors.popitem(last=False)
        return vector

    def _trial_vectors(self, trial_id: str, trial_hash: str, trial_chunks: Sequence[Chunk]) -> TrialVectors:
        key = (trial_id, trial_hash)
        with self._cache_lock:
            cached = self._vector_cache.get(key)
            if cached is not None:
                self._vector_cache.move_to_end(key)
                return cached
        found = self._cached_trial_vectors(trial_chunks) or self._stored_trial_vectors(trial_id, trial_hash)
        with self._cache_lock:
            self._vector_cache[key] = found
            while len(self._vector_cache) > self.settings.retrieval.dense_cache_trials:
                self._vector_cache.popitem(last=False)
        return found

    def _cached_trial_vectors(self, trial_chunks: Sequence[Chunk]) -> TrialVectors | None:
        """The trial's vectors from the passage-vector cache (a keyed SQLite read whose cost does not grow
        with the collection); None unless every passage is there."""
        dense = [c for c in trial_chunks if self.embedded(c)]
        cache = self._cross_trial_cache() if dense else None
        if cache is None:
            return None
        hashes = [passage_hash(c) for c in dense]
        vectors = cache.get_many(hashes)
        if len(vectors) < len(set(hashes)):
            return None
        return TrialVectors(chunks=dense, matrix=np.stack([vectors[h] for h in hashes]))

    def _stored_trial_vectors(self, trial_id: str, trial_hash: str) -> TrialVectors:
        where: Any = {"$and": [{"trial_id": trial_id}, {"trial_hash": trial_hash}]}
        got = self.chunks.get(where=where, include=["documents", "metadatas", "embeddings"])
        chunks = [
            chunk_from_record(cid, doc, m)
            for cid, doc, m in zip(got["ids"], got["documents"] or [], _metadatas(got), strict=True)
        ]
        dim = self.embedder.dim
        embeddings = got["embeddings"] if got["embeddings"] is not None else np.zeros((0, dim))
        return TrialVectors(chunks=chunks, matrix=np.asarray(embeddings, dtype=np.float32).reshape(-1, dim))

    def _dense_search_all(
        self, vector: np.ndarray, k: int, sections: Sequence[str] | None, valid: dict[str, str]
    ) -> list[tuple[Chunk, float]]:
        where: Any = {"section": {"$in": list(sections)}} if sections else None
        got = self.chunks.query(
            query_embeddings=[vector.tolist()],
            n_results=k,
            where=where,
            include=["documents", "metadatas", "distances"],
        )
        hits: list[tuple[Chunk, float]] = []
        for cid, doc, meta, dist in zip(
            got["ids"][0],
            (got["documents"] or [[]])[0],
            (got["metadatas"] or [[]])[0],
            (got["distances"] or [[]])[0],
            strict=True,
        ):
            if valid.get(str(meta["trial_id"])) == meta["trial_hash"]:
                hits.append((chunk_from_record(cid, doc, dict(meta)), 1.0 - float(dist)))
        return hits


def _mb(size: int) -> str:
    return f"{size / 1e6:,.1f} MB"


def _rebuilt(
    client: ClientAPI,
    old: Collection,
    embedding_function: EmbeddingFunction[Documents] | None,
    store_dir: Path | None,
    show_progress: bool,
) -> Collection:
    """A new collection, named `old.name + COMPACTING_SUFFIX`, holding every row of `old` as stored, with its
    HNSW configuration and metadata. A leftover of an interrupted compaction is dropped first (the original,
    still under its name, is whole)."""
    from chromadb.errors import NotFoundError
    from tqdm import tqdm

    name = old.name + COMPACTING_SUFFIX
    with suppress(NotFoundError):
        _drop_collection(client, name, store_dir)
    hnsw = (old.configuration_json or {}).get("hnsw") or {}
    kept = ("space", "ef_construction", "max_neighbors", "ef_search", "num_threads", "batch_size", "sync_threshold")
    configuration: Any = {"hnsw": {key: hnsw[key] for key in (*kept, "resize_factor") if hnsw.get(key) is not None}}
    new = client.create_collection(
        name,
        metadata=old.metadata or None,
        embedding_function=embedding_function,  # type: ignore[arg-type]
        configuration=configuration,
    )
    total = old.count()
    with tqdm(total=total, unit="passage", desc=f"compact {old.name}", disable=not show_progress) as bar:
        for page in _pages(old, ["documents", "metadatas", "embeddings"]):
            if page["ids"]:
                new.add(
                    ids=page["ids"],
                    documents=page["documents"],
                    metadatas=page["metadatas"],
                    embeddings=np.asarray(page["embeddings"], dtype=np.float32),
                )
            bar.update(len(page["ids"]))
    if new.count() != total:  # nothing is swapped in that is not whole
        _drop_collection(client, name, store_dir)
        raise RuntimeError(f"compacting {old.name} copied {new.count()} of {total} rows; the index is unchanged")
    return new


def _swap(client: ClientAPI, old: Collection, new: Collection, store_dir: Path | None) -> None:
    """Give `new` the name of `old` and drop `old`: two renames (each one SQLite transaction in Chroma) and a
    delete. A crash between any two steps leaves a state `_finish_interrupted_swap` completes at the next open."""
    name = old.name
    _rename(old, name + RETIRED_SUFFIX)
    _rename(new, name)
    _drop_collection(client, name + RETIRED_SUFFIX, store_dir)


def _rename(collection: Collection, name: str) -> None:
    with warnings.catch_warnings():  # "legacy": the lookup collection has no embedding function
        warnings.filterwarnings("ignore", "legacy embedding function config", DeprecationWarning)
        collection.modify(name=name)


def _finish_interrupted_swap(client: ClientAPI, name: str, store_dir: Path | None, names: set[str]) -> None:
    """Complete a compaction's swap a crash interrupted, before the collection `name` is opened (or created):
    with the old collection RETIRED and nothing under `name`, the crash fell between the renames and the old one,
    whole, gets its name back; with both, the new one had taken the name and the old one is dropped. A collection
    still being built (COMPACTING) is left alone: another process may be building it; the next compaction drops it.
    `names`: the store's collections, as listed when it opened."""
    from chromadb.errors import NotFoundError

    retired = name + RETIRED_SUFFIX
    if retired not in names:
        return
    try:
        if name in names:
            _drop_collection(client, retired, store_dir)
            log.warning("finished an interrupted compaction of %s (dropped its old copy)", name)
        else:
            _rename(client.get_collection(retired, embedding_function=None), name)
            log.warning("undid an interrupted compaction of %s (the index is as before it)", name)
    except NotFoundError:  # the compacting process finished the step itself meanwhile
        pass


@dataclass(frozen=True)
class TrialVectors:
    """One catalogued trial version's chunks and their unit vectors, row for row."""

    chunks: list[Chunk]
    matrix: np.ndarray


def passage_text(chunk: Chunk) -> str:
    """What gets embedded and indexed: the passage with its section (and criterion or fact) as context."""
    label = chunk.section
    if chunk.criterion:
        label += f" {chunk.criterion}"
    elif chunk.fact and not chunk.fact.startswith("site-"):
        label += f" {chunk.fact.replace('_', ' ')}"
    return f"{label}: {chunk.text}"

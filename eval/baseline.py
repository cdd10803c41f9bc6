"""The naive baseline: LangChain's RecursiveCharacterTextSplitter over each whole record, Chroma
similarity top-k with the same embedding model, and the same answerer. It shows what section-aware
chunking, criterion metadata and hybrid retrieval buy."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path

import chromadb
from chromadb.config import Settings as ChromaSettings
from langchain_chroma import Chroma
from langchain_core.documents import Document
from langchain_text_splitters import RecursiveCharacterTextSplitter

from assistant.offline_models import MiniLMEmbeddings, seed_tiktoken_cache
from assistant.records import ScoredChunk
from assistant.retrieval import QueryExpander
from assistant.settings import Settings
from ingest.records import Chunk, Trial

NAIVE_SECTION = "Record text"


class NaiveRetriever:
    """Fixed-size chunks of the whole record text; no sections, no criterion numbers, dense only."""

    def __init__(self, settings: Settings, trials: Sequence[Trial], folder: Path | None = None) -> None:
        self.settings = settings
        self.expander = QueryExpander([])  # the naive pipeline has no synonym expansion
        self._folder = folder or Path(tempfile.mkdtemp(prefix="trialqa-naive-"))
        client = chromadb.PersistentClient(path=str(self._folder), settings=ChromaSettings(anonymized_telemetry=False))
        seed_tiktoken_cache()
        splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=100, add_start_index=True)
        documents = splitter.create_documents(
            [t.source_text for t in trials], metadatas=[{"trial_id": t.trial_id, "title": t.title} for t in trials]
        )
        for i, document in enumerate(documents):
            document.metadata["chunk_id"] = f"naive-{i}"
        embeddings = MiniLMEmbeddings(
            batch_size=settings.embedding.batch_size,
            max_tokens=settings.embedding.max_tokens,
            batch_tokens=settings.embedding.batch_tokens,
        )
        self.store = Chroma.from_documents(
            documents,
            embedding=embeddings,
            client=client,
            collection_name="naive",
            ids=[f"naive-{i}" for i in range(len(documents))],
        )

    def search(
        self, query: str, trial_id: str | None = None, sections: Sequence[str] | None = None, k: int | None = None
    ) -> list[ScoredChunk]:
        hits = self.store.similarity_search_with_score(
            query, k=k or self.settings.retrieval.top_k, filter={"trial_id": trial_id} if trial_id else None
        )
        return [
            ScoredChunk(chunk=_chunk(doc), score=1.0 - float(distance), dense_rank=i)
            for i, (doc, distance) in enumerate(hits, 1)
        ]

    def lookup(self, trial_id: str, *, facts: Sequence[str] = (), kind: str | None = None) -> list[ScoredChunk]:
        return []  # naive chunks carry no fact or site metadata


def _chunk(document: Document) -> Chunk:
    start = int(document.metadata.get("start_index", 0))
    return Chunk(
        chunk_id=str(document.metadata["chunk_id"]),
        trial_id=str(document.metadata["trial_id"]),
        section=NAIVE_SECTION,
        kind="text",
        text=document.page_content,
        start=start,
        end=start + len(document.page_content),
        title=str(document.metadata.get("title", "")),
    )

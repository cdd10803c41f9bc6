"""The hybrid retriever as a LangChain `BaseRetriever`, for chains built with LangChain.

A module of its own so that langchain-core's retriever, callback and tracer modules (about 0.4 s of imports) load
only when a LangChain retriever is asked for (`HybridRetriever.as_langchain()`), not for every question.
"""

from __future__ import annotations

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from assistant.retrieval import HybridRetriever


class LangChainRetriever(BaseRetriever):
    """BM25 + dense retrieval with RRF (`HybridRetriever.search`), inside one trial when `trial_id` is set; each
    passage a `Document` with its chunk's fields and its fused score as metadata."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    hybrid: HybridRetriever
    trial_id: str | None = None

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        return [
            Document(page_content=s.chunk.text, metadata={**s.chunk.model_dump(exclude={"text"}), "score": s.score})
            for s in self.hybrid.search(query, trial_id=self.trial_id)
        ]

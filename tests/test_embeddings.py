"""The offline embedder: batching passages by padded word pieces changes speed, never a vector."""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pytest

from assistant.embedding import embedder_spec
from assistant.minilm import MiniLMEncoder
from assistant.offline_models import MiniLMEmbeddings
from assistant.settings import Settings
from assistant.store import passage_text
from ingest.chunking import chunk_trial
from ingest.loaders import load_file
from tests.conftest import SEED


def test_a_passage_gets_the_same_vector_alone_or_in_any_batch() -> None:
    texts = [passage_text(c) for c in chunk_trial(load_file(SEED)[0])]  # one-word facts to 128-piece criteria
    model = MiniLMEmbeddings()
    alone = np.array([model.embed_array([text])[0] for text in texts])

    batched = model.embed_array(texts)
    one_batch = MiniLMEmbeddings(batch_size=1000, batch_tokens=1_000_000).embed_array(texts)

    np.testing.assert_allclose(batched, alone, atol=1e-5)
    np.testing.assert_allclose(one_batch, alone, atol=1e-5)
    np.testing.assert_allclose(np.linalg.norm(batched, axis=1), 1.0, atol=1e-5)
    assert len({round(float(v), 4) for v in batched[:, 0]}) > len(texts) // 2  # distinct passages, distinct vectors


def test_batches_group_similar_lengths_within_the_word_piece_budget() -> None:
    model = MiniLMEmbeddings(batch_size=8, batch_tokens=64)
    lengths = np.array([5, 40, 3, 128, 20, 7, 7, 7, 7, 7, 7, 7, 7, 7, 33, 2])

    batches = list(model._batches(lengths))

    assert sorted(np.concatenate(batches).tolist()) == list(range(len(lengths)))  # every passage, once
    assert all(len(b) <= 8 and (len(b) == 1 or len(b) * lengths[b].max() <= 64) for b in batches)
    assert all(lengths[a].max() <= lengths[b].min() for a, b in pairwise(batches))
    assert [len(b) for b in batches] == [8, 4, 1, 1, 1, 1]  # short ones share, up to 8; 2 x 33 pieces is over 64


def test_the_embedder_threads_sleep_when_idle_unless_the_setting_lets_them_spin(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def spinning_of(settings: Settings) -> str:
        model = embedder_spec(settings.embedding.model).make(settings)
        assert isinstance(model, MiniLMEncoder)
        return model._session.get_session_options().get_session_config_entry("session.intra_op.allow_spinning")

    assert spinning_of(Settings()) == "0"  # spinning threads fought the web app for the cores during an ingest
    monkeypatch.setenv("TRIALQA_EMBEDDING_THREAD_SPINNING", "true")
    assert spinning_of(Settings()) == "1"


def test_the_langchain_embedder_is_the_encoder_the_store_uses() -> None:
    from langchain_core.embeddings import Embeddings

    texts = ["Is ILD exclusionary?", "Exclusion Criteria 7: current interstitial lung disease"]
    langchain = MiniLMEmbeddings()
    assert isinstance(langchain, Embeddings) and isinstance(langchain, MiniLMEncoder)
    expected = MiniLMEncoder().embed_array(texts)
    np.testing.assert_allclose(np.array(langchain.embed_documents(texts)), expected, atol=1e-6)
    np.testing.assert_allclose(np.array(langchain.embed_query(texts[0])), expected[0], atol=1e-6)

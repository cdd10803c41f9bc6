"""The fast tier's fake embedder is deterministic and keeps the one property ranking tests rely on: a
near-identical text lies closer than an unrelated one. And a store built with it answers from its own trials."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np

from assistant.service import TrialQA
from tests.conftest import ROOT, THREE_TRIAL_IDS
from tests.fakes import HashingEmbeddings

ILD = "History of steroid-requiring (non-infectious) interstitial lung disease (ILD), or current ILD."
ILD_EDITED = "History of steroid-requiring (non-infectious) interstitial lung disease (ILD) or current ILD"
UNRELATED = "Participants will receive 200 mg of the study drug by mouth every three weeks at the Chengdu site."


def test_same_text_same_vector_alone_in_a_batch_and_in_another_process() -> None:
    texts = [ILD, UNRELATED, "", "x"]
    together = HashingEmbeddings().embed_array(texts)
    alone = np.stack([HashingEmbeddings().embed_array([text])[0] for text in texts])
    np.testing.assert_array_equal(together, alone)
    # Python's own hash() is salted per process; the fake must not be.
    code = (
        "import json; from tests.fakes import HashingEmbeddings as H; "
        f"print(json.dumps(H().embed_array([{ILD!r}])[0].tolist()))"
    )
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    np.testing.assert_allclose(np.array(json.loads(other.stdout)), together[0], atol=1e-7)


def test_rows_are_unit_length_and_near_identical_texts_are_closer_than_unrelated_ones() -> None:
    ild, edited, unrelated, empty = HashingEmbeddings().embed_array([ILD, ILD_EDITED, UNRELATED, ""])
    np.testing.assert_allclose([np.linalg.norm(v) for v in (ild, edited, unrelated)], 1.0, atol=1e-6)
    assert not empty.any()
    assert float(ild @ edited) > 0.9
    assert float(ild @ unrelated) < 0.3
    assert float(ild @ edited) > float(ild @ unrelated) + 0.5


def test_the_three_trial_store_answers_the_demo_question(small_qa: TrialQA) -> None:
    assert [row.trial_id for row in small_qa.trials()] == THREE_TRIAL_IDS
    answer = small_qa.ask("Is ILD exclusionary?", trial_id="NCT06839066")
    assert answer.verdict is not None and answer.verdict.value == "excluded"
    assert [(c.section, c.criterion) for c in answer.citations] == [("Exclusion Criteria", "7")]


def test_a_question_asked_of_many_trials_is_embedded_once(small_store: Path) -> None:
    """Questions across trials search each listed trial with the same text: one embedding serves them all."""
    from tests.conftest import fake_settings

    qa = TrialQA(fake_settings(small_store))
    embedded: list[list[str]] = []
    real = qa.store.embeddings.embed_array

    def counting(texts: list[str]) -> np.ndarray:
        embedded.append(list(texts))
        return real(texts)

    qa.store.embeddings.embed_array = counting  # type: ignore[method-assign]
    trials = [t.trial_id for t in qa.trials()]
    first = [qa.retriever.search("Is hepatitis B exclusionary?", trial_id=t) for t in trials]
    again = [qa.retriever.search("Is hepatitis B exclusionary?", trial_id=t) for t in trials]
    assert len(embedded) == 1, embedded
    assert [[s.chunk.chunk_id for s in r] for r in first] == [[s.chunk.chunk_id for s in r] for r in again]

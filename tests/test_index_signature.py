"""Issue 16: the index records the settings that built it. After a change of chunking or embedding settings,
asking says to re-ingest, and `trialqa ingest` rebuilds every stored trial (even ones not among its inputs),
each replaced whole, recording the new signature only when none is left under the old one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from assistant.cli import main
from assistant.index_signature import IndexSettingsChanged
from assistant.service import TrialQA
from assistant.store import TrialStore
from ingest import pipeline
from ingest.chunking import CHUNKER_VERSION
from ingest.records import Chunk, Trial
from tests.conftest import SEED, THREE_TRIAL_IDS, THREE_TRIALS, fake_settings
from tests.fakes import FAKE_EMBEDDER

SEED_ID = "NCT06839066"


def catalog_chunk_counts(store: TrialStore) -> dict[str, int]:
    return {row.trial_id: row.chunk_count for row in store.list_trials()}


def assert_consistent(store: TrialStore) -> None:
    """Every stored chunk belongs to its trial's catalogued version: nothing half-written, nothing left over."""
    assert store.repair() == 0
    assert store.count_chunks() == sum(catalog_chunk_counts(store).values())


def test_a_new_index_records_its_signature(small_qa: TrialQA) -> None:
    assert small_qa.store.stored_signature() == {
        "embedding_model": FAKE_EMBEDDER,
        "embed_max_tokens": 128,
        "embed_lookup_passages": False,
        "chunk_tokens": 256,
        "chunk_overlap_tokens": 32,
        "chunker_version": CHUNKER_VERSION,
    }
    assert small_qa.store.outdated_trials() == [] and small_qa.store.signature_problem() is None


def test_changed_chunk_size_is_refused_at_ask_then_ingest_rebuilds_every_trial(
    small_store_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = TrialQA(fake_settings(small_store_copy))
    chunks_256 = before.store.count_chunks()

    smaller = TrialQA(fake_settings(small_store_copy, ingest={"chunk_tokens": 128}))
    with pytest.raises(IndexSettingsChanged, match=r"\(chunk_tokens 256, now 128\); run `trialqa ingest` to rebuild"):
        smaller.ask("Is ILD exclusionary?", trial_id=SEED_ID)

    report = smaller.ingest([SEED], show_progress=False)  # one input; the other two are rebuilt from the store

    assert report.replaced == [SEED_ID] and sorted(report.rebuilt) == THREE_TRIAL_IDS[:2] and not report.errors
    assert "2 stored trials rebuilt for new index settings" in report.summary()
    signature = smaller.store.stored_signature()
    assert signature is not None and signature["chunk_tokens"] == 128
    assert smaller.store.count_chunks() > chunks_256  # smaller text chunks: more of them
    assert_consistent(smaller.store)
    assert smaller.ask("Is ILD exclusionary?", trial_id=SEED_ID).citations[0].criterion == "7"
    # Now the 256-token settings are the mismatched ones, and the CLI says so on one line.
    code = main(["--store", str(small_store_copy), "ask", "Is ILD exclusionary?", "--trial", SEED_ID])
    assert code == 2 and capsys.readouterr().err.startswith("error: the index was built with other settings (chunk_")

    again = smaller.ingest([], show_progress=False)
    assert again.rebuilt == [] and again.chunks_written == 0


def test_changed_embedding_window_rebuilds_with_the_same_chunk_text(small_store_copy: Path) -> None:
    before = TrialQA(fake_settings(small_store_copy))
    texts = sorted(c.text for c in before.store.valid_chunks())
    old_ids = set(before.store.chunks.get(include=[])["ids"])

    wider = TrialQA(fake_settings(small_store_copy, embedding={"max_tokens": 256}))
    report = wider.ingest([], show_progress=False)

    assert sorted(report.rebuilt) == THREE_TRIAL_IDS
    assert sorted(c.text for c in wider.store.valid_chunks()) == texts
    # New versions are written beside the old ones (new ids), never over the rows readers still trust.
    assert not old_ids & set(wider.store.chunks.get(include=[])["ids"])
    assert_consistent(wider.store)


def test_a_trial_that_fails_to_rebuild_keeps_its_old_version_and_the_old_signature_stays(
    small_store_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = TrialQA(fake_settings(small_store_copy))
    old_seed = before.store.trial_hashes()[SEED_ID]
    real_chunk_trial = pipeline.chunk_trial

    def failing_for_seed(trial: Trial, *args: Any, **kwargs: Any) -> list[Chunk]:
        if trial.trial_id == SEED_ID:
            raise RuntimeError("chunker bug")
        return real_chunk_trial(trial, *args, **kwargs)

    monkeypatch.setattr(pipeline, "chunk_trial", failing_for_seed)
    smaller = TrialQA(fake_settings(small_store_copy, ingest={"chunk_tokens": 128}))
    report = smaller.ingest([], show_progress=False)

    assert sorted(report.rebuilt) == THREE_TRIAL_IDS[:2]
    assert len(report.errors) == 1 and "NCT06839066 cannot be chunked (RuntimeError: chunker bug)" in report.errors[0]
    assert smaller.store.trial_hashes()[SEED_ID] == old_seed and smaller.store.outdated_trials() == [SEED_ID]
    assert smaller.store.signature_problem() is not None  # still the old signature: asking still says re-ingest
    assert_consistent(smaller.store)

    monkeypatch.setattr(pipeline, "chunk_trial", real_chunk_trial)
    finished = smaller.ingest([], show_progress=False)
    assert finished.rebuilt == [SEED_ID] and smaller.store.signature_problem() is None


def test_an_index_without_a_recorded_signature_is_not_refused_and_the_next_ingest_records_it(tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    qa = TrialQA(fake_settings(store_dir))
    qa.ingest(list(THREE_TRIALS), show_progress=False)
    qa.store.meta.delete(ids=["signature"])  # as an interrupted first ingest, or one from before signatures
    assert qa.store.signature_problem() is None  # unknown settings: asking is not refused

    report = TrialQA(fake_settings(store_dir)).ingest([], show_progress=False)
    assert report.rebuilt == [] and qa.store.stored_signature() is not None

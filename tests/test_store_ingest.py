"""Ingest into a real persistent Chroma store: idempotence, replacement, bad files, leftovers."""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import assistant.store as store_module
from assistant.lexical import LexicalIndex
from assistant.offline_models import MiniLMEmbeddings
from assistant.service import TrialQA
from assistant.settings import Settings
from assistant.store import VECTOR_CACHE_FILE, TrialStore, passage_hash, passage_text
from assistant.text import tokens
from ingest.chunking import LOOKUP_SECTIONS, chunk_trial, needs_meaning
from ingest.loaders import load_file
from ingest.records import Chunk
from tests.conftest import CTGOV, SEED

SEED_ID = "NCT06839066"


def fresh(tmp_path: Path) -> TrialQA:
    return TrialQA(Settings.at(tmp_path / "store"))


def chunk_texts(store: TrialStore, trial_id: str) -> list[str]:
    return [c.text for c in store.catalogued_chunks([trial_id])]


def test_reingest_of_unchanged_trial_adds_nothing(tmp_path: Path) -> None:
    qa = fresh(tmp_path)
    first = qa.ingest([SEED, CTGOV / "NCT00195091.json"], show_progress=False)
    count = qa.store.count_chunks()
    second = qa.ingest([SEED, CTGOV / "NCT00195091.json"], show_progress=False)

    assert sorted(first.added) == ["NCT00195091", SEED_ID]
    assert sorted(second.unchanged) == ["NCT00195091", SEED_ID]
    assert second.chunks_written == 0 and not second.added and not second.replaced
    assert qa.store.count_chunks() == count


def test_changed_trial_replaces_its_old_chunks(tmp_path: Path) -> None:
    qa = fresh(tmp_path)
    qa.ingest([SEED], show_progress=False)
    old_text = "Active tuberculosis."
    assert old_text in chunk_texts(qa.store, SEED_ID)
    # Asked once before the edit, so the old version's vectors sit in the search cache.
    assert qa.ask("Is tuberculosis exclusionary?", trial_id=SEED_ID).citations[0].quote == old_text

    edited = tmp_path / "edited.txt"
    edited.write_text(SEED.read_text(encoding="utf-8").replace(old_text, "Active or latent tuberculosis."))
    report = qa.ingest([edited], show_progress=False)

    texts = chunk_texts(qa.store, SEED_ID)
    assert report.replaced == [SEED_ID]
    assert old_text not in texts and "Active or latent tuberculosis." in texts
    assert len(texts) == len(set(texts)) or len(texts) == len(chunk_trial(load_file(edited)[0]))
    answer = qa.ask("Is tuberculosis exclusionary?", trial_id=SEED_ID)
    assert answer.citations[0].quote == "Active or latent tuberculosis."


def test_bad_files_are_reported_and_the_rest_ingested(tmp_path: Path) -> None:
    qa = fresh(tmp_path)
    qa.ingest([SEED], show_progress=False)
    before = qa.store.count_chunks()

    batch = tmp_path / "batch"
    batch.mkdir()
    shutil.copy(CTGOV / "NCT00195091.json", batch / "good.json")
    (batch / "truncated.json").write_text(json.dumps({"protocolSection": {"identificationModule": {}}})[:25])
    (batch / "binary.json").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe")
    (batch / "wrong-shape.json").write_text(json.dumps({"hello": "world"}))
    report = qa.ingest([batch], show_progress=False)

    assert report.added == ["NCT00195091"]
    assert len(report.errors) == 3
    for name in ("truncated.json", "binary.json", "wrong-shape.json"):
        line = next(e for e in report.errors if name in e)
        assert "\n" not in line
    assert qa.store.count_chunks() > before
    assert {t.trial_id for t in qa.trials()} == {SEED_ID, "NCT00195091"}
    assert qa.ask("Is ILD exclusionary?", trial_id=SEED_ID).citations[0].criterion == "7"


def test_chunks_no_catalog_entry_vouches_for_are_invisible_and_repaired(tmp_path: Path) -> None:
    qa = fresh(tmp_path)
    qa.ingest([SEED], show_progress=False)
    trial = load_file(SEED)[0]
    good = len(qa.store.valid_chunks())
    # What an ingest killed between writing chunks and the catalog leaves behind.
    leftovers = [c.model_copy(update={"chunk_id": c.chunk_id + "-orphan"}) for c in chunk_trial(trial)[:5]]
    qa.store._write_chunks([(c, "interrupted") for c in leftovers])

    assert len(qa.store.valid_chunks()) == good
    assert qa.store.repair() == 5
    assert qa.store.count_chunks() == good


def test_replacing_a_trial_removes_its_old_version_and_leftovers_but_no_other_trial(tmp_path: Path) -> None:
    qa = fresh(tmp_path)
    other = CTGOV / "NCT00195091.json"
    qa.ingest([SEED, other], show_progress=False)
    other_ids = qa.store.stored_chunk_ids("NCT00195091")
    leftovers = [c.model_copy(update={"chunk_id": c.chunk_id + "-orphan"}) for c in chunk_trial(load_file(SEED)[0])[:3]]
    qa.store._write_chunks([(c, "interrupted") for c in leftovers])

    edited = tmp_path / "edited.txt"
    edited.write_text(SEED.read_text(encoding="utf-8").replace("Active tuberculosis.", "Active or latent TB."))
    qa.ingest([edited], show_progress=False)

    stored = qa.store.stored_chunk_ids(SEED_ID)
    new_version = load_file(edited)[0]
    # Chunk ids derive from the trial's index version (its content under the store's chunking settings).
    assert stored == {c.chunk_id for c in chunk_trial(new_version, version=qa.store.version_of(new_version))}
    assert qa.store.stored_chunk_ids("NCT00195091") == other_ids
    assert qa.store.repair() == 0


def test_reopened_store_answers_without_reingest(tmp_path: Path) -> None:
    fresh(tmp_path).ingest([SEED], show_progress=False)
    reopened = fresh(tmp_path)
    assert [t.trial_id for t in reopened.trials()] == [SEED_ID]
    assert reopened.ask("Is ILD exclusionary?", trial_id=SEED_ID).citations[0].criterion == "7"


def test_whole_store_reads_are_paged_and_complete(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # An unpaged get of ~30k rows fails in SQLite ("too many SQL variables"); pages of 7 rows and reads
    # of one trial at a time exercise the same stitching on a small store, including a last page that is
    # exactly full.
    qa = fresh(tmp_path)
    qa.ingest([SEED, CTGOV / "NCT00195091.json"], show_progress=False)
    unpaged = sorted(qa.store.valid_chunks(), key=lambda c: c.chunk_id)
    total = qa.store.count_chunks()
    for page, trials_per_read in ((7, 1), (total, 2), (total + 1, 3)):
        monkeypatch.setattr(store_module, "_READ_PAGE", page)
        monkeypatch.setattr(store_module, "_TRIALS_PER_READ", trials_per_read)
        paged = sorted(qa.store.valid_chunks(), key=lambda c: c.chunk_id)
        assert [c.chunk_id for c in paged] == [c.chunk_id for c in unpaged]
        assert paged == unpaged
        assert qa.store.repair() == 0


def test_search_inside_one_trial_matches_chromas_filtered_query(tmp_path: Path) -> None:
    qa = fresh(tmp_path)
    qa.ingest([SEED, *sorted(CTGOV.glob("*.json"))[:5]], show_progress=False)
    valid = qa.store.trial_hashes()
    for question in ("Is ILD exclusionary?", "Is there a site in Chengdu?", "How often is the drug given?"):
        vector = qa.store.embeddings.embed_array([question])[0].tolist()
        got = qa.store.chunks.query(query_embeddings=[vector], n_results=10, where={"trial_id": SEED_ID})
        ours = qa.store.dense_search(question, 10, SEED_ID, None, valid)
        assert [chunk.chunk_id for chunk, _ in ours] == got["ids"][0]
        assert all(chunk.trial_id == SEED_ID for chunk, _ in ours)
        assert [round(1 - score, 4) for _, score in ours] == [round(d, 4) for d in (got["distances"] or [[]])[0]]
    sectioned = qa.store.dense_search("Is ILD exclusionary?", 5, SEED_ID, ["Exclusion Criteria"], valid)
    assert sectioned and {chunk.section for chunk, _ in sectioned} == {"Exclusion Criteria"}


class CountingEmbeddings(MiniLMEmbeddings):
    """The real model, recording every passage it is asked to embed."""

    def __init__(self) -> None:
        super().__init__()
        self.embedded: list[str] = []

    def embed_array(self, texts: list[str]) -> np.ndarray:
        self.embedded.extend(texts)
        return super().embed_array(texts)


def sibling_trial(tmp_path: Path, new_id: str, old_text: str, new_text: str) -> Path:
    """A second record sharing most of its text with NCT00195091, one criterion reworded."""
    source = (CTGOV / "NCT00195091.json").read_text(encoding="utf-8")
    assert old_text in source
    target = tmp_path / f"{new_id}.json"
    target.write_text(source.replace("NCT00195091", new_id).replace(old_text, new_text), encoding="utf-8")
    return target


def stored_vectors(store: TrialStore, trial_id: str) -> dict[str, np.ndarray]:
    got = store.chunks.get(where={"trial_id": trial_id}, include=["metadatas", "embeddings"])
    embeddings = got["embeddings"] if got["embeddings"] is not None else []
    return {str(m["passage_hash"]): np.asarray(e) for m, e in zip(got["metadatas"] or [], embeddings, strict=True)}


def test_passages_another_trial_had_embedded_are_not_embedded_again(tmp_path: Path) -> None:
    settings = Settings.at(tmp_path / "store")
    TrialQA(settings).ingest([CTGOV / "NCT00195091.json"], show_progress=False)
    first = load_file(CTGOV / "NCT00195091.json")[0]
    sibling_path = sibling_trial(tmp_path, "NCT99999991", "Six weeks must elapse", "Eight weeks must elapse")
    sibling = load_file(sibling_path)[0]

    counting = CountingEmbeddings()
    reopened = TrialQA(settings, store=TrialStore(settings, embeddings=counting))
    report = reopened.ingest([sibling_path], show_progress=False)

    known = {passage_text(c) for c in chunk_trial(first)}
    new = {passage_text(c) for c in chunk_trial(sibling) if needs_meaning(c)} - known
    assert report.added == ["NCT99999991"]
    assert new and sorted(counting.embedded) == sorted(new)
    # Reused vectors are the ones the model gives for that very passage, not a neighbour's.
    by_hash = {passage_hash(c): passage_text(c) for c in chunk_trial(sibling) if needs_meaning(c)}
    vectors = stored_vectors(reopened.store, "NCT99999991")
    assert set(vectors) == set(by_hash)
    expected = MiniLMEmbeddings().embed_array(list(by_hash.values()))
    for row, digest in enumerate(by_hash):
        np.testing.assert_allclose(vectors[digest], expected[row], atol=1e-5)


def test_an_unreadable_vector_cache_costs_time_not_answers(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    settings = Settings.at(tmp_path / "store")
    settings.store.dir.mkdir()
    (settings.store.dir / VECTOR_CACHE_FILE).write_bytes(b"not a database at all" * 100)
    with caplog.at_level(logging.WARNING):
        report = TrialQA(settings).ingest([SEED], show_progress=False)

    assert report.added == [SEED_ID] and not report.errors
    assert any(VECTOR_CACHE_FILE in r.getMessage() for r in caplog.records)
    assert TrialQA(settings).ask("Is ILD exclusionary?", trial_id=SEED_ID).citations[0].criterion == "7"


@pytest.mark.parametrize(
    ("name", "damage"),
    [
        ("counts.npz", lambda path: path.write_bytes(b"not an array file" * 50)),
        ("indices.npy", lambda path: path.write_bytes(path.read_bytes()[:-40])),  # mapped, so cut short
        ("data.npy", lambda path: path.write_bytes(b"not an array file" * 50)),
        ("vocab.json", lambda path: path.write_text('["only", "three", "words"]')),
        ("chunks.jsonl", lambda path: path.write_text("".join(path.read_text().splitlines(True)[:-5]))),
        ("trials.json", lambda path: path.write_text("{}")),
    ],
)
def test_a_damaged_bm25_index_is_rebuilt_from_the_store(
    store_copy: Path, name: str, damage: Callable[[Path], object], caplog: pytest.LogCaptureFixture
) -> None:
    settings = Settings.at(store_copy, backend="offline")
    folder = next((store_copy / "bm25").iterdir())
    damage(folder / name)
    with caplog.at_level(logging.WARNING, logger="assistant.lexical"):
        qa = TrialQA(settings)
        answer = qa.ask("Is ILD exclusionary?", trial_id=SEED_ID)

    assert answer.verdict == "excluded" and answer.citations[0].criterion == "7"
    assert any("rebuilding the BM25 index" in r.getMessage() for r in caplog.records)
    assert qa.retriever.lexical().passage_count == qa.store.count_chunks()
    assert list(TrialQA(settings).retriever.lexical().passages) == list(qa.retriever.lexical().passages)  # saved again


def test_a_group_of_trials_is_committed_together_and_replaced_one_by_one(tmp_path: Path) -> None:
    qa = fresh(tmp_path)
    files = [SEED, *sorted(CTGOV.glob("*.json"))[:4]]
    first = qa.ingest(files, show_progress=False)
    assert len(first.added) == 5
    counts = {t.trial_id: t.chunk_count for t in qa.trials()}
    assert all(len(chunk_texts(qa.store, tid)) == n for tid, n in counts.items())

    edited = tmp_path / "edited.txt"
    edited.write_text(SEED.read_text(encoding="utf-8").replace("Active tuberculosis.", "Active or latent TB."))
    second = qa.ingest([edited, *files[1:]], show_progress=False)

    assert second.replaced == [SEED_ID] and len(second.unchanged) == 4
    assert "Active tuberculosis." not in chunk_texts(qa.store, SEED_ID)
    assert qa.store.count_chunks() == sum(t.chunk_count for t in qa.trials())


def test_search_in_one_trial_takes_vectors_from_the_cache_and_ranks_as_chroma_would(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings.at(tmp_path / "store")
    TrialQA(settings).ingest([SEED, *sorted(CTGOV.glob("*.json"))[:3]], show_progress=False)
    questions = ("Is ILD exclusionary?", "Is there a site in Chengdu?", "How often is the drug given?")
    from_chroma = TrialQA(
        settings.model_copy(update={"embedding": settings.embedding.model_copy(update={"vector_cache": False})})
    )
    expected = [[s.chunk.chunk_id for s in from_chroma.retriever.search(q, trial_id=SEED_ID)] for q in questions]

    cached = TrialQA(settings)
    cached.retriever.lexical()

    def chroma_read(*args: object) -> None:
        raise AssertionError("the per-trial search read its vectors from Chroma")

    monkeypatch.setattr(cached.store, "_stored_trial_vectors", chroma_read)
    got = [[s.chunk.chunk_id for s in cached.retriever.search(q, trial_id=SEED_ID)] for q in questions]
    assert got == expected
    assert cached.ask("Is ILD exclusionary?", trial_id=SEED_ID).citations[0].criterion == "7"


def test_bm25_scores_equal_bm25s_over_the_corpus_and_inside_one_trial(qa: TrialQA) -> None:
    import bm25s

    lexical = qa.retriever.lexical()
    reference = bm25s.BM25()  # bm25s's defaults: the Lucene variant, k1 1.5, b 0.75
    reference.index([tokens(passage_text(c)) or ["_"] for c in lexical.passages], show_progress=False)
    held = lexical.passages.trial_ids
    trial_ids = [SEED_ID, *held[:: max(1, len(held) // 12)]]
    matched = 0
    for question in ("Is ILD exclusionary?", "hepatitis B HBV HCV", "Is there a site in Chengdu?", "criteria criteria"):
        words = [t for t in tokens(qa.retriever.expander.expand(question)) if t in reference.vocab_dict]
        expected = reference.get_scores(words)
        terms = lexical.query_terms(" ".join(words))
        assert len(terms) == len(words)
        np.testing.assert_allclose(lexical.scores(terms), expected, rtol=2e-6, atol=1e-6)
        for trial_id in trial_ids:
            lo, hi = lexical.rows_of(trial_id) or (0, 0)
            inside = lexical.trial_scores(terms, trial_id)
            np.testing.assert_allclose(inside, expected[lo:hi], rtol=2e-6, atol=1e-6, err_msg=f"{question} {trial_id}")
            matched += int(inside.any())
    assert matched >= 20  # most trials match at least one word, so the sums compared are not all zero


def test_bm25_index_follows_edits_additions_and_removals_reading_only_those_trials(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings.at(tmp_path / "store")
    records = sorted(CTGOV.glob("*.json"))
    qa = TrialQA(settings)
    qa.ingest([SEED, *records[:6]], show_progress=False)
    edited = tmp_path / "edited.txt"
    edited.write_text(SEED.read_text(encoding="utf-8").replace("Active tuberculosis.", "Active or latent TB."))
    removed = load_file(records[0])[0].trial_id
    read: list[list[str]] = []
    catalogued_chunks = qa.store.catalogued_chunks

    def spy(trial_ids: list[str]) -> list[Chunk]:
        read.append(list(trial_ids))
        return catalogued_chunks(trial_ids)

    monkeypatch.setattr(qa.store, "catalogued_chunks", spy)
    qa.ingest([edited, records[6]], show_progress=False)
    qa.store.delete_trial(removed)
    synced = TrialQA(settings).retriever.lexical()  # a new process: the saved index is synced, not rebuilt

    added = load_file(records[6])[0].trial_id
    assert read == [sorted([SEED_ID, added])]
    rebuilt = LexicalIndex.empty().synced(qa.store.trial_hashes(), "rebuilt", catalogued_chunks, tmp_path / "rebuilt")
    assert [c.chunk_id for c in synced.passages] == [c.chunk_id for c in rebuilt.passages]
    assert removed not in synced.passages.trial_ids
    assert "Active or latent TB." in {c.text for c in synced.trial_chunks(SEED_ID)}
    assert sorted(synced.vocab) == sorted(rebuilt.vocab)
    for question in ("Is tuberculosis exclusionary?", "latent TB", "Is there a site in Chengdu?"):
        terms, fresh_terms = synced.query_terms(question), rebuilt.query_terms(question)
        np.testing.assert_array_equal(synced.scores(terms), rebuilt.scores(fresh_terms))
        assert synced.search(question, 10, None, None) == rebuilt.search(question, 10, None, None)
        assert synced.search(question, 10, SEED_ID, None) == rebuilt.search(question, 10, SEED_ID, None)


def test_a_loaded_bm25_index_keeps_reading_its_own_passages_after_another_instance_saves_a_new_one(
    tmp_path: Path,
) -> None:
    settings = Settings.at(tmp_path / "store", retrieval={"passage_cache_trials": 1})  # every other trial from disk
    serving = TrialQA(settings)
    serving.ingest([SEED, *sorted(CTGOV.glob("*.json"))[:3]], show_progress=False)
    before = serving.retriever.lexical()
    texts = [c.text for c in before.passages]

    edited = tmp_path / "edited.txt"
    edited.write_text(SEED.read_text(encoding="utf-8").replace("Active tuberculosis.", "Active or latent TB."))
    TrialQA(settings).ingest([edited], show_progress=False)  # a second app instance on the same folder
    saved = LexicalIndex.load(next((tmp_path / "store" / "bm25").iterdir()))

    assert saved is not None and saved.fingerprint != before.fingerprint
    assert "Active or latent TB." in {c.text for c in saved.trial_chunks(SEED_ID)}
    assert [c.text for c in before.passages] == texts  # its lines match its counts, not the new file's
    assert before.search("tuberculosis", 1, SEED_ID, None)[0][0].text == "Active tuberculosis."


def test_an_edited_record_embeds_only_its_changed_passages_even_without_the_cache(tmp_path: Path) -> None:
    settings = Settings.at(tmp_path / "store", embedding={"vector_cache": False})
    TrialQA(settings).ingest([SEED], show_progress=False)
    edited = tmp_path / "edited.txt"
    edited.write_text(SEED.read_text(encoding="utf-8").replace("Active tuberculosis.", "Active or latent TB."))

    counting = CountingEmbeddings()
    report = TrialQA(settings, store=TrialStore(settings, embeddings=counting)).ingest([edited], show_progress=False)

    before = {passage_text(c) for c in chunk_trial(load_file(SEED)[0])}
    after = {passage_text(c) for c in chunk_trial(load_file(edited)[0])}
    assert report.replaced == [SEED_ID]
    assert sorted(counting.embedded) == sorted(after - before) and len(counting.embedded) <= 2


def test_related_words_count_at_their_weight_and_never_twice(qa: TrialQA) -> None:
    """Vocabulary expansions add BM25 at a lower weight, so a rare word the asker used still outweighs them."""
    lexical = qa.retriever.lexical()
    own, extra = lexical.query_terms("pneumonitis"), lexical.query_terms("interstitial lung disease")
    assert own and extra
    weights = [1.0] * len(own) + [0.3] * len(extra)
    combined = lexical.scores(own + extra, weights)
    by_term = sum(lexical.scores([t]) * w for t, w in zip(own + extra, weights, strict=True))
    np.testing.assert_allclose(combined, by_term, rtol=2e-6, atol=1e-6)
    plain = dict(lexical.search("pneumonitis", 5, SEED_ID, None))
    again = dict(lexical.search("pneumonitis", 5, SEED_ID, None, related="pneumonitis", related_weight=0.3))
    assert [c.chunk_id for c in plain] == [c.chunk_id for c in again]  # a word already asked is not added again
    assert list(plain.values()) == list(again.values())


def test_a_fresh_process_answers_about_one_trial_without_reading_the_whole_catalog(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings.at(tmp_path / "store", backend="offline")
    TrialQA(settings).ingest([SEED, *sorted(CTGOV.glob("*.json"))[:3]], show_progress=False)
    fresh_process = TrialQA(settings)
    whole_catalog_reads: list[str] = []
    read_all = store_module._get_all

    def counted(collection: Any, include: list[str]) -> Any:
        if collection is fresh_process.store.catalog:
            whole_catalog_reads.append("read")
        return read_all(collection, include)

    monkeypatch.setattr(store_module, "_get_all", counted)
    answer = fresh_process.ask("Is ILD exclusionary?", trial_id=SEED_ID)
    assert answer.verdict == "excluded" and answer.citations[0].criterion == "7"
    assert whole_catalog_reads == []  # the saved BM25 index holds the current generation's trial hashes

    edited = tmp_path / "edited.txt"
    edited.write_text(SEED.read_text(encoding="utf-8").replace("Active tuberculosis.", "Active or latent TB."))
    TrialQA(settings).ingest([edited], show_progress=False)  # another instance changes the catalog
    got = fresh_process.retriever.search("latent TB", trial_id=SEED_ID)
    assert whole_catalog_reads == ["read"]  # a changed generation is read from the catalog and synced
    assert got[0].chunk.text == "Active or latent TB."


def test_passages_found_by_lookup_are_stored_and_found_but_not_embedded(tmp_path: Path) -> None:
    """Sites, contacts, officials and identifiers go to the lookup collection without a vector; BM25 and the
    location answer still find them. With `embed_lookup_passages` every passage is embedded, as before."""
    settings = Settings.at(tmp_path / "store")
    counting = CountingEmbeddings()
    qa = TrialQA(settings, store=TrialStore(settings, embeddings=counting))
    qa.ingest([SEED], show_progress=False)
    chunks = chunk_trial(load_file(SEED)[0])
    lookup = [c for c in chunks if not needs_meaning(c)]
    assert {c.kind for c in lookup} >= {"site", "fact"}
    assert {c.section for c in lookup if c.kind == "text"} <= LOOKUP_SECTIONS
    assert {c.kind for c in chunks if needs_meaning(c)} >= {"criterion", "text"}
    assert not {passage_text(c) for c in lookup} & set(counting.embedded)
    assert qa.store.lookup.count() == len(lookup) and qa.store.count_chunks() == len(chunks)
    assert len(qa.store.valid_chunks()) == len(chunks)
    answer = qa.ask("Is there a site in Chengdu?", trial_id=SEED_ID)
    assert answer.citations and answer.citations[0].section == "Locations"

    everything = Settings.at(tmp_path / "all", embedding={"embed_lookup_passages": True})
    counting_all = CountingEmbeddings()
    TrialQA(everything, store=TrialStore(everything, embeddings=counting_all)).ingest([SEED], show_progress=False)
    assert {passage_text(c) for c in lookup} <= set(counting_all.embedded)


def test_a_store_locked_by_another_process_is_retried_and_other_errors_are_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An app opening the store while an ingest creates it gets SQLite's "database is locked" from Chroma at
    start-up; the client is opened again after a pause. Any other start-up error is raised at once."""
    import chromadb
    from chromadb.errors import InternalError

    from assistant import store as store_module

    real = chromadb.PersistentClient
    calls: list[str] = []

    def locked_twice(path: str, settings: object) -> object:
        calls.append(path)
        if len(calls) == 1:
            raise InternalError("Query error: Database error: (code: 5) database is locked")
        if len(calls) == 2:
            # both processes ran Chroma's migrations on the new database at once (seen in the SIGKILL test)
            raise InternalError("error returned from database: (code: 1) table collections already exists")
        return real(path=path, settings=settings)  # type: ignore[arg-type]

    monkeypatch.setattr(store_module, "_OPEN_BACKOFF_S", 0.0)
    monkeypatch.setattr(chromadb, "PersistentClient", locked_twice)
    assert store_module.make_client(Settings.at(tmp_path / "store")) is not None
    assert len(calls) == 3

    def broken(path: str, settings: object) -> object:
        calls.append(path)
        raise InternalError("some other failure")

    monkeypatch.setattr(chromadb, "PersistentClient", broken)
    calls.clear()
    with pytest.raises(InternalError):
        store_module.make_client(Settings.at(tmp_path / "other"))
    assert len(calls) == 1

"""Issue 19: Chroma keeps a deleted vector's HNSW slot, so re-ingests grow the index files without bound.
`trialqa compact` rebuilds the passages' collections from their stored rows, all or nothing, and opening a store
warns (once) when its index is out of proportion. Real Chroma stores in tmp_path, the fake embedder."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import assistant.store as store_module
from assistant.service import TrialQA
from assistant.store import (
    COMPACTING_SUFFIX,
    RETIRED_SUFFIX,
    TrialStore,
    embedding_function_class,
    hnsw_files,
    make_client,
)
from tests.conftest import THREE_TRIALS, fake_settings

TRIALQA = Path(sys.executable).with_name("trialqa")
# Chroma normalises every vector a cosine collection is given (in its Rust core), and normalising its own output
# again moves a few components by one float32 step (measured: at most 3e-8); nothing Chroma's API offers writes the
# stored vector itself back, so a copy is the vector it read, within that step.
EMBEDDING_STEP = 6e-8
QUERIES = ["Is ILD exclusionary?", "hepatitis B infection", "pregnant or breastfeeding", "site in Chengdu"]
TOP_K = 10
# Cosine distances of the same float32 vectors, computed by Chroma and by numpy, differ in the last float32 steps.
DISTANCE_STEP = 1e-5


def snapshot(store: TrialStore) -> dict[str, Any]:
    """Every row of both passage collections (sorted by id), and the chunks' index's top-10 for a few queries."""
    rows: dict[str, Any] = {}
    for collection in (store.chunks, store.lookup):
        got = collection.get(include=["documents", "metadatas", "embeddings"])
        order = np.argsort(got["ids"])
        embeddings = np.asarray(got["embeddings"], dtype=np.float32)
        rows[collection.name] = {
            "ids": [got["ids"][i] for i in order],
            "documents": [(got["documents"] or [])[i] for i in order],
            "metadatas": [dict((got["metadatas"] or [])[i]) for i in order],
            "embeddings": embeddings[order],
        }
    vectors = store.embeddings.embed_array(QUERIES)
    hits = store.chunks.query(query_embeddings=vectors.tolist(), n_results=TOP_K, include=["distances"])
    rows["queries"] = list(zip(hits["ids"], hits["distances"] or [], strict=True))
    rows["exact"] = exact_neighbours(rows["trial_chunks"], vectors)
    return rows


def exact_neighbours(chunks: dict[str, Any], queries: np.ndarray) -> list[tuple[list[str], list[float]]]:
    """The true top-10 (ids, cosine distances) by brute force over the stored vectors."""
    stored = chunks["embeddings"] / np.linalg.norm(chunks["embeddings"], axis=1, keepdims=True)
    exact = []
    for query in queries:
        distances = 1.0 - stored @ (query / np.linalg.norm(query))
        order = np.argsort(distances, kind="stable")[:TOP_K]
        exact.append(([chunks["ids"][i] for i in order], [float(distances[i]) for i in order]))
    return exact


def same_neighbours(got: tuple[list[str], list[float]], want: tuple[list[str], list[float]]) -> bool:
    """The same distances, and the same ids but where passages tie at the cut-off (either may be the tenth)."""
    (got_ids, got_distances), (want_ids, want_distances) = got, want
    if not np.allclose(got_distances, want_distances, rtol=0, atol=DISTANCE_STEP):
        return False
    cut = want_distances[-1] - DISTANCE_STEP
    return {i for i, d in zip(got_ids, got_distances, strict=True) if d < cut} == {
        i for i, d in zip(want_ids, want_distances, strict=True) if d < cut
    }


def assert_same(after: dict[str, Any], before: dict[str, Any], *, rebuilt: bool = True) -> None:
    """Ids, documents and metadata identical; embeddings identical but for Chroma's rounding. A rebuilt index finds
    the exact neighbours (the grown one it replaced may miss some: HNSW search is approximate, and a graph full of
    deleted slots measurably does miss); the same index files answer as they did."""
    assert after.keys() == before.keys()
    for name in ("trial_chunks", "trial_chunks_lookup"):
        for field in ("ids", "documents", "metadatas"):
            assert after[name][field] == before[name][field], (name, field)
        np.testing.assert_allclose(after[name]["embeddings"], before[name]["embeddings"], rtol=0, atol=EMBEDDING_STEP)
    if rebuilt:
        for query, got, want in zip(QUERIES, after["queries"], after["exact"], strict=True):
            assert same_neighbours(got, want), (query, got, want)
    else:
        assert after["queries"] == before["queries"]


def collection_names(store: TrialStore) -> set[str]:
    return {collection.name for collection in store.client.list_collections()}


def reingest(qa: TrialQA, cycles: int) -> None:
    """What a user does after an upgrade, `cycles` times: delete every trial, ingest it again."""
    for _ in range(cycles):
        for trial in qa.trials():
            qa.delete(trial.trial_id)
        qa.ingest(list(THREE_TRIALS), show_progress=False)


@pytest.fixture()
def grown(small_store_copy: Path) -> Path:
    """The three-trial store after two delete + re-ingest cycles."""
    reingest(TrialQA(fake_settings(small_store_copy)), 2)
    return small_store_copy


def test_compaction_keeps_every_row_and_query_results(grown: Path) -> None:
    store = TrialStore(fake_settings(grown))
    before = snapshot(store)
    old_folder = hnsw_files(store.chunks, grown)
    assert old_folder is not None

    done = store.compact(show_progress=False)

    assert [(name, rows) for name, _, rows in done] == [
        ("trial_chunks", len(before["trial_chunks"]["ids"])),
        ("trial_chunks_lookup", len(before["trial_chunks_lookup"]["ids"])),
    ]
    assert_same(snapshot(store), before)
    reopened = TrialStore(fake_settings(grown))
    assert_same(snapshot(reopened), before)
    assert collection_names(reopened) == {
        "trial_chunks",
        "trial_chunks_lookup",
        "trial_chunks_catalog",
        "trial_chunks_meta",
    }
    assert not old_folder.folder.exists()  # the old HNSW files are given back, not left behind by Chroma
    answer = TrialQA(fake_settings(grown)).ask("Is ILD exclusionary?", trial_id="NCT06839066")
    assert answer.verdict is not None and answer.citations


def test_a_crash_between_the_renames_leaves_the_old_index_whole(grown: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = TrialStore(fake_settings(grown))
    before = snapshot(store)
    real_rename = store_module._rename

    def crash_when_the_new_one_takes_the_name(collection: Any, name: str) -> None:
        if collection.name.endswith(COMPACTING_SUFFIX):
            raise KeyboardInterrupt("killed mid-swap")
        real_rename(collection, name)

    monkeypatch.setattr(store_module, "_rename", crash_when_the_new_one_takes_the_name)
    with pytest.raises(KeyboardInterrupt):
        store.compact(show_progress=False)
    assert "trial_chunks" + RETIRED_SUFFIX in collection_names(store) and "trial_chunks" not in collection_names(store)
    monkeypatch.undo()

    reopened = TrialStore(fake_settings(grown))  # the old collection takes its name back before anything reads it
    assert_same(snapshot(reopened), before, rebuilt=False)
    assert "trial_chunks" + RETIRED_SUFFIX not in collection_names(reopened)
    reopened.compact(show_progress=False)  # the unfinished copy is dropped and the compaction done
    assert_same(snapshot(TrialStore(fake_settings(grown))), before)
    assert not any(name.endswith((COMPACTING_SUFFIX, RETIRED_SUFFIX)) for name in collection_names(reopened))


def test_a_crash_after_the_renames_keeps_the_new_index(grown: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = TrialStore(fake_settings(grown))
    before = snapshot(store)
    real_drop = store_module._drop_collection

    def crash_when_dropping_the_old_one(client: Any, name: str, store_dir: Path | None) -> None:
        if name.endswith(RETIRED_SUFFIX):
            raise KeyboardInterrupt("killed mid-swap")
        real_drop(client, name, store_dir)

    monkeypatch.setattr(store_module, "_drop_collection", crash_when_dropping_the_old_one)
    with pytest.raises(KeyboardInterrupt):
        store.compact(show_progress=False)
    monkeypatch.undo()

    reopened = TrialStore(fake_settings(grown))
    assert_same(snapshot(reopened), before)
    assert "trial_chunks" + RETIRED_SUFFIX not in collection_names(reopened)


def test_bloat_warning_fires_on_a_runaway_link_lists_file_only(
    small_store_copy: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = fake_settings(small_store_copy)
    with caplog.at_level(logging.WARNING, logger="assistant.store"):
        store = TrialStore(settings)
    assert store.index_bloat() is None and not caplog.records

    files = hnsw_files(store.chunks, small_store_copy)
    assert files is not None
    os.truncate(files.folder / "link_lists.bin", 64 * 1024 * 1024)  # sparse: 64 MB long, no disk used
    store_module._warned_stores.clear()
    with caplog.at_level(logging.WARNING, logger="assistant.store"):
        TrialStore(settings)
        TrialStore(settings)  # one line per index and process, not one per open
    assert len(caplog.records) == 1
    line = caplog.records[0].getMessage()
    assert "\n" not in line and str(small_store_copy) in line and "67.1 MB link_lists.bin" in line
    assert f"trialqa --store {small_store_copy} compact" in line


def test_bloat_warning_counts_deleted_slots_and_compaction_clears_it(tmp_path: Path) -> None:
    settings = fake_settings(tmp_path / "store")
    # Chroma writes its HNSW files every sync_threshold writes (1,000 by default, more than three trials make), a
    # setting fixed when the collection is made: made here first, with one a three-trial store passes.
    make_client(settings).create_collection(
        settings.store.collection,
        embedding_function=embedding_function_class()(),  # type: ignore[arg-type]
        configuration={"hnsw": {"space": "cosine", "sync_threshold": 10, "batch_size": 10}},
    )
    qa = TrialQA(settings)
    qa.ingest(list(THREE_TRIALS), show_progress=False)
    reingest(qa, 3)

    store = TrialStore(settings, bloat_warning=False)
    files = hnsw_files(store.chunks, settings.store.dir)
    assert files is not None and files.elements > 3 * store.chunks.count()
    problem = store.index_bloat()
    assert problem is not None and f"{files.elements:,} vector slots for {store.chunks.count():,} passages" in problem

    store.compact(show_progress=False)
    compacted = TrialStore(settings, bloat_warning=False)
    assert compacted.index_bloat() is None
    after = hnsw_files(compacted.chunks, settings.store.dir)
    assert after is not None and after.elements <= compacted.chunks.count()


def test_compact_through_the_console_script(grown: Path, tmp_path: Path) -> None:
    before = snapshot(TrialStore(fake_settings(grown)))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRIALQA_")}
    env.update(ANONYMIZED_TELEMETRY="False", HF_HUB_OFFLINE="1", TRIALQA_STORE_DIR=str(grown))

    done = subprocess.run(
        [str(TRIALQA), "compact", "--quiet"], cwd=elsewhere, env=env, capture_output=True, text=True, timeout=120
    )

    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    assert lines[0].startswith(f"trial_chunks: {len(before['trial_chunks']['ids'])} passages; vector slots ")
    assert lines[1].startswith("trial_chunks_lookup: ") and lines[2].startswith(f"{grown}: ")
    assert "Traceback" not in done.stderr
    assert_same(snapshot(TrialStore(fake_settings(grown))), before)
    assert not list(elsewhere.iterdir())

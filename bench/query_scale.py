"""Question latency up to 100,000 trials, through every part of the store a question about one trial reads.

    python bench/query_scale.py --trials 1000 10000 100000

A real 100,000-trial store is about 9 hours of ingest on this machine (3.8 million passages to
embed), so this builds a store whose parts a question reads are full size: the catalog (every trial
with its record), the BM25 index (every passage) and the passage-vector cache (a vector for every
passage). Chroma's chunk collection holds only the asked trials' chunks: a question about one trial
takes its vectors from the cache and does not read that collection (the test
`test_search_in_one_trial_takes_vectors_from_the_cache_and_ranks_as_chroma_would` fails if it does).
The 50 asked trials are real records, ingested for real, so their answers are real answers; every
other passage gets a random unit vector, since only how many there are matters here. Built at 1,000
and 10,000 trials too, the same construction can be compared with run.py's real stores. The questions
are the ones run.py asks, measured the same way, each size in a fresh process.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

import numpy as np
from run import ROOT, demo_trials, isolated, measure_sizes, peak_rss_mb, query_latency, varied
from tqdm import tqdm

from assistant.lexical import LexicalIndex
from assistant.offline_models import EMBEDDING_DIM
from assistant.service import TrialQA
from assistant.settings import Settings
from assistant.store import TrialStore, passage_hash
from assistant.vector_cache import PassageVectorCache
from ingest.chunking import chunk_trial, trial_fingerprint
from ingest.records import Chunk, Trial

CATALOG_BATCH = 500  # trials per catalog write


def build(count: int, folder: Path, asked: list[str]) -> dict[str, Any]:
    started = time.perf_counter()
    qa = TrialQA(Settings.at(folder))
    store, cache = qa.store, qa.store._cross_trial_cache()
    assert cache is not None
    rng = np.random.default_rng(7)
    by_trial: dict[str, list[Chunk]] = {}
    pending: list[tuple[Trial, list[Chunk]]] = []
    for trial in tqdm(varied(count), total=count, desc=f"{count} trials", unit="trial", mininterval=10):
        chunks = by_trial[trial.trial_id] = chunk_trial(trial)
        if trial.trial_id in asked:
            store.upsert_many([(trial, chunks)])  # embedded, written and catalogued as `trialqa ingest` does
            continue
        pending.append((trial, chunks))
        if len(pending) >= CATALOG_BATCH:
            _catalogue_with_random_vectors(store, cache, pending, rng)
    _catalogue_with_random_vectors(store, cache, pending, rng)
    store._bump_generation()
    generation, catalog = store.catalog_view()
    LexicalIndex.empty().synced(
        catalog, generation, lambda ids: [c for t in ids for c in by_trial[t]], qa.retriever.index_folder()
    )
    answer = qa.ask("Is ILD exclusionary?", trial_id=asked[0])
    assert answer.verdict == "excluded", f"the constructed store answers differently: {answer.answer}"
    return {
        "passages": sum(len(chunks) for chunks in by_trial.values()),
        "build_s": time.perf_counter() - started,
        "build_peak_rss_mb": peak_rss_mb(),
    }


def _catalogue_with_random_vectors(
    store: TrialStore, cache: PassageVectorCache, pending: list[tuple[Trial, list[Chunk]]], rng: np.random.Generator
) -> None:
    """Catalog entries exactly as an ingest writes them, and a cached vector for each new passage."""
    if not pending:
        return
    store._write_catalog([(trial, chunks, trial_fingerprint(trial)) for trial, chunks in pending])
    hashes = list({passage_hash(c) for _, chunks in pending for c in chunks})
    vectors = rng.standard_normal((len(hashes), EMBEDDING_DIM), dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    cache.put_many(dict(zip(hashes, vectors, strict=True)))  # a passage cached before keeps its vector
    pending.clear()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--trials", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--out", default=str(ROOT / "bench" / "out" / "query_scale.json"))
    args = parser.parse_args()
    asked = [t.trial_id for t in demo_trials()[:50]]  # the first is NCT06839066, whose ILD answer is checked
    measure_sizes(
        args.trials,
        "trialqa-query-scale-",
        lambda count, folder: isolated(build, count, folder, asked) | isolated(query_latency, folder, asked),
        Path(args.out),
    )


if __name__ == "__main__":
    main()

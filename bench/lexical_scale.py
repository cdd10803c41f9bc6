"""How the BM25 index grows with the corpus, up to sizes the full ingest cannot reach on this machine.

`python bench/lexical_scale.py --trials 1000 10000 100000` chunks the same varied corpus `run.py` uses
(no embedding, no Chroma: at 3 trials/s a real 100,000-trial ingest would take about 9 hours here),
syncs an empty index to it, saves it, and then, in a fresh process, loads it and times BM25 inside one
trial (what every chat question does) and over all trials. It measures this component only; the
dense side of a question about one trial reads that trial's vectors by key and does not grow.
"""

from __future__ import annotations

import argparse
import statistics
import time
from functools import partial
from pathlib import Path
from typing import Any

from run import QUESTIONS, ROOT, isolated, measure_sizes, peak_rss_mb, timed, varied

from assistant.lexical import LexicalIndex
from assistant.retrieval import QueryExpander
from ingest.chunking import chunk_trial, trial_fingerprint
from ingest.records import Chunk


def build(count: int, folder: Path) -> dict[str, Any]:
    started = time.perf_counter()
    catalog: dict[str, str] = {}
    chunks = []
    for trial in varied(count):
        catalog[trial.trial_id] = trial_fingerprint(trial)
        chunks.extend(chunk_trial(trial))
    chunked = time.perf_counter()
    by_trial: dict[str, list[Chunk]] = {}
    for chunk in sorted(chunks, key=lambda c: (c.trial_id, c.start, c.chunk_id)):
        by_trial.setdefault(chunk.trial_id, []).append(chunk)
    index = LexicalIndex.empty().synced(
        catalog, "bench", lambda wanted: [c for t in wanted for c in by_trial.get(t, [])], folder
    )
    indexed = time.perf_counter()
    return {
        "passages": index.passage_count,
        "chunking_s": chunked - started,
        "index_and_save_s": indexed - chunked,
        "build_peak_rss_mb": peak_rss_mb(),
    }


def query(folder: Path, trial_ids: list[str]) -> dict[str, Any]:
    started = time.perf_counter()
    index = LexicalIndex.load(folder)
    assert index is not None
    loaded = time.perf_counter()
    expander = QueryExpander.from_package()
    questions = [expander.expand(q) for q in QUESTIONS]
    pairs = [(q, trial_ids[i % len(trial_ids)]) for i, q in enumerate(questions * 5)]
    first = timed(partial(index.search, questions[0], 40, trial_ids[0], None), 1)[0]  # computes corpus statistics
    one_trial = [timed(partial(index.search, q, 40, t, None), 1)[0] for q, t in pairs]
    first_all = timed(partial(index.search, questions[0], 40, None, None), 1)[0]  # builds the term-major copy
    all_trials = [timed(partial(index.search, q, 40, None, None), 1)[0] for q in questions]
    return {
        "load_s": loaded - started,
        "first_question_ms": first,
        "one_trial_p50_ms": statistics.median(one_trial),
        "one_trial_p95_ms": statistics.quantiles(one_trial, n=20)[18],
        "all_trials_first_ms": first_all,
        "all_trials_p50_ms": statistics.median(all_trials),
        "query_peak_rss_mb": peak_rss_mb(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--trials", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--out", default=str(ROOT / "bench" / "out" / "lexical.json"))
    args = parser.parse_args()
    asked = [f"NCT9{n:07d}" for n in range(1, 51)]
    measure_sizes(
        args.trials,
        "trialqa-lexical-",
        lambda count, folder: isolated(build, count, folder) | isolated(query, folder, asked),
        Path(args.out),
    )


if __name__ == "__main__":
    main()

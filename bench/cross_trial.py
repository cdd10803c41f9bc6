"""Latency of questions asked with no trial chosen (issue 18: target p95 < 1 s at 10,000 trials).

    python bench/cross_trial.py --trials 1000 10000

Corpus: bench/query_scale.py's construction (the 101 demo trials, then varied copies of the real API v2
records, see run.py's `varied`): the catalog (every trial with its record) and the BM25 index (every
passage) are full size, so the catalog filters and the per-trial BM25 ranking read as much as a real
store of that size; the 50 asked trials are ingested for real. Chroma's chunk collection holds only
those 50 trials' vectors, so the dense half of the ranking searches a smaller HNSW index than a real
store would (an HNSW query grows about logarithmically with the collection). Each size runs in a fresh
process; the first question (which reads every trial's record once to build the filter facets) is
reported apart from the warm p50/p95 over every question repeated.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path
from typing import Any

from query_scale import build
from run import ROOT, demo_trials, isolated, measure_sizes, peak_rss_mb

from assistant.records import TrialListing
from assistant.service import TrialQA
from assistant.settings import Settings

QUESTIONS = [
    "Which trials exclude people with hepatitis B?",
    "Which trials are recruiting in Guangzhou?",
    "Is there a breast cancer trial in the United States?",
    "Which trials allow prior immunotherapy?",
    "I am a 45 year old woman with HIV. Which trials could I join?",
    "Which phase 2 trials exclude brain metastases?",
]
REPEATS = 5


def cross_latency(folder: Path) -> dict[str, float]:
    qa = TrialQA(Settings.at(folder))
    started = time.perf_counter()
    first = qa.ask(QUESTIONS[0])
    cold_ms = (time.perf_counter() - started) * 1000
    assert isinstance(first, TrialListing), first.answer
    times: list[float] = []
    totals: dict[str, int] = {}
    per_question: dict[str, list[float]] = {q: [] for q in QUESTIONS}
    for _ in range(REPEATS):
        for question in QUESTIONS:
            started = time.perf_counter()
            answer = qa.ask(question)
            per_question[question].append((time.perf_counter() - started) * 1000)
            assert isinstance(answer, TrialListing)
            totals[question] = answer.total
    times = sorted(t for spent in per_question.values() for t in spent)
    return {
        "first_question_ms": cold_ms,
        "p50_ms": statistics.median(times),
        "p95_ms": times[min(len(times) - 1, round(0.95 * (len(times) - 1)))],
        "max_ms": times[-1],
        "mean_total_trials_matched": statistics.mean(totals.values()),
        "query_peak_rss_mb": peak_rss_mb(),
        # each question's median and how many trials it matched (q1 is QUESTIONS[0], ...)
        **{f"q{i}_p50_ms": statistics.median(per_question[q]) for i, q in enumerate(QUESTIONS, start=1)},
        **{f"q{i}_total": totals[q] for i, q in enumerate(QUESTIONS, start=1)},
    }


def measure(count: int, folder: Path, asked: list[str]) -> dict[str, Any]:
    return isolated(build, count, folder, asked) | isolated(cross_latency, folder)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--trials", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--out", default=str(ROOT / "bench" / "out" / "cross_trial.json"))
    args = parser.parse_args()
    asked = [t.trial_id for t in demo_trials()[:50]]
    measure_sizes(
        args.trials, "trialqa-cross-trial-", lambda count, folder: measure(count, folder, asked), Path(args.out)
    )


if __name__ == "__main__":
    main()

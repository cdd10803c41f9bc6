"""Per-call cost of the parts a question runs through before any retrieval: prints numbers, asserts nothing.

    python bench/parsing.py

Reads real criteria from ../shared/data/ctgov-more when present (else the unseen-record copies in eval/data).
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from assistant.patient_facts import parse_question
from assistant.vocabulary import Vocabulary
from ingest.chunking import chunk_trial
from ingest.constraints import parse_criterion
from ingest.loaders import load_file

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = [
    "I'm 63, my PSA is 2.8 and I had a biopsy 4 months ago - do I qualify?",
    "I don't have diabetes, never smoked, and I'm not on steroids",
    "My Karnofsky is 60 and my last chemo was 3 weeks ago. Can I join?",
]


def criteria(limit: int = 2000) -> list[str]:
    folder = ROOT.parent / "shared" / "data" / "ctgov-more"
    paths = (
        sorted(folder.glob("NCT*")) if folder.is_dir() else sorted((ROOT / "eval" / "data" / "unseen").rglob("NCT*"))
    )
    texts: list[str] = []
    for path in paths:
        texts += [c.text for c in chunk_trial(load_file(path)[0]) if c.kind == "criterion"]
        if len(texts) >= limit:
            break
    return texts[:limit]


def per_call_ms(function: object, inputs: list[str], rounds: int = 3) -> tuple[float, float]:
    timings: list[float] = []
    for text in inputs * rounds:
        started = time.perf_counter()
        function(text)  # type: ignore[operator]
        timings.append((time.perf_counter() - started) * 1000)
    ordered = sorted(timings)
    return statistics.median(ordered), ordered[int(len(ordered) * 0.95)]


def main() -> None:
    started = time.perf_counter()
    vocabulary = Vocabulary.load()
    print(f"vocabulary load: {time.perf_counter() - started:.2f} s")
    texts = criteria()
    print(f"{len(texts)} real criteria")
    for name, function, inputs in (
        ("parse_criterion", parse_criterion, texts),
        ("vocabulary.mentions (criterion)", vocabulary.mentions, texts),
        ("parse_question", parse_question, QUESTIONS),
    ):
        p50, p95 = per_call_ms(function, inputs)
        print(f"{name}: p50 {p50:.3f} ms, p95 {p95:.3f} ms")


if __name__ == "__main__":
    main()

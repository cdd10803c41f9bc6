"""Ingest throughput on real records (issue 19): ours, ours embedding every passage, and the naive LangChain
pipeline, on the same files in the same run, each in a fresh process with its own empty store.

    python bench/real_ingest.py --records 100 --corpus ../shared/data/ctgov-more ../shared/data/bulk-xml

The corpus is the first N files (by name) of each folder: real ClinicalTrials.gov records, API v2 JSON and
classic XML, with their sites, contacts and posted results. Each pipeline runs `--repeats` times, the rounds in
rotated order; the row is the median run. Each run also records the CPU other processes used meanwhile (in cores):
on a shared machine that tells a slow run from a slow pipeline. Ratios are given of the medians and round by round
(the pipelines of one round run minutes apart at most). `--pipelines` runs some of them only. Prints one row per
corpus and pipeline and writes bench/out/real_ingest.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from run import ROOT, isolated, peak_rss_mb

PIPELINES = ("ours", "ours, every passage embedded", "naive")


def _median(rows: list[dict[str, Any]]) -> float:
    return statistics.median(r["trials_per_s"] for r in rows)


def files_of(corpus: Path, count: int) -> list[Path]:
    return sorted(p for p in corpus.iterdir() if p.suffix in (".json", ".xml"))[:count]


def busy_cpu_seconds() -> float:
    """CPU seconds the whole machine has spent busy since boot (/proc/stat; 0 where there is none)."""
    try:
        with open("/proc/stat") as stat:
            user, nice, system, _idle, _iowait, irq, softirq = (int(v) for v in stat.readline().split()[1:8])
    except (OSError, ValueError):
        return 0.0
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def other_load(busy_before: float, cpu_before: float, seconds: float) -> float:
    """Cores other processes kept busy during the run: the machine's busy CPU less this process's own."""
    own = time.process_time() - cpu_before
    return max(busy_cpu_seconds() - busy_before - own, 0.0) / seconds


def ingest_ours(files: list[Path], folder: Path, embed_lookup_passages: bool) -> dict[str, float]:
    """`trialqa ingest` of the files (the streaming pipeline, BM25 index included), timed after the model loads."""
    from assistant.service import TrialQA
    from assistant.settings import Settings

    settings = Settings.at(folder, embedding={"embed_lookup_passages": embed_lookup_passages})
    qa = TrialQA(settings)
    qa.store.embeddings.embed_array(["warm up"])
    busy, cpu, started = busy_cpu_seconds(), time.process_time(), time.perf_counter()
    report = qa.ingest(files, show_progress=False)
    seconds = time.perf_counter() - started
    trials = len(report.added)
    embedded = qa.store.chunks.count()
    return {
        "seconds": seconds,
        "trials": trials,
        "trials_per_s": trials / seconds,
        "chunks_per_trial": report.chunks_written / max(trials, 1),
        "embedded_per_trial": embedded / max(trials, 1),
        "errors": len(report.errors),
        "peak_rss_mb": peak_rss_mb(),
        "other_load_cores": other_load(busy, cpu, seconds),
    }


def ingest_naive(files: list[Path], folder: Path) -> dict[str, float]:
    """The naive pipeline on the same records: whole record text, 1,000-character chunks, all embedded."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings
    from langchain_chroma import Chroma
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    from assistant.offline_models import MiniLMEmbeddings
    from ingest.loaders import iter_inputs

    embeddings = MiniLMEmbeddings()
    embeddings.embed_array(["warm up"])
    busy, cpu, started = busy_cpu_seconds(), time.process_time(), time.perf_counter()
    trials = [t for loaded in iter_inputs(files) for t in loaded.trials]
    splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=100)
    documents = splitter.create_documents([t.source_text for t in trials], [{"trial_id": t.trial_id} for t in trials])
    client = chromadb.PersistentClient(path=str(folder), settings=ChromaSettings(anonymized_telemetry=False))
    Chroma.from_documents(documents, embedding=embeddings, client=client, collection_name="naive")
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "trials": len(trials),
        "trials_per_s": len(trials) / seconds,
        "chunks_per_trial": len(documents) / max(len(trials), 1),
        "embedded_per_trial": len(documents) / max(len(trials), 1),
        "errors": 0,
        "peak_rss_mb": peak_rss_mb(),
        "other_load_cores": other_load(busy, cpu, seconds),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=100, help="files per corpus (the first N by name)")
    parser.add_argument("--corpus", type=Path, nargs="+", required=True, help="folders of real records")
    parser.add_argument(
        "--repeats", type=int, default=3, help="rounds of the pipelines, in rotated order; medians are reported"
    )
    parser.add_argument(
        "--pipelines", nargs="+", choices=PIPELINES, default=list(PIPELINES), help="which pipelines to run (all)"
    )
    parser.add_argument("--work", type=Path, default=Path("/tmp/trialqa-real-ingest"), help="scratch folder")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "real_ingest.json")
    args = parser.parse_args()
    results: dict[str, Any] = {}
    for corpus in args.corpus:
        files = files_of(corpus, args.records)
        row: dict[str, Any] = {}
        every: dict[str, Callable[[], dict[str, Any]]] = {
            "ours": partial(isolated, ingest_ours, files, args.work / f"{corpus.name}-ours", False),
            "ours, every passage embedded": partial(
                isolated, ingest_ours, files, args.work / f"{corpus.name}-all", True
            ),
            "naive": partial(isolated, ingest_naive, files, args.work / f"{corpus.name}-naive"),
        }
        runs = {name: every[name] for name in PIPELINES if name in args.pipelines}
        rounds: dict[str, list[dict[str, Any]]] = {name: [] for name in runs}
        names = list(runs)
        for round_number in range(args.repeats):
            # Rotated, so that a slower moment of a shared machine does not always fall on the same pipeline.
            shift = round_number % len(names)
            for name in names[shift:] + names[:shift]:
                shutil.rmtree(args.work, ignore_errors=True)
                rounds[name].append(runs[name]())
        for name in names:
            got = dict(min(rounds[name], key=lambda r: abs(r["trials_per_s"] - _median(rounds[name]))))
            got["trials_per_s_runs"] = [r["trials_per_s"] for r in rounds[name]]
            got["other_load_cores_runs"] = [r["other_load_cores"] for r in rounds[name]]
            row[name] = got
            print(
                f"{corpus.name} ({len(files)} files) {name}: {got['trials_per_s']:.2f} trials/s (median of "
                f"{', '.join(f'{v:.2f}' for v in got['trials_per_s_runs'])}; other processes used "
                f"{', '.join(f'{v:.2f}' for v in got['other_load_cores_runs'])} cores), "
                f"{got['chunks_per_trial']:.1f} chunks and {got['embedded_per_trial']:.1f} embedded per trial, "
                f"peak RSS {got['peak_rss_mb']:.0f} MB",
                flush=True,
            )
        for against in (name for name in names if name != "ours" and "ours" in row):
            row[f"ours / {against}"] = row["ours"]["trials_per_s"] / row[against]["trials_per_s"]
            # Round by round too: runs of one round are minutes apart at most, so slow swings of a shared machine's
            # load cancel out; a busy spell during one run shows in its other-processes figure.
            pairs = zip(rounds["ours"], rounds[against], strict=True)
            by_round = row[f"ours / {against}, by round"] = [a["trials_per_s"] / b["trials_per_s"] for a, b in pairs]
            print(
                f"{corpus.name}: ours / {against} = {row[f'ours / {against}']:.2f} "
                f"(by round {', '.join(f'{v:.2f}' for v in by_round)})",
                flush=True,
            )
        results[corpus.name] = row
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, indent=1))
    print(f"results: {args.out}")


if __name__ == "__main__":
    main()

"""Benchmarks: ingest throughput against the naive LangChain pipeline, query latency as the index
grows, and where the time goes. Prints tables and writes bench/out/results.json.

    python bench/run.py --trials 100 1000 --query-trials 1000 10000

Corpora larger than the 101 demo records are made by varying real records: each copy gets a new NCT
id and its criteria shuffled; the output says so.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from assistant.offline_models import MiniLMEmbeddings
from assistant.service import TrialQA
from assistant.settings import Settings
from ingest.loaders import iter_inputs
from ingest.records import Section, Trial

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ["Is ILD exclusionary?", "Are brain metastases allowed?", "How many participants?", "Is HIV exclusionary?",
             "Can pregnant women take part?", "What phase is this trial?", "Is there a site in Chengdu?",
             "How often is the drug given?", "Will I be paid?", "Can I join if I have hepatitis B?"]  # fmt: skip


def demo_trials() -> list[Trial]:
    return [t for loaded in iter_inputs([ROOT / "data" / "demo"]) for t in loaded.trials]


def varied(trials: list[Trial], count: int, seed: int = 7) -> list[Trial]:
    """`count` trials: the real ones, then copies with new NCT ids and shuffled eligibility lines."""
    rng = random.Random(seed)
    out = list(trials[:count])
    n = 0
    while len(out) < count:
        base = trials[n % len(trials)]
        n += 1
        new_id = f"NCT9{n:07d}"
        text = base.source_text.replace(base.trial_id, new_id)
        sections = []
        for section in base.sections:
            body = text[section.start : section.end]
            if section.heading == "Eligibility Criteria":
                lines = body.split("\n")
                head, rest = lines[:1], lines[1:]
                rng.shuffle(rest)
                body = "\n".join(head + rest)
                text = text[: section.start] + body + text[section.end :]
            sections.append(Section(heading=section.heading, text=body, start=section.start))
        out.append(base.model_copy(update={"trial_id": new_id, "source_text": text, "sections": tuple(sections)}))
    return out


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def ingest_ours(trials: list[Trial], folder: Path) -> dict[str, float]:
    from ingest.chunking import chunk_trial

    qa = TrialQA(Settings(store_dir=folder))
    qa.store.embeddings.embed_array(["warm up"])
    started = time.perf_counter()
    chunks = 0
    batch: list[Any] = []
    for trial in trials:
        batch.append((trial, chunk_trial(trial)))
        if sum(len(c) for _, c in batch) >= 256:
            chunks += sum(len(c) for _, c in batch)
            qa.store.upsert_many(batch)
            batch = []
    if batch:
        chunks += sum(len(c) for _, c in batch)
        qa.store.upsert_many(batch)
    qa.retriever.lexical()
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "trials_per_s": len(trials) / seconds,
        "chunks": chunks,
        "chunks_per_s": chunks / seconds,
    }


def ingest_breakdown(trials: list[Trial], folder: Path) -> dict[str, float]:
    """One ingest of the real records, split into chunking, embedding, Chroma writes and the BM25 build."""
    from assistant.store import passage_text
    from ingest.chunking import chunk_trial

    qa = TrialQA(Settings(store_dir=folder))
    qa.store.embeddings.embed_array(["warm up"])
    started = time.perf_counter()
    items = [(trial, chunk_trial(trial)) for trial in trials]
    chunked = time.perf_counter()
    passages = list(dict.fromkeys(passage_text(c) for _, chunks in items for c in chunks))
    qa.store.embeddings.embed_array(passages)
    embedded = time.perf_counter()
    qa.store.upsert_many(items)  # embeds again; that second embedding is subtracted below
    written = time.perf_counter()
    qa.retriever.lexical()
    indexed = time.perf_counter()
    embedding = embedded - chunked
    return {
        "chunking_s": chunked - started,
        "embedding_s": embedding,
        "chroma_writes_s": max(0.0, written - embedded - embedding),
        "bm25_build_s": indexed - written,
    }


def ingest_naive(trials: list[Trial], folder: Path) -> dict[str, float]:
    import chromadb
    from chromadb.config import Settings as ChromaSettings
    from langchain_chroma import Chroma
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    embeddings = MiniLMEmbeddings()
    embeddings.embed_array(["warm up"])
    started = time.perf_counter()
    splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=100)
    documents = splitter.create_documents([t.source_text for t in trials], [{"trial_id": t.trial_id} for t in trials])
    client = chromadb.PersistentClient(path=str(folder), settings=ChromaSettings(anonymized_telemetry=False))
    Chroma.from_documents(documents, embedding=embeddings, client=client, collection_name="naive")
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "trials_per_s": len(trials) / seconds, "chunks": len(documents),
            "chunks_per_s": len(documents) / seconds}  # fmt: skip


def timed(fn: Callable[[], Any], repeats: int) -> list[float]:
    out = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return out


def query_latency(folder: Path, trial_ids: list[str]) -> dict[str, float]:
    qa = TrialQA(Settings(store_dir=folder, backend="offline"))
    qa.ask("warm up", trial_id=trial_ids[0])
    pairs = [(q, trial_ids[i % len(trial_ids)]) for i, q in enumerate(QUESTIONS * 5)]
    retrieval = [timed(partial(qa.retriever.search, q, trial_id=t), 1)[0] for q, t in pairs]
    answers = [timed(partial(qa.ask, q, trial_id=t), 1)[0] for q, t in pairs]
    return {
        "retrieval_p50_ms": statistics.median(retrieval),
        "retrieval_p95_ms": statistics.quantiles(retrieval, n=20)[18],
        "answer_p50_ms": statistics.median(answers),
        "answer_p95_ms": statistics.quantiles(answers, n=20)[18],
    }


def breakdown(folder: Path, trial_id: str) -> dict[str, float]:
    qa = TrialQA(Settings(store_dir=folder))
    lexical = qa.retriever.lexical()
    question = qa.retriever.expander.expand("Is ILD exclusionary?")
    return {
        "embed_query_ms": statistics.median(timed(lambda: qa.store.embeddings.embed_array([question]), 20)),
        "bm25_ms": statistics.median(timed(lambda: lexical.search(question, 40, trial_id, None), 20)),
        "chroma_query_ms": statistics.median(
            timed(lambda: qa.store.dense_search(question, 40, trial_id, None, qa.store.trial_hashes()), 20)
        ),
        "full_answer_ms": statistics.median(timed(lambda: qa.ask("Is ILD exclusionary?", trial_id=trial_id), 20)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--trials", type=int, nargs="+", default=[100, 1000], help="ingest benchmark sizes")
    parser.add_argument("--query-trials", type=int, nargs="+", default=[1000], help="index sizes for query latency")
    parser.add_argument("--out", default=str(ROOT / "bench" / "out" / "results.json"))
    args = parser.parse_args()
    base = demo_trials()
    results: dict[str, Any] = {"note": "corpora beyond 101 trials are real records varied (new ids, shuffled criteria)"}
    work = Path(tempfile.mkdtemp(prefix="trialqa-bench-"))
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    print(results["note"], flush=True)
    results["ingest_breakdown"] = ingest_breakdown(base, work / "breakdown")
    shutil.rmtree(work / "breakdown", ignore_errors=True)
    shares = {k: round(v, 2) for k, v in results["ingest_breakdown"].items()}
    print("where one ingest's time goes (s):", json.dumps(shares), flush=True)
    # Each size is reported as soon as it is measured, and the JSON rewritten, so a long run that
    # is stopped still leaves every finished row behind.
    for n in sorted(set(args.trials) | set(args.query_trials)):
        corpus = varied(base, n)
        ours = ingest_ours(corpus, work / f"ours-{n}")
        row: dict[str, Any] = {"ours": ours, "peak_rss_mb_after_ours": peak_rss_mb()}
        print(f"{n:>7} trials  ours: {ours['trials_per_s']:.2f} trials/s, {ours['chunks_per_s']:.1f} chunks/s, "
              f"{ours['seconds']:.0f} s, peak RSS {peak_rss_mb():.0f} MB", flush=True)  # fmt: skip
        if n in args.query_trials:
            row["query"] = query_latency(work / f"ours-{n}", [t.trial_id for t in corpus[: min(50, n)]])
            print(f"{n:>7} trials  retrieval p50 {row['query']['retrieval_p50_ms']:.1f} ms, "
                  f"p95 {row['query']['retrieval_p95_ms']:.1f} ms; answer p50 {row['query']['answer_p50_ms']:.1f} ms, "
                  f"p95 {row['query']['answer_p95_ms']:.1f} ms", flush=True)  # fmt: skip
            if n == max(args.query_trials):
                results["breakdown"] = breakdown(work / f"ours-{n}", "NCT06839066")
                shares = {k: round(v, 2) for k, v in results["breakdown"].items()}
                print(f"{n:>7} trials  where one query's time goes (ms): {json.dumps(shares)}", flush=True)
        if n in args.trials:
            naive = ingest_naive(corpus, work / f"naive-{n}")
            row["naive"], row["ratio"] = naive, ours["trials_per_s"] / naive["trials_per_s"]
            print(f"{n:>7} trials  naive: {naive['trials_per_s']:.2f} trials/s ({naive['chunks']:.0f} chunks); "
                  f"ours/naive = {row['ratio']:.2f}", flush=True)  # fmt: skip
            shutil.rmtree(work / f"naive-{n}", ignore_errors=True)
        results[str(n)] = row
        out.write_text(json.dumps(results, indent=1))
    print(f"results: {out}")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

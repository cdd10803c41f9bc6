"""Benchmarks: ingest throughput against the naive LangChain pipeline, query latency as the index
grows, and where the time goes. Prints tables and writes bench/out/results.json.

    python bench/run.py --trials 100 1000 --query-trials 1000 10000

Corpora larger than the 101 demo records are varied copies of the real records (see `varied`); the
output says so. Each ingest and each query measurement runs in a fresh process, so its peak RSS is
its own; the corpus is streamed to our ingest, as `trialqa ingest` streams files.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import random
import re
import resource
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from pathlib import Path
from typing import Any

from assistant.offline_models import MiniLMEmbeddings
from assistant.service import TrialQA
from assistant.settings import Settings
from ingest.loaders import iter_inputs, load_bytes
from ingest.pipeline import GROUP_CHUNKS
from ingest.records import Trial

ROOT = Path(__file__).resolve().parent.parent
NOTE = (
    "corpora beyond the 101 demo records are varied copies of the real API v2 records (new NCT ids written "
    "into criteria, prose, arms and outcomes; prose sentences shuffled); facts, conditions and sites repeat"
)
QUESTIONS = ["Is ILD exclusionary?", "Are brain metastases allowed?", "How many participants?", "Is HIV exclusionary?",
             "Can pregnant women take part?", "What phase is this trial?", "Is there a site in Chengdu?",
             "How often is the drug given?", "Will I be paid?", "Can I join if I have hepatitis B?"]  # fmt: skip


def demo_trials() -> list[Trial]:
    return [t for loaded in iter_inputs([ROOT / "data" / "demo"]) for t in loaded.trials]


def varied(count: int, seed: int = 7) -> Iterator[Trial]:
    """`count` trials, one at a time: the 101 real ones, then varied copies of the real API v2 records,
    loaded by the real loader. A copy gets a new NCT id; its criteria, prose, arms, interventions and
    outcomes get the new id written into them and prose sentences shuffled, so they are new passages
    (real trials rarely share these verbatim), while facts, conditions, keywords and sites repeat as
    they do across a registry."""
    base = demo_trials()
    yield from base[:count]
    rng = random.Random(seed)
    folder = ROOT / "data" / "demo" / "ctgov"
    studies = [json.loads(path.read_text(encoding="utf-8")) for path in sorted(folder.glob("*.json"))]
    for n in range(1, count - len(base) + 1):
        new_id = f"NCT9{n:07d}"
        study = _varied_study(studies[n % len(studies)], new_id, rng)
        yield from load_bytes(json.dumps(study).encode(), f"varied/{new_id}.json")


def _varied_study(study: dict[str, Any], new_id: str, rng: random.Random) -> dict[str, Any]:
    copy = json.loads(json.dumps(study))
    protocol = copy["protocolSection"]
    protocol["identificationModule"]["nctId"] = new_id
    description = protocol.get("descriptionModule", {})
    for key in ("briefSummary", "detailedDescription"):
        if description.get(key):
            sentences = re.findall(r"[^.!?]+(?:[.!?]+|$)\s*", description[key]) or [description[key]]
            rng.shuffle(sentences)
            description[key] = f"{new_id}: " + "".join(sentences)
    eligibility = protocol.get("eligibilityModule", {})
    if eligibility.get("eligibilityCriteria"):
        lines = eligibility["eligibilityCriteria"].split("\n")
        eligibility["eligibilityCriteria"] = "\n".join(_tagged(line, new_id) for line in lines)
    arms = protocol.get("armsInterventionsModule", {})
    for item in [*arms.get("armGroups", []), *arms.get("interventions", [])]:
        if item.get("description"):
            item["description"] = f"{new_id}: {item['description']}"
    for outcomes in protocol.get("outcomesModule", {}).values():
        for outcome in outcomes:
            outcome["measure"] = f"{outcome.get('measure', '')} ({new_id})"
    return copy


def _tagged(line: str, new_id: str) -> str:
    """A criterion line with the copy's id appended; headings and blank lines as they were."""
    stripped = line.strip()
    return line if not stripped or stripped.endswith(":") else f"{line} ({new_id})"


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def isolated(fn: Callable[..., dict[str, Any]], *args: Any) -> dict[str, Any]:
    """Run one measurement in a fresh process, so its peak RSS and timings are its own."""
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(fn, *args).result()


def ingest_ours(count: int, folder: Path) -> dict[str, Any]:
    """Our ingest of the streamed corpus, grouped as `trialqa ingest` groups it, then the BM25 build."""
    from assistant.store import passage_hash
    from ingest.chunking import chunk_trial

    qa = TrialQA(Settings.at(folder))
    qa.store.embeddings.embed_array(["warm up"])
    started = time.perf_counter()
    chunks, seen, repeated = 0, set(), 0
    batch: list[Any] = []
    for trial in varied(count):
        trial_chunks = chunk_trial(trial)
        for chunk in trial_chunks:
            digest = passage_hash(chunk)
            repeated += digest in seen
            seen.add(digest)
        batch.append((trial, trial_chunks))
        if sum(len(c) for _, c in batch) >= GROUP_CHUNKS:
            chunks += sum(len(c) for _, c in batch)
            qa.store.upsert_many(batch)
            batch = []
    if batch:
        chunks += sum(len(c) for _, c in batch)
        qa.store.upsert_many(batch)
    written = time.perf_counter()
    qa.retriever.lexical()
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "bm25_build_s": seconds - (written - started),
        "trials_per_s": count / seconds,
        "chunks": chunks,
        "chunks_per_s": chunks / seconds,
        "repeated_passage_share": repeated / max(chunks, 1),
        "peak_rss_mb": peak_rss_mb(),
    }


def ingest_update(folder: Path, scratch: Path) -> dict[str, float]:
    """`trialqa ingest` of one edited and one new record into an existing store: the writes, and the BM25
    index brought up to date (it reads only those two trials back)."""
    from ingest.pipeline import ingest_paths

    qa = TrialQA(Settings.at(folder))
    qa.retriever.lexical()  # the saved index, loaded: what a serving process already holds
    scratch.mkdir(parents=True, exist_ok=True)
    seed = ROOT / "data" / "demo" / "NCT06839066.txt"
    (scratch / "edited.txt").write_text(seed.read_text(encoding="utf-8").replace("Active tuberculosis.", "Active TB."))
    study = json.loads(next(iter(sorted((ROOT / "data" / "demo" / "ctgov").glob("*.json")))).read_text())
    study["protocolSection"]["identificationModule"]["nctId"] = "NCT99999999"
    (scratch / "new.json").write_text(json.dumps(study))
    started = time.perf_counter()
    report = ingest_paths([scratch], qa.store, qa.settings.ingest, show_progress=False)
    written = time.perf_counter()
    qa.retriever.lexical()
    synced = time.perf_counter()
    assert report.replaced == ["NCT06839066"] and report.added == ["NCT99999999"], report.summary()
    return {"writes_s": written - started, "bm25_update_s": synced - written, "total_s": synced - started}


def ingest_breakdown(folder: Path) -> dict[str, float]:
    """One ingest of the real records, split into chunking, embedding, Chroma writes and the BM25 build."""
    from ingest.chunking import chunk_trial

    trials = demo_trials()
    qa = TrialQA(Settings.at(folder))
    qa.store.embeddings.embed_array(["warm up"])
    started = time.perf_counter()
    items = [(trial, chunk_trial(trial)) for trial in trials]
    chunked = time.perf_counter()
    # fills the passage-vector cache with what the store embeds
    qa.store.embed_chunks([c for _, chunks in items for c in chunks if qa.store.embedded(c)])
    embedded = time.perf_counter()
    for begin in range(0, len(items), 7):  # about the 256-chunk groups `trialqa ingest` writes
        qa.store.upsert_many(items[begin : begin + 7])
    written = time.perf_counter()
    qa.retriever.lexical()
    indexed = time.perf_counter()
    return {
        "chunking_s": chunked - started,
        "embedding_s": embedded - chunked,
        "chroma_writes_s": written - embedded,
        "bm25_build_s": indexed - written,
    }


def ingest_naive(count: int, folder: Path) -> dict[str, float]:
    import chromadb
    from chromadb.config import Settings as ChromaSettings
    from langchain_chroma import Chroma
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    trials = list(varied(count))
    embeddings = MiniLMEmbeddings()
    embeddings.embed_array(["warm up"])
    started = time.perf_counter()
    splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=100)
    documents = splitter.create_documents([t.source_text for t in trials], [{"trial_id": t.trial_id} for t in trials])
    client = chromadb.PersistentClient(path=str(folder), settings=ChromaSettings(anonymized_telemetry=False))
    Chroma.from_documents(documents, embedding=embeddings, client=client, collection_name="naive")
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "trials_per_s": count / seconds, "chunks": len(documents),
            "chunks_per_s": len(documents) / seconds, "peak_rss_mb": peak_rss_mb()}  # fmt: skip


def timed(fn: Callable[[], Any], repeats: int) -> list[float]:
    out = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return out


def query_latency(folder: Path, trial_ids: list[str]) -> dict[str, float]:
    started = time.perf_counter()
    qa = TrialQA(Settings.at(folder, backend="offline"))
    qa.ask("warm up", trial_id=trial_ids[0])  # opens the store, loads the model and the BM25 index
    first_question_s = time.perf_counter() - started
    pairs = [(q, trial_ids[i % len(trial_ids)]) for i, q in enumerate(QUESTIONS * 5)]
    retrieval = [timed(partial(qa.retriever.search, q, trial_id=t), 1)[0] for q, t in pairs]
    answers = [timed(partial(qa.ask, q, trial_id=t), 1)[0] for q, t in pairs]
    return {
        "retrieval_p50_ms": statistics.median(retrieval),
        "retrieval_p95_ms": statistics.quantiles(retrieval, n=20)[18],
        "answer_p50_ms": statistics.median(answers),
        "answer_p95_ms": statistics.quantiles(answers, n=20)[18],
        "first_question_s": first_question_s,
        "peak_rss_mb": peak_rss_mb(),
    }


def breakdown(folder: Path, trial_id: str) -> dict[str, Any]:
    qa = TrialQA(Settings.at(folder))
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
    results: dict[str, Any] = {"note": NOTE}
    work = Path(tempfile.mkdtemp(prefix="trialqa-bench-"))
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    print(NOTE, flush=True)
    results["ingest_breakdown"] = isolated(ingest_breakdown, work / "breakdown")
    shutil.rmtree(work / "breakdown", ignore_errors=True)
    print("where one ingest's time goes (s):", _rounded(results["ingest_breakdown"]), flush=True)
    asked = [t.trial_id for t in demo_trials()[:50]]
    # Each size is reported as soon as it is measured, and the JSON rewritten, so a long run that
    # is stopped still leaves every finished row behind.
    for n in sorted(set(args.trials) | set(args.query_trials)):
        folder = work / f"ours-{n}"
        ours = isolated(ingest_ours, n, folder)
        row: dict[str, Any] = {"ours": ours}
        print(f"{n:>7} trials  ours: {ours['trials_per_s']:.2f} trials/s, {ours['chunks_per_s']:.1f} chunks/s, "
              f"{ours['seconds']:.0f} s, {ours['repeated_passage_share']:.0%} of passages seen before, "
              f"peak RSS {ours['peak_rss_mb']:.0f} MB", flush=True)  # fmt: skip
        if n in args.query_trials:
            row["query"] = query = isolated(query_latency, folder, asked[: min(50, n)])
            print(f"{n:>7} trials  retrieval p50 {query['retrieval_p50_ms']:.1f} ms, "
                  f"p95 {query['retrieval_p95_ms']:.1f} ms; answer p50 {query['answer_p50_ms']:.1f} ms, "
                  f"p95 {query['answer_p95_ms']:.1f} ms; "
                  f"first question in a process {query['first_question_s']:.1f} s; "
                  f"peak RSS {query['peak_rss_mb']:.0f} MB", flush=True)  # fmt: skip
            if n == max(args.query_trials):
                results["breakdown"] = isolated(breakdown, folder, "NCT06839066")
                print(f"{n:>7} trials  where one query's time goes (ms): {_rounded(results['breakdown'])}", flush=True)
                row["update"] = isolated(ingest_update, folder, work / "update")
                print(f"{n:>7} trials  ingest of 1 edited + 1 new record (s): {_rounded(row['update'])}", flush=True)
        if n in args.trials:
            naive = isolated(ingest_naive, n, work / f"naive-{n}")
            row["naive"], row["ratio"] = naive, ours["trials_per_s"] / naive["trials_per_s"]
            print(f"{n:>7} trials  naive: {naive['trials_per_s']:.2f} trials/s ({naive['chunks']:.0f} chunks, "
                  f"peak RSS {naive['peak_rss_mb']:.0f} MB); ours/naive = {row['ratio']:.2f}", flush=True)  # fmt: skip
            shutil.rmtree(work / f"naive-{n}", ignore_errors=True)
        shutil.rmtree(folder, ignore_errors=True)
        results[str(n)] = row
        out.write_text(json.dumps(results, indent=1))
    print(f"results: {out}")
    shutil.rmtree(work, ignore_errors=True)


def measure_sizes(counts: list[int], prefix: str, measure: Callable[[int, Path], dict[str, Any]], out: Path) -> None:
    """`measure(count, folder)` for each size in a scratch folder of its own, each row printed as it is
    measured; all rows written to `out` as JSON."""
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix=prefix) as work:
        for count in counts:
            row = results[str(count)] = measure(count, Path(work) / str(count))
            print(f"{count:>7} trials: {_rounded(row)}", flush=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=1))
    print(f"results: {out}")


def _rounded(values: dict[str, float]) -> str:
    return json.dumps({k: round(v, 2) for k, v in values.items()})


if __name__ == "__main__":
    main()

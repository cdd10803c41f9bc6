"""HNSW file growth under repeated re-ingest (issue 19): does the chunks collection's `link_lists.bin` grow
without bound when the same trials are deleted and ingested again, cycle after cycle?

    python bench/hnsw_growth.py --records 100 --cycles 15
    python bench/hnsw_growth.py --records 100 --cycles 15 --mode upgrade
    python bench/hnsw_growth.py --records 100 --cycles 15 --hnsw batch_size=1000 sync_threshold=1000

A fresh store under --work is built with the project's own code (TrialQA.ingest, TrialQA.delete), embedded by
the tests' deterministic hashing embedder (tests/fakes.py: no model to load; Chroma's files do not depend on what
the vectors say), from the first N classic XML records (by name) of --corpus. Then each cycle is either
`delete` (every trial deleted, then the files ingested again: `trialqa delete` + `trialqa ingest`) or `upgrade`
(the index settings change, so `trialqa ingest` with no paths rebuilds every trial under new chunk ids and deletes
the old ones: what a chunker upgrade does). After each cycle: the chunk count, the apparent size and the disk
usage (du) of the chunks' `link_lists.bin` and `data_level0.bin` and of the whole store, and the HNSW header's
element count (live and deleted slots). `--hnsw key=value` creates the chunks collection with that HNSW
configuration first (to compare configurations); `--compact` compacts the store after the last cycle.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from pathlib import Path
from typing import Any, cast

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # tests.fakes: the deterministic embedder of the fast test tier

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from assistant.service import TrialQA  # noqa: E402
from assistant.settings import Settings  # noqa: E402
from assistant.store import hnsw_files  # noqa: E402
from tests.fakes import FAKE_EMBEDDER  # noqa: E402

MB = 1024 * 1024


def du(path: Path) -> int:
    """Bytes on disk (allocated blocks), of a file or of everything under a folder."""
    if path.is_file():
        return path.stat().st_blocks * 512
    return sum(p.stat().st_blocks * 512 for p in path.rglob("*") if p.is_file())


def apparent(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def settings_for(store: Path, overlap: int) -> Settings:
    return Settings.at(
        store, backend="offline", embedding={"model": FAKE_EMBEDDER}, ingest={"chunk_overlap_tokens": overlap}
    )


def precreate(store: Path, hnsw: dict[str, Any]) -> None:
    """The chunks collection created with this HNSW configuration before TrialStore opens (and keeps) it."""
    from assistant.store import embedding_function_class, make_client

    settings = settings_for(store, 32)
    make_client(settings).get_or_create_collection(
        settings.store.collection,
        embedding_function=embedding_function_class()(settings.embedding.batch_size),  # type: ignore[arg-type]
        configuration=cast(Any, {"hnsw": {"space": "cosine", **hnsw}}),
    )


def row(cycle: int | str, qa: TrialQA, seconds: float) -> dict[str, Any]:
    files = hnsw_files(qa.store.chunks, qa.settings.store.dir)
    out: dict[str, Any] = {"cycle": cycle, "chunks": qa.store.chunks.count(), "s": seconds}
    for name in ("link_lists.bin", "data_level0.bin"):
        path = files.folder / name if files else None
        exists = path is not None and path.exists()
        out[name] = (apparent(path), du(path)) if exists and path else (0, 0)
    out["elements"] = files.elements if files else 0
    out["store"] = (apparent(qa.settings.store.dir), du(qa.settings.store.dir))
    return out


def show(r: dict[str, Any]) -> None:
    links, level0, store = r["link_lists.bin"], r["data_level0.bin"], r["store"]
    print(
        f"{r['cycle']!s:>6} {r['chunks']:>7} {r['elements']:>9} "
        f"{links[0] / MB:>10.2f} {links[1] / MB:>8.2f} {level0[0] / MB:>10.2f} {level0[1] / MB:>8.2f} "
        f"{store[0] / MB:>9.2f} {store[1] / MB:>8.2f} {r['s']:>6.1f}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=100, help="files of the corpus (the first N by name)")
    parser.add_argument("--cycles", type=int, default=15)
    parser.add_argument("--mode", choices=("delete", "upgrade"), default="delete")
    parser.add_argument("--corpus", type=Path, default=Path("/work/shared/data/bulk-xml"))
    parser.add_argument("--work", type=Path, default=Path("/tmp/h19/bench"), help="the store (emptied first)")
    parser.add_argument("--hnsw", nargs="*", default=[], metavar="KEY=VALUE", help="chunks collection HNSW config")
    parser.add_argument("--compact", action="store_true", help="compact the store after the last cycle")
    args = parser.parse_args()

    files = sorted(p for p in args.corpus.iterdir() if p.suffix == ".xml")[: args.records]
    shutil.rmtree(args.work, ignore_errors=True)
    args.work.mkdir(parents=True)
    hnsw = {k: (float(v) if "." in v else int(v)) for k, v in (item.split("=", 1) for item in args.hnsw)}
    if hnsw:
        precreate(args.work, hnsw)
    print(f"{len(files)} records of {args.corpus}, mode {args.mode}, hnsw {hnsw or 'as TrialStore creates it'}")
    print(
        f"{'cycle':>6} {'chunks':>7} {'elements':>9} {'links MB':>10} {'du MB':>8} {'level0 MB':>10} {'du MB':>8} "
        f"{'store MB':>9} {'du MB':>8} {'s':>6}"
    )
    started = time.perf_counter()
    qa = TrialQA(settings_for(args.work, 32))
    report = qa.ingest(files, show_progress=False)
    assert not report.errors, report.errors[:3]
    show(row(0, qa, time.perf_counter() - started))
    for cycle in range(1, args.cycles + 1):
        started = time.perf_counter()
        if args.mode == "delete":
            for trial in qa.trials():
                qa.delete(trial.trial_id)
            report = qa.ingest(files, show_progress=False)
        else:  # a changed chunking setting stands for a new chunker: every trial rebuilt under new chunk ids
            qa = TrialQA(settings_for(args.work, 32 - cycle % 2))
            report = qa.ingest([], show_progress=False)
        assert not report.errors, report.errors[:3]
        show(row(cycle, qa, time.perf_counter() - started))
    if args.compact:
        questions = ["Who can join?", "Is pregnancy exclusionary?", "heart disease", "dose of the drug", "sites"]
        vectors = qa.store.embeddings.embed_array(questions).tolist()
        before = qa.store.chunks.query(query_embeddings=vectors, n_results=10, include=["distances"])
        started = time.perf_counter()
        qa.store.compact(show_progress=False)
        seconds = time.perf_counter() - started
        qa = TrialQA(qa.settings)
        show(row("compact", qa, seconds))
        after = qa.store.chunks.query(query_embeddings=vectors, n_results=10, include=["distances"])

        # The hashing embedder gives many passages the same score, and HNSW orders ties as its graph happens to:
        # ids are compared with their distances (rounded), as sets per query.
        def ranked(got: Any) -> list[set[tuple[str, float]]]:
            return [
                {(i, round(d, 5)) for i, d in zip(ids, dists, strict=True)}
                for ids, dists in zip(got["ids"], got["distances"], strict=True)
            ]

        assert after["distances"] is not None and before["distances"] is not None
        same_ids = sum(a == b for a, b in zip(after["ids"], before["ids"], strict=True))
        same = sum(a == b for a, b in zip(ranked(after), ranked(before), strict=True))
        distances = [[round(d, 5) for d in q] for q in after["distances"]] == [
            [round(d, 5) for d in q] for q in before["distances"]
        ]
        print(f"{len(questions)} queries, top 10: same ids in the same order {same_ids}, ", end="")
        print(f"same (id, distance) sets {same}, same distance lists {distances}")


if __name__ == "__main__":
    main()

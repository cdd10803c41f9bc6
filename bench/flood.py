"""Flood benchmark (issue 15): a normal user's answer latency while N clients send the biggest
questions they can, as fast as they can, to the real app in its own process.

    python bench/flood.py --store .trialqa                  # 8 flooding clients, 20 normal questions
    python bench/flood.py --store .trialqa --flooders 0     # the same user with nobody flooding

Each flooding client is its own Gradio session sending, with no pause, a question of exactly
TRIALQA_QUESTIONS_MAX_CHARS characters (the most the app answers) and, with --oversize, also a
100 KB one (refused at once). The per-session rate limit is off unless --rate-limit is given, so
what is measured is the answerer's fair sharing, not the limit turning the flood away."""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from gradio_client import Client

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.settings import Settings
from tests.ui_server import app_process

TRIAL = "NCT06839066"
NORMAL = [
    "Is ILD exclusionary?",
    "Is HIV exclusionary?",
    "Can pregnant women take part?",
    "Is there a site in Chengdu?",
]
FLOOD_TEXT = "Is interstitial lung disease exclusionary if I had pneumonitis and use inhaled steroids {}? "


def flood(
    url: str, seed: int, size: int, oversize: bool, stop: threading.Event, answered: dict[int, list[float]]
) -> int:
    client = Client(url, verbose=False)
    questions = ([("x " * 50_000)] if oversize else []) + [(FLOOD_TEXT.format(seed) * (size // 60 + 1))[:size]]
    refused = 0
    while not stop.is_set():
        for question in questions:
            started = time.monotonic()
            try:
                client.predict(question, TRIAL, "[]", api_name="/ask")
                answered.setdefault(seed, []).append(time.monotonic() - started)
            except Exception:  # a refusal is a valid outcome for a flooding client
                refused += 1
    return refused


def normal_user(url: str, count: int) -> list[float]:
    client = Client(url, verbose=False)
    latencies = []
    for i in range(count):
        question = NORMAL[i % len(NORMAL)]
        started = time.monotonic()
        answer = json.loads(client.predict(question, TRIAL, "[]", api_name="/ask"))
        latencies.append(time.monotonic() - started)
        if answer["question"] != question:
            raise RuntimeError(f"wrong answer: {answer['question']!r} for {question!r}")
    return latencies


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True, help="an index holding the demo trials (copied)")
    parser.add_argument("--flooders", type=int, default=8)
    parser.add_argument("--questions", type=int, default=20, help="questions the normal user asks")
    parser.add_argument("--oversize", action="store_true", help="flooders also send 100 KB questions")
    parser.add_argument("--rate-limit", default="0", help="TRIALQA_WEB_CLIENT_QUESTIONS_PER_MINUTE (0: off)")
    parser.add_argument("--warm-up-s", type=float, default=5.0, help="flooding before the normal user starts")
    args = parser.parse_args()
    size = Settings().questions.max_chars
    with tempfile.TemporaryDirectory(prefix="trialqa-flood-") as folder:
        work = Path(folder)
        shutil.copytree(args.store, work / "store")
        with app_process(work / "store", work, client_questions_per_minute=args.rate_limit) as app:
            normal_user(app.url, 2)  # warm-up: first answers load the indexes
            stop, answered = threading.Event(), {}  # type: ignore[var-annotated]
            with ThreadPoolExecutor(max_workers=max(1, args.flooders)) as pool:
                floods = [pool.submit(flood, app.url, s, size, args.oversize, stop, answered)
                          for s in range(args.flooders)]  # fmt: skip
                time.sleep(args.warm_up_s if args.flooders else 0)
                while len(answered) < args.flooders and not any(f.done() for f in floods):
                    time.sleep(0.5)  # measure a flood in full swing: every flooder has had answers
                latencies = normal_user(app.url, args.questions)
                stop.set()
                refused = sum(f.result() for f in floods)
    p95 = statistics.quantiles(latencies, n=20, method="inclusive")[-1] if len(latencies) > 1 else latencies[0]
    flood_times = [t for times in answered.values() for t in times]
    result = {
        "flooders": args.flooders,
        "flood_question_chars": size,
        "oversize": args.oversize,
        "normal_p50_s": round(statistics.median(latencies), 2),
        "normal_p95_s": round(p95, 2),
        "normal_max_s": round(max(latencies), 2),
        "flood_answered": len(flood_times),
        "flood_p50_s": round(statistics.median(flood_times), 2) if flood_times else None,
        "flood_refused": refused,
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

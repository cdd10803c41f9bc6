"""The `trialqa` command line."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.records import Answer
from assistant.settings import Settings

if TYPE_CHECKING:
    from assistant.service import TrialQA

DEMO_QUESTION = "Is ILD exclusionary?"
DEMO_TRIAL = "NCT06839066"


def _settings(args: argparse.Namespace) -> Settings:
    overrides = {}
    if getattr(args, "store", None):
        overrides["store_dir"] = Path(args.store)
    if getattr(args, "backend", None):
        overrides["backend"] = args.backend
    return Settings(**overrides)  # type: ignore[arg-type]


def _service(args: argparse.Namespace) -> TrialQA:
    from assistant.service import TrialQA

    return TrialQA(_settings(args))


def format_answer(answer: Answer) -> str:
    lines = [answer.answer]
    if answer.verdict is not None:
        lines.insert(0, f"Verdict: {answer.verdict.value}")
    if answer.notice:
        lines.append(f"Notice: {answer.notice}")
    for i, citation in enumerate(answer.citations, start=1):
        quote = " ".join(citation.quote.split())
        lines.append(f"  [{i}] {citation.label}: “{quote}”")
    lines.append(f"(backend: {answer.backend}; answers come from the registry text and are not medical advice)")
    return "\n".join(lines)


def answer_json(answer: Answer) -> str:
    return answer.model_dump_json()


def cmd_ingest(args: argparse.Namespace) -> int:
    service = _service(args)
    report = service.ingest([Path(p) for p in args.paths], show_progress=not args.quiet)
    for error in report.errors:
        print(f"error: {error}", file=sys.stderr)
    print(report.summary())
    return 1 if report.errors and not (report.added or report.replaced or report.unchanged) else 0


def cmd_ask(args: argparse.Namespace) -> int:
    service = _service(args)
    if args.questions:
        return _ask_file(service, Path(args.questions), args.json)
    if not args.question:
        print("error: give a QUESTION or --questions FILE.jsonl", file=sys.stderr)
        return 2
    answer = service.ask(args.question, trial_id=args.trial)
    print(answer_json(answer) if args.json else format_answer(answer))
    return 0


def _ask_file(service: TrialQA, path: Path, as_json: bool) -> int:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        print(f"error: {path}: cannot read questions ({error})", file=sys.stderr)
        return 2
    status = 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            answer = service.ask(item["question"], trial_id=item.get("trial_id"), history=item.get("history", ()))
        except (json.JSONDecodeError, KeyError, TypeError) as error:
            print(f'error: {path}:{number}: not a {{"trial_id", "question"}} object ({error})', file=sys.stderr)
            status = 1
            continue
        print(answer_json(answer) if as_json else format_answer(answer), flush=True)
    return status


def cmd_trials(args: argparse.Namespace) -> int:
    rows = _service(args).trials()
    if args.json:
        print(json.dumps([row.__dict__ for row in rows], indent=1))
        return 0
    from rich.console import Console
    from rich.table import Table

    table = Table("trial", "title", "record date", "chunks")
    for row in rows:
        table.add_row(row.trial_id, row.title[:80], row.record_date or "", str(row.chunk_count))
    Console().print(table)
    print(f"{len(rows)} trials")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    service = _service(args)
    report = service.ingest([service.settings.demo_data], show_progress=not args.quiet)
    print(report.summary())
    answer = service.ask(DEMO_QUESTION, trial_id=DEMO_TRIAL)
    print(f"\n{DEMO_TRIAL}: {DEMO_QUESTION}")
    print(format_answer(answer))
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from app import main as serve

    return serve(_settings(args))


def _delegate(module: str) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        import importlib

        return int(importlib.import_module(module).run(args, _settings(args)))

    return run


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="trialqa", description="Cited answers from clinical-trial registry records.")
    parser.add_argument("--store", help="index folder (default: $TRIALQA_STORE_DIR or .trialqa)")
    parser.add_argument("-v", "--verbose", action="store_true")
    sub = parser.add_subparsers(dest="command", required=True)

    ingest = sub.add_parser("ingest", help="index trial records (page text, API v2 JSON/NDJSON, XML, folders, .zip)")
    ingest.add_argument("paths", nargs="+")
    ingest.add_argument("--quiet", action="store_true", help="no progress bar")
    ingest.set_defaults(func=cmd_ingest)

    ask = sub.add_parser("ask", help="answer a question with citations")
    ask.add_argument("question", nargs="?")
    ask.add_argument("--trial", help="NCT id to answer about")
    ask.add_argument("--questions", help='JSONL file, one {"trial_id", "question"} per line')
    ask.add_argument("--json", action="store_true", help="print the JSON answer contract")
    ask.add_argument("--backend", choices=["offline", "openai"])
    ask.set_defaults(func=cmd_ask)

    trials = sub.add_parser("trials", help="list indexed trials")
    trials.add_argument("--json", action="store_true")
    trials.set_defaults(func=cmd_trials)

    demo = sub.add_parser("demo", help="index the bundled demo data and answer the demo question")
    demo.add_argument("--quiet", action="store_true")
    demo.set_defaults(func=cmd_demo)

    evaluate = sub.add_parser("eval", help="run the evaluation set and write reports")
    evaluate.add_argument(
        "--set",
        dest="set_file",
        action="append",
        help="a registered set (dev, unseen-dev, unseen-test) or a JSONL file; repeat for several "
        "(default: every registered set, reported side by side)",
    )
    evaluate.add_argument("--backend", choices=["offline", "openai"])
    evaluate.add_argument("--k", type=int, default=5, help="retrieval depth scored for recall@k")
    evaluate.add_argument("--out", default="eval/out", help="report folder")
    evaluate.add_argument("--baseline", action="store_true", help="also run the naive baseline side by side")
    evaluate.add_argument("--compare", nargs=2, metavar=("A.json", "B.json"), help="compare two report.json files")
    evaluate.add_argument("--check", action="store_true", help="exit 1 when a set misses its quality floors")
    evaluate.set_defaults(func=_delegate("eval.runner"))

    faq = sub.add_parser("faq", help="draft a cited plain-language FAQ for one or more trials")
    faq.add_argument("trial_ids", nargs="+", metavar="NCT")
    faq.add_argument("--out", help="FILE.md or FILE.html (several trials: one file per trial beside it)")
    faq.add_argument("--sites", help="only list sites in this city")
    faq.add_argument("--backend", choices=["offline", "openai"])
    faq.set_defaults(func=_delegate("assistant.faq"))

    serve = sub.add_parser("serve", help="start the web UI")
    serve.add_argument("--backend", choices=["offline", "openai"])
    serve.set_defaults(func=cmd_serve)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(message)s")
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        return 130
    except LookupError as error:
        print(f"error: {error.args[0] if error.args else error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())

"""The `trialqa` command line."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from pydantic import ValidationError

from assistant.answerers import backend_names
from assistant.extensions import Extension, add_commands
from assistant.records import Answer, TrialListing
from assistant.settings import ENV_PREFIX, Settings, unknown_message
from ingest.records import is_nct_id, shown

if TYPE_CHECKING:
    from assistant.service import TrialQA

DEMO_QUESTION = "Is ILD exclusionary?"
DEMO_TRIAL = "NCT06839066"
MAX_QUESTION_LINE_BYTES = 1_000_000  # one line of a --questions file; a longer one is an error, not read whole
ECHO_CHARS = 200  # how much of a bad line's question an error object repeats
log = logging.getLogger(__name__)


def nct_id(value: str) -> str:
    """An argparse type: "NCT" and 8 ASCII digits (any case), upper-cased; the error quotes a bounded part."""
    normalised = value.strip().upper()
    if not is_nct_id(normalised):
        raise argparse.ArgumentTypeError(f"{shown(value)} is not an NCT id (NCT and 8 ASCII digits)")
    return normalised


def nct_ids(value: str) -> list[str]:
    """An argparse type: comma-separated NCT ids, in order."""
    return [nct_id(part) for part in value.split(",") if part.strip()]


def settings_for(args: argparse.Namespace) -> Settings:
    """The settings a command runs with: TRIALQA_* variables, then --store and --backend."""
    overrides: dict[str, Any] = {}
    if getattr(args, "store", None):
        overrides["store"] = {"dir": Path(args.store)}  # merged with TRIALQA_STORE_* field by field
    if getattr(args, "backend", None):
        overrides["backend"] = args.backend
    return Settings(**overrides)


def _service(args: argparse.Namespace) -> TrialQA:
    from assistant.service import TrialQA

    return TrialQA(settings_for(args))


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


def format_listing(listing: TrialListing) -> str:
    """A listing as readable text: the totals, then per trial its line and, under it, its own cited passages."""
    head = listing.answer.split("\n")[0]
    lines = [head]
    first = (listing.page - 1) * listing.page_size + 1
    for number, entry in enumerate(listing.trials, start=first):
        verdict = f" [{entry.answer.verdict.value}]" if entry.answer.verdict else ""
        status = f", {entry.status.replace('_', ' ').lower()}" if entry.status else ""
        lines.append(f"{number}. {entry.trial_id}{verdict} {entry.title[:90]}{status}")
        for site in entry.sites[:3]:
            lines.append(f"     site: {site}")
        lines.append("     " + " ".join(entry.answer.answer.split()))
        for i, citation in enumerate(entry.answer.citations, start=1):
            lines.append(f"     [{i}] {citation.label}: “{' '.join(citation.quote.split())}”")
    shown = first - 1 + len(listing.trials)
    if listing.total > shown:
        lines.append(f"(trials {first}-{shown} of {listing.total}; --page {listing.page + 1} for more)")
    lines.append("(no trial chosen: each verdict is about the trial it follows only; not medical advice)")
    return "\n".join(lines)


def format_any(answer: Answer) -> str:
    return format_listing(answer) if isinstance(answer, TrialListing) else format_answer(answer)


def answer_json(answer: Answer) -> str:
    return answer.model_dump_json()


def cmd_ingest(args: argparse.Namespace) -> int:
    service = _service(args)
    report = service.ingest([Path(p) for p in args.paths], show_progress=not args.quiet)
    for error in report.errors:
        print(f"error: {error}", file=sys.stderr)
    print(report.summary())
    return 1 if report.errors and not (report.added or report.replaced or report.unchanged or report.rebuilt) else 0


def cmd_ask(args: argparse.Namespace) -> int:
    service = _service(args)
    if args.questions:
        return _ask_file(service, args.questions, args.json)
    if not args.question:
        print("error: give a QUESTION or --questions FILE.jsonl", file=sys.stderr)
        return 2
    from assistant.across_trials import TrialFilters
    from assistant.service import QuestionTooLong

    filters = TrialFilters.given(
        status=args.status,
        phase=args.phase,
        study_type=args.study_type,
        country=args.country,
        state=args.state,
        city=args.city,
        condition=args.condition,
    )
    try:
        answer = service.ask(
            args.question,
            trial_id=args.trial,
            listed=args.listed or (),
            filters=filters,
            page=args.page,
            page_size=args.page_size,
        )
    except (QuestionTooLong, LookupError) as error:
        print(f"error: {_cut(str(error.args[0] if error.args else error), 300)}", file=sys.stderr)
        return 2
    print(answer_json(answer) if args.json else format_any(answer))
    return 0


def _ask_file(service: TrialQA, source: str, as_json: bool) -> int:
    """Answer each line of a JSONL file in order: an answer, or an error object for a bad line, for every
    non-blank line; the batch always goes on. Exit status 0 when every line was answered, 1 when any failed,
    2 when the file cannot be read at all."""
    try:
        stream = _open_questions(source)
    except OSError as error:
        print(f"error: {_cut(source)}: cannot read questions ({error})", file=sys.stderr)
        return 2
    failed = False
    with stream:
        for number, raw in _question_lines(stream):
            output, answered = _answer_line(service, source, number, raw, as_json)
            failed = failed or not answered
            print(output, flush=True)
    return 1 if failed else 0


def _open_questions(source: str) -> IO[bytes]:
    """The questions file ("-" for stdin); like ingest, only a regular file is opened, so a FIFO cannot hang
    the batch and /dev/zero cannot feed it forever."""
    if source == "-":
        return os.fdopen(os.dup(sys.stdin.fileno()), "rb")
    from ingest.loaders import LoadError, open_regular

    try:
        return open_regular(Path(source), source)
    except LoadError as error:
        raise OSError(error.problem) from error


def _question_lines(stream: IO[bytes]) -> Iterator[tuple[int, bytes | None]]:
    """(line number, bytes) of each non-blank line; None for a line over MAX_QUESTION_LINE_BYTES (skipped)."""
    number = 0
    while raw := stream.readline(MAX_QUESTION_LINE_BYTES + 1):
        number += 1
        if len(raw) > MAX_QUESTION_LINE_BYTES and not raw.endswith(b"\n"):
            while (rest := stream.readline(MAX_QUESTION_LINE_BYTES)) and not rest.endswith(b"\n"):
                pass
            yield number, None
        elif raw.strip():
            yield number, raw


class BadLine(ValueError):
    """A --questions line that is not a valid question object; the message says what is wrong."""


def _answer_line(service: TrialQA, source: str, number: int, raw: bytes | None, as_json: bool) -> tuple[str, bool]:
    """The output for one line and whether it was answered: its answer, or its error (a JSON error object
    with --json, else one line)."""
    from assistant.service import QuestionTooLong

    parsed: Any = None
    try:
        parsed = _parse_line(raw)
        item = _question_item(parsed)
        answer = service.ask(
            item["question"], trial_id=item["trial_id"], history=item["history"], listed=item["listed"]
        )
    except (BadLine, QuestionTooLong) as error:
        problem = str(error)
    except LookupError as error:  # an unknown trial or an empty index: this line fails, the next is asked
        problem = str(error.args[0] if error.args else error)
    except Exception as error:  # one line must never end the batch; the traceback goes to the debug log
        log.debug("line %d of %s failed", number, source, exc_info=True)
        problem = f"could not be answered ({type(error).__name__}: {_cut(str(error))})"
    else:
        return (answer_json(answer) if as_json else format_any(answer)), True
    if as_json:
        given = parsed if isinstance(parsed, dict) else {}
        echo = {key: _cut(given[key]) if isinstance(given.get(key), str) else None for key in ("trial_id", "question")}
        return json.dumps({"line": number, "error": problem, **echo}), False
    return f"error: {_cut(source)}:{number}: {problem}", False


def _cut(text: str, limit: int = ECHO_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _as_json(value: Any) -> str:
    """A value as the line spelled it (null, 5, "x"), cut short: error text quotes JSON, not Python."""
    return _cut(json.dumps(value), 40)


def _parse_line(raw: bytes | None) -> Any:
    if raw is None:
        raise BadLine(f"line longer than {MAX_QUESTION_LINE_BYTES} bytes; skipped")
    try:
        return json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise BadLine(f"not UTF-8 (byte 0x{raw[error.start]:02x} at offset {error.start})") from error
    except (ValueError, RecursionError) as error:
        raise BadLine(f"not JSON ({_cut(str(error))})") from error


def _question_item(item: Any) -> dict[str, Any]:
    """{"question", "trial_id", "history"} checked: a non-empty string, an NCT id or null, a list of strings."""
    if not isinstance(item, dict):
        raise BadLine(f'not a {{"trial_id", "question"}} object (got {_as_json(item)})')
    question, trial_id, history = item.get("question"), item.get("trial_id"), item.get("history") or []
    if not isinstance(question, str) or not question.strip():
        raise BadLine(f'"question" must be a non-empty string (got {_as_json(question)})')
    if trial_id is not None and not isinstance(trial_id, str):
        raise BadLine(f'"trial_id" must be a string such as "{DEMO_TRIAL}" or null (got {_as_json(trial_id)})')
    trial_id = trial_id.strip().upper() if trial_id else None
    if trial_id is not None and not is_nct_id(trial_id):
        raise BadLine(f'"trial_id" {_as_json(item["trial_id"])} is not an NCT id (NCT and 8 ASCII digits)')
    if not isinstance(history, list) or not all(isinstance(turn, str) for turn in history):
        raise BadLine('"history" must be a list of strings')
    listed = item.get("listed") or []  # the trial ids of the listing before ("trials" of a trial_list answer)
    if not isinstance(listed, list) or not all(isinstance(t, str) and is_nct_id(t.strip().upper()) for t in listed):
        raise BadLine('"listed" must be a list of NCT ids')
    from ingest.loaders import string_problem

    problem = string_problem([question, history])
    if problem:
        raise BadLine(f"the question holds {problem}")
    return {
        "question": question,
        "trial_id": trial_id,
        "history": history,
        "listed": [t.strip().upper() for t in listed],
    }


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


def cmd_delete(args: argparse.Namespace) -> int:
    """Delete each named trial; exit 2 when any was not in the index (the others are still deleted)."""
    service = _service(args)
    missing = False
    for trial_id in dict.fromkeys(args.trial_ids):
        if service.delete(trial_id):
            print(f"deleted {trial_id}")
        else:
            missing = True
            print(f"error: {trial_id} is not in the index", file=sys.stderr)
    return 2 if missing else 0


def cmd_compact(args: argparse.Namespace) -> int:
    """Rebuild the passages' vector indexes at their natural size (issue 19); prints the slots and the folder's size
    before and after. Run it with no ingest, delete or web app using the index."""
    from assistant.store import TrialStore

    settings = settings_for(args)
    before = _folder_bytes(settings.store.dir)
    store = TrialStore(settings, bloat_warning=False)
    for name, slots, rows in store.compact(show_progress=not args.quiet):
        print(f"{name}: {rows:,} passages; vector slots {slots:,} -> {rows:,}")
    if not settings.store.chroma_host:
        print(f"{settings.store.dir}: {before / 1e6:,.1f} MB -> {_folder_bytes(settings.store.dir) / 1e6:,.1f} MB")
    return 0


def _folder_bytes(folder: Path) -> int:
    """Disk blocks in use under a folder (a sparse file counts what it holds, not its length)."""
    return sum(p.stat().st_blocks * 512 for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else 0


def cmd_demo(args: argparse.Namespace) -> int:
    service = _service(args)
    report = service.ingest([service.settings.demo.data], show_progress=not args.quiet)
    print(report.summary())
    answer = service.ask(DEMO_QUESTION, trial_id=DEMO_TRIAL)
    print(f"\n{DEMO_TRIAL}: {DEMO_QUESTION}")
    print(format_answer(answer))
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from assistant.web.app import main as serve

    return serve(settings_for(args), extensions=args.extensions)


def _delegate(module: str) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        import importlib

        return int(importlib.import_module(module).run(args, settings_for(args)))

    return run


def build_parser(extensions: Sequence[Extension] = ()) -> argparse.ArgumentParser:
    """The `trialqa` parser: the commands of assistant, then those the extensions add (`trialqa eval`)."""
    parser = argparse.ArgumentParser(prog="trialqa", description="Cited answers from clinical-trial registry records.")
    parser.set_defaults(extensions=tuple(extensions))  # `serve` hands their web tabs to the app
    parser.add_argument("--store", help="index folder (default: $TRIALQA_STORE_DIR or .trialqa)")
    parser.add_argument("-v", "--verbose", action="store_true")
    sub = parser.add_subparsers(dest="command", required=True)

    ingest = sub.add_parser("ingest", help="index trial records (page text, API v2 JSON/NDJSON, XML, folders, .zip)")
    ingest.add_argument(
        "paths", nargs="*", help="records to index; none: only rebuild stored trials after a change of index settings"
    )
    ingest.add_argument("--quiet", action="store_true", help="no progress bar")
    ingest.set_defaults(func=cmd_ingest)

    # A short usage line: with the cross-trial filters the full one fills a screen above every one-line error.
    ask = sub.add_parser(
        "ask", help="answer a question with citations", usage="trialqa ask [QUESTION] [--trial NCT] [options]"
    )
    ask.add_argument("question", nargs="?")
    ask.add_argument("--trial", type=nct_id, help="NCT id to answer about")
    ask.add_argument(
        "--questions",
        help='JSONL file ("-": stdin), one {"trial_id", "question"} per line; a bad line gets an error object '
        '{"line", "error", "trial_id", "question"} in its place, the rest are answered, and the exit status is 1',
    )
    ask.add_argument("--json", action="store_true", help="print the JSON answer contract")
    ask.add_argument("--backend", choices=backend_names())
    across = ask.add_argument_group(
        "without --trial",
        "the question is answered across the indexed trials: a page of matching trials, each answered",
    )
    across.add_argument("--page", type=int, default=1, help="page of the listing (default 1)")
    across.add_argument("--page-size", type=int, help="trials per page (default $TRIALQA_QUESTIONS_PAGE_SIZE or 10)")
    for flag, example in (
        ("status", "recruiting, 'not yet recruiting', completed"),
        ("phase", "2, II, 'phase 1/2'"),
        ("study-type", "interventional, observational"),
        ("country", "China"),
        ("state", "Guangdong"),
        ("city", "Guangzhou"),
        ("condition", "'breast cancer' (narrower conditions match too)"),
    ):
        across.add_argument(
            f"--{flag}",
            action="append",
            default=[],
            help=f"keep trials with this {flag} ({example}); repeatable: any of them",
        )
    across.add_argument(
        "--listed",
        type=nct_ids,
        help="comma-separated trial ids of the listing before (its \"trials\"), so 'the second one' picks one of them",
    )
    ask.set_defaults(func=cmd_ask)

    trials = sub.add_parser("trials", help="list indexed trials")
    trials.add_argument("--json", action="store_true")
    trials.set_defaults(func=cmd_trials)

    delete = sub.add_parser("delete", help="remove trials from the index")
    delete.add_argument("trial_ids", nargs="+", metavar="NCT", type=nct_id)
    delete.set_defaults(func=cmd_delete)

    compact = sub.add_parser(
        "compact",
        help="rebuild the passages' vector index at its natural size (it grows with every re-ingest; no re-embedding)",
    )
    compact.add_argument("--quiet", action="store_true", help="no progress bar")
    compact.set_defaults(func=cmd_compact)

    demo = sub.add_parser("demo", help="index the bundled demo data and answer the demo question")
    demo.add_argument("--quiet", action="store_true")
    demo.set_defaults(func=cmd_demo)

    faq = sub.add_parser("faq", help="draft a cited plain-language FAQ for one or more trials")
    faq.add_argument("trial_ids", nargs="+", metavar="NCT", type=nct_id)
    faq.add_argument("--out", help="FILE.md or FILE.html (several trials: one file per trial beside it)")
    faq.add_argument("--sites", help="only list sites in this city")
    faq.add_argument("--backend", choices=backend_names())
    faq.set_defaults(func=_delegate("assistant.faq"))

    serve = sub.add_parser("serve", help="start the web UI")
    serve.add_argument("--backend", choices=backend_names())
    serve.set_defaults(func=cmd_serve)
    add_commands(sub, extensions)
    return parser


def main(argv: Sequence[str] | None = None, extensions: Sequence[Extension] = ()) -> int:
    """`trialqa` with assistant's own commands; the console script (trialqa/cli.py) adds the extensions."""
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    parser = build_parser(extensions)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(message)s")
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        return 130
    except LookupError as error:
        print(f"error: {error.args[0] if error.args else error}", file=sys.stderr)
        return 2
    except ValidationError as error:  # a TRIALQA_* variable that is no setting, or a value of the wrong kind
        print(f"error: {settings_problem(error)}", file=sys.stderr)
        return 2


def settings_problem(error: ValidationError) -> str:
    """One line for a settings error: which variable, and what is wrong with it."""
    first = error.errors()[0]
    message = str(first["msg"]).removeprefix("Value error, ")
    if not first["loc"]:
        return message
    variable = ENV_PREFIX + "_".join(str(part).upper() for part in first["loc"])  # ("retrieval", "top_k")
    if first["type"] == "extra_forbidden":
        return unknown_message(variable)
    return f"{variable}: {message}"


if __name__ == "__main__":
    raise SystemExit(main())

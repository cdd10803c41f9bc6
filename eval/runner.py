"""`trialqa eval`: run an evaluation set through the assistant (and the naive baseline) and report."""

from __future__ import annotations

import argparse
import datetime as dt
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from tqdm import tqdm

from assistant.records import Answer
from assistant.service import TrialQA
from assistant.settings import Settings
from eval import metrics, report
from eval.records import CitedPassage, EvalItem, EvalResult, score

DEFAULT_SET = Path(__file__).resolve().parent / "data" / "dev.jsonl"
THRESHOLDS = {"verdict_accuracy": 0.90, "recall_at_5": 0.95, "abstention_precision": 1.0}


class EvalSetError(ValueError):
    pass


def load_items(path: Path) -> list[EvalItem]:
    items: list[EvalItem] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            items.append(EvalItem.model_validate_json(line))
        except ValueError as error:
            first = str(error).splitlines()[0:3]
            raise EvalSetError(f"{path}:{number}: not an evaluation item ({' '.join(first)})") from error
    ids = [item.id for item in items]
    if len(ids) != len(set(ids)):
        raise EvalSetError(f"{path}: duplicate item ids")
    return items


def _passages(answer: Answer) -> list[CitedPassage]:
    return [
        CitedPassage(
            trial_id=s.chunk.trial_id,
            section=s.chunk.section,
            criterion=s.chunk.criterion,
            quote=s.chunk.text,
            start=s.chunk.start,
            end=s.chunk.end,
        )
        for s in answer.retrieved
    ]


def _cited(answer: Answer) -> list[CitedPassage]:
    return [
        CitedPassage(**c.model_dump(), start=c.start, end=None if c.start is None else c.start + len(c.quote))
        for c in answer.citations
    ]


def locate_evidence(qa: TrialQA, items: Sequence[EvalItem]) -> None:
    """Give each gold evidence the source spans of the passages it names (for position matching)."""
    lexical = qa.retriever.lexical()
    for item in items:
        for evidence in item.gold_evidence:
            evidence.spans = [
                (c.start, c.end)
                for c in lexical.trial_chunks(evidence.trial_id)
                if c.section == evidence.section and (evidence.criterion is None or c.criterion == evidence.criterion)
            ]


def phantom_count(answer: Answer, source_text: str | None) -> int:
    """Citations that point at no passage the answerer was given, or quote text the record lacks."""
    given = {s.chunk.chunk_id for s in answer.retrieved}
    bad = sum(
        1 for c in answer.citations if c.chunk_id not in given or source_text is None or c.quote not in source_text
    )
    return bad + answer.dropped_citations


def evaluate(
    qa: TrialQA, items: Sequence[EvalItem], backend: str | None, k: int, label: str = "eval"
) -> list[EvalResult]:
    results: list[EvalResult] = []
    sources: dict[str, str | None] = {}
    for item in tqdm(items, desc=label, unit="q"):
        answer = qa.ask(item.question, trial_id=item.trial_id, history=item.history, backend=backend)
        if item.trial_id not in sources:
            trial = qa.trial(item.trial_id)
            sources[item.trial_id] = trial.source_text if trial else None
        results.append(
            score(
                item,
                verdict=answer.verdict.value if answer.verdict else None,
                answer=answer.answer,
                abstained=answer.abstained,
                citations=_cited(answer),
                retrieved=_passages(answer)[: max(k, 10)],
                backend=answer.backend,
                latency_ms=answer.latency_ms or 0.0,
                phantom_citations=phantom_count(answer, sources[item.trial_id]),
            )
        )
    return results


def build_report(results: list[EvalResult], run_info: dict[str, object]) -> report.Report:
    return report.Report(
        run=run_info,
        overall=metrics.compute(results),
        per_category=metrics.by_category(results),
        failures=[report.failure_of(r) for r in results if r.failed],
        items=[report.item_row(r) for r in results],
    )


def _commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def missed_thresholds(result: report.Report) -> list[str]:
    missed = []
    for name, floor in THRESHOLDS.items():
        value = getattr(result.overall, name).value
        if value is None or value < floor:
            missed.append(f"{name} {value} < {floor}")
    if result.overall.phantom_citations:
        missed.append(f"phantom citations {result.overall.phantom_citations} > 0")
    return missed


def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.compare:
        print(report.compare_reports(Path(args.compare[0]), Path(args.compare[1])))
        return 0
    set_path = Path(args.set_file) if args.set_file else DEFAULT_SET
    try:
        items = load_items(set_path)
    except (OSError, EvalSetError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    qa = TrialQA(settings)
    qa.ensure_demo_data()
    locate_evidence(qa, items)
    results = evaluate(qa, items, args.backend, args.k)
    info: dict[str, object] = {
        "set": str(set_path),
        "backend": results[0].backend if results else args.backend,
        "k": args.k,
        "commit": _commit(),
        "timestamp": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "items": len(items),
    }
    result = build_report(results, info)
    if args.baseline:
        result.baseline = _baseline(qa, items, args.k, info)
    out = Path(args.out)
    report.write(result, [r.latency_ms for r in results], out)
    print(report.markdown(result).split("## Per category")[0])
    print(f"reports: {out / 'report.md'}, {out / 'report.html'}, {out / 'report.json'}")
    missed = missed_thresholds(result)
    if args.check and missed:
        print("quality thresholds missed: " + "; ".join(missed), file=sys.stderr)
        return 1
    return 0


def _baseline(qa: TrialQA, items: Sequence[EvalItem], k: int, info: dict[str, object]) -> report.Report:
    from assistant.offline import OfflineAnswerer
    from eval.baseline import NaiveRetriever

    trials = [t for t in (qa.trial(s.trial_id) for s in qa.trials()) if t is not None]
    naive = NaiveRetriever(qa.settings, trials)
    baseline = TrialQA(qa.settings, store=qa.store)
    baseline.offline = OfflineAnswerer(naive, qa.store, qa.rules)
    baseline.retriever = naive  # type: ignore[assignment]
    results = evaluate(baseline, items, "offline", k, label="baseline")
    return build_report(results, info | {"pipeline": "naive: RecursiveCharacterTextSplitter + Chroma top-k"})

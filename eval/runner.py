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
from eval import metrics, report, sets
from eval.records import CitedPassage, EvalItem, EvalResult, score, sections_named
from eval.sets import EvalSet

DEFAULT_SET = sets.SETS["dev"].items
THRESHOLDS = sets.SETS["dev"].floors


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
                if c.section in sections_named(evidence.section)
                and (evidence.criterion is None or c.criterion == evidence.criterion)
            ]


def phantom_count(answer: Answer, source_text: str | None) -> int:
    """Citations that point at no passage the answerer was given, or quote text the record lacks."""
    given = {s.chunk.chunk_id for s in answer.retrieved} | set(answer.consulted)
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
                decided_by=answer.decided_by,
                withheld_by=answer.withheld_by,
            )
        )
    return results


def build_report(results: list[EvalResult], run_info: dict[str, object]) -> report.Report:
    return report.Report(
        run=run_info,
        overall=metrics.compute(results),
        per_category=metrics.by_category(results),
        per_failure_class=metrics.by_failure_class(results),
        per_decision_path=metrics.by_decision_path(results),
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


def missed_thresholds(
    result: report.Report, floors: dict[str, float] | None = None, ceilings: dict[str, float] | None = None
) -> list[str]:
    """Every figure outside the set's floors and ceilings (default: the development set's floors)."""
    missed = []
    for name, floor in (THRESHOLDS if floors is None else floors).items():
        value = _figure(result, name)
        if value is None or value < floor:
            missed.append(f"{name} {value} < {floor}")
    for name, ceiling in (ceilings or {}).items():
        value = _figure(result, name)
        if value is not None and value > ceiling:
            missed.append(f"{name} {value} > {ceiling}")
    if result.overall.phantom_citations:
        missed.append(f"phantom citations {result.overall.phantom_citations} > 0")
    return missed


def targets_missed(result: report.Report, eval_set: EvalSet) -> list[str]:
    """The set's targets (what the project aims for, beyond the CI floors) that this run does not reach."""
    missed = []
    for name, (direction, target) in eval_set.targets.items():
        value = _figure(result, name)
        if value is None or (value < target if direction == ">=" else value > target):
            missed.append(f"{name} {value if value is None else round(value, 3)} (target {direction} {target})")
    return missed


def _figure(result: report.Report, name: str) -> float | None:
    value = getattr(result.overall, name)
    return value if not isinstance(value, metrics.Proportion) else value.value


def run_set(qa: TrialQA, eval_set: EvalSet, backend: str | None, k: int) -> tuple[report.Report, list[EvalResult]]:
    """Ingest the records a set asks about (unchanged ones are skipped), answer its items, report."""
    items = load_items(eval_set.items)
    qa.ingest(list(eval_set.records) or [qa.settings.demo.data], show_progress=False)
    locate_evidence(qa, items)
    results = evaluate(qa, items, backend, k, label=eval_set.name)
    info: dict[str, object] = {
        "set": eval_set.name,
        "file": str(eval_set.items),
        "backend": results[0].backend if results else backend,
        "k": k,
        "commit": _commit(),
        "timestamp": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "items": len(items),
    }
    return build_report(results, info), results


def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.compare:
        print(report.compare_reports(Path(args.compare[0]), Path(args.compare[1])))
        return 0
    chosen = [sets.resolve(name) for name in (args.set_file or list(sets.SETS))]
    for eval_set in chosen:
        if not eval_set.items.is_file():
            print(f"error: {eval_set.items}: no such evaluation set", file=sys.stderr)
            return 2
    qa = TrialQA(settings)
    reports: dict[str, report.Report] = {}
    failed: list[str] = []
    for eval_set in chosen:
        try:
            result, results = run_set(qa, eval_set, args.backend, args.k)
        except EvalSetError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        if args.baseline:
            result.baseline = _baseline(qa, load_items(eval_set.items), args.k, result.run)
        out = Path(args.out) / eval_set.name
        report.write(result, [r.latency_ms for r in results], out)
        reports[eval_set.name] = result
        missed = missed_thresholds(result, eval_set.floors, eval_set.ceilings)
        failed += [f"{eval_set.name}: {m}" for m in missed]
        for line in targets_missed(result, eval_set):
            print(f"{eval_set.name}: target not yet met: {line}")
        print(f"{eval_set.name}: {out / 'report.md'}, {out / 'report.html'}, {out / 'report.json'}")
    summary = report.side_by_side(reports)
    Path(args.out).mkdir(parents=True, exist_ok=True)
    (Path(args.out) / "summary.md").write_text(summary)
    print(summary)
    if args.check and failed:
        print("quality thresholds missed: " + "; ".join(failed), file=sys.stderr)
        return 1
    return 0


def _baseline(qa: TrialQA, items: Sequence[EvalItem], k: int, info: dict[str, object]) -> report.Report:
    from assistant.offline import OfflineAnswerer
    from eval.baseline import NaiveRetriever

    trials = [t for t in (qa.trial(s.trial_id) for s in qa.trials()) if t is not None]
    naive = NaiveRetriever(qa.settings, trials)
    reader = OfflineAnswerer(naive, qa.store, qa.rules, qa.settings.eligibility)
    baseline = TrialQA(qa.settings, store=qa.store, offline=reader)
    results = evaluate(baseline, items, "offline", k, label="baseline")
    return build_report(results, info | {"pipeline": "naive: RecursiveCharacterTextSplitter + Chroma top-k"})

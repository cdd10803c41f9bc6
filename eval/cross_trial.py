"""Evaluation of questions asked with no trial chosen (issue 18).

    python -m eval.cross_trial [--set eval/data/cross_trial_demo.jsonl] [--store DIR] [--out FILE.json]
    python -m eval.cross_trial --set eval/data/cross_trial_ctgov_dev.jsonl --records ../shared/data/ctgov-more \
        --store /tmp/store-ctgov

A set over other records than the demo names them with `--records` (ingested into the store first; stored
trials are skipped, so a second run reads only the questions).

An item is a question (and optional explicit filters) whose gold is the set of trials that should be listed and,
per trial, the verdict its own answer should give (null: not an eligibility question). Items are written by
reading the records (eval/data/cross_trial_demo.jsonl says per item how its gold was read). Scores, at the
page size the listing uses (default: settings.questions.page_size):

- trial-set precision: listed trials that are gold / trials listed;
- trial-set recall: gold trials listed / min(gold trials, page size) - a page cannot hold more;
- per-trial verdict accuracy: listed gold trials with a gold verdict whose own answer gives it;
- wrong verdicts: verdicts the gold contradicts (any verdict on a trial the gold gives none, or a different
  one), as a count and as a share of the verdicts given on gold trials.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

from assistant.across_trials import TrialFilters
from assistant.records import TrialListing

if TYPE_CHECKING:
    from assistant.service import TrialQA

UNDECIDED = "undecided"
DEFAULT_SET = Path(__file__).resolve().parent / "data" / "cross_trial_demo.jsonl"
# Issue 18's acceptance at the default page size.
TARGETS = {"trial_set_recall": 0.9, "trial_set_precision": 0.8}


class CrossTrialItem(BaseModel):
    id: str
    question: str
    filters: dict[str, list[str]] = Field(default_factory=dict, description="TrialFilters.given keyword -> values")
    gold: dict[str, str | None] = Field(
        description="trial id -> its gold verdict, as in eval/README.md (excluded, allowed, allowed_with_conditions, "
        "not_stated, undecided: a criterion is about the topic but the question lacks what decides it); null: not "
        "an eligibility question, no verdict expected"
    )
    notes: str = ""


class ItemScore(BaseModel):
    id: str
    listed: list[str]
    gold: list[str]
    precision: float | None  # None: nothing listed
    recall: float | None  # None: no gold trial
    verdicts_scored: int
    verdicts_correct: int
    verdicts_given: int
    wrong_verdicts: int
    verdict_misses: list[str] = Field(default_factory=list, description='"trial: gold -> given" per miss')


def load_items(path: Path = DEFAULT_SET) -> list[CrossTrialItem]:
    return [CrossTrialItem.model_validate_json(line) for line in path.read_text().splitlines() if line.strip()]


def score_item(item: CrossTrialItem, listing: TrialListing) -> ItemScore:
    listed = listing.listed
    gold = set(item.gold)
    hits = [t for t in listed if t in gold]
    scored = correct = given = wrong = 0
    misses: list[str] = []
    for entry in listing.trials:
        if entry.trial_id not in gold:
            continue
        expected = item.gold[entry.trial_id]
        verdict = entry.answer.verdict.value if entry.answer.verdict else None
        given += verdict is not None
        if verdict is not None and verdict != expected and not _compatible(expected, verdict):
            wrong += 1
        if expected is None:
            continue
        scored += 1
        if verdict == expected or (expected == UNDECIDED and verdict is None and not entry.answer.abstained):
            correct += 1
        else:
            misses.append(f"{entry.trial_id}: {expected} -> {verdict}")
    return ItemScore(
        id=item.id,
        listed=listed,
        gold=sorted(gold),
        precision=len(hits) / len(listed) if listed else None,
        recall=len(hits) / min(len(gold), listing.page_size) if gold else None,
        verdicts_scored=scored,
        verdicts_correct=correct,
        verdicts_given=given,
        wrong_verdicts=wrong,
        verdict_misses=misses,
    )


def _compatible(expected: str | None, verdict: str) -> bool:
    """A verdict the gold does not contradict: on an undecided item only "allowed with conditions" and "not
    stated" are not wrong (as eval/README.md counts wrong verdicts)."""
    return expected == UNDECIDED and verdict in ("allowed_with_conditions", "not_stated")


def summarise(scores: Sequence[ItemScore]) -> dict[str, float | int | None]:
    """Macro averages of precision and recall over the items that have them; verdicts micro-averaged."""
    precisions = [s.precision for s in scores if s.precision is not None]
    recalls = [s.recall for s in scores if s.recall is not None]
    scored = sum(s.verdicts_scored for s in scores)
    given = sum(s.verdicts_given for s in scores)
    wrong = sum(s.wrong_verdicts for s in scores)
    return {
        "items": len(scores),
        "trial_set_precision": sum(precisions) / len(precisions) if precisions else None,
        "trial_set_recall": sum(recalls) / len(recalls) if recalls else None,
        "verdict_accuracy": sum(s.verdicts_correct for s in scores) / scored if scored else None,
        "verdicts_scored": scored,
        "wrong_verdicts": wrong,
        "wrong_verdict_share": wrong / given if given else None,
    }


def run(qa: TrialQA, items: Sequence[CrossTrialItem], page_size: int | None = None) -> dict[str, object]:
    """Each item asked with no trial chosen through the service (`qa`: a TrialQA)."""
    scores: list[ItemScore] = []
    for item in items:
        filters = TrialFilters.given(**item.filters)
        answer = qa.ask(item.question, filters=filters, page_size=page_size)
        assert isinstance(answer, TrialListing), f"{item.id}: no listing for a question with no trial"
        scores.append(score_item(item, answer))
    summary = summarise(scores)
    unmet = [
        f"{name} {summary[name]} < {target}"
        for name, target in TARGETS.items()
        if summary[name] is None or summary[name] < target  # type: ignore[operator]
    ]
    return {"summary": summary, "targets_not_met": unmet, "items": [s.model_dump() for s in scores]}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--set", default=str(DEFAULT_SET), help="JSONL items")
    parser.add_argument(
        "--store", help="index folder (default: $TRIALQA_STORE_DIR); the demo data is ingested if empty"
    )
    parser.add_argument(
        "--records", action="append", default=[], help="folder or file of records the set is about (repeatable)"
    )
    parser.add_argument("--page-size", type=int)
    parser.add_argument("--out", help="write the report as JSON here")
    args = parser.parse_args(argv)
    from assistant.service import TrialQA
    from assistant.settings import Settings

    settings = Settings.at(Path(args.store)) if args.store else Settings()
    qa = TrialQA(settings)
    if args.records:
        report_ingest = qa.ingest([Path(p) for p in args.records])
        for line in report_ingest.errors:
            print(f"not indexed: {line}")
    else:
        qa.ensure_demo_data(show_progress=False)
    report = run(qa, load_items(Path(args.set)), args.page_size)
    text = json.dumps(report, indent=1)
    if args.out:
        Path(args.out).write_text(text)
    print(json.dumps(report["summary"], indent=1))
    for item in report["items"]:  # type: ignore[attr-defined]
        if item["precision"] != 1 or item["recall"] != 1 or item["verdict_misses"]:
            print(
                f"{item['id']}: precision {item['precision']}, recall {item['recall']}, misses {item['verdict_misses']}"
            )
    for line in report["targets_not_met"]:  # type: ignore[attr-defined]
        print(f"target not met: {line}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

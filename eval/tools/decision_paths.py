"""Precision of each verdict's decision path on first readings of blind splits: the evidence behind the
`eligibility` settings that withhold some kinds of verdict.

A first reading is a split's evaluation with the code of the day before anything was tuned on it. Each line of
eval/data/calibration/first_readings.jsonl is one item of such a reading (set, commit, gold, verdict, decision
paths); the question text comes from the split's file. Run:

    python -m eval.tools.decision_paths [--readings FILE] [--exclude-set unseen-dev16]

It prints, per decision path, per verdict and per kind of question (one that tells of a person, or one about a
topic in general), how many verdicts were given, how many were right, how many wrong. Readings taken since the
answerer records the exclusions it quotes without a verdict (`withheld_by`) add `withheld-excluded` rows: those
exclusions scored as if stated.
"""

from __future__ import annotations

import argparse
import collections
import json
from collections.abc import Iterable
from pathlib import Path

from assistant.question_shape import PERSONAL
from eval.records import EvalItem, verdict_is_correct, verdict_is_wrong
from eval.runner import load_items
from eval.sets import SETS

DEFAULT_READINGS = Path(__file__).resolve().parents[1] / "data" / "calibration" / "first_readings.jsonl"
_DEFINITE = ("excluded", "allowed", "allowed_with_conditions")

Row = tuple[str, str, str]  # decision paths, verdict, kind of question


def items(sets: Iterable[str]) -> dict[str, EvalItem]:
    """Item id -> item, from the named splits' files."""
    return {item.id: item for name in sets for item in load_items(SETS[name].items)}


def tally(readings: list[dict[str, object]], asked: dict[str, EvalItem]) -> dict[Row, list[int]]:
    """(paths, verdict, person|general) -> [verdicts, right, wrong], over the items that got a definite verdict, and
    the withheld exclusions of those that did not."""
    table: dict[Row, list[int]] = collections.defaultdict(lambda: [0, 0, 0])
    for reading in readings:
        item = asked[str(reading["id"])]
        kind = "person" if PERSONAL.search(item.question) else "general"
        verdict = str(reading["verdict"])
        withheld = [str(p) for p in reading.get("withheld_by", [])]  # type: ignore[attr-defined]
        if verdict in _DEFINITE:
            paths = " + ".join(sorted(str(p) for p in reading["decided_by"])) or "?"  # type: ignore[attr-defined]
            scored = (verdict, bool(reading["correct"]), bool(reading["wrong"]))
        elif withheld:
            paths = " + ".join(sorted(withheld))
            scored = (
                "withheld-excluded",
                bool(verdict_is_correct(item, "excluded", False)),
                verdict_is_wrong(item, "excluded"),
            )
        else:
            continue
        row = table[(paths, scored[0], kind)]
        row[0] += 1
        row[1] += scored[1]
        row[2] += scored[2]
    return table


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readings", type=Path, default=DEFAULT_READINGS, help="first-reading items (JSON lines)")
    parser.add_argument("--exclude-set", action="append", default=[], help="leave this split's reading out")
    args = parser.parse_args(argv)
    with args.readings.open(encoding="utf-8") as lines:
        readings = [r for r in (json.loads(line) for line in lines) if r["set"] not in args.exclude_set]
    table = tally(readings, items({str(r["set"]) for r in readings}))
    print(f"{'verdicts':>8} {'right':>5} {'wrong':>5}  question  verdict <- decision paths")
    for (paths, verdict, kind), (n, right, wrong) in sorted(table.items(), key=lambda kv: -kv[1][0]):
        print(f"{n:8d} {right:5d} {wrong:5d}  {kind:8}  {verdict} <- {paths}")


if __name__ == "__main__":
    main()

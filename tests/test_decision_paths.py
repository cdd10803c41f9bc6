"""The calibration table behind the `eligibility` settings: tallies per decision path and kind of question."""

from __future__ import annotations

import json

import pytest

from eval.records import EvalItem
from eval.tools.decision_paths import DEFAULT_READINGS, main, tally


def reading(
    item_id: str, verdict: str | None, paths: list[str], *, correct: bool, wrong: bool, withheld: tuple[str, ...] = ()
) -> dict[str, object]:
    return {
        "set": "s",
        "id": item_id,
        "verdict": verdict,
        "decided_by": paths,
        "correct": correct,
        "wrong": wrong,
        "withheld_by": list(withheld),
    }


def asked(item_id: str, question: str, gold: str = "excluded") -> EvalItem:
    return EvalItem(id=item_id, trial_id="NCT00000001", question=question, category="eligibility-excluded",
                    gold_verdict=gold)  # type: ignore[arg-type]  # fmt: skip


def test_tally_splits_person_from_general_questions_and_skips_non_verdicts() -> None:
    questions = {
        "a": "I have HIV. Can I join?",
        "b": "Is HIV exclusionary?",
        "c": "My son has HIV.",
        "d": "Can I join?",
    }
    known = {i: asked(i, q) for i, q in questions.items()}
    readings = [
        reading("a", "excluded", ["concept/exclusion/named"], correct=False, wrong=True),
        reading("b", "excluded", ["concept/exclusion/named"], correct=True, wrong=False),
        reading("c", "excluded", ["concept/exclusion/named"], correct=True, wrong=False),
        reading("d", None, [], correct=False, wrong=False),
    ]
    table = tally(readings, known)
    assert table[("concept/exclusion/named", "excluded", "person")] == [2, 1, 1]
    assert table[("concept/exclusion/named", "excluded", "general")] == [1, 1, 0]
    assert len(table) == 2


def test_committed_first_readings_back_the_named_exclusion_setting(capsys: pytest.CaptureFixture[str]) -> None:
    """The figure the `eligibility.named_exclusions` description quotes, from the committed readings of the splits it
    was measured on: not the held-out dev16/dev17, nor the splits first read after the setting was in (dev18 on),
    whose readings withhold these verdicts and are tallied as withheld."""
    # every split numbered 16 or more: read after the setting, or held out
    sets = {json.loads(line)["set"] for line in DEFAULT_READINGS.read_text(encoding="utf-8").splitlines() if line}
    later = sorted(s for s in sets if (n := s.removeprefix("unseen-dev")).isdigit() and int(n) >= 16)
    assert {"unseen-dev16", "unseen-dev17", "unseen-dev30"} <= set(later)
    main([arg for name in later for arg in ("--exclude-set", name)])
    rows = [line.split() for line in capsys.readouterr().out.splitlines()[1:]]
    # every path a concept match, one of them through the name itself
    named = [
        r
        for r in rows
        if r[3:5] == ["person", "excluded"]
        and all(p.startswith("concept/") for p in r[6::2])
        and any(p.endswith("/named") for p in r[6::2])
    ]
    verdicts, wrong = sum(int(r[0]) for r in named), sum(int(r[2]) for r in named)
    assert (wrong, verdicts) == (35, 72)


def test_withheld_exclusions_are_tallied_as_if_stated() -> None:
    known = {"a": asked("a", "I have HIV. Can I join?"), "b": asked("b", "I had HIV once.", gold="allowed")}
    named = ["concept/exclusion/named"]
    readings = [
        reading("a", None, [], correct=False, wrong=False, withheld=tuple(named)),
        reading("b", None, [], correct=False, wrong=False, withheld=tuple(named)),
    ]
    assert tally(readings, known)[("concept/exclusion/named", "withheld-excluded", "person")] == [2, 1, 1]

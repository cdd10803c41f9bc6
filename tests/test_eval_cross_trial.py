"""The cross-trial evaluation's metric (eval/cross_trial.py) on hand-made listings, and its demo items' gold."""

from __future__ import annotations

import json

from assistant.records import Answer, TrialEntry, TrialListing, Verdict
from eval.cross_trial import DEFAULT_SET, CrossTrialItem, load_items, score_item, summarise
from tests.conftest import DEMO


def _listing(verdicts: dict[str, Verdict | None], page_size: int = 10) -> TrialListing:
    entries = [
        TrialEntry(
            trial_id=trial_id,
            title="t",
            answer=Answer(question="q", trial_id=trial_id, verdict=verdict, answer="a", backend="offline"),
        )
        for trial_id, verdict in verdicts.items()
    ]
    return TrialListing(question="q", trial_id=None, answer="a", backend="offline", page_size=page_size, trials=entries)


def test_precision_recall_and_verdicts_of_one_item() -> None:
    item = CrossTrialItem(
        id="x", question="q", gold={"NCT00000001": "excluded", "NCT00000002": "not_stated", "NCT00000003": None}
    )
    listing = _listing(
        {"NCT00000001": Verdict.EXCLUDED, "NCT00000002": Verdict.ALLOWED, "NCT00000009": Verdict.EXCLUDED}
    )

    score = score_item(item, listing)

    assert score.precision == 2 / 3  # NCT00000009 is not gold
    assert score.recall == 2 / 3  # NCT00000003 was not listed
    assert (score.verdicts_scored, score.verdicts_correct) == (2, 1)
    assert score.wrong_verdicts == 1 and score.verdicts_given == 2  # verdicts on non-gold trials are not scored
    assert score.verdict_misses == ["NCT00000002: not_stated -> allowed"]


def test_recall_is_bounded_by_the_page_and_a_verdict_where_none_is_expected_is_wrong() -> None:
    gold: dict[str, str | None] = {f"NCT0000000{i}": None for i in range(1, 6)}
    listing = _listing({"NCT00000001": None, "NCT00000002": Verdict.ALLOWED}, page_size=2)

    score = score_item(CrossTrialItem(id="y", question="q", gold=gold), listing)
    summary = summarise([score])

    assert score.recall == 1.0  # two of five gold trials on a page of two
    assert score.wrong_verdicts == 1 and score.verdicts_scored == 0
    assert summary["verdict_accuracy"] is None and summary["wrong_verdict_share"] == 1.0


def test_demo_items_name_demo_trials_and_valid_verdicts() -> None:
    demo_ids = {p.stem for p in (DEMO / "ctgov").glob("*.json")} | {"NCT06839066"}
    items = load_items(DEFAULT_SET)

    assert len(items) >= 8 and len({i.id for i in items}) == len(items)
    for item in items:
        assert set(item.gold) <= demo_ids, item.id
        assert set(item.gold.values()) <= {None, "undecided", *(v.value for v in Verdict)}, item.id
        json.dumps(item.filters)


def test_undecided_gold_wants_no_verdict_and_calls_only_a_decided_one_wrong() -> None:
    item = CrossTrialItem(id="z", question="q", gold={"NCT00000001": "undecided", "NCT00000002": "undecided"})
    listing = _listing({"NCT00000001": None, "NCT00000002": Verdict.EXCLUDED})

    score = score_item(item, listing)

    assert (score.verdicts_scored, score.verdicts_correct, score.wrong_verdicts) == (2, 1, 1)

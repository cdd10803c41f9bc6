"""A follow-up about the same person keeps what the conversation told about them (fast: the three-trial store)."""

from __future__ import annotations

from assistant.service import TrialQA

SEED = "NCT06839066"


def test_a_follow_up_is_decided_with_the_facts_told_before(small_qa: TrialQA) -> None:
    history = ["My son is 15 years old. Could he join?"]
    alone = small_qa.ask("He also takes metformin. Does that change anything?", trial_id=SEED)
    followed = small_qa.ask("He also takes metformin. Does that change anything?", trial_id=SEED, history=history)
    assert alone.verdict != "excluded", alone.answer
    assert followed.verdict == "excluded" and "15" in followed.answer, followed.answer
    assert followed.question == "He also takes metformin. Does that change anything?"  # the question as asked


def test_a_new_question_without_reference_back_is_asked_alone(small_qa: TrialQA) -> None:
    history = ["My son is 15 years old. Could he join?"]
    answer = small_qa.ask("Is ILD exclusionary?", trial_id=SEED, history=history)
    assert "15" not in answer.answer, answer.answer

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


def test_a_statement_after_an_eligibility_question_is_more_facts_for_it(small_qa: TrialQA) -> None:
    # "My last dose was ..." read alone is a dosing question, "our local hospital" a location one: after "Could he
    # join?", a statement about the person is more facts for the same question, decided with what was told before
    history = ["My son is 15 years old. Could he join?"]
    answer = small_qa.ask(
        "His last dose of metformin was yesterday at our local hospital.", trial_id=SEED, history=history
    )
    assert answer.verdict == "excluded" and "15" in answer.answer, answer.answer
    alone = small_qa.ask("His last dose of metformin was yesterday at our local hospital.", trial_id=SEED)
    assert alone.verdict != "excluded", alone.answer


def test_a_question_after_an_eligibility_question_is_asked_as_itself(small_qa: TrialQA) -> None:
    history = ["My son is 15 years old. Could he join?"]
    answer = small_qa.ask("Where is the nearest site?", trial_id=SEED, history=history)
    assert answer.verdict is None and "sites" in answer.answer and "years" not in answer.answer, answer.answer

"""A follow-up about the same person keeps what the conversation told about them (fast: the three-trial store)."""

from __future__ import annotations

import pytest

from assistant.patient_facts import (
    asks_about_another_person,
    corrected_history,
    value_referred_back,
    values_put_in_place,
)
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


TM_TRIAL = "NCT00195091"  # Inclusion #3: "Six weeks must elapse from last chemotherapy or radiation therapy."


def test_a_corrected_time_stands_in_the_turn_that_told_it(small_qa: TrialQA) -> None:
    # The correction names no event ("it was actually ..."): its time replaces the one the earlier turn gave, so the
    # chemotherapy is checked at ten weeks, and "Sorry, I got the date wrong" is no fact of its own to look up.
    history = ["I had my last chemotherapy 3 weeks ago. Can I join?"]
    first = small_qa.ask(history[0], trial_id=TM_TRIAL)
    corrected = small_qa.ask(
        "Sorry, I got the date wrong: it was actually 10 weeks ago. Does that change things?",
        trial_id=TM_TRIAL,
        history=history,
    )
    # three weeks is inside the six weeks that must pass (quoted, its verdict withheld by the default policy)
    assert first.verdict not in ("allowed", "allowed_with_conditions") and "Inclusion #3" in first.answer, first.answer
    assert corrected.verdict in ("allowed", "allowed_with_conditions"), corrected.answer
    assert "date" not in corrected.answer and "Sorry" not in corrected.answer, corrected.answer


def test_a_supposed_case_after_an_eligibility_question_is_one_too(small_qa: TrialQA) -> None:
    # "What if ... at a different hospital" reads alone as a question about sites; after an eligibility question it
    # supposes another case of the same person.
    history = ["I had my last chemotherapy 3 weeks ago. Can I join?"]
    answer = small_qa.ask(
        "What if my last chemotherapy had been at a different hospital, ten weeks ago?",
        trial_id=TM_TRIAL,
        history=history,
    )
    assert answer.intent == "eligibility" and answer.verdict != "excluded", answer.answer
    asked_alone = small_qa.ask("What about the hospital sites?", trial_id=TM_TRIAL, history=history)
    assert asked_alone.intent == "location", asked_alone.answer


def test_a_thing_the_follow_up_stopped_is_the_one_told_before(small_qa: TrialQA) -> None:
    # "I finished them three weeks ago" names no treatment: "them", what the asker stopped or finished, is what the
    # turn before told of, so the time since is checked against that treatment's criterion (Exclusion #10: IV
    # antibiotics within 2 weeks)
    history = ["I was on IV antibiotics. Can I join?"]
    follow_up = "I finished them three weeks ago. Is that long enough?"
    answer = small_qa.ask(follow_up, trial_id=SEED, history=history)
    assert answer.verdict in ("allowed", "allowed_with_conditions") and "Exclusion #10" in answer.answer, answer.answer
    alone = small_qa.ask(follow_up, trial_id=SEED)
    assert "Exclusion #10" not in alone.answer, alone.answer


def test_an_apology_that_adds_a_fact_corrects_no_time() -> None:
    # "Sorry" opens corrections ("Sorry, typo. I'm 60"); one that adds a fact must not take the earlier time away
    told = ["I had my last chemotherapy 3 weeks ago. Can I join?"]
    assert corrected_history(told, "Sorry, I forgot: I also had radiation 10 weeks ago.") == told
    assert corrected_history(told, "Sorry, it was 10 weeks ago.") != told


@pytest.mark.parametrize(
    ("told", "follow_up", "kept", "gone"),
    [
        ("My son is 14 and was just diagnosed with HIV. Can he join?", "What if he were 16?", "16", "14"),
        ("My mother is 72 and just had a lumpectomy.", "And if she were exactly 70?", "70", "72"),
        (
            "My CLL has caused ITP and my platelets are around 30,000. Can I still enroll?",
            "What if my platelets are normal now?",
            "ITP",
            "30,000",
        ),
        # corrections said as people say them
        ("I'm 61, I have AIDS. Can I join?", "Sorry, typo. I'm 60, not 61. Everything else is the same.", "60", "61"),
        ("My dad is 91, on a ventilator. Could he join?", "Sorry, I got his age wrong. He's 89.", "89", "91"),
        # a test done again tells the value now; "same <person>" supposes the case with what follows changed
        ("DLBCL, 55yo, creatinine 1.8 mg/dL. Eligible?", "Repeat creatinine came back at 1.4.", "DLBCL", "1.8"),
        ("Pt w/ skull base chondrosarcoma, KPS 50. Eligible?", "Same pt, KPS now 60?", "chondrosarcoma", "50"),
    ],
)
def test_a_supposed_age_or_value_replaces_the_one_told(told: str, follow_up: str, kept: str, gone: str) -> None:
    # the earlier turn's age or value had stayed, and decided, after the follow-up supposed another
    (turn,) = values_put_in_place([told], follow_up)
    assert kept in turn and gone not in turn, turn
    # a follow-up that adds a fact leaves the earlier one
    assert values_put_in_place([told], "I also take aspirin.") == [told]


@pytest.mark.parametrize(
    ("told", "follow_up", "turn", "asked"),
    [
        (
            "My tumor was 12 cm from the anal verge. Can I still be included?",
            "My surgeon re-measured it on MRI and it's actually 9 cm.",
            "My tumor was 9 cm from the anal verge. Can I still be included?",
            "My surgeon re-measured it on MRI and it's actually .",
        ),
        (
            "My LDL is 175, does that rule me out?",
            "And if it's 150 by the time I'm screened?",
            "My LDL is 150, does that rule me out?",
            "And if it's by the time I'm screened?",
        ),
        # a test done again tells the value now, as a correction does
        (
            "My last CD4 count was 250. Would I qualify?",
            "The repeat test just came back at exactly 200. Does that change things?",
            "My last CD4 count was 200. Would I qualify?",
            "The repeat test just came back at exactly . Does that change things?",
        ),
        # a pair of readings written as one ("155 over 95") in place of the pair told ("145/95")
        (
            "BP is 145/95 on lisinopril. Would I qualify?",
            "what if it was 155 over 95 instead?",
            "BP is 155/95 on lisinopril. Would I qualify?",
            "what if it was instead?",
        ),
        # the same unit written two ways ("grams", "g")
        (
            "My daughter was born at 2,300 grams. Can she join?",
            "What if she had weighed 2,600 g?",
            "My daughter was born at 2,600 grams. Can she join?",
            "What if she had weighed ?",
        ),
        # of two values told, the one of the new number's magnitude (an HbA1c is never 150)
        (
            "My LDL is 175 and my HbA1c is 7.1%.",
            "What if it's 150?",
            "My LDL is 150 and my HbA1c is 7.1%.",
            "What if it's ?",
        ),
        # the digits of a measure's name ("CD4") are no value: the count is the one of the new number's magnitude
        (
            "My viral load is 8,500 copies/mL and my CD4 is 220. Can I join?",
            "What if the count were 180?",
            "My viral load is 8,500 copies/mL and my CD4 is 180. Can I join?",
            "What if the count were ?",
        ),
        # the follow-up names the number it replaces
        (
            "My last two CD4 counts were 95 and 140. Do I qualify?",
            "Suppose the 95 had actually been 110. Would that change the answer?",
            "My last two CD4 counts were 110 and 140. Do I qualify?",
            "Suppose . Would that change the answer?",
        ),
        # "once" supposes a case to come as "what if" does
        (
            "I'm HIV positive, 24 years old and 30 weeks pregnant. Can I join?",
            "And once I'm 33 weeks along?",
            "I'm HIV positive, 24 years old and 33 weeks pregnant. Can I join?",
            "And once I'm along?",
        ),
        # a length said with an article ("a year") in place of the one length told, number and unit
        (
            "My doctor thinks I have around 3 months left. Can I still be part of this?",
            "And if they said more like a year?",
            "My doctor thinks I have around 1 years left. Can I still be part of this?",
            "And if they said more like ?",
        ),
        # a length of time told as the one value, supposed again after a wait that is no value itself
        (
            "I'm 20 weeks pregnant. Can I sign up now?",
            "What about in five weeks, when I'm 25 weeks?",
            "I'm 25 weeks pregnant. Can I sign up now?",
            "What about in five weeks, when I'm ?",
        ),
    ],
)
def test_a_value_referred_back_takes_the_place_of_the_one_told(
    told: str, follow_up: str, turn: str, asked: str
) -> None:
    # the follow-up's number named no measure, so the earlier value stayed and decided against the new one
    assert value_referred_back([told], follow_up) == ([turn], asked)


@pytest.mark.parametrize(
    ("told", "follow_up"),
    [
        ("My LDL is 175.", "I also take a statin, 20 mg."),  # adds, corrects nothing
        # two values told of the new number's magnitude: which one is unclear
        ("My LDL is 175 and my fasting glucose is 160.", "What if it's 150?"),
        ("My LDL is 175 and my CD4 count is 220.", "What if it were 180?"),  # "CD4" names, its 4 is no value
        ("My tumor was 12 cm from the anal verge.", "What if it's 9 mm?"),  # another unit
        ("My LDL is 175.", "What if my HbA1c is 6.5%?"),  # a named measure, put in place by name
        ("My LDL is 175.", "What about in five weeks?"),  # a time to come, not a value (the told one is no length)
        ("I have around 3 months left.", "What if I wait a month?"),  # a wait, no length in place of the told one
        # a wait's number is no value ("three" had replaced the 25 weeks told)
        ("I'm 25 weeks pregnant right now. Could I join?", "And if I wait three more weeks before signing up?"),
        ("I'm 20 weeks pregnant.", "What about in a week?"),  # a time to come
    ],
)
def test_no_value_is_put_in_place_where_the_follow_up_does_not_refer_back_to_one(told: str, follow_up: str) -> None:
    assert value_referred_back([told], follow_up) is None


def test_a_follow_up_about_another_person_does_not_carry_the_first_persons_facts() -> None:
    told = ["I'm 19 and have had a herniated disc in my lower back for a year. Can I join?"]
    assert asks_about_another_person(told, "What about my mum then? She's 60 and has the same problem.")
    assert asks_about_another_person(told, "How about my brother?")
    # a relative of the first candidate, with or without "what about"
    son = ["My son is 13 and in 7th grade. Can he be part of TAAG?"]
    assert asks_about_another_person(son, "What about his twin sister then?")
    assert asks_about_another_person(son, "OK, and his brother just turned 16. Could he join?")
    # the asker's relative, asked about without "what about"; someone the asker only quotes is not asked about
    assert asks_about_another_person(told, "My brother has the same kind of symptoms and he is 53. Could he join?")
    assert not asks_about_another_person(told, "My friend said I need to stop my pills first, is that true?")
    # the same person again, or no person named
    assert not asks_about_another_person(["My mum is 60. Can she join?"], "What about my mum's blood pressure?")
    assert not asks_about_another_person(told, "What about the disc problem then?")
    # "and my husband's level was also 9.0" goes on about the measure the conversation named
    assert not asks_about_another_person(told, "And my husband's level was also 9.0. Does he qualify on that?")


def test_a_date_is_no_pair_of_readings() -> None:
    assert (
        value_referred_back(["BP is 145/95 on lisinopril. Would I qualify?"], "What if I came in on 10/31 instead?")
        is None
    )


@pytest.mark.parametrize(
    ("told", "follow_up", "kept"),
    [
        (
            "My bilirubin runs about 2.1 because I have Gilbert's syndrome. Does that rule me out?",
            "and if I didn't have Gilbert's, same 2.1?",
            "My bilirubin runs about 2.1. Does that rule me out?",
        ),
        (
            "My PSA is 8 because I have prostatitis. Can I join?",
            "What if I had no prostatitis?",
            "My PSA is 8. Can I join?",
        ),
    ],
)
def test_a_reason_supposed_away_goes_and_the_value_told_with_it_stays(told: str, follow_up: str, kept: str) -> None:
    assert corrected_history([told], follow_up) == [kept]


@pytest.mark.parametrize("follow_up", ["and after my birthday next month, when I'm 18?", "What about once I'm 18?"])
def test_an_age_to_come_replaces_the_age_told(follow_up: str) -> None:
    from assistant.patient_facts import values_put_in_place

    told = ["I'm 17 and have a sarcoma that nothing has worked on. Can I join?"]
    assert values_put_in_place(told, follow_up) == ["I'm 18 and have a sarcoma that nothing has worked on. Can I join?"]

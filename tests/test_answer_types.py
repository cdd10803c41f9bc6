"""The answer type a wh-question expects, and the sentences that hold one (assistant.answer_types)."""

from __future__ import annotations

import pytest

from assistant.answer_types import AnswerType, Expected, degree_words, expected_answer, holds_answer


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("How long would I be on the study medication?", AnswerType.DURATION),
        ("For how long do the newborn babies get the study drug?", AnswerType.DURATION),
        ("How far apart are the two doses?", AnswerType.DURATION),
        ("How many weeks is the run-in?", AnswerType.DURATION),
        ("How often will I have to come in?", AnswerType.FREQUENCY),
        ("How many times a day do I take it?", AnswerType.FREQUENCY),
        ("How many sleep studies will I have to do?", AnswerType.COUNT),
        ("How much IVIg is given each month?", AnswerType.AMOUNT),
        ("What dose would my child start on?", AnswerType.AMOUNT),
        ("What percentage of patients responded?", AnswerType.PERCENT),
        ("When is the second blood test done?", AnswerType.TIME_POINT),
        ("Until what age do boys stay on the combination?", AnswerType.TIME_POINT),
        ("On which days of each cycle do I take the capsules?", AnswerType.TIME_POINT),
        # The asking clause decides: what the asker tells before it does not.
        ("I was diagnosed a long time ago. Which drug is tested?", None),
        ("Is this a randomized trial?", None),
        ("What is 566C80?", None),
    ],
)
def test_the_asking_clause_names_the_expected_answer(question: str, kind: AnswerType | None) -> None:
    expected = expected_answer(question)
    assert (expected.kind if expected else None) == kind


def test_the_degree_words_are_located_and_a_count_names_what_it_counts() -> None:
    question = "If the first round works, how long does the maintenance therapy go on?"
    expected = expected_answer(question)
    assert expected is not None and expected.degree is not None
    assert question[expected.degree[0] : expected.degree[1]] == "how long"
    count = expected_answer("How many sleep studies will I have to do?")
    assert count is not None and count.kind is AnswerType.COUNT
    assert holds_answer(count, "Participants complete two sleep studies one week apart.")
    # A number that counts something else is no answer to this count.
    assert not holds_answer(count, "Each study lasts 8 hours in a sleep laboratory.")
    # The number of a name ("GPX-100 in treating patients") counts nothing.
    patients = expected_answer("How many patients will be treated?")
    assert patients is not None
    assert not holds_answer(patients, "Phase I trial of GPX-100 in treating patients who have solid tumors.")
    assert holds_answer(patients, "A maximum of 30 patients will be accrued.")


def test_a_length_of_time_that_places_a_moment_is_no_duration() -> None:
    duration = Expected(AnswerType.DURATION)
    assert not holds_answer(duration, "They are called by telephone 4 months later.")
    assert not holds_answer(duration, "Pain is assessed at 12 months.")
    assert not holds_answer(duration, "No experimental drug within 6 weeks of study entry.")
    assert holds_answer(duration, "Men use contraception for 3 months after the last dose.")


def test_the_period_of_a_repeat_is_no_duration() -> None:
    duration = Expected(AnswerType.DURATION)
    assert not holds_answer(duration, "Treatment continues every 2 weeks in the absence of disease progression.")
    assert not holds_answer(duration, "Visits are each 4 weeks.")
    assert holds_answer(duration, "Treatment repeats every 2 weeks for 12 weeks.")
    assert holds_answer(Expected(AnswerType.FREQUENCY), "Treatment continues every 2 weeks.")


@pytest.mark.parametrize(
    ("kind", "holding", "not_holding"),
    [
        (AnswerType.DURATION, "randomized to amitriptyline or placebo for six weeks.", "Patients take amitriptyline."),
        (AnswerType.DURATION, "an evaluation over a 3- to 4-day period", "an evaluation at the clinical center"),
        (AnswerType.FREQUENCY, "AZT is taken every 4 hours while awake.", "AZT is taken by mouth."),
        (AnswerType.FREQUENCY, "given as 3 doses per day", "given as a single infusion of 3 g"),
        (AnswerType.TIME_POINT, "vaccines are given at week 4", "vaccines are given by a nurse"),
        (AnswerType.TIME_POINT, "done within 12 hours of surgery", "done by the surgeon"),
        (AnswerType.COUNT, "two sleep studies are done", "sleep studies are done"),
        (AnswerType.AMOUNT, "IVIg 2 g/kg divided over two days", "IVIg divided over days"),
        (AnswerType.AMOUNT, "2 sprays in each nostril", "sprays in each nostril"),
        (AnswerType.PERCENT, "31% had a complete response", "some had a complete response"),
    ],
)
def test_a_sentence_holds_the_expected_answer_only_when_it_says_one(
    kind: AnswerType, holding: str, not_holding: str
) -> None:
    assert holds_answer(Expected(kind), holding)
    assert not holds_answer(Expected(kind), not_holding)


def test_every_degree_word_of_a_two_part_question_is_found() -> None:
    question = "How many rounds of chemo are there, and how far apart?"
    assert [question[a:b] for a, b in degree_words(question)] == ["How many", "how far apart"]


def test_the_verb_closing_a_how_long_clause_asks_with_it() -> None:
    question = "How long does the study last?"
    assert [question[s:e] for s, e in degree_words(question)] == ["How long", "last"]
    # "last" before what it qualifies is a topic word, and with no "how long" it is no such verb
    other = "How long after my last dose can I join?"
    assert [other[s:e] for s, e in degree_words(other)] == ["How long"]
    assert degree_words("Is this the last visit?") == []

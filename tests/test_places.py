"""Place names in questions (assistant.places) and the offline answerer's use of a trial's site places (fast tier)."""

from __future__ import annotations

import re

import pytest

from assistant.intents import IntentRules
from assistant.offline import OfflineAnswerer
from assistant.places import country, fold, names_a_place
from ingest.records import Trial
from tests.test_structured_answers import answerer, ask, trials

__all__ = ["answerer", "trials"]  # fixtures of the structured-answer tests, used here

PLACES = {"canada", "boston", "new york", "norway", "south korea", "bergen"}


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("Is it open anywhere in Canada?", True),
        ("In Canada, where can I go?", True),  # a sentence-initial function word is no part of the name
        ("Any site in New York?", True),
        ("Which places in Norway are involved?", True),
        ("Sites in South Korea?", True),
        # lower-case words are ordinary words, and a place inside a longer name is that name's
        ("Is turkey allowed?", False),
        ("What Boston Naming Test score is needed?", False),
        ("Is there a site in Oslo?", False),  # not one of the places given
    ],
)
def test_a_place_is_named_as_a_whole_capitalised_name(text: str, named: bool) -> None:
    assert names_a_place(text, PLACES) is named


def test_country_spellings_fold_to_one_name() -> None:
    assert fold("São Paulo") == "sao paulo"
    assert country(fold("Korea, Republic of")) == country(fold("South Korea"))
    assert country(fold("US")) == country(fold("U.S.")) == country(fold("United States of America"))


@pytest.mark.parametrize(
    ("question", "name"),
    [
        ("Who ran it?", "sponsor"),  # tenses of the same verbs ask the same thing
        ("Who funded the study?", "sponsor"),
        ("What was the main thing the study measured?", "outcomes"),
        ("Is the family study still taking new families?", "status"),
        ("The trial says terminated - what was the reason?", "status"),
        # everyday ways of asking who is responsible, who stands behind it, and whether it still wants people
        ("Who's the doctor in charge of this growth study?", "officials"),  # "in charge" is no charge to pay
        ("Which NIH institute is behind this heart MRI study?", "sponsor"),
        ("Is this study still looking for volunteers?", "status"),
    ],
)
def test_fact_intents_read_past_tenses_and_reasons(question: str, name: str) -> None:
    intent = IntentRules.from_package().classify(question)
    assert (intent.kind, intent.name) == ("fact", name)


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Where would we need to go for the study visits?", "location"),  # where visits are held: the sites
        ("Where would I have to go to take part in this study?", "location"),  # joining words say why
        ("Is there a participating hospital in Rome?", "location"),  # whether a site exists
        ("Which places in Norway are involved?", "location"),
        ("How many visits are there?", "not_stated"),  # the schedule is still not a place
        ("Where will the results be published?", "not_stated"),  # a place that is not a site
    ],
)
def test_a_question_asking_for_a_place_is_about_the_sites(question: str, kind: str) -> None:
    assert IntentRules.from_package().classify(question).kind == kind
    # "is there" with no site word after it asks whether something else exists
    assert IntentRules.from_package().classify("Is there a limit on prior chemotherapy?").kind != "location"


def test_a_general_question_naming_a_site_country_lists_the_sites_there(
    answerer: OfflineAnswerer, trials: dict[str, Trial]
) -> None:
    question = "Does the study run in Mexico?"
    assert IntentRules.from_package().classify(question).kind == "general"  # no site word: the trial's places decide
    # "anywhere" asks where the study runs, as a site word does
    assert IntentRules.from_package().classify("Does the study run anywhere in Mexico?").kind == "location"
    for asked in (question, "Does the study run anywhere in Mexico?"):
        answer = ask(answerer, trials, "NCT05885022", asked)
        assert {c.section for c in answer.citations} == {"Locations"}, answer.answer
        assert "Puebla" in answer.answer and "Chihuahua" in answer.answer and "Chennai" not in answer.answer


def test_a_question_about_a_site_city_itself_is_not_about_the_trial(
    answerer: OfflineAnswerer, trials: dict[str, Trial]
) -> None:
    answer = ask(answerer, trials, "NCT05885022", "What's the weather like in Puebla this week?")
    assert answer.abstained and not answer.citations, answer.answer


def test_sites_outside_a_place_are_the_ones_elsewhere(answerer: OfflineAnswerer, trials: dict[str, Trial]) -> None:
    # "outside Mexico" had listed the sites in Mexico, by the word it shares with them
    answer = ask(answerer, trials, "NCT05885022", "Are there any sites outside Mexico?")
    assert "Chennai" in answer.answer and "Puebla" not in answer.answer, answer.answer


def test_living_just_outside_a_place_is_where_the_asker_is(answerer: OfflineAnswerer, trials: dict[str, Trial]) -> None:
    # "We live outside Puebla" had been read as asking for the sites elsewhere than Puebla
    answer = ask(answerer, trials, "NCT05885022", "Are any of the sites in Mexico? We live just outside Puebla.")
    assert "Puebla" in answer.answer and "Chennai" not in answer.answer, answer.answer
    # outside a country the asker lives abroad, and the sites elsewhere are what is asked
    answer = ask(answerer, trials, "NCT05885022", "I live outside Mexico, so which sites could I use?")
    assert "Chennai" in answer.answer and "Puebla" not in answer.answer, answer.answer


def test_a_region_no_site_line_names_gets_the_sites_countries_not_a_no(
    answerer: OfflineAnswerer, trials: dict[str, Trial]
) -> None:
    # "South America" had matched a site by "South" alone, or been answered "no site" though the record cannot say
    # which countries a region holds
    answer = ask(answerer, trials, "NCT05885022", "Are there any sites in Central Asia?")
    lead = answer.answer.split(". ")[0]
    assert "by that name" in lead and "Mexico" in lead and "India" in lead, answer.answer


@pytest.mark.parametrize(
    ("question", "names_a_code"),
    [
        ("What is 566C80?", True),  # a code that starts with digits
        ("What drug is 524W91?", True),
        ("Is PS-341 the same drug as Velcade?", True),
        ("What is 1592U89? Is it a drug I'd know by another name?", True),  # not a question about taking part
        ("What is the washout period?", False),  # a topic of the record, not a name
        ("Is the pain the same as before?", False),
    ],
)
def test_a_question_asking_what_a_name_stands_for_asks_for_the_treatment(question: str, names_a_code: bool) -> None:
    """A criterion that uses a name ("unable to take 566C80") does not say what it is; the treatment answer quotes the
    sentence naming it and the record's interventions ("atovaquone (566C80)", "DRUG: Atovaquone")."""
    intent = IntentRules.from_package().classify(question)
    assert ((intent.kind, intent.name) == ("fact", "treatment")) is names_a_code, intent


@pytest.mark.parametrize(
    ("question", "kind", "name"),
    [
        # how long taking part lasts, in everyday verbs
        ("How long do I have to keep taking the supplements?", "not_stated", "duration"),
        ("How long would I be on the study drugs?", "not_stated", "duration"),
        # how long to be off something first is a washout: an eligibility question
        ("So how long do I need to be off the prednisone before I could enter?", "eligibility", ""),
        # how long one takes the medicine is how long one takes part in it
        ("How long do I take the medicine, and how long am I in the study overall?", "not_stated", "duration"),
    ],
)
def test_how_long_taking_part_lasts_is_not_how_long_to_be_off_something(question: str, kind: str, name: str) -> None:
    intent = IntentRules.from_package().classify(question)
    assert (intent.kind, intent.name) == (kind, name)


@pytest.mark.parametrize(
    "sentence",
    [
        "Treatment continues for at least 48 weeks.",
        "taken in addition to regular diet for 4 months",
        "Clinic visits occur at regular intervals throughout the 48-week study period.",
        "The treatment period is 24 weeks.",
    ],
)
def test_a_length_of_taking_part_is_evidence_of_its_duration(sentence: str) -> None:
    spec = IntentRules.from_package().classify("How long would I be on the study drugs?").spec
    assert any(re.search(p, sentence, re.IGNORECASE) for p in spec["evidence"])


@pytest.mark.parametrize(
    ("question", "kind", "name"),
    [
        # how many times is a frequency, not time spent ("how much time will this take?")
        ("How many times a day do I take it and for how long?", "dosing", ""),
        ("How much time will the visits take?", "not_stated", "visits"),
    ],
)
def test_how_many_times_asks_a_frequency(question: str, kind: str, name: str) -> None:
    intent = IntentRules.from_package().classify(question)
    assert (intent.kind, intent.name) == (kind, name), intent


@pytest.mark.parametrize(
    ("question", "kind", "name"),
    [
        # "get in touch" is contacting, not getting into the study
        ("Who can I get in touch with about this study?", "fact", "contacts"),
        ("Could my son get in?", "eligibility", ""),
        # the doctor running the study is its investigator; the one running it, unnamed, its sponsor
        ("Who's the doctor running this study?", "fact", "officials"),
        ("Who is running this study?", "fact", "sponsor"),
    ],
)
def test_who_to_reach_and_who_leads(question: str, kind: str, name: str) -> None:
    intent = IntentRules.from_package().classify(question)
    assert (intent.kind, intent.name) == (kind, name), intent

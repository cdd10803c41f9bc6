"""The offline answerer quotes the sentence that holds the kind of answer asked for (fast tier).

The record is a classic-XML record written for this test: hard-wrapped text blocks, a studied condition, and for each
question a sentence sharing more of its words that does not hold the value, beside the one that does.
"""

from __future__ import annotations

import re

import pytest

from assistant.intents import IntentRules
from assistant.offline import OfflineAnswerer
from assistant.settings import EligibilitySettings
from ingest.loaders import load_bytes, load_file
from ingest.records import Trial
from tests.test_structured_answers import FIXTURES, RECORDS, Directory, StubRetriever, ask

RECORD = """<?xml version="1.0" encoding="UTF-8"?>
<clinical_study>
  <id_info><nct_id>NCT09000001</nct_id></id_info>
  <brief_title>Interferon for Chronic Hepatitis C</brief_title>
  <brief_summary>
    <textblock>
      This study tests whether maintenance interferon helps people with chronic hepatitis C keep
      their response. The maintenance interferon treatment is given to the responders of the first phase.
      A second question is whether KX-7 given alongside slows liver scarring.
    </textblock>
  </brief_summary>
  <detailed_description>
    <textblock>
      Patients receive up to 48 weeks of treatment. Responders are randomized to maintenance or none;
      maintenance interferon is injected under the skin of the belly every other week
      for 24 weeks. Liver tests are repeated 4 months later. Liver biopsies are done by a hepatologist
      at the clinic. Patients have two liver biopsies in all.
    </textblock>
  </detailed_description>
  <overall_status>Completed</overall_status>
  <arm_group>
    <arm_group_label>Maintenance</arm_group_label>
    <arm_group_type>Experimental</arm_group_type>
  </arm_group>
  <arm_group>
    <arm_group_label>Observation</arm_group_label>
    <arm_group_type>No Intervention</arm_group_type>
  </arm_group>
  <intervention>
    <intervention_type>Drug</intervention_type>
    <intervention_name>Letrozole</intervention_name>
    <description>Letrozole is given as a 2.5 mg dose by mouth once a day</description>
  </intervention>
  <intervention>
    <intervention_type>Drug</intervention_type>
    <intervention_name>Bevacizumab</intervention_name>
    <description>bevacizumab is given as a 10 mg/kg dose IV every 3 weeks</description>
  </intervention>
  <phase>Phase 3</phase>
  <study_type>Interventional</study_type>
  <condition>Hepatitis C</condition>
  <eligibility>
    <criteria>
      <textblock>
        Inclusion Criteria:

          -  Chronic hepatitis C

        Exclusion Criteria:

          -  Hepatitis B

          -  Current illicit drug use or drug abuse that would interfere with the study
      </textblock>
    </criteria>
    <gender>All</gender>
    <minimum_age>18 Years</minimum_age>
    <maximum_age>N/A</maximum_age>
  </eligibility>
</clinical_study>
"""


@pytest.fixture(scope="module")
def trial() -> Trial:
    return load_bytes(RECORD.encode(), "NCT09000001.xml")[0]


@pytest.fixture(scope="module")
def answerer(trial: Trial) -> OfflineAnswerer:
    return OfflineAnswerer(
        StubRetriever([trial]), Directory([trial]), IntentRules.from_package(), EligibilitySettings()
    )


@pytest.fixture(scope="module")
def structured_trials() -> dict[str, Trial]:
    """The structured-answer tests' real records (one has posted outcome measures)."""
    loaded = [load_file(FIXTURES / name)[0] for name in RECORDS]
    return {t.trial_id: t for t in loaded}


@pytest.fixture(scope="module")
def structured_answerer(structured_trials: dict[str, Trial]) -> OfflineAnswerer:
    trials = list(structured_trials.values())
    return OfflineAnswerer(StubRetriever(trials), Directory(trials), IntentRules.from_package(), EligibilitySettings())


def quoted(answerer: OfflineAnswerer, question: str, trial_id: str = "NCT09000001") -> str:
    """The first citation's quote, whitespace folded; the answer must cite."""
    answer = answerer.answer(question, trial_id, answerer.rules.classify(question))
    assert answer.citations, answer.answer
    return " ".join(answer.citations[0].quote.split())


def test_how_long_quotes_the_sentence_with_a_duration_across_the_wrapped_line(answerer: OfflineAnswerer) -> None:
    # The sentence with all the question's words ("The maintenance interferon treatment is given to the responders")
    # has no duration; the one that answers is wrapped over two lines, with the duration after the break.
    quote = quoted(answerer, "How long is the maintenance interferon treatment given?")
    assert quote.endswith("every other week for 24 weeks."), quote


def test_the_studied_condition_is_context_not_a_word_the_answer_must_repeat(answerer: OfflineAnswerer) -> None:
    quote = quoted(answerer, "How long does the hepatitis C treatment last?")
    assert "48 weeks" in quote, quote  # the sentence says "treatment" and a duration; "hepatitis C" is the trial's


def test_how_many_quotes_the_sentence_with_a_number_of_what_is_counted(answerer: OfflineAnswerer) -> None:
    quote = quoted(answerer, "How many liver biopsies are done?")
    assert quote == "Patients have two liver biopsies in all.", quote


@pytest.mark.parametrize("question", ["What drug would I get?", "How long would the study drug be given?"])
def test_what_the_study_gives_is_not_answered_from_a_criterion(answerer: OfflineAnswerer, question: str) -> None:
    # "illicit drug use or drug abuse" in a criterion shares more words with the question than the study's own text
    answer = answerer.answer(question, "NCT09000001", answerer.rules.classify(question))
    assert answer.verdict is None and "illicit" not in answer.answer, answer.answer
    assert answer.citations and answer.citations[0].chunk_id.split(":")[1] != "exclusion-criteria", answer.answer


def test_a_dose_question_naming_a_brand_finds_the_dose_of_its_ingredient(answerer: OfflineAnswerer) -> None:
    # The record names the ingredient only; the vocabulary's names of the mentioned drug decide which dose is meant.
    assert (
        quoted(answerer, "What dose of Avastin is given?") == "bevacizumab is given as a 10 mg/kg dose IV every 3 weeks"
    )


def test_a_posted_outcome_is_quoted_as_its_whole_line(
    structured_answerer: OfflineAnswerer, structured_trials: dict[str, Trial]
) -> None:
    # An outcome line lists its groups after semicolons; a sentence split would quote the first group only.
    question = "Did pregabalin lower the morphine consumption compared with placebo?"
    answer = ask(structured_answerer, structured_trials, "NCT00353704", question)
    assert answer.citations and answer.citations[0].section == "Results", answer.answer
    assert answer.citations[0].quote.endswith("Pregabalin 7.3 (SD 6.3); Placebo 16.0 (SD 13.2)"), answer.answer


def test_an_arm_that_does_not_say_what_is_asked_is_completed_from_the_description(answerer: OfflineAnswerer) -> None:
    question = "In the maintenance group, how long is the interferon given?"
    answer = answerer.answer(question, "NCT09000001", answerer.rules.classify(question))
    assert answer.intent == "fact:arms", answer.intent
    quotes = [" ".join(c.quote.split()) for c in answer.citations]
    assert quotes[0].startswith("Maintenance"), quotes  # the arm itself first
    assert any(q.endswith("every other week for 24 weeks.") for q in quotes[1:]), quotes


def test_a_question_about_what_a_code_names_also_gets_the_records_interventions() -> None:
    # No sentence says what KX-7 is, and the interventions are names only (as in many classic-XML records): the
    # record's list of interventions by name is what it does say.
    bare = re.sub(r"\s*<description>.*?</description>", "", RECORD).replace("NCT09000001", "NCT09000002")
    trial = load_bytes(bare.encode(), "NCT09000002.xml")[0]
    answerer = OfflineAnswerer(
        StubRetriever([trial]), Directory([trial]), IntentRules.from_package(), EligibilitySettings()
    )
    question = "What is KX-7?"
    answer = answerer.answer(question, "NCT09000002", answerer.rules.classify(question))
    quotes = [" ".join(c.quote.split()) for c in answer.citations]
    assert "KX-7" in quotes[0], quotes
    assert {"DRUG: Letrozole", "DRUG: Bevacizumab"} <= set(quotes[1:]), quotes


SMALL = """<?xml version="1.0" encoding="UTF-8"?>
<clinical_study>
  <id_info><nct_id>NCT09000003</nct_id></id_info>
  <brief_title>Amitriptyline for Pain After Spinal Cord Injury</brief_title>
  <detailed_description>
    <textblock>
      In the study, patients take a daily dose of amitriptyline or placebo for 6 weeks. Pain is rated weekly.
    </textblock>
  </detailed_description>
  <intervention>
    <intervention_type>Drug</intervention_type>
    <intervention_name>Amitriptyline</intervention_name>
  </intervention>
</clinical_study>
"""


def test_the_study_medication_is_the_trials_own_intervention() -> None:
    # "the study medication" never appears in the record; its intervention's name does.
    trial = load_bytes(SMALL.encode(), "NCT09000003.xml")[0]
    rules, policy = IntentRules.from_package(), EligibilitySettings()
    answerer = OfflineAnswerer(StubRetriever([trial]), Directory([trial]), rules, policy)
    question = "How long would I be on the study medication?"
    answer = answerer.answer(question, "NCT09000003", rules.classify(question))
    assert not answer.abstained and answer.citations, answer.answer
    assert answer.citations[0].quote.endswith("amitriptyline or placebo for 6 weeks."), answer.answer

"""Questions about what the study does are answered from the text that tells it (fast tier).

The record is a classic-XML record written for this test. Its criteria say "study drugs" often enough to fill a search
of the whole record, its description opens with a background sentence that has a length of time in it, and one of its
sentences says how long treatment goes on only by pointing back to the sentence before ("This is continued ..."). Its
arm's description is one line: a dose sentence, a schedule that points back to it, and a richer follow-up schedule.
"""

from __future__ import annotations

import pytest

from assistant.intents import IntentRules
from assistant.offline import OfflineAnswerer, abbreviations_defined_for
from assistant.settings import EligibilitySettings
from ingest.loaders import load_bytes
from ingest.records import Trial
from tests.test_structured_answers import Directory, StubRetriever
from tests.test_typed_answers import quoted

TRIAL_ID = "NCT09000027"
# One line, as registries write an arm's description.
ARM_DESCRIPTION = (
    "Patients receive KX-9 IV on day 1 and vitamin D by mouth daily until the wound heals. Treatment continues every "
    "2 weeks for 4 courses in the absence of disease progression. Patients who achieve a full recovery after course "
    "4 receive 2 additional courses. Patients are followed every 2 months for 6 months, every 6 months for 2 years, "
    "and then annually."
)
RECORD = f"""<?xml version="1.0" encoding="UTF-8"?>
<clinical_study>
  <id_info><nct_id>{TRIAL_ID}</nct_id></id_info>
  <brief_title>Oral KX-9 After Spinal Operation</brief_title>
  <brief_summary>
    <textblock>
      To find whether oral KX-9 helps people heal after a spinal operation.
    </textblock>
  </brief_summary>
  <detailed_description>
    <textblock>
      In the next 20 years a large increase in spinal operations is predicted. Patients are randomized to
      receive one of two doses of KX-9 or placebo for 12 weeks. Patients are followed for 4 years after the
      operation. Patients with pain also get FIAC-2 by mouth three times a day. This is continued for up to
      90 days or until the pain resolves. Patients with nerve pain may add gabapentin (GBP). All of them receive
      6 weeks of standard GBP.
    </textblock>
  </detailed_description>
  <overall_status>Completed</overall_status>
  <arm_group>
    <arm_group_label>KX-9</arm_group_label>
    <arm_group_type>Experimental</arm_group_type>
    <description>{ARM_DESCRIPTION}</description>
  </arm_group>
  <intervention>
    <intervention_type>Drug</intervention_type>
    <intervention_name>KX-9</intervention_name>
  </intervention>
  <phase>Phase 2</phase>
  <study_type>Interventional</study_type>
  <condition>Spinal Stenosis</condition>
  <eligibility>
    <criteria>
      <textblock>
        Inclusion Criteria:

          -  Able to take study drugs by mouth

          -  Willing to stop other study drugs

        Exclusion Criteria:

          -  Allergy to any of the study drugs

          -  Took study drugs of another trial in the last 30 days

          -  Antiretroviral drugs other than the study drugs

          -  Unable to be on study drugs as planned

          -  Would be on other drugs that interact with the study drugs

          -  Will be on study drugs of a different sponsor

          -  Prior study drugs from this sponsor
      </textblock>
    </criteria>
    <gender>All</gender>
    <minimum_age>18 Years</minimum_age>
    <maximum_age>N/A</maximum_age>
  </eligibility>
</clinical_study>
"""


@pytest.fixture(scope="module")
def answerer() -> OfflineAnswerer:
    trial: Trial = load_bytes(RECORD.encode(), f"{TRIAL_ID}.xml")[0]
    return OfflineAnswerer(
        StubRetriever([trial]), Directory([trial]), IntentRules.from_package(), EligibilitySettings()
    )


def test_how_long_on_the_study_drugs_is_found_past_criteria_that_name_them(answerer: OfflineAnswerer) -> None:
    # Seven criteria share "study drugs" with the question and fill a search of the whole record; the answer is in
    # the description, where the study's treatment is told.
    quote = quoted(answerer, "How long will I be on the study drugs?", TRIAL_ID)
    assert quote.endswith("for 12 weeks."), quote


def test_the_sentence_naming_most_of_what_is_asked_answers_not_the_first(answerer: OfflineAnswerer) -> None:
    # "In the next 20 years ... spinal operations" comes first and names the operation with a length of time; the
    # sentence that also says who is followed answers.
    quote = quoted(answerer, "How long would I be followed after the operation?", TRIAL_ID)
    assert "4 years" in quote and "20 years" not in quote, quote


def test_a_sentence_that_points_back_is_quoted_with_what_it_points_to(answerer: OfflineAnswerer) -> None:
    # "This is continued for up to 90 days" names no drug; the sentence before names FIAC-2, and both are quoted.
    quote = quoted(answerer, "How long do people stay on FIAC-2?", TRIAL_ID)
    assert quote.startswith("Patients with pain also get FIAC-2") and "up to 90 days" in quote, quote


def test_a_schedule_that_points_back_to_the_dose_sentence_answers_how_often(answerer: OfflineAnswerer) -> None:
    # The arm's description is one line: every sentence on it shares the drug's name through the line, and the
    # follow-up schedule has the most schedule words. The sentence that answers names "courses" itself and points
    # back to the KX-9 sentence, which is quoted with it.
    quote = quoted(answerer, "How often is the KX-9 given and for how many courses?", TRIAL_ID)
    assert "every 2 weeks for 4 courses" in quote and "followed" not in quote, quote
    assert quote.startswith("Patients receive KX-9"), quote


def test_a_name_asked_is_found_by_the_abbreviation_the_record_defines_for_it(answerer: OfflineAnswerer) -> None:
    # "gabapentin (GBP)" is defined once and the length is told of "GBP" only; the question names gabapentin
    quote = quoted(answerer, "How long would I have to take the gabapentin?", TRIAL_ID)
    assert "6 weeks of standard GBP" in quote, quote


def test_the_abbreviations_a_record_defines_for_its_interventions() -> None:
    text = (
        "The protease inhibitors indinavir (IDV) and ritonavir (RTV) are studied with zidovudine (AZT); "
        "cytomegalovirus (CMV) is watched for. Patients take IDV (800 mg) twice daily."
    )
    found = abbreviations_defined_for(["Indinavir sulfate", "Ritonavir", "Zidovudine"], text)
    assert found == ["IDV", "RTV", "AZT"]  # not CMV, a word of no intervention; "(800 mg)" is no abbreviation


ARMS_RECORD = """<?xml version="1.0" encoding="UTF-8"?>
<clinical_study>
  <id_info><nct_id>NCT09000028</nct_id></id_info>
  <brief_title>Doxorubicin Plus Docetaxel or Cyclophosphamide Chemotherapy</brief_title>
  <brief_summary><textblock>To compare two chemotherapy combinations.</textblock></brief_summary>
  <detailed_description>
    <textblock>
      Patients are randomized to one of two arms. Chemotherapy repeats every 21 days for 4 cycles.
    </textblock>
  </detailed_description>
  <arm_group>
    <arm_group_label>Arm 1: Doxorubicin + Cyclophosphamide</arm_group_label>
    <arm_group_type>Experimental</arm_group_type>
  </arm_group>
  <arm_group>
    <arm_group_label>Arm 2: Doxorubicin + Docetaxel</arm_group_label>
    <arm_group_type>Experimental</arm_group_type>
  </arm_group>
  <intervention>
    <intervention_type>Drug</intervention_type>
    <intervention_name>docetaxel</intervention_name>
    <description>Arm 2: 75 mg/m2 IV every 21 days for 4 cycles</description>
    <arm_group_label>Arm 2: Doxorubicin + Docetaxel</arm_group_label>
  </intervention>
  <intervention>
    <intervention_type>Drug</intervention_type>
    <intervention_name>doxorubicin</intervention_name>
    <arm_group_label>Arm 1: Doxorubicin + Cyclophosphamide</arm_group_label>
    <arm_group_label>Arm 2: Doxorubicin + Docetaxel</arm_group_label>
  </intervention>
  <condition>Breast Cancer</condition>
  <overall_official>
    <last_name>Ann Example, MD</last_name>
    <role>Study Chair</role>
  </overall_official>
  <location>
    <facility>
      <name>General Hospital</name>
      <address><city>Leeds</city><country>United Kingdom</country></address>
    </facility>
  </location>
  <eligibility><criteria><textblock>Inclusion Criteria:

          -  Breast cancer
      </textblock></criteria><gender>All</gender><minimum_age>18 Years</minimum_age><maximum_age>N/A</maximum_age>
  </eligibility>
</clinical_study>
"""


def test_a_dose_asked_of_an_arm_that_names_no_amount_is_completed_with_the_dose() -> None:
    # The arm says which drugs, no amount; "What's the ... dose" is no "what dose?" the answer-type step reads, so the
    # arm had passed for an answer. The dose asked is what decides that the arm lacks it.
    answerer = arms_answerer()
    question = "What's the docetaxel dose in the doxorubicin plus docetaxel arm?"
    answer = answerer.answer(question, "NCT09000028", answerer.rules.classify(question))
    assert answer.intent == "fact:arms", answer.intent
    quotes = [" ".join(c.quote.split()) for c in answer.citations]
    assert quotes[0].startswith("Arm 2: Doxorubicin + Docetaxel"), quotes  # the arm asked first
    assert any("75 mg/m2" in q for q in quotes[1:]), quotes


def arms_answerer() -> OfflineAnswerer:
    trial = load_bytes(ARMS_RECORD.encode(), "NCT09000028.xml")[0]
    return OfflineAnswerer(
        StubRetriever([trial]), Directory([trial]), IntentRules.from_package(), EligibilitySettings()
    )


def test_a_lay_synonym_of_the_trials_own_topic_keeps_a_question_in_scope() -> None:
    # "chemo" is no word of the record; its synonym "chemotherapy" is in the title. All the asking words masked, the
    # topic left is "rounds of chemo", and the answer is the sentence about cycles.
    answerer = arms_answerer()
    question = "How many rounds of chemo are there, and how far apart?"
    answer = answerer.answer(question, "NCT09000028", answerer.rules.classify(question))
    assert not answer.abstained, answer.answer
    assert "every 21 days for 4 cycles" in answer.answer, answer.answer


def test_the_person_a_question_is_asked_for_is_no_topic_of_it(answerer: OfflineAnswerer) -> None:
    concepts = answerer._topic_concepts("How long would my child be taking the study drugs?", TRIAL_ID)
    assert [c.name for c in concepts] == ["drugs", "taking"], [c.name for c in concepts]


def test_with_no_contact_anywhere_the_answer_says_so_and_names_the_studys_officials() -> None:
    # Neither a central contact nor a site contact: the record does not say whom to contact; the people it names as
    # responsible for the study are quoted beside that, and the sites are pointed to.
    answerer = arms_answerer()
    question = "Who can I get in touch with about this study?"
    answer = answerer.answer(question, "NCT09000028", answerer.rules.classify(question))
    assert answer.intent == "fact:contacts" and answer.abstained, answer.answer
    assert answer.answer.startswith("The record of NCT09000028 does not say contacts."), answer.answer
    assert "Ann Example" in answer.answer and "General Hospital" in answer.answer, answer.answer


# Prose wrapped at about 90 characters, as classic XML records print it: each group's dose sentence runs over lines
# that go on in lower case, and the infants' sentence shares the mothers' line with its first words.
WRAPPED_RECORD = """<?xml version="1.0" encoding="UTF-8"?>
<clinical_study>
  <id_info><nct_id>NCT09000029</nct_id></id_info>
  <brief_title>Two Regimens to Prevent Mother-to-Child Transmission of HIV</brief_title>
  <brief_summary>
    <textblock>
      To compare two regimens given to mothers in labor and to their infants.
    </textblock>
  </brief_summary>
  <detailed_description>
    <textblock>
      Pregnant women are randomized to one of two groups. Mothers in the ZDV group receive a loading
      dose of ZDV at onset of labor, then doses every 3 hours until delivery. Infants begin receiving
      a lower dose of ZDV as soon as they can take liquids by mouth, twice daily for 7 days, and are
      followed for 18 months. Clinic visits occur at regular intervals throughout the 48-week study period.
    </textblock>
  </detailed_description>
  <overall_status>Completed</overall_status>
  <intervention>
    <intervention_type>Drug</intervention_type>
    <intervention_name>Zidovudine</intervention_name>
  </intervention>
  <study_type>Interventional</study_type>
  <condition>HIV Infections</condition>
  <eligibility>
    <criteria>
      <textblock>
        Inclusion Criteria:

          -  HIV-infected pregnant women
      </textblock>
    </criteria>
    <gender>Female</gender>
    <minimum_age>18 Years</minimum_age>
    <maximum_age>N/A</maximum_age>
  </eligibility>
</clinical_study>
"""


@pytest.fixture(scope="module")
def wrapped_answerer() -> OfflineAnswerer:
    trial = load_bytes(WRAPPED_RECORD.encode(), "NCT09000029.xml")[0]
    return OfflineAnswerer(
        StubRetriever([trial]), Directory([trial]), IntentRules.from_package(), EligibilitySettings()
    )


def test_a_dose_sentence_in_wrapped_prose_is_about_what_it_names(wrapped_answerer: OfflineAnswerer) -> None:
    # The infants' sentence starts on the line that ends the mothers' one: read by its wrapped line, it had seemed to
    # be about the mothers in labor too, and its richer schedule answered.
    quote = quoted(wrapped_answerer, "In the ZDV group, how often is the mother dosed during labor?", "NCT09000029")
    assert "every 3 hours" in quote and "twice daily" not in quote, quote


def test_a_how_long_question_naming_only_the_study_takes_the_sentence_that_tells_it(
    wrapped_answerer: OfflineAnswerer,
) -> None:
    # "last" closes the "how long" clause and names no topic; the study's length is said as "the 48-week study period"
    quote = quoted(wrapped_answerer, "How long does the study last?", "NCT09000029")
    assert "48-week study period" in quote, quote


# A PDQ record's description, hard-wrapped at about 95 characters as classic XML prints it: objectives numbered "I.",
# "II.", ..., "IV." and an outline whose schedule sentence comes two sentences after the one naming the drugs.
OUTLINE_RECORD = """<?xml version="1.0" encoding="UTF-8"?>
<clinical_study>
  <id_info><nct_id>NCT09000029</nct_id></id_info>
  <brief_title>Combination Chemotherapy in Treating Patients With Germ Cell Tumors</brief_title>
  <brief_summary><textblock>Phase II trial of combination chemotherapy.</textblock></brief_summary>
  <detailed_description>
    <textblock>
      OBJECTIVES: I. Determine the toxicity of this regimen. II. Determine the response rate. III. Determine the
      survival. IV. Determine the quality of life of these patients.

      OUTLINE: Patients receive paclitaxel IV continuously on day 1 and cisplatin IV over 20 minutes and
      ifosfamide IV over 30 minutes on days 2-6. Filgrastim (G-CSF) is administered subcutaneously
      (SC) on days 7-18 or until blood counts recover. Treatment continues every 3 weeks for 4
      courses in the absence of disease progression or unacceptable toxicity.
    </textblock>
  </detailed_description>
  <intervention><intervention_type>Drug</intervention_type><intervention_name>paclitaxel</intervention_name></intervention>
  <condition>Germ Cell Tumor</condition>
  <eligibility><criteria><textblock>Inclusion Criteria:

          -  Germ cell tumor
      </textblock></criteria><gender>All</gender><minimum_age>18 Years</minimum_age><maximum_age>N/A</maximum_age>
  </eligibility>
</clinical_study>
"""


@pytest.mark.parametrize(
    "question", ["How many courses of the chemo are planned?", "How often is the paclitaxel given?"]
)
def test_a_wrapped_outline_is_quoted_through_the_schedule_that_points_back(question: str) -> None:
    # The lines break mid-sentence ("... subcutaneously\n(SC) on days 7-18"): a wrapped line is no dose line of its
    # own. The schedule ("Treatment continues every 3 weeks for 4 courses") points back past the G-CSF sentence to
    # the one naming the drugs, and "IV." numbering an objective is no route.
    trial = load_bytes(OUTLINE_RECORD.encode(), "NCT09000029.xml")[0]
    answerer = OfflineAnswerer(
        StubRetriever([trial]), Directory([trial]), IntentRules.from_package(), EligibilitySettings()
    )
    quote = quoted(answerer, question, "NCT09000029")
    assert quote.removeprefix("OUTLINE: ").startswith("Patients receive paclitaxel"), quote
    assert quote.endswith(
        "every 3 weeks for 4 courses in the absence of disease progression or unacceptable toxicity."
    ), quote

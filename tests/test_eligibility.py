"""The eligibility reasoner on synthetic criteria: each mechanism that decides a verdict, and where it must not.

Fast tier: real vocabulary and parsers, no model and no store. The criteria are written in registry style,
not copied from any evaluation item.
"""

from __future__ import annotations

import pytest

from assistant.eligibility import Decision, EligibilityReasoner, same_word
from assistant.intents import IntentRules
from assistant.settings import EligibilitySettings
from assistant.vocabulary import Vocabulary
from ingest.chunking import ELIGIBILITY, EXCLUSION, INCLUSION, block_label_end
from ingest.records import Chunk

TRIAL = "NCT00000000"


def criterion(section: str, number: int, text: str, heading: str | None = None) -> Chunk:
    """A criterion as the chunker gives it; `heading`: the sub-heading above it ("Prior Medication: Allowed:")."""
    return Chunk(
        chunk_id=f"{TRIAL}:{section}:{number}",
        trial_id=TRIAL,
        section=section,
        kind="criterion",
        text=text,
        start=0,
        end=len(text),
        criterion=str(number),
        heading=heading,
    )


def fact(name: str, value: str) -> Chunk:
    return Chunk(
        chunk_id=f"{TRIAL}:summary:{name}",
        trial_id=TRIAL,
        section="Eligibility Summary",
        kind="fact",
        text=value,
        start=0,
        end=len(value),
        fact=name,
    )


CRITERIA = [
    criterion(INCLUSION, 1, "Histologically confirmed adenocarcinoma of the prostate"),
    criterion(INCLUSION, 2, "Karnofsky performance status ≥ 70%"),
    criterion(INCLUSION, 3, "Able and willing to travel to the study site every week"),
    criterion(INCLUSION, 4, "Serum PSA ≥ 4 ng/mL at screening"),
    criterion(EXCLUSION, 1, "Total bilirubin > 1.5 x upper limit of normal"),
    criterion(EXCLUSION, 2, "Chemotherapy within 4 weeks prior to the first dose of study drug"),
    criterion(EXCLUSION, 3, "Uncontrolled asthma"),
    criterion(EXCLUSION, 4, "Prior malignancy, except adequately treated basal cell carcinoma of the skin"),
    criterion(EXCLUSION, 5, "Myocardial infarction within 6 months before enrollment"),
    criterion(EXCLUSION, 6, "Use of systemic corticosteroids within 14 days of randomization"),
    criterion(EXCLUSION, 7, "Active hepatitis B infection"),
]
SUMMARY = {
    "minimum_age": fact("minimum_age", "18 Years"),
    "maximum_age": fact("maximum_age", "75 Years"),
    "sex": fact("sex", "MALE"),
    "healthy_volunteers": fact("healthy_volunteers", "No"),
}


@pytest.fixture(scope="module")
def reasoner() -> EligibilityReasoner:
    """With exclusions through class and named matches on, so that the mechanisms behind them stay tested; the
    defaults (off) quote those criteria without a verdict (tested below with `cautious`)."""
    return EligibilityReasoner(
        Vocabulary.load(),
        IntentRules.from_package().eligibility_scaffolding,
        EligibilitySettings(class_exclusions=True, named_exclusions=True),
    )


@pytest.fixture(scope="module")
def cautious() -> EligibilityReasoner:
    return EligibilityReasoner(
        Vocabulary.load(), IntentRules.from_package().eligibility_scaffolding, EligibilitySettings()
    )


def decide(reasoner: EligibilityReasoner, question: str) -> tuple[Decision | None, list[tuple[str, str | None]]]:
    assessment = reasoner.assess(question, CRITERIA, SUMMARY)
    return assessment.decision, [(f.chunk.section, f.chunk.criterion) for f in assessment.findings]


def assert_decides(
    reasoner: EligibilityReasoner, question: str, criteria: list[Chunk], decision: Decision | None
) -> None:
    """The overall decision for `question` against `criteria` (no structured fields), with the findings on failure."""
    assessment = reasoner.assess(question, criteria, {})
    found = [(f.chunk.criterion, f.fact, f.decision, f.reason) for f in assessment.findings]
    assert assessment.decision is decision, found


@pytest.mark.parametrize(
    ("question", "decision", "deciding"),
    [
        # thresholds, both directions
        ("My Karnofsky score is 60, can I join?", Decision.EXCLUDED, (INCLUSION, "2")),
        ("My Karnofsky score is 80, can I join?", Decision.ALLOWED, (INCLUSION, "2")),
        ("Bilirubin is 1.2 times the upper limit of normal. Eligible?", Decision.ALLOWED, (EXCLUSION, "1")),
        ("Bilirubin is 2 x ULN. Eligible?", Decision.EXCLUDED, (EXCLUSION, "1")),
        # time windows
        ("My last chemo was 3 weeks ago. Can I join?", Decision.EXCLUDED, (EXCLUSION, "2")),
        ("My last chemo was 6 weeks ago. Can I join?", Decision.ALLOWED, (EXCLUSION, "2")),
        ("I had chemotherapy. Can I join?", Decision.UNDECIDED, (EXCLUSION, "2")),
        # a modifier the question confirms, contradicts or leaves open
        ("I have asthma, can I join?", Decision.UNDECIDED, (EXCLUSION, "3")),
        ("My asthma is well controlled, can I take part?", Decision.ALLOWED, (EXCLUSION, "3")),
        ("I have uncontrolled asthma, can I join?", Decision.EXCLUDED, (EXCLUSION, "3")),
        # an exception inside the criterion
        ("I had a basal cell carcinoma removed from my skin. Am I eligible?", Decision.CONDITIONS, (EXCLUSION, "4")),
        # lay terms and narrower concepts
        ("I had a heart attack 2 months ago, can I join?", Decision.EXCLUDED, (EXCLUSION, "5")),
        ("I had a heart attack 2 years ago, can I join?", Decision.ALLOWED, (EXCLUSION, "5")),
        ("I had lymphoma, am I eligible?", Decision.EXCLUDED, (EXCLUSION, "4")),
        # route: a nasal spray is not systemic
        ("I use a corticosteroid nasal spray. Is that a problem?", Decision.ALLOWED, (EXCLUSION, "6")),
        # current use is inside any "within N days" window
        ("I take prednisone tablets every day. Can I join?", Decision.EXCLUDED, (EXCLUSION, "6")),
        ("I took prednisone once, years ago. Can I join?", Decision.UNDECIDED, (EXCLUSION, "6")),
        # a requirement the asker says they do not meet
        ("I can't travel to the site weekly, can I still join?", Decision.EXCLUDED, (INCLUSION, "3")),
        # structured fields
        ("Can women join?", Decision.EXCLUDED, ("Eligibility Summary", None)),
        ("I'm 80, can I join?", Decision.EXCLUDED, ("Eligibility Summary", None)),
    ],
)
def test_decision_and_deciding_criterion(
    reasoner: EligibilityReasoner, question: str, decision: Decision, deciding: tuple[str, str | None]
) -> None:
    got, cited = decide(reasoner, question)
    assert got is decision, (question, cited)
    assert deciding in cited, (question, cited)


def test_heart_failure_is_not_a_heart_attack(reasoner: EligibilityReasoner) -> None:
    _, cited = decide(reasoner, "I have heart failure, can I join?")
    assert (EXCLUSION, "5") not in cited


def test_a_number_that_is_not_an_age_is_not_compared_with_the_age_limits(reasoner: EligibilityReasoner) -> None:
    _, cited = decide(reasoner, "I finished a 10-day antibiotic course last month. Can I join?")
    assert ("Eligibility Summary", None) not in cited


def test_several_facts_any_excluded_excludes_and_each_is_reported(reasoner: EligibilityReasoner) -> None:
    assessment = reasoner.assess("I'm 63, my PSA is 2.8 and my Karnofsky is 90. Do I qualify?", CRITERIA, SUMMARY)
    assert assessment.decision is Decision.EXCLUDED
    decided = {(f.chunk.section, f.chunk.criterion): f.decision for f in assessment.findings}
    assert decided[(INCLUSION, "4")] is Decision.EXCLUDED  # PSA 2.8 < 4
    assert decided[(INCLUSION, "2")] is Decision.ALLOWED
    assert decided[("Eligibility Summary", None)] is Decision.ALLOWED


def test_allowed_only_when_every_stated_fact_is_decided(reasoner: EligibilityReasoner) -> None:
    # Age is decided; the eye condition is named by no criterion, so there is no overall "allowed".
    assessment = reasoner.assess("I'm 63 and I have glaucoma. Can I join?", CRITERIA, SUMMARY)
    assert assessment.decision is not Decision.ALLOWED


def test_negated_condition_is_not_caught_by_the_exclusion(reasoner: EligibilityReasoner) -> None:
    got, _ = decide(reasoner, "I don't have hepatitis B. Can I join?")
    assert got is not Decision.EXCLUDED


def test_unheaded_criteria_are_requirements_unless_they_require_absence(reasoner: EligibilityReasoner) -> None:
    criteria = [
        criterion(ELIGIBILITY, 1, "Diagnosis of type 2 diabetes"),
        criterion(ELIGIBILITY, 2, "No prior insulin"),
    ]
    assert reasoner.assess("Can people with type 2 diabetes join?", criteria, {}).decision is Decision.CONDITIONS
    assert reasoner.assess("I have been on insulin for years", criteria, {}).decision is Decision.EXCLUDED


def test_naming_a_required_condition_about_oneself_is_no_verdict(reasoner: EligibilityReasoner) -> None:
    # The criterion requires more than the diagnosis the asker names; a generic question gets the requirement.
    assessment = reasoner.assess("I have prostate adenocarcinoma. Can I join?", CRITERIA, SUMMARY)
    assert assessment.decision is Decision.UNDECIDED
    generic = reasoner.assess("Do I need to have prostate adenocarcinoma?", CRITERIA, SUMMARY)
    assert generic.decision is Decision.CONDITIONS


def test_a_number_bounding_the_mention_leaves_the_criterion_undecided(reasoner: EligibilityReasoner) -> None:
    criteria = [criterion(EXCLUSION, 1, "Congestive heart failure (NYHA class III or IV)")]
    assert reasoner.assess("I have heart failure. Can I join?", criteria, {}).decision is Decision.UNDECIDED


def test_exception_clause_with_the_askers_own_words_applies(reasoner: EligibilityReasoner) -> None:
    criteria = [
        criterion(
            EXCLUSION,
            1,
            "Chronic daily treatment with a non-steroidal anti-inflammatory drug (NSAID); occasional use of NSAIDs "
            "for headache or joint pain is allowed.",
        )
    ]
    answer = reasoner.assess("I take ibuprofen now and then for headaches. Will that keep me out?", criteria, {})
    assert answer.decision is Decision.CONDITIONS


@pytest.mark.parametrize(
    ("first", "second", "same"),
    [
        ("pregnant", "pregnancy", True),
        ("diabetic", "diabete", True),  # "diabetes" after the plural folding
        ("thromboembolic", "thromboembolism", True),
        ("transplant", "transplantation", True),
        ("heart", "heartburn", False),
        ("cancer", "canc", False),
        ("asthma", "asthmatic", True),
        ("infection", "infectious", False),
        ("inhaled", "inhaler", True),  # verb forms: "(except inhaled glucocorticoids)" and "my inhaler"
        ("treated", "treating", True),
        ("liver", "live", False),  # a root of five letters at least
        ("cancer", "cancel", False),
        ("diseases", "disease", True),  # the plural folding made "diseasis" of it ("-ses" read as Greek "-sis")
        ("metastases", "metastasis", True),
        ("diagnoses", "diagnosis", True),
        ("viruses", "virus", True),
        ("sinusitis", "sinuses", False),  # an inflammation is not its organ
        ("arthritis", "arthritic", True),
    ],
)
def test_words_from_one_root_match_and_shared_prefixes_do_not(first: str, second: str, same: bool) -> None:
    from assistant.eligibility import same_word
    from assistant.text import stem

    assert same_word(stem(first), stem(second)) is same


# ---- a criterion that names a particular kind, and requirements with alternatives ----------------------------------
KINDS = [
    criterion(EXCLUSION, 1, "Current use of outpatient prandial insulin"),
    criterion(EXCLUSION, 2, "Secondary hypertension due to an identified structural cause"),
    criterion(EXCLUSION, 3, "Central or nephrogenic diabetes insipidus"),
    criterion(EXCLUSION, 4, "Use of peripheral nerve blocks (e.g., occipital or sphenopalatine nerve blocks)"),
    criterion(INCLUSION, 1, "Able to attend clinic visits or to complete follow-up forms by telephone"),
]


@pytest.mark.parametrize(
    ("question", "decision"),
    [
        # the criterion's adjective narrows what it names; the question does not say which kind
        ("I inject insulin glargine at night. Does that matter?", Decision.UNDECIDED),
        ("I have high blood pressure. Does that matter?", Decision.UNDECIDED),
        # ... and where the question says the kind, the criterion decides
        ("I use prandial insulin with meals. Does that matter?", Decision.EXCLUDED),
        ("I have secondary hypertension from a kidney artery narrowing. Does that matter?", Decision.EXCLUDED),
        # kinds listed together cover the condition; an example the criterion lists is the kind
        ("I have diabetes insipidus. Does that matter?", Decision.EXCLUDED),
        ("I had an occipital nerve block. Does that matter?", Decision.EXCLUDED),
    ],
)
def test_a_criterion_naming_a_particular_kind(reasoner: EligibilityReasoner, question: str, decision: Decision) -> None:
    assert_decides(reasoner, question, KINDS, decision)


# ---- a phrase after the named thing that narrows it (site, cause, what it requires) ----------------------------------
NARROWED = [
    criterion(EXCLUSION, 1, "Radiation therapy to whole abdomen"),
    criterion(EXCLUSION, 2, "Known allergy to filgrastim"),
    criterion(EXCLUSION, 3, "Bone fracture of any kind within the last year"),
]


@pytest.mark.parametrize(
    ("question", "decision"),
    [
        # the criterion is about one site or one substance; the question does not say it
        ("I had radiation treatment in the past. Would that stop me joining?", Decision.UNDECIDED),
        ("I have a peanut allergy. Is that a problem?", Decision.UNDECIDED),
        # the question names the site, or the substance under another name (brand -> ingredient)
        ("I had radiation therapy to my abdomen years ago. Would that stop me joining?", Decision.EXCLUDED),
        ("I had an allergic reaction to Neupogen. Is that a problem?", Decision.EXCLUDED),
        # "of any kind" keeps the criterion general
        ("I had a hip fracture 3 months ago. Can I join?", Decision.EXCLUDED),
    ],
)
def test_a_phrase_after_the_mention_narrows_the_criterion(
    reasoner: EligibilityReasoner, question: str, decision: Decision
) -> None:
    assert_decides(reasoner, question, NARROWED, decision)


def test_what_the_study_would_give_is_not_a_fact_about_the_asker(reasoner: EligibilityReasoner) -> None:
    criteria = [criterion(EXCLUSION, 1, "Previous progenitor cell therapy"), criterion(EXCLUSION, 2, "Flu vaccine")]
    # "whether I can get THE cell therapy": the study's treatment, asked about, not something the asker had
    offered = reasoner.assess("I'm a smoker. Does that affect whether I can get the cell therapy?", criteria, {})
    assert all("cell" not in f.fact for f in offered.findings), offered.findings
    # told as a fact, it is checked; and a main-clause "Can I get the flu vaccine?" asks about the vaccine itself
    told = reasoner.assess("I had progenitor cell therapy before. Can I join?", criteria, {})
    assert told.decision is Decision.EXCLUDED
    assert reasoner.assess("Can I get the flu vaccine?", criteria, {}).findings
    # "the titanium implant", "the stent procedure" in the asking clause: the study's device, not the asker's
    devices = [criterion(EXCLUSION, 17, "Known sensitivity to titanium"), criterion(EXCLUSION, 23, "Prior stent")]
    asked = reasoner.assess("I have a nickel allergy. Would the titanium implant be a problem?", devices, {})
    assert all("titanium" not in f.fact for f in asked.findings), asked.findings
    asked = reasoner.assess("Do I stop metformin around the dye for the stent procedure?", devices, {})
    assert all("stent" not in f.fact for f in asked.findings), asked.findings


def test_a_modifier_later_in_the_clause_still_qualifies_the_mention(reasoner: EligibilityReasoner) -> None:
    """ "(HIV) infection that is not well controlled": the modifier sits more than a few words after the mention."""
    text = "Has known human immunodeficiency virus (HIV) infection that is not well controlled."
    criteria = [criterion(EXCLUSION, 1, text)]
    assert_decides(reasoner, "I have HIV. Can I join?", criteria, Decision.UNDECIDED)
    assert_decides(reasoner, "My HIV is well controlled on treatment. Can I join?", criteria, Decision.ALLOWED)


def test_the_criterion_naming_the_topic_itself_is_cited_before_a_broader_one(reasoner: EligibilityReasoner) -> None:
    criteria = [
        criterion(EXCLUSION, 4, "History of liver disease other than hepatitis B"),
        criterion(EXCLUSION, 2, "History of liver cirrhosis"),
    ]
    assessment = reasoner.assess("Is liver cirrhosis exclusionary?", criteria, {})
    assert assessment.decision is Decision.EXCLUDED
    assert assessment.findings[0].chunk.criterion == "2"


# ---- lists the criterion counts, names it negates, exempt cases, run-on records ------------------------------------
def test_one_item_of_a_counted_list_does_not_decide(reasoner: EligibilityReasoner) -> None:
    text = "Three or more of the following risk factors:\n1. Current tobacco use\n2. Hypertension\n3. Diabetes mellitus"
    assert_decides(reasoner, "I have type 2 diabetes. Is that disqualifying?", [criterion(EXCLUSION, 1, text)],
                   Decision.UNDECIDED)  # fmt: skip
    # a count far back in a run-on record belongs to another list
    far = "Ophthalmopathy meeting at least 3 of the following criteria: lid lag, proptosis. " + "x " * 600
    assert_decides(reasoner, "I have diabetes. Can I join?", [criterion(EXCLUSION, 1, far + "Diabetes")],
                   Decision.EXCLUDED)  # fmt: skip


def test_a_non_prefixed_name_is_not_a_mention_of_the_name(reasoner: EligibilityReasoner) -> None:
    """ "except non-melanoma skin cancer" excepts every skin cancer but melanoma."""
    text = "Any previous cancer (except non-melanoma skin cancer or in situ cancer of the cervix)."
    criteria = [criterion(EXCLUSION, 2, text)]
    assert_decides(reasoner, "I had a melanoma removed a few years ago. Can I join?", criteria, Decision.EXCLUDED)


def test_not_including_marks_an_exception(reasoner: EligibilityReasoner) -> None:
    text = "Significant renal or cardiovascular disease (but not including mild/moderate hypertension)"
    assessment = reasoner.assess("I have mild high blood pressure. Can I join?", [criterion(EXCLUSION, 3, text)], {})
    assert assessment.decision is not Decision.EXCLUDED, assessment.findings


def test_a_mention_inside_an_exception_is_exempt_from_the_time_limit(reasoner: EligibilityReasoner) -> None:
    text = "At least 1 month since prior new type of chronic therapy for pulmonary hypertension, except anticoagulants"
    criteria = [criterion("Eligibility Criteria", 7, text)]
    assert_decides(reasoner, "He started warfarin 2 weeks ago. Can he join?", criteria, Decision.CONDITIONS)


def test_not_having_a_narrower_thing_does_not_fail_a_broader_requirement(reasoner: EligibilityReasoner) -> None:
    criteria = [criterion(INCLUSION, 1, "Antibody titre greater than 2x the upper limit of normal")]
    assert_decides(reasoner, "She has no antiphospholipid antibodies. Eligible?", criteria, Decision.UNDECIDED)


RUN_ON = (
    "Cardiovascular: LVEF at least 50% No cardiomegaly on chest x-ray No uncontrolled or severe cardiovascular "
    "disease, "
    "including\nmyocardial infarction within the past 6 months or congestive heart failure No active cardiac problems "
    "Other: HIV negative Fertile patients must use effective contraception"
)


@pytest.mark.parametrize(
    ("question", "decision"),
    [
        ("I had a heart attack 4 months ago. Can I join?", Decision.EXCLUDED),  # inside the "No ..." item's window
        ("I had a heart attack 2 years ago. Can I join?", Decision.ALLOWED),
    ],
)
def test_a_run_on_record_item_starting_with_no_is_a_prohibition(
    reasoner: EligibilityReasoner, question: str, decision: Decision
) -> None:
    """PDQ-style XML runs items together with no punctuation; "No ..." starts a prohibition whatever the heading."""
    assert_decides(reasoner, question, [criterion("Eligibility Criteria", 4, RUN_ON)], decision)


def test_a_look_back_window_under_no_heading_and_no_requirement_word_gives_no_verdict(
    reasoner: EligibilityReasoner,
) -> None:
    """ "Myocardial infarction within the past 6 months" in an unheaded list: required or excluded, it does not say."""
    criteria = [criterion("Eligibility Criteria", 1, "Myocardial infarction within the past 6 months")]
    assert_decides(reasoner, "I had a heart attack 4 months ago. Can I join?", criteria, Decision.UNDECIDED)
    required = [criterion("Eligibility Criteria", 1, "Must have had a myocardial infarction within the past 6 months")]
    assert_decides(reasoner, "I had a heart attack 4 months ago. Can I join?", required, Decision.CONDITIONS)


def test_a_word_inside_a_longer_name_of_another_concept_is_not_the_topic(reasoner: EligibilityReasoner) -> None:
    """ "pain" in "axial neck pain", "virus" in "human immunodeficiency virus": the longer name is another concept."""
    criteria = [criterion(EXCLUSION, 3, "Axial neck pain as the solitary symptom")]
    assert_decides(reasoner, "I have bad pain in my arm. Can I join?", criteria, Decision.UNDECIDED)
    hiv = [criterion(EXCLUSION, 6, "History of organ transplant or human immunodeficiency virus positive")]
    assert reasoner.assess("I caught a virus last week. Can I join?", hiv, {}).decision is not Decision.EXCLUDED


def test_what_a_condition_would_interfere_with_is_not_excluded_itself(reasoner: EligibilityReasoner) -> None:
    text = "Physical or mental condition that would interfere with patient self-assessment of function, pain or mood."
    assert_decides(reasoner, "My pain is really bad. Can I join?", [criterion(EXCLUSION, 23, text)], Decision.UNDECIDED)


def test_an_unmet_requirement_with_an_alternative_the_question_meets(reasoner: EligibilityReasoner) -> None:
    met = reasoner.assess("I can't come to the clinic visits, but I can fill in forms by telephone. OK?", KINDS, {})
    assert met.decision is Decision.ALLOWED
    silent = reasoner.assess("I can't come to the clinic visits. Can I still join?", KINDS, {})
    assert silent.decision is Decision.UNDECIDED


# ---- the condition the trial studies, named again in an exclusion ---------------------------------------------------
STUDIED = [
    criterion(INCLUSION, 1, "Chronic plaque psoriasis for at least 6 months"),
    criterion(EXCLUSION, 1, "Other forms of psoriasis such as guttate, erythrodermic or pustular psoriasis"),
]


def test_the_studied_condition_in_an_exclusion_is_not_the_askers_case(reasoner: EligibilityReasoner) -> None:
    summary = {"conditions": fact("conditions", "Psoriasis")}
    plain = reasoner.assess("I have psoriasis on my elbows. Does that rule me out?", STUDIED, summary)
    assert plain.decision is not Decision.EXCLUDED
    named = reasoner.assess("Mine is pustular psoriasis. Does that rule me out?", STUDIED, summary)
    assert named.decision is Decision.EXCLUDED


# ---- a condition under which the criterion does not apply ------------------------------------------------------------
CONDITIONAL = [
    criterion(
        EXCLUSION, 1, "History of other malignancy, unless in complete remission and off therapy for at least 5 years"
    ),
]


def test_a_condition_the_question_meets(reasoner: EligibilityReasoner) -> None:
    met = "I had lymphoma 8 years ago and have been in remission since. Can I join?"
    assert reasoner.assess(met, CONDITIONAL, {}).decision is Decision.CONDITIONS
    # the clause's duration is not met, or the question does not speak to the condition: no allowance
    for question in (
        "I had lymphoma 2 years ago and have been in remission since. Can I join?",
        "I had lymphoma 8 years ago. Can I join?",
    ):
        assert reasoner.assess(question, CONDITIONAL, {}).decision in (Decision.EXCLUDED, Decision.UNDECIDED)


# ---- values checked against every criterion of their measure ---------------------------------------------------------
LIVER = [
    criterion(INCLUSION, 1, "ALT >= 47 U/L for females and >= 56 U/L for males"),
    criterion(EXCLUSION, 1, "ALT > 155 U/L for females and > 185 U/L for males"),
    criterion(INCLUSION, 2, "PSA <= 10 ng/mL (PSA < 15 ng/mL allowed for patients with benign prostatic hyperplasia)"),
    criterion(INCLUSION, 3, "Platelets >= 75,000/uL; hemoglobin >= 9 g/dL, patients may be transfused to meet this"),
]


@pytest.mark.parametrize(
    ("question", "decision", "deciding"),
    [
        # an inclusion met does not outweigh an exclusion caught
        ("Male patient, ALT 200 U/L. Eligible?", Decision.EXCLUDED, (EXCLUSION, "1")),
        # the bound for the other sex says nothing
        ("Male patient, ALT 170 U/L. Eligible?", Decision.ALLOWED, (INCLUSION, "1")),
        ("Female patient, ALT 170 U/L. Eligible?", Decision.EXCLUDED, (EXCLUSION, "1")),
        # an allowance with its own bound: met, missed
        ("My PSA is 12 and I have an enlarged prostate. Eligible?", Decision.CONDITIONS, (INCLUSION, "2")),
        ("My PSA is 18 and I have an enlarged prostate. Eligible?", Decision.EXCLUDED, (INCLUSION, "2")),
        # an exception about another bound of the same criterion does not carve out this one
        ("The patient's platelets are 60,000. Eligible?", Decision.EXCLUDED, (INCLUSION, "3")),
    ],
)
def test_values_against_every_criterion_of_their_measure(
    reasoner: EligibilityReasoner, question: str, decision: Decision, deciding: tuple[str, str]
) -> None:
    assessment = reasoner.assess(question, LIVER, {})
    found = [(f.chunk.section, f.chunk.criterion, f.decision, f.reason) for f in assessment.findings]
    assert assessment.decision is decision, found
    assert deciding in [(f.chunk.section, f.chunk.criterion) for f in assessment.findings], found


# ---- a required state the question states the opposite of -----------------------------------------------------------
STATES = [
    criterion(INCLUSION, 1, "Histologically confirmed non-squamous non-small cell lung cancer"),
    criterion(INCLUSION, 2, "SARS-CoV-2 PCR test result negative at screening"),
]


@pytest.mark.parametrize(
    ("question", "decision"),
    [
        ("I have squamous cell lung cancer. Would I qualify?", Decision.EXCLUDED),
        ("My PCR test is still coming back positive. Can I join?", Decision.EXCLUDED),
        ("My PCR test came back negative. Can I join?", Decision.UNDECIDED),  # met, but the rest is not shown
    ],
)
def test_the_opposite_of_a_required_state(reasoner: EligibilityReasoner, question: str, decision: Decision) -> None:
    assert_decides(reasoner, question, STATES, decision)


# ---- language abilities ------------------------------------------------------------------------------------------
LANGUAGE = [
    criterion(INCLUSION, 1, "Able to read and understand the French language"),
    criterion(EXCLUSION, 1, "Unable to read or communicate in English"),
]


@pytest.mark.parametrize(
    ("question", "decision"),
    [
        ("My father only speaks Portuguese. Is he eligible?", Decision.EXCLUDED),  # lacks French
        ("My mother only speaks and reads Portuguese. Is she eligible?", Decision.EXCLUDED),
        ("She speaks only Portuguese. Is she eligible?", Decision.EXCLUDED),
        ("He speaks Portuguese and can't read French. Is he eligible?", Decision.EXCLUDED),
        ("I can't read English. Is that a problem?", Decision.EXCLUDED),  # the exclusion names it
        ("I can't read Spanish. Is that a problem?", None),  # no criterion asks for Spanish
    ],
)
def test_language_abilities_match_the_language(
    reasoner: EligibilityReasoner, question: str, decision: Decision | None
) -> None:
    assert_decides(reasoner, question, LANGUAGE, decision)


@pytest.mark.parametrize(
    ("criterion_text", "question", "decision"),
    [
        # a further condition joined by "and" is part of the exclusion: the inability alone does not meet it
        (
            "Unable to read/write English and a translator is not available",
            "Dad only speaks Portuguese. My brother could interpret for him. Can he join?",
            Decision.UNDECIDED,
        ),
        ("Unable to read and write English", "Dad only speaks Portuguese. Can he join?", Decision.EXCLUDED),
        # another way the criterion names, which the question speaks to
        (
            "Unable to take the drug with a meal or through a nasogastric tube",
            "He can't eat proper meals, but he has a nasogastric tube. Can he join?",
            Decision.UNDECIDED,
        ),
        # the asking clause's words ("take part") are not what the question tells
        ("Unable to swallow tablets", "I can't swallow tablets. Can I take part?", Decision.EXCLUDED),
    ],
)
def test_an_inability_exclusion_asks_no_more_than_the_question_says(
    reasoner: EligibilityReasoner, criterion_text: str, question: str, decision: Decision
) -> None:
    assert_decides(reasoner, question, [criterion(EXCLUSION, 1, criterion_text)], decision)


def test_a_value_stated_for_the_criterion_answers_its_number(reasoner: EligibilityReasoner) -> None:
    heart = [criterion(EXCLUSION, 1, "Symptomatic congestive heart failure (NYHA class III or IV)")]
    question = "I have mild heart failure, NYHA class II. Would that keep me out?"
    assert_decides(reasoner, question, heart, Decision.ALLOWED)


def test_no_allowed_while_another_bound_on_the_measure_cannot_be_compared(reasoner: EligibilityReasoner) -> None:
    bounds = [
        criterion(INCLUSION, 1, "Total bilirubin <= 1.5 x upper limit of normal"),
        criterion(INCLUSION, 2, "Total bilirubin <= 2 mg/dL"),
    ]
    assert_decides(reasoner, "My bilirubin is 1.8 mg/dL. Is that OK?", bounds, Decision.UNDECIDED)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("prophylaxis", "prophylactic"),
        ("psychosis", "psychotic"),
        ("diuresis", "diuretic"),
        ("prophylaxi", "prophylactic"),  # after plural folding
    ],
)
def test_greek_nouns_and_their_adjectives_are_one_word(first: str, second: str) -> None:
    from assistant.eligibility import same_word

    assert same_word(first, second)
    assert not same_word("basis", "basic")


def test_an_allowance_to_continue_is_an_exception(reasoner: EligibilityReasoner) -> None:
    """ "Subjects on prophylactic antibiotics are permitted to continue these" speaks to "as prophylaxis"."""
    text = (
        "Must not have treatment with any new oral or new IV antibiotic within the 2 weeks prior to the first dose. "
        "Subjects on prophylactic antibiotics are permitted to continue these during the study."
    )
    criteria = [criterion("Eligibility Criteria", 24, text)]
    assert_decides(reasoner, "I take Bactrim as prophylaxis. Do I have to stop it?", criteria, Decision.CONDITIONS)
    permissible = [criterion(INCLUSION, 8, "Ginkgo biloba is permissible, but discouraged.")]
    assert reasoner.assess("She takes ginkgo biloba. Must she stop?", permissible, {}).decision is Decision.CONDITIONS


def test_a_shot_or_jab_is_the_vaccine_against_the_disease(reasoner: EligibilityReasoner) -> None:
    from assistant.patient_facts import parse_question

    facts = parse_question("I got a flu shot two weeks ago. Does that matter?")
    topics = reasoner.topics("I got a flu shot two weeks ago. Does that matter?", facts, [])
    assert [reasoner.vocabulary.name(c) for t in topics for c in t.concepts] == ["Influenza Vaccines"]
    criteria = [criterion(EXCLUSION, 13, "Influenza vaccine within 4 weeks before the first dose")]
    assert_decides(reasoner, "I got a flu shot two weeks ago. Does that matter?", criteria, Decision.EXCLUDED)


def test_a_mention_in_an_explaining_parenthesis_is_not_what_is_excluded(reasoner: EligibilityReasoner) -> None:
    """ "Allergy to egg products (used to prepare ALVAC vaccines)": the vaccines explain, they are not excluded;
    "(defined as ST segment depression)" is not depression the illness."""
    criteria = [
        criterion(EXCLUSION, 4, "Allergy to egg products or neomycin (used to prepare ALVAC vaccines)."),
        criterion(EXCLUSION, 15, "Significant ECG findings (defined as > 1mm of down-sloping ST segment depression)"),
    ]
    assert reasoner.assess("I got a flu shot last week. Can I join?", criteria, {}).findings == []
    assert reasoner.assess("I have depression. Can I join?", criteria, {}).findings == []


RENAL_EITHER_OR = [criterion(INCLUSION, 5, "Serum creatinine ≤ 1.5 x ULN or creatinine clearance ≥ 60 mL/min")]
RENAL_BOTH = [criterion(INCLUSION, 5, "Serum creatinine ≤ 1.5 x ULN; creatinine clearance ≥ 60 mL/min")]


@pytest.mark.parametrize(
    ("question", "criteria", "decision"),
    [
        # One alternative missed, the other met: the requirement is met.
        ("Creatinine is 1.8x ULN but creatinine clearance is 65 mL/min.", RENAL_EITHER_OR, Decision.ALLOWED),
        # One alternative missed, the other not stated: the other one decides, so no verdict.
        ("My creatinine is 1.8 x ULN. Can I join?", RENAL_EITHER_OR, None),
        # Both alternatives missed: the requirement is missed.
        ("Creatinine 1.8 x ULN and creatinine clearance 40 mL/min.", RENAL_EITHER_OR, Decision.EXCLUDED),
        # Two separate requirements (no "or"): missing one is missing the requirement.
        ("My creatinine is 1.8 x ULN. Can I join?", RENAL_BOTH, Decision.EXCLUDED),
    ],
)
def test_a_requirement_with_alternatives_is_missed_only_when_every_alternative_is(
    reasoner: EligibilityReasoner, question: str, criteria: list[Chunk], decision: Decision | None
) -> None:
    assessment = reasoner.assess(question, criteria, {})
    got = assessment.decision if assessment.decision is not Decision.UNDECIDED else None
    assert got is decision, [(f.fact, f.decision, f.reason) for f in assessment.findings]


BRAIN_METASTASES = [
    criterion(
        EXCLUSION,
        2,
        "CNS metastases unless asymptomatic and not requiring steroids for at least 7 days before randomization. "
        "At least 2 weeks must have passed between the end of brain radiotherapy and randomization.",
    )
]


def test_a_criterion_that_catches_one_fact_and_excepts_another_gives_no_verdict(
    reasoner: EligibilityReasoner,
) -> None:
    """The catch ("radiosurgery") and the exception ("off dexamethasone") come from one criterion: its conditions
    decide, which the question may or may not meet, so no verdict (it was "excluded")."""
    question = "I had radiosurgery for 2 brain mets 3 weeks ago and stopped my dexamethasone 10 days ago. Can I join?"
    assert_decides(reasoner, question, BRAIN_METASTASES, Decision.UNDECIDED)
    # With no exception in play, the same kind of criterion still excludes.
    plain = [criterion(EXCLUSION, 2, "Known brain metastases")]
    assert reasoner.assess("I have brain metastases right now.", plain, {}).decision is Decision.EXCLUDED


def test_bounds_for_different_cases_are_not_alternatives(reasoner: EligibilityReasoner) -> None:
    """'... if diagnosed with diabetes, or creatinine clearance >= 60 mL/min if not': the person's case picks the
    bound, so missing the one for their case is missing the requirement."""
    cases = [
        criterion(
            INCLUSION,
            3,
            "Serum creatinine ≤ 1.5 x ULN if diagnosed with diabetes, or creatinine clearance ≥ 60 mL/min if not",
        )
    ]
    found = reasoner.assess("My creatinine is 1.8 x ULN.", cases, {}).findings
    assert [f.reason for f in found] != [], "the value is read against the criterion"
    assert all(f.reason != "the criterion also accepts another alternative, which decides" for f in found)


@pytest.mark.parametrize(
    ("text", "alternative"),
    [
        ("Tumor at least 5 mm from the skin, or can be moved at least 5 mm away by saline injection", True),
        ("Tumor at least 5 mm from the skin or greater", False),
        ("Tumor at least 5 mm from the skin; or previously treated lesions", False),  # another clause
    ],
)
def test_an_alternative_after_a_bound_is_another_way_to_qualify(
    reasoner: EligibilityReasoner, text: str, alternative: bool
) -> None:
    assessment = reasoner.assess("My tumor sits 3 mm under the skin.", [criterion(INCLUSION, 4, text)], {})
    reasons = [f.reason for f in assessment.findings if f.fact.startswith("tumor sits")]
    assert reasons, [(f.fact, f.reason) for f in assessment.findings]
    assert (reasons[0] == "the criterion also accepts another alternative, which decides") is alternative


@pytest.mark.parametrize(
    ("text", "decision"),
    [
        ("Surgical scars or open wounds at the site of sensor placement", None),  # is the belly that site?
        ("Tattoos in the area of the injection", None),
        ("Surgical scars at screening", Decision.EXCLUDED),  # a time, not a place
        ("Surgical scars", Decision.EXCLUDED),
    ],
)
def test_a_site_named_after_the_mention_narrows_it(
    reasoner: EligibilityReasoner, text: str, decision: Decision | None
) -> None:
    question = "I have a surgical scar and a tattoo on my belly. Would that stop me from doing the injection study?"
    assessment = reasoner.assess(question, [criterion(EXCLUSION, 4, text)], {})
    got = assessment.decision if assessment.decision is not Decision.UNDECIDED else None
    assert got is decision, [(f.fact, f.decision, f.reason) for f in assessment.findings]


CONTRACEPTION_LACKING = [
    criterion(
        EXCLUSION,
        15,
        "Women of child-bearing potential who are not surgically sterile, or do not use two methods of contraception",
    )
]


@pytest.mark.parametrize(
    ("question", "decision"),
    [
        ("Do I still have to use two birth control methods? I'm 52.", None),  # what the exclusion lacks, asked about
        ("I use the pill and condoms. Can I join?", None),  # other conditions of the criterion still decide
        ("I'm 30 and I don't use any contraception.", Decision.EXCLUDED),  # saying you lack it is caught
    ],
)
def test_an_exclusion_of_those_lacking_something_is_not_caught_by_having_it(
    reasoner: EligibilityReasoner, question: str, decision: Decision | None
) -> None:
    assessment = reasoner.assess(question, CONTRACEPTION_LACKING, {})
    got = assessment.decision if assessment.decision is not Decision.UNDECIDED else None
    assert got is decision, [(f.fact, f.decision, f.reason) for f in assessment.findings]


def test_a_modal_negation_is_a_prohibition_not_a_lack(reasoner: EligibilityReasoner) -> None:
    prohibition = [criterion(EXCLUSION, 3, "Participants must not take warfarin during the study")]
    assert reasoner.assess("I take warfarin every day.", prohibition, {}).decision is Decision.EXCLUDED


def test_a_grade_is_compared_only_with_a_grade_of_the_same_thing(reasoner: EligibilityReasoner) -> None:
    """'grade 2 tingling' is a neuropathy grade: 'chronic GvHD of grade 2 or higher' does not decide it, an
    unresolved-toxicity grade does."""
    gvhd = criterion(EXCLUSION, 18, "Active acute GvHD of any grade or chronic GvHD of grade 2 or higher")
    toxicity = criterion(EXCLUSION, 17, "Unresolved toxicity of grade 2 or higher from previous anticancer therapy")
    question = "He still has grade 2 tingling in his feet from chemotherapy toxicity. Does that keep him out?"
    graded = [f for f in reasoner.assess(question, [gvhd, toxicity], {}).findings if "grade" in f.fact]
    assert [f.chunk.criterion for f in graded] == ["17"], [(f.fact, f.chunk.criterion) for f in graded]
    assert not [f for f in reasoner.assess(question, [gvhd], {}).findings if "grade" in f.fact]


def test_an_exception_the_question_speaks_to_is_not_overruled(reasoner: EligibilityReasoner) -> None:
    """'other than an established maintenance regimen' and 'on the maintenance dose now': maybe the asker's case,
    so no verdict; a question that does not speak to the exception is still excluded."""
    shots = [criterion(EXCLUSION, 7, "Immunotherapy for allergies other than an established maintenance regimen")]
    assert_decides(reasoner, "I get allergy immunotherapy, on the maintenance dose now. OK?", shots, Decision.UNDECIDED)
    assert_decides(reasoner, "I just started allergy immunotherapy last week. OK?", shots, Decision.EXCLUDED)


def test_a_targeted_class_narrows_the_criterion(reasoner: EligibilityReasoner) -> None:
    """'anticancer therapy targeting immune-regulatory receptors' does not catch plain cisplatin."""
    targeted = [criterion(EXCLUSION, 4, "Any other anticancer therapy targeting immune-regulatory receptors")]
    assessment = reasoner.assess("I had adjuvant cisplatin in 2021. Does that rule me out?", targeted, {})
    assert assessment.decision is not Decision.EXCLUDED, [(f.fact, f.reason) for f in assessment.findings]


def test_an_exception_that_names_the_opposite_kind_is_not_touched(reasoner: EligibilityReasoner) -> None:
    """'except non-melanoma skin cancer' shares 'skin' with a melanoma question but excepts everything but it."""
    prior = [criterion(EXCLUSION, 2, "Any previous cancer (except non-melanoma skin cancer)")]
    assert_decides(
        reasoner, "I had a melanoma removed from the skin of my back. Is that an exception?", prior, Decision.EXCLUDED
    )


def test_having_the_broader_thing_does_not_meet_a_narrower_requirement(reasoner: EligibilityReasoner) -> None:
    """Required 'diabetic retinopathy': 'I have an eye disease' does not show it; 'no eye disease' rules it out."""
    required = [criterion(INCLUSION, 4, "Diabetic retinopathy of any stage")]
    assert_decides(reasoner, "I have an eye disease. Can I join?", required, Decision.UNDECIDED)
    assert_decides(reasoner, "I have no eye disease at all. Can I join?", required, Decision.EXCLUDED)


def test_alternative_lab_bounds_named_only_by_their_abbreviation(reasoner: EligibilityReasoner) -> None:
    """'either ESR > 30 mm/hr OR CRP > 1.0 mg/dl': ESR 25 with CRP 1.4 meets the requirement."""
    either = [
        criterion(INCLUSION, 5, "Active disease with either ESR greater than 30 mm/hr OR CRP greater than 1.0 mg/dl")
    ]
    assert_decides(reasoner, "ESR is 25 mm/hr and CRP 1.4 mg/dl. Does she qualify?", either, Decision.ALLOWED)
    # A record that spells one lab out and wraps the line between the alternatives (classic XML does).
    wrapped = [
        criterion(
            INCLUSION,
            5,
            "Active RA, as defined by at least four swollen joints,\n     and either an erythrocyte sedimentation rate "
            "(ESR) of greater than 30 mm/hr OR\n     C-reactive protein level greater than 1.0 mg/dl",
        )
    ]
    assert_decides(reasoner, "5 swollen joints, ESR 25 mm/hr, CRP 1.4 mg/dl. Can she join?", wrapped, Decision.ALLOWED)
    assert_decides(reasoner, "5 swollen joints, ESR 25 mm/hr, CRP 0.6 mg/dl.", wrapped, Decision.EXCLUDED)
    repeated = [criterion(INCLUSION, 3, "HbA1c 6.5-10.5 % [48-91 mmol/mol] at screening")]
    assert_decides(reasoner, "My HbA1c is 11.2 %.", repeated, Decision.EXCLUDED)


def test_a_narrower_case_in_an_exception_does_not_admit_the_broader_one(reasoner: EligibilityReasoner) -> None:
    """'except papillary thyroid carcinoma' and 'I had thyroid cancer': which thyroid cancer decides."""
    prior = [criterion(EXCLUSION, 4, "No prior treatment for any cancer, except papillary thyroid carcinoma")]
    assert_decides(reasoner, "I was treated for thyroid cancer years ago. Can I join?", prior, Decision.UNDECIDED)


@pytest.mark.parametrize(
    ("question", "decision"),
    [
        ("He had 3 oral steroid bursts last year. Does that exclude him?", Decision.ALLOWED),
        ("He had 7 steroid bursts last year. Does that exclude him?", Decision.EXCLUDED),
    ],
)
def test_a_count_of_events_is_compared_with_the_count_the_criterion_sets(
    reasoner: EligibilityReasoner, question: str, decision: Decision
) -> None:
    bursts = [criterion(EXCLUSION, 14, "Six or more oral steroid bursts in the past year")]
    assessment = reasoner.assess(question, bursts, {})
    assert assessment.decision is decision, [(f.fact, f.decision, f.reason) for f in assessment.findings]


def test_a_requirement_met_on_the_same_criterion_does_not_weaken_a_catch() -> None:
    """Only an exception describing the asker's case makes a catch on its criterion no verdict; a requirement the
    question meets on that criterion ("participants must meet this requirement") does not."""
    from assistant.eligibility import _EXCEPTION_REASON, Assessment, Finding, _weigh_exceptions
    from assistant.grounding import Span

    chunk = criterion(INCLUSION, 1, "Histologically confirmed non-squamous NSCLC with measurable disease")
    caught = Finding("squamous", Decision.EXCLUDED, chunk, Span(0, 5), "the criterion requires non-squamous")
    met = Finding("measurable disease", Decision.CONDITIONS, chunk, Span(40, 58), "participants must meet this")
    kept = Assessment(findings=[caught, met])
    _weigh_exceptions(kept, set())
    assert kept.decision is Decision.EXCLUDED
    excepted = Assessment(findings=[caught, Finding("x", Decision.CONDITIONS, chunk, Span(0, 1), _EXCEPTION_REASON)])
    _weigh_exceptions(excepted, set())
    assert excepted.findings[0].decision is Decision.UNDECIDED


def test_a_narrower_concept_in_the_criterion_does_not_decide_through_its_exception_or_time_limit(
    reasoner: EligibilityReasoner,
) -> None:
    """The criterion names a narrower concept than the asker's ('diabetic retinopathy' under 'eye disease'): whether
    the asker's case is it is open, so neither the exception carved for it nor its time limit gives a verdict."""
    vaccines = [
        criterion(
            EXCLUSION,
            18,
            "No live vaccine within 30 days. Seasonal influenza vaccines for injection are killed virus vaccines "
            "and are allowed.",
        )
    ]
    # (a route of giving is no kind of drug therapy: the injection named is not a narrower case of chemotherapy)
    assert reasoner.assess("I had chemotherapy before my lung surgery. Can I join?", vaccines, {}).decision is None
    required = [criterion(INCLUSION, 4, "Diabetic retinopathy diagnosed within the last 2 years")]
    assert_decides(reasoner, "I was diagnosed with an eye disease 6 months ago.", required, Decision.UNDECIDED)
    assert_decides(reasoner, "I have no eye disease at all.", required, Decision.EXCLUDED)


def test_a_requirement_of_one_group_does_not_exclude_when_the_numbering_starts_again(
    reasoner: EligibilityReasoner,
) -> None:
    """'Group A (normal individuals): 1. ... 2. ... Group B (diabetes): 1. ... 2. diabetic retinopathy': the list
    starts again, so a requirement missed in one block may belong to a group the asker is not in."""
    group_a = [criterion(INCLUSION, 1, "No familial or hereditary retinopathy"), criterion(INCLUSION, 2, "Age 18-70")]
    group_b = [
        criterion(INCLUSION, 1, "Diagnosed with type 2 diabetes").model_copy(update={"chunk_id": f"{TRIAL}:b:1"}),
        criterion(INCLUSION, 2, "Diabetic retinopathy of any stage").model_copy(update={"chunk_id": f"{TRIAL}:b:2"}),
    ]
    question = "I have no eye disease at all. Can I join?"
    assert_decides(reasoner, question, group_b[1:], Decision.EXCLUDED)  # one list: the requirement is missed
    assert_decides(reasoner, question, group_a + group_b, Decision.UNDECIDED)


@pytest.mark.parametrize(
    ("question", "text", "decision"),
    [
        # The criterion is about the allergy to the drug or the treatment of the illness, not the drug or illness.
        ("I take insulin every day. Can I join?", "Known hypersensitivity to insulin", Decision.UNDECIDED),
        ("I have lymphoma. Can I join?", "Chemotherapy for lymphoma within the last year", Decision.UNDECIDED),
        ("I have tuberculosis. Can I join?", "Current treatment for tuberculosis", Decision.UNDECIDED),
        # The question names the governing word (or its concept): the criterion catches it.
        ("I'm allergic to insulin. Can I join?", "Known hypersensitivity to insulin", Decision.EXCLUDED),
        ("I'm being treated for tuberculosis. Can I join?", "Current treatment for tuberculosis", Decision.EXCLUDED),
        ("I have lymphoma. Can I join?", "Lymphoma", Decision.EXCLUDED),
    ],
)
def test_a_mention_governed_by_an_allergy_or_a_treatment_is_caught_only_with_it(
    reasoner: EligibilityReasoner, question: str, text: str, decision: Decision
) -> None:
    assert_decides(reasoner, question, [criterion(EXCLUSION, 6, text)], decision)


def test_an_exceptions_own_bound_is_the_one_for_the_case_it_names(reasoner: EligibilityReasoner) -> None:
    """'>= 10 mm in the longest diameter (except lymph nodes, which must have short axis >= 15 mm) with CT or MRI':
    a 12 mm node misses its own bound; 'with CT or MRI' is how it is measured, not another way to qualify."""
    target = [
        criterion(
            INCLUSION,
            6,
            "At least one lesion that can be measured as >= 10 mm in the longest diameter (except lymph nodes, "
            "which must have short axis >= 15 mm) with CT or MRI",
        )
    ]
    assert_decides(reasoner, "His only lesion is a lymph node, 12 mm short axis.", target, Decision.EXCLUDED)
    other = reasoner.assess("His only lesion is 12 mm in the longest diameter.", target, {})
    assert other.decision in (Decision.ALLOWED, Decision.CONDITIONS), other.findings


def test_something_the_asker_lacks_that_no_criterion_names_does_not_block_a_verdict(
    reasoner: EligibilityReasoner,
) -> None:
    autoimmune = [criterion(EXCLUSION, 7, "Active autoimmune disease. Resolved childhood asthma is an exception.")]
    question = "I had childhood asthma that resolved, no inhalers for years. Does that exclude me?"
    assert reasoner.assess(question, autoimmune, {}).unmatched == []


@pytest.mark.parametrize(
    ("question", "text", "decision"),
    [
        # The investigator judges whether the asker's case counts...
        (
            "I get nosebleeds now and then. Is that a problem?",
            "Nosebleeds, which in the opinion of the investigator may interfere with the study",
            Decision.UNDECIDED,
        ),
        # ...unless the asker says it in the criterion's own words.
        (
            "Is uncontrolled hypertension exclusionary?",
            "Uncontrolled hypertension, as judged by the investigator",
            Decision.EXCLUDED,
        ),
        # "as determined by MRI" is a test, not someone's judgement.
        (
            "I had a stroke. Can I join?",
            "Stroke (as determined by MRI)",
            Decision.EXCLUDED,
        ),
        # A judgement of another item of the list is not a judgement of this one.
        (
            "I had a stroke. Can I join?",
            "Stroke, or any other condition which in the opinion of the investigator would interfere",
            Decision.EXCLUDED,
        ),
        # The mention is the cause of what the criterion is about.
        (
            "He takes prednisone when his COPD flares. Does that exclude him?",
            "Suppressed immune system resulting from radiation therapy, chemotherapy, steroid therapy",
            Decision.UNDECIDED,
        ),
        (
            "He has a suppressed immune system from prednisone. Does that exclude him?",
            "Suppressed immune system resulting from radiation therapy, chemotherapy, steroid therapy",
            Decision.EXCLUDED,
        ),
        # "(e.g., thyroxine, insulin, etc.) is not considered ...": the bracket with its dots is the excepted subject.
        (
            "I take levothyroxine for my thyroid. Is that systemic treatment?",
            "Autoimmune disease that required systemic treatment. Replacement therapy (e.g., thyroxine, insulin, "
            "etc.) is not considered a form of systemic treatment.",
            Decision.CONDITIONS,
        ),
    ],
)
def test_judgement_cause_and_bracketed_subjects(
    reasoner: EligibilityReasoner, question: str, text: str, decision: Decision
) -> None:
    assert_decides(reasoner, question, [criterion(EXCLUSION, 12, text)], decision)


@pytest.mark.parametrize(
    ("question", "decision"),
    [
        ("Creatinine is 1.8 x ULN.", Decision.UNDECIDED),  # the clearance decides
        ("Creatinine is 1.8 x ULN and creatinine clearance is 62 mL/min.", Decision.ALLOWED),
        ("Creatinine is 1.8 x ULN and creatinine clearance is 40 mL/min.", Decision.EXCLUDED),
    ],
)
def test_an_exclusion_of_two_values_joined_by_and_needs_both(
    reasoner: EligibilityReasoner, question: str, decision: Decision
) -> None:
    both = [criterion(EXCLUSION, 7, "Creatinine > 1.5 x ULN and creatinine clearance < 50 mL/min")]
    assert_decides(reasoner, question, both, decision)
    listed = [criterion(EXCLUSION, 8, "Hemoglobin < 9 g/dL, creatinine > 1.5 x ULN and platelets < 100,000/mm3")]
    assert reasoner.assess("Creatinine is 1.8 x ULN.", listed, {}).decision is Decision.EXCLUDED


@pytest.mark.parametrize(
    ("question", "decision"),
    [
        ("My blood pressure is 160/95 on my pills.", Decision.EXCLUDED),  # the systolic alone is caught
        ("My blood pressure is 145/105 on my pills.", Decision.EXCLUDED),  # the diastolic alone is caught
        ("My blood pressure is 140/90 on my pills.", Decision.ALLOWED),
    ],
)
def test_an_exclusion_of_two_values_joined_by_and_or_needs_either(
    reasoner: EligibilityReasoner, question: str, decision: Decision
) -> None:
    either = [
        criterion(
            EXCLUSION,
            8,
            "Inadequately controlled hypertension (defined as systolic blood pressure >150 and/or diastolic blood "
            "pressure > 100 mmHg on antihypertensive medications)",
        )
    ]
    assert_decides(reasoner, question, either, decision)


def test_a_sub_heading_above_the_criterion_sets_its_window_and_its_tense(reasoner: EligibilityReasoner) -> None:
    prior = criterion(EXCLUSION, 10, "Interferon.").model_copy(
        update={"heading": "Prior Medication: Excluded within 30 days of study entry:"}
    )
    assert_decides(reasoner, "I had interferon 3 months ago. Can I join?", [prior], Decision.ALLOWED)
    assert_decides(reasoner, "I had interferon 10 days ago. Can I join?", [prior], Decision.EXCLUDED)
    concurrent = criterion(EXCLUSION, 1, "Zidovudine (AZT).").model_copy(
        update={"heading": "Concurrent Medication: Excluded:"}
    )
    assert_decides(reasoner, "I took AZT until 4 weeks ago. Can I join?", [concurrent], Decision.UNDECIDED)
    assert_decides(reasoner, "I am on AZT. Can I join?", [concurrent], Decision.EXCLUDED)


@pytest.mark.parametrize(
    ("question", "decision"),
    [
        ("I have brain metastases. Can I join?", Decision.UNDECIDED),  # the meningeal part decides
        ("I have brain metastases and meningeal metastases too. Can I join?", Decision.EXCLUDED),
    ],
)
def test_a_mention_the_criterion_combines_with_another_needs_both(
    reasoner: EligibilityReasoner, question: str, decision: Decision
) -> None:
    both = [criterion(EXCLUSION, 5, "Brain parenchymal metastasis combined with meningeal metastasis")]
    assert_decides(reasoner, question, both, decision)


@pytest.mark.parametrize(
    ("question", "decision"),
    [
        # "without any systemic corticosteroid" in a requirement prohibits it, and a dose does not hide the drug.
        ("I'm taking dexamethasone 4 mg twice a day. Can I be enrolled?", Decision.EXCLUDED),
        # "... can be used locally and inhaled": the inhaler is the allowance.
        ("I use a budesonide inhaler. Is that a problem?", Decision.CONDITIONS),
    ],
)
def test_a_requirement_that_prohibits_with_without_and_its_allowance(
    reasoner: EligibilityReasoner, question: str, decision: Decision
) -> None:
    stable = [
        criterion(
            INCLUSION,
            5,
            "The brain condition is stable for at least 2 weeks, without any systemic (oral or parenteral) "
            "corticosteroid treatment. Non-absorbable corticosteroids can be used locally and inhaled.",
        )
    ]
    assert_decides(reasoner, question, stable, decision)


def test_blood_pressure_bounds_keep_their_kind_and_an_exception_is_not_found_in_its_own_bound(
    reasoner: EligibilityReasoner,
) -> None:
    """'systolic blood pressure \\[BP\\] > 180 mm Hg or diastolic BP > 100 mm Hg' (markdown-escaped brackets, as API
    v2 text has them) bounds two measures; 'who can have total bilirubin < 3.0 mg/dL' names the measure, not whom
    the exception is for."""
    pressure = [
        criterion(
            EXCLUSION,
            3,
            "Inadequately controlled hypertension (ie, systolic blood pressure \\[BP\\] \\> 180 mm Hg or diastolic BP "
            "\\> 100 mm Hg).",
        )
    ]
    assert_decides(reasoner, "My blood pressure is 135/85.", pressure, Decision.ALLOWED)
    assert_decides(reasoner, "My blood pressure is 190/85.", pressure, Decision.EXCLUDED)
    assert reasoner.assess("My BP is 135 mm Hg.", pressure, {}).decision is not Decision.EXCLUDED
    gilbert = [
        criterion(
            INCLUSION,
            18,
            "Total bilirubin ≤ 1.5 × ULN (except subjects with Gilbert Syndrome, who can have total bilirubin < 3.0 "
            "mg/dL)",
        )
    ]
    assert_decides(reasoner, "My total bilirubin is 1.9 x ULN.", gilbert, Decision.EXCLUDED)


@pytest.mark.parametrize(
    ("heading", "shown"),
    [
        ("Prior Medication: Excluded within 30 days of study entry:", True),
        ("Patients who meet any of the following exclusion criteria are not to be enrolled:", False),
        ("(sonography alone not acceptable) Measurable liver disease defined as:", False),
    ],
)
def test_the_answer_names_a_sub_heading_only_when_it_says_something(
    reasoner: EligibilityReasoner, heading: str, shown: bool
) -> None:
    from assistant.offline import _assessment_text

    item = criterion(EXCLUSION, 10, "Interferon.").model_copy(update={"heading": heading})
    question = "I had interferon 10 days ago. Can I join?"
    text, _ = _assessment_text(reasoner.assess(question, [item], {}), question)
    assert ("(under “" in text) is shown, text


def test_a_topic_whole_only_inside_the_exception_is_the_exception(reasoner: EligibilityReasoner) -> None:
    akt = [criterion(EXCLUSION, 5, "Prior treatment with an Akt inhibitor (prior PI3K or mTOR inhibitors are allowed)")]
    assert_decides(reasoner, "Are prior PI3K inhibitors allowed?", akt, Decision.CONDITIONS)
    assert_decides(reasoner, "I had a prior Akt inhibitor. Can I join?", akt, Decision.EXCLUDED)


def test_other_exceptions_include_and_a_topic_told_as_now_is_not_dated_by_another_clause(
    reasoner: EligibilityReasoner,
) -> None:
    prior = [
        criterion(
            EXCLUSION,
            27,
            "Subjects with previous malignancies are excluded. Other exceptions include malignancies with a "
            "negligible risk of metastasis, such as localized prostate cancer.",
        )
    ]
    assert_decides(reasoner, "I was treated for localized prostate cancer 2 years ago.", prior, Decision.CONDITIONS)
    window = [criterion(INCLUSION, 8, "Colon cancer diagnosed within 1 year of enrollment")]
    question = "I was treated for prostate cancer 2 years ago and now have colon cancer. Can I join?"
    assert reasoner.assess(question, window, {}).decision is not Decision.EXCLUDED


def test_a_letter_or_number_after_a_word_keeps_its_kind_in_a_word_match(reasoner: EligibilityReasoner) -> None:
    """'hepatitis C' is not 'Hepatitis B' even when only the words are matched."""
    hbv = [criterion(EXCLUSION, 3, "Have Hepatitis B.")]
    assert reasoner.assess("I have hepatitis c. Can I join?", hbv, {}).decision is not Decision.EXCLUDED
    assert_decides(reasoner, "I have hepatitis B. Can I join?", hbv, Decision.EXCLUDED)


@pytest.mark.parametrize(
    ("question", "item", "decision"),
    [
        # Permissions ("Allowed:" above, "Permitted medications ..."): not having it is no obstacle.
        (
            "I have never taken ibuprofen. Can I join?",
            (INCLUSION, "Ibuprofen for pain.", "Concurrent Medication: Allowed:"),
            Decision.ALLOWED,
        ),
        (
            "I take ibuprofen for pain. Can I join?",
            (INCLUSION, "Ibuprofen for pain.", "Concurrent Medication: Allowed:"),
            Decision.CONDITIONS,
        ),
        # "Not allowed:" above it is a prohibition, not a permission.
        (
            "I take ibuprofen for pain. Can I join?",
            (INCLUSION, "Ibuprofen.", "Concurrent Medication: Not allowed:"),
            Decision.UNDECIDED,
        ),
        # "Abstinent from alcohol for 3 days" requires its absence.
        (
            "I drink alcohol every day. Can I join?",
            (INCLUSION, "Abstinent from alcohol.", None),
            Decision.EXCLUDED,
        ),
        # "with or without" prohibits nothing.
        (
            "I had chemotherapy last year. Can I join?",
            (INCLUSION, "Patients with or without prior chemotherapy.", None),
            Decision.UNDECIDED,  # read as a requirement, not a prohibition
        ),
        # "... with no history of pneumocystosis" in a requirement prohibits it.
        (
            "I have never had pneumocystosis. Can I join?",
            (INCLUSION, "Receiving zidovudine with no history of pneumocystosis.", None),
            Decision.ALLOWED,
        ),
        # Unable or unwilling: never having had it does not show that; not using contraception is lacking it.
        (
            "I have never had azithromycin. Can I join?",
            (EXCLUSION, "Have been unable to take azithromycin in the past.", None),
            Decision.UNDECIDED,
        ),
        (
            "I don't use any contraception. Can I join?",
            (EXCLUSION, "Sexual activity without an effective method of contraception.", None),
            Decision.EXCLUDED,
        ),
    ],
)
def test_permissions_abstinence_and_inability(
    reasoner: EligibilityReasoner, question: str, item: tuple[str, str, str | None], decision: Decision
) -> None:
    section, text, heading = item
    chunk = criterion(section, 4, text).model_copy(update={"heading": heading})
    assert_decides(reasoner, question, [chunk], decision)


def test_an_adjective_in_ine_names_a_kind(reasoner: EligibilityReasoner) -> None:
    """'large cell neuroendocrine carcinoma' is one kind of carcinoma; 'I had a carcinoma' does not say it is."""
    kinds = [criterion(EXCLUSION, 2, "Neuroendocrine carcinoma confirmed by histology")]
    assert reasoner.assess("I had a carcinoma removed. Can I join?", kinds, {}).decision is not Decision.EXCLUDED


def test_a_mention_that_a_medication_is_for_is_not_the_medication(reasoner: EligibilityReasoner) -> None:
    nrt = [criterion(EXCLUSION, 2, "Current use of pharmacotherapy for smoking cessation")]
    assert reasoner.assess("I smoke a pack a day. Does that matter?", nrt, {}).decision is not Decision.EXCLUDED


@pytest.mark.parametrize(
    ("question", "decision"),
    [
        ("I took phenytoin 120 days ago. Can I join?", Decision.ALLOWED),  # "St." does not end the window's clause
        ("I took phenytoin 10 days ago. Can I join?", Decision.EXCLUDED),
        ("I took St. John's wort 4 months ago. Can I join?", Decision.ALLOWED),
    ],
)
def test_an_abbreviation_does_not_cut_a_mention_off_from_its_window(
    reasoner: EligibilityReasoner, question: str, decision: Decision
) -> None:
    drugs = criterion(
        EXCLUSION,
        15,
        "Have used carbamazepine, phenytoin, or Hypericum perforatum (St. John's wort) within\n"
        "     30 days of beginning study treatment.",
    )
    assert_decides(reasoner, question, [drugs], decision)


@pytest.mark.parametrize(
    ("question", "decision"),
    [
        ("I had radiation therapy 4 months ago. Can I join?", Decision.ALLOWED),
        ("I had radiation therapy 10 days ago. Can I join?", Decision.EXCLUDED),
        ("I had local radiation therapy 10 days ago. Can I join?", Decision.CONDITIONS),
    ],
)
def test_a_mention_inside_the_exception_does_not_catch_what_the_rest_of_the_criterion_lets_through(
    reasoner: EligibilityReasoner, question: str, decision: Decision
) -> None:
    """The exempt case's own mention has no window of its own: the exclusion's mention, with its window, decides."""
    treatment = criterion(
        EXCLUSION,
        7,
        "Have received chemotherapy or radiation therapy within 30 days prior to study entry.\n"
        "     (Local radiation therapy is allowed.)",
    )
    assert_decides(reasoner, question, [treatment], decision)


def test_complications_of_a_condition_are_not_the_condition(reasoner: EligibilityReasoner) -> None:
    """'Complications of the ischemia', 'complications from diabetes': having the condition does not show them."""
    limb = [criterion(EXCLUSION, 7, "Life-threatening complications of the ischemia needing immediate amputation")]
    assert_decides(reasoner, "I had a heart attack a year ago. Can I join?", limb, Decision.UNDECIDED)
    diabetes = [criterion(EXCLUSION, 3, "Complications from diabetes such as retinopathy")]
    assert_decides(reasoner, "I have type 2 diabetes. Can I join?", diabetes, Decision.UNDECIDED)
    assert_decides(reasoner, "I have diabetic complications. Can I join?", diabetes, Decision.EXCLUDED)


def test_a_bound_in_a_no_sentence_of_an_unheaded_list_prohibits(reasoner: EligibilityReasoner) -> None:
    sprays = [
        criterion(
            ELIGIBILITY,
            16,
            "No patients with current use of ocular or systemic steroids or use of steroid-containing inhalers or "
            "nasal sprays utilized more than 6 days a month on average.",
        )
    ]
    assert_decides(reasoner, "I use a steroid nasal spray 4 days a month. Is that okay?", sprays, Decision.ALLOWED)
    assert_decides(reasoner, "I use my nasal spray 10 days a month. Is that okay?", sprays, Decision.EXCLUDED)


def test_a_bound_whose_sentence_says_who_is_ineligible_prohibits_under_any_heading(
    reasoner: EligibilityReasoner,
) -> None:
    echo = [
        criterion(
            INCLUSION,
            8,
            "A baseline assessment of left ventricular ejection fraction within 8 weeks of registration is required; "
            "patients with a left ventricular ejection fraction (LVEF) < 45% are ineligible",
        )
    ]
    assert_decides(reasoner, "My echo showed an EF of 40%. Is that ok?", echo, Decision.EXCLUDED)
    assert_decides(reasoner, "My echo showed an EF of 55%. Is that ok?", echo, Decision.ALLOWED)


@pytest.mark.parametrize(
    ("text", "question"),
    [
        (
            "History of seizures (this criterion does not apply to subjects who have had a single, uncomplicated "
            "febrile convulsion in the past).",
            "She had a single febrile convulsion as a baby. Can she join?",
        ),
        (
            "Abuse drugs or alcohol. Patients in methadone programs may participate.",
            "I'm on a methadone program. Can I join?",
        ),
        (
            "Patients treated with immunosuppressive agents such as methotrexate or cyclosporine will be excluded but "
            "may enter the study after a 3 month period off immunosuppressive therapy.",
            "I stopped methotrexate four months ago. Can I join?",
        ),
    ],
)
def test_does_not_apply_to_and_may_participate_or_enter_are_allowances(
    reasoner: EligibilityReasoner, text: str, question: str
) -> None:
    assert_decides(reasoner, question, [criterion(EXCLUSION, 8, text)], Decision.CONDITIONS)


def test_an_age_field_its_own_criterion_contradicts_gives_no_verdict(reasoner: EligibilityReasoner) -> None:
    """Infant trials registered with 'minimum age 1 Year' for 'at most 365 days of age': the record contradicts
    itself, so the field does not exclude a 3-month-old; a criterion that does not admit the age leaves it as it was."""
    infants = criterion(INCLUSION, 1, "Patient is ≤ 365 days of age at the time of diagnosis")
    field = {"minimum_age": fact("minimum_age", "1 Year")}
    assessment = reasoner.assess("My son is 3 months old. Can he join?", [infants], field)
    assert assessment.decision is Decision.UNDECIDED
    # (the criterion bounds the age at diagnosis, which the field's limit is)
    assert "age at diagnosis" in assessment.findings[0].reason
    older = {"minimum_age": fact("minimum_age", "3 Years")}
    toddler = reasoner.assess("My son is 2 years old. Can he join?", [infants], older)
    assert toddler.decision is Decision.EXCLUDED  # no criterion admits a 2-year-old: the field stands
    adults = criterion(INCLUSION, 1, "Age 18 years or older")
    oldest = {"maximum_age": fact("maximum_age", "80 Years")}
    assert reasoner.assess("I'm 82. Too old?", [adults], oldest).decision is Decision.EXCLUDED  # no contradiction


def test_a_bracket_that_gives_the_reference_limit_is_not_a_bound(reasoner: EligibilityReasoner) -> None:
    liver = [
        criterion(
            EXCLUSION,
            3,
            "Liver aminotransferases >3 times the upper limit of the reference range (upper normal limit AST or "
            "ALT >=40 units/L)",
        )
    ]
    decision = reasoner.assess("My ALT is 110 U/L. Does that exclude me?", liver, {}).decision
    assert decision is not Decision.EXCLUDED  # 110 >= 40 is the reference limit's value, not the exclusion
    later = [criterion(EXCLUSION, 4, "Liver dysfunction (ALT > 2.5 x ULN, or bilirubin > 40 umol/L)")]
    assert_decides(reasoner, "My bilirubin is 55 umol/L. Can I join?", later, Decision.EXCLUDED)


def test_such_that_narrows_the_condition(reasoner: EligibilityReasoner) -> None:
    lung = [criterion(EXCLUSION, 7, "Have lung disease such that function is limited.")]
    assert_decides(reasoner, "I had pneumonia two months ago and recovered. Can I join?", lung, Decision.UNDECIDED)


def test_a_window_after_a_list_dates_every_item_of_it(reasoner: EligibilityReasoner) -> None:
    """'Unstable angina, heart attack or stroke in the past 3 months': the window is the list's, not the last item's
    (only a ', without ...' phrase after a window is outside it)."""
    recent = [criterion(EXCLUSION, 4, "Unstable angina, heart attack or stroke in the past 3 months")]
    assert_decides(reasoner, "I had a heart attack five months ago. Is that too recent?", recent, Decision.ALLOWED)
    assert_decides(reasoner, "I had a heart attack five weeks ago. Is that too recent?", recent, Decision.EXCLUDED)


def test_the_number_of_another_items_window_does_not_leave_a_windowed_item_undecided(
    reasoner: EligibilityReasoner,
) -> None:
    creams = [
        criterion(
            EXCLUSION,
            4,
            "Use of herbal creams or ointments for pain relief within 48 hours, capsaicin within 6 months, or "
            "systemic corticosteroids within 3 months before the baseline period",
        )
    ]
    assert_decides(reasoner, "I used capsaicin cream about 4 months ago. Too recent?", creams, Decision.EXCLUDED)
    assert_decides(reasoner, "I used capsaicin cream about 8 months ago. Too recent?", creams, Decision.ALLOWED)


@pytest.mark.parametrize(
    ("text", "question", "decision"),
    [
        (
            "Chronic Obstructive Pulmonary Disease (COPD) as the primary disease",
            "He has asthma-COPD overlap; the asthma drives his attacks. Eligible?",
            Decision.UNDECIDED,
        ),
        (
            "History of allergy or hypersensitivity to Epiceram, Elidel, or ingredients therein.",
            "She has mild asthma. Is that okay?",
            Decision.UNDECIDED,
        ),
        (
            "Known hypersensitivity after previous administration of diphtheria, tetanus, pertussis or polio vaccines.",
            "She has a cow's milk protein allergy. Can she be vaccinated in the study?",
            Decision.UNDECIDED,
        ),
        (
            "Known hypersensitivity after previous administration of diphtheria, tetanus, pertussis or polio vaccines.",
            "She had a bad allergic reaction after a previous tetanus vaccine. Can she join?",
            Decision.EXCLUDED,
        ),
        # "of" after a coordinated noun belongs to that noun: pregnancy itself is excluded.
        (
            "Pregnancy or women of childbearing potential not using effective contraception",
            "Is pregnancy exclusionary?",
            Decision.EXCLUDED,
        ),
    ],
)
def test_a_narrowing_phrase_after_the_mention_its_acronym_or_a_coordinated_pair(
    reasoner: EligibilityReasoner, text: str, question: str, decision: Decision
) -> None:
    assert_decides(reasoner, question, [criterion(EXCLUSION, 1, text)], decision)


def test_a_question_that_says_which_disease_comes_first_speaks_to_as_the_primary_disease(
    reasoner: EligibilityReasoner,
) -> None:
    primary = [criterion(EXCLUSION, 1, "Chronic Obstructive Pulmonary Disease (COPD) as the primary disease")]
    assert_decides(
        reasoner, "I have COPD and a bit of asthma, but it's mainly the COPD. Eligible?", primary, Decision.EXCLUDED
    )


@pytest.mark.parametrize(
    ("question", "decision"),
    [
        # "local" qualifies the pharmacy, not the tablets: it is not the opposite of "systemic" here
        ("The local pharmacy sent my prednisone tablets, I take them daily. Can I join?", Decision.EXCLUDED),
        ("I only use a topical hydrocortisone. Can I join?", Decision.ALLOWED),
    ],
)
def test_an_opposite_word_counts_only_where_it_qualifies_the_topic(
    reasoner: EligibilityReasoner, question: str, decision: Decision
) -> None:
    steroids = [criterion(EXCLUSION, 5, "Current systemic corticosteroid therapy")]
    assert_decides(reasoner, question, steroids, decision)


@pytest.mark.parametrize(
    ("question", "decision"),
    [
        ("I have cirrhosis. Can I join?", Decision.UNDECIDED),
        ("I have Child-Pugh A cirrhosis. Can I join?", Decision.UNDECIDED),  # another class: never excluded
        ("I have Child-Pugh class B cirrhosis. Can I join?", Decision.EXCLUDED),
    ],
)
def test_a_class_named_by_letters_bounds_the_condition(
    reasoner: EligibilityReasoner, question: str, decision: Decision
) -> None:
    liver = [criterion(EXCLUSION, 2, "Advanced liver disease: Childs Pugh class B or C cirrhosis, recurrent bleeding")]
    assert_decides(reasoner, question, liver, decision)


@pytest.mark.parametrize(
    ("question", "decision"),
    [
        ("I have sepsis. Can I join?", Decision.UNDECIDED),  # "Severe sepsis" is an entry term of Sepsis
        ("I had severe sepsis last month. Can I join?", Decision.EXCLUDED),
    ],
)
def test_a_modifier_the_vocabulary_folds_into_the_name_still_narrows(
    reasoner: EligibilityReasoner, question: str, decision: Decision
) -> None:
    sepsis = [criterion(EXCLUSION, 1, "Severe sepsis or septic shock")]
    assert_decides(reasoner, question, sepsis, decision)


def test_an_acronym_the_asker_uses_is_the_name_with_its_modifier(reasoner: EligibilityReasoner) -> None:
    scid = [criterion(EXCLUSION, 1, "Severe combined immunodeficiency")]
    assert_decides(reasoner, "My son has SCID. Can he join?", scid, Decision.EXCLUDED)


def test_a_criterion_stating_another_maximum_age_than_the_field_leaves_no_verdict(
    reasoner: EligibilityReasoner,
) -> None:
    ages = [criterion(INCLUSION, 1, "Women between the age of 18 and 42 years will be candidates")]
    field = {"maximum_age": fact("maximum_age", "32 Years")}
    assert reasoner.assess("I'm 36. Am I too old?", ages, field).decision is Decision.UNDECIDED
    assert reasoner.assess("I'm 45. Am I too old?", ages, field).decision is Decision.EXCLUDED


@pytest.mark.parametrize(
    ("question", "item", "decision"),
    [
        # Plain words that only partly match give no flat verdict, negated or not.
        (
            "I'm 45, healthy, and I don't take any pills. Can I volunteer?",
            (INCLUSION, "Non-uremic healthy volunteers who are not on immunosuppressive medications."),
            Decision.UNDECIDED,
        ),
        # A promise for the study is not broken by not doing it now.
        (
            "I'm not on any birth control. Does that stop me?",
            (INCLUSION, "Women of childbearing potential must agree to use an approved method of contraception."),
            Decision.CONDITIONS,
        ),
        (
            "I'm not on any birth control. Does that stop me?",
            (INCLUSION, "Currently using an effective method of contraception."),
            Decision.EXCLUDED,
        ),
    ],
)
def test_partial_words_and_promises_for_the_study(
    reasoner: EligibilityReasoner, question: str, item: tuple[str, str], decision: Decision
) -> None:
    assert_decides(reasoner, question, [criterion(item[0], 8, item[1])], decision)


@pytest.mark.parametrize(
    ("text", "question", "decision"),
    [
        # A strain or type code before the mention names one kind of it.
        (
            "History of vaccination with an H5N1 influenza vaccine.",
            "I had my regular flu shot three weeks ago. Can I join?",
            Decision.UNDECIDED,
        ),
        (
            "History of vaccination with an H5N1 influenza vaccine.",
            "I had the H5N1 vaccine in 2020. Can I join?",
            Decision.EXCLUDED,
        ),
        # "investigational"/"experimental" is a state the question must say.
        (
            "Received an investigational drug (including experimental biologic agents) within 30 days of entry",
            "I had my flu jab four days ago. Does that matter?",
            Decision.UNDECIDED,
        ),
        # "Treatment with X" without a tense: stopped long ago is neither caught nor cleared.
        (
            "Treatment with levodopa, dopamine agonists or any other antiparkinsonian medications.",
            "He tried levodopa three years ago, but he's been off it since. Does that count?",
            Decision.UNDECIDED,
        ),
        (
            "Prior treatment with levodopa.",
            "He tried levodopa three years ago, but he's been off it since. Does that count?",
            Decision.EXCLUDED,
        ),
    ],
)
def test_kind_codes_investigational_agents_and_treatment_without_a_tense(
    reasoner: EligibilityReasoner, text: str, question: str, decision: Decision
) -> None:
    assert_decides(reasoner, question, [criterion(EXCLUSION, 3, text)], decision)


@pytest.mark.parametrize(
    ("text", "question", "decision"),
    [
        (
            "Have a rash, dermatologic condition or tattoos which may interfere with injection site reaction rating",
            "Both of my upper arms are covered in tattoos. Is that a problem?",
            Decision.UNDECIDED,
        ),
        (
            "Symptoms clearly compatible with non-cardiac chest pain, including musculoskeletal causes.",
            "I get chest pain after meals; my GP is not sure if it is my heart. Am I the right kind of patient?",
            Decision.UNDECIDED,
        ),
    ],
)
def test_a_relative_clause_of_consequence_and_an_ac_adjective_narrow(
    reasoner: EligibilityReasoner, text: str, question: str, decision: Decision
) -> None:
    assert_decides(reasoner, question, [criterion(EXCLUSION, 8, text)], decision)


@pytest.mark.parametrize(
    ("question", "criteria", "decision"),
    [
        # someone else's condition against the participant's own history: not caught, and quoted without a verdict
        # (whether the record "allows" it or "does not say" splits readers evenly)
        ("My aunt had breast cancer, can I join?", ["History of breast cancer"], Decision.UNDECIDED),
        # (read as plain words, "family history of diabetes", it is not caught either, but no longer admits: plain words
        # shared with a criterion say too little of whose case it is)
        ("I have a family history of diabetes. Am I eligible?", ["Diabetes mellitus"], Decision.UNDECIDED),
        # ... against a criterion about relatives: who and what, as the criterion defines it, decides
        ("My aunt had breast cancer, can I join?", ["First-degree relative with breast cancer"], Decision.UNDECIDED),
        (
            "My husband has tuberculosis. Can I join?",
            ["Household contact with active tuberculosis"],
            Decision.UNDECIDED,
        ),
        # ... against a requirement: a relative's diagnosis does not meet it
        ("My mother had Alzheimer's disease, can I join?", ["Diagnosis of Alzheimer's disease"], Decision.UNDECIDED),
        # the relative the question asks about is the candidate
        ("My dad had breast cancer; can he join?", ["History of breast cancer"], Decision.EXCLUDED),
        # what may happen against what is the case: no verdict; against a criterion about plans: decided
        ("I could get pregnant during the study, is that ok?", ["Pregnant or breastfeeding"], Decision.UNDECIDED),
        (
            "I'm planning to start hormone replacement therapy next year.",
            ["Planned use of hormone replacement therapy during the study"],
            Decision.EXCLUDED,
        ),
        (
            "I'm planning to start hormone replacement therapy next year.",
            ["Current use of hormone replacement therapy"],
            Decision.UNDECIDED,
        ),
        ("I am pregnant. Can I join?", ["Pregnant or breastfeeding"], Decision.EXCLUDED),
    ],
)
def test_whose_fact_and_whether_it_is_the_case(
    reasoner: EligibilityReasoner, question: str, criteria: list[str], decision: Decision
) -> None:
    chunks = [criterion(EXCLUSION if "Diagnosis" not in c else INCLUSION, i, c) for i, c in enumerate(criteria, 1)]
    assert_decides(reasoner, question, chunks, decision)


@pytest.mark.parametrize(
    ("question", "criteria", "decision"),
    [
        # a verb negated before the mention makes an inclusion require its absence
        ("I had chemotherapy last year.", ["Have not received prior chemotherapy"], Decision.EXCLUDED),
        ("I never had chemotherapy.", ["Have not received prior chemotherapy"], Decision.ALLOWED),
        ("I currently smoke. Can I join?", ["Adults who had not smoked for at least one year"], Decision.UNDECIDED),
        # the question's own negation word is not a topic word: with it out, every word is named
        ("I have never smoked.", ["Has never smoked"], Decision.ALLOWED),
        (
            "I'm 45, healthy, and I don't take any medicines. Can I volunteer?",
            ["Non-uremic healthy volunteers who are not on immunosuppressive medications."],
            Decision.ALLOWED,
        ),
    ],
)
def test_a_requirement_of_absence_said_with_a_negated_verb(
    reasoner: EligibilityReasoner, question: str, criteria: list[str], decision: Decision
) -> None:
    assert_decides(reasoner, question, [criterion(INCLUSION, i, c) for i, c in enumerate(criteria, 1)], decision)


@pytest.mark.parametrize(
    ("first", "second", "same"),
    [
        ("smok", "smoke", True),
        ("vaccin", "vaccine", True),
        ("car", "care", False),
        ("dos", "dose", False),
        ("heart", "heartburn", False),
    ],
)
def test_a_silent_e_cut_by_the_stemmer_is_the_same_word(first: str, second: str, same: bool) -> None:
    from assistant.eligibility import same_word

    assert same_word(first, second) is same


@pytest.mark.parametrize(
    ("question", "item", "decision"),
    [
        # a negated treatment: the condition itself is the asker's
        (
            "I have never been treated for hepatitis B. Can I join?",
            (INCLUSION, "Chronic hepatitis B infection"),
            Decision.UNDECIDED,  # met; whether all of the requirement is, the question does not show
        ),
        # an untested condition is unknown, not absent
        (
            "I've never been tested for hepatitis B. Can I join?",
            (EXCLUSION, "Hepatitis B infection"),
            Decision.UNDECIDED,
        ),
        # a disease named as what a test looked for is not the disease: the negative antigen is allowed, and the
        # antibody, which no criterion names, leaves the whole undecided (it was "excluded" for hepatitis B)
        (
            "My hepatitis B surface antibody is positive; the surface antigen is negative.",
            (EXCLUSION, "Positive hepatitis B surface antigen"),
            Decision.UNDECIDED,
        ),
        # a negative result the criterion asks for
        ("My PCR test came back negative.", (INCLUSION, "SARS-CoV-2 PCR test result negative"), Decision.UNDECIDED),
        # "these pembrolizumab trials" names the study, not something the asker took
        (
            "My PD-L1 is 0%. Don't these pembrolizumab trials need a positive PD-L1?",
            (EXCLUSION, "Prior treatment with pembrolizumab"),
            None,
        ),
    ],
)
def test_negation_and_what_a_mention_names(
    reasoner: EligibilityReasoner, question: str, item: tuple[str, str], decision: Decision | None
) -> None:
    assert_decides(reasoner, question, [criterion(item[0], 1, item[1])], decision)


@pytest.mark.parametrize(
    ("question", "item", "decision"),
    [
        # the criterion names a disorder of the topic ("abuse", "allergy") after it
        ("I'm an alcoholic. Can I join?", (EXCLUSION, "No current alcohol or drug abuse."), Decision.UNDECIDED),
        ("I drink heavily and abuse alcohol.", (EXCLUSION, "No current alcohol or drug abuse."), Decision.EXCLUDED),
        ("I take penicillin for an infection.", (EXCLUSION, "Penicillin allergy"), Decision.UNDECIDED),
        ("I'm allergic to penicillin.", (EXCLUSION, "Penicillin allergy"), Decision.EXCLUDED),
        # a word naming part of a stated value is not a fact of its own (it was "excluded" for fasting); the glucose
        # value no bound reads leaves the criterion about it quoted without a verdict
        (
            "My fasting sugar usually runs around 140 mg/dl.",
            (EXCLUSION, "Impaired fasting glucose (IFG)"),
            Decision.UNDECIDED,
        ),
    ],
)
def test_what_the_criterion_names_around_the_topic(
    reasoner: EligibilityReasoner, question: str, item: tuple[str, str], decision: Decision | None
) -> None:
    assert_decides(reasoner, question, [criterion(item[0], 1, item[1])], decision)


@pytest.mark.parametrize(
    ("question", "item", "decision"),
    [
        # a restrictive clause in the present tense: only the cases that impair
        (
            "I have a cataract that's starting to blur things.",
            (EXCLUSION, "Any lens opacity which impairs visualization of the posterior pole"),
            Decision.UNDECIDED,
        ),
        (
            "I have a dense cataract which impairs visualization of the retina.",
            (EXCLUSION, "Any lens opacity which impairs visualization of the posterior pole"),
            Decision.EXCLUDED,
        ),
        # "prior to study injection": the trial's own intervention is the criterion's reference point
        (
            "I had an epidural steroid injection two months ago.",
            (EXCLUSION, "Unable to abstain from tobacco use for 2 weeks prior to study injection"),
            None,
        ),
    ],
)
def test_restrictive_clauses_and_the_studys_own_intervention(
    reasoner: EligibilityReasoner, question: str, item: tuple[str, str], decision: Decision | None
) -> None:
    assert_decides(reasoner, question, [criterion(item[0], 1, item[1])], decision)


def test_a_criterion_naming_the_topic_outranks_one_naming_its_class(reasoner: EligibilityReasoner) -> None:
    """HIV is an infection (MeSH names "HIV Infections" after the virus): an allowance that names HIV outranks an
    exclusion of "severe infection within 4 weeks", which catches it only through the class."""
    criteria = [
        criterion(
            INCLUSION,
            1,
            "Negative HIV test at screening, with the following exception: patients with a positive HIV test at "
            "screening are eligible provided they are stable on anti-retroviral therapy and have an undetectable "
            "viral load.",
        ),
        criterion(EXCLUSION, 1, "Severe infection within 4 weeks prior to initiation of study treatment"),
    ]
    assert_decides(reasoner, "I'm HIV positive and stable on antiretrovirals.", criteria, Decision.CONDITIONS)


@pytest.mark.parametrize(
    ("question", "item", "decision"),
    [
        # a disease named as what a treatment is for: the treatment is the fact, negated or not (the disease was
        # read as negated and the requirement of it "excluded" the asker); the plain words left are only a hint
        (
            "I've never taken any hepatitis B pills.",
            (INCLUSION, "Chronic hepatitis B infection, never treated with nucleosides"),
            Decision.UNDECIDED,
        ),
        # the criterion's own term, asked about, is not a fact (it was "excluded" by chronic hepatitis B): the
        # criterion is quoted with no verdict, never "not stated"
        (
            "I had a flu shot. Is that the hepatitis B they exclude?",
            (EXCLUSION, "Chronic hepatitis B"),
            Decision.UNDECIDED,
        ),
        (
            "I get extra beats now and then. Is that the arrhythmia they mean?",
            (EXCLUSION, "Heart failure, arrhythmia or unstable angina"),
            Decision.UNDECIDED,
        ),
    ],
)
def test_a_disease_named_for_a_treatment_or_as_the_criterions_term(
    reasoner: EligibilityReasoner, question: str, item: tuple[str, str], decision: Decision | None
) -> None:
    assert_decides(reasoner, question, [criterion(item[0], 1, item[1])], decision)


@pytest.mark.parametrize(
    ("question", "item", "decision"),
    [
        # a condition the asker says is over, against a criterion with no tense: it may mean now or ever
        (
            "I had bowel cancer 12 years ago, surgery only, and there has been no sign of it since. Am I excluded?",
            (EXCLUSION, "Patients with other malignancies"),
            Decision.UNDECIDED,
        ),
        # the criterion that says "history of" catches a past one, over or not
        (
            "I had bowel cancer 12 years ago, surgery only, and there has been no sign of it since. Am I excluded?",
            (EXCLUSION, "History of other malignancies"),
            Decision.EXCLUDED,
        ),
        # the same condition told without saying it ended is a fact as before
        ("I have bowel cancer. Am I excluded?", (EXCLUSION, "Patients with other malignancies"), Decision.EXCLUDED),
    ],
)
def test_a_condition_said_to_be_over_against_a_criterion_without_tense(
    reasoner: EligibilityReasoner, question: str, item: tuple[str, str], decision: Decision | None
) -> None:
    assert_decides(reasoner, question, [criterion(item[0], 1, item[1])], decision)


@pytest.mark.parametrize(
    ("question", "text", "decision"),
    [
        # a parenthetical that tells what the study will do names no one excluded (sertraline is a psychotropic drug,
        # fluoxetine is another drug: "excluded" came from the washout the study itself performs)
        (
            "She stopped taking sertraline three weeks ago. Is that a problem?",
            "Treated within 4 weeks with fluoxetine (patients will undergo a monitored psychotropic drug washout "
            "before entering the protocol)",
            None,
        ),
        # the same drug class named as the excluded thing still excludes
        (
            "She stopped taking sertraline three weeks ago. Is that a problem?",
            "Treated with any psychotropic drug within 4 weeks",
            Decision.EXCLUDED,
        ),
    ],
)
def test_a_parenthetical_about_the_studys_own_procedure(
    reasoner: EligibilityReasoner, question: str, text: str, decision: Decision | None
) -> None:
    assert_decides(reasoner, question, [criterion(EXCLUSION, 1, text)], decision)


def test_a_note_that_includes_people_admits_them(reasoner: EligibilityReasoner) -> None:
    text = (
        "Contraindications to hormone therapy.\nNote: We will include patients on antidepressant\nmedications, "
        "since the most common one (fluoxetine) does not affect the outcome."
    )
    assert_decides(reasoner, "I'm on fluoxetine for my mood.", [criterion(EXCLUSION, 1, text)], Decision.CONDITIONS)
    # a note that sets a condition of its own is no allowance
    text = "Thyroid disease.\nNote: Subjects on levothyroxine must be on a stable dose for at least 4 weeks."
    decision = reasoner.assess("I'm on levothyroxine.", [criterion(EXCLUSION, 1, text)], {}).decision
    assert decision is not Decision.CONDITIONS


def test_a_condition_in_a_clause_about_current_use_is_not_dated_to_now(reasoner: EligibilityReasoner) -> None:
    # "I take X for the pain I've had" dates the drug to now, not the pain: the pain's duration is not known, so a
    # requirement of pain "for at least 6 months" is not failed
    criteria = [criterion(INCLUSION, 1, "Persistent neuropathic pain for at least 6 months")]
    decision = reasoner.assess("I take gabapentin at night for my neuropathic pain.", criteria, {}).decision
    assert decision is not Decision.EXCLUDED


@pytest.mark.parametrize(
    ("question", "decision"),
    [
        # the study's own drug, named as what the asker would receive, is not a fact about the asker: no verdict
        # (the answer is about what the question tells, or quotes the criterion when it tells nothing else)
        ("My asthma is mild. Would it get in the way of taking afatinib here?", None),
        ("Pack-a-day smoker here. Would that stop me getting the afatinib tablets?", None),
        ("Would it be a problem to take afatinib here?", None),
        # asked about as something had, or told as the asker's own, it is a fact
        ("Is previous afatinib treatment exclusionary?", Decision.EXCLUDED),
        ("I already took afatinib last year. Can I join?", Decision.EXCLUDED),
    ],
)
def test_the_studys_own_treatment_named_in_the_asking(
    reasoner: EligibilityReasoner, question: str, decision: Decision | None
) -> None:
    criteria = [criterion(EXCLUSION, 1, "Previous treatment with afatinib")]
    summary = {"interventions": fact("interventions", "Drug: afatinib 40 mg once daily")}
    found = reasoner.assess(question, criteria, summary).decision
    if decision is None:
        assert found in (None, Decision.UNDECIDED)
    else:
        assert found is decision


@pytest.mark.parametrize(
    ("word", "stemmed"),
    [
        # "-us" and "-is" words are singular: "previous" had become "previou", which no list of words could name
        ("previous", "previous"),
        ("serious", "serious"),
        ("psoriasis", "psoriasis"),
        ("statuses", "status"),
        ("responses", "response"),
        ("doses", "dose"),
        ("purposes", "purpose"),
        ("analyses", "analysis"),
    ],
)
def test_the_plural_folding_keeps_singulars_whole(word: str, stemmed: str) -> None:
    from assistant.text import stem

    assert stem(word) == stemmed


@pytest.mark.parametrize(
    ("question", "decision"),
    [
        # a condition given as an example of a qualified class takes the class's qualifier: said, caught; the
        # opposite or nothing said, open (the record names it as a case of "severe" lung disease)
        ("I have severe COPD. Is that a problem?", Decision.EXCLUDED),
        ("I have COPD, but my doctor says it's mild. Is that a problem?", Decision.UNDECIDED),
        ("I have COPD. Is that a problem?", Decision.UNDECIDED),
    ],
)
def test_an_example_takes_the_qualifier_of_its_class(
    reasoner: EligibilityReasoner, question: str, decision: Decision | None
) -> None:
    criteria = [criterion(ELIGIBILITY, 1, "No severe lung disease (e.g., chronic obstructive pulmonary disease)")]
    assert reasoner.assess(question, criteria, {}).decision is decision


def test_a_recommended_limit_is_no_bar(reasoner: EligibilityReasoner) -> None:
    soft = "An echocardiogram before transplant. Recommended minimum standards include an ejection fraction above 40%."
    hard = "Ejection fraction above 40%"
    question = "His ejection fraction is 35%. Is he out?"
    assert reasoner.assess(question, [criterion(INCLUSION, 1, soft)], {}).decision is Decision.UNDECIDED
    assert reasoner.assess(question, [criterion(INCLUSION, 1, hard)], {}).decision is Decision.EXCLUDED


@pytest.mark.parametrize(
    ("question", "decision"),
    [
        # a value without a unit is read in the criterion's unit when of the same magnitude
        ("My creatinine was 1.2 last week. Does that fit?", Decision.ALLOWED),
        ("My creatinine was 2.1 last week. Does that fit?", Decision.EXCLUDED),
        # a number of another scale (umol/L against mg/dL) stays unread
        ("My creatinine was 106 last week. Does that fit?", Decision.UNDECIDED),
    ],
)
def test_a_value_without_a_unit_in_the_criterions_unit(
    reasoner: EligibilityReasoner, question: str, decision: Decision | None
) -> None:
    criteria = [criterion(ELIGIBILITY, 1, "Renal: Creatinine no more than 1.5 mg/dL")]
    assert reasoner.assess(question, criteria, {}).decision is decision


def test_a_bound_for_one_sex_in_parentheses(reasoner: EligibilityReasoner) -> None:
    text = "Creatinine no greater than 1.4 mg/dL (women) Creatinine no greater than 1.5 mg/dL (men)"
    criteria = [criterion(ELIGIBILITY, 1, text)]
    assert reasoner.assess("His creatinine is 1.5 mg/dL.", criteria, {}).decision is Decision.ALLOWED
    assert reasoner.assess("Her creatinine is 1.5 mg/dL.", criteria, {}).decision is Decision.EXCLUDED


@pytest.mark.parametrize(
    ("question", "decision"),
    [
        # the value meets the allowance's condition: in on its terms
        ("He's on insulin and his HbA1c is 9%. Could he enroll?", Decision.CONDITIONS),
        # it misses it: the allowance is shut and the exclusion stands ("outside this exclusion" was "allowed")
        ("He's on insulin and his HbA1c is 12%. Could he enroll?", Decision.EXCLUDED),
        # the value alone does not say the exclusion applies
        ("His HbA1c is 12%. Could he enroll?", Decision.UNDECIDED),
    ],
)
def test_a_bound_that_conditions_an_allowance(
    reasoner: EligibilityReasoner, question: str, decision: Decision | None
) -> None:
    text = (
        "Patients taking any antidiabetic medications. If the HbA1c is <11%, patients may be enrolled who have been "
        "withdrawn from all other diabetic medications."
    )
    assert reasoner.assess(question, [criterion(EXCLUSION, 1, text)], {}).decision is decision


def test_an_item_opening_with_or_is_one_alternative(reasoner: EligibilityReasoner) -> None:
    criteria = [
        criterion(INCLUSION, 1, "1) a CD4 count of more than 100 cells/mm3 and a viral load below 10,000 copies/ml"),
        criterion(INCLUSION, 2, "or 2) a CD4 count of more than 300 cells/mm3"),
    ]
    decision = reasoner.assess("My CD4 is 250 cells/mm3. Do I meet the HIV requirement?", criteria, {}).decision
    assert decision is not Decision.EXCLUDED


def test_what_the_criterion_says_is_not_required(reasoner: EligibilityReasoner) -> None:
    text = "Intolerable side effects from corticosteroids. Failure on immunosuppressive drugs not required"
    question = "I've never failed an immunosuppressant. Does that count against me?"
    assert reasoner.assess(question, [criterion(INCLUSION, 1, text)], {}).decision is Decision.ALLOWED


@pytest.mark.parametrize(
    ("question", "decision"),
    [
        ("I had colon cancer surgery seven years ago and have been cancer-free ever since.", Decision.CONDITIONS),
        # ended, but not long enough ago for the exception
        ("I had colon cancer surgery two years ago and have been cancer-free ever since.", Decision.EXCLUDED),
    ],
)
def test_an_exception_for_a_case_that_ended(
    reasoner: EligibilityReasoner, question: str, decision: Decision | None
) -> None:
    text = "History of malignant tumor (except those with a cured tumor and no re-occurrence for the last five years)"
    assert reasoner.assess(question, [criterion(EXCLUSION, 1, text)], {}).decision is decision


def test_a_requirement_not_to_use_something(reasoner: EligibilityReasoner) -> None:
    # "Not using ..." in an inclusion is required absence: never having used it meets it (it was "excluded": read as
    # an exclusion of those without it)
    criteria = [criterion(INCLUSION, 1, "Not using any form of hormonal contraception for at least the prior 3 months")]
    question = "I've never used hormonal contraception. Do I fit?"
    assert reasoner.assess(question, criteria, {}).decision is Decision.ALLOWED


def test_two_mentions_of_one_drug_are_one_fact(reasoner: EligibilityReasoner) -> None:
    # they had removed each other (each "narrower" than the other through the drug's second concept)
    criteria = [criterion(EXCLUSION, 1, "Current treatment with insulin")]
    assessment = reasoner.assess("He's on insulin. Could he come off insulin and enroll?", criteria, {})
    assert [f.fact for f in assessment.findings] == ["insulin"]


def test_the_asking_words_of_a_question_about_values_are_not_facts(reasoner: EligibilityReasoner) -> None:
    criteria = [
        criterion(ELIGIBILITY, 1, "Platelets greater than 100,000/mm3"),
        criterion(ELIGIBILITY, 2, "AGC > 1,500"),
    ]
    assessment = reasoner.assess("Platelets 140,000/mm3. Does she pass the lab criteria?", criteria, {})
    assert assessment.decision is Decision.ALLOWED
    assert assessment.unmatched == []


def test_the_studys_own_procedure_named_as_the_one_to_come(reasoner: EligibilityReasoner) -> None:
    criteria = [criterion(ELIGIBILITY, 1, "Must not have major illness incompatible with survival from transplant")]
    summary = {"interventions": fact("interventions", "Procedure: peripheral blood stem cell transplantation")}
    question = "I'm taking Gleevec right now. Do I need to stop it before the transplant?"
    assert reasoner.assess(question, criteria, summary).decision is not Decision.EXCLUDED


def test_a_hard_wrapped_line_does_not_cut_a_qualifier_off(reasoner: EligibilityReasoner) -> None:
    # classic XML wraps lines inside an item: "No symptomatic obstructive or\nrestrictive pulmonary disease"
    criteria = [criterion(ELIGIBILITY, 1, "No symptomatic obstructive or\n        restrictive pulmonary disease")]
    decision = reasoner.assess("I've had asthma since I was a kid. Is that a problem?", criteria, {}).decision
    assert decision is Decision.UNDECIDED


def test_an_example_with_its_own_window_is_caught_by_it(reasoner: EligibilityReasoner) -> None:
    text = "No severe cardiovascular disease, including myocardial infarction within the past 6 months"
    criteria = [criterion(ELIGIBILITY, 1, text)]
    assert reasoner.assess("I had a heart attack 4 months ago.", criteria, {}).decision is Decision.EXCLUDED
    assert reasoner.assess("I had a heart attack 2 years ago.", criteria, {}).decision is Decision.ALLOWED


def test_one_concept_said_and_denied_decides_nothing(reasoner: EligibilityReasoner) -> None:
    # "hypomania" is an entry term of Mania: the asker's line between them is one the vocabulary does not draw
    criteria = [criterion(EXCLUSION, 1, "Lifetime history of psychosis, bipolar mania, or dementia")]
    question = "I've only ever had hypomania, never full mania. Can I join?"
    assert reasoner.assess(question, criteria, {}).decision is Decision.UNDECIDED


@pytest.mark.parametrize(
    ("question", "decision"),
    [
        # no structured age limits: the criteria's own age range decides
        ("I'm 55 with chronic myeloid leukemia. Can I join?", Decision.EXCLUDED),
        ("I'm 45. Can I join?", Decision.ALLOWED),
    ],
)
def test_age_limits_written_in_the_criteria(
    reasoner: EligibilityReasoner, question: str, decision: Decision | None
) -> None:
    criteria = [
        criterion(ELIGIBILITY, 1, "Age 10 to 50."),
        criterion(ELIGIBILITY, 2, "Donor: HLA identical family donor, age 18 to 80 years."),
    ]
    assert reasoner.assess(question, criteria, {}).decision is decision


def test_a_donors_age_is_checked_against_the_donor_criterion(reasoner: EligibilityReasoner) -> None:
    criteria = [
        criterion(ELIGIBILITY, 1, "Age 10 to 50."),
        criterion(ELIGIBILITY, 2, "Donor: HLA identical family donor, age 18 to 80 years."),
    ]
    assessment = reasoner.assess("My 72-year-old father would be my donor. Is he acceptable?", criteria, {})
    ages = [(f.decision, f.chunk.criterion) for f in assessment.findings if f.fact == "age 72"]
    assert ages == [(Decision.ALLOWED, "2")]  # not "excluded" by the participants' 10 to 50


def test_age_limits_that_differ_by_group_decide_nothing(reasoner: EligibilityReasoner) -> None:
    criteria = [
        criterion(INCLUSION, 1, "Patients must be 18 years of age or older for the primary randomized cohort."),
        criterion(INCLUSION, 2, "Up to six patients 7 to 17 years of age may enroll in a separate stratum."),
    ]
    assert reasoner.assess("Our son is 15. Is he too young?", criteria, {}).decision is Decision.UNDECIDED


@pytest.mark.parametrize(
    ("question", "decision"),
    [
        # "recent (<6 months)": the bracket says what recent means, and the date decides
        ("Four months ago I had a heart attack.", Decision.EXCLUDED),
        ("I had a heart attack two years ago.", Decision.ALLOWED),
    ],
)
def test_recent_defined_in_brackets(reasoner: EligibilityReasoner, question: str, decision: Decision | None) -> None:
    criteria = [criterion(EXCLUSION, 1, "Recent (<6 months) myocardial infarction")]
    assert reasoner.assess(question, criteria, {}).decision is decision


@pytest.mark.parametrize(
    ("question", "decision"),
    [
        # the asker asks whether their case counts as the criterion's broader term: only the vocabulary's hierarchy
        # says so, which is the doubt itself
        ("An ultrasound showed a fatty liver. Does that count as liver disease?", Decision.UNDECIDED),
        ("I have a fatty liver. Is that the kind of liver disease they mean?", Decision.UNDECIDED),
        # told as a fact, the class still catches it
        ("I have a fatty liver. Can I join?", Decision.EXCLUDED),
    ],
)
def test_asking_whether_a_case_counts_as_the_criterions_term(
    reasoner: EligibilityReasoner, question: str, decision: Decision | None
) -> None:
    assert reasoner.assess(question, [criterion(EXCLUSION, 1, "Liver disease")], {}).decision is decision


def test_an_allowance_of_prior_exposure_does_not_waive_a_washout(reasoner: EligibilityReasoner) -> None:
    criteria = [
        criterion(
            ELIGIBILITY, 1, "At least 4 weeks since prior chemotherapy (at least 6 weeks since prior nitrosoureas)"
        ),
        criterion(
            ELIGIBILITY,
            2,
            "Prior exposure to etoposide or carmustine allowed if cumulative dose no greater than 400 mg/m2",
        ),
    ]
    question = "My last chemo included carmustine and it finished five weeks ago. Is that long enough?"
    assert reasoner.assess(question, criteria, {}).decision is Decision.EXCLUDED


def test_an_allowance_that_sets_no_time_does_not_waive_the_time_that_must_pass(reasoner: EligibilityReasoner) -> None:
    criteria = [
        criterion(
            INCLUSION,
            2,
            "The patient must have had what is considered standard adjuvant systemic therapy that may include "
            "chemotherapy, hormonal therapy and radiation therapy. They may have undergone high dose chemotherapy "
            "with stem cell support as part of their therapy in the adjuvant or metastatic setting. The patient is "
            "allowed to continue to take adjuvant hormonal therapy. The patient cannot be actively receiving "
            "chemotherapy or any biologic agent to treat their breast cancer.",
        ),
        criterion(INCLUSION, 3, "Six weeks must elapse from last chemotherapy or radiation therapy."),
    ]
    early = reasoner.assess("I had my last chemotherapy 3 weeks ago. Can I join?", criteria, {})
    assert early.decision is Decision.EXCLUDED and early.findings[0].chunk.criterion == "3", early
    late = reasoner.assess("I had my last chemotherapy 10 weeks ago. Can I join?", criteria, {})
    assert late.decision is not Decision.EXCLUDED, late  # ten weeks have passed; Inclusion #2 is what is left


def test_a_requirement_set_by_group_admits_the_other_groups_way(reasoner: EligibilityReasoner) -> None:
    consent = [
        criterion(
            INCLUSION,
            3,
            "Ability to give written informed consent (for adults) and parental consent (for those under 18)",
        )
    ]
    minor = "My daughter is 15. She can't sign for herself, so can we as her parents give consent?"
    assert reasoner.assess(minor, consent, {}).decision is Decision.CONDITIONS
    alone = "My daughter is 15. She can't sign for herself. Can she join?"
    assert reasoner.assess(alone, consent, {}).decision is not Decision.ALLOWED


@pytest.mark.parametrize(
    ("question", "decision"),
    [
        # the case's limit for one who has the case, admitted on its terms; the default for one who has not
        ("I have liver metastases and my AST is 4 times the upper limit of normal. Can I join?", Decision.CONDITIONS),
        ("I have no liver metastases and my AST is 4 times the upper limit of normal. Can I join?", Decision.EXCLUDED),
        ("My AST is 4 times the upper limit of normal. Can I join?", Decision.UNDECIDED),  # which case, not said
        ("I have liver metastases and my AST is 6 times the upper limit of normal. Can I join?", Decision.EXCLUDED),
    ],
)
@pytest.mark.parametrize(
    "text",
    [
        "AST <= 2.5 x ULN (<= 5 x ULN if liver metastases are present)",
        "AST <= 2.5 x ULN, or <= 5 x ULN in patients with liver metastases",
    ],
)
def test_the_limit_for_the_askers_case_decides(
    reasoner: EligibilityReasoner, text: str, question: str, decision: Decision
) -> None:
    assess = reasoner.assess(question, [criterion(INCLUSION, 7, text)], {})
    assert assess.decision is decision, assess
    assert all("metastases" not in f.fact for f in assess.findings)  # the case names which limit, it is no fact


def test_a_limit_for_another_case_keeps_the_first_limit_from_deciding(reasoner: EligibilityReasoner) -> None:
    limits = [criterion(INCLUSION, 7, "AST <= 2.5 x ULN (<= 5 x ULN if liver metastases are present)")]
    question = "I have liver metastases and my AST is about 4 times the upper limit of normal. Does that rule me out?"
    assert reasoner.assess(question, limits, {}).decision is not Decision.EXCLUDED
    assert reasoner.assess("My AST is 6 times the upper limit of normal.", limits, {}).decision is Decision.EXCLUDED


def test_a_question_about_sex_asks_about_the_sex_field(reasoner: EligibilityReasoner) -> None:
    # "Can men join?" is answered by the record's sex field; the cancer told before it is background, shown apart
    criteria = [criterion(INCLUSION, 1, "Histologically confirmed stage II or III breast cancer")]
    summary = {"sex": fact("sex", "ALL")}
    told = reasoner.assess("My husband has stage III breast cancer. Can men join this study?", criteria, summary)
    assert told.decision is Decision.ALLOWED and [f.fact for f in told.background] == ["breast cancer"], told
    other = reasoner.assess("My husband has stage III breast cancer. Can he join?", criteria, summary)
    assert other.decision is not Decision.ALLOWED, other  # asked about joining: the cancer requirement is open


@pytest.mark.parametrize(
    ("question", "decision"),
    [
        ("My creatinine was 1.4 on my pre-op labs. Would that knock me out?", Decision.EXCLUDED),
        ("My creatinine was 1.4 but I feel fine. Would that knock me out?", Decision.EXCLUDED),
        # the question doubts its own value: the team's measurement decides
        (
            "My pre-op labs showed creatinine 1.4 but the nurse said I was probably just dehydrated that day. "
            "Would that knock me out?",
            Decision.UNDECIDED,
        ),
        ("Creatinine 1.4, but that may have been a lab error. Am I out?", Decision.UNDECIDED),
    ],
)
def test_a_value_the_question_doubts_is_no_verdict(
    reasoner: EligibilityReasoner, question: str, decision: Decision
) -> None:
    criteria = [criterion(EXCLUSION, 7, "Serum creatinine > 1.2 mg/dL")]
    assert reasoner.assess(question, criteria, {}).decision is decision


def test_a_limit_set_only_on_a_condition_about_the_study_is_no_verdict(reasoner: EligibilityReasoner) -> None:
    question = "One of our candidates has an HbA1c of 6.2%. Is there an HbA1c cut-off for entry?"
    plain = criterion(EXCLUSION, 9, "Baseline HbA1c </= 6.5%.")
    assert reasoner.assess(question, [plain], {}).decision is Decision.EXCLUDED
    conditional = criterion(
        EXCLUSION,
        10,
        "The HbA1c at entry will be monitored centrally. If there is a significant risk that more than 25% of the "
        "total study population will have a baseline HbA1c </= 6.5%, then recruitment of subsequent patients will be "
        "restricted to those with HbA1c > 6.5%.",
    )
    assert reasoner.assess(question, [conditional], {}).decision is Decision.UNDECIDED


def test_ruling_out_some_ways_an_exclusion_applies_leaves_a_bound_in_another(reasoner: EligibilityReasoner) -> None:
    text = "LIP and steroid dependent or requiring supplemental oxygen or have a pretreatment paO2 < 70 mm Hg."
    criteria = [criterion(EXCLUSION, 8, text)]
    question = "Child with LIP, not on steroids, no oxygen requirement. We haven't drawn a blood gas yet. Eligible?"
    assert reasoner.assess(question, criteria, {}).decision is Decision.UNDECIDED
    # with no other way in the criterion, the same denial clears it
    plain = [criterion(EXCLUSION, 8, "LIP and steroid dependent or requiring supplemental oxygen.")]
    assert reasoner.assess(question, plain, {}).decision is Decision.ALLOWED


@pytest.mark.parametrize(
    ("question", "allowed"),
    [
        (
            "I had a melanoma removed from my back 3 years ago, no sign of it since. Is that a problem? I know skin "
            "cancers are usually ok.",
            False,
        ),
        ("I had a melanoma removed from my back 7 years ago, no sign of it since. Is that a problem?", True),
        # the alternative without a time still carves out its own case
        ("I had a basal cell skin cancer removed 3 years ago, no sign of it since. Is that a problem?", True),
    ],
)
def test_an_exception_part_with_a_time_since_it_ended_needs_that_time(
    reasoner: EligibilityReasoner, question: str, allowed: bool
) -> None:
    text = (
        "History of other malignancies except: adequately treated non-melanoma skin cancer, curatively treated in situ "
        "carcinoma of the cervix, or other solid tumours curatively treated with no evidence of disease for ≥ 5 years."
    )
    decision = reasoner.assess(question, [criterion(EXCLUSION, 9, text)], {}).decision
    assert (decision is Decision.CONDITIONS) is allowed, decision


def test_a_criterion_about_another_fact_yields_to_one_about_the_topic(reasoner: EligibilityReasoner) -> None:
    # "hypersensitivity to acyclovir" is about an allergy the question does not tell; the route exception speaks of
    # the cream itself. Alone, the allergy criterion still withholds a verdict.
    route = criterion(EXCLUSION, 7, "Acyclovir sodium (Zovirax) by any route other than topical.")
    allergy = criterion(EXCLUSION, 9, "History of hypersensitivity to acyclovir or ganciclovir.")
    question = "I only used Zovirax cream on the sores. Is that a problem?"
    both = reasoner.assess(question, [allergy, route], {})
    assert both.decision is Decision.CONDITIONS and both.findings[0].chunk.criterion == "7", both
    assert reasoner.assess(question, [allergy], {}).decision is Decision.UNDECIDED


def test_an_allowance_of_concurrent_use_still_outranks_a_washout(reasoner: EligibilityReasoner) -> None:
    criteria = [
        criterion(ELIGIBILITY, 1, "At least 3 months since prior estrogen replacement therapy"),
        criterion(ELIGIBILITY, 2, "Concurrent Estring allowed"),
    ]
    decision = reasoner.assess("I use an Estring vaginal ring every day. Would I have to stop?", criteria, {}).decision
    assert decision is not Decision.EXCLUDED


def test_a_criterion_that_spares_the_study_drugs_spares_them(reasoner: EligibilityReasoner) -> None:
    criteria = [criterion(EXCLUSION, 1, "Antiretrovirals other than study drugs")]
    summary = {"interventions": fact("interventions", "Drug: zidovudine 600 mg daily")}
    question = "I've taken zidovudine for a year and I'm still taking it. Do I qualify?"
    assert reasoner.assess(question, criteria, summary).decision is not Decision.EXCLUDED
    assert reasoner.assess(question, criteria, {}).decision is Decision.EXCLUDED  # not the study's own drug


def test_a_non_prefixed_kind_narrows_the_class(reasoner: EligibilityReasoner) -> None:
    # zidovudine is a nucleoside reverse transcriptase inhibitor; the criterion names the NON-nucleoside kind
    criteria = [criterion(EXCLUSION, 1, "Have ever taken nonnucleoside reverse transcriptase inhibitors")]
    decision = reasoner.assess("He takes zidovudine. Does he fit the study?", criteria, {}).decision
    assert decision is not Decision.EXCLUDED


def test_what_the_study_will_do_is_not_a_criterion(reasoner: EligibilityReasoner) -> None:
    text = (
        "Female patients of childbearing age will have a pregnancy test at enrollment and at the time of the second "
        "vaccine."
    )
    decision = reasoner.assess(
        "He had a flu vaccine last week. Is that a problem?", [criterion(EXCLUSION, 1, text)], {}
    )
    assert decision.decision is not Decision.EXCLUDED


def test_a_case_that_could_affect_the_study_is_a_judgement(reasoner: EligibilityReasoner) -> None:
    text = "Use of antihypertensive drugs in a way that could affect the study results"
    decision = reasoner.assess("I take amlodipine for my blood pressure.", [criterion(EXCLUSION, 1, text)], {})
    assert decision.decision is Decision.UNDECIDED
    plain = reasoner.assess("I take amlodipine.", [criterion(EXCLUSION, 1, "Use of antihypertensive drugs")], {})
    assert plain.decision is Decision.EXCLUDED


def test_a_clause_said_of_other_things_listed_after_the_mention_does_not_qualify_it(
    reasoner: EligibilityReasoner,
) -> None:
    """ "omeprazole, or other drugs that might interfere with study drug absorption": the drug named is excluded as
    named; the clause says which *other* drugs also are. (The "e.g." and the decimal point had cut the sentence short
    of the clause before, so this read right by accident.)"""
    text = (
        "No concurrent proton pump inhibitors (e.g., omeprazole or lansoprazole), or other drugs that might "
        "interfere with study drug absorption"
    )
    assert_decides(reasoner, "I take omeprazole every day.", [criterion(EXCLUSION, 1, text)], Decision.EXCLUDED)
    alone = "Drugs that might interfere with study drug absorption, such as omeprazole"
    assert_decides(reasoner, "I take omeprazole every day.", [criterion(EXCLUSION, 1, alone)], Decision.UNDECIDED)


def test_a_sentence_ends_at_a_point_before_a_space_not_inside_a_number_or_an_abbreviation() -> None:
    from assistant.eligibility import _sentence_end, _sentence_start

    text = "Creatinine > 1.5 mg/dL (e.g., renal failure) that could affect the study. Next sentence; clause."
    inside = text.index("renal")
    assert _sentence_start(text, inside) == 0
    assert text[_sentence_end(text, inside) :].startswith(". Next")
    assert text[_sentence_start(text, text.index("clause")) :].strip() == "clause."


@pytest.mark.parametrize(
    ("question", "decision"),
    [
        ("My asthma is not controlled. Can I join?", Decision.EXCLUDED),  # "controlled" negated: uncontrolled
        ("Even with his inhaler his asthma has never really been under control. Can he join?", Decision.EXCLUDED),
        ("My asthma is well controlled. Can I join?", Decision.ALLOWED),
        ("No, my asthma is under control. Can I join?", Decision.ALLOWED),  # "No," answers; it negates nothing
        ("I don't smoke and my asthma is under control. Can I join?", Decision.ALLOWED),  # another clause's "not"
        ("I'm not sure my asthma is under control. Can I join?", Decision.UNDECIDED),  # doubted: neither way
        ("I don't know if my asthma is under control. Can I join?", Decision.UNDECIDED),
    ],
)
def test_a_negated_or_doubted_qualifier_in_the_question_is_not_said(
    reasoner: EligibilityReasoner, question: str, decision: Decision
) -> None:
    """Against "Uncontrolled asthma", "not controlled" had read as "controlled" (allowed: a wrong verdict); a negation
    up to three words before the qualifier, in its clause, turns it round, and doubt leaves it open."""
    assert_decides(reasoner, question, [criterion(EXCLUSION, 1, "Uncontrolled asthma")], decision)


def test_toxicity_associated_with_a_therapy_is_about_the_toxicity(reasoner: EligibilityReasoner) -> None:
    criteria = [criterion(EXCLUSION, 1, "Ongoing toxicity associated with prior anticancer therapy")]
    decision = reasoner.assess("I had carboplatin and paclitaxel last year. Can I join?", criteria, {}).decision
    assert decision is Decision.UNDECIDED


@pytest.mark.parametrize(
    ("question", "decision"),
    [
        ("He had a live vaccine last week.", Decision.EXCLUDED),
        ("He had an inactivated vaccine last week.", Decision.ALLOWED),
        ("He had a vaccine last week.", Decision.UNDECIDED),  # the shot's kind decides
    ],
)
def test_a_live_vaccine_qualifier(question: str, decision: Decision) -> None:
    from assistant.eligibility import Span, _modifier_verdict

    text = "Any live vaccines within four weeks of the study vaccine"
    start = text.index("vaccines")
    verdict = _modifier_verdict(Span(start, start + len("vaccines")), text, question)
    assert verdict is not None and verdict[0] is decision


@pytest.mark.parametrize(
    ("question", "decision"),
    [
        ("I had hepatitis B years ago and it cleared.", Decision.ALLOWED),
        ("I had hepatitis B many years ago.", Decision.ALLOWED),
        # the time dates when it was found: a chronic infection found years ago may be active still
        ("I was told I had hepatitis B a few years ago.", Decision.UNDECIDED),
        ("I was diagnosed with hepatitis B ten years ago.", Decision.UNDECIDED),
    ],
)
def test_a_time_ago_beside_a_diagnosis_does_not_say_it_ended(question: str, decision: Decision) -> None:
    from assistant.eligibility import Span, _modifier_verdict

    text = "Active hepatitis B infection as defined by Hepatitis B Ag positive"
    verdict = _modifier_verdict(Span(7, 7 + len("hepatitis B")), text, question)
    assert verdict is not None and verdict[0] is decision


def test_an_exclusion_naming_a_kind_of_the_studied_condition_still_excludes(reasoner: EligibilityReasoner) -> None:
    summary = {"conditions": fact("conditions", "Cancer")}
    criteria = [criterion(EXCLUSION, 1, "No leukemia")]
    decision = reasoner.assess("I have chronic lymphocytic leukemia. Can I join?", criteria, summary).decision
    assert decision is Decision.EXCLUDED


@pytest.mark.parametrize(
    ("question", "decision"),
    [
        # efavirenz is known not to be a nucleoside: the non-nucleoside kind is its kind
        ("I take efavirenz. Can I join?", Decision.EXCLUDED),
        # zidovudine is a nucleoside: not the kind the criterion names, whatever the class says
        ("I take zidovudine. Can I join?", Decision.UNDECIDED),
    ],
)
def test_a_kind_named_by_what_it_is_not(reasoner: EligibilityReasoner, question: str, decision: Decision) -> None:
    criteria = [criterion(EXCLUSION, 1, "Have ever received a nonnucleoside reverse transcriptase inhibitor")]
    assert reasoner.assess(question, criteria, {}).decision is decision


def test_an_other_cancer_exception_for_long_disease_free_cases(reasoner: EligibilityReasoner) -> None:
    text = (
        "Previous or concurrent malignancies except other cancer if the patient has been disease free for over 5 years"
    )
    criteria = [criterion(EXCLUSION, 1, text)]
    ended = "I had colon cancer seven years ago, treated with surgery, and there's been no sign of it since."
    assert reasoner.assess(ended, criteria, {}).decision is Decision.CONDITIONS
    recent = "I had colon cancer three years ago, treated with surgery, and there's been no sign of it since."
    assert reasoner.assess(recent, criteria, {}).decision is not Decision.CONDITIONS  # not long enough ago


# ---- ninth session: calibration and mechanisms found on the first readings of unseen splits ----------------------
MALIGNANCY_WITH_EXCEPTIONS = (
    "Previous or concurrent malignancies except inactive non-melanoma skin cancer, in situ\n"
    "     carcinoma of the cervix, or other cancer if the patient has been disease free for over\n"
    "     5 years"
)


def test_class_level_exclusion_is_quoted_without_a_verdict_by_default(
    reasoner: EligibilityReasoner, cautious: EligibilityReasoner
) -> None:
    question = "I had lymphoma, am I eligible?"
    assert decide(reasoner, question)[0] is Decision.EXCLUDED
    assessment = cautious.assess(question, CRITERIA, SUMMARY)
    assert assessment.decision is Decision.UNDECIDED
    [finding] = [f for f in assessment.findings if f.fact == "lymphoma"]
    assert (finding.chunk.criterion, finding.how) == ("4", "class")
    assert "broader group" in finding.reason


def test_named_exclusion_is_quoted_without_a_verdict_by_default(
    reasoner: EligibilityReasoner, cautious: EligibilityReasoner
) -> None:
    named = [criterion(EXCLUSION, 1, "History of lymphoma")]
    assert_decides(reasoner, "I had lymphoma", named, Decision.EXCLUDED)
    assessment = cautious.assess("I had lymphoma", named, {})
    assert assessment.decision is Decision.UNDECIDED
    [finding] = assessment.findings
    assert (finding.chunk.criterion, finding.how, finding.path) == ("1", "named", "concept/exclusion/named")
    assert "excludes you if your case is the one it means" in finding.reason
    assert assessment.decided_by() == []
    # told of someone the asker speaks for, the same
    assert_decides(cautious, "My father had lymphoma. Can he join?", named, Decision.UNDECIDED)
    # a drug someone tried is told of that person
    atomoxetine = [criterion(EXCLUSION, 1, "Previous adequate trial of atomoxetine")]
    assert_decides(
        cautious, "He tried atomoxetine for a week. Does that count against him?", atomoxetine, Decision.UNDECIDED
    )
    # a question about the topic in general asks what the record says, which the criterion naming it answers
    assert_decides(cautious, "Is lymphoma exclusionary?", named, Decision.EXCLUDED)


def test_caution_leaves_allowances_values_and_record_fields(cautious: EligibilityReasoner) -> None:
    # the exception clause still reads the exclusion it carves out of, and admits
    carved = [criterion(EXCLUSION, 1, "Prior malignancy, except lymphoma in complete remission")]
    assert_decides(cautious, "I had lymphoma, in complete remission now", carved, Decision.CONDITIONS)
    # what the asker says they do not have still admits against the criterion naming it
    assert_decides(
        cautious, "I have never had lymphoma", [criterion(EXCLUSION, 1, "History of lymphoma")], Decision.ALLOWED
    )
    # a value against a limit and the record's age range stay verdicts
    platelets = [criterion(INCLUSION, 1, "Platelets >= 100,000/mm3")]
    assert_decides(cautious, "My platelets are 60,000/mm3.", platelets, Decision.EXCLUDED)
    assert cautious.assess("I'm 80. Can I join?", CRITERIA, SUMMARY).decision is Decision.EXCLUDED


def test_a_named_exclusion_with_another_that_decides_keeps_the_verdict(cautious: EligibilityReasoner) -> None:
    criteria = [criterion(EXCLUSION, 1, "History of lymphoma"), criterion(INCLUSION, 2, "Platelets >= 100,000/mm3")]
    assessment = cautious.assess("I had lymphoma and my platelets are 60,000/mm3.", criteria, {})
    assert assessment.decision is Decision.EXCLUDED
    assert assessment.decided_by() == ["value/inclusion"]


@pytest.mark.parametrize(
    ("question", "decision"),
    [
        # the exception's time condition, read across the record's hard line wraps
        ("I finished treatment for breast cancer three years ago and have been clear since.", Decision.EXCLUDED),
        ("I had lymphoma 7 years ago and there has been no sign of it since.", Decision.CONDITIONS),
        # no time given: the exception may apply, so no verdict
        ("Years ago I had CHOP chemotherapy for lymphoma. Does that rule me out?", Decision.UNDECIDED),
    ],
)
def test_exception_for_cases_disease_free_long_enough(
    reasoner: EligibilityReasoner, question: str, decision: Decision
) -> None:
    assert_decides(reasoner, question, [criterion(EXCLUSION, 2, MALIGNANCY_WITH_EXCEPTIONS)], decision)


def test_a_kind_of_the_studied_condition_is_not_another_malignancy(reasoner: EligibilityReasoner) -> None:
    conditions = fact("conditions", "Leukemia")
    criteria = [criterion(EXCLUSION, 2, MALIGNANCY_WITH_EXCEPTIONS)]
    assessment = reasoner.assess(
        "My grandmother was just diagnosed with LGL leukemia.", criteria, {"conditions": conditions}
    )
    assert assessment.decision is Decision.UNDECIDED, [(f.fact, f.reason) for f in assessment.findings]
    assert "condition the trial studies" in assessment.findings[0].reason
    # Another cancer is still caught: "Peritoneal Cancer" names a bare "Cancer" too, which is not what is studied.
    ovarian = fact("conditions", "Ovarian Cancer\nFallopian Tube Cancer\nPeritoneal Cancer")
    other = reasoner.assess("I have breast cancer.", criteria, {"conditions": ovarian})
    assert other.decision is not Decision.UNDECIDED or "condition the trial studies" not in other.findings[0].reason


def test_no_ends_its_scope_at_unless_in_run_on_text(reasoner: EligibilityReasoner) -> None:
    run_on = [
        criterion(
            ELIGIBILITY,
            14,
            "Renal: No severe renal dysfunction unless due to tumor invasion Creatinine no\nmore than 1.5 mg/dL",
        )
    ]
    assert_decides(reasoner, "My creatinine was 1.2 last week.", run_on, Decision.ALLOWED)
    assert_decides(reasoner, "My creatinine was 2.1 last week.", run_on, Decision.EXCLUDED)


def test_washout_period_is_a_time_window(reasoner: EligibilityReasoner) -> None:
    washout = [
        criterion(
            EXCLUSION,
            2,
            "Subjects with a wash-out period for topical treatments on the treated areas less than\n"
            "             2 weeks for corticosteroids",
        )
    ]
    assert_decides(reasoner, "I used a cortisone cream ten days ago.", washout, Decision.EXCLUDED)
    assert_decides(reasoner, "I used a cortisone cream two months ago.", washout, Decision.ALLOWED)


@pytest.mark.parametrize(
    ("criterion_text", "question"),
    [
        # a treatment against the condition, an allergy to the drug, its contraindications: not having or taking it
        ("Have received certain antiretroviral (anti-HIV) drugs in the past.", "I have HIV and hepatitis C."),
        (
            "Those who have been confirmed to be allergic to anlotinib and/or its excipients.",
            "My doctor thinks anlotinib would help me.",
        ),
        ("Patients with anlotinib contraindications.", "My doctor thinks anlotinib would help me."),
    ],
)
def test_what_the_criterion_says_of_the_topic_is_not_the_topic(
    reasoner: EligibilityReasoner, criterion_text: str, question: str
) -> None:
    assessment = reasoner.assess(question, [criterion(EXCLUSION, 5, criterion_text)], {})
    assert assessment.decision is not Decision.EXCLUDED, [(f.fact, f.reason) for f in assessment.findings]


def test_the_treatment_against_it_said_in_the_question_is_caught(reasoner: EligibilityReasoner) -> None:
    anti = [criterion(EXCLUSION, 5, "Have received certain antiretroviral (anti-HIV) drugs in the past.")]
    assert_decides(reasoner, "I took anti-HIV drugs last year.", anti, Decision.EXCLUDED)


def test_allergy_stated_still_meets_an_allergy_criterion(reasoner: EligibilityReasoner) -> None:
    allergy = [criterion(EXCLUSION, 1, "Those who have been confirmed to be allergic to anlotinib.")]
    assert_decides(reasoner, "I am allergic to anlotinib.", allergy, Decision.EXCLUDED)


def test_a_negative_result_is_not_the_positive_one_excluded(reasoner: EligibilityReasoner) -> None:
    ppd = [criterion(EXCLUSION, 5, "History of documented positive PPD skin test.")]
    assert_decides(reasoner, "I had a TB skin test 12 days ago that came back negative.", ppd, Decision.ALLOWED)
    assert_decides(reasoner, "My TB skin test was positive last year.", ppd, Decision.EXCLUDED)
    # In an exclusion "non-melanoma" is the exception's kind, not the opposite of the asker's melanoma.
    other_cancer = [criterion(EXCLUSION, 2, "Any previous cancer except non-melanoma skin cancer")]
    assessment = reasoner.assess("I had a melanoma removed a few years ago.", other_cancer, {})
    assert assessment.decision is not Decision.ALLOWED


def test_a_requirement_the_asker_could_start(reasoner: EligibilityReasoner) -> None:
    contraception = [criterion(INCLUSION, 4, "fertile women must use safe contraception")]
    could = "I'm not on any birth control at the moment but I could start. Can I join?"
    assert_decides(reasoner, could, contraception, Decision.CONDITIONS)
    wont = "I'm not on any birth control and I won't start. Can I join?"
    assert_decides(reasoner, wont, contraception, Decision.EXCLUDED)


@pytest.mark.parametrize(
    ("criterion_text", "section", "question"),
    [
        # an inability given as an example of a broader one
        (
            "Inability to understand, consent to, or comply with the study protocol for any reason, including "
            "inability to read or comprehend English.",
            EXCLUSION,
            "He only reads Vietnamese, not English.",
        ),
        # a circumstance named as lacking, and a lack said with an adverb between
        (
            "Does not have a smartphone (either an iPhone or Android phone)",
            EXCLUSION,
            "I don't actually own a smartphone.",
        ),
        ("Must have a smartphone", INCLUSION, "I don't own a smartphone."),
    ],
)
def test_a_lacking_circumstance_the_question_states(
    reasoner: EligibilityReasoner, criterion_text: str, section: str, question: str
) -> None:
    assert_decides(reasoner, question, [criterion(section, 1, criterion_text)], Decision.EXCLUDED)


def test_reading_the_language_asked_is_not_lacking_it(reasoner: EligibilityReasoner) -> None:
    english = [criterion(EXCLUSION, 1, "Inability to read or comprehend English.")]
    assessment = reasoner.assess("She only reads English.", english, {})
    assert assessment.decision is not Decision.EXCLUDED


def test_a_criterion_that_says_the_case_does_not_exclude(reasoner: EligibilityReasoner) -> None:
    said = [criterion(EXCLUSION, 2, "Pregnancy is not a criterion for exclusion.")]
    assert_decides(reasoner, "I am pregnant. Can I join?", said, Decision.ALLOWED)
    plain = [criterion(EXCLUSION, 2, "Pregnancy.")]
    assert_decides(reasoner, "I am pregnant. Can I join?", plain, Decision.EXCLUDED)


def test_a_statement_that_something_does_not_exclude_speaks_only_of_its_own_item(reasoner: EligibilityReasoner) -> None:
    # The statement sits in a later item's parenthesis: it frees inhaled steroids, not the drugs listed above it.
    listed = [
        criterion(
            EXCLUSION,
            17,
            "Certain use of medications, including\n\n       -  Drugs that alter bone metabolism (e.g., estrogen,\n"
            "          bisphosphonates, calcitonin)\n\n       -  Chronic use of oral corticosteroids (use of\n"
            "          inhaled steroids will not be an exclusion criterion)\n\n       -  Narcotics",
        )
    ]
    taken = reasoner.assess("I take bisphosphonates. Can I join?", listed, {})
    assert not any(f.decision is Decision.ALLOWED for f in taken.findings), taken.findings
    assert_decides(reasoner, "I use inhaled steroids. Can I join?", listed, Decision.ALLOWED)
    # A parenthesis closed before the statement, and a line wrapped inside one item, are crossed.
    wrapped = [criterion(EXCLUSION, 2, "Pregnancy (any trimester) is\n   not a criterion for exclusion.")]
    assert_decides(reasoner, "I am pregnant. Can I join?", wrapped, Decision.ALLOWED)


def test_the_disease_an_inclusion_criterion_requires_is_not_another_malignancy(reasoner: EligibilityReasoner) -> None:
    # The Conditions field names only the organ ("Brain Tumors"); the inclusion criterion names the disease required,
    # and "concurrent malignant disease" is a class above it: it speaks of other cancers.
    criteria = [
        criterion(ELIGIBILITY, 1, "Histologically confirmed, newly diagnosed anaplastic astrocytoma"),
        criterion(ELIGIBILITY, 2, "No concurrent malignant disease except superficial skin cancers"),
    ]
    own = reasoner.assess("I was just diagnosed with anaplastic astrocytoma.", criteria, {})
    assert not any(f.decision is Decision.EXCLUDED for f in own.findings), own.findings
    other = reasoner.assess("I also have lymphoma.", criteria, {})
    assert other.decision is Decision.EXCLUDED
    # a disease named where the criterion lets people in is not one it requires
    allowing = [criterion(ELIGIBILITY, 1, "Prior lymphoma allowed if in remission"), criteria[1]]
    assert reasoner.assess("I also have lymphoma.", allowing, {}).decision is Decision.EXCLUDED


def test_an_exception_that_carves_out_the_kind_the_asker_has(cautious: EligibilityReasoner) -> None:
    # basal cell carcinoma is a skin cancer; whether it is "superficial" the question does not say
    carved = [criterion(ELIGIBILITY, 1, "No concurrent malignant disease except superficial skin cancers")]
    assessment = cautious.assess("I have a basal cell carcinoma on my back.", carved, {})
    assert assessment.decision is Decision.UNDECIDED, assessment.findings
    # an exception of the same class by a qualifier only does not make oral dexamethasone a case of it
    qualified = [
        criterion(
            INCLUSION,
            1,
            "Stable for at least 2 weeks without any systemic corticosteroid treatment. Non-absorbable corticosteroids "
            "can be used locally.",
        )
    ]
    assessment = cautious.assess("I take dexamethasone every day.", qualified, {})
    assert assessment.decision is not Decision.UNDECIDED or not any(
        "exception" in f.reason for f in assessment.findings
    ), assessment.findings


@pytest.mark.parametrize(
    ("question", "decision"),
    [
        ("I'm 29. Can I join?", Decision.ALLOWED),
        # what the asker lacks decides only where a criterion names it
        ("I'm 29 and I've never smoked. Can I join?", Decision.ALLOWED),
        # a fact told that nothing read: the age alone does not make a verdict
        ("I'm 29 and my period is about a week late. Can I join?", Decision.UNDECIDED),
        ("She is 29 and speaks only Tigrinya. Can she be enrolled?", Decision.UNDECIDED),
    ],
)
def test_record_fields_alone_do_not_decide_over_unread_facts(
    reasoner: EligibilityReasoner, question: str, decision: Decision
) -> None:
    criteria = [criterion(INCLUSION, 1, "Chronic cluster headache")]
    summary = {"minimum_age": fact("minimum_age", "18 Years"), "maximum_age": fact("maximum_age", "65 Years")}
    found = reasoner.assess(question, criteria, summary)
    assert found.decision is decision, (found.findings, found.unmatched)


def test_a_value_older_than_the_window_it_must_be_measured_in(reasoner: EligibilityReasoner) -> None:
    # the window says when the value must be measured: an older count says nothing of a new test
    lab = [
        criterion(
            INCLUSION,
            2,
            "Have a CD4 cell count greater than or equal to 300 cells/ml within 30 days prior to study entry.",
        )
    ]
    stale = reasoner.assess("My CD4 count was checked about three months ago. Can I join?", lab, {})
    assert stale.decision is Decision.UNDECIDED, stale.findings
    # a window on the condition itself still excludes an older one
    recent = [criterion(INCLUSION, 1, "Myocardial infarction within the past 6 months")]
    assert_decides(reasoner, "I had a heart attack three years ago. Can I join?", recent, Decision.EXCLUDED)


def test_requirements_joined_by_or_are_alternatives(reasoner: EligibilityReasoner) -> None:
    question = "I have never had pancreatitis. Can I join?"
    alone = [criterion(INCLUSION, 1, "Diagnosis of chronic pancreatitis")]
    assert_decides(reasoner, question, alone, Decision.EXCLUDED)
    joined = [
        criterion(INCLUSION, 1, "Diagnosis of chronic pancreatitis OR"),
        criterion(INCLUSION, 2, "Diagnosis of pancreatic insufficiency that improves with enzyme replacement"),
    ]
    joined = [c.model_copy(update={"start": 100 * i}) for i, c in enumerate(joined)]
    assert_decides(reasoner, question, joined, Decision.UNDECIDED)


def test_a_treatment_for_the_condition_is_not_the_condition(reasoner: EligibilityReasoner) -> None:
    treated = [criterion(EXCLUSION, 1, "Subjects with past history of treatment with Amphotericin B for Kala-azar.")]
    never = reasoner.assess("My brother has kala-azar and has never been treated for it.", treated, {})
    assert never.decision is not Decision.EXCLUDED, never.findings
    assert_decides(reasoner, "He had kala-azar and was treated for it in 2019.", treated, Decision.EXCLUDED)


def test_a_requirement_told_as_background_does_not_block_what_is_asked(reasoner: EligibilityReasoner) -> None:
    criteria = [
        criterion(INCLUSION, 1, "Patients with cervical disc degeneration"),
        criterion(EXCLUSION, 1, "Patients with uncontrolled hypertension"),
    ]
    asked = "I have cervical disc degeneration. My hypertension is well controlled. Is the hypertension a problem?"
    found = reasoner.assess(asked, criteria, {})
    assert found.decision is Decision.ALLOWED, (found.findings, found.unmatched)
    assert [f.fact for f in found.background] == ["disc degeneration"]
    # asked about taking part in general, the requirement is what is open
    general = reasoner.assess("I have cervical disc degeneration. Can I join?", criteria, {})
    assert general.decision is Decision.UNDECIDED and not general.background


def test_a_narrower_requirement_told_as_background_does_not_block_the_age_asked(reasoner: EligibilityReasoner) -> None:
    criteria = [criterion(INCLUSION, 1, "Histologically confirmed Stage III-IV non-small cell lung cancer")]
    summary = {"maximum_age": fact("maximum_age", "75 Years"), "minimum_age": fact("minimum_age", "18 Years")}
    asked = reasoner.assess("I'm 75 and was just diagnosed with lung cancer. Am I too old?", criteria, summary)
    assert asked.decision is Decision.ALLOWED, (asked.findings, asked.unmatched)
    assert [f.chunk.section for f in asked.background] == [INCLUSION]
    # asked about taking part in general, which case of lung cancer it is stays open
    general = reasoner.assess("I'm 75 and was just diagnosed with lung cancer. Can I join?", criteria, summary)
    assert general.decision is Decision.UNDECIDED and not general.background
    # an exclusion naming a more specific case still blocks
    excluded = [criterion(EXCLUSION, 1, "Stage IV lung cancer with brain metastases")]
    open_exclusion = reasoner.assess("I'm 75 and have lung cancer. Am I too old?", excluded, summary)
    assert open_exclusion.decision is not Decision.ALLOWED, open_exclusion.findings


@pytest.mark.parametrize("asking", ["Does that matter?", "Would that keep me out?", "Will it count against me?"])
def test_the_verbs_that_ask_are_not_part_of_what_was_told(reasoner: EligibilityReasoner, asking: str) -> None:
    """Told in words no vocabulary knows ("donated blood"), the question's own words are the topic: the verb that
    asks is not one of them, or the criterion seems to name only part of it and its window is never read."""
    criteria = [criterion(EXCLUSION, 12, "Subject donated blood in the last 3 months")]
    assert_decides(reasoner, f"I donated blood about 6 weeks ago. {asking}", criteria, Decision.EXCLUDED)
    assert_decides(reasoner, f"I donated blood 4 months ago. {asking}", criteria, Decision.ALLOWED)


def test_a_later_sentence_letting_such_cases_in_leaves_a_value_undecided(reasoner: EligibilityReasoner) -> None:
    bound = (
        "Uncontrolled hypertension defined as a systolic blood pressure of >140 mmHg or diastolic blood pressure of"
        " >90 mmHg at the time of screening."
    )
    let_in = " If subjects have their hypertension appropriately treated, then they would be eligible to enroll."
    question = "I take lisinopril but my blood pressure was still 150/95. Would they let me in?"
    assert_decides(reasoner, question, [criterion(EXCLUSION, 6, bound + let_in)], Decision.UNDECIDED)
    assert_decides(
        reasoner, "My blood pressure is 150/95. Can I join?", [criterion(EXCLUSION, 6, bound)], Decision.EXCLUDED
    )
    assert_decides(
        reasoner,
        "My blood pressure is 120/80. Can I join?",
        [criterion(EXCLUSION, 6, bound + let_in)],
        Decision.ALLOWED,
    )
    # a later allowance the question does not speak to leaves the value deciding ("ITP" is no drug it tells)
    itp = (
        "Immune thrombocytopenia (ITP) grade III or higher (platelets less than 50,000/microL) shall not be enrolled."
        " Patients with a history of prior therapy to control ITP will be eligible, provided they do not require"
        " maintenance corticosteroids."
    )
    told = "My CLL has caused ITP and my platelets are around 30,000. Can I still enroll?"
    assert reasoner.assess(told, [criterion(EXCLUSION, 2, itp)], {}).decision is Decision.EXCLUDED


def test_a_lack_no_criterion_reads_stays_open(reasoner: EligibilityReasoner) -> None:
    """ "she won't be able to come back for any follow-up visits" against a record whose only words for it are
    "Non-compliant for follow up": nothing matches the lack, and it may be what decides, so no "allowed"."""
    criteria = [
        criterion(INCLUSION, 2, "Moderate to Severe Pain on Numerical Rating Score (Score 4 or higher)."),
        criterion(EXCLUSION, 3, "Non-compliant for follow up."),
    ]
    question = "She won't be able to come back for any follow-up visits. Her pain is 7/10. Can we enroll her?"
    found = reasoner.assess(question, criteria, {})
    assert found.decision is Decision.UNDECIDED and found.unmatched, (found.findings, found.unmatched)
    assert_decides(reasoner, "Her pain is 7/10. Can we enroll her?", criteria, Decision.ALLOWED)


def test_a_pain_rating_is_read_and_a_second_rating_nothing_reads_blocks(reasoner: EligibilityReasoner) -> None:
    criteria = [criterion(INCLUSION, 2, "Moderate to Severe Pain on Numerical Rating Score (Score 4 or higher).")]
    assert_decides(reasoner, "Her pain is usually around 3 out of 10. Is that enough?", criteria, Decision.EXCLUDED)
    assert_decides(reasoner, "My pain is 7/10 most days. Can I join?", criteria, Decision.ALLOWED)
    # the second rating, told without the measure's name, is read as another value of it; the two are at odds
    varying = reasoner.assess("My pain is 7 out of 10 on a bad day, 2 on a good day. Can I join?", criteria, {})
    assert varying.decision is Decision.UNDECIDED
    assert [f.decision for f in varying.findings] == [Decision.UNDECIDED, Decision.UNDECIDED], varying.findings


def test_a_life_expectancy_told_in_everyday_words_is_read_against_the_limits(reasoner: EligibilityReasoner) -> None:
    criteria = [
        criterion(INCLUSION, 3, "Anticipated survival < 12 months."),
        criterion(EXCLUSION, 3, "Expected survival <3 months"),
    ]
    short = reasoner.assess("The doctors think she may only have about 2 months left. Can she join?", criteria, {})
    assert short.decision is Decision.EXCLUDED and short.findings[0].chunk.section == EXCLUSION
    assert_decides(reasoner, "They gave her 6 months to live. Could she take part?", criteria, Decision.ALLOWED)
    # a time since something is no life expectancy
    assert reasoner.assess("I had surgery 2 months ago. Can I join?", criteria, {}).decision is None


def test_a_fact_the_asking_clause_does_not_name_does_not_block_what_is_asked(reasoner: EligibilityReasoner) -> None:
    criteria = [criterion(INCLUSION, 3, "intravenous fasting blood glucose (FBG) > 10 mmol/l")]
    told = "My fasting blood sugar last week was 205 mg/dL. My surgeon has scheduled a spinal fusion."
    asked = reasoner.assess(f"{told} Would I meet the blood sugar requirement?", criteria, {})
    assert asked.decision is Decision.ALLOWED, (asked.findings, asked.unmatched)
    assert asked.aside == ["spinal fusion"] and not asked.unmatched
    # asked about taking part in general, or about the fact itself, what no criterion mentions stays open
    for question in (f"{told} Can I join?", f"{told} Is the spinal fusion a problem?"):
        found = reasoner.assess(question, criteria, {})
        assert found.decision is Decision.UNDECIDED and not found.aside, (question, found.unmatched)
    # a number nothing read may be what decides: it is never set aside
    unread = reasoner.assess(
        "My fasting blood sugar was 205 mg/dL and I walk 3 miles a day. Do I meet the blood sugar requirement?",
        criteria,
        {},
    )
    assert unread.decision is Decision.UNDECIDED and not unread.aside, unread.unmatched


def test_the_words_of_an_age_limit_question_are_how_it_asks(reasoner: EligibilityReasoner) -> None:
    summary = {"minimum_age": fact("minimum_age", "18 Years")}
    asked = reasoner.assess("I'm 76, with type 2 diabetes and kidney damage. Is there an upper age limit?", [], summary)
    assert asked.decision is Decision.ALLOWED, (asked.findings, asked.unmatched)
    assert "no maximum age" in asked.findings[0].reason
    # one entry per fact told: the clause "with type 2 diabetes" and "kidney damage", not a merged repeat of both
    assert len(asked.aside) == 2, asked.aside
    # a number nothing read is not part of a known name ("type 2 diabetes" is one): it still blocks
    unread = reasoner.assess("I'm 76 and walk 3 miles a day. Is there an upper age limit?", [], summary)
    assert unread.decision is Decision.UNDECIDED, unread.aside


def test_what_a_treatment_is_taken_for_does_not_block_the_answer_about_it(reasoner: EligibilityReasoner) -> None:
    criteria = [criterion(INCLUSION, 2, "Stable doses of warfarin are allowed")]
    told = "I'm on Coumadin for a blood clot in my leg."
    for asked in ("Is that allowed?", "Will I have to stop it to join?"):
        found = reasoner.assess(f"{told} {asked}", criteria, {})
        assert found.decision is Decision.CONDITIONS and found.aside == ["blood clot"], (asked, found.unmatched)
    # asked about the condition, or about taking part, the condition nothing reads is still open
    for asked in ("Is the clot a problem?", "Can I join?"):
        assert_decides(reasoner, f"{told} {asked}", criteria, Decision.UNDECIDED)
    # an allowance only through a broad class does not answer for the treatment alone
    broad = [criterion(INCLUSION, 1, "Symptomatic therapy such as analgesics, antihistamines, antiemetics")]
    assert_decides(reasoner, "I take Pepcid every day for acid reflux. Is that allowed?", broad, Decision.UNDECIDED)


def test_an_age_asked_about_is_answered_beside_what_else_is_told(reasoner: EligibilityReasoner) -> None:
    criteria = [criterion(INCLUSION, 1, "Age 10 to 21 years")]
    asked = reasoner.assess("She is 19 and has relapsed with blasts in her marrow. Is she too old?", criteria, {})
    assert asked.decision is Decision.ALLOWED and asked.aside, (asked.findings, asked.unmatched)
    general = reasoner.assess("She is 19 and has relapsed with blasts in her marrow. Can she join?", criteria, {})
    assert general.decision is Decision.UNDECIDED


def test_a_value_with_the_stated_upper_limit_of_normal_meets_a_times_limit(reasoner: EligibilityReasoner) -> None:
    criteria = [criterion(EXCLUSION, 4, "AST > 3 x ULN")]
    assert_decides(
        reasoner, "Her AST is 170 U/L (upper limit 40). Does that rule her out?", criteria, Decision.EXCLUDED
    )
    allowed = reasoner.assess("Her AST is 70 U/L (upper limit 40). Does that rule her out?", criteria, {})
    assert allowed.decision is Decision.ALLOWED and "1.75 x ULN" in allowed.findings[0].reason, allowed.findings


def test_plain_words_about_someone_else_do_not_admit(reasoner: EligibilityReasoner) -> None:
    """A relative's condition named by a concept is not the participant's history ("my father has epilepsy" against
    "History of epilepsy": not caught, said so without a verdict); plain words shared with a criterion say too little
    of whose case it is."""
    words = [criterion(EXCLUSION, 13, "Healthy volunteers must be free of learning disabilities.")]
    question = "My wife is a nurse at NIMH. Could I join as a healthy volunteer?"
    assert reasoner.assess(question, words, {}).decision is not Decision.ALLOWED
    concept = [criterion(EXCLUSION, 1, "History of epilepsy")]
    assessment = reasoner.assess("My father has epilepsy. Can I join?", concept, {})
    assert assessment.decision is Decision.UNDECIDED
    assert [f.reason for f in assessment.findings] == [
        "the criterion is about the participant's own history; the question names someone else's"
    ]


@pytest.mark.parametrize(
    "question",
    [
        "Is a patient who injects methotrexate weekly excluded?",
        "Is a patient who gets methotrexate every evening excluded?",
        "Is a patient who takes methotrexate each day excluded?",
    ],
)
def test_use_told_in_the_present_is_inside_a_look_back_window(reasoner: EligibilityReasoner, question: str) -> None:
    criteria = [criterion(EXCLUSION, 1, "Methotrexate within 4 weeks before randomization")]
    assert_decides(reasoner, question, criteria, Decision.EXCLUDED)
    # a use told without a time still depends on when
    assert_decides(reasoner, "Is a patient who had methotrexate excluded?", criteria, Decision.UNDECIDED)


def test_a_grade_between_listed_grades_is_outside_them(reasoner: EligibilityReasoner) -> None:
    criteria = [criterion(EXCLUSION, 4, "NYHA class 1, 3 or 4 at screening.")]
    between = reasoner.assess("I have NYHA class II heart failure. Can I join?", criteria, {})
    assert [f.decision for f in between.findings if f.path.startswith("value")] == [Decision.ALLOWED]
    assert_decides(reasoner, "I have NYHA class 3 heart failure. Can I join?", criteria, Decision.EXCLUDED)


def test_a_denial_against_a_criterion_about_those_who_have_not_had_it(reasoner: EligibilityReasoner) -> None:
    conditional = [criterion(EXCLUSION, 2, "varicella and exposure to varicella if not previously have had it")]
    question = "My daughter has never had chickenpox, and her brother came down with it three days ago. Can she join?"
    assert_decides(reasoner, question, conditional, Decision.UNDECIDED)
    plain = [criterion(EXCLUSION, 2, "History of chickenpox")]
    assert_decides(reasoner, "My daughter has never had chickenpox. Can she join?", plain, Decision.ALLOWED)


def test_past_a_window_a_limit_on_how_long_still_decides(reasoner: EligibilityReasoner) -> None:
    both = [
        criterion(
            INCLUSION,
            2,
            "Subjects who have not taken any oral anti-diabetic medication in the past 3 months and have not taken a "
            "glucose lowering agent for >=4 weeks at any time in the past",
        )
    ]
    question = "Two years ago I took metformin. Can I join?"
    assert_decides(reasoner, question, both, Decision.UNDECIDED)
    window_only = [
        criterion(INCLUSION, 2, "Subjects who have not taken any oral anti-diabetic medication in the past 3 months")
    ]
    assert_decides(reasoner, question, window_only, Decision.ALLOWED)
    # told, the length decides: two months is more than the 4 weeks the requirement allows at any time
    lasted = "Two years ago I took metformin for about two months. Can I join?"
    assert_decides(reasoner, lasted, both, Decision.EXCLUDED)


def test_past_an_exclusion_window_the_length_told_meets_its_other_limit(reasoner: EligibilityReasoner) -> None:
    # "within 30 days ... OR lasting more than 1 year": past the window, how long it was taken decides when told.
    either = [criterion(EXCLUSION, 13, "AZT within 30 days prior to study entry OR lasting more than 1 year.")]
    long_ago = "I took AZT for 2 years and stopped it 3 months ago. Am I eligible?"
    assert_decides(reasoner, long_ago, either, Decision.EXCLUDED)
    short = "I took AZT for 6 months and stopped it 3 months ago. Am I eligible?"
    assert_decides(reasoner, short, either, Decision.ALLOWED)
    untold = "I stopped AZT 3 months ago. Am I eligible?"
    assert_decides(reasoner, untold, either, Decision.UNDECIDED)
    recent = "I took AZT for 6 months and stopped it 2 weeks ago. Am I eligible?"
    assert_decides(reasoner, recent, either, Decision.EXCLUDED)


def test_how_long_a_treatment_was_taken_against_the_length_a_criterion_sets(reasoner: EligibilityReasoner) -> None:
    excluded = [
        criterion(EXCLUSION, 18, "More than 6 weeks of prior zidovudine (AZT) therapy.", "Prior Medication: Excluded:")
    ]
    assert_decides(reasoner, "He's been on AZT for about 3 months now. Can he join?", excluded, Decision.EXCLUDED)
    assert_decides(reasoner, "He took AZT for 2 weeks last year. Can he join?", excluded, Decision.ALLOWED)
    required = [
        criterion(
            INCLUSION,
            4,
            "Zidovudine (AZT), didanosine (ddI), or a combination thereof,\n     for at least 2 months.",
            "Prior Medication: Required:",
        )
    ]
    assert_decides(reasoner, "I started AZT about 6 weeks ago. Is that long enough?", required, Decision.EXCLUDED)
    assert_decides(reasoner, "I've been on AZT for 6 weeks. Is that long enough?", required, Decision.EXCLUDED)


def test_an_exception_for_non_x_does_not_cover_x(reasoner: EligibilityReasoner) -> None:
    criteria = [
        criterion(
            INCLUSION,
            9,
            "No second malignancy within 5 years except: superficial non-melanomatous skin cancer, carcinoma in situ",
        )
    ]
    melanoma = reasoner.assess("I had a melanoma removed two years ago. Can I join?", criteria, {})
    assert melanoma.decision not in (Decision.ALLOWED, Decision.CONDITIONS), melanoma.findings
    basal = "I had a basal cell skin cancer removed two years ago. Can I join?"
    assert_decides(reasoner, basal, criteria, Decision.CONDITIONS)


def test_an_age_field_and_a_criterion_that_disagree_at_the_boundary(reasoner: EligibilityReasoner) -> None:
    criteria = [criterion(INCLUSION, 5, "Age >18 and < 60 years")]
    summary = {"minimum_age": fact("minimum_age", "18 Years"), "maximum_age": fact("maximum_age", "60 Years")}
    at_boundary = reasoner.assess("I am 60. Am I too old?", criteria, summary)
    assert at_boundary.decision is Decision.UNDECIDED, at_boundary.findings
    assert reasoner.assess("I am 45. Am I too old?", criteria, summary).decision is Decision.ALLOWED


@pytest.mark.parametrize(
    "question",
    ["My son just turned 12. Is he too young for this trial?", "She is 15. Is she old enough?", "I'm 70. Am I older?"],
)
def test_how_an_age_question_asks_is_no_fact_left_unread(reasoner: EligibilityReasoner, question: str) -> None:
    # "too young", "turned 12": the age decides; the asking words are not something the record must speak to
    summary = {"minimum_age": fact("minimum_age", "12 Years"), "maximum_age": fact("maximum_age", "N/A")}
    assessment = reasoner.assess(question, [criterion(INCLUSION, 1, "Documented HIV infection.")], summary)
    assert assessment.decision is Decision.ALLOWED, (assessment.findings, assessment.unmatched)


@pytest.mark.parametrize(
    "question",
    [
        "I'm 70. Am I well enough to join?",
        "I'm 70. Am I too sick for this?",
        "She is 15. Is she old enough to sign the consent herself?",
    ],
)
def test_asking_about_a_state_leaves_it_for_the_question_to_tell(reasoner: EligibilityReasoner, question: str) -> None:
    # unlike "too old", "too sick" and "well enough" ask about a state the age does not settle
    summary = {"minimum_age": fact("minimum_age", "12 Years"), "maximum_age": fact("maximum_age", "N/A")}
    assessment = reasoner.assess(question, [criterion(INCLUSION, 1, "Documented HIV infection.")], summary)
    assert assessment.decision is not Decision.ALLOWED, assessment.findings


def test_a_drug_listed_alone_under_medications_excluded_now_and_taken_now_is_a_verdict(
    cautious: EligibilityReasoner,
) -> None:
    # the item names the drug and nothing narrower, the heading excludes it taken now, the question says taken now:
    # a verdict even where named exclusions are quoted without one
    listed = [criterion(EXCLUSION, 12, "Fluoxetine.", "Concurrent Medication: Excluded:")]
    taken = cautious.assess("I'm on Prozac for depression. Does that matter?", listed, {})
    assert taken.decision is Decision.EXCLUDED and not taken.findings[0].withheld, taken.findings
    # not when it was taken in the past, when the item says more than the name, or under a heading of past use
    cases = [
        ("I took Prozac years ago. Does that matter?", listed),
        ("Before the induction I was on Prozac for a while. Does that count?", listed),
        ("I take Zoloft. What if my doctor switches me over to Prozac instead?", listed),
        (
            "I take acyclovir every day. OK?",
            [criterion(EXCLUSION, 9, "Systemic acyclovir.", "Concurrent Medication: Excluded:")],
        ),
        ("I'm on Prozac. OK?", [criterion(EXCLUSION, 3, "Fluoxetine.", "Prior Medication: Excluded:")]),
        (
            "I'm on Prozac. OK?",
            [criterion(EXCLUSION, 4, "Fluoxetine at doses above 40 mg.", "Concurrent Medication: Excluded:")],
        ),
    ]
    for question, criteria in cases:
        assert cautious.assess(question, criteria, {}).decision is not Decision.EXCLUDED, question


def test_a_drug_permitted_one_way_is_not_permitted_another_way(reasoner: EligibilityReasoner) -> None:
    permitted = [criterion(INCLUSION, 3, "Aerosolized pentamidine.", "Concurrent Medication: Allowed:")]
    assert_decides(reasoner, "I use aerosolized pentamidine monthly. OK?", permitted, Decision.CONDITIONS)
    assert_decides(reasoner, "I get IV pentamidine once a month. OK?", permitted, Decision.UNDECIDED)


def test_the_studys_own_drug_told_with_a_time_since_is_the_askers_own(reasoner: EligibilityReasoner) -> None:
    summary = {"interventions": fact("interventions", "DRUG: Fluconazole\nDRUG: Methadone")}
    azoles = [
        criterion(
            EXCLUSION, 40, "Ketoconazole, fluconazole, or itraconazole.", "Prior Medication: Excluded within 30 days:"
        )
    ]
    waited = reasoner.assess("What if I wait until it's been 5 weeks since the Diflucan?", azoles, summary)
    assert waited.decision is Decision.ALLOWED, waited.findings
    recent = reasoner.assess("I took Diflucan 2 weeks ago. Can I join?", azoles, summary)
    assert recent.decision is Decision.EXCLUDED, recent.findings
    # a time told of something else does not make the study's drug, asked about, the asker's own
    other = reasoner.assess(
        "Yesterday I had a fever of 38.2. Would that stop me getting the fluconazole?", azoles, summary
    )
    assert other.decision is not Decision.EXCLUDED, other.findings


def test_one_value_against_both_bounds_and_numbers_inside_names(reasoner: EligibilityReasoner) -> None:
    # the VAS value decides the inclusion and the exclusion that bound it; "L5-S1" and "39-year-old" leave no
    # number unread ("L5-S1" is a name, not a value)
    criteria = [
        criterion(INCLUSION, 6, "Mean leg pain on visual analogue scale (VAS) >50 mm (0 -100)"),
        criterion(EXCLUSION, 3, "Pain on VAS below 50 mm"),
    ]
    question = "Mean leg pain on the VAS is 68 mm with a contained L5-S1 herniation. Does that meet the pain threshold?"
    found = reasoner.assess(question, criteria, {})
    assert found.decision is Decision.ALLOWED, (found.findings, found.unmatched)


def test_a_criterion_using_a_word_the_question_tells_is_quoted_without_a_verdict(reasoner: EligibilityReasoner) -> None:
    # Nothing reads "a hernia operation" against the window, yet the record does speak of operations: "no criterion
    # mentions it" would be false, so the criterion is quoted, with no verdict.
    criteria = [
        criterion(INCLUSION, 1, "Adults able to walk 100 metres unaided"),
        criterion(EXCLUSION, 1, "Major operation in the previous 12 weeks"),
        criterion(EXCLUSION, 2, "Participation in another study"),
    ]
    found = reasoner.assess("I had a hernia operation. Would that keep me out?", criteria, {})
    assert found.decision is Decision.UNDECIDED, (found.findings, found.unmatched)
    assert [(f.chunk.criterion, f.decision) for f in found.findings] == [("1", Decision.UNDECIDED)]
    # quoted for the word it shares ("operation") or as a narrower case of it ("Major operation"), never "not stated"
    assert "operation" in found.findings[0].reason or "more specific case" in found.findings[0].reason
    # the asking clause's words ("keep", "out") point at nothing when the question tells a fact before it
    assert reasoner.assess("I sing in a choir. Would that keep me out?", criteria, {}).findings == []


def test_a_named_drug_no_criterion_names_stays_not_stated_whatever_else_matches(reasoner: EligibilityReasoner) -> None:
    # "aspirin" is what the question is about; the record's "operation" is only the occasion it names
    criteria = [criterion(EXCLUSION, 1, "Major operation in the previous 12 weeks")]
    found = reasoner.assess("Do I have to stop my aspirin before the operation?", criteria, {})
    assert found.findings == [] and found.decision is None


def test_currently_receiving_is_a_current_case_and_a_past_course_is_not(reasoner: EligibilityReasoner) -> None:
    criteria = [criterion(EXCLUSION, 1, "Patients must not be currently receiving cycles of interleukin-2.")]
    past = reasoner.assess("He had interleukin-2 three years ago and none since. Is that a problem?", criteria, {})
    assert past.decision is Decision.ALLOWED, past.findings
    assert "current cases" in past.findings[0].reason
    now = reasoner.assess("He is on interleukin-2 right now. Is that a problem?", criteria, {})
    assert now.decision is Decision.EXCLUDED, now.findings


def test_a_criterion_that_opens_with_the_groups_it_holds_for_decides_only_with_the_group(
    reasoner: EligibilityReasoner,
) -> None:
    for text in (
        "For cohort A and the extension of cohort B, any prior use of rituximab.",
        "Arm B only: prior rituximab.",
    ):
        criteria = [criterion(EXCLUSION, 1, text)]
        found = reasoner.assess("I had rituximab last year. Can I join?", criteria, {})
        assert found.decision is Decision.UNDECIDED, (text, found.findings)
        assert "which group you would join" in found.findings[0].reason
    # an unscoped criterion, or a question that names its group, still decides
    plain = [criterion(EXCLUSION, 1, "Any prior use of rituximab.")]
    assert reasoner.assess("I had rituximab last year. Can I join?", plain, {}).decision is Decision.EXCLUDED
    scoped = [criterion(EXCLUSION, 1, "For cohort A, any prior use of rituximab.")]
    told = reasoner.assess("I'm in cohort A and had rituximab last year. Can I join?", scoped, {})
    assert told.decision is Decision.EXCLUDED, told.findings


def test_a_disease_named_as_what_is_prevented_is_not_had(reasoner: EligibilityReasoner) -> None:
    criteria = [criterion(EXCLUSION, 1, "History of malaria.")]
    for question in ("I take doxycycline to prevent malaria. Can I join?", "I'm on malaria prophylaxis. Can I join?"):
        found = reasoner.assess(question, criteria, {})
        assert found.decision is Decision.UNDECIDED, (question, found.findings)
    assert reasoner.assess("I have malaria. Can I join?", criteria, {}).decision is Decision.EXCLUDED


def test_a_vaccine_against_a_disease_and_a_rule_about_itself_are_not_the_disease_lacked(
    reasoner: EligibilityReasoner,
) -> None:
    # "do not exclude if ... from HIV immunizations": neither a lack of HIV nor HIV itself
    criteria = [
        criterion(
            EXCLUSION,
            1,
            "Live vaccines within 60 days. NOTE: killed vaccines do not exclude if given at least 2 weeks from HIV "
            "immunizations.",
        )
    ]
    found = reasoner.assess("I'm HIV-negative. Can I volunteer?", criteria, {})
    assert found.decision is not Decision.EXCLUDED, found.findings
    lacking = [criterion(EXCLUSION, 1, "Women who do not use effective contraception.")]
    said = reasoner.assess("I don't use any contraception. Can I join?", lacking, {})
    assert said.decision is Decision.EXCLUDED, said.findings


def test_a_vaccine_is_a_topic_and_a_disease_immunization_names_it(reasoner: EligibilityReasoner) -> None:
    # vaccines sit under MeSH "Complex Mixtures" (D20) like sprays and gels, but they are things people had
    criteria = [
        criterion(EXCLUSION, 1, "Prior immunization against rabies."),
        criterion(EXCLUSION, 2, "Prior HIV vaccines."),
    ]
    had = reasoner.assess("I had the rabies vaccine series a few years ago. Can I join?", criteria, {})
    assert had.decision is Decision.EXCLUDED and had.findings[0].chunk.criterion == "1", had.findings
    # the disease itself is not its vaccine
    assert reasoner.assess("I had rabies as a child. Can I join?", criteria[:1], {}).decision is not Decision.EXCLUDED


def test_facts_told_in_plain_words_point_at_the_criterion_that_uses_them(reasoner: EligibilityReasoner) -> None:
    # nothing reads "his platelets are low" against a lab rule without numbers, and the drug named in the asking
    # (which no criterion names) does not make the told facts irrelevant: the rule is quoted, no verdict
    criteria = [
        criterion(INCLUSION, 1, "Performance status 0, 1 or 2."),
        criterion(INCLUSION, 2, "White cell count and platelet counts will be reviewed by the treating physician."),
    ]
    question = "His white count and platelets are low because of his marrow disease. Is that a problem for the Campath?"
    found = reasoner.assess(question, criteria, {})
    assert [(f.chunk.criterion, f.decision) for f in found.findings] == [("2", Decision.UNDECIDED)], found.findings


def test_the_questions_own_qualifier_names_the_kind_a_criterion_qualifies_alike(reasoner: EligibilityReasoner) -> None:
    # "live" is not part of the vocabulary's name, yet it picks "Live/attenuated vaccines" over the exception
    criteria = [
        criterion(EXCLUSION, 1, "Live/attenuated vaccines within 4 weeks (inactivated influenza vaccines permitted)."),
        criterion(EXCLUSION, 2, "History of severe hypersensitivity to biologics."),
    ]
    live = reasoner.assess("I had a live vaccine 2 weeks ago. Can I join?", criteria, {})
    assert live.decision is Decision.EXCLUDED and live.findings[0].chunk.criterion == "1", live.findings
    killed = reasoner.assess("I had an inactivated flu vaccine 2 weeks ago. Can I join?", criteria, {})
    assert killed.decision is not Decision.EXCLUDED, killed.findings


def test_a_requirement_that_names_only_the_condition_is_met_by_having_it(reasoner: EligibilityReasoner) -> None:
    criteria = [
        criterion(INCLUSION, 1, "Diagnosis of AIDS."),
        criterion(INCLUSION, 2, "Histologically confirmed AIDS-related lymphoma."),
    ]
    assert reasoner.assess("I'm 45 and have AIDS. Can I join?", criteria[:1], {}).decision is Decision.ALLOWED
    # a requirement with more to it (a kind, a test) is not shown by naming the condition
    found = reasoner.assess("I have lymphoma. Can I join?", criteria[1:], {})
    assert found.decision is Decision.UNDECIDED, found.findings
    # who is meant narrows it too: "Women with breast cancer" is not met by a man saying he has breast cancer
    women = [criterion(INCLUSION, 1, "Women with breast cancer.")]
    man = reasoner.assess("I'm a man and I have breast cancer. Can I join?", women, {})
    assert man.decision is not Decision.ALLOWED, man.findings
    # nor is the verdict given while another told fact is left unread
    told = reasoner.assess("I have AIDS. I work night shifts at a bakery. Can I join?", criteria[:1], {})
    assert told.decision is not Decision.ALLOWED, (told.findings, told.unmatched)


def test_weight_and_height_are_read_against_a_bmi_limit(reasoner: EligibilityReasoner) -> None:
    criteria = [criterion(INCLUSION, 1, "Body mass index above 25 and less than 40 kg/m2")]
    heavy = reasoner.assess("He is 68, weight 118 kg, height 170 cm. Does he meet the BMI requirement?", criteria, {})
    assert heavy.decision is Decision.EXCLUDED, (heavy.findings, heavy.unmatched)
    assert "40.8" in heavy.findings[0].reason
    fits = reasoner.assess("I weigh 85 kg and I'm 175 cm tall. Is my BMI OK?", criteria, {})
    assert fits.decision is Decision.ALLOWED, (fits.findings, fits.unmatched)


def test_the_thing_the_asking_clause_refers_back_to_is_not_a_new_fact(reasoner: EligibilityReasoner) -> None:
    criteria = [
        criterion(
            EXCLUSION,
            4,
            "Active tuberculosis. NOTE: Subjects with a positive PPD and a normal chest x-ray showing no evidence of "
            "TB are eligible.",
        )
    ]
    asked = "I have a positive PPD and my chest X-ray is normal. Is the positive skin test exclusionary?"
    found = reasoner.assess(asked, criteria, {})
    assert found.decision is Decision.CONDITIONS, (found.findings, found.unmatched)
    # told as a fact of its own, a thing nothing reads still leaves the answer open
    told = reasoner.assess(
        "I have a positive PPD and my chest X-ray is normal. I also have gout. Can I join?", criteria, {}
    )
    assert told.decision is not Decision.CONDITIONS, (told.findings, told.unmatched)


def test_a_criterion_that_says_only_may_be_excluded_gives_no_verdict(reasoner: EligibilityReasoner) -> None:
    hedged = [
        criterion(
            INCLUSION,
            10,
            "No patients with acute infections. Patients with a positive PPD who have not received antituberculous "
            "therapy may\nbe excluded, if in the opinion of an infectious consultant, IL-10 treatment is "
            "contraindicated.",
        )
    ]
    found = reasoner.assess("She has a positive PPD and never had TB treatment. Can she join?", hedged, {})
    assert found.decision is Decision.UNDECIDED, found.findings
    assert "may be excluded" in found.findings[0].reason
    # the hedge is the mention's own sentence's: another sentence's "may be excluded" does not soften this one
    firm = [criterion(EXCLUSION, 1, "Hepatitis. Patients with asthma may be excluded.")]
    assert reasoner.assess("I have hepatitis. Can I join?", firm, {}).decision is Decision.EXCLUDED
    # "may not be enrolled" forbids
    forbids = [criterion(EXCLUSION, 1, "If the participant is pregnant, she may not be enrolled on this study.")]
    assert reasoner.assess("I am pregnant. Can I join?", forbids, {}).decision is Decision.EXCLUDED


def test_the_asking_clause_naming_a_told_thing_again_keeps_how_it_was_told(reasoner: EligibilityReasoner) -> None:
    criteria = [
        criterion(EXCLUSION, 5, "Females who are pregnant, nursing, or not using a reliable method of birth control.")
    ]
    asked = "I'm 30 and could get pregnant, but I have a copper IUD. Does the pregnancy rule keep me out?"
    found = reasoner.assess(asked, criteria, {})
    assert found.decision is not Decision.EXCLUDED, found.findings
    # said as a fact, the same wording still excludes
    told = reasoner.assess("I am pregnant. Does the pregnancy rule keep me out?", criteria, {})
    assert told.decision is Decision.EXCLUDED, told.findings


def test_a_value_meeting_one_of_two_limits_on_the_same_side_gives_no_verdict(reasoner: EligibilityReasoner) -> None:
    alternatives = [
        criterion(
            INCLUSION, 2, "Serum PSA level less than 4ng/ml or in between 4-10 ng/ml with percent free PSA above 25%"
        )
    ]
    found = reasoner.assess(
        "My PSA is 6.2 and the free PSA came back at 30%. Is a PSA over 4 a problem?", alternatives, {}
    )
    assert found.decision is not Decision.EXCLUDED, found.findings
    # missing every limit still excludes
    assert reasoner.assess("My PSA is 12. Can I join?", alternatives, {}).decision is Decision.EXCLUDED
    by_group = [
        criterion(
            INCLUSION,
            4,
            "Urinary albumin to creatinine ratio >1000mg/g for the patients without previous ACE inhibitor and ARB "
            "therapy and >500mg/g for the patients with previous ACE inhibitor or ARB therapy",
        )
    ]
    found = reasoner.assess("His urine albumin to creatinine ratio is 720 mg/g. Can he join?", by_group, {})
    assert found.decision is not Decision.EXCLUDED, found.findings
    # a lower and an upper limit make one range: the missed side decides
    ranged = [criterion(INCLUSION, 1, "Hemoglobin >= 9 g/dL and <= 11 g/dL")]
    assert reasoner.assess("My hemoglobin is 12 g/dL. Can I join?", ranged, {}).decision is Decision.EXCLUDED


def test_a_list_item_labelled_with_a_sex_bounds_only_that_sex(reasoner: EligibilityReasoner) -> None:
    echo = [
        criterion(
            INCLUSION,
            6,
            "Echocardiogram results of:\n    -  Females: Left ventricular (LV) ejection fraction greater than or equal "
            "to 50% and\n       septal wall thickness between 11-17 mm; and,\n    -  Males: LV ejection fraction "
            "greater than or equal to 50% and septal wall thickness between 12-18 mm",
        )
    ]
    male = reasoner.assess("Male patient, septal wall thickness 11.5 mm. Does he pass the echo criterion?", echo, {})
    assert male.decision is Decision.EXCLUDED, male.findings
    female = reasoner.assess("She is a woman with septal wall thickness 11.5 mm. Does she pass?", echo, {})
    assert female.decision is not Decision.EXCLUDED, female.findings


def test_a_criterion_about_the_drug_given_another_way_does_not_catch_the_asker(reasoner: EligibilityReasoner) -> None:
    implant = [criterion(EXCLUSION, 5, "Ganciclovir implant in the eye to be treated.")]
    oral = reasoner.assess("I'm taking oral ganciclovir capsules as maintenance. Can I keep taking them?", implant, {})
    assert oral.decision is not Decision.EXCLUDED, oral.findings
    # said the same way, or without a route, it is caught
    assert reasoner.assess("I have a ganciclovir implant in my eye. Can I join?", implant, {}).decision is (
        Decision.EXCLUDED
    )
    assert reasoner.assess("I take ganciclovir. Can I join?", implant, {}).decision is Decision.EXCLUDED
    # an exception's routes are the ones NOT meant: "(except topical or inhaled)" still catches tablets
    steroids = [criterion(EXCLUSION, 1, "Corticosteroids (except topical or inhaled) within 4 weeks")]
    tablets = reasoner.assess("I took prednisone tablets last week. Can I join?", steroids, {})
    assert tablets.decision is not Decision.ALLOWED, tablets.findings


def test_a_pair_in_combination_needs_both(reasoner: EligibilityReasoner) -> None:
    pair = [criterion(EXCLUSION, 13, "Combination use of ethambutol and fluconazole.")]
    one = reasoner.assess(
        "I'm on ethambutol for MAC, but I don't take fluconazole. Does ethambutol exclude me?", pair, {}
    )
    assert one.decision is not Decision.EXCLUDED, one.findings
    both = reasoner.assess("I take ethambutol and fluconazole. Can I join?", pair, {})
    assert both.decision is Decision.EXCLUDED, both.findings


def test_an_old_test_does_not_miss_a_requirement_for_a_recent_one(reasoner: EligibilityReasoner) -> None:
    ekg = [criterion(INCLUSION, 2, "This will include an EKG within the past 12 months.")]
    old = reasoner.assess("My last EKG was about 18 months ago. Is that OK?", ekg, {})
    assert old.decision is Decision.UNDECIDED and "again" in old.findings[0].reason, old.findings
    # a treatment required within a window is still missed when it is older
    chemo = [criterion(INCLUSION, 1, "Received chemotherapy within the past 12 months.")]
    assert reasoner.assess("My last chemotherapy was 2 years ago. Can I join?", chemo, {}).decision is (
        Decision.EXCLUDED
    )


def test_a_supplement_of_a_thing_is_not_any_intake_of_it(reasoner: EligibilityReasoner) -> None:
    supplements = [criterion(EXCLUSION, 2, "Concurrent cholecalciferol, calcium, or soy supplements")]
    multivitamin = reasoner.assess(
        "I take a daily multivitamin that has some calcium in it. Is that allowed?", supplements, {}
    )
    assert multivitamin.decision is not Decision.EXCLUDED, multivitamin.findings
    said = reasoner.assess("I take calcium supplements. Is that allowed?", supplements, {})
    assert said.decision is Decision.EXCLUDED, said.findings


def test_a_prohibition_in_one_numbered_group_does_not_reverse_the_others(reasoner: EligibilityReasoner) -> None:
    groups = [
        criterion(
            "Eligibility Criteria",
            1,
            "INCLUSION AND EXCLUSION CRITERIA, BY GROUP:\n\n"
            "   1. African-descent with FSGS: renal biopsy showing FSGS.\n"
            "   2. Kidney donors. We will include NIH kidney donors only.\n"
            "   3. Women who are pregnant will be excluded from participating in the apheresis component.",
        )
    ]
    found = reasoner.assess("My son's kidney biopsy showed FSGS. Can he take part?", groups, {})
    assert found.decision is not Decision.EXCLUDED, found.findings


def test_the_asking_clause_can_name_a_criterion_or_ask_what_it_means(reasoner: EligibilityReasoner) -> None:
    sugar = [criterion(INCLUSION, 3, r"HbA1c≥8.5% or intravenous fasting blood glucose (FBG)\>10mmol/l")]
    asked = "My fasting blood sugar was 205 mg/dL and my A1c was 7.8%. Would I meet the blood sugar requirement?"
    found = reasoner.assess(asked, sugar, {})
    assert found.decision is Decision.ALLOWED, found.findings  # 205 mg/dL is 11.4 mmol/L, over 10
    neuroleptics = [criterion(EXCLUSION, 1, "Current or past use of neuroleptics.")]
    counts = reasoner.assess(
        "Years ago I was given Reglan for nausea. Does that count as a neuroleptic?", neuroleptics, {}
    )
    assert counts.decision is Decision.UNDECIDED, counts.findings


def test_an_exclusion_from_one_part_of_the_study_is_not_from_the_study(reasoner: EligibilityReasoner) -> None:
    part = [
        criterion(
            EXCLUSION, 9, "Women who are pregnant will be excluded from participating in the apheresis component."
        )
    ]
    found = reasoner.assess("I'm pregnant. Can I still give a blood sample as a control?", part, {})
    assert found.decision is Decision.UNDECIDED and "part of the study" in found.findings[0].reason, found.findings
    whole = [criterion(EXCLUSION, 9, "Women who are pregnant will be excluded.")]
    assert reasoner.assess("I'm pregnant. Can I join?", whole, {}).decision is Decision.EXCLUDED


def test_a_treatment_told_in_the_past_is_not_one_taken_during_the_study(reasoner: EligibilityReasoner) -> None:
    during = [criterion(EXCLUSION, 6, "Pyrimethamine during the acute therapy phase of the trial.")]
    past = reasoner.assess(
        "He was already treated with pyrimethamine and it didn't work. Does that rule him out?", during, {}
    )
    assert past.decision is Decision.UNDECIDED, past.findings
    now = reasoner.assess("He takes pyrimethamine. Does that rule him out?", during, {})
    assert now.decision is Decision.EXCLUDED, now.findings
    still = reasoner.assess("He was treated with pyrimethamine and still takes it. Can he join?", during, {})
    assert still.decision is Decision.EXCLUDED, still.findings


def test_a_requirement_under_an_any_of_the_following_lead_in_is_one_alternative(
    reasoner: EligibilityReasoner,
) -> None:
    lead_in = "Presence of at least one of the following metabolic abnormalities:"
    criteria = [
        criterion(INCLUSION, 6, "Fasting plasma glucose greater than or equal to 126 mg/dL").model_copy(
            update={"heading": lead_in}
        ),
        criterion(INCLUSION, 7, "Fasting insulin greater than 30 micrograms/ml").model_copy(
            update={"heading": lead_in}
        ),
    ]
    found = reasoner.assess("My fasting blood sugar runs around 110 mg/dL. Do I qualify?", criteria, {})
    assert found.decision is Decision.UNDECIDED, found.findings
    # without the lead-in, the same requirement missed excludes
    plain = [c.model_copy(update={"heading": None}) for c in criteria]
    assert reasoner.assess("My fasting blood sugar runs around 110 mg/dL. Do I qualify?", plain, {}).decision is (
        Decision.EXCLUDED
    )


def test_two_requirements_no_one_can_meet_together_are_alternatives(reasoner: EligibilityReasoner) -> None:
    criteria = [
        criterion(INCLUSION, 2, "Impaired Fasting Glucose (100-125mg/dl)"),
        criterion(INCLUSION, 6, r"Early onset diabetic / accidental on screening (glucose \>200mg/dl)"),
    ]
    found = reasoner.assess("My fasting sugar came back at 112 mg/dl. Do I fit?", criteria, {})
    assert found.decision is not Decision.EXCLUDED, found.findings
    # a lower and an upper limit in two criteria still make one range
    ranged = [criterion(INCLUSION, 1, "Hemoglobin >= 9 g/dL"), criterion(INCLUSION, 2, "Hemoglobin <= 11 g/dL")]
    assert reasoner.assess("My hemoglobin is 12 g/dL. Can I join?", ranged, {}).decision is Decision.EXCLUDED


def test_a_limit_written_for_a_group_applies_to_the_askers_group(reasoner: EligibilityReasoner) -> None:
    by_group = [
        criterion(
            INCLUSION,
            4,
            "Urinary albumin to creatinine ratio >1000mg/g for the patients without previous ACE\n     inhibitor "
            "and ARB therapy and >500mg/g for the patients with previous ACE inhibitor or\n     ARB therapy",
        )
    ]
    never = "I've never taken an ACE inhibitor or an ARB. My albumin-to-creatinine ratio is 800 mg/g. Do I qualify?"
    assert reasoner.assess(never, by_group, {}).decision is Decision.EXCLUDED
    on_one = "He has been on lisinopril for years and his urine albumin-to-creatinine ratio is 720 mg/g. Can he join?"
    assert reasoner.assess(on_one, by_group, {}).decision is not Decision.EXCLUDED
    unsaid = reasoner.assess("His urine albumin-to-creatinine ratio is 720 mg/g. Can he join?", by_group, {})
    assert unsaid.decision is not Decision.EXCLUDED, unsaid.findings


def test_an_alternative_after_the_last_limit_of_a_measure_is_open(reasoner: EligibilityReasoner) -> None:
    proven = [
        criterion(
            INCLUSION,
            2,
            "Manifest diabetes mellitus, proven by fasting glucose (12 h) > 127 mg/dl or oral\n     glucose "
            "challenge: >= 200 mg/dl after 2 h or diabetes mellitus already treated with\n     oral antidiabetics",
        )
    ]
    found = reasoner.assess("My fasting sugar was 115 mg/dl. Do I count as diabetic for this study?", proven, {})
    assert found.decision is not Decision.EXCLUDED, found.findings


def test_a_condition_named_with_what_it_comes_with_is_that_kind(reasoner: EligibilityReasoner) -> None:
    kind = [
        criterion(
            INCLUSION,
            4,
            "No lifetime-diagnosis of psychosis, bipolar affective disorder, or depression with psychotic symptoms",
        )
    ]
    plain = reasoner.assess(
        "I had a depression five years ago, never with psychotic symptoms. Does that keep me out?", kind, {}
    )
    assert plain.decision is not Decision.EXCLUDED, plain.findings
    said = reasoner.assess("I have depression with psychotic symptoms. Can I join?", kind, {})
    assert said.decision is Decision.EXCLUDED, said.findings


def test_an_absence_required_or_else_a_condition_lets_the_case_in_on_it(reasoner: EligibilityReasoner) -> None:
    either = [
        criterion(
            INCLUSION,
            2,
            "Subjects must either not yet have undergone pubertal activation of the\nhypothalamic-pituitary-gonadal "
            "axis, or, if pubertal activation has occurred, must be\nreceiving an LHRH agonist.",
        )
    ]
    found = reasoner.assess("My daughter has already started puberty. Can she still be in the study?", either, {})
    assert found.decision is Decision.CONDITIONS, found.findings


def test_a_condition_the_investigator_judges_to_preclude_the_treatment(reasoner: EligibilityReasoner) -> None:
    judged = [
        criterion(
            EXCLUSION,
            1,
            "Medical or psychiatric condition that, in the opinion of the Principal Investigator, would\npreclude "
            "chemotherapy administration.",
        )
    ]
    found = reasoner.assess("I have bipolar disorder. Would that stop me from getting the chemotherapy?", judged, {})
    assert found.decision is not Decision.EXCLUDED, found.findings


def test_a_prohibiting_lead_in_speaks_for_every_item_below_it(reasoner: EligibilityReasoner) -> None:
    listed = [
        criterion(INCLUSION, 3, "Concomitant medications: the following are not allowed:\n - warfarin\n - heparin")
    ]
    assert reasoner.assess("I take warfarin. Can I join?", listed, {}).decision is Decision.EXCLUDED


def test_a_route_is_read_for_treatments_only(reasoner: EligibilityReasoner) -> None:
    # "IV medication" says how the hypertension is treated, and "pills" how the asker treats theirs: no route of the
    # hypertension itself to compare
    iv = [criterion(EXCLUSION, 1, "Hypertension requiring IV medication")]
    found = reasoner.assess("I take pills for my high blood pressure. Can I join?", iv, {})
    assert all(f.reason != "the criterion names it given another way than yours" for f in found.findings)


def test_a_limit_in_a_counted_list_missed_alone_decides_nothing(reasoner: EligibilityReasoner) -> None:
    counted = [
        criterion(
            INCLUSION,
            9,
            "Severe aplastic anemia: Cytopenia consisting of at least 2 of the following 3: absolute neutrophil count "
            "less than 500/uL, platelet count less than 20,000/uL, reticulocyte count less than 50,000/uL.",
        )
    ]
    found = reasoner.assess("ANC 380/uL, platelets 12,000/uL, reticulocytes 65,000/uL. Do I meet it?", counted, {})
    assert found.decision is not Decision.EXCLUDED, found.findings


def test_a_value_no_limit_reads_points_to_the_condition_it_shows(reasoner: EligibilityReasoner) -> None:
    obese = [criterion(EXCLUSION, 7, "morbidly obese;"), criterion(EXCLUSION, 8, "Pregnancy;")]
    found = reasoner.assess("My BMI is 42. Is my weight an issue for this back surgery study?", obese, {})
    assert found.decision is Decision.UNDECIDED and found.findings[0].chunk.criterion == "7", found.findings
    # a value of another measure does not point there
    other = reasoner.assess("My platelets are 40,000. Can I join?", obese, {})
    assert not any(f.chunk.criterion == "7" for f in other.findings), other.findings


def test_a_past_treatment_is_read_in_its_own_clause(reasoner: EligibilityReasoner) -> None:
    concurrent = [criterion(EXCLUSION, 4, "Concurrent anticoagulants or warfarin.")]
    found = reasoner.assess("I took aspirin yesterday, and I'm on warfarin. Can I join?", concurrent, {})
    assert found.decision is Decision.EXCLUDED, found.findings


@pytest.mark.parametrize(
    ("criteria_text", "decision"),
    [
        # the field excludes a healthy person from a study whose criteria take only patients
        (["Biopsy-proven FSGS"], Decision.EXCLUDED),
        # criteria that name people without the condition: the field summarises the main population only
        (["Biopsy-proven FSGS, or a first-degree relative of a patient with an FSGS risk gene"], Decision.UNDECIDED),
        (["Healthy control subjects aged 18 to 65"], Decision.UNDECIDED),
        (["For participants without asthma: No diagnosis of asthma"], Decision.UNDECIDED),
    ],
)
def test_the_healthy_volunteers_field_against_groups_the_criteria_name(
    reasoner: EligibilityReasoner, criteria_text: list[str], decision: Decision
) -> None:
    criteria = [criterion(INCLUSION, i, text) for i, text in enumerate(criteria_text, start=1)]
    summary = {"healthy_volunteers": fact("healthy_volunteers", "No")}
    assessment = reasoner.assess("I'm healthy. Can I join?", criteria, summary)
    assert assessment.decision is decision, [(f.fact, f.decision, f.reason) for f in assessment.findings]


def test_a_group_of_controls_named_in_a_lists_heading_opens_the_healthy_volunteers_field(
    reasoner: EligibilityReasoner,
) -> None:
    # "Healthy volunteers: No" beside a list headed "BLOOD DRAW/NORMAL CONTROL": the record contradicts itself
    criteria = [criterion(INCLUSION, 5, "Age 18-65.", heading="BLOOD DRAW/NORMAL CONTROL")]
    summary = {"healthy_volunteers": fact("healthy_volunteers", "No")}
    assessment = reasoner.assess("I'm completely healthy. Can I sign up as a volunteer?", criteria, summary)
    assert assessment.decision is Decision.UNDECIDED, [(f.fact, f.reason) for f in assessment.findings]
    plain = [criterion(INCLUSION, 5, "Age 18-65.", heading="BLOOD DRAW/ASTHMA")]
    assert reasoner.assess("I'm healthy. Can I join?", plain, summary).decision is Decision.EXCLUDED


# ---- fifteenth session: birth control for those who could become pregnant ---------------------------------------
WOCBP_RULE = (
    "Women of child-bearing potential (ie, not post-menopausal for at least 12 months and not surgically sterile) must"
    " agree to use double-barrier contraception for the duration of the study"
)


@pytest.mark.parametrize(
    ("question", "decision"),
    [
        # one who could become pregnant joins on the rule's terms, whatever the words for it
        ("I'm 38 and still having periods. Can I take part?", Decision.CONDITIONS),
        ("I am 34 and could still get pregnant. Can I join?", Decision.CONDITIONS),
        # periods stopped longer ago than the rule counts as past menopause: the rule is not hers
        ("I'm 58 and my last period was two years ago. Do I need contraception?", Decision.ALLOWED),
        ("I'm 60 and haven't had a period in three years. Can I join?", Decision.ALLOWED),
        ("I'm 66 and went through menopause at 51. Can I join?", Decision.ALLOWED),
        # more recently than that: the rule still applies
        ("I'm 52 and my periods stopped eight months ago. Can I join?", Decision.CONDITIONS),
    ],
)
def test_birth_control_rule_against_whether_she_could_become_pregnant(
    reasoner: EligibilityReasoner, question: str, decision: Decision
) -> None:
    assessment = reasoner.assess(question, [criterion(INCLUSION, 6, WOCBP_RULE)], {})
    assert assessment.decision is decision, [(f.fact, f.decision, f.reason) for f in assessment.findings]
    assert [f.path for f in assessment.findings] == ["birth control/inclusion"]


@pytest.mark.parametrize(
    "question",
    [
        # a method named: whether it is one the study accepts is the question
        "I'm 35 and could get pregnant, but I have a copper IUD. Can I join?",
        # someone else's
        "My wife could get pregnant. Can I join?",
        # the rule does not say when menopause counts
        "I'm 58 and my last period was two years ago. Can I join?|Agree to use an effective method of birth control.",
        # a drug named by its class is no birth-control rule
        "I'm 38 and still having periods. Can I take part?|Current use of oral contraceptives",
        # a rule for men says nothing of her
        "I'm 38 and still having periods. Can I take part?|Male subjects must agree to use a condom or contraception",
    ],
)
def test_no_birth_control_finding_where_the_rule_does_not_decide(reasoner: EligibilityReasoner, question: str) -> None:
    question, _, text = question.partition("|")
    assessment = reasoner.assess(question, [criterion(INCLUSION, 1, text or WOCBP_RULE)], {})
    assert not [f for f in assessment.findings if f.path.startswith("birth control")]


def test_the_rule_answers_what_the_question_asks_about_it(reasoner: EligibilityReasoner) -> None:
    rule = criterion(
        EXCLUSION,
        15,
        "Subject is pregnant or nursing or woman of child-bearing potential who is not surgically sterile, two years"
        " postmenopausal, or does not practice two combined methods of contraception, unless sexually abstinent",
    )
    assessment = reasoner.assess(
        "I'm 52 and haven't had a period in three years. Do I still have to use birth control?", [rule], {}
    )
    assert [(f.path, f.decision) for f in assessment.findings] == [("birth control/exclusion", Decision.ALLOWED)]


@pytest.mark.parametrize(
    ("question", "text", "decision"),
    [
        # stopped, against a criterion about current use only
        (
            "I stopped the Fosamax two years ago. Can I join?",
            "current treatment with another bisphosphonate;",
            Decision.ALLOWED,
        ),
        ("I quit taking methotrexate last spring. Can I join?", "Currently taking methotrexate", Decision.ALLOWED),
        # not stopped, or stopped but on it again, or a criterion that counts past use too
        ("I take Fosamax every week. Can I join?", "Currently taking alendronate", Decision.UNDECIDED),
        ("I stopped Fosamax, but now I take it again. Can I join?", "Currently taking alendronate", Decision.UNDECIDED),
        ("I stopped the Fosamax two years ago. Can I join?", "Current or prior treatment with alendronate", None),
    ],
)
def test_a_stopped_treatment_against_a_criterion_about_current_use(
    cautious: EligibilityReasoner, question: str, text: str, decision: Decision | None
) -> None:
    assessment = cautious.assess(question, [criterion(EXCLUSION, 2, text)], {})
    found = [(f.fact, f.decision, f.reason) for f in assessment.findings]
    if decision is None:
        assert assessment.decision is not Decision.ALLOWED, found
    else:
        assert assessment.decision is decision, found


@pytest.mark.parametrize(
    ("question", "text", "decision"),
    [
        # an exclusion of women who could become pregnant, whatever they do about it
        ("I'm 38 and still having periods. Can I join?", "Women of childbearing potential", Decision.EXCLUDED),
        (
            "I'm a 62-year-old woman, long past menopause. Can I join?",
            "Women of childbearing potential",
            Decision.ALLOWED,
        ),
        ("I'm 58 and postmenopausal. Can I join?", "Pregnant women or women of child-bearing age", Decision.ALLOWED),
        # past menopause for less time than the criterion counts, or not said for how long against a mark it sets
        (
            "I'm 52 and my periods stopped eight months ago. Can I join?",
            "Women of childbearing potential (less than 12 months since last menses)",
            None,  # a definition in words not read: no verdict either way
        ),
        # birth control, or a negative test, would admit her: not an outright exclusion
        (
            "I'm 38 and still having periods. Can I join?",
            "Women of childbearing potential unless using adequate contraception",
            Decision.CONDITIONS,
        ),
    ],
)
def test_an_exclusion_of_women_who_could_become_pregnant(
    reasoner: EligibilityReasoner, question: str, text: str, decision: Decision | None
) -> None:
    assessment = reasoner.assess(question, [criterion(EXCLUSION, 13, text)], {})
    assert assessment.decision is decision, [(f.fact, f.decision, f.reason) for f in assessment.findings]


def test_the_studied_condition_named_only_as_what_an_exclusion_leaves_out(reasoner: EligibilityReasoner) -> None:
    criteria = [criterion(EXCLUSION, 5, "Neurologic illness other than stroke that would prevent proper evaluation")]
    summary = {"conditions": fact("conditions", "Stroke")}
    assessment = reasoner.assess("I had a stroke seven weeks ago. Can I join?", criteria, summary)
    assert [(f.chunk.criterion, f.decision) for f in assessment.findings] == [("5", Decision.CONDITIONS)]


BILIRUBIN_AT_NORMAL = [criterion(INCLUSION, 7, "Bilirubin no greater than upper limit of normal")]
BILIRUBIN_ABOVE = [criterion(INCLUSION, 7, "Total bilirubin <= 1.5 x ULN")]


@pytest.mark.parametrize(
    ("question", "criteria", "decision"),
    [
        # a limit at the upper limit of normal with no number is 1 x ULN
        ("My bilirubin is 1.3 x ULN. Can I join?", BILIRUBIN_AT_NORMAL, Decision.EXCLUDED),
        ("My bilirubin is 0.8 times the upper limit of normal. Can I join?", BILIRUBIN_AT_NORMAL, Decision.ALLOWED),
        # "normal" is at most 1 x ULN: it meets a limit at or above the ULN
        ("My bilirubin is normal. Can I join?", BILIRUBIN_ABOVE, Decision.ALLOWED),
        ("Her bilirubin levels were normal. Is she eligible?", BILIRUBIN_AT_NORMAL, Decision.ALLOWED),
    ],
)
def test_the_upper_limit_of_normal_is_one_times_itself(
    reasoner: EligibilityReasoner, question: str, criteria: list[Chunk], decision: Decision
) -> None:
    # "bilirubin <= ULN" had no bound at all and "my bilirubin is normal" no value, so neither was compared
    assessment = reasoner.assess(question, criteria, {})
    assert assessment.decision is decision, [(f.fact, f.decision, f.reason) for f in assessment.findings]


RENAL_BY_CASE = [
    criterion(
        INCLUSION,
        11,
        "Creatinine =< 1.5 mg/dL; NOTE: if creatinine > 1.5 mg/dL, creatinine clearance must be > 50 mL/min",
    )
]


@pytest.mark.parametrize(
    ("question", "decision"),
    [
        # the bound after "if" names the case; it is no requirement: a normal value had read as failing it
        ("My creatinine is 1.0 mg/dL. Can I join?", Decision.ALLOWED),
        # in the case, the requirement it sets decides, not the main limit alone
        ("My creatinine is 2.0 mg/dL. Can I join?", Decision.UNDECIDED),
        # a requirement set only for the case: missing it does not show the asker is in the case
        ("My creatinine clearance is 40 mL/min. Can I join?", Decision.UNDECIDED),
        ("My creatinine clearance is 70 mL/min. Can I join?", Decision.ALLOWED),
    ],
)
def test_a_bound_after_if_names_a_case_not_a_requirement(
    reasoner: EligibilityReasoner, question: str, decision: Decision
) -> None:
    assessment = reasoner.assess(question, RENAL_BY_CASE, {})
    assert assessment.decision is decision, [(f.fact, f.decision, f.reason) for f in assessment.findings]


def test_a_mention_in_what_a_window_counts_back_from_is_the_studys_event(reasoner: EligibilityReasoner) -> None:
    # "... less than 1 week prior to the date of biopsy": the biopsy is the study's; asking to book it is not having it
    criteria = [
        criterion(
            EXCLUSION,
            5,
            "Use of narcotics (other than as prescribed by a physician) or cocaine less than 1 week prior "
            "to the date of biopsy.",
        )
    ]
    booked = reasoner.assess("The volunteer is well. Can we still book the biopsy?", criteria, {})
    assert all(f.decision is not Decision.EXCLUDED for f in booked.findings), booked.findings
    assert (
        reasoner.assess("I used cocaine 3 days ago. Can I have the biopsy?", criteria, {}).decision is Decision.EXCLUDED
    )


def test_a_washout_for_a_named_case_decides_for_it(reasoner: EligibilityReasoner) -> None:
    criteria = [criterion(INCLUSION, 7, "≥3 weeks since chemotherapy (> 6 weeks for nitrosoureas or mitomycin C)")]
    assessment = reasoner.assess("My last mitomycin C dose was 4 weeks ago. Can I join?", criteria, {})
    assert assessment.decision is Decision.EXCLUDED, [(f.fact, f.decision, f.reason) for f in assessment.findings]


def test_an_age_field_that_is_the_age_at_diagnosis_does_not_decide_by_the_age_now(
    reasoner: EligibilityReasoner,
) -> None:
    criteria = [
        criterion(INCLUSION, 2, "Patients must be less than or equal to 30 years at the time of initial diagnosis.")
    ]
    summary = {"maximum_age": fact("maximum_age", "30 Years")}
    now = reasoner.assess("I'm 33 now. Am I too old?", criteria, summary)
    assert now.decision is not Decision.EXCLUDED, [(f.fact, f.decision, f.reason) for f in now.findings]
    plain = reasoner.assess("I'm 33 now. Am I too old?", [criterion(INCLUSION, 2, "Relapsed Ewing sarcoma.")], summary)
    assert plain.decision is Decision.EXCLUDED


def test_bare_bounds_under_a_measure_heading_are_read_as_that_measure(reasoner: EligibilityReasoner) -> None:
    # PDQ-style "Age: - 21 and under at diagnosis" beside "maximum age 21 Years": the field is the age at diagnosis, as
    # when the criterion names the age itself (it had excluded a 23-year-old diagnosed at 20 by the field)
    age = criterion(INCLUSION, 2, "21 and under at diagnosis", heading="PATIENT CHARACTERISTICS: Age:")
    summary = {"maximum_age": fact("maximum_age", "21 Years")}
    told = "I was diagnosed with AML at 20, and I'm 23 now. Am I too old?"
    assessment = reasoner.assess(told, [age], summary)
    assert assessment.decision is Decision.UNDECIDED, [(f.fact, f.decision, f.reason) for f in assessment.findings]
    life = criterion(INCLUSION, 5, "At least 2 months", heading="Life expectancy:")
    assert reasoner.assess("My doctor gives me about 6 weeks to live. Can I join?", [life], {}).decision is (
        Decision.EXCLUDED
    )


STABLE_AZT = [
    criterion(
        INCLUSION, 10, "Zidovudine at a constant dose for 4 weeks prior to study entry.", "Prior Medication: Allowed:"
    )
]


@pytest.mark.parametrize(
    ("question", "decision"),
    [
        # the last change of the dose, told with its time, against how long it must have stayed unchanged (it had been
        # allowed on the criterion's terms, which the change misses)
        (
            "I've been on Retrovir for a year, but my doctor raised the dose two weeks ago. Can I join?",
            Decision.EXCLUDED,
        ),
        ("I just switched to AZT two weeks ago. Can I join?", Decision.EXCLUDED),
        ("My doctor raised my Retrovir dose two months ago. Can I join?", Decision.CONDITIONS),
        ("I've been on Retrovir for a year. Can I join?", Decision.CONDITIONS),
        # a change of another treatment says nothing of this dose
        ("I take AZT and I started chemo two weeks ago. Can I join?", Decision.CONDITIONS),
    ],
)
def test_a_change_of_dose_sooner_than_the_criterion_asks_misses_its_terms(
    reasoner: EligibilityReasoner, question: str, decision: Decision
) -> None:
    assert_decides(reasoner, question, STABLE_AZT, decision)


STABLE_ANY_MEDICATION = [
    criterion(
        ELIGIBILITY,
        6,
        "All patients will also be on stable doses of concomitant medications for at least 2 weeks prior to the "
        "onset of the study.",
    )
]


@pytest.mark.parametrize(
    ("question", "decision"),
    [
        # a rule for every medication: a dose change of one the record never names counts against it
        ("The neurologist changed his Keppra dose 5 days ago. Can he start?", Decision.EXCLUDED),
        ("My doctor lowered the dose of my blood pressure pills 6 days ago. Can I join?", Decision.EXCLUDED),
        # changed long enough ago, or something changed that is no dose: this rule decides nothing
        ("The neurologist changed his Keppra dose 2 months ago. Can he start?", None),
        ("I changed jobs 5 days ago. Can I join?", None),
    ],
)
def test_a_dose_change_sooner_than_a_rule_for_all_medications_asks_excludes(
    reasoner: EligibilityReasoner, question: str, decision: Decision | None
) -> None:
    assessment = reasoner.assess(question, STABLE_ANY_MEDICATION, {})
    excluded = [f for f in assessment.findings if f.decision is Decision.EXCLUDED]
    assert (Decision.EXCLUDED if excluded else None) is decision, [(f.fact, f.reason) for f in assessment.findings]


def test_a_stop_asked_about_is_not_a_stop_told(reasoner: EligibilityReasoner) -> None:
    levodopa = [criterion(EXCLUSION, 3, "Treatment with levodopa or dopamine agonists")]
    told = reasoner.assess("I was on levodopa but came off it last year. Can I join?", levodopa, {})
    assert told.decision is Decision.UNDECIDED  # the criterion does not say whether past use counts
    asked = reasoner.assess("I take levodopa every day. Do I have to come off it to join?", levodopa, {})
    assert asked.decision is Decision.EXCLUDED, [(f.fact, f.reason) for f in asked.findings]
    # a stop supposed is the case to read, as a stop told is
    supposed = reasoner.assess("What if I had stopped the levodopa last year? Could I join then?", levodopa, {})
    assert supposed.decision is Decision.UNDECIDED


def test_an_or_naming_one_lab_two_ways_offers_no_other_way_in(reasoner: EligibilityReasoner) -> None:
    labs = [
        criterion(
            INCLUSION,
            6,
            "Patients must have: serum creatinine <1.8 mg/dl, aspartate aminotransferase (AST or SGOT) and alanine "
            "aminotransferase (ALT or SGPT) < 3 times normal, total bilirubin < 1.5mg/dl",
        )
    ]
    assert_decides(reasoner, "Latest labs: creatinine 1.9, bili 0.8. Eligible?", labs, Decision.EXCLUDED)
    # a bracket with a bound of its own may be the other way in
    either = [criterion(INCLUSION, 6, "Serum creatinine <= 1.5 mg/dl (or creatinine clearance > 60 ml/min)")]
    assert_decides(reasoner, "My creatinine is 1.9. Eligible?", either, Decision.UNDECIDED)


def test_a_bound_set_for_one_group_only_decides_only_for_that_group(reasoner: EligibilityReasoner) -> None:
    load = [
        criterion(
            INCLUSION,
            3,
            "Have a plasma viral load of at least 5,000 copies/ml (for chronically infected patients only).",
        )
    ]
    assert_decides(reasoner, "Acutely infected, viral load 2,100 copies/ml. Eligible?", load, Decision.UNDECIDED)
    assert_decides(reasoner, "Chronically infected, viral load 2,100 copies/ml. Eligible?", load, Decision.EXCLUDED)


def test_a_label_the_record_leaves_not_specified_decides_nothing(reasoner: EligibilityReasoner) -> None:
    receptors = [criterion(ELIGIBILITY, 6, "Hormone receptor status: Not specified")]
    assessment = reasoner.assess(
        "Mine is triple negative, no hormone receptors at all. Does that matter?", receptors, {}
    )
    assert assessment.findings == [] and assessment.decision is None


def test_a_floor_a_transfusion_may_reach_admits_on_those_terms(reasoner: EligibilityReasoner) -> None:
    hemoglobin = [criterion(ELIGIBILITY, 7, "Hemoglobin at least 10 g/dL (transfusion allowed)")]
    assert_decides(reasoner, "My hemoglobin is 9.2. Does that keep me out?", hemoglobin, Decision.CONDITIONS)
    without = [criterion(ELIGIBILITY, 7, "Platelet count at least 90,000/uL without transfusion")]
    assert_decides(reasoner, "My platelets are 80,000. Does that keep me out?", without, Decision.EXCLUDED)


def test_an_acronym_the_question_shares_with_a_value_exception_speaks_to_it(reasoner: EligibilityReasoner) -> None:
    liver = [
        criterion(
            ELIGIBILITY,
            9,
            "Patients must have an SGOT/SGPT/GGT less than 2.5 times normal unless considered to be attributable to "
            "underlying HIV disease.",
        )
    ]
    assert_decides(reasoner, "SGPT 3x ULN, hepatology puts it down to HIV. Excluded?", liver, Decision.CONDITIONS)
    assert_decides(reasoner, "SGPT 3x ULN from a fatty liver. Excluded?", liver, Decision.EXCLUDED)


TAMOXIFEN_ON_TERMS = [
    criterion(
        ELIGIBILITY,
        23,
        "Concurrent tamoxifen allowed only if begun at least 4 months prior to study",
        heading="PRIOR CONCURRENT THERAPY:",
    )
]


@pytest.mark.parametrize(
    ("question", "decision"),
    [
        # an allowance whose only condition is a time since the mention: the time told decides it either way
        ("I started tamoxifen 6 months ago. Can I join?", Decision.CONDITIONS),
        ("I started tamoxifen 2 months ago. Can I stay on it?", Decision.EXCLUDED),
        ("I take tamoxifen. Can I join?", Decision.UNDECIDED),
    ],
)
def test_an_allowance_only_on_a_time_since_is_decided_by_the_time_told(
    reasoner: EligibilityReasoner, question: str, decision: Decision
) -> None:
    assert_decides(reasoner, question, TAMOXIFEN_ON_TERMS, decision)


GI_ORIGIN = [
    criterion(
        INCLUSION,
        1,
        "The patient must have histologically proven peritoneal carcinomatosis from the following histologies: primary "
        "peritoneal mesothelioma; adenocarcinoma of gastrointestinal tract origin (other than low grade mucinous, "
        "excluding pancreatic cancer).",
    )
]


def test_a_kind_a_requirement_leaves_out_does_not_meet_it(
    reasoner: EligibilityReasoner, cautious: EligibilityReasoner
) -> None:
    # the carve-out had been read as an allowance ("allowed with conditions") for the very case it leaves out
    told = "My husband's pancreatic cancer has spread to the lining of his belly. Is this an option for him?"
    assert_decides(reasoner, told, GI_ORIGIN, Decision.EXCLUDED)
    assert_decides(cautious, told, GI_ORIGIN, Decision.UNDECIDED)  # a named case: quoted, as the policy says
    tumours = [criterion(INCLUSION, 3, "Any solid tumor other than brain tumors.")]
    assert_decides(reasoner, "I have a brain tumor. Can I join?", tumours, Decision.EXCLUDED)
    # an exception exempting people from a requirement still lets them in on its terms
    exempt = [
        criterion(INCLUSION, 2, "Measurable disease, except patients with bone-only disease who are eligible if lytic.")
    ]
    assert_decides(reasoner, "I have bone-only disease. Can I join?", exempt, Decision.CONDITIONS)


def test_an_alternative_after_a_semicolon_and_or_is_still_an_alternative(reasoner: EligibilityReasoner) -> None:
    # "...; or Kattan nomogram less than 15 %": a PSA of 28 misses one way in, not the other (it had been excluded)
    psa = [
        criterion(
            INCLUSION,
            6,
            "Pre-randomization serum PSA lower than 25 (obtained prior to any LHRH or antiandrogen\n     therapy); or "
            "Kattan nomogram less than 15 %.",
        )
    ]
    assert_decides(reasoner, "My PSA was 28. Does my PSA qualify?", psa, Decision.UNDECIDED)
    # a semicolon alone parts two requirements: each must be met
    both = [criterion(INCLUSION, 6, "PSA lower than 25; Karnofsky at least 70")]
    assert_decides(reasoner, "My PSA was 28. Does my PSA qualify?", both, Decision.EXCLUDED)


def test_a_value_caught_by_a_limit_set_in_the_absence_of_what_the_question_tells(reasoner: EligibilityReasoner) -> None:
    # "(in the absence of gastrointestinal bleeding ...)": a low hematocrit after a bleeding ulcer is the case the limit
    # leaves out (it had been excluded once "fell" stopped hiding the value's name)
    anemia = [
        criterion(
            EXCLUSION,
            6,
            "Anemia: hematocrit less than 20% (in the absence of gastrointestinal bleeding or hemolytic anemia).",
        )
    ]
    told = "Candidate's hematocrit fell to 18% after a bleeding gastric ulcer. Does the hematocrit limit exclude him?"
    assert_decides(reasoner, told, anemia, Decision.CONDITIONS)
    assert_decides(reasoner, "His hematocrit is 18%. Does the limit exclude him?", anemia, Decision.EXCLUDED)


def test_a_limit_given_as_an_example_is_no_requirement(reasoner: EligibilityReasoner) -> None:
    # "(e.g. age > 55 years for HLA-matched sibling transplants ...)" illustrates who is "not eligible for standard
    # conditioning due to age"; it had excluded a 53-year-old
    example = [
        criterion(
            INCLUSION,
            2,
            "Patients with AML not eligible for standard myeloablative conditioning due to age or concurrent medical "
            "condition (e.g. age > 55 years for HLA-matched sibling transplants).",
        )
    ]
    assert_decides(reasoner, "I'm 53. Would I qualify?", example, Decision.UNDECIDED)
    assert_decides(
        reasoner, "I'm 53. Would I qualify?", [criterion(INCLUSION, 2, "Age > 55 years.")], Decision.EXCLUDED
    )
    labs = [criterion(INCLUSION, 3, "Adequate organ function (for example creatinine < 1.5 mg/dL).")]
    assert_decides(reasoner, "My creatinine is 2.1 mg/dL. Do I qualify?", labs, Decision.UNDECIDED)
    # an example of something else in the same sentence leaves the bound a requirement
    lesion = [
        criterion(
            INCLUSION,
            3,
            "At least one tumor lesion has not been subjected to local treatment such as irradiation in the past, and "
            "can be accurately measured, the longest diameter is ≥10 mm.",
        )
    ]
    assert_decides(
        reasoner, "His only measurable lesion is 0.8 cm in longest diameter. Eligible?", lesion, Decision.EXCLUDED
    )


def test_a_disease_named_before_therapy_is_the_treatment_not_the_disease(reasoner: EligibilityReasoner) -> None:
    # "must not have had leukemia therapy" had read as requiring the absence of leukemia, in a leukemia trial
    criteria = [criterion(INCLUSION, 3, "Patients must not have had leukemia therapy for 14 days prior to starting.")]
    assessment = reasoner.assess("My mom has relapsed acute lymphoblastic leukemia. Could she join?", criteria, {})
    assert all(f.decision is not Decision.EXCLUDED for f in assessment.findings), assessment.findings


def test_an_exclusion_restating_an_inclusion_limit_contradicts_the_record(reasoner: EligibilityReasoner) -> None:
    # "Weight greater than 18 kg." listed under Exclusion beside "Weight greater than or equal to 18 kg." under
    # Inclusion: the record wrote the requirement twice; it had excluded every donor over 18 kg
    criteria = [
        criterion(INCLUSION, 9, "Weight greater than or equal to 18 kg."),
        criterion(EXCLUSION, 18, "Weight greater than 18 kg."),
    ]
    assessment = reasoner.assess("He weighs 80 kg. Can he donate?", criteria, {})
    assert assessment.decision is not Decision.EXCLUDED, [(f.fact, f.decision, f.reason) for f in assessment.findings]
    honest = [
        criterion(INCLUSION, 9, "Weight greater than or equal to 18 kg."),
        criterion(EXCLUSION, 18, "Weight over 120 kg."),
    ]
    assert reasoner.assess("He weighs 130 kg. Can he donate?", honest, {}).decision is Decision.EXCLUDED


def test_an_exclusions_two_limits_on_one_side_are_for_different_cases(reasoner: EligibilityReasoner) -> None:
    text = "Small lesions (longest diameter < 20 mm with conventional techniques or < 10 mm with spiral CT scan)"
    criteria = [criterion(EXCLUSION, 11, text)]
    assert reasoner.assess("My largest tumor is 15 mm. Can I join?", criteria, {}).decision is not Decision.EXCLUDED
    assert reasoner.assess("My largest tumor is 8 mm. Can I join?", criteria, {}).decision is Decision.EXCLUDED
    either = [criterion(EXCLUSION, 4, "BMI < 18 or > 40 kg/m2")]
    assert reasoner.assess("My BMI is 45. Can I join?", either, {}).decision is Decision.EXCLUDED


def test_limits_labelled_by_age_group_follow_the_askers_age(reasoner: EligibilityReasoner) -> None:
    # "(adults)" and "(teenagers)": the teenager's limit for a 17-year-old; had read as two cases left open
    criteria = [
        criterion(
            EXCLUSION, 1, "Creatinine greater than 1.2 mg/dL (adults) Creatinine greater than 0.9 mg/dL (teenagers)"
        )
    ]
    assert reasoner.assess("I'm 17 and my creatinine is 1.0 mg/dL.", criteria, {}).decision is Decision.EXCLUDED
    assert reasoner.assess("I'm 40 and my creatinine is 1.0 mg/dL.", criteria, {}).decision is not Decision.EXCLUDED


_CD4_BY_AGE = (
    "Have a CD4 cell count of at least 750 (under 12 months of age), at least 500 (1 to 5 years of age), or at least "
    "200 (6 years of age or older) cells/mm3 within the past 4 months."
)


@pytest.mark.parametrize(
    ("question", "decision"),
    [
        ("My son is 8 and his CD4 is 300. Can he join?", Decision.ALLOWED),
        ("My son is 3 and his CD4 is 300. Can he join?", Decision.EXCLUDED),
        ("My son is 3 and his CD4 is 600. Can he join?", Decision.ALLOWED),
        # no age told, and the count meets the older children's limit only: the age decides
        ("My son's CD4 is 300. Can he join?", Decision.UNDECIDED),
    ],
)
def test_limits_labelled_by_an_age_bracket_follow_the_askers_age(
    reasoner: EligibilityReasoner, question: str, decision: Decision
) -> None:
    # the brackets had been read as age limits of the criterion (and "at least 200" as 200 years)
    assessment = reasoner.assess(question, [criterion(INCLUSION, 4, _CD4_BY_AGE)], {})
    assert assessment.decision is decision, [(f.fact, f.decision, f.reason) for f in assessment.findings]


def test_an_age_bracket_labelling_a_limit_is_no_age_limit(reasoner: EligibilityReasoner) -> None:
    # "(for patients older than 10 years)" says whose Karnofsky limit it is: an 8-year-old is not kept out by it
    text = (
        "Performance status: Karnofsky 50-100% (for patients older than 10 years) Lansky 50-100% (for patients 10 "
        "years and younger)"
    )
    assessment = reasoner.assess("My daughter is 8. Can she join?", [criterion(INCLUSION, 4, text)], {})
    assert assessment.decision is not Decision.EXCLUDED, [(f.fact, f.decision, f.reason) for f in assessment.findings]
    assert reasoner.assess("She is 8 and her Lansky is 40.", [criterion(INCLUSION, 4, text)], {}).decision is (
        Decision.EXCLUDED
    )


def test_a_bound_missed_with_an_alternative_in_words_after_it_is_no_verdict(reasoner: EligibilityReasoner) -> None:
    # "... at least 70 ... or the ability to read at a 6th grade level": the IQ missed is one way missed; it had
    # excluded (only an alternative with a number of its own had counted)
    text = "Have an estimated IQ of at least 70 (before the onset of ADC) or the ability to read at a 6th grade level."
    criteria = [criterion(INCLUSION, 3, text)]
    assert reasoner.assess("My IQ is 65. Do I qualify?", criteria, {}).decision is Decision.UNDECIDED
    assert reasoner.assess("My IQ is 75. Do I qualify?", criteria, {}).decision is Decision.ALLOWED
    # "or more" closes the bound; it opens no alternative
    closed = [criterion(INCLUSION, 3, "Hemoglobin 9 g/dL or more")]
    assert reasoner.assess("My hemoglobin is 8 g/dL", closed, {}).decision is Decision.EXCLUDED
    # an alternative the question denies leaves the missed bound to decide
    gvhd = [criterion(INCLUSION, 2, "Patients should have acute GVHD overall > grade 2 or chronic GVHD.")]
    assert reasoner.assess("He has grade 1 acute GVHD. Would he qualify?", gvhd, {}).decision is Decision.UNDECIDED
    denied = "He has grade 1 acute GVHD, nothing chronic. Would he qualify?"
    assert reasoner.assess(denied, gvhd, {}).decision is Decision.EXCLUDED


def test_not_having_one_of_the_kinds_an_inclusion_lists_leaves_the_others(reasoner: EligibilityReasoner) -> None:
    text = (
        "Patients will include those with chronic angina pectoris, uncomplicated MI, cooled down ACS, and "
        'asymptomatic (or "silent") myocardial ischemia.'
    )
    assessment = reasoner.assess("I never get chest pain. Can I join?", [criterion(INCLUSION, 1, text)], {})
    assert assessment.decision is Decision.UNDECIDED, [(f.fact, f.decision, f.reason) for f in assessment.findings]
    single = [criterion(INCLUSION, 1, "Patients with chronic angina pectoris.")]
    assert reasoner.assess("I never get chest pain. Can I join?", single, {}).decision is Decision.EXCLUDED
    examples = [criterion(INCLUSION, 1, "Coronary disease, e.g. chronic angina pectoris, prior MI or silent ischemia.")]
    assert reasoner.assess("I never get chest pain. Can I join?", examples, {}).decision is Decision.UNDECIDED


def test_a_cause_an_exclusion_rules_out_does_not_catch_one_who_has_it(reasoner: EligibilityReasoner) -> None:
    # "a neurologic disease unrelated to HIV infection" had excluded an HIV-positive man with AIDS dementia
    criteria = [criterion(EXCLUSION, 1, "Have a history of a neurologic disease unrelated to HIV infection.")]
    question = "52M, HIV+, AIDS dementia dx by neurology. Does he fit?"
    assessment = reasoner.assess(question, criteria, {})
    assert assessment.decision is not Decision.EXCLUDED, [(f.fact, f.decision) for f in assessment.findings]
    related = [criterion(EXCLUSION, 1, "Have a history of a neurologic disease related to HIV infection.")]
    assert reasoner.assess("I have a neurologic disease from my HIV.", related, {}).decision is not Decision.ALLOWED


def test_a_kind_of_the_governing_word_names_it(reasoner: EligibilityReasoner) -> None:
    # "anaphylaxis to alprazolam" is an allergy to it (MeSH: Anaphylaxis under Hypersensitivity); it had been read
    # as taking it, which "allergic to benzodiazepines" is not about
    criteria = [criterion(EXCLUSION, 3, "You are allergic to benzodiazepines (a tranquilizer).")]
    told = reasoner.assess("Documented anaphylaxis to alprazolam. Eligible?", criteria, {}).findings
    (drug,) = [f for f in told if f.fact == "alprazolam"]
    assert "is about allergic" not in drug.reason, drug.reason
    taking = reasoner.assess("I take alprazolam for sleep. Eligible?", criteria, {}).findings
    (taken,) = [f for f in taking if f.fact == "alprazolam"]
    assert "is about allergic" in taken.reason, taken.reason


def test_treatment_naive_is_never_given_it(reasoner: EligibilityReasoner) -> None:
    criteria = [criterion(EXCLUSION, 1, "Prior atovaquone therapy.")]
    question = "Pt failed TMP-SMX, atovaquone-naive, consenting. OK?"
    (finding,) = [f for f in reasoner.assess(question, criteria, {}).findings if f.fact == "atovaquone"]
    assert finding.decision is Decision.ALLOWED, finding.reason
    assert reasoner.assess("He took atovaquone last year.", criteria, {}).decision is Decision.EXCLUDED


def test_an_if_clause_after_what_an_exclusion_names_is_its_condition(reasoner: EligibilityReasoner) -> None:
    # "Ganciclovir, if it causes intolerance to AZT >= 500 mg/day" excludes ganciclovir in that case; it had excluded
    # everyone taking AZT 600 mg a day
    criteria = [
        criterion(EXCLUSION, 9, "Ganciclovir, if it causes intolerance to AZT equal to or more than 500 mg/day.")
    ]
    assessment = reasoner.assess("I'm on AZT 600 mg a day. Can I join?", criteria, {})
    assert assessment.decision is not Decision.EXCLUDED, [(f.fact, f.decision, f.reason) for f in assessment.findings]
    plain = [criterion(EXCLUSION, 9, "Patients are ineligible if bilirubin > 2 mg/dL.")]
    assert reasoner.assess("My bilirubin is 3 mg/dL. Can I join?", plain, {}).decision is Decision.EXCLUDED


def test_a_clause_read_in_part_is_not_read_whole(reasoner: EligibilityReasoner) -> None:
    # "My wrist broke in a fall two months ago": reading the time did not read the fracture; the clause had counted
    # as read because something in it was, and the named requirement alone gave "allowed"
    criteria = [criterion(INCLUSION, 2, "osteoporosis;")]
    told = reasoner.assess("My wrist broke in a fall two months ago. I do have osteoporosis. Can I join?", criteria, {})
    assert told.decision is not Decision.ALLOWED, [(f.fact, f.decision) for f in told.findings]
    assert reasoner.assess("I do have osteoporosis. Can I join?", criteria, {}).decision is Decision.ALLOWED


def test_a_severity_in_an_example_list_does_not_bound_the_criterion(reasoner: EligibilityReasoner) -> None:
    # "(e.g., amputation of limbs, blindness, severe arthritis)" illustrates "disabilities that would prevent
    # strength testing": mild arthritis had read as the opposite of the criterion, so "allowed"
    text = "Disabilities that would prevent strength testing (e.g., amputation of limbs, blindness, severe arthritis)"
    mild = reasoner.assess("I have mild arthritis in my knees. Can I join?", [criterion(EXCLUSION, 16, text)], {})
    assert mild.decision is not Decision.ALLOWED, [(f.fact, f.decision, f.reason) for f in mild.findings]
    plain = [criterion(EXCLUSION, 16, "Severe arthritis")]
    assert reasoner.assess("I have mild arthritis in my knees. Can I join?", plain, {}).decision is Decision.ALLOWED


# ---- how long something has lasted, against a duration the criterion sets -------------------------------------------
@pytest.mark.parametrize(
    ("question", "section", "text", "decision"),
    [
        # a requirement of a time on treatment: shorter is unmet, long enough meets it on the criterion's terms
        ("I've been on AZT for four months.", INCLUSION, "Prior zidovudine therapy for at least 6 months.", "excluded"),
        (
            "I've been on AZT for two years.",
            INCLUSION,
            "Prior zidovudine therapy for at least 6 months.",
            "allowed_with_conditions",
        ),
        ("I've had psoriasis for 3 months.", INCLUSION, "Chronic plaque psoriasis for at least 6 months", "excluded"),
        # unmet when another number of the clause is not told either: any unmet requirement excludes
        (
            "I've been on AZT for four months.",
            INCLUSION,
            "Prior zidovudine therapy for at least 6 months and currently tolerating at least 500 mg daily.",
            "excluded",
        ),
        (
            "I've been on AZT for two years.",
            INCLUSION,
            "Prior zidovudine therapy for at least 6 months and currently tolerating at least 500 mg daily.",
            "undecided",
        ),
        # an exclusion that counts use over a time: a shorter course is not what it excludes
        (
            "I took prednisone for 5 days.",
            EXCLUSION,
            "Use of systemic corticosteroids for more than 14 days.",
            "allowed",
        ),
        (
            "I took prednisone for 3 weeks.",
            EXCLUSION,
            "Use of systemic corticosteroids for more than 14 days.",
            "excluded",
        ),
        # no duration told: the number still decides, and the question does not give it
        ("I take prednisone.", EXCLUSION, "Use of systemic corticosteroids for more than 14 days.", "undecided"),
    ],
)
def test_how_long_it_lasted_is_read_against_the_criterions_duration(
    reasoner: EligibilityReasoner, question: str, section: str, text: str, decision: str
) -> None:
    found = reasoner.assess(question, [criterion(section, 1, text)], {})
    assert found.decision is Decision(decision), found


def test_a_prior_treatment_an_inclusion_requires_is_not_another_one(reasoner: EligibilityReasoner) -> None:
    # "Prior zidovudine therapy" in an inclusion criterion is the requirement itself: it was dropped as "another" AZT
    # by the rule for "other/prior malignancy" exclusions, which applies when an inclusion criterion names the topic
    # (here "Concurrent Medication: Allowed: AZT.")
    allowed = criterion(INCLUSION, 1, "AZT.", heading="Concurrent Medication: Allowed:")
    required = criterion(INCLUSION, 2, "Prior zidovudine therapy for at least 6 months.")
    found = reasoner.assess("I've been on AZT for four months. Can I join?", [allowed, required], {})
    assert found.decision is Decision.EXCLUDED, found
    assert any(f.chunk.criterion == "2" for f in found.findings), found


# ---- how long it has gone on, from when it began ------------------------------------------------------------------
LASTING = [criterion(INCLUSION, 1, "History of low back pain for greater than three months.")]


@pytest.mark.parametrize(
    ("question", "decision"),
    [
        # the time since it began is how long it has gone on
        ("My low back pain started about six weeks ago. Am I eligible?", Decision.EXCLUDED),
        ("My low back pain began a year ago. Am I eligible?", Decision.CONDITIONS),
        # a beginning and an end: the time since it began is not how long it lasted
        ("My low back pain started six weeks ago and went away after a few days. Am I eligible?", Decision.UNDECIDED),
        # no time said
        ("I have low back pain. Am I eligible?", Decision.UNDECIDED),
    ],
)
def test_the_time_since_an_onset_is_how_long_it_has_gone_on(
    cautious: EligibilityReasoner, question: str, decision: Decision
) -> None:
    assert_decides(cautious, question, LASTING, decision)


def test_a_requirement_not_lasted_long_enough_is_a_verdict_like_a_value(cautious: EligibilityReasoner) -> None:
    # The requirement names what was told; a named requirement is quoted without a verdict by default, but a duration
    # read against the requirement's is a number against a limit: whatever narrower case it means, not long enough.
    diagnosed = [criterion(INCLUSION, 1, "Type 2 diabetes mellitus diagnosed for more than six months.")]
    assessment = cautious.assess("I was diagnosed with type 2 diabetes four months ago. Can I join?", diagnosed, {})
    assert assessment.decision is Decision.EXCLUDED, assessment.findings
    assert assessment.decided_by() == ["time lasted/inclusion/named"]
    assert_decides(cautious, "I've had type 2 diabetes for two months. Can I join?", diagnosed, Decision.EXCLUDED)


def test_values_below_zero_and_weeks_of_pregnancy_are_compared(cautious: EligibilityReasoner) -> None:
    osteopenia = [criterion(EXCLUSION, 1, "Osteopenia of the spine (T-score of -1.0 or lower).")]
    assert_decides(cautious, "My DEXA T-score came back at -1.5. Can I join?", osteopenia, Decision.EXCLUDED)
    assert_decides(cautious, "My DEXA T-score came back at -0.5. Can I join?", osteopenia, Decision.ALLOWED)
    gestation = [criterion(INCLUSION, 1, "≥ 24 weeks gestational age (by last menstrual period or ultrasound)")]
    assert_decides(cautious, "I'm 20 weeks pregnant. Can I sign up?", gestation, Decision.EXCLUDED)
    assert_decides(cautious, "I'm 30 weeks pregnant. Can I sign up?", gestation, Decision.ALLOWED)
    # the asker's own age is no gestational age
    assert_decides(cautious, "I'm 30 years old. Can I sign up?", gestation, None)


def test_what_a_treatment_is_given_with_is_not_what_it_treats(cautious: EligibilityReasoner) -> None:
    # "Treatment of infection with antibiotics": read as a treatment OF antibiotics, the exclusion was "about treatment
    # of it" and decided nothing for an antibiotic told with a date outside its window
    antibiotics = [criterion(EXCLUSION, 1, "Treatment of infection with antibiotics within the past 7 days.")]
    question = "I finished a course of amoxicillin for a sinus infection 10 days ago. Does that matter?"
    assert_decides(cautious, question, antibiotics, Decision.ALLOWED)


INFANT = [criterion(INCLUSION, 1, "Patient is ≤ 365 days of age at the time of diagnosis.")]
INFANT_FIELDS = {"minimum_age": fact("minimum_age", "1 Year"), "maximum_age": fact("maximum_age", "21 Years")}


@pytest.mark.parametrize(
    ("question", "decision"),
    [
        # the age at diagnosis against the criterion's bound at diagnosis (read as the age now, 14 months had met it)
        ("Our daughter was 14 months old when they found the leukemia. Can she be enrolled?", Decision.EXCLUDED),
        # met at diagnosis; the age now, which the record's minimum of 1 year bounds, is not told
        ("Our son was diagnosed with ALL when he was 8 months old. Is he the right age?", Decision.UNDECIDED),
        # already past the record's maximum when diagnosed: the age now is past it too
        ("He was diagnosed at 30. Can he join?", Decision.EXCLUDED),
    ],
)
def test_an_age_at_diagnosis_is_read_against_bounds_at_diagnosis_not_the_age_now(
    cautious: EligibilityReasoner, question: str, decision: Decision
) -> None:
    assessment = cautious.assess(question, INFANT, INFANT_FIELDS)
    assert assessment.decision is decision, assessment.findings


def test_a_bound_at_onset_against_the_age_now_only_decides_what_the_age_now_settles(
    cautious: EligibilityReasoner,
) -> None:
    # the age now is no age at onset: at 72, "onset at <= 50" may or may not be met; at 40 it is
    onset = [criterion(INCLUSION, 1, "Onset of cluster headache at ≤50 years of age.")]
    old = cautious.assess("I'm 72. Would they accept someone my age?", onset, {})
    assert [(f.fact, f.decision) for f in old.findings] == [("age 72", Decision.UNDECIDED)]
    young = cautious.assess("I'm 40. Would they accept someone my age?", onset, {})
    assert [(f.fact, f.decision) for f in young.findings] == [("age 40", Decision.ALLOWED)]


PD_L1_LOW = [criterion(INCLUSION, 8, "The most recent tumor tissue sample demonstrated PD-L1 TPS <1%.")]


@pytest.mark.parametrize(
    ("question", "decision"),
    [
        # two values of one measure that the criterion decides differently: which counts is not the answer's to pick
        ("My PD-L1 was 60% at diagnosis, and my PD-L1 on the new biopsy is 0%. Which one counts?", Decision.UNDECIDED),
        # the second named by no measure, in the unit of the first, is another value of it (it had been unread, and
        # the 60% alone excluded)
        ("My PD-L1 was 60% when I was diagnosed, but the new biopsy shows 0%. Which one counts?", Decision.UNDECIDED),
        ("My PD-L1 was 60% and is 70% now. Can I join?", Decision.EXCLUDED),  # both decide alike
        ("My PD-L1 is 0%. Can I join?", Decision.ALLOWED),
    ],
)
def test_two_values_of_one_measure_at_odds_decide_nothing(
    cautious: EligibilityReasoner, question: str, decision: Decision
) -> None:
    assert_decides(cautious, question, PD_L1_LOW, decision)


CONTRAST = [
    criterion(
        EXCLUSION,
        4,
        "Contraindications to gadolinium-based contrast including: prior allergic reaction to a gadolinium-based "
        "contrast agent, moderate to end-stage kidney disease, and/or acute or chronic severe renal insufficiency "
        "(Glomerular filtration rate (GFR) <30ml/min/1.73 sq. meters)",
    )
]


@pytest.mark.parametrize(
    ("question", "decision"),
    [
        # the value is outside the limit, and the telling names the criterion's other way ("kidney disease") whose
        # degree the value does not settle (it had been allowed)
        (
            "My kidney function is reduced — my eGFR is around 35. Would I be able to have the MRI contrast?",
            Decision.UNDECIDED,
        ),
        # the value alone, or told with a normal state, settles the exclusion
        ("My eGFR is around 35. Would I be able to have the MRI contrast?", Decision.ALLOWED),
        (
            "My kidney function is fine — my eGFR is around 75. Would I be able to have the MRI contrast?",
            Decision.ALLOWED,
        ),
        ("My eGFR is 20. Would I be able to have the MRI contrast?", Decision.EXCLUDED),
    ],
)
def test_a_value_outside_a_limit_leaves_the_criterions_other_way_told_of_open(
    cautious: EligibilityReasoner, question: str, decision: Decision
) -> None:
    assert_decides(cautious, question, CONTRAST, decision)


def test_words_told_beside_a_value_or_denied_do_not_open_the_other_way(cautious: EligibilityReasoner) -> None:
    renal = [criterion(EXCLUSION, 3, "Renal insufficiency (serum creatinine > 2.0 mg/dL) or kidney transplant")]
    assert_decides(cautious, "I have some renal insufficiency, creatinine 1.4. Can I join?", renal, Decision.ALLOWED)
    # words in the value's own clause say what it is of; what the asker lacks or tests negative for is no way in
    esrd = [
        criterion(
            EXCLUSION,
            7,
            "End-stage renal disease, defined as glomerular filtration rate (GFR) by the MDRD formula < 15 "
            "ml/min/1.73 m2, or on renal replacement therapy",
        )
    ]
    told = "My kidney doctor says my eGFR is about 22. I'm not on dialysis. Is my kidney function too poor for this?"
    assert_decides(cautious, told, esrd, Decision.ALLOWED)
    drivers = [
        criterion(
            EXCLUSION,
            2,
            "Confirmed positive for EGFR mutation, ALK or ROS1 rearrangement, or PD-L1 tumor proportion score TPS≥ 50%",
        )
    ]
    told = "My PD-L1 came back at 30% and I'm negative for EGFR, ALK and ROS1. Does the PD-L1 rule me out?"
    assert_decides(cautious, told, drivers, Decision.ALLOWED)


def test_a_bound_for_each_sex_decides_by_the_askers_sex(cautious: EligibilityReasoner) -> None:
    qtc = [criterion(EXCLUSION, 11, "QTc interval ≥ 450(male)/470(female) msec")]
    assert_decides(cautious, "I'm a woman and my QTc is 460 ms. Can I join?", qtc, Decision.ALLOWED)
    assert_decides(cautious, "I'm a man and my QTc is 460 ms. Can I join?", qtc, Decision.EXCLUDED)


# ---- an exclusion the time since the asker's event decides ---------------------------------------------------------
TIMED = [criterion(EXCLUSION, 1, "Chemotherapy within 4 weeks prior to the first dose of study drug.")]


def test_a_time_inside_the_window_is_a_verdict_like_a_value(cautious: EligibilityReasoner) -> None:
    # the one time the question gives, read against the window of the criterion naming the treatment: a value against
    # a limit, which the default policy states (a named exclusion without a time it quotes without a verdict)
    assessment = cautious.assess("I had chemotherapy 2 weeks ago. Can I join?", TIMED, {})
    assert assessment.decision is Decision.EXCLUDED, assessment.findings
    assert assessment.decided_by() == ["time window/exclusion/named"]
    assert_decides(cautious, "I had chemotherapy 6 weeks ago. Can I join?", TIMED, Decision.ALLOWED)
    assert_decides(cautious, "I had chemotherapy. Can I join?", TIMED, Decision.UNDECIDED)
    # a required washout not yet over, and a time outside a window an inclusion criterion requires
    washout = [criterion(EXCLUSION, 1, "Six weeks must elapse from last chemotherapy.")]
    assert_decides(cautious, "I had chemotherapy 2 weeks ago. Can I join?", washout, Decision.EXCLUDED)
    window = [criterion(INCLUSION, 1, "Completed radiotherapy within the past 8 weeks.")]
    assert_decides(cautious, "I finished radiotherapy 6 months ago. Can I join?", window, Decision.EXCLUDED)


@pytest.mark.parametrize(
    ("question", "criteria"),
    [
        # two times told: which one the criterion's window reads is not sure
        ("I had chemotherapy 2 weeks ago and surgery 3 months ago. Can I join?", TIMED),
        # an exception clause could carve the case out
        (
            "I had chemotherapy 2 weeks ago. Can I join?",
            [criterion(EXCLUSION, 1, "Chemotherapy within 4 weeks prior to the first dose, except hormonal therapy.")],
        ),
        # another criterion about the same treatment makes an exception the question may be
        (
            "I had chemotherapy 2 weeks ago. Can I join?",
            [
                criterion(EXCLUSION, 1, "Chemotherapy within 4 weeks prior to the first dose of study drug."),
                criterion(EXCLUSION, 2, "Concurrent chemotherapy, except low-dose weekly methotrexate."),
            ],
        ),
        # a heading's window, with the record permitting the same treatment on terms elsewhere
        (
            "He got IVIG ten days ago. Can he be enrolled?",
            [
                criterion(
                    INCLUSION, 1, "IVIG as prophylaxis for measles and varicella.", heading="Prior Medication: Allowed:"
                ),
                criterion(
                    EXCLUSION,
                    2,
                    "Intravenous gamma globulin (IVIG).",
                    heading="Prior Medication: Excluded for a minimum of 3 weeks prior to study entry:",
                ),
            ],
        ),
    ],
)
def test_a_time_is_no_verdict_when_more_than_the_window_could_decide(
    cautious: EligibilityReasoner, question: str, criteria: list[Chunk]
) -> None:
    assessment = cautious.assess(question, criteria, {})
    assert assessment.decision is not Decision.EXCLUDED, assessment.findings
    assert not any(f.path.startswith("time window") for f in assessment.findings), assessment.findings


def test_no_more_than_a_time_is_a_limit_not_a_prohibition(cautious: EligibilityReasoner) -> None:
    # "No more than 84 days since prior surgery" had been read as "No prior surgery": 10 weeks ago was excluded
    limit = [criterion(ELIGIBILITY, 1, "No more than 84 days since prior surgery for breast cancer (e.g., mastectomy)")]
    assessment = cautious.assess("My mastectomy was 10 weeks ago. Is it too late to join?", limit, {})
    assert assessment.decision is not Decision.EXCLUDED, assessment.findings
    assert_decides(cautious, "My mastectomy was 20 weeks ago. Is it too late to join?", limit, Decision.EXCLUDED)


@pytest.mark.parametrize(
    ("section", "text", "question", "decision"),
    [
        # the reason a criterion gives for itself names what it is not about
        (
            INCLUSION,
            "HIV negative; the patients are excluded because opportunistic infections would make toxicity hard to "
            "interpret; furthermore, indolent B-cell lymphomas and aggressive T-cell lymphomas are extremely rare "
            "in the setting of HIV infection",
            "My marginal zone lymphoma came back. Can I join?",
            None,
        ),
        # what the sentence excludes, before its reason, still decides; so does the clause after a leading "Because"
        (
            EXCLUSION,
            "Pregnant women are excluded because the drug may harm the fetus. Because of the risk to nursing infants, "
            "breastfeeding women are excluded too.",
            "I'm breastfeeding. Can I join?",
            Decision.EXCLUDED,
        ),
        (
            EXCLUSION,
            "Pregnant women are excluded because the drug may harm the fetus.",
            "I'm pregnant.",
            Decision.EXCLUDED,
        ),
        # a reason that opens its sentence ends with it, comma or not
        (
            EXCLUSION,
            "Because the drug is cleared by the kidney. Patients with active hepatitis B are excluded.",
            "I have active hepatitis B.",
            Decision.EXCLUDED,
        ),
        # "because of X": X is what it excludes on
        (
            EXCLUSION,
            "Patients are excluded because of active hepatitis B.",
            "I have active hepatitis B.",
            Decision.EXCLUDED,
        ),
    ],
)
def test_the_reason_a_criterion_gives_is_not_what_it_excludes(
    reasoner: EligibilityReasoner, section: str, text: str, question: str, decision: Decision | None
) -> None:
    assert_decides(reasoner, question, [criterion(section, 1, text)], decision)


def test_may_be_included_if_is_an_allowance_the_question_can_speak_to(reasoner: EligibilityReasoner) -> None:
    text = (
        "Neutrophils >= 1,500/uL; may be included if in the judgment of the investigator lower counts are explained "
        "by marrow involvement by the tumor"
    )
    counts = [criterion(INCLUSION, 1, text)]
    assert_decides(reasoner, "My neutrophils are 900 because the tumor is in my marrow.", counts, Decision.CONDITIONS)
    assert_decides(reasoner, "My neutrophils are 900.", counts, Decision.EXCLUDED)


def test_a_treatment_told_as_had_before_is_not_dated_to_now(reasoner: EligibilityReasoner) -> None:
    # "still" in the clause is of the tingling; "the vincristine I had before" is past use, at no time the question
    # gives, so a "within the past three weeks" window is not decided by it
    window = [criterion(INCLUSION, 1, "No anti-cancer treatment within the past three weeks")]
    question = "I still have tingling in my fingers from the vincristine I had before. Does that disqualify me?"
    assert_decides(reasoner, question, window, Decision.UNDECIDED)
    assert_decides(reasoner, "I'm still on vincristine. Does that disqualify me?", window, Decision.EXCLUDED)


WHOLE_BRAIN = criterion(EXCLUSION, 1, "No prior radiotherapy greater than 3,000 cGy to whole brain")
CHEST_WINDOW = criterion(
    INCLUSION, 2, "At least 6 months since prior involved-field radiotherapy greater than 1,500 cGy to chest or abdomen"
)


@pytest.mark.parametrize(
    ("question", "decision"),
    [
        ("I had 4,000 cGy to the whole brain. Can I join?", Decision.EXCLUDED),
        ("I had 2,000 cGy to the whole brain. Can I join?", Decision.ALLOWED),
        ("I had 4,000 cGy to the brain. Can I join?", Decision.EXCLUDED),
        ("I had 4,000 cGy. Can I join?", Decision.EXCLUDED),
        # a dose bound to one site says nothing of a dose to another
        ("I had 4,000 cGy to my chest. Can I join?", None),
    ],
)
def test_a_dose_bound_for_a_site_reads_only_doses_to_that_site(
    reasoner: EligibilityReasoner, question: str, decision: Decision | None
) -> None:
    assert_decides(reasoner, question, [WHOLE_BRAIN], decision)


@pytest.mark.parametrize(
    ("question", "decisions"),
    [
        ("I got 2,000 cGy to my chest about 4 months ago. Does that stop me?", {Decision.EXCLUDED}),
        ("I got 2,000 cGy to my chest about 8 months ago. Does that stop me?", {Decision.ALLOWED, Decision.CONDITIONS}),
        ("I got 2,000 cGy to my chest. Does that stop me?", {Decision.UNDECIDED}),
        # below the event's bound the window is not about this radiotherapy: nothing excludes
        ("I got 1,000 cGy to my chest 2 months ago. Does that stop me?", {None, Decision.UNDECIDED}),
    ],
)
def test_a_dose_bound_inside_a_window_says_which_event_the_window_dates(
    reasoner: EligibilityReasoner, question: str, decisions: set[Decision | None]
) -> None:
    assessment = reasoner.assess(question, [CHEST_WINDOW], {})
    assert assessment.decision in decisions, [
        (f.chunk.criterion, f.fact, f.decision, f.reason) for f in assessment.findings
    ]


WAIVED = [
    criterion(
        INCLUSION,
        5,
        "CD4 count < 150/mm3 (not required if patient has had cryptosporidiosis for a minimum of 4 weeks).",
    )
]


@pytest.mark.parametrize(
    ("question", "decision"),
    [
        ("My CD4 is 220. Can I be in the trial?", Decision.EXCLUDED),
        ("My CD4 is 220, but I've had cryptosporidium diarrhea for about six weeks. Can I join?", Decision.CONDITIONS),
        # the waiver's own duration is missed: the requirement stands
        ("My CD4 is 220, but I've had cryptosporidium diarrhea for about two weeks. Can I join?", Decision.EXCLUDED),
        ("My CD4 is 90. Can I be in the trial?", Decision.ALLOWED),
        # a follow-up's supposed time beside the one told first: they disagree, so no verdict
        (
            "My CD4 is 220, but I've had cryptosporidium diarrhea for six weeks. What if I'd had it for two weeks?",
            Decision.UNDECIDED,
        ),
    ],
)
def test_a_requirement_waived_in_a_case_admits_a_missed_value_on_its_terms(
    reasoner: EligibilityReasoner, question: str, decision: Decision
) -> None:
    assert_decides(reasoner, question, WAIVED, decision)


@pytest.mark.parametrize(
    ("organism", "infection", "same"),
    [
        ("cryptosporidium", "cryptosporidiosis", True),
        ("giardia", "giardiasis", True),
        ("aspergillus", "aspergillosis", True),
        ("trichomonas", "trichomoniasis", True),
        ("toxoplasma", "toxoplasmosis", True),
        ("candida", "tuberculosis", False),
        ("heart", "heartburn", False),
    ],
)
def test_an_infection_is_the_same_word_as_the_genus_it_is_named_after(
    organism: str, infection: str, same: bool
) -> None:
    assert same_word(organism, infection) is same
    assert same_word(infection, organism) is same


TRANSFUSABLE = [
    criterion(
        INCLUSION,
        8,
        "Hemoglobin > 8.0 g/dl based upon CBC/differential obtained within 2 weeks prior to registration on study "
        "(Note: The use of transfusion or other intervention to achieve Hgb > 8.0 g/dl is acceptable.)",
    )
]


@pytest.mark.parametrize(
    ("question", "decision"),
    [
        ("My hemoglobin is 9.2. Can I join?", Decision.ALLOWED),
        # the limit may be reached by the intervention the record names: not a plain miss
        ("My hemoglobin is 7.6. Can I join?", Decision.UNDECIDED),
        ("My hemoglobin is 7.6 but they can transfuse me first. Can I join?", Decision.CONDITIONS),
    ],
)
def test_a_limit_the_record_lets_an_intervention_reach_is_not_a_plain_miss(
    reasoner: EligibilityReasoner, question: str, decision: Decision
) -> None:
    assert_decides(reasoner, question, TRANSFUSABLE, decision)


@pytest.mark.parametrize(
    ("first", "second", "same"),
    [("transfuse", "transfusion", True), ("infected", "infection", True), ("region", "regional", False)],
)
def test_a_noun_in_ion_is_the_same_word_as_its_verb(first: str, second: str, same: bool) -> None:
    assert same_word(first, second) is same


def test_a_criterion_that_leaves_a_drug_out_does_not_outweigh_one_that_names_it(reasoner: EligibilityReasoner) -> None:
    # concurrent didanosine is excluded by name; the prior-medication criterion only does not catch it
    criteria = [
        criterion(EXCLUSION, 4, "Didanosine (ddI).", heading="Concurrent Medication: Excluded:"),
        criterion(
            EXCLUSION,
            20,
            "Antiretroviral agents other than zidovudine (AZT) or didanosine (ddI).",
            heading="Prior Medication: Excluded within 4 weeks of study entry:",
        ),
    ]
    assert_decides(reasoner, "I'm on didanosine right now. Can I enroll?", criteria, Decision.EXCLUDED)
    # an explicit allowance is still the more specific statement against a class
    allowed = [
        criterion(EXCLUSION, 1, "No concurrent immunosuppressive therapy"),
        criterion(EXCLUSION, 2, "Concurrent inhaled corticosteroids allowed"),
    ]
    assert_decides(reasoner, "I use an inhaled corticosteroid every day. Can I enroll?", allowed, Decision.CONDITIONS)


def test_a_value_the_criteria_allow_but_the_summary_describes_otherwise_is_not_decided(
    reasoner: EligibilityReasoner,
) -> None:
    text = "This study enrols postmenopausal women with early breast cancer, BMI >=24-<40 kg/m2, who are sedentary."
    summary = Chunk(
        chunk_id=f"{TRIAL}:Brief Summary:0",
        trial_id=TRIAL,
        section="Brief Summary",
        kind="text",
        text=text,
        start=0,
        end=len(text),
    )
    criteria = [criterion(INCLUSION, 3, "BMI ≥ 24 kg/m2.")]
    heavy = reasoner.assess("My BMI is 41. Am I too heavy?", criteria, {"brief_summary": summary})
    assert heavy.decision is Decision.UNDECIDED
    assert heavy.findings[0].chunk.section == "Brief Summary"
    assert (
        reasoner.assess("My BMI is 30. Can I join?", criteria, {"brief_summary": summary}).decision is Decision.ALLOWED
    )
    assert reasoner.assess("My BMI is 41. Am I too heavy?", criteria, {}).decision is Decision.ALLOWED


def test_a_named_exclusion_outweighs_a_carve_out_only_where_it_is_about_the_thing(
    reasoner: EligibilityReasoner,
) -> None:
    carve_out = criterion(
        EXCLUSION, 12, "Systemic corticosteroid use or immunosuppressants within 2 weeks. Exceptions: inhaled steroids."
    )
    # "steroid-requiring" qualifies the lung disease: that criterion is not about steroids
    modifier = criterion(EXCLUSION, 7, "History of steroid-requiring interstitial lung disease (ILD).")
    assert_decides(reasoner, "Are inhaled steroids allowed?", [modifier, carve_out], Decision.CONDITIONS)
    # one of the examples a criterion lists is what it excludes
    examples = criterion(
        EXCLUSION,
        3,
        "Current chronic use of medications known to inhibit cytochrome P450, including: rifampin, dexamethasone.",
    )
    immunomodulators = criterion(EXCLUSION, 1, "Immunomodulating agents, other than GCSF, corticosteroids, or IVIG")
    assert_decides(
        reasoner, "He takes dexamethasone daily. Can he join?", [immunomodulators, examples], Decision.EXCLUDED
    )


def test_a_window_in_the_middle_of_a_list_does_not_clear_an_item_before_it(reasoner: EligibilityReasoner) -> None:
    mid_list = criterion(
        EXCLUSION,
        10,
        "Peptic ulcer disease, active bleeding diathesis, platelet abnormality clinically active in the past year, "
        "hematuria, prolonged PT or PTT",
    )
    question = "I had a peptic ulcer about ten years ago. Is that a problem?"
    assert_decides(reasoner, question, [mid_list], Decision.UNDECIDED)
    # at the end of the list the window reads over every item
    end_of_list = criterion(
        EXCLUSION, 10, "Peptic ulcer disease, bleeding diathesis, or hematuria within the past year"
    )
    assert_decides(reasoner, question, [end_of_list], Decision.ALLOWED)


def test_an_exception_for_a_class_does_not_outweigh_an_exclusion_of_a_narrower_one(
    reasoner: EligibilityReasoner,
) -> None:
    criteria = [
        criterion(EXCLUSION, 4, "Concurrent medications for allergy, except antihistamines"),
        criterion(EXCLUSION, 18, "Histamine H2 antagonists."),
    ]
    assert_decides(reasoner, "She takes ranitidine every day for reflux. Is that allowed?", criteria, Decision.EXCLUDED)
    # the exception still wins over a broader exclusion
    broader = [
        criterion(EXCLUSION, 4, "Concurrent medications for allergy, except antihistamines"),
        criterion(EXCLUSION, 18, "Any investigational or approved drug"),
    ]
    assert_decides(reasoner, "She takes ranitidine every day. Is that allowed?", broader, Decision.CONDITIONS)


def test_a_modifier_told_of_another_condition_in_a_joined_clause_is_not_the_topics(
    reasoner: EligibilityReasoner,
) -> None:
    required = [criterion(INCLUSION, 1, "Patients must have a diagnosis of relapsed or refractory low-grade lymphoma")]
    question = "My follicular lymphoma came back, and I also have HIV that's well controlled on meds. Could I join?"
    assessment = reasoner.assess(question, required, {})
    assert all(f.reason != "the criterion requires the opposite" for f in assessment.findings), assessment.findings


# A criterion that sets its limits per age group under lines naming the group (NCI-style, as printed in the record).
_BY_AGE_GROUP = "Cardiovascular:\n\n  -  Age 65-70 years:\n\n  -  LVEF at least 45%"
_TWO_AGE_GROUPS = (
    "Performance status:\n  -  Age 65-70 years:\n  -  Karnofsky 80-100%\n  -  Under 65 years:\n  -  Karnofsky 90-100%"
)


@pytest.mark.parametrize(
    ("question", "text", "expected"),
    [
        # the limit is the 65-70 group's: a 50-year-old is not held to it, a 67-year-old is
        ("I'm 50 and my ejection fraction is 40%. Can I join?", _BY_AGE_GROUP, None),
        ("I'm 67 and my ejection fraction is 40%. Can I join?", _BY_AGE_GROUP, Decision.EXCLUDED),
        # no age told: which group's limit holds is open
        ("My ejection fraction is 40%. Can I join?", _BY_AGE_GROUP, Decision.UNDECIDED),
        # each group's own limit: 85 meets the 65-70 group's 80-100, not the under-65 group's 90-100
        ("I'm 66 and my Karnofsky is 85. Can I join?", _TWO_AGE_GROUPS, Decision.ALLOWED),
        ("I'm 50 and my Karnofsky is 85. Can I join?", _TWO_AGE_GROUPS, Decision.EXCLUDED),
        # the line naming the group is no age limit of its own
        ("I'm 50. Can I join?", _TWO_AGE_GROUPS, None),
    ],
)
def test_limits_under_an_age_group_line_are_that_groups(
    reasoner: EligibilityReasoner, question: str, text: str, expected: Decision | None
) -> None:
    assessment = reasoner.assess(question, [criterion(INCLUSION, 6, text)], {})
    assert assessment.decision is expected, [(f.fact, f.decision, f.reason) for f in assessment.findings]


def test_a_birthday_dates_the_age_not_a_condition(reasoner: EligibilityReasoner) -> None:
    # "turned 18 three weeks ago" is the question's only date; it had been read as the asthma's (3 weeks, short of
    # the 6 months of asthma the inclusion requires): excluded.
    asthma = criterion(
        INCLUSION,
        2,
        "Aged 6 to 18 with a clinical diagnosis of bronchial asthma with a duration of at least 6 months before the "
        "first visit and with current history of moderate persistent asthma",
    )
    question = "My son turned 18 three weeks ago. He has had moderate persistent asthma for years. Is he too old now?"
    assessment = reasoner.assess(question, [asthma], {})
    assert assessment.decision is not Decision.EXCLUDED, [(f.fact, f.decision, f.reason) for f in assessment.findings]
    dated = "My son was diagnosed with asthma three weeks ago. Can he join?"
    assert_decides(reasoner, dated, [asthma], Decision.EXCLUDED)  # a date of the asthma itself still decides


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # a person's case, named only as the object of the verdict asked: the named match is quoted, no verdict
        (
            "DEXA shows osteopenia, T-score around -1.8. Does that exclude him from the fusion study?",
            Decision.UNDECIDED,
        ),
        ("Would osteopenia rule me out?", Decision.UNDECIDED),
        # a question about what the record says, of no one: the criterion naming it answers
        ("Is osteopenia exclusionary?", Decision.EXCLUDED),
    ],
)
def test_a_named_match_for_a_person_named_as_the_verdicts_object_is_quoted_without_one(
    cautious: EligibilityReasoner, question: str, expected: Decision
) -> None:
    osteopenia = criterion(
        EXCLUSION,
        3,
        "Previously diagnosed with osteopenia, osteoporosis, or osteomalacia to a degree that spinal instrumentation "
        "would be contraindicated",
    )
    assert_decides(cautious, question, [osteopenia], expected)


# ---- twenty-eighth session -----------------------------------------------------------------------------------------
TRASTUZUMAB_ALLOWED_AFTER_6_MONTHS = (
    "Prior anti-ErbB1 and/or ErbB2 inhibitor therapy for breast cancer; neoadjuvant or\n"
    "     adjuvant treatment with trastuzumab will be allowed provided the last dose was > 6\n"
    "     months prior to enrollment in study"
)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # the exception's own time is not met: the case it carves out is not the asker's
        ("I had Herceptin after surgery and my last dose was 4 months ago. Does that rule me out?", Decision.EXCLUDED),
        # met: the exception, with its terms
        (
            "I had Herceptin after surgery and my last dose was 10 months ago. Does that rule me out?",
            Decision.CONDITIONS,
        ),
        # no time told: what decides it is quoted
        ("I had Herceptin after surgery. Does that rule me out?", Decision.UNDECIDED),
    ],
)
def test_an_exception_that_sets_a_time_reaches_only_cases_that_meet_it(
    reasoner: EligibilityReasoner, question: str, expected: Decision
) -> None:
    assert_decides(reasoner, question, [criterion(EXCLUSION, 2, TRASTUZUMAB_ALLOWED_AFTER_6_MONTHS)], expected)


def test_an_exception_whose_time_is_unmet_is_quoted_as_a_named_match_by_default(cautious: EligibilityReasoner) -> None:
    question = "I had Herceptin after surgery and my last dose was 4 months ago. Does that rule me out?"
    assessment = cautious.assess(question, [criterion(EXCLUSION, 2, TRASTUZUMAB_ALLOWED_AFTER_6_MONTHS)], {})
    assert assessment.decision is Decision.UNDECIDED
    [finding] = assessment.findings
    assert finding.withheld and "exception needs a time" in finding.reason


def test_a_time_the_exception_sets_for_another_case_it_lists_does_not_bound_this_one(
    cautious: EligibilityReasoner,
) -> None:
    other_cancer = criterion(
        EXCLUSION,
        16,
        "Previous or concurrent cancer that is distinct in primary site or histology from breast cancer EXCEPT\n"
        "     cervical cancer in-situ, treated basal cell carcinoma, superficial bladder tumors [Ta and Tis] or any\n"
        "     cancer curatively treated > 5 years prior to randomization.",
    )
    question = "Two years ago I had a superficial Ta bladder tumor scraped out. Does that rule me out?"
    assessment = cautious.assess(question, [other_cancer], {})
    assert assessment.decision is not Decision.EXCLUDED, [(f.fact, f.reason) for f in assessment.findings]


def test_a_case_excluded_only_without_someones_approval_is_let_in_on_that_approval(
    cautious: EligibilityReasoner,
) -> None:
    pain_relief = criterion(
        EXCLUSION,
        4,
        "Aspirin or acetaminophen on a regular basis or for longer than 72 hours without approval of investigator.",
    )
    question = "My dentist wants me on Tylenol around the clock for about a week after an extraction. Is that ok?"
    assert_decides(cautious, question, [pain_relief], Decision.CONDITIONS)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # the count misses, but the percent is another way to qualify, which the question does not give
        ("My CD4 is 200. Do I qualify?", Decision.UNDECIDED),
        ("My CD4 is 100. Do I qualify?", Decision.ALLOWED),
    ],
)
def test_the_same_measure_bounded_in_another_unit_after_or_is_another_way_to_qualify(
    cautious: EligibilityReasoner, question: str, expected: Decision
) -> None:
    cd4 = criterion(INCLUSION, 6, "CD4 count < 150 cells/mm3 or < 15 percent AND/OR quiescent CMV disease.")
    assert_decides(cautious, question, [cd4], expected)


def test_a_two_sided_bound_is_no_other_way_to_qualify(cautious: EligibilityReasoner) -> None:
    wbc = criterion(INCLUSION, 1, "white blood cell count > 12 or < 5 x 10^9 cells/L,")
    assert_decides(cautious, "His WBC is 11. Does he qualify?", [wbc], Decision.EXCLUDED)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("My total Adriamycin dose was 240 mg/m2. Does that rule me out?", Decision.ALLOWED),
        ("My total Adriamycin dose was 500 mg/m2. Does that rule me out?", Decision.EXCLUDED),
    ],
)
def test_a_bound_in_the_unless_of_a_sentence_that_lets_a_case_in_keeps_out(
    cautious: EligibilityReasoner, question: str, expected: Decision
) -> None:
    prior_cancer = criterion(
        INCLUSION,
        3,
        "Those patients with history of other contralateral non-invasive and invasive breast\n"
        "     and non-breast malignancies are eligible to participate unless they have previously\n"
        "     received a doxorubicin dose of more than 400 mg/m2.",
    )
    assert_decides(cautious, question, [prior_cancer], expected)


def test_one_value_does_not_decide_a_bound_on_an_average(cautious: EligibilityReasoner) -> None:
    mean_cd4 = criterion(INCLUSION, 9, "Mean CD4 count >= 100 cells/mm3.")
    assert_decides(cautious, "My last CD4 was 92. Do I meet the CD4 cutoff?", [mean_cd4], Decision.UNDECIDED)
    plain = criterion(INCLUSION, 9, "CD4 count >= 100 cells/mm3.")
    assert_decides(cautious, "My last CD4 was 92. Do I meet the CD4 cutoff?", [plain], Decision.EXCLUDED)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # one way to meet the requirement ruled out leaves the other
        ("AIDS or other immunocompromising condition.", Decision.UNDECIDED),
        # every way it names ruled out: unmet
        ("Documented HIV-1 infection.", Decision.EXCLUDED),
    ],
)
def test_a_requirement_with_an_open_alternative_is_not_unmet_by_ruling_out_the_named_one(
    reasoner: EligibilityReasoner, text: str, expected: Decision
) -> None:
    question = "I don't have HIV, but I'm on anti-rejection meds after a kidney transplant. Do I fit this study?"
    assert_decides(reasoner, question, [criterion(INCLUSION, 1, text)], expected)


def test_kinds_of_one_thing_joined_by_or_are_all_ruled_out_with_it(reasoner: EligibilityReasoner) -> None:
    kinds = criterion(INCLUSION, 1, "Diagnosis of type 1 or type 2 diabetes mellitus.")
    assessment = reasoner.assess("I don't have diabetes. Can I join?", [kinds], {})
    assert all("accepts this or another" not in f.reason for f in assessment.findings), assessment.findings


@pytest.mark.parametrize(
    ("question", "decision"),
    [
        ("His CD4 is 12%. Can he join?", Decision.ALLOWED),
        ("His CD4 is 18%. Can he join?", Decision.EXCLUDED),
        # a bare number may be the count or the share: neither is read into a percentage bound on a lab the lexicon
        # does not know
        ("His CD4 is 12. Can he join?", Decision.UNDECIDED),
        ("His CD4 is 180. Can he join?", Decision.UNDECIDED),
    ],
)
def test_a_bare_value_is_not_read_as_a_share_of_an_unknown_lab(
    reasoner: EligibilityReasoner, question: str, decision: Decision
) -> None:
    assert_decides(reasoner, question, [criterion(INCLUSION, 1, "CD4 percentage less than 15%")], decision)


def test_a_pronoun_for_things_beside_a_question_about_the_asker_keeps_the_asker_the_candidate(
    cautious: EligibilityReasoner,
) -> None:
    # "for them" points at the spots, and "Does that exclude me?" asks about the asker: their own Kaposi's sarcoma
    # meets the exception; it had been read as someone else's condition
    kaposi = criterion(
        EXCLUSION,
        1,
        "Malignancy other than cutaneous Kaposi's sarcoma (KS) or basal cell carcinoma. Patients with biopsy-confirmed "
        "cutaneous KS are eligible, but must not have received any systemic therapy for KS within 4 weeks prior to "
        "baseline and are not anticipated to require systemic therapy during the study.",
    )
    question = (
        "I have a few Kaposi's sarcoma spots on my skin, confirmed by biopsy, and have never had chemo for them. "
        "Does that exclude me?"
    )
    assessment = cautious.assess(question, [kaposi], {})
    assert assessment.decision is Decision.CONDITIONS, [(f.fact, f.decision, f.reason) for f in assessment.findings]


# A bound inside an exception clause belongs to the exception: it widens what a requirement admits, or marks the
# values an exclusion lets go; it is no bar of its own.
_WIDENED = criterion(
    INCLUSION,
    1,
    "Platelet count of 100,000/mm3 or less. (Note: Patients with a platelet count greater than 100,000/mm3 who have "
    "had splenomegaly for at least 8 weeks may be eligible for this study.)",
)


@pytest.mark.parametrize(
    ("question", "decision"),
    [
        ("My platelets are 100,000. Can I join?", Decision.ALLOWED),
        ("My platelets are 80,000 and I've had splenomegaly for 2 weeks. Can I join?", Decision.CONDITIONS),
        # over the requirement's own limit: the exception may let it in, on terms the question does not settle
        ("My platelets are 150,000. Can I join?", Decision.UNDECIDED),
        ("My platelets are 150,000 and I've had splenomegaly for 12 weeks. Can I join?", Decision.CONDITIONS),
        ("My platelets are 150,000 and I've had splenomegaly for 2 weeks. Can I join?", Decision.EXCLUDED),
    ],
)
def test_a_bound_in_an_allowance_widens_the_requirement(
    reasoner: EligibilityReasoner, question: str, decision: Decision
) -> None:
    assert_decides(reasoner, question, [_WIDENED], decision)


@pytest.mark.parametrize(
    ("text", "question", "decision"),
    [
        (
            "Opportunistic infection defining AIDS, excluding a CD4 count < 200/mm3 alone",
            "My CD4 is 150.",
            "CONDITIONS",
        ),
        ("Opportunistic infection defining AIDS, excluding a CD4 count < 200/mm3 alone", "My CD4 is 350.", "UNDECIDED"),
        (
            "Prior epirubicin, unless the total dose was no greater than 450 mg/m2",
            "Total dose 300 mg/m2.",
            "CONDITIONS",
        ),
        ("Prior epirubicin, unless the total dose was no greater than 450 mg/m2", "Total dose 600 mg/m2.", "UNDECIDED"),
        (
            "ALT > 2.5 x ULN (ALT <= 5 x ULN allowed with liver metastases)",
            "ALT 4 x ULN, I have liver metastases.",
            "CONDITIONS",
        ),
        (
            "ALT > 2.5 x ULN (ALT <= 5 x ULN allowed with liver metastases)",
            "ALT 6 x ULN, I have liver metastases.",
            "EXCLUDED",
        ),
        # the exception's own bar on the same side as the exclusion's is no carve-out
        (
            "ALT > 2.5 x ULN, or > 5 x ULN if liver metastases are present",
            "ALT 6 x ULN, I have liver metastases.",
            "EXCLUDED",
        ),
    ],
)
def test_a_bound_in_an_exclusions_exception_marks_the_values_it_lets_go(
    reasoner: EligibilityReasoner, text: str, question: str, decision: str
) -> None:
    assert_decides(reasoner, question, [criterion(EXCLUSION, 1, text)], Decision[decision])


def test_an_inability_in_the_case_an_exception_keeps_is_let_in(cautious: EligibilityReasoner) -> None:
    consent = criterion(
        EXCLUSION,
        1,
        "Subjects unable to provide informed consent will not be enrolled; however, participants who previously "
        "consented will continue to be followed in clinic.",
    )
    told = "He has been followed in clinic here for years and now he can't give consent. Can he stay on?"
    kept = cautious.assess(told, [consent], {})
    unmet = [f for f in kept.findings if f.path.startswith("unmet requirement")]
    assert [f.decision for f in unmet] == [Decision.CONDITIONS], kept.findings
    assert kept.decision is Decision.CONDITIONS, kept.findings
    # the word of the requirement itself ("consent") is no sign of the exception's case
    new = cautious.assess("My father can't give consent. Can he join?", [consent], {})
    assert new.decision is Decision.EXCLUDED, new.findings


@pytest.mark.parametrize(
    ("question", "decision"),
    [
        ("My temperature was 39.1 C this morning. Can I join?", Decision.EXCLUDED),
        ("My temperature was 101.8 F this morning. Can I join?", Decision.EXCLUDED),  # 38.8 degrees C
        ("My temperature was 100.4°F this morning. Can I join?", Decision.ALLOWED),  # 38.0 degrees C
        ("I had a fever of 102 yesterday. Can I join?", Decision.EXCLUDED),  # no body is 102 degrees C
        ("I had a fever of 38.1 yesterday. Can I join?", Decision.ALLOWED),
    ],
)
def test_a_body_temperature_is_read_on_either_scale(
    reasoner: EligibilityReasoner, question: str, decision: Decision
) -> None:
    assert_decides(
        reasoner, question, [criterion(EXCLUSION, 1, "Fever > 38.5 degrees C within 72 hours of entry.")], decision
    )


@pytest.mark.parametrize(
    ("question", "decision"),
    [
        ("I had a fever of 39 C for 10 days last month. Can I join?", Decision.EXCLUDED),
        ("I had a fever of 39 C for three days last month. Can I join?", Decision.ALLOWED),
        ("I had a fever of 39 C last month. Can I join?", Decision.UNDECIDED),
    ],
)
def test_a_limit_on_a_value_held_for_a_time_needs_that_time(
    reasoner: EligibilityReasoner, question: str, decision: Decision
) -> None:
    held = criterion(EXCLUSION, 1, "Temperature of 38.5 degrees C or more for at least 7 consecutive days.")
    assert_decides(reasoner, question, [held], decision)


@pytest.mark.parametrize(
    ("question", "decision"),
    [
        ("I'm on maintenance chemotherapy and my ANC is 1,200. Can I join?", Decision.CONDITIONS),
        ("My ANC is 1,200. Can I join?", Decision.UNDECIDED),
        # "-naive": never having had it; one who takes it is not in that case
        ("I've never had chemotherapy and my ANC is 1,200. Can I join?", Decision.EXCLUDED),
    ],
)
def test_each_limit_for_a_case_of_its_own_is_chosen_by_the_case_told(
    reasoner: EligibilityReasoner, question: str, decision: Decision
) -> None:
    cases = criterion(
        INCLUSION,
        1,
        "ANC >= 1,500/mm3 (if chemotherapy-naive) or >= 1,000/mm3 (if receiving maintenance chemotherapy).",
    )
    assert_decides(reasoner, question, [cases], decision)


@pytest.mark.parametrize(
    ("question", "decision"),
    [
        ("My platelet count last week was 80,000. Can I join?", Decision.UNDECIDED),
        ("My last two platelet counts were both under 90,000. Can I join?", Decision.ALLOWED),
        ("My platelet count last week was 150,000. Can I join?", Decision.EXCLUDED),
    ],
)
def test_a_limit_asked_of_several_readings_is_not_met_by_one(
    reasoner: EligibilityReasoner, question: str, decision: Decision
) -> None:
    twice = criterion(INCLUSION, 1, "Platelet count < 100,000/mm3 on two consecutive measurements.")
    assert_decides(reasoner, question, [twice], decision)


CD4_AT_LEAST_200 = [criterion(INCLUSION, 3, "CD4 count >= 200 cells/mm3.")]


@pytest.mark.parametrize(
    ("question", "decision"),
    [
        # the later reading told with no name of its own had been unread, and the first alone decided
        ("My CD4 was 150 two years ago and is 300 now. Eligible?", Decision.UNDECIDED),
        ("My CD4 was 350 in January and it's 150 now. Do I qualify?", Decision.UNDECIDED),
        ("My CD4 was 250 in January and it's 300 now. Do I qualify?", Decision.ALLOWED),
        ("My CD4 was 150 in January and it's 180 now. Do I qualify?", Decision.EXCLUDED),
    ],
)
def test_a_later_reading_told_without_its_name_counts_as_a_value(
    cautious: EligibilityReasoner, question: str, decision: Decision
) -> None:
    assert_decides(cautious, question, CD4_AT_LEAST_200, decision)


@pytest.mark.parametrize(
    ("text", "decision"),
    [
        # a requirement set for men under a FEMALE field: the record contradicts itself
        ("Women of childbearing potential and men must agree to use adequate contraception.", Decision.UNDECIDED),
        (
            "Use of effective means of contraception (men and women) in subjects of child-bearing potential.",
            Decision.UNDECIDED,
        ),
        # men named only as partners, as kept out, or as contacts: the field decides
        ("Female participants and their male partners must use two methods of contraception.", Decision.EXCLUDED),
        ("Males are excluded.", Decision.EXCLUDED),
        ("Have had sex with men in the past year.", Decision.EXCLUDED),
    ],
)
def test_a_sex_field_against_a_criterion_addressed_to_that_sex(
    cautious: EligibilityReasoner, text: str, decision: Decision
) -> None:
    criteria = [criterion(INCLUSION, 5, text)]
    found = cautious.assess(
        "My brother has metastatic breast cancer. Can he join?", criteria, {"sex": fact("sex", "FEMALE")}
    )
    sex = next(f for f in found.findings if f.fact.startswith("sex"))
    assert sex.decision is decision, found.findings


def test_two_readings_that_different_criteria_decide_differently_decide_nothing(cautious: EligibilityReasoner) -> None:
    """ "dropped to 180 ... now around 500": the inclusion's "> 350" catches the first, the exclusion's note (a CD4
    below 200 "is not an exclusion criterion") lets it go; the old reading alone had excluded."""
    criteria = [
        criterion(INCLUSION, 2, "CD4+ T cells > 350/mm3."),
        criterion(
            EXCLUSION,
            3,
            "Any history of an AIDS-defining illness (note: a history of a CD4 count below 200 cells/mm3 is not an "
            "exclusion criterion as long as all other inclusion/exclusion criteria are met);",
        ),
    ]
    question = (
        "Two years ago my CD4 dropped to 180 for a while. Now it's been around 500. Is that old low count a problem?"
    )
    assert_decides(cautious, question, criteria, Decision.UNDECIDED)
    assert_decides(cautious, "My CD4 is 180. Can I join?", criteria, Decision.EXCLUDED)


NRTI_OR_PI = [
    criterion(
        EXCLUSION,
        1,
        "Have received more than 4 weeks of treatment with nucleoside anti-HIV medications\n             (NRTIs), or "
        "more than 1 week with protease inhibitors.",
    )
]


@pytest.mark.parametrize(
    ("question", "decision"),
    [
        # each length is read in its own alternative: 10 days is over the protease inhibitors' week (it had been read
        # against both lengths, and under the 4 weeks meant "not lasted": allowed)
        ("Last year I took indinavir for 10 days before I stopped it. Does that count against me?", Decision.EXCLUDED),
        ("I took indinavir for 5 days last year. Problem?", Decision.ALLOWED),
        ("I took zidovudine for 3 weeks last year. Problem?", Decision.ALLOWED),
        ("I took zidovudine for 6 weeks last year. Problem?", Decision.EXCLUDED),
    ],
)
def test_lengths_each_in_an_alternative_of_their_own(
    reasoner: EligibilityReasoner, question: str, decision: Decision
) -> None:
    assert_decides(reasoner, question, NRTI_OR_PI, decision)


def test_an_exclusion_written_for_one_study_group_is_the_study_teams_to_apply(reasoner: EligibilityReasoner) -> None:
    found = reasoner.assess(
        "I'm on AZT every day. Can I join?", [criterion(EXCLUSION, 1, "AZT (for control group).")], {}
    )
    assert found.decision is Decision.UNDECIDED and "control group only" in found.findings[0].reason, found.findings
    assert_decides(reasoner, "I'm on AZT every day. Can I join?", [criterion(EXCLUSION, 1, "AZT.")], Decision.EXCLUDED)


def test_a_denial_covers_the_length_of_a_kind_of_what_it_denies(reasoner: EligibilityReasoner) -> None:
    """ "never taken any HIV meds" and "more than 4 weeks of anti-HIV medications, or more than 1 week with
    indinavir": indinavir is an anti-HIV drug, so its length is no other way in (it had left the verdict open)."""
    criteria = [
        criterion(
            EXCLUSION,
            1,
            "Have received more than 4 weeks of treatment with anti-HIV medications, or more than 1 week with "
            "indinavir.",
        )
    ]
    assert_decides(reasoner, "I've never taken any HIV meds. Can I join?", criteria, Decision.ALLOWED)
    lipids = [criterion(EXCLUSION, 1, "Prior statins, or LDL cholesterol > 190 mg/dL.")]
    assert_decides(reasoner, "I've never taken a statin. Can I join?", lipids, Decision.UNDECIDED)


def test_a_criterion_under_a_required_label_in_the_exclusion_list_gives_no_verdict(
    reasoner: EligibilityReasoner,
) -> None:
    """ "Exclusion Criteria ... Prior Medication: Required: Ongoing stable AZT therapy": the label says required, the
    list says excluded, and such records do not relabel the items after it: no verdict either way."""
    required = criterion(
        EXCLUSION, 5, "Ongoing stable AZT therapy for more than 6 weeks duration.", "Prior Medication: Required:"
    )
    found = reasoner.assess("I've been on AZT for two years. Can I join?", [required], {})
    assert found.decision is Decision.UNDECIDED and "Required:" in found.findings[0].reason, found.findings
    excluded = criterion(
        EXCLUSION, 5, "Ongoing stable AZT therapy for more than 6 weeks duration.", "Prior Medication: Excluded:"
    )
    assert_decides(reasoner, "I've been on AZT for two years. Can I join?", [excluded], Decision.EXCLUDED)


def test_the_studys_own_treatment_in_the_asking_is_no_word_of_what_was_had(reasoner: EligibilityReasoner) -> None:
    """ "I finished radiation ... Can I start the vaccine now?" in a vaccine study: the vaccine is how it asks; the
    words of the fact ("radiation") meet the washout on their own (they had been read as "radiation vaccine")."""
    washout = [
        criterion(
            INCLUSION, 1, "A minimum of 4 weeks must have elapsed since the completion of prior radiation therapy."
        )
    ]
    treatments = {"interventions": fact("Interventions", "Biological: peptide vaccine")}
    question = "I finished radiation to my liver three weeks ago. Can I start the vaccine now?"
    assert reasoner.assess(question, washout, treatments).decision is Decision.EXCLUDED
    later = reasoner.assess(question.replace("three", "six"), washout, treatments).decision
    assert later in (Decision.ALLOWED, Decision.CONDITIONS)


HBA1C_BY_CASE = (
    "HbA1c of 6.5 percentage (%)-10.5 percentage (%) [48 - 91 millimoles per mole (mmol/mol)] (both inclusive) if "
    "diagnosed with type 2 diabetes mellitus, or HbA1c of less than (<)6.5 percentage (%) [<48 mmol/mol] if not "
    "diagnosed with type 2 diabetes mellitus."
)


@pytest.mark.parametrize(
    ("question", "decision"),
    [
        # the case told picks its limit, past the restatement in mmol/mol and "(both inclusive)"
        ("I've had type 2 diabetes for 8 years and my A1c is exactly 10.5. Too high?", Decision.CONDITIONS),
        ("My A1c is 10.6 and I have type 2 diabetes.", Decision.EXCLUDED),
        ("My A1c is 6.0 and I have type 2 diabetes.", Decision.EXCLUDED),
        ("My A1c is 50 mmol/mol and I have type 2 diabetes.", Decision.CONDITIONS),
        # no case told: a value one case's limit admits and the other's does not leaves it open
        ("My A1c is 6.0.", Decision.UNDECIDED),
        ("My A1c is 7.0.", Decision.UNDECIDED),
        ("My A1c is 11.", Decision.EXCLUDED),
    ],
)
def test_limits_each_for_a_case_named_after_them(
    reasoner: EligibilityReasoner, question: str, decision: Decision
) -> None:
    assert_decides(reasoner, question, [criterion(INCLUSION, 1, HBA1C_BY_CASE)], decision)


def test_a_limit_restated_in_other_units_is_one_limit(reasoner: EligibilityReasoner) -> None:
    """ "HbA1c <= 10.5 % [91 mmol/mol]": 10.5 % is 91.25 mmol/mol by the master equation; the restatement's rounding
    must not keep out a value the limit as written admits."""
    limit = [criterion(INCLUSION, 1, "HbA1c <= 10.5 % [<= 91 mmol/mol] at screening.")]
    assert_decides(reasoner, "My HbA1c is 10.5%.", limit, Decision.ALLOWED)
    assert_decides(reasoner, "My HbA1c is 92 mmol/mol.", limit, Decision.EXCLUDED)


def test_a_denial_of_the_broader_thing_puts_the_asker_outside_the_case(reasoner: EligibilityReasoner) -> None:
    """ "if with breast cancer" and "I have never had cancer": no kind of cancer, so not that case."""
    limits = [
        criterion(
            INCLUSION,
            1,
            "Hemoglobin >= 10 g/dL if with breast cancer, or hemoglobin >= 9 g/dL if without breast cancer.",
        )
    ]
    assert_decides(reasoner, "I have never had cancer and my hemoglobin is 9.5 g/dL.", limits, Decision.CONDITIONS)
    assert_decides(reasoner, "I have breast cancer and my hemoglobin is 9.5 g/dL.", limits, Decision.EXCLUDED)


@pytest.mark.parametrize(
    ("question", "decision"),
    [
        ("The target vessel is about 4.0 mm by visual estimate. Is the lesion eligible?", Decision.EXCLUDED),
        ("The target vessel is 3.0 mm.", Decision.ALLOWED),
    ],
)
def test_a_things_length_is_the_size_the_criterion_names_of_it(
    reasoner: EligibilityReasoner, question: str, decision: Decision
) -> None:
    """ "Target vessel diameter ... >= 2.5mm and <= 3.5mm": "the vessel is 4.0 mm" gives the vessel's diameter."""
    size = criterion(
        INCLUSION, 1, "Target vessel diameter at the lesion site is >= 2.5mm and <= 3.5mm (visual estimate)"
    )
    assert_decides(reasoner, question, [size], decision)


ASTHMA_GROUPS = [
    criterion(INCLUSION, 1, "Diagnosis of asthma", heading="For participants with asthma:"),
    criterion(
        INCLUSION, 2, "History of wheezing within 12 months prior to study entry", "For participants with asthma:"
    ),
    criterion(INCLUSION, 4, "No diagnosis of asthma", heading="For participants without asthma:"),
    criterion(
        INCLUSION, 5, "No history of wheezing within 12 months prior to study entry", "For participants without asthma:"
    ),
]


@pytest.mark.parametrize(
    ("question", "decision"),
    [
        # the requirements of the other group are not the asker's to meet
        ("My son has asthma and wheezed 4 months ago. Can he join?", Decision.CONDITIONS),
        ("My son doesn't have asthma and has never wheezed. Can he join?", Decision.ALLOWED),
        # no group told: a miss in one group's list excludes nobody for sure
        ("My son wheezed 4 months ago. Can he join?", Decision.UNDECIDED),
    ],
)
def test_requirements_under_a_group_heading_hold_for_that_group(
    reasoner: EligibilityReasoner, question: str, decision: Decision
) -> None:
    assert_decides(reasoner, question, ASTHMA_GROUPS, decision)


def test_a_length_of_pregnancy_still_tells_the_pregnancy(reasoner: EligibilityReasoner) -> None:
    """ "I'm 14 weeks pregnant" and "Pregnant females ... will be excluded": no criterion bounds the weeks, and the
    pregnancy is still what the asker tells (it had gone unread: "not stated")."""
    pregnant = [criterion(EXCLUSION, 1, "Pregnant females or nursing mothers will be excluded from all aspects.")]
    found = reasoner.assess("I'm 14 weeks pregnant. Can I have my GFR measured?", pregnant, {})
    assert [f.chunk.criterion for f in found.findings] == ["1"], found


def test_the_age_told_again_in_the_asking_is_the_age(reasoner: EligibilityReasoner) -> None:
    """ "My dad is 81 ... Is 81 too old for this?": the second 81 is the age asked about, not a count nothing reads."""
    minimum = {"minimum_age": fact("minimum_age", "7 Years")}
    found = reasoner.assess("My dad is 81. Is 81 too old for this?", [criterion(INCLUSION, 1, "Adults.")], minimum)
    assert found.decision is Decision.ALLOWED and not found.unmatched, (found.findings, found.unmatched)


HEMOGLOBIN_BY_SEX = (
    "Hemoglobin level ≥12.0 and ≤16.5 g/dL for female subjects and ≥13.0 and ≤18.5 g/dL for male subjects."
)


@pytest.mark.parametrize(
    ("question", "decision"),
    [
        # the sex said after a pair of bounds is the first bound's too; "≤16.5" before "for male" is no male limit
        ("I'm a woman and my hemoglobin is 12.5 g/dL.", Decision.ALLOWED),
        ("I'm a man and my hemoglobin is 12.5 g/dL.", Decision.EXCLUDED),
        ("I'm a man and my hemoglobin is 17 g/dL.", Decision.ALLOWED),
        ("I'm a woman and my hemoglobin is 17 g/dL.", Decision.EXCLUDED),
        ("My hemoglobin is 12.5 g/dL.", Decision.UNDECIDED),
    ],
)
def test_a_pair_of_bounds_for_one_sex(reasoner: EligibilityReasoner, question: str, decision: Decision) -> None:
    assert_decides(reasoner, question, [criterion(INCLUSION, 1, HEMOGLOBIN_BY_SEX)], decision)


@pytest.mark.parametrize(
    ("question", "decision"),
    [
        # a reading told as taken before the window the criterion counts readings in decides nothing
        ("At my checkup six weeks ago my BP was 142/88. Does that matter?", Decision.UNDECIDED),
        # inside the window, or undated, the value decides
        ("At my checkup two weeks ago my BP was 142/88. Does that matter?", Decision.EXCLUDED),
        ("My BP is 142/88. Does that matter?", Decision.EXCLUDED),
        # a time told beside a value said to be the present one does not date the reading
        ("Since my surgery two months ago my BP is 150/95. Does that matter?", Decision.EXCLUDED),
    ],
)
def test_a_reading_outside_the_window_a_value_is_counted_in(
    reasoner: EligibilityReasoner, question: str, decision: Decision
) -> None:
    # the window after the second bound of the list ("SBP ... or DBP ... in the last month") is the first's too
    blood_pressure = criterion(EXCLUSION, 6, "SBP >= 140 or DBP >= 90 in the last month")
    assert_decides(reasoner, question, [blood_pressure], decision)


@pytest.mark.parametrize(
    ("question", "decision"),
    [
        # every way of keeping the promise refused
        ("He won't abstain and won't use any contraception. Still a candidate?", Decision.EXCLUDED),
        # one way refused leaves the other the criterion offers
        ("I won't use any contraception. Can I join?", Decision.UNDECIDED),
        # a refusal of something else in the sentence is no refusal of the promise (not excluded: the named
        # requirement is quoted as ever)
        ("I don't want to get pregnant, so I use birth control. Can I join?", Decision.UNDECIDED),
    ],
)
def test_a_promise_the_question_refuses(reasoner: EligibilityReasoner, question: str, decision: Decision) -> None:
    assert_decides(reasoner, question, [PROMISE], decision)


PROMISE = criterion(
    INCLUSION, 2, "Agree to practice sexual abstinence or use effective birth control during the study."
)


def test_an_earlier_refusal_of_something_else_is_not_the_other_way_refused(reasoner: EligibilityReasoner) -> None:
    # (the two refusals had counted as both ways refused)
    assert_decides(reasoner, "I won't travel much and won't use any contraception.", [PROMISE], Decision.UNDECIDED)


def test_a_healthy_volunteer_the_record_accepts_need_not_have_the_condition_required(
    reasoner: EligibilityReasoner,
) -> None:
    required = [criterion(INCLUSION, 1, "DSM-IV criteria of generalized anxiety disorder with moderate degree")]
    question = "I don't have any anxiety disorder at all. Can I join as a healthy control?"
    accepts = {"healthy_volunteers": fact("healthy_volunteers", "Accepts Healthy Volunteers")}
    found = reasoner.assess(question, required, accepts)
    assert found.decision is Decision.ALLOWED, found.findings
    # without the record's "accepts", lacking what the inclusion requires still excludes
    declines = {"healthy_volunteers": fact("healthy_volunteers", "No")}
    assert reasoner.assess(question, required, declines).decision is Decision.EXCLUDED
    assert reasoner.assess("I don't have any anxiety disorder.", required, accepts).decision is Decision.EXCLUDED


def test_a_refused_promise_is_a_verdict_as_an_unmet_requirement_is(cautious: EligibilityReasoner) -> None:
    # told of a person, a named match is quoted without a verdict; a requirement refused is no named match
    question = "He won't abstain and won't use any contraception. Still a candidate?"
    assert_decides(cautious, question, [PROMISE], Decision.EXCLUDED)


@pytest.mark.parametrize(
    "text",
    [
        "Not having a phone at home for follow-up calls",  # a lack stated as the exclusion's case
        "No access to a telephone",
    ],
)
def test_an_exclusion_stated_as_a_lack_catches_one_who_lacks_it(reasoner: EligibilityReasoner, text: str) -> None:
    question = "My mom is 70. She doesn't have any kind of telephone at her apartment, is that a problem?"
    assert_decides(reasoner, question, [criterion(EXCLUSION, 1, text)], Decision.EXCLUDED)


@pytest.mark.parametrize(
    ("question", "decision"),
    [
        ("We have a term baby who is 3 days old and was intubated this morning. Can he join?", Decision.EXCLUDED),
        ("She is 20 hours old. Can she join?", Decision.ALLOWED),
    ],
)
def test_age_fields_in_hours(reasoner: EligibilityReasoner, question: str, decision: Decision) -> None:
    # newborn trials set the record's age fields in hours ("48 Hours"); they had been read as no limit
    found = reasoner.assess(
        question, [criterion(INCLUSION, 1, "Term infants.")], {"maximum_age": fact("maximum_age", "48 Hours")}
    )
    assert found.decision is decision, found.findings


def test_a_two_letter_acronym_stays_a_word_of_what_is_told(reasoner: EligibilityReasoner) -> None:
    """ "treatment for TB": dropped as a short word, "TB" left "treatment" alone, which met "Treated for other
    malignant diseases within the last 5 years" and excluded one treated for tuberculosis three years ago."""
    criteria = [
        criterion(EXCLUSION, 4, "Treated for other malignant diseases within the last 5 years."),
        criterion(EXCLUSION, 5, "Treatment for pulmonary tuberculosis within the last 2 years."),
    ]
    found = reasoner.assess("I finished treatment for TB three years ago. Eligible?", criteria, {})
    assert found.decision is not Decision.EXCLUDED, found.findings


def test_a_case_named_in_the_conditions_of_entry_is_what_they_keep_out(reasoner: EligibilityReasoner) -> None:
    """ "... will be eligible ... provided that ... They have not received antimalarial drugs in the previous 48
    hours": a drug taken yesterday is what the condition rules out, not a case let in on it."""
    entry = criterion(
        INCLUSION,
        1,
        "Adults presenting with acute falciparum malaria will be eligible for inclusion in this study provided that"
        " - They are not pregnant. - They have not received antimalarial drugs in the previous 48 hours.",
    )
    question = "I took chloroquine yesterday morning before I came to the hospital. Can I still be in the study?"
    assert_decides(reasoner, question, [entry], Decision.EXCLUDED)
    # a case named before the conditions is still let in on them, and so are the cases listed after an entry that
    # states its condition first
    let_in = criterion(EXCLUSION, 2, "Prior chemotherapy, but patients may be eligible if it ended 6 months ago.")
    assert_decides(reasoner, "I had chemotherapy. Can I join?", [let_in], Decision.CONDITIONS)
    listed = criterion(
        EXCLUSION,
        3,
        "Potential participants who have the following may be eligible for participation, based on study staff"
        " approval:\n         1. Prosthetics\n         2. Tattoo or non-removable body piercing"
        "\n         3. Claustrophobia",
    )
    assert_decides(reasoner, "I have a small tattoo on my ankle. Does that rule me out?", [listed], Decision.CONDITIONS)


@pytest.mark.parametrize(
    "text",
    [
        "No antiseizure medication prior to injury or between the injury and study drug loading",
        "No history of seizures before the head injury",
    ],
)
def test_what_dates_a_prohibition_is_not_what_it_keeps_out(reasoner: EligibilityReasoner, text: str) -> None:
    # "No antiseizure medication prior to injury" had kept out a boy with a skull fracture: the injury dates the
    # medication the criterion keeps out; having had one is what the study is about.
    criteria = [criterion(ELIGIBILITY, 8, text)]
    assessment = reasoner.assess("He has a skull fracture from a fall this morning. Can he join?", criteria, {})
    assert all(f.decision is not Decision.EXCLUDED for f in assessment.findings), assessment.findings
    # what the prohibition is about still keeps out
    seizures = reasoner.assess("He had seizures for years before his head injury. Can he join?", criteria[-1:], {})
    if "seizures" in text:
        assert seizures.decision is Decision.EXCLUDED, seizures.findings


def test_people_named_by_what_they_had_are_not_a_date(reasoner: EligibilityReasoner) -> None:
    # "Patients after liver transplantation" are those who had one: the mention is what the exclusion keeps out
    criteria = [criterion(EXCLUSION, 3, "Patients after liver transplantation")]
    assessment = reasoner.assess("I had a liver transplant in 2019. Can I join?", criteria, {})
    assert assessment.decision is Decision.EXCLUDED, assessment.findings


RENAL_IN_TWO_ITEMS = [
    criterion(INCLUSION, 11, "Creatinine =< 1.5 mg/dl"),
    criterion(INCLUSION, 12, "Creatinine CL >= 60 ml/min (measured 24hr) if creatinine > 1.5 mg/dl"),
]


@pytest.mark.parametrize(
    ("question", "decision"),
    [
        # a value missing one item's bound falls in the case the other names: that case's clearance decides
        ("My creatinine is 1.7. Does that knock me out?", Decision.UNDECIDED),
        # out of the case, the trailing "if" bound is no requirement ("creatinine > 1.5" had failed a normal value)
        ("My creatinine is 1.2. Does that knock me out?", Decision.ALLOWED),
        # "Creatinine CL" is the clearance
        ("My creatinine clearance is 70 mL/min. Can I join?", Decision.ALLOWED),
    ],
)
def test_a_case_named_in_another_item_is_another_way_in(
    reasoner: EligibilityReasoner, question: str, decision: Decision
) -> None:
    assessment = reasoner.assess(question, RENAL_IN_TWO_ITEMS, {})
    assert assessment.decision is decision, [(f.fact, f.decision, f.reason) for f in assessment.findings]
    # an exclusion's bound is no way in: the case does not lift it
    excluded = [criterion(EXCLUSION, 3, "Creatinine > 1.5 mg/dl"), RENAL_IN_TWO_ITEMS[1]]
    assert reasoner.assess("My creatinine is 1.7. Can I join?", excluded, {}).decision is Decision.EXCLUDED


@pytest.mark.parametrize(
    ("question", "decision"),
    [
        ("My AST is 4 times the upper limit, but the cancer has spread to my liver. Am I out?", Decision.CONDITIONS),
        ("My AST is 4 times the upper limit. Am I out?", Decision.UNDECIDED),
        ("My AST is 6 times the upper limit and the cancer has spread to my liver. Am I out?", Decision.EXCLUDED),
    ],
)
def test_a_bare_value_for_a_case_is_the_limit_in_that_case(
    reasoner: EligibilityReasoner, question: str, decision: Decision
) -> None:
    text = "Hepatic: AST no greater than 3 times upper limit of normal (ULN) (5 times ULN if liver metastases)"
    assessment = reasoner.assess(question, [criterion(ELIGIBILITY, 5, text)], {})
    assert assessment.decision is decision, [(f.fact, f.decision, f.reason) for f in assessment.findings]


def test_a_stop_told_against_current_use_under_a_pdq_block_label(reasoner: EligibilityReasoner) -> None:
    # "PRIOR CONCURRENT THERAPY:" labels a PDQ block, not the tense of its items: "must not be receiving" is about use
    # now, and a stop told is not that; the time since stopping the item also sets decides, not the stop alone
    current = criterion(
        ELIGIBILITY, 15, "Patients must not be receiving colony stimulating factors (CSFs)", "PRIOR CONCURRENT THERAPY:"
    )
    stopped = reasoner.assess("I stopped my Neupogen injections 3 weeks ago. Can I register?", [current], {})
    assert all(f.decision is not Decision.EXCLUDED for f in stopped.findings), stopped.findings
    with_window = criterion(
        ELIGIBILITY,
        15,
        "Patients must not be receiving colony stimulating factors (CSFs)\n\n"
        "       -  Previous CSFs must have been discontinued > 14 days prior to registration",
        "PRIOR CONCURRENT THERAPY:",
    )
    recent = reasoner.assess("I stopped my Neupogen injections 5 days ago. Can I register?", [with_window], {})
    assert all(f.decision is Decision.UNDECIDED for f in recent.findings) and recent.findings, recent.findings
    on_it = reasoner.assess("I'm on Neupogen injections. Can I register?", [with_window], {})
    assert any(f.decision is Decision.EXCLUDED for f in on_it.findings), on_it.findings


def test_a_pdq_label_names_the_category_not_what_the_item_keeps_out(reasoner: EligibilityReasoner) -> None:
    # "Biologic therapy: No concurrent bone marrow transplantation": a transfusion is a biologic therapy, but the
    # label files the item; only bone marrow transplantation is kept out
    text = "Biologic therapy: No concurrent bone marrow transplantation"
    item = criterion(ELIGIBILITY, 14, text, "PRIOR CONCURRENT THERAPY:")
    transfused = reasoner.assess("I get blood transfusions every week. Can I join?", [item], {})
    assert all(f.decision is not Decision.EXCLUDED for f in transfused.findings), transfused.findings
    transplanted = reasoner.assess("I'm having a bone marrow transplant now. Can I join?", [item], {})
    assert any(f.decision is Decision.EXCLUDED for f in transplanted.findings), transplanted.findings
    # outside a PDQ block the opening words are the criterion's own
    plain = criterion(EXCLUSION, 3, "Biologic therapy: any within 4 weeks")
    assert block_label_end(plain.text, plain.heading) == 0


@pytest.mark.parametrize(
    ("question", "decision"),
    [
        ("Last year I had pleurodesis done with bleomycin to stop the fluid. Can I still get in?", Decision.EXCLUDED),
        ("I had a talc pleurodesis last year. Can I still get in?", Decision.CONDITIONS),
    ],
)
def test_the_case_an_allowance_excepts_is_not_allowed(
    reasoner: EligibilityReasoner, question: str, decision: Decision
) -> None:
    text = (
        "Surgery: See Disease Characteristics Prior pleurodesis allowed except with cytotoxic drugs (e.g., bleomycin)"
    )
    assessment = reasoner.assess(question, [criterion(ELIGIBILITY, 23, text, "PRIOR CONCURRENT THERAPY:")], {})
    pleurodesis = [f.decision for f in assessment.findings if f.fact == "pleurodesis"]
    assert pleurodesis == [decision], [(f.fact, f.decision, f.reason) for f in assessment.findings]


@pytest.mark.parametrize(
    ("question", "decision"),
    [
        ("The candidate has a creatinine of 1.3 mg/dl. Is the kidney function good enough?", Decision.UNDECIDED),
        ("Creatinine 1.3 mg/dl and creatinine clearance 70 ml/min. Good enough?", Decision.ALLOWED),
        ("Creatinine 1.3 mg/dl and creatinine clearance 40 ml/min. Good enough?", Decision.EXCLUDED),
        ("The candidate has a creatinine of 2.1 mg/dl. Is the kidney function good enough?", Decision.EXCLUDED),
    ],
)
def test_a_requirement_of_two_values_joined_by_and_needs_both(
    reasoner: EligibilityReasoner, question: str, decision: Decision
) -> None:
    text = "Creatinine less than or equal to 1.5 mg/dl and a creatinine clearance greater than or equal to 50 ml/min."
    assessment = reasoner.assess(question, [criterion(INCLUSION, 12, text)], {})
    assert assessment.decision is decision, [(f.fact, f.decision, f.reason) for f in assessment.findings]


def test_a_disease_the_requirement_lists_among_its_kinds_is_not_an_other_malignancy(
    reasoner: EligibilityReasoner,
) -> None:
    # Gliosarcoma is a kind of glioblastoma (MeSH): the most specific disease required is not the only one required
    required = criterion(
        ELIGIBILITY,
        1,
        "Histologically confirmed recurrent malignant glioma, including: Glioblastoma Gliosarcoma Anaplastic "
        "astrocytoma",
        "DISEASE CHARACTERISTICS:",
    )
    other = criterion(ELIGIBILITY, 11, "No prior or concurrent malignancy", "PATIENT CHARACTERISTICS:")
    assessment = reasoner.assess("I have recurrent glioblastoma. Can I enroll?", [required, other], {})
    assert all(f.decision is not Decision.EXCLUDED for f in assessment.findings), assessment.findings
    breast = reasoner.assess("I had breast cancer 2 years ago. Can I enroll?", [required, other], {})
    assert breast.decision is Decision.EXCLUDED, breast.findings


def test_a_negation_reaches_the_end_of_its_sentence(reasoner: EligibilityReasoner) -> None:
    text = (
        "Not pregnant or lactating. Patients of childbearing potential must use an effective method of contraception. "
        "The effects of the chemotherapy, the subsequent transplant and the medications used after the transplant are "
        "highly likely to be harmful to a fetus."
    )
    item = criterion(INCLUSION, 16, text)
    transplanted = reasoner.assess("I had an autologous transplant last year. Can I join?", [item], {})
    assert all(f.decision is not Decision.EXCLUDED for f in transplanted.findings), transplanted.findings
    pregnant = reasoner.assess("I'm pregnant. Can I join?", [item], {})
    assert pregnant.decision is Decision.EXCLUDED, pregnant.findings


def test_a_required_time_missed_may_be_the_exceptions_case(reasoner: EligibilityReasoner) -> None:
    # "More than 1 week since prior corticosteroids (except as inhalation therapy ...)" read as a requirement had
    # excluded an inhaler user on the time alone; the question speaks to the exception, so the time does not decide
    text = (
        "More than 1 week since prior corticosteroids (except as inhalation therapy for\n"
        "     respiratory ailments or replacement for adrenal insufficiency)"
    )
    criteria = [criterion(ELIGIBILITY, 30, text, "Endocrine therapy:")]
    inhaled = reasoner.assess("I use my budesonide inhaler every day for asthma. Can I join?", criteria, {})
    assert all(f.decision is not Decision.EXCLUDED for f in inhaled.findings), inhaled.findings
    pills = reasoner.assess("I take prednisone pills every day for arthritis. Can I join?", criteria, {})
    assert any(f.decision is Decision.EXCLUDED for f in pills.findings), pills.findings


def test_a_prohibited_narrower_kind_keeps_a_class_from_admitting_alone(reasoner: EligibilityReasoner) -> None:
    # "kidney cancer 10 years ago" is outside the 5-year class limit, and may be the hypernephroma kept out with no
    # time limit: no "allowed" on the class alone
    criteria = [
        criterion(ELIGIBILITY, 14, "No prior melanoma, breast cancer, or hypernephroma"),
        criterion(ELIGIBILITY, 15, "No other primary malignancy within the past 5 years"),
    ]
    kidney = reasoner.assess("I had kidney cancer removed 10 years ago. Is that a problem?", criteria, {})
    assert kidney.decision is Decision.UNDECIDED, [(f.fact, f.decision, f.reason) for f in kidney.findings]
    # the kind named outright is kept out; a cancer of no named kind is decided by the class
    named = reasoner.assess("I had a hypernephroma removed 10 years ago. Is that a problem?", criteria, {})
    assert named.decision is Decision.EXCLUDED, [(f.fact, f.decision, f.reason) for f in named.findings]
    colon = reasoner.assess("I had colon cancer removed 10 years ago. Is that a problem?", criteria, {})
    assert colon.decision is not Decision.EXCLUDED, [(f.fact, f.decision, f.reason) for f in colon.findings]


def test_a_narrower_class_that_does_not_exclude_outranks_a_broader_one(reasoner: EligibilityReasoner) -> None:
    # "Other hormones" takes in corticosteroids, which the record rules on apart, with an exception the inhaler user
    # speaks to: the broader class no longer excludes on its own
    criteria = [
        criterion(
            ELIGIBILITY,
            30,
            "More than 1 week since prior corticosteroids (except as inhalation therapy for\n"
            "     respiratory ailments or replacement for adrenal insufficiency)",
            "Endocrine therapy:",
        ),
        criterion(
            ELIGIBILITY,
            31,
            "No concurrent therapy with the following:\n\n       -  Androgens\n\n       -  Other hormones",
            "Endocrine therapy:",
        ),
    ]
    inhaled = reasoner.assess("I use my budesonide inhaler every day for asthma. Can I join?", criteria, {})
    assert inhaled.decision is Decision.UNDECIDED, [(f.fact, f.decision, f.reason) for f in inhaled.findings]
    pills = reasoner.assess("I take prednisone pills every day for arthritis. Can I join?", criteria, {})
    assert pills.decision is Decision.EXCLUDED, [(f.fact, f.decision, f.reason) for f in pills.findings]


@pytest.mark.parametrize(
    ("question", "excluded"),
    [
        ("I get gentamicin shots", True),  # an aminoglycoside: that kind of antibiotic
        ("I was given amphotericin for a fungal infection", False),  # an antibiotic, but not an aminoglycoside
        ("I take antibiotics", False),  # maybe that kind, maybe not
    ],
)
def test_a_compound_names_the_kind_its_first_word_gives(
    reasoner: EligibilityReasoner, question: str, excluded: bool
) -> None:
    """ "aminoglycoside antibiotics": two drug classes written as one noun are the first kind of the second; a drug
    of the second class alone, or the second class itself, is not shown to be it."""
    drugs = [criterion(EXCLUSION, 3, "Concurrent aminoglycoside antibiotics")]
    decision = reasoner.assess(question, drugs, {}).decision
    assert (decision is Decision.EXCLUDED) is excluded, decision


def test_an_exception_carves_from_a_bound_wrapped_over_two_lines(reasoner: EligibilityReasoner) -> None:
    """ "Bilirubin no greater than\\n1.5 mg/dL, unless history of Gilbert's disease": the exception is of the whole
    bound, though the words it carves from start on the second line."""
    run_on = [
        criterion(
            ELIGIBILITY,
            1,
            "Hepatic: Bilirubin no greater than\n1.5 mg/dL, unless history of Gilbert's disease SGOT or SGPT no "
            "greater than 2 times upper\nlimit of normal",
        )
    ]
    told = reasoner.assess("My bilirubin is 2.1 mg/dL because of Gilbert's syndrome", run_on, {})
    assert told.decision is Decision.CONDITIONS, [(f.fact, f.decision, f.reason) for f in told.findings]
    assert reasoner.assess("My bilirubin is 2.1 mg/dL", run_on, {}).decision is Decision.EXCLUDED


@pytest.mark.parametrize(
    ("listed", "ranks"),
    [
        ("I or II", {1, 2}),
        ("I-III", {1, 2, 3}),
        ("IIIB or IV", {3, 4}),
        ("2 to 4", {2, 3, 4}),
        ("0, I, and II", {0, 1, 2}),
    ],
)
def test_a_list_or_range_of_stages_is_read_as_its_stages(listed: str, ranks: set[int]) -> None:
    from assistant.eligibility import _stage_ranks

    assert _stage_ranks(listed) == ranks


@pytest.mark.parametrize(
    ("question", "excepted"),
    [
        ("I had stage I breast cancer 3 years ago, in complete remission now", True),
        ("I had stage III breast cancer 3 years ago, in complete remission now", False),
        ("I had stage 4 colon cancer 2 years ago, in complete remission now", False),
    ],
)
def test_an_exception_of_named_stages_does_not_reach_another_stage(
    reasoner: EligibilityReasoner, question: str, excepted: bool
) -> None:
    text = (
        "No other malignancy within past 5 years except adequately treated basal cell skin cancer, or other stage I "
        "or II cancer in complete remission"
    )
    assessment = reasoner.assess(question, [criterion(EXCLUSION, 4, text)], {})
    assert (assessment.decision is Decision.CONDITIONS) is excepted, [(f.fact, f.decision) for f in assessment.findings]


def test_a_disease_named_by_its_eponym_alone_is_caught_by_its_class(reasoner: EligibilityReasoner) -> None:
    """ "I have Parkinson's" (the head noun dropped, as people say it) is a neurodegenerative disease."""
    diseases = [criterion(EXCLUSION, 3, "Neurodegenerative disease")]
    assert reasoner.assess("I have Parkinson's", diseases, {}).decision is Decision.EXCLUDED


def test_a_narrowing_word_at_the_end_of_the_line_before_still_narrows(cautious: EligibilityReasoner) -> None:
    """Classic XML records hard-wrap sentences: "No chronic\\n corticosteroid therapy" names chronic use, which a
    5-day burst is not shown to be."""
    wrapped = [criterion(ELIGIBILITY, 3, "No chronic\n          corticosteroid therapy (greater than 3 months)")]
    assessment = cautious.assess("I had a 5-day prednisone burst that ended 4 weeks ago", wrapped, {})
    assert assessment.decision is not Decision.EXCLUDED, assessment.findings


@pytest.mark.parametrize(
    ("question", "excepted"),
    [
        ("I had a squamous cell carcinoma removed from my arm 3 years ago", False),
        ("I had a basal cell carcinoma removed from my arm 3 years ago", True),
    ],
)
def test_an_exception_sharing_words_with_another_kind_does_not_name_the_case(
    reasoner: EligibilityReasoner, question: str, excepted: bool
) -> None:
    """ "carcinoma in situ of the cervix or basal cell carcinoma" shares "cell carcinoma" with a squamous cell
    carcinoma, which is another kind: the exception is not the asker's."""
    text = "No prior other malignancy except adequately treated carcinoma in situ of the cervix or basal cell carcinoma"
    decision = reasoner.assess(question, [criterion(EXCLUSION, 2, text)], {}).decision
    assert (decision is Decision.CONDITIONS) is excepted, decision


def test_a_bound_missed_in_a_list_of_which_one_is_enough_does_not_exclude(reasoner: EligibilityReasoner) -> None:
    """ "1 or more risk factors (age 30 and over, WBC at least 20,000/mm^3)": a WBC of 8,000 misses one item of a
    list that asks for any one of them."""
    text = (
        "CR1 - high risk defined as overt CNS involvement, 1 or more risk factors\n   (age 30 and over, WBC at least "
        "20,000/mm^3, at least 4 weeks to CR1, myeloid\n   phenotype)"
    )
    listed = [criterion(INCLUSION, 2, text)]
    assessment = reasoner.assess("My WBC at diagnosis was 8,000/mm^3", listed, {})
    assert assessment.decision is not Decision.EXCLUDED, assessment.findings
    plain = [criterion(INCLUSION, 2, "WBC at least 20,000/mm^3")]
    assert reasoner.assess("My WBC at diagnosis was 8,000/mm^3", plain, {}).decision is Decision.EXCLUDED


def test_an_exception_for_other_cancers_is_not_about_a_kind_of_the_studied_cancer(
    reasoner: EligibilityReasoner,
) -> None:
    """In a head and neck cancer trial, "... any other neoplastic disease except ... other cancer curatively treated
    by surgery" speaks of other cancers: a nasopharyngeal carcinoma (a kind of the one studied) is not excepted."""
    text = (
        "At least 5 years since any other neoplastic disease except curatively treated basal cell skin cancer or "
        "other cancer curatively treated by surgery"
    )
    summary = {"conditions": fact("conditions", "Head and Neck Cancer")}
    question = "My husband has stage IV nasopharyngeal carcinoma that can't be operated on"
    assessment = reasoner.assess(question, [criterion(ELIGIBILITY, 17, text)], summary)
    assert assessment.decision is not Decision.CONDITIONS, assessment.findings


def test_kinds_listed_together_before_a_noun_do_not_narrow_it(reasoner: EligibilityReasoner) -> None:
    """ "IgG, IgM, or IgA antiphospholipid antibodies" lists kinds of the antibodies together: anticardiolipin
    antibodies are still read against the criterion; "HIV infection" is no criterion about hepatitis C."""
    antibodies = [criterion(EXCLUSION, 5, "High titer IgG, IgM, or IgA antiphospholipid antibodies")]
    assert reasoner.assess("I have anticardiolipin antibodies", antibodies, {}).findings
    infection = [criterion(EXCLUSION, 6, "Active HIV infection")]
    assert not reasoner.assess("I have hepatitis C", infection, {}).findings


def test_an_exception_printed_beside_a_limit_keeps_a_missed_value_from_excluding(
    reasoner: EligibilityReasoner,
) -> None:
    """ "Renal: Creatinine clearance greater than 50 mL/min / Renal dysfunction due to ureteral obstruction by tumor
    allowed": the second relaxes the first; one who tells of that cause is not excluded by the first. Under another
    sub-heading, or told without the cause, the limit still excludes."""
    limit = "Creatinine clearance greater than 60 mL/min"
    allowance = "Kidney dysfunction caused by ureteral obstruction from the tumor allowed at investigator discretion"
    question = "My creatinine clearance is 45, the tumor is blocking my ureter. Am I excluded?"
    beside = [criterion(ELIGIBILITY, 8, limit, heading="Renal:"), criterion(ELIGIBILITY, 9, allowance, "Renal:")]
    assessment = reasoner.assess(question, beside, {})
    assert assessment.decision is Decision.UNDECIDED, [(f.fact, f.decision, f.reason) for f in assessment.findings]
    elsewhere = [criterion(ELIGIBILITY, 8, limit, heading="Renal:"), criterion(ELIGIBILITY, 9, allowance, "Other:")]
    assert reasoner.assess(question, elsewhere, {}).decision is Decision.EXCLUDED
    assert reasoner.assess("My creatinine clearance is 45. Am I excluded?", beside, {}).decision is Decision.EXCLUDED


def test_a_footnote_mark_ties_a_limit_to_the_note_that_excepts_it(reasoner: EligibilityReasoner) -> None:
    """ "Bilirubin less than 2 times normal*" and, two items on, "NOTE: * Unless Gilbert's syndrome present": with
    Gilbert's told, the missed bilirubin limit is no verdict; a limit without the mark still excludes."""
    note = "Alkaline phosphatase less than 3 times normal NOTE: * Unless Gilbert's syndrome present"
    question = "I have Gilbert's syndrome and my bilirubin is 3 times normal. Can I join?"
    for marked, decision in (
        ("Bilirubin less than 2 times normal*", Decision.UNDECIDED),
        ("Bilirubin less than 2 times normal", Decision.EXCLUDED),
    ):
        listed = [
            criterion(INCLUSION, 4, marked),
            criterion(INCLUSION, 5, "Platelets at least 100,000/mm^3"),
            criterion(INCLUSION, 6, note),
        ]
        assessment = reasoner.assess(question, listed, {})
        assert assessment.decision is decision, (marked, [(f.fact, f.decision, f.reason) for f in assessment.findings])


@pytest.mark.parametrize(
    ("question", "decision"),
    [
        ("Honestly pramipexole never did much for me. Would I qualify?", Decision.EXCLUDED),
        ("Pramipexole didn't help me at all. Can I join?", Decision.EXCLUDED),
        # taking it says nothing of how well it worked: the requirement is quoted with what decides it
        ("I have been taking pramipexole for a year. Can I join?", Decision.UNDECIDED),
    ],
)
def test_a_response_the_question_denies_misses_a_required_good_response(
    reasoner: EligibilityReasoner, question: str, decision: Decision
) -> None:
    """ "Prior history of good response to X" requires the response; "X never did much for me" says the opposite."""
    listed = [criterion(INCLUSION, 3, "Prior history of good response to pramipexole")]
    assessment = reasoner.assess(question, listed, {})
    assert assessment.decision is decision, [(f.fact, f.decision, f.reason) for f in assessment.findings]


def test_a_lesion_told_as_irradiated_is_the_opposite_of_one_required_unirradiated(
    reasoner: EligibilityReasoner,
) -> None:
    listed = [criterion(INCLUSION, 2, "Measurable metastatic melanoma that has not been irradiated")]
    irradiated = reasoner.assess("My melanoma tumor has been irradiated. Can I join?", listed, {})
    assert [f.reason.startswith("the criterion requires the opposite") for f in irradiated.findings] == [True]
    plain = reasoner.assess("I have metastatic melanoma. Can I join?", listed, {})
    assert not any(f.reason.startswith("the criterion requires the opposite") for f in plain.findings)


def test_an_exception_speaks_to_a_narrower_case_the_question_names(reasoner: EligibilityReasoner) -> None:
    """ "(unless secondary to tumor)" speaks to a value told as due to leukemic infiltration of the liver (a kind of
    neoplasm in MeSH), though they share no word; a cause of another kind does not."""
    listed = [criterion(ELIGIBILITY, 10, "Bilirubin no greater than 2 mg/dL (unless secondary to tumor)")]
    question = "Her bilirubin is 2.6 mg/dL, attributed to leukemic infiltration of the liver. Is she out?"
    assessment = reasoner.assess(question, listed, {})
    assert [f.decision for f in assessment.findings if f.path.startswith("value")] == [Decision.CONDITIONS]
    other = reasoner.assess("Her bilirubin is 2.6 mg/dL from hepatitis C. Is she out?", listed, {})
    assert [f.decision for f in other.findings if f.path.startswith("value")] == [Decision.EXCLUDED]


@pytest.mark.parametrize(
    ("text", "decision"),
    [
        # the limit met, and more required after a bare "and" that the question does not tell
        ("Creatinine less than 2 times normal and not rising for at least 4 weeks", Decision.CONDITIONS),
        # another bound after "and" is checked as a bound; nothing after the limit, the value decides
        ("Creatinine less than 2 times normal and creatinine clearance at least 60 mL/min", Decision.UNDECIDED),
        ("Creatinine less than 2 times normal", Decision.ALLOWED),
    ],
)
def test_a_requirement_that_goes_on_after_its_limit_is_met_only_on_its_conditions(
    reasoner: EligibilityReasoner, text: str, decision: Decision
) -> None:
    assessment = reasoner.assess(
        "Her creatinine is 1.5 times normal. Is that acceptable?", [criterion(INCLUSION, 9, text)], {}
    )
    assert assessment.decision is decision, [(f.fact, f.decision, f.reason) for f in assessment.findings]

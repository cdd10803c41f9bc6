"""Question parser: facts a patient states, checked against parsed criteria. Pure, no model, no store."""

from __future__ import annotations

import pytest

from assistant.patient_facts import (
    PatientFacts,
    age_in_days,
    corrected_history,
    elapsed_in_window,
    parse_question,
    split_clauses,
    time_put_in_place,
    value_referred_back,
    values_put_in_place,
    without_correction_talk,
    without_time_since_put_in_place,
)
from ingest.constraints import parse_criterion, window_contains
from ingest.measures import DAYS_PER_UNIT, Comparator, Comparison, compare, same_measure


def quote(text: str, span: tuple[int, int] | None) -> str:
    assert span is not None
    return text[span[0] : span[1]]


HEADLINE = "I'm 63, my PSA is 2.8 and my last chemo was 3 weeks ago - can I join?"


def test_headline_question() -> None:
    facts = parse_question(HEADLINE)
    assert facts.age == 63
    assert quote(HEADLINE, facts.age_span) == "63"
    assert [(m.measure, m.quantity.value) for m in facts.measurements] == [("psa", 2.8)]
    assert quote(HEADLINE, facts.measurements[0].span) == "PSA is 2.8"
    [chemo] = facts.elapsed
    assert chemo.event == "chemo" and chemo.days_ago == 21
    assert [quote(HEADLINE, c) for c in facts.clauses] == [
        "I'm 63",
        "my PSA is 2.8",
        "my last chemo was 3 weeks ago",
        "can I join",  # a dash set off by spaces parts clauses
    ]


def test_headline_against_criteria() -> None:
    facts = parse_question(HEADLINE)
    window = parse_criterion("Chemotherapy within 4 weeks before the first dose").windows[0]
    assert window_contains(facts.elapsed[0].days_ago or 0, window) is True
    five_weeks = parse_question("my last chemo was 5 weeks ago").elapsed[0]
    assert window_contains(five_weeks.days_ago or 0, window) is False
    age = parse_criterion("Age 18 to 60 years").comparisons[0].comparison
    stated = age_in_days(facts)
    assert stated is not None
    assert compare(stated, age) is False


# --- age --------------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("question", "age"),
    [
        ("I'm 70 and have COPD", 70),
        ("I am 45 years old", 45),
        ("my 12-year-old has asthma", 12),
        ("aged 16, is that too young?", 16),
        ("a 63 yo man with prostate cancer", 63),
        ("he is 71", 71),
        ("My son is 9, can he join?", 9),
        ("she's 58", 58),
        ("I am a 40-year-old woman", 40),
        ("my 8-month-old daughter", 8 / 12),
        ("I'm 63, my PSA is 2.8", 63),
        # a word before the relative ("my little girl", "our youngest son"), or the rank alone
        ("My little girl is 3 and has thalassemia major. She gets blood every 3 weeks.", 3),
        ("Our youngest son is 12.", 12),
        ("My youngest is 7 and has asthma.", 7),
        # "'s" for "is" after the relative
        ("My son's 13. Skateboard crash this afternoon.", 13),
        ("my daughter's 9 and has asthma", 9),
    ],
)
def test_age_only_where_stated(question: str, age: float) -> None:
    assert parse_question(question).age == pytest.approx(age)


@pytest.mark.parametrize(
    ("question", "criterion", "expected"),
    [
        ("I am over 65", "Age ≥ 65 years", True),
        ("I am over 65", "Age > 65 years", None),  # over 65 may be 65 and a half: undecided, not a guess
        ("she is under 18", "Age 18 years or older", None),
        ("I'm about 70", "Age ≤ 75", True),
        ("I'm nearly 18", "Age ≥ 18", None),
        ("My dad, 71, has COPD", "Age 18 to 70 years", False),
    ],
)
def test_age_bounds(question: str, criterion: str, expected: bool | None) -> None:
    stated = age_in_days(parse_question(question))
    assert stated is not None
    assert compare(stated, parse_criterion(criterion).comparisons[0].comparison) is expected


@pytest.mark.parametrize(
    "question",
    [
        "I'm 5'10 and 180 lbs",
        "I took a 10-day course of antibiotics",
        "I have a 3 cm lesion",
        "my creatinine clearance 40",
        "I've been diabetic for 15 years",
        "I had surgery 2 weeks ago",
        "stage 4 lung cancer",
        "type 2 diabetes",
        "I'm 20 weeks pregnant",
        "I'm 5 feet tall",
        "my Karnofsky is 60",
        "I'm 2 cycles into chemo",
        "ECOG 2",
        "I weigh 70 kg",
        "he is 6 months post transplant",
    ],
)
def test_numbers_that_are_not_ages(question: str) -> None:
    assert parse_question(question).age is None


# --- sex --------------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("question", "sex", "asks"),
    [
        ("I'm a woman with breast cancer", "female", None),
        ("my husband has lung cancer, can he join?", "male", None),
        ("can women join?", None, "female"),
        ("Are men eligible?", None, "male"),
        ("a 63 yo man", "male", None),
        ("my wife is 50", "female", None),
        ("I'm 63, my PSA is 2.8", None, None),
        # words between the article and the noun
        ("I'm a bisexual guy. I mostly date women but sometimes hook up with men. Can I take part?", "male", None),
        ("I'm a stay-at-home dad. Can I join?", "male", None),
        # the people one dates or has sex with are not the group asked about; a group asked about still is
        ("Is this study for men who have sex with men?", None, "male"),
        # a man the asker tells of beside themselves, when no one else is asked about, is not the candidate
        ("The baby's father and I aren't in contact and I can't reach him. Is his consent needed?", None, None),
        ("She is 45. Is she too old?", "female", None),
        # a follow-up opening on a relative of the first candidate: that relative's sex, not the possessive's
        ("What about his twin sister then?", "female", None),
        ("And her brother just turned 16. Could he join?", "male", None),
        ("He is 40 and his wife has cancer.", "male", None),
        # a pronoun after the one who treats the candidate may be theirs: no sex told
        ("The melanoma in my neck spread to my parotid. Surgeon says he got it all. Is that allowed?", None, None),
        ("The dermatologist says she removed the whole mole. Is that allowed?", None, None),
        ("Can he join? His pediatrician says yes.", "male", None),
    ],
)
def test_sex(question: str, sex: str | None, asks: str | None) -> None:
    facts = parse_question(question)
    assert (facts.sex, facts.asks_about_sex) == (sex, asks)


# --- measurements -----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("question", "measure", "value", "unit"),
    [
        ("my Karnofsky is 60", "karnofsky", 60, "%"),
        ("PSA 2.8", "psa", 2.8, "ng/mL"),
        ("eGFR of 45", "egfr", 45, "mL/min"),
        ("bilirubin 1.2 times the upper limit", "bilirubin", 1.2, "xULN"),
        ("a 4 mm nodule", "lesion_size", 4, "mm"),
        ("ECOG 2", "ecog", 2, "score"),
        ("BMI 41", "bmi", 41, "kg/m2"),
        ("I had two lines of chemo", "prior_lines", 2, "score"),
        ("I got 70 Gy to the chest", "radiation_dose", 70, "Gy"),
        ("PASI 8", "pasi", 8, "score"),
        ("a 1.2 cm tumour", "lesion_size", 12, "mm"),
        ("FEV1 of 55%", "head:fev1", 55, "%"),
        ("creatinine clearance 40", "crcl", 40, "mL/min"),
    ],
)
def test_measurements(question: str, measure: str, value: float, unit: str) -> None:
    [measurement] = parse_question(question).measurements
    assert (measurement.measure, measurement.quantity.unit) == (measure, unit)
    assert measurement.quantity.value == pytest.approx(value)


def first_comparison(criterion: str) -> Comparison:
    return parse_criterion(criterion).comparisons[0].comparison


@pytest.mark.parametrize(
    ("question", "criterion", "expected"),
    [
        ("my Karnofsky is 60", "Karnofsky ≥ 70%", False),
        ("my Karnofsky is 90", "Karnofsky ≥ 70%", True),
        ("bilirubin 1.2 times the upper limit", "Total bilirubin > 1.5 x ULN", False),  # exclusion not met
        ("PASI 8", "PASI >= 12", False),
        ("a 4 mm nodule", "at least one lesion >= 10 mm", False),
        ("a 1.2 cm tumour", "measurable lesion >= 10 mm", True),
        ("I had two lines of chemo", "more than two prior lines of therapy", False),
        ("ECOG 2", "ECOG performance status 0-1", False),
        ("ECOG 1", "ECOG performance status 0-1", True),
        ("FEV1 of 55%", "FEV1 >= 50% predicted", True),
        ("eGFR of 45", "eGFR ≥ 60 mL/min/1.73m2", False),
    ],
)
def test_stated_values_against_criteria(question: str, criterion: str, expected: bool) -> None:
    measurement = parse_question(question).measurements[0]
    parsed = parse_criterion(criterion)
    [target] = [c for c in parsed.comparisons if same_measure(c.measure, measurement.measure)]
    assert compare(measurement.quantity, target.comparison) is expected


def test_incompatible_units_are_undecided() -> None:
    measurement = parse_question("bilirubin 1.2 mg/dL").measurements[0]
    assert compare(measurement.quantity, first_comparison("Total bilirubin > 1.5 x ULN")) is None
    creatinine = parse_question("my creatinine is 110").measurements[0]
    assert compare(creatinine.quantity, first_comparison("Creatinine ≤ 1.5 mg/dL")) is None


@pytest.mark.parametrize(
    ("question", "criterion", "expected"),
    [
        ("platelets 150", "Platelets ≥ 100,000/mm3", True),  # bare 150 is 150 x10^9/L
        ("platelets 90", "Platelet count ≥ 100 x 10^9/L", False),
        ("ANC 1.2", "ANC ≥ 1,500/mm3", False),
        ("hemoglobin 95", "Hemoglobin ≥ 9 g/dL", True),  # bare 95 is g/L
        # neutrophils in hundreds are per µL: no one has 850,000 per µL
        ("ANC 850", "ANC (segmental neutrophils plus bands) >= 750 and < 1000 cells/mm3", True),
        ("ANC 850", "ANC >= 750", True),
        ("ANC 600", "ANC ≥ 1,500/mm3", False),
        ("ANC 1.2", "ANC > 500", True),
        ("WBC 3.5", "WBC ≥ 3,000/mm3", True),
        ("WBC 2500", "WBC ≥ 3.0 x 10^9/L", False),
        ("WBC 800", "WBC > 1000 cells/mm3", False),
    ],
)
def test_bare_counts_read_by_magnitude(question: str, criterion: str, expected: bool) -> None:
    measurement = parse_question(question).measurements[0]
    assert compare(measurement.quantity, first_comparison(criterion)) is expected


# --- elapsed ----------------------------------------------------------------------------------------------------------
def test_a_day_word_in_a_question_about_the_future_dates_nothing() -> None:
    assert not parse_question("Can he start this morning?").elapsed


@pytest.mark.parametrize(
    ("question", "event", "days_ago", "duration"),
    [
        ("my last chemo was 3 weeks ago", "chemo", 21, None),
        ("biopsy 4 months ago", "biopsy", 4 * 30.4375, None),
        ("I stopped my steroids 10 days ago", "steroids", 10, None),
        ("It has been 5 weeks since my last chemo", "chemo", 35, None),
        ("I had surgery in March", "surgery", None, None),
        ("I've been diabetic for 15 years", "diabetic", None, 15 * 365.25),
        ("I had a heart attack a year ago", "heart attack", 365.25, None),
        # "one" is a number the quantity parser reads: one event, not the same one twice
        ("I had surgery one month ago", "surgery", 30.4375, None),
        # the article is the number in "since" sentences too, whatever word stresses it
        ("It has been a full month since my last chemo", "chemo", 30.4375, None),
        # days counted back by their words
        ("I took my last antibiotic pill yesterday", "antibiotic pill", 1, None),
        ("I had chemo the day before yesterday", "chemo", 2, None),
        ("I've had psoriasis for more than 10 years", "psoriasis", None, 3652.5),
        # the article is the number of a length too, with every cue a numbered length has
        ("I have been on lithium for a year", "on lithium", None, 365.25),
        ("I had a month of INH", "INH", None, 30.4375),
        ("it's been about a year and a half on AZT", "AZT", None, 1.5 * 365.25),
        # a word between the number and its unit
        ("I stopped chemo 3 full weeks ago", "chemo", 21, None),
    ],
)
def test_elapsed(question: str, event: str, days_ago: float | None, duration: float | None) -> None:
    [elapsed] = parse_question(question).elapsed
    assert elapsed.event == event
    assert quote(question, elapsed.event_span) == event
    assert elapsed.days_ago == (None if days_ago is None else pytest.approx(days_ago))
    assert elapsed.duration_days == (None if duration is None else pytest.approx(duration))


@pytest.mark.parametrize(
    ("question", "criterion", "expected"),
    [
        ("my last chemo was 3 weeks ago", "Chemotherapy within 4 weeks before the first dose", True),
        ("my last chemo was 5 weeks ago", "Chemotherapy within 4 weeks before the first dose", False),
        ("I had surgery over a month ago", "Major surgery within 4 weeks prior to enrollment", False),
        ("I had surgery over a month ago", "At least 6 weeks since prior surgery", None),  # 31 days or 3 months?
        ("I had radiation a year ago", "At least 6 weeks since prior radiotherapy", True),
        ("I had chemo within the last 2 weeks", "Chemotherapy within 4 weeks before the first dose", True),
        ("I had chemo within the last 2 weeks", "At least 28 days since prior chemotherapy", False),
        ("I had chemo in the past 6 weeks", "At least 28 days since prior chemotherapy", None),
        ("I had surgery in March", "Major surgery within 4 weeks prior to enrollment", None),
    ],
)
def test_elapsed_in_window(question: str, criterion: str, expected: bool | None) -> None:
    [elapsed] = parse_question(question).elapsed
    [window] = parse_criterion(criterion).windows
    assert elapsed_in_window(elapsed, window) is expected


def test_blood_pressure_pair() -> None:
    stated = {m.measure: m.quantity.value for m in parse_question("my blood pressure is 150/95").measurements}
    assert stated == {"systolic_bp": 150, "diastolic_bp": 95}
    limits = parse_criterion("Uncontrolled hypertension (blood pressure > 160/100 mmHg)").comparisons
    assert [(c.measure, c.comparison.value.value) for c in limits] == [("systolic_bp", 160), ("diastolic_bp", 100)]
    # as people say it
    spoken = {m.measure: m.quantity.value for m in parse_question("my blood pressure runs 150 over 95").measurements}
    assert spoken == {"systolic_bp": 150, "diastolic_bp": 95}
    # "over" as a preposition is no pair
    assert [m.measure for m in parse_question("blood pressure 150 over the last year").measurements] == [
        "blood_pressure"
    ]


# --- negation ---------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("question", "negated"),
    [
        ("I don't have diabetes", ["diabetes"]),
        ("I never smoked", ["smoked"]),
        ("no history of stroke or heart attack", ["stroke or heart attack"]),
        ("I'm not pregnant", ["pregnant"]),
        ("I'm not on steroids", ["steroids"]),
        ("I don't have diabetes, never smoked, and I'm not on steroids", ["diabetes", "smoked", "steroids"]),
        ("I have diabetes and smoke", []),
        ("I'm not sure about my PSA", []),
        # clinicians' shorthand: never given what the word before names
        ("Failed TMP-SMX, atovaquone-naive, consenting", ["atovaquone"]),
        ("He is treatment naive", ["treatment"]),
        ("My naive T cells were counted", []),
        ("grade 1 acute GVHD of the skin, nothing chronic", ["chronic"]),
        # a treatment refused or declined was not had (pyConText's definite negated existence)
        ("I turned down interferon because of the side effects", ["interferon"]),
        ("She declined the radiation", ["the radiation"]),
        ("He declined after the surgery", []),  # a health that worsened refuses nothing
        ("He declined rapidly over the chemo", []),
    ],
)
def test_negated(question: str, negated: list[str]) -> None:
    assert [quote(question, n.scope_span) for n in parse_question(question).negated] == negated


# --- unmet circumstances matched to criteria --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("question", "kind", "criterion"),
    [
        ("I can't travel", "travel", "Able to travel to the study site"),
        ("I cannot come weekly", "travel", "Willing to attend weekly clinic visits"),
        ("I live alone", "caregiver", "Must have a caregiver who can accompany the patient"),
        ("there is no one who can consent for him", "legal_representative", "Has a legally authorized representative"),
        ("I don't have a smartphone", "device", "Access to a smartphone"),
        ("I don't speak English", "language", "Speaks English"),
        ("she is unable to swallow pills", "swallow", "Able to swallow tablets"),
    ],
)
def test_unmet_matches_requirement_kind(question: str, kind: str, criterion: str) -> None:
    facts = parse_question(question)
    assert [u.kind for u in facts.unmet] == [kind]
    assert parse_criterion(criterion).requirement_kind == kind


@pytest.mark.parametrize(
    "question",
    [
        "I don't have diabetes",
        "I can travel",
        "I live with my wife",
        "I'm 63",
        # "can't" said of taking part itself: the question asks whether they may, and lacks nothing
        "My CD4 is 150. Doesn't that mean I can't be in this?",
        "So he can't join then?",
        "Does that mean I cannot take part?",
        # a past "couldn't" giving the reason for something told
        "She had to stop the chemo after one cycle because she couldn't tolerate it.",
        "I stopped metformin because I could not tolerate it.",
    ],
)
def test_no_unmet_without_a_missing_capacity(question: str) -> None:
    assert parse_question(question).unmet == ()


def test_a_lack_said_with_a_joining_word_elsewhere_is_still_unmet() -> None:
    assert [u.kind for u in parse_question("He can't get in the car easily, so can he join?").unmet] == ["ability"]
    # "couldn't" outside a reason clause may be the conditional of a lack now
    assert [u.kind for u in parse_question("I couldn't travel to Boston every week.").unmet] == ["travel"]


# --- healthy volunteers and clauses -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("question", "healthy"),
    [
        ("I'm healthy, can I volunteer?", True),
        ("I have no medical conditions", True),
        ("I'm a healthy volunteer aged 30", True),
        ("Could I join as one of the healthy comparison people?", True),  # a word between "healthy" and its noun
        ("I'm healthy except for asthma", False),
        ("I'm healthy but diabetic", False),
        ("I'm healthy, but I have asthma", False),
        # a wish after "but" tells no condition
        ("I'm completely healthy with no parasites, but I'd like to volunteer so you can study my blood.", True),
        ("I have asthma", False),
    ],
)
def test_healthy_volunteer(question: str, healthy: bool) -> None:
    assert parse_question(question).healthy_volunteer is healthy


def test_clauses_split_on_sentences_commas_and_and() -> None:
    text = "I'm 70. My platelets are 100,000 and my ECOG is 1, but I live alone!"
    assert [quote(text, c) for c in split_clauses(text)] == [
        "I'm 70",
        "My platelets are 100,000",
        "my ECOG is 1",
        "I live alone",
    ]


def test_clauses_split_on_a_dash_set_off_but_not_inside_a_range() -> None:
    text = "My kidney function is reduced — my eGFR is around 35. It was 30 - 40 last year - then it fell"
    assert [quote(text, c) for c in split_clauses(text)] == [
        "My kidney function is reduced",
        "my eGFR is around 35",
        "It was 30 - 40 last year",
        "then it fell",
    ]


def test_spans_always_inside_text() -> None:
    facts: PatientFacts = parse_question(HEADLINE + " I don't have a smartphone and I live alone.")
    spans = [facts.age_span, *(m.span for m in facts.measurements), *(e.span for e in facts.elapsed)]
    spans += [n.scope_span for n in facts.negated] + [u.span for u in facts.unmet] + list(facts.clauses)
    for span in spans:
        assert span is not None and 0 <= span[0] < span[1] <= len(facts.text)


@pytest.mark.parametrize(
    ("question", "measure", "value"),
    [
        ("My EDSS was scored at 7.0 at my last neuro visit.", "head:edss", 7.0),  # a scale named by an acronym
        ("Teen patient scored 21 on the PHQ-8.", "head:phq", 21.0),  # named after the number; "-8" is in the name
        ("Screening CD4 count came back 290/mm3.", "head:cd4", 290.0),  # "came back" does not name it
    ],
)
def test_values_of_scales_named_by_acronyms(question: str, measure: str, value: float) -> None:
    found = [(m.measure, m.quantity.value) for m in parse_question(question).measurements]
    assert found == [(measure, value)]


def test_a_bare_number_after_a_plain_word_is_not_a_measurement() -> None:
    assert parse_question("My dose is 2 a day and I had COVID-19 twice.").measurements == ()


@pytest.mark.parametrize(
    ("question", "grade"),
    [
        ("My mother spends most of the day in bed now because she's so weak.", 3.0),
        ("He is in bed or a chair more than half of the day.", 3.0),  # the grade-3 definition itself
        ("He is bedridden since the stroke.", 4.0),
        ("I stay in bed on Sundays.", None),
        ("I was in bed most of last week with the flu.", None),  # a passing illness, not a performance status
        ("I'm in bed most nights by 9.", None),
        ("She stayed in bed all day yesterday.", None),
        ("My ECOG is 1 and I'm in bed most of the day.", 1.0),  # a stated grade wins over a description
    ],
)
def test_performance_status_from_the_scales_own_descriptions(question: str, grade: float | None) -> None:
    found = [m.quantity.value for m in parse_question(question).measurements if m.measure == "ecog"]
    assert found == ([] if grade is None else [grade])


@pytest.mark.parametrize(
    ("question", "age"),
    [
        ("Is 67 too old?", 67.0),
        ("Am I too young at 16?", 16.0),
        ("Is 16 old enough?", 16.0),
        ("Is 5 mg too much?", None),
        ("At 66, am I too old for this? Relapsed lymphoma, scheduled for a transplant.", 66.0),
        ("My PSA was 4. At 70, is he old enough?", 70.0),
        ("At 5 mg, is the dose too strong?", None),
    ],
)
def test_a_number_beside_too_old_or_young_is_an_age(question: str, age: float | None) -> None:
    assert parse_question(question).age == age


@pytest.mark.parametrize(
    ("question", "age"),
    [
        ("I had asthma as a kid but grew out of it around age 10. Does that matter?", None),
        ("I was diagnosed at age 12 and I am 40 now.", 40.0),
        ("Can I join at the age of 70?", 70.0),  # asked now: the asker's age
        ("My son, age 7, has asthma.", 7.0),
    ],
)
def test_an_age_when_something_happened_is_not_the_askers_age(question: str, age: float | None) -> None:
    assert parse_question(question).age == age


@pytest.mark.parametrize(
    ("question", "others"),
    [
        ("My aunt had breast cancer, can I join?", ["My aunt had breast cancer"]),
        ("I'm 45 and my mother had Alzheimer's disease.", ["my mother had Alzheimer's disease"]),
        ("I have a family history of colon cancer. Am I eligible?", ["colon cancer"]),
        ("Diabetes runs in my family, can I join?", ["Diabetes"]),
        ("My husband wants to join. His mother had a stroke.", ["His mother had a stroke"]),
        ("Can my son join? My wife had lupus.", ["My wife had lupus"]),
        # the relative asked about is the candidate, not someone else
        ("My dad has COPD; can he join?", []),
        ("My mother has Alzheimer's. Is this study right for her?", []),
        ("Could my daughter take part? She has asthma.", []),
        # a question that does not say who would join: the facts stay the candidate's
        ("My father has diabetes.", []),
    ],
)
def test_facts_of_someone_else(question: str, others: list[str]) -> None:
    assert [quote(question, span) for span in parse_question(question).others] == others


@pytest.mark.parametrize(
    ("question", "hypothetical"),
    [
        ("I could get pregnant during the study, is that ok?", ["pregnant during the study"]),
        ("I'm planning to start HRT next year.", ["HRT next year"]),
        ("What if I need surgery while on the study?", ["I need surgery while on the study"]),
        # the subject carried over from the first half, and an adverb before the verb
        ("I'm 34 and could still get pregnant.", ["pregnant"]),
        # a conditional that states the asker's case, and questions about oneself, are not hypothetical
        ("Can I join if I have diabetes?", []),
        ("Could I join? I want to know if my asthma matters.", []),
        ("I had surgery in May.", []),
    ],
)
def test_what_may_happen(question: str, hypothetical: list[str]) -> None:
    assert [quote(question, span) for span in parse_question(question).hypothetical] == hypothetical


@pytest.mark.parametrize(
    ("question", "negated"),
    [
        # NegEx post-negation triggers
        ("The surface antigen is negative.", ["surface antigen"]),
        ("My HIV test came back negative.", ["HIV test"]),
        # a hyphen joins the trigger to one word: the tumour is not negated, its HER2 is
        ("My tumour is HER2-negative.", ["HER2"]),
        # a negated treatment does not negate what it was for
        ("I have never been treated for hepatitis B.", ["been treated"]),
        # the scope runs to the end of a list it stopped inside
        (
            "He has never taken an NNRTI such as nevirapine or efavirenz.",
            ["taken an NNRTI such as nevirapine or efavirenz"],
        ),
        # a negative question opening a sentence asks for confirmation; it negates nothing
        ("My FEV1 is 85%. Doesn't the criterion need FEV1 under 80%?", []),
        ("Can't I join if I have asthma?", []),
        ("I don't have diabetes.", ["diabetes"]),
    ],
)
def test_negation_scopes(question: str, negated: list[str]) -> None:
    assert [quote(question, n.scope_span) for n in parse_question(question).negated] == negated


def test_a_test_not_done_leaves_its_result_unknown() -> None:
    question = "I've never been tested for HIV."
    facts = parse_question(question)
    assert [quote(question, s) for s in facts.hypothetical] == ["HIV"]
    assert [quote(question, n.scope_span) for n in facts.negated] == ["been tested"]


@pytest.mark.parametrize(
    ("question", "resolved"),
    [
        (
            "I had breast cancer 10 years ago - surgery only, no sign of it since. Now I have CMML.",
            ["I had breast cancer 10 years ago - surgery only, no sign of it since"],
        ),
        ("My hepatitis C was cured in 2019. Can I join?", ["My hepatitis C was cured in 2019"]),
        (
            "Thyroid taken out 9 years ago and every scan since has been clean.",
            ["Thyroid taken out 9 years ago and every scan since has been clean"],
        ),
        (
            "I had a melanoma removed eight years ago and have been clear since. Is that a problem?",
            ["I had a melanoma removed eight years ago and have been clear since"],
        ),
        ("I no longer have asthma. Can I join?", ["I no longer have asthma"]),
        # a past event is not said to be over ("I had a heart attack" may leave heart disease)
        ("I had a heart attack five years ago. Can I join?", []),
    ],
)
def test_what_the_asker_says_is_over(question: str, resolved: list[str]) -> None:
    assert [quote(question, span) for span in parse_question(question).resolved] == resolved


@pytest.mark.parametrize(
    ("question", "others"),
    [
        # the relative would join: what the asker says of themselves is the asker's, not the candidate's
        (
            "I take a prenatal vitamin with iron while I'm nursing. Would that keep my baby out?",
            ["I take a prenatal vitamin with iron while I'm nursing", "I'm nursing"],
        ),
        ("I have asthma. Can my son join?", ["I have asthma"]),
        # the asker is the candidate: their own facts stay theirs
        ("I have asthma. Can I join?", []),
        # first-person sentences that speak of the candidate, or report or worry, are not the asker's own facts
        ("I have a son who has asthma. Can he join?", []),
        ("I was told my son has autism. Can he join?", []),
        ("I'm worried my daughter has ADHD. Can she join?", []),
        # a pronoun that points at things or at the study team, beside a question about the asker: the asker joins
        ("I have Kaposi's sarcoma spots and never had chemo for them. Does that exclude me?", []),
        ("I have asthma. Can they enroll me?", []),
        # a pronoun that points at the one who would join, with no question about the asker
        ("I have asthma. Is there anything for him?", ["I have asthma"]),
        ("I have asthma. Can I consent for him?", ["I have asthma"]),  # what the asker may do for him: he joins
    ],
)
def test_the_askers_own_facts_when_a_relative_would_join(question: str, others: list[str]) -> None:
    assert [quote(question, span) for span in parse_question(question).others] == others


def test_a_body_mass_index_is_worked_out_from_weight_and_height() -> None:
    derived = [m for m in parse_question("He weighs 118 kg and is 170 cm tall.").measurements if m.measure == "bmi"]
    assert len(derived) == 1 and derived[0].quantity.unit == "kg/m2"
    assert derived[0].quantity.value == pytest.approx(40.8, abs=0.05)
    # the index the question states is not overridden, and one of the two alone gives none
    stated = parse_question("My BMI is 31, I weigh 90 kg and I'm 170 cm tall.").measurements
    assert [m.quantity.value for m in stated if m.measure == "bmi"] == [31.0]
    assert not [m for m in parse_question("I weigh 90 kg.").measurements if m.measure == "bmi"]


@pytest.mark.parametrize(
    ("question", "age"),
    [
        ("I'm still breastfeeding my 5-month-old. Is that a problem for joining?", None),
        ("I'm 40 and my 5-year-old has asthma. Can I join?", 40.0),
        # the child asked about is the candidate
        ("My 8-year-old son has asthma. Can he join?", 8.0),
        # with the candidate untold, the child is the candidate only as the clause's subject
        ("My 5-year-old has asthma. Eligible?", 5.0),
        ("I live with my 2-year-old son. Is that a problem with the vaccinia vaccine?", None),
    ],
)
def test_a_possessed_age_is_the_candidates_only_when_they_are_asked_about(question: str, age: float | None) -> None:
    assert parse_question(question).age == age


@pytest.mark.parametrize(
    ("question", "measure"),
    [
        ("My fasting blood sugar last week was 205 mg/dL.", "glucose"),
        ("I've lost 4 kg over the past year without trying.", "weight_loss"),
        ("I weigh about 70 kg.", "weight"),
    ],
)
def test_ctcae_measures_named_in_lay_words(question: str, measure: str) -> None:
    assert [m.measure for m in parse_question(question).measurements] == [measure]


def test_a_clinicians_age_and_sex_opening_the_question() -> None:
    facts = parse_question("48-year-old woman: Hb 12.6 g/dL, platelets 150,000/uL. Any problem with those values?")
    assert (facts.age, facts.sex) == (48.0, "female")
    assert [m.measure for m in facts.measurements] == ["hemoglobin", "platelets"]


def test_turns_gives_the_age() -> None:
    assert parse_question("Once he turns 14 next month, would his age still be a problem?").age == 14.0


@pytest.mark.parametrize(
    ("question", "age"),
    [
        # an age to come is supposed only when no age now is told
        ("I'm 65, turning 66 this spring. Am I still in the age range?", 65.0),
        ("Oh sorry, I'm actually 75, I turn 76 next month.", 75.0),
        ("I turn 18 next week, can I join?", 18.0),
        # unless the question supposes the age to come
        ("My son is 13. And once he turns 14 next month, would his age still be a problem?", 14.0),
        ("I'm 17. What about when I turn 18?", 18.0),
        # one adverb between "I'm" and the age
        ("Is it a problem that I'm really 80?", 80.0),
        ("I'm nearly 18.", 18.0),
    ],
)
def test_the_age_told_now_outweighs_an_age_to_come(question: str, age: float) -> None:
    assert parse_question(question).age == age


@pytest.mark.parametrize(
    ("question", "days"),
    [
        ("He's 4 hours old and weighs 3.4 kg.", 4 / 24),
        ("My baby is 3 weeks old.", 21.0),
        ("She is 10 days old and feeding well.", 10.0),
    ],
)
def test_a_newborns_age_in_hours_days_or_weeks(question: str, days: float) -> None:
    facts = parse_question(question)
    assert facts.age is not None and facts.age * 365.25 == pytest.approx(days)


@pytest.mark.parametrize(
    ("question", "measure", "times"),
    [
        ("ALT is 150 U/L with an upper limit of normal of 40, bilirubin normal.", "alt", 3.75),
        ("ALT 110 U/L, our lab's ULN is 40.", "alt", 2.75),
        ("Her creatinine is 1.6 mg/dL and our lab's upper limit of normal is 1.2 mg/dL.", "creatinine", 1.33),
        ("Her AST is 70 U/L (upper limit 40).", "ast", 1.75),
    ],
)
def test_a_value_with_the_labs_upper_limit_is_also_times_the_limit(question: str, measure: str, times: float) -> None:
    measured = parse_question(question).measurements
    derived = [m for m in measured if m.quantity.unit == "xULN" and m.comparator is Comparator.EQ]
    assert [(m.measure, m.quantity.value) for m in derived] == [(measure, times)]
    # the stated limit is not a value of its own
    assert all(not m.measure.startswith("head:") for m in measured)


@pytest.mark.parametrize(
    "question",
    [
        "Hb 125 g/L with an upper limit of 160",  # read in g/dL: not divided by a limit written in g/L
        "creatinine 124 umol/L and the upper limit of normal is 1.2 mg/dL",  # the limit in another unit
        "bilirubin 1.5 x ULN",  # already times the limit
    ],
)
def test_no_times_the_limit_where_units_do_not_allow_it(question: str) -> None:
    times = [m for m in parse_question(question).measurements if m.quantity.unit == "xULN"]
    assert len(times) <= 1 and all("x ULN" in question for _ in times)


@pytest.mark.parametrize(
    ("question", "bmi"),
    [
        ("I'm 1.60 m tall and weigh 118 kg.", 46.1),
        ("I'm 5 foot 9 and weigh 250 pounds.", 36.9),
        ("He is 6'1\" and weighs 200 lbs.", 26.4),
    ],
)
def test_a_height_in_metres_or_feet_gives_the_body_mass_index(question: str, bmi: float) -> None:
    measured = {m.measure: m.quantity.value for m in parse_question(question).measurements}
    assert measured.get("bmi") == bmi, measured


@pytest.mark.parametrize("question", ["I walked 2 m and weigh 80 kg.", "The lesion is 1.5 m wide and I weigh 80 kg."])
def test_metres_that_are_not_a_height(question: str) -> None:
    assert "height" not in {m.measure for m in parse_question(question).measurements}


def test_a_mass_told_of_a_person_is_their_weight() -> None:
    measured = {m.measure: m.quantity.value for m in parse_question("I am 1.75m tall and 90 kg.").measurements}
    assert measured == {"weight": 90.0, "height": 1750, "bmi": 29.4}
    # a dose per kilogram and a weight lost are not a body weight
    assert "weight" not in {m.measure for m in parse_question("dose 10 mg/kg; I have lost 5 kg").measurements}


# --- pack-years -------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("question", "criterion", "expected"),
    [
        # worked out from packs a day and years smoked, against the criterion's pack-years
        (
            "I smoked about half a pack a day for 12 years and quit three years ago.",
            "> 10 pack year smoking history",
            False,
        ),
        ("He smoked half a pack a day for 15 years.", "Current or ex-smokers (at least 10 PY)", False),
        ("I have smoked a pack a day for 30 years.", "Smoking history of at least 20 pack-years", True),
        ("I smoked 10 cigarettes a day for 20 years.", "Smoking history of at least 10 pack-years", True),
        ("I smoked 2 packs per day for 6 years.", "more than 10 pack years", True),
        # stated as pack-years
        ("I smoked for about 6 pack-years and quit 8 months ago.", "less than 15 pack years", True),
    ],
)
def test_pack_years_against_a_smoking_history_limit(question: str, criterion: str, expected: bool) -> None:
    [measurement] = [m for m in parse_question(question).measurements if m.measure == "pack_years"]
    assert compare(measurement.quantity, first_comparison(criterion)) is expected


def test_no_pack_years_without_how_long() -> None:
    assert not [m for m in parse_question("I smoke about a pack a day.").measurements if m.measure == "pack_years"]


@pytest.mark.parametrize(
    ("question", "days_ago"),
    [
        # how long a state of not using has lasted is how long ago the last use was
        ("I used to inject drugs, but I have been completely clean for two years.", 730.5),
        ("I have been sober for 18 months.", 547.875),
        ("He's been off cigarettes for 3 years.", 1095.75),
        # how long something has been taken or had is not
        ("I have been on insulin for 3 years.", None),
        ("I have been diabetic for 15 years.", None),
    ],
)
def test_how_long_abstinent_dates_the_last_use(question: str, days_ago: float | None) -> None:
    [elapsed] = parse_question(question).elapsed
    assert elapsed.days_ago == days_ago


# --- corrections in a conversation ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("told", "question", "kept"),
    [
        # one thing put in place of another
        (
            "I had a melanoma removed from my back two years ago. Can I join?",
            "And if it had been a basal cell skin cancer instead of a melanoma?",
            "I had a basal cell skin cancer removed from my back two years ago. Can I join?",
        ),
        # a time corrected, or put in place of the one told: the follow-up's own time decides
        (
            "I had a chest cold with a bad cough about three weeks ago. Does that matter?",
            "Sorry, I checked my calendar and it was actually just over two months ago. Does that change things?",
            "I had a chest cold with a bad cough. Does that matter?",
        ),
        (
            "I stopped taking ddI two weeks ago. Is that a problem?",
            "And if it had been two months since my last dose of ddI?",
            "I stopped taking ddI. Is that a problem?",
        ),
        # a time put in place of the one told keeps the rest of the turn, naming the same thing or not
        (
            "I had a COPD flare-up last week and I'm on prednisone for it. Could I still join later on?",
            "And if my last flare-up had been two months ago, with nothing since?",
            "I had a COPD flare-up and I'm on prednisone for it. Could I still join later on?",
        ),
        # a correction naming the same thing again replaces the turn it corrects
        (
            "I'm on weekly Fosamax. Can I still join?",
            "Sorry, I got that wrong: I stopped the Fosamax two years ago.",
            None,
        ),
        # no correction: told as it was
        (
            "I stopped taking ddI two weeks ago.",
            "And I also take Bactrim. Is that a problem?",
            "I stopped taking ddI two weeks ago.",
        ),
    ],
)
def test_a_follow_up_corrects_what_was_told(told: str, question: str, kept: str | None) -> None:
    assert corrected_history([told], question) == ([kept] if kept else [])


def test_a_correction_takes_out_the_clause_naming_most_of_what_it_names() -> None:
    told = (
        "My viral load has been climbing on my current meds, my CD4 is 320, and I have been on my current combination"
        " for four months. Do I qualify?"
    )
    question = "Actually, I got that wrong: I only switched to my current combination four weeks ago."
    kept = corrected_history([told], question)
    # "current combination" names the clause it corrects; "current meds" shares one word of it and stays
    assert len(kept) == 1 and "four months" not in kept[0], kept
    assert "climbing on my current meds" in kept[0] and "CD4 is 320" in kept[0], kept


@pytest.mark.parametrize(
    ("told", "question", "expected"),
    [
        # the correction names no event the earlier turn names: its time stands in for the one told
        (
            "I had a microdiscectomy 8 months ago for a hernia at a different level. Can I take part?",
            "Sorry, I got the date wrong: the surgery was actually 14 months ago. Does that change things?",
            "I had a microdiscectomy 14 months ago for a hernia at a different level. Can I take part?",
        ),
        (
            "I got my flu shot four months ago. Can I still join?",
            "Hmm, I checked and it was actually last September, about eight months ago.",
            "I got my flu shot about eight months ago. Can I still join?",
        ),
        # a further fact is no correction ("also"); two times told leave it open which one is corrected
        ("I had chemo 3 months ago. Can I join?", "Actually, I also had radiation two weeks ago.", None),
        ("I had chemo 3 months ago and surgery 2 months ago.", "Sorry, it was actually 5 months ago.", None),
        # no correction at all
        ("I had chemo 3 months ago. Can I join?", "And I take metformin. Is that a problem?", None),
    ],
)
def test_a_corrected_time_is_put_in_place_of_the_one_told(told: str, question: str, expected: str | None) -> None:
    assert time_put_in_place([told], question) == (None if expected is None else [expected])


def test_correction_talk_is_no_fact() -> None:
    said = "Sorry, I got the date wrong: the surgery was actually 14 months ago. Does that change things?"
    assert without_correction_talk(said) == "the surgery was 14 months ago. Does that change things?"
    assert without_correction_talk("Hmm, I checked and it was last September.") == "it was last September."


@pytest.mark.parametrize(
    ("question", "event", "days"),
    [
        # a supposed start some time after an event: at that start the event lies that far back
        ("Suppose I wait until a full year after the last shot. Would I be OK then?", "shot", 365.25),
        ("OK, so if I wait until four months after that trial ended, would that be fine?", "trial ended", 121.75),
        ("What if randomisation happens six weeks after that prednisone course ended?", "prednisone course ended", 42),
        ("It would be 3 months after my surgery by then.", "surgery", 91.3125),
        # the study's start told in the present: "the first shot is N after ..."
        ("What if the first shot is five weeks after my last dose?", "dose", 35),
        # a start moved later, and one that refers back to the event told before, whose time it replaces
        ("What if enrollment is delayed until 8 weeks after my last chemo?", "chemo", 56),
        (
            "I had a heart attack 4 months ago. What if screening was pushed back to 7 months after it?",
            "heart attack",
            7 * 30.4375,
        ),
    ],
)
def test_a_supposed_start_after_an_event_dates_the_event(question: str, event: str, days: float) -> None:
    (elapsed,) = parse_question(question).elapsed
    assert elapsed.event == event and elapsed.days_ago == pytest.approx(days)


@pytest.mark.parametrize(
    ("question", "told"),
    [
        # a supposed time before the study's start is the time since the event at that start, and one for an event
        # told before by name replaces its time
        (
            "I took Claritin until about two weeks ago. And if my last Claritin had been a month before starting?",
            [("Claritin", 30.4375)],
        ),
        ("What if my last dose was 6 weeks before the first study dose?", [("", 42.0)]),
        # the past told, or a time before something other than the study's start, dates nothing
        ("I stopped Claritin 2 weeks before my surgery.", []),
        ("I stopped it 2 weeks before starting the other study.", []),
        # a wait before the start moves the times told (read elsewhere), it dates no event of its own
        ("If I wait another two weeks before the first dose, is that long enough?", []),
    ],
)
def test_a_supposed_time_before_the_start_dates_the_event(question: str, told: list[tuple[str, float]]) -> None:
    elapsed = parse_question(question).elapsed
    assert [(e.event, pytest.approx(e.days_ago)) for e in elapsed] == told


@pytest.mark.parametrize(
    "told",
    [
        "I started metformin 2 weeks after my surgery.",
        "The rash started 2 weeks after my surgery.",  # the past told: no time since the surgery
        "It happened three days after the last dose.",
        "My first shot was 2 weeks after my surgery.",  # the past: no supposed start
    ],
)
def test_a_time_after_an_event_that_is_no_supposed_start_dates_nothing(told: str) -> None:
    assert not parse_question(told).elapsed


@pytest.mark.parametrize(
    ("question", "retold"),
    [
        ("What about once it's been 5 weeks?", "my last BCNU chemo was 5 weeks ago. Can I enroll?"),
        ("OK, and if I wait until it's been 5 weeks?", "my last BCNU chemo was 5 weeks ago. Can I enroll?"),
        ("If I wait until it's been a month, would that work?", "my last BCNU chemo was a month ago. Can I enroll?"),
        ("And if I wait until its been 5 weeks?", "my last BCNU chemo was 5 weeks ago. Can I enroll?"),  # as typed
        # no supposing, a time of another kind, or a time that names its own event: the turn stays as told
        ("It's been 5 weeks of hell.", "my last BCNU chemo was 3 weeks ago. Can I enroll?"),
        ("What if it's been 5 weeks in the hospital?", "my last BCNU chemo was 3 weeks ago. Can I enroll?"),
    ],
)
def test_a_supposed_time_since_retimes_the_one_event_the_conversation_dated(question: str, retold: str) -> None:
    assert corrected_history(["my last BCNU chemo was 3 weeks ago. Can I enroll?"], question) == [retold]


@pytest.mark.parametrize(
    ("question", "kept"),
    [
        ("What if nothing has spread to my liver?", ["My SGOT is 4 times normal; Does that disqualify me"]),
        ("What if I didn't have diabetes?", None),  # nothing of it told: the turn stays
        ("What if I don't stop taking the aspirin?", None),  # a change denied, not the thing
    ],
)
def test_a_case_supposed_away_goes_from_the_earlier_turns(question: str, kept: list[str] | None) -> None:
    told = ["My SGOT is 4 times normal, but that's because the cancer has spread to my liver. Does that disqualify me?"]
    if "aspirin" in question:
        told = ["I take aspirin daily. Can I join?"]
    assert corrected_history(told, question) == (kept if kept is not None else told)


@pytest.mark.parametrize(
    ("question", "event", "days"),
    [
        ("I'm on prednisone. Suppose I come off it completely and wait 5 weeks?", "it", 35.0),
        ("What if I stop the prednisone and then wait a month?", "the prednisone", 30.4375),
        ("Could I quit Lipitor, wait two weeks and join?", "Lipitor", 14.0),
        ("I will stop smoking and wait for my surgery.", None, None),  # a wait of no stated length dates nothing
    ],
)
def test_a_stop_and_a_wait_date_the_last_use(question: str, event: str | None, days: float | None) -> None:
    told = [(e.event, e.days_ago) for e in parse_question(question).elapsed]
    assert told == ([(event, days)] if event else [])


def test_a_supposed_time_since_leaves_two_dated_events_alone() -> None:
    told = ["Chemo ended 3 weeks ago and radiation 2 weeks ago. OK?"]
    assert corrected_history(told, "What about once it's been 5 weeks?") == told


def test_a_case_put_instead_replaces_the_clause_naming_it() -> None:
    told = ["I take Zovirax pills for herpes outbreaks, and my CD4 is 300. Is that allowed?"]
    kept = corrected_history(told, "What if I only used Zovirax cream on the sores instead?")
    assert kept == ["my CD4 is 300; Is that allowed"], kept


@pytest.mark.parametrize(
    ("question", "supposed"),
    [
        ("What if I need chemo during the study?", True),  # may happen
        ("What if I only used Zovirax cream on the sores instead?", False),  # a case told in the past: checked
        ("What if the pH test had been done at a different hospital?", False),
    ],
)
def test_what_if_in_the_past_tense_is_a_case_to_check(question: str, supposed: bool) -> None:
    assert bool(parse_question(question).hypothetical) is supposed


@pytest.mark.parametrize(
    ("told", "question", "kept"),
    [
        # a supposed case names the clause it stands in for: that clause takes the supposed time
        (
            "I had breast cancer seven years ago, and there's been no sign of it since. Does that count against me?",
            "What if my cancer treatment had finished only three years ago?",
            "I had breast cancer only three years ago; there's been no sign of it since; Does that count against me",
        ),
        # a supposed start after the event dates the clause that named the event, at that time back
        (
            "My last dose of methotrexate was two weeks ago. Can I start the injections?",
            "What if the first injection is six weeks after my last dose?",
            "My last dose of methotrexate was six weeks ago; Can I start the injections",
        ),
        # a correction naming a dated clause corrects its time; the rest of the turn stays as told
        (
            "I've had AIDS since 1997, and three weeks ago the eye doctor found CMV retinitis. Could I enrol?",
            "Sorry, I got that wrong: the retinitis was found about two months ago, not three weeks.",
            "I've had AIDS since 1997; about two months ago the eye doctor found CMV retinitis; Could I enrol",
        ),
        # put "instead" with a time: the clause naming it takes the time, the rest of the turn stays
        (
            "I had a thyroid nodule taken out nine years ago and it has not come back. Is that OK?",
            "What if it had been taken out two years ago instead?",
            "I had a thyroid nodule taken out two years ago; it has not come back; Is that OK",
        ),
        # the clause naming it has no time; the next one dates it by a pronoun, and takes the supposed time
        (
            "I had radiotherapy after my lumpectomy and finished it 10 months ago. Does that keep me out?",
            "What if the radiotherapy had ended 3 months ago?",
            "I had radiotherapy after my lumpectomy; finished it 3 months ago; Does that keep me out",
        ),
    ],
)
def test_a_supposed_or_corrected_time_goes_to_the_clause_it_names(told: str, question: str, kept: str) -> None:
    assert corrected_history([told], question) == [kept]


def test_a_thousands_separator_does_not_end_a_told_event() -> None:
    (told,) = parse_question("I got 2,000 cGy to my chest about 4 months ago. Does that stop me?").elapsed
    assert told.event.startswith("2,000 cGy to my chest")


@pytest.mark.parametrize(
    ("question", "sex"),
    [
        ("I stopped breastfeeding my son about 8 months ago. Does that still count against me?", None),
        ("I am 40 and my husband has HIV. Can I join?", None),
        ("My son is 14. Can he join?", "male"),
        ("My dad has COPD; can he join?", "male"),
        ("Male patient, 64, can I refer him?", "male"),
        # a relative who would give to the asker (a donor) is not the one who would take part
        ("My brother said he'd be my donor. Is that enough to qualify?", None),
        ("My sister wants to be my donor. Does that help?", None),
        ("My son could be a donor for his sister. Can he join?", "male"),
        # a relative who lives with the asker is a household contact, unless the question asks about them
        ("My 2 year old granddaughter lives with us full time. Is that a problem for the vaccine study?", None),
        ("My mother lives with us and has dementia. Could she take part?", "female"),
    ],
)
def test_a_relative_gives_the_candidates_sex_only_when_the_candidate_is_not_the_asker(
    question: str, sex: str | None
) -> None:
    assert parse_question(question).sex == sex


@pytest.mark.parametrize(
    ("question", "days"),
    [
        ("I had shingles about a year and a half ago.", 547.875),
        ("I had shingles one and a half years ago.", 547.875),
        ("I had shingles two and a half years ago.", 913.125),
        ("I had shingles a year ago.", 365.25),
    ],
)
def test_a_number_and_a_half_dates_an_event(question: str, days: float) -> None:
    (told,) = parse_question(question).elapsed
    assert told.event == "shingles" and told.days_ago == days


@pytest.mark.parametrize(
    ("question", "days"),
    [
        ("I have been on metformin for a year and a half.", 547.875),
        ("I've been on the same dose for about two and a half months.", 76.09375),
    ],
)
def test_a_number_and_a_half_says_how_long(question: str, days: float) -> None:
    (told,) = parse_question(question).elapsed
    assert told.duration_days == days and told.days_ago is None


@pytest.mark.parametrize(
    ("question", "days_ago"),
    [
        # a stated wait puts what was told that much further back
        ("I had a stent put in 10 months ago. What if I wait 3 more months?", 395.6875),
        ("My last chemo was 2 weeks ago. What if I wait another week?", 21.0),
        ("My last chemo was 2 weeks ago. What if I wait another 2 weeks?", 28.0),
        # a vague one leaves it unknown
        ("I had a stent put in 10 months ago. So if I wait a couple more months, is it still a problem?", None),
        # no wait supposed: what was told stands
        ("I had surgery 3 weeks ago and can wait for the results.", 21.0),
    ],
)
def test_a_supposed_wait_moves_the_times_told_before_it(question: str, days_ago: float | None) -> None:
    (told,) = parse_question(question).elapsed
    assert told.days_ago == days_ago


def test_waiting_until_a_time_is_reached_replaces_what_was_told_of_the_same_thing() -> None:
    question = (
        "I just started lithium three weeks ago. Can I join? And if I wait until I've been on the same lithium dose "
        "for 10 weeks?"
    )
    (told,) = parse_question(question).elapsed
    assert told.duration_days == 70 and "lithium" in told.event


def test_weeks_pregnant_is_a_gestational_age_not_a_time_ago() -> None:
    facts = parse_question("I'm 20 weeks pregnant. Can I join?")
    assert [(m.measure, m.quantity.value) for m in facts.measurements] == [("gestational_age", 140.0)]
    assert facts.elapsed == ()
    # "pregnant" before a time is no such value
    assert parse_question("I got pregnant 6 months ago.").measurements == ()


def test_a_wait_adds_to_a_pregnancy_told_before_it() -> None:
    # "25 weeks pregnant ... wait three more weeks": 28 weeks when the wait is over; a vague wait leaves it unknown
    told = parse_question("I'm 25 weeks pregnant right now. And if I wait three more weeks before signing up?")
    assert [(m.measure, m.quantity.value) for m in told.measurements] == [("gestational_age", 196.0)]
    vague = parse_question("I'm 25 weeks pregnant. What if I wait a few more weeks?")
    assert all(m.measure != "gestational_age" for m in vague.measurements)


@pytest.mark.parametrize(
    ("question", "years"),
    [
        # in whole years, as the registry's limits count them ("14 and a half" is inside "maximum age 14 Years")
        ("What if she were three and a half?", 3.0),
        ("My daughter is 3 and a half.", 3.0),
        ("She is 14 and a half years old.", 14.0),
        ("What if she were twelve?", 12.0),
        # a number word followed by more than the clause's end or "years" is no age
        ("She's one tough kid, can she join?", None),
        ("He is two months pregnant", None),
        ("My husband's 2 brothers had strokes.", None),
    ],
)
def test_an_age_said_in_words_or_with_a_half(question: str, years: float | None) -> None:
    # ages had been read in digits only, so "What if she were three and a half?" left the age told before to decide
    facts = parse_question(question)
    assert facts.age == years
    if years is not None and "half" in question:
        assert facts.age_span is not None and question[slice(*facts.age_span)].endswith("and a half")


def test_born_at_weeks_is_the_gestational_age_at_birth() -> None:
    # "My baby was born at 35 weeks" against "Infants born at >34 weeks gestational age" had been read as nothing
    facts = parse_question("And if that same baby had been born at 35 weeks?")
    assert [(m.measure, m.quantity.value) for m in facts.measurements] == [("gestational_age", 245.0)]
    assert [m.measure for m in parse_question("I delivered at 39 weeks.").measurements] == ["gestational_age"]
    # a weight at birth is no weeks of pregnancy: it is the birth weight
    weighed = parse_question("He was born at 1500 g.").measurements
    assert [(m.measure, m.quantity.value, m.quantity.unit) for m in weighed] == [("weight", 1.5, "kg")]


@pytest.mark.parametrize(
    ("question", "days", "age_now"),
    [
        ("Our daughter was 14 months old when they found the leukemia. Can she be enrolled?", 426.1, None),
        ("My son was diagnosed with ALL at 14 months old. Is he eligible?", 426.1, None),
        ("I'm 60 now. My cluster headaches started when I was 55.", 20088.8, 60.0),
        ("My cluster headaches didn't start until I was 52. I'm 58 now.", 18993.0, 58.0),
        ("She was first diagnosed with B-ALL at 19; she is 20 now.", 6939.8, 20.0),
    ],
)
def test_an_age_told_at_a_diagnosis_or_onset_is_no_age_now(question: str, days: float, age_now: float | None) -> None:
    facts = parse_question(question)
    assert [(m.measure, round(m.quantity.value, 1)) for m in facts.measurements] == [("age_at_diagnosis", days)]
    assert facts.age == age_now
    assert facts.elapsed == ()  # "14 months" is no time ago either


def test_a_dose_after_an_onset_is_no_age() -> None:
    facts = parse_question("I started metformin at 500 mg twice a day.")
    assert all(m.measure != "age_at_diagnosis" for m in facts.measurements)


def test_a_participle_after_a_counted_noun_is_not_what_is_counted() -> None:
    # "one brain metastasis treated with radiation" counted "treated" things, and the metastasis was no topic
    facts = parse_question("I had one brain metastasis treated with radiation.")
    assert [(m.measure, m.quantity.value) for m in facts.measurements] == [("count:metastasis", 1.0)]


@pytest.mark.parametrize(
    ("question", "second"),
    [
        # named by no measure, only by where it came from or when: another value of the one measure named before
        (
            "My PD-L1 was 60% when I was diagnosed, but the new biopsy after treatment stopped working shows 0%.",
            "pd_l1",
        ),
        ("My HbA1c was 8% last year and now it's 6.9%.", "hba1c"),
        # a name of its own, though the lexicon lacks it
        ("My glucose is 110 mg/dL and my cholesterol is 200 mg/dL.", "head:cholesterol"),
        ("My glucose is 110 mg/dL and my cholesterol came back at 200 mg/dL.", "head:cholesterol"),
        ("My glucose is 110 mg/dL and the lab report shows cholesterol at 200 mg/dL.", "head:cholesterol"),
    ],
)
def test_a_value_named_only_by_where_it_came_from_is_the_measure_named_before(question: str, second: str) -> None:
    measures = [m.measure for m in parse_question(question).measurements]
    assert measures[1] == second, measures


@pytest.mark.parametrize(
    "question",
    ["I took AZT for 2 years and stopped it 3 months ago.", "I was on AZT for 2 years, and I stopped it 3 months ago."],
)
def test_a_time_told_of_it_keeps_how_long_the_event_lasted(question: str) -> None:
    # "stopped it 3 months ago" dates the AZT told before; how long it was taken stays a fact of it.
    (azt,) = parse_question(question).elapsed
    assert "AZT" in azt.event
    assert azt.days_ago == pytest.approx(3 * DAYS_PER_UNIT["month"])
    assert azt.duration_days == pytest.approx(2 * DAYS_PER_UNIT["year"])


@pytest.mark.parametrize(
    ("question", "healthy"),
    [
        (
            "His younger sister has never had chickenpox, but she's healthy and HIV negative. Is living with her OK?",
            False,
        ),
        ("My husband has diabetes but he's healthy otherwise. Can I join?", False),
        ("My husband has diabetes but I'm healthy. Can I join?", True),
        ("My daughter is 12 and she's healthy. Can she join?", True),
    ],
)
def test_healthy_said_of_another_person_is_not_the_candidate(question: str, healthy: bool) -> None:
    # "she's healthy" after telling of his sister speaks of the sister; a relative of "his" is someone else's
    assert parse_question(question).healthy_volunteer is healthy


def test_a_length_supposed_for_an_event_told_by_name_replaces_its_length() -> None:
    # "6 months on Retrovir": a length spent on something; supposed after "What if", it is Retrovir's new length
    question = (
        "I took Retrovir for about 2 years and stopped it 3 months ago. What if it had only been 6 months on Retrovir?"
    )
    (retrovir,) = parse_question(question).elapsed
    assert retrovir.duration_days == pytest.approx(6 * DAYS_PER_UNIT["month"])
    assert retrovir.days_ago == pytest.approx(3 * DAYS_PER_UNIT["month"])
    # an acronym names the event however short it is
    question = "I took INH for about 3 months and then quit. What if it had only been about 3 weeks of INH?"
    (inh,) = parse_question(question).elapsed
    assert inh.duration_days == pytest.approx(3 * DAYS_PER_UNIT["week"])
    (told,) = parse_question("I've had two years of methotrexate.").elapsed
    assert told.event == "methotrexate" and told.duration_days == pytest.approx(2 * DAYS_PER_UNIT["year"])


def test_waiting_until_a_time_has_passed_is_a_case_to_check_not_a_possibility() -> None:
    # the supposition is only the time: the Diflucan was taken, and the case is "5 weeks since"
    facts = parse_question("What if I wait until it's been 5 weeks since the Diflucan?")
    assert not facts.hypothetical
    (diflucan,) = facts.elapsed
    assert diflucan.event == "Diflucan" and diflucan.days_ago == pytest.approx(35)
    assert parse_question("What if I need chemo later?").hypothetical


def test_an_article_is_no_length_without_a_cue_that_says_so() -> None:
    # "twice a day" is a frequency; "a week" after "for" is how long
    [lasted] = parse_question("I take prednisone twice a day for a week").elapsed
    assert lasted.duration_days == 7 and lasted.days_ago is None
    assert parse_question("He is a year old").elapsed == ()


def test_a_correction_that_tells_a_length_replaces_the_length_told() -> None:
    told = "I have been on AZT for about 8 months now. Does that meet the prior treatment requirement?"
    question = "Actually I looked at my records and it's been about a year and a half on AZT. Still ok?"
    assert all("8 months" not in turn for turn in corrected_history([told], question))
    # no correction: a length told beside the first stays with it
    assert corrected_history([told], "I've also had a month of INH. Is that a problem?") == [told]


def test_a_wait_until_a_length_that_names_nothing_told_supposes_the_one_length_told_longer() -> None:
    told = "My daughter has been on Prozac for about a month."
    question = "What if we wait until she's been on the same dose for two full months?"
    lengths = [e.duration_days for e in parse_question(f"{told} {question}").elapsed]
    assert lengths == [pytest.approx(2 * DAYS_PER_UNIT["month"])]


@pytest.mark.parametrize(
    ("question", "age"),
    [
        # "in" before a time to come is no inch
        ("He turns 4 in two months.", 4),
        # asked about the time the age to come is reached, that age is the one checked
        ("My son just turned 3. He turns 4 in two months. Would he be able to join then?", 4),
        # asked now, the age now
        ("I'm 65, turning 66 this spring. Am I still in the age range?", 65),
        # a child the asker lives with is not the candidate
        ("We have a 3 year old at home. Is that allowed?", None),
        ("I have a 10-year-old with ADHD. Can he join?", 10),
    ],
)
def test_an_age_to_come_and_a_household_members_age(question: str, age: float | None) -> None:
    assert parse_question(question).age == age


def test_an_age_to_come_told_in_a_follow_up_takes_the_place_of_the_age_told() -> None:
    told = ["My son just turned 3 and gets chemo. Can he be scanned in this study?"]
    [turn] = values_put_in_place(told, "He turns 4 in two months. Would he be able to join then?")
    assert parse_question(turn).age == 4


def test_a_test_supposed_done_again_takes_the_old_tests_date_out() -> None:
    told = "His IGF-1 was low when they checked it 9 months ago. Is that good enough?"
    [kept] = corrected_history(
        [told], "If his doctor rechecks it next week and it's still below normal, would that work?"
    )
    assert "9 months ago" not in kept and "IGF-1" in kept
    # a supposition that is no new test keeps the date
    assert corrected_history([told], "What if he had a growth spurt?") == [told]


@pytest.mark.parametrize("question", ["cd4 was 520 at my last check", "my il6 came back 150"])
def test_a_lab_code_typed_in_lower_case_names_its_value(question: str) -> None:
    # "CD4 520" was read; "cd4 520", as people type it in a chat, had lost its value
    assert [m.measure for m in parse_question(question).measurements if m.measure.startswith("head:")]


@pytest.mark.parametrize(
    ("question", "measure", "value"),
    [
        ("i live about 20 miles from the hospital", "distance", 20 * 1.609344),
        ("We live 12 km from the clinic", "distance", 12.0),
    ],
)
def test_a_distance_told_in_miles_or_km(question: str, measure: str, value: float) -> None:
    found = [m.quantity.value for m in parse_question(question).measurements if m.measure == measure]
    assert found == [pytest.approx(value)]


@pytest.mark.parametrize(
    ("question", "readings"),
    [
        ("My CD4 was 150 two years ago and is 300 now. Eligible?", [150.0, 300.0]),
        ("My CD4 was 350 in January and it's 150 now.", [350.0, 150.0]),
        ("Before I started Lupron my PSA was 28; now it's down to 3.", [28.0, 3.0]),
        ("My last two viral loads were 120,000 and 50,000.", [120000.0, 50000.0]),
        ("My PSA has gone 0.4, then 0.6, then 0.8 over the last three months.", [0.4, 0.6, 0.8]),
        # not a reading of the measure told before: a scale's end, another person's value, a quoted limit, a spelled
        # "one", a drug's name, a year, an age
        ("My PHQ-9 score was 12 out of 27.", [12.0]),
        ("My CD4 is 150 and my husband's is 300.", [150.0]),
        ("His A-a gradient is 35 mmHg. Inclusion says under 40, so he qualifies, right?", [35.0]),
        ("My last CD4 was 92 but the one before that was higher.", [92.0]),
        ("My viral load is 15,000 copies/ml, and he takes AZT and 3TC.", [15000.0]),
        ("My CD4 is 300, and I was diagnosed in 2015.", [300.0]),
        ("My CD4 is 300 and I'm 45.", [300.0]),
    ],
)
def test_a_bare_value_after_a_named_one_is_a_later_reading_of_it(question: str, readings: list[float]) -> None:
    facts = parse_question(question)
    first = next(m.measure for m in facts.measurements if not m.measure.startswith("count:"))
    told = [m for m in facts.measurements if same_measure(m.measure, first)]
    assert [m.quantity.value for m in told] == readings
    assert len({m.quantity.unit for m in told}) == 1


def test_an_adverb_of_time_after_a_number_is_not_what_it_counts() -> None:
    assert not any(m.measure.startswith("count:") for m in parse_question("and it's 150 now").measurements)


@pytest.mark.parametrize(
    "question",
    [
        "It has been two and a half years since my last cigarette.",
        "And if it had been 2 and a half years since my last cigarette?",
    ],
)
def test_a_number_and_a_half_since_an_event_is_a_time_since_it(question: str) -> None:
    [since] = parse_question(question).elapsed
    assert since.event == "cigarette" and since.days_ago == pytest.approx(2.5 * 365.25)


@pytest.mark.parametrize(
    "question", ["My CD4 has hovered around 35 for the last year.", "My CD4 has stayed at 35.", "My CD4 sat at 35."]
)
def test_a_level_told_with_a_verb_of_staying_is_read(question: str) -> None:
    """ "has hovered around 35": the CD4 had gone unread, and a viral load alone gave "allowed"."""
    assert [(m.measure, m.quantity.value) for m in parse_question(question).measurements] == [("head:cd4", 35.0)]


def test_a_treatment_to_be_taken_up_again_is_not_what_is_the_case() -> None:
    """ "would I be allowed to go back on my HIV meds during the study?" supposes it; it is not taken now."""
    question = "Say I get in and later my CD4 drops to about 300 - would I be allowed to go back on my HIV meds?"
    facts = parse_question(question)
    meds = question.index("HIV meds")
    assert any(start <= meds < end for start, end in facts.hypothetical), facts.hypothetical


@pytest.mark.parametrize(
    ("question", "days"),
    [
        # the time after ", not" is taken back, and its "not" denies no condition
        ("My last use was 6 weeks ago, not last night. Does that change things?", [42.0]),
        ("I stopped it 3 months ago, not 2 weeks ago.", [91.3125]),
        # two times told, none taken back
        ("I stopped it 3 months ago and started the new one 2 weeks ago.", [91.3125, 14.0]),
    ],
)
def test_a_time_taken_back_is_no_time_told(question: str, days: list[float]) -> None:
    facts = parse_question(question)
    assert [e.days_ago for e in facts.elapsed] == days
    assert not facts.negated


@pytest.mark.parametrize(
    ("question", "age"),
    [
        ("Her 5th birthday was yesterday, so what about now?", 5.0),  # a birthday passed
        ("She just had her 18th birthday.", 18.0),
        ("OK, and what if we wait until his 13th birthday next month?", 13.0),  # one supposed
        ("His 5th birthday is next month. Can he join now?", None),  # one to come, not supposed: no age now
    ],
)
def test_an_ordinal_birthday_tells_the_age_reached_or_supposed(question: str, age: float | None) -> None:
    assert parse_question(question).age == age


@pytest.mark.parametrize(
    ("question", "age"),
    [
        # the asker asks for themselves: an age told of "she" is another person's (the baby's)
        ("I'm still breastfeeding my baby girl (she's 4 months old). Could I sign up?", None),
        # asked for her, it is hers
        ("My daughter has asthma, she's 12. Can she join?", 12.0),
    ],
)
def test_an_age_told_of_a_third_person_is_not_the_askers(question: str, age: float | None) -> None:
    assert parse_question(question).age == age


@pytest.mark.parametrize(
    ("question", "negated"),
    [
        ("He can't get through a day without his Xanax.", False),  # two negations: what he needs
        ("I can't sleep without my inhaler.", False),
        ("He is without insurance.", True),
    ],
)
def test_without_after_a_negated_ability_denies_nothing(question: str, negated: bool) -> None:
    assert bool(parse_question(question).negated) is negated


@pytest.mark.parametrize(
    ("question", "rest"),
    [
        ("And if I wait until its been 5 weeks?", "?"),
        ("What about once it's been 5 weeks, would that work?", ", would that work?"),
        ("It's been 5 weeks of hell.", "It's been 5 weeks of hell."),  # nothing put in place: the turn stays whole
    ],
)
def test_a_time_since_put_in_place_is_no_further_fact_of_the_follow_up(question: str, rest: str) -> None:
    told = ["my last BCNU chemo was 3 weeks ago. Can I enroll?"]
    assert without_time_since_put_in_place(told, corrected_history(told, question), question) == rest


@pytest.mark.parametrize(
    ("question", "kept"),
    [
        # a stop supposed of what was told as taken: the use told goes, the follow-up says it stops
        (
            "what if his doctors stop the cyclosporine before he enrolls?",
            ["My son has aplastic anemia; Does that block him"],
        ),
        ("And if he comes off cyclosporine first?", ["My son has aplastic anemia; Does that block him"]),
        # a stop denied, or of something else, changes nothing told
        ("What if his doctors don't stop the cyclosporine?", None),
        ("What if he stops the prednisone?", None),
    ],
)
def test_a_stop_supposed_takes_the_use_told_away(question: str, kept: list[str] | None) -> None:
    told = ["My son has aplastic anemia, and takes cyclosporine right now. Does that block him?"]
    assert corrected_history(told, question) == (kept if kept is not None else told)


@pytest.mark.parametrize(
    ("told", "question", "kept"),
    [
        # one thing swapped for another in the clause that names the rest, its time kept
        (
            "My last dacarbazine dose was 5 weeks ago. Can I start?",
            "what if that last dose had been carmustine instead?",
            "My last carmustine dose was 5 weeks ago. Can I start?",
        ),
        (
            "I had my last round of cisplatin 3 weeks ago. OK?",
            "And if the last round had been oxaliplatin instead?",
            "I had my last round of oxaliplatin 3 weeks ago. OK?",
        ),
    ],
)
def test_a_thing_put_instead_takes_the_place_of_the_one_thing_the_clause_names_apart(
    told: str, question: str, kept: str
) -> None:
    assert corrected_history([told], question) == [kept]


def test_a_snellen_fraction_supposed_stands_in_place_of_the_acuity_told() -> None:
    """A fraction is two numbers to the general rule, so "down to 20/100" had left the 20/50 told before in place."""
    told = ["I have a cataract. My vision in that eye is 20/50. Can I join?"]
    moved = value_referred_back(told, "What if it gets worse, down to 20/100?")
    assert moved is not None and moved[0] == ["I have a cataract. My vision in that eye is 20/100. Can I join?"]
    assert "20/100" not in moved[1]
    assert value_referred_back(["My BP is 120/80. Can I join?"], "What if it is 20/100?") is None


@pytest.mark.parametrize(
    ("question", "age"),
    [
        # the relative lives with the asker, who would take part: the relative's ages are not the candidate's
        ("My 2 year old granddaughter lives with us full time. Is that a problem for the vaccine study?", None),
        ("My 2 year old granddaughter lives with us. Is that a problem? What if she was 4 instead?", None),
        # asked about the relative, their age is the candidate's
        ("My mother lives with us and she is 81. Could she take part?", 81.0),
    ],
)
def test_a_household_contacts_age_is_not_the_candidates(question: str, age: float | None) -> None:
    assert parse_question(question).age == age

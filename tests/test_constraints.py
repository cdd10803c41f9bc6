"""Criterion parser and measure vocabulary: pure functions, no model, no store."""

from __future__ import annotations

import ast
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from ingest import measures
from ingest.constraints import CriterionConstraints, TimeWindow, parse_criterion, window_contains
from ingest.measures import (
    AGE_LABEL,
    DAYS_PER_UNIT,
    MEASURE_FIRST_WORDS,
    Comparator,
    Comparison,
    Quantity,
    compare,
    find_quantities,
    same_measure,
)

ROOT = Path(__file__).resolve().parent.parent
SHARED_CTGOV = ROOT.parent / "shared" / "data" / "ctgov-more"


def quote(text: str, span: tuple[int, int] | None) -> str:
    assert span is not None
    return text[span[0] : span[1]]


def only_comparison(text: str, measure: str) -> tuple[CriterionConstraints, Comparison]:
    parsed = parse_criterion(text)
    matches = [c for c in parsed.comparisons if c.measure == measure]
    assert len(matches) == 1, (text, parsed.comparisons)
    return parsed, matches[0].comparison


# --- comparisons from the brief ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "measure", "comparator", "value", "upper", "unit", "span_text"),
    [
        ("ECOG performance status 0-1", "ecog", Comparator.RANGE, 0, 1, "score", "ECOG performance status 0-1"),
        ("Total bilirubin > 1.5 x ULN", "bilirubin", Comparator.GT, 1.5, None, "xULN", "bilirubin > 1.5 x ULN"),
        ("at least one lesion >= 10 mm", "lesion_size", Comparator.GE, 10, None, "mm", "lesion >= 10 mm"),
        ("Karnofsky ≥ 70%", "karnofsky", Comparator.GE, 70, None, "%", "Karnofsky ≥ 70%"),
        ("Patients age 18 years or older", "age", Comparator.GE, 18 * 365.25, None, "day", "age 18 years or older"),
        (
            "more than two prior lines of therapy",
            "prior_lines",
            Comparator.GT,
            2,
            None,
            "score",
            "more than two prior lines",
        ),
        ("NYHA class III or IV heart failure", "nyha", Comparator.RANGE, 3, 4, "score", "NYHA class III or IV"),
        ("Age \\>18 years", "age", Comparator.GT, 18 * 365.25, None, "day", "Age \\>18 years"),
        (
            "Male and female patients aged 18-75, inclusive",
            "age",
            Comparator.RANGE,
            18 * 365.25,
            75 * 365.25,
            "day",
            "aged 18-75",
        ),
        (
            "Subjects between the ages of 18 and 65",
            "age",
            Comparator.RANGE,
            18 * 365.25,
            65 * 365.25,
            "day",
            "ages of 18 and 65",
        ),
        ("ECOG 0, 1, or 2", "ecog", Comparator.RANGE, 0, 2, "score", "ECOG 0, 1, or 2"),
        ("PASI >= 12 at baseline", "pasi", Comparator.GE, 12, None, "score", "PASI >= 12"),
    ],
)
def test_comparisons_from_criteria(
    text: str, measure: str, comparator: Comparator, value: float, upper: float | None, unit: str, span_text: str
) -> None:
    parsed = parse_criterion(text)
    found = [c for c in parsed.comparisons if c.measure == measure]
    assert found, parsed.comparisons
    item = found[0]
    assert item.comparison.comparator is comparator
    assert item.comparison.value.value == pytest.approx(value)
    assert item.comparison.value.upper == (None if upper is None else pytest.approx(upper))
    assert item.comparison.value.unit == unit
    assert span_text in quote(text, item.span)


@pytest.mark.parametrize(
    ("text", "comparator", "years"),
    [
        ("Adults (\\>18) able to consent", Comparator.GT, 18),
        ("Children (<18).", Comparator.LT, 18),
        ("Adults ≥ 18 years", Comparator.GE, 18),
        ("Men and women 18 years or older", Comparator.GE, 18),
        ("Adult patients over 18 years", Comparator.GT, 18),
        ("Patients 18 years or older", Comparator.GE, 18),
        # the youngest or oldest taken, as an allowance says it
        ("On rare occasions we may attempt to study children as young as 10 years.", Comparator.GE, 10),
        ("Adults as old as 85 years may be included.", Comparator.LE, 85),
    ],
)
def test_a_bound_on_a_group_of_people_is_their_age(text: str, comparator: Comparator, years: float) -> None:
    ages = [c for c in parse_criterion(text).comparisons if c.measure == "age"]
    assert [(c.comparison.comparator, c.comparison.value.value) for c in ages] == [(comparator, years * 365.25)]


@pytest.mark.parametrize(
    "text",
    [
        "Women ≥ 6 months postpartum",
        "women (≥ 6 months postpartum)",
        "Children with asthma for at least 2 years",
        "Patients ≥ 6 months after transplant",
        "Symptoms (>6 months)",
        # "child-bearing age" says who, not how old: the month is how long contraception has been used
        "Women of child-bearing age must be using adequate contraception for at least one month prior to the study",
    ],
)
def test_a_time_since_an_event_or_a_duration_is_not_an_age(text: str) -> None:
    assert [c for c in parse_criterion(text).comparisons if c.measure == "age"] == []


def test_a_registry_typed_comparator() -> None:
    text = "Creatinine: </= 1.5 x institutional upper limit of normal; age >/= 18 years"
    found = {(c.measure, c.comparison.comparator, c.comparison.value.unit) for c in parse_criterion(text).comparisons}
    assert found == {("creatinine", Comparator.LE, "xULN"), ("age", Comparator.GE, "day")}


def test_a_list_of_grades_that_skips_one_is_not_a_range() -> None:
    listed = [
        (c.comparison.comparator, c.comparison.value.value) for c in parse_criterion("NYHA class 1, 3 or 4").comparisons
    ]
    assert listed == [(Comparator.EQ, 1.0), (Comparator.EQ, 3.0), (Comparator.EQ, 4.0)]
    consecutive = parse_criterion("ECOG 0, 1, or 2").comparisons
    assert [(c.comparison.comparator, c.comparison.value.upper) for c in consecutive] == [(Comparator.RANGE, 2.0)]


def test_an_age_range_with_a_unit_at_each_end() -> None:
    ages = [c for c in parse_criterion("age 3 months to 16 years").comparisons if c.measure == "age"]
    assert [(c.comparison.comparator, c.comparison.value.value, c.comparison.value.upper) for c in ages] == [
        (Comparator.RANGE, pytest.approx(3 * 30.4375), pytest.approx(16 * 365.25))
    ]
    # a time window's ends stay a window, not a range of one measure
    assert parse_criterion("within 2 weeks to 3 months").comparisons == ()


@pytest.mark.parametrize("verb", ["taken", "used", "received", "been treated with"])
def test_have_not_done_it_is_a_requirement_of_absence(verb: str) -> None:
    assert parse_criterion(f"Subjects who have not {verb} insulin in the past 3 months").negated_requirement


def test_lesion_count_is_not_a_lesion_size() -> None:
    parsed = parse_criterion("at least one lesion >= 10 mm")
    assert {c.measure for c in parsed.comparisons} == {"count:lesion_size", "lesion_size"}


@pytest.mark.parametrize(
    ("criterion", "question", "satisfied"),
    [
        ("smoking > 10 cigarettes a day", "I smoke 15 cigarettes a day", True),
        ("smoking > 10 cigarettes a day", "I smoke about 5 cigarettes a day", False),
        ("use of opioids more than 5 days per month", "oxycodone 3 days a month", False),
        ("oxygen therapy >= 15 hours/day", "on oxygen 18 hours a day", True),
        ("more than 14 drinks per week", "I have 2 drinks daily", False),  # compared per day: 2 a day is 14 a week
        ("more than 14 drinks per week", "I have 2 bottles daily", None),  # a bottle is not one drink
        # "times" names no event: a dose once a day is not symptoms per week
        ("Asthma symptoms at least 2 times per week", "once a day", None),
    ],
)
def test_counts_per_period_compare_like_with_like(criterion: str, question: str, satisfied: bool | None) -> None:
    (threshold,) = parse_criterion(criterion).comparisons
    (value,) = find_quantities(question)
    assert same_measure(threshold.measure, value.measure) is (satisfied is not None)
    if satisfied is not None:
        assert compare(value.quantity, threshold.comparison) is satisfied


@pytest.mark.parametrize(
    ("criterion", "question", "satisfied"),
    [
        # registry names of a viral load and the patient's one read as the same measure, in copies per mL
        ("plasma HIV-RNA greater than or equal to 10,000 copies/ml", "My viral load is 8,500 copies", False),
        (
            "plasma HIV-RNA greater than or equal to 10,000 copies/ml",
            "My viral load came back at 10,000 copies/mL",
            True,
        ),
        ("Has an HIV level greater than 10,000 copies/ml", "my HIV RNA is 25000", True),
        ("HIV-1 RNA Copy Numbers >= 5,000 Copies/Ml", "viral load of 4,000 copies per ml", False),
        # a log-scale bound is no number of copies: not compared either way
        ("plasma HIV-1 RNA > 3.0 log10 copies/mL", "My viral load is 8,500 copies", None),
        ("plasma HIV-1 RNA > 3.0 log10 copies/mL", "My viral load is 8500", None),
        ("plasma HIV-1 RNA > 3.0 log10 copies/mL", "My viral load is 4.2 log", True),
    ],
)
def test_a_viral_load_is_one_measure_in_copies_or_logs(criterion: str, question: str, satisfied: bool | None) -> None:
    (threshold,) = parse_criterion(criterion).comparisons
    (value,) = find_quantities(question)
    assert threshold.measure == value.measure == "viral_load"
    assert compare(value.quantity, threshold.comparison) is satisfied


def test_a_size_needs_a_length_unit() -> None:
    # "exon 19" after "tumour", "anti-tumor therapy >= 2": numbers near a size word that are not sizes.
    assert all(m.measure != "lesion_size" for m in find_quantities("My tumour has an EGFR exon 19 deletion"))
    assert all(c.measure != "lesion_size" for c in parse_criterion("Prior anti-tumor therapy lines >= 2").comparisons)


# --- comparator vocabulary --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("phrase", "comparator"),
    [
        ("PSA >= 4", Comparator.GE),
        ("PSA ≥ 4", Comparator.GE),
        ("PSA => 4", Comparator.GE),
        ("PSA > 4", Comparator.GT),
        ("PSA < 4", Comparator.LT),
        ("PSA ≤ 4", Comparator.LE),
        ("PSA <= 4", Comparator.LE),
        ("PSA at least 4", Comparator.GE),
        ("PSA no less than 4", Comparator.GE),
        ("PSA not less than 4", Comparator.GE),
        ("PSA minimum of 4", Comparator.GE),
        ("PSA greater than or equal to 4", Comparator.GE),
        ("PSA more than 4", Comparator.GT),
        ("PSA greater than 4", Comparator.GT),
        ("PSA over 4", Comparator.GT),
        ("PSA above 4", Comparator.GT),
        ("PSA exceeding 4", Comparator.GT),
        ("PSA less than 4", Comparator.LT),
        ("PSA under 4", Comparator.LT),
        ("PSA below 4", Comparator.LT),
        ("PSA up to 4", Comparator.LE),
        ("PSA no more than 4", Comparator.LE),
        ("PSA not more than 4", Comparator.LE),
        ("PSA maximum 4", Comparator.LE),
        ("PSA 4 or more", Comparator.GE),
        ("PSA 4 or less", Comparator.LE),
        ("PSA 4 or greater", Comparator.GE),
        ("PSA 4 or lower", Comparator.LE),
        ("PSA fewer than 4", Comparator.LT),
    ],
)
def test_comparator_words_and_symbols(phrase: str, comparator: Comparator) -> None:
    _, comparison = only_comparison(phrase, "psa")
    assert comparison.comparator is comparator
    assert comparison.value.value == 4


@pytest.mark.parametrize(
    ("criterion", "question", "satisfied"),
    [
        # one canonical unit per kind of concentration: ng/dL and ng/mL, pg/mL, ug/L compare; a bare number does not
        ("Testosterone >= 150 ng/dL", "my testosterone is 210 ng/dL", True),
        ("Testosterone >= 150 ng/dL", "my testosterone is 1.2 ng/mL", False),
        ("Testosterone >= 150 ng/dL", "my testosterone is 210", None),
        ("estradiol < 20 pg/mL", "estradiol 0.015 ng/mL", True),
        ("CRP > 10 mg/L", "CRP 1.4 mg/dL", True),
        ("FSH > 40 mIU/mL", "FSH 25 IU/L", False),
        ("ferritin < 30 ug/L", "ferritin 12 ng/mL", True),
        ("potassium < 3.0 mEq/L", "potassium 3.2 mEq/L", False),
    ],
)
def test_lab_concentrations_compare_across_units(criterion: str, question: str, satisfied: bool | None) -> None:
    (threshold,) = parse_criterion(criterion).comparisons
    (value,) = find_quantities(question)
    assert same_measure(threshold.measure, value.measure)
    assert compare(value.quantity, threshold.comparison) is satisfied


@pytest.mark.parametrize(
    "text",
    [
        "AST <= 2.5 x ULN (<= 5 x ULN if liver metastases are present)",
        "AST <= 2.5 x ULN, or <= 5 x ULN in patients with liver metastases",
    ],
)
def test_a_bound_with_no_name_after_a_named_one_is_another_limit_on_it(text: str) -> None:
    # left without a measure, the case's limit was dropped and 4 x ULN with liver metastases read as excluded
    bounds = [(c.measure, c.comparison.value.value) for c in parse_criterion(text).comparisons]
    assert bounds == [("ast", 2.5), ("ast", 5.0)], bounds
    assert [c.measure for c in parse_criterion("Platelets >= 100,000/mm3 (hemoglobin >= 9 g/dL)").comparisons] == [
        "platelets",
        "hemoglobin",
    ]


@pytest.mark.parametrize(
    "text", ["AST and ALT <= 2.5 x ULN", "SGOT and SGPT < 2.5 times ULN", "ALT and AST <= 3 x ULN"]
)
def test_two_transaminases_joined_by_and_bound_both(text: str) -> None:
    # ~100 real criteria name the pair with "and"; the clause split at "and" had left the second enzyme only
    (bound,) = parse_criterion(text).comparisons
    assert bound.measure == "alt_ast"
    (ast,) = find_quantities("my AST is 4 times the upper limit of normal")
    assert same_measure(bound.measure, ast.measure) and compare(ast.quantity, bound.comparison) is False
    # a pair the lexicon does not hold as one measure is not merged into one
    assert "bilirubin" in [c.measure for c in parse_criterion("Creatinine and bilirubin < 1.5 x ULN").comparisons]


@pytest.mark.parametrize(
    ("text", "measures"),
    [
        ("Creatinine and bilirubin < 1.5 x ULN", {"creatinine", "bilirubin"}),
        ("Serum creatinine and bilirubin less than 1.5 times upper limit of normal", {"creatinine", "bilirubin"}),
        ("Bilirubin, AST, and ALT no greater than 2.5 x normal", {"bilirubin", "ast", "alt"}),
        ("Creatinine clearance or glomerular filtration rate greater than 50 mL/min", {"crcl", "egfr"}),
        # a name after a preposition qualifies another; it is not listed with the one bounded
        ("normal creatinine for age OR GFR at least 70 mL/min", {"egfr"}),
        # a measure with a value of its own is not listed with the next
        ("Hemoglobin >= 9 g/dL, platelets > 100,000/mm3", {"hemoglobin", "platelets"}),
    ],
)
def test_measures_listed_before_a_bound_share_it(text: str, measures: set[str]) -> None:
    # the bound had been read for the last name only, so creatinine 2 x ULN against "creatinine and bilirubin
    # < 1.5 x ULN" was compared with nothing
    comparisons = parse_criterion(text).comparisons
    assert {c.measure for c in comparisons} == measures
    if "hemoglobin" not in measures:
        assert len({(c.comparison.comparator, c.comparison.value) for c in comparisons}) == 1


def test_a_case_limit_after_a_list_stays_with_the_measure_named_at_the_bound() -> None:
    text = "Bilirubin, AST and ALT <= 2.5 x ULN (<= 5 x ULN if liver metastases are present)"
    bounds = [(c.measure, c.comparison.value.value) for c in parse_criterion(text).comparisons]
    assert bounds == [("bilirubin", 2.5), ("alt_ast", 2.5), ("alt_ast", 5.0)], bounds


def test_a_requirement_runs_past_a_bracket_it_opens() -> None:
    # a list marker inside the bracket ("(eg:" / "- Ensure Plus) ...") does not end the clause: the other ways of
    # taking the drug after the bracket are part of what the asker must be unable to do
    text = "Unable to take it with a meal, enteral supplements (eg:\n\n  -  Ensure Plus) or through a nasogastric tube."
    (required,) = parse_criterion(text).requirements
    assert quote(text, required.span).endswith("through a nasogastric tube"), quote(text, required.span)


@pytest.mark.parametrize("told", ["my PSA went up to 4", "my PSA is back up to 4", "it has been up to 4"])
def test_a_value_reached_is_no_bound(told: str) -> None:
    (value,) = find_quantities(told)
    assert value.comparator is Comparator.EQ and value.quantity.value == 4


# --- units ------------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("lesion ≥ 1 cm", 10, "mm"),
        ("lesion ≥ 15 mm", 15, "mm"),
        ("weight ≥ 50 kg", 50, "kg"),
        ("bilirubin ≤ 1.5 times the upper limit of normal", 1.5, "xULN"),
        ("Serum creatinine <=1.25 times of the upper limit of normal value", 1.25, "xULN"),
        ("ALT ≤ 3 x ULN", 3, "xULN"),
        ("creatinine ≤ 1.5 mg/dL", 1.5, "mg/dL"),
        ("creatinine ≤ 133 µmol/L", 133, "umol/L"),
        ("hemoglobin ≥ 9 g/dL", 9, "g/dL"),
        ("hemoglobin ≥ 90 g/L", 9, "g/dL"),
        ("creatinine clearance ≥ 60 mL/min", 60, "mL/min"),
        ("eGFR ≥ 45 mL/min/1.73m2", 45, "mL/min"),
        ("ANC ≥ 1.5 x 10^9/L", 1500, "/uL"),
        ("platelets ≥ 100,000/mm3", 100000, "/uL"),
        ("platelets ≥ 100,000/µL", 100000, "/uL"),
        ("LVEF ≥ 50%", 50, "%"),
        ("radiation dose ≥ 50 Gy", 50, "Gy"),
        ("radiation dose ≥ 5000 cGy", 50, "Gy"),
        ("BMI ≥ 30 kg/m2", 30, "kg/m2"),
        ("systolic BP > 160 mmHg", 160, "mmHg"),
        ("PSA ≥ 2 ng/mL", 2, "ng/mL"),
        ("MMSE ≥ 24", 24, "score"),
        ("Bodyweight over 35Kg", 35, "kg"),
        # units spelled out, as modern records write them beside (or instead of) the symbol
        ("creatinine > 1.5 milligrams per deciliter", 1.5, "mg/dL"),
        ("glucose < 7 millimoles per liter", 7, "mmol/L"),
        ("HbA1c < 48 millimoles per mole (mmol/mol)", 48, "mmol/mol"),
        ("ALT < 40 units per liter", 40, "U/L"),
        ("creatinine < 133 micromoles per litre", 133, "umol/L"),
        ("ANC > 1500 per microliter", 1500, "/uL"),
        ("creatinine clearance > 60 milliliters per minute", 60, "mL/min"),
    ],
)
def test_units_are_normalised(text: str, value: float, unit: str) -> None:
    parsed = parse_criterion(text)
    assert len(parsed.comparisons) == 1, parsed.comparisons
    quantity = parsed.comparisons[0].comparison.value
    assert quantity.unit == unit
    assert quantity.value == pytest.approx(value)


@pytest.mark.parametrize(
    ("text", "days"),
    [("10 d", 10), ("2 wk", 14), ("4 weeks", 28), ("3 mo", 3 * 30.4375), ("2 yrs", 730.5), ("6 months", 182.625)],
)
def test_time_units_become_days(text: str, days: float) -> None:
    mention = find_quantities(f"surgery duration at least {text}")[0]
    assert mention.quantity.unit == "day"
    assert mention.quantity.value == pytest.approx(days)


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [("ECOG 0-1", 0, 1), ("ECOG 0 to 2", 0, 2), ("MMSE between 18 and 26", 18, 26), ("Karnofsky 70-100%", 70, 100)],
)
def test_ranges(text: str, low: float, high: float) -> None:
    quantity = parse_criterion(text).comparisons[0].comparison.value
    assert (quantity.value, quantity.upper) == (low, high)


# --- measure names ----------------------------------------------------------------------------------------------------
ALIAS_SAMPLES = [
    ("ECOG PS ≤ 1", "ecog"),
    ("performance status ≤ 1", "ecog"),
    ("KPS ≥ 70", "karnofsky"),
    ("Lansky ≥ 50", "lansky"),
    ("BMI ≥ 30", "bmi"),
    ("GFR ≥ 30", "egfr"),
    ("CrCl ≥ 60 mL/min", "crcl"),
    ("serum creatinine ≤ 1.5 mg/dL", "creatinine"),
    ("AST ≤ 2.5 x ULN", "ast"),
    ("SGPT ≤ 2.5 x ULN", "alt"),
    ("transaminases ≤ 2.5 x ULN", "alt_ast"),
    ("neutrophils ≥ 1500/mm3", "anc"),
    ("haemoglobin ≥ 9 g/dL", "hemoglobin"),
    ("WBC ≥ 3000/mm3", "wbc"),
    ("INR ≤ 1.5", "inr"),
    ("HbA1c ≤ 10%", "hba1c"),
    ("ejection fraction ≥ 50%", "lvef"),
    ("QTc > 470 ms", "qtc"),
    ("tumour ≥ 2 cm", "lesion_size"),
    ("nodule ≥ 4 mm", "lesion_size"),
    ("MoCA ≥ 18", "moca"),
    ("EASI ≥ 16", "easi"),
    ("BASDAI ≥ 4", "basdai"),
    ("DAS28 > 3.2", "das28"),
    ("HAM-D ≥ 18", "hamd"),
    ("MMSE ≥ 20", "mmse"),
]


@pytest.mark.parametrize(("text", "measure"), ALIAS_SAMPLES)
def test_measure_aliases(text: str, measure: str) -> None:
    assert parse_criterion(text).comparisons[0].measure == measure


def test_unknown_measures_match_by_head_noun() -> None:
    criterion = parse_criterion("FEV1 >= 50% predicted").comparisons[0]
    patient = find_quantities("FEV1 of 55%")[0]
    assert same_measure(criterion.measure, patient.measure)
    assert compare(patient.quantity, criterion.comparison) is True
    assert not same_measure(criterion.measure, find_quantities("DLCO of 55%")[0].measure)


# --- compare ----------------------------------------------------------------------------------------------------------
def constraint(text: str) -> Comparison:
    return parse_criterion(text).comparisons[0].comparison


@pytest.mark.parametrize(
    ("value", "criterion", "expected"),
    [
        (Quantity(60, "%"), "Karnofsky ≥ 70%", False),
        (Quantity(80, "%"), "Karnofsky ≥ 70%", True),
        (Quantity(60, "score"), "Karnofsky ≥ 70%", False),
        (Quantity(1.2, "xULN"), "bilirubin > 1.5 x ULN", False),
        (Quantity(2.0, "xULN"), "bilirubin > 1.5 x ULN", True),
        (Quantity(8, "score"), "PASI >= 12", False),
        (Quantity(14, "score"), "PASI >= 12", True),
        (Quantity(4, "mm"), "lesion >= 10 mm", False),
        (Quantity(12, "mm"), "lesion >= 1 cm", True),
        (Quantity(8, "mm"), "lesion >= 1 cm", False),
        (Quantity(2, "score"), "more than two prior lines of therapy", False),
        (Quantity(3, "score"), "more than two prior lines of therapy", True),
        (Quantity(2, "score"), "ECOG 0-1", False),
        (Quantity(1, "score"), "ECOG 0-1", True),
        (Quantity(1.0, "mg/dL"), "bilirubin ≤ 25 µmol/L", True),
        (Quantity(2.0, "mg/dL"), "bilirubin ≤ 25 µmol/L", False),
    ],
)
def test_compare_threshold_both_ways(value: Quantity, criterion: str, expected: bool) -> None:
    assert compare(value, constraint(criterion)) is expected


@pytest.mark.parametrize(
    ("value", "criterion"),
    [
        (Quantity(1.2, "mg/dL"), "bilirubin > 1.5 x ULN"),  # absolute value vs multiple of ULN
        (Quantity(4, "day"), "lesion >= 10 mm"),  # time vs length
        (Quantity(1.2, ""), "creatinine ≤ 1.5 mg/dL"),  # bare creatinine: mg/dL or µmol/L?
        (Quantity(1, "score", 2), "ECOG 0-1"),  # the stated range straddles the bound
    ],
)
def test_compare_is_undecided_when_units_do_not_line_up(value: Quantity, criterion: str) -> None:
    assert compare(value, constraint(criterion)) is None


# --- windows ----------------------------------------------------------------------------------------------------------
def only_window(text: str) -> TimeWindow:
    windows = parse_criterion(text).windows
    assert len(windows) == 1, windows
    return windows[0]


def test_window_before_first_dose() -> None:
    text = "Chemotherapy within 4 weeks before the first dose of study drug"
    window = only_window(text)
    assert quote(text, window.event_span) == "Chemotherapy"
    assert window.max_days_ago == 28 and window.min_days_ago is None
    assert quote(text, window.anchor_span).endswith("first dose of study drug")
    assert window_contains(21, window) is True
    assert window_contains(35, window) is False


@pytest.mark.parametrize(
    ("text", "event", "min_days", "max_days"),
    [
        ("At least 28 days since prior radiotherapy", "radiotherapy", 28, None),
        ("Myocardial infarction in the prior 6 months", "Myocardial infarction", None, 182.625),
        ("Diagnosis of cancer more than 5 years ago", "Diagnosis of cancer", 5 * 365.25, None),
        ("Smoking within the last 2 years", "Smoking", None, 730.5),
        ("No myocardial infarction within the past 6 months", "myocardial infarction", None, 182.625),
        ("Received a blood transfusion within 45 days prior to study entry.", "blood transfusion", None, 45),
        ("MRI performed \\< 6 weeks before start treatment", "MRI performed", None, 42),
        # the time that must pass since the event, however its number is qualified
        (
            "Six weeks must elapse from last chemotherapy or radiation therapy.",
            "chemotherapy or radiation therapy",
            42,
            None,
        ),
        ("At least 7 days must have elapsed since the completion of cytotoxic therapy", "cytotoxic therapy", 7, None),
        ("14 days must have elapsed after the end of radiotherapy", "radiotherapy", 14, None),
        # "post" is "after": "more than 18 months post-stroke" had been no window at all
        ("more than 18 months post-stroke", "stroke", 18 * 30.4375, None),
        ("At least one month post-injury", "injury", 30.4375, None),
        ("up to 18-months post-stroke.", "stroke", None, 18 * 30.4375),
        ("within 6 months post-transplant", "transplant", None, 6 * 30.4375),
        # no use for that long: the last use at least that long ago (it had been read as a therapy of >= 1 year)
        ("No use of Hormone Replacement Therapy for at least one year", "Hormone Replacement Therapy", 365.25, None),
    ],
)
def test_windows(text: str, event: str, min_days: float | None, max_days: float | None) -> None:
    window = only_window(text)
    assert quote(text, window.event_span) == event
    assert window.min_days_ago == (None if min_days is None else pytest.approx(min_days))
    assert window.max_days_ago == (None if max_days is None else pytest.approx(max_days))


@pytest.mark.parametrize(
    ("text", "case", "min_days", "max_days"),
    [
        ("At least 4 weeks since prior chemotherapy (6 weeks for nitrosoureas)", "nitrosoureas", 42, None),
        (
            "At least 3 weeks since chemotherapy (6 weeks since mitomycin or nitrosoureas) and recovered",
            "mitomycin or nitrosoureas",
            42,
            None,
        ),
        (
            "≥3 weeks since chemotherapy (> 6 weeks for nitosoureas or mitomycin C)",
            "nitosoureas or mitomycin C",
            42,
            None,
        ),
        ("No anticancer therapy within the past 3 weeks (6 weeks for nitrosourea)", "nitrosourea", None, 42),
    ],
)
def test_a_time_in_brackets_for_named_cases_is_the_windows_limit_for_them(
    text: str, case: str, min_days: float | None, max_days: float | None
) -> None:
    # 50 such brackets in the 2,000 bulk-xml records; the case's longer washout had been dropped, so mitomycin C four
    # weeks ago read as "within the time limits"
    first, for_case = parse_criterion(text).windows
    assert quote(text, for_case.event_span) == case
    assert (for_case.min_days_ago, for_case.max_days_ago) == (min_days, max_days)
    assert (first.min_days_ago is None) == (min_days is None)


def test_min_window_contains() -> None:
    window = only_window("At least 28 days since prior radiotherapy")
    assert window_contains(30, window) is True
    assert window_contains(10, window) is False


# --- exceptions -------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "exception", "carves_from"),
    [
        (
            "No prior malignancy, except adequately treated basal cell carcinoma",
            "except adequately treated basal cell carcinoma",
            "No prior malignancy",
        ),
        ("No active infection unless treated and resolved", "unless treated and resolved", "No active infection"),
        (
            "Other malignancy other than non-melanoma skin cancer",
            "other than non-melanoma skin cancer",
            "Other malignancy",
        ),
        ("Prior surgery, with the exception of biopsy", "with the exception of biopsy", "Prior surgery"),
        ("Any concomitant medication excluding paracetamol", "excluding paracetamol", "Any concomitant medication"),
        (
            "No prior radiotherapy. Palliative radiotherapy to bone is allowed",
            "Palliative radiotherapy to bone is allowed",
            "No prior radiotherapy",
        ),
        ("No anticoagulants. Low-dose aspirin is permitted.", "Low-dose aspirin is permitted", "No anticoagulants"),
        (
            "No brain metastases. Patients with treated brain metastases are eligible",
            "Patients with treated brain metastases are eligible",
            "No brain metastases",
        ),
        ("Prior anthracycline allowed if LVEF at least 50%", "allowed if LVEF at least 50%", "Prior anthracycline"),
        ("Autoimmune disease. Exceptions: vitiligo, alopecia", "Exceptions: vitiligo, alopecia", "Autoimmune disease"),
        (
            "Steroids within 30 days prior to entry (topical steroids allowed)",
            "topical steroids allowed",
            "Steroids within 30 days prior to entry",
        ),
        # a marker wrapped over two lines of a classic XML record is still one
        (
            "Prior malignancy other\n             than basal cell carcinoma",
            "other\n             than basal cell carcinoma",
            "Prior malignancy",
        ),
        # in a bracket of examples, the exception carves from the example before it
        (
            "medications for osteoporosis (including vitamin D other than multivitamin)",
            "other than multivitamin",
            "vitamin D",
        ),
        # a bracket that qualifies the whole criterion still carves from what stands before it
        (
            "PT greater than 1.3x control (off coumadin; abnormal PT values are allowed if within range)",
            "allowed if within range",
            "PT greater than 1.3x control",
        ),
    ],
)
def test_exception_markers(text: str, exception: str, carves_from: str) -> None:
    parsed = parse_criterion(text)
    assert [quote(text, e.span) for e in parsed.exceptions] == [exception]
    assert quote(text, parsed.exceptions[0].carves_from) == carves_from


def test_no_exception_without_marker() -> None:
    assert parse_criterion("Exclusion criteria: active hepatitis B").exceptions == ()


# --- negated requirement and required circumstances -------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "No history of stroke",
        "Must not have active hepatitis",
        "Absence of brain metastases",
        "Free of tumor for 5 years",
        "Negative for HIV",
        "Patients must not be pregnant",
    ],
)
def test_negated_requirement(text: str) -> None:
    parsed = parse_criterion(text)
    assert parsed.negated_requirement is True
    assert parsed.negation_span is not None


@pytest.mark.parametrize("text", ["History of stroke", "Histologically confirmed adenocarcinoma", "Age 18 or older"])
def test_positive_requirement_is_not_negated(text: str) -> None:
    assert parse_criterion(text).negated_requirement is False


@pytest.mark.parametrize(
    ("text", "kind", "required"),
    [
        ("Able to travel to the study site for weekly visits", "travel", "travel to the study site for weekly visits"),
        ("Willing to attend weekly clinic visits", "travel", "attend weekly clinic visits"),
        ("Capable of giving informed consent", "consent", "giving informed consent"),
        ("Must have a caregiver who can accompany the patient", "caregiver", None),
        ("Has a legally authorized representative", "legal_representative", None),
        ("Access to a smartphone with internet", "device", None),
        ("Has access to a telephone", "device", None),
        ("Resident of Ontario", "residence", "Resident of Ontario"),
        ("Speaks English", "language", "Speaks English"),
        ("Able to swallow tablets", "swallow", "swallow tablets"),
    ],
)
def test_requirement_kind(text: str, kind: str, required: str | None) -> None:
    parsed = parse_criterion(text)
    assert parsed.requirement_kind == kind
    if required is not None:
        assert quote(text, parsed.requirement_span) == required


@pytest.mark.parametrize(
    ("text", "kind", "inability"),
    [
        ("Patients unable to swallow oral tablets", "swallow", True),
        ("Patients who are not able to complete the digital questionnaires", "ability", True),
        ("Unwilling to travel to the study site", "travel", True),
        ("Subject cannot read English", "language", True),
        ("Able to swallow tablets", "swallow", False),
    ],
)
def test_requirement_stated_as_inability(text: str, kind: str, inability: bool) -> None:
    [requirement] = parse_criterion(text).requirements
    assert (requirement.kind, requirement.inability) == (kind, inability)


def test_no_requirement_kind_for_lab_threshold() -> None:
    assert parse_criterion("Platelets ≥ 100,000/mm3").requirement_kind is None


# --- robustness, offsets, speed ---------------------------------------------------------------------------------------
def test_spans_index_original_text_with_registry_escapes() -> None:
    text = "Age \\>= 18 years and ECOG \\<= 1"
    parsed = parse_criterion(text)
    assert [quote(text, c.span) for c in parsed.comparisons] == ["Age \\>= 18 years", "ECOG \\<= 1"]


@pytest.mark.parametrize("text", ["", "   ", "-", "(", "1", "≥", "x ULN", "between and", "Class", "I" * 500])
def test_odd_input_never_raises(text: str) -> None:
    parsed = parse_criterion(text)
    assert parsed.text == text


TYPICAL = [
    "ECOG performance status 0-1",
    "Total bilirubin > 1.5 x ULN unless Gilbert's syndrome",
    "Chemotherapy within 4 weeks before the first dose of study drug",
    "Absolute neutrophil count at least 1,500/mm^3",
    "No history of malignant disease in the past 5 years, except for squamous or basal cell carcinoma of the skin",
    "Able to understand and willing to sign a written informed consent document",
    "Age 18 years or older",
    "Creatinine clearance ≥ 60 mL/min (Cockcroft-Gault)",
]


def real_criteria(limit: int) -> list[str]:
    criteria: list[str] = []
    for path in sorted(SHARED_CTGOV.iterdir()):
        if path.suffix == ".json":
            record = json.loads(path.read_text(encoding="utf-8"))
            text = record.get("protocolSection", {}).get("eligibilityModule", {}).get("eligibilityCriteria", "")
        elif path.suffix == ".xml":
            text = ET.parse(path).getroot().findtext("eligibility/criteria/textblock") or ""
        else:
            continue
        for line in re.split(r"\n\s*(?:[-*•]|\d+\.)\s+|\n\s*\n", text):
            line = " ".join(line.split())
            if len(line) > 10:
                criteria.append(line)
        if len(criteria) >= limit:
            break
    return criteria[:limit]


@pytest.mark.skipif(not SHARED_CTGOV.is_dir(), reason="shared ctgov-more data not present")
def test_parses_200_real_criteria() -> None:
    criteria = real_criteria(200)
    assert len(criteria) == 200
    found_anything = 0
    for text in criteria:
        parsed = parse_criterion(text)
        spans = [c.span for c in parsed.comparisons] + [w.span for w in parsed.windows]
        spans += [e.span for e in parsed.exceptions] + [r.span for r in parsed.requirements]
        for start, end in spans:
            assert 0 <= start < end <= len(text), (text, start, end)
        found_anything += bool(parsed.comparisons or parsed.windows or parsed.exceptions or parsed.requirements)
    assert found_anything >= 40


def test_ingest_does_not_import_assistant() -> None:
    for name in ("measures.py", "constraints.py"):
        tree = ast.parse((ROOT / "ingest" / name).read_text(encoding="utf-8"))
        modules = [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
        modules += [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
        assert not [m for m in modules if m.split(".")[0] == "assistant"], (name, modules)


def test_measure_first_words_cover_every_alias() -> None:
    """MEASURE_FIRST_WORDS gates the alias scan: any word where an alias can start must be listed."""
    corpus = [text for text, *_ in ALIAS_SAMPLES]
    if SHARED_CTGOV.is_dir():
        corpus += real_criteria(3000)
    missing: set[str] = set()
    for text in corpus:
        for word in measures._WORD_RE.finditer(text):
            if measures._MEASURE_RE.match(text, word.start()) and word.group().lower() not in MEASURE_FIRST_WORDS:
                missing.add(word.group().lower())
    assert not missing


def test_numbers_spelled_twice_keep_their_unit() -> None:
    (window,) = parse_criterion("COVID-19 diagnosis within thirty (30) days prior to randomization.").windows
    assert window.max_days_ago == 30.0


@pytest.mark.parametrize(
    ("criterion", "question", "satisfied"),
    [
        ("at least 4 bowel movements per week", "about 4 bowel movements a week", True),
        ("regular bowel movements (at least 4 times per week)", "I go about twice a week", False),
        ("<150 minutes structured exercise per week", "200 minutes of exercise classes a week", False),
        # rates compared per day, however written; an alcoholic drink however served is one standard drink
        ("Alcohol consumption >14 drinks per week", "I have two beers every night", False),
        ("Alcohol consumption >14 drinks per week", "I drink 3 glasses of wine a day", True),
        ("more than 3 times per week", "I go 5 times a week", True),
        ("more than 2 seizures per month", "about 1 seizure a week", True),
    ],
)
def test_multiplicative_words_and_longer_rate_phrases(criterion: str, question: str, satisfied: bool) -> None:
    thresholds = [c for c in parse_criterion(criterion).comparisons if c.measure.startswith("rate:")]
    values = [m for m in find_quantities(question) if m.measure.startswith("rate:")]
    assert thresholds and values
    assert compare(values[0].quantity, thresholds[0].comparison) is satisfied


def test_an_allowance_in_a_run_on_record_stops_at_the_next_item() -> None:
    """PDQ-style XML runs items together without punctuation: "allowed" must not reach into "No concurrent ..."."""
    text = "Prior interferon only on Protocol CLB-8691 allowed No concurrent chemotherapy Surgery: none"
    found = parse_criterion(text).exceptions
    assert found, "the allowance is found"
    assert all("chemotherapy" not in text[e.span[0] : e.span[1]] for e in found)


def test_not_including_opens_an_exception_clause() -> None:
    text = "Significant cardiovascular disease (but not including mild/moderate hypertension)"
    found = parse_criterion(text).exceptions
    assert [text[e.span[0] : e.span[1]] for e in found] == ["but not including mild/moderate hypertension"]


@pytest.mark.parametrize(
    ("text", "measure", "comparator", "value", "unit", "upper"),
    [
        # unit spellings registries use
        ("Anemia Hb < 9 gm/dl in males", "hemoglobin", "<", 9.0, "g/dL", None),
        ("BMI ≥25 kilograms per square meter (kg/m2) at screening", "bmi", ">=", 25.0, "kg/m2", None),
        ("CD4+ count less than 320/mm(3)", "head:cd4", "<", 320.0, "/uL", None),
        # a symbol repeated in parentheses after its words; a spelled unit between the ends of a range
        ("HbA1c of 6.5 percentage (%)-10.5 percentage (%) (both inclusive)", "hba1c", "range", 6.5, "%", 10.5),
        # comparator words are not the measure's name
        ("PHQ-8 score between 5-19 inclusive", "head:phq", "range", 5.0, "", 19.0),
        ("EDSS score between 1 - 6.5, inclusive", "head:edss", "range", 1.0, "", 6.5),
        # the share of the lab named before it ("percentage") names no lab
        ("CD4 percentage less than 15%", "head:cd4", "<", 15.0, "%", None),
        ("Have a CD4 cell percentage of at least 15 percent.", "head:cd4", ">=", 15.0, "%", None),
        # how far one lives from a site is a distance
        ("Lives within 50 miles of the study site.", "distance", "<=", 50 * 1.609344, "km", None),
        ("Reside within 15 km of the hospital, the study site.", "distance", "<=", 15.0, "km", None),
    ],
)
def test_registry_spellings_of_units_ranges_and_scale_names(
    text: str, measure: str, comparator: str, value: float, unit: str, upper: float | None
) -> None:
    found = [(c.measure, c.comparison.comparator.value, c.comparison.value) for c in parse_criterion(text).comparisons]
    assert (measure, comparator, Quantity(value=value, unit=unit, upper=upper)) in found, found


def test_a_literature_citation_year_is_not_a_value() -> None:
    text = "Eastern Cooperative Oncology Group (ECOG) performance status (Oken et al.,1982) score 0 to 2"
    found = [(c.measure, c.comparison.value) for c in parse_criterion(text).comparisons]
    assert found == [("ecog", Quantity(value=0.0, unit="score", upper=2.0))]


@pytest.mark.parametrize(
    ("text", "measure", "comparator", "value"),
    [
        ("More than 1 relapse within 18 months preceding enrollment", "count:relapse", ">", 1.0),
        ("Six or more steroid bursts in the past year", "count:burst", ">=", 6.0),
        ("Two or more seizures within 24 hours", "count:seizure", ">=", 2.0),
        ("At least four swollen joints", "count:joint", ">=", 4.0),
    ],
)
def test_a_bare_number_before_a_noun_counts_those_things(
    text: str, measure: str, comparator: str, value: float
) -> None:
    from ingest.measures import find_quantities

    counted = [m for m in find_quantities(text) if m.measure.startswith("count:")]
    assert [(m.measure, m.comparator.value, m.quantity.value) for m in counted] == [(measure, comparator, value)]


@pytest.mark.parametrize("text", ["Within 4 weeks of the first dose", "ECOG 0 or 1", "Creatinine 1.5 mg/dL or less"])
def test_units_and_named_measures_are_not_counts(text: str) -> None:
    from ingest.measures import find_quantities

    assert not [m for m in find_quantities(text) if m.measure.startswith("count:")]


@pytest.mark.parametrize(
    ("text", "measures_found"),
    [
        # A word before the bound is not what a count after its comparator counts.
        ("Active RA, as defined by at least four swollen joints", ["count:joint"]),
        # Two counts sharing one noun: the first one counts the second one's things.
        ("She has 6 swollen and 5 tender joints", ["count:joint", "count:joint"]),
        # No comparator and a name or another measure around the number: the word before still names it.
        ("I have controlled type 1 diabetes", ["head:type"]),
        # ... but a number spelled in words before a noun counts that noun's things: no score of 3 is told here
        ("Her mean COMFORT score over the three readings was 22", ["count:reading", "head:readings"]),
        ("His CD4 has been 220 on his last two tests", ["head:cd4", "count:test"]),
    ],
)
def test_what_a_bare_number_counts_against_the_word_before_it(text: str, measures_found: list[str]) -> None:
    from ingest.measures import find_quantities

    assert [m.measure for m in find_quantities(text)] == measures_found


@pytest.mark.parametrize(
    ("acronym", "text", "spelled"),
    [
        ("CRP", "either ESR > 30 mm/hr OR C-reactive protein", True),
        ("ESR", "an erythrocyte sedimentation rate", True),
        ("LDH", "serum lactate dehydrogenase", True),
        ("ALP", "alkaline phosphatase", True),
        ("FEV1", "forced expiratory volume in 1", True),
        ("TSH", "the serum hemoglobin", False),
        ("CRP", "C-reactive protein level and ferritin", False),  # the long form must end where the measure does
    ],
)
def test_an_acronym_is_read_against_the_words_it_abbreviates(acronym: str, text: str, spelled: bool) -> None:
    from ingest.measures import spells_out

    assert spells_out(acronym, text, len(text)) is spelled


def test_a_measure_named_by_its_acronym_is_the_one_spelled_out() -> None:
    from ingest.measures import find_quantities, same_measure_named

    record = "C-reactive protein level greater than 1.0 mg/dl"
    question = "CRP 1.4 mg/dl"
    bound, value = find_quantities(record)[0], find_quantities(question)[0]
    assert bound.measure != value.measure
    assert same_measure_named(bound.measure, record, bound.measure_span, value.measure, question, value.measure_span)
    other = "ESR 25 mm/hr"
    esr = find_quantities(other)[0]
    assert not same_measure_named(bound.measure, record, bound.measure_span, esr.measure, other, esr.measure_span)


def test_an_acronym_the_lexicon_lacks_is_the_lexicon_measure_spelled_out() -> None:
    from ingest.measures import find_quantities, same_measure_named

    record = "Absolute granulocyte count at least 1,500/mm3"
    bound = find_quantities(record)[0]
    for question, same in (("AGC 2000", True), ("ESR 2000", False)):
        value = find_quantities(question)[0]
        assert value.measure.startswith("head:")
        found = same_measure_named(
            bound.measure, record, bound.measure_span, value.measure, question, value.measure_span
        )
        assert found is same


@pytest.mark.parametrize(
    ("record", "question"),
    [
        # a scale spelled out after "on the" is the measure its acronym names
        ("stroke severity => 3 on the National Institute of Health Stroke Scale", "NIHSS 2, LKW 3h"),
        ("a score <= 2 on the Modified Rankin Scale", "My mom's mRS is 3"),
    ],
)
def test_a_scale_spelled_out_after_the_bound_is_the_measure_its_acronym_names(record: str, question: str) -> None:
    from ingest.measures import find_quantities, same_measure

    bound, value = find_quantities(record)[0], find_quantities(question)[0]
    assert same_measure(bound.measure, value.measure), (bound.measure, value.measure)


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("within 6 monts prior to randomization", 182.625),  # a letter dropped
        ("within 6 monhts", 182.625),  # two letters swapped
        ("for 3 yaers", 1095.75),
        ("within 6 mths", 182.625),  # an abbreviation
    ],
)
def test_a_misspelt_time_unit_is_read(text: str, days: float) -> None:
    (found,) = find_quantities(text)
    assert found.quantity == measures.Quantity(days, "day")


@pytest.mark.parametrize(
    ("days", "met"),
    [(365.0, True), (120.0, None), (60.0, False)],  # above both ends, between them, below both
)
def test_a_one_sided_bound_given_as_a_range_decides_where_both_ends_agree(days: float, met: bool | None) -> None:
    (bound,) = find_quantities("Be on Avonex for a minimum of 3-6 months before the study entry")
    assert bound.comparator is Comparator.GE  # it had been a range: a year on Avonex was "outside" it
    comparison = measures.Comparison(bound.measure, bound.comparator, bound.quantity)
    assert measures.compare(measures.Quantity(days, "day"), comparison) is met


@pytest.mark.parametrize("text", ["Patients will be within 21 to 90 years of age.", "Age: Over 18 to 70"])
def test_a_range_after_within_or_over_stays_a_range(text: str) -> None:
    assert find_quantities(text)[0].comparator is Comparator.RANGE


def test_a_word_of_its_own_is_no_misspelt_unit() -> None:
    assert find_quantities("6 moths")[0].quantity.unit != "day"


def test_a_generic_scale_head_is_the_scale_its_words_before_name() -> None:
    from ingest.measures import find_quantities, same_measure_named

    record, question = "Barthel ADL-index >14 of 20", "Same woman, but her Barthel score is 14?"
    bound, value = find_quantities(record)[0], find_quantities(question)[0]
    assert same_measure_named(bound.measure, record, bound.measure_span, value.measure, question, value.measure_span)
    other = "Her Rankin score is 14"
    rankin = find_quantities(other)[0]
    assert not same_measure_named(bound.measure, record, bound.measure_span, rankin.measure, other, rankin.measure_span)


def test_a_long_name_needs_on_or_of_before_it() -> None:
    from ingest.measures import find_quantities

    assert find_quantities("stroke severity => 3 National Institute of Health Stroke Scale")[0].measure != "head:nihss"


@pytest.mark.parametrize(
    ("text", "measure"),
    [
        ("bili 2.6", "bilirubin"),
        ("creat 1.2", "creatinine"),
        ("neut 1.1", "anc"),
        ("hemo 9.5", "hemoglobin"),
        ("gluc 110", "glucose"),
        # no analyte word opens with it: a word of its own
        ("I fast for 5 days", "head:fast"),
    ],
)
def test_an_analyte_clipped_as_lab_reports_print_it(text: str, measure: str) -> None:
    from ingest.measures import find_quantities

    assert find_quantities(text)[0].measure == measure


@pytest.mark.parametrize(
    ("text", "measure"),
    [
        ("Cr 1.8 mg/dL on last BMP", "creatinine"),  # clinicians' abbreviation
        ("serum Cr less than 1.5 mg/dl", "creatinine"),
        ("Creat 1.9 mg/dL, BUN 25, ECOG 0", "creatinine"),  # as lab reports print it
    ],
)
def test_creatinine_as_clinicians_abbreviate_it(text: str, measure: str) -> None:
    from ingest.measures import find_quantities

    assert find_quantities(text)[0].measure == measure


@pytest.mark.parametrize(
    ("text", "event", "days"),
    [
        ("Stroke or transient ischemic attack (TIA) in last 3 months", "TIA", 91.3125),
        ("Stroke (past 6 months)", "Stroke", 182.625),  # a window in brackets is of what stands before them
    ],
)
def test_look_back_windows_written_without_the_article_or_in_brackets(text: str, event: str, days: float) -> None:
    windows = parse_criterion(text).windows
    assert [(w.event, w.max_days_ago) for w in windows] == [(event, days)]


@pytest.mark.parametrize(
    ("text", "exception"),
    [
        (
            "No concurrent medications affecting lipids, with the exception of ACE inhibitors at discretion of the "
            "physician, including: beta blockers, thiazides, cyclosporine",
            "with the exception of ACE inhibitors at discretion of the physician",
        ),
        ("Chronic lung disease other than asthma, including COPD", "other than asthma"),
        # in a bracket the examples stay the exception's own
        (
            "Systemic steroids (other than inhaled corticosteroids, including budesonide)",
            "other than inhaled corticosteroids, including budesonide",
        ),
    ],
)
def test_including_after_an_exception_goes_back_to_what_is_barred(text: str, exception: str) -> None:
    assert [text[slice(*c.span)] for c in parse_criterion(text).exceptions] == [exception]


def test_an_exception_in_brackets_reaches_the_bracket_that_closes_it() -> None:
    text = "Currently receiving anti-cancer agents (with the exception of intrathecal (IT) agents or hydroxyurea)"
    spans = [text[slice(*c.span)] for c in parse_criterion(text).exceptions]
    assert spans == ["with the exception of intrathecal (IT) agents or hydroxyurea"]


def test_at_least_the_last_n_months_is_a_lower_bound() -> None:
    text = "Oral steroids, except if stable for at least the last three months"
    assert [(c.comparison.comparator.value, c.comparison.value.value) for c in parse_criterion(text).comparisons] == [
        (">=", 91.3125)
    ]


def test_recent_with_its_window_in_brackets() -> None:
    text = "Uncontrolled cardiovascular disease, including recent (<6 months)\n   myocardial infarction, angina"
    windows = parse_criterion(text).windows
    assert [(w.event, round(w.max_days_ago or 0), w.min_days_ago) for w in windows] == [
        ("myocardial infarction", 183, None)
    ]


@pytest.mark.parametrize(
    ("text", "window"),
    [
        # the bound alone in brackets after what the clause calls recent
        ("Recent nasal/sinus surgery (< 3 months).", [("nasal/sinus surgery", 91)]),
        ("Recent surgery (less than 4 weeks) or unhealed wound", [("surgery", 28)]),
        # without "recent" a bracketed bound may be a duration, not a window
        ("Duration of diabetes (< 6 months)", []),
        ("Myocardial infarction (< 6 months)", []),
    ],
)
def test_a_bracketed_bound_says_how_recent(text: str, window: list[tuple[str, int]]) -> None:
    windows = parse_criterion(text).windows
    assert [(w.event, round(w.max_days_ago or 0)) for w in windows] == window


@pytest.mark.parametrize(
    ("text", "measure", "comparator", "value"),
    [
        # Classic XML wraps at about 80 characters: a comparator before the break still governs the number after it.
        ("disease free for over\n     5 years", "head:free", Comparator.GT, 5 * 365.25),
        ("Serum creatinine greater than\n   2 mg/dL", "creatinine", Comparator.GT, 2.0),
        ("Creatinine no\nmore than 1.5 mg/dL", "creatinine", Comparator.LE, 1.5),
    ],
)
def test_a_hard_line_wrap_is_not_a_clause_break(text: str, measure: str, comparator: Comparator, value: float) -> None:
    [found] = [m for m in find_quantities(text) if m.measure != "head:value"]
    assert (found.measure, found.comparator, found.quantity.value) == (measure, comparator, value)


def test_a_line_that_starts_a_list_item_is_still_a_break() -> None:
    listed = "Age over 18\n  1. ECOG 2"
    assert measures.clause_start(listed, listed.index("1.")) == listed.index("\n") + 1
    wrapped = "Age over\n  2 mg"
    assert measures.clause_start(wrapped, wrapped.index("2")) == 0


def test_the_noun_before_who_is_not_the_measure() -> None:
    text = "Multiple Sclerosis who have had more than 1 relapse within 18 months"
    assert find_quantities(text)[0].measure == "count:relapse"


@pytest.mark.parametrize(
    ("text", "max_days", "min_days"),
    [
        ("wash-out period for topical treatments less than\n   2 weeks for corticosteroids", 14.0, None),
        ("Washout of at least 4 weeks for prior biologics", None, 28.0),
    ],
)
def test_a_washout_period_is_a_window(text: str, max_days: float | None, min_days: float | None) -> None:
    [window] = parse_criterion(text).windows
    assert (window.max_days_ago, window.min_days_ago) == (max_days, min_days)
    assert window.event.split()[-1] in ("corticosteroids", "biologics")


@pytest.mark.parametrize(
    ("text", "event", "min_days"),
    [
        # stopped for a span: the last use lies at least that far back
        ("the infection has cleared and the antibiotics have been stopped for at least 3 days.", "antibiotics", 3.0),
        ("Must be off systemic steroids for a minimum of 4 weeks.", "systemic steroids", 28.0),
        ("Abstinent from alcohol for at least 6 months.", "alcohol", 182.625),
    ],
)
def test_stopped_for_a_span_is_a_washout(text: str, event: str, min_days: float) -> None:
    [window] = parse_criterion(text).windows
    assert (window.event, window.min_days_ago, window.max_days_ago) == (event, min_days, None)


@pytest.mark.parametrize(
    "text",
    [
        "Treated with prednisone for at least 4 weeks.",  # how long it was taken, no time since
        "Stopped smoking for less than 1 year.",  # a stop shorter than a span: no washout to require
    ],
)
def test_a_duration_that_is_no_stop_sets_no_washout(text: str) -> None:
    assert not parse_criterion(text).windows


@pytest.mark.parametrize(
    ("text", "allowances"),
    [
        ("Patients with treated brain metastases are eligible.", 1),
        # eligibility for other studies is not an allowance in this one
        ("Eligible for familial melanoma, lymphoproliferative, or testicular cancer protocols.", 0),
        ("Cutaneous T-cell lymphoma is not eligible, because they will be instead eligible for a separate protocol", 0),
        # an allowance stated as who may be included, and on what terms
        ("ANC >= 1,000/ul; may be included if lower counts are explained by marrow involvement", 1),
        ("Only patients with infection limited to the upper tract will be eligible for entry on study.", 1),
        # a note after the requirement that lets a case in, ended at "for this study"
        (
            "Platelets >= 100,000/mm3. (Note: Patients with ITP and platelets above 50,000/mm3 may be eligible for "
            "this study.)",
            1,
        ),
        # the requirement itself, said as whom the study takes
        ("All patients with confirmed stage II disease will be eligible for the study.", 0),
        # a restrictive relative clause says which ones the criterion means; set off by a comma it may allow
        ("Subjects must not have fungal infections which are not considered to be invasive or systemic.", 0),
        ("Patients that are not considered medically stable by their physician.", 0),
        ("Hypertension, which is not considered an exclusion if controlled.", 1),
        ("Children may be eligible for this study if they:", 0),
    ],
)
def test_eligible_for_other_studies_is_not_an_allowance(text: str, allowances: int) -> None:
    assert len(parse_criterion(text).exceptions) == allowances


def test_a_second_bound_whose_words_are_only_a_comparator_bounds_the_same_measure() -> None:
    from ingest.measures import find_quantities

    for text in ("Body mass index above 25 and less than 40 kg/m2", "BMI above 25 kg/m2 and less than 40 kg/m2"):
        bounds = [(m.measure, m.comparator.value, m.quantity.value) for m in find_quantities(text)]
        assert bounds == [("bmi", ">", 25.0), ("bmi", "<", 40.0)], text


@pytest.mark.parametrize(
    "text",
    [
        "Serum PSA level less than 4ng/ml or in between 4-10 ng/ml with percent free PSA above 25%",
        "Urinary albumin to creatinine ratio >1000mg/g for the patients without previous ACE inhibitor and ARB therapy "
        "and >500mg/g for the patients with previous ACE inhibitor or ARB therapy",
    ],
)
def test_a_second_limit_after_and_or_bounds_the_same_measure(text: str) -> None:
    first, second = find_quantities(text)[:2]
    assert second.measure == first.measure != measures.UNKNOWN_MEASURE, (first, second)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("BMI < 20 or > 50", [("bmi", "<", 20.0, "kg/m2"), ("bmi", ">", 50.0, "kg/m2")]),
        ("Oxygenation index of ≥ 5 and ≤ 30", [("head:index", ">=", 5.0, ""), ("head:index", "<=", 30.0, "")]),
        ("creatinine < 1.5 mg/dL and > 0.5", [("creatinine", "<", 1.5, "mg/dL"), ("creatinine", ">", 0.5, "mg/dL")]),
        # the bare number is in the unit written with the first bound
        ("platelets < 50 x 10^9/L or > 400", [("platelets", "<", 50000.0, "/uL"), ("platelets", ">", 400000.0, "/uL")]),
        # not a bound: the number of a name, a count of a list, a limit past a closed bracket
        (
            "prior to Day 1 (or > 1200 mL in the year prior)",
            [("head:day", "=", 1.0, ""), (measures.UNKNOWN_MEASURE, ">", 1200.0, "")],
        ),
        (
            "cellularity less than 20% and at least 2 of the following",
            [("head:cellularity", "<", 20.0, "%"), (measures.UNKNOWN_MEASURE, ">=", 2.0, "")],
        ),
        (
            "(ANC > 1800/mm3 required), or > 2 times the upper range of normal on liver tests",
            [("anc", ">", 1800.0, "/uL"), (measures.UNKNOWN_MEASURE, ">", 2.0, "")],
        ),
    ],
)
def test_a_bare_bound_after_and_or_bounds_the_measure_before_it(
    text: str, expected: list[tuple[str, str, float, str]]
) -> None:
    """ "BMI < 20 or > 50": the second limit had been dropped, and a BMI of 55 read as outside the exclusion."""
    found = [(m.measure, m.comparator.value, m.quantity.value, m.quantity.unit) for m in find_quantities(text)]
    assert found[: len(expected)] == expected


def test_a_number_of_another_clause_does_not_take_the_previous_measure() -> None:
    # the "for ..." clause must name who the limit is for; any words then "and" do not join
    found = find_quantities("Creatinine < 1.5 mg/dL for the whole duration of the trial and 3 mg/dL")
    assert [m.measure for m in found][-1] != "creatinine"


def test_glucose_compares_across_mg_dl_and_mmol_l() -> None:
    (bound,) = [m for m in find_quantities("fasting plasma glucose > 7.0 mmol/L") if m.measure == "glucose"]
    comparison = measures.Comparison("glucose", bound.comparator, bound.quantity)
    assert measures.compare(measures.Quantity(150.0, "mg/dL"), comparison) is True  # 8.3 mmol/L
    assert measures.compare(measures.Quantity(110.0, "mg/dL"), comparison) is False  # 6.1 mmol/L


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("Life expectancy over 12 weeks", 84.0),
        ("Anticipated survival < 12 months.", 365.25),
        ("Estimated survival of at least 6 months", 182.625),
        # after the number, in everyday words
        ("The doctors think my sister may only have about 2 months left.", 60.875),
        ("They gave him 6 months to live", 182.625),
        ("Expected to live at least 3 months", 91.3125),
    ],
)
def test_life_expectancy_is_a_measure_in_registry_and_everyday_words(text: str, days: float) -> None:
    (found,) = find_quantities(text)
    assert found.measure == "life_expectancy" and found.quantity == measures.Quantity(days, "day")


def test_survival_as_an_endpoint_is_not_life_expectancy() -> None:
    assert all(m.measure != "life_expectancy" for m in find_quantities("Progression-free survival of 6 months"))


@pytest.mark.parametrize(
    ("text", "comparator", "value"),
    [
        ("Moderate to Severe Pain on Numerical Rating Score (Score 4 or higher).", Comparator.GE, 4.0),
        ("NRS pain score >= 4", Comparator.GE, 4.0),
        ("Average pain intensity ≥ 5 on the NRS", Comparator.GE, 5.0),
    ],
)
def test_pain_on_the_numeric_rating_scale_is_one_measure(text: str, comparator: Comparator, value: float) -> None:
    found = [m for m in find_quantities(text) if m.measure == "pain_score"]
    assert [(m.comparator, m.quantity.value) for m in found] == [(comparator, value)]


@pytest.mark.parametrize(
    ("text", "value", "read"),
    [
        ("Her pain is usually around 3 out of 10.", 3.0, "3 out of 10"),
        ("My pain score is 6/10", 6.0, "6/10"),
        # any scale's top, written with "/", "out of" or "of"
        ("MMS 26/30", 26.0, "26/30"),
        ("Barthel ADL-index >14 of 20", 14.0, "14 of 20"),
    ],
)
def test_the_top_of_a_rating_scale_is_read_with_the_rating(text: str, value: float, read: str) -> None:
    (found,) = find_quantities(text)
    assert found.quantity.value == value and text[found.span[0] : found.span[1]].endswith(read)


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("within 30 of 45 days", [30.0, 45.0]),  # a top with a unit is a time
        ("at least 6 of 28 swollen joints", [6.0, 28.0]),  # things counted
        ("Visual acuity of 20/80 in the study eye", [0.25]),  # a Snellen fraction: one decimal acuity
        ("BP 120/80", [120.0, 80.0]),  # a pair of pressures: the second is below the first
    ],
)
def test_what_is_no_scale_top(text: str, values: list[float]) -> None:
    assert sorted(m.quantity.value for m in find_quantities(text)) == sorted(values)


def test_a_scale_named_after_its_top_is_the_measure() -> None:
    (found,) = find_quantities("I scored 23 out of 30 on the MMSE")
    assert (found.measure, found.quantity.value) == ("mmse", 23.0)


def test_how_long_pain_has_lasted_is_not_its_rating() -> None:
    (found,) = find_quantities("Mono radicular leg pain for at least 6 weeks")
    assert found.measure != "pain_score" and found.quantity.unit == "day"


def test_a_vas_in_millimetres_is_not_compared_with_a_bare_rating() -> None:
    (bound,) = [m for m in find_quantities("VAS pain score >= 40 mm") if m.measure == "pain_score"]
    comparison = measures.Comparison("pain_score", bound.comparator, bound.quantity)
    assert measures.compare(measures.Quantity(7.0, ""), comparison) is None


def test_hba1c_compares_across_percent_and_mmol_per_mol() -> None:
    """The IFCC-NGSP master equation: 86 mmol/mol is 10.0 %, 7.0-10.0 % is 53-86 mmol/mol."""
    (bound,) = [m for m in find_quantities("HbA1c ≤86 mmol/mol") if m.measure == "hba1c"]
    at_most = measures.Comparison("hba1c", bound.comparator, bound.quantity)
    assert measures.compare(measures.Quantity(9.5, "%"), at_most) is True
    assert measures.compare(measures.Quantity(10.5, "%"), at_most) is False
    (between,) = [m for m in find_quantities("HbA1c 7.0% - 10.0%") if m.measure == "hba1c"]
    inside = measures.Comparison("hba1c", between.comparator, between.quantity)
    assert measures.compare(measures.Quantity(75.0, "mmol/mol"), inside) is True  # 9.0 %
    assert measures.compare(measures.Quantity(48.0, "mmol/mol"), inside) is False  # 6.5 %


@pytest.mark.parametrize(
    ("text", "measure"),
    [("Impaired Fasting Glucose (100-125mg/dl)", "glucose"), ("Hemoglobin (>= 9 g/dL)", "hemoglobin")],
)
def test_a_value_in_parentheses_is_the_value_of_the_name_before_it(text: str, measure: str) -> None:
    assert [m.measure for m in find_quantities(text)] == [measure]


def test_a_titre_is_one_number_compared_by_its_dilution() -> None:
    (asked,) = find_quantities("ANA 1:80")
    (limit,) = find_quantities("antinuclear antibodies <= 1:160")
    assert (asked.quantity.value, asked.quantity.unit) == (80.0, "titer")
    comparison = measures.Comparison(limit.measure, limit.comparator, limit.quantity)
    assert measures.compare(asked.quantity, comparison) is True
    assert measures.compare(find_quantities("ANA 1:320")[0].quantity, comparison) is False


def test_a_bound_after_a_wrapped_for_whom_clause_keeps_its_measure() -> None:
    text = (
        "Urinary albumin to creatinine ratio >1000mg/g for the patients without previous ACE\n"
        "     inhibitor and ARB therapy and >500mg/g for the patients with previous ACE inhibitor"
    )
    first, second = find_quantities(text)[:2]
    assert second.measure == first.measure, (first, second)


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [("Rotator Cuff Tears ranging from 1cm to 4cm in size.", 10.0, 40.0), ("a dose of 5 mg - 10 mg daily", 5.0, 10.0)],
)
def test_a_range_with_its_unit_after_both_numbers(text: str, low: float, high: float) -> None:
    (found,) = find_quantities(text)
    assert (found.comparator, found.quantity.value, found.quantity.upper) == (Comparator.RANGE, low, high)


def test_head_nouns_in_singular_and_plural_are_one_measure() -> None:
    assert measures.same_measure("head:tears", "head:tear")
    assert not measures.same_measure("head:tear", "head:year")


def test_creatinine_spelled_as_registries_abroad_write_it() -> None:
    (found,) = find_quantities(r"Renal failure (Creatinin\>1.5mg/dl)")
    assert (found.measure, found.comparator, found.quantity.value) == ("creatinine", Comparator.GT, 1.5)


@pytest.mark.parametrize(
    ("text", "measure", "value", "unit"),
    [
        # grams: a newborn's weight is read in kg, a dose in mg
        ("Weight greater than 2500 grams", "weight", 2.5, "kg"),
        ("Birth weight between 2500 and 4200g", "weight", 2.5, "kg"),
        ("Metformin dose of at least 1.5 g per day", "head:dose", 1500.0, "mg"),
        # the units that start with g are still themselves
        ("Hemoglobin > 9 g/dL", "hemoglobin", 9.0, "g/dL"),
    ],
)
def test_grams_are_a_unit(text: str, measure: str, value: float, unit: str) -> None:
    _, comparison = only_comparison(text, measure)
    assert (comparison.value.value, comparison.value.unit) == (pytest.approx(value), unit)


@pytest.mark.parametrize(
    ("text", "bound"),
    [
        ("Bilirubin no greater than upper limit of normal", ("bilirubin", Comparator.LE)),
        ("bilirubin =< institutional upper limit of normal", ("bilirubin", Comparator.LE)),
        ("Creatinine within normal limits", ("creatinine", Comparator.LE)),
        ("SGOT > ULN", ("ast", Comparator.GT)),
        ("normal serum creatinine", ("creatinine", Comparator.LE)),
    ],
)
def test_a_bound_at_the_upper_limit_of_normal_is_one_times_it(text: str, bound: tuple[str, Comparator]) -> None:
    (comparison,) = parse_criterion(text).comparisons
    assert (comparison.measure, comparison.comparison.comparator) == bound
    assert (comparison.comparison.value.value, comparison.comparison.value.unit) == (1.0, "xULN")


@pytest.mark.parametrize(
    "text",
    [
        "Platelets within normal limits",  # a lab with a lower limit too: "normal" is no one number
        "bilirubin not within normal limits",
        "normal creatinine for age",  # the limit for the child's age
        "Bilirubin 1.5 x ULN or less",  # the number is the bound; the ULN words are its unit
    ],
)
def test_normal_words_that_are_no_bound_at_one_times_the_limit(text: str) -> None:
    assert all(c.comparison.value.value != 1.0 for c in parse_criterion(text).comparisons)


def test_a_ratio_is_a_measure_of_its_own_not_its_denominator() -> None:
    # "FEV(1)/FVC greater than 80 percent" had bounded the FVC, so an FVC of 45% was read as failing it
    (ratio,) = parse_criterion("FEV(1)/FVC greater than 80 percent of predicted after bronchodilators.").comparisons
    (fvc,) = find_quantities("My FVC is 45% of predicted")
    assert not same_measure(ratio.measure, fvc.measure)
    (told,) = find_quantities("my FEV1/FVC is 65%")
    assert same_measure(ratio.measure, told.measure)


@pytest.mark.parametrize(
    "text",
    [
        "Patients must be less than or equal to 30 years at the time of initial diagnosis.",
        "Age <= 21 years at diagnosis",
    ],
)
def test_an_age_at_diagnosis_is_not_the_age_now(text: str) -> None:
    (bound,) = parse_criterion(text).comparisons
    assert bound.measure == "age_at_diagnosis"
    assert parse_criterion(text).windows == ()


def test_an_age_bracket_after_another_measures_limit_labels_it() -> None:
    text = (
        "Have a CD4 cell count of at least 750 (under 12 months of age), at least 500 (1 to 5 years of age), or at "
        "least 200 (6 years of age or older) cells/mm3"
    )
    bounds = [(c.measure, c.comparison.value.value) for c in parse_criterion(text).comparisons]
    # each bare limit after a label bounds the CD4 count, not the age the label named
    assert [b for b in bounds if b[0] != AGE_LABEL] == [("head:cd4", 750.0), ("head:cd4", 500.0), ("head:cd4", 200.0)]
    assert [b[0] for b in bounds].count(AGE_LABEL) == 3
    # a bracket restating or widening an age stays an age
    for age_text in ("Participants 18 and older (age 18 years or more)", "15 to 60 (fit patients up to age 70)"):
        assert AGE_LABEL not in [c.measure for c in parse_criterion(age_text, "Age:").comparisons], age_text


@pytest.mark.parametrize(
    ("text", "comparator", "days"),
    [
        # "pregnant for at least 28 weeks" had been no value at all
        ("Have been pregnant for at least 28 weeks.", ">=", 196.0),
        ("Have been pregnant for more than 32 weeks", ">", 224.0),
        # weeks and days as obstetrics writes them
        ("gestational age < 32+0 weeks", "<", 224.0),
        ("gestation 27 6/7 weeks or less", "<=", 195.0),
    ],
)
def test_a_gestation_written_as_time_pregnant_or_in_weeks_and_days(text: str, comparator: str, days: float) -> None:
    (bound,) = parse_criterion(text).comparisons
    assert bound.measure == "gestational_age"
    assert bound.comparison.comparator.value == comparator
    assert bound.comparison.value.value == pytest.approx(days, abs=0.1)


def test_hematocrit_by_its_abbreviation_is_the_hematocrit() -> None:
    # "Hct < 35% for men" had been a bound on a head word, which "my hematocrit was 33%" never met
    bounds = [(c.measure, c.comparison.value.value) for c in parse_criterion("an Hct < 35% for men").comparisons]
    assert bounds == [("hematocrit", 35.0)]
    assert same_measure("hematocrit", find_quantities("My hematocrit was 33%.")[0].measure)
    # whom a second bound is for names no measure: "or pediatric subjects less than 25" bounds the Hct too
    text = "Adult subjects with a Hct of less than 30 or pediatric subjects less than 25 will be excluded."
    assert [(c.measure, c.comparison.value.value) for c in parse_criterion(text).comparisons] == [
        ("hematocrit", 30.0),
        ("hematocrit", 25.0),
    ]


def test_an_age_at_diagnosis_and_the_age_at_inclusion_are_two_ages() -> None:
    # the low bound restated in brackets had stopped the range being read, and the "age at ... diagnosis" named
    # before "and less than 21 years" had made the age at inclusion one at diagnosis
    text = (
        "Children between 1 year (≥ 12 months) and 18 years of age at the time of first diagnosis and less than "
        "21 years at the time of inclusion"
    )
    diagnosis, now = parse_criterion(text).comparisons
    assert diagnosis.measure == "age_at_diagnosis"
    assert (diagnosis.comparison.value.value, diagnosis.comparison.value.upper) == (365.25, 18 * 365.25)
    assert (now.measure, now.comparison.comparator.value, now.comparison.value.value) == ("age", "<", 21 * 365.25)


@pytest.mark.parametrize(
    ("text", "measures"),
    [
        ("ECOG performance status =< 52 (Karnofsky >= 50%)", ["karnofsky"]),
        ("ECOG 0-2", ["ecog"]),
        ("Karnofsky of 150", []),
    ],
)
def test_a_number_outside_a_scale_is_no_value_of_it(text: str, measures: list[str]) -> None:
    # a garbled "ECOG =< 52" had admitted ECOG 3
    assert [c.measure for c in parse_criterion(text).comparisons if not c.measure.startswith("head:")] == measures


def test_a_range_with_a_unit_on_each_bound_reads_each_in_its_own() -> None:
    # "between the ages of 4 months and 21 years": the lower bound is 4 months, not 4 years
    [age] = find_quantities("HIV-infected children between the ages of 4 months and 21 years.")
    assert age.measure == "age" and age.comparator is Comparator.RANGE
    assert (age.quantity.value, age.quantity.upper) == (pytest.approx(4 * 30.4375), pytest.approx(21 * 365.25))


def test_a_thousands_separator_does_not_end_a_window_event() -> None:
    text = "At least 6 months since prior involved-field radiotherapy greater than 1,500 cGy to chest or abdomen"
    (window,) = parse_criterion(text).windows
    assert window.event is not None and "1,500 cGy to chest" in window.event


@pytest.mark.parametrize(
    "text",
    [
        "CD4 count < 150/mm3 (not required if patient has had cryptosporidiosis for a minimum of 4 weeks).",
        "Platelets >= 100,000/uL; waived for patients with marrow involvement",
    ],
)
def test_a_requirement_waived_in_a_case_is_an_exception(text: str) -> None:
    (clause,) = parse_criterion(text).exceptions
    assert clause.carves_from is not None and text[clause.carves_from[0] : clause.carves_from[1]].split()[0] in {
        "CD4",
        "Platelets",
    }


def test_a_bare_time_bound_after_a_listed_prior_therapy_is_how_recent_it_may_be() -> None:
    text = "Any of the following prior therapies:\n - Chemotherapy =< 4 weeks\n - Mitomycin C/nitrosoureas =< 6 weeks"
    windows = parse_criterion(text).windows
    assert [(w.event, w.max_days_ago) for w in windows] == [("Chemotherapy", 28.0), ("Mitomycin C/nitrosoureas", 42.0)]
    # without a lead-in about prior treatment the bound is not read as recency
    assert parse_criterion("Chemotherapy =< 4 weeks").windows == ()


@pytest.mark.parametrize(
    "text", ["My CD4 two weeks ago was 410.", "Screening CD4 from two weeks ago is 410.", "CD4 3 days ago: 410"]
)
def test_a_time_said_between_a_measure_and_its_value_is_not_the_measure(text: str) -> None:
    values = [m for m in find_quantities(text) if m.quantity.value == 410.0]
    assert [m.measure for m in values] == ["head:cd4"]


@pytest.mark.parametrize(
    ("text", "measure", "value", "upper"),
    [
        ("Osteopenia of the spine (T-score of -1.0 or lower).", "t_score", -1.0, None),
        ("BMD T-score −2.5 to −1.0 at the hip", "t_score", -2.5, -1.0),
        ("T-score -1.0 to -2.5", "t_score", -2.5, -1.0),  # the same scores, written from the top
        # a range's dash after a number or its unit is no minus sign
        ("HbA1c 6.5 % -10.5 %", "hba1c", 6.5, 10.5),
        ("HbA1c of 6.5 percentage (%)-10.5 percentage (%) (both inclusive)", "hba1c", 6.5, 10.5),
        # a bullet glued to the number opens the line; a hyphen inside a name is no sign
        ("-18 years or older", "age", 6574.5, None),
        ("≥ 24 weeks gestational age", "gestational_age", 168.0, None),
    ],
)
def test_signed_values_and_gestational_age(text: str, measure: str, value: float, upper: float | None) -> None:
    found = [(m.measure, m.quantity.value, m.quantity.upper) for m in find_quantities(text)]
    assert (measure, value, upper) in found, found


@pytest.mark.parametrize(
    "text",
    [
        "The participant has a medical history of onset of cluster headache at ≤50 years of age.",
        "Age at diagnosis < 18 years",
        "Age at onset of symptoms: 40 years or older",
    ],
)
def test_an_age_bound_at_onset_or_diagnosis_is_not_the_age_now(text: str) -> None:
    # read as the participant's age, "onset at <= 50" had excluded every 60-year-old
    assert [c.measure for c in parse_criterion(text).comparisons] == ["age_at_diagnosis"]


def test_a_window_set_off_by_commas_without_a_preposition() -> None:
    (window,) = parse_criterion("Has a history, the last 12 month, of syncope.").windows
    assert window.max_days_ago == 365.25 and window.min_days_ago is None


@pytest.mark.parametrize(
    ("text", "measure", "comparator"),
    [
        ("Cluster headache with onset prior to 50 years of age.", "age_at_diagnosis", "<"),
        ("Diagnosed before 40 years of age", "age_at_diagnosis", "<"),
        ("Women after the age of 50", "age", ">"),
        ("Age at least 18 years", "age", ">="),
    ],
)
def test_an_age_bounded_by_words_of_time_order(text: str, measure: str, comparator: str) -> None:
    # read as "age = 50", a 45-year-old missed "onset prior to 50 years of age" and was excluded
    assert [(c.measure, c.comparison.comparator.value) for c in parse_criterion(text).comparisons] == [
        (measure, comparator)
    ]


@pytest.mark.parametrize(
    ("text", "measure", "value"),
    [
        ("Serum creatinine < 1,5 mg/dL", "creatinine", 1.5),  # read as "< 1" and "5 mg/dL" before
        ("Hb 10,5 g/dl, platelets 100,000", "hemoglobin", 10.5),
        ("Hb 10,5 g/dl, platelets 100,000", "platelets", 100000.0),  # thousands stay thousands
    ],
)
def test_a_decimal_comma_before_a_unit(text: str, measure: str, value: float) -> None:
    assert (measure, value) in [(m.measure, m.quantity.value) for m in find_quantities(text)]


def test_a_comma_list_without_a_unit_is_no_decimal() -> None:
    assert [m.quantity.value for m in find_quantities("Grade 1,2 or 3")] == [1.0, 2.0, 3.0]


@pytest.mark.parametrize(
    ("text", "measure", "value"),
    [
        ("PD-L1 expression TPS ≥ 50%", "pd_l1", 50.0),
        ("tumor proportion score (TPS) < 1%", "pd_l1", 1.0),  # was read as a tumour's size
        ("PD-L1 CPS ≥ 10", "pd_l1_cps", 10.0),  # another scale, never compared with a TPS
    ],
)
def test_pd_l1_scores_are_measures_of_their_own(text: str, measure: str, value: float) -> None:
    assert [(m.measure, m.quantity.value) for m in find_quantities(text)] == [(measure, value)]


def test_one_bound_for_each_sex_written_with_a_slash() -> None:
    # "470(female)" had been read as an age (after "male"), so a woman's QTc met no bound of her own
    found = [(m.measure, m.quantity.value) for m in find_quantities("QTc interval ≥ 450(male)/470(female) msec")]
    assert found == [("qtc", 450.0), ("qtc", 470.0)]


@pytest.mark.parametrize(
    ("text", "heading", "measure", "comparator", "value"),
    [
        # PDQ-style records put bare bullets under a measure's label; without it "18 and over" bounded nothing
        ("18 and over", "PATIENT CHARACTERISTICS: Age:", "age", ">=", 18 * 365.25),
        ("21 and under at diagnosis", "PATIENT CHARACTERISTICS: Age:", "age_at_diagnosis", "<=", 21 * 365.25),
        ("At least 3 months", "Life expectancy:", "life_expectancy", ">=", 3 * 30.4375),
        ("WHO 0-2", "Performance status:", "ecog", "range", 0.0),
    ],
)
def test_a_bare_bound_takes_the_measure_its_heading_names(
    text: str, heading: str, measure: str, comparator: str, value: float
) -> None:
    assert not parse_criterion(text).comparisons
    (bound,) = parse_criterion(text, heading).comparisons
    found = (bound.measure, bound.comparison.comparator.value, bound.comparison.value.value)
    assert found == (measure, comparator, pytest.approx(value))
    assert bound.span[0] == 0 and bound.span[1] <= len(text)  # spans index the criterion's own text
    assert bound.measure_span is None  # the measure is named in the heading, not in the text


def test_a_criterion_naming_its_own_measure_ignores_the_headings() -> None:
    # "At least 4 weeks since prior radiotherapy" under "Radiotherapy:" is a time since, not a dose
    assert parse_criterion("At least 4 weeks since prior radiotherapy", "Radiotherapy:") == parse_criterion(
        "At least 4 weeks since prior radiotherapy"
    )
    assert parse_criterion("Bilirubin normal", "Age:") == parse_criterion("Bilirubin normal")
    # a heading that names no measure changes nothing
    assert parse_criterion("Not specified", "Hematopoietic:") == parse_criterion("Not specified")


@pytest.mark.parametrize(
    ("text", "measure", "low", "high"),
    [
        # "70 kg +" had been read as "70 kg or more" and "15 kg" as a value of its own
        ("Weigh 70 kg + or - 15 kg in order to standardize the g/kg dosing.", "weight", 55.0, 85.0),
        ("Body weight 70 ± 15 kg", "weight", 55.0, 85.0),
        ("BMI 25 plus or minus 3", "bmi", 22.0, 28.0),
        ("Platelets 100 +/- 10 x 10^9/L", "platelets", 90_000.0, 110_000.0),
    ],
)
def test_a_value_plus_or_minus_a_spread_is_a_range(text: str, measure: str, low: float, high: float) -> None:
    (found,) = find_quantities(text)
    assert (found.measure, found.comparator, found.quantity.value, found.quantity.upper) == (
        measure,
        Comparator.RANGE,
        low,
        high,
    )


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("Zidovudine at a constant dose for 4 weeks prior to study entry.", 28.0),
        ("patient must have been on a stable dose for at least 4 weeks prior to study entry.", 28.0),
        ("the zidovudine dose level\n     must remain constant for 4 weeks prior to entry", 28.0),
        ("On stable antihypertensive therapy for at least two months", 2 * 30.4375),
        ("No dose changes within the past 3 months", 3 * 30.4375),
        # a stable disease is no dose kept unchanged
        ("Stable disease for 4 weeks", None),
    ],
)
def test_how_long_a_dose_must_have_stayed_unchanged(text: str, days: float | None) -> None:
    stable = parse_criterion(text).stable_for
    assert (stable.days if stable else None) == (pytest.approx(days) if days else None)


@pytest.mark.parametrize(
    ("text", "measure"),
    [
        # words of where a value has moved stand between a measure and its value; "still" had been read as the
        # measure's name, so no criterion on potassium could read the value
        ("Her potassium is still 3.1 even on spironolactone", "head:potassium"),
        ("His ferritin is already 900", "head:ferritin"),
    ],
)
def test_adverbs_between_a_measure_and_its_value_are_not_its_name(text: str, measure: str) -> None:
    assert [m.measure for m in find_quantities(text)] == [measure]


def test_in_the_absence_of_marks_an_exception_to_a_limit() -> None:
    text = "Anemia: hematocrit less than 20% (in the absence of gastrointestinal bleeding or hemolytic anemia)."
    (clause,) = parse_criterion(text).exceptions
    assert clause.marker == "in the absence of"
    assert text[clause.span[0] : clause.span[1]].startswith("in the absence of gastrointestinal bleeding")
    # beside an allowance in the same bracket, both carve from the limit
    text = "PT greater than 1.3x control (in the absence of coumadin; abnormal PT values are allowed if within range)"
    parsed = parse_criterion(text).exceptions
    assert [c.marker for c in parsed] == ["in the absence of", "allowed if"]
    assert {quote(text, c.carves_from) for c in parsed} == {"PT greater than 1.3x control"}


@pytest.mark.parametrize(
    ("text", "comparator", "value"),
    [
        # a negated "below"/"above" is a floor/ceiling; "does not fall below 6.4" had been "< 6.4", so an inclusion
        # asked for a hemoglobin under 6.4 and excluded everyone above it
        ("the hemoglobin does not fall below 6.4 g/dl", Comparator.GE, 6.4),
        ("hemoglobin not below 9 g/dL", Comparator.GE, 9.0),
        ("ANC that never falls below 1000", Comparator.GE, 1000.0),
        ("ALT should not rise above 100 U/L", Comparator.LE, 100.0),
        ("platelets below 50,000", Comparator.LT, 50_000.0),  # not negated: as it was
    ],
)
def test_a_negated_below_or_above_is_a_floor_or_ceiling(text: str, comparator: Comparator, value: float) -> None:
    (found,) = find_quantities(text)
    assert (found.comparator, found.quantity.value) == (comparator, value)


@pytest.mark.parametrize(
    ("text", "bound", "read"),
    [
        # a long description between the measure's name and its bound, with a count inside it
        (
            "The average QT interval (QTcF) corrected by Fridericia's formula obtained from 3 ECG examinations in the "
            "resting state> 470 msec;",
            ("qtc", 470.0),
            True,
        ),
        ("QTc over 2 readings > 480 ms", ("qtc", 480.0), True),
        # a number with a unit of its own between them is another value: the name does not reach across it
        ("QTc interval on a tracing at 25 mm per second > 480 ms", ("qtc", 480.0), False),
        # past its clause only across a phrase of circumstance, not a noun that names another measure
        (
            "No documentation by PSA increase or imagery only Hormone castration verified by testosterone less than "
            "0.5 ng/mL",
            ("psa", 0.5),
            False,
        ),
    ],
)
def test_a_measure_named_earlier_reaches_across_counts_in_its_own_unit(
    text: str, bound: tuple[str, float], read: bool
) -> None:
    found = [(c.measure, c.comparison.value.value) for c in parse_criterion(text).comparisons]
    assert (bound in found) is read, found


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # rads are centigray; an area in cm2 is not a length (it had been read as a 100 mm lesion)
        (
            "Radiation therapy for Kaposi's sarcoma exceeding 3000 rads to any one lesion group\n     and/or greater "
            "than 10 cm2 total body surface area.",
            [("radiation_dose", ">", 30.0, "Gy"), ("head:area", ">", 10.0, "cm2")],
        ),
        # a bound joined by "and/or" to a negated one, with no verb of its own, is negated too
        (
            "Radiation or laser therapy to Kaposi's sarcoma lesions provided the dose does not\n     exceed 3000 rads "
            "to any one lesion group and/or greater than 10 cm2 total body surface\n     area.",
            [("radiation_dose", "<=", 30.0, "Gy"), ("head:area", "<=", 10.0, "cm2")],
        ),
        # ... not one that names a measure of its own, nor one with its own verb
        (
            "Creatinine not greater than 1.5 mg/dL or bilirubin greater than 2 mg/dL",
            [("creatinine", "<=", 1.5, "mg/dL"), ("bilirubin", ">", 2.0, "mg/dL")],
        ),
        (
            "Total dose does not exceed 50 Gy, or is greater than 60 Gy",
            [("radiation_dose", "<=", 50.0, "Gy"), ("radiation_dose", ">", 60.0, "Gy")],
        ),
    ],
)
def test_units_of_dose_and_area_and_a_negation_carried_to_a_joined_bound(
    text: str, expected: list[tuple[str, str, float, str]]
) -> None:
    found = [
        (c.measure, c.comparison.comparator.value, c.comparison.value.value, c.comparison.value.unit)
        for c in parse_criterion(text).comparisons
    ]
    assert found == expected


@pytest.mark.parametrize(
    ("text", "allowance"),
    [
        ("Patients eligible for bone marrow transplant (=< 60 years old), with a compatible sibling", False),
        ("Patients with treated brain metastases are eligible for enrollment.", True),
        ("HIV positive patients eligible.", True),
        ("patients with a history of antecedent myelodysplasia remain eligible for treatment on this trial", True),
        ("Eligible for stem cell transplantation", False),
    ],
)
def test_eligible_for_without_a_verb_says_who_not_an_allowance(text: str, allowance: bool) -> None:
    assert bool(parse_criterion(text).exceptions) is allowance


@pytest.mark.parametrize(
    ("text", "heading", "expected", "windows"),
    [
        # "N weeks of prior X therapy" is how long X was taken, not a time since an anchor
        (
            "More than 6 weeks of prior zidovudine (AZT) therapy.",
            "Prior Medication: Excluded:",
            [("duration", ">", 42.0, "day")],
            0,
        ),
        # the bound after "for" closing a list is how long any of them was taken
        (
            "Zidovudine (AZT), didanosine (ddI), or a combination thereof,\n     for at least 2 months.",
            "Prior Medication: Required:",
            [("duration", ">=", 2 * DAYS_PER_UNIT["month"], "day")],
            0,
        ),
        # ... while a window counted from an anchor stays a window
        ("At least 4 weeks of the first dose.", None, [], 1),
        # milligrams and grams per cent are mg/dL and g/dL
        ("Bilirubin =< 1.5mg %", None, [("bilirubin", "<=", 1.5, "mg/dL")], 0),
        ("Hemoglobin > 10 gm%", None, [("hemoglobin", ">", 10.0, "g/dL")], 0),
    ],
)
def test_lengths_of_treatment_and_per_cent_units(
    text: str, heading: str | None, expected: list[tuple[str, str, float, str]], windows: int
) -> None:
    parsed = parse_criterion(text, heading)
    found = [
        (c.measure, c.comparison.comparator.value, pytest.approx(c.comparison.value.value), c.comparison.value.unit)
        for c in parsed.comparisons
    ]
    assert found == expected
    assert len(parsed.windows) == windows


@pytest.mark.parametrize(
    ("text", "bounds"),
    [
        # a bound that closes the range the one before it opened, the unit written once after it
        ("CD4 count > 50 and < 200 cells/mm3.", [(">", 50.0, "/uL"), ("<", 200.0, "/uL")]),
        ("Calcium > 8.5 mg/dL and < 10.5 mg/dL", [(">", 8.5, "mg/dL"), ("<", 10.5, "mg/dL")]),
        # "or" joins two limits of one measure; a bare number is read in the first bound's unit (in years for an age,
        # not days), and a bound of a unit of its own keeps that unit
        ("Ages <50 or >90", [("<", 50 * 365.25, "day"), (">", 90 * 365.25, "day")]),
        ("white blood cell count > 12 or < 5 x 10^9 cells/L,", [(">", 12000.0, "/uL"), ("<", 5000.0, "/uL")]),
    ],
)
def test_a_second_bound_closing_a_range_is_of_the_first_bounds_measure(
    text: str, bounds: list[tuple[str, float, str]]
) -> None:
    found = parse_criterion(text).comparisons
    assert [(c.comparison.comparator.value, c.comparison.value.value, c.comparison.value.unit) for c in found] == [
        (op, pytest.approx(value), unit) for op, value, unit in bounds
    ]
    assert len({c.measure for c in found}) == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Temperature > 38.5 degrees C", [("temperature", ">", 38.5, "C")]),
        ("fever (temperature >= 100.4 °F)", [("temperature", ">=", 100.4, "F")]),
        ("Must be afebrile (less than 38.0 degrees Celsius)", [("temperature", "<", 38.0, "C")]),
        ("Active infection with fever > 102 F.", [("temperature", ">", 102.0, "F")]),
        # a time is no temperature, a code or a slip no unit
        ("Fever for more than 7 days", [("head:fever", ">", 7.0, "day")]),
        ("serum transaminases > 2.5C the upper limit of normal", [("alt_ast", ">", 2.5, "")]),
    ],
)
def test_a_body_temperature_and_its_scale(text: str, expected: list[tuple[str, str, float, str]]) -> None:
    bounds = [
        (c.measure, c.comparison.comparator.value, c.comparison.value.value, c.comparison.value.unit)
        for c in parse_criterion(text).comparisons
    ]
    assert bounds == expected, bounds


def test_a_capital_letter_in_a_code_is_no_temperature_scale() -> None:
    from ingest.measures import find_quantities

    for text in ("What dose of 566C80 is used?", "on AZT under NIAID 86-C-175", "not AVEG 014C or 022A"):
        assert all(m.quantity.unit not in ("C", "F") for m in find_quantities(text)), text


def test_a_bound_after_or_with_a_case_of_its_own_is_the_same_measures() -> None:
    # (a lab the lexicon does not name, read by its head noun)
    text = "CD4 count >= 350 cells/mm3 (if not on AZT) or >= 250 cells/mm3 (if receiving ongoing AZT)."
    bounds = [(c.measure, c.comparison.value.value) for c in parse_criterion(text).comparisons]
    assert bounds == [("head:cd4", 350.0), ("head:cd4", 250.0)], bounds
    # without a unit of its own the bare bound is no such limit
    plain = "CD4 count >= 350 cells/mm3 (if naive) or >= 250 (if on AZT)."
    assert [c.comparison.value.value for c in parse_criterion(plain).comparisons] == [350.0]


def test_will_not_be_considered_is_an_allowance() -> None:
    text = "Diagnosis of AIDS. (Platelet counts below 50,000/mm3 will not be considered AIDS-defining.)"
    assert [c.marker for c in parse_criterion(text).exceptions] == ["will not be considered"]


@pytest.mark.parametrize(
    "text",
    [
        "Have an HIV count of 400 - 50,000 copies/ml.",
        "Have a viral level less than 400 copies/ml.",
        "Have a CD4 count greater than 50/mm3 and viral load greater than 2,000 copies/ml.",
    ],
)
def test_copies_of_virus_per_millilitre_are_a_viral_load(text: str) -> None:
    measures = [c.measure for c in parse_criterion(text).comparisons if c.comparison.value.unit == "copies/mL"]
    assert measures == ["viral_load"], parse_criterion(text).comparisons


@pytest.mark.parametrize(
    "text",
    [
        "Positive HBsAg with positive HBV DNA viral load (i.e., copy number >= 2000 copies/ml).",
        "Stage IV with more than 10 copies of N-myc proto-oncogene per tumor cell.",
    ],
)
def test_copies_of_another_virus_or_a_gene_are_not_the_hiv_viral_load(text: str) -> None:
    assert all(c.measure != "viral_load" for c in parse_criterion(text).comparisons)


@pytest.mark.parametrize(
    ("text", "in_force"),
    [
        # an amendment restating the bound replaces it, and the replaced bound's time window goes with it
        (
            "A CD4 count <= 100/mm3 within 3 months prior to the study. [AS PER AMENDMENT\n     3/11/98: CD4 count "
            "<= 200/mm3 any time prior to entry].",
            [200.0],
        ),
        ("CD4 count 50 to 300 cells/mm3 [AS PER AMENDMENT 10/31/97: 50 to 350 cells/mm3] once within 30 days.", [50.0]),
        # the text an amendment changed from bounds nothing
        (
            "PER AMENDMENT 11/20/95: All Patients will receive antiretroviral therapy. (Changed from - Current "
            "antiretroviral therapy IF CD4 count < 500 cells/mm3 (per 12/30/94 amendment).)",
            [],
        ),
        # an amendment about something else leaves the bound standing
        (
            "CD4 count <= 200 cells/mm3. [AS PER AMENDMENT 4/3/00: Rifabutin can be administered at a reduced dose.]",
            [200.0],
        ),
    ],
)
def test_an_amended_bound_is_read_as_amended(text: str, in_force: list[float]) -> None:
    constraints = parse_criterion(text)
    assert [c.comparison.value.value for c in constraints.comparisons] == in_force
    if in_force == [200.0] and "within 3 months" in text:
        assert constraints.windows == ()


@pytest.mark.parametrize(
    "text",
    [
        "A CD4+ cell count <= 100/mm3 within 3 months.",
        "CD4 cell counts of 200 - 500 cells/mm3.",
        "CD4 T cell count <= 100 cells/mm3.",
    ],
)
def test_a_cell_count_after_a_lab_is_that_labs_count(text: str) -> None:
    [bound] = parse_criterion(text).comparisons
    assert same_measure(bound.measure, "head:cd4"), bound


def test_cells_named_as_a_treatment_keep_their_name() -> None:
    from assistant.patient_facts import parse_question

    [given] = parse_question("He got CAR-T cells 5 weeks ago and the leukemia came back.").elapsed
    assert given.event == "CAR-T cells" and given.days_ago == 35


@pytest.mark.parametrize(
    ("text", "event"),
    [
        (
            "Has experienced 1 or more episodes of acute rejection; a rejection episode must have responded to "
            "treatment and have occurred at least 30 days before study enrollment.",
            "rejection episode",
        ),
        (
            'For 3TC exposure to be considered "new", prior exposure must have been less\n     than 1 week and must '
            "have occurred more than 3 months prior to entry.",
            "exposure",
        ),
    ],
)
def test_a_window_on_a_clause_that_only_says_it_happened_is_of_the_sentences_subject(text: str, event: str) -> None:
    """ "... and have occurred at least 30 days before": the event is what the sentence is about, not "occurred"."""
    windows = parse_criterion(text).windows
    assert [w.event for w in windows][-1:] == [event], windows


@pytest.mark.parametrize(
    ("text", "comparator", "value"),
    [
        ("best corrected Snellen visual acuity of 20/100 or better", Comparator.GE, 0.2),
        ("Vision 20/400 or worse in the fellow eye", Comparator.LE, 0.05),
        ("best corrected visual acuity equal or better than 20/20", Comparator.GE, 1.0),
        ("visual acuity worse than 6/12", Comparator.LT, 0.5),  # metric Snellen
        ("My best corrected vision is 20/80 in my better eye", Comparator.EQ, 0.25),
    ],
)
def test_snellen_acuity_is_read_as_the_decimal_acuity_it_stands_for(
    text: str, comparator: Comparator, value: float
) -> None:
    from ingest.measures import ACUITY, find_quantities

    (found,) = [m for m in find_quantities(text) if m.measure == ACUITY]
    assert (found.comparator, found.quantity.value) == (comparator, pytest.approx(value))


def test_a_fraction_not_said_of_sight_is_no_acuity() -> None:
    from ingest.measures import ACUITY, find_quantities

    assert all(m.measure != ACUITY for m in find_quantities("Blood pressure 120/80 mmHg, platelets 20/100 units"))


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("VL 80-90k x 1 yr", 80000.0, 90000.0),  # the k counts thousands at both ends
        ("WBC 3.5k", 3500.0, None),
        ("weight 35 kg", 35.0, None),  # a unit that starts with k is no thousands
    ],
)
def test_a_k_after_a_number_counts_thousands(text: str, low: float, high: float | None) -> None:
    from ingest.measures import find_quantities

    found = find_quantities(text)[0].quantity
    assert (found.value, found.upper) == (low, high)


def test_a_fraction_people_say_they_see_is_their_acuity() -> None:
    from ingest.measures import ACUITY, find_quantities

    found = [m for m in find_quantities("With glasses I see 20/200 in my right eye") if m.measure == ACUITY]
    assert [m.quantity.value for m in found] == [pytest.approx(0.1)]


def test_a_bare_value_bracketed_with_its_case_is_the_bounds_limit_in_that_case() -> None:
    # "(5 times ULN if liver metastases)" has no comparator: it restates the bound before it for a case, and had been
    # read as no bound at all, so a liver-metastasis patient at 4x ULN was excluded by the 3x limit
    text = "AST no greater than 3 times upper limit of normal (ULN) (5 times ULN if liver metastases)"
    bounds = [(c.measure, c.comparison.comparator, c.comparison.value.value) for c in parse_criterion(text).comparisons]
    assert bounds == [("ast", Comparator.LE, 3.0), ("ast", Comparator.LE, 5.0)]
    # a bracketed value with no case is no second limit; nor one in another unit
    assert len(parse_criterion("AST no greater than 3 times ULN (5 times ULN)").comparisons) == 1
    assert len(parse_criterion("Platelets at least 100,000/mm3 (5 days if transfused)").comparisons) == 1


@pytest.mark.parametrize(
    ("text", "exception"),
    [
        # a run-on record's next item, a bound on another measure, ends the exception
        (
            "Bilirubin no greater than 1.5 mg/dL, unless history of Gilbert's disease SGOT or SGPT no greater than 2 "
            "times upper limit of normal",
            "unless history of Gilbert's disease",
        ),
        # a bound on the carved measure is the exception's own
        ("ALT < 2.5 x ULN unless liver metastases ALT < 5 x ULN", "unless liver metastases ALT < 5 x ULN"),
        (
            "Bilirubin < 1.5 mg/dL unless Gilbert's syndrome, in which case bilirubin < 3 mg/dL",
            "unless Gilbert's syndrome, in which case bilirubin < 3 mg/dL",
        ),
    ],
)
def test_an_exception_ends_where_a_run_on_item_on_another_measure_starts(text: str, exception: str) -> None:
    assert [text[slice(*c.span)] for c in parse_criterion(text).exceptions] == [exception]

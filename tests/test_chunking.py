"""Criteria splitting keeps the numbers as printed and sub-bullets with their parent."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest

from ingest.chunking import ELIGIBILITY, EXCLUSION, INCLUSION, split_criteria
from ingest.loaders import iter_inputs


def labels(text: str) -> list[tuple[str, str | None, str]]:
    return [(i.kind, i.label, text[i.start : i.end]) for i in split_criteria(text)]


def folded_items(text: str) -> list[str]:
    """Each item's text with its whitespace folded (run-on and hard-wrapped records)."""
    return [" ".join(text[i.start : i.end].split()) for i in split_criteria(text)]


def test_numbers_as_printed_with_gaps() -> None:
    text = "Inclusion Criteria\n2. Age ≥ 18;\n3. Confirmed NPC;\nExclusion Criteria\n2. Imaging.\n7. ILD.\n"
    assert labels(text) == [
        (INCLUSION, "2", "Age ≥ 18;"),
        (INCLUSION, "3", "Confirmed NPC;"),
        (EXCLUSION, "2", "Imaging."),
        (EXCLUSION, "7", "ILD."),
    ]


def test_bullets_numbered_by_position_and_sub_bullets_stay_with_parent() -> None:
    text = (
        "Inclusion Criteria:\n\n* Adults\n* Normal organ function:\n\n  * hemoglobin >10\n  * platelets >100\n"
        "\nExclusion Criteria:\n\n* Pregnancy\n"
    )
    got = labels(text)
    assert [(k, n) for k, n, _ in got] == [(INCLUSION, "1"), (INCLUSION, "2"), (EXCLUSION, "1")]
    assert got[1][2] == "Normal organ function:\n\n  * hemoglobin >10\n  * platelets >100"


def test_bulleted_headings_and_group_labels() -> None:
    text = "* INCLUSION CRITERIA:\n* Ages 18-50\n\nEXCLUSION CRITERIA:\n\nCurrent treatment:\n\n* Raynaud syndrome\n"
    assert labels(text) == [(INCLUSION, "1", "Ages 18-50"), (EXCLUSION, "1", "Raynaud syndrome")]


def test_escaped_and_parenthesised_numbers() -> None:
    text = "Exclusion Criteria:\n12\\. Twelve\n(13) Thirteen\n"
    assert [(n, t) for _, n, t in labels(text)] == [("12", "Twelve"), ("13", "Thirteen")]


# ---- header variants -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("header", "kind"),
    [
        ("Inclusion:", INCLUSION),
        ("Inclusion Criteria :", INCLUSION),
        ("MAIN INCLUSION CRITERIA:", INCLUSION),
        ("Key Inclusion Criteria", INCLUSION),
        ("EXCLUSION CRITERIA", EXCLUSION),
        ("Patient inclusion criteria", INCLUSION),
        ("Inclusion criteria for phase A:", INCLUSION),
        ("Radiological exclusion criteria", EXCLUSION),
        ("iii.6 Exclusion criteria", EXCLUSION),
        ("Parkinson's disease exclusion criteria", EXCLUSION),
        ("Inclusion Criteria (Paramedics):", INCLUSION),
        ("Exclusion Criteria prior Transplantation/Implantation", EXCLUSION),
        ("* INCLUSION CRITERIA:", INCLUSION),
        ("-  Parkinson's Disease exclusion criteria", EXCLUSION),
        ("Inclusioin Criteria:", INCLUSION),
    ],
)
def test_header_variants(header: str, kind: str) -> None:
    text = f"Intro line.\n\n{header}\n\n1. First item\n2. Second item\n"
    assert labels(text) == [(ELIGIBILITY, "1", "Intro line."), (kind, "1", "First item"), (kind, "2", "Second item")]


def test_header_naming_both_polarities_is_dropped_and_sets_none() -> None:
    text = "-  INCLUSION/EXCLUSION CRITERIA:\n\nInclusion criteria for Siblings:\n  -  Age 18-55\n"
    assert labels(text) == [(INCLUSION, "1", "Age 18-55")]
    assert labels("Inclusion and exclusion criteria:\n* Adults\n") == [(ELIGIBILITY, "1", "Adults")]


def test_switching_between_variant_headers_keeps_numbering_per_polarity() -> None:
    text = "Key Inclusion Criteria\n* Adults\nEXCLUSION CRITERIA\n* Pregnancy\nInclusion criteria for B:\n* Consent"
    assert labels(text) == [(INCLUSION, "1", "Adults"), (EXCLUSION, "1", "Pregnancy"), (INCLUSION, "2", "Consent")]


def test_the_group_a_header_names_heads_its_items() -> None:
    # "INCLUSION CRITERIA - BLOOD DRAW/NORMAL CONTROL": whom the list is for had been dropped with the header, so an
    # answer could not say which group a criterion belongs to
    text = (
        "INCLUSION CRITERIA - BLOOD DRAW/ASTHMA:\n- Asthma\n"
        "INCLUSION CRITERIA - BLOOD DRAW/NORMAL CONTROL:\n- Age 18-65.\nPrior Medication:\n- No steroids\n"
        "Exclusion Criteria:\n- Pregnancy\n"
    )
    headed = [(i.kind, i.label, i.heading) for i in split_criteria(text)]
    assert headed == [
        (INCLUSION, "1", "BLOOD DRAW/ASTHMA"),
        (INCLUSION, "2", "BLOOD DRAW/NORMAL CONTROL"),
        (INCLUSION, "3", "Prior Medication:"),  # a sub-heading of the list takes its place
        (EXCLUSION, "1", None),  # a header naming no group heads nothing
    ]


# ---- headers glued to other text ------------------------------------------------------------------
def test_header_glued_to_the_end_of_the_previous_bullet() -> None:
    text = "Inclusion Criteria:\n* Adults\n* Stable dose for 4 weeks. Exclusion Criteria:\n* Pregnancy\n"
    assert labels(text) == [
        (INCLUSION, "1", "Adults"),
        (INCLUSION, "2", "Stable dose for 4 weeks."),
        (EXCLUSION, "1", "Pregnancy"),
    ]


def test_header_glued_to_the_first_item_or_to_stray_markers() -> None:
    assert labels("Inclusion Criteria:a. Female\nb. Adult\n") == [(INCLUSION, "1", "Female"), (INCLUSION, "2", "Adult")]
    assert labels("Inclusion Criteria: • Age ≥ 18 years\n• Consent\n") == [
        (INCLUSION, "1", "Age ≥ 18 years"),
        (INCLUSION, "2", "Consent"),
    ]
    # "a." and "1." left dangling after the colon carry no criterion
    text = "Inclusion Criteria:a.\n\n1. Female subjects\n\nExclusion Criteria:1.\n\n* Not in a bout\n* 2\\. Steroids\n"
    assert labels(text) == [
        (INCLUSION, "1", "Female subjects"),
        (EXCLUSION, "1", "Not in a bout"),
        (EXCLUSION, "2", "Steroids"),
    ]


def test_instruction_after_a_header_is_not_an_item() -> None:
    text = "* Exclusion Criteria: All answers must be NO to be eligible for the study.\n* Morbid obesity\n"
    assert labels(text) == [(EXCLUSION, "1", "Morbid obesity")]


# ---- sub-headers ------------------------------------------------------------------------------------
def test_sub_headers_keep_polarity_and_are_counted_through() -> None:
    text = (
        "Inclusion Criteria:\n\nPRIOR TO STEP 1 REGISTRATION:\n\n* Confirmed disease\n\nCohort A:\n\n* Prior therapy\n"
        "\nDisease characteristics:\n  * Measurable\n\nDISEASE CHARACTERISTICS\n\n* Stage IV\n"
    )
    assert labels(text) == [
        (INCLUSION, "1", "Confirmed disease"),
        (INCLUSION, "2", "Prior therapy"),
        (INCLUSION, "3", "Measurable"),
        (INCLUSION, "4", "Stage IV"),
    ]


def test_sub_header_naming_the_other_polarity_switches_it() -> None:
    text = (
        "Inclusion Criteria:\n* Adult\nExclusion criteria for Phase A:\n* Pregnant\n"
        "Patients with any of the following exclusion criteria will not be enrolled:\n* Dialysis\n"
    )
    assert labels(text) == [(INCLUSION, "1", "Adult"), (EXCLUSION, "1", "Pregnant"), (EXCLUSION, "2", "Dialysis")]


# ---- markers, wrapping and sub-bullets ----------------------------------------------------------------
def test_bullets_that_carry_their_own_numbers() -> None:
    text = "Inclusion Criteria:\n* 1. Age 18 or over\n* 2) Consent\n- 4. Measurable disease\n"
    assert [(n, t) for _, n, t in labels(text)] == [
        ("1", "Age 18 or over"),
        ("2", "Consent"),
        ("4", "Measurable disease"),
    ]


def test_items_wrapped_over_lines_stay_whole() -> None:
    text = (
        "Inclusion Criteria:\n\n  -  Patients must have measurable disease as per the RECIST criteria, defined as\n"
        "     at least one lesion\n\n  -  Age over 18\n"
    )
    got = labels(text)
    assert [(k, n) for k, n, _ in got] == [(INCLUSION, "1"), (INCLUSION, "2")]
    assert got[0][2].endswith("defined as\n     at least one lesion")


def test_a_bracket_broken_over_two_bullets_is_one_item_and_keeps_the_count() -> None:
    # NCT00001994: "(eg:" ends a bullet and "Ensure Plus) or ... nasogastric tube." is printed as the next one
    text = (
        "Exclusion Criteria\n\n  -  Psychosis.\n\n  -  Unwilling or unable to take 566C80 with a meal, enteral"
        " supplements (eg:\n\n  -  Ensure Plus) or pulverized form through a nasogastric tube.\n\n"
        "  -  Active drug or alcohol abuse.\n\n  -  Diarrhea (more than 4 stools a day).\n"
    )
    got = labels(text)
    assert [n for _, n, _ in got] == ["1", "2", "4", "5"]  # the finishing bullet is counted, as a reader counts it
    assert got[1][2].startswith("Unwilling") and got[1][2].endswith("through a nasogastric tube.")


def test_sub_bullets_of_other_styles_stay_with_their_parent() -> None:
    text = (
        "Inclusion Criteria:\n1. Adequate organ function:\n   o Hb > 9 g/dL\n   - ANC > 1500\n   a) platelets\n"
        "2. Headache with any of:\na) nausea\nb) photophobia\n3. Consent\n"
        "* The subject has one of the following:\n* 1) Renal insufficiency\n* 2) Diabetes\n"
    )
    got = labels(text)
    assert [(k, n) for k, n, _ in got] == [(INCLUSION, "1"), (INCLUSION, "2"), (INCLUSION, "3"), (INCLUSION, "4")]
    assert got[0][2].endswith("a) platelets") and got[1][2].endswith("b) photophobia")
    assert got[3][2].endswith("* 2) Diabetes")


def test_markdown_escapes_and_tight_markers() -> None:
    text = "Inclusion Criteria:\n\\- Age between 18 and 65\n-Acute leukaemia\n•Community paramedics\n"
    assert [t for _, _, t in labels(text)] == ["Age between 18 and 65", "Acute leukaemia", "Community paramedics"]


def test_carriage_returns_from_xml_keep_offsets_exact() -> None:
    text = "Inclusion Criteria:\r\n\r\n- Age\r\n  over 18\r\nExclusion Criteria:\r- Pregnant\r"
    assert labels(text) == [(INCLUSION, "1", "Age\r\n  over 18"), (EXCLUSION, "1", "Pregnant")]


# ---- lines that mention criteria ----------------------------------------------------------------------
def test_notes_and_mentions_are_not_headers() -> None:
    text = (
        "Inclusion Criteria:\n* Patient meets the inclusion criteria for trial entry\n* Age 18 or over\n\n"
        "Exclusion Criteria:\n* Other protocol-defined exclusion criteria may apply.\n* Pregnancy\n\n"
        "Other inclusion and exclusion criteria may apply.\n"
    )
    assert labels(text) == [
        (INCLUSION, "1", "Patient meets the inclusion criteria for trial entry"),
        (INCLUSION, "2", "Age 18 or over"),
        (EXCLUSION, "1", "Other protocol-defined exclusion criteria may apply."),
        (EXCLUSION, "2", "Pregnancy"),
    ]


def test_unmarked_criteria_are_items_and_hard_wrapped_lines_continue_them() -> None:
    text = (
        "Exclusion Criteria\n\nPatients with the following prior conditions are excluded:\n\n"
        "History of Type I hypersensitivity (i.e., urticaria),\nexfoliative dermatitis.\n\nPregnancy.\n"
    )
    assert labels(text) == [
        (EXCLUSION, "1", "History of Type I hypersensitivity (i.e., urticaria),\nexfoliative dermatitis."),
        (EXCLUSION, "2", "Pregnancy."),
    ]
    assert labels("Age 20-30.\nNo medications.\n") == [
        (ELIGIBILITY, "1", "Age 20-30."),
        (ELIGIBILITY, "2", "No medications."),
    ]


# ---- invariants over real records ---------------------------------------------------------------------
REAL = Path("/work/shared/data/ctgov-more")
_HEADER_TEXT = re.compile(r"^\W*(?:[\w'’.()/-]+\s+){0,4}exclusion\s+criteria\b[^.\n]*$", re.IGNORECASE | re.MULTILINE)
_STARTS_WITH_HEADER = re.compile(r"^\W*(?:key |main )?(?:inclusion|exclusion)(?: criteria)?\s*:", re.IGNORECASE)


@pytest.mark.skipif(not REAL.is_dir(), reason="shared real records not present")
def test_invariants_over_all_real_records() -> None:
    trials = [t for item in iter_inputs([REAL]) for t in item.trials]
    assert len(trials) == 361
    for trial in trials:
        section = trial.section("Eligibility Criteria")
        assert section is not None, trial.trial_id
        items = split_criteria(section.text)
        assert items, trial.trial_id
        for before, after in itertools.pairwise(items):
            assert before.end <= after.start, (trial.trial_id, before.label, after.label)
        for item in items:
            body = section.text[item.start : item.end]
            assert 0 <= item.start < item.end <= len(section.text) and body == body.strip(), trial.trial_id
            assert not _STARTS_WITH_HEADER.match(body), (trial.trial_id, body[:60])
            # an unmarked sentence between marked items is kept unnumbered; every other item has its number
            assert item.label or not body.endswith(":"), trial.trial_id
        if _HEADER_TEXT.search(section.text):
            assert any(i.kind == EXCLUSION for i in items), trial.trial_id


def test_sub_headings_travel_with_the_items_under_them() -> None:
    """Classic NIH records: 'Concurrent Medication: Excluded:' and 'Prior Medication: Excluded within 30 days of study
    entry:' say when the items under them apply; a status line after items stays under its category."""
    text = (
        "Exclusion Criteria\n\n"
        "Concurrent Medication:\n\nExcluded:\n\n  -  Zidovudine (AZT).\n\n"
        "Excluded within 1 hour of dosing:\n\n  -  Antacids.\n\n"
        "Prior Medication:\n\nExcluded within 30 days of study entry:\n\n  -  Interferon.\n\n"
        "Patients with the following are excluded:\n\n  -  Active infection.\n"
    )
    headings = [(text[i.start : i.end], i.heading) for i in split_criteria(text)]
    assert headings == [
        ("Zidovudine (AZT).", "Concurrent Medication: Excluded:"),
        ("Antacids.", "Concurrent Medication: Excluded within 1 hour of dosing:"),
        ("Interferon.", "Prior Medication: Excluded within 30 days of study entry:"),
        ("Active infection.", "Patients with the following are excluded:"),
    ]


def test_a_status_line_printed_as_a_bullet_heads_the_bullets_after_it() -> None:
    """ "-  Excluded within 3 months of study entry:" among the bullets of "Prior Treatment:" keeps its printed number
    and sets the window of the bullets after it, under the same category; the next category ends it."""
    text = (
        "Exclusion Criteria\n\n"
        "Prior Treatment:\n\nExcluded within 4 weeks of study entry:\n\n"
        "  -  Lymphocyte transfusion.\n\n  -  Excluded within 3 months of study entry:\n\n"
        "  -  Bone marrow transplant.\n\n"
        "Risk Behavior:\n\nExcluded:\n\n  -  Active alcohol abuse.\n"
    )
    found = [(i.label, text[i.start : i.end], i.heading) for i in split_criteria(text)]
    assert found == [
        ("1", "Lymphocyte transfusion.", "Prior Treatment: Excluded within 4 weeks of study entry:"),
        ("2", "Excluded within 3 months of study entry:", "Prior Treatment: Excluded within 4 weeks of study entry:"),
        ("3", "Bone marrow transplant.", "Prior Treatment: Excluded within 3 months of study entry:"),
        ("4", "Active alcohol abuse.", "Risk Behavior: Excluded:"),
    ]


def test_run_on_pdq_criteria_split_at_blocks_labels_and_prohibitions() -> None:
    # NCI PDQ text printed as one run of words (about one classic XML record in six): one item per organ-system
    # label and per "No ..." statement, the PDQ block as the heading (it was one item per block, hundreds of words)
    text = (
        "\n        DISEASE CHARACTERISTICS: Histologically proven lymphoma Measurable disease\n\n"
        "        PATIENT CHARACTERISTICS: Age: 15 to 65 Performance status: ECOG 0-1 Hepatic: Bilirubin no\n"
        "        greater than 1.8 mg/dL No high risk for veno-occlusive disease Renal: Creatinine no more than\n"
        "        1.5 mg/dL Other: No active infection\n\n"
        "        PRIOR CONCURRENT THERAPY: Chemotherapy: At least 4 weeks since prior chemotherapy No\n"
        "        concurrent chemotherapy\n"
    )
    items = split_criteria(text)
    found = [(i.heading, " ".join(text[i.start : i.end].split())) for i in items]
    assert found == [
        ("DISEASE CHARACTERISTICS:", "Histologically proven lymphoma Measurable disease"),
        ("PATIENT CHARACTERISTICS:", "Age: 15 to 65"),
        ("PATIENT CHARACTERISTICS:", "Performance status: ECOG 0-1"),
        ("PATIENT CHARACTERISTICS:", "Hepatic: Bilirubin no greater than 1.8 mg/dL"),
        ("PATIENT CHARACTERISTICS:", "No high risk for veno-occlusive disease"),
        ("PATIENT CHARACTERISTICS:", "Renal: Creatinine no more than 1.5 mg/dL"),
        ("PATIENT CHARACTERISTICS:", "Other: No active infection"),
        ("PRIOR CONCURRENT THERAPY:", "Chemotherapy: At least 4 weeks since prior chemotherapy"),
        ("PRIOR CONCURRENT THERAPY:", "No concurrent chemotherapy"),
    ]
    assert [i.label for i in items] == [str(n) for n in range(1, 10)]
    assert {i.kind for i in items} == {ELIGIBILITY}


def test_a_paragraph_before_the_bullets_of_its_list_is_a_criterion_not_dropped() -> None:
    text = (
        "--Prior/Concurrent Therapy--\n\nNo concurrent use of anticoagulant medication\n\n"
        "--Patient Characteristics--\n\n  -  No chronic metabolic disease\n\n"
        "  -  No bleeding of clinical significance\n"
    )
    found = [(i.label, " ".join(text[i.start : i.end].split())) for i in split_criteria(text)]
    assert found == [
        (None, "No concurrent use of anticoagulant medication"),  # unnumbered: the bullets keep the numbers printed
        ("1", "No chronic metabolic disease"),
        ("2", "No bleeding of clinical significance"),
    ]
    # a stray marker or a two-word label before the bullets is no criterion
    assert [i.label for i in split_criteria("Biologic therapy\n\n  -  No prior interferon\n")] == ["1"]


def test_a_conditional_pdq_statement_starts_an_item_of_its_own() -> None:
    text = (
        "DISEASE CHARACTERISTICS: Breast cancer No recurrent or persistent vaginal bleeding If postmenopausal and had\n"
        "any vaginal bleeding within past year, then must have normal endometrial biopsy\n\n"
        "PATIENT CHARACTERISTICS: Age: Not specified\n"
    )
    assert folded_items(text)[:3] == [
        "Breast cancer",
        "No recurrent or persistent vaginal bleeding",
        "If postmenopausal and had any vaginal bleeding within past year, then must have normal endometrial biopsy",
    ]


def test_a_pdq_time_since_statement_starts_an_item_and_or_keeps_alternatives_together() -> None:
    text = (
        "DISEASE CHARACTERISTICS: At least 10 hot flashes per week OR At least 5 severe hot flashes per week\n\n"
        "PRIOR CONCURRENT THERAPY: Prior adjuvant chemotherapy allowed More than 1 year since prior paclitaxel\n"
    )
    assert folded_items(text) == [
        "At least 10 hot flashes per week OR At least 5 severe hot flashes per week",
        "Prior adjuvant chemotherapy allowed",
        "More than 1 year since prior paclitaxel",
    ]


def test_rare_disease_records_print_the_pdq_blocks_between_dashes() -> None:
    text = (
        "PROTOCOL ENTRY CRITERIA:\n\n--Disease Characteristics-- Histologically confirmed metastatic melanoma\n"
        "--Prior/Concurrent Therapy-- At least 30 days since prior treatment for melanoma --Patient\n"
        "Characteristics-- Age: 18 to 60 Performance status: ECOG 0-1 Other: HIV negative No major organ dysfunction\n"
    )
    found = [(i.heading, " ".join(text[i.start : i.end].split())) for i in split_criteria(text)]
    assert found == [
        ("DISEASE CHARACTERISTICS:", "Histologically confirmed metastatic melanoma"),
        ("PRIOR/CONCURRENT THERAPY:", "At least 30 days since prior treatment for melanoma"),
        ("PATIENT CHARACTERISTICS:", "Age: 18 to 60"),
        ("PATIENT CHARACTERISTICS:", "Performance status: ECOG 0-1"),
        ("PATIENT CHARACTERISTICS:", "Other: HIV negative"),
        ("PATIENT CHARACTERISTICS:", "No major organ dysfunction"),
    ]


def test_pdq_blocks_written_in_paragraphs_are_read_by_their_paragraphs() -> None:
    # Blank lines inside the blocks give the record's own structure; the dashed block names are labels, not items.
    text = (
        "--Disease Characteristics--\n\nChronic hyperlipidemia; Must have received at\nleast 2 months of steroids\n\n"
        "LDL cholesterol at least 160 mg/dL\n\n--Prior/Concurrent Therapy--\n\nNo concurrent lipid-lowering drugs\n"
    )
    assert [(i.label, " ".join(text[i.start : i.end].split())) for i in split_criteria(text)] == [
        ("1", "Chronic hyperlipidemia; Must have received at least 2 months of steroids"),
        ("2", "LDL cholesterol at least 160 mg/dL"),
        ("3", "No concurrent lipid-lowering drugs"),
    ]


def test_bulleted_pdq_criteria_keep_their_bullets() -> None:
    text = (
        "DISEASE CHARACTERISTICS:\n\n  - Histologically proven lymphoma\n\n"
        "PATIENT CHARACTERISTICS:\n\n  - Age: 15 to 65\n  - No active infection\n"
    )
    assert folded_items(text) == [
        "Histologically proven lymphoma",
        "Age: 15 to 65",
        "No active infection",
    ]


def test_a_label_printed_without_a_colon_heads_the_bullets_under_it() -> None:
    """Bulleted PDQ records print their therapy labels bare ("Chemotherapy" on a line of its own, outdented from the
    bullets): read as a wrapped line of the bullet above, "Not specified\n\nChemotherapy" was one item."""
    text = (
        "PRIOR CONCURRENT THERAPY:\n\n"
        "Biologic therapy\n\n  -  Not specified\n\n"
        "Chemotherapy\n\n  -  At least 4 weeks since prior chemotherapy\n"
        "     and recovered\n"
    )
    items = split_criteria(text)
    assert [(text[i.start : i.end], i.heading) for i in items] == [
        ("Not specified", "PRIOR CONCURRENT THERAPY: Biologic therapy"),
        ("At least 4 weeks since prior chemotherapy\n     and recovered", "Chemotherapy"),
    ]


def test_a_short_line_that_is_no_label_stays_with_its_item() -> None:
    # indented to the item's text (a wrapped line), or a sentence, or a number: not a label
    text = "Exclusion Criteria:\n\n  -  Prior therapy with\n\n     Rituximab\n\n  -  Age 45-70 years.\n"
    assert [label for _, label, _ in labels(text)] == ["1", "2"]
    assert labels(text)[0][2] == "Prior therapy with\n\n     Rituximab"


def test_an_unmarked_sentence_between_marked_items_is_kept_unnumbered() -> None:
    """Classic XML puts a criterion without a bullet under its own sub-heading ("Patients with the following prior
    conditions are excluded:" then "History of hepatitis ... 5 years."): it was dropped from every chunk. It is kept,
    without a number, so the bullets keep the numbers a reader counts; a lead-in sentence is not an item."""
    text = (
        "Exclusion Criteria\n\n"
        "Concurrent Medication:\n\n"
        "  -  Antiretrovirals.\n\n"
        "  -  Alcoholic beverages.\n\n"
        "Patients with the following prior conditions are excluded:\n\n"
        "History of hepatitis, pancreatitis, or cardiomyopathy within the past 5\n"
        "years.\n\n"
        "Prior Medication:\n\n"
        "All of the following are excluded.\n\n"
        "  -  Antiretrovirals within 24 hours prior to each dose.\n"
    )
    assert labels(text) == [
        (EXCLUSION, "1", "Antiretrovirals."),
        (EXCLUSION, "2", "Alcoholic beverages."),
        (EXCLUSION, None, "History of hepatitis, pancreatitis, or cardiomyopathy within the past 5\nyears."),
        (EXCLUSION, "3", "Antiretrovirals within 24 hours prior to each dose."),
    ]


def test_a_paragraph_after_a_blank_line_not_indented_to_the_items_text_ends_the_list() -> None:
    """API v2 markdown: "* " bullets at column 0 and, after a blank line, "Participants with a weight ≥42 kg." at
    column 0 too. By Markdown's rule the paragraph is not the last bullet's (that would need the indent of the
    bullet's text), so it is a criterion of its own, unnumbered; indented to the text, it continues the bullet."""
    text = (
        "Inclusion Criteria:\n\n"
        "* Isolated central nervous system disease,\n"
        "* At least 1 prior line of therapy.\n\n"
        "Participants with a weight ≥42 kg.\n\n"
        "Exclusion Criteria:\n\n"
        "* Known HIV disease.\n\n"
        "  Patients with HIV on stable treatment may be discussed with the sponsor.\n"
    )
    assert labels(text) == [
        (INCLUSION, "1", "Isolated central nervous system disease,"),
        (INCLUSION, "2", "At least 1 prior line of therapy."),
        (INCLUSION, None, "Participants with a weight ≥42 kg."),
        (
            EXCLUSION,
            "1",
            "Known HIV disease.\n\n  Patients with HIV on stable treatment may be discussed with the sponsor.",
        ),
    ]


def test_every_character_of_a_text_section_is_in_a_passage() -> None:
    # LangChain's start_index counts the tiktoken splitter's overlap (tokens) as characters: a piece overlapping the
    # one before by more than 32 characters was not found and dropped (128,600 characters of 762 real records, the
    # outline of treatment arms among them)
    from ingest.chunking import _fact_only_sections, chunk_trial

    trials = [t for item in iter_inputs([REAL]) for t in item.trials]
    lost: dict[str, int] = {}
    for trial in trials:
        covered = bytearray(len(trial.source_text))
        for chunk in chunk_trial(trial):
            covered[chunk.start : chunk.end] = b"\x01" * (chunk.end - chunk.start)
        skipped = _fact_only_sections(trial) | {ELIGIBILITY} | ({"Locations"} if trial.sites else set())
        for section in (s for s in trial.sections if s.heading not in skipped):
            span = range(section.start, section.start + len(section.text))
            missing = sum(1 for i in span if not covered[i] and not trial.source_text[i].isspace())
            if missing:
                lost[trial.trial_id] = lost.get(trial.trial_id, 0) + missing
    assert sum(lost.values()) <= 20, sorted(lost.items(), key=lambda kv: -kv[1])[:5]


def test_pieces_are_found_where_they_overlap_the_one_before() -> None:
    from ingest.chunking import piece_offsets

    text = "alpha beta gamma delta. " * 3
    pieces = [text[0:40], text[10:60], text[30:72].strip()]
    assert [(o, text[o : o + len(p)] == p) for o, p in piece_offsets(text, pieces)] == [
        (0, True),
        (10, True),
        (30, True),
    ]

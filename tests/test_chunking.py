"""Criteria splitting keeps the numbers as printed and sub-bullets with their parent."""

from __future__ import annotations

from ingest.chunking import EXCLUSION, INCLUSION, split_criteria


def labels(text: str) -> list[tuple[str, str, str]]:
    return [(i.kind, i.label, text[i.start : i.end]) for i in split_criteria(text)]


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

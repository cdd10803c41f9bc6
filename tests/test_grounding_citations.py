"""Fast tier: grounding (exact spans of what a question asks about) and citation validation of a model's
reply (phantom numbers dropped, quotes that are not verbatim flagged, offsets that point into the record),
over chunks of the three-trial store."""

from __future__ import annotations

import json

import pytest

from assistant.grounding import Concept, build_concepts, find_concept, phrase_words, sentences, word_spans
from assistant.llm import check_reply
from assistant.records import ScoredChunk, Verdict
from assistant.service import TrialQA
from ingest.records import Chunk

SEED = "NCT06839066"
ILD_QUOTE = "steroid-requiring (non-infectious) interstitial lung disease (ILD)"


@pytest.fixture(scope="module")
def ild_chunk(small_qa: TrialQA) -> Chunk:
    chunks = small_qa.store.catalogued_chunks([SEED])
    return next(c for c in chunks if c.section == "Exclusion Criteria" and c.criterion == "7")


def test_word_spans_point_at_the_words_of_the_text() -> None:
    text = "Steroid-requiring ILD; the patient’s HBV DNA ≥ 2000"
    spans = word_spans(text)
    assert [text[start:end] for _, start, end in spans] == [
        "Steroid",
        "requiring",
        "ILD",
        "the",
        "patient’s",
        "HBV",
        "DNA",
        "2000",
    ]
    assert [word for word, _, _ in spans][:3] == [phrase_words("steroid")[0], phrase_words("requiring")[0], "ild"]


def test_a_phrase_matches_across_at_most_three_words() -> None:
    concept = Concept("brain metastases", (phrase_words("brain metastases"),))
    near = "No brain or spinal cord metastases."
    far = "No brain disease of any kind, or metastases."
    (span,) = find_concept(concept, word_spans(near))
    assert near[span.start : span.end] == "brain or spinal cord metastases"
    assert find_concept(concept, word_spans(far)) == []


def test_concepts_come_from_synonym_groups_and_the_remaining_content_words() -> None:
    concepts = build_concepts("Is hepatitis B a problem for dosing?", [["hepatitis B", "HBV"]], frozenset({"problem"}))
    names = [c.name for c in concepts]
    assert names[0] == "hepatitis B" and phrase_words("HBV") in concepts[0].phrases
    assert "dosing" in names and "problem" not in names and "Is" not in names


def test_sentences_are_trimmed_exact_spans() -> None:
    text = "  First part; second part.\nThird line without end  "
    assert [text[s.start : s.end] for s in sentences(text)] == ["First part;", "second part.", "Third line without end"]


def test_a_hard_wrapped_line_break_does_not_end_a_sentence() -> None:
    # Classic-XML text blocks wrap at about 80 columns; the value a question asks for is often on the next line.
    text = (
        "The order of ranitidine and placebo is randomized and the two foscarnet doses are separated\n"
        "by at least 72 hours. Laboratory studies have shown foscarnet to be active against the\n"
        "HIV virus in the laboratory and in several small studies of people with the infection.\n"
        "BIOLOGICAL: autologous bone marrow-derived progenitor cells\n"
        "intracoronary infusion of cells isolated from 50 ml bone marrow aspirate, given once only\n"
        "  - a list item that follows a long line which does not end with a full stop at all\n"
        "Arm II (EXPERIMENTAL) Patients receive oral erlotinib hydrochloride once daily on days 1-28\n"
        "Arm III (PLACEBO_COMPARATOR) Patients receive oral placebo once daily on days 1-28"
    )
    found = [text[s.start : s.end] for s in sentences(text)]
    assert found[0].endswith("separated\nby at least 72 hours.")  # the next line starts in lower case
    assert found[1].endswith(
        "against the\nHIV virus in the laboratory and in several small studies of people with the infection."
    )
    # A short name line, a list item, and a capitalised line after a content word keep their own lines.
    assert found[2] == "BIOLOGICAL: autologous bone marrow-derived progenitor cells"
    assert found[4].startswith("- a list item")
    assert found[5].endswith("days 1-28") and found[6].startswith("Arm III")


def reply(answer: str, cited: list[int], quotes: list[dict[str, object]]) -> str:
    return json.dumps({"verdict": "excluded", "answer": answer, "cited_passages": cited, "quotes": quotes})


def test_a_valid_citation_is_kept_with_its_exact_quote_and_a_phantom_number_dropped(
    ild_chunk: Chunk, small_qa: TrialQA
) -> None:
    passages = [ScoredChunk(chunk=ild_chunk, score=1.0)]
    checked = check_reply(
        reply("ILD is excluded [1]. See also [42].", [1], [{"passage": 1, "quote": ILD_QUOTE}]), passages
    )

    assert checked.verdict is Verdict.EXCLUDED and checked.phantom == 1
    assert checked.text == "ILD is excluded [1]. See also."
    (citation,) = checked.citations
    assert (citation.trial_id, citation.section, citation.criterion, citation.quote) == (
        SEED, "Exclusion Criteria", "7", ILD_QUOTE,
    )  # fmt: skip
    record = small_qa.trial(SEED)
    assert record is not None and citation.start is not None
    assert record.source_text[citation.start : citation.start + len(ILD_QUOTE)] == ILD_QUOTE


def test_a_quote_not_in_the_passage_is_flagged_and_the_citation_quotes_the_passage_whole(ild_chunk: Chunk) -> None:
    invented = "any lung disease at all excludes you"
    passages = [ScoredChunk(chunk=ild_chunk, score=1.0)]
    checked = check_reply(
        reply(f'The record says "{invented}" [1].', [1], [{"passage": 1, "quote": invented}]), passages
    )

    assert f'"{invented} (not found verbatim in the record)"' in checked.text
    assert [c.quote for c in checked.citations] == [ild_chunk.text]


def test_text_without_a_marker_cites_nothing_whatever_cited_passages_says(ild_chunk: Chunk) -> None:
    passages = [ScoredChunk(chunk=ild_chunk, score=1.0)]
    checked = check_reply(reply("ILD is excluded.", [1], [{"passage": 1, "quote": ILD_QUOTE}]), passages)
    assert checked.citations == [] and checked.cited_chunks == []
    only_phantoms = check_reply(reply("ILD is excluded [3].", [3], []), passages)
    assert only_phantoms.citations == [] and only_phantoms.phantom == 1


def test_a_possessive_names_its_owner() -> None:
    # records write an eponym with and without it ("Gilbert syndrome", "Gilbert's disease"); the words must meet
    said = [w for w, _, _ in word_spans("I have Gilbert's and Crohn’s")]
    written = [w for w, _, _ in word_spans("Gilbert syndrome or Crohn disease")]
    assert said[2] == written[0] and said[4] == written[3], (said, written)

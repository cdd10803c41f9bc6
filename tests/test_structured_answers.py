"""Answers from structured fields of real records: status, enrollment, officials, site contacts and status,
arms, dosing and posted results. Fast: real loaders and chunking, an in-memory retriever, no model, no store."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import pytest

from assistant.intents import IntentRules
from assistant.offline import OfflineAnswerer
from assistant.records import Answer, ScoredChunk, Verdict
from assistant.retrieval import QueryExpander
from assistant.settings import EligibilitySettings, Settings
from ingest.chunking import chunk_trial
from ingest.loaders import load_bytes, load_file
from ingest.records import Chunk, Trial

FIXTURES = Path(__file__).resolve().parent / "fixtures"
RECORDS = (
    "NCT05885022.json",
    "NCT00353704.json",
    "NCT00501228.xml",
    "NCT00501475.xml",
    "NCT00003403.xml",
    "NCT00000693.xml",
)


class StubRetriever:
    """`search` ranks a trial's chunks by shared words; `lookup` picks them by metadata, like the real one."""

    def __init__(self, trials: Sequence[Trial]) -> None:
        self.settings = Settings()
        self.expander = QueryExpander.from_package()
        self.chunks = [chunk for trial in trials for chunk in chunk_trial(trial)]

    def search(
        self, query: str, trial_id: str | None = None, sections: Sequence[str] | None = None, k: int | None = None
    ) -> list[ScoredChunk]:
        asked = set(re.findall(r"\w+", query.lower()))
        scored = [
            (len(asked & set(re.findall(r"\w+", c.text.lower()))), c)
            for c in self.chunks
            if (trial_id is None or c.trial_id == trial_id) and (sections is None or c.section in sections)
        ]
        ranked = sorted((pair for pair in scored if pair[0]), key=lambda pair: -pair[0])
        return [ScoredChunk(chunk=c, score=float(n)) for n, c in ranked[: k or self.settings.retrieval.top_k]]

    def lookup(self, trial_id: str, *, facts: Sequence[str] = (), kind: str | None = None) -> list[ScoredChunk]:
        mine = [c for c in self.chunks if c.trial_id == trial_id]
        picked: list[Chunk] = [c for name in facts for c in mine if c.fact == name] if facts else []
        if not facts:
            picked = [c for c in mine if c.kind == kind]
        return [ScoredChunk(chunk=c, score=1.0) for c in picked]


class Directory:
    def __init__(self, trials: Sequence[Trial]) -> None:
        self.trials = {t.trial_id: t for t in trials}

    def get_trial(self, trial_id: str) -> Trial | None:
        return self.trials.get(trial_id)


@pytest.fixture(scope="module")
def trials() -> dict[str, Trial]:
    loaded = [load_file(FIXTURES / name)[0] for name in RECORDS]
    return {t.trial_id: t for t in loaded}


@pytest.fixture(scope="module")
def answerer(trials: dict[str, Trial]) -> OfflineAnswerer:
    values = list(trials.values())
    return OfflineAnswerer(StubRetriever(values), Directory(values), IntentRules.from_package(), EligibilitySettings())


def ask(answerer: OfflineAnswerer, trials: dict[str, Trial], trial_id: str, question: str) -> Answer:
    answer = answerer.answer(question, trial_id, answerer.rules.classify(question))
    text = trials[trial_id].source_text
    for citation in answer.citations:  # every quote is the record's own text at the cited place
        assert citation.start is not None
        assert text[citation.start : citation.start + len(citation.quote)] == citation.quote, citation
    return answer


def sections(answer: Answer) -> list[str]:
    return [c.section for c in answer.citations]


def test_site_contact_cites_that_sites_contact_line(answerer: OfflineAnswerer, trials: dict[str, Trial]) -> None:
    answer = ask(answerer, trials, "NCT00501475", "Who do I call at the Seongnam site?")
    assert sections(answer) == ["Locations"], answer.answer
    assert answer.citations[0].quote.startswith("Seoul National University Bundang Hospital")
    assert "Contact: Joong Eui Rhee, MD, 82-31-787-3049" in answer.answer
    assert "Kyuseok Kim" not in answer.answer  # the other site's contact


def test_phone_number_for_a_named_site(answerer: OfflineAnswerer, trials: dict[str, Trial]) -> None:
    answer = ask(answerer, trials, "NCT05885022", "What's the phone number for the Puebla site?")
    assert sections(answer) == ["Locations"], answer.answer
    assert "(22) 2257-0970" in answer.answer and "Aimee Hernandez" in answer.answer


def test_contact_question_without_a_site_gives_central_contacts(
    answerer: OfflineAnswerer, trials: dict[str, Trial]
) -> None:
    answer = ask(answerer, trials, "NCT05885022", "Who can I contact about this study, and what's the number?")
    assert sections(answer)[0] == "Central Contacts", answer.answer
    assert "Shienal Patel, CONTACT, 14085602500" in answer.answer


def test_site_status_is_stated(answerer: OfflineAnswerer, trials: dict[str, Trial]) -> None:
    answer = ask(answerer, trials, "NCT05885022", "Is the Chennai site recruiting?")
    assert sections(answer) == ["Locations"], answer.answer
    assert "Active, not recruiting (ACTIVE_NOT_RECRUITING)" in answer.answer
    assert "Chihuahua" not in answer.answer


def test_site_without_status_gives_the_overall_status(answerer: OfflineAnswerer, trials: dict[str, Trial]) -> None:
    answer = ask(answerer, trials, "NCT00353704", "Is the Rud site still recruiting?")
    assert sections(answer) == ["Locations", "Basic Information"], answer.answer
    assert "no status for this site" in answer.answer and "Completed (COMPLETED)" in answer.answer


@pytest.mark.parametrize(
    ("trial_id", "status"),
    [("NCT05885022", "Recruiting (RECRUITING)"), ("NCT00501228", "Terminated (TERMINATED)")],
)
def test_still_recruiting_states_the_overall_status(
    answerer: OfflineAnswerer, trials: dict[str, Trial], trial_id: str, status: str
) -> None:
    answer = ask(answerer, trials, trial_id, "Is it still recruiting?")
    assert status in answer.answer
    assert sections(answer)[0] == "Basic Information"


@pytest.mark.parametrize(
    ("trial_id", "question", "number", "kind"),
    [
        ("NCT05885022", "How many people will be enrolled?", "Enrollment: 60", "estimated"),
        ("NCT00353704", "How many participants were enrolled?", "Enrollment: 50", "actual"),
    ],
)
def test_enrollment_says_actual_or_anticipated(
    answerer: OfflineAnswerer, trials: dict[str, Trial], trial_id: str, question: str, number: str, kind: str
) -> None:
    answer = ask(answerer, trials, trial_id, question)
    assert number in answer.answer and f"Enrollment type: {kind}" in answer.answer, answer.answer


def test_missing_enrollment_abstains_and_points_to_contacts(
    answerer: OfflineAnswerer, trials: dict[str, Trial]
) -> None:
    answer = ask(answerer, trials, "NCT00501475", "How many participants were enrolled?")
    assert answer.abstained and not answer.citations
    assert "does not say" in answer.answer and "82-31-787-3049" in answer.answer


def test_missing_enrollment_field_is_answered_by_the_accrual_sentence(
    answerer: OfflineAnswerer, trials: dict[str, Trial]
) -> None:
    # no <enrollment> field; the description's "PROJECTED ACCRUAL" says it. "One patient is entered at each of the
    # first 3 dose levels" counts patients too, but says no accrual; "GPX-100 in treating patients" is a name's number
    answer = ask(answerer, trials, "NCT00003403", "How many patients at most will be put on GPX-100 in this trial?")
    assert not answer.abstained and "A maximum of 30 patients will be accrued" in answer.answer, answer.answer
    # a question the accrual sentence does not answer keeps the abstention
    answer = ask(answerer, trials, "NCT00003403", "Is the enrollment actual or anticipated?")
    assert answer.abstained, answer.answer


def test_a_passage_quoted_from_the_study_text_is_among_those_given(
    answerer: OfflineAnswerer, trials: dict[str, Trial]
) -> None:
    # the study text read for "how long" is more than what search returned; the passage quoted must be given too,
    # or the citation points at nothing the answer was given (a phantom citation)
    class WholeRecordSearchFindsNothing(StubRetriever):
        def search(
            self, query: str, trial_id: str | None = None, sections: Sequence[str] | None = None, k: int | None = None
        ) -> list[ScoredChunk]:
            return super().search(query, trial_id, sections, k) if sections else []

    values = list(trials.values())
    reader = OfflineAnswerer(
        WholeRecordSearchFindsNothing(values), Directory(values), answerer.rules, EligibilitySettings()
    )
    question = "How long does the treatment last and how are the two drugs given?"
    answer = ask(reader, trials, "NCT00000693", question)
    given = {s.chunk.chunk_id for s in answer.retrieved} | set(answer.consulted)
    assert answer.citations and all(c.chunk_id in given for c in answer.citations), answer.answer


def test_compound_question_answers_every_part(answerer: OfflineAnswerer, trials: dict[str, Trial]) -> None:
    answer = ask(answerer, trials, "NCT00501228", "What happened to this study, and how many patients were enrolled?")
    assert "Terminated (TERMINATED)" in answer.answer and "Enrollment: 2" in answer.answer, answer.answer


def test_principal_investigator_from_overall_officials(answerer: OfflineAnswerer, trials: dict[str, Trial]) -> None:
    answer = ask(answerer, trials, "NCT00353704", "Who was the principal investigator?")
    assert sections(answer) == ["Overall Officials"], answer.answer
    assert "Ulrich J Spreng" in answer.answer


def test_completed_count_cites_the_results_line(answerer: OfflineAnswerer, trials: dict[str, Trial]) -> None:
    answer = ask(answerer, trials, "NCT00353704", "How many participants completed the study?")
    assert sections(answer) == ["Results"], answer.answer
    assert answer.citations[0].quote == "Participants completed: Pregabalin 22, Placebo 24 (total 46)"


def test_started_and_completed(answerer: OfflineAnswerer, trials: dict[str, Trial]) -> None:
    answer = ask(answerer, trials, "NCT00501228", "How many patients started and how many completed this study?")
    quotes = [c.quote for c in answer.citations]
    assert quotes == [
        "Participants started: Filgrastim Injections 2",
        "Participants completed: Filgrastim Injections 1",
    ]


def test_serious_side_effects_count_in_an_arm(answerer: OfflineAnswerer, trials: dict[str, Trial]) -> None:
    answer = ask(answerer, trials, "NCT00353704", "How many had serious side effects in the pregabalin arm?")
    assert not answer.abstained, answer.answer
    assert sections(answer) == ["Results"]
    assert "Serious adverse events: Pregabalin 0 of 22" in answer.answer


def test_arm_question_quotes_that_arms_interventions(answerer: OfflineAnswerer, trials: dict[str, Trial]) -> None:
    answer = ask(answerer, trials, "NCT00353704", "What does the placebo arm receive?")
    assert sections(answer)[0] == "Study Groups", answer.answer
    quote = answer.citations[0].quote
    assert quote.startswith("Placebo (PLACEBO_COMPARATOR)") and "Interventions: Drug: Placebo; Drug: morphine" in quote
    assert "150 mg Pregabalin" not in answer.answer


def test_dose_line_of_the_named_drug(answerer: OfflineAnswerer, trials: dict[str, Trial]) -> None:
    answer = ask(answerer, trials, "NCT00501228", "What filgrastim dose and schedule does the protocol use?")
    assert "5 mg/kg ID Once Daily x 1 Week" in answer.answer, answer.answer


def test_place_without_a_site_is_said(answerer: OfflineAnswerer, trials: dict[str, Trial]) -> None:
    answer = ask(answerer, trials, "NCT05885022", "Is there a site in Beijing?")
    assert "no site in Beijing" in answer.answer and len(answer.citations) == 4


def test_a_dose_question_the_record_does_not_answer_with_an_amount_abstains(
    answerer: OfflineAnswerer, trials: dict[str, Trial]
) -> None:
    """ "What dose ...?" is answered only by a sentence with an amount ("5 mg/kg"); a passage that merely names the
    drug and its route is not a dose, and the answer says the record does not give one."""
    answered = ask(answerer, trials, "NCT00501228", "What dose of filgrastim is given?")
    assert re.search(r"\d\s*mg", answered.answer) and not answered.abstained, answered.answer
    named = ask(answerer, trials, "NCT00353704", "What dose of pregabalin do they give?")
    assert "150 mg" in named.answer, named.answer
    silent = ask(answerer, trials, "NCT05885022", "What dose is used?")  # a device: no amount anywhere
    assert silent.abstained and not silent.citations, silent.answer


@pytest.mark.parametrize(
    ("sentence", "amount"),
    [
        ("capsule 150 mg x 1 per orally", True),
        ("2,000 IU of vitamin E daily", True),
        ("60 Gy in 30 fractions", True),
        ("The dose of IVIg is 2 GM/Kg divided into two daily doses", True),  # "gm", the old abbreviation of gram
        ("given over 2 gms", True),
        ("a 2 gmail account", False),
        ("Participants will receive orforglipron orally", False),
        ("patients have used several different doses", False),
        ("every 2 weeks for 4 cycles", False),
    ],
)
def test_a_dose_amount_is_a_number_with_a_dose_unit(sentence: str, amount: bool) -> None:
    from assistant.offline import _DOSE_AMOUNT

    assert (_DOSE_AMOUNT.search(sentence) is not None) is amount


def test_where_and_who_to_contact_are_both_answered(answerer: OfflineAnswerer, trials: dict[str, Trial]) -> None:
    """ "Where is it run and who's the contact?" lists the sites and gives a contact, not only one of them."""
    answer = ask(answerer, trials, "NCT05885022", "Where is this study being run and who is the contact?")
    assert sections(answer)[0] == "Locations", answer.answer
    assert "Central Contacts" in sections(answer) or "Contact:" in answer.answer, answer.answer
    contact_only = ask(answerer, trials, "NCT05885022", "Who is the contact for this study?")
    assert "Locations" not in sections(contact_only), contact_only.answer


@pytest.mark.parametrize(
    "question",
    ["Where is this study done and who do I contact?", "Who do I call, and where are the sites?"],
)
def test_every_citation_is_a_passage_the_answer_was_given(
    answerer: OfflineAnswerer, trials: dict[str, Trial], question: str
) -> None:
    """The evaluation counts a citation outside retrieved + consulted as a phantom: the study contacts added to a
    list of sites were one."""
    for trial_id in trials:
        answer = ask(answerer, trials, trial_id, question)
        given = {s.chunk.chunk_id for s in answer.retrieved} | set(answer.consulted)
        assert all(c.chunk_id in given for c in answer.citations), (trial_id, answer.answer)


@pytest.mark.parametrize("question", ["Why did this study end early?", "Why was the trial stopped?"])
def test_why_a_study_stopped_is_answered_with_the_records_reason(question: str) -> None:
    source = (FIXTURES / "NCT00501228.xml").read_text(encoding="utf-8")
    assert "<overall_status>Terminated</overall_status>" in source
    source = source.replace(
        "<overall_status>Terminated</overall_status>",
        "<overall_status>Terminated</overall_status>\n  <why_stopped>Slow accrual of eligible patients</why_stopped>",
    )
    trial = load_bytes(source.encode(), "NCT00501228.xml")[0]
    answerer = OfflineAnswerer(
        StubRetriever([trial]), Directory([trial]), IntentRules.from_package(), EligibilitySettings()
    )
    answer = ask(answerer, {trial.trial_id: trial}, trial.trial_id, question)
    assert "Terminated (TERMINATED)" in answer.answer and "Slow accrual of eligible patients" in answer.answer
    assert sections(answer) == ["Basic Information", "Basic Information"]


def test_a_word_under_a_criteria_heading_in_free_text_is_quoted_without_a_verdict() -> None:
    """A record whose criteria sit only in free text: the sentence under the heading is quoted; a word found there
    is no criterion the reasoner has read, so no verdict (it was "allowed with conditions")."""
    import json

    study = {
        "protocolSection": {
            "identificationModule": {"nctId": "NCT00000077", "briefTitle": "Malaria in pregnancy"},
            "descriptionModule": {
                "detailedDescription": "Inclusion Criteria:\n- Malaria infection, detected by microscopy.\n"
                "Exclusion Criteria:\n- Severe anaemia."
            },
        }
    }
    trial = load_bytes(json.dumps(study).encode(), "NCT00000077.json")[0]
    answerer = OfflineAnswerer(
        StubRetriever([trial]), Directory([trial]), IntentRules.from_package(), EligibilitySettings()
    )
    answer = ask(answerer, {trial.trial_id: trial}, trial.trial_id, "I have malaria. Can I join?")
    assert answer.verdict is None
    assert "Malaria infection, detected by microscopy" in answer.answer and sections(answer) == ["Detailed Description"]


MINIMAL_XML = """<?xml version="1.0"?>
<clinical_study>
  <id_info><nct_id>NCT09999991</nct_id></id_info>
  <brief_title>Two filgrastim forms after chemotherapy</brief_title>
  <sponsors><lead_sponsor><agency>Example Cancer Institute</agency></lead_sponsor></sponsors>
  <overall_status>Completed</overall_status>
  <intervention>
    <intervention_type>Biological</intervention_type>
    <intervention_name>Filgrastim</intervention_name>
    <description>5 microgram/kg/dose SC daily starting 24-36 hours after chemotherapy</description>
  </intervention>
  <intervention>
    <intervention_type>Biological</intervention_type>
    <intervention_name>Filgrastim-SD/01</intervention_name>
    <description>100 microgram/kg SC 24-36 hours after chemotherapy (single dose)</description>
  </intervention>
  <eligibility><criteria><textblock>Inclusion Criteria:
  - Newly diagnosed sarcoma</textblock></criteria><gender>All</gender></eligibility>
  <overall_official>
    <last_name>Ada Example, MD</last_name><role>Principal Investigator</role>
    <affiliation>Example University Hospital</affiliation>
  </overall_official>
  <clinical_results>
    <point_of_contact>
      <name_or_title>Ben Example, MD</name_or_title><organization>Example University Hospital</organization>
      <phone>555-0100</phone><email>ben@example.org</email>
    </point_of_contact>
  </clinical_results>
</clinical_study>
"""


@pytest.fixture(scope="module")
def minimal() -> tuple[OfflineAnswerer, dict[str, Trial]]:
    trial = load_bytes(MINIMAL_XML.encode(), "NCT09999991.xml")[0]
    return OfflineAnswerer(
        StubRetriever([trial]), Directory([trial]), IntentRules.from_package(), EligibilitySettings()
    ), {trial.trial_id: trial}


def test_a_dose_in_units_written_out_for_the_drug_named(minimal: tuple[OfflineAnswerer, dict[str, Trial]]) -> None:
    # "microgram/kg" is an amount; of two drugs, the one whose whole name the question gives ("SD/01") is quoted
    answerer, trials = minimal
    answer = ask(answerer, trials, "NCT09999991", "What dose of Filgrastim-SD/01 do patients get?")
    assert "100 microgram/kg" in answer.answer and not answer.abstained, answer.answer


def test_no_site_list_names_the_officials_and_sponsor(minimal: tuple[OfflineAnswerer, dict[str, Trial]]) -> None:
    answerer, trials = minimal
    answer = ask(answerer, trials, "NCT09999991", "Which hospital ran this study?")
    assert "does not list study sites" in answer.answer, answer.answer
    assert "Example University Hospital" in answer.answer and "Example Cancer Institute" in answer.answer


def test_the_results_point_of_contact(minimal: tuple[OfflineAnswerer, dict[str, Trial]]) -> None:
    answerer, trials = minimal
    answer = ask(answerer, trials, "NCT09999991", "Who can I contact about the results, and what is the phone number?")
    assert "555-0100" in answer.answer and "Results Point of Contact" in sections(answer), answer.answer


class RecordingRetriever(StubRetriever):
    """Ranks like StubRetriever and keeps the queries it was asked."""

    def __init__(self, trials: Sequence[Trial]) -> None:
        super().__init__(trials)
        self.queries: list[str] = []

    def search(
        self, query: str, trial_id: str | None = None, sections: Sequence[str] | None = None, k: int | None = None
    ) -> list[ScoredChunk]:
        self.queries.append(query)
        return super().search(query, trial_id, sections, k)


def test_each_stated_fact_is_searched_on_its_own(trials: dict[str, Trial]) -> None:
    """A question that tells several facts finds each fact's criterion by its own words, not only through one
    query that mixes them with the study's name."""
    values = list(trials.values())
    retriever = RecordingRetriever(values)
    answerer = OfflineAnswerer(retriever, Directory(values), IntentRules.from_package(), EligibilitySettings())
    trial = values[0]
    criteria = [c for c in retriever.chunks if c.trial_id == trial.trial_id and c.kind == "criterion"]
    target = criteria[-1]
    fact = " ".join(re.findall(r"[A-Za-z]{4,}", target.text)[:4])
    question = f"I have had a long illness with many problems. Also {fact}. Can I join the {trial.title[:40]} study?"
    found = answerer._search_facts(question, trial.trial_id)
    assert any(q.startswith("Also") for q in retriever.queries)  # the sentence that tells the fact, searched alone
    assert not any("study" in q for q in retriever.queries[1:])  # the study's name is not a fact about the asker
    whole = retriever.search(question, trial.trial_id, k=Settings().retrieval.candidates)
    rank_alone = [s.chunk.chunk_id for s in found].index(target.chunk_id)
    assert rank_alone <= [s.chunk.chunk_id for s in whole].index(target.chunk_id)


def test_findings_are_cited_asked_first_then_criteria_before_record_fields() -> None:
    """Within one decision, what the asking clause asks about leads; an age told in passing follows the criterion."""
    from assistant.eligibility import Decision, Finding
    from assistant.grounding import Span
    from assistant.offline import _by_decision
    from ingest.records import Chunk

    def finding(fact: str, chunk_fact: str | None) -> Finding:
        chunk = Chunk(chunk_id=fact, trial_id="NCT00000001", section="Inclusion Criteria", kind="criterion",
                      text=fact, start=0, end=len(fact), fact=chunk_fact)  # fmt: skip
        return Finding(fact, Decision.ALLOWED, chunk, Span(0, 1), "")

    age, vas = finding("age 39", "minimum_age"), finding("VAS 68 mm", None)
    told_in_passing = "Leg pain on the VAS is 68 mm for a 39-year-old. Does that meet the pain threshold?"
    assert [f.fact for f in _by_decision([age, vas], told_in_passing)] == ["VAS 68 mm", "age 39"]
    age_asked = "My VAS is 68 mm and I'm 39. Am I inside the age limit?"
    assert [f.fact for f in _by_decision([vas, age], age_asked)] == ["age 39", "VAS 68 mm"]


def test_findings_of_one_decision_follow_the_order_search_found_their_criteria() -> None:
    """Two criteria that leave the question open alike: the one search ranked higher for the question is cited
    first (before: the order the reasoner met them in)."""
    from assistant.eligibility import Decision, Finding
    from assistant.grounding import Span
    from assistant.offline import _by_decision
    from ingest.records import Chunk

    def finding(fact: str, chunk_id: str) -> Finding:
        chunk = Chunk(chunk_id=chunk_id, trial_id="NCT00000001", section="Exclusion Criteria", kind="criterion",
                      text=fact, start=0, end=len(fact))  # fmt: skip
        return Finding(fact, Decision.UNDECIDED, chunk, Span(0, 1), "")

    hernia, other = finding("disc hernia", "excl-2"), finding("spinal pathology", "excl-7")
    question = "My scan shows a herniated disc. Does it count?"
    assert [f.chunk.chunk_id for f in _by_decision([other, hernia], question, {"excl-2": 0, "excl-7": 3})] == [
        "excl-2",
        "excl-7",
    ]
    assert [f.chunk.chunk_id for f in _by_decision([hernia, other], question, {"excl-2": 4, "excl-7": 1})] == [
        "excl-7",
        "excl-2",
    ]


def test_an_eligibility_questions_passages_put_the_criteria_first() -> None:
    """A summary or intervention sharing the question's words ("Zoloft") ranks below every criterion, and the
    criteria keep the order search gave them."""
    from assistant.offline import _criteria_first
    from assistant.records import ScoredChunk
    from ingest.records import Chunk

    def scored(chunk_id: str, section: str) -> ScoredChunk:
        chunk = Chunk(chunk_id=chunk_id, trial_id="NCT00000001", section=section, kind="text", text=chunk_id,
                      start=0, end=len(chunk_id))  # fmt: skip
        return ScoredChunk(chunk=chunk, score=1.0)

    found = [
        scored("drug", "Interventions"),
        scored("excl-1", "Exclusion Criteria"),
        scored("summary", "Brief Summary"),
        scored("incl-3", "Inclusion Criteria"),
    ]
    assert [s.chunk.chunk_id for s in _criteria_first(found)] == ["excl-1", "incl-3", "drug", "summary"]


def test_the_passages_an_answer_cites_lead_what_it_shows_in_citation_order() -> None:
    """A dose sentence found in the third passage searched is the answer's evidence: it is shown first, then the
    other cited one, then the rest in search's order (before: search's order only)."""
    from assistant.offline import _cited_first
    from assistant.records import Citation, ScoredChunk
    from ingest.records import Chunk

    def scored(chunk_id: str) -> ScoredChunk:
        chunk = Chunk(chunk_id=chunk_id, trial_id="NCT00000001", section="Interventions", kind="text",
                      text=f"{chunk_id} text", start=0, end=9)  # fmt: skip
        return ScoredChunk(chunk=chunk, score=1.0)

    shown = [scored("a"), scored("b"), scored("c"), scored("d")]
    citations = [Citation.from_chunk(s.chunk) for s in (shown[2], shown[3], shown[2])]
    assert [s.chunk.chunk_id for s in _cited_first(shown, citations)] == ["c", "d", "a", "b"]
    assert [s.chunk.chunk_id for s in _cited_first(shown, [])] == ["a", "b", "c", "d"]


def _record_with_conditions(conditions: Sequence[str], criteria: str) -> Trial:
    listed = "".join(f"<condition>{c}</condition>" for c in conditions)
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?><clinical_study><id_info><nct_id>NCT09999991</nct_id></id_info>'
        f"<brief_title>A basket trial</brief_title>{listed}<eligibility><criteria><textblock>{criteria}"
        "</textblock></criteria><gender>All</gender><minimum_age>18 Years</minimum_age>"
        "<maximum_age>N/A</maximum_age></eligibility></clinical_study>"
    )
    (trial,) = load_bytes(xml.encode(), "NCT09999991.xml")
    return trial


def test_a_condition_studied_late_in_a_long_conditions_list_is_still_the_one_studied() -> None:
    # 150 conditions are chunked in parts; the gastric cancer the trial studies is in the last one. "No concurrent
    # malignancy" then speaks of another cancer, not of the asker's gastric adenocarcinoma.
    filler = [
        f"Stage {stage} {organ} Cancer"
        for organ in ("Bladder", "Cervical", "Colon", "Rectal", "Anal")
        for stage in ("I", "II", "III", "IIIA", "IIIB", "IV", "IVA", "IVB")
    ] * 4
    criteria = (
        "Inclusion Criteria:\n\n - Histologically proven Her2 overexpressing malignancy\n\n"
        " - No concurrent malignancy other than non-melanoma skin carcinoma\n\nExclusion Criteria:\n\n - Pregnancy\n"
    )
    trial = _record_with_conditions([*filler, "Stage IV Gastric Cancer"], criteria)
    assert len([c for c in chunk_trial(trial) if c.section == "Conditions"]) > 1
    qa = OfflineAnswerer(StubRetriever([trial]), Directory([trial]), IntentRules.from_package(), EligibilitySettings())
    answer = ask(qa, {trial.trial_id: trial}, trial.trial_id, "My patient has gastric adenocarcinoma. Can she join?")
    assert answer.verdict is not Verdict.EXCLUDED, answer.answer


@pytest.mark.parametrize(
    ("trial_id", "note"),
    [
        ("NCT00353704", "Completed (COMPLETED): the study has ended"),
        ("NCT00501228", "Terminated (TERMINATED): the study stopped early"),
        ("NCT05885022", None),  # recruiting: nothing to say beside the criteria
    ],
)
def test_an_eligibility_answer_says_when_the_study_takes_no_one_now(
    answerer: OfflineAnswerer, trials: dict[str, Trial], trial_id: str, note: str | None
) -> None:
    question = "I'm 45 and have chronic GVHD after my stem cell transplant. Can I still join?"
    answer = ask(answerer, trials, trial_id, question)
    if note is None:
        assert "this study's status" not in answer.answer
        return
    assert f"Note: this study's status is {note} [{len(answer.citations)}]" in answer.answer, answer.answer
    assert f"({answer.citations[-1].quote.strip()})" in note  # the status, cited where the record gives it


def test_a_question_of_one_criterion_gets_no_status_note(answerer: OfflineAnswerer, trials: dict[str, Trial]) -> None:
    answer = ask(answerer, trials, "NCT00353704", "Does high blood pressure rule me out?")
    assert "this study's status" not in answer.answer


def test_how_many_rounds_is_answered_by_a_count_of_courses(answerer: OfflineAnswerer) -> None:
    """ "How many rounds ...?" asks a count of treatment units: the sentence that gives one ("for 4 courses"), not
    another that only says how often ("every 3 months")."""
    text = (
        "Treatment continues every 3 weeks for 4 courses.\nPatients receive radiotherapy after chemo.\n"
        "Patients are followed every 3 months for 2 years."
    )
    chunk = Chunk(
        chunk_id="NCT0:Detailed Description:0", trial_id="NCT0", section="Detailed Description", kind="text",
        text=text, start=0, end=len(text),
    )  # fmt: skip
    question = "How many rounds of chemo come before the radiotherapy?"
    spec = answerer.rules.classify(question).spec
    found = answerer._dose_sentence(question, [ScoredChunk(chunk=chunk, score=1.0)], spec)
    assert found is not None and "4 courses" in text[found[1].start : found[1].end], found


def _dose_quote(answerer: OfflineAnswerer, question: str, text: str) -> str:
    """The passage the dosing reader quotes from one Detailed Description holding `text`."""
    chunk = Chunk(
        chunk_id="NCT0:Detailed Description:0", trial_id="NCT0", section="Detailed Description", kind="text",
        text=text, start=0, end=len(text),
    )  # fmt: skip
    intent = answerer.rules.classify(question)
    assert intent.kind == "dosing", (question, intent)
    found = answerer._dose_sentence(question, [ScoredChunk(chunk=chunk, score=1.0)], intent.spec)
    assert found is not None
    return text[found[1].start : found[1].end]


def test_a_count_of_units_may_be_written_with_the_units_abbreviation(answerer: OfflineAnswerer) -> None:
    """ "donor lymphocyte infusion (DLI)" makes "a total of 3 DLIs" a count of infusions; a count in another unit
    that is no infusion is not the answer."""
    text = (
        "Patients receive cyclophosphamide IV daily for 4 days.\n"
        "Patients then receive donor lymphocyte infusion (DLI) over 30 minutes. Treatment continues monthly for a "
        "total of 3 DLIs in the absence of graft versus host disease."
    )
    quote = _dose_quote(answerer, "how many donor lymphocyte infusions would I get?", text)
    assert "3 DLIs" in quote, quote


def test_the_form_a_treatment_is_named_by_does_not_ask_its_route(answerer: OfflineAnswerer) -> None:
    """ "How often would I get the interferon shots?" asks how often: the sentence saying "3 times per week" answers,
    not one that has a route word ("subcutaneously") and no frequency of interferon."""
    text = (
        "Filgrastim is given subcutaneously 1 day later to support stem cell collection.\n"
        "Interferon alfa maintenance is administered 3 times per week after count recovery."
    )
    assert "3 times per week" in _dose_quote(answerer, "how often would I get the interferon shots?", text)
    assert "subcutaneously" in _dose_quote(answerer, "are the filgrastim shots a pill or an injection?", text)


def test_a_point_in_the_schedule_is_read_as_the_schedule_writes_it(answerer: OfflineAnswerer) -> None:
    """ "in the third week" is "Week 3: ..." in a schedule; without it the sentence naming the drug comes first."""
    text = (
        "Radiotherapy is given over 6 weeks, beginning on day 1 of zinc acetate therapy.\n"
        "Week 1: once daily Week 2: two times daily Week 3: three times daily Week 4: four times daily."
    )
    quote = _dose_quote(answerer, "How many times a day do I take the zinc acetate in the third week?", text)
    assert "Week 3: three times daily" in quote, quote


@pytest.mark.parametrize(
    "question",
    ["How many chemo courses does he get before the radiation starts?", "Which days of each week do I take the pill?"],
)
def test_schedule_questions_with_words_between_are_dosing_questions(answerer: OfflineAnswerer, question: str) -> None:
    assert answerer.rules.classify(question).kind == "dosing"


def test_an_amount_no_criterion_sets_is_read_from_the_study_text() -> None:
    """ "How much copper am I allowed per day?" is routed as eligibility ("allowed"), but asks an amount: where no
    criterion names it, the study's description that sets it answers; a yes/no question stays not stated."""
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?><clinical_study><id_info><nct_id>NCT09999992</nct_id></id_info>'
        "<brief_title>Zinc for Wilson disease</brief_title><detailed_description><textblock>Patients receive oral "
        "zinc acetate three times daily and maintain a low copper diet (no greater than 1 mg/day)."
        "</textblock></detailed_description><eligibility><criteria><textblock>Inclusion Criteria:\n\n - Wilson "
        "disease\n\nExclusion Criteria:\n\n - Pregnancy\n</textblock></criteria><gender>All</gender>"
        "<minimum_age>18 Years</minimum_age><maximum_age>N/A</maximum_age></eligibility></clinical_study>"
    )
    (trial,) = load_bytes(xml.encode(), "NCT09999992.xml")
    qa = OfflineAnswerer(StubRetriever([trial]), Directory([trial]), IntentRules.from_package(), EligibilitySettings())
    amount = ask(qa, {trial.trial_id: trial}, trial.trial_id, "How much copper am I allowed per day on the diet?")
    assert "no greater than 1 mg/day" in amount.answer and amount.citations, amount.answer
    yes_no = ask(qa, {trial.trial_id: trial}, trial.trial_id, "Is 3 mg of copper a day allowed?")
    assert yes_no.verdict is Verdict.NOT_STATED, yes_no.answer


def test_which_days_and_how_long_each_are_said_by_day_numbers_and_minutes(answerer: OfflineAnswerer) -> None:
    """ "Which days ...?" is answered by "days 1-5", not by a sentence that shares a number with the question; "How
    long does each drip take?" by "90-minute infusions", not by the weekly schedule's "4 weeks"."""
    text = (
        "Cohorts of 3-6 patients receive escalating doses of study drug X until the maximum tolerated dose is found.\n"
        "Patients receive study drug X IV daily on days 1-5. Treatment repeats every 3 weeks.\n"
        "Determine the maximum tolerated dose of study drug X given weekly for 4 weeks.\n"
        "Patients receive study drug X by 90-minute IV infusions every week for 4 weeks."
    )
    assert "days 1-5" in _dose_quote(answerer, "On which days of each 3-week cycle do you get the IV drug?", text)
    assert "90-minute" in _dose_quote(answerer, "How long does each drip of study drug X take?", text)

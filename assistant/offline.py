"""The offline answerer: grounded answers built from retrieved passages, no model calls.

Every verdict and value it states is quoted from a passage and cited; when no passage supports an
answer it says the record does not say and points to the trial's contacts or sites.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from assistant.answer_types import degree_words, expected_answer, holds_answer
from assistant.eligibility import (
    STUDIED_CONDITIONS,
    STUDIED_POPULATION,
    STUDY_TREATMENTS,
    Assessment,
    Decision,
    EligibilityReasoner,
    Finding,
    asked_about,
)
from assistant.grounding import (
    Concept,
    Span,
    build_concepts,
    find_concept,
    find_phrases,
    phrase_words,
    sentences,
    word_spans,
)
from assistant.intents import Intent, IntentRules, age_in_question
from assistant.patient_facts import POSSESSED_PERSON
from assistant.places import country, country_spellings, fold, names_a_place
from assistant.question_shape import STUDY_DESIGNATION, shape_of
from assistant.records import Answer, Citation, ScoredChunk, Verdict
from assistant.retrieval import PassageRetriever, reciprocal_rank_fusion
from assistant.settings import EligibilitySettings
from assistant.text import STOPWORDS
from assistant.vocabulary import MAX_SYNONYMS, Vocabulary, is_useful_synonym
from ingest.chunking import ELIGIBILITY, EXCLUSION, INCLUSION
from ingest.measures import NUMBER_WORDS, ORDINAL_WORDS
from ingest.records import Chunk, Trial

CRITERIA_SECTIONS = (INCLUSION, EXCLUSION, ELIGIBILITY)
OFFLINE = "offline"
_MAX_QUOTE = 600
_VERDICT_OF = {
    Decision.EXCLUDED: Verdict.EXCLUDED,
    Decision.ALLOWED: Verdict.ALLOWED,
    Decision.CONDITIONS: Verdict.ALLOWED_WITH_CONDITIONS,
}
_MAX_CITED_FINDINGS = 5
# A study's own name in a question: a code or acronym ("TROPION-Lung10", "HEPLISAV", "ACTG 193A").
_TRIAL_NAME = re.compile(r"\b(?=[\w-]*\d)(?=[\w-]*[A-Z])[A-Za-z][\w-]{2,}\b|\b[A-Z]{3,}[\w-]*\b")
_LINE_SECTIONS = frozenset({"Results"})
_INTERVENTIONS = "Interventions"
# How a question names the trial's own treatment without its name: "the study medication", "this drug".
_STUDY_TREATMENT = re.compile(
    r"\b(?:the|this|these|study|trial)\s+(?:study\s+|trial\s+)?(?P<noun>drug|medication|medicine|treatment|pill|"
    r"tablet|injection|vaccine|intervention)s?\b",
    re.IGNORECASE,
)
_MAX_NAMED_INTERVENTIONS = 6
# An arm's text of fewer words is its name and intervention type, no description of what the arm gets.
_THIN_ARM_WORDS = 12
_OUTCOME_LINE = "Outcome"  # how the loader starts a posted outcome measure's line
_TOPIC_SECTIONS = frozenset({"Conditions", "Keywords", "Interventions", "Study Groups"})
# Where the record tells in prose what the study does (its treatment, schedule, visits, follow-up): a question about the
# study rather than about who may join is answered there, so it is searched there too; a search of the whole record can
# fill its top ranks with criteria ("Antiretroviral agents other than study drugs") and miss "... for 12 weeks".
_STUDY_TEXT_SECTIONS = ("Brief Summary", "Detailed Description", "Study Groups", _INTERVENTIONS)
# A sentence that opens by pointing back ("This is continued for up to 90 days", "Treatment continues for 48 weeks")
# is about what the sentence before it names.
_POINTS_BACK = re.compile(r"(?:this|it|these|they|treatment|therapy|dosing)\b", re.IGNORECASE)
_VERDICT_WORDS = {
    Verdict.EXCLUDED: "Excluded",
    Verdict.ALLOWED: "Allowed",
    Verdict.ALLOWED_WITH_CONDITIONS: "Allowed with conditions",
    Verdict.NOT_STATED: "Not stated",
}


class TrialDirectory(Protocol):
    def get_trial(self, trial_id: str) -> Trial | None: ...


@dataclass
class _Match:
    scored: ScoredChunk
    coverage: float
    spans: list[list[Span]]  # per matched concept, where it occurs in the chunk


class OfflineAnswerer:
    name = OFFLINE

    def __init__(
        self,
        retriever: PassageRetriever,
        directory: TrialDirectory,
        rules: IntentRules,
        policy: EligibilitySettings,
    ) -> None:
        self.retriever = retriever
        self.directory = directory
        self.rules = rules
        self.reasoner = EligibilityReasoner(Vocabulary.load(), rules.eligibility_scaffolding, policy)

    # ---- entry ---------------------------------------------------------------------------------
    def answer(self, question: str, trial_id: str, intent: Intent) -> Answer:
        handler = {
            "injection": self._injection,
            "not_stated": self._not_stated,
            "location": self._location,
            "fact": self._fact,
            "dosing": self._dosing,
            "eligibility": self._eligibility,
            "general": self._general,
            "out_of_scope": self._out_of_scope,
        }[intent.kind]
        answer = handler(question, trial_id, intent)
        answer.intent = intent.kind if not intent.name else f"{intent.kind}:{intent.name}"
        return answer

    # ---- eligibility ---------------------------------------------------------------------------
    def _eligibility(self, question: str, trial_id: str, intent: Intent) -> Answer:
        retrieved = _criteria_first(self._search_facts(question, trial_id))
        shown = retrieved[: self.retriever.settings.retrieval.top_k]
        criteria, summary = self._criteria(trial_id, retrieved), self._summary(trial_id)
        assessment = self.reasoner.assess(question, criteria, summary)
        if not assessment.findings:
            concepts = build_concepts(question, self.retriever.expander.groups, self.rules.eligibility_scaffolding)
            fallback = self._unsectioned_eligibility(question, trial_id, concepts, retrieved, shown)
            return (
                fallback
                or self._amount_in_study_text(question, trial_id)
                or self._eligibility_not_stated(question, trial_id, concepts, shown)
            )
        found_at = {s.chunk.chunk_id: rank for rank, s in enumerate(retrieved)}
        text, citations = _assessment_text(assessment, question, found_at)
        verdict = _VERDICT_OF.get(assessment.decision) if assessment.decision else None
        # Criterion-aware ranking: the structured fields (looked up by name) and criteria whose parsed constraints
        # matched the question's facts come first, then what hybrid search found.
        ordered = _by_decision(assessment.findings, question, found_at)
        matched = [ScoredChunk(chunk=f.chunk, score=1.0) for f in ordered]
        text, citations, status = self._with_enrolment_note(question, trial_id, text, citations)
        answer = self._finish(question, trial_id, text, citations, matched + shown, verdict=verdict)
        answer.consulted = [c.chunk_id for c in criteria] + [c.chunk_id for c in summary.values()] + status
        answer.decided_by = assessment.decided_by()
        answer.withheld_by = assessment.withheld_by()
        answer.withheld_passages = assessment.withheld_passages()
        return answer

    def _search_facts(self, question: str, trial_id: str) -> list[ScoredChunk]:
        """Passages for an eligibility question: the whole question, and each sentence that tells a fact on its own,
        fused by reciprocal rank. One embedding of "I have X. I take Y. Can I join the Z study?" sits between X, Y
        and the study's own summary; each fact's criterion is found by the fact's own words."""
        k = self.retriever.settings.retrieval.candidates
        whole = self.retriever.search(question, trial_id=trial_id, k=k)
        told = [s for s in _SENTENCE_SPLIT.split(STUDY_DESIGNATION.sub(" ", question)) if self._tells_a_fact(s)]
        if len(told) < 2:
            return whole
        lists = [whole] + [self.retriever.search(sentence, trial_id=trial_id, k=k) for sentence in told]
        fused = reciprocal_rank_fusion(
            [[s.chunk for s in ranked] for ranked in lists], self.retriever.settings.retrieval.rrf_k
        )
        return [ScoredChunk(chunk=chunk, score=score) for chunk, score in fused[:k]]

    @staticmethod
    def _tells_a_fact(sentence: str) -> bool:
        """Two or more words that are not function words ("Can I join?" has one)."""
        return sum(1 for w, _, _ in word_spans(sentence) if w not in STOPWORDS) >= 2

    def _criteria(self, trial_id: str, retrieved: Sequence[ScoredChunk]) -> list[Chunk]:
        """Every criterion of the trial, the retrieved ones first: a fact is checked against all of them."""
        ranked = [s.chunk for s in retrieved if s.chunk.section in CRITERIA_SECTIONS]
        seen = {c.chunk_id for c in ranked}
        rest = [s.chunk for s in self.retriever.lookup(trial_id, kind="criterion") if s.chunk.chunk_id not in seen]
        return ranked + [c for c in rest if c.section in CRITERIA_SECTIONS]

    def _summary(self, trial_id: str) -> dict[str, Chunk]:
        facts = self.retriever.lookup(trial_id, facts=("minimum_age", "maximum_age", "sex", "healthy_volunteers"))
        summary = {s.chunk.fact: s.chunk for s in facts if s.chunk.fact}
        for key, section in ((STUDIED_CONDITIONS, "Conditions"), (STUDY_TREATMENTS, "Interventions")):
            parts = [s.chunk for s in _chunks_of(self, trial_id, (section,))]
            if parts:
                summary[key] = _whole_section(parts)
        # The summary is cited where it describes the participants otherwise, so it stays a chunk of the record as
        # stored (a joined one would put a quote at offsets the record does not have).
        described = _chunks_of(self, trial_id, ("Brief Summary",))
        if described:
            summary[STUDIED_POPULATION] = described[0].chunk
        return summary

    def _unsectioned_eligibility(
        self,
        question: str,
        trial_id: str,
        concepts: Sequence[Concept],
        retrieved: Sequence[ScoredChunk],
        shown: list[ScoredChunk],
    ) -> Answer | None:
        """Passages without criterion metadata (free text, or a fixed-size chunk of a whole record): the sentence
        under the nearest "Inclusion/Exclusion Criteria" heading before the match is quoted, with no verdict. A word
        found in free text is no criterion the reasoner has read (a "malaria study" question found "malaria" under
        the heading and was told "allowed with conditions")."""
        text_chunks = [s for s in retrieved if s.chunk.kind == "text"]
        best = _best_match(text_chunks, concepts)
        if best is None:
            return None
        chunk = best.scored.chunk
        first = min(s.start for found in best.spans for s in found)
        heading = _last_heading(chunk.text[:first])
        if heading is None:
            return None
        sentence = next((s for s in sentences(chunk.text) if s.start <= first < s.end), Span(first, first))
        citation = _cite(chunk, sentence)
        text = (
            f"No verdict: under “{heading}” the record says: “{citation.quote}” [1]. Whether that applies to you "
            "depends on that text; the study team decides."
        )
        # (the passage quoted may rank below the ones shown: it is given with them, as it was read)
        return self._finish(question, trial_id, text, [citation], [best.scored, *shown])

    def _amount_in_study_text(self, question: str, trial_id: str) -> Answer | None:
        """ "How much copper am I allowed per day on the diet?" asks an amount, which no criterion gave: the study's
        own description may set it ("maintain a low copper diet (no greater than 0.5 mg/day)")."""
        dosing = Intent("dosing", spec=self.rules.data["dosing"])
        if not _wants_amount(question, dosing.spec) or shape_of(question).yes_no:
            return None
        answer = self._dosing(question, trial_id, dosing)
        return None if answer.abstained else answer

    def _eligibility_not_stated(
        self, question: str, trial_id: str, concepts: Sequence[Concept], shown: list[ScoredChunk]
    ) -> Answer:
        topic = ", ".join(c.name for c in concepts) or "this"
        text = (
            f"Not stated: I found no eligibility criterion of {trial_id} that mentions {topic}. "
            "That does not make it allowed; only the study team can confirm. " + self._contacts_hint(trial_id)
        )
        return self._finish(question, trial_id, text, [], shown, verdict=Verdict.NOT_STATED, abstained=True)

    def _with_enrolment_note(
        self, question: str, trial_id: str, text: str, citations: list[Citation]
    ) -> tuple[str, list[Citation], list[str]]:
        """Whoever asks to join ("Can I still sign up?", "could he enrol?") needs to know when the study takes no one
        now ("Completed", "Withdrawn", "Not yet recruiting"): its status is said, cited, after the answer about the
        criteria. Also returned: the id of the status passage, which the answer consulted. (A question of one
        criterion, "Does that rule me out?", gets the criterion alone; an answer that finds no criterion declines
        with nothing quoted, which is how a request routed here that asks nothing of the record is declined too.)"""
        if _ASKS_TO_JOIN.search(question) is None:
            return text, citations, []
        for scored in self.retriever.lookup(trial_id, facts=("status",)):
            key = _status_key(scored.chunk.text)
            if key in _ENROLLING_NOW or key not in _STATUS_WORDS:
                continue
            number = len(citations) + 1
            note = f"Note: this study's status is {_status_text(scored.chunk.text.strip())} [{number}]."
            return f"{text} {note}", [*citations, _cite(scored.chunk)], [scored.chunk.chunk_id]
        return text, citations, []

    # ---- facts, locations, dosing --------------------------------------------------------------
    def _fact(self, question: str, trial_id: str, intent: Intent) -> Answer:
        # "I'm 81. Is there an upper age limit?" asks whether that age is inside the record's limits; a record with
        # no age fields is answered as the fact question it also is (it does not say).
        told_age = intent.spec.get("told_age_asks_eligibility") and age_in_question(question) is not None
        if told_age and self.retriever.lookup(trial_id, facts=("minimum_age", "maximum_age")):
            return self._eligibility(question, trial_id, Intent("eligibility", "age"))
        reply = _Reply()
        for spec in _asked_specs(self.rules, question, intent.spec):
            _FACT_PARTS.get(str(spec.get("answer", "")), _field_part)(self, question, trial_id, spec, reply)
        shown = reply.shown + self.retriever.search(question, trial_id=trial_id)
        label = str(intent.spec.get("label", "this")).lower()
        if not reply.citations:
            return self._abstain(question, trial_id, label, shown)
        if reply.beside:
            lead = f"The record of {trial_id} does not say {label}. It names: {reply.text()}"
            text = f"{lead} {self._contacts_hint(trial_id)}"
            return self._finish(question, trial_id, text, reply.citations, shown, abstained=True)
        return self._finish(question, trial_id, reply.text(), reply.citations, shown)

    def _location(self, question: str, trial_id: str, intent: Intent) -> Answer:
        asks_contact = _asks(self.rules, "contacts", question)
        asks_where = _WHERE.search(question) is not None
        if asks_contact and not asks_where:
            # "Who do I call at the Leeds site?" is a contact question about one site.
            return self._fact(question, trial_id, Intent("fact", "contacts", _fact_spec(self.rules, "contacts")))
        sites = self.retriever.lookup(trial_id, kind="site")
        if not sites:
            # No site list: who runs the study (its officials with their institutions, its sponsor) is what the
            # record does say about where it is run.
            reply = _Reply()
            for fact in ("officials", "sponsor"):
                _field_part(self, question, trial_id, _fact_spec(self.rules, fact), reply)
            known = f"It names: {reply.text().rstrip('.')}. " if reply.citations else ""
            text = f"The record of {trial_id} does not list study sites. {known}{self._contacts_hint(trial_id)}"
            return self._finish(question, trial_id, text, reply.citations, reply.shown, abstained=True)
        reply = _Reply()
        outside = _OUTSIDE_PLACE.search(question)
        if outside is not None and not self._lives_near(question, trial_id, outside):
            return self._sites_outside(question, trial_id, outside.group("place"), sites)
        named = _named_sites(question, sites)
        if named:
            for scored in named[:_MAX_SITES_SHOWN]:
                _site_part(scored.chunk, reply, contacts=len(named) == 1 and bool(_contact_lines(scored.chunk.text)))
            if _asks_status(self.rules, question) and not any(_site_status(s.chunk.text) for s in named):
                # No per-site status: the study's overall status is the nearest answer the record gives.
                reply.parts.append("the record gives no status for this site")
                _field_part(self, question, trial_id, _fact_spec(self.rules, "status"), reply)
            many = len(named) > 1
            # "Yes" answers "is there a site in X?"; for "is the X site recruiting?" the site's status is the answer.
            yes = "Yes: " if re.match(r"\s*(is|are) there\b", question, re.IGNORECASE) else ""
            text = f"{yes}{len(named)} listed site{'s' if many else ''} match{'' if many else 'es'}: {reply.text()}"
            return self._finish(question, trial_id, text, reply.citations, named + sites + reply.shown)
        # "Where is it run and who's the contact?": both parts; each site's own contact when there are few.
        with_contacts = asks_contact and len(sites) <= _MAX_SITES_WITH_CONTACTS
        site_contacts = [with_contacts and bool(_contact_lines(s.chunk.text)) for s in sites]
        for scored, contacts in zip(sites, site_contacts, strict=True):
            _site_part(scored.chunk, reply, contacts=contacts)
        if asks_contact and not any(site_contacts):
            _field_part(self, question, trial_id, _fact_spec(self.rules, "contacts"), reply)
        place = _place_asked(question)
        lead = f"The record lists no site in {place}. " if place else ""
        if place and fold(place) not in country_spellings() and not _named_in_sites(place, sites):
            # "South America", "Scandinavia": a region the record's site lines never name; which countries it holds
            # the record cannot say, so the countries of the sites are given instead of a "no"
            countries = ", ".join(_site_countries(sites))
            lead = f"The record lists no site in {place} by that name; its sites are in {countries}. "
        text = f"{lead}The record lists {len(sites)} site{'s' if len(sites) > 1 else ''}: {reply.text()}"
        return self._finish(question, trial_id, text, reply.citations, sites + reply.shown)

    def _lives_near(self, question: str, trial_id: str, outside: re.Match[str]) -> bool:
        """ "We live just outside Worcester": the asker is near a town, and no site elsewhere is asked for. Outside a
        country ("I live outside the US") the asker is abroad, and the sites elsewhere may well be what is asked."""
        if _DWELLS.search(question, 0, outside.start()) is None:
            return False
        place = _country_named(outside.group("place"))
        trial = self.directory.get_trial(trial_id)
        return place not in (_site_nations(trial) if trial else set()) and place not in country_spellings().values()

    def _sites_outside(self, question: str, trial_id: str, place: str, sites: Sequence[ScoredChunk]) -> Answer:
        """ "Were there any sites outside the United States?": the sites whose lines do not name the place."""
        words = set(_SITE_WORD.findall(_fold(_country_named(place))))
        others = [s for s in sites if not words <= _site_words(_site_head(s.chunk.text))]
        reply = _Reply()
        if not others:
            text = f"No: every listed site ({len(sites)}) is in {place}."
            for scored in sites[:_MAX_SITES_SHOWN]:
                _site_part(scored.chunk, reply, contacts=False)
            return self._finish(question, trial_id, f"{text} {reply.text()}", reply.citations, [*sites, *reply.shown])
        for scored in others[:_MAX_SITES_SHOWN]:
            _site_part(scored.chunk, reply, contacts=False)
        many = len(others) > 1
        yes = "Yes: " if re.match(r"\s*(is|are|were|was) there\b", question, re.IGNORECASE) else ""
        text = f"{yes}{len(others)} listed site{'s' if many else ''} outside {place}: {reply.text()}"
        return self._finish(question, trial_id, text, reply.citations, [*others, *sites, *reply.shown])

    def _dosing(self, question: str, trial_id: str, intent: Intent) -> Answer:
        searched = self.retriever.search(question, trial_id=trial_id, sections=tuple(intent.spec["sections"]))
        found = self._dose_sentence(question, searched, intent.spec)
        wants_amount = _wants_amount(question, intent.spec)
        if found is None or (wants_amount and not _tells_an_amount(*found)):
            # Some records give the dose only where they say what is measured ("whether duloxetine 60-120 mg daily,
            # combined with ..., is superior"): read there when the study's own description tells none.
            fallback = tuple(intent.spec.get("fallback_sections", ()))
            extra = self.retriever.search(question, trial_id=trial_id, sections=fallback) if fallback else []
            found = self._dose_sentence(question, extra, intent.spec) or found
            searched = [*searched, *extra]
        if found is None:
            return self._abstain(question, trial_id, "the dosing schedule", searched)
        chunk, span = found
        if wants_amount and not _tells_an_amount(chunk, span):
            # "What dose ...?" answered by "Participants will receive orforglipron orally": the amount is not there.
            return self._abstain(question, trial_id, "the dose", searched)
        citation = _cite(chunk, span)
        text = f"{chunk.section}: “{citation.quote}” [1]"
        return self._finish(question, trial_id, text, [citation], searched)

    def _dose_sentence(
        self, question: str, searched: Sequence[ScoredChunk], spec: dict[str, Any]
    ) -> tuple[Chunk, Span] | None:
        """The sentence (with what it runs on into or points back to) that best tells the dose, route or schedule
        asked, among the searched passages."""
        sections = tuple(spec["sections"])
        weights = _dosing_weights(question, spec)
        subject = _dosing_subject(question, weights, self.rules.general_scaffolding)
        subject |= _forms_named(question, spec, weights)
        other_names = self._other_names(question)
        wants_amount = _wants_amount(question, spec)
        counted = _ASKS_A_COUNT_OF_UNITS.search(question) is not None
        shapes = [says for asks, says in _ANSWER_SHAPES if asks.search(question)]
        time_points = _time_points(question)
        best: tuple[tuple[bool, bool, int, float, int], Chunk, Span, list[Span]] | None = None
        for rank, scored in enumerate(searched):
            text = scored.chunk.text
            words = word_spans(text)
            units = sentences(text)
            # "How many rounds of chemo?" is said by a count ("for 4 courses", "a total of 3 DLIs"), not by "every 3
            # months"; "Which days ...?" by "days 1-5"; "How long does each infusion take?" by "over 90 minutes"
            says_asked = [*shapes, _count_of_units_in(text)] if counted else shapes
            for span in units:
                # "DRUG: Filgrastim", "Arm A (EXPERIMENTAL)": a name, not a dose; "IV.": the number of an objective
                if _is_name_line(text, span) or _ENUMERATOR.fullmatch(text, span.start, span.end):
                    continue
                points = _dose_points(text[span.start : span.end], weights)
                # A sentence about the drug the question names beats a richer one about another drug. A short line
                # is read with the line above, since a dose line sits under the name of the drug or arm it belongs
                # to; in prose run on one long line (an arm's whole description) each sentence is about what it
                # names, or what the sentence it points back to names ("Treatment continues every 2 weeks"), not
                # about every drug on the line.
                line = _line_of(text, span)
                long_line = line.end - line.start > _MAX_DOSE_LINE
                context = _with_antecedent(text, span, units) if long_line else _with_line_above(text, span)
                around = {w for w, s, e in words if context.start <= s and e <= context.end}
                named_otherwise = sum(1 for said, other in other_names if other & around and not said & around)
                about = len(around & subject) + named_otherwise
                # "in the third week" is said by "Week 3: three times daily"
                about += sum(1 for point in time_points if point.search(text, context.start, context.end))
                # A sentence with what the question asks (route, amount, frequency) first; then the per-arm fields
                # (the spec's first sections), where a dose is recorded, before prose.
                asked = _says_what_is_asked(text[span.start : span.end], weights)
                if says_asked:
                    # in the sentence or the schedule it runs on into ("... on day 1. Treatment repeats for 4 courses.")
                    reach = _with_next_sentence(text, span, weights).end
                    asked = asked and all(says.search(text, span.start, reach) for says in says_asked)
                structured = _order(sections, scored.chunk) < _STRUCTURED_DOSING_SECTIONS
                # "What dose?" is said by an amount ("5 mg/kg"), not by the word "dose".
                amount = not wants_amount or _DOSE_AMOUNT.search(text[span.start : span.end]) is not None
                # More of the drug's own name first ("Filgrastim-SD/01" over "Filgrastim"), then dose words.
                key = (asked and amount, structured, about, points * (_ABOUT_FACTOR if about else 1), -rank)
                if points and (best is None or key > best[0]):
                    best = (key, scored.chunk, span, units)
        if best is None:
            return None
        _, chunk, found, units = best
        span = _with_next_sentence(chunk.text, found, weights)
        return chunk, Span(_with_antecedent(chunk.text, found, units).start, span.end)

    def _other_names(self, question: str) -> list[tuple[set[str], set[str]]]:
        """Per drug or concept the question names, its words as said and the words of its other names ("Avastin" is
        bevacizumab in the record): the vocabulary's name and useful synonyms, not its parents (a drug class is no
        name). A passage naming it either way counts once."""
        vocabulary = self.reasoner.vocabulary
        found: list[tuple[set[str], set[str]]] = []
        for mention in vocabulary.mentions(question):
            names: list[str] = []
            for concept_id in mention.concept_ids:
                names.append(vocabulary.name(concept_id))
                names += [t for t in vocabulary.terms(concept_id) if is_useful_synonym(t)][:MAX_SYNONYMS]
            said = {w for w, _, _ in word_spans(mention.surface)}
            other = {w for name in names for w, _, _ in word_spans(name) if len(w) > 2 and w not in STOPWORDS}
            found.append((said, other - said))
        return found

    # ---- general, not stated, injection --------------------------------------------------------
    def _general(self, question: str, trial_id: str, intent: Intent) -> Answer:
        if not self._in_scope(question, trial_id):
            return self._out_of_scope(question, trial_id, intent)
        if self._names_a_site_place(question, trial_id) and self._names_the_trial(question, trial_id):
            # "Is TROPION-Lung10 open anywhere in Canada?": where the trial runs. Only a question that names the trial
            # or a trial word: "the weather in Islamabad" names a site's city and is no question about the trial.
            return self._location(question, trial_id, Intent("location"))
        searched = self.retriever.search(question, trial_id=trial_id)
        passage = self._best_sentence(question, searched)
        if (passage is None or passage[0].kind == "criterion") and self._asks_of_the_study(question):
            # "What drugs would I get?" is told by what the study gives, not by "illicit drug use" in a criterion:
            # searched where the record tells what the study does, since criteria can fill a whole-record search.
            study_text = self._study_text(question, trial_id, searched)
            passage = self._best_sentence(question, study_text) or passage
            searched = _unique([*searched, *study_text])
        if passage is None:
            return self._abstain(question, trial_id, "this", searched, out_of_scope=True)
        chunk, span = passage
        if chunk.kind == "criterion":
            # The best evidence is a criterion, so the question is about eligibility whatever its wording.
            return self._eligibility(question, trial_id, Intent("eligibility"))
        citation = _cite(chunk, span)
        text = f"{_section_label(chunk)}: “{citation.quote}” [1]"
        return self._finish(question, trial_id, text, [citation], searched)

    def _study_text(self, question: str, trial_id: str, searched: Sequence[ScoredChunk]) -> list[ScoredChunk]:
        """Where a question about the study is answered: what the search of the whole record found outside the
        criteria, then the best of the study's prose sections."""
        found = [s for s in searched if s.chunk.kind != "criterion"]
        return _unique([*found, *self.retriever.search(question, trial_id=trial_id, sections=_STUDY_TEXT_SECTIONS)])

    def _asks_of_the_study(self, question: str) -> bool:
        """A question about what taking part brings, or one whose answer is a time, a number or an amount ("For how
        long do the babies get the study drug?"), asked of no particular person: the study's own text answers it."""
        if self.rules.asks_what_one_gets(question):
            return True
        return expected_answer(question) is not None and not shape_of(question).about_person

    def _in_scope(self, question: str, trial_id: str) -> bool:
        """A question is about the trial when it has a trial cue (study, drug, site, eligibility...), names a
        medical concept, or uses a word of the trial's own topic (title, conditions, interventions, arms).
        Sites are left out on purpose: "the capital of France" is not about a trial with a site in France."""
        if self.rules.has_scope_cue(question) or self.reasoner.vocabulary.mentions(question):
            return True
        trial = self.directory.get_trial(trial_id)
        if trial is None:
            return True
        topic = " ".join([trial.title] + [s.text for s in trial.sections if s.heading in _TOPIC_SECTIONS]).lower()
        words = {w for w, _, _ in word_spans(topic)}
        # A word of the question or a synonym of it ("chemo" for a trial of "dose intense chemotherapy").
        said = " ".join([question, *self.retriever.expander.related_terms(question)])
        asked = [w for w, _, _ in word_spans(said) if w not in STOPWORDS and len(w) > 2]
        return any(w in words for w in asked if w not in self.rules.general_scaffolding)

    def _names_the_trial(self, question: str, trial_id: str) -> bool:
        """A trial cue ("study", "sites", "recruiting"), or the trial's own name: a code or acronym of its title."""
        if self.rules.has_scope_cue(question):
            return True
        trial = self.directory.get_trial(trial_id)
        title = trial.title.lower() if trial else ""
        return any(code.lower() in title for code in _TRIAL_NAME.findall(question))

    def _names_a_site_place(self, question: str, trial_id: str) -> bool:
        """The question names a city, state or country of one of the trial's sites (their structured fields)."""
        trial = self.directory.get_trial(trial_id)
        if trial is None or not trial.sites:
            return False
        nations = _site_nations(trial)
        # A site's country under any of its spellings ("USA", "United States").
        places = {spelling for spelling, name in country_spellings().items() if name in nations} | nations
        places |= {fold(p) for s in trial.sites for p in (s.city, s.state)}
        return names_a_place(question, places - {""})

    def _out_of_scope(self, question: str, trial_id: str, intent: Intent) -> Answer:
        text = (
            f"This is not a question about {trial_id}, so I leave it unanswered: I only answer from the trial's "
            "registry record. Ask about its eligibility, treatment, sites or contacts."
        )
        return self._finish(question, trial_id, text, [], [], abstained=True)

    def _not_stated(self, question: str, trial_id: str, intent: Intent) -> Answer:
        counted = str(intent.spec.get("counted_in_results", ""))
        if counted and re.search(counted, question, re.IGNORECASE) and _chunks_of(self, trial_id, ("Results",)):
            # "How many had serious side effects?" is answered by the posted adverse-event counts.
            reply = _Reply()
            _results_part(self, question, trial_id, _fact_spec(self.rules, "results"), reply)
            return self._finish(question, trial_id, reply.text(), reply.citations, reply.shown)
        searched = self.retriever.search(question, trial_id=trial_id)
        evidence = [re.compile(p, re.IGNORECASE) for p in intent.spec.get("evidence", [])]
        wanted = expected_answer(question)  # "How long is each visit?" is told by a sentence with a duration
        concepts = self._topic_concepts(question, trial_id)
        # With no topic, the question's own words rank the sentences that tell it.
        asked = set() if concepts else {w for w, _, _ in word_spans(_topic_words(question)) if w not in STOPWORDS}
        best: tuple[tuple[int, int, bool, int], Chunk, Span] | None = None
        for rank, scored in enumerate(self._study_text(question, trial_id, searched)):
            units = sentences(scored.chunk.text)
            for span in units:
                sentence = scored.chunk.text[span.start : span.end]
                typed = wanted is not None and holds_answer(wanted, sentence)
                if not typed and not any(p.search(sentence) for p in evidence):
                    continue
                about = _with_antecedent(scored.chunk.text, span, units)
                words = word_spans(scored.chunk.text[about.start : about.end])
                # The sentence naming most of what is asked ("how long would I be followed after the operation?"),
                # not the first to name any of it ("In the next 20 years ... surgeries is predicted").
                covered = sum(1 for c in concepts if find_concept(c, words))
                # A question naming nothing but the topic ("How long does the study last?") takes the sentence that
                # tells it with most of the question's own words ("the 48-week study period").
                shared = len(asked & {w for w, _, _ in words})
                key = (covered, shared, typed, -rank)
                if (covered or not concepts) and (best is None or key > best[0]):
                    best = (key, scored.chunk, about)
        if best is None:
            return self._abstain(question, trial_id, str(intent.spec.get("label", "this")), searched)
        citation = _cite(best[1], best[2])
        text = f"The record says ({_section_label(best[1])}): “{citation.quote}” [1]"
        # (the study text read is more than what search returned: the passage quoted is given with it)
        return self._finish(question, trial_id, text, [citation], [ScoredChunk(chunk=best[1], score=1.0), *searched])

    def _injection(self, question: str, trial_id: str, intent: Intent) -> Answer:
        text = (
            "I can only answer from the trial's registry record, and I keep that rule whatever a message asks. "
            "Eligibility is decided by the study team against every criterion; ask a specific question such as "
            "“Is interstitial lung disease exclusionary?” " + self._contacts_hint(trial_id)
        )
        return self._finish(question, trial_id, text, [], [], abstained=True)

    # ---- helpers -------------------------------------------------------------------------------
    def _best_sentence(
        self, question: str, searched: Sequence[ScoredChunk], exclude: set[str] | None = None
    ) -> tuple[Chunk, Span] | None:
        trial_ids = {s.chunk.trial_id for s in searched}
        trial_id = trial_ids.pop() if len(trial_ids) == 1 else None  # none across trials
        concepts = self._topic_concepts(question, trial_id)
        if not concepts:
            return None
        # Every sentence of a hepatitis C trial is about hepatitis C: the studied condition named in the question is
        # context, not a word the answering sentence must repeat ("Patients receive up to 48 weeks of treatment"
        # answers "how long does the hepatitis C treatment last?").
        studied = self._studied_condition_words(trial_id) if trial_id else []
        asked = [c for c in concepts if not find_concept(c, studied)] or concepts
        # What a lead clause tells ("If the first round works for me, how long ...") is context too, when the asking
        # clause names its own topic.
        shape = shape_of(question)
        if shape.self_contained:
            asking = word_spans(shape.asked)
            asked = [c for c in asked if find_concept(c, asking)] or asked
        needed = max(1, (len(asked) + 1) // 2)
        wanted = expected_answer(question)
        best: tuple[tuple[bool, int, int, bool, int], Chunk, Span] | None = None
        for rank, scored in enumerate(searched):
            if exclude and scored.chunk.chunk_id in exclude:
                continue
            words = word_spans(scored.chunk.text)
            units = _answer_units(scored.chunk)
            prose = scored.chunk.kind == "text"  # a criterion is a list item, pointing back to no sentence
            for unit in units:
                span = _with_antecedent(scored.chunk.text, unit, units) if prose else unit
                inside = [w for w in words if span.start <= w[1] and w[2] <= span.end]
                asked_coverage = sum(1 for c in asked if find_concept(c, inside))
                if asked_coverage < needed:
                    continue
                # "How long ...?" is answered by the sentence with a duration in it, before one with more of the
                # question's words and no duration.
                typed = wanted is None or holds_answer(wanted, scored.chunk.text[unit.start : unit.end])
                # A bare label ("HLX43 DOSE 2") matches as well as the sentence that says something.
                informative = len(inside) >= 5
                key = (typed, asked_coverage, sum(1 for c in concepts if find_concept(c, inside)), informative, -rank)
                if best is None or key > best[0]:
                    best = (key, scored.chunk, span)
        return (best[1], best[2]) if best else None

    def _studied_condition_words(self, trial_id: str) -> list[tuple[str, int, int]]:
        """The words of the trial's Conditions section."""
        return word_spans(" ".join(s.chunk.text for s in _chunks_of(self, trial_id, ("Conditions",))))

    def _section_lead(self, trial_id: str, sections: Sequence[str]) -> tuple[Chunk, Span] | None:
        """The first informative sentence of the first of these sections the record has."""
        chunks = self.retriever.lookup(trial_id, kind="text")
        for section in sections:
            for scored in (s for s in chunks if s.chunk.section == section):
                for span in sentences(scored.chunk.text):
                    if len(scored.chunk.text[span.start : span.end].split()) >= 6:
                        return scored.chunk, span
        return None

    def _topic_concepts(self, question: str, trial_id: str | None = None) -> list[Concept]:
        concepts = build_concepts(
            _topic_words(question), self.retriever.expander.groups, self.rules.general_scaffolding
        )
        trial = self.directory.get_trial(trial_id) if trial_id is not None else None
        if trial is not None:
            # "zidovudine" asked, and the record writes "Zidovudine (ZDV)" once and "6 weeks of standard ZDV" after:
            # the abbreviation the record defines is that concept's phrasing too
            concepts = [_with_abbreviations(c, trial.source_text) for c in concepts]
        said = _STUDY_TREATMENT.search(question)
        if said is None or trial_id is None:
            return concepts
        # "the study medication" is the trial's own intervention: its names are that concept's phrasings too.
        names = tuple(phrase_words(name) for name in self._intervention_names(trial_id))
        noun = phrase_words(said.group("noun"))
        return [
            Concept(c.name, tuple(dict.fromkeys(c.phrases + names)), c.asked) if noun in c.phrases else c
            for c in concepts
        ]

    def _intervention_names(self, trial_id: str) -> list[str]:
        """The names the Interventions section gives ("DRUG: Amitriptyline" names amitriptyline), and the
        abbreviations the record defines for them ("indinavir (IDV)" for "Indinavir sulfate")."""
        lines = [chunk.text[span.start : span.end] for chunk, span in _intervention_name_lines(self, trial_id)]
        names = [n for n in dict.fromkeys(line.split(": ", 1)[1] for line in lines if ": " in line) if n.strip()]
        trial = self.directory.get_trial(trial_id)
        return names + (abbreviations_defined_for(names, trial.source_text) if trial is not None else [])

    def _contacts_hint(self, trial_id: str) -> str:
        trial = self.directory.get_trial(trial_id)
        if trial is not None and trial.contacts:
            return "Ask the study team: " + "; ".join(trial.contacts) + "."
        if trial is not None and trial.sites:
            names = "; ".join(f"{s.name} ({s.city})" if s.city else s.name for s in trial.sites[:5])
            more = f" and {len(trial.sites) - 5} more" if len(trial.sites) > 5 else ""
            return f"Ask the study team at one of the sites: {names}{more}."
        return f"Ask the study team through the contacts on https://clinicaltrials.gov/study/{trial_id}."

    def _abstain(
        self, question: str, trial_id: str, topic: str, shown: list[ScoredChunk], out_of_scope: bool = False
    ) -> Answer:
        if out_of_scope:
            lead = f"The record of {trial_id} does not answer this; I can only answer from the trial's registry text."
        else:
            lead = f"The record of {trial_id} does not say {topic}."
        return self._finish(question, trial_id, f"{lead} {self._contacts_hint(trial_id)}", [], shown, abstained=True)

    def _finish(
        self,
        question: str,
        trial_id: str | None,
        text: str,
        citations: list[Citation],
        shown: Sequence[ScoredChunk],
        verdict: Verdict | None = None,
        abstained: bool = False,
    ) -> Answer:
        return Answer(
            question=question,
            trial_id=trial_id,
            verdict=verdict,
            answer=text,
            abstained=abstained,
            citations=citations,
            backend=OFFLINE,
            retrieved=_cited_first(_unique(shown), citations),
        )


# ---- pure helpers --------------------------------------------------------------------------------
def _typed_sentence(question: str, searched: Sequence[ScoredChunk], cue: re.Pattern[str]) -> tuple[Chunk, Span] | None:
    """The first sentence of the passages, best first, that says the fact (its `cue` words: "accrued") and holds the
    kind of answer the question asks (a count of patients)."""
    wanted = expected_answer(question)
    if wanted is None:
        return None
    for scored in searched:
        for unit in _answer_units(scored.chunk):
            sentence = scored.chunk.text[unit.start : unit.end]
            if cue.search(sentence) and holds_answer(wanted, sentence):
                return scored.chunk, unit
    return None


def _answer_units(chunk: Chunk) -> list[Span]:
    """The pieces a passage is quoted in: sentences, or whole lines where each line is one entry (a posted outcome
    lists its groups' values after semicolons, "Arm A 3.9 (95% CI 2.1 to 5.0); Arm B 5.4")."""
    return _line_spans(chunk.text) if chunk.section in _LINE_SECTIONS else sentences(chunk.text)


# A word, then capitals in brackets: the abbreviation a record uses for that word from then on ("indinavir (IDV)").
_BRACKETED_ABBREVIATION = re.compile(r"\b([A-Za-z][\w-]{3,})\s*\(([A-Z][A-Z0-9-]{1,7})\)")


def _with_abbreviations(concept: Concept, text: str) -> Concept:
    defined = tuple(phrase_words(abbreviation) for abbreviation in abbreviations_defined_for([concept.name], text))
    if not defined:
        return concept
    return Concept(concept.name, tuple(dict.fromkeys(concept.phrases + defined)), concept.asked)


def abbreviations_defined_for(names: Sequence[str], text: str) -> list[str]:
    """The abbreviations the text defines for a word of one of the names ("Patients receive acyclovir (ACV) and
    zidovudine (AZT)" defines ACV and AZT for "Acyclovir" and "Zidovudine"); a drug's abbreviation need not start
    with its first letter (AZT is azidothymidine's)."""
    words = {w.lower() for name in names for w in re.findall(r"[A-Za-z][\w-]{3,}", name)} - STOPWORDS
    found = (m.group(2) for m in _BRACKETED_ABBREVIATION.finditer(text) if m.group(1).lower() in words)
    return list(dict.fromkeys(found))


def _with_antecedent(text: str, span: Span, units: Sequence[Span]) -> Span:
    """The sentence, with the one before it when it opens by pointing back to it ("IV FIAC is given daily. This is
    continued for up to 90 days"): what it is about is named there."""
    if not _POINTS_BACK.match(text, span.start):
        return span
    before = [u for u in units if u.end <= span.start]
    return Span(before[-1].start, span.end) if before else span


def _topic_words(question: str) -> str:
    """The question without the words that ask for the kind of answer ("how long", "how often"): those are no topic
    to find in a passage ("how long" found "long-term liver disease"); nor, in such a question, the person it is asked
    for ("How long would my child be taking the study medicines?" is not about children)."""
    expected = expected_answer(question)
    if expected is None or expected.degree is None:
        return question
    masked = question
    for start, end in degree_words(question):
        masked = masked[:start] + " " * (end - start) + masked[end:]
    return POSSESSED_PERSON.sub(lambda found: " " * len(found.group(0)), masked)


def _best_match(candidates: Sequence[ScoredChunk], concepts: Sequence[Concept]) -> _Match | None:
    if not concepts:
        return None
    best: _Match | None = None
    for scored in candidates:
        words = word_spans(scored.chunk.text)
        spans: list[list[Span]] = []
        coverage = 0.0
        for concept in concepts:
            found = find_phrases(concept, words)
            if found:
                spans.append([span for span, _ in found])
                coverage += concept.weight([phrase for _, phrase in found])
        if coverage and (best is None or coverage > best.coverage):
            best = _Match(scored, coverage, spans)
    return best


def _dosing_weights(question: str, spec: dict[str, Any]) -> list[tuple[re.Pattern[str], float]]:
    """Frequency, route and amount words, weighted towards what the question asks about."""
    asks = {kind: re.search(spec[f"asks_{kind}"], question, re.IGNORECASE) is not None for kind in _DOSING_KINDS}
    if asks["route"] and (asks["frequency"] or asks["amount"]):
        # "How often would I get the interferon shots?": the form named is what is asked about, not the route asked
        unnamed = re.sub(rf"\b(?:{spec['route_nouns']})\b", " ", question, flags=re.IGNORECASE)
        asks["route"] = re.search(spec["asks_route"], unnamed, re.IGNORECASE) is not None
    weights = []
    for kind in _DOSING_KINDS:
        terms = re.compile(r"\b(" + "|".join(spec[f"{kind}_terms"]) + r")\b", re.IGNORECASE)
        weights.append((terms, 3.0 if asks[kind] else 1.0))
    return weights


_DOSING_KINDS = ("frequency", "route", "amount")


def _forms_named(question: str, spec: dict[str, Any], weights: Sequence[tuple[re.Pattern[str], float]]) -> set[str]:
    """The forms a treatment is named by ("the EPO injections", "how many infusions") where the route is not what is
    asked: they say what the question is about, as the drug's name does."""
    _, route_weight = dict(zip(_DOSING_KINDS, weights, strict=True))["route"]
    if route_weight > 1:
        return set()
    forms = re.finditer(rf"\b(?:{spec['route_nouns']})\b", question, re.IGNORECASE)
    return {w for found in forms for w, _, _ in word_spans(found.group())}


def _last_heading(text: str) -> str | None:
    found = list(re.finditer(r"(inclusion|exclusion) criteria", text, re.IGNORECASE))
    if not found:
        return None
    return INCLUSION if found[-1].group(1).lower() == "inclusion" else EXCLUSION


def _criteria_first(retrieved: Sequence[ScoredChunk]) -> list[ScoredChunk]:
    """An eligibility question's passages with the criteria first, in the order search found them: what decides
    eligibility is a criterion, and a summary, an intervention or an outcome that shares the question's words ("I
    take Zoloft" against a description of the drug studied) is no answer to it."""
    return sorted(retrieved, key=lambda s: s.chunk.section not in CRITERIA_SECTIONS)


def _cite(chunk: Chunk, span: Span | None = None) -> Citation:
    return Citation.from_chunk(chunk, None if span is None else (span.start, span.end))


def _by_decision(
    findings: Sequence[Finding], question: str, found_at: Mapping[str, int] | None = None
) -> list[Finding]:
    """Exclusions first, then the exclusions quoted without a verdict (the criterion most likely to decide), then
    the other undecided findings, the conditional and the admitting ones. Within each, what the asking clause asks
    about, then criteria before the record's age, sex and volunteer fields: an age told in passing ("a 39-year-old
    with ... Does that meet the pain threshold?") is not what the question is about. Ties go to the criterion search
    ranked higher for the question (`found_at`: chunk id -> rank)."""
    order = {Decision.EXCLUDED: 0.0, Decision.UNDECIDED: 1.0, Decision.CONDITIONS: 2.0, Decision.ALLOWED: 3.0}
    asked = shape_of(question).asked
    found_at = found_at or {}

    def rank(finding: Finding) -> tuple[float, bool, bool, int]:
        level = 0.5 if finding.withheld else order[finding.decision]
        searched = found_at.get(finding.chunk.chunk_id, len(found_at))
        return level, not asked_about(finding, asked), finding.chunk.fact is not None, searched

    return sorted(findings, key=rank)


def _assessment_text(
    assessment: Assessment, question: str, found_at: Mapping[str, int] | None = None
) -> tuple[str, list[Citation]]:
    """The verdict (or why there is none), then each fact with the passage that decides it, cited."""
    findings = _by_decision(assessment.findings, question, found_at)[:_MAX_CITED_FINDINGS]
    citations: list[Citation] = []
    for finding in findings:
        if not any(c.chunk_id == finding.chunk.chunk_id for c in citations):
            citations.append(_cite(finding.chunk, _quote_span(finding.chunk.text, [finding.span])))
    number = {c.chunk_id: i for i, c in enumerate(citations, start=1)}
    decision = assessment.decision
    if len(findings) == 1 and not assessment.unmatched and not assessment.background and not assessment.aside:
        finding = findings[0]
        quote = citations[0].quote
        lead = _lead(decision)
        note = finding.reason or ("The study team makes the final decision." if decision is Decision.EXCLUDED else "")
        text = f"{lead} {_label(finding)} says: “{quote}” [1]. {_sentence(note)}".strip()
        return text, citations
    lines = [_lead(decision)]
    for finding in findings:
        marker = number[finding.chunk.chunk_id]
        reason = f" ({finding.reason})" if finding.reason else ""
        lines.append(f"- {finding.fact}: {_DECISION_WORDS[finding.decision]} by {_label(finding)} [{marker}]{reason}.")
    for fact in assessment.unmatched:
        lines.append(f"- {fact}: no criterion of the record mentions it; only the study team can say.")
    for fact in assessment.aside:
        lines.append(f"- {fact} (which you mention besides what you ask): no criterion of the record mentions it.")
    for finding in assessment.background[: _MAX_CITED_FINDINGS - len(findings)]:
        citations.append(_cite(finding.chunk, _quote_span(finding.chunk.text, [finding.span])))
        lines.append(
            f"- {finding.fact} (which you mention as background): {_label(finding)} requires it [{len(citations)}]; "
            "whether all of that criterion is met, the study team checks."
        )
    return "\n".join(lines), citations


_DECISION_WORDS = {
    Decision.EXCLUDED: "excluded",
    Decision.ALLOWED: "allowed",
    Decision.CONDITIONS: "allowed with conditions",
    Decision.UNDECIDED: "not decided by what you said",
}


def _lead(decision: Decision | None) -> str:
    if decision is Decision.EXCLUDED:
        return "Excluded."
    if decision is Decision.ALLOWED:
        return "Allowed on what you said; other criteria still apply."
    if decision is Decision.CONDITIONS:
        return "Allowed with conditions."
    return "No verdict: the record's criteria do not decide this from what you said."


def _label(finding: Finding) -> str:
    """The criterion's label ("Exclusion #10") and the sub-heading it is listed under, if any: "Interferon." alone
    does not say that it is excluded only within 30 days of entry."""
    label = _criterion_label(finding.chunk) if finding.chunk.criterion else finding.chunk.section
    heading = finding.chunk.heading
    if (
        not heading
        or len(heading.split()) > _MAX_HEADING_WORDS
        or _LIST_INTRO.search(heading)
        or not heading[0].isupper()
    ):
        return label  # a sentence introducing the list ("... meet any of the following criteria:") adds nothing
    return f"{label} (under “{heading.rstrip(':').strip()}”)"


_MAX_HEADING_WORDS = 12
_LIST_INTRO = re.compile(r"\bfollowing\b|\beligible\b|\bcriteri", re.IGNORECASE)


def _sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    return text if text.endswith(".") else text + "."


def _first_sentence(text: str) -> Span:
    found = sentences(text)
    return found[0] if found and len(text) > _MAX_QUOTE else Span(0, len(text))


def _quote_span(text: str, spans: Sequence[Span]) -> Span:
    if len(text) <= _MAX_QUOTE or not spans:
        return Span(0, len(text))
    for sentence in sentences(text):
        if any(sentence.start <= s.start < sentence.end for s in spans):
            return sentence
    return Span(0, len(text))


def _criterion_label(chunk: Chunk) -> str:
    kind = chunk.section.split()[0]
    return f"{kind} #{chunk.criterion}" if chunk.criterion else chunk.section


def _section_label(chunk: Chunk) -> str:
    return _criterion_label(chunk) if chunk.criterion else chunk.section


def _tells_an_amount(chunk: Chunk, span: Span) -> bool:
    """The passage's sentence says how much ("5 mg/kg"), not only what is given."""
    return _DOSE_AMOUNT.search(chunk.text[span.start : span.end]) is not None


def _order(sections: Sequence[str], chunk: Chunk) -> int:
    return sections.index(chunk.section) if chunk.section in sections else len(sections)


def _fact_name(chunk: Chunk) -> str:
    return (chunk.fact or chunk.section).replace("_", " ").capitalize()


def _humanize(value: str) -> str:
    if re.fullmatch(r"[A-Z0-9_, ]+", value) and not re.fullmatch(r"\d+", value):
        return re.sub(r"PHASE(\d)", r"Phase \1", value).replace("_", " ").lower().replace("phase", "Phase")
    return value


def _place_asked(question: str) -> str | None:
    match = re.search(r"\b(?:in|near|around|at)\s+((?:[A-Z][\w'-]+)(?:\s+[A-Z][\w'-]+)*)", question)
    return match.group(1) if match else None


def _one_line(text: str) -> str:
    return ", ".join(line.strip() for line in text.splitlines() if line.strip())


def _cited_first(shown: Sequence[ScoredChunk], citations: Sequence[Citation]) -> list[ScoredChunk]:
    """The passages an answer cites lead what it shows, in the order cited: the dose sentence found in the
    third passage searched is the answer's evidence, and the passages above it are not."""
    position: dict[str, int] = {}
    for citation in citations:
        position.setdefault(citation.chunk_id, len(position))
    return sorted(shown, key=lambda s: position.get(s.chunk.chunk_id, len(position)))


def _unique(scored: Sequence[ScoredChunk]) -> list[ScoredChunk]:
    seen: set[str] = set()
    out: list[ScoredChunk] = []
    for s in scored:
        if s.chunk.chunk_id not in seen:
            seen.add(s.chunk.chunk_id)
            out.append(s)
    return out


# ---- structured answers: facts, sites, contacts, posted results ------------------------------------
# Registry status values in the registry's own words, with what they mean for someone who wants to join.
_STATUS_WORDS = {
    "RECRUITING": ("Recruiting", "the study is enrolling participants"),
    "NOT_YET_RECRUITING": ("Not yet recruiting", "the study has not started enrolling"),
    "ACTIVE_NOT_RECRUITING": ("Active, not recruiting", "the study is running but not enrolling new participants"),
    "ENROLLING_BY_INVITATION": ("Enrolling by invitation", "only people the study team invites can join"),
    "COMPLETED": ("Completed", "the study has ended"),
    "TERMINATED": ("Terminated", "the study stopped early"),
    "SUSPENDED": ("Suspended", "enrolment is paused"),
    "WITHDRAWN": ("Withdrawn", "the study stopped before enrolling anyone"),
    "UNKNOWN": ("Unknown status", "the record has not been verified recently"),
}
# A question that asks to join ("Can I sign up?", "could he still get in", "is she able to take part")
_ASKS_TO_JOIN = re.compile(
    r"\b(?:join|enrol+(?:ing|ed)?|sign(?:ing)?\s+(?:\w+\s+)?up|take\s+part|participate|get\s+(?:\w+\s+)?in(?:to)?\b"
    r"|apply)\b",
    re.IGNORECASE,
)
# Statuses under which someone may ask to join now; every other one is said beside an eligibility answer.
_ENROLLING_NOW = frozenset({"RECRUITING", "ENROLLING_BY_INVITATION"})
_ENROLLMENT_TYPE_WORDS = {
    "ACTUAL": "actual (the number who took part)",
    "ESTIMATED": "estimated (the anticipated number, not a final count)",
    "ANTICIPATED": "anticipated (the planned number, not a final count)",
}
# Words that name no particular site: matching them would pick every hospital of a record.
_SITE_NOISE = frozenset({
    "site", "sites", "study", "trial", "hospital", "hospitals", "clinic", "clinics", "center", "centre", "centers",
    "centres", "medical", "university", "health", "institute", "research", "cancer", "contact", "contacts", "phone",
    "number", "email", "call", "recruiting", "enrolling", "currently", "open", "location", "locations", "where",
    "city", "country", "team", "participating", "running", "done", "there", "doctor", "person", "investigator",
    "group", "care", "medicine", "ask", "reach", "talk", "speak", "find", "join", "joining", "enroll", "enrol",
    "question", "questions", "information", "what", "who", "which", "whom", "the", "this", "that", "still", "yet",
    "being", "held", "taking", "place", "take", "part", "telephone", "about", "for", "and",
})  # fmt: skip
_FOLD = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ß": "ss", "’": "'"})
_SITE_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_ROLE_LINE = re.compile(r"^(Status|Contact|Backup contact|[A-Z][A-Za-z -]*(Investigator|Director|Chair)):", re.M)
_MAX_SITES_SHOWN = 10


@dataclass
class _Reply:
    """An answer being assembled from several cited parts ("Status: ... [1]; Enrollment: ... [2]")."""

    parts: list[str] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    shown: list[ScoredChunk] = field(default_factory=list)
    # What the parts quote is beside the question, not its answer: the record does not say what was asked.
    beside: bool = False

    def cite(self, citation: Citation) -> int:
        """The citation's number, reusing an identical earlier one so a passage is numbered once."""
        for number, earlier in enumerate(self.citations, start=1):
            if (earlier.chunk_id, earlier.start, earlier.quote) == (citation.chunk_id, citation.start, citation.quote):
                return number
        self.citations.append(citation)
        return len(self.citations)

    def text(self) -> str:
        return "; ".join(self.parts) + "."


def _fact_spec(rules: IntentRules, name: str) -> dict[str, Any]:
    return next((spec for spec, _ in rules.facts if spec.get("intent") == name), {})


def _asks(rules: IntentRules, name: str, question: str) -> bool:
    """The question uses a phrasing of fact intent `name` (its patterns in intents.json)."""
    return any(p.search(question) for spec, patterns in rules.facts if spec.get("intent") == name for p in patterns)


def _asked_specs(rules: IntentRules, question: str, first: dict[str, Any], limit: int = 3) -> list[dict[str, Any]]:
    """The classified fact first, then every other fact the question also asks ("what happened to this study, and
    how many were enrolled?"): a compound question gets every part answered. A fact counts only for words no fact
    taken already matched: "how many participants completed" asks for completions, not also for enrollment."""
    compiled = {id(spec): patterns for spec, patterns in rules.facts}
    specs = [first]
    covered = _matched_spans(compiled.get(id(first), []), question)
    for spec, patterns in rules.facts:
        if len(specs) >= limit:
            break
        found = _matched_spans(patterns, question)
        if spec.get("intent") != first.get("intent") and any(not _overlaps(span, covered) for span in found):
            specs.append(spec)
            covered += found
    return specs


def _matched_spans(patterns: Sequence[re.Pattern[str]], text: str) -> list[Span]:
    return [Span(m.start(), m.end()) for p in patterns for m in p.finditer(text) if m.end() > m.start()]


def _overlaps(span: Span, others: Sequence[Span]) -> bool:
    return any(span.start < other.end and other.start < span.end for other in others)


def _fact_value(chunk: Chunk) -> str:
    """A fact as a person reads it; registry codes keep their exact spelling in brackets so they stay quotable."""
    value = chunk.text.strip()
    if chunk.fact == "status":
        return _status_text(value)
    if chunk.fact == "enrollment_type":
        return _ENROLLMENT_TYPE_WORDS.get(value.upper(), value)
    if chunk.fact == "phase" and value.upper() in {"NA", "N/A"}:
        return f"not applicable ({value}; studies of devices or behaviour have no phase)"
    return _humanize(value)


def _status_key(value: str) -> str:
    """A status as the registry codes it, from either spelling ("Active, not recruiting" -> ACTIVE_NOT_RECRUITING)."""
    return re.sub(r"[\s,]+", "_", value.strip().upper())


def _status_text(value: str) -> str:
    key = _status_key(value)
    if key not in _STATUS_WORDS:
        return value
    words, meaning = _STATUS_WORDS[key]
    return f"{words} ({value}): {meaning}"


def _whole_section(parts: Sequence[Chunk]) -> Chunk:
    """A section the chunker split (a record listing 150 conditions, one chunk per intervention) as one passage, for
    what it names: the first part alone had missed "Stage IV Gastric Cancer" in a trial studying it."""
    if len(parts) == 1:
        return parts[0]
    return parts[0].model_copy(update={"text": "\n".join(p.text for p in parts), "end": parts[-1].end})


def _chunks_of(qa: OfflineAnswerer, trial_id: str, sections: Sequence[str]) -> list[ScoredChunk]:
    """Every text chunk of these sections, in the order the sections are given."""
    chunks = qa.retriever.lookup(trial_id, kind="text")
    return [s for section in sections for s in chunks if s.chunk.section == section]


def _field_part(qa: OfflineAnswerer, question: str, trial_id: str, spec: dict[str, Any], reply: _Reply) -> None:
    """Labelled facts (phase, sponsor, status...) and, for a spec with sections, the sentence that answers."""
    facts = qa.retriever.lookup(trial_id, facts=tuple(spec.get("facts", ())))
    sections = tuple(spec.get("sections", ()))
    searched = qa.retriever.search(question, trial_id=trial_id, sections=sections or None) if sections else []
    if not facts and not sections and spec.get("fallback_sections") and spec.get("fallback_cue"):
        # A record without the field may say it in its text ("PROJECTED ACCRUAL: A maximum of 30 patients will be
        # accrued"): only a sentence holding the kind of answer asked (a count of patients) is quoted then.
        fallback, cue = tuple(spec["fallback_sections"]), re.compile(spec["fallback_cue"], re.IGNORECASE)
        searched_text = qa.retriever.search(question, trial_id=trial_id, sections=fallback)
        found = _typed_sentence(question, searched_text, cue)
        if found is not None:
            citation = _cite(found[0], found[1])
            reply.parts.append(f"{found[0].section}: “{citation.quote}” [{reply.cite(citation)}]")
            reply.shown.append(ScoredChunk(chunk=found[0], score=1.0))
    for scored in facts:
        number = reply.cite(_cite(scored.chunk))
        reply.parts.append(f"{_fact_name(scored.chunk)}: {_fact_value(scored.chunk)} [{number}]")
    if facts and spec.get("say_absent"):
        given = {scored.chunk.fact for scored in facts}
        for absent in (f for f in spec.get("facts", ()) if f not in given):
            reply.parts.append(f"{absent.replace('_', ' ').capitalize()}: none set in the record")
    passage = qa._best_sentence(question, searched, exclude={s.chunk.chunk_id for s in facts})
    lead = qa._section_lead(trial_id, sections)
    if lead is not None and (passage is None or _order(sections, lead[0]) < _order(sections, passage[0])):
        passage = lead  # a generic question ("what is the study drug?") is answered by the section itself
    if passage is not None:
        chunk, span = passage
        citation = _cite(chunk, span)
        reply.parts.append(f"{chunk.section}: “{citation.quote}” [{reply.cite(citation)}]")
        if all(s.chunk.chunk_id != chunk.chunk_id for s in searched):
            reply.shown.append(ScoredChunk(chunk=chunk, score=1.0))  # the section's lead: cited, so it was given
    reply.shown += facts + searched


def _section_part(qa: OfflineAnswerer, question: str, trial_id: str, spec: dict[str, Any], reply: _Reply) -> None:
    """Short list sections (officials, contacts) quoted whole: a name line has no sentence to pick."""
    for scored in _chunks_of(qa, trial_id, tuple(spec.get("sections", ()))):
        citation = _cite(scored.chunk, _first_sentence(scored.chunk.text))
        reply.parts.append(f"{scored.chunk.section}: “{citation.quote}” [{reply.cite(citation)}]")
        reply.shown.append(scored)


def _contact_part(qa: OfflineAnswerer, question: str, trial_id: str, spec: dict[str, Any], reply: _Reply) -> None:
    """Who to call: the contact line of the site the question names, else the central contacts, else the sites', else
    the study's officials."""
    sites = qa.retriever.lookup(trial_id, kind="site")
    named = _named_sites(question, sites)
    for scored in named[:_MAX_SITES_SHOWN]:
        _site_part(scored.chunk, reply, contacts=True)
    reply.shown += named
    if any(_contact_lines(s.chunk.text) for s in named):
        return
    before = len(reply.citations)
    _section_part(qa, question, trial_id, spec, reply)
    if len(reply.citations) > before:
        return
    with_contacts = [s for s in sites if _contact_lines(s.chunk.text)]
    for scored in with_contacts[:_MAX_SITES_SHOWN]:
        _site_part(scored.chunk, reply, contacts=True)
    reply.shown += with_contacts
    if not with_contacts and len(reply.citations) == before:
        # No contact anywhere (many classic records): the record does not say whom to contact; the people it names as
        # responsible for the study are quoted beside that.
        _section_part(qa, question, trial_id, {"sections": spec.get("fallback_sections", ())}, reply)
        reply.beside = len(reply.citations) > before


def _results_part(qa: OfflineAnswerer, question: str, trial_id: str, spec: dict[str, Any], reply: _Reply) -> None:
    """Posted results: the lines (started, completed, adverse events) the question asks about, quoted exactly."""
    chunks = _chunks_of(qa, trial_id, ("Results",))
    lines = [(chunk, span) for chunk in (s.chunk for s in chunks) for span in _line_spans(chunk.text)]
    wanted = [str(prefix) for prefix, pattern in spec.get("lines", []) if re.search(pattern, question, re.I)]
    if not wanted and _outcome_line_part(qa, question, chunks, reply):
        return  # "In the posted results, how long before PSA progressed?": an outcome measure's line answers
    wanted = wanted or ["Participants started", "Participants completed"]
    picked = [(c, s) for prefix in wanted for c, s in lines if c.text[s.start : s.end].startswith(prefix)]
    # Overlapping chunks hold some lines twice; a line is quoted once, whole (the longest copy).
    by_place: dict[int, tuple[Chunk, Span]] = {}
    for chunk, span in picked:
        kept = by_place.get(chunk.start + span.start)
        if kept is None or span.end - span.start > kept[1].end - kept[1].start:
            by_place[chunk.start + span.start] = (chunk, span)
    for chunk, span in list(by_place.values())[:6]:
        citation = _cite(chunk, span)
        reply.parts.append(f"Results: “{citation.quote}” [{reply.cite(citation)}]")
    reply.shown += chunks
    if not picked:
        # No posted results: the enrollment figure is the nearest thing the record states.
        reply.parts.append("The record has no posted results for this")
        _field_part(qa, question, trial_id, _fact_spec(qa.rules, "enrollment"), reply)


def _outcome_line_part(qa: OfflineAnswerer, question: str, chunks: list[ScoredChunk], reply: _Reply) -> bool:
    """The posted outcome measure the question's words name, quoted as its whole line."""
    passage = qa._best_sentence(question, chunks)
    if passage is None or not passage[0].text[passage[1].start :].startswith(_OUTCOME_LINE):
        return False
    citation = _cite(*passage)
    reply.parts.append(f"Results: “{citation.quote}” [{reply.cite(citation)}]")
    reply.shown += chunks
    return True


def _line_spans(text: str) -> list[Span]:
    spans: list[Span] = []
    offset = 0
    for line in text.split("\n"):
        if line.strip():
            spans.append(Span(offset + len(line) - len(line.lstrip()), offset + len(line.rstrip())))
        offset += len(line) + 1
    return spans


def _site_head(text: str) -> str:
    """A site entry's name and place lines; its status and contact lines say nothing about where it is."""
    lines = [line for line in text.split("\n") if line.strip() and not _ROLE_LINE.match(line)]
    return "\n".join(lines[:2])


def _site_status(text: str) -> str:
    match = re.search(r"^Status: (.+)$", text, re.M)
    return match.group(1).strip() if match else ""


def _contact_lines(text: str) -> list[str]:
    return [line.strip() for line in text.split("\n") if re.match(r"\s*(Contact|Backup contact):", line)]


def _site_part(chunk: Chunk, reply: _Reply, contacts: bool) -> None:
    """One site: name and place, its status in words and (asked for, or short) its contact lines."""
    number = reply.cite(_cite(chunk))
    text = f"{_one_line(_site_head(chunk.text))} [{number}]"
    status = _site_status(chunk.text)
    if status:
        text += f", site status: {_status_text(status)}"
    lines = _contact_lines(chunk.text)
    if contacts:
        text += (", " + "; ".join(lines)) if lines else ", no contact is listed for this site"
    reply.parts.append(text)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def _site_words(text: str) -> set[str]:
    words = _SITE_WORD.findall(_fold(text))
    name = _SITE_WORD.findall(_fold(text.split("\n")[0]))
    # Hospitals go by their initials ("CHOP", "CHEO"): the name's initials count as a word of the site.
    initials = "".join(w[0] for w in name) if len(name) >= 3 else ""
    return set(words) | ({initials} if initials else set())


# "outside the United States", "other than Canada", "anywhere besides Toronto": the sites elsewhere are asked for.
_OUTSIDE_PLACE = re.compile(
    r"\b(?:outside(?:\s+of)?|other\s+than|besides|except(?:\s+in)?|apart\s+from|beyond|not\s+in)\s+(?:in\s+)?(?:the\s+)?"
    r"(?P<place>(?:(?:mainland|continental)\s+)?[A-Z][\w'.-]*(?:\s+[A-Z][\w'.-]*)*)"
)


def _country_named(place: str) -> str:
    """A place as the site lines name it, "mainland"/"continental" aside: "the US" is "united states"."""
    return country(re.sub(r"^(?:mainland|continental) ", "", fold(place)))


def _site_nations(trial: Trial) -> set[str]:
    """The countries of a trial's sites, each under its common name."""
    return {country(fold(site.country)) for site in trial.sites}


# "We live just outside Worcester": where the asker is, near the place, not the sites elsewhere.
_DWELLS = re.compile(
    r"\b(?:live[sd]?|living|stay(?:s|ing)?|based|located|resid(?:e|es|ing)|i'?m|we'?re|i\s+am|we\s+are|he'?s|she'?s"
    r"|they'?re)\s+(?:just\s+|right\s+|a\s+bit\s+|a\s+little\s+|somewhere\s+)?$",
    re.IGNORECASE,
)


# A place the question names in capitals over several words ("South America", "New York"): a site matches it only
# with all of them, not by one ("South Bend" is not in South America).
_PLACE_PHRASE = re.compile(r"\b[A-Z][\w'-]+(?:\s+[A-Z][\w'-]+)+")


def _named_sites(question: str, sites: Sequence[ScoredChunk]) -> list[ScoredChunk]:
    """The sites whose name or place the question names; a word shared by fewer sites weighs more, so "Fayetteville,
    Arkansas" picks the Fayetteville site, not every site in Arkansas."""
    asked = {w for w in _SITE_WORD.findall(_fold(question)) if len(w) > 2 and w not in STOPWORDS}
    asked -= _SITE_NOISE
    if not asked or not sites:
        return []
    phrases = [set(_SITE_WORD.findall(_fold(p.group()))) & asked for p in _PLACE_PHRASE.finditer(question)]
    heads = [_whole_phrases(_site_words(_site_head(s.chunk.text)) & asked, phrases) for s in sites]
    shared: dict[str, int] = {}
    for found in heads:
        for word in found:
            shared[word] = shared.get(word, 0) + 1
    scores = [sum(1 / shared[w] for w in found) for found in heads]
    best = max(scores)
    return [s for s, score in zip(sites, scores, strict=True) if best and score == best]


def _site_countries(sites: Sequence[ScoredChunk]) -> list[str]:
    """The countries the site lines end with, in the order first listed."""
    countries: list[str] = []
    for site in sites:
        last = _site_head(site.chunk.text).split("\n")[-1].split(",")[-1].strip()
        if last and last not in countries:
            countries.append(last)
    return countries


def _named_in_sites(place: str, sites: Sequence[ScoredChunk]) -> bool:
    """Some site line holds every word of the place (a city, a state): then "no site" there is the record's word."""
    words = set(_SITE_WORD.findall(_fold(place)))
    return any(words <= _site_words(s.chunk.text) for s in sites)


def _whole_phrases(found: set[str], phrases: Sequence[set[str]]) -> set[str]:
    """The words found, without those of a place phrase found only in part."""
    partial = {w for phrase in phrases if len(phrase) > 1 and not phrase <= found for w in phrase}
    return found - partial


def _wants_amount(question: str, spec: dict[str, Any]) -> bool:
    """ "What dose ...?", "How much ...?": the answer must give an amount."""
    return re.search(spec["asks_amount"], question, re.IGNORECASE) is not None


def _dose_points(sentence: str, weights: Sequence[tuple[re.Pattern[str], float]]) -> float:
    return sum(weight * len(terms.findall(sentence)) for terms, weight in weights)


def _dosing_subject(
    question: str, weights: Sequence[tuple[re.Pattern[str], float]], scaffolding: frozenset[str]
) -> set[str]:
    """What the dosing question is about (the drug or procedure it names): its words, minus dosing vocabulary."""
    raw = [w for w in re.findall(r"[A-Za-z0-9-]+", question) if not any(t.fullmatch(w) for t, _ in weights)]
    # Short parts of a code name count ("Filgrastim-SD/01": "sd", "01"), short lower-case words do not.
    codes = {w.lower() for w in re.findall(r"\b(?:[A-Z]{2}|\d{2})\b", question)}
    words = {
        w
        for w, _, _ in word_spans(" ".join(raw))
        if (len(w) > 2 or w in codes) and w not in STOPWORDS and w not in scaffolding
    }
    return words - _DOSING_WORDS


# Words of dosing questions that name no drug ("what dose is used and how often is it taken?").
_DOSING_WORDS = frozenset({"dose", "dos", "dosage", "schedule", "use", "us", "tak", "taken", "administer", "often"})


def _with_next_sentence(text: str, span: Span, weights: Sequence[tuple[re.Pattern[str], float]]) -> Span:
    """A terse dose sentence ("Aclidinium Bromide, 200μg.") runs on into the next when that one holds the schedule."""
    line = _line_of(text, span)
    if line.end - line.start <= _MAX_DOSE_LINE:
        return line  # a registry dose line ("Aclidinium Bromide, 200μg. Once daily oral inhalation.") reads whole
    following = [s for s in sentences(text) if s.start >= span.end and "\n\n" not in text[span.end : s.start]]
    if not following or not _dose_points(text[following[0].start : following[0].end], weights):
        return span
    if len(text[span.start : span.end].split()) < 12:
        return Span(span.start, following[0].end)
    # "Patients receive ... on day 1. [G-CSF is given on days 7-18.] Treatment repeats every 3 weeks for 4 courses.":
    # the schedule points back to the sentences that name what it repeats (one between them at most)
    back = next(
        (
            s
            for s in following[:2]
            if _POINTS_BACK.match(text, s.start) and _dose_points(text[s.start : s.end], weights)
        ),
        None,
    )
    return Span(span.start, back.end) if back is not None else span


# An arm's label line as the loaders write it: "Arm B: Durvalumab + Placebo (ACTIVE_COMPARATOR)".
_ARM_LABEL = re.compile(r"^\S.* \((?:EXPERIMENTAL|[A-Z]+_COMPARATOR|NO_INTERVENTION|OTHER|[A-Z_]{4,})\)$")
# Words of arm questions that name no particular arm.
_ARM_NOISE = frozenset({
    "arm", "arms", "group", "groups", "cohort", "cohorts", "receive", "receives", "get", "gets", "given", "compared",
    "comparing", "versus", "what", "which", "does", "happens", "happen", "patients", "participants", "people",
    "study", "trial", "treatment", "treatments", "the", "this", "that", "each", "other", "being", "after", "before",
    "many", "were", "extra", "additional", "else",
})  # fmt: skip


def _arm_blocks(text: str) -> list[list[Span]]:
    """Each arm of a Study Groups passage: its label line, then its description and "Interventions:" lines."""
    blocks: list[list[Span]] = []
    for span in _line_spans(text):
        if _ARM_LABEL.match(text[span.start : span.end]):
            blocks.append([span])
        elif blocks:
            blocks[-1].append(span)
    return blocks


def _arm_words(text: str) -> set[str]:
    folded = _fold(text)
    return {w[:5] for w in _SITE_WORD.findall(folded) if len(w) > 2 and w not in STOPWORDS and w not in _ARM_NOISE}


def _question_arm_words(question: str) -> set[str]:
    # Arm labels are often initials ("LD Group", "NS Group"): a capitalised short word of the question counts.
    short = {w.lower() for w in re.findall(r"\b[A-Z]{2,3}\b", question)}
    return _arm_words(question) | short


def _arms_part(qa: OfflineAnswerer, question: str, trial_id: str, spec: dict[str, Any], reply: _Reply) -> None:
    """What each arm receives: the arms the question names (by their label), else every arm, quoted from the label
    line to the "Interventions:" line."""
    chunks = _chunks_of(qa, trial_id, ("Study Groups",))
    arms = [(s.chunk, block) for s in chunks for block in _arm_blocks(s.chunk.text)]
    asked = _question_arm_words(question)
    scores = [
        len(asked & (_arm_words(c.text[b[0].start : b[0].end]) | _label_initials(c.text[b[0].start : b[0].end])))
        for c, b in arms
    ]
    best = max(scores, default=0)
    picked = [arm for arm, score in zip(arms, scores, strict=True) if score == best] if best else arms
    quoted: list[str] = []
    for chunk, block in picked[:8]:
        whole = Span(block[0].start, block[-1].end)
        spans = [whole] if whole.end - whole.start <= _MAX_QUOTE else [block[0], block[-1]]
        for span in spans:
            citation = _cite(chunk, span)
            quoted.append(citation.quote)
            reply.parts.append(f"{chunk.section}: “{citation.quote}” [{reply.cite(citation)}]")
    reply.shown += chunks
    if not arms:
        # No arms: the interventions, and what they do not say ("In the trimetrexate group, for how long is
        # trimetrexate given?" beside "DRUG: Trimetrexate glucuronate").
        before = len(reply.parts)
        _field_part(qa, question, trial_id, spec, reply)
        quoted = reply.parts[before:]
    if _arm_lacks_the_answer(qa, question, " ".join(quoted)):
        _detail_part(qa, question, trial_id, reply)


def _arm_lacks_the_answer(qa: OfflineAnswerer, question: str, quoted: str) -> bool:
    """The quoted arm says no value of the kind asked ("how long can you use the program?" and no duration), no
    amount when a dose is asked ("What's the docetaxel dose in the doxorubicin plus docetaxel arm?"), or little beyond
    its name."""
    expected = expected_answer(question)
    if expected is not None:
        return not holds_answer(expected, quoted)
    if qa.rules.asks_a_dose(question):
        return _DOSE_AMOUNT.search(quoted) is None
    return len(quoted.split()) < _THIN_ARM_WORDS


def _detail_part(qa: OfflineAnswerer, question: str, trial_id: str, reply: _Reply) -> None:
    """The sentence elsewhere in the record that answers what the arm's own text does not: the dose sentence when a
    dose, route or schedule is asked ("In the IL-12 arm, how often is the IL-12 given?"), else the best sentence of
    the study's text."""
    if qa.rules.asks_a_dose(question):
        dosing = qa.rules.data["dosing"]
        searched = qa.retriever.search(question, trial_id=trial_id, sections=tuple(dosing["sections"]))
        passage = qa._dose_sentence(question, searched, dosing)
    else:
        searched = qa.retriever.search(question, trial_id=trial_id)
        passage = qa._best_sentence(question, [s for s in qa._study_text(question, trial_id, searched)])
    if passage is None:
        return
    chunk, span = passage
    expected = expected_answer(question)
    if expected is not None and not holds_answer(expected, chunk.text[span.start : span.end]):
        return
    citation = _cite(chunk, span)
    if all(citation.quote not in part for part in reply.parts):
        reply.parts.append(f"{_section_label(chunk)}: “{citation.quote}” [{reply.cite(citation)}]")
    reply.shown += searched


def _label_initials(label: str) -> set[str]:
    words = [w for w in _SITE_WORD.findall(_fold(label.split(" (")[0])) if w not in STOPWORDS]
    return {w for w in words if len(w) <= 3}


def _intervention_name_lines(qa: OfflineAnswerer, trial_id: str) -> list[tuple[Chunk, Span]]:
    """The Interventions section's lines that name an intervention ("DRUG: Emtricitabine")."""
    chunks = [s.chunk for s in _chunks_of(qa, trial_id, (_INTERVENTIONS,))]
    return [(c, span) for c in chunks for span in _line_spans(c.text) if _is_name_line(c.text, span)]


def _treatment_part(qa: OfflineAnswerer, question: str, trial_id: str, spec: dict[str, Any], reply: _Reply) -> None:
    """The sentence that answers, and the record's list of interventions by name when that sentence is not from it:
    "What drug is 524W91?" is answered by the summary's sentence about 524W91 beside "DRUG: Emtricitabine"."""
    before = len(reply.citations)
    _field_part(qa, question, trial_id, spec, reply)
    if any(c.section == _INTERVENTIONS for c in reply.citations[before:]):
        return
    quoted: set[str] = set()
    for chunk, span in _intervention_name_lines(qa, trial_id):
        citation = _cite(chunk, span)
        if citation.quote not in quoted and len(quoted) < _MAX_NAMED_INTERVENTIONS:
            quoted.add(citation.quote)  # overlapping chunks hold some lines twice
            reply.parts.append(f"{chunk.section}: “{citation.quote}” [{reply.cite(citation)}]")


# How each kind of fact question (the "answer" key of its entry in intents.json) is answered; plain fields otherwise.
_FACT_PARTS = {
    "results": _results_part,
    "contacts": _contact_part,
    "section": _section_part,
    "arms": _arms_part,
    "treatment": _treatment_part,
}


def _is_name_line(text: str, span: Span) -> bool:
    """A whole line that only names an arm or an intervention."""
    whole_line = (span.start == 0 or text[span.start - 1] == "\n") and (span.end == len(text) or text[span.end] == "\n")
    line = text[span.start : span.end]
    return whole_line and bool(_ARM_LABEL.match(line) or re.match(r"^(Interventions: |[A-Z_]{3,}: )", line))


def _with_line_above(text: str, span: Span) -> Span:
    """The sentence's whole line and the line above it."""
    line_start = text.rfind("\n", 0, span.start) + 1
    above = text.rfind("\n", 0, max(0, line_start - 1)) + 1 if line_start else line_start
    line_end = text.find("\n", span.end)
    return Span(above, len(text) if line_end < 0 else line_end)


_MAX_DOSE_LINE = 300
# A numbering a sentence splitter leaves alone: "III. Determine ... IV. Determine ..." (PDQ objectives)
_ENUMERATOR = re.compile(r"\s*(?:[IVXivx]{1,5}|\d{1,2}|[A-Za-z])[.)]\s*")


def _line_of(text: str, span: Span) -> Span:
    """The line the span is on, across soft wraps: classic XML records wrap their prose at about 100 characters, and
    a line that goes on in lower case ("... at onset of labor, then\ndoses every 3 hours") is the same line of prose,
    not a dose line under the name of its drug."""
    start = text.rfind("\n", 0, span.start) + 1
    while start and _wraps_at(text, start - 1):
        start = text.rfind("\n", 0, start - 1) + 1
    end = text.find("\n", span.end)
    while end >= 0 and _wraps_at(text, end):
        end = text.find("\n", end + 1)
    return Span(start, len(text) if end < 0 else end)


# A line that carries on the sentence of the line before it: it opens in lower case, or the line before is as long as
# the record's wrapping width and stops mid-sentence ("... administered subcutaneously\n(SC) on days 7-18").
_SOFT_WRAP = re.compile(r"[ \t]*[a-z]")
_WRAPPED_LINE = 60
_SENTENCE_STOP = re.compile(r"[.:;!?][\"')\]]?[ \t]*$")
_LIST_MARK_OPENING = re.compile(r"[ \t]*(?:[-*•o][ \t]|\d{1,2}[.)][ \t]|[A-Z][A-Za-z /]{1,30}:)")


def _wraps_at(text: str, newline: int) -> bool:
    """The line break at `newline` is a soft wrap inside a sentence."""
    if _SOFT_WRAP.match(text, newline + 1):
        return True
    line_start = text.rfind("\n", 0, newline) + 1
    line = text[line_start:newline]
    return (
        len(line.strip()) >= _WRAPPED_LINE
        and _SENTENCE_STOP.search(line) is None
        and bool(text[newline + 1 : newline + 2].strip())
        and _LIST_MARK_OPENING.match(text, newline + 1) is None
    )


# How much more a dose sentence about the drug the question names counts than one about another drug.
_ABOUT_FACTOR = 3


def _asks_status(rules: IntentRules, question: str) -> bool:
    """A status question, study-wide ("is it still recruiting?") or about a site ("is the Houston site open?")."""
    return _asks(rules, "status", question) or re.search(_STATUS_ASKED, question, re.IGNORECASE) is not None


_STATUS_ASKED = r"\b(recruit\w*|enrol\w*|open|accepting|status|active)\b"

# "Study Groups" and "Interventions" lead the dosing spec's sections in intents.json.
_STRUCTURED_DOSING_SECTIONS = 2


# An amount as a dose is written: a number with a mass, volume, unit or radiation unit ("3 mg", "2,000 IU", "60 Gy").
_DOSE_AMOUNT = re.compile(
    r"\d[\d,.]*\s*(?:mg|mcg|µg|μg|g|gms?|ml|mL|cc|iu|IU|units?|gy|Gy|mmol|mEq|mg/kg|mg/m2|mg/m²|%"
    # units written out: "100 microgram/kg", "5 micrograms per kilogram", "2 grams"
    r"|(?:milli|micro|nano)?grams?|(?:milli)?lit(?:er|re)s?|international\s+units)(?![a-z])",
    re.IGNORECASE,
)


# "How many cycles / rounds / doses ...?" asks a count of treatment units, which a sentence says with a number of them
# ("every 3 weeks for 4 courses", "six cycles").
_TREATMENT_UNITS = r"(?:cycles?|courses?|rounds?|doses?|sessions?|infusions?|injections?|treatments?|fractions?)"
_ASKS_A_COUNT_OF_UNITS = re.compile(rf"\bhow\s+many\s+(?:[\w-]+\s+){{0,2}}?{_TREATMENT_UNITS}\b", re.IGNORECASE)
_NUMBER_BEFORE = r"\b(?:\d+|(?i:" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r"))"
_COUNT_OF_UNITS = re.compile(_NUMBER_BEFORE + rf"(?:\s+[\w-]+)?\s+{_TREATMENT_UNITS}\b", re.IGNORECASE)
# "in the third week", "on day 8", "the 2nd cycle": a point in the schedule the question asks about.
_TIME_POINT = re.compile(
    r"\b(?:(?P<ordinal>" + "|".join(ORDINAL_WORDS) + r")|(?P<nth>\d{1,2})(?:st|nd|rd|th))\s+(?P<unit>week|day|cycle"
    r"|course|month)\b|\b(?P<unit2>week|day|cycle|course|month)\s+(?P<number>\d{1,2})\b",
    re.IGNORECASE,
)


def _time_points(question: str) -> list[re.Pattern[str]]:
    """Per point in the schedule the question names, how a schedule writes it ("Week 3", "day 8", "cycle 2")."""
    points = []
    for found in _TIME_POINT.finditer(question):
        ordinal = found.group("ordinal")
        digits = found.group("nth") or found.group("number")
        number = ORDINAL_WORDS.index(ordinal.lower()) + 1 if ordinal else int(digits)
        unit = (found.group("unit") or found.group("unit2")).lower()
        points.append(re.compile(rf"\b{unit}s?\s*{number}(?![\d.])", re.IGNORECASE))
    return points


# What a schedule question asks, and how the sentence that answers it says it.
_ANSWER_SHAPES = (
    (re.compile(r"\b(?:which|what)\s+days?\b", re.IGNORECASE), re.compile(r"\bdays?\s+\d", re.IGNORECASE)),
    (
        re.compile(
            r"\bhow\s+long\s+(?:does|do|will|would|is|are)\s+(?:each|every|one|a|an|the)\b[^?]{0,40}?\b(?:take|last|run)",
            re.IGNORECASE,
        ),
        re.compile(r"\b\d+(?:\.\d+)?[\s-]*(?:minutes?|mins?|hours?|hrs?)\b", re.IGNORECASE),
    ),
)
# A unit the text abbreviates where it names it: "donor lymphocyte infusion (DLI)" makes "3 DLIs" a count of units.
_UNIT_ABBREVIATION = re.compile(rf"\b(?i:{_TREATMENT_UNITS})\s*\(([A-Z][A-Z0-9-]{{1,7}})\)")


def _count_of_units_in(text: str) -> re.Pattern[str]:
    """How `text` counts treatment units: "for 4 courses", and "a total of 3 DLIs" where it abbreviates the unit."""
    abbreviations = {m.group(1) for m in _UNIT_ABBREVIATION.finditer(text)}
    if not abbreviations:
        return _COUNT_OF_UNITS
    names = "|".join(re.escape(a) for a in sorted(abbreviations, key=len, reverse=True))
    return re.compile(_NUMBER_BEFORE + rf"(?:\s+[\w-]+)?\s+(?:(?i:{_TREATMENT_UNITS})|(?:{names})s?)\b")


_WHERE = re.compile(r"\bwhere\b", re.IGNORECASE)
_MAX_SITES_WITH_CONTACTS = 3


def _says_what_is_asked(sentence: str, weights: Sequence[tuple[re.Pattern[str], float]]) -> bool:
    """The sentence has a term of every kind the question asks about (the kinds weighted up)."""
    return all(terms.search(sentence) for terms, weight in weights if weight > 1)


_SENTENCE_SPLIT = re.compile(r"(?<=[.?!;])\s+")

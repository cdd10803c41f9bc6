"""The offline answerer: grounded answers built from retrieved passages, no model calls.

Every verdict and value it states is quoted from a passage and cited; when no passage supports an
answer it says the record does not say and points to the trial's contacts or sites.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from assistant.grounding import (
    Concept,
    Span,
    build_concepts,
    exception_regions,
    find_concept,
    find_phrases,
    inside_any,
    is_negative_requirement,
    sentences,
    word_spans,
)
from assistant.intents import Intent, IntentRules, age_in_question
from assistant.records import Answer, Citation, ScoredChunk, Verdict
from assistant.retrieval import PassageRetriever
from ingest.chunking import ELIGIBILITY, EXCLUSION, INCLUSION
from ingest.records import Chunk, Trial

CRITERIA_SECTIONS = (INCLUSION, EXCLUSION, ELIGIBILITY)
OFFLINE = "offline"
_MAX_QUOTE = 600
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

    def __init__(self, retriever: PassageRetriever, directory: TrialDirectory, rules: IntentRules) -> None:
        self.retriever = retriever
        self.directory = directory
        self.rules = rules

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
        }[intent.kind]
        answer = handler(question, trial_id, intent)
        answer.intent = intent.kind if not intent.name else f"{intent.kind}:{intent.name}"
        return answer

    # ---- eligibility ---------------------------------------------------------------------------
    def _eligibility(self, question: str, trial_id: str, intent: Intent) -> Answer:
        if intent.name == "age":
            return self._age_eligibility(question, trial_id, intent)
        retrieved = self.retriever.search(question, trial_id=trial_id, k=self.retriever.settings.candidates)
        criteria = [s for s in retrieved if s.chunk.section in CRITERIA_SECTIONS]
        concepts = build_concepts(question, self.retriever.expander.groups, self.rules.eligibility_scaffolding)
        best = _best_match(criteria, concepts)
        shown = retrieved[: self.retriever.settings.top_k]
        if best is None:
            fallback = self._unsectioned_eligibility(question, trial_id, concepts, retrieved, shown)
            return fallback or self._eligibility_not_stated(question, trial_id, concepts, shown)
        chunk = best.scored.chunk
        verdict, note = _criterion_verdict(chunk, best.spans)
        citation = _cite(chunk, _quote_span(chunk.text, [s for found in best.spans for s in found]))
        label = _criterion_label(chunk)
        text = f"{_VERDICT_WORDS[verdict]}. {label} says: “{citation.quote}” [1]. {note}".strip()
        return self._finish(question, trial_id, text, [citation], shown, verdict=verdict)

    def _unsectioned_eligibility(
        self,
        question: str,
        trial_id: str,
        concepts: Sequence[Concept],
        retrieved: Sequence[ScoredChunk],
        shown: list[ScoredChunk],
    ) -> Answer | None:
        """Passages without criterion metadata (free text, or a fixed-size chunk of a whole record): the
        verdict comes from the nearest "Inclusion/Exclusion Criteria" heading before the match, if any."""
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
        verdict = Verdict.EXCLUDED if heading == EXCLUSION else Verdict.ALLOWED_WITH_CONDITIONS
        citation = _cite(chunk, sentence)
        text = f"{_VERDICT_WORDS[verdict]}. Under “{heading}” the record says: “{citation.quote}” [1]."
        return self._finish(question, trial_id, text, [citation], shown, verdict=verdict)

    def _age_eligibility(self, question: str, trial_id: str, intent: Intent) -> Answer:
        age = age_in_question(question)
        facts = self.retriever.lookup(trial_id, facts=("minimum_age", "maximum_age"))
        shown = facts + self.retriever.search(question, trial_id=trial_id)
        if age is None or not facts:
            return self._eligibility(question, trial_id, Intent("eligibility"))
        citations: list[Citation] = []
        verdict = Verdict.ALLOWED
        reasons: list[str] = []
        for scored in facts:
            limit = _years(scored.chunk.text)
            if limit is None:
                continue
            citations.append(_cite(scored.chunk))
            marker = f"[{len(citations)}]"
            if scored.chunk.fact == "minimum_age":
                reasons.append(f"the minimum age is {scored.chunk.text} {marker}")
                if age < limit:
                    verdict = Verdict.EXCLUDED
            else:
                reasons.append(f"the maximum age is {scored.chunk.text} {marker}")
                if age > limit:
                    verdict = Verdict.EXCLUDED
        if not citations:
            return self._eligibility(question, trial_id, Intent("eligibility"))
        outcome = "is outside" if verdict is Verdict.EXCLUDED else "is within"
        text = (
            f"{_VERDICT_WORDS[verdict]} by age: {age} {outcome} the record's limits; " + "; ".join(reasons) + ". "
            "Other criteria still apply."
        )
        return self._finish(question, trial_id, text, citations, shown, verdict=verdict)

    def _eligibility_not_stated(
        self, question: str, trial_id: str, concepts: Sequence[Concept], shown: list[ScoredChunk]
    ) -> Answer:
        topic = ", ".join(c.name for c in concepts) or "this"
        text = (
            f"Not stated: none of the eligibility criteria of {trial_id} mention {topic}. "
            "That does not make it allowed; only the study team can confirm. " + self._contacts_hint(trial_id)
        )
        return self._finish(question, trial_id, text, [], shown, verdict=Verdict.NOT_STATED, abstained=True)

    # ---- facts, locations, dosing --------------------------------------------------------------
    def _fact(self, question: str, trial_id: str, intent: Intent) -> Answer:
        spec = intent.spec
        facts = self.retriever.lookup(trial_id, facts=tuple(spec.get("facts", ())))
        sections = tuple(spec.get("sections", ()))
        searched = self.retriever.search(question, trial_id=trial_id, sections=sections or None) if sections else []
        citations = [_cite(s.chunk) for s in facts]
        parts = [f"{_fact_name(s.chunk)}: {_humanize(s.chunk.text)} [{i}]" for i, s in enumerate(facts, start=1)]
        passage = self._best_sentence(question, searched, exclude={s.chunk.chunk_id for s in facts})
        lead = self._section_lead(trial_id, sections)
        if lead is not None and (passage is None or _order(sections, lead[0]) < _order(sections, passage[0])):
            passage = lead  # a generic question ("what is the study drug?") is answered by the section itself
        if passage is not None:
            chunk, span = passage
            citations.append(_cite(chunk, span))
            parts.append(f"{chunk.section}: “{citations[-1].quote}” [{len(citations)}]")
        shown = facts + searched + self.retriever.search(question, trial_id=trial_id)
        if not citations:
            return self._abstain(question, trial_id, f"{str(spec.get('label', 'this')).lower()}", shown)
        return self._finish(question, trial_id, "; ".join(parts) + ".", citations, shown)

    def _location(self, question: str, trial_id: str, intent: Intent) -> Answer:
        sites = self.retriever.lookup(trial_id, kind="site")
        if not sites:
            text = f"The record of {trial_id} does not list study sites. {self._contacts_hint(trial_id)}"
            return self._finish(question, trial_id, text, [], sites, abstained=True)
        lowered = question.lower()
        named = [s for s in sites if any(_mentions(lowered, part) for part in _site_parts(s.chunk.text))]
        if named:
            citations = [_cite(s.chunk) for s in named]
            listing = "; ".join(f"{_one_line(c.quote)} [{i}]" for i, c in enumerate(citations, start=1))
            text = f"Yes: {len(named)} listed site{'s' if len(named) > 1 else ''} match: {listing}."
            return self._finish(question, trial_id, text, citations, named + sites)
        citations = [_cite(s.chunk) for s in sites]
        place = _place_asked(question)
        listing = "; ".join(f"{_one_line(c.quote)} [{i}]" for i, c in enumerate(citations, start=1))
        lead = f"The record lists no site in {place}. " if place else ""
        text = f"{lead}The record lists {len(sites)} site{'s' if len(sites) > 1 else ''}: {listing}."
        return self._finish(question, trial_id, text, citations, sites)

    def _dosing(self, question: str, trial_id: str, intent: Intent) -> Answer:
        sections = tuple(intent.spec["sections"])
        searched = self.retriever.search(question, trial_id=trial_id, sections=sections)
        weights = _dosing_weights(question, intent.spec)
        best: tuple[float, int, Chunk, Span] | None = None
        for rank, scored in enumerate(searched):
            for span in sentences(scored.chunk.text):
                sentence = scored.chunk.text[span.start : span.end]
                points = sum(weight * len(terms.findall(sentence)) for terms, weight in weights)
                if points and (best is None or (points, -rank) > (best[0], best[1])):
                    best = (points, -rank, scored.chunk, span)
        if best is None:
            return self._abstain(question, trial_id, "the dosing schedule", searched)
        chunk, span = best[2], best[3]
        citation = _cite(chunk, span)
        text = f"{chunk.section}: “{citation.quote}” [1]"
        return self._finish(question, trial_id, text, [citation], searched)

    # ---- general, not stated, injection --------------------------------------------------------
    def _general(self, question: str, trial_id: str, intent: Intent) -> Answer:
        searched = self.retriever.search(question, trial_id=trial_id)
        passage = self._best_sentence(question, searched)
        if passage is None:
            return self._abstain(question, trial_id, "this", searched, out_of_scope=True)
        chunk, span = passage
        if chunk.kind == "criterion":
            # The best evidence is a criterion, so the question is about eligibility whatever its wording.
            return self._eligibility(question, trial_id, Intent("eligibility"))
        citation = _cite(chunk, span)
        text = f"{_section_label(chunk)}: “{citation.quote}” [1]"
        return self._finish(question, trial_id, text, [citation], searched)

    def _not_stated(self, question: str, trial_id: str, intent: Intent) -> Answer:
        searched = self.retriever.search(question, trial_id=trial_id)
        evidence = [re.compile(p, re.IGNORECASE) for p in intent.spec.get("evidence", [])]
        for scored in searched:
            if scored.chunk.section in CRITERIA_SECTIONS:
                continue
            for span in sentences(scored.chunk.text):
                sentence = scored.chunk.text[span.start : span.end]
                if any(p.search(sentence) for p in evidence) and self._shares_words(question, sentence):
                    citation = _cite(scored.chunk, span)
                    text = f"The record says ({_section_label(scored.chunk)}): “{citation.quote}” [1]"
                    return self._finish(question, trial_id, text, [citation], searched)
        return self._abstain(question, trial_id, str(intent.spec.get("label", "this")), searched)

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
        concepts = build_concepts(question, self.retriever.expander.groups, self.rules.general_scaffolding)
        if not concepts:
            return None
        needed = max(1, (len(concepts) + 1) // 2)
        best: tuple[tuple[int, bool, int], Chunk, Span] | None = None
        for rank, scored in enumerate(searched):
            if exclude and scored.chunk.chunk_id in exclude:
                continue
            words = word_spans(scored.chunk.text)
            for span in sentences(scored.chunk.text):
                inside = [w for w in words if span.start <= w[1] and w[2] <= span.end]
                coverage = sum(1 for c in concepts if find_concept(c, inside))
                # A bare label ("HLX43 DOSE 2") matches as well as the sentence that says something.
                informative = len(inside) >= 5
                key = (coverage, informative, -rank)
                if coverage >= needed and (best is None or key > best[0]):
                    best = (key, scored.chunk, span)
        return (best[1], best[2]) if best else None

    def _section_lead(self, trial_id: str, sections: Sequence[str]) -> tuple[Chunk, Span] | None:
        """The first informative sentence of the first of these sections the record has."""
        chunks = self.retriever.lookup(trial_id, kind="text")
        for section in sections:
            for scored in (s for s in chunks if s.chunk.section == section):
                for span in sentences(scored.chunk.text):
                    if len(scored.chunk.text[span.start : span.end].split()) >= 6:
                        return scored.chunk, span
        return None

    def _shares_words(self, question: str, sentence: str) -> bool:
        concepts = build_concepts(question, self.retriever.expander.groups, self.rules.general_scaffolding)
        words = word_spans(sentence)
        return any(find_concept(c, words) for c in concepts)

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
        trial_id: str,
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
            retrieved=_unique(shown),
        )


# ---- pure helpers --------------------------------------------------------------------------------
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


def _criterion_verdict(chunk: Chunk, spans: Sequence[Sequence[Span]]) -> tuple[Verdict, str]:
    """Where the asked-about thing sits decides: an exclusion, an exception inside one, or a requirement.

    A concept found only inside an exception ("inhaled" in "Exceptions: ... inhaled steroids") means
    the question is about the exception, even when a broader concept ("steroids") also occurs outside it.
    """
    regions = exception_regions(chunk.text)
    in_exception = any(all(inside_any(s, regions) for s in found) for found in spans)
    if chunk.section == EXCLUSION:
        if in_exception:
            return (
                Verdict.ALLOWED_WITH_CONDITIONS,
                "This is an exception inside an exclusion criterion: the conditions stated there must hold.",
            )
        extra = " The criterion lists exceptions; check them above." if regions else ""
        return Verdict.EXCLUDED, f"The study team makes the final decision.{extra}"
    first = min((s for found in spans for s in found), key=lambda s: s.start, default=None)
    clause = next((s for s in sentences(chunk.text) if first and s.start <= first.start < s.end), None)
    negative = is_negative_requirement(chunk.text) or (
        clause is not None and is_negative_requirement(chunk.text[clause.start : clause.end])
    )
    if negative and not in_exception:
        return Verdict.EXCLUDED, "This inclusion criterion requires its absence."
    return Verdict.ALLOWED_WITH_CONDITIONS, "Participants must meet this requirement."


def _dosing_weights(question: str, spec: dict[str, Any]) -> list[tuple[re.Pattern[str], float]]:
    """Frequency, route and amount words, weighted towards what the question asks about."""
    weights = []
    for kind in ("frequency", "route", "amount"):
        asked = re.search(spec[f"asks_{kind}"], question, re.IGNORECASE) is not None
        terms = re.compile(r"\b(" + "|".join(spec[f"{kind}_terms"]) + r")\b", re.IGNORECASE)
        weights.append((terms, 3.0 if asked else 1.0))
    return weights


def _last_heading(text: str) -> str | None:
    found = list(re.finditer(r"(inclusion|exclusion) criteria", text, re.IGNORECASE))
    if not found:
        return None
    return INCLUSION if found[-1].group(1).lower() == "inclusion" else EXCLUSION


def _cite(chunk: Chunk, span: Span | None = None) -> Citation:
    span = span or Span(0, len(chunk.text))
    quote = chunk.text[span.start : span.end]
    return Citation(
        trial_id=chunk.trial_id,
        section=chunk.section,
        criterion=chunk.criterion,
        quote=quote,
        chunk_id=chunk.chunk_id,
        start=chunk.start + span.start,
    )


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


def _order(sections: Sequence[str], chunk: Chunk) -> int:
    return sections.index(chunk.section) if chunk.section in sections else len(sections)


def _fact_name(chunk: Chunk) -> str:
    return (chunk.fact or chunk.section).replace("_", " ").capitalize()


def _humanize(value: str) -> str:
    if re.fullmatch(r"[A-Z0-9_, ]+", value) and not re.fullmatch(r"\d+", value):
        return re.sub(r"PHASE(\d)", r"Phase \1", value).replace("_", " ").lower().replace("phase", "Phase")
    return value


def _years(value: str) -> float | None:
    match = re.match(r"\s*(\d+(?:\.\d+)?)\s*(year|month|week|day)", value, re.IGNORECASE)
    if not match:
        return None
    number = float(match.group(1))
    return number / {"year": 1, "month": 12, "week": 52, "day": 365}[match.group(2).lower()]


def _site_parts(text: str) -> list[str]:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    parts = lines[:1]
    for line in lines[1:]:
        parts.extend(p.strip() for p in line.split(",") if p.strip())
    return parts


def _mentions(question: str, part: str) -> bool:
    return len(part) > 2 and re.search(rf"(?<!\w){re.escape(part.lower())}(?!\w)", question) is not None


def _place_asked(question: str) -> str | None:
    match = re.search(r"\b(?:in|near|around|at)\s+((?:[A-Z][\w'-]+)(?:\s+[A-Z][\w'-]+)*)", question)
    return match.group(1) if match else None


def _one_line(text: str) -> str:
    return ", ".join(line.strip() for line in text.splitlines() if line.strip())


def _unique(scored: Sequence[ScoredChunk]) -> list[ScoredChunk]:
    seen: set[str] = set()
    out: list[ScoredChunk] = []
    for s in scored:
        if s.chunk.chunk_id not in seen:
            seen.add(s.chunk.chunk_id)
            out.append(s)
    return out

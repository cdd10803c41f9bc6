"""Questions across trials: with no trial chosen, filter the catalog, rank what is left by retrieval and
answer for each trial of the requested page with the single-trial answerer.

Stages, each handing a typed record to the next:
1. `TrialFacets` per catalogued trial (status, phases, study type, age and sex limits, sites, conditions),
   kept per trial version, so a changed catalog re-reads only the trials that changed.
2. `TrialFilters`, from explicit arguments and from the question (`filters_from_question`): the words a
   filter came from are cut out of the question before it is used as a topic or asked of one trial.
3. Candidates: the trials whose facets pass the filters and whose passages mention every topic concept
   of the question; ranked by BM25 (best passage per trial) fused with dense hits by reciprocal rank.
4. A `TrialListing` (assistant/records.py): the totals, and for the page's trials only, the offline
   answerer's own answer about that trial (its eligibility verdict for an eligibility question), so no
   verdict is ever stated about a trial the listing does not name.
"""

from __future__ import annotations

import re
import threading
from bisect import bisect_left
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Protocol

import numpy as np

from assistant.grounding import Concept, Span, build_concepts, find_concept, phrase_words, sentences, word_spans
from assistant.intents import Intent, IntentRules
from assistant.lexical import LexicalIndex
from assistant.patient_facts import age_in_days, parse_question
from assistant.places import country, country_spellings, fold
from assistant.records import Answer, Citation, ScoredChunk, TrialEntry, TrialListing, Verdict
from assistant.retrieval import PassageRetriever, QueryExpander
from assistant.settings import Settings
from assistant.text import STOPWORDS, tokens
from assistant.vocabulary import COMMON_WORDS, Mention, Vocabulary, is_useful_synonym
from ingest.measures import ORDINAL_WORDS
from ingest.records import Site, Trial

OFFLINE = "offline"
NO_VERDICT = "no_verdict"  # the counts' key for page entries whose answer gives no verdict
_INTENTS_ANSWERED_PER_TRIAL = frozenset({"eligibility", "location", "fact", "dosing", "not_stated"})
_REFUSED = {
    "injection": "I can only answer from the trials' registry records, and I keep that rule whatever a message asks. "
    "Ask about the trials, for example “Which trials exclude people with hepatitis B?”.",
    "out_of_scope": "This is not a question about the indexed trials, so I leave it unanswered: I only answer from "
    "trials' registry records. Ask about their eligibility, status, phase, sites or conditions.",
}
_OVERVIEW_FACTS = ("status", "phase", "study_type")
_OVERVIEW_SECTIONS = (("Conditions",), ("Brief Summary", "Detailed Description"))  # the first of each group
_CATALOG_BATCH = 100  # trials per catalog read when facets are (re)built
_MAX_QUOTE = 300
_MAX_SITES_SHOWN = 3
_MAX_PLACE_WORDS = 4
_DAYS = {"year": 365.25, "month": 30.44, "week": 7.0, "day": 1.0, "hour": 1 / 24, "minute": 1 / 1440}
_AGE_VALUE = re.compile(r"(\d+(?:\.\d+)?)\s*(year|month|week|day|hour|minute)", re.IGNORECASE)
# The words after a stated age that belong to it ("45 years old", "45-year-old"), so they are no topic.
_AGE_TAIL = re.compile(r"[\s-]*(?:years?|yrs?|months?|weeks?|days?)?[\s-]*(?:old|of\s+age)?", re.IGNORECASE)
_PHASE = re.compile(r"\bphase[\s_-]*(?P<n>[1-4]|iv|i{1,3})(?:\s*(?:/|-|and|or)\s*(?P<m>[1-4]|iv|i{1,3}))?\b", re.I)
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
# A disease named as what trials study: "asthma trials", "ALL (acute lymphoblastic leukemia) trials", "bowel cancer
# (colorectal) studies" (a restatement in brackets between), "studies for a slipped disc", "trials for people with ...".
_STUDIED_AFTER = re.compile(
    r"\s*\)?\s*(?:\([^()]{1,60}\)\s*)?(?:clinical\s+)?(?:trials?|stud(?:y|ies))\b", re.IGNORECASE
)
_STUDIED_BEFORE = re.compile(
    r"\b(?:trials?|stud(?:y|ies))\s+(?:(?:are|is)\s+(?:there\s+)?(?:open\s+|available\s+|running\s+)?)?"
    r"(?:for|of|on|in|about|into|treating|studying|testing)\s+"
    r"(?:(?:an?|the|people|patients|adults|children|those|someone|anyone)\s+(?:with\s+(?:an?\s+)?)?)?\(?$",
    re.IGNORECASE,
)
# Trials for one sex only: "only for women", "for men only", "women-only studies".
_SEX_ONLY = re.compile(
    r"\b(?:only|just|exclusively)\s+(?:for|in)\s+(?P<sex>women|men|females?|males?|girls|boys)\b"
    r"|\bfor\s+(?P<sex2>women|men|females|males|girls|boys)\s+only\b"
    r"|\b(?P<sex3>women|men|female|male)[- ]only\b",
    re.IGNORECASE,
)
_DISEASE_TREES = ("C", "F03")  # MeSH: diseases, mental disorders
# "the second one", "trial 3", "#2", "the last trial": a pick from the listing before.
_PICK = re.compile(
    r"\b(?:the\s+)?(?P<word>" + "|".join(ORDINAL_WORDS) + r"|last|(?P<num>\d{1,2})(?:st|nd|rd|th))\s+"
    r"(?:one|trial|study|entry|result)\b|\b(?:trial|study|number|no\.?|#)\s*(?P<bare>\d{1,2})\b|#(?P<hash>\d{1,2})\b",
    re.IGNORECASE,
)


# ---- stage 1: facets ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class TrialFacets:
    """What the catalog filters read of one trial; empty or None where the record does not say."""

    trial_id: str
    title: str
    status: str | None
    phases: frozenset[int]
    study_type: str | None
    min_age_days: float | None
    max_age_days: float | None
    sex: str | None  # ALL, FEMALE or MALE as registered
    sites: tuple[Site, ...]
    conditions: str  # the Conditions and Keywords sections (the title when there are none)
    places: tuple[tuple[str, str, str], ...] = ()  # each site's (city, state, country), folded once here


def facets_of(trial: Trial) -> TrialFacets:
    def fact(name: str) -> str | None:
        found = trial.fact(name)
        return found.value.strip() if found and found.value.strip() else None

    studied = "\n".join(s.text for s in trial.sections if s.heading in ("Conditions", "Keywords"))
    return TrialFacets(
        trial_id=trial.trial_id,
        title=trial.title,
        status=_enum_value(fact("status")),
        phases=phases_in(fact("phase") or ""),
        study_type=_enum_value(fact("study_type")),
        min_age_days=_age_days(fact("minimum_age")),
        max_age_days=_age_days(fact("maximum_age")),
        sex=_enum_value(fact("sex")),
        sites=trial.sites,
        conditions=studied or trial.title,
        places=tuple((_city(fold(s.city)), fold(s.state), country(fold(s.country))) for s in trial.sites),
    )


def phases_in(text: str) -> frozenset[int]:
    """Phase numbers a registry value or a question names ("PHASE1, PHASE2", "Phase II/III", "phase 2")."""
    found: set[int] = set()
    for match in _PHASE.finditer(text.replace("_", " ")):
        for part in (match.group("n"), match.group("m")):
            if part:
                found.add(int(part) if part.isdigit() else _ROMAN[part.lower()])
    return frozenset(found)


def _enum_value(value: str | None) -> str | None:
    """A registry enum as the API spells it ("Not yet recruiting" -> NOT_YET_RECRUITING)."""
    if not value:
        return None
    return re.sub(r"[^A-Z0-9]+", "_", value.upper()).strip("_") or None


def _age_days(value: str | None) -> float | None:
    match = _AGE_VALUE.search(value or "")
    return float(match.group(1)) * _DAYS[match.group(2).lower()] if match else None


class TrialSource(Protocol):
    """What the facet cache reads: the catalog view and trials' records."""

    def catalog_view(self) -> tuple[str, dict[str, str]]: ...

    def get_trials(self, trial_ids: Sequence[str]) -> dict[str, Trial]: ...


class FacetCache:
    """Facets of every catalogued trial, following the catalog: only trials whose version changed are read."""

    def __init__(self) -> None:
        self._facets: dict[str, tuple[str, TrialFacets]] = {}
        self._current: CatalogFacets | None = None
        self._lock = threading.Lock()

    def current(self, source: TrialSource) -> CatalogFacets:
        generation, catalog = source.catalog_view()
        current = self._current
        if current is not None and current.generation == generation:
            return current
        with self._lock:
            if self._current is None or self._current.generation != generation:
                changed = [t for t, h in catalog.items() if self._facets.get(t, ("",))[0] != h]
                for start in range(0, len(changed), _CATALOG_BATCH):
                    batch = changed[start : start + _CATALOG_BATCH]
                    for trial_id, trial in source.get_trials(batch).items():
                        self._facets[trial_id] = (catalog[trial_id], facets_of(trial))
                self._facets = {t: v for t, v in self._facets.items() if t in catalog}
                facets = {t: v[1] for t, v in self._facets.items()}
                self._current = CatalogFacets(generation, facets, catalog_vocab(facets.values()))
            return self._current


@dataclass(frozen=True)
class CatalogFacets:
    """One catalog generation's facets, and the values question filters are matched against."""

    generation: str
    facets: dict[str, TrialFacets]
    vocab: CatalogVocab


# ---- stage 2: filters --------------------------------------------------------------------------------
@dataclass(frozen=True)
class TrialFilters:
    """Catalog filters; empty means "any". Places and conditions are free text, statuses and study types
    registry enums (RECRUITING), phases numbers. `spans` are the question's characters a filter came from."""

    statuses: tuple[str, ...] = ()
    phases: tuple[int, ...] = ()
    study_types: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    states: tuple[str, ...] = ()
    cities: tuple[str, ...] = ()
    places: tuple[str, ...] = ()  # a place named in the question: any of city, state or country
    conditions: tuple[str, ...] = ()
    age_days: tuple[float, float] | None = None  # the asker's age as a range in days
    sex: str | None = None  # FEMALE or MALE
    sex_only: str | None = None  # trials registered for this sex only ("studies only for women")
    spans: tuple[Span, ...] = ()
    person_spans: tuple[Span, ...] = ()  # where the question states the asker's age and sex

    @classmethod
    def given(
        cls,
        *,
        status: Iterable[str] = (),
        phase: Iterable[str] = (),
        study_type: Iterable[str] = (),
        country: Iterable[str] = (),
        state: Iterable[str] = (),
        city: Iterable[str] = (),
        condition: Iterable[str] = (),
    ) -> TrialFilters:
        """Filters from explicit arguments (CLI flags, UI controls), in the words a person would type."""
        phases: set[int] = set()
        for value in phase:
            phases |= phases_in(value if "phase" in value.lower() else f"phase {value}")
        return cls(
            statuses=tuple(v for v in map(_enum_value, status) if v),
            phases=tuple(sorted(phases)),
            study_types=tuple(v for v in map(_enum_value, study_type) if v),
            countries=tuple(fold(v) for v in country if v.strip()),
            states=tuple(fold(v) for v in state if v.strip()),
            cities=tuple(fold(v) for v in city if v.strip()),
            conditions=tuple(v.strip() for v in condition if v.strip()),
        )

    def merged(self, other: TrialFilters) -> TrialFilters:
        """Both sets of filters; a field both set is taken from `self` (explicit arguments win)."""
        chosen = {
            name: getattr(self, name) or getattr(other, name)
            for name in ("statuses", "phases", "study_types", "countries", "states", "cities", "places")
        }
        return TrialFilters(
            **chosen,
            conditions=tuple(dict.fromkeys(self.conditions + other.conditions)),
            age_days=self.age_days or other.age_days,
            sex=self.sex or other.sex,
            sex_only=self.sex_only or other.sex_only,
            spans=self.spans + other.spans,
            person_spans=self.person_spans + other.person_spans,
        )

    def describe(self) -> list[str]:
        parts = [" or ".join(_words_of(s).lower() for s in self.statuses)] if self.statuses else []
        parts += [" or ".join(f"phase {p}" for p in self.phases)] if self.phases else []
        parts += [" or ".join(_words_of(s).lower() for s in self.study_types)] if self.study_types else []
        for places in (self.places, self.cities, self.states, self.countries):
            parts += [f"with a site in {' or '.join(p.title() for p in places)}"] if places else []
        parts += [f"studying {' or '.join(self.conditions)}"] if self.conditions else []
        if self.age_days:
            parts.append(f"open to age {_years(self.age_days)}")
        if self.sex:
            parts.append(f"open to {self.sex.lower()} participants")
        if self.sex_only:
            parts.append(f"for {self.sex_only.lower()} participants only")
        return parts


def _years(age_days: tuple[float, float]) -> str:
    low, high = (round(d / _DAYS["year"]) for d in age_days)
    return str(low) if low == high else f"{low}-{high}"


def _words_of(enum: str) -> str:
    return enum.replace("_", " ")


# Administrative suffixes registries append to East Asian city names ("Kobe-shi", "Chuo-ku", "Suwon-si").
_CITY_SUFFIX = re.compile(r"^(?P<name>\w{3,}(?: \w+)*?) (?:shi|ku|si|gu|gun|machi|cho)$")


def _city(folded: str) -> str:
    """A folded city name without its administrative suffix: "kobe shi" -> "kobe"."""
    found = _CITY_SUFFIX.match(folded)
    return found.group("name") if found else folded


@dataclass(frozen=True)
class CatalogVocab:
    """What question filters are matched against: the catalog's own values, so no list is kept by hand."""

    statuses: dict[str, str]  # "not yet recruiting" -> NOT_YET_RECRUITING
    study_types: dict[str, str]
    places: dict[str, str]  # folded city, state and country names of every site -> the place (other spellings too)
    countries_of: dict[str, frozenset[str]] = field(default_factory=dict)  # city or state -> the countries it is in
    # abbreviations the trials' titles and conditions define ("Acute Myeloid Leukaemia (AML)"): AML -> its long form
    spelled_out: dict[str, str] = field(default_factory=dict)


# ClinicalTrials.gov API v2's overallStatus enum: statuses the catalog lacks still have to be read as themselves,
# or "not yet recruiting" would be taken for "recruiting" in a store that has no trial of that status.
REGISTRY_STATUSES = (
    "ACTIVE_NOT_RECRUITING",
    "COMPLETED",
    "ENROLLING_BY_INVITATION",
    "NOT_YET_RECRUITING",
    "RECRUITING",
    "SUSPENDED",
    "TERMINATED",
    "WITHDRAWN",
    "AVAILABLE",
    "NO_LONGER_AVAILABLE",
    "TEMPORARILY_NOT_AVAILABLE",
    "APPROVED_FOR_MARKETING",
    "WITHHELD",
    "UNKNOWN",
)


def catalog_vocab(facets: Iterable[TrialFacets]) -> CatalogVocab:
    statuses: dict[str, str] = {fold(_words_of(s)): s for s in REGISTRY_STATUSES if s != "UNKNOWN"}
    types: dict[str, str] = {}
    places: set[str] = set()
    countries_of: dict[str, set[str]] = {}
    for f in facets:
        if f.status:
            statuses[fold(_words_of(f.status))] = f.status
        if f.study_type:
            types[fold(_words_of(f.study_type))] = f.study_type
        for city, state, nation in f.places:
            places.update(p for p in (city, state, nation) if _can_be_place(p))
            for inside in (city, state):
                if inside and nation:
                    countries_of.setdefault(inside, set()).add(nation)
    spelled = {p: p for p in places}
    # A country the catalog has is also found under its other spellings ("Russian Federation", "USA").
    spelled |= {s: name for s, name in country_spellings().items() if name in places and _can_be_place(s)}
    defined = defined_abbreviations(text for f in facets for text in (f.title, f.conditions))
    return CatalogVocab(statuses, types, spelled, {k: frozenset(v) for k, v in countries_of.items()}, defined)


# "Relapsed Acute Myeloid Leukaemia (AML)": a long form and, in brackets, its abbreviation in capitals.
_DEFINED_ABBREVIATION = re.compile(r"([^()\n]{2,120}?)\s*\(([A-Z][A-Z0-9]{1,7})\)")


def defined_abbreviations(texts: Iterable[str]) -> dict[str, str]:
    """Abbreviations the texts define, each with its long form (Schwartz & Hearst's algorithm, 2003: the shortest
    run of words before the brackets whose letters spell the abbreviation, its first letter a word's first); one
    defined with different long forms is left out."""
    forms: dict[str, set[str]] = {}
    for text in texts:
        for found in _DEFINED_ABBREVIATION.finditer(text or ""):
            short, before = found.group(2), found.group(1)
            long = _long_form(short, before)
            if long is not None and fold(short) not in COMMON_WORDS and fold(short) not in STOPWORDS:
                forms.setdefault(short, set()).add(fold(long))
    return {short: next(iter(longs)) for short, longs in forms.items() if len(longs) == 1}


def _long_form(short: str, before: str) -> str | None:
    letters = [c.lower() for c in short if c.isalnum()]
    at = len(before) - 1
    for position in range(len(letters) - 1, -1, -1):
        letter = letters[position]
        while at >= 0 and (before[at].lower() != letter or (position == 0 and at > 0 and before[at - 1].isalnum())):
            at -= 1
        if at < 0:
            return None
        at -= 1
    start = at + 1
    long = before[start:].strip()
    words = len(re.findall(r"[\w']+", long))
    return long if 1 < words <= min(len(letters) + 5, 2 * len(letters)) else None


def _narrowest_places(question: str, places: Sequence[tuple[str, Span]], vocab: CatalogVocab) -> list[str]:
    """ "Kobe, Japan": a country named beside a city (or state) inside it only says where that city is. Named
    apart ("living in Delhi. Which diabetes studies in India ...?") each is a place asked, and a site in either
    counts."""
    beside = {
        other
        for place, span in places
        for other, at in places
        if other in vocab.countries_of.get(place, ())
        and _PLACE_BESIDE.fullmatch(question, min(span.end, at.end), max(span.start, at.start))
    }
    return [p for p, _ in places if p not in beside]


# What stands between a city and its country named together: "Kobe, Japan", "Kobe in Japan", "Kobe (Japan)".
_PLACE_BESIDE = re.compile(r"\s*(?:,|\(|\bin\b)?\s*", re.IGNORECASE)


def filters_from_question(
    question: str, vocab: CatalogVocab, vocabulary: Vocabulary, indexed: Callable[[str], bool] | None = None
) -> TrialFilters:
    """The filters a question states: a status, phase or study type the catalog uses, a place of some site,
    a disease named as what the trials study, and the asker's age and sex (assistant/patient_facts.py).
    `indexed`: whether a word occurs in the indexed records; given, a capitalised word they never use may be read
    as a misspelled place."""
    words = _words_for_filters(question)
    mentions = vocabulary.mentions(question)
    spans: list[Span] = []
    statuses = _phrases_in(words, vocab.statuses, spans) or _recruiting_in_lay_words(question, vocab, spans)
    study_types = _phrases_in(words, vocab.study_types, spans)
    # A place is not a place inside a medical term ("Lyme disease"), nor a common English word.
    medical = [Span(m.start, m.end) for m in mentions if (m.end - m.start) > 0]
    located: list[Span] = []
    named = _phrases_in(words, vocab.places, located, avoid=medical)
    if not named:
        named = _country_with_no_site(words, vocab, medical, located)
    if not named and indexed is not None:
        named = _misspelled_place(question, vocab, medical, located, indexed)
    spans.extend(located)
    places = _narrowest_places(question, [(p, at) for p, at in zip(named, located, strict=True) if p], vocab)
    phases: set[int] = set()
    for match in _PHASE.finditer(question):
        phases |= phases_in(match.group(0))
        spans.append(Span(match.start(), match.end()))
    conditions = _studied_conditions(
        question, mentions + _abbreviations(question, vocab, vocabulary, mentions), vocabulary, spans
    )
    conditions = [vocab.spelled_out.get(c, c) for c in conditions]
    sex_only = _SEX_ONLY.search(question)
    if sex_only is not None:
        spans.append(Span(sex_only.start(), sex_only.end()))
    facts = parse_question(question)
    age = age_in_days(facts)
    age_days = (age.value, age.upper if age.upper is not None else age.value) if age is not None else None
    person: list[Span] = []
    if facts.age_span is not None:  # patient_facts spans are (start, end) tuples
        start, end = facts.age_span
        tail = _AGE_TAIL.match(question, end)
        person.append(Span(start, tail.end() if tail else end))
    if facts.sex_span is not None:
        person.append(Span(*facts.sex_span))
    return TrialFilters(
        statuses=tuple(dict.fromkeys(statuses)),
        phases=tuple(sorted(phases)),
        study_types=tuple(dict.fromkeys(study_types)),
        places=tuple(dict.fromkeys(places)),
        conditions=tuple(conditions),
        age_days=age_days,
        sex=facts.sex.upper() if facts.sex else None,
        sex_only=_sex_named(sex_only.group("sex") or sex_only.group("sex2") or sex_only.group("sex3"))
        if sex_only
        else None,
        spans=tuple(spans),
        person_spans=tuple(person),
    )


# Lay words for ClinicalTrials.gov's "Recruiting" ("the study is currently recruiting participants", its
# recruitment-status definitions): "currently enrolling", "accepting new patients", "trials open in India?". Not
# "open to a 16 year old" (who may join) nor "enrolling by invitation" (a status of its own).
_RECRUITING_LAY = re.compile(
    r"\b(?:(?:trials?|stud(?:y|ies)|are|is)\s+(?:currently\s+|still\s+|now\s+)?|(?:currently|still|now)\s+)"
    r"(?:enrolling|enrol+ing)\b(?!\s+by\s+invitation)"
    r"|\b(?:(?:currently|now|still)\s+)?(?:enrol+ing\s+(?:now|new\s+patients)"
    r"|accepting\s+(?:new\s+)?(?:patients|participants|people|volunteers)"
    r"|looking\s+for\s+(?:new\s+)?(?:participants|patients|volunteers))\b(?!\s+by\s+invitation)"
    r"|\b(?:still\s+|currently\s+)?open\b(?=\s+(?:now|right\s+now|currently|today|in|at|near)\b|\s*[?.!]|\s*$)",
    re.IGNORECASE,
)


def _recruiting_in_lay_words(question: str, vocab: CatalogVocab, spans: list[Span]) -> list[str]:
    found = _RECRUITING_LAY.search(question)
    if found is None or "RECRUITING" not in vocab.statuses.values():
        return []
    spans.append(Span(found.start(), found.end()))
    return ["RECRUITING"]


def _country_with_no_site(
    words: Sequence[tuple[str, int, int]], vocab: CatalogVocab, medical: Sequence[Span], located: list[Span]
) -> list[str]:
    """A country asked after "in"/"near" that no indexed trial has a site in ("breast cancer trials in the United
    States" over a catalog with none there): still a place asked, so no trial is listed rather than trials anywhere."""
    found: list[str] = []
    for place in _phrases_in(words, _askable_countries(), located, avoid=medical):
        at = located[len(found)]
        before = [w for w, _, end in words if end <= at.start][-2:]
        if before[-1:] in (["in"], ["near"]) or before == ["in", "the"]:
            found.append(place)
        else:
            located.pop(len(found))
    return found


@cache
def _askable_countries() -> dict[str, str]:
    """Every country's spellings that can be read as a place in a question (not "us", not a common word)."""
    return {s: n for s, n in country_spellings().items() if _can_be_place(s)}


def _misspelled_place(
    question: str, vocab: CatalogVocab, medical: Sequence[Span], located: list[Span], indexed: Callable[[str], bool]
) -> list[str]:
    """A capitalised word one typing slip from exactly one place of the catalog ("in Greese" -> Greece), when the
    question names no place as spelled and the word follows "in", "near", "at", "around" or "from". Not a word the
    indexed records use ("German", "While", "Basal"), nor one capitalised only by opening a sentence, an abbreviation
    in capitals ("CLARA"), a medical term, or a place with an ending added or cut ("Punjabi", "Peking"): those are
    words of their own, not slips."""
    places = [p for p in vocab.places if " " not in p and len(p) >= _MIN_MISSPELLED]
    for found in _WORD.finditer(question):
        word, span = found.group(0), Span(found.start(), found.end())
        folded = fold(word)
        if not word[0].isupper() or word.isupper() or len(folded) < _MIN_MISSPELLED or _overlaps(span, medical):
            continue
        if _opens_a_sentence(question, span.start) or folded in COMMON_WORDS or folded in STOPWORDS:
            continue
        if not _PLACE_PREPOSITION_BEFORE.search(question, 0, span.start):
            continue  # "Greek hospitals" names no place; "recruiting in Greese" does
        if indexed(folded):
            continue
        near = {
            vocab.places[p]
            for p in places
            if _one_slip_apart(folded, p) and not p.startswith(folded) and not folded.startswith(p)
        }
        if len(near) == 1:
            located.append(span)
            return list(near)
    return []


_PLACE_PREPOSITION_BEFORE = re.compile(r"\b(?:in|near|at|around|from)\s+(?:the\s+)?$", re.IGNORECASE)


def _opens_a_sentence(text: str, start: int) -> bool:
    return not text[:start].strip() or text[:start].rstrip()[-1] in ".!?:;"


_MIN_MISSPELLED = 5  # shorter names are too close to too many others


def _one_slip_apart(a: str, b: str) -> bool:
    """One letter changed, added, dropped, or two neighbours swapped (Damerau's single-error typos)."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        swapped = len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]
        return len(diff) == 1 or swapped
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def _abbreviations(
    question: str, vocab: CatalogVocab, vocabulary: Vocabulary, known: Sequence[Mention]
) -> list[Mention]:
    """Abbreviations in capitals that the catalog defines and the vocabulary does not know (`known`: its mentions
    in the question) ("AML studies"), as mentions of their long form's concepts."""
    found: list[Mention] = []
    for word in re.finditer(r"(?<![\w-])[A-Z][A-Z0-9]{1,7}(?![\w-])", question):
        long = vocab.spelled_out.get(word.group(0))
        if long is None or any(m.start <= word.start() < m.end for m in known):
            continue
        ids = vocabulary.resolve(long)
        if ids:
            found.append(Mention(word.start(), word.end(), word.group(0), ids))
    return found


# "in the US", "U.S. sites": the country in capitals, never the pronoun "us".
_US_IN_CAPITALS = re.compile(r"(?<![\w.])(?:US|U\.S\.?)(?![\w])")


def _words_for_filters(question: str) -> list[tuple[str, int, int]]:
    """The question's words folded, with "US" / "U.S." in capitals read as the country's usual spelling."""
    capitals = [Span(m.start(), m.end()) for m in _US_IN_CAPITALS.finditer(question)]
    words = [(fold(m.group(0)), m.start(), m.end()) for m in _WORD.finditer(question)]
    kept = [w for w in words if not _overlaps(Span(w[1], w[2]), capitals)]
    return sorted(kept + [("usa", span.start, span.end) for span in capitals], key=lambda w: w[1])


def _sex_named(word: str | None) -> str | None:
    if not word:
        return None
    return "FEMALE" if word.lower().startswith(("wom", "fem", "girl")) else "MALE"


def _can_be_place(folded: str) -> bool:
    return len(folded) > 2 and folded not in STOPWORDS and folded not in COMMON_WORDS


def _phrases_in(
    words: Sequence[tuple[str, int, int]],
    known: Mapping[str, str],
    spans: list[Span],
    avoid: Sequence[Span] = (),
) -> list[str]:
    """Values of `known` whose key occurs as whole words, longest first and not overlapping ("not yet
    recruiting" is not also "recruiting"); each found span is added to `spans`."""
    found: list[str] = []
    taken: list[Span] = []
    longest = max((len(k.split()) for k in known), default=0)
    for size in range(min(longest, _MAX_PLACE_WORDS + 2), 0, -1):
        for i in range(len(words) - size + 1):
            key = " ".join(w for w, _, _ in words[i : i + size])
            span = Span(words[i][1], words[i + size - 1][2])
            if key in known and not _overlaps(span, taken) and not _overlaps(span, avoid):
                found.append(known[key])
                taken.append(span)
    spans.extend(taken)
    return found


def _overlaps(span: Span, others: Sequence[Span]) -> bool:
    return any(span.start < o.end and o.start < span.end for o in others)


def _studied_conditions(question: str, mentions: Sequence[Any], vocabulary: Vocabulary, spans: list[Span]) -> list[str]:
    found: list[str] = []
    diseases = [
        m
        for m in mentions
        if any(tree.startswith(_DISEASE_TREES) for cid in m.concept_ids for tree in vocabulary.tree_numbers(cid))
    ]
    for mention in diseases:
        after = _STUDIED_AFTER.match(question, mention.end)
        before = _STUDIED_BEFORE.search(question[: mention.start])
        if after or before:
            found.append(mention.surface)
            # words in brackets beside it ("bowel cancer (colorectal) trials") stay to rank the trials
            whole = after is not None and "(" not in question[mention.end : after.end()]
            spans.append(Span(mention.start, after.end() if whole and after else mention.end))
            found += _coordinated_before(question, mention, diseases, spans)
    return found


# What joins coordinated diseases: "brain or spinal cord tumour", "breast, ovarian and uterine cancer".
_COORDINATION = re.compile(r"\s*(?:,\s*)?(?:(?:or|and|and/or|&)\s+|,\s*|/\s*)", re.IGNORECASE)


def _coordinated_before(question: str, studied: Any, diseases: Sequence[Any], spans: list[Span]) -> list[str]:
    """Diseases coordinated before a studied one are studied too; a one-word conjunct shares the studied one's last
    word ("brain or spinal cord tumour trials": brain tumour and spinal cord tumour)."""
    found: list[str] = []
    head = studied.surface.split()[-1] if " " in studied.surface else ""
    current = studied
    while True:
        joined = [
            d for d in diseases if d.end <= current.start and _COORDINATION.fullmatch(question, d.end, current.start)
        ]
        if not joined:
            return found
        current = joined[-1]
        one_word = head and " " not in current.surface
        found.append(f"{current.surface} {head}" if one_word else current.surface)
        spans.append(Span(current.start, current.end))


# ---- stage 3: candidates -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Candidate:
    facets: TrialFacets
    sites: tuple[Site, ...]  # the sites that matched a place filter (none asked: empty)
    score: float = 0.0


class ConditionMatcher:
    """Whether a trial studies a condition: the same concept or a narrower one in its Conditions or
    Keywords (MeSH/Disease Ontology vocabulary), or one of the retriever's synonyms of it in that text."""

    def __init__(self, vocabulary: Vocabulary, expander: QueryExpander) -> None:
        self.vocabulary = vocabulary
        self.expander = expander
        self._concepts: dict[str, frozenset[str]] = {}
        self._asked: dict[str, tuple[re.Pattern[str], frozenset[str]]] = {}

    def studied(self, facets: TrialFacets) -> frozenset[str]:
        known = self._concepts.get(facets.conditions)
        if known is None:
            ids = {cid for m in self.vocabulary.mentions(facets.conditions) for cid in m.concept_ids}
            known = self._concepts[facets.conditions] = frozenset(ids)
        return known

    def matches(self, facets: TrialFacets, condition: str) -> bool:
        spelled, asked = self._condition(condition)
        if spelled.search(fold(facets.conditions)) or spelled.search(fold(facets.title)):
            return True
        return any(cid in asked or asked & self.vocabulary.ancestors(cid) for cid in self.studied(facets))

    def _condition(self, condition: str) -> tuple[re.Pattern[str], frozenset[str]]:
        """The condition's spellings as one pattern and its concept ids, worked out once per condition."""
        known = self._asked.get(condition)
        if known is None:
            # "Covid19" and "COVID 19" are one spelling: the words of a term may be written together
            alternatives = "|".join(r"\s*".join(map(re.escape, term.split())) for term in self.spellings(condition))
            known = (re.compile(rf"\b(?:{alternatives})\b"), frozenset(self.vocabulary.resolve(condition)))
            self._asked[condition] = known
        return known

    def spellings(self, condition: str) -> list[str]:
        """The condition and, from the retriever's synonym groups, only groups that name the whole of it: a
        group matched by one word of it ("cancer" in "breast cancer") would widen it to every tumour."""
        asked = fold(condition)
        found = [asked]
        for group in self.expander.groups:
            folded = [fold(term) for term in group]
            if asked in folded:
                found.extend(t for t in folded if t and t not in found and self._names_no_more(t, condition))
        return found

    def _names_no_more(self, term: str, condition: str) -> bool:
        """A synonym group's term that names the condition or a kind of it; a broader or related one ("diabetes",
        "insulin" beside "type 1 diabetes") would let in trials of other conditions. Terms the vocabulary does not
        know ("t1d") are kept."""
        if set(term.split()) < set(fold(condition).split()):
            return False  # "diabetes" for "type 1 diabetes": fewer words of the same name, a broader one
        named = {cid for m in self.vocabulary.mentions(term) for cid in m.concept_ids}
        asked = {cid for m in self.vocabulary.mentions(condition) for cid in m.concept_ids}
        if not named or not asked:
            return True
        return any(self.vocabulary.relation(a, b) in ("same", "narrower") for a in named for b in asked)


def passes(facets: TrialFacets, filters: TrialFilters, conditions: ConditionMatcher) -> Candidate | None:
    """The trial as a candidate when every filter holds; None when one fails or the record does not say
    what a filter asks (a trial with no registered status is not "recruiting")."""
    if filters.statuses and facets.status not in filters.statuses:
        return None
    if filters.phases and not facets.phases & set(filters.phases):
        return None
    if filters.study_types and facets.study_type not in filters.study_types:
        return None
    if filters.sex and facets.sex not in (None, "ALL", filters.sex):
        return None
    if filters.sex_only and facets.sex != filters.sex_only:
        return None
    if filters.age_days and not _age_open(facets, filters.age_days):
        return None
    if filters.conditions and not any(conditions.matches(facets, c) for c in filters.conditions):
        return None
    located = filters.places or filters.countries or filters.states or filters.cities
    if not located:
        return Candidate(facets, ())
    sites = tuple(
        site
        for site, (city, state, country) in zip(facets.sites, facets.places, strict=True)
        if (not filters.cities or city in filters.cities)
        and (not filters.states or state in filters.states)
        and (not filters.countries or country in filters.countries)
        and (not filters.places or bool({city, state, country} & set(filters.places)))
    )
    return Candidate(facets, sites) if sites else None


def _age_open(facets: TrialFacets, age_days: tuple[float, float]) -> bool:
    """False only when the whole of the asker's age range lies outside the trial's limits."""
    low, high = age_days
    if facets.min_age_days is not None and high < facets.min_age_days:
        return False
    return not (facets.max_age_days is not None and low > facets.max_age_days)


class Searcher(Protocol):
    """The retrieval parts cross-trial ranking reads (HybridRetriever)."""

    settings: Settings
    expander: QueryExpander

    def lexical(self, view: tuple[str, dict[str, str]] | None = None) -> LexicalIndex: ...


@dataclass(frozen=True)
class Topic:
    """What the question asks about once its filter words are cut out; `required`: the concepts a trial must
    mention to be listed (the rest only rank)."""

    text: str
    concepts: tuple[Concept, ...]
    required: tuple[Concept, ...] = ()


class TermForms:
    """Where a word of the question occurs in the BM25 index: as itself, or as a part of a hyphenated word the
    index keeps whole ("hiv" in "hiv-positive"); and a phrase written with hyphens ("covid 19" as "covid-19").
    Built once per index (its vocabulary only)."""

    def __init__(self, lexical: LexicalIndex) -> None:
        self.lexical = lexical
        self.by_part: dict[str, list[int]] = {}
        for number, term in enumerate(lexical.vocab):
            if "-" in term:
                for part in dict.fromkeys(term.split("-")):
                    for stemmed in tokens(part, drop_stopwords=False):
                        self.by_part.setdefault(stemmed, []).append(number)
        # The index's words in sorted order, for the prefix lookups of `derived` (ids as a compact array).
        order = sorted(range(len(lexical.vocab)), key=lexical.vocab.__getitem__)
        self._sorted_keys = [lexical.vocab[i] for i in order]
        self._sorted_ids = np.array(order, dtype=np.int64)

    def derived(self, word: str) -> list[int]:
        """Indexed words derived from the same root ("smoke": smoker, smoking; "metastasis": metastases): the light
        stemmer leaves such pairs apart, and a topic word must find them to tell which trials mention it."""
        root = word[:-1] if word.endswith("e") and len(word) >= _MIN_ROOT + 1 else word
        if len(root) < _MIN_ROOT or not root.isalpha():
            return []
        found: list[int] = []
        for position in range(bisect_left(self._sorted_keys, root), len(self._sorted_keys)):
            term = self._sorted_keys[position]
            if not term.startswith(root):
                break
            ending = term[len(root) :]
            if len(ending) <= _MAX_ENDING and (not ending or ending.isalpha()):
                found.append(int(self._sorted_ids[position]))
        return found

    def rows_with(self, phrase: Sequence[str]) -> np.ndarray | None:
        """Passages holding every word of the phrase (in any form), or the phrase hyphenated; None when the
        phrase has no indexed word at all (stopwords only)."""
        lexical, count = self.lexical, self.lexical.passage_count
        hit: np.ndarray | None = None
        for word in dict.fromkeys(phrase):
            forms = lexical.query_terms(word) + self.by_part.get(word, []) + self.derived(word)
            if not forms:
                if word in STOPWORDS:
                    continue
                hit = np.zeros(count, dtype=bool)
                break
            found = lexical.scores(list(dict.fromkeys(forms))) > 0
            hit = found if hit is None else hit & found
        joined = lexical.query_terms("-".join(phrase)) if len(phrase) > 1 else []
        if len(joined) == 1:
            found = lexical.scores(joined) > 0
            hit = found if hit is None else hit | found
        return hit


# A sentence that asks: it ends in a question mark or opens with a question or request word ("list recruiting ...").
_REQUEST_WORDS = ("list", "show", "find", "give", "tell")
_ASKS = re.compile(
    r"\?\s*$|^\s*(?:which|what|where|are|is|any|do|does|can|could|would|will|" + "|".join(_REQUEST_WORDS) + r")\b",
    re.IGNORECASE,
)


def required_concepts(
    text: str, concepts: Sequence[Concept], medical: Sequence[Span], plain_words: bool = True
) -> tuple[Concept, ...]:
    """The concepts a trial must mention to be listed, from the sentence that asks before the ones that tell
    ("My husband tried Emgality ... Which trials would rule him out because he's had it?": the asking sentence
    names nothing, so what was told decides), and terms the vocabulary or a synonym group knows before plain
    words: "I smoke about half a pack a day ... turn me down for smoking?" asks about smoking, and "half",
    "pack", "turn" only rank. A negated auxiliary ("won't", "isn't") or a request word ("list") is never a topic;
    without `plain_words`, only known terms are. A symbol written before a known term ("EGFR positive NSCLC") is part
    of what is asked, and required with it."""
    parts = sentences(text)
    asking = [p for p in parts if _ASKS.search(text[p.start : p.end])] or parts
    told = [p for p in parts if p not in asking]
    words = word_spans(text)

    def known(concept: Concept, where: Sequence[Span]) -> bool:
        said = _occurrences(words, concept, where)
        return bool(said) and (len(concept.phrases) > 1 or any(_overlaps(span, medical) for span in said))

    plain = [c for c in concepts if "'" not in c.name and "’" not in c.name and c.name.lower() not in _REQUEST_WORDS]
    for part in (asking, told):
        chosen = tuple(c for c in plain if known(c, part))
        if chosen:
            return chosen + _marked_kinds(text, words, plain, chosen, part)
    if not plain_words:
        return ()
    for part in (asking, told):
        chosen = tuple(c for c in plain if _occurrences(words, c, part))
        if chosen:
            return chosen
    return tuple(plain)


def _marked_kinds(
    text: str,
    words: Sequence[tuple[str, int, int]],
    plain: Sequence[Concept],
    known: Sequence[Concept],
    where: Sequence[Span],
) -> tuple[Concept, ...]:
    """The plain concepts written as marker symbols before a known term ("EGFR" in "EGFR positive NSCLC")."""
    symbols = marker_symbols(text, [span for term in known for span in _occurrences(words, term, where)])
    return tuple(c for c in plain if c not in known and _occurrences(words, c, symbols))


def marker_symbols(text: str, anchors: Sequence[Span]) -> list[Span]:
    """Symbols written in the unbroken run of words before each anchor ("EGFR" in "EGFR positive NSCLC", "HER2"
    in "HER2-negative breast cancer"): a gene or marker named before a disease says which kind of it is asked (a
    molecular subtype), so a trial must mention it too. Other words of the run ("positive") do not break it; a
    stopword or a comma does. A question written in capitals has no symbols to tell apart."""
    if not any(ch.islower() for ch in text):
        return []
    found: list[Span] = []
    for anchor in anchors:
        start = anchor.start
        while (word := _LAST_WORD.search(text, 0, start)) is not None and word.group(1).lower() not in STOPWORDS:
            start = word.start(1)
            if _SYMBOL.fullmatch(word.group(1)):
                found.append(Span(word.start(1), word.end(1)))
    return found


# A gene or marker symbol as written: capitals, with digits ("EGFR", "HER2", "G12C", "BRCA1").
_SYMBOL = re.compile(r"[A-Z][A-Z0-9]*[A-Z0-9]")
# The last word before a position, with only spaces or a hyphen after it.
_LAST_WORD = re.compile(r"(\w+)[ \t-]*$")


def _occurrences(words: Sequence[tuple[str, int, int]], concept: Concept, where: Sequence[Span]) -> list[Span]:
    """Where the question (its `word_spans`) says the concept, in any of the ways it was asked ("hepatitis B",
    "hep B"), inside the spans `where`."""
    said = find_concept(Concept(concept.name, concept.asked or concept.phrases), words)
    return [span for span in said if any(part.start <= span.start and span.end <= part.end for part in where)]


def topic_trials(forms: TermForms, concepts: Sequence[Concept]) -> tuple[set[str] | None, list[str]]:
    """Trials with, for every concept, some passage holding all words of one of its phrasings (None: no
    concept, so any trial); and the concepts found in no trial at all."""
    lexical = forms.lexical
    trial_ids = lexical.passages.trial_ids
    bounds = lexical.passages.row_bounds
    found_in: set[str] | None = None
    missing: list[str] = []
    for concept in concepts:
        rows = np.zeros(lexical.passage_count, dtype=bool)
        for phrase in concept.phrases:
            hit = forms.rows_with(phrase)
            if hit is not None:
                rows |= hit
        positions = np.unique(np.searchsorted(bounds, np.flatnonzero(rows), side="right") - 1)
        trials = {trial_ids[i] for i in positions.tolist()}
        if not trials:
            missing.append(concept.name)
        found_in = trials if found_in is None else found_in & trials
    return found_in, missing


def rank_trials(
    searcher: Searcher, dense: DenseSearch, question: str, candidates: Mapping[str, Candidate]
) -> list[str]:
    """Candidate trial ids, best first: each trial's best passage by BM25 and by dense similarity, fused
    by reciprocal rank; ties (a question of filters only) in id order."""
    if not candidates:
        return []
    expanded = searcher.expander.expand(question)
    view = dense.catalog_view()
    lexical = searcher.lexical(view)
    lexical_rank = _lexical_trial_rank(lexical, expanded, candidates)
    valid = {t: h for t, h in view[1].items() if t in candidates}
    hits = dense.dense_search(expanded, searcher.settings.retrieval.candidates, None, None, valid)
    dense_rank = list(dict.fromkeys(chunk.trial_id for chunk, _ in hits))
    rrf_k = searcher.settings.retrieval.rrf_k
    score = dict.fromkeys(candidates, 0.0)
    for ranked in (lexical_rank, dense_rank):
        for rank, trial_id in enumerate(ranked, start=1):
            score[trial_id] += 1.0 / (rrf_k + rank)
    return sorted(candidates, key=lambda t: (-score[t], t))


def _lexical_trial_rank(lexical: LexicalIndex, query: str, candidates: Mapping[str, Candidate]) -> list[str]:
    terms = lexical.query_terms(query)
    if not terms or lexical.passage_count == 0:
        return []
    scores = lexical.scores(terms)
    bounds = lexical.passages.row_bounds
    starts, ends = bounds[:-1], bounds[1:]
    filled = ends > starts
    best = np.full(len(starts), -1.0, dtype=np.float32)
    best[filled] = np.maximum.reduceat(scores, starts[filled])
    ids = lexical.passages.trial_ids
    order = np.argsort(-best, kind="stable")
    return [ids[i] for i in order.tolist() if best[i] > 0 and ids[i] in candidates]


class DenseSearch(Protocol):
    def catalog_view(self) -> tuple[str, dict[str, str]]: ...

    def dense_search(
        self, query: str, k: int, trial_id: str | None, sections: Sequence[str] | None, valid: dict[str, str]
    ) -> list[tuple[Any, float]]: ...


# ---- stage 4: the listing ----------------------------------------------------------------------------
class SingleTrialAnswerer(Protocol):
    """The offline answerer's entry: its answer about one trial (the same logic as a single-trial question)."""

    retriever: PassageRetriever

    def answer(self, question: str, trial_id: str, intent: Intent) -> Answer: ...


@dataclass
class AcrossTrials:
    """Answers a question across the indexed trials (no trial chosen)."""

    searcher: Searcher
    store: Any  # TrialStore: catalog_view, dense_search, get_trial
    rules: IntentRules
    answerer: SingleTrialAnswerer
    vocabulary: Vocabulary = field(default_factory=Vocabulary.load)
    _facets: FacetCache = field(default_factory=FacetCache)
    _conditions: ConditionMatcher | None = None
    _forms: TermForms | None = None

    def facets(self) -> CatalogFacets:
        return self._facets.current(_StoreSource(self.store))

    def term_forms(self) -> TermForms:
        lexical = self.searcher.lexical()
        if self._forms is None or self._forms.lexical is not lexical:
            self._forms = TermForms(lexical)
        return self._forms

    def conditions(self) -> ConditionMatcher:
        if self._conditions is None:
            self._conditions = ConditionMatcher(self.vocabulary, self.searcher.expander)
        return self._conditions

    def listing(
        self,
        question: str,
        filters: TrialFilters | None = None,
        page: int = 1,
        page_size: int | None = None,
        intent: Intent | None = None,
    ) -> TrialListing:
        size = max(1, min(page_size or self.searcher.settings.questions.page_size, _MAX_PAGE_SIZE))
        page = max(1, page)
        intent = intent or self.rules.classify(question)
        if intent.kind == "eligibility" and self.rules.asks_for_studies_of_people(question):
            intent = Intent("general")  # "studies that observe people with X": which trials, not who may join
        if intent.kind in _REFUSED:  # never a list of trials for a question that is not about them
            return TrialListing(
                question=question, trial_id=None, answer=_REFUSED[intent.kind], abstained=True, backend=OFFLINE,
                page=page, page_size=size,
            )  # fmt: skip
        catalog = self.facets()
        facets = catalog.facets
        stated = filters_from_question(question, catalog.vocab, self.vocabulary, self._indexed)
        chosen = (filters or TrialFilters()).merged(stated)
        topic = self.topic(question, chosen, intent)
        matcher = self.conditions()
        candidates = {t: c for t, f in facets.items() if (c := passes(f, chosen, matcher)) is not None}
        filtered_out = len(facets) - len(candidates)
        mentioning, missing = topic_trials(self.term_forms(), topic.required)
        passing = len(candidates)
        if mentioning is not None:
            candidates = {t: c for t, c in candidates.items() if t in mentioning}
        tally = _Tally(len(candidates), filtered_out, passing - len(candidates))
        ranked = rank_trials(self.searcher, self.store, topic.text or question, candidates)
        shown = ranked[(page - 1) * size : page * size]
        # Each trial is asked the question without its filter words (they are settled), keeping what it says
        # about the person: the single-trial reasoning weighs age and sex against that trial's own criteria.
        asked = _cut(question, chosen.spans) or question
        entries = [self._entry(asked, candidates[t], intent, chosen, bool(topic.concepts)) for t in shown]
        for entry in entries:
            entry.answer.question = question
        return _listing(question, chosen, topic, missing, entries, tally, page, size)

    def _indexed(self, word: str) -> bool:
        """Whether the indexed records use the word (in any of its indexed forms)."""
        return bool(self.term_forms().lexical.query_terms(word))

    def topic(self, question: str, filters: TrialFilters, intent: Intent | None = None) -> Topic:
        """The question without the words its filters came from (and "right now", which says when, not what),
        and the concepts left in it. Plain words are required of a trial only where they may be what is asked:
        not beside a studied condition in a question that is not about eligibility ("bowel cancer (colorectal)
        trials open in India?": the condition decides, "bowel" and "open" rank)."""
        spans = filters.spans + filters.person_spans
        spans += tuple(Span(m.start(), m.end()) for m in _WHEN_NOW.finditer(question))
        text = _cut(question, spans)
        again = self._studied_again(text, filters)
        text = _cut(text, again)
        concepts = build_concepts(text, self.searcher.expander.groups, self.rules.eligibility_scaffolding)
        mentions = self.vocabulary.mentions(text)
        # Where the question told the studied condition again, that is what it is about: the plain words left
        # ("open to a 16 year old, age-wise") rank, they are not required.
        plain = not again and (not filters.conditions or intent is None or intent.kind == "eligibility")
        required = required_concepts(text, concepts, [Span(m.start, m.end) for m in mentions], plain)
        required += self._marking_a_condition(question, filters, concepts, required)
        return Topic(text, tuple(concepts), tuple(self._named_all_ways(text, c, mentions) for c in required))

    def _studied_again(self, text: str, filters: TrialFilters) -> list[Span]:
        """Where the question names again, in other words, what its condition filter already asks the trials to
        study, or the class just above it ("on dialysis for kidney failure" with the filter "chronic kidney
        disease"): every listed trial is about it, so its criteria need not mention it. A narrower kind ("NSCLC" in
        lung cancer trials) says which kind is asked, and a far class ("cancer" in "whose cancer has spread to the
        brain") is part of what is asked; both stay."""
        studied = [cid for name in filters.conditions for cid in self.vocabulary.resolve(name)]
        around = set(studied) | {parent for cid in studied for parent in self.vocabulary.parents(cid)}
        return [Span(m.start, m.end) for m in self.vocabulary.mentions(text) if around & set(m.concept_ids)]

    def _marking_a_condition(
        self, question: str, filters: TrialFilters, concepts: Sequence[Concept], required: Sequence[Concept]
    ) -> tuple[Concept, ...]:
        """Marker symbols written before a condition the filters took ("HER2" in "HER2-negative breast cancer
        trials"): the filter keeps the disease, the symbol which kind of it, so a trial must mention that too."""
        medical = [Span(m.start, m.end) for m in self.vocabulary.mentions(question)]
        studied = [span for span in filters.spans if _overlaps(span, medical)]
        marked = {question[s.start : s.end].lower() for s in marker_symbols(question, studied)}
        return tuple(c for c in concepts if c.name.lower() in marked and c not in required)

    def _named_all_ways(self, text: str, concept: Concept, mentions: Sequence[Mention]) -> Concept:
        """A concept the vocabulary knows, phrased in all its names: a trial saying "galcanezumab" mentions the
        "Emgality" asked about."""
        spans = _occurrences(word_spans(text), concept, [Span(0, len(text))])
        ids = {cid for m in mentions if _overlaps(Span(m.start, m.end), spans) for cid in m.concept_ids}
        names = [phrase_words(t) for cid in sorted(ids) for t in self.vocabulary.terms(cid) if is_useful_synonym(t)]
        return Concept(
            concept.name, tuple(dict.fromkeys(concept.phrases + tuple(n for n in names if n))), concept.asked
        )

    def _entry(
        self, question: str, candidate: Candidate, intent: Intent, filters: TrialFilters, topical: bool
    ) -> TrialEntry:
        facets = candidate.facets
        if intent.kind in _INTENTS_ANSWERED_PER_TRIAL:
            answer = self.answerer.answer(question, facets.trial_id, intent)
        elif not topical:  # a question of filters only: the passages that show each filter holds
            answer = self._filter_passages(question, candidate, filters) or self._best_passage(
                question, facets.trial_id
            )
        else:
            answer = self._best_passage(question, facets.trial_id)
        return TrialEntry(
            trial_id=facets.trial_id,
            title=facets.title,
            status=facets.status,
            sites=[_site_line(s) for s in candidate.sites],
            answer=answer,
        )

    def points_only(self, question: str) -> bool:
        """Whether a question does no more than point at a listed trial ("tell me more about the second one")."""
        if _PICK.search(question) is None:
            return False
        rest = without_pick(question)
        scaffolding = self.rules.general_scaffolding | self.rules.eligibility_scaffolding
        return not build_concepts(rest, self.searcher.expander.groups, scaffolding)

    def overview(self, question: str, trial_id: str) -> Answer:
        """What a trial is, from its record: status, phase and study type, its conditions and the first passage of
        its summary, each cited (the answer to a follow-up that only picks a listed trial)."""
        chunks = self.searcher.lexical().trial_chunks(trial_id)
        facts = [c for name in _OVERVIEW_FACTS for c in chunks if c.fact == name]
        about = [next((c for c in chunks if c.section in group), None) for group in _OVERVIEW_SECTIONS]
        citations = [Citation.from_chunk(c) for c in facts]
        citations += [Citation.from_chunk(c, _first_sentence(c.text)) for c in about if c is not None]
        trial = self.store.get_trial(trial_id)
        title = f"{trial_id}: {trial.title}" if trial is not None else trial_id
        names = [_fact_label(c.fact) for c in facts] + [c.section for c in about if c is not None]
        parts = [
            f"{name}: {_one_line(c.quote)} [{i}]" for i, (name, c) in enumerate(zip(names, citations, strict=True), 1)
        ]
        text = title + ("\n" + "\n".join(parts) if parts else "\nIts record gives no status, summary or conditions.")
        return Answer(question=question, trial_id=trial_id, answer=text, citations=citations, backend=OFFLINE)

    def _filter_passages(self, question: str, candidate: Candidate, filters: TrialFilters) -> Answer | None:
        trial_id = candidate.facets.trial_id
        retriever = self.answerer.retriever
        used = (("status", filters.statuses), ("phase", filters.phases), ("study_type", filters.study_types))
        found = retriever.lookup(trial_id, facts=[name for name, values in used if values])
        names = [site.name for site in candidate.sites[:_MAX_SITES_SHOWN]]
        found += [s for s in retriever.lookup(trial_id, kind="site") if any(n and n in s.chunk.text for n in names)]
        if not found:
            return None
        citations = [Citation.from_chunk(s.chunk) for s in found]
        parts = [f"{c.label.split(' - ', 1)[-1]}: {_one_line(c.quote)} [{i}]" for i, c in enumerate(citations, 1)]
        return Answer(
            question=question,
            trial_id=trial_id,
            answer="; ".join(parts),
            citations=citations,
            backend=OFFLINE,
            retrieved=found,
        )

    def _best_passage(self, question: str, trial_id: str) -> Answer:
        """No eligibility question: the trial's passage that best matches, quoted and cited, no verdict."""
        found: list[ScoredChunk] = self.answerer.retriever.search(question, trial_id=trial_id, k=1)
        if not found:
            text = f"{trial_id}: no passage of its record matches the question."
            return Answer(question=question, trial_id=trial_id, answer=text, abstained=True, backend=OFFLINE)
        chunk = found[0].chunk
        span = _first_sentence(chunk.text)
        citation = Citation.from_chunk(chunk, span)
        text = f"{citation.label}: “{_one_line(citation.quote)}” [1]"
        return Answer(
            question=question, trial_id=trial_id, answer=text, citations=[citation], backend=OFFLINE, retrieved=found
        )


_MAX_PAGE_SIZE = 50
# "Now" in other words: when the question asks, not what it asks about.
_WHEN_NOW = re.compile(
    r"\b(?:right\s+now|at\s+the\s+moment|at\s+present|these\s+days|nowadays|at\s+this\s+time)\b", re.IGNORECASE
)
_MIN_ROOT = 4  # shortest root whose derived words are looked up ("smok"; not "age" -> "agent")
_MAX_ENDING = 3  # longest ending a derived word may add ("-ers", "-ing", "-es")


class _StoreSource:
    """A TrialStore as the facet cache's source: its catalog documents read a batch at a time."""

    def __init__(self, store: Any) -> None:
        self.store = store

    def catalog_view(self) -> tuple[str, dict[str, str]]:
        view: tuple[str, dict[str, str]] = self.store.catalog_view()
        return view

    def get_trials(self, trial_ids: Sequence[str]) -> dict[str, Trial]:
        got = self.store.catalog.get(ids=list(trial_ids), include=["documents"])
        return {
            trial_id: Trial.model_validate_json(document)
            for trial_id, document in zip(got["ids"], got["documents"] or [], strict=True)
        }


def _cut(question: str, spans: Sequence[Span]) -> str:
    """The question with these spans blanked (offsets of the rest stay readable as words)."""
    chars = list(question)
    for span in spans:
        for i in range(span.start, min(span.end, len(chars))):
            chars[i] = " "
    return re.sub(r"\s+", " ", "".join(chars)).strip()


def _fact_label(name: str | None) -> str:
    return (name or "").replace("_", " ").capitalize()


def _site_line(site: Site) -> str:
    place = ", ".join(p for p in (site.city, site.state, site.country) if p)
    return f"{site.name} ({place})" if place else site.name


def _first_sentence(text: str) -> tuple[int, int]:
    if len(text) <= _MAX_QUOTE:
        return 0, len(text)
    found = sentences(text)
    return (found[0].start, found[0].end) if found else (0, len(text))


def _one_line(text: str) -> str:
    return ", ".join(line.strip() for line in text.splitlines() if line.strip())


_VERDICT_PHRASES = {  # (one trial, several trials)
    Verdict.EXCLUDED.value: ("excludes it", "exclude it"),
    Verdict.NOT_STATED.value: ("does not mention it", "do not mention it"),
    Verdict.ALLOWED_WITH_CONDITIONS.value: ("allows it with conditions", "allow it with conditions"),
    Verdict.ALLOWED.value: ("allows it", "allow it"),
    NO_VERDICT: ("quotes what decides it, without a verdict", "quote what decides it, without a verdict"),
}


def _listing(
    question: str,
    filters: TrialFilters,
    topic: Topic,
    missing: Sequence[str],
    entries: list[TrialEntry],
    tally: _Tally,
    page: int,
    size: int,
) -> TrialListing:
    counts: dict[str, int] = {}
    for entry in entries:
        key = entry.answer.verdict.value if entry.answer.verdict else NO_VERDICT
        counts[key] = counts.get(key, 0) + 1
    citations: list[Citation] = []
    lines: list[str] = []
    first = (page - 1) * size + 1
    for number, entry in enumerate(entries, start=first):
        marker = ""
        if entry.answer.citations:
            citations.append(entry.answer.citations[0])
            marker = f" [{len(citations)}]"
        lines.append(_entry_line(number, entry, marker))
    verdicts = any(e.answer.verdict for e in entries)
    text = _summary(filters, topic, missing, tally, counts, first, len(entries), verdicts)
    if lines:
        text += "\n" + "\n".join(lines)
    total = tally.total
    if total > first - 1 + len(entries):
        text += f"\nMore: page {page + 1}."
    if entries:
        text += (
            "\nAsk about one of them (“tell me more about the second one”) or pick it to have the question "
            "answered from that trial's record."
        )
    return TrialListing(
        question=question,
        trial_id=None,
        answer=text,
        abstained=not entries,
        citations=citations,
        backend=OFFLINE,
        total=total,
        page=page,
        page_size=size,
        counts=counts,
        trials=entries,
        filters=filters.describe(),
    )


@dataclass(frozen=True)
class _Tally:
    total: int  # trials that pass the filters and mention every topic concept
    filtered_out: int  # trials a filter left out
    silent: int  # trials that pass the filters but never mention the topic


def _summary(
    filters: TrialFilters,
    topic: Topic,
    missing: Sequence[str],
    tally: _Tally,
    counts: Mapping[str, int],
    first: int,
    shown: int,
    verdicts: bool,
) -> str:
    described = filters.describe()
    where = f" ({'; '.join(described)})" if described else ""
    total, filtered_out = tally.total, tally.filtered_out
    if missing:
        return f"No indexed trial mentions {', '.join(f'“{m}”' for m in missing)}{where}, so none is listed."
    silent = ""
    if tally.silent:  # counted, not listed: a record that never mentions the topic can only be "not stated"
        n = tally.silent
        names = [c.name for c in topic.required]
        # "hepatitis" inside "hepatitis B" adds nothing to say
        distinct = [n for n in names if not any(n != o and n.lower() in o.lower() for o in names)]
        named = " and ".join(f"“{n}”" for n in distinct)
        scope = (" that passes the filters" if n == 1 else " that pass the filters") if described else ""
        verb = "never mentions" if n == 1 else "never mention"
        silent = f" {n} other trial{'s' if n != 1 else ''}{scope} {verb} {named}: not stated there."

    if total == 0:
        return (
            f"No indexed trial matches this question{where}."
            + (f" {filtered_out} were left out by the filters." if filtered_out else "")
            + silent
        )
    lead = f"{total} trial{'s' if total != 1 else ''} match{'es' if total == 1 else ''}{where}.{silent}"
    if shown == 0:
        return lead + f" This page is past the last one ({first - 1} shown before)."
    scope = "all of them" if shown == total else f"trials {first}-{first + shown - 1}"
    if verdicts:
        parts = [
            f"{counts[key]} {phrases[counts[key] != 1]}" for key, phrases in _VERDICT_PHRASES.items() if key in counts
        ]
        return f"{lead} Of {scope}: {', '.join(parts)}. Each verdict below is about the trial it names only."
    return f"{lead} Showing {scope}; no trial is chosen, so no verdict is given."


def _entry_line(number: int, entry: TrialEntry, marker: str) -> str:
    verdict = entry.answer.verdict
    status = f", {_words_of(entry.status).lower()}" if entry.status else ""
    head = f"{number}. {entry.trial_id} ({entry.title[:100]}{status})"
    if entry.sites:
        more = len(entry.sites) - _MAX_SITES_SHOWN
        head += "; sites: " + "; ".join(entry.sites[:_MAX_SITES_SHOWN]) + (f" and {more} more" if more > 0 else "")
    said = entry.answer.answer.split("\n")[0]
    if verdict is not None:
        return f"{head}: {verdict.value.replace('_', ' ')}. {_first_marker_cut(said)}{marker}".rstrip()
    return f"{head}: {_first_marker_cut(said)}{marker}".rstrip()


def _first_marker_cut(text: str) -> str:
    """The entry's own answer without its [n] markers (the listing numbers citations across trials)."""
    return re.sub(r"\s*\[\d+\]", "", text).strip()


# ---- follow-ups ----------------------------------------------------------------------------------------
def picked_from_listing(question: str, listed: Sequence[str]) -> str | None:
    """The listed trial a follow-up points at ("the second one", "trial 3", "#2", "the last one")."""
    if not listed:
        return None
    match = _PICK.search(question)
    if match is None:
        return None
    word = (match.group("word") or "").lower()
    if word == "last":
        return listed[-1]
    number = match.group("num") or match.group("bare") or match.group("hash")
    position = int(number) if number else ORDINAL_WORDS.index(word) + 1
    return listed[position - 1] if 1 <= position <= len(listed) else None


def without_pick(question: str) -> str:
    """The question without the words that picked a listed trial ("the first trial: does it allow HIV?" ->
    "does it allow HIV?")."""
    match = _PICK.search(question)
    if match is None:
        return question
    rest = (question[: match.start()] + " " + question[match.end() :]).strip(" :,;-")
    return re.sub(r"\s+", " ", rest) or question

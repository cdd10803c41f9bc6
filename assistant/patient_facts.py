"""Turn a patient's question into checkable facts: age, sex, measurements, elapsed times, negations, unmet needs.

Pure and regex-only (well under a millisecond per question). Spans are (start, end) offsets into the question.

Negation uses NegEx-style trigger terms (Chapman et al., "A Simple Algorithm for Identifying Negated Findings and
Diseases in Discharge Summaries", J Biomed Inform 2001; trigger, pseudo-trigger and termination lists) adapted to
first-person speech ("I don't have", "I'm not on"). medspaCy's ConText was evaluated as the maintained source of such
rules and rejected: it installs and runs offline (no model download), but loading took 4.5-6.9 s (limit: 2 s; measured
on a loaded 2-core box), per question 9-13 ms, and medspacy 1.3.1 pins spacy 3.7 / thinc 8.2, which downgraded numpy
2.4 -> 1.26 and broke pandas 3.1 (needs numpy>=2.0.2) in the shared venv; it was uninstalled again.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from importlib import resources

from assistant.question_shape import shape_of
from assistant.text import STOPWORDS, tokens
from ingest.constraints import LANGUAGE_RE, TimeWindow, circumstance_kind
from ingest.measures import (
    ACUITY,
    AGE_AT_DIAGNOSIS,
    DAYS_PER_UNIT,
    MEASURES_IN_DAYS,
    NUMBER_WORDS,
    SAME_MAGNITUDE,
    SNELLEN_RE,
    UNKNOWN_MEASURE,
    Comparator,
    Quantity,
    QuantityMention,
    Span,
    clause_start,
    find_quantities,
    is_acronym,
    match_unit,
    measures_named,
    parse_number,
    same_measure,
    search_ending_at,
    sentence_start,
)


@dataclass(frozen=True)
class Measurement:
    """A stated value: `comparator` is EQ unless the asker gave a bound ("my PSA is under 4")."""

    measure: str
    quantity: Quantity
    comparator: Comparator
    span: Span
    measure_span: Span | None


@dataclass(frozen=True)
class Elapsed:
    """Time since an event (`days_ago`) or how long something has lasted (`duration_days`); None if not stated."""

    event: str
    event_span: Span | None
    days_ago: float | None
    duration_days: float | None
    comparator: Comparator
    span: Span


@dataclass(frozen=True)
class NegatedFact:
    """Something the asker says they do not have/do: `scope_span` is the negated thing, `trigger_span` the cue."""

    trigger_span: Span
    scope_span: Span


@dataclass(frozen=True)
class UnmetCircumstance:
    """An ability/circumstance the asker lacks; `kind` uses `ingest.constraints.CIRCUMSTANCE_TOPICS` labels."""

    kind: str
    span: Span
    cue_span: Span
    only: bool = False  # "I only speak Vietnamese": every other language is what is lacking


@dataclass(frozen=True)
class PatientFacts:
    text: str
    age: float | None  # years, as stated
    age_span: Span | None
    age_comparator: Comparator  # EQ, or how `age` bounds the real age ("over 65" -> GT, "about 70" -> RANGE)
    sex: str | None
    sex_span: Span | None
    asks_about_sex: str | None
    measurements: tuple[Measurement, ...]
    elapsed: tuple[Elapsed, ...]
    negated: tuple[NegatedFact, ...]
    unmet: tuple[UnmetCircumstance, ...]
    healthy_volunteer: bool
    clauses: tuple[Span, ...]
    # ConText's experiencer and temporality (Harkema et al., 2009): what a relative or someone else has, and what
    # may happen rather than is the case ("I might get pregnant", "planning to start HRT").
    others: tuple[Span, ...] = ()
    hypothetical: tuple[Span, ...] = ()
    # ConText's temporality "historical", narrowed to what the asker says is over ("no sign of it since", "cured"):
    # the sentences that say so. Whether a criterion that names the condition without a tense catches it is open.
    resolved: tuple[Span, ...] = ()
    childbearing: Childbearing | None = None


@dataclass(frozen=True)
class Childbearing:
    """What the question says of whether the candidate could become pregnant: `could` True ("I could still get
    pregnant", "still having periods", "premenopausal") or False (periods stopped, past menopause), with how long ago
    the periods stopped where it says. `method_named`: a birth-control method in use is named ("on the pill", "a
    copper IUD"); whether it is one the study accepts is then the question."""

    could: bool
    span: Span
    days_without_periods: float | None = None
    method_named: bool = False


# --- age --------------------------------------------------------------------------------------------------------------
# People a question may speak for or of: closed-class English, like the pronouns. The age patterns read "my son is
# 8" for these and "my patient"; whose fact a clause states (_others) reads the longer list below.
_KIN = (
    "son|daughter|mother|mom|mum|father|dad|husband|wife|child|kid|baby|brother|sister|partner"
    "|grandmother|grandfather|grandma|grandpa|grandson|granddaughter|aunt|uncle|nephew|niece|friend"
)
_RELATIVE = _KIN + "|boy|girl|patient"
# A word people put before the relative they speak of: "my little girl is 3", "our youngest son is 12".
_KIN_MODIFIER = r"(?:(?:little|baby|young|youngest|oldest|eldest|older|younger|big|teenage|twin|adult|only)\s+)?"
# "my son", "our 3-year-old daughter", "his patient": the person a question speaks for or of, named by kin or role.
POSSESSED_PERSON = re.compile(rf"\b(?:my|our|his|her|their)\s+(?:[\w-]+\s+)?(?:{_RELATIVE})s?\b", re.IGNORECASE)
# A time to come after "in": a number of units, a month, a season ("in two months", "in March", "in the spring").
_TIME_TO_COME = (
    r"\d+\s+(?:days?|weeks?|months?|years?)|(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|few"
    r"|couple)\b|(?:the\s+)?(?:spring|summer|autumn|fall|winter)\b|(?:january|february|march|april|may|june|july"
    r"|august|september|october|november|december)\b"
)
# ("in" is inches, not in "turns 4 in two months", "in March", "in a few weeks": a time to come)
_NOT_AGE_AFTER = (
    r"(?!\s*(?:%|kg|kilos?|lbs?|pounds|stone|cm|mm|feet|foot|ft|'|’|\"|inch|in\b(?!\s+(?:an?\b|about\b|"
    + _TIME_TO_COME
    + r"))|weeks?|wks?|days?|hours?|hrs?|months?|times|x\b"
    r"|mg|ng|g/|ml|units?|cycles?|lines?|of\b|out\b|or\b|to\b|-\s*\d|/|\.\d|,\d{3}))"
)
# Words that make a stated age a bound or an estimate ("over 65", "nearly 18", "about 70").
_AGE_BOUND_WORDS = (
    r"(?:over|above|older\s+than|more\s+than|at\s+least|under|below|younger\s+than|less\s+than|almost|nearly"
    r"|about|around|approximately|roughly)\s+"
)
_AGE_BOUND_BEFORE_RE = re.compile(r"(?P<bound>" + _AGE_BOUND_WORDS + r")$", re.IGNORECASE)
_AGE_BOUNDS: dict[str, Comparator] = {
    "over": Comparator.GT,
    "above": Comparator.GT,
    "older": Comparator.GT,
    "more": Comparator.GT,
    "at": Comparator.GE,
    "under": Comparator.LT,
    "below": Comparator.LT,
    "younger": Comparator.LT,
    "less": Comparator.LT,
    "almost": Comparator.LE,
    "nearly": Comparator.LE,
}
# "three and a half", "3 and a half", "twelve": an age said in words or with a half. Words only where the clause or
# "years" follows them ("she's one tough kid" tells no age).
_HALF = r"(?P<half>\s+and\s+a\s+half)?"
_AGE_IN_WORDS = (
    r"(?:\d{1,3}|(?:" + "|".join(NUMBER_WORDS) + r")(?=" + _HALF.replace("?P<half>", "?:") + r"\s*(?:[?.!,;]|$|years?\b"
    r"|yrs?\b)))"
)
_AGE_PATTERNS: tuple[tuple[str, float], ...] = (
    (r"\b(?P<n>\d{1,3})" + _HALF + r"\s*-?\s*(?:years?|yrs?|y)\s*-?\s*old\b", 1.0),
    (r"\b(?P<n>\d{1,3})\s*-?\s*(?:years?|yrs?)\s+of\s+age\b", 1.0),
    (r"\b(?P<n>\d{1,3})\s*(?:yo|y/o|y\.o\.)(?![a-z])", 1.0),
    (r"\b(?P<n>\d{1,2})\s*-?\s*months?\s*-?\s*old\b", 1 / 12),
    # a newborn's age: "3 weeks old", "10 days old", "4 hours old"
    (r"\b(?P<n>\d{1,3})\s*-?\s*(?:weeks?|wks?)\s*-?\s*old\b", 7 / 365.25),
    (r"\b(?P<n>\d{1,3})\s*-?\s*days?\s*-?\s*old\b", 1 / 365.25),
    (r"\b(?P<n>\d{1,3})\s*-?\s*(?:hours?|hrs?)\s*-?\s*old\b", 1 / (24 * 365.25)),
    (r"\b(?:aged|age\s*:?|at\s+the\s+age\s+of|turned)\s+(?P<n>\d{1,3})\b" + _NOT_AGE_AFTER, 1.0),
    (
        # (a supposed age: "What if he were 16?", "if I was 70"; one adverb between: "I'm actually 75")
        r"\b(?:i'?m|i\s+am|he'?s|she'?s|he\s+is|she\s+is|(?:my|our)\s+" + _KIN_MODIFIER + r"(?:" + _RELATIVE + r")\s+is"
        r"|(?:my|our)\s+(?:youngest|oldest|eldest)\s+is"
        r"|(?:i|he|she)\s+were|if\s+(?:i|he|she)\s+was)\s+"
        r"(?:now\s+|only\s+|just\s+|exactly\s+|still\s+|already\s+|[a-z]{3,}ly\s+|" + _AGE_BOUND_WORDS + r")?"
        r"(?P<n>" + _AGE_IN_WORDS + r")" + _HALF + r"\b" + _NOT_AGE_AFTER,
        1.0,
    ),
    (r"\b(?:my|our)\s+(?:" + _RELATIVE + r")\s*[,(]\s*(?:age\s+)?(?P<n>\d{1,3})\s*[,)]", 1.0),
    # "My son's 13." is "my son is 13"; only where the clause ends or "years" follows ("my husband's 2 brothers")
    (
        r"\b(?:my|our)\s+"
        + _KIN_MODIFIER
        + r"(?:"
        + _RELATIVE
        + r")['’]s\s+(?P<n>\d{1,3})"
        + _HALF
        + r"(?=\s*(?:[?.!,;]|$|years?\b|yrs?\b|and\b|now\b))",
        1.0,
    ),
    # "Is 67 too old?", "Am I too young at 16?": a bare number beside "too old/young" or "old/young enough".
    (r"\b(?P<n>\d{1,3})\s+(?:(?:is|be)\s+)?(?:too\s+(?:old|young)|(?:old|young)\s+enough)\b", 1.0),
    (r"\b(?:too\s+(?:old|young)|(?:old|young)\s+enough)\s+(?:at|with|being)\s+(?P<n>\d{1,3})\b" + _NOT_AGE_AFTER, 1.0),
    # "At 66, am I too old for this?": the number opening the sentence that asks it
    (
        r"(?:^|[.!?]\s+)at\s+(?P<n>\d{1,3})\b"
        + _NOT_AGE_AFTER
        + r"(?=[^.?!]*\b(?:too\s+(?:old|young)|(?:old|young)\s+enough)\b)",
        1.0,
    ),
)
_AGE_RES = tuple((re.compile(pattern, re.IGNORECASE), scale) for pattern, scale in _AGE_PATTERNS)
# "once he turns 14 next month, would his age still be a problem?": the question supposes that age, told age or not.
_SUPPOSING_BEFORE = re.compile(r"\b(?:once|when|if|after|by\s+the\s+time)\s+(?:\w+\s+){1,2}$", re.IGNORECASE)
# "turning 66 this spring", "I turn 18 next week": an age to come, read only when the question tells no age now ("I'm
# 65, turning 66 this spring. Am I still in the age range?" is asked at 65) or supposes it ("once he turns 14").
# A question about the time an age to come is reached: "... be able to join then?", "at that point?"
_ASKS_ABOUT_THEN = re.compile(r"\b(?:then|at\s+that\s+(?:point|time|age)|by\s+that\s+time)\W*$", re.IGNORECASE)
# "turns 4", and "when I'm 18", "once she's 12": an age to come
_COMING_AGE_RE = re.compile(
    r"\b(?:turning|turns|turn|(?:when|once)\s+(?:i[’']?m|i\s+am|he[’']?s|he\s+is|she[’']?s|she\s+is|they[’']?re"
    r"|they\s+are))\s+(?P<n>\d{1,3})\b" + _NOT_AGE_AFTER,
    re.IGNORECASE,
)
# "Her 5th birthday was yesterday", "just had his 13th birthday": the age reached; "wait until his 13th birthday",
# "after her 18th birthday": an age supposed. (A birthday to come, not supposed, tells no age now.)
_BIRTHDAY_AGE_RE = re.compile(r"\b(?P<n>\d{1,3})(?:st|nd|rd|th)\s+birthday\b", re.IGNORECASE)
_BIRTHDAY_PAST_RE = re.compile(r"\s+(?:was|has\s+passed|came)\b", re.IGNORECASE)
_BIRTHDAY_PAST_BEFORE_RE = re.compile(r"\b(?:had|celebrated|since)\s+(?:\w+\s+){0,2}$", re.IGNORECASE)
_BIRTHDAY_SUPPOSED_BEFORE_RE = re.compile(
    r"\b(?:until|till|after|once|when|by)\s+(?:\w+\s+){0,2}$|\bwhat\s+if\b[^.?!]*$", re.IGNORECASE
)


def _birthday_age(text: str) -> re.Match[str] | None:
    """An ordinal birthday that tells the age asked about: one passed or one supposed."""
    for found in _BIRTHDAY_AGE_RE.finditer(text):
        before = text[max(0, found.start() - 60) : found.start()]
        passed = _BIRTHDAY_PAST_RE.match(text, found.end()) or _BIRTHDAY_PAST_BEFORE_RE.search(before)
        if passed or _BIRTHDAY_SUPPOSED_BEFORE_RE.search(before):
            return found
    return None


# An age told at the diagnosis or onset of something: "she was 14 months old when they found the leukemia", "diagnosed
# with ALL at 19", "my headaches started when I was 55". It is no age now; criteria may bound it ("<= 365 days of age
# at the time of diagnosis", "onset at <= 50 years of age").
_AGE_UNIT = r"(?:\s*-?\s*(?P<unit>years?|yrs?|months?|weeks?|days?)(?:\s*-?\s*old)?)?"
_ONSET_VERB = (
    r"(?:diagnosed|found|discovered|detected|started|began|begun|developed|first\s+(?:noticed|appeared|had|got))"
)
_AGE_AT_ONSET_RES = (
    re.compile(r"\b(?P<n>\d{1,3})" + _AGE_UNIT + r"\s+when\s+(?:[\w'-]+\s+){0,5}?" + _ONSET_VERB + r"\b", re.I),
    re.compile(
        r"\b" + _ONSET_VERB + r"\b(?:\s+[\w'-]+){0,6}?\s+(?:(?:when|until)\s+(?:i|he|she|they|we)\s+(?:was|were)"
        r"|at(?:\s+the\s+age\s+of|\s+age)?)\s+(?P<n>\d{1,3})" + _AGE_UNIT + r"(?![\w%])",
        re.I,
    ),
    # "they didn't start until I was 52"
    re.compile(
        r"\b(?:start|begin|show\s+up|come\s+on)\s+until\s+(?:i|he|she|they|we)\s+(?:was|were)\s+(?P<n>\d{1,3})"
        + _AGE_UNIT
        + r"(?![\w%])",
        re.I,
    ),
)
_YEARS_PER_AGE_UNIT = {"y": 1.0, "m": 1 / 12, "w": 7 / 365.25, "d": 1 / 365.25}


def _ages_at_onset(text: str) -> list[Measurement]:
    """Ages told at a diagnosis or an onset, as values of `AGE_AT_DIAGNOSIS` (in days, as criteria bound them)."""
    found_ages: list[Measurement] = []
    for age_re in _AGE_AT_ONSET_RES:
        for found in age_re.finditer(text):
            unit = (found.group("unit") or "y").lower()[0]
            if found.group("unit") is None and match_unit(text, found.end("n")) is not None:
                continue  # "started at 20 mg"
            years = float(found.group("n")) * _YEARS_PER_AGE_UNIT[unit]
            if 0 < years <= 120 and not any(_overlaps(found.span("n"), m.span) for m in found_ages):
                days = Quantity(years * DAYS_PER_UNIT["year"], "day")
                told = (found.start("n"), found.end())  # "14 months old"
                if found.re is _AGE_AT_ONSET_RES[0]:
                    told = (found.start("n"), found.end("unit") if found.group("unit") else found.end("n"))
                found_ages.append(Measurement(AGE_AT_DIAGNOSIS, days, Comparator.EQ, found.span(), told))
    return found_ages


def _age(text: str, at_onset: Sequence[Span] = ()) -> tuple[float, Span, Comparator] | None:
    """The asker's (or candidate's) age now; `at_onset`: where ages at a diagnosis or onset are told (no age now)."""
    asks_then = _ASKS_ABOUT_THEN.search(text) is not None  # "He turns 4 in two months. Could he join then?"
    supposed = next(
        (m for m in _COMING_AGE_RE.finditer(text) if asks_then or _SUPPOSING_BEFORE.search(text, 0, m.start())), None
    )
    if supposed is not None and 0 < int(supposed.group("n")) <= 120:
        return float(supposed.group("n")), supposed.span("n"), Comparator.EQ  # "once he turns 14": asked at 14
    birthday = _birthday_age(text)
    if birthday is not None and 0 < int(birthday.group("n")) <= 120:
        return float(birthday.group("n")), birthday.span("n"), Comparator.EQ  # "her 5th birthday was yesterday"
    for age_re, scale in _AGE_RES:
        for found in age_re.finditer(text):
            years = _told_years(found) * scale
            if 0 < years <= 120 and not _age_at_an_event(text, found.start(), found.end()):
                if _someone_elses_age(text, found.start()) or any(_overlaps(found.span("n"), s) for s in at_onset):
                    continue
                told = (found.start("n"), found.end("half") if found.groupdict().get("half") else found.end("n"))
                return years, told, _age_bound(text, found.start("n"))
    coming = _COMING_AGE_RE.search(text)
    if coming is not None and 1 < int(coming.group("n")) <= 120:
        return float(coming.group("n")), coming.span("n"), Comparator.EQ
    return None


def age_told_again(text: str, years: float) -> list[Span]:
    """Where the question tells the same age again ("My dad is 81 ... Is 81 too old for this?"): the same fact, asked
    about, not a number nothing reads."""
    return [
        found.span("n")
        for age_re, scale in _AGE_RES
        for found in age_re.finditer(text)
        if _told_years(found) * scale == years
    ]


def _told_years(found: re.Match[str]) -> float:
    """The number an age pattern read, in digits or words. A half said after it is no year more: ages count whole
    years, as the registry's limits do ("14 and a half" is inside "maximum age 14 Years")."""
    number = found.group("n").lower()
    return float(NUMBER_WORDS[number]) if number in NUMBER_WORDS else float(number)


# "my 5-month-old", "our 3-year-old son": the age of the person possessed.
_POSSESSED_AGE_RE = re.compile(r"\b(?:my|our|his|her|their)\s+$", re.IGNORECASE)


# "a 3 year old at home", "a 1-year-old in the house": a member of the household, named by an indefinite article
_INDEFINITE_BEFORE_RE = re.compile(r"\ban?\s+$", re.IGNORECASE)
_HOUSEHOLD_MEMBER_RE = re.compile(
    r"\d{1,3}[\s-]*(?:years?|months?)[\s-]*old\s+(?:\w+\s+){0,2}?(?:at\s+home|in\s+(?:the|my|our)\s+(?:house|home"
    r"|household))\b",
    re.IGNORECASE,
)


# "she's 4 months old", "he is 2": an age told of a third person.
_THIRD_PERSON_AGE_BEFORE_RE = re.compile(r"\b(?:he|she|they)(?:'s|’s|\s+is|\s+was|'re|\s+are)\s+$", re.IGNORECASE)


# An age pattern that opens on a third person: "she's 4", "he is 16", "if she was 4", "he were 70".
_THIRD_PERSON_AGE_AT_RE = re.compile(r"(?:if\s+)?(?:he|she)\b", re.IGNORECASE)


def _someone_elses_age(text: str, start: int) -> bool:
    """A possessed age ("my 2-year-old son") that is not the candidate's: the asker joins ("I'm still breastfeeding
    my 5-month-old"), or, with the candidate untold, the one possessed is not the clause's subject ("I live with my
    2-year-old son" against "My 5-year-old has asthma")."""
    if _HOUSEHOLD_MEMBER_RE.match(text, start) and _INDEFINITE_BEFORE_RE.search(text, max(0, start - 4), start):
        return True  # "We have a 3 year old at home": someone the asker lives with
    third_person = _THIRD_PERSON_AGE_BEFORE_RE.search(text, max(0, start - 12), start) or _THIRD_PERSON_AGE_AT_RE.match(
        text, start
    )
    if third_person and _candidate(text)[0] == "self":
        # "I'm still breastfeeding my baby girl (she's 4 months old) ... Could I sign up?": the baby's; so is "What if
        # she was 4 instead?" after "My 2 year old granddaughter lives with us"
        return True
    possessive = _POSSESSED_AGE_RE.search(text, max(0, start - 8), start)
    if possessive is None:
        return False
    who = _candidate(text)[0]
    opens_its_clause = not text[_clause_start(text, possessive.start()) : possessive.start()].strip()
    return who == "self" or (who == "unknown" and not opens_its_clause)


# "grew out of it around age 10", "was diagnosed at the age of 12", "since age 5": the age when something happened,
# told in the past, not the asker's age now ("can I join at the age of 70?").
_EVENT_AGE_LEAD_RE = re.compile(r"\b(?:at|around|about|by|since|from|until|till|before|after)\s+(?:the\s+)?$", re.I)
_PAST_TELLING_RE = re.compile(
    r"\b(?:was|were|had|did|got|grew|began|begun|started|stopped|quit|became|ago|since|\w{3,}ed)\b", re.IGNORECASE
)


def _age_at_an_event(text: str, start: int, end: int) -> bool:
    if _EVENT_AGE_LEAD_RE.search(text, max(0, start - 12), start) is None and not text[start:end].lower().startswith(
        "at the age of"
    ):
        return False
    clause_start = max(text.rfind(mark, 0, start) for mark in ".;!?")
    clause_end = min((i for i in (text.find(mark, end) for mark in ".;!?") if i >= 0), default=len(text))
    return _PAST_TELLING_RE.search(text, clause_start + 1, clause_end) is not None


def _age_bound(text: str, number_start: int) -> Comparator:
    """EQ for a plain age; GT/LT/LE for "over/under/nearly N"; RANGE for "about N"."""
    bound = search_ending_at(_AGE_BOUND_BEFORE_RE, text, max(0, number_start - 24), number_start)
    if bound is None:
        return Comparator.EQ
    first_word = bound.group("bound").split()[0].lower()
    return _AGE_BOUNDS.get(first_word, Comparator.RANGE)


# --- sex --------------------------------------------------------------------------------------------------------------
_SELF_SEX_RE = re.compile(
    # "I'm a 52-year-old woman", "I'm a bisexual guy": up to two words between the article and the noun
    r"\b(?:i'?m|i\s+am)\s+(?:(?:a|an)\s+(?:[a-z][\w-]*\s+){0,2}?)?(?:\d{1,3}\s*-?\s*(?:years?\s*-?\s*old|yo|y/o)?\s*-?\s*)?"
    r"(?:(?P<f>woman|female|girl|lady"
    r"|mother|mom|mum)|(?P<m>man|male|guy|boy|father|dad))\b"
    # "a 48-year-old woman", and clinicians' "48-year-old woman: Hb 12.6"
    r"|(?:\b(?:a|an)\s+|^\s*)\d{1,3}\s*-?\s*(?:years?\s*-?\s*old|yo|y/o)\s+(?:(?P<f2>woman|female|girl|lady)"
    r"|(?P<m2>man|male|guy|boy))\b",
    re.IGNORECASE,
)
# A relative named with their sex ("my wife", "his twin sister").
_KIN_BY_SEX = (
    r"(?:(?P<f>wife|daughter|mother|mom|mum|sister|grandmother|grandma|aunt|niece|girlfriend)"
    r"|(?P<m>husband|son|father|dad|brother|grandfather|grandpa|uncle|nephew|boyfriend))\b"
)
_RELATION_SEX_RE = re.compile(
    r"\b(?:my|our)\s+(?:\d{1,3}\s*-?\s*(?:years?|months?)\s*-?\s*old\s+)?" + _KIN_BY_SEX, re.IGNORECASE
)
# A question opening on a relative of someone told before ("What about his twin sister then?", "And her brother just
# turned 16"): that relative is the candidate, whatever the possessive's own sex.
_OPENING_RELATION_SEX_RE = re.compile(
    r"^\W*(?:(?:and|so|ok|okay|well)\W+)*(?:(?:what|how)\s+about\s+)?(?:his|her|their)\s+"
    r"(?:(?:older|elder|younger|little|big|twin)\s+)?" + _KIN_BY_SEX,
    re.IGNORECASE,
)
# Clinician shorthand: "Male patient, 64", "female participant".
_PATIENT_SEX_RE = re.compile(
    r"\b(?:(?P<f>female|woman)|(?P<m>male|man))\s+(?:patient|participant|subject|volunteer)\b", re.IGNORECASE
)
_PRONOUN_SEX_RE = re.compile(r"\b(?:(?P<f>she|she's|her)|(?P<m>he|he's|his|him))\b", re.IGNORECASE)
# Who treats or advises the candidate: "Surgeon says he got it all", "the neurologist changed his dose". A pronoun
# after one in its sentence may be theirs, so it tells nothing of the candidate's sex. Specialists are named by the
# English suffixes of the trade ("oncologist", "psychiatrist", "pediatrician").
_CARER_BEFORE_RE = re.compile(
    r"\b(?:doctor|dr|doc|surgeon|physician|nurse|gp|pcp|specialist|consultant|therapist|pharmacist|dentist|midwife"
    r"|[a-z]+olog(?:ist|er)|[a-z]+iatrist|[a-z]+ician)s?\b[^.!?]*$",
    re.IGNORECASE,
)
_ASKS_SEX_RE = re.compile(r"\b(?:(?P<f>women|females|girls|ladies)|(?P<m>men|males|boys))\b", re.IGNORECASE)
# "I date women", "sex with men": the people one relates to, not the group the question asks about.
_RELATED_TO_BEFORE_RE = re.compile(
    r"\b(?:with|dates?|dated|dating|marry|married|loves?|attracted\s+to)\s+(?:other\s+|both\s+)?$", re.IGNORECASE
)


def _sex_from(found: re.Match[str]) -> tuple[str, Span]:
    for group, label in (("f", "female"), ("f2", "female"), ("m", "male"), ("m2", "male")):
        if group in found.re.groupindex and found.group(group):
            return label, found.span(group)
    raise ValueError("sex pattern matched without a labelled group")


_ASKER_AS_SUBJECT_RE = re.compile(r"(?-i:\bI\b)(?!\s+(?:think|believe|guess|wonder|hope|heard|read|was\s+told)\b)")


def _sex(text: str) -> tuple[str, Span] | None:
    # A relative or a pronoun gives the candidate's sex only when the candidate is not the asker: "I stopped
    # breastfeeding my son ... Does that count against me?" says nothing of the asker's sex; nor, when the question
    # does not say who would join, does a man the asker tells of beside themselves ("The baby's father and I aren't in
    # contact ... how to reach him").
    who = _candidate(text)[0]
    asker_tells = who == "self" or (who == "unknown" and _ASKER_AS_SUBJECT_RE.search(text) is not None)
    of_others = () if asker_tells else (_OPENING_RELATION_SEX_RE, _RELATION_SEX_RE, _PRONOUN_SEX_RE)
    for sex_re in (_SELF_SEX_RE, _PATIENT_SEX_RE, *of_others):
        for found in sex_re.finditer(text):
            if sex_re is _PRONOUN_SEX_RE and _CARER_BEFORE_RE.search(text, 0, found.start()):
                break  # this pronoun and the ones after it may be the carer's
            return _sex_from(found)
    return None


def _asks_about_sex(text: str) -> str | None:
    for found in _ASKS_SEX_RE.finditer(text):
        if not _RELATED_TO_BEFORE_RE.search(text, max(0, found.start() - 30), found.start()):
            return _sex_from(found)[0]
    return None


# --- measurements and elapsed time ------------------------------------------------------------------------------------
_AGO_RE = re.compile(r"\s*(?:ago|back|earlier|before\s+now)\b", re.IGNORECASE)
_SINCE_RE = re.compile(
    r"\s*since\s+(?:my\s+|his\s+|her\s+|the\s+)?(?:last\s+|final\s+|most\s+recent\s+)?", re.IGNORECASE
)
_FOR_BEFORE_RE = re.compile(
    r"\b(?:for|lasting|over)\s+(?:the\s+(?:last|past)\s+)?(?:about\s+|almost\s+|nearly\s+|over\s+|more\s+than\s+"
    r"|less\s+than\s+|at\s+least\s+|under\s+)?$",
    re.IGNORECASE,
)
# A length followed by what it was spent on: "been 6 months on Retrovir", "had two years of methotrexate".
_ON_WHAT_AFTER_RE = re.compile(r"\s+(?:on|of)\s+(?=[A-Za-z])", re.IGNORECASE)
_SPENT_BEFORE_RE = re.compile(
    r"\b(?:been|had|after|spent|did|done|completed|finished)\s+(?:(?:only|just|about|around|nearly|almost|over)\s+)*$",
    re.IGNORECASE,
)
_RECENT_BEFORE_RE = re.compile(
    r"(?:within|in|during|over)\s+(?:the\s+)?(?:last|past|previous|prior)\s+(?:about\s+)?$|within\s+$", re.IGNORECASE
)
_EVENT_LEAD_RE = re.compile(
    r"^(?:(?:i|i'?ve|i'?m|i\s+am|he|she|he'?s|she'?s|we|my|his|her|our|last|final|most|recent|the|a|an|had|have|has|was"
    r"|were|been|got|did|took|received|finished|completed|ended|it|it's|its|is|and|so|then|also|only|just|about"
    r"|dose|of|round|session|course|stopped|quit|started|began|came\s+off|went\s+off)\s+)+",
    re.IGNORECASE,
)
_EVENT_TAIL_RE = re.compile(r"\s+(?:was|were|is|ended|finished|stopped)$", re.IGNORECASE)
# (a point or comma between digits is part of a number: "since my 1,500 cGy")
_CLAUSE_STOP_RE = re.compile(r"(?<!\d)[.,]|[.,](?!\d)|[;!?\n]|\b(?:and|but|so|because)\b")
_MONTHS = (
    r"january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr"
    r"|jun|jul|aug|sep|sept|oct|nov|dec"
)
_VAGUE_WHEN_RE = re.compile(
    r"\b(?:in|on|during|back\s+in|since|last)\s+(?:early\s+|late\s+|mid-?\s*)?(?:(?:" + _MONTHS + r")\b|(?:19|20)\d\d\b"
    r"|(?:spring|summer|autumn|fall|winter)\b)|\brecently\b|\blast\s+(?:week|month|year)\b",
    re.IGNORECASE,
)


def _trim(text: str, start: int, end: int) -> Span:
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not (text[end - 1].isalnum() or text[end - 1] == "%"):
        end -= 1
    return start, end


def _event_before(text: str, end: int) -> Span | None:
    span = _trim(text, clause_start(text, end), end)
    lead = _EVENT_LEAD_RE.match(text[span[0] : span[1]])
    if lead is not None:
        span = (span[0] + lead.end(), span[1])
    tail = _EVENT_TAIL_RE.search(text, span[0], span[1]) if span[0] < span[1] else None
    if tail is not None:
        span = (span[0], tail.start())
    return span if span[0] < span[1] else None


def _event_after(text: str, start: int) -> Span | None:
    stop = _CLAUSE_STOP_RE.search(text, start)
    span = _trim(text, start, stop.start() if stop else len(text))
    return span if span[0] < span[1] else None


def _elapsed_from(text: str, mention: QuantityMention) -> Elapsed | None:
    value = mention.quantity.value
    ago = _AGO_RE.match(text, mention.span[1])
    if ago is not None:
        event_span = _event_before(text, mention.noun_end)
        return Elapsed(
            _quote(text, event_span),
            event_span,
            value,
            None,
            mention.comparator,
            (event_span[0] if event_span else mention.span[0], ago.end()),
        )
    since = _SINCE_RE.match(text, mention.span[1])
    if since is not None:
        event_span = _event_after(text, since.end())
        return Elapsed(
            _quote(text, event_span),
            event_span,
            value,
            None,
            mention.comparator,
            (mention.span[0], event_span[1] if event_span else since.end()),
        )
    recent = search_ending_at(_RECENT_BEFORE_RE, text, max(0, mention.number_span[0] - 30), mention.number_span[0])
    if recent is not None:
        # "chemo within the last 2 weeks": some time in the last 14 days.
        event_span = _event_before(text, recent.start())
        start = event_span[0] if event_span else recent.start()
        return Elapsed(_quote(text, event_span), event_span, value, None, Comparator.LE, (start, mention.span[1]))
    unit = match_unit(text, mention.number_span[1])
    on_it = _ON_WHAT_AFTER_RE.match(text, unit[2][1] if unit else mention.span[1])  # "3 weeks of INH"
    if on_it is not None and _SPENT_BEFORE_RE.search(text, max(0, mention.span[0] - 30), mention.number_span[0]):
        # "What if it had only been 6 months on Retrovir?", "after two years of methotrexate": how long it lasted
        event_span = _event_after(text, on_it.end())
        end = event_span[1] if event_span else mention.span[1]
        return Elapsed(_quote(text, event_span), event_span, None, value, mention.comparator, (mention.span[0], end))
    duration_cue = _FOR_BEFORE_RE.search(text, max(0, mention.span[0] - 30), mention.number_span[0])
    if duration_cue is not None:
        event_span = _event_before(text, duration_cue.start())
        return Elapsed(
            _quote(text, event_span),
            event_span,
            None,
            value,
            mention.comparator,
            (event_span[0] if event_span else mention.span[0], mention.span[1]),
        )
    return None


def _quote(text: str, span: Span | None) -> str:
    return "" if span is None else text[span[0] : span[1]]


# "two and a half years ago", "3 months and a half ago": the number and a half. (With the article, "a year and a half
# ago", and "a year ago", "a full month since", the time is an article time, `_article_times`; "a few/couple of
# weeks ago" stays undecided.)
_HALF_AGO_RE = re.compile(
    r"\b(?P<bound>over\s+|more\s+than\s+|less\s+than\s+|under\s+|about\s+|almost\s+)?"
    r"(?:(?P<n>\d+|" + "|".join(NUMBER_WORDS) + r")\s+(?P<unit>day|week|month|year)s?\s+and\s+a\s+half"
    r"|(?P<n2>\d+|" + "|".join(NUMBER_WORDS) + r")\s+and\s+a\s+half\s+(?P<unit2>day|week|month|year)s?)"
    # "... ago", or "... since my last cigarette" (the event after it)
    r"(?:\s+ago\b|(?=\s+since\b))",
    re.IGNORECASE,
)
_ARTICLE_BOUNDS = {"over": Comparator.GT, "more": Comparator.GT, "less": Comparator.LT, "under": Comparator.LT}


# "Suppose I wait until a full year after the last shot", "What if randomisation happens six weeks after that course
# ended?": at the supposed start the event will lie that long back, which is what a criterion's window measures.
# A supposed length of time, as `_supposed_time` reads it: "about six weeks", "a full year", "3 months".
_SUPPOSED_SPAN = (
    r"(?P<bound>(?:about|around|roughly|nearly|almost|at\s+least|over|more\s+than|a\s+full|a\s+good)\s+)?"
    r"(?P<n>\d+(?:\.\d+)?|a|an|" + "|".join(NUMBER_WORDS) + r")\s+(?:full\s+)?(?P<unit>day|week|month|year)s?\s+"
)
_SUPPOSED_AFTER_RE = re.compile(
    # future and supposed forms only: "the rash started 2 weeks after my surgery" tells the past, no time since
    r"\b(?:wait(?:ing)?\s+(?:until|till|for)|happens?|would\s+be|will\s+be|it'?(?:ll|d)\s+be"
    r"|(?:enrol(?:l|ling|ing)?|join(?:ing)?|start(?:ing)?|screen(?:ing)?)(?:\s+(?:me|him|her|them|the\s+study))?"
    # "What if the first shot is five weeks after my last dose?": the study's start, in the present, is the supposed one
    r"|(?:first\s+(?:study\s+)?(?:shot|dose|injection|infusion|vaccination|visit)|randomi[sz]ation|enrol+ment"
    r"|study\s+entry|baseline|screening)\s+(?:is|falls|comes)(?:\s+(?:only|just))?"
    # "What if screening was pushed back to 7 months after it?": a start moved later is a supposed one too
    r"|(?:screening|randomi[sz]ation|enrol+ment|study\s+entry|baseline|(?:my|his|her|the)\s+start)\s+(?:is|was|were|gets?"
    r"|got|could\s+be|would\s+be)\s+(?:pushed|moved|put)\s+(?:back|off)\s+(?:to|until|till)"
    r"|(?:screening|randomi[sz]ation|enrol+ment|study\s+entry|baseline)\s+(?:is|was|were|gets?|got|could\s+be"
    r"|would\s+be)\s+(?:delayed|postponed|moved)\s+(?:to|until|till))\s+"
    + _SUPPOSED_SPAN
    + r"after\s+(?:(?:my|his|her|their|the|that|this)\s+)?(?:(?:last|final|most\s+recent)\s+)?",
    re.IGNORECASE,
)


_BY_THEN_RE = re.compile(r"\s+(?:by\s+then|by\s+that\s+time|then)$", re.IGNORECASE)
# "And if my last Claritin had been a month before starting?": an event put that long before the study's start lies
# that far back at the start. Only the study's own start: "2 weeks before my surgery" dates nothing.
_SUPPOSED_BEFORE_RE = re.compile(
    _SUPPOSED_SPAN
    + r"before\s+(?:starting|(?:the\s+)?(?:study\s+)?(?:start|entry)|(?:i|he|she|we|they)\s+(?:start|join|enrol+)"
    r"|enrol+(?:ment|ing)|joining|screening|randomi[sz]ation|day\s+1|the\s+(?:first\s+)?(?:study\s+)?(?:dose|drug"
    r"|treatment|shot|infusion|injection)|the\s+study)\b",
    re.IGNORECASE,
)
_WAITED_BEFORE_RE = re.compile(r"\bwait(?:s|ed|ing)?\s+(?:another\s+|a\s+further\s+|an\s+extra\s+|for\s+|a\s+)?$", re.I)
# What makes a time before the start a supposition rather than the past told ("I stopped it 2 weeks before starting
# the other study").
_SUPPOSING_RE = re.compile(r"\b(?:if|suppose|supposing|say|had\s+been|would\s+be|will\s+be|were)\b", re.IGNORECASE)


def _amount_of(number: str) -> float:
    """ "a", "six", "2.5" as a number of units."""
    number = number.lower()
    return 1.0 if number in ("a", "an") else float(NUMBER_WORDS.get(number, 0) or number)


def _ago_words(number: str, unit: str) -> str:
    """ "five weeks ago", "a month ago": a time since told back in words."""
    unit = unit.lower()
    return f"{number} {unit} ago" if number.lower() in ("a", "an", "one", "1") else f"{number} {unit}s ago"


def _supposed_as_ago(text: str) -> str | None:
    """ "What if the first shot is five weeks after my last dose?": at that start the dose lies "five weeks ago"."""
    found = _SUPPOSED_AFTER_RE.search(text)
    if found is None:
        return None
    return _ago_words(found.group("n"), found.group("unit"))


def _supposed_before_start(text: str) -> list[Elapsed]:
    """Events supposed some time before the study's start: that long ago at the start."""
    items = []
    for found in _SUPPOSED_BEFORE_RE.finditer(text):
        if not _SUPPOSING_RE.search(text, sentence_start(text, found.start()), found.start()):
            continue
        if _WAITED_BEFORE_RE.search(text, max(0, found.start() - 30), found.start()):
            continue  # "If I wait another two weeks before the first dose": a wait, which moves the times told
        event_span = _event_before(text, found.start())
        if event_span is not None:
            # "my last Claritin had been": the verb joining event and time is not the event
            told = text[event_span[0] : event_span[1]]
            verb = re.search(r"(?:^|\s+)(?:had\s+been|would\s+be|will\s+be|was|were|is)$", told)
            event_span = (event_span[0], event_span[0] + verb.start()) if verb else event_span
            event_span = event_span if event_span[0] < event_span[1] else None
        days_ago, comparator = _supposed_time(found)
        start = event_span[0] if event_span else found.start()
        items.append(Elapsed(_quote(text, event_span), event_span, days_ago, None, comparator, (start, found.end())))
    return items


def _supposed_time(found: re.Match[str]) -> tuple[float, Comparator]:
    """The days a supposed time spans ("a full year", "about six weeks") and how it is bounded."""
    amount = _amount_of(found.group("n"))
    bound = (found.group("bound") or "").split()
    comparator = _ARTICLE_BOUNDS.get(bound[0].lower(), Comparator.EQ) if bound else Comparator.EQ
    return amount * DAYS_PER_UNIT[found.group("unit").lower()], comparator


def _supposed_elapsed(text: str) -> list[Elapsed]:
    items = []
    for found in _SUPPOSED_AFTER_RE.finditer(text):
        days_ago, comparator = _supposed_time(found)
        event_span = _event_after(text, found.end())
        if event_span is not None:
            tail = _BY_THEN_RE.search(text, event_span[0], event_span[1])
            event_span = (event_span[0], tail.start()) if tail is not None else event_span
        end = event_span[1] if event_span else found.end()
        items.append(Elapsed(_quote(text, event_span), event_span, days_ago, None, comparator, (found.start(), end)))
    return items


# "suppose I come off it completely and wait 5 weeks", "What if I stop the prednisone and then wait a month?": a stop
# supposed now and a wait after it put the last use that long ago at the end of the wait.
_STOP_THEN_WAIT_RE = re.compile(
    r"\b(?:stop(?:s|ped|ping)?|come\s+off|go\s+off|get\s+off|quit|discontinue[sd]?|taper\s+off)\s+"
    r"(?P<what>it|them|that|(?:the|my|his|her|their)\s+[\w-]+|[\w-]+)"
    r"(?:\s+(?:completely|entirely|altogether|now|today|first))?(?:\s*,\s*|\s+)(?:(?:and|then)\s+)?(?:then\s+)?"
    r"wait(?:s|ed|ing)?\s+(?:for\s+)?(?:about\s+|around\s+)?"
    r"(?P<n>\d+(?:\.\d+)?|a|an|" + "|".join(NUMBER_WORDS) + r")\s+(?P<unit>day|week|month|year)s?\b",
    re.IGNORECASE,
)


def _stopped_then_waited(text: str) -> list[Elapsed]:
    """Events whose last use a supposed stop and wait dates: that long ago, at the end of the wait."""
    items = []
    for found in _STOP_THEN_WAIT_RE.finditer(text):
        days = _amount_of(found.group("n")) * DAYS_PER_UNIT[found.group("unit").lower()]
        what = found.span("what")
        items.append(Elapsed(text[what[0] : what[1]], what, days, None, Comparator.EQ, found.span()))
    return items


_REFERRING_EVENT = frozenset({"it", "that", "this", "then", "them"})


def _supposed_times_referring_back(text: str, elapsed: list[Elapsed]) -> list[Elapsed]:
    """A supposed time for an event told before ("I had a heart attack 4 months ago ... What if screening was pushed
    back to 7 months after it?", "I took Claritin until two weeks ago ... And if my last Claritin had been a month
    before starting?") is a new time for it, which replaces the one told: after "it", the event told just before; by
    name, the event told with the same word."""
    supposed = {m.end() for pattern in (_SUPPOSED_AFTER_RE, _SUPPOSED_BEFORE_RE) for m in pattern.finditer(text)}
    kept = _supposed_lengths_by_name(text, list(elapsed))
    for told in list(kept):
        if told.days_ago is None:
            continue
        before = [e for e in kept if e.span[1] <= told.span[0] and e.event.lower() not in _REFERRING_EVENT]
        if told.event.lower() not in _REFERRING_EVENT:
            # by name: only a supposition, and only an event told with one of its words
            named_alike = {w for w in tokens(told.event) if len(w) > 3}
            alike = [e for e in before if named_alike & set(tokens(e.event))]
            if not any(told.span[0] < end <= told.span[1] for end in supposed) or not alike:
                continue
            kept.remove(alike[-1])
            kept[kept.index(told)] = replace(told, span=(alike[-1].span[0], told.span[1]))  # both read
            continue
        if before:
            named = before[-1]
            kept.remove(named)
            # the time told first is read too: the new one takes its place. How long it lasted is another fact,
            # which stays ("I took AZT for 2 years and stopped it 3 months ago").
            span = (named.span[0], told.span[1])
            lasted = named.duration_days if told.duration_days is None else told.duration_days
            kept[kept.index(told)] = replace(
                told, event=named.event, event_span=named.event_span, span=span, duration_days=lasted
            )
    return kept


def _naming_words(event: str) -> set[str]:
    """The words that name an event: not short function words, but an acronym however short ("INH", "AZT")."""
    acronyms = {w.lower() for w in re.findall(r"\b[A-Z][A-Z0-9]{1,5}\b", event)}
    return {w for w in tokens(event) if len(w) > 3} | acronyms


def _supposed_lengths_by_name(text: str, elapsed: list[Elapsed]) -> list[Elapsed]:
    """ "I took Retrovir for about 2 years ... What if it had only been 6 months on Retrovir?": a length supposed for an
    event told before by name is its new length; the time since it stays."""
    kept = list(elapsed)
    for told in elapsed:
        if told.duration_days is None or told.days_ago is not None or told not in kept:
            continue
        if not any(m.start() < told.span[0] for m in _SUPPOSING_RE.finditer(text)):
            continue
        named = _naming_words(told.event)
        alike = [e for e in kept if e.span[1] <= told.span[0] and named & set(tokens(e.event)) and e is not told]
        if not alike:
            continue
        kept.remove(told)
        kept[kept.index(alike[-1])] = replace(alike[-1], duration_days=told.duration_days)
    return kept


# "for a year", "been about a year and a half on AZT", "a month of INH", "for two full months": a time whose number is
# the article, or a number the quantity parser leaves for the word between it and its unit. Read as a quantity so
# that every cue a numbered time has ("ago", "since", "for", "been ... on") applies to it too.
_ARTICLE_TIME_RE = re.compile(
    r"\b(?P<bound>(?:over|more\s+than|less\s+than|under|about|almost|nearly|around|at\s+least)\s+)?"
    r"(?:(?P<n>an?)\s+(?:full\s+|whole\s+|good\s+)?|(?P<count>\d+|"
    + "|".join(NUMBER_WORDS)
    + r")\s+(?:full|whole|good)\s+)"
    r"(?P<unit>day|week|month|year)s?(?P<half>\s+and\s+a\s+half)?\b",
    re.IGNORECASE,
)
_ARTICLE_TIME_BOUNDS = {**_ARTICLE_BOUNDS, "at": Comparator.GE}


def _article_times(text: str, taken: Sequence[Span]) -> list[QuantityMention]:
    """Times with an article for the number ("a year") or a word before the unit ("two full months"), as quantity
    mentions in days, apart from those read already."""
    mentions: list[QuantityMention] = []
    for found in _ARTICLE_TIME_RE.finditer(text):
        if any(_overlaps(found.span(), span) for span in taken):
            continue
        bound = (found.group("bound") or "").split()
        comparator = _ARTICLE_TIME_BOUNDS.get(bound[0].lower(), Comparator.EQ) if bound else Comparator.EQ
        count = found.group("count")
        amount = 1.0 if count is None else float(NUMBER_WORDS.get(count.lower(), 0) or count)
        amount += 0.5 if found.group("half") else 0.0
        days = Quantity(amount * DAYS_PER_UNIT[found.group("unit").lower()], "day")
        # the number's span runs to the phrase's end, so no unit is read after it a second time
        number_span = (found.start("n") if count is None else found.start("count"), found.end())
        mentions.append(QuantityMention("time", None, comparator, days, number_span, found.span(), True))
    return mentions


def _half_ago_elapsed(text: str, taken: list[Span]) -> list[Elapsed]:
    """Times since told as a number and a half ("two and a half years ago"), apart from those read already."""
    items: list[Elapsed] = []
    for found in _HALF_AGO_RE.finditer(text):
        if any(_overlaps(found.span(), span) for span in taken):
            continue
        since = _SINCE_RE.match(text, found.end())
        if since is not None:
            event_span = _event_after(text, since.end())
            start, end = found.start(), event_span[1] if event_span else since.end()
        else:
            event_span = _event_before(text, found.start())
            start, end = event_span[0] if event_span else found.start(), found.end()
        bound = (found.group("bound") or "").split()
        comparator = _ARTICLE_BOUNDS.get(bound[0].lower(), Comparator.EQ) if bound else Comparator.EQ
        days_ago = _told_amount(found) * DAYS_PER_UNIT[(found.group("unit") or found.group("unit2")).lower()]
        items.append(Elapsed(_quote(text, event_span), event_span, days_ago, None, comparator, (start, end)))
    return items


# "on the same dose for about two and a half months": how long, with the half ("for a year and a half" is an article
# time, `_article_times`).
_HALF_FOR_RE = re.compile(
    r"\bfor\s+(?P<bound>over\s+|more\s+than\s+|less\s+than\s+|under\s+|about\s+|almost\s+|at\s+least\s+)?"
    r"(?:(?P<n>\d+|" + "|".join(NUMBER_WORDS) + r")\s+(?P<unit>day|week|month|year)s?\s+and\s+a\s+half"
    r"|(?P<n2>\d+|" + "|".join(NUMBER_WORDS) + r")\s+and\s+a\s+half\s+(?P<unit2>day|week|month|year)s?)\b",
    re.IGNORECASE,
)


def _half_durations(text: str, taken: list[Span]) -> list[Elapsed]:
    items: list[Elapsed] = []
    for found in _HALF_FOR_RE.finditer(text):
        if any(_overlaps(found.span(), span) for span in taken):
            continue
        event_span = _event_before(text, found.start())
        bound = (found.group("bound") or "").split()
        comparator = _ARTICLE_TIME_BOUNDS.get(bound[0].lower(), Comparator.EQ) if bound else Comparator.EQ
        days = _told_amount(found) * DAYS_PER_UNIT[(found.group("unit") or found.group("unit2")).lower()]
        start = event_span[0] if event_span else found.start()
        items.append(Elapsed(_quote(text, event_span), event_span, None, days, comparator, (start, found.end())))
    return items


# "So if I wait a couple more months ...?", "What if I wait another 3 weeks?": a wait supposed after times were told.
_WAIT_MORE_RE = re.compile(
    r"\bwait(?:ing)?\s+(?:for\s+)?(?:another\s+(?:(?P<n1>\d+(?:\.\d+)?|" + "|".join(NUMBER_WORDS) + r")\s+)?"
    r"|(?P<n2>\d+(?:\.\d+)?|a|an|" + "|".join(NUMBER_WORDS) + r")\s+(?:more|extra|further)\s+"
    r"|(?P<vague>a\s+couple(?:\s+of)?|a\s+few|several|some)\s+(?:more\s+)?)(?P<unit>day|week|month|year)s?\b",
    re.IGNORECASE,
)
# "And if I wait until I've been on the same dose for 10 weeks?": the time told after it is the one supposed.
_WAIT_UNTIL_RE = re.compile(r"\bwait(?:ing)?\s+(?:until|till|til)\b", re.IGNORECASE)


def _after_waiting(text: str, elapsed: list[Elapsed]) -> list[Elapsed]:
    """Times told before a supposed wait, as they will be when it is over: a wait of a stated length puts each event
    that much further back and adds it to what still lasts; a vague one ("a couple more months") leaves them unknown;
    "wait until I've been on it for 10 weeks" replaces what was told of the same thing before."""
    more = _WAIT_MORE_RE.search(text)
    if more is not None:
        days = _wait_days(more)
        return [_waited(item, days) if item.span[1] <= more.start() else item for item in elapsed]
    until = _WAIT_UNTIL_RE.search(text)
    if until is None:
        return elapsed
    later = [item for item in elapsed if item.span[0] >= until.start()]
    supposed = {w for item in later for w in tokens(item.event)} - {"wait", "waiting", "until", "till", "til"}
    kept = [item for item in elapsed if item.span[0] >= until.start() or not supposed & set(tokens(item.event))]
    lengths = [item for item in kept if item not in later and item.duration_days is not None and item.days_ago is None]
    if len(kept) == len(elapsed) and len(lengths) == 1 and any(item.duration_days is not None for item in later):
        # "wait until she's been on the same dose for two full months" names nothing told before: it supposes the
        # one length told ("on Prozac for about a month") longer
        kept.remove(lengths[0])
    return kept


# Values that are lengths of time still running: a wait adds to them ("25 weeks pregnant" ... "wait three more weeks").
_GROWS_WHILE_WAITING = frozenset({"gestational_age"})


def _grown_by_waiting(text: str, measurements: list[Measurement]) -> list[Measurement]:
    """Lengths still running told before a supposed wait, as they will be when it is over (a vague wait leaves them
    unknown, so they go)."""
    more = _WAIT_MORE_RE.search(text)
    if more is None:
        return measurements
    days = _wait_days(more)
    grown: list[Measurement] = []
    for m in measurements:
        if m.measure not in _GROWS_WHILE_WAITING or m.span[1] > more.start():
            grown.append(m)
        elif days is not None:
            grown.append(replace(m, quantity=replace(m.quantity, value=m.quantity.value + days)))
    return grown


def _wait_days(more: re.Match[str]) -> float | None:
    """The days a supposed wait lasts ("another 3 weeks", "two more months"); None for a vague one ("a few more")."""
    if more.group("vague"):
        return None
    amount = _amount_of(more.group("n1") or more.group("n2") or "1")
    return amount * DAYS_PER_UNIT[more.group("unit").lower()]


def _waited(item: Elapsed, days: float | None) -> Elapsed:
    if days is None:
        return replace(item, days_ago=None, duration_days=None)
    return replace(
        item,
        days_ago=None if item.days_ago is None else item.days_ago + days,
        duration_days=None if item.duration_days is None else item.duration_days + days,
    )


def _told_amount(found: re.Match[str]) -> float:
    """The number of units an "N and a half" phrase tells."""
    number = (found.group("n") or found.group("n2")).lower()
    return float(NUMBER_WORDS.get(number, 0) or number) + 0.5


# "I took my last pill yesterday", "antibiotics were started this morning": days counted from today by the words
# for them. Told of something done; "Can he start this morning?" asks about the future.
_DAYS_BACK_RE = re.compile(
    r"\b(?:(?P<two>the\s+day\s+before\s+yesterday)|(?P<one>yesterday|last\s+night)"
    r"|(?P<zero>this\s+morning|this\s+afternoon|earlier\s+today))\b",
    re.IGNORECASE,
)
_ASKS_AHEAD_RE = re.compile(r"^\W*(?:can|could|will|would|should|may|shall)\b", re.IGNORECASE)


def _days_back_elapsed(text: str, taken: list[Span]) -> list[Elapsed]:
    items: list[Elapsed] = []
    for found in _DAYS_BACK_RE.finditer(text):
        if any(start <= found.start() < end for start, end in taken):
            continue
        if _ASKS_AHEAD_RE.match(text, clause_start(text, found.start())):
            continue
        event_span = _event_before(text, found.start())
        days_ago = 2.0 if found.group("two") else 1.0 if found.group("one") else 0.0
        start = event_span[0] if event_span else found.start()
        items.append(Elapsed(_quote(text, event_span), event_span, days_ago, None, Comparator.EQ, (start, found.end())))
    return items


def _vague_elapsed(text: str, taken: list[Span]) -> list[Elapsed]:
    """Events dated without a duration ("surgery in March"): recorded, but undecidable (days_ago None)."""
    found_items: list[Elapsed] = []
    for found in _VAGUE_WHEN_RE.finditer(text):
        if any(start <= found.start() < end for start, end in taken):
            continue
        event_span = _event_before(text, found.start())
        if event_span is None:
            continue
        found_items.append(
            Elapsed(_quote(text, event_span), event_span, None, None, Comparator.EQ, (event_span[0], found.end()))
        )
    return found_items


def _overlaps(span: Span, other: Span | None) -> bool:
    return other is not None and span[0] < other[1] and other[0] < span[1]


@cache
def _performance_grades() -> tuple[tuple[int, tuple[re.Pattern[str], ...]], ...]:
    data = json.loads((resources.files("assistant") / "data" / "performance_status.json").read_text())
    return tuple((g["grade"], tuple(re.compile(p) for p in g["patterns"])) for g in data["grades"])


def _performance_status_described(text: str) -> list[Measurement]:
    """ "She spends most of the day in bed": the ECOG grade the scale's own definition gives that description."""
    lowered = text.lower()
    for grade, patterns in _performance_grades():
        for pattern in patterns:
            found = pattern.search(lowered)
            if found:
                quantity = Quantity(value=float(grade), unit="score")
                return [Measurement("ecog", quantity, Comparator.EQ, found.span(), found.span())]
    return []


def _named_by_acronym(text: str, mention: QuantityMention) -> bool:
    """A bare number is kept for a measure named by an acronym ("EDSS 7.0", "PHQ-8 21", "CD4 290"): scores and labs
    go by such names, and a criterion bounding the same acronym is about the same thing; a plain word ("my dose is
    2") is too vague to compare."""
    if mention.measure_span is None:
        return False
    start, end = mention.measure_span
    return is_acronym(text[start:end]) or _TYPED_LAB_CODE.fullmatch(text, start, end) is not None


# A lab's code typed in lower case, two or more letters then a digit ("cd4 was 520", "hba1c 7.9"): the same name. One
# letter and a digit is a spinal level ("L4-5", "C5-6") as often as a lab.
_TYPED_LAB_CODE = re.compile(r"[a-z]{2,5}\d[a-z0-9]*", re.IGNORECASE)


def _measurements_and_elapsed(
    text: str, age_span: Span | None, ages_at_onset: Sequence[Span] = ()
) -> tuple[list[Measurement], list[Elapsed]]:
    measurements: list[Measurement] = []
    elapsed: list[Elapsed] = []
    mentions = find_quantities(text)
    for mention in mentions:
        if _overlaps(mention.number_span, age_span) or any(_overlaps(mention.number_span, s) for s in ages_at_onset):
            continue
        if mention.quantity.unit == "day" and mention.measure not in MEASURES_IN_DAYS:
            item = _elapsed_from(text, mention)
            if item is not None:
                elapsed.append(item)
            continue
        if mention.measure == UNKNOWN_MEASURE and mention.quantity.unit == "kg":
            # "I am 1.75 m tall and 90 kg", "She is 14 and 45 kg": a mass told of a person with no other name is
            # their body weight (a dose per kilogram has its own unit, mg/kg)
            mention = replace(mention, measure="weight")
        if mention.measure in ("age", UNKNOWN_MEASURE) or (
            mention.measure.startswith("head:") and not mention.unit_given and not _named_by_acronym(text, mention)
        ):
            continue
        measurements.append(
            Measurement(mention.measure, mention.quantity, mention.comparator, mention.span, mention.measure_span)
        )
    for mention in _article_times(text, [item.span for item in elapsed]):
        item = _elapsed_from(text, mention)
        if item is not None:
            elapsed.append(item)
    elapsed.extend(_half_ago_elapsed(text, [item.span for item in elapsed]))
    elapsed.extend(_supposed_elapsed(text))
    elapsed.extend(_stopped_then_waited(text))
    elapsed.extend(_supposed_before_start(text))
    elapsed.extend(_days_back_elapsed(text, [item.span for item in elapsed]))
    elapsed.extend(_half_durations(text, [item.span for item in elapsed]))
    elapsed.extend(_vague_elapsed(text, [item.span for item in elapsed]))
    measurements.extend(_later_readings(text, measurements, mentions, age_span))
    return _grown_by_waiting(text, measurements), _after_waiting(text, elapsed)


# "6 weeks ago, not last night", "two months ago rather than three weeks": the time after it is the one taken back.
_RETRACTS_RE = re.compile(r"\s*[,;:]?\s*(?:and\s+|but\s+)?(?:not|rather\s+than)\b\s*", re.IGNORECASE)


def _retracted(text: str, elapsed: Sequence[Elapsed]) -> list[Elapsed]:
    """The times a time just before them takes back ("My last use was 6 weeks ago, not last night")."""
    ordered = sorted(elapsed, key=lambda item: item.span)
    retracted = []
    for before, item in itertools.pairwise(ordered):
        taken_back = _RETRACTS_RE.match(text, before.span[1])
        if taken_back is not None and before.span[1] <= item.span[0] <= taken_back.end():
            retracted.append(item)
    return retracted


def _negates_a_retracted_time(negation: NegatedFact, retracted: Sequence[Elapsed]) -> bool:
    """The "not" of "6 weeks ago, not last night" takes a time back; it denies no condition."""
    return any(
        r.span[0] - len(" not ") <= negation.trigger_span[0] and negation.scope_span[1] <= r.span[1] for r in retracted
    )


# What may stand between a named value and a later bare one of the same measure: a clause boundary or words that refer
# back to it ("... was 150 two years ago and is 300 now", "my PSA was 28; now it's down to 3", "were 120,000 and
# 50,000"). Without one, or right after "of", "in", "per", the bare number belongs to the first ("12 out of 27",
# "1 in 3"); "down to 3" is a new reading, "from 150 to 300" one range.
_READING_BOUNDARY_RE = re.compile(r"[,;.]|\b(?:and|but|then|now|while|whereas|it|it's|its)\b", re.IGNORECASE)
_PART_OF_VALUE_RE = re.compile(r"(?:\bout\s+of|\bof|\bin|\bper|\bx|/|\btimes|-)\s*$", re.IGNORECASE)
_YEAR_RE = re.compile(r"(?:19|20)\d\d")
# A limit or norm the asker quotes ("Inclusion says under 40", "normal is below 1.2", "the cutoff is 200") is not a
# reading of theirs.
_QUOTED_LIMIT_RE = re.compile(
    r"\b(?:inclusion|exclusion|criteri\w*|says?|said|limit|cut-?off|threshold|requires?|required|needs?|wants?"
    r"|normal|range|target|goal|minimum|maximum|protocol|study|trial)\b",
    re.IGNORECASE,
)


def _later_readings(
    text: str, measurements: Sequence[Measurement], mentions: Sequence[QuantityMention], age_span: Span | None
) -> list[Measurement]:
    """A bare value told after a named one, in the same or the next sentence, with nothing naming another measure or
    another person between, is a later reading of the same measure: "My CD4 was 150 two years ago and is 300 now",
    "my PSA was 28; now it's down to 3", "my viral loads were 120,000 and 50,000". Two readings that the criterion
    decides differently leave the verdict to which one counts; read as nothing, the first alone would decide."""
    readings: list[Measurement] = []
    for mention in mentions:
        if not _bare_value(text, mention) or _overlaps(mention.number_span, age_span):
            continue
        earlier = [m for m in [*measurements, *readings] if m.span[1] <= mention.number_span[0]]
        if not earlier:
            continue
        named = max(earlier, key=lambda m: m.span[1])
        between = text[named.span[1] : mention.number_span[0]]
        others_between = [
            m for m in mentions if named.span[1] <= m.number_span[0] and m.number_span[1] <= mention.number_span[0]
        ]
        if (
            named.measure.startswith("count:")
            or named.span[0] < _previous_sentence_start(text, mention.number_span[0])
            or any(m.quantity.unit != "day" for m in others_between)
            or not _READING_BOUNDARY_RE.search(between)
            or _PART_OF_VALUE_RE.search(between)
            or _ANOTHER_HOLDER_RE.search(between)
            or _QUOTED_LIMIT_RE.search(between)
        ):
            continue
        quantity = replace(mention.quantity, unit=named.quantity.unit)
        readings.append(Measurement(named.measure, quantity, mention.comparator, mention.span, None))
    return readings


def _bare_value(text: str, mention: QuantityMention) -> bool:
    """A number with no unit and nothing naming what it measures ("... and 50,000", "now it's down to 3")."""
    if mention.unit_given or not mention.measure.startswith("head:"):
        return False
    start, end = mention.number_span
    number = text[start:end]
    if not number[:1].isdigit() or _YEAR_RE.fullmatch(number):
        return False  # "the one before that", "diagnosed in 2015"
    if (start > 0 and text[start - 1].isalpha()) or (end < len(text) and text[end].isalpha()):
        return False  # part of a name: "3TC", "ACTG320"
    head = mention.measure.removeprefix("head:")
    return head == "value" or head in _NO_NAME_HEADS


def _previous_sentence_start(text: str, position: int) -> int:
    start = sentence_start(text, position)
    return sentence_start(text, start - 1) if start > 1 else 0


# --- negation (NegEx-style) -------------------------------------------------------------------------------------------
# Pre-negation triggers from NegEx (no, not, denies, without, never, free of, negative for, absence of, no history of)
# plus the first-person forms people type. Capacity phrases (can't, unable to) are left to `unmet`.
_NEGATION_TRIGGER_RE = re.compile(
    r"\b(?:(?:i|he|she|we|they)\s+)?(?:do\s+not|don'?t|does\s+not|doesn'?t|did\s+not|didn'?t|have\s+not|haven'?t|has\s+not"
    r"|hasn'?t|had\s+not|hadn'?t)\s+(?:have|has|had|got|take|use|smoke|drink|ever)?\b(?:\s+any)?"
    r"|\b(?:i'?m|i\s+am|he'?s|she'?s|he\s+is|she\s+is|is|are|was|were)\s+not(?:\s+(?:on|taking|using|currently))?\b"
    r"|\b(?:isn'?t|aren'?t|wasn'?t|weren'?t)\b(?:\s+(?:on|taking|using))?"
    r"|\bno\s+(?:history\s+of|prior|previous|signs?\s+of|evidence\s+of|known)\b|\b(?:have\s+|has\s+)?never(?:\s+had)?\b"
    r"|(?<!can\s)(?<!could\s)(?<!will\s)\bnot\b"
    r"|\b(?:no|without|denies|deny|free\s+of|negative\s+for|absence\s+of|nor|neither|none\s+of|nothing)\b"
    # pyConText's definite negated existence: a treatment refused or declined was not had ("turned down interferon")
    # ("he declined after the surgery", "she declined rapidly": a health that worsened, no refusal)
    r"|\b(?:i|he|she|we|they)\s+(?:refused|turned\s+down|declined(?!\s+(?:after|since|over|during|in|when|while"
    r"|with|from|a\s+lot|further|fast|[a-z]+ly)\b))\b",
    re.IGNORECASE,
)
# NegEx pseudo-triggers: look like negation but are not ("not sure", "no change", "not only").
_PSEUDO_NEGATION_RE = re.compile(
    r"\s*(?:sure|certain|know|only|necessarily|change|increase|decrease|further|longer|idea|problem\s+with\s+that|one\b"
    r"|way\b|clue|matter)",
    re.IGNORECASE,
)
# NegEx termination terms end a negation's scope.
_NEGATION_END_RE = re.compile(
    r"[.,;:!?\n()]|\b(?:but|however|although|though|except|apart\s+from|aside\s+from|which|who|still|yet|because|and\s+"
    r"(?:i|i'm|he|she|my|his|her|it|we|no|there)|so|can|could|is|are|was|were|i'm|i\s+am|my)\b",
    re.IGNORECASE,
)
_MAX_SCOPE_WORDS = 6
_MAX_POST_SCOPE_WORDS = 4
# Where a noun phrase before "is negative" begins: the word before it is one of these.
_NOUN_PHRASE_STOP = frozenset(
    [
        "my",
        "his",
        "her",
        "their",
        "our",
        "your",
        "the",
        "a",
        "an",
        "this",
        "that",
        "these",
        "those",
        "its",
        "is",
        "was",
        "are",
        "were",
        "i",
        "i'm",
        "he",
        "she",
        "they",
        "we",
        "and",
        "but",
        "so",
        "because",
        "when",
    ]
)
# What a negated treatment was for is not negated: "never treated for X", "no medication for X".
_TREATED_FOR_RE = re.compile(
    r"(?P<treated>(?:(?:been|ever|yet|any|a|an)\s+)*(?:treated|treatment|therapy|medication|medicine|drugs?|pills?"
    r"|tablets?|vaccinated|vaccine|surgery|operated|operation|tested|screened|checked))\s+(?:for|against|of)\b",
    re.IGNORECASE,
)
# NegEx post-negation triggers: "surface antigen is negative", "HIV-negative", "came back negative"; and the
# clinicians' "atovaquone-naive", "treatment naive": never given what the word before names.
_POST_NEGATION_RE = re.compile(
    r"(?:\s+(?:is|was|were|are|came\s+back|tested|test(?:ed)?\s+was)|-)\s*negative\b|(?P<naive>[-\s]na[iï]ve)\b",
    re.IGNORECASE,
)
# A negative auxiliary that can open a question ("Doesn't ...?", "Isn't ...?", "Can't I ...?").
_ASKING_BACK_RE = re.compile(
    r"^(?:doesn'?t|don'?t|isn'?t|aren'?t|wasn'?t|won'?t|wouldn'?t|shouldn'?t|can'?t|couldn'?t|didn'?t|haven'?t"
    r"|hasn'?t)\b",
    re.IGNORECASE,
)
# The rest of a list the scope stopped inside: "... such as nevirapine or efavirenz", "..., X, Y or Z".
_LIST_TAIL_RE = re.compile(r"(?:\s*(?:,\s*|\s+(?:or|nor|and)\s+)[\w'-]+(?:\s+[\w'-]+)?)+(?=\s*(?:[.;!?)]|$))")
_WORDS_RE = re.compile(r"\S+")


def _negations(text: str) -> list[NegatedFact]:
    facts: list[NegatedFact] = []
    for trigger in _NEGATION_TRIGGER_RE.finditer(text):
        if _PSEUDO_NEGATION_RE.match(text, trigger.end()) or _asks_back(text, trigger):
            continue
        if _cannot_do_without(text, trigger):
            continue  # "can't get through a day without his Xanax": what he needs, not what he lacks
        stop = _NEGATION_END_RE.search(text, trigger.end())
        end = stop.start() if stop else len(text)
        words = list(_WORDS_RE.finditer(text, trigger.end(), end))[:_MAX_SCOPE_WORDS]
        if not words:
            continue
        scope = _trim(text, words[0].start(), _end_of_list(text, words[-1].end(), end))
        treated = _TREATED_FOR_RE.match(text, scope[0])
        if treated is not None:
            # "never been treated for hepatitis B": the treatment is negated, the condition is not.
            scope = _trim(text, scope[0], treated.end("treated"))
        if scope[0] < scope[1]:
            facts.append(NegatedFact(_trim(text, *trigger.span()), scope))
    for found in _POST_NEGATION_RE.finditer(text):
        before = _post_negation_scope(text, found)
        if before is not None:
            facts.append(NegatedFact(_trim(text, *found.span()), before))
    return facts


def _post_negation_scope(text: str, found: re.Match[str]) -> Span | None:
    """What a post-negation trigger negates: the word a hyphen joins it to ("HER2-negative": HER2, not the tumour),
    or the noun phrase right before "is/came back negative", back to a determiner, possessive or verb ("my
    HIV test came back negative": HIV test)."""
    start = _clause_start(text, found.start())
    words = list(_WORDS_RE.finditer(text, start, found.start()))
    if found.group(0).startswith("-") or found.group("naive"):
        words = words[-1:]
    kept: list[re.Match[str]] = []
    for word in reversed(words[-_MAX_POST_SCOPE_WORDS:]):
        lowered = word.group(0).lower()
        if lowered in _NOUN_PHRASE_STOP or lowered.endswith(("'s", "’s")):
            break
        kept.insert(0, word)
    if not kept:
        return None
    return _trim(text, kept[0].start(), kept[-1].end())


# A negated ability as people write it ("can't", "could not").
_CANNOT = r"can'?t|cannot|can\s+not|could\s+not|couldn'?t"
# A negated ability before "without" in its clause: "can't get through a day without", "could not sleep without".
_CANNOT_BEFORE_RE = re.compile(rf"\b(?:{_CANNOT}|unable\s+to)\b[^.;,!?]*$", re.IGNORECASE)


def _cannot_do_without(text: str, trigger: re.Match[str]) -> bool:
    """ "He can't get through a day without his Xanax": two negations, so "without" tells what is needed (NegEx reads
    a double negative as no negation)."""
    if not trigger.group(0).lower().startswith("without"):
        return False
    return _CANNOT_BEFORE_RE.search(text, _clause_start(text, trigger.start()), trigger.start()) is not None


def _asks_back(text: str, trigger: re.Match[str]) -> bool:
    """ "Doesn't the criterion need FEV1 under 80%?", "Isn't that allowed?": a negative question opening a sentence
    asks for confirmation; it negates no fact (NegEx's pseudo-negation)."""
    if not _ASKING_BACK_RE.match(trigger.group(0)):
        return False
    before = text[: trigger.start()].rstrip()
    sentence_end = text.find("?", trigger.end())
    other_end = min((i for i in (text.find(".", trigger.end()), text.find("!", trigger.end())) if i >= 0), default=-1)
    opens = not before or before.endswith((".", "?", "!", ":", ";", ","))
    return opens and sentence_end >= 0 and (other_end < 0 or sentence_end < other_end)


def _end_of_list(text: str, end: int, limit: int) -> int:
    """A negation's scope that stops inside a list runs to the list's end ("never taken an NNRTI such as
    nevirapine or efavirenz")."""
    found = _LIST_TAIL_RE.match(text, end, limit)
    return found.end() if found else end


# --- unmet capacities/circumstances -----------------------------------------------------------------------------------
_SUBJECT = r"(?:i|he|she|we|they|my\s+\w+|(?:my|our|his|her)\s+\w+\s+\w+)"
_CANNOT_RE = re.compile(
    r"\b"
    + rf"(?:{_SUBJECT}|(?<=\band\s)|(?<=\bbut\s))"  # "speaks Portuguese and can't read French": the subject is shared
    + rf"\s*(?:{_CANNOT}|won'?t\s+be\s+able\s+to|will\s+not\s+be\s+able\s+to"
    r"|(?:am|'m|is|'s|are|'re)\s+(?:not\s+able\s+to|unable\s+to)|isn'?t\s+able\s+to|aren'?t\s+able\s+to"
    r"|(?:have|has)\s+no\s+way\s+(?:to|of)|(?:don'?t|doesn'?t|do\s+not|does\s+not)\s+"
    r"(?:actually\s+|really\s+|even\s+|currently\s+|yet\s+)?(?P<verb>speak|read|write|drive"
    r"|own|understand|have\s+access\s+to|have\s+(?:a|an|any)|have))\b",
    re.IGNORECASE,
)
_LANGUAGE_VERBS = (
    r"(?:speaks?|reads?|writes?|understands?|knows?)(?:\s*(?:,|and|or|&)\s*(?:speaks?|reads?|writes?|understands?))*"
)
# "only speaks Spanish", "only speaks and reads Spanish", "speaks only Tigrinya"
_ONLY_LANGUAGE_RE = re.compile(
    r"\b(?:only\s+"
    + _LANGUAGE_VERBS
    + r"|"
    + _LANGUAGE_VERBS
    + r"\s+only)\s+(?:a\s+(?:little|bit\s+of)\s+)?"
    + LANGUAGE_RE.pattern[2:],
    re.IGNORECASE,
)
_ALONE_RE = re.compile(
    r"\b(?:i|he|she|they)\s*(?:'m|am|is|are)?\s*(?:living|lives?)\s+(?:all\s+)?(?:by\s+(?:my|him|her)self"
    r"|alone|on\s+(?:my|his|her)\s+own)\b",
    re.IGNORECASE,
)
_NO_ONE_RE = re.compile(
    r"\b(?:there\s+is|there'?s|i\s+have|he\s+has|she\s+has|we\s+have)?\s*(?:no\s*one|nobody|no\s+body)\b", re.IGNORECASE
)
_NO_THING_RE = re.compile(
    r"\bno\s+(?=(?:car|transport|transportation|ride|smart\s?phone|phone|internet|computer|caregiver"
    r"|carer|one\s+to|family|way\s+to)\b)",
    re.IGNORECASE,
)


# Taking part itself: what "can't" is said of when the asker wonders whether they may join.
_JOINING_RE = re.compile(
    r"(?:be\s+(?:(?:in|part\s+of|a\s+part\s+of)\s+(?:this|it|that|the\s+(?:study|trial))|included|eligible|accepted"
    r"|enrolled)|join|take\s+part|participate|enrol+|qualify|sign\s+up|do\s+(?:it|this|the\s+(?:study|trial)))(?!\w)"
    r"|get\s+in(?:to)?(?=\s*(?:$|[?.!,]|(?:this|it|that|the\s+(?:study|trial))\b))",
    re.IGNORECASE,
)
_REST_STOP_RE = re.compile(r"[.;!?\n]|,\s|\bbut\b|\band\s+(?:i|he|she|we|they|my|no|there)\b", re.IGNORECASE)
# "couldn't" in a clause giving the reason for something told ("... stopped after one cycle because she couldn't
# tolerate it") is the past; elsewhere it may be the conditional of a present lack ("I couldn't travel weekly").
_PAST_REASON_RE = re.compile(r"\b(?:because|since|as)\s+(?:\w+\s+){0,2}$", re.IGNORECASE)
_PAST_MODAL_RE = re.compile(r"\bcould(?:n'?t|\s+not)\b", re.IGNORECASE)
_GENERAL_CANNOT_RE = re.compile(r"can'?t|cannot|can\s+not|could|able|way", re.IGNORECASE)


def _rest_of_clause(text: str, start: int) -> Span:
    stop = _REST_STOP_RE.search(text, start)
    return _trim(text, start, stop.start() if stop else len(text))


def _unmet(text: str) -> list[UnmetCircumstance]:
    items: list[UnmetCircumstance] = []
    for cue in _CANNOT_RE.finditer(text):
        # "I don't speak English": the verb is part of what is lacking; "I can't travel": what follows the modal.
        span = _rest_of_clause(text, cue.start("verb") if cue.group("verb") else cue.end())
        if not cue.group("verb") and _JOINING_RE.match(text, span[0]):
            continue  # "Doesn't that mean I can't be in this?" asks whether they may join, and lacks nothing
        if _PAST_REASON_RE.search(text, 0, cue.start()) and _PAST_MODAL_RE.search(cue.group(0)):
            continue  # "had to stop because she couldn't tolerate it": why something told happened, not a lack now
        kind = circumstance_kind(text[cue.start() : span[1]])
        general = _GENERAL_CANNOT_RE.search(cue.group(0))
        if kind is None and general is None:
            continue  # "I don't have diabetes" is a negation, not a missing capacity
        items.append(UnmetCircumstance(kind or "ability", span if span[0] < span[1] else cue.span(), cue.span()))
    for cue in _ONLY_LANGUAGE_RE.finditer(text):
        items.append(UnmetCircumstance("language", _trim(text, *cue.span()), cue.span(), only=True))
    for cue in _ALONE_RE.finditer(text):
        items.append(UnmetCircumstance("caregiver", _trim(text, *cue.span()), cue.span()))
    for cue_re, default_kind in ((_NO_ONE_RE, "caregiver"), (_NO_THING_RE, None)):
        for cue in cue_re.finditer(text):
            span = _rest_of_clause(text, cue.start())
            kind = circumstance_kind(text[span[0] : span[1]]) or default_kind
            if kind is not None and not any(_overlaps(span, item.span) for item in items):
                items.append(UnmetCircumstance(kind, span, _trim(text, *cue.span())))
    items.sort(key=lambda item: item.span[0])
    return items


# --- whose fact, and whether it is the case (ConText experiencer and hypothetical) ------------------------------------
# Kinship and other people a question may speak of besides the candidate (_KIN and more).
_OTHER_PERSON = (
    "(?:" + _KIN + "|mommy|mummy|daddy|spouse|sibling|boyfriend|girlfriend|fianc[eé]e?|granny|grandparent|grandchild"
    "|auntie|cousin|parent|relative|neighbou?r|roommate|flatmate|colleague|coworker|twin|stepmother|stepfather"
    "|stepmom|stepdad|in-law)(?:s|es)?"
)
# Someone else's value, told between: "my CD4 is 150 and my husband's is 300".
_ANOTHER_HOLDER_RE = re.compile(
    r"\b(?!(?:it|that|what|there|here|he|she|who)'s)\w+'s\b|\b(?:" + _OTHER_PERSON + r")\b", re.IGNORECASE
)
_POSSESSIVE_OTHER_RE = re.compile(
    r"\b(?P<whose>my|our|his|her|their)\s+(?:(?:late|older|elder|younger|little|big|twin|biological|own|two|three|both)\s+)?"
    r"(?P<who>" + _OTHER_PERSON + r")(?:'s|’s)?\b",
    re.IGNORECASE,
)
# What a person "has" in the clause after them: a state or event verb (not "wants to join", "asked me").
_STATE_VERB_RE = re.compile(
    r"\s*(?:'s|’s|\s+(?:also\s+|both\s+|once\s+|recently\s+|just\s+)?(?:has|had|have|is|was|were|are|died|passed"
    r"|got|gets|suffers|suffered|developed|battled|fought|survived|lives\s+with|lived\s+with|was\s+diagnosed"
    r"|is\s+diagnosed|carries|carried|tested))\b",
    re.IGNORECASE,
)
_FAMILY_CUE_RE = re.compile(
    r"\bfamily\s+history\s+of\b|\b(?:runs|ran|run)\s+in\s+(?:my|our|the|his|her)\s+family\b"
    r"|\bin\s+(?:my|our|his|her)\s+family\b",
    re.IGNORECASE,
)
_JOIN_WORDS = (
    r"join|eligible|qualif(?:y|ies)|participate|take\s+part|enrol+|sign\s+up|apply|be\s+(?:in|part|included|accepted"
    r"|considered|a\s+candidate)|get\s+in|fit|be\s+a\s+(?:good\s+)?(?:fit|candidate)"
)
_THIRD_CANDIDATE_RE = re.compile(
    r"\b(?:can|could|may|would|will|is|are|does|do|should|might)\s+(?:my\s+(?:\w+\s+)?(?P<kin>" + _OTHER_PERSON + r")"
    r"|(?P<pro>he|she|they|him|her|them))\b[^.?!]{0,40}?\b(?:" + _JOIN_WORDS + r")"
    r"|\bfor\s+(?:my\s+(?:\w+\s+)?(?P<kin2>" + _OTHER_PERSON + r")|(?P<pro2>him|her|them))\b"
    r"|\bmy\s+(?:\w+\s+)?(?P<kin3>" + _OTHER_PERSON + r")\s+(?:wants|would\s+like|is\s+interested|is\s+thinking|hopes"
    r"|is\s+hoping|asked|is\s+asking|might\s+(?:join|qualify))\b"
    # "would that keep my baby out?", "does this exclude my son?": the relative is the one who would join
    r"|\b(?:keep|keeps|rule|rules|leave|leaves)\s+(?:my\s+(?:\w+\s+)?(?P<kin4>" + _OTHER_PERSON + r")"
    r"|(?P<pro4>him|her|them))\s+out\b"
    r"|\b(?:exclude|excludes|disqualify|disqualifies)\s+my\s+(?:\w+\s+)?(?P<kin5>" + _OTHER_PERSON + r")\b",
    re.IGNORECASE,
)
# The asker's own state ("I take", "I'm on", "I had"), when the one who would join is someone else; not a report or a
# worry ("I was told", "I'm worried").
_FIRST_PERSON_STATE_RE = re.compile(
    r"\bi(?:'m|’m|\s+am|'ve|’ve|\s+have|\s+had|\s+take|\s+took|\s+was|\s+use|\s+used|\s+smoke|\s+drink|\s+got)\b"
    r"(?!\s+(?:told|worried|wondering|asking|not\s+sure|unsure|thinking|afraid|concerned|hoping|trying|looking|been\s+told))",
    re.IGNORECASE,
)
_NAMES_CANDIDATE_RE = re.compile(r"\b(?:he|she|him|his|her|hers|they|them|their|he's|she's)\b", re.IGNORECASE)
_NAMES_PERSON_RE = re.compile(r"\b" + _OTHER_PERSON + r"\b", re.IGNORECASE)
_FIRST_PERSON_CANDIDATE_RE = re.compile(
    r"\b(?:can|could|may|would|will|am|do|should|might)\s+i\b|\bi\s+(?:qualify|join|fit)\b|\bfor\s+me\b"
    r"|\b(?:against|excludes?|disqualify|disqualifies|rules?|keeps?|lets?|accepts?)\s+me\b"
    r"|\b(?:i'?m|i\s+am|i\s+have|i've|i\s+had)\b",
    re.IGNORECASE,
)
# The asker asks whether they themselves may take part ("Does that exclude me?", "Can I still join?"), not what they
# may do for someone else ("Can I consent for him?").
_ASKS_OF_ONESELF_RE = re.compile(
    r"\b(?:can|could|may|would|will|am|do|should|might)\s+i\s+(?:still\s+|also\s+|even\s+)?(?:" + _JOIN_WORDS + r")"
    r"|\bi\s+(?:qualify|join|fit)\b"
    r"|\b(?:against|excludes?|disqualify|disqualifies|rules?|keeps?|lets?|accepts?|enrol+s?|take)\s+me\b",
    re.IGNORECASE,
)


# A relative told of as beside the asker, who would take part: one who would give to them ("he'd be my donor", "my
# sister as my donor", "donate marrow to me") or who lives with them ("my granddaughter lives with us": a household
# contact, which vaccine and transplant studies ask about).
_RELATIVE_BESIDE_ASKER_RE = re.compile(
    r"\b(?:be|as|is|was|being|become)\s+my\s+(?:\w+\s+)?donor\b|\bdonat\w*\s+(?:[\w-]+\s+){0,3}(?:to|for)\s+me\b"
    r"|\b(?:lives?|living|stays?|staying)\s+with\s+(?:me|us)\b",
    re.IGNORECASE,
)


_ASKS_OF_THEM_RE = re.compile(
    r"\b(?:is|was|would|could|can|will|does|do|are)\s+(?:he|she|they|him|her)\b", re.IGNORECASE
)


def _candidate(text: str) -> tuple[str, str | None]:
    """Who the eligibility question is about: ("third", kinship word or None for a pronoun), ("self", None), or
    ("unknown", None).

    A pronoun alone ("never had chemo for them", "can they enrol me?") may point at things or at the study team; where
    the asker also asks about themselves ("Does that exclude me?") the asker is the candidate. A named relative ("can
    my son join?") stays the candidate."""
    if _RELATIVE_BESIDE_ASKER_RE.search(text) and not _ASKS_OF_THEM_RE.search(text):
        # "My brother said he'd be my donor. Is that enough?": the relative gives; the asker would take part ("... my
        # donor. Is he acceptable?" asks about the donor)
        return "self", None
    third = _THIRD_CANDIDATE_RE.search(text)
    if third is not None:
        kin = next((third.group(g) for g in ("kin", "kin2", "kin3", "kin4", "kin5") if third.group(g)), None)
        if kin is None and _ASKS_OF_ONESELF_RE.search(text):
            return "self", None
        return "third", kin.lower() if kin else None
    if _FIRST_PERSON_CANDIDATE_RE.search(text):
        return "self", None
    return "unknown", None


def _same_person(first: str, second: str) -> bool:
    return first.rstrip("s") == second.rstrip("s")


def _others(text: str) -> list[Span]:
    """Clauses that say what someone other than the candidate has or had ("my aunt had breast cancer", "a family
    history of diabetes"). A relative the question asks about ("My dad has COPD; can he join?") is the candidate."""
    who, kin = _candidate(text)
    spans: list[Span] = []
    for found in _FAMILY_CUE_RE.finditer(text):
        start = found.end() if found.group(0).lower().startswith("family") else _clause_start(text, found.start())
        end = _rest_of_clause(text, found.end())[1] if start == found.end() else found.start()
        if start < end:
            spans.append(_trim(text, start, end))
    for found in _POSSESSIVE_OTHER_RE.finditer(text):
        if not _STATE_VERB_RE.match(text, found.end()) and not found.group(0).endswith(("'s", "’s")):
            continue
        person, mine = found.group("who").lower(), found.group("whose").lower() in ("my", "our")
        if who == "unknown" or (who == "third" and mine and (kin is None or _same_person(kin, person))):
            continue  # the person asked about, or a question that does not say who would join
        spans.append(_rest_of_clause(text, found.start()))
    if who == "third":
        # "I take a prenatal vitamin with iron while I'm nursing. Would that keep my baby out?": the parent's own;
        # not "I have a son who has asthma" nor "I was told he has X", which speak of the candidate.
        for found in _FIRST_PERSON_STATE_RE.finditer(text):
            start, end = _rest_of_clause(text, found.start())
            if not _NAMES_CANDIDATE_RE.search(text, start, end) and not _NAMES_PERSON_RE.search(text, start, end):
                spans.append((start, end))
    return spans


def _clause_start(text: str, end: int) -> int:
    starts = [m.end() for m in _REST_STOP_RE.finditer(text, 0, end)]
    return starts[-1] if starts else 0


_HYPOTHETICAL_RE = re.compile(
    r"\b(?:i|he|she|we|they|and|but)\s+(?:could|might|may|will|would)\s+(?:well\s+|possibly\s+|soon\s+|still\s+|also\s+)?"
    r"(?:get|become|be"
    r"|need|start|begin|develop|end\s+up|go\s+on|undergo|have\s+to)\b"
    r"|\b(?:i'll|she'll|he'll|we'll|they'll)\s+(?:get|become|be|need|start|begin|go\s+on|undergo)\b"
    r"|\b(?:plan|plans|planning|intend|intends|intending|want|wants|hope|hopes|hoping|wish|wishes|would\s+like|'d\s+like"
    r"|thinking\s+(?:about|of)|considering|going|trying|try)\s+(?:to\s+)?(?:get|getting|become|becoming|be|have|having"
    r"|start|starting|begin|beginning|conceive|conceiving|undergo|undergoing|take|taking|receive|receiving|use|using"
    r"|go\s+on|going\s+on|try)\b"
    r"|\bif\s+(?:i|he|she|we|they)\s+(?:get|gets|become|becomes|were\s+to|need|needs|end\s+up|decide\s+to)\b"
    # "What if I need chemo?" may happen; "What if I had only used the cream?", "What if it was done elsewhere?" ask
    # about a case told in the past tense, which is to be checked as the case; so does "What if I wait until it's been
    # 5 weeks since the Diflucan?", which supposes only the time
    r"|\bin\s+case\b|\bwhat\s+if\b(?!(?:\s+[\w']+){1,4}?\s+(?:had|was|were|did|used|took|got|stopped|finished|wait"
    r"|waited)\b)"
    # not known yet: "never been tested for HIV", "haven't been screened for hepatitis"
    r"|(?:\bnot|\bnever|n't)\s+(?:(?:been|yet|ever)\s+)*(?:tested|screened|checked)\s+for\b"
    # a treatment to be taken up again ("would I be allowed to go back on my HIV meds"), and a case supposed with "say"
    # ("Say I get in and later my CD4 drops ...")
    r"|\b(?:go|going)\s+back\s+on\b|^\W*(?:(?:ok|okay|so|and)\W+)?say\b(?=\s+(?:i|he|she|we|they|my\s+\w+)\b)",
    re.IGNORECASE,
)


def _hypothetical(text: str) -> list[Span]:
    """What the asker says may happen, is planned or has not been checked, not what is known to be the case now."""
    return [_rest_of_clause(text, found.end()) for found in _HYPOTHETICAL_RE.finditer(text)]


_RESOLVED_RE = re.compile(
    r"\bno\s+(?:sign|signs|trace|evidence|recurrence|relapse|return)\b|\b(?:cancer|disease|tumou?r|symptom)[- ]free\b"
    r"|\ball[- ]clear\b|\b(?:been|stayed|remained|kept)\s+(?:clear|free)\b|\bno\s+longer\s+(?:have|has)\b"
    r"|\bcured\b|\bin\s+(?:complete\s+|full\s+)?remission\b|\bresolved\b|\bwent\s+away\b|\bhealed\b"
    r"|\b(?:has|have|had)(?:n't|\s+not)\s+(?:come|came)\s+back\b|\bnever\s+(?:came|come)\s+back\b"
    r"|\b(?:scans?|tests?|checks?|check-?ups?|follow-?ups?)\b[^.;!?\n]{0,30}?\b(?:clean|clear)\b",
    re.IGNORECASE,
)
_SENTENCE_END_RE = re.compile(r"[.;!?\n]")


def _resolved(text: str) -> list[Span]:
    """Sentences in which the asker says a condition is over: ConText's historical temporality, kept to explicit
    statements that it ended, since "I had a heart attack" tells a past event of a disease that may well go on."""
    spans: list[Span] = []
    for found in _RESOLVED_RE.finditer(text):
        starts = [m.end() for m in _SENTENCE_END_RE.finditer(text, 0, found.start())]
        end = _SENTENCE_END_RE.search(text, found.end())
        spans.append(_trim(text, starts[-1] if starts else 0, end.start() if end else len(text)))
    return spans


# --- healthy volunteer and clauses ------------------------------------------------------------------------------------
_HEALTHY_RE = re.compile(
    r"\b(?:i'?m|i\s+am|he'?s|she'?s|he\s+is|she\s+is|we\s+are)\s+(?:a\s+)?(?:perfectly\s+|completely\s+|totally\s+|generally"
    r"\s+|very\s+|otherwise\s+)?healthy\b|\bin\s+good\s+health\b"
    # "a healthy volunteer", "as one of the healthy comparison people", "as a healthy control"
    r"|\bhealthy\s+(?:[a-z]+\s+)?(?:volunteers?|adults?|persons?|people|individuals?|controls?|subjects?|participants?)\b"
    r"|\b(?:have|has)\s+no\s+(?:medical\s+|health\s+|chronic\s+)?(?:conditions?|problems|issues|illness(?:es)?|diseases?)\b"
    r"|\b(?:don'?t|do\s+not|doesn'?t|does\s+not)\s+have\s+any\s+(?:medical\s+|health\s+|chronic\s+)?(?:conditions?|problems"
    r"|issues|illness(?:es)?|diseases?)\b|\bnot\s+sick\b",
    re.IGNORECASE,
)
# "healthy except for asthma", "healthy but diabetic": what follows is the asker's condition. Not a wish after "but"
# ("completely healthy, but I'd like to volunteer"): that tells no condition.
_HEALTHY_BUT_RE = re.compile(
    r"[^.;!?]{0,30}\b(?:except|apart\s+from|other\s+than|besides"
    r"|but(?!\s+(?:i|we|he|she)(?:'d|\s+would|\s+want|\s+wish|\s+hope|\s+just\s+want)\b))\b",
    re.IGNORECASE,
)
# A dash set off by spaces, or an em dash, parts clauses as a comma does ("My kidney function is reduced — my eGFR is
# around 35"); one between numbers is a range ("eGFR 30 - 40").
_CLAUSE_SPLIT_RE = re.compile(
    r"[.?!;]+(?=\s|$)|,(?!\d{3})|\n|\s(?:and|but|although|though|plus)\s|(?<!\d)\s[-–—]\s(?!\d)|—",
    re.IGNORECASE,
)


def _healthy_volunteer(text: str, others: Sequence[Span] = ()) -> bool:
    """The candidate says they are healthy. Not what is said of another person: inside a clause about them, or "she's
    healthy" in a sentence that told of someone else before it ("His sister never had chickenpox, but she's
    healthy")."""
    return any(
        not _HEALTHY_BUT_RE.match(text, found.end()) and not _said_of_another(text, found, others)
        for found in _HEALTHY_RE.finditer(text)
    )


_THIRD_PERSON_SUBJECT_RE = re.compile(r"(?:he|she|they)\b", re.IGNORECASE)


def _said_of_another(text: str, found: re.Match[str], others: Sequence[Span]) -> bool:
    if any(start <= found.start() < end for start, end in others):
        return True
    if _THIRD_PERSON_SUBJECT_RE.match(text, found.start()) is None:
        return False
    sentence = max((m.end() for m in _SENTENCE_END_RE.finditer(text, 0, found.start())), default=0)
    # someone told of before it in the sentence: another person's ("my husband has diabetes"), or a relative of "his"
    # or "her", who is not the one asked about ("His younger sister ...")
    relatives = _POSSESSIVE_OTHER_RE.finditer(text, sentence, found.start())
    theirs = any(m.group("whose").lower() not in ("my", "our") for m in relatives)
    return theirs or any(sentence <= start < found.start() for start, _ in others)


def split_clauses(text: str) -> tuple[Span, ...]:
    """Fact clauses: sentences, comma parts and 'and'/'but' halves, trimmed; spans index `text`."""
    spans: list[Span] = []
    start = 0
    for separator in _CLAUSE_SPLIT_RE.finditer(text):
        spans.append(_trim(text, start, separator.start()))
        start = separator.end()
    spans.append(_trim(text, start, len(text)))
    return tuple(span for span in spans if span[0] < span[1])


DERIVED_BMI_FROM = ("weight", "height")  # the measures a body-mass index is worked out from


# A person's height in metres or in feet and inches: "1.60 m tall", "1.75m", "5 foot 9", "5'9\"", "5 ft 9 in".
_HEIGHT_METRES = re.compile(r"\b(?P<m>[12](?:\.\d{1,2})?)\s*(?:m|metres?|meters?)\b(?!\s*(?:/|2|²))", re.IGNORECASE)
_HEIGHT_FEET = re.compile(
    r"\b(?P<ft>[4-7])\s*(?:'|’|ft\b|feet\b|foot\b)\s*(?:(?P<inch>1[01]|\d)\s*(?:\"|”|''|in\b|inch(?:es)?\b)?)?",
    re.IGNORECASE,
)
_HEIGHT_CONTEXT = re.compile(r"\b(?:tall|height|stand|i'?m|i\s+am|he'?s|she'?s|he\s+is|she\s+is)\b", re.IGNORECASE)
_INCH_MM = 25.4


def _heights_stated(text: str, measurements: list[Measurement]) -> list[Measurement]:
    """Heights written in metres or in feet and inches, which the unit lexicon does not read as a height (a bare "m"
    is also minutes or months): read where the sentence speaks of someone's height ("tall", "I'm 5 foot 9") and the
    question also gives a weight, the body-mass index a criterion bounds being what they are told for."""
    if any(m.measure == "height" for m in measurements) or not any(m.measure == "weight" for m in measurements):
        return measurements
    for pattern in (_HEIGHT_METRES, _HEIGHT_FEET):
        for found in pattern.finditer(text):
            before = text[max(0, found.start() - 30) : found.start()]
            after = text[found.end() : found.end() + 12]
            if not (_HEIGHT_CONTEXT.search(before) or re.match(r"\s*tall\b", after, re.IGNORECASE)):
                continue
            metres = found.groupdict().get("m")
            if metres:
                millimetres = float(metres) * 1000
            else:
                millimetres = (int(found.group("ft")) * 12 + int(found.group("inch") or 0)) * _INCH_MM
            if not 1000 <= millimetres <= 2300:
                continue
            span = found.span()
            kept = [m for m in measurements if not (m.span[0] < span[1] and span[0] < m.span[1])]
            return [*kept, Measurement("height", Quantity(round(millimetres), "mm"), Comparator.EQ, span, None)]
    return measurements


def _body_mass_index_derived(measurements: list[Measurement]) -> list[Measurement]:
    """ "weight 118 kg, height 170 cm": the body-mass index a criterion bounds (kg/m2) is worked out from them,
    as a clinician would, when the question gives both and not the index itself."""
    by_measure = {m.measure: m for m in measurements if m.comparator is Comparator.EQ}
    weight, height = by_measure.get("weight"), by_measure.get("height")
    if "bmi" in by_measure or weight is None or height is None:
        return []
    if weight.quantity.unit != "kg" or height.quantity.unit != "mm" or not height.quantity.value:
        return []
    metres = height.quantity.value / 1000
    value = round(weight.quantity.value / metres**2, 1)
    span = (min(weight.span[0], height.span[0]), max(weight.span[1], height.span[1]))
    return [Measurement("bmi", Quantity(value, "kg/m2"), Comparator.EQ, span, None)]


# "a pack a day", "half a pack a day", "2 packs per day", "20 cigarettes a day" (a pack holds 20).
_PACKS_A_DAY_RE = re.compile(
    r"\b(?:(?P<half>half\s+a)|(?P<one_half>one\s+and\s+a\s+half|a\s+pack\s+and\s+a\s+half)|(?P<n>\d+(?:\.\d+)?|a|one|two"
    r"|three|four|five|ten|twenty|thirty))\s+(?:(?P<packs>packs?)|(?P<cigs>cigarettes?|cigs?))"
    r"(?:\s+of\s+cigarettes)?\s+(?:a|per|each|every)\s+day\b",
    re.IGNORECASE,
)
_CIGARETTES_PER_PACK = 20.0


def _pack_years_derived(text: str, measurements: list[Measurement], elapsed: Sequence[Elapsed]) -> list[Measurement]:
    """ "half a pack a day for 12 years": the smoking history in pack-years a criterion bounds ("> 10 pack year"),
    worked out from how much and for how long, when the question gives both and not the pack-years themselves."""
    if any(m.measure == "pack_years" for m in measurements):
        return []
    derived: list[Measurement] = []
    for rate in _PACKS_A_DAY_RE.finditer(text):
        lasting = [e for e in elapsed if e.duration_days and e.span[0] <= rate.start() < e.span[1]]
        if len(lasting) != 1:
            continue
        years = (lasting[0].duration_days or 0.0) / DAYS_PER_UNIT["year"]
        span = (min(rate.start(), lasting[0].span[0]), max(rate.end(), lasting[0].span[1]))
        value = round(_packs_a_day(rate) * years, 1)
        derived.append(Measurement("pack_years", Quantity(value, "pack-year"), Comparator.EQ, span, None))
    return derived


def _packs_a_day(rate: re.Match[str]) -> float:
    if rate.group("half") or rate.group("one_half"):
        return 0.5 if rate.group("half") else 1.5
    number = rate.group("n").lower()
    count = 1.0 if number == "a" else parse_number(number) or 0.0
    return count / _CIGARETTES_PER_PACK if rate.group("cigs") else count


# "ALT 150 U/L with an upper limit of normal of 40", "creatinine 1.3 mg/dL, our ULN is 1.2", "AST 70 U/L (upper limit
# 40)": the lab's own upper limit of normal, stated beside the value.
STATED_ULN = re.compile(
    r"\b(?:upper\s+limit(?:\s+of\s+(?:the\s+)?normal)?|ULN)(?:\s+(?:is|was|of|at)|\s*[=:])?\s*(?P<n>\d+(?:\.\d+)?)",
    re.IGNORECASE,
)
_ULN_REACH = 60  # characters between a value and the limit stated for it


def _times_upper_limit_derived(text: str, measurements: list[Measurement]) -> list[Measurement]:
    """A value with the lab's upper limit of normal stated beside it is also that many times the ULN, the unit
    criteria write organ-function limits in ("AST <= 2.5 x ULN"), as a clinician would work it out. The stated
    limit is consumed by the derived value. A limit in another unit than the value's is not used."""
    derived: list[Measurement] = []
    for stated in STATED_ULN.finditer(text):
        before = [
            m
            for m in measurements
            if m.span[1] <= stated.start()
            and stated.start() - m.span[1] <= _ULN_REACH
            and m.comparator is Comparator.EQ
            and not m.measure.startswith("head:")
            and m.quantity.unit not in ("xULN", "day", "")
        ]
        limit = float(stated.group("n"))
        if not before or not limit:
            continue
        value = before[-1]
        if not _as_written(text, value):
            continue  # a value converted to another unit ("Hb 125 g/L" read in g/dL) is not divided by a raw limit
        unit = match_unit(text, stated.end("n"))
        if unit is not None and (unit[0] != value.quantity.unit or unit[1] != 1.0):
            continue  # "ULN 106 µmol/L" beside a value in mg/dL: not converted here
        end = unit[2][1] if unit is not None else stated.end("n")
        times = Quantity(round(value.quantity.value / limit, 2), "xULN")
        derived.append(Measurement(value.measure, times, Comparator.EQ, (value.span[0], end), value.measure_span))
    consumed = [m.span for m in derived]
    kept = [m for m in measurements if not (m.measure.startswith("head:") and _within_any(m.span, consumed))]
    return kept + derived


def _as_written(text: str, value: Measurement) -> bool:
    """The value's quantity is the number as written, in the unit written after it (no conversion factor)."""
    numbers = list(re.finditer(r"\d+(?:\.\d+)?", text[value.span[0] : value.span[1]]))
    if not numbers:
        return False
    unit = match_unit(text, value.span[0] + numbers[-1].end())
    return unit is not None and unit[1] == 1.0 and float(numbers[-1].group()) == value.quantity.value


def _within_any(span: Span, spans: list[Span]) -> bool:
    return any(start <= span[0] and span[1] <= end for start, end in spans)


# Words that can stand before a value without naming what it measures: how it was told or found, and when.
_NO_NAME_HEADS = frozenset(
    [
        "show",
        "shows",
        "showed",
        "shown",
        "read",
        "reads",
        "came",
        "come",
        "comes",
        "back",
        "measured",
        "measures",
        "gave",
        "gives",
        "found",
        "reported",
        "reports",
        "said",
        "says",
        "now",
        "today",
        "recently",
        "again",
        "later",
        "since",
        "then",
        "it",
    ]
)


# What a value came from, saying it ("the new biopsy shows 0%", "the repeat test came back at 6.9%"): the source is
# named, not what was measured.
_REPORTED_BY_SOURCE = re.compile(
    r"\b(?:biops(?:y|ies)|scans?|tests?|results?|reports?|labs?|samples?|readings?|bloodwork|ecg|ekg|mri|ct|pet|echo)"
    r"\b[^,.;]{0,40}?\b(?:shows?|showed|shown|reads?|came\s+back|gave|found|says|said|reported)\b",
    re.IGNORECASE,
)


def _unnamed_values_referring_back(text: str, measurements: list[Measurement]) -> list[Measurement]:
    """A value named by no measure, only by how or when it was told ("... but the new biopsy shows 0%", "now it's
    6.9%"), in the unit of the one named value told before it ("My PD-L1 was 60% when I was diagnosed"), is another
    value of that measure. A value with a name of its own ("my cholesterol is 200 mg/dL") is not."""
    named = [m for m in measurements if ":" not in m.measure and m.quantity.unit]
    resolved: list[Measurement] = []
    for m in measurements:
        earlier = [n for n in named if n.quantity.unit == m.quantity.unit and n.span[1] <= m.span[0]]
        head = text[m.measure_span[0] : m.measure_span[1]].lower() if m.measure_span else ""
        reported = _REPORTED_BY_SOURCE.search(text, clause_start(text, m.span[0]), m.span[1])
        # the source's verb after the head word: nothing names the value ("... stopped working shows 0%"); before
        # it, the head does ("the lab report shows cholesterol at 200")
        said_after_head = reported is not None and (m.measure_span is None or reported.end() > m.measure_span[1])
        unnamed = m.measure.startswith("head:") and (head in _NO_NAME_HEADS or said_after_head)
        if unnamed and m.quantity.unit and len({n.measure for n in earlier}) == 1:
            m = replace(m, measure=earlier[0].measure, measure_span=None)
        resolved.append(m)
    return resolved


@lru_cache(maxsize=1024)
def parse_question(text: str) -> PatientFacts:
    """All facts the asker states about themselves (or the person they ask for); spans index `text`."""
    at_onset = _ages_at_onset(text)
    onset_spans = [m.span for m in at_onset]
    age = _age(text, onset_spans)
    sex = _sex(text)
    measurements, elapsed = _measurements_and_elapsed(text, age[1] if age else None, onset_spans)
    measurements.extend(at_onset)
    elapsed = _supposed_times_referring_back(text, [_last_use_of_abstinence(e) for e in elapsed])
    retracted = _retracted(text, elapsed)
    elapsed = [e for e in elapsed if e not in retracted]
    if not any(m.measure == "ecog" for m in measurements):
        measurements.extend(_performance_status_described(text))
    measurements = _heights_stated(text, measurements)
    measurements = _unnamed_values_referring_back(text, measurements)
    measurements.extend(_body_mass_index_derived(measurements))
    measurements = _times_upper_limit_derived(text, measurements)
    measurements.extend(_pack_years_derived(text, measurements, elapsed))
    others = tuple(span for span in _others(text) if span[0] < span[1])
    return PatientFacts(
        text=text,
        age=age[0] if age else None,
        age_span=age[1] if age else None,
        age_comparator=age[2] if age else Comparator.EQ,
        sex=sex[0] if sex else None,
        sex_span=sex[1] if sex else None,
        asks_about_sex=_asks_about_sex(text),
        measurements=tuple(measurements),
        elapsed=tuple(elapsed),
        negated=tuple(n for n in _negations(text) if not _negates_a_retracted_time(n, retracted)),
        unmet=tuple(_unmet(text)),
        healthy_volunteer=_healthy_volunteer(text, others),
        clauses=split_clauses(text),
        others=others,
        hypothetical=tuple(span for span in _hypothetical(text) if span[0] < span[1]),
        resolved=tuple(span for span in _resolved(text) if span[0] < span[1]),
        childbearing=_childbearing(text, age[0] if age else None, elapsed),
    )


# --- whether the candidate could become pregnant ----------------------------------------------------------------------
# Closed-class English for the states a woman of childbearing age describes, the terms registries define ("women of
# childbearing potential": not post-menopausal and not surgically sterile).
_COULD_CONCEIVE_RE = re.compile(
    r"\b(?:could|can|might|may)\s+(?:still\s+)?(?:get|become|fall)\s+pregnant\b"
    r"|\b(?:still\s+)?(?:have|has|having|get|gets|getting)\s+(?:my\s+|her\s+|regular\s+|monthly\s+|normal\s+)*periods\b"
    r"|\b(?:my|her)\s+periods\s+(?:come|are\s+regular|are\s+still)\b|\bstill\s+menstruating\b"
    r"|\bpre-?\s?menopausal\b|\bof\s+child-?\s?bearing\s+(?:potential|age)\b",
    re.IGNORECASE,
)
_PAST_MENOPAUSE_CUE_RE = re.compile(
    r"\bperiods?\b|\bmenopause\b|\bpost-?\s?menopausal\b|\bmenses\b|\bmenstruat\w*", re.IGNORECASE
)
_MENOPAUSE_AT_RE = re.compile(
    r"\b(?:went|gone|go)\s+through\s+(?:the\s+)?menopause\s+at\s+(?P<age>\d{2})\b", re.IGNORECASE
)
_NO_PERIOD_FOR_RE = re.compile(
    r"\b(?:have\s*n[o']t|haven't|has\s*n[o']t|hasn't|not)\s+had\s+(?:a\s+)?(?:periods?|menses)\s+(?:in|for)\s+"
    r"(?:(?:about|over|more\s+than|almost)\s+)?(?P<n>\d+|" + "|".join(NUMBER_WORDS) + r")\s+(?P<unit>years?|months?)\b",
    re.IGNORECASE,
)
_METHOD_IN_USE_RE = re.compile(
    r"\b(?:the\s+pill|(?:birth[\s-]+control|contraceptive)\s+pills?|iud|coil|condoms?|implant|depo|patch|nuvaring"
    r"|diaphragm|vasectomy|tubes?\s+(?:tied|clipped)|sterili[sz]ed|mirena)\b",
    re.IGNORECASE,
)


def _childbearing(text: str, age: float | None, elapsed: Sequence[Elapsed]) -> Childbearing | None:
    method = _METHOD_IN_USE_RE.search(text) is not None
    could = _COULD_CONCEIVE_RE.search(text)
    if could is not None and _affirmed_of_candidate(text, could):
        return Childbearing(True, could.span(), None, method)
    for event in elapsed:
        if event.days_ago is not None and _PAST_MENOPAUSE_CUE_RE.search(event.event):
            return Childbearing(False, event.span, event.days_ago, method)
    stopped = _NO_PERIOD_FOR_RE.search(text)
    if stopped is not None:
        value = parse_number(stopped.group("n")) or 0.0
        unit = "year" if stopped.group("unit").lower().startswith("y") else "month"
        return Childbearing(False, stopped.span(), value * DAYS_PER_UNIT[unit], method)
    at_age = _MENOPAUSE_AT_RE.search(text)
    if at_age is not None and age is not None and age > float(at_age.group("age")):
        return Childbearing(False, at_age.span(), (age - float(at_age.group("age"))) * DAYS_PER_UNIT["year"], method)
    past = _PAST_MENOPAUSE_RE.search(text)
    if past is not None and _affirmed_of_candidate(text, past):
        return Childbearing(False, past.span(), None, method)  # past menopause, for how long not said
    return None


def _affirmed_of_candidate(text: str, found: re.Match[str]) -> bool:
    """Not denied ("no longer having periods") and not told of someone else ("My wife could get pregnant")."""
    denied = _NEGATED_BEFORE_RE.search(text, max(0, found.start() - 12), found.start()) is not None
    return not denied and not _someone_elses(text, found.start())


_PAST_MENOPAUSE_RE = re.compile(
    r"\bpost-?\s?menopausal\b|\b(?:went|gone|been|go)\s+through\s+(?:the\s+)?menopause\b"
    r"|\b(?:long\s+|well\s+)?past\s+(?:the\s+)?menopause\b",
    re.IGNORECASE,
)


def _someone_elses(text: str, start: int) -> bool:
    """The clause before `start` names another person ("my wife"), who is not the one asked about."""
    who, kin = _candidate(text)
    named = _POSSESSIVE_OTHER_RE.search(text, _clause_start(text, start), start)
    if named is None:
        return False
    return not (who == "third" and (kin is None or _same_person(kin, named.group("who").lower())))


_NEGATED_BEFORE_RE = re.compile(r"\b(?:not|n't|no\s+longer|never)\s*$", re.IGNORECASE)


# A state of not using something, told with how long it has lasted: "clean for two years", "sober for 18 months", "off
# cigarettes for 3 years", "drug-free since ...". How long it has lasted is how long ago the last use was.
_ABSTINENT_STATE_RE = re.compile(
    r"^(?:(?:completely|totally|fully|stone[\s-]cold)\s+)?(?:clean|sober|abstinent|dry|off\b.*|(?:drug|smoke|alcohol"
    r"|nicotine|tobacco)[\s-]free|free\s+(?:of|from)\b.*)$",
    re.IGNORECASE,
)


def _last_use_of_abstinence(elapsed: Elapsed) -> Elapsed:
    if elapsed.duration_days is None or elapsed.days_ago is not None:
        return elapsed
    if not _ABSTINENT_STATE_RE.match(elapsed.event.strip()):
        return elapsed
    return replace(elapsed, days_ago=elapsed.duration_days, duration_days=None)


# --- corrections in a conversation ---------------------------------------------------------------------------------
# "And if it had been a basal cell skin cancer instead of a melanoma?", "What if it were Zocor instead of Lipitor?": the
# follow-up puts one thing in place of another the conversation told.
_INSTEAD_OF_RE = re.compile(
    r"\b(?:been|were|was|is|be|take|took|taking|on|had|have|use|used|using|tried)\s+(?:an?\s+|the\s+)?"
    r"(?P<new>[\w'-]+(?:\s+[\w'-]+){0,4}?)\s+instead\s+of\s+(?:an?\s+|the\s+|my\s+|his\s+|her\s+)?"
    r"(?P<old>[\w'-]+(?:\s+[\w'-]+){0,3}?)\s*(?:[?.!,;]|$)",
    re.IGNORECASE,
)
# "Sorry, it was actually just over two months ago", "And if it had been two months since my last dose?": a time that
# corrects, or is put in place of, the one told before.
_CORRECTION_RE = re.compile(
    r"\b(?:actually|i\s+got\s+(?:that|it|(?:the|his|her|my|their)\s+\w+)\s+wrong|i\s+meant|correction|typo"
    # ("Sorry, I forgot: I also had chemo" adds a fact; it corrects none)
    r"|my\s+(?:mistake|bad))\b|^\W*sorry\b(?![^?]*\b(?:also|too|as\s+well|another|besides|forgot)\b)",
    re.IGNORECASE,
)
_PUT_IN_PLACE_RE = re.compile(r"\b(?:had\s+been|instead)\b", re.IGNORECASE)
# "Same woman, but her Barthel score is 14?", "Same pt, KPS now 60?": a follow-up on the case told, with what follows
# in place of what it told.
SAME_CASE_OPENING = (
    r"\W*(?:the\s+)?same\s+(?:patient|pt|person|woman|man|lady|guy|girl|boy|child|kid|baby|infant|case|scenario"
    r"|situation|story|facts)\b"
)
# A follow-up that supposes another case: "What if ...", "And if ...", "Suppose ...", "And once I'm 33 weeks along?".
_SUPPOSES_RE = re.compile(
    r"^\W*(?:(?:and|but|so|ok|okay)\b\W*)*(?:what\s+if|(?:what|how)\s+about|suppose|supposing|if|once)\b"
    rf"|^{SAME_CASE_OPENING}",
    re.IGNORECASE,
)
# A test supposed done again: "rechecks it", "repeat the scan", "tests her again"
_RETEST_RE = re.compile(
    r"\b(?:re-?(?:check|test|measure|draw|do)(?:s|es|ed|ne|ing)?|repeat(?:s|ed|ing)?)\b"
    r"|\b(?:check|test|measure|draw)(?:s|ed|ing)?\s+(?:it|them|that|him|her)\s+again\b",
    re.IGNORECASE,
)
_INSTEAD_RE = re.compile(r"\binstead\b(?!\s+of\b)", re.IGNORECASE)
# "don't", "never", "not" right before a change: the change is denied ("What if I don't stop the aspirin?").
_DENIED_BEFORE_RE = re.compile(r"(?:\bnot|n't|\bnever)\s+(?:[\w']+\s+)?$", re.IGNORECASE)
# A stop supposed of what is taken: "stop the cyclosporine", "comes off prednisone", "quit taking the Advil".
_STOP_SUPPOSED_RE = re.compile(
    r"\b(?:stop(?:s|ped)?|quit(?:s)?|c[oa]mes?\s+off|discontinue[sd]?|taper(?:s|ed)?\s+off)\s+(?:taking\s+|using\s+)?"
    r"(?:(?:the|his|her|my|their|all|of)\s+)*(?P<what>[\w'-]+(?:\s+(?!before|after|until|by|for|and|or)[\w'-]+)?)",
    re.IGNORECASE,
)


def corrected_history(told: Sequence[str], question: str) -> list[str]:
    """What the earlier turns told, with what the follow-up corrects taken out: the thing it puts another in place of
    is replaced by it, and a time it corrects ("actually ... two months ago") is removed from the earlier turns, so
    the follow-up's own time is the one that decides."""
    swapped = _INSTEAD_OF_RE.search(question)
    if swapped is not None:
        old = re.compile(rf"\b{re.escape(swapped.group('old'))}\b", re.IGNORECASE)
        return [old.sub(swapped.group("new"), earlier) for earlier in told]
    if _INSTEAD_RE.search(question):
        swapped_in = _one_for_one(told, question)
        if swapped_in is not None:
            return swapped_in
        # "What if I only used Zovirax cream on the sores instead?" after "I take Zovirax pills": the clause it puts
        # another case in place of goes; one that tells a time ("What if it had been removed three years ago
        # instead?") gives the clause it names that time.
        replaced = _without_corrected_clauses(told, _named_by_correction(question), _time_ago_said(question))
        if replaced is not None:
            return replaced
    if _SUPPOSES_RE.match(question) and _RETEST_RE.search(question):
        # "If his doctor rechecks it next week ...": a new test supposed, so the dates told of the old one go
        return [_without_times(earlier) for earlier in told]
    stopped = _STOP_SUPPOSED_RE.search(question) if _SUPPOSES_RE.match(question) else None
    if stopped is not None and not _DENIED_BEFORE_RE.search(question, 0, stopped.start()):
        # "what if his doctors stop the cyclosporine before he enrolls?" after "... takes cyclosporine right now": the
        # use told goes; the follow-up's own words say it is stopped
        kept = _without_corrected_clauses(told, _naming_words(stopped.group("what")))
        if kept is not None and _values_told(kept) == _values_told(told):
            return kept
    facts = parse_question(question)
    elapsed = facts.elapsed
    retimed = _retimed_by_time_since(told, question) if not any(e.days_ago is not None for e in elapsed) else None
    if retimed is not None:
        return retimed
    denied = _supposed_away(question, facts) if _SUPPOSES_RE.match(question) else set()
    if denied:
        # "What if nothing has spread to my liver?" after "... because the cancer has spread to my liver": the case
        # the follow-up supposes away goes from the earlier turns
        kept = _without_corrected_clauses(told, denied)
        if kept is not None and _values_told(kept) == _values_told(told):
            return kept
        # a clause that also tells a value keeps it, without the reason it gives: "My bilirubin runs about 2.1
        # because I have Gilbert's" and "if I didn't have Gilbert's" -> "My bilirubin runs about 2.1"
        reasons_gone = [
            _REASON_GIVEN_RE.sub(lambda r: "" if denied & set(tokens(r.group())) else r.group(), t) for t in told
        ]
        if reasons_gone != list(told) and _values_told(reasons_gone) == _values_told(told):
            return reasons_gone
    if not any(e.days_ago is not None for e in elapsed):
        if _CORRECTION_RE.search(question) and any(e.duration_days is not None for e in elapsed):
            # "Actually ... it's been about a year and a half on AZT" after "I've been on AZT for about 8 months": a
            # length that corrects the one told; the clause naming what it names goes from the earlier turns.
            kept = _without_corrected_clauses(told, _named_by_correction(question) | _naming_words(question))
            return kept if kept is not None else list(told)
        return list(told)
    supposed = _SUPPOSES_RE.match(question) is not None and not _ADDS_RE.search(question)
    if _CORRECTION_RE.search(question) or (supposed and not _PUT_IN_PLACE_RE.search(question)):
        # A correction, or a case supposed in place of the one told ("What if my cancer treatment had finished only
        # three years ago?" after "I had breast cancer seven years ago"). The clause that names what it names ("I'm on
        # weekly Fosamax" before "Sorry, I got that wrong: I stopped the Fosamax two years ago") is what it corrects:
        # it goes, or takes the new time if it dates its event; the rest of that turn stays. Where no clause names
        # any of it ("Sorry, it was actually 14 months ago"), the earlier turns lose their times.
        when = _time_ago_said(question) or _supposed_as_ago(question)
        kept = _without_corrected_clauses(told, _named_by_correction(question), when)
        return kept if kept is not None else [_without_times(earlier) for earlier in told]
    if _PUT_IN_PLACE_RE.search(question) or _SUPPOSED_AFTER_RE.search(question):
        return [_without_times(earlier) for earlier in told]  # "And if it had been two months since my last dose?"
    return list(told)


def values_put_in_place(told: Sequence[str], question: str) -> list[str]:
    """ "What if he were 16?" after "My son is 14 ...", "my platelets are normal now" after "my platelets are around
    30,000": an age or a measure that a supposing or correcting follow-up tells again replaces the one told before;
    the earlier value goes from its turn (an age takes the new number in its place)."""
    # "He turns 4 in two months. Could he join then?", "Her 5th birthday was yesterday, so what about now?"
    coming = _COMING_AGE_RE.search(question) is not None or _birthday_age(question) is not None
    # (a test done again, "Repeat creatinine came back at 1.4", tells the value now, as a correction does)
    retold = _SUPPOSES_RE.match(question) or _CORRECTION_RE.search(question) or _RETEST_RE.search(question)
    if not (retold or coming) or _ADDS_RE.search(question):
        return list(told)
    new = parse_question(question)
    named = measures_named(question)
    turns = []
    for earlier in told:
        facts = parse_question(earlier)
        cuts: list[tuple[Span, str]] = []
        if new.age is not None and new.age_span is not None and facts.age_span is not None:
            cuts.append((facts.age_span, question[new.age_span[0] : new.age_span[1]]))
        cuts += [(m.span, "") for m in facts.measurements if any(same_measure(m.measure, key) for key in named)]
        for (start, end), put in sorted(cuts, reverse=True):
            earlier = f"{earlier[:start]}{put}{earlier[end:]}"
        turns.append(earlier)
    return turns


# "What about my mum then? She's 60 ...", "How about my brother?", "What about his twin sister then?", "OK, and her
# brother just turned 16 ...": the follow-up turns to another person, the asker's relative or the first candidate's.
# ("And my husband's level was also 9.0" speaks of the same measure as before, which the conversation named.)
_ANOTHER_PERSON_ASKED_RE = re.compile(
    r"^\W*(?:(?:and|so|ok|okay|well)\W+)*(?:(?:what|how)\s+about\s+(?:my|our|his|her|their)|his|her|their)\s+"
    r"(?:(?:older|elder|younger|little|big|twin)\s+)?(?P<who>" + _OTHER_PERSON + r")\b(?!['’]s\b)",
    re.IGNORECASE,
)
# "My brother has the same kind of symptoms and he is 53. Could he join?": opening on the asker's relative, who is
# the one asked about ("My friend said I need to stop metformin first" quotes someone; the asker is still asked about).
_RELATIVE_OPENING_RE = re.compile(
    r"^\W*(?:(?:and|so|ok|okay|well)\W+)*(?:my|our)\s+(?:(?:older|elder|younger|little|big|twin)\s+)?"
    r"(?P<who>" + _OTHER_PERSON + r")\b(?!['’]s\b)",
    re.IGNORECASE,
)


def asks_about_another_person(told: Sequence[str], question: str) -> bool:
    """The follow-up turns to a person the conversation did not speak of ("What about my mum then?" after "I'm 19
    and have a herniated disc"): what was told of the first person is not hers."""
    turned = _ANOTHER_PERSON_ASKED_RE.match(question)
    if turned is None and _candidate(question)[0] == "third":
        turned = _RELATIVE_OPENING_RE.match(question)
    if turned is None:
        return False
    who = re.compile(rf"\b{re.escape(turned.group('who'))}\b", re.IGNORECASE)
    return not any(who.search(earlier) for earlier in told)


_TIME_TO_COME_RE = re.compile(
    r"\b(?:in|after|within|wait(?:ing)?(?:\s+for)?|another)\s+(?:a\s+|an\s+)?$", re.IGNORECASE
)


def value_referred_back(told: Sequence[str], question: str) -> tuple[list[str], str] | None:
    """ "My surgeon re-measured it and it's actually 9 cm" after "My tumor was 12 cm from the anal verge", "And if
    ... it's 150 by the time I'm screened?" after "My LDL is 175": a supposing or correcting follow-up's one number
    that names no measure stands in place of the one value the conversation told, when their units agree. The
    earlier turn keeps its words with the new number, so the measure keeps its name; the follow-up loses the number.
    None when the follow-up does not do that."""
    # A test done again ("The repeat test just came back at exactly 200") tells the value now, as a correction does.
    retold = _SUPPOSES_RE.match(question) or _CORRECTION_RE.search(question) or _RETEST_RE.search(question)
    if not retold or _ADDS_RE.search(question):
        return None
    if measures_named(question):
        return None  # a named measure is put in place by `values_put_in_place`
    pair = (
        _pair_referred_back(told, question)
        or _named_number_put_in_place(told, question)
        or _acuity_referred_back(told, question)
    )
    if pair is not None:
        return pair
    new = parse_question(question)
    told_values = [
        (i, m) for i, earlier in enumerate(told) for m in parse_question(earlier).measurements if m.measure_span
    ]
    # A length of time is a value only where the one told value is one ("I'm 20 weeks pregnant" ... "when I'm 25
    # weeks?"), and then not a time to come ("in five weeks").
    lengths = len(told_values) == 1 and told_values[0][1].measure in MEASURES_IN_DAYS
    waits = [found.span() for found in _WAIT_MORE_RE.finditer(question)]  # "wait three more weeks": no value
    numbers = [
        m
        for m in find_quantities(question)
        if m.measure != "age"
        and (m.quantity.unit != "day" or (lengths and not _TIME_TO_COME_RE.search(question, 0, m.number_span[0])))
        and not _overlaps(m.number_span, new.age_span)
        and not any(_overlaps(m.number_span, wait) for wait in waits)
    ]
    if lengths and not numbers and len(told_values) == 1:
        return _length_in_words_referred_back(told, question, told_values[0])
    if len(numbers) == 1 and not numbers[0].unit_given and len(told_values) > 1:
        # "... HIV RNA ... 8,500 copies/mL, CD4 220" and "And if that screening result had been exactly 10,000?": of
        # several values told, the one of the new number's magnitude (as a value told without its unit is read)
        told_values = [(i, m) for i, m in told_values if _same_magnitude(told[i], m, numbers[0].quantity.value)]
    if len(numbers) != 1 or len(told_values) != 1:
        return None
    given, (turn, before) = numbers[0], told_values[0]
    earlier = told[turn]
    measure_span = before.measure_span or (0, 0)
    found = [m for m in _NUMBER_IN_RE.finditer(earlier, *before.span) if not _overlaps(m.span(), measure_span)]
    if len(found) != 1:
        return None
    number = found[0]
    if given.unit_given and _unit_read(question, given.number_span[1]) != _unit_read(earlier, number.end()):
        return None  # "9 mm" does not put 9 in place of "12 cm" ("2,600 g" does of "2,300 grams")
    value = question[given.number_span[0] : given.number_span[1]]
    replaced = f"{earlier[: number.start()]}{value}{earlier[number.end() :]}"
    end = max(given.number_span[1], given.span[1])
    end -= len(question[given.number_span[1] : end]) - len(question[given.number_span[1] : end].rstrip(".,;:?! "))
    return _in_its_turn(told, turn, replaced), _without(question, given.number_span[0], end)


def _acuity_referred_back(told: Sequence[str], question: str) -> tuple[list[str], str] | None:
    """ "What if it gets worse, down to 20/100?" after "My vision in that eye is 20/50": a follow-up's one Snellen
    fraction stands in place of the one the conversation told as an acuity (a fraction counts as two numbers, so the
    general rule cannot move it)."""
    new = list(SNELLEN_RE.finditer(question))
    told_fractions = [(i, found) for i, earlier in enumerate(told) for found in SNELLEN_RE.finditer(earlier)]
    if len(new) != 1 or len(told_fractions) != 1:
        return None
    turn, before = told_fractions[0]
    if not any(m.measure == ACUITY for m in parse_question(told[turn]).measurements):
        return None
    replaced = f"{told[turn][: before.start()]}{new[0].group()}{told[turn][before.end() :]}"
    return _in_its_turn(told, turn, replaced), _without(question, new[0].start(), new[0].end())


def _in_its_turn(told: Sequence[str], turn: int, replaced: str) -> list[str]:
    """The conversation's turns with one of them told again with the new value in place."""
    return [replaced if i == turn else earlier for i, earlier in enumerate(told)]


def _without(question: str, start: int, end: int) -> str:
    """The follow-up without the value it put in place (so it is not read a second time)."""
    return re.sub(r"\s{2,}", " ", f"{question[:start]}{question[end:]}")


# "Suppose the 95 had actually been 110": the follow-up names the number it puts another in place of.
_NAMED_NUMBER_RE = re.compile(
    r"\bthe\s+(?P<old>\d[\d,]*(?:\.\d+)?)\s+(?:had\s+|has\s+|would\s+have\s+)?(?:actually\s+)?(?:been|was|were|is|be)\s+"
    r"(?:(?:actually|only|exactly|really)\s+)*(?P<new>\d[\d,]*(?:\.\d+)?)\b",
    re.IGNORECASE,
)


def _named_number_put_in_place(told: Sequence[str], question: str) -> tuple[list[str], str] | None:
    found = _NAMED_NUMBER_RE.search(question)
    if found is None:
        return None
    old = re.compile(rf"(?<![\d.,]){re.escape(found.group('old'))}(?![\d,]|\.\d)")
    turns = [i for i, earlier in enumerate(told) if old.search(earlier)]
    if not turns:
        return None
    replaced = old.sub(found.group("new"), told[turns[-1]], count=1)
    return _in_its_turn(told, turns[-1], replaced), _without(question, *found.span())


def _same_magnitude(earlier: str, told: Measurement, value: float) -> bool:
    # the digits of the measure's name ("CD4") are no value of it
    name = told.measure_span or (0, 0)
    written = [m for m in _NUMBER_IN_RE.finditer(earlier, *told.span) if not _overlaps(m.span(), name)]
    numbers = [n for n in (parse_number(m.group(0)) for m in written) if n]
    return len(numbers) == 1 and 1 / SAME_MAGNITUDE <= value / numbers[0] <= SAME_MAGNITUDE


def _length_in_words_referred_back(
    told: Sequence[str], question: str, told_value: tuple[int, Measurement]
) -> tuple[list[str], str] | None:
    """ "And if they said more like a year?" after "My doctor thinks I have around 3 months left": one length said with
    an article ("a year", "a full month") stands in place of the one length told, number and unit, in digits."""
    said = [m for m in _ARTICLE_TIME_RE.finditer(question) if not _TIME_TO_COME_RE.search(question, 0, m.start())]
    if len(said) != 1:
        return None
    found, (turn, before) = said[0], told_value
    earlier = told[turn]
    numbers = [m for m in _NUMBER_IN_RE.finditer(earlier, *before.span) if not _overlaps(m.span(), before.measure_span)]
    unit = match_unit(earlier, numbers[0].end()) if len(numbers) == 1 else None
    if unit is None:
        return None
    (length,) = _article_times(found.group(0), [])
    unit_word = found.group("unit").lower()
    value = f"{length.quantity.value / DAYS_PER_UNIT[unit_word]:g} {unit_word}s"
    replaced = f"{earlier[: numbers[0].start()]}{value}{earlier[unit[2][1] :]}"
    return _in_its_turn(told, turn, replaced), _without(question, *found.span())


# Two readings written as one ("145/95", "155 over 95"): a blood pressure.
_READING_PAIR_RE = re.compile(
    r"(?<![\d/.])(?P<high>\d{2,3})\s*(?:/|\s+over\s+)(?P<low>\d{2,3})(?![\d/.])", re.IGNORECASE
)
_LOWEST_READING = 30  # a pair lower than this is no pair of pressures ("on 10/31" is a date)


def _reading_pairs(text: str) -> list[re.Match[str]]:
    return [
        found
        for found in _READING_PAIR_RE.finditer(text)
        if _LOWEST_READING <= int(found.group("low")) < int(found.group("high"))
    ]


def _pair_referred_back(told: Sequence[str], question: str) -> tuple[list[str], str] | None:
    """ "what if it was 155 over 95 instead?" after "BP is 145/95 on lisinopril": a pair with no other number in the
    follow-up stands in place of the one pair of readings the conversation told, when the earlier pair was read as
    readings of a measure (its number pair, rewritten, keeps the measure's name)."""
    pairs = _reading_pairs(question)
    if len(pairs) != 1 or len(_NUMBER_IN_RE.findall(question)) != 2:
        return None
    told_pairs = [
        (i, found)
        for i, earlier in enumerate(told)
        for found in _reading_pairs(earlier)
        if any(m.span[0] <= found.start() and found.end() <= m.span[1] for m in parse_question(earlier).measurements)
    ]
    if len(told_pairs) != 1:
        return None
    (turn, old), new = told_pairs[0], pairs[0]
    earlier = told[turn]
    replaced = f"{earlier[: old.start()]}{new.group('high')}/{new.group('low')}{earlier[old.end() :]}"
    return _in_its_turn(told, turn, replaced), _without(question, *new.span())


def _unit_read(text: str, number_end: int) -> tuple[str, float] | None:
    """The unit right after a number as read: its canonical unit and factor ("g" and "grams" alike)."""
    found = match_unit(text, number_end)
    return None if found is None else (found[0], found[1])


_NUMBER_IN_RE = re.compile(r"\d+(?:[.,]\d+)*")


def time_put_in_place(told: Sequence[str], question: str) -> list[str] | None:
    """ "Sorry, I got the date wrong: the surgery was actually 14 months ago" after "I had a microdiscectomy 8 months
    ago ...": the earlier turns with the one time they told replaced by the follow-up's, so the corrected event keeps
    its name. None unless the follow-up corrects (or supposes) one time, names nothing a clause told names, adds
    nothing ("Actually, I also had radiation two weeks ago"), and the conversation told exactly one time since
    an event."""
    if _ADDS_RE.search(question) or not (
        _CORRECTION_RE.search(question) or _PUT_IN_PLACE_RE.search(question) or _SUPPOSES_RE.match(question)
    ):
        return None
    new = [e for e in parse_question(question).elapsed if e.days_ago is not None]
    if len(new) != 1 or new[0].event_span is None or new[0].event_span[1] > new[0].span[1]:
        return None
    if _without_corrected_clauses(told, _named_by_correction(question)) is not None:
        return None
    dated = [
        (i, e)
        for i, earlier in enumerate(told)
        for e in parse_question(earlier).elapsed
        if e.days_ago is not None and e.event_span is not None and e.event_span[1] < e.span[1]
    ]
    if len(dated) != 1:
        return None
    at, old = dated[0]
    was = _last_time_ago(told[at], old.span)
    now = _last_time_ago(question, new[0].span)
    if was is None or now is None:
        return None
    turns = list(told)
    turns[at] = f"{told[at][: was[0]]}{question[now[0] : now[1]]}{told[at][was[1] :]}"
    return turns


# "six weeks ago", "about 8 months ago": the words of a time since an event, apart from the event's.
_TIME_AGO_RE = re.compile(
    r"(?:\b(?:about|around|over|nearly|almost|just|only|roughly)\s+)?\b[\w.]+\s+(?:days?|weeks?|months?|years?)\s+ago\b",
    re.IGNORECASE,
)


# "What about once it's been 5 weeks?", "And if I wait until it's been 5 weeks?" (or "its been", as typed): a time
# since, supposed, that names no event; the conversation's one dated event is the one it speaks of.
_SUPPOSED_TIME_SINCE_RE = re.compile(
    r"\b(?:once|when|if|until|till|til)\s+(?:it(?:'s|’s|\s+has|\s+had|\s+is)?|its)\s+been\s+"
    r"(?:(?:about|around|over|just|only|at\s+least|more\s+than)\s+)?"
    r"(?P<n>\d+(?:\.\d+)?|a|an|" + "|".join(NUMBER_WORDS) + r")\s+(?P<unit>day|week|month|year)s?\b"
    r"(?!\s+(?:ago|since|before|after|of|on|into|in)\b)",
    re.IGNORECASE,
)


# A denial of a change is no denial of the thing ("What if I don't stop the aspirin?" still takes aspirin).
_CHANGE_VERBS = frozenset(
    {
        "stop",
        "stopping",
        "quit",
        "quitting",
        "start",
        "starting",
        "take",
        "taking",
        "come",
        "coming",
        "need",
        "want",
        "plan",
        "planning",
        "have",
        "go",
        "going",
        "get",
        "getting",
        "wait",
        "waiting",
    }
)


# A reason given inside a clause ("... about 2.1 because I have Gilbert's"), to the clause's end.
_REASON_GIVEN_RE = re.compile(r",?\s+\b(?:because|since|due\s+to|as\s+a\s+result\s+of)\b[^.;!?]*", re.IGNORECASE)


def _supposed_away(question: str, facts: PatientFacts) -> set[str]:
    """The naming words of what a supposing follow-up denies ("nothing has spread to my liver" -> spread), unless the
    denial is of a change to it."""
    named: set[str] = set()
    for negated in facts.negated:
        scope = question[negated.scope_span[0] : negated.scope_span[1]]
        words = [w for w in tokens(scope) if w not in STOPWORDS]
        if words and words[0] not in _CHANGE_VERBS:
            named |= _naming_words(scope) - _CHANGE_VERBS
    return named


def _values_told(turns: Sequence[str]) -> int:
    return sum(len(parse_question(turn).measurements) for turn in turns)


def _retimed_by_time_since(told: Sequence[str], question: str) -> list[str] | None:
    """The earlier turns with their one "... ago" time put at the time since the follow-up supposes ("my last dose
    was 3 weeks ago" + "once it's been 5 weeks" -> "my last dose was 5 weeks ago"). None when the follow-up supposes
    no such time or the conversation dates more or less than one event."""
    supposed = _SUPPOSED_TIME_SINCE_RE.search(question)
    if supposed is None or not _SUPPOSES_RE.match(question):
        return None
    dated = [(i, found) for i, earlier in enumerate(told) for found in _TIME_AGO_RE.finditer(earlier)]
    if len(dated) != 1:
        return None
    at, found = dated[0]
    when = _ago_words(supposed.group("n"), supposed.group("unit"))
    turns = list(told)
    turns[at] = f"{told[at][: found.start()]}{when}{told[at][found.end() :]}"
    return turns


def without_time_since_put_in_place(told: Sequence[str], retold: Sequence[str], question: str) -> str:
    """The follow-up without its supposed time since ("And if I wait until it's been 4 weeks?") when the earlier
    turns `retold` carry that time in place of theirs ("my last dose was 4 weeks ago"): read there, with its event,
    it is no further fact to check."""
    supposed = _SUPPOSED_TIME_SINCE_RE.search(question)
    opening = _SUPPOSES_RE.match(question)
    if supposed is None or opening is None or list(retold) != _retimed_by_time_since(told, question):
        return question
    return f"{question[: opening.start()]}{question[supposed.end() :]}"


def _time_ago_said(question: str) -> str | None:
    """The words of the last "... ago" time the question tells ("about two months ago")."""
    when = _last_time_ago(question, (0, len(question)))
    return question[when[0] : when[1]] if when else None


def _last_time_ago(text: str, span: Span) -> Span | None:
    found = list(_TIME_AGO_RE.finditer(text, span[0], span[1]))
    return (found[-1].start(), found[-1].end()) if found else None


# How a turn says it corrects the one before ("Sorry, I got the date wrong:", "Hmm, I checked and", "actually"): talk
# about the conversation, no fact about the person.
_CORRECTION_TALK_RE = re.compile(
    r"\b(?:sorry|i\s+got\s+(?:that|it|this|the\s+\w+)\s+wrong|i\s+(?:just\s+)?(?:checked|meant)(?:\s+and)?|correction|"
    r"actually|^\W*(?:oh|ok|okay|well|right|hmm|um)\b)\W*",
    re.IGNORECASE,
)


def without_correction_talk(question: str) -> str:
    """ "Sorry, I got the date wrong: the surgery was actually 14 months ago" -> "the surgery was 14 months ago"."""
    return re.sub(r"\s{2,}", " ", _CORRECTION_TALK_RE.sub("", question)).strip()


# "Actually, I also had radiation two weeks ago": a further fact, not a correction of one told.
_ADDS_RE = re.compile(r"\b(?:also|too|as\s+well|another|besides)\b", re.IGNORECASE)


def _named_by_correction(question: str) -> set[str]:
    """The content words of what a correction tells, without its times ("14 months" is no thing it names) and
    without the words that say it corrects."""
    return _content_words(_CORRECTION_RE.sub(" ", question))


def _content_words(text: str) -> set[str]:
    """The words of `text` that name something, its times aside ("14 months" is no thing it names)."""
    return {t for t in tokens(_without_times(text)) if len(t) > 3 and not t.isdigit()}


def _one_for_one(told: Sequence[str], question: str) -> list[str] | None:
    """ "what if that last dose had been carmustine instead?" after "My last dacarbazine dose was 5 weeks ago": the
    one clause naming the rest of what the follow-up names ("last dose"), with the one thing it names that the
    follow-up does not (dacarbazine) swapped for the one new thing the follow-up names, keeping its time. None unless
    exactly one clause shares most of it and exactly one word goes for one word."""
    named = _named_by_correction(question) - {"instead"}
    clauses = [
        (i, span, named & set(tokens(_without_times(earlier[span[0] : span[1]]))))
        for i, earlier in enumerate(told)
        for span in split_clauses(earlier)
    ]
    most = max((len(shared) for _, _, shared in clauses), default=0)
    best = [(i, span, shared) for i, span, shared in clauses if most and len(shared) == most]
    if len(best) != 1:
        return None
    at, (start, end), shared = best[0]
    clause = told[at][start:end]
    gone = _content_words(clause) - named
    new = named - shared
    if len(gone) != 1 or len(new) != 1:
        return None
    old_word = next((m for m in re.finditer(r"[\w'-]+", clause) if tokens(m.group()) == list(gone)), None)
    new_word = next((m.group() for m in re.finditer(r"[\w'-]+", question) if tokens(m.group()) == list(new)), None)
    if old_word is None or new_word is None:
        return None
    turns = list(told)
    at_word = start + old_word.start()
    turns[at] = f"{told[at][:at_word]}{new_word}{told[at][start + old_word.end() :]}"
    return turns


def _without_corrected_clauses(told: Sequence[str], named: set[str], when: str | None = None) -> list[str] | None:
    """The earlier turns without the clauses naming most of what the correction names ("on my current combination
    for four months", not "climbing on my current meds"); a turn left with nothing but its asking clause goes. None
    when no clause names any of it. With `when` (the follow-up's "three years ago"), such a clause that dates its
    event keeps it, at that time: "I had breast cancer seven years ago" -> "I had breast cancer three years ago"."""
    clauses = [
        (i, span, len(named & set(tokens(earlier[span[0] : span[1]]))))
        for i, earlier in enumerate(told)
        for span in split_clauses(earlier)
    ]
    most = max((shared for _, _, shared in clauses), default=0)
    if not most:
        return None
    kept = []
    for i, earlier in enumerate(told):
        own = [(span, shared) for j, span, shared in clauses if j == i]
        rest = []
        retime_next = False
        for k, ((a, b), shared) in enumerate(own):
            dated = _last_time_ago(earlier, (a, b)) if when else None
            if dated is not None and (retime_next or shared == most):
                retime_next = False
                rest.append(f"{earlier[a : dated[0]]}{when}{earlier[dated[1] : b]}")
            elif shared == most and when and k + 1 < len(own) and _dates_it(earlier, own[k + 1][0]):
                # "I had chemo after my stomach surgery and finished it 8 months ago": the clause naming it stays,
                # and the next one, which dates it, takes the new time
                rest.append(earlier[a:b])
                retime_next = True
            elif shared < most:
                rest.append(earlier[a:b])
        text = "; ".join(rest)
        if shape_of(text).told or (rest and not shape_of(text).asks):
            kept.append(text)
    return kept


_REFERS_TO_IT_RE = re.compile(r"\b(?:it|them|that|this)\b", re.IGNORECASE)


def _dates_it(text: str, span: Span) -> bool:
    """The clause dates a thing it names only by a pronoun ("finished it 8 months ago")."""
    clause = text[span[0] : span[1]]
    return _last_time_ago(text, span) is not None and _REFERS_TO_IT_RE.search(clause) is not None


def _without_times(text: str) -> str:
    """The text with the time of each dated event cut out ("a chest cold about three weeks ago" -> "a chest cold")."""
    cuts = [
        (e.event_span[1], e.span[1])
        for e in parse_question(text).elapsed
        if e.duration_days is None and e.event_span is not None and e.event_span[1] < e.span[1]
    ]
    for start, end in sorted(cuts, reverse=True):
        text = text[:start].rstrip() + text[end:]
    return text


def elapsed_in_window(elapsed: Elapsed, window: TimeWindow) -> bool | None:
    """True if the event certainly falls inside the window, False if certainly outside, None otherwise.

    Honours the asker's bound: "over a month ago" is any time from 30 days back, so against "at least 6 weeks
    since" it is undecided rather than a guess.
    """
    if elapsed.days_ago is None:
        return None
    value = elapsed.days_ago
    low, high = value, value
    if elapsed.comparator in (Comparator.GT, Comparator.GE):
        high = float("inf")
    elif elapsed.comparator in (Comparator.LT, Comparator.LE):
        low = 0.0
    window_low = window.min_days_ago if window.min_days_ago is not None else 0.0
    window_high = window.max_days_ago if window.max_days_ago is not None else float("inf")
    if window.min_days_ago is None and window.max_days_ago is None:
        return None
    if window_low <= low and high <= window_high:
        return True
    if high < window_low or low > window_high:
        return False
    return None


_MAX_AGE_YEARS = 120.0


def age_in_days(facts: PatientFacts) -> Quantity | None:
    """The stated age as a Quantity in days (criteria's unit), a range when the asker gave a bound.

    `measures.compare` decides on a range only when all of it falls on one side, so "over 65" against "age > 65"
    stays undecided instead of guessing.
    """
    if facts.age is None:
        return None
    year = DAYS_PER_UNIT["year"]
    age = facts.age
    bounds = {
        Comparator.EQ: (age, None),
        Comparator.GT: (age, _MAX_AGE_YEARS),
        Comparator.GE: (age, _MAX_AGE_YEARS),
        Comparator.LT: (0.0, age),
        Comparator.LE: (age - 1, age),
        Comparator.RANGE: (age - 2, age + 2),
    }
    low, high = bounds.get(facts.age_comparator, (age, None))
    return Quantity(low * year, "day", None if high is None else high * year)

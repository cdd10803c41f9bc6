"""What kind of answer a wh-question expects, and whether a sentence holds one.

"How long ...?" is answered by a duration ("for 24 weeks"), "How often ...?" by a frequency ("every 4 hours"),
"When ...?" by a time point ("at week 4", "within 12 hours of surgery"), "How many ...?" by a number, "How much
...?" or "What dose ...?" by an amount with its unit, "What percentage ...?" by a percentage. Among the sentences that
share the question's words, the one holding the expected kind of answer is the one that answers: the sentence with
most shared words often names the topic without the value ("maintenance therapy is given to responders" for "how
long does the maintenance therapy go on?"). This is the answer-type step of classic question answering; the types
and their signs are English grammar and units, not any record's wording.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from assistant.question_shape import shape_of
from assistant.text import STOPWORDS, stem
from ingest.measures import DAYS_PER_UNIT, NUMBER_WORDS


class AnswerType(StrEnum):
    DURATION = "duration"
    FREQUENCY = "frequency"
    TIME_POINT = "time point"
    COUNT = "count"
    AMOUNT = "amount"
    PERCENT = "percent"


_NUMBER = r"(?:\d+(?:[.,]\d+)?|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")"
# "minute", "hour", "day", "week", "month", "year" with plurals and the registry's abbreviations ("wks", "mos", "hrs").
_TIME_UNIT = r"(?:" + "|".join(DAYS_PER_UNIT) + r")s?\b|(?:hrs?|wks?|mos|yrs?|mins?)\b"
_RANGE = rf"{_NUMBER}(?:\s*-?\s*(?:-|–|to|or|through)\s*{_NUMBER})?"
# "24 weeks", "3- to 4-day", "12-week", "nine months"
_LENGTH_OF_TIME = re.compile(rf"\b{_RANGE}[\s-]*(?:{_TIME_UNIT})", re.IGNORECASE)
# "4 months later", "2 weeks after surgery" place a moment in time; "for 3 months after the last dose" still lasts.
_MOMENT_AFTER = re.compile(r"\s*(?:later|after|before|ago|prior|post\b|old\b|of age\b)", re.IGNORECASE)
_MOMENT_BEFORE = re.compile(r"\b(?:at|by|within)\s+$", re.IGNORECASE)
_LASTING_BEFORE = re.compile(r"\b(?:for|over|lasting|lasts?|up to|period of|course of|total of)\s+$", re.IGNORECASE)
# "every 2 weeks", "each 4 hours": the length is the period of a repeat, a frequency, not how long anything lasts.
_PERIOD_BEFORE = re.compile(r"\b(?:every|each)\s+(?:other\s+)?$", re.IGNORECASE)
_FREQUENCY = re.compile(
    rf"\bevery\b|\b(?:once|twice|thrice)\b|\b{_NUMBER}\s+times\b|\b(?:hourly|daily|nightly|weekly|fortnightly|"
    r"biweekly|monthly|quarterly|yearly|annually)\b|\b(?:per|a|each)\s+(?:day|night|week|month|year|cycle)\b|"
    r"\bq\.?\s?\d*\s?(?:h|hrs?|d|wk?s?)\b|\b(?:bid|tid|qid|qd|qod|b\.i\.d|t\.i\.d)\b",
    re.IGNORECASE,
)
# "at week 4", "day 0, 28 and 168", "within 12 hours of surgery", "at the age of 14", "2 months after"
_TIME_POINT = re.compile(
    rf"\b(?:day|week|month|year|visit|cycle|hour)s?\s+-?\d|\b(?:age|aged)\s+(?:of\s+)?\d|{_LENGTH_OF_TIME.pattern}|"
    r"\b(?:before|after|during|following|prior to)\s+(?:the\s+)?(?:surgery|operation|procedure|treatment|"
    r"transplant|infusion|injection|dose|randomi[sz]ation|enrol?lment|study entry|discharge|delivery|birth)\b|"
    r"\bbaseline\b",
    re.IGNORECASE,
)
_COUNT = re.compile(rf"\b{_NUMBER}\b", re.IGNORECASE)
_AMOUNT = re.compile(
    r"\d[\d,.]*\s*(?:mg|mcg|µg|μg|ug|g|gm|kg|ml|cc|l|iu|units?|gy|cgy|mmol|meq|mci|mbq|%|"
    r"(?:milli|micro|nano)?grams?|(?:milli)?lit(?:er|re)s?|international\s+units|tablets?|capsules?|pills?|"
    rf"drops?|puffs?|sprays?|doses?)(?:/\w+)*(?![a-z])|{_LENGTH_OF_TIME.pattern}",
    re.IGNORECASE,
)
_PERCENT = re.compile(r"\d\s*%|\bpercent(?:age)?\b", re.IGNORECASE)

# "how long", "how often", "how many": the words that ask for a degree, no topic of the question.
_DEGREE = re.compile(r"\bhow (?:long|often|frequently|many|much|far(?:\s+apart)?)\b", re.IGNORECASE)
# "how many [of the] sleep studies": up to two words naming what is counted, before the verb.
_COUNTED = re.compile(
    r"\bhow many\s+(?:of\s+(?:the|these|those|your)\s+)?(?P<what>[a-z][\w-]*(?:\s+[a-z][\w-]*)?)", re.IGNORECASE
)
_COUNTED_WITHIN = 3
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")

_SIGNS = {
    AnswerType.FREQUENCY: _FREQUENCY,
    AnswerType.TIME_POINT: _TIME_POINT,
    AnswerType.COUNT: _COUNT,
    AnswerType.AMOUNT: _AMOUNT,
    AnswerType.PERCENT: _PERCENT,
}

# Read in order: "how many times" asks a frequency and "how many weeks" a duration before "how many" asks a count.
_ASKED = (
    (AnswerType.FREQUENCY, re.compile(r"\bhow (?:often|frequently)\b|\bhow many times\b", re.IGNORECASE)),
    (
        AnswerType.DURATION,
        re.compile(rf"\bhow long\b|\bhow many (?:more )?(?:{_TIME_UNIT})|\bhow far apart\b", re.IGNORECASE),
    ),
    (AnswerType.PERCENT, re.compile(r"\bwhat (?:percent(?:age)?|proportion|fraction|share)\b", re.IGNORECASE)),
    (AnswerType.COUNT, re.compile(r"\bhow many\b|\bwhat number of\b", re.IGNORECASE)),
    (
        AnswerType.AMOUNT,
        re.compile(r"\bhow much\b|\b(?:what|which) (?:dose|dosage|amount|strength)\b", re.IGNORECASE),
    ),
    (
        AnswerType.TIME_POINT,
        re.compile(
            r"^\W*(?:(?:and|so|but|then)\s+)?when\b|\bat what (?:time|point|age|stage)\b|\b(?:until|till|up to) "
            r"what age\b|\b(?:on|at|in) which (?:days?|weeks?|months?|visits?)\b|\bwhich (?:days?|weeks?)\b",
            re.IGNORECASE,
        ),
    ),
)


@dataclass(frozen=True)
class Expected:
    """The answer a question asks for: its kind, where the degree words asking it are ("how long"), and for a count
    the words naming what is counted ("how many sleep studies" counts sleep studies)."""

    kind: AnswerType
    degree: tuple[int, int] | None = None
    counted: frozenset[str] = frozenset()


def expected_answer(question: str) -> Expected | None:
    """The kind of answer the question's asking clause expects, or None (a yes/no question, "what is X?")."""
    asked = shape_of(question).asked
    kind = next((kind for kind, pattern in _ASKED if pattern.search(asked)), None)
    if kind is None:
        return None
    offset = max(question.rfind(asked), 0)
    degree = _DEGREE.search(asked)
    counted = _COUNTED.search(asked) if kind is AnswerType.COUNT else None
    return Expected(
        kind,
        (offset + degree.start(), offset + degree.end()) if degree else None,
        frozenset(stem(w.lower()) for w in _WORD.findall(counted.group("what"))) - STOPWORDS
        if counted
        else frozenset(),
    )


def degree_words(question: str) -> list[tuple[int, int]]:
    """Where the question's words asking for a degree are, all of them ("How many rounds of chemo are there, and how
    far apart?" asks with "How many" and "how far apart"), with the verb that closes a "how long" clause ("How long
    does the study last?"): it asks for the length too and names no topic."""
    found = [match.span() for match in _DEGREE.finditer(question)]
    if any(question[start:end].lower().endswith("long") for start, end in found):
        found += [match.span() for match in _LASTING_VERB.finditer(question)]
    return found


# "last", "run", "take", "go on" closing a clause: the verb of a "how long" question, not a topic word.
_LASTING_VERB = re.compile(r"\b(?:lasts?|runs?|takes?|go(?:es)? on)\b(?=\s*(?:[?.!,;]|and\b|$))", re.IGNORECASE)


def holds_answer(expected: Expected, sentence: str) -> bool:
    """The sentence says something of that kind ("for 6 weeks" is a duration, "every 4 hours" a frequency, "two
    sleep studies" a count of sleep studies)."""
    if expected.kind is AnswerType.DURATION:
        return any(_lasts(sentence, found) for found in _LENGTH_OF_TIME.finditer(sentence))
    if expected.kind is AnswerType.COUNT and expected.counted:
        return any(_counts(sentence, found, expected.counted) for found in _COUNT.finditer(sentence))
    return _SIGNS[expected.kind].search(sentence) is not None


_NAMED_NUMBER = re.compile(r"[A-Za-z]-$")


def _counts(sentence: str, found: re.Match[str], counted: frozenset[str]) -> bool:
    """A number followed closely by a word of what is counted ("24 exercise sessions"); not the number of a name
    ("GPX-100 in treating patients", "IL-2")."""
    if _NAMED_NUMBER.search(sentence, 0, found.start()):
        return False
    following = _WORD.findall(sentence[found.end() :])[:_COUNTED_WITHIN]
    return any(stem(w.lower()) in counted for w in following)


def _lasts(sentence: str, found: re.Match[str]) -> bool:
    """A length of time that is a duration, not a moment, a window or a period ("4 months later", "seen at 12 months",
    "within 6 weeks of study entry", "every 2 weeks")."""
    before = sentence[: found.start()]
    if _PERIOD_BEFORE.search(before):
        return False
    if _LASTING_BEFORE.search(before):
        return True
    return _MOMENT_BEFORE.search(before) is None and _MOMENT_AFTER.match(sentence, found.end()) is None

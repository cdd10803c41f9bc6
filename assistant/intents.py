"""Reads a question's intent with the rules in assistant/data/intents.json."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any, Literal

from assistant.text import stem

IntentKind = Literal["injection", "not_stated", "location", "fact", "dosing", "eligibility", "general"]
_NCT = re.compile(r"\bNCT\d{8}\b", re.IGNORECASE)
_AGE = re.compile(
    r"\b(?:i am|i'm|im|aged?|he is|she is|he's|she's|a|an)\s+(\d{1,3})(?:[- ]?(?:years?|yrs?|y/?o)(?:[- ]old)?)?\b"
    r"|\b(\d{1,3})[- ](?:years?|yrs?)[- ]old\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Intent:
    kind: IntentKind
    name: str = ""
    spec: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)


def _compile(patterns: list[str]) -> list[re.Pattern[str]]:
    return [re.compile(p, re.IGNORECASE) for p in patterns]


class IntentRules:
    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.injection = _compile(data["injection"])
        self.not_stated = [(t, _compile(t["patterns"])) for t in data["not_stated"]]
        self.location = _compile(data["location"])
        self.facts = [(f, _compile(f["patterns"])) for f in data["facts"]]
        self.dosing = _compile(data["dosing"]["patterns"])
        self.eligibility = _compile(data["eligibility"])
        self.eligibility_strong = _compile(data["eligibility_strong"])
        self.follow_up = _compile(data["follow_up"])
        self.eligibility_scaffolding = frozenset(stem(w) for w in data["eligibility_scaffolding"])
        self.general_scaffolding = frozenset(stem(w) for w in data["general_scaffolding"])

    @classmethod
    def from_package(cls) -> IntentRules:
        return _package_rules()

    def classify(self, question: str) -> Intent:
        text = question.strip()
        if _any(self.injection, text):
            return Intent("injection")
        eligibility_cue = _any(self.eligibility, text)
        for topic, patterns in self.not_stated:
            if _any(patterns, text) and not (eligibility_cue and topic["topic"] in {"side_effects", "benefit"}):
                return Intent("not_stated", topic["topic"], topic)
        if _any(self.location, text) and not eligibility_cue:
            return Intent("location")
        if age_in_question(text) is not None and eligibility_cue:
            return Intent("eligibility", "age")
        if _any(self.eligibility_strong, text):
            return Intent("eligibility")
        for fact, patterns in self.facts:
            if _any(patterns, text):
                return Intent("fact", fact["intent"], fact)
        if _any(self.dosing, text):
            return Intent("dosing", spec=self.data["dosing"])
        if eligibility_cue:
            return Intent("eligibility")
        return Intent("general")

    def is_follow_up(self, question: str) -> bool:
        return _any(self.follow_up, question.strip())


def _any(patterns: list[re.Pattern[str]], text: str) -> bool:
    return any(p.search(text) for p in patterns)


@cache
def _package_rules() -> IntentRules:
    return IntentRules(json.loads((resources.files("assistant") / "data" / "intents.json").read_text()))


def trial_id_in(text: str) -> str | None:
    match = _NCT.search(text)
    return match.group(0).upper() if match else None


def age_in_question(text: str) -> int | None:
    match = _AGE.search(text)
    if not match:
        return None
    value = int(match.group(1) or match.group(2))
    return value if 0 < value < 120 else None

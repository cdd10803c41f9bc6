"""Place names: folding spellings together, and the countries of assistant/data/country_names.json.

Shared by the cross-trial filters (a site's country under any spelling) and the offline answerer (a question naming
a place where the trial has sites asks about those sites).
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import cache
from importlib import resources

from assistant.text import STOPWORDS

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
# Place names are found as runs of capitalised words in a question ("Canada", "South Korea", "Bosnia and
# Herzegovina"): lower-case words are ordinary words ("turkey", "reading").
_CAPITALISED_RUN = re.compile(r"\b[A-Z][\w'’.-]*(?:\s+(?:and\s+|of\s+(?:the\s+)?)?[A-Z][\w'’.-]*){0,3}")


def fold(text: str) -> str:
    """Lower case without accents or punctuation runs: "São Paulo" and "sao paulo" are one place."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return " ".join(_WORD.findall(plain))


@cache
def country_spellings() -> dict[str, str]:
    """Folded spelling -> the common English name of the country (assistant/data/country_names.json)."""
    data = json.loads((resources.files("assistant") / "data" / "country_names.json").read_text(encoding="utf-8"))
    return {spelling: name for name, others in data["countries"].items() for spelling in (name, *others)}


def country(folded: str) -> str:
    """A folded country name in its common English form: "russian federation" -> "russia"."""
    return country_spellings().get(folded, folded)


def names_a_place(text: str, places: set[str]) -> bool:
    """The text names one of these folded places as a name of its own: a whole run of capitalised words, less a
    sentence-initial function word ("Is it open anywhere in Canada?" and "In Canada, where?" name "canada"; "is turkey
    allowed?" and "the Boston Naming Test" name no place)."""
    for run in _CAPITALISED_RUN.finditer(text):
        words = fold(run.group(0)).split()
        if words and words[0] in STOPWORDS:
            words = words[1:]
        name = " ".join(words)
        if name in places and len(name) > 2 and name not in STOPWORDS:
            return True
    return False

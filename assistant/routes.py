"""How a drug or vaccine is given, named next to it: "oral ganciclovir" is not a "ganciclovir implant", a nasal flu
vaccine is not a flu shot, an inhaled steroid is not a systemic one.

The route names are those of the FDA Data Standards Manual "Route of Administration" list (public domain), grouped
into the routes criteria tell apart, with the dosage forms and lay words people use for them. "systemic" and
"parenteral" name groups of routes.
"""

from __future__ import annotations

import re

_ROUTE_WORDS: dict[str, str] = {
    "oral": r"oral(?:ly)?|by\s+mouth|tablets?|capsules?|pills?",
    # "IV" in capitals and not a stage, grade or class ("stage IV")
    "intravenous": r"intravenous(?:ly)?|i\.v\.|(?-i:(?<!stage\s)(?<!grade\s)(?<!class\s)(?<!type\s)(?<!phase\s)IV)"
    r"|infusions?|infused|drips?",
    "injected": r"inject(?:ed|ion|ions|able|ables)|subcutaneous(?:ly)?|intramuscular(?:ly)?|shots?|jabs?",
    "topical": r"topical(?:ly)?|creams?|ointments?|gels?|lotions?|transdermal|skin\s+patch(?:es)?",
    "inhaled": r"inhaled|inhalers?|inhalation(?:al)?|nebuli[sz]ed|nebuli[sz]ers?|puffers?|aerosoli[sz]ed|aerosols?",
    "nasal": r"(?:intra)?nasal(?:ly)?|nose\s+sprays?",
    "ocular": r"eye\s+drops|ophthalmic|intravitreal(?:ly)?|intraocular",
    "implanted": r"implants?|implanted",
    "rectal": r"rectal(?:ly)?|suppositor(?:y|ies)|enemas?",
}
_ROUTE_GROUPS: dict[str, frozenset[str]] = {
    "systemic": frozenset({"oral", "intravenous", "injected", "implanted"}),
    "parenteral": frozenset({"intravenous", "injected"}),
}
_ROUTE_RE = re.compile(
    r"\b(?:"
    + "|".join(f"(?P<{name}>{pattern})" for name, pattern in _ROUTE_WORDS.items())
    + "|"
    + "|".join(f"(?P<{name}>{name})" for name in _ROUTE_GROUPS)
    + r")\b",
    re.IGNORECASE,
)
# The words around the mention that can say its route: up to three on each side, within its clause, and not past an
# exception ("Corticosteroids (except topical or inhaled)" names the routes that are NOT meant), nor past a word that
# times it by another event ("colony stimulating factors during topotecan infusion": the infusion is topotecan's).
_WORD = re.compile(r"[^\W\d_][\w.'-]*")
_STOP_BEFORE = re.compile(
    r"[,;:.()\[\]]|\b(?:except|excluding|other\s+than|but\s+not|unless|apart\s+from"
    r"|during|while|before|after|following|until|prior\s+to)\b",
    re.I,
)
_REACH = 3


def routes_in(text: str) -> frozenset[str]:
    """Every route a stretch of text names ("other than oral" -> oral)."""
    found: set[str] = set()
    for match in _ROUTE_RE.finditer(text):
        name = match.lastgroup or ""
        found |= _ROUTE_GROUPS.get(name, {name})
    return frozenset(found)


def routes_near(text: str, start: int, end: int) -> frozenset[str]:
    """The routes named in the few words before and after text[start:end]."""
    before = text[max(0, start - 60) : start]
    stops = list(_STOP_BEFORE.finditer(before))
    before = before[stops[-1].end() :] if stops else before
    after = text[end : end + 60]
    stop = _STOP_BEFORE.search(after)
    after = after[: stop.start()] if stop else after
    return routes_in(" ".join([*_WORD.findall(before)[-_REACH:], "|", *_WORD.findall(after)[:_REACH]]))


def other_route(asked: frozenset[str], text: str, start: int, end: int) -> bool:
    """Both name a route and none is shared: the criterion speaks of the thing given another way."""
    named = routes_near(text, start, end)
    return bool(asked) and bool(named) and not asked & named

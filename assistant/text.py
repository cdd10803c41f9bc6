"""Word-level text helpers shared by lexical retrieval and grounding checks."""

from __future__ import annotations

import re
from functools import cache

_WORD = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "yet",
        "though",
        "although",
        "because",
        "him",
        "her",
        "his",
        "hers",
        "us",
        "ours",
        "mine",
        "yours",
        "himself",
        "herself",
        "myself",
        "themselves",
        "of",
        "to",
        "in",
        "on",
        "at",
        "for",
        "with",
        "by",
        "from",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "am",
        "do",
        "does",
        "did",
        "doing",
        "have",
        "has",
        "had",
        "having",
        "i",
        "me",
        "my",
        "we",
        "our",
        "you",
        "your",
        "he",
        "she",
        "it",
        "its",
        "they",
        "them",
        "their",
        "this",
        "that",
        "these",
        "those",
        "what",
        "which",
        "who",
        "whom",
        "whose",
        "when",
        "where",
        "why",
        "how",
        "can",
        "could",
        "would",
        "should",
        "will",
        "shall",
        "may",
        "might",
        "must",
        "not",
        "no",
        "if",
        "then",
        "than",
        "so",
        "such",
        "there",
        "here",
        "about",
        "into",
        "over",
        "under",
        "after",
        "before",
        "during",
        "within",
        "any",
        "all",
        "some",
        "each",
        "other",
        "both",
        "either",
        "neither",
        "also",
        "just",
        "only",
        "very",
        "more",
        "most",
        "less",
        "least",
        "up",
        "down",
        "out",
        "off",
        "again",
        "further",
        "once",
        "too",
        "s",
        "t",
        "don",
        "doesn",
        "isn",
        "aren",
        "wasn",
        "weren",
        "won",
        "wouldn",
        "couldn",
        "shouldn",
        "it's",
        "i'm",
        "i've",
        "i'd",
        "let's",
    ]
)


def stem(word: str) -> str:
    """A light English plural/inflection folding: "metastases"/"metastasis", "diseases"/"disease", "vaccines".

    Greek plurals in -ses come from -sis only after the stems that take it ("diagnoses", "analyses", "prostheses",
    "metastases"); elsewhere -ses is -se plus s ("diseases", "responses"). Words in -us and -is are singular
    ("previous", "virus", "psoriasis"): no "s" is cut from them.
    """
    if len(word) > 6 and word.endswith(_GREEK_PLURALS) and not word.endswith(_NOT_GREEK_PLURALS):
        return word[:-3] + "sis"
    if len(word) > 6 and word.endswith("uses") and not word.endswith("auses"):
        return word[:-2]  # "viruses", "sinuses"
    for suffix, replacement in (
        ("ies", "y"),
        ("xes", "x"),
        ("ing", ""),
        ("ed", ""),
        ("es", "e"),
        ("s", ""),
    ):
        if len(word) > len(suffix) + 3 and word.endswith(suffix) and not word.endswith(("ss", "us", "is")):
            return word[: -len(suffix)] + replacement
    return word


_GREEK_PLURALS = ("oses", "yses", "theses", "stases")
_NOT_GREEK_PLURALS = ("doses", "poses", "loses")


@cache
def _stem_cached(word: str) -> str:
    return stem(word)


def tokens(text: str, drop_stopwords: bool = True) -> list[str]:
    words = _WORD.findall(text.lower())
    return [_stem_cached(w) for w in words if not (drop_stopwords and w in STOPWORDS)]

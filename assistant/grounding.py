"""Finding what a question asks about inside a passage, with exact character spans.

Everything the offline answerer quotes comes from these spans, so quotes are always exact substrings.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.text import STOPWORDS, stem

_WORD = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?")
_SENTENCE_END = re.compile(r"(?<=[.;!?])\s+(?=\S)|\n+")
# Classic-XML text blocks are hard-wrapped at about 80 columns: a line break there is a space, not the end of a
# sentence ("... the two foscarnet doses are separated\nby at least 72 hours."). A break continues the sentence
# when the line before is wrap-long and ends mid-sentence, and the next line reads on: it starts in lower case, with
# a digit or bracket, or follows a word no sentence ends on. Short lines ("DRUG: Filgrastim") and list items keep
# their own line. In 400 bulk-xml records, 8,105 of 8,106 wrapped summary and description lines are 70 characters or
# longer; an intervention's name line ("BIOLOGICAL: autologous bone marrow-derived progenitor cells") is shorter.
_WRAP_MIN = 70
_ENDS_SENTENCE = re.compile(r"[.;:!?]['\"”)\]]?\s*$")
_LIST_ITEM = re.compile(r"\s*(?:[-*•·]|\(?\d{1,2}[.)]|\(?[a-z][.)]\s|\(?[ivx]{1,4}[.)]\s)")
_READS_ON = re.compile(r"\s*[a-z0-9(\[]")
# Determiners, prepositions, conjunctions, auxiliaries and possessives: closed-class words no sentence ends on
# ("... at one of two doses or no\nG-CSF for 24 weeks").
_NO_SENTENCE_ENDS_ON = frozenset(
    [
        "a",
        "an",
        "the",
        "no",
        "any",
        "this",
        "these",
        "those",
        "another",
        "several",
        "other",
        "some",
        "of",
        "to",
        "in",
        "on",
        "at",
        "by",
        "for",
        "with",
        "from",
        "into",
        "onto",
        "over",
        "under",
        "between",
        "among",
        "per",
        "versus",
        "via",
        "about",
        "after",
        "before",
        "during",
        "within",
        "without",
        "against",
        "including",
        "such",
        "like",
        "upon",
        "and",
        "or",
        "but",
        "nor",
        "as",
        "than",
        "that",
        "which",
        "who",
        "whose",
        "if",
        "when",
        "while",
        "its",
        "their",
        "his",
        "her",
        "our",
        "your",
        "my",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "has",
        "have",
        "had",
        "do",
        "does",
        "did",
        "will",
        "would",
        "shall",
        "may",
        "might",
        "can",
        "could",
        "should",
        "must",
        "not",
        "each",
        "every",
        "both",
    ]
)


MAX_GAP = 3


@dataclass(frozen=True)
class Concept:
    """One thing the question asks about: alternative phrasings, each a sequence of stemmed words."""

    name: str
    phrases: tuple[tuple[str, ...], ...]
    asked: tuple[tuple[str, ...], ...] = ()  # the phrasings the question itself used

    def weight(self, found: Sequence[tuple[str, ...]]) -> float:
        """A match in the question's own words counts more than one through a synonym."""
        return 1.0 if any(p in self.asked for p in found) else 0.8


@dataclass(frozen=True)
class Span:
    start: int
    end: int


def word_spans(text: str) -> list[tuple[str, int, int]]:
    return [(_word_stem(m.group(0)), m.start(), m.end()) for m in _WORD.finditer(text)]


def _word_stem(word: str) -> str:
    """The stem of a word as written; a possessive names its owner ("Gilbert's" is "Gilbert", "Crohn's" "Crohn"), as
    records write the same eponym with or without it ("Gilbert syndrome", "Gilbert's disease")."""
    lowered = word.lower().replace("’", "'")
    return stem(lowered[:-2] if lowered.endswith("'s") and len(lowered) > 3 else lowered)


def phrase_words(phrase: str) -> tuple[str, ...]:
    return tuple(stem(w.lower()) for w in _WORD.findall(phrase))


def find_concept(concept: Concept, words: Sequence[tuple[str, int, int]]) -> list[Span]:
    return [span for span, _ in find_phrases(concept, words)]


def find_phrases(concept: Concept, words: Sequence[tuple[str, int, int]]) -> list[tuple[Span, tuple[str, ...]]]:
    """Every occurrence of any phrasing of the concept, with the phrasing that matched."""
    stems = [w for w, _, _ in words]
    found: dict[Span, tuple[str, ...]] = {}
    for phrase in concept.phrases:
        for i, word in enumerate(stems):
            if phrase and word == phrase[0]:
                end = _phrase_end(stems, i, phrase)
                if end is not None:
                    found.setdefault(Span(words[i][1], words[end][2]), phrase)
    return sorted(found.items(), key=lambda item: (item[0].start, item[0].end))


def _phrase_end(stems: Sequence[str], first: int, phrase: tuple[str, ...]) -> int | None:
    """Index of the phrase's last word when its words follow in order, at most MAX_GAP words apart
    ("brain metastases" in "brain or spinal cord metastases"); None when they do not."""
    position = first
    for word in phrase[1:]:
        window = stems[position + 1 : position + 2 + MAX_GAP]
        if word not in window:
            return None
        position += 1 + window.index(word)
    return position


def build_concepts(
    question: str, synonym_groups: Sequence[Sequence[str]], scaffolding: frozenset[str]
) -> list[Concept]:
    """Concepts from synonym groups the question mentions, plus its remaining content words."""
    spans = word_spans(question)
    question_words = [w for w, _, _ in spans]
    covered: set[str] = set()
    concepts: list[Concept] = []
    for group in synonym_groups:
        phrases = tuple(dict.fromkeys(phrase_words(term) for term in group))
        hits = [p for p in phrases if p and _contains(question_words, p)]
        if not hits:
            continue
        meaningful = [p for p in hits if any(w not in scaffolding and w not in STOPWORDS for w in p)]
        if not meaningful:
            continue
        covered.update(w for p in hits for w in p)
        concepts.append(Concept(_raw_phrase(question, meaningful[0]), phrases, asked=tuple(hits)))
    for word, start, end in spans:
        if word in covered or word in STOPWORDS or word in scaffolding or len(word) < 2 or word.isdigit():
            continue
        covered.add(word)
        concepts.append(Concept(question[start:end], ((word,),), asked=((word,),)))
    return _merge_overlapping(concepts)


def _merge_overlapping(concepts: list[Concept]) -> list[Concept]:
    """Two groups matched by the same words ("hepatitis B" -> HBV and hepatitis) count as one concept."""
    merged: list[Concept] = []
    for concept in concepts:
        for i, other in enumerate(merged):
            if set(concept.phrases) & set(other.phrases) and concept.name in " ".join(
                " ".join(p) for p in other.phrases
            ):
                phrases = tuple(dict.fromkeys(other.phrases + concept.phrases))
                merged[i] = Concept(other.name, phrases, tuple(dict.fromkeys(other.asked + concept.asked)))
                break
        else:
            merged.append(concept)
    return merged


def _raw_phrase(question: str, phrase: tuple[str, ...]) -> str:
    spans = word_spans(question)
    for i in range(len(spans) - len(phrase) + 1):
        if tuple(w for w, _, _ in spans[i : i + len(phrase)]) == phrase:
            return question[spans[i][1] : spans[i + len(phrase) - 1][2]]
    return " ".join(phrase)


def _contains(words: Sequence[str], phrase: tuple[str, ...]) -> bool:
    n = len(phrase)
    return any(tuple(words[i : i + n]) == phrase for i in range(len(words) - n + 1))


def sentences(text: str) -> list[Span]:
    spans: list[Span] = []
    start = 0
    for boundary in _SENTENCE_END.finditer(text):
        if _wrapped_line_break(text, boundary.start(), boundary.end()):
            continue
        if text[start : boundary.start()].strip():
            spans.append(_trim(text, start, boundary.start()))
        start = boundary.end()
    if text[start:].strip():
        spans.append(_trim(text, start, len(text)))
    return spans


def _wrapped_line_break(text: str, start: int, end: int) -> bool:
    """A single line break inside a hard-wrapped paragraph (see _WRAP_MIN)."""
    if text[start:end] != "\n":
        return False
    line = text[text.rfind("\n", 0, start) + 1 : start]
    following = text[end : text.find("\n", end) if "\n" in text[end:] else len(text)]
    if len(line.strip()) < _WRAP_MIN or _ENDS_SENTENCE.search(line) or _LIST_ITEM.match(following):
        return False
    last_word = line.split()[-1].lower()
    return _READS_ON.match(following) is not None or last_word in _NO_SENTENCE_ENDS_ON or last_word.endswith(",")


def _trim(text: str, start: int, end: int) -> Span:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end)

"""Invariant probes over real records nothing was tuned on: questions built mechanically from a criterion's own
words, each testing one thing a verdict must respect, counted over hundreds of records.

    python -m eval.probes negated ../shared/data/bulk-xml --limit 600

Kinds (what must not happen):
- `negated`: "I have never had X", built from an exclusion naming X, is excluded (by any criterion of the trial);
- `window`: "I had X <4x the window> ago" for a windowed exclusion is excluded;
- `sibling`: a concept with the same MeSH parent as a short exclusion's only concept is excluded;
- `values`: a value just inside (outside) a lexicon bound, asked in the criterion's words, is decided the wrong
  way;
- `qualified`: a bare concept ("I have hypertension") is excluded by "uncontrolled/active/severe ... X".

The counts are read, not asserted: a probe's question can be odd ("I have never had randomization"), so a
reported exclusion is a lead to read, not a failure. The figures each change moved are in its commit message.
"""

from __future__ import annotations

import argparse
import collections
import random
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from assistant.eligibility import Decision, EligibilityReasoner
from assistant.intents import IntentRules
from assistant.settings import Settings
from assistant.vocabulary import Vocabulary
from ingest.chunking import EXCLUSION, INCLUSION, chunk_trial
from ingest.constraints import parse_criterion
from ingest.loaders import load_file
from ingest.measures import Comparator
from ingest.records import Chunk

_WINDOW = re.compile(r"\bwithin\s+(?:the\s+)?(?:last\s+|past\s+|prior\s+)?(\d+)\s+(days?|weeks?|months?)\b", re.I)
_QUALIFIED = re.compile(
    r"^\W*(uncontrolled|active|symptomatic|severe|unstable|clinically significant|poorly controlled|significant"
    r"|untreated|progressive|acute|chronic|recurrent|major)\s+",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_BOUNDS = (Comparator.GE, Comparator.GT, Comparator.LE, Comparator.LT)
# Probes about one criterion's own reading are asked against it alone; the others against the whole trial.
_ALONE = ("sibling", "values")


@dataclass(frozen=True)
class Probe:
    """One built question against the criteria of one trial, and whether its verdict breaks the invariant."""

    trial_id: str
    question: str
    criterion: Chunk
    wrong: Callable[[Decision | None], bool]


class Prober:
    def __init__(self) -> None:
        self.vocabulary = Vocabulary.load()
        self.reasoner = EligibilityReasoner(
            self.vocabulary,
            IntentRules.from_package().eligibility_scaffolding,
            Settings().eligibility,
        )
        self.random = random.Random(7)
        self._siblings: dict[str, list[str]] | None = None

    def negated(self, chunk: Chunk) -> Iterator[tuple[str, Callable[[Decision | None], bool]]]:
        # Built from exclusions only: an inclusion naming X may well require it.
        mentions = self.vocabulary.mentions(chunk.text[:80]) if chunk.section == EXCLUSION else []
        if mentions:
            yield f"I have never had {mentions[0].surface}. Can I join?", lambda d: d is Decision.EXCLUDED

    def window(self, chunk: Chunk) -> Iterator[tuple[str, Callable[[Decision | None], bool]]]:
        found = _WINDOW.search(chunk.text)
        mentions = self.vocabulary.mentions(chunk.text[: found.start()]) if found and chunk.section == EXCLUSION else []
        if found and mentions:
            amount, unit = int(found.group(1)) * 4, found.group(2).rstrip("s")
            question = f"I had {mentions[-1].surface} {amount} {unit}s ago. Can I join?"
            yield question, lambda d: d is Decision.EXCLUDED

    def sibling(self, chunk: Chunk) -> Iterator[tuple[str, Callable[[Decision | None], bool]]]:
        mentions = self.vocabulary.mentions(chunk.text)
        if chunk.section != EXCLUSION or len(chunk.text.split()) > 8 or len(mentions) != 1:
            return
        concept = mentions[0].concept_ids[0]
        parents = self.vocabulary.parents(concept)
        candidates = [
            c
            for c in self.siblings().get(parents[0] if parents else "", [])
            if c != concept and self.vocabulary.relation(c, concept) is None
        ]
        if candidates:
            other = self.random.choice(candidates)
            yield f"I have {self.vocabulary.name(other).lower()}. Can I join?", lambda d: d is Decision.EXCLUDED

    def qualified(self, chunk: Chunk) -> Iterator[tuple[str, Callable[[Decision | None], bool]]]:
        found = _QUALIFIED.match(chunk.text)
        if chunk.section != EXCLUSION or found is None:
            return
        mentions = [m for m in self.vocabulary.mentions(chunk.text[found.end() : found.end() + 60]) if m.start == 0]
        if mentions:
            yield f"I have {mentions[0].surface}. Can I join?", lambda d: d is Decision.EXCLUDED

    def values(self, chunk: Chunk) -> Iterator[tuple[str, Callable[[Decision | None], bool]]]:
        for comparison in parse_criterion(chunk.text).comparisons:
            bound = comparison.comparison.comparator
            if comparison.measure.startswith(("head:", "count:")) or comparison.measure in ("age", "unknown"):
                continue
            if comparison.measure_span is None or bound not in (
                Comparator.GE,
                Comparator.GT,
                Comparator.LE,
                Comparator.LT,
            ):
                continue
            after = chunk.text[comparison.measure_span[1] : comparison.span[1]]
            number = _NUMBER.search(after)
            if number is None or not float(number.group().replace(",", "")):
                continue
            value, upward = float(number.group().replace(",", "")), bound in (Comparator.GE, Comparator.GT)
            unit = after[number.end() :].strip()
            measure = chunk.text[comparison.measure_span[0] : comparison.measure_span[1]]
            for inside in (True, False):
                asked = value * (1.25 if upward == inside else 0.75)
                shown = f"{asked:,.0f}" if asked >= 1000 else f"{asked:.3g}"
                question = f"My {measure} is {shown} {unit}. Can I join?"
                yield question, _value_wrong(chunk.section, inside)

    def siblings(self) -> dict[str, list[str]]:
        if self._siblings is None:
            index: dict[str, list[str]] = collections.defaultdict(list)
            for concept in self.vocabulary._names:  # every concept id, read once for the probe
                for parent in self.vocabulary.parents(concept)[:1]:
                    index[parent].append(concept)
            self._siblings = index
        return self._siblings


def _value_wrong(section: str, inside: bool) -> Callable[[Decision | None], bool]:
    admitted = (Decision.ALLOWED, Decision.CONDITIONS)
    if section == INCLUSION:
        return (lambda d: d is Decision.EXCLUDED) if inside else (lambda d: d in admitted)
    return (lambda d: d in admitted) if inside else (lambda d: d is Decision.EXCLUDED)


def criteria_of(paths: Sequence[Path], limit: int) -> Iterator[tuple[str, list[Chunk]]]:
    files = sorted(p for folder in paths for p in (folder.iterdir() if folder.is_dir() else [folder]))[:limit]
    for path in files:
        try:
            trials = load_file(path)
        except Exception:  # a record the loader refuses is skipped; its error is the loader's test
            continue
        for trial in trials:
            yield trial.trial_id, [c for c in chunk_trial(trial) if c.kind == "criterion"]


def run(kind: str, paths: Sequence[Path], limit: int, shown: int) -> collections.Counter[str]:
    prober = Prober()
    build = getattr(prober, kind)
    counts: collections.Counter[str] = collections.Counter()
    leads: list[str] = []
    for _, criteria in criteria_of(paths, limit):
        for chunk in criteria:
            if chunk.section not in (INCLUSION, EXCLUSION):
                continue
            for question, wrong in build(chunk):
                asked_against = [chunk] if kind in _ALONE else criteria
                decision = prober.reasoner.assess(question, asked_against, {}).decision
                counts["asked"] += 1
                counts[str(decision.value if decision else "none")] += 1
                if wrong(decision):
                    counts["broke the invariant"] += 1
                    leads.append(f"{chunk.label}: {question} <- {chunk.text[:120]!r}")
    for lead in leads[:shown]:
        print(lead)
    return counts


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("kind", choices=["negated", "window", "sibling", "values", "qualified"])
    parser.add_argument("records", nargs="+", type=Path, help="record files or folders (JSON, XML)")
    parser.add_argument("--limit", type=int, default=600, help="files read, in name order")
    parser.add_argument("--show", type=int, default=20, help="questions that broke the invariant to print")
    args = parser.parse_args(argv)
    counts = run(args.kind, args.records, args.limit, args.show)
    print(dict(counts))
    return 0


if __name__ == "__main__":
    sys.exit(main())

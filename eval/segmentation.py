"""How well the loader splits real criteria: the gold boundaries a reader wrote against what ingest produces.

The gold (`data/segmentation/gold.jsonl`) was written by reading the raw criteria of 65 ctgov-more records before
the loader was changed; for each record it lists every top-level criterion's section, number as printed and first
words. A record matches exactly when the loader yields the same criteria, in order, with the same sections and
numbers, each starting with the gold's first words.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from ingest.chunking import split_criteria
from ingest.loaders import load_file

SEGMENTATION = Path(__file__).resolve().parent / "data" / "segmentation"


@dataclass(frozen=True)
class GoldCriterion:
    section: str
    criterion: str
    starts_with: str


@dataclass
class SegmentationScore:
    records: int = 0
    exact: int = 0
    gold_items: int = 0
    found_items: int = 0
    mismatched: dict[str, str] = field(default_factory=dict, metadata={"doc": "trial id -> first difference"})

    @property
    def exact_share(self) -> float:
        return self.exact / self.records if self.records else 0.0

    def summary(self) -> str:
        return (
            f"segmentation: {self.exact} of {self.records} records split exactly as the gold "
            f"({self.exact_share:.3f}); {self.found_items} criteria found against {self.gold_items} in the gold"
        )


def _normal(text: str) -> str:
    return re.sub(r"[\W_]+", " ", text).strip().lower()


def loaded_criteria(path: Path) -> list[GoldCriterion]:
    trial = load_file(path)[0]
    section = trial.section("Eligibility Criteria")
    if section is None:
        return []
    return [
        GoldCriterion(item.kind, item.label or "", section.text[item.start : item.end])
        for item in split_criteria(section.text)
    ]


def first_difference(gold: list[GoldCriterion], found: list[GoldCriterion]) -> str | None:
    for index, (want, got) in enumerate(zip(gold, found, strict=False), start=1):
        same_start = _normal(got.starts_with).startswith(_normal(want.starts_with)[:40])
        if (want.section, want.criterion) != (got.section, got.criterion) or not same_start:
            return (
                f"item {index}: gold {want.section} #{want.criterion} '{want.starts_with[:40]}', got "
                f"{got.section} #{got.criterion} '{got.starts_with[:40]}'"
            )
    if len(gold) != len(found):
        return f"gold has {len(gold)} criteria, the loader {len(found)}"
    return None


def score(folder: Path = SEGMENTATION) -> SegmentationScore:
    result = SegmentationScore()
    for line in (folder / "gold.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        gold = [GoldCriterion(i["section"], str(i["criterion"]), i["starts_with"]) for i in record["items"]]
        found = loaded_criteria(folder / "records" / record["file"])
        result.records += 1
        result.gold_items += len(gold)
        result.found_items += len(found)
        difference = first_difference(gold, found)
        if difference is None:
            result.exact += 1
        else:
            result.mismatched[record["trial_id"]] = difference
    return result


if __name__ == "__main__":
    measured = score()
    print(measured.summary())
    for trial_id, difference in sorted(measured.mismatched.items()):
        print(f"  {trial_id}: {difference}")

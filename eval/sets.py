"""The registered evaluation sets: which items, which records they ask about, which floors CI holds them to.

`dev` is the set the answerer was developed on (the demo trials). `unseen-dev` and `unseen-test` were written
by reading real ClinicalTrials.gov records that nothing had been tuned on, split by trial; `unseen-test` was
committed before any change meant to pass it and is never tuned against.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
UNSEEN = DATA / "unseen"


@dataclass(frozen=True)
class EvalSet:
    name: str
    items: Path
    records: tuple[Path, ...] = field(default=(), metadata={"doc": "folders to ingest; empty: the demo data"})
    floors: dict[str, float] = field(default_factory=dict, metadata={"doc": "metric -> lowest value CI accepts"})
    ceilings: dict[str, float] = field(default_factory=dict, metadata={"doc": "metric -> highest value CI accepts"})
    about: str = ""


SETS: dict[str, EvalSet] = {
    "dev": EvalSet(
        "dev",
        DATA / "dev.jsonl",
        floors={"verdict_accuracy": 0.90, "recall_at_5": 0.95, "abstention_precision": 1.0},
        about="development set over the demo trials (tuned on)",
    ),
    "unseen-dev": EvalSet(
        "unseen-dev",
        UNSEEN / "dev.jsonl",
        (UNSEEN / "records" / "dev",),
        about="real records nothing was tuned on; development half (may be tuned on)",
    ),
    "unseen-test": EvalSet(
        "unseen-test",
        UNSEEN / "test.jsonl",
        (UNSEEN / "records" / "test",),
        about="real records nothing was tuned on; held-out half (never tuned against)",
    ),
}


def resolve(name_or_path: str) -> EvalSet:
    """A registered set by name, or any JSONL file as an ad-hoc set over the demo data."""
    if name_or_path in SETS:
        return SETS[name_or_path]
    path = Path(name_or_path)
    return EvalSet(path.stem, path, about=f"items from {path}")

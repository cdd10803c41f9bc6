"""Typed records the ingest stage hands on: a Trial (one registry record) and its Chunks."""

from __future__ import annotations

import re
import sys
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

# "NCT" and eight ASCII digits: `\d` would also take fullwidth or Arabic-Indic digits, which make look-alike ids
# that sort and link next to the real trial.
NCT_ID = re.compile(r"NCT[0-9]{8}", re.ASCII)
RESULTS_CONTACT = "Results Point of Contact"  # who answers questions about the posted results


def is_nct_id(text: str) -> bool:
    return NCT_ID.fullmatch(text) is not None


def shown(value: object, limit: int = 40) -> str:
    """A value quoted in an error message: its repr, cut to `limit` characters so a 100 KB id stays one short line."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


class Outcome(StrEnum):
    """What storing one trial did."""

    ADDED = "added"
    REPLACED = "replaced"
    UNCHANGED = "unchanged"


class Section(BaseModel):
    """One registry section: its heading and its exact text, located in the trial's source text."""

    model_config = ConfigDict(frozen=True)

    heading: str
    text: str
    start: int = Field(ge=0, description="offset of `text` in Trial.source_text")

    @property
    def end(self) -> int:
        return self.start + len(self.text)


class Fact(BaseModel):
    """A labelled single value of the record (status, phase, enrollment, ...), with its exact span."""

    model_config = ConfigDict(frozen=True)

    name: str
    value: str
    section: str
    start: int = Field(ge=0)


class Site(BaseModel):
    """One trial site as the record lists it."""

    model_config = ConfigDict(frozen=True)

    name: str
    city: str = ""
    state: str = ""
    country: str = ""
    status: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    text: str = Field(description="the exact source text of the site entry, its status and contact lines included")
    start: int = Field(ge=0)


class Trial(BaseModel):
    """One trial record from any source format.

    `source_text` is the text every offset refers to: the file itself for page text, a rendering
    of the record with registry headings for JSON and XML (so quotes stay exact either way).
    """

    model_config = ConfigDict(frozen=True)

    trial_id: str
    title: str
    source_path: str
    source_format: str
    source_text: str
    sections: tuple[Section, ...]
    facts: tuple[Fact, ...] = ()
    sites: tuple[Site, ...] = ()
    contacts: tuple[str, ...] = ()
    officials: tuple[str, ...] = Field(default=(), description='"name, role, affiliation" of each overall official')
    record_date: str | None = None
    record_version: str | None = None

    def section(self, heading: str) -> Section | None:
        return next((s for s in self.sections if s.heading == heading), None)

    def fact(self, name: str) -> Fact | None:
        return next((f for f in self.facts if f.name == name), None)


class Chunk(BaseModel):
    """A retrievable passage: exact source text plus the metadata a citation needs."""

    model_config = ConfigDict(frozen=True)

    chunk_id: str
    trial_id: str
    section: str
    kind: str = Field(description="criterion | fact | site | text")
    text: str = Field(description="exact source text; quotes are substrings of it")
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    criterion: str | None = Field(default=None, description="criterion number as printed")
    fact: str | None = None
    title: str = ""
    record_date: str | None = None
    heading: str | None = Field(
        default=None,
        description="sub-heading lines printed above the criterion inside its list ('Prior Medication: Excluded "
        "within 4 weeks of study entry:'): they say when or to whom it applies",
    )

    @property
    def label(self) -> str:
        if self.criterion is not None:
            return f"{self.trial_id} - {self.section.split()[0]} #{self.criterion}"
        return f"{self.trial_id} - {self.section}"


REPEATED_CHUNK_FIELDS = ("trial_id", "section", "kind", "criterion", "fact", "title", "record_date")


def chunk_with_shared_strings(fields: dict[str, Any]) -> Chunk:
    """A Chunk whose strings that repeat across a trial's rows (trial id, section, kind, title, ...) are
    one shared object each: that halves what a whole-store read (380k chunks at 10k trials) holds."""
    for name in REPEATED_CHUNK_FIELDS:
        if isinstance(fields.get(name), str):
            fields[name] = sys.intern(fields[name])
    return Chunk.model_validate(fields)

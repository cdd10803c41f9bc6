"""Section-aware chunking: one chunk per eligibility criterion, fact and site; token-sized text chunks."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache

from langchain_text_splitters import RecursiveCharacterTextSplitter

from ingest.records import Chunk, Section, Trial

ELIGIBILITY = "Eligibility Criteria"
INCLUSION = "Inclusion Criteria"
EXCLUSION = "Exclusion Criteria"

_ITEM = re.compile(r"^(?P<indent>[ \t]*)(?P<marker>[*\-•·]|\d{1,3}\\?[.)]|\(\d{1,3}\)|[a-zA-Z]\\?[.)])[ \t]+(?=\S)")
_NUMBER = re.compile(r"\d{1,3}(?=\\?[.)])")


@dataclass
class _Item:
    kind: str
    label: str
    start: int
    end: int
    indent: int
    children: list[tuple[int, int]] = field(default_factory=list)


def trial_fingerprint(trial: Trial) -> str:
    """Content hash of everything chunks are made from; changes whenever the record's text does."""
    digest = hashlib.sha256(trial.source_text.encode())
    digest.update(trial.model_dump_json(exclude={"source_path"}).encode())
    return digest.hexdigest()[:16]


def chunk_trial(trial: Trial, chunk_tokens: int = 256, overlap_tokens: int = 32) -> list[Chunk]:
    """Every retrievable passage of a trial; ids are stable for the same record content."""
    version = trial_fingerprint(trial)
    fact_sections = {f.section for f in trial.facts}
    chunks: list[Chunk] = []
    for section in trial.sections:
        if section.heading == ELIGIBILITY:
            chunks.extend(_criterion_chunks(trial, section, version, chunk_tokens, overlap_tokens))
        elif section.heading == "Locations" and trial.sites:
            chunks.extend(_site_chunks(trial, version))
        elif section.heading in fact_sections:
            continue
        else:
            chunks.extend(_text_chunks(trial, section, version, chunk_tokens, overlap_tokens))
    chunks.extend(_fact_chunks(trial, version))
    return chunks


def _make_chunk(
    trial: Trial, version: str, section: str, kind: str, start: int, end: int, **extra: str | None
) -> Chunk:
    text = trial.source_text[start:end]
    tag = extra.get("criterion") or extra.get("fact") or str(start)
    digest = hashlib.sha1(f"{version}|{section}|{tag}|{start}|{text}".encode()).hexdigest()[:16]
    slug = re.sub(r"[^a-z]+", "-", section.lower()).strip("-")
    return Chunk(
        chunk_id=f"{trial.trial_id}:{slug}:{tag}:{digest}",
        trial_id=trial.trial_id,
        section=section,
        kind=kind,
        text=text,
        start=start,
        end=end,
        title=trial.title,
        record_date=trial.record_date,
        **extra,
    )


def _fact_chunks(trial: Trial, version: str) -> Iterator[Chunk]:
    for fact in trial.facts:
        yield _make_chunk(
            trial, version, fact.section, "fact", fact.start, fact.start + len(fact.value), fact=fact.name
        )


def _site_chunks(trial: Trial, version: str) -> Iterator[Chunk]:
    for index, site in enumerate(trial.sites, start=1):
        yield _make_chunk(
            trial, version, "Locations", "site", site.start, site.start + len(site.text), fact=f"site-{index}"
        )


def _text_chunks(trial: Trial, section: Section, version: str, tokens: int, overlap: int) -> Iterator[Chunk]:
    for piece in _splitter(tokens, overlap).create_documents([section.text]):
        offset = int(piece.metadata["start_index"])
        if offset < 0:
            continue
        start = section.start + offset
        yield _make_chunk(trial, version, section.heading, "text", start, start + len(piece.page_content))


@cache
def _splitter(tokens: int, overlap: int) -> RecursiveCharacterTextSplitter:
    from assistant.offline_models import seed_tiktoken_cache

    seed_tiktoken_cache()
    return RecursiveCharacterTextSplitter.from_tiktoken_encoder(
        encoding_name="cl100k_base", chunk_size=tokens, chunk_overlap=overlap, add_start_index=True
    )


def _criterion_chunks(trial: Trial, section: Section, version: str, tokens: int, overlap: int) -> Iterator[Chunk]:
    items = split_criteria(section.text)
    if not items:
        yield from _text_chunks(trial, section, version, tokens, overlap)
        return
    for item in items:
        start, end = section.start + item.start, section.start + item.end
        yield _make_chunk(trial, version, item.kind, "criterion", start, end, criterion=item.label)


def _heading_kind(line: str) -> str | None:
    lowered = line.strip().lower()
    if len(lowered) > 100 or "criteri" not in lowered:
        return None
    has_in, has_ex = "inclusion" in lowered, "exclusion" in lowered
    if has_in == has_ex:
        return None
    return INCLUSION if has_in else EXCLUSION


def split_criteria(text: str) -> list[_Item]:
    """Split eligibility text into top-level criteria; sub-bullets and continuation lines stay with their parent.

    Labels are the numbers as printed; unnumbered bullets are labelled by their position in their list.
    """
    items: list[_Item] = []
    kind = ELIGIBILITY
    ordinal: dict[str, int] = {}
    top_indent: int | None = None
    offset = 0
    for line in text.splitlines(keepends=True):
        line_start, offset = offset, offset + len(line)
        body = line.rstrip()
        if not body.strip():
            continue
        marker = _ITEM.match(body)
        heading = _heading_kind(body[marker.end() :] if marker else body)
        if heading and (not marker or body.rstrip().endswith(":")):
            kind, top_indent = heading, None
            continue
        if not marker and body.rstrip().endswith(":"):
            continue  # a group label such as "Current or previous treatment:" belongs to no single criterion
        if marker:
            indent = len(marker.group("indent").expandtabs(4))
            if top_indent is None or indent <= top_indent or not items or items[-1].kind != kind:
                top_indent = indent if top_indent is None else min(top_indent, indent)
                ordinal[kind] = ordinal.get(kind, 0) + 1
                number = _NUMBER.match(marker.group("marker").lstrip("("))
                label = number.group(0) if number else str(ordinal[kind])
                items.append(_Item(kind, label, line_start + marker.end(), line_start + len(body), indent))
                continue
        if items and items[-1].kind == kind:
            items[-1].end = line_start + len(body)
    return items

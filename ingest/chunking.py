"""Section-aware chunking: one chunk per eligibility criterion, fact and site; token-sized text chunks."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

from ingest.records import RESULTS_CONTACT, Chunk, Section, Trial
from ingest.tokens import seed_tiktoken_cache

if TYPE_CHECKING:
    from langchain_text_splitters import RecursiveCharacterTextSplitter

ELIGIBILITY = "Eligibility Criteria"
INCLUSION = "Inclusion Criteria"
EXCLUSION = "Exclusion Criteria"

# A list marker: a bullet, a number as printed ("3.", "3)", "(3)", "12\." as markdown escapes it), a bullet that carries
# its own number ("* 1."), a letter or small roman numeral ("a)", "(b)", "ii."), or the "o" used for sub-bullets.
# Markdown escapes a leading "-" or "1." as "\-", "1\."; some records put no space after "-", "•" or "1.".
_BULLET = r"\\?[*\-•·◦▪–]"
_ITEM = re.compile(
    r"^(?P<indent>[ \t]*)(?P<marker>"
    rf"(?:{_BULLET}[ \t]+)?(?:\d{{1,3}}\\?[.)]|\(\d{{1,3}}\))"
    rf"|{_BULLET}|o(?=[ \t])"
    r"|\((?:[a-zA-Z]|[ivx]{1,4})\)|(?:[a-zA-Z]|[ivx]{2,4})\\?[.)]"
    r")(?:[ \t]+|(?<=[-•*])(?=[A-Za-z])|(?<=\d[.)])(?=[A-Z]))(?=\S)"
)
_NUMBER = re.compile(r"\d{1,3}")
# Bump whenever the same record and parameters would give other chunks (boundaries, ids or passage text): the
# index signature records it, so the next `trialqa ingest` rebuilds every stored trial.
CHUNKER_VERSION = 14
# Passages found by exact and lexical lookup: a site's city and contacts, a central contact's phone, an official's
# name, an identifier, a record field ("Overall status: RECRUITING", "Minimum age: 18 Years"). Their words find them,
# and the location, contacts, officials and record-field answers read them directly, so embedding them costs ingest
# time (sites alone are a quarter of the text of a real record with many sites) without helping dense retrieval.
# Measured on the evaluation sets: leaving record fields out of the dense ranking also stops their short passages
# from crowding criteria out of its top ranks. Results tables ("adverse events" for "side effects") stay embedded.
LOOKUP_KINDS = frozenset({"site", "fact"})
LOOKUP_SECTIONS = frozenset(
    {"Locations", "Central Contacts", "Overall Officials", "Other Identifiers", RESULTS_CONTACT}
)
# A sub-heading saying what the items under it are ("Excluded within 30 days:", "Allowed:"), as opposed to a
# category ("Concurrent Medication:", "Prior Treatment:") or a list of its own ("Patients with the following are
# excluded:").
_STATUS_LINE = re.compile(
    r"(?:excluded|allowed|permitted|required|recommended|prohibited|not\s+allowed)\b", re.IGNORECASE
)
_WORD = re.compile(r"[A-Za-z]{2,}")
# A label set between dashes on a line of its own ("--Disease Characteristics--", "--Prior/Concurrent Therapy--").
_DASHED_LABEL = re.compile(r"-{2,}[ \t]*[A-Za-z][^\n]{0,60}?[ \t]*-{2,}")
# Styles a marker belongs to; letters, roman numerals and "o" are what registries use for sub-items.
_NUMBERED, _LETTERED, _BULLETED = "number", "letter", "bullet"

# "<a few qualifier words> Inclusion|Exclusion [Criteria] [for ...|(...)|prior ...] [:]" at the start of a line.
_HEADER = re.compile(
    r"(?P<prefix>(?:[^\s:]+[ \t]+){0,5}?)[^\w\s]{0,3}"
    r"(?P<kw>inclu[a-z]{2,4}ns?|exclu[a-z]{2,4}ns?)\b"  # "Exclusions" on a line of its own too
    r"(?P<crit>[ \t]+criteri(?:a|on|ons)\b)?"
    r"(?P<tail>[^:\n]{0,120}?)"
    r"(?P<colon>[ \t]*:|[ \t]*$)",
    re.IGNORECASE,
)
# Words that make the text before or after "inclusion criteria" a sentence ("Patient meets the inclusion criteria for
# trial entry", "Other protocol-defined inclusion criteria may apply"): such a line is an item, not a header.
_SENTENCE_WORDS = frozenset({
    "the", "a", "an", "meets", "meet", "meeting", "met", "any", "all", "following", "above", "below", "who", "which",
    "that", "if", "must", "are", "is", "will", "may", "not", "no", "to", "be", "have", "has", "had", "was", "were",
    "specified", "than", "fitting", "per", "according", "these", "those", "this", "each", "apply", "applies", "can",
    "should", "would",
})  # fmt: skip
_TAIL_START = re.compile(r"^\s*(?:$|\(|[-–]|(?:for|prior|determined|after|before|during|at|in|of|within)\b)", re.I)
_OTHER_POLARITY = re.compile(r"\b(?:inclu[a-z]{2,4}n|exclu[a-z]{2,4}n)\b", re.I)
# A header glued to the end of the previous item ("... for 4 weeks. Exclusion Criteria:").
_GLUED = re.compile(r"(?<=[.;:])[ \t]+(?=(?:[\w'’-]+[ \t]+){0,3}(?:inclusion|exclusion)[ \t]+criteria\b)", re.I)
# A header naming both polarities ("INCLUSION/EXCLUSION CRITERIA:") sets none: it is dropped, polarity unchanged.
_NEUTRAL = re.compile(
    r"^\W*(?:[\w'’-]+[ \t]+){0,3}(?:inclusion\s*(?:/|and|&)\s*exclusion|exclusion\s*(?:/|and|&)\s*inclusion)"
    r"[ \t]+criteria[ \t]*:?$",
    re.IGNORECASE,
)
# Boilerplate that closes a list ("Other inclusion and exclusion criteria may apply."): neither item nor header.
_NOTE = re.compile(r"^(?:note\b.*)?\b(?:other|additional)\b.*\bcriteri[ao]n?\b.*\bappl(?:y|ies)\b", re.I)


# "Patients must meet all of the following criteria to be considered for enrollment.": it introduces a list.
_LEAD_IN = re.compile(r"\b(?:the\s+following|as\s+follows|below)\b", re.IGNORECASE)


@dataclass
class _Item:
    kind: str
    label: str | None  # the printed or counted number; None for an unmarked line between marked items
    start: int
    end: int
    indent: int
    children: list[tuple[int, int]] = field(default_factory=list)
    heading: str | None = None  # the sub-heading lines above it inside its list ("Prior Medication: Excluded:")


def trial_fingerprint(trial: Trial) -> str:
    """Content hash of everything chunks are made from; changes whenever the record's text does."""
    digest = hashlib.sha256(trial.source_text.encode())
    digest.update(trial.model_dump_json(exclude={"source_path"}).encode())
    return digest.hexdigest()[:16]


def chunk_trial(
    trial: Trial, chunk_tokens: int = 256, overlap_tokens: int = 32, version: str | None = None
) -> list[Chunk]:
    """Every retrievable passage of a trial; ids are stable for the same record content and `version`.

    Ids derive from `version` (default: the record's fingerprint). The store passes the trial's index
    version, which also covers the chunking and embedding settings, so chunks built under new settings are
    written beside the ones readers still see instead of overwriting them.
    """
    version = version or trial_fingerprint(trial)
    fact_sections = _fact_only_sections(trial)
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


def _fact_only_sections(trial: Trial) -> set[str]:
    """Sections every line of which holds a fact: their fact chunks say it all. A section that mixes facts with
    other lines ("Results": counts as facts, adverse-event lines as text) is text-chunked as well."""
    starts: dict[str, list[int]] = {}
    for fact in trial.facts:
        starts.setdefault(fact.section, []).append(fact.start)
    only: set[str] = set()
    for section in trial.sections:
        if section.heading not in starts:
            continue
        offset, covered = section.start, True
        for line in section.text.split("\n"):
            end = offset + len(line)
            covered = covered and any(offset <= start < end for start in starts[section.heading])
            offset = end + 1
        if covered:
            only.add(section.heading)
    return only


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
    for offset, piece in piece_offsets(section.text, _splitter(tokens, overlap).split_text(section.text)):
        start = section.start + offset
        yield _make_chunk(trial, version, section.heading, "text", start, start + len(piece))


def piece_offsets(text: str, pieces: Sequence[str]) -> Iterator[tuple[int, str]]:
    """Where each of the splitter's pieces (in order, each a verbatim slice) starts in `text`. LangChain's own
    `start_index` looks for a piece from the end of the one before less the overlap counted in characters, while the
    tiktoken splitter counts it in tokens: a piece overlapping by more than 32 characters was not found (-1), and
    dropped, losing 5 % of the description text of a third of the records."""
    previous = -1
    for piece in pieces:
        found = text.find(piece, previous + 1)
        if found < 0:
            found = text.find(piece)
        if found >= 0:
            previous = found
            yield found, piece


@cache
def _splitter(tokens: int, overlap: int) -> RecursiveCharacterTextSplitter:
    # Imported here: only chunking a record needs it (about 0.15 s with langchain-core), not a question.
    from langchain_text_splitters import RecursiveCharacterTextSplitter

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
        yield _make_chunk(
            trial, version, item.kind, "criterion", start, end, criterion=item.label, heading=item.heading
        )


@dataclass(frozen=True)
class _Line:
    """One physical line, or the part of one left after a glued header."""

    start: int
    end: int
    indent: int
    blank_before: bool


@dataclass(frozen=True)
class _Header:
    kind: str
    group: str = ""  # whom the list is for, from the header's tail ("EXCLUSION CRITERIA - FOR NORMAL CONTROLS")


def _header_kind(body: str) -> tuple[str, int] | None:
    """(polarity, length of the header) when `body` starts with an inclusion/exclusion header, else None."""
    match = _HEADER.match(body)
    if match is None:
        return None
    words = [w.strip("()[]*,.'’").lower() for w in match.group("prefix").split()]
    prefix = match.group("prefix")
    if any(w in _SENTENCE_WORDS for w in words) or re.search(r"[,;]|\.\s", prefix):
        return None
    tail = match.group("tail")
    if not _TAIL_START.match(tail) or _OTHER_POLARITY.search(tail):
        return None
    if any(w.strip("().,;").lower() in _SENTENCE_WORDS - {"a", "the", "all", "of"} for w in tail.split()):
        return None
    if (
        not match.group("crit")
        and ":" not in match.group("colon")
        and body.strip(" :*-").lower() != match["kw"].lower()
    ):
        return None  # "Exclusion of ..." is prose; a bare keyword needs "criteria", a colon or nothing else on the line
    kind = INCLUSION if match.group("kw").lower().startswith("inclu") else EXCLUSION
    return kind, match.end()


def _group_of(header: str) -> str:
    """Whom a header's list is for, from the words after "criteria" ("INCLUSION CRITERIA - BLOOD DRAW/NORMAL CONTROL",
    "Inclusion Criteria for Healthy Volunteers:", "Exclusion criteria (Part 2)"); empty when it names none."""
    match = _HEADER.match(header)
    tail = match.group("tail") if match else ""
    return tail.strip(" \t-–—:()[]*").strip()


def _intro_kind(body: str) -> str | None:
    """Polarity of an unmarked lead-in line such as "Patients with any of the following exclusion criteria:"."""
    if not body.endswith(":"):
        return None
    found = {m.group(0).lower()[:5] for m in _OTHER_POLARITY.finditer(body)}
    if len(found) != 1 or not re.search(r"criteri", body, re.I):
        return None
    return INCLUSION if found == {"inclu"} else EXCLUSION


def _tokens(text: str) -> Iterator[_Line | _Header]:
    """Lines with headers cut out, including headers glued before or after other text on the same line."""
    offset, blank = 0, False
    for raw in text.splitlines(keepends=True):
        line_start, offset = offset, offset + len(raw)
        body = raw.rstrip()
        if not body.strip():
            blank = True
            continue
        yield from _cut_headers(text, line_start, line_start + len(body), blank)
        blank = False


def _cut_headers(text: str, start: int, end: int, blank: bool) -> Iterator[_Line | _Header]:
    body = text[start:end]
    indent = len(body) - len(body.lstrip())
    marker = _ITEM.match(body)
    head_at = marker.end() if marker else indent
    if _NEUTRAL.match(body[head_at:]):
        return
    found = _header_kind(body[head_at:])
    if found and (not marker or _header_ends_line(body[head_at:], found[1])):
        kind, length = found
        yield _Header(kind, _group_of(body[head_at : head_at + length]))
        rest = start + head_at + length
        rest += len(text[rest:end]) - len(text[rest:end].lstrip())
        if rest < end:  # "Inclusion Criteria: • Age >= 18": what follows the header is a line of its own
            yield from _cut_headers(text, rest, end, False)
        return
    glued = _GLUED.search(body, head_at + 1)
    if glued and _header_kind(body[glued.end() :]):
        yield _Line(start, start + glued.start(), indent, blank)
        yield from _cut_headers(text, start + glued.end(), end, False)
        return
    yield _Line(start, end, indent, blank)


def _header_ends_line(body: str, length: int) -> bool:
    # A bulleted line is a header only when it is nothing but the header ("* INCLUSION CRITERIA:").
    rest = body[length:].strip()
    return body[:length].rstrip().endswith(":") or not rest


def _style(marker: str) -> str:
    if _NUMBER.search(marker):
        return _NUMBERED
    return _LETTERED if re.search(r"[a-zA-Z]", marker) else _BULLETED


class _Splitter:
    """Walks the lines of one criteria text, tracking polarity and the indent and style of top-level items."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.items: list[_Item] = []
        self.kind = ELIGIBILITY
        self.ordinal: dict[str, int] = {}
        self.top_indent: int | None = None
        self.top_content: int | None = None  # the column where the top-level items' text starts
        self.top_style: str | None = None
        self.child_style: str | None = None  # a run of same-indent sub-items ("a)" under "1.") in progress
        # Sub-heading lines since the last item ("Prior Medication:", "Excluded within 4 weeks of study entry:"):
        # they say when or to whom the items under them apply. A polarity header or a new section clears them.
        self.heading: list[str] = []
        self.heading_open = False  # the last line read was a sub-heading: the next one adds to it
        self.unmarked_open = False  # the last item is an unmarked line: a wrapped line continues it

    def run(self) -> list[_Item]:
        blocks: list[tuple[str, str, list[_Line]]] = [(ELIGIBILITY, "", [])]
        for token in _tokens(self.text):
            if isinstance(token, _Header):
                blocks.append((token.kind, token.group, []))
            else:
                blocks[-1][2].append(token)
        for kind, group, lines in blocks:
            self.kind, self.top_indent, self.top_style, self.child_style = kind, None, None, None
            self.top_content = None
            # the group a header names heads its items until a sub-heading of the list takes its place
            self.heading, self.heading_open = ([group] if group else []), False
            if any(_ITEM.match(self.text[ln.start : ln.end]) for ln in lines):
                self._marked_block(lines)
            else:
                self._prose_block(lines)
        return self.items

    def _add(self, start: int, end: int, indent: int, label: str | None = None, *, numbered: bool = True) -> None:
        """A new item. `numbered=False`: an unmarked line holding a criterion of its own among marked items ("Patients
        with the following prior conditions are excluded:" then "History of hepatitis ... within the past 5 years."
        with no bullet), kept unnumbered so that the printed bullets keep the numbers a reader counts."""
        if numbered:
            self.ordinal[self.kind] = self.ordinal.get(self.kind, 0) + 1
            label = label or str(self.ordinal[self.kind])
        heading = " ".join(self.heading) or None
        self.items.append(_Item(self.kind, label, start, end, indent, heading=heading))
        self.heading_open, self.unmarked_open = False, not numbered

    def _unmarked_paragraph(self, lines: list[_Line], at: int) -> str | None:
        """The unmarked lines from `at` up to a blank line, a marked line or a sub-heading, joined; None when `at`
        continues a paragraph."""
        if (
            at > 0
            and not lines[at].blank_before
            and _ITEM.match(self.text[lines[at - 1].start : lines[at - 1].end]) is None
        ):
            return None
        end = at
        while end + 1 < len(lines) and not lines[end + 1].blank_before:
            following = self.text[lines[end + 1].start : lines[end + 1].end]
            if _ITEM.match(following) or following.strip().endswith(":"):
                break
            end += 1
        return " ".join(self.text[ln.start : ln.end].strip() for ln in lines[at : end + 1])

    def _unmarked_criterion(self, line: _Line, paragraph: str | None) -> bool:
        """A sentence of its own between marked items of the same list: right after a sub-heading, or set apart by a
        blank line and outdented from the items above it; not a wrapped line of an item, a lead-in or a label."""
        if paragraph is None or paragraph.isupper() or _LEAD_IN.search(paragraph) or paragraph.endswith(":"):
            return False
        if self.top_indent is None and (self.heading_open or line.blank_before) and len(_WORD.findall(paragraph)) >= 3:
            # No marked item above it in this list: nothing it could be a wrapped line of. A paragraph before the
            # bullets ("--Prior/Concurrent Therapy--" / "No concurrent use of anticoagulant medication" / ... / "-  No
            # bleeding of clinical significance") is a criterion, not text to drop; a stray marker or a two-word
            # label ("Biologic therapy", "Asthma-related criteria") is none, unless it ends as a sentence under a
            # sub-heading ("Concurrent Treatment: Excluded:" / "Radiation therapy.").
            return True
        if not paragraph.endswith(".") or not any(item.kind == self.kind for item in self.items):
            return False
        if self.top_indent is None:
            return self.heading_open or line.blank_before
        # Markdown's rule: after a blank line, a paragraph not indented as far as the items' text ends the list.
        return line.blank_before and line.indent < (self.top_content if self.top_content is not None else 0)

    def _extend(self, end: int) -> None:
        if self.items and self.items[-1].kind == self.kind and self.top_indent is not None:
            self.items[-1].end = end

    def _sub_header(self, body: str, indent: int, *, bare: bool = False) -> bool:
        """An unmarked label inside a list ("Cohort A:", "PRIOR TO STEP 1 REGISTRATION:"); a polarity word switches.
        `bare`: a label printed without a colon (`_bare_label`)."""
        if self.top_indent is not None and indent > self.top_indent:
            return False  # indented under an item: a wrapped line of that item
        stripped = body.strip()
        label = (
            bare
            or stripped.endswith(":")
            or (stripped.isupper() and len(stripped.split()) <= 8)
            or _DASHED_LABEL.fullmatch(stripped) is not None
        )
        if not label:
            return False
        intro = _intro_kind(stripped)
        if intro and intro != self.kind:
            self.kind = intro
        self.top_indent, self.top_content, self.top_style, self.child_style = None, None, None, None
        self.heading = self._heading_with(stripped)
        self.heading_open = True
        return True

    def _bare_label(self, lines: list[_Line], at: int) -> bool:
        """A label printed without a colon between bullets ("Chemotherapy" on a line of its own, set apart by a blank
        line, outdented from the bullets under it, as the bulleted NCI PDQ records print their therapy labels): one
        to three words in a capitalised phrase that ends no sentence, with a bullet next. A wrapped line of an item
        is indented to the item's text, so it never qualifies."""
        line = lines[at]
        if not (line.blank_before or at == 0) or at + 1 >= len(lines):
            return False
        following = lines[at + 1]
        if _ITEM.match(self.text[following.start : following.end]) is None:
            return False
        stripped = self.text[line.start : line.end].strip()
        words = stripped.split()
        return (
            line.indent < following.indent
            and 1 <= len(words) <= 3
            and stripped[:1].isupper()
            and stripped[-1:].isalpha()
            and all(word.replace("-", "").isalpha() for word in words)
        )

    def _heading_with(self, line: str) -> list[str]:
        """Lines in a row stack ("Prior Medication:" "Excluded:"); after items, a line that says what is excluded or
        allowed stays under the category above it ("Excluded within 4 weeks of study entry:" under "Prior
        Medication:"), any other line starts a new heading."""
        if self.heading_open:
            return [*self.heading, line]
        if self.heading and _STATUS_LINE.match(line) and not _STATUS_LINE.match(self.heading[0]):
            return [self.heading[0], line]
        return [line]

    def _marked_block(self, lines: list[_Line]) -> None:
        for at, line in enumerate(lines):
            body = self.text[line.start : line.end]
            marker = _ITEM.match(body)
            if marker is None:
                bare = self._bare_label(lines, at)
                if _NOTE.match(body.strip()) or self._sub_header(body, line.indent, bare=bare):
                    continue
                if self.unmarked_open and not line.blank_before:
                    self.items[-1].end = line.end
                elif self._unmarked_criterion(line, self._unmarked_paragraph(lines, at)):
                    self._add(line.start + line.indent, line.end, line.indent, numbered=False)
                else:
                    self._extend(line.end)
                self.heading_open = False
                continue
            self.unmarked_open = False
            indent, style = len(marker.group("indent").expandtabs(4)), _style(marker.group("marker"))
            if self._closes_open_bracket(line.start + marker.end(), line.end):
                # "... with a meal, enteral supplements (eg:" / "- Ensure Plus) or through a nasogastric tube.": the
                # record broke a bracket over two bullets; the second finishes the first. The bullet still counts, so
                # the items after it keep the numbers a reader counts.
                self.ordinal[self.kind] = self.ordinal.get(self.kind, 0) + 1
                self._extend(line.end)
                continue
            if self._is_child(indent, style):
                self._extend(line.end)
                continue
            self.top_indent = indent if self.top_indent is None else min(self.top_indent, indent)
            if indent == self.top_indent:
                self.top_content = len(body[: marker.end()].expandtabs(4))
            self.top_style, self.child_style = style, None
            number = _NUMBER.search(marker.group("marker")) if style == _NUMBERED else None
            self._add(line.start + marker.end(), line.end, indent, number.group(0) if number else None)
            self._bulleted_status_line(body[marker.end() :])

    def _bulleted_status_line(self, body: str) -> None:
        """ "-  Excluded within 3 months of study entry:" printed as a bullet among bullets: still counted as printed,
        it is a sub-heading of the bullets after it, which it tells when they exclude."""
        stripped = body.strip()
        if stripped.endswith(":") and _STATUS_LINE.match(stripped):
            self.heading = self._heading_with(stripped)

    def _closes_open_bracket(self, start: int, end: int) -> bool:
        """The item before leaves a bracket open and this line closes it before opening any."""
        if not self.items or self.items[-1].kind != self.kind or self.top_indent is None:
            return False
        before = self.text[self.items[-1].start : self.items[-1].end]
        body = self.text[start:end]
        closing, opening = body.find(")"), body.find("(")
        return before.count("(") > before.count(")") and closing >= 0 and (opening < 0 or closing < opening)

    def _is_child(self, indent: int, style: str) -> bool:
        if self.top_indent is None or not self.items or self.items[-1].kind != self.kind:
            return False
        if indent != self.top_indent:
            return indent > self.top_indent
        if style == self.top_style:
            return False
        # Same indent, other style: "a)" or "o" under "1.", or any list right after a parent ending in ":".
        parent = self.text[self.items[-1].start : self.items[-1].end].rstrip()
        if style == self.child_style or style == _LETTERED or parent.endswith(":"):
            self.child_style = style
            return True
        return False

    def _prose_block(self, lines: list[_Line]) -> None:
        """No markers: each sentence-ending line or paragraph is an item; hard-wrapped lines continue it."""
        previous_end: str | None = None
        for line in lines:
            body = self.text[line.start : line.end].strip()
            if _NOTE.match(body) or self._sub_header(body, line.indent):
                previous_end = None
                continue
            fresh = previous_end is None or line.blank_before or previous_end in ".;!?"
            if fresh or self.top_indent is None:
                self.top_indent = line.indent
                self._add(line.start + line.indent, line.end, line.indent)
            else:
                self._extend(line.end)
            previous_end = body[-1]


# NCI PDQ records printed without bullets or line structure ("DISEASE CHARACTERISTICS: ... PATIENT CHARACTERISTICS:
# Age: 15 to 65 Performance status: ... Hepatic: Bilirubin no greater than 1.8 mg/dL ... No high risk for ..."): about
# one classic XML record in six. Their parts are the three PDQ blocks, the organ-system labels inside them and the
# "No ..." items under a label.
# The rare-disease records of the same registry print the blocks as "--Disease Characteristics--" under "PROTOCOL
# ENTRY CRITERIA:".
_PDQ_BLOCK = re.compile(
    r"(?:\b|--[ \t]*)(?P<name>DISEASE\s+CHARACTERISTICS|PATIENT\s+CHARACTERISTICS|PRIOR\s*/?\s*CONCURRENT\s+THERAPY)"
    r"(?:\s*:|[ \t]*--)",
    re.IGNORECASE,
)
# "Age:", "Performance status:", "Life expectancy:", "Hematopoietic:", "Biologic therapy:", "Other:": a capitalised
# label of one to three words ("defined as: ..." starts in lower case and stays inside its item).
_PDQ_LABEL_WORDS = r"[A-Z][a-z]+(?:[ /-][a-z][a-z-]*){0,2}:"
_PDQ_LABEL = re.compile(rf"(?<![,(/-])[ \t\n]+(?={_PDQ_LABEL_WORDS}[ \t\n])")
_PDQ_LABEL_OPENING = re.compile(rf"\s*{_PDQ_LABEL_WORDS}")


def block_label_end(text: str, heading: str | None) -> int:
    """Where the organ-system or therapy label opening a PDQ item ends ("Biologic therapy: No concurrent bone marrow
    transplantation" -> after the colon), 0 when the item opens with none. The label names the category the item
    is filed under, not what it requires or keeps out."""
    if not heading or _PDQ_BLOCK.search(heading) is None:
        return 0
    label = _PDQ_LABEL_OPENING.match(text)
    return label.end() if label else 0


# A new PDQ statement: "No ...", "At least 4 weeks since ...", "Prior ... allowed", "Concurrent ... allowed",
# "Recovered from ...", "If postmenopausal and ..., then must ...", "More than 1 year since prior paclitaxel" after
# the end of the one before (a lower-case word, a number or a bracket).
_PDQ_PROHIBITION = re.compile(
    r"(?<=[A-Za-z0-9%).])(?<!\sOR)(?<!\sor)(?<!\sAND)(?<!\sand)[ \t\n]+"
    r"(?=(?:No|At[ \t\n]+least|Prior|Concurrent|Recovered|If)[ \t\n]+[a-z0-9]"
    r"|(?:More|Less|Greater)[ \t\n]+than[ \t\n]+\w+[ \t\n]+(?:days?|weeks?|months?|years?)[ \t\n]+since\b)"
)


def _is_run_on_pdq(text: str) -> bool:
    """Two or more PDQ blocks, and no list markers or blank-line paragraphs that would structure it otherwise."""
    blocks = list(_PDQ_BLOCK.finditer(text))
    if len(blocks) < 2:
        return False
    lines = [line for line in text.splitlines() if line.strip()]
    if any(_ITEM.match(line) for line in lines):
        return False
    # A blank line that does not open a block parts paragraphs inside one: the record has line structure to read.
    paragraphs = [part for part in re.split(r"\n[ \t]*\n", text[blocks[0].start() :]) if part.strip()]
    return len(paragraphs) <= len(blocks)


def _pdq_items(text: str) -> list[_Item]:
    """One item per "No ..." statement or organ-system label of each PDQ block; the block is the heading."""
    blocks = list(_PDQ_BLOCK.finditer(text))
    items: list[_Item] = []
    for number, block in enumerate(blocks):
        end = blocks[number + 1].start() if number + 1 < len(blocks) else len(text)
        heading = " ".join(block["name"].split()).upper() + ":"
        cuts = sorted(
            {block.end()}
            | {m.end() for m in _PDQ_LABEL.finditer(text, block.end(), end)}
            | {m.end() for m in _PDQ_PROHIBITION.finditer(text, block.end(), end)}
        )
        for first, last in zip(cuts, [*cuts[1:], end], strict=True):
            part = text[first:last]
            start = first + len(part) - len(part.lstrip())
            stop = first + len(part.rstrip())
            if start < stop:
                items.append(_Item(ELIGIBILITY, str(len(items) + 1), start, stop, 0, heading=heading))
    return items


def split_criteria(text: str) -> list[_Item]:
    """Split eligibility text into top-level criteria; sub-bullets and continuation lines stay with their parent.

    Labels are the numbers as printed; unnumbered items are labelled by their position among the record's top-level
    items of the same polarity. Items before any header belong to "Eligibility Criteria".
    """
    if _is_run_on_pdq(text):
        return _pdq_items(text)
    return _Splitter(text).run()


def needs_meaning(chunk: Chunk) -> bool:
    """Whether dense retrieval needs this passage's vector: criteria, summaries, descriptions, outcomes, arms, results
    tables; not sites, contacts, officials, identifiers or record fields."""
    return chunk.kind not in LOOKUP_KINDS and chunk.section not in LOOKUP_SECTIONS

"""Loaders: ClinicalTrials.gov page text, API v2 JSON (study, page, array, NDJSON) and classic XML.

Every loader returns `Trial` records whose sections, facts and sites are exact spans of
`Trial.source_text`: the file itself for page text, a page-like rendering for JSON and XML. Bad input
raises `LoadError`, whose text is one short line naming the file and the problem; `iter_inputs` turns
every failure of one file (a loader limit or anything unforeseen) into that file's error and goes on.
"""

from __future__ import annotations

import json
import os
import re
import stat
import textwrap
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path, PurePosixPath
from typing import IO, Any, cast
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as parse_xml

from ingest.records import RESULTS_CONTACT, Fact, Section, Site, Trial, is_nct_id, shown

SUFFIXES = frozenset({".txt", ".json", ".ndjson", ".jsonl", ".xml", ".zip"})
DEFAULT_MAX_BYTES = 20_000_000
MAX_ZIP_RATIO = 100
MAX_INT_DIGITS = 30  # registry numbers are counts and years; 5,000 digits is an attack on int()
MAX_PROBLEM_CHARS = 300
MAX_PATH_CHARS = 200
# Free-text fields a record's answers quote: a list or number there is refused, not indexed as its repr.
TEXT_FIELDS = (
    ("identificationModule", "nctId"),
    ("identificationModule", "briefTitle"),
    ("identificationModule", "officialTitle"),
    ("descriptionModule", "briefSummary"),
    ("descriptionModule", "detailedDescription"),
    ("eligibilityModule", "eligibilityCriteria"),
)
# JSON escapes that can decode to a NUL or to half of a UTF-16 pair; only files holding one are walked.
_SUSPECT_ESCAPE = re.compile(r"\\u(?:0000|[dD][89a-fA-F][0-9a-fA-F]{2})")
_SURROGATE = re.compile("[\ud800-\udfff]")


class LoadError(Exception):
    """One bad input: `str()` is a single line "<file>: <problem>" of bounded length."""

    def __init__(self, path: str, problem: str) -> None:
        self.path = path
        self.problem = _clip(" ".join(problem.split()), MAX_PROBLEM_CHARS)
        # A file name may hold control characters; the message must stay one line.
        printable = path.encode("unicode_escape").decode("ascii") if not path.isprintable() else path
        super().__init__(f"{_clip(printable, MAX_PATH_CHARS)}: {self.problem}")

    def __reduce__(self) -> tuple[type[LoadError], tuple[str, str]]:
        # Default exception pickling would call __init__ with one argument and fail; keep both fields.
        return (LoadError, (self.path, self.problem))


def _clip(text: str, limit: int) -> str:
    """`text` cut in the middle to at most `limit` characters (both ends of a path or message say the most)."""
    if len(text) <= limit:
        return text
    half = (limit - 5) // 2
    return f"{text[:half]} ... {text[len(text) - half :]}"


@dataclass(frozen=True)
class LoadedFile:
    path: str
    trials: tuple[Trial, ...]
    error: LoadError | None = None


# ---- walking inputs --------------------------------------------------------------------------------
def _files(paths: Sequence[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                hidden = any(part.startswith(".") for part in child.relative_to(path).parts)
                if child.is_file() and not hidden and child.suffix.lower() in SUFFIXES:
                    yield child
        else:
            yield path


def count_inputs(paths: Sequence[Path]) -> int:
    total = 0
    for path in _files(paths):
        # is_file first: is_zipfile would open a FIFO and wait for a writer.
        if path.suffix.lower() == ".zip" and path.is_file() and zipfile.is_zipfile(path):
            try:
                with zipfile.ZipFile(path) as archive:
                    total += max(1, sum(1 for info in archive.infolist() if _member_is_reported(info)))
            except (OSError, zipfile.BadZipFile):
                total += 1
        else:
            total += 1
    return total


def iter_inputs(
    paths: Sequence[Path], *, max_file_bytes: int = DEFAULT_MAX_BYTES, max_zip_members: int = 20_000
) -> Iterator[LoadedFile]:
    """Every input file (zip members one by one), loaded or with its error; never raises for bad input."""
    for path in _files(paths):
        if path.suffix.lower() == ".zip":
            yield from _zip_members(path, max_file_bytes, max_zip_members)
            continue
        yield _guarded(str(path), partial(load_file, path, max_file_bytes=max_file_bytes))


def _guarded(display: str, load: Callable[[], tuple[Trial, ...]]) -> LoadedFile:
    """One file's trials, or its one-line error: a loader limit Python hits (RecursionError, MemoryError) or a
    loader bug fails this file only, never the rest of the batch."""
    try:
        return LoadedFile(display, load())
    except LoadError as error:
        return LoadedFile(display, (), error)
    except Exception as error:  # whatever one file does, the batch goes on
        return LoadedFile(display, (), LoadError(display, f"cannot be read ({type(error).__name__}: {error})"))


def _zip_members(path: Path, max_file_bytes: int, max_members: int) -> Iterator[LoadedFile]:
    try:
        handle = open_regular(path, str(path))
    except LoadError as error:
        yield LoadedFile(str(path), (), error)
        return
    with handle:  # a ZipFile given an open file leaves closing it to the caller
        try:
            archive = zipfile.ZipFile(handle)
        except (OSError, zipfile.BadZipFile, ValueError, EOFError) as error:
            yield LoadedFile(str(path), (), LoadError(str(path), f"not a readable zip archive ({error})"))
            return
        with archive:
            yield from _archive_members(archive, str(path), max_file_bytes, max_members)


def _archive_members(
    archive: zipfile.ZipFile, path: str, max_file_bytes: int, max_members: int
) -> Iterator[LoadedFile]:
    members = [info for info in archive.infolist() if not info.is_dir()]
    problem = _zip_problem(members, max_file_bytes, max_members)
    if problem:
        yield LoadedFile(path, (), LoadError(path, problem))
        return
    for info in filter(_member_is_reported, members):
        display = f"{path}!{info.filename}"
        if _unsafe_member(info.filename):
            yield LoadedFile(display, (), LoadError(display, "member path escapes the archive folder; skipped"))
        elif info.filename.lower().endswith(".zip"):
            yield LoadedFile(display, (), LoadError(display, "a zip archive inside a zip is not opened; skipped"))
        else:
            yield _guarded(display, partial(_load_member, archive, info, display, max_file_bytes))


def _load_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, display: str, max_bytes: int) -> tuple[Trial, ...]:
    return load_bytes(_read_member(archive, info, display, max_bytes), display, max_file_bytes=max_bytes)


def _zip_problem(members: list[zipfile.ZipInfo], max_file_bytes: int, max_members: int) -> str | None:
    if len(members) > max_members:
        return f"{len(members)} members, over the limit of {max_members}"
    declared = sum(info.file_size for info in members)
    packed = sum(info.compress_size for info in members) or 1
    if declared > max_file_bytes * 10:
        return f"unpacks to {declared} bytes, over the limit of {max_file_bytes * 10} (zip bomb?)"
    if declared / packed > MAX_ZIP_RATIO and declared > 1_000_000:
        return f"compression ratio {declared // packed}:1 is over {MAX_ZIP_RATIO}:1 (zip bomb?)"
    return None


def _member_is_reported(info: zipfile.ZipInfo) -> bool:
    """Members that yield a trial or an error; folders, README files and macOS "__MACOSX/._x" forks do not."""
    if info.is_dir():
        return False
    if _unsafe_member(info.filename):
        return True
    parts = PurePosixPath(info.filename).parts
    hidden = any(part.startswith(".") or part == "__MACOSX" for part in parts)
    return not hidden and PurePosixPath(info.filename).suffix.lower() in SUFFIXES


def _unsafe_member(name: str) -> bool:
    posix = PurePosixPath(name.replace("\\", "/"))
    return posix.is_absolute() or ".." in posix.parts or bool(re.match(r"^[A-Za-z]:", name))


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, display: str, max_bytes: int) -> bytes:
    if info.file_size > max_bytes:
        raise LoadError(display, f"file is {info.file_size} bytes, over the limit of {max_bytes}")
    try:
        with archive.open(info) as member:
            data = member.read(max_bytes + 1)  # the declared size can lie; never read past the limit
    except (zipfile.BadZipFile, OSError, NotImplementedError, RuntimeError) as error:
        raise LoadError(display, f"cannot unpack ({error})") from error
    if len(data) > max_bytes:
        raise LoadError(display, f"unpacks past the limit of {max_bytes} bytes")
    return data


# ---- one file --------------------------------------------------------------------------------------
def load_file(
    path: Path, data: bytes | None = None, *, display_path: str | None = None, max_file_bytes: int = DEFAULT_MAX_BYTES
) -> tuple[Trial, ...]:
    display = display_path or str(path)
    if data is None:
        data = _read_regular(path, display, max_file_bytes)
    return load_bytes(data, display, max_file_bytes=max_file_bytes)


def open_regular(path: Path, display: str) -> IO[bytes]:
    """`path` opened for reading if it is a regular file: /dev/zero would be read without end and a FIFO
    would wait for a writer, so neither is opened for reading (checked before and after opening)."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            raise LoadError(display, f"not a regular file ({_file_kind(os.stat(path).st_mode)}); only files are read")
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except OSError as error:
        raise LoadError(display, f"cannot read ({error.strerror or error})") from error
    handle = os.fdopen(fd, "rb")
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):  # swapped for something else between the check and the open
        handle.close()
        raise LoadError(display, f"not a regular file ({_file_kind(mode)}); only files are read")
    return handle


def _file_kind(mode: int) -> str:
    kinds = [(stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"),
             (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket")]  # fmt: skip
    return next((name for test, name in kinds if test(mode)), "a special file")


def _read_regular(path: Path, display: str, max_bytes: int) -> bytes:
    with open_regular(path, display) as handle:
        size = os.fstat(handle.fileno()).st_size
        if size > max_bytes:
            raise LoadError(display, f"file is {size} bytes, over the limit of {max_bytes}")
        try:
            data = handle.read(max_bytes + 1)  # the file may grow after the size check; never read past the limit
        except OSError as error:
            raise LoadError(display, f"cannot read ({error.strerror or error})") from error
    if len(data) > max_bytes:
        raise LoadError(display, f"grew past the limit of {max_bytes} bytes while being read")
    return data


def load_bytes(data: bytes, display: str, *, max_file_bytes: int = DEFAULT_MAX_BYTES) -> tuple[Trial, ...]:
    if len(data) > max_file_bytes:
        raise LoadError(display, f"file is {len(data)} bytes, over the limit of {max_file_bytes}")
    text = _decode(data, display)
    head = text.lstrip()[:1]
    named_json = PurePosixPath(display.rsplit("!", 1)[-1]).suffix.lower() in {".json", ".ndjson", ".jsonl"}
    if head == "{" or named_json or (head == "[" and _looks_like_json_array(text)):
        return tuple(_trial_from_study(study, display) for study in _json_studies(text, display))
    if head == "<":
        return (_trial_from_study(_xml_study(text, display), display, source_format="ctgov-xml"),)
    return (parse_page_text(text, display),)


def _looks_like_json_array(text: str) -> bool:
    # Page titles can start with a bracket ("[18F] ..."); an array of studies starts "[{" or is "[]".
    after_bracket = text.lstrip()[1:].lstrip()[:1]
    if after_bracket in "{]":
        return True
    try:
        json.loads(text, parse_int=_limited_int, parse_constant=_no_constant)
    except json.JSONDecodeError:
        return False
    except (ValueError, RecursionError):  # valid JSON syntax past a limit: _json_studies reports which
        return True
    return True


def _decode(data: bytes, display: str) -> str:
    if not data.strip():
        raise LoadError(display, "empty file")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        bad = data[error.start]
        raise LoadError(display, f"not UTF-8 text (byte 0x{bad:02x} at offset {error.start})") from error
    if "\x00" in text:
        raise LoadError(display, f"binary file (NUL byte at offset {text.index(chr(0))})")
    return text.replace("\r\n", "\n").replace("\r", "\n")


# ---- JSON ------------------------------------------------------------------------------------------
class _JsonLimit(ValueError):
    """Valid JSON the loader refuses to build (a number too long for int(), NaN)."""


def _limited_int(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_INT_DIGITS:
        raise _JsonLimit(f"a number of {len(digits.lstrip('-'))} digits, over the limit of {MAX_INT_DIGITS}")
    return int(digits)


def _no_constant(name: str) -> float:
    raise _JsonLimit(f"{name} is not a JSON number")


def _loads(text: str, display: str, where: str = "") -> Any:
    """json.loads with limits: a bounded integer size, no NaN/Infinity, a clear error for nesting too deep
    for Python's parser (which raises RecursionError), and no NUL or lone surrogate in any string."""
    try:
        payload = json.loads(text, parse_int=_limited_int, parse_constant=_no_constant)
    except _JsonLimit as error:
        raise LoadError(display, f"{where}refused JSON: {error}") from error
    except RecursionError as error:
        raise LoadError(display, f"{where}refused JSON: nested too deeply to read") from error
    if _SUSPECT_ESCAPE.search(text):
        problem = string_problem(payload)
        if problem:
            raise LoadError(display, f"{where}refused JSON: a string holds {problem}")
    return payload


def string_problem(payload: Any) -> str | None:
    """What makes a decoded string unstorable (a NUL, half of a UTF-16 pair), if any string has it; iterative,
    so a deep structure cannot exhaust the stack."""
    stack = [payload]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return "a NUL character (\\u0000)"
            lone = _SURROGATE.search(item)
            if lone:
                return f"a lone UTF-16 surrogate (\\u{ord(lone.group()):04x}), not a character"
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return None


def _json_studies(text: str, display: str) -> list[dict[str, Any]]:
    try:
        payload: Any = _loads(text, display)
    except json.JSONDecodeError as error:
        lines = [line for line in text.splitlines() if line.strip()]
        if len(lines) > 1 and all(line.lstrip().startswith("{") for line in lines):
            return [_study(_ndjson_line(line, number, display), display, number) for number, line in _numbered(text)]
        raise LoadError(display, f"invalid JSON at line {error.lineno} column {error.colno}: {error.msg}") from error
    if isinstance(payload, dict) and "studies" in payload:
        studies = payload["studies"]
        if not isinstance(studies, list):
            raise LoadError(display, '"studies" is not a list: not a ClinicalTrials.gov API v2 page')
        items = studies
    elif isinstance(payload, list):
        items = payload
    else:
        items = [payload]
    if not items:
        raise LoadError(display, "no studies in the file")
    return [_study(item, display, i if len(items) > 1 else None) for i, item in enumerate(items, start=1)]


def _numbered(text: str) -> Iterator[tuple[int, str]]:
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            yield number, line


def _ndjson_line(line: str, number: int, display: str) -> Any:
    try:
        return _loads(line, display, f"line {number}: ")
    except json.JSONDecodeError as error:
        raise LoadError(display, f"invalid JSON on line {number} column {error.colno}: {error.msg}") from error


def _study(item: Any, display: str, number: int | None) -> dict[str, Any]:
    where = f"study {number}: " if number is not None else ""
    if not isinstance(item, dict) or not isinstance(item.get("protocolSection"), dict):
        raise LoadError(display, f"{where}no protocolSection: not a ClinicalTrials.gov API v2 study")
    for module_name, key in TEXT_FIELDS:
        module = item["protocolSection"].get(module_name)
        value = module.get(key) if isinstance(module, dict) else None
        if value is not None and not isinstance(value, str):
            raise LoadError(
                display, f"{where}{module_name}.{key} is {_json_kind(value)}, not text; the study is not indexed"
            )
    return cast(dict[str, Any], _markdown_unescaped(item))


# API v2 text is CommonMark, which escapes ASCII punctuation with a backslash ("QTcF \> 470 msec", "10\^9/L"): what the
# record says, and what an answer quotes, is the character itself. (147 of the 361 ctgov-more records escape one.)
_MARKDOWN_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def _markdown_unescaped(value: Any) -> Any:
    if isinstance(value, str):
        return _MARKDOWN_ESCAPE.sub(r"\1", value) if "\\" in value else value
    if isinstance(value, dict):
        return {key: _markdown_unescaped(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_markdown_unescaped(item) for item in value]
    return value


def _json_kind(value: Any) -> str:
    kinds = ((bool, "true/false"), (int, "a number"), (float, "a number"), (list, "a list"), (dict, "an object"))
    return next((name for kind, name in kinds if isinstance(value, kind)), type(value).__name__)


def _get(data: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def _dict(value: Any) -> dict[str, Any]:
    # Registry exports drift: a module of the wrong type is treated as absent, not as a crash.
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [item for item in _list(value) if isinstance(item, dict)]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, (dict, list)):
        return ""  # a structure where a value belongs is drift, not text to show a patient
    return " ".join(str(value).split()) if not isinstance(value, str) else value.replace("\r\n", "\n").strip()


class _Page:
    """Writes a page-like text and records where every section, fact and site sits in it."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self.length = 0
        self.sections: list[Section] = []
        self.facts: list[Fact] = []
        self.sites: list[Site] = []

    @property
    def text(self) -> str:
        return "".join(self._parts)

    def write(self, text: str) -> int:
        start = self.length
        self._parts.append(text)
        self.length += len(text)
        return start

    def line(self, text: str) -> int:
        start = self.write(text)
        self.write("\n")
        return start

    def section(self, heading: str, body: str) -> None:
        body = body.strip("\n")
        if not body.strip():
            return
        self.line(heading)
        start = self.line(body)
        self.sections.append(Section(heading=heading, text=body, start=start))

    def fact_section(self, heading: str, rows: Sequence[tuple[str, str, Any]]) -> None:
        """Labelled single values ("Phase: PHASE2"); each value becomes a Fact located in the text."""
        present = [(name, label, _text(value)) for name, label, value in rows if _text(value)]
        if not present:
            return
        self.line(heading)
        body_start = self.length
        for name, label, value in present:
            start = self.write(f"{label}: ")
            self.facts.append(Fact(name=name, value=value, section=heading, start=start + len(label) + 2))
            self.line(value)
        self.sections.append(Section(heading=heading, text=self.text[body_start : self.length - 1], start=body_start))

    def piece_section(self, heading: str, lines: Sequence[Sequence[Piece]]) -> None:
        """Lines written from pieces; a piece that names a fact becomes a Fact at its exact place."""
        if not lines:
            return
        self.line(heading)
        body_start = self.length
        for pieces in lines:
            for text, name in pieces:
                start = self.write(text)
                if name and text:
                    self.facts.append(Fact(name=name, value=text, section=heading, start=start))
            self.write("\n")
        self.sections.append(Section(heading=heading, text=self.text[body_start : self.length - 1], start=body_start))


# A run of text in a rendered line, and the fact it is (None for plain text).
Piece = tuple[str, str | None]


def _trial_from_study(study: dict[str, Any], display: str, source_format: str = "ctgov-json") -> Trial:
    protocol = study["protocolSection"]
    ident = _dict(protocol.get("identificationModule"))
    nct = _text(ident.get("nctId")).upper()
    if not is_nct_id(nct):
        got = shown(nct) if nct else "'none'"
        raise LoadError(display, f"study has no valid NCT id (got {got}): expected NCT and 8 ASCII digits")
    title = _text(ident.get("briefTitle") or ident.get("officialTitle")) or nct
    page = _Page()
    page.line(title)
    page.line(f"NCT ID: {nct}")
    _render_protocol(page, protocol)
    _render_results(page, _dict(study.get("resultsSection")))
    status = _dict(protocol.get("statusModule"))
    record_date = _text(_get(status, "lastUpdatePostDateStruct", "date") or status.get("lastUpdateSubmitDate"))
    version = _text(_get(study, "derivedSection", "miscInfoModule", "versionHolder"))
    contacts = tuple(_contact_line(c) for c in _dicts(_get(protocol, "contactsLocationsModule", "centralContacts")))
    officials = tuple(_official_line(o) for o in _dicts(_get(protocol, "contactsLocationsModule", "overallOfficials")))
    return Trial(
        trial_id=nct,
        title=title,
        source_path=display,
        source_format=source_format,
        source_text=page.text,
        sections=tuple(page.sections),
        facts=tuple(page.facts),
        sites=tuple(page.sites),
        contacts=tuple(c for c in contacts if c),
        officials=tuple(o for o in officials if o),
        record_date=record_date or None,
        record_version=version or None,
    )


def _render_protocol(page: _Page, protocol: dict[str, Any]) -> None:
    status = _dict(protocol.get("statusModule"))
    design = _dict(protocol.get("designModule"))
    enrollment = _dict(design.get("enrollmentInfo"))
    phases = design.get("phases") or []
    page.fact_section(
        "Basic Information",
        [
            ("status", "Status", status.get("overallStatus")),
            ("why_stopped", "Why Stopped", status.get("whyStopped")),
            ("phase", "Phase", ", ".join(filter(None, map(_text, phases))) if isinstance(phases, list) else phases),
            ("enrollment", "Enrollment", enrollment.get("count")),
            ("enrollment_type", "Enrollment Type", enrollment.get("type")),
            ("study_type", "Study Type", design.get("studyType")),
            ("start_date", "Start Date", _get(status, "startDateStruct", "date")),
            ("primary_completion_date", "Primary Completion Date", _get(status, "primaryCompletionDateStruct", "date")),
            ("completion_date", "Completion Date", _get(status, "completionDateStruct", "date")),
        ],
    )
    description = _dict(protocol.get("descriptionModule"))
    page.section("Brief Summary", _text(description.get("briefSummary")))
    page.section("Detailed Description", _text(description.get("detailedDescription")))
    conditions = _dict(protocol.get("conditionsModule"))
    page.section("Conditions", "\n".join(_text(c) for c in _list(conditions.get("conditions"))))
    page.section("Keywords", ", ".join(_text(k) for k in _list(conditions.get("keywords"))))
    info = _dict(design.get("designInfo"))
    page.fact_section(
        "Study Design",
        [
            ("allocation", "Allocation", info.get("allocation")),
            ("intervention_model", "Intervention Model", info.get("interventionModel")),
            ("primary_purpose", "Primary Purpose", info.get("primaryPurpose")),
            ("masking", "Masking", _get(info, "maskingInfo", "masking")),
            ("observational_model", "Observational Model", info.get("observationalModel")),
            ("time_perspective", "Time Perspective", info.get("timePerspective")),
        ],
    )
    arms = _dict(protocol.get("armsInterventionsModule"))
    interventions = _dicts(arms.get("interventions"))
    page.section("Study Groups", "\n".join(_arm_lines(_dicts(arms.get("armGroups")), interventions)))
    page.section("Interventions", "\n".join(_intervention_lines(_dicts(arms.get("interventions")))))
    page.section("Outcome Measures", "\n".join(_outcome_lines(_dict(protocol.get("outcomesModule")))))
    _render_eligibility(page, _dict(protocol.get("eligibilityModule")))
    sponsors = _dict(protocol.get("sponsorCollaboratorsModule"))
    page.fact_section(
        "Sponsors",
        [
            ("sponsor", "Sponsor", _get(sponsors, "leadSponsor", "name")),
            (
                "collaborators",
                "Collaborators",
                "; ".join(_text(c.get("name")) for c in _dicts(sponsors.get("collaborators"))),
            ),
        ],
    )
    _render_locations(page, _dict(protocol.get("contactsLocationsModule")))
    ident = _dict(protocol.get("identificationModule"))
    page.fact_section("Other Identifiers", [("org_study_id", "Org Study ID", _get(ident, "orgStudyIdInfo", "id"))])


def _arm_lines(arms: list[dict[str, Any]], interventions: list[dict[str, Any]]) -> Iterator[str]:
    for arm in arms:
        kind = _text(arm.get("type"))
        yield _text(arm.get("label")) + (f" ({kind})" if kind else "")
        if _text(arm.get("description")):
            yield _text(arm.get("description"))
        received = _arm_interventions(arm, interventions)
        if received:
            yield "Interventions: " + "; ".join(received)


def _arm_interventions(arm: dict[str, Any], interventions: list[dict[str, Any]]) -> list[str]:
    """What the arm receives: the arm's own list, else the interventions that name the arm (older records)."""
    named = [_text(n) for n in _list(arm.get("interventionNames")) if _text(n)]
    if named:
        return named
    label = _text(arm.get("label"))
    return [
        f"{_text(i.get('type')).replace('_', ' ').title()}: {_text(i.get('name'))}".strip(": ")
        for i in interventions
        if label and label in [_text(a) for a in _list(i.get("armGroupLabels"))]
    ]


def _intervention_lines(interventions: list[dict[str, Any]]) -> Iterator[str]:
    for item in interventions:
        yield f"{_text(item.get('type'))}: {_text(item.get('name'))}".strip(": ")
        if _text(item.get("description")):
            yield _text(item.get("description"))
        others = [_text(o) for o in _list(item.get("otherNames"))]
        if others:
            yield "Other names: " + ", ".join(others)


def _outcome_lines(outcomes: dict[str, Any]) -> Iterator[str]:
    for key, label in (("primaryOutcomes", "Primary"), ("secondaryOutcomes", "Secondary"), ("otherOutcomes", "Other")):
        for outcome in _dicts(outcomes.get(key)):
            frame = _text(outcome.get("timeFrame"))
            yield f"{label}: {_text(outcome.get('measure'))}" + (f" (time frame: {frame})" if frame else "")


def _render_eligibility(page: _Page, eligibility: dict[str, Any]) -> None:
    criteria = (eligibility.get("eligibilityCriteria") or "").replace("\r\n", "\n").strip("\n")  # text: see _study
    page.section("Eligibility Criteria", criteria)
    page.fact_section(
        "Eligibility Summary",
        [
            ("minimum_age", "Minimum Age", eligibility.get("minimumAge")),
            ("maximum_age", "Maximum Age", eligibility.get("maximumAge")),
            ("sex", "Sex", eligibility.get("sex")),
            ("healthy_volunteers", "Healthy Volunteers", eligibility.get("healthyVolunteers")),
        ],
    )


def _render_locations(page: _Page, module: dict[str, Any]) -> None:
    locations = _dicts(module.get("locations"))
    contacts = [_contact_line(c) for c in _dicts(module.get("centralContacts"))]
    page.section("Central Contacts", "\n".join(c for c in contacts if c))
    officials = [_official_line(o) for o in _dicts(module.get("overallOfficials"))]
    page.section("Overall Officials", "\n".join(o for o in officials if o))
    if not locations:
        return
    page.line("Locations")
    body_start = page.length
    for location in locations:
        page.sites.append(_render_site(page, location))
    page.sections.append(Section(heading="Locations", text=page.text[body_start : page.length - 1], start=body_start))


def _render_site(page: _Page, location: dict[str, Any]) -> Site:
    """Name, place, status and one line per contact; the site's span covers all of them."""
    name = _text(location.get("facility")) or "Unnamed site"
    place = ", ".join(_text(location.get(k)) for k in ("city", "state", "country") if _text(location.get(k)))
    status = _text(location.get("status"))
    contacts = _dicts(location.get("contacts"))
    start = page.line(name)
    page.write(place)
    for line in ([f"Status: {status}"] if status else []) + [_site_contact_line(c) for c in contacts]:
        if line:
            page.write("\n" + line)
    end = page.write("\n")
    main = _main_contact(contacts)
    return Site(
        name=name,
        city=_text(location.get("city")),
        state=_text(location.get("state")),
        country=_text(location.get("country")),
        status=status,
        contact_name=_text(main.get("name")),
        contact_phone=_text(main.get("phone")),
        contact_email=_text(main.get("email")),
        text=page.text[start:end],
        start=start,
    )


def _main_contact(contacts: list[dict[str, Any]]) -> dict[str, Any]:
    # The person to call: the first listed as a contact, else the first with a phone or email (investigators
    # are listed too, usually without either).
    for contact in contacts:
        if _text(contact.get("role")).upper() in {"", "CONTACT"}:
            return contact
    return next((c for c in contacts if _text(c.get("phone")) or _text(c.get("email"))), {})


def _site_contact_line(contact: dict[str, Any]) -> str:
    role = _text(contact.get("role")).upper() or "CONTACT"
    label = {"CONTACT": "Contact", "CONTACT_BACKUP": "Backup contact"}.get(role, role.replace("_", " ").title())
    parts = [_text(contact.get(k)) for k in ("name", "phone", "email")]
    shown = ", ".join(p for p in parts if p)
    return f"{label}: {shown}" if shown else ""


def _contact_line(contact: dict[str, Any]) -> str:
    parts = [_text(contact.get(k)) for k in ("name", "role", "phone", "email")]
    return ", ".join(p for p in parts if p)


def _official_line(official: dict[str, Any]) -> str:
    parts = [_text(official.get(k)) for k in ("name", "role", "affiliation")]
    return ", ".join(p for p in parts if p)


# ---- results ---------------------------------------------------------------------------------------
def _render_results(page: _Page, results: dict[str, Any]) -> None:
    """Posted results as readable lines: participant flow, baseline total, adverse-event totals per group and
    outcome-measure results (one line per measure, or per class/category of one)."""
    lines = [
        *_flow_lines(_dict(results.get("participantFlowModule"))),
        *_baseline_lines(_dict(results.get("baselineCharacteristicsModule"))),
        *_adverse_event_lines(_dict(results.get("adverseEventsModule"))),
        # After the counts, so the flow, baseline and adverse-event lines keep their place (and their chunk).
        *_outcome_measure_lines(_dict(results.get("outcomeMeasuresModule"))),
    ]
    page.piece_section("Results", lines)
    # Who answers questions about the posted results (resultsSection.moreInfoModule.pointOfContact).
    contact = _dict(_dict(results.get("moreInfoModule")).get("pointOfContact"))
    parts = [_text(contact.get(k)) for k in ("title", "organization", "phone", "email")]
    page.section(RESULTS_CONTACT, ", ".join(p for p in parts if p))


def _titles(groups: list[dict[str, Any]]) -> dict[str, str]:
    return {_text(g.get("id")): _text(g.get("title")) or _text(g.get("id")) for g in groups}


def _count_line(label: str, counts: list[tuple[str, str]], fact: str | None) -> list[Piece]:
    """ "Participants started: Arm A 120, Arm B 118 (total 238)"; the total (or the only count) is the fact."""
    pieces: list[Piece] = [(f"{label}: ", None)]
    for index, (title, value) in enumerate(counts):
        pieces += [(", " if index else "", None), (f"{title} " if title else "", None)]
        pieces.append((value, fact if len(counts) == 1 else None))
    numbers = [int(v) for _, v in counts if v.isdigit()]
    if len(counts) > 1 and len(numbers) == len(counts):
        # Flow groups are disjoint arms, so their sum is the study total the question usually asks for.
        pieces += [(" (total ", None), (str(sum(numbers)), fact), (")", None)]
    return pieces


def _flow_lines(flow: dict[str, Any]) -> Iterator[list[Piece]]:
    titles = _titles(_dicts(flow.get("groups")))
    periods = _dicts(flow.get("periods"))
    for index, period in enumerate(periods):
        where = f" ({_text(period.get('title'))})" if len(periods) > 1 and _text(period.get("title")) else ""
        for milestone in _dicts(period.get("milestones")):
            kind = _text(milestone.get("type")).upper()
            if kind not in {"STARTED", "COMPLETED"}:
                continue
            counts = [
                (titles.get(_text(a.get("groupId")), _text(a.get("groupId"))), _text(a.get("numSubjects")))
                for a in _dicts(milestone.get("achievements"))
                if _text(a.get("numSubjects"))
            ]
            if not counts:
                continue
            # The study's start is the first period's STARTED, its end the last period's COMPLETED.
            first, last = index == 0, index == len(periods) - 1
            fact = (
                f"participants_{kind.lower()}"
                if (kind == "STARTED" and first) or (kind == "COMPLETED" and last)
                else None
            )
            yield _count_line(f"Participants {kind.lower()}{where}", counts, fact)


def _baseline_lines(baseline: dict[str, Any]) -> Iterator[list[Piece]]:
    titles = _titles(_dicts(baseline.get("groups")))
    denoms = _dicts(baseline.get("denoms"))
    if not denoms:
        return
    counts = [
        (titles.get(_text(c.get("groupId")), _text(c.get("groupId"))), _text(c.get("value")))
        for c in _dicts(denoms[0].get("counts"))
        if _text(c.get("value"))
    ]
    if not counts:
        return
    pieces: list[Piece] = [("Baseline participants: ", None)]
    for index, (title, value) in enumerate(counts):
        # The registry's own "Total" group (or the only group) is the baseline total.
        is_total = title.lower() == "total" or len(counts) == 1
        pieces += [
            (", " if index else "", None),
            (f"{title} ", None),
            (value, "baseline_participants" if is_total else None),
        ]
    yield pieces


def _adverse_event_lines(events: dict[str, Any]) -> Iterator[list[Piece]]:
    groups = _dicts(events.get("eventGroups"))
    for key, label in (("serious", "Serious adverse events"), ("other", "Other adverse events")):
        parts = [
            f"{_text(g.get('title'))} {_text(g.get(key + 'NumAffected'))} of {_text(g.get(key + 'NumAtRisk'))}"
            for g in groups
            if _text(g.get(key + "NumAffected")) and _text(g.get(key + "NumAtRisk"))
        ]
        if parts:
            yield [(f"{label}: " + ", ".join(parts), None)]


# ---- outcome measures ------------------------------------------------------------------------------
# Caps that keep one outcome line readable and well inside one text chunk (256 tokens); whatever they hide is
# counted aloud ("and 3 more groups"), never dropped silently. Titles are clipped; numbers never are.
_MAX_GROUPS_SHOWN = 6
_MAX_ROWS_SHOWN = 10
_MAX_ANALYSES_SHOWN = 3
_TITLE_CHARS = 150
_LABEL_CHARS = 60
_FRAME_CHARS = 100
_NOTE_CHARS = 100
# Room for one line: group values stop here (with "and N more groups"), comparisons past it get a line of their own.
# 500 characters stay well under a text chunk's 256 tokens even when they are mostly digits.
_LINE_CHARS = 500
# The registry's spellings of a missing number ("NA" when a median or a confidence limit was not reached).
_MISSING = frozenset({"", "NA", "N/A"})
_OUTCOME_TYPES = {
    "PRIMARY": "primary",
    "SECONDARY": "secondary",
    "OTHER_PRE_SPECIFIED": "other pre-specified",
    "POST_HOC": "post hoc",
}


@dataclass(frozen=True)
class _Row:
    """One class/category of an outcome measure: its label and one measurement per group."""

    label: str
    measurements: list[dict[str, Any]]
    denominators: dict[str, str]


def _one_line(value: Any, limit: int | None = None) -> str:
    """A free-text field as one line (the answerer splits the section into lines), clipped at its end."""
    text = " ".join(_text(value).split())
    if limit is not None and len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


def _number(value: Any) -> str:
    """A reported number exactly as posted; a missing one is said in words."""
    text = _one_line(value)
    return "not available" if text.upper() in _MISSING else text


def _has_number(value: Any) -> bool:
    return _one_line(value).upper() not in _MISSING


def _outcome_measure_lines(module: dict[str, Any]) -> Iterator[list[Piece]]:
    # Outcome lines state results to quote, not a single record field, so no piece names a fact.
    for measure in _dicts(module.get("outcomeMeasures")):
        for line in _measure_lines(measure):
            yield [(line, None)]


def _measure_lines(measure: dict[str, Any]) -> list[str]:
    """ "Outcome (primary): PFS — median, months (time frame: 2 years): Arm A 3.9 (95% CI 2.1 to 5.0); Arm B 5.4" """
    rows = _measure_rows(measure)
    if not rows:
        return []  # not posted yet, or posted without a number: nothing to state
    name, head = _measure_name(measure), _measure_head(measure)
    titles = {gid: _one_line(title, _LABEL_CHARS) for gid, title in _titles(_dicts(measure.get("groups"))).items()}
    counted = _text(measure.get("paramType")).upper() == "COUNT_OF_PARTICIPANTS"
    dispersion = _one_line(measure.get("dispersionType"))
    lines = []
    for row in rows[:_MAX_ROWS_SHOWN]:
        start = f"{head}{f' — {row.label}' if row.label else ''}: "
        lines.append(start + _row_values(row, titles, dispersion, counted, _LINE_CHARS - len(start)))
    if len(rows) > _MAX_ROWS_SHOWN:
        lines.append(f"{head}: and {len(rows) - _MAX_ROWS_SHOWN} more categories not shown here")
    comparisons = _comparisons(_dicts(measure.get("analyses")), titles)
    if comparisons and len(lines) == 1 and len(lines[0]) + len(comparisons) <= _LINE_CHARS:
        lines[0] += f"; {comparisons}"
    elif comparisons:
        # A comparison belongs to the whole measure: with several category lines (or a long one) it gets its own.
        frame = _one_line(measure.get("timeFrame"), _FRAME_CHARS).rstrip(" .")
        lines.append(f"{name}{f' (time frame: {frame})' if frame else ''} — comparison: {comparisons}")
    return lines


def _measure_name(measure: dict[str, Any]) -> str:
    kind = _text(measure.get("type")).upper()
    label = _OUTCOME_TYPES.get(kind, kind.replace("_", " ").lower())
    title = _one_line(measure.get("title"), _TITLE_CHARS).rstrip(" .") or "untitled outcome"
    return f"Outcome ({label}): {title}" if label else f"Outcome: {title}"


def _measure_head(measure: dict[str, Any]) -> str:
    """Name, what was measured in which unit, and when: every line of the measure repeats it to stand alone."""
    param = _one_line(measure.get("paramType")).replace("_", " ").lower()
    unit = _one_line(measure.get("unitOfMeasure"), _LABEL_CHARS)
    # "count of participants, Participants" says the unit twice.
    kind = ", ".join(p for p in (param, "" if unit.lower() in param else unit) if p)
    frame = _one_line(measure.get("timeFrame"), _FRAME_CHARS).rstrip(" .")
    return _measure_name(measure) + (f" — {kind}" if kind else "") + (f" (time frame: {frame})" if frame else "")


def _measure_rows(measure: dict[str, Any]) -> list[_Row]:
    outer = _participants(_dicts(measure.get("denoms")))
    rows: list[_Row] = []
    for group in _dicts(measure.get("classes")):
        # A class's own analysed counts (e.g. eyes per visit) override the measure's.
        denominators = _participants(_dicts(group.get("denoms"))) or outer
        for category in _dicts(group.get("categories")):
            measurements = _dicts(category.get("measurements"))
            if not measurements:
                continue
            titles = (_one_line(group.get("title"), _LABEL_CHARS), _one_line(category.get("title"), _LABEL_CHARS))
            rows.append(_Row(" — ".join(t for t in titles if t), measurements, denominators))
    return rows


def _participants(denoms: list[dict[str, Any]]) -> dict[str, str]:
    """Participants analysed per group: the "of N" of a count of participants."""
    for denom in denoms:
        if _text(denom.get("units")).lower() == "participants":
            return {_text(c.get("groupId")): _one_line(c.get("value")) for c in _dicts(denom.get("counts"))}
    return {}


def _row_values(row: _Row, titles: dict[str, str], dispersion: str, counted: bool, room: int) -> str:
    """Group values while they fit in `room` characters (always the first), then how many more there are. Notes on
    missing numbers go first when they would push a group's numbers off the line."""
    parts = _group_parts(row, titles, dispersion, counted, room, notes=True)
    if len(parts) < min(len(row.measurements), _MAX_GROUPS_SHOWN):
        parts = _group_parts(row, titles, dispersion, counted, room, notes=False)
    # "; " between groups: group titles often hold commas ("Cohort 1, 10 mg").
    return "; ".join(parts) + _more(len(row.measurements) - len(parts), "group")


def _group_parts(
    row: _Row, titles: dict[str, str], dispersion: str, counted: bool, room: int, *, notes: bool
) -> list[str]:
    parts: list[str] = []
    used = 0
    for measurement in row.measurements[:_MAX_GROUPS_SHOWN]:
        group = _text(measurement.get("groupId"))
        value = _measured(measurement, dispersion, row.denominators.get(group, "") if counted else "", notes=notes)
        title = _group_title(titles, group)
        part = f"{title} {value}" if title else value
        if parts and used + len(part) + 2 > room:
            break
        parts.append(part)
        used += len(part) + 2
    return parts


def _group_title(titles: dict[str, str], group: str) -> str:
    # A measurement of a group the measure does not list is still shown, under its id (kept on one line).
    return titles.get(group) or _one_line(group, _LABEL_CHARS)


def _more(hidden: int, noun: str) -> str:
    return f"; and {hidden} more {noun}{'s' if hidden > 1 else ''}" if hidden > 0 else ""


def _measured(measurement: dict[str, Any], dispersion: str, total: str = "", *, notes: bool = True) -> str:
    """ "3.9 (95% CI 2.1 to 5.0)", "11.7 (SD 9.6)", "12 of 40" (a count of the participants analysed), "not
    available" """
    value = _number(measurement.get("value"))
    if _has_number(total) and _has_number(measurement.get("value")):
        value += f" of {total}"
    label = _dispersion_label(dispersion)
    spread, low, high = (measurement.get(k) for k in ("spread", "lowerLimit", "upperLimit"))
    extras = []
    if _has_number(spread):
        extras.append(f"{label or 'spread'} {_number(spread)}")
    if _has_number(low) or _has_number(high):
        extras.append(f"{label + ' ' if label else ''}{_number(low)} to {_number(high)}")
    # Why a number is missing ("The median overall survival was not reached") is worth the words; a note on a
    # reported number is commentary and stays out.
    posted = [measurement.get(k) for k in ("value", "lowerLimit", "upperLimit")]
    if notes and (not _has_number(posted[0]) or any(_text(v) and not _has_number(v) for v in posted[1:])):
        extras.append(_one_line(measurement.get("comment"), _NOTE_CHARS).rstrip(" ."))
    shown = [e for e in extras if e]
    return value + (f" ({'; '.join(shown)})" if shown else "")


def _dispersion_label(kind: str) -> str:
    """The short name a reader knows for the record's dispersion ("Standard Deviation" -> "SD"); the record's own
    words when it is none of the usual ones. API v2 spells them in words, its newer enum ("CONFIDENCE_95") too."""
    key = re.sub(r"[^A-Z0-9.]+", "_", kind.upper())
    if "DEVIATION" in key:
        return "SD"
    if "STANDARD_ERROR" in key:
        return "SE"
    if "QUARTILE" in key:
        return "IQR"
    if "FULL_RANGE" in key:
        return "range"
    if "CONFIDENCE" in key:
        percent = re.search(r"\d+(?:\.\d+)?", kind)
        digits = {"975": "97.5"}.get(percent.group(), percent.group()) if percent else ""
        return f"{digits}% CI" if digits else "CI"
    return kind


def _comparisons(analyses: list[dict[str, Any]], titles: dict[str, str]) -> str:
    """ "Hazard Ratio 0.62 (95% CI 0.45 to 0.85), p = 0.003 (Log Rank)", one per statistical analysis."""
    texts = [text for text in (_comparison(a, titles) for a in analyses) if text]
    return "; ".join(texts[:_MAX_ANALYSES_SHOWN]) + _more(len(texts) - _MAX_ANALYSES_SHOWN, "comparison")


def _comparison(analysis: dict[str, Any], titles: dict[str, str]) -> str:
    estimate = ""
    if _has_number(analysis.get("paramValue")):
        name = _one_line(analysis.get("paramType"), _LABEL_CHARS)
        estimate = f"{name} {_number(analysis.get('paramValue'))}" if name else _number(analysis.get("paramValue"))
        estimate += _interval(analysis)
    p_value = _p_value(_one_line(analysis.get("pValue")))
    method = _one_line(analysis.get("statisticalMethod"), _LABEL_CHARS)
    if p_value and method:
        p_value += f" ({method})"
    text = ", ".join(t for t in (estimate, p_value) if t)
    groups = _compared(analysis, titles)
    return f"{groups}: {text}" if text and groups else text


def _compared(analysis: dict[str, Any], titles: dict[str, str]) -> str:
    """Which groups an analysis is about, when the line does not already say so: "" for the only two groups,
    "Arm A" (one arm against a historical control), "Arm A vs Arm B", else a count (names would run long)."""
    ids = [_text(g) for g in _list(analysis.get("groupIds")) if _text(g)]
    every = set(ids) >= set(titles)
    if not ids or len(titles) < 2 or (every and len(titles) == 2):
        return ""
    if len(ids) <= 2:
        return " vs ".join(_group_title(titles, g) for g in ids)
    return f"all {len(ids)} groups" if every else f"{len(ids)} groups"


def _interval(analysis: dict[str, Any]) -> str:
    low, high = analysis.get("ciLowerLimit"), analysis.get("ciUpperLimit")
    if not (_has_number(low) or _has_number(high)):
        return ""
    percent = _one_line(analysis.get("ciPctValue"))
    words = [f"{percent}%" if _has_number(percent) else "", "one-sided" if _is_one_sided(analysis) else "", "CI"]
    return f" ({' '.join(w for w in words if w)} {_number(low)} to {_number(high)})"


def _is_one_sided(analysis: dict[str, Any]) -> bool:
    return _text(analysis.get("ciNumSides")).upper() == "ONE_SIDED"


def _p_value(value: str) -> str:
    """ "p = 0.03", "p < 0.001": the record's number, with the comparison it states ("<0.001") kept."""
    if value.upper() in _MISSING:
        return ""
    match = re.fullmatch(r"(<=|>=|[<>=≤≥])\s*(.+)", value)
    return f"p {match.group(1)} {match.group(2)}" if match else f"p = {value}"


# ---- classic XML -----------------------------------------------------------------------------------
def _xml_study(text: str, display: str) -> dict[str, Any]:
    try:
        root = parse_xml(text, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as error:
        raise LoadError(display, f"XML with a DTD or entities is refused ({type(error).__name__})") from error
    except ParseError as error:
        raise LoadError(display, f"malformed XML ({error})") from error
    if root.tag != "clinical_study":
        raise LoadError(display, f"root element <{root.tag}> is not <clinical_study>")
    study: dict[str, Any] = {"protocolSection": _xml_protocol(root), "derivedSection": {}}
    results = root.find("clinical_results")
    if results is not None:
        study["resultsSection"] = _xml_results(results)
    return study


def _x(root: Element, path: str) -> str:
    node = root.find(path)
    return _xml_text(node) if node is not None else ""


def _xml_text(node: Element) -> str:
    # Dedent, not strip: the indentation of a sub-bullet is what keeps it with its parent criterion.
    lines = [line.rstrip() for line in "".join(node.itertext()).splitlines()]
    while lines and not lines[0].strip():
        lines.pop(0)
    return textwrap.dedent("\n".join(_first_line_indent_restored(lines))).strip("\n")


# A list marker at the start of a line: a number ("1.", "2)") or a bullet ("-", "*", "•", "o").
_LINE_MARKER = re.compile(r"[ \t]*(?:(?P<number>\d{1,3})[.)]|(?P<bullet>[-*•·o]))[ \t]")


def _first_line_indent_restored(lines: list[str]) -> list[str]:
    """The registry's XML prints a textblock's first line at the block's own indent, without the leading spaces the
    submitted text gave it ("        1. Patients with ..." then "          2. There could be ..."): read as printed,
    the first item would hold every later one as its sub-item. A first line that opens a list gets the indent of the
    next item of that list: the next number, or the same bullet after a first item that is no lead-in (":")."""
    first = _LINE_MARKER.match(lines[0]) if lines else None
    if first is None:
        return lines
    indent = len(lines[0]) - len(lines[0].lstrip())
    for line in lines[1:]:
        marker = _LINE_MARKER.match(line)
        if marker is None:
            continue
        if first["number"] is not None:
            sibling = marker["number"] is not None and int(marker["number"]) == int(first["number"]) + 1
        else:
            sibling = marker["bullet"] == first["bullet"] and not lines[0].rstrip().endswith(":")
        if not sibling:
            continue
        deeper = len(line) - len(line.lstrip()) - indent
        return [" " * deeper + lines[0], *lines[1:]] if deeper > 0 else lines
    return lines


def _enum(value: str) -> str:
    """Classic XML spells the API's enumerations in words ("Active, not recruiting"); use the API spelling so
    answers and filters see one vocabulary whichever format a record came in."""
    words = re.sub(r"\[.*?\]", "", value).replace(",", " ").split()
    upper = "_".join(words).upper()
    return {"UNKNOWN_STATUS": "UNKNOWN"}.get(upper, upper)


def _xml_phases(phase: str) -> list[str]:
    if not phase or phase == "N/A":
        return []
    return [p.strip().upper().replace("EARLY PHASE ", "EARLY_PHASE").replace(" ", "") for p in phase.split("/")]


def _xml_enrollment_type(root: Element) -> str:
    node = root.find("enrollment")
    kind = (node.get("type") or "").strip().upper() if node is not None else ""
    return {"ANTICIPATED": "ESTIMATED"}.get(kind, kind)


def _xml_healthy(value: str) -> bool | str:
    # Older exports say "Accepts Healthy Volunteers" where the API has a boolean.
    return {"accepts healthy volunteers": True, "yes": True, "no": False}.get(value.strip().lower(), value)


def _xml_person(node: Element, role: str = "") -> dict[str, str]:
    name = " ".join(p for p in (_x(node, "first_name"), _x(node, "middle_name"), _x(node, "last_name")) if p)
    phone = _x(node, "phone") + (f" ext {_x(node, 'phone_ext')}" if _x(node, "phone_ext") else "")
    return {
        "name": name,
        "role": role or _enum(_x(node, "role")),
        "phone": phone,
        "email": _x(node, "email"),
        "affiliation": _x(node, "affiliation"),
    }


def _xml_location(loc: Element) -> dict[str, Any]:
    people = [_xml_person(c, "CONTACT") for c in loc.findall("contact")]
    people += [_xml_person(c, "CONTACT_BACKUP") for c in loc.findall("contact_backup")]
    people += [_xml_person(c) for c in loc.findall("investigator")]
    return {
        "facility": _x(loc, "facility/name"),
        "city": _x(loc, "facility/address/city"),
        "state": _x(loc, "facility/address/state"),
        "country": _x(loc, "facility/address/country"),
        "status": _enum(_x(loc, "status")),
        "contacts": people,
    }


def _xml_arms(root: Element) -> dict[str, Any]:
    interventions = [
        {
            "type": _enum(_x(i, "intervention_type")),
            "name": _x(i, "intervention_name"),
            "description": _x(i, "description"),
            "otherNames": [_xml_text(o) for o in i.findall("other_name")],
            "armGroupLabels": [_xml_text(a) for a in i.findall("arm_group_label")],
        }
        for i in root.findall("intervention")
    ]
    arms = [
        {"label": _x(a, "arm_group_label"), "type": _enum(_x(a, "arm_group_type")), "description": _x(a, "description")}
        for a in root.findall("arm_group")
    ]
    return {"armGroups": arms, "interventions": interventions}


def _xml_protocol(root: Element) -> dict[str, Any]:
    ages = {tag: _x(root, f"eligibility/{tag}") for tag in ("minimum_age", "maximum_age")}
    return {
        "identificationModule": {
            "nctId": _x(root, "id_info/nct_id"),
            "briefTitle": _x(root, "brief_title"),
            "officialTitle": _x(root, "official_title"),
            "orgStudyIdInfo": {"id": _x(root, "id_info/org_study_id")},
        },
        "statusModule": {
            "overallStatus": _enum(_x(root, "overall_status")),
            "whyStopped": _x(root, "why_stopped"),
            "startDateStruct": {"date": _x(root, "start_date")},
            "completionDateStruct": {"date": _x(root, "completion_date")},
            "lastUpdatePostDateStruct": {"date": _x(root, "last_update_posted") or _x(root, "lastchanged_date")},
        },
        "descriptionModule": {
            "briefSummary": _x(root, "brief_summary/textblock"),
            "detailedDescription": _x(root, "detailed_description/textblock"),
        },
        "conditionsModule": {"conditions": [_xml_text(c) for c in root.findall("condition")]},
        "designModule": {
            "studyType": _enum(_x(root, "study_type")),
            "phases": _xml_phases(_x(root, "phase")),
            "enrollmentInfo": {"count": _x(root, "enrollment"), "type": _xml_enrollment_type(root)},
            "designInfo": {
                "allocation": _x(root, "study_design_info/allocation"),
                "interventionModel": _x(root, "study_design_info/intervention_model"),
                "primaryPurpose": _x(root, "study_design_info/primary_purpose"),
                "maskingInfo": {"masking": _x(root, "study_design_info/masking")},
            },
        },
        "armsInterventionsModule": _xml_arms(root),
        "outcomesModule": {
            "primaryOutcomes": [
                {"measure": _x(o, "measure"), "timeFrame": _x(o, "time_frame")} for o in root.findall("primary_outcome")
            ],
            "secondaryOutcomes": [
                {"measure": _x(o, "measure"), "timeFrame": _x(o, "time_frame")}
                for o in root.findall("secondary_outcome")
            ],
        },
        "eligibilityModule": {
            "eligibilityCriteria": _x(root, "eligibility/criteria/textblock"),
            "sex": _enum(_x(root, "eligibility/gender")),
            "minimumAge": "" if ages["minimum_age"] == "N/A" else ages["minimum_age"],
            "maximumAge": "" if ages["maximum_age"] == "N/A" else ages["maximum_age"],
            "healthyVolunteers": _xml_healthy(_x(root, "eligibility/healthy_volunteers")),
        },
        "sponsorCollaboratorsModule": {"leadSponsor": {"name": _x(root, "sponsors/lead_sponsor/agency")}},
        "contactsLocationsModule": {
            "centralContacts": [
                {
                    "name": _x(c, "last_name"),
                    "phone": _x(c, "phone"),
                    "email": _x(c, "email"),
                }
                for c in [*root.findall("overall_contact"), *root.findall("overall_contact_backup")]
            ],
            "overallOfficials": [_xml_person(o) for o in root.findall("overall_official")],
            "locations": [_xml_location(loc) for loc in root.findall("location")],
        },
    }


def _xml_groups(node: Element | None) -> list[dict[str, str]]:
    if node is None:
        return []
    return [{"id": g.get("group_id") or "", "title": _x(g, "title")} for g in node.findall("group_list/group")]


def _xml_results(results: Element) -> dict[str, Any]:
    """clinical_results in the API's resultsSection shape, so one renderer serves both formats."""
    flow = results.find("participant_flow")
    periods = [
        {
            "title": _x(period, "title"),
            "milestones": [
                {
                    "type": _x(milestone, "title").upper(),
                    "achievements": [
                        {"groupId": p.get("group_id") or "", "numSubjects": p.get("count") or ""}
                        for p in milestone.findall("participants_list/participants")
                    ],
                }
                for milestone in period.findall("milestone_list/milestone")
            ],
        }
        for period in (flow.findall("period_list/period") if flow is not None else [])
    ]
    baseline = results.find("baseline")
    counts = [
        {"groupId": c.get("group_id") or "", "value": c.get("value") or ""}
        for c in (baseline.findall("analyzed_list/analyzed/count_list/count") if baseline is not None else [])
    ]
    outcomes = [_xml_outcome(outcome) for outcome in results.findall("outcome_list/outcome")]
    return {
        "participantFlowModule": {"groups": _xml_groups(flow), "periods": periods},
        "baselineCharacteristicsModule": {
            "groups": _xml_groups(baseline),
            "denoms": [{"units": "Participants", "counts": counts}] if counts else [],
        },
        "adverseEventsModule": {"eventGroups": _xml_event_groups(results.find("reported_events"))},
        "outcomeMeasuresModule": {"outcomeMeasures": outcomes},
        "moreInfoModule": {"pointOfContact": _xml_point_of_contact(results.find("point_of_contact"))},
    }


def _xml_outcome(outcome: Element) -> dict[str, Any]:
    """One outcome_list/outcome as an API v2 outcomeMeasures item (classic XML keeps the numbers in <measure>)."""
    found = outcome.find("measure")
    measure = found if found is not None else Element("measure")  # an outcome announced without results yet
    return {
        # "Other Pre-specified" and "Post-Hoc" are the API's OTHER_PRE_SPECIFIED and POST_HOC.
        "type": _enum(_x(outcome, "type")).replace("-", "_"),
        "title": _x(outcome, "title") or _x(measure, "title"),
        "timeFrame": _x(outcome, "time_frame"),
        "paramType": _enum(_x(measure, "param")),  # "Count of Participants" -> COUNT_OF_PARTICIPANTS
        "dispersionType": _x(measure, "dispersion"),  # the API keeps these words ("Standard Deviation")
        "unitOfMeasure": _x(measure, "units"),
        "groups": _xml_groups(outcome),
        "denoms": _xml_denoms(measure),
        "classes": [
            {
                "title": _x(group, "title"),
                "denoms": _xml_denoms(group),
                "categories": [
                    {"title": _x(category, "title"), "measurements": _xml_measurements(category)}
                    for category in group.findall("category_list/category")
                ],
            }
            for group in measure.findall("class_list/class")
        ],
        "analyses": [_xml_analysis(a) for a in outcome.findall("analysis_list/analysis")],
    }


def _xml_denoms(node: Element) -> list[dict[str, Any]]:
    return [
        {
            "units": _x(analyzed, "units"),
            "counts": [
                {"groupId": c.get("group_id") or "", "value": c.get("value") or ""}
                for c in analyzed.findall("count_list/count")
            ],
        }
        for analyzed in node.findall("analyzed_list/analyzed")
    ]


def _xml_measurements(category: Element) -> list[dict[str, str]]:
    return [
        {
            "groupId": m.get("group_id") or "",
            "value": m.get("value") or "",
            "spread": m.get("spread") or "",
            "lowerLimit": m.get("lower_limit") or "",
            "upperLimit": m.get("upper_limit") or "",
            "comment": _xml_text(m),  # the text of a measurement says why a number is missing
        }
        for m in category.findall("measurement_list/measurement")
    ]


def _xml_analysis(analysis: Element) -> dict[str, Any]:
    return {
        "groupIds": [_xml_text(g) for g in analysis.findall("group_id_list/group_id")],
        "pValue": _x(analysis, "p_value"),
        "statisticalMethod": _x(analysis, "method"),
        "paramType": _x(analysis, "param_type"),
        "paramValue": _x(analysis, "param_value"),
        "ciPctValue": _x(analysis, "ci_percent"),
        # "2-Sided" -> TWO_SIDED, as the API spells it.
        "ciNumSides": {"1-SIDED": "ONE_SIDED", "2-SIDED": "TWO_SIDED"}.get(_enum(_x(analysis, "ci_n_sides")), ""),
        "ciLowerLimit": _x(analysis, "ci_lower_limit"),
        "ciUpperLimit": _x(analysis, "ci_upper_limit"),
    }


def _xml_point_of_contact(node: Element | None) -> dict[str, str]:
    if node is None:
        return {}
    return {key: _x(node, tag) for key, tag in _POINT_OF_CONTACT_TAGS}


_POINT_OF_CONTACT_TAGS = (
    ("title", "name_or_title"),
    ("organization", "organization"),
    ("phone", "phone"),
    ("email", "email"),
)


def _xml_event_groups(events: Element | None) -> list[dict[str, str]]:
    groups = _xml_groups(events)
    if events is None:
        return groups
    for kind in ("serious", "other"):
        # The "Total, serious adverse events" row (first category) holds the per-group totals.
        total = next(
            (
                e
                for e in events.findall(f"{kind}_events/category_list/category/event_list/event")
                if _x(e, "sub_title").lower().startswith("total")
            ),
            None,
        )
        by_group = {c.get("group_id"): c for c in total.findall("counts")} if total is not None else {}
        for group in groups:
            found = by_group.get(group["id"])
            if found is not None:
                group[f"{kind}NumAffected"] = found.get("subjects_affected") or ""
                group[f"{kind}NumAtRisk"] = found.get("subjects_at_risk") or ""
    return groups


# ---- ClinicalTrials.gov page text ------------------------------------------------------------------
PAGE_HEADINGS = (
    "Study Results", "Basic Information", "Brief Summary", "Related Clinical Trials", "Detailed Description",
    "Conditions", "Keywords", "Study Design", "Study Groups", "Interventions", "Outcome Measures",
    "Eligibility Criteria", "Sponsors", "Collaborators", "Responsible Party", "Locations", "Countries",
    "Central Contacts", "Other Identifiers", "More Related Trials", "Publications",
)  # fmt: skip
_DROPPED = frozenset({"Study Results", "Related Clinical Trials", "More Related Trials"})
_FACT_LAYOUT = {
    "Basic Information": ("status", "phase", "enrollment", "study_type", "start_date", "completion_date"),
    "Study Design": ("allocation", "intervention_model", "primary_purpose", "masking"),
    "Sponsors": ("sponsor", "sponsor_class"),
    "Other Identifiers": ("org_study_id",),
}
_AGE = re.compile(r"^\d+(\.\d+)? (Years?|Months?|Weeks?|Days?)$")


@dataclass(frozen=True)
class _Line:
    text: str
    start: int


def parse_page_text(text: str, display: str) -> Trial:
    lines = _lines(text)
    nct = next((m.group(1) for ln in lines if (m := re.match(r"NCT ID:\s*(NCT[0-9]{8})\s*$", ln.text))), None)
    if nct is None:
        claimed = next((ln.text for ln in lines if ln.text.startswith("NCT ID:")), None)
        if claimed is not None:
            got = shown(claimed.removeprefix("NCT ID:").strip())
            raise LoadError(display, f"no 'NCT ID: NCT########' line: it holds {got}, not NCT and 8 ASCII digits")
        raise LoadError(display, "no 'NCT ID: NCT########' line: not a ClinicalTrials.gov page text")
    blocks = _blocks(lines)
    if not blocks:
        raise LoadError(display, "no recognisable ClinicalTrials.gov sections")
    sections: list[Section] = []
    facts: list[Fact] = []
    sites: list[Site] = []
    for heading, body in blocks:
        if heading in _DROPPED or not body:
            continue
        if heading == "Eligibility Criteria":
            body, summary = _split_eligibility_summary(body)
            facts += summary
            if summary:
                sections.append(_section(text, "Eligibility Summary", [_Line(f.value, f.start) for f in summary]))
        elif heading in _FACT_LAYOUT:
            facts += [
                Fact(name=name, value=ln.text, section=heading, start=ln.start)
                for name, ln in zip(_FACT_LAYOUT[heading], body, strict=False)
            ]
        elif heading == "Locations":
            sites = _page_sites(body)
        if body:
            sections.append(_section(text, heading, body))
    last_updated = next((m.group(1) for ln in lines if (m := re.match(r"Last Updated:\s*(\S+)", ln.text))), None)
    return Trial(
        trial_id=nct,
        title=lines[0].text,
        source_path=display,
        source_format="ctgov-page",
        source_text=text,
        sections=tuple(sorted(sections, key=lambda s: s.start)),
        facts=tuple(facts),
        sites=tuple(sites),
        record_date=last_updated,
    )


def _lines(text: str) -> list[_Line]:
    out: list[_Line] = []
    offset = 0
    for raw in text.split("\n"):
        stripped = raw.strip()
        if stripped:
            out.append(_Line(stripped, offset + raw.index(stripped)))
        offset += len(raw) + 1
    return out


def _blocks(lines: list[_Line]) -> list[tuple[str, list[_Line]]]:
    """Heading -> body lines; the one-line page blurb under each heading is not part of the body."""
    blocks: list[tuple[str, list[_Line]]] = []
    for line in lines:
        if line.text in PAGE_HEADINGS:
            blocks.append((line.text, []))
        elif blocks:
            blocks[-1][1].append(line)
    return [(heading, body[1:] if body and _is_blurb(body[0].text) else body) for heading, body in blocks]


def _is_blurb(text: str) -> bool:
    return text.endswith(".") and len(text.split()) >= 6 and not re.match(r"^\d+\.", text)


def _section(text: str, heading: str, body: list[_Line]) -> Section:
    start, end = body[0].start, body[-1].start + len(body[-1].text)
    return Section(heading=heading, text=text[start:end], start=start)


def _split_eligibility_summary(body: list[_Line]) -> tuple[list[_Line], list[Fact]]:
    """The bare values after the criteria: ages, sex, healthy volunteers (read from the end)."""
    rest = list(body)
    facts: list[Fact] = []

    def take(name: str, pattern: str) -> None:
        if rest and re.fullmatch(pattern, rest[-1].text):
            line = rest.pop()
            facts.insert(0, Fact(name=name, value=line.text, section="Eligibility Summary", start=line.start))

    take("healthy_volunteers", r"Yes|No")
    take("sex", r"ALL|FEMALE|MALE")
    ages: list[_Line] = []
    while rest and _AGE.match(rest[-1].text) and len(ages) < 2:
        ages.insert(0, rest.pop())
    for name, line in zip(("minimum_age", "maximum_age"), ages, strict=False):
        facts.append(Fact(name=name, value=line.text, section="Eligibility Summary", start=line.start))
    return rest, sorted(facts, key=lambda f: f.start)


def _page_sites(body: list[_Line]) -> list[Site]:
    sites: list[Site] = []
    i = 0
    while i + 1 < len(body):
        name, place = body[i], body[i + 1]
        if "," not in place.text:
            i += 1
            continue
        parts = [p.strip() for p in place.text.split(",")]
        city, country = parts[0], parts[-1]
        state = parts[1] if len(parts) > 2 else ""
        sites.append(
            Site(
                name=name.text,
                city=city,
                state=state,
                country=country,
                text=f"{name.text}\n{place.text}",
                start=name.start,
            )
        )
        i += 2
    return sites

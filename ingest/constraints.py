"""Parse one eligibility criterion into checkable parts: comparisons, time windows, exceptions, negation, abilities.

`parse_criterion` is pure and regex-only (well under a millisecond). Every span is a (start, end) offset into the
text passed in, so an answer can quote exactly the words that decide a verdict.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from ingest.measures import (
    AGE_AT_DIAGNOSIS,
    DAYS_PER_UNIT,
    DURATION,
    NUMBER_WORDS,
    UNKNOWN_MEASURE,
    Comparator,
    Comparison,
    Quantity,
    QuantityMention,
    Span,
    clause_start,
    clean_text,
    find_quantities,
    measures_named,
    parse_number,
    same_measure,
    search_ending_at,
    sentence_start,
)


@dataclass(frozen=True)
class CriterionComparison:
    """A threshold on a measure: `comparison` is what `measures.compare` checks, `span` the words to quote."""

    measure: str
    measure_span: Span | None
    comparison: Comparison
    span: Span


@dataclass(frozen=True)
class TimeWindow:
    """How long ago `event` may (max) or must (min) have happened, relative to `anchor` (screening if None)."""

    event: str
    event_span: Span | None
    min_days_ago: float | None
    max_days_ago: float | None
    anchor_span: Span | None
    span: Span


@dataclass(frozen=True)
class ExceptionClause:
    """An exception/allowance: `span` is the carve-out, `carves_from` the text it narrows (None: whole criterion)."""

    marker: str
    span: Span
    carves_from: Span | None


@dataclass(frozen=True)
class RequiredCircumstance:
    """A capacity or circumstance the criterion requires (kind from `CIRCUMSTANCE_TOPICS`), e.g. ("travel", ...)."""

    kind: str
    span: Span
    cue_span: Span
    inability: bool = False  # "unable to swallow" (usually an exclusion): the criterion names a lack, not a need


@dataclass(frozen=True)
class BirthControlRule:
    """The criterion asks those who could become pregnant to use birth control ("Women of childbearing potential must
    use adequate contraception", "... not practicing an effective method of birth control"). `past_menopause_days`:
    how long without periods the criterion counts as past menopause ("not post-menopausal for at least 12 months",
    "two years postmenopausal"), where it says."""

    span: Span
    past_menopause_days: float | None = None


@dataclass(frozen=True)
class ChildbearingExclusion:
    """The criterion excludes women who could become pregnant ("Women of childbearing potential"), with no birth
    control that would admit them. `past_menopause_days` as in `BirthControlRule`."""

    span: Span
    past_menopause_days: float | None = None


@dataclass(frozen=True)
class StableFor:
    """The criterion asks that a dose or treatment has not changed for `days` before entry ("on a stable dose for at
    least 4 weeks", "the dose level must remain constant for 4 weeks", "no dose changes within the past 3 months")."""

    days: float
    span: Span


@dataclass(frozen=True)
class CriterionConstraints:
    text: str
    comparisons: tuple[CriterionComparison, ...]
    windows: tuple[TimeWindow, ...]
    exceptions: tuple[ExceptionClause, ...]
    negated_requirement: bool
    negation_span: Span | None
    requirements: tuple[RequiredCircumstance, ...]
    birth_control: BirthControlRule | None = None
    childbearing_excluded: ChildbearingExclusion | None = None
    stable_for: StableFor | None = None

    @property
    def requirement_kind(self) -> str | None:
        """Coarse label of the first capacity/circumstance required, or None."""
        return self.requirements[0].kind if self.requirements else None

    @property
    def requirement_span(self) -> Span | None:
        return self.requirements[0].span if self.requirements else None


# --- circumstances ----------------------------------------------------------------------------------------------------
# Shared with assistant.patient_facts so "I can't travel" and "able to attend weekly visits" get the same label.
# Order matters: the first topic found in the required span wins (legal representative before generic consent).
CIRCUMSTANCE_TOPICS: tuple[tuple[str, str], ...] = (
    (
        "legal_representative",
        r"legally\s+authori[sz]ed\s+representative|\blar\b|legal(?:ly)?\s+(?:guardian|representative)"
        r"|guardian|proxy|surrogate|(?:someone|somebody|anyone|one)\s+(?:else\s+)?(?:who\s+(?:can|could)"
        r"|to)\s+(?:give\s+|sign\s+|provide\s+)?consent|consent\s+(?:for|on\s+(?:his|her|their)?\s*behalf)",
    ),
    (
        "caregiver",
        r"care\s?-?givers?|carers?|study\s+partners?|companions?|informants?|responsible\s+adult"
        r"|lives?\s+alone|living\s+alone|live[sd]?\s+with|support\s+person|someone\s+to\s+(?:help|accompany|drive)",
    ),
    (
        "device",
        r"smart\s?-?phones?|(?:tele|mobile\s+|cell\s*)?phones?|internet|computers?|tablets?|e-?mail|wi-?fi"
        r"|mobile\s+devices?|ipad",
    ),
    (
        "language",
        r"english|spanish|french|german|mandarin|chinese|portuguese|languages?|speak|read\s+and\s+(?:write|understand)"
        r"|literate|fluent|reading",
    ),
    ("residence", r"residents?\b|reside|residing|\blive\s+in\b|\bliving\s+in\b|citizens?|catchment|\bmiles\b|\bkm\b"),
    (
        "travel",
        r"travel|attend|visits?|come\s+(?:to|in|back|for|weekly|every|daily)|coming\s+in|return(?:ing)?\s+(?:to|for)"
        r"|commute|transport|drive|follow-?up|clinics?\b|study\s+site|site\s+visits?|weekly|hospital|appointments?",
    ),
    ("swallow", r"swallow"),
    ("contraception", r"contracepti\w*|birth\s+control"),
    ("consent", r"consent|sign\b"),
    ("comply", r"comply|compliance|adhere|follow\s+(?:the\s+)?(?:study|protocol|instructions|procedures)"),
)
# Names of languages (the most spoken ones and those of the registries' countries), to tell "able to read French"
# from "I can't read Spanish". Closed class: ISO 639 language names in English.
LANGUAGE_RE = re.compile(
    r"\b(?:english|spanish|french|german|italian|portuguese|dutch|polish|russian|ukrainian|romanian|greek|turkish"
    r"|arabic|hebrew|farsi|persian|urdu|hindi|punjabi|bengali|tamil|telugu|gujarati|marathi|chinese|mandarin"
    r"|cantonese|japanese|korean|vietnamese|thai|tagalog|filipino|malay|indonesian|swahili|amharic|somali|hausa"
    r"|yoruba|danish|swedish|norwegian|finnish|czech|slovak|hungarian|serbian|croatian|bulgarian|catalan|basque"
    r"|haitian\s+creole|creole|navajo)\b",
    re.IGNORECASE,
)


def languages_in(text: str) -> frozenset[str]:
    return frozenset(m.group(0).lower() for m in LANGUAGE_RE.finditer(text))


_TOPIC_RE = re.compile(
    "|".join(f"(?P<t{i}>{pattern})" for i, (_, pattern) in enumerate(CIRCUMSTANCE_TOPICS)), re.IGNORECASE
)
_ABILITY_CUE_RE = re.compile(
    r"\b(?:(?:be|is|are|must\s+be|should\s+be)\s+)?(?P<neg>(?:not|never)\s+)?"
    r"(?:(?:(?P<un>un|in)?(?:able|willing|capable|available)|able|willing)\s+(?:and\s+|/\s*|or\s+)?)+"
    r"(?:to|of)\b|\b(?P<lack>inability|unwillingness|incapacity)\s+to\b"
    r"|\b(?:ability|willingness|capacity|availability)\s+(?:and\s+willingness\s+)?to\b"
    r"|\b(?:(?P<cannot>cannot|can'?t)|can)\s+(?=(?:travel|attend|come|return|read|speak|understand|swallow|comply"
    r"|use|access|walk|provide|give|sign|complete|follow|commute|drive)\b)",
    re.IGNORECASE,
)
_CIRCUMSTANCE_CUE_RE = re.compile(
    r"\b(?:must\s+have|has|have|having|with)\s+(?:a\s+|an\s+)?(?:reliable\s+|regular\s+|access\s+to\s+(?:a\s+|an\s+)?)?"
    r"(?=(?:care\s?-?giver|carer|study\s+partner|companion|informant|legally|smart|phone|telephone|internet|computer))"
    r"|\baccess\s+to\b|\b(?:resident|residents|reside|residing|living)\s+(?:of|in|within)\b"
    r"|\b(?:speaks?|speaking|fluent\s+in|read\s+and\s+(?:write|understand))\b"
    r"|\blegally\s+authori[sz]ed\s+representative\b|\bcare\s?-?giver\b",
    re.IGNORECASE,
)
# A line break ends a clause only where a new list item starts: registry text (XML above all) wraps long
# sentences over several indented lines.
LIST_ITEM_START = r"[\n\r]\s*(?=[-*•o]\s|\d{1,2}[.)]|[a-z][.)]\s|\(\w\))"
_CLAUSE_END_RE = re.compile(r"(?<!\.[a-zA-Z])[.;](?![\da-zA-Z])|" + LIST_ITEM_START + r"|\bor\s+(?:who|if)\b|$")


def circumstance_kind(text: str) -> str | None:
    """Label of the first capacity/circumstance topic named in `text` ("travel", "device", ...), or None."""
    found = _TOPIC_RE.search(text)
    if found is None or found.lastgroup is None:
        return None
    return CIRCUMSTANCE_TOPICS[int(found.lastgroup[1:])][0]


def _inside_parenthesis(text: str, position: int) -> bool:
    return text.rfind("(", 0, position) > text.rfind(")", 0, position)


def _clause_end(text: str, position: int) -> int:
    """End of the sentence holding `position`; inside an open parenthesis, its closing bracket. A marker followed by
    a colon ("except for:") introduces a list: the clause runs to the end of the criterion."""
    if re.match(r"\s*:", text[position:]):
        return len(text)
    found = _CLAUSE_END_RE.search(text, position)
    end = found.start() if found else len(text)
    opened = text.rfind("(", position, end)
    if opened >= 0 and text.find(")", opened, end) < 0:
        # The end found is inside a bracket the clause opened ("supplements (eg:" / "- Ensure Plus) or ... tube."):
        # the clause goes on past its closing bracket.
        close = _closing_bracket(text, opened + 1)
        if close >= 0:
            found = _CLAUSE_END_RE.search(text, close + 1)
            end = found.start() if found else len(text)
    if _inside_parenthesis(text, position):
        close = _closing_bracket(text, position)
        end = close if close >= 0 else end
    return end


def _closing_bracket(text: str, position: int) -> int:
    """The ")" that closes the parenthesis open at `position`, past any nested pair ("(except intrathecal (IT)
    agents or hydroxyurea)"); -1 if none does."""
    depth = 0
    for index in range(position, len(text)):
        if text[index] == "(":
            depth += 1
        elif text[index] == ")":
            if depth == 0:
                return index
            depth -= 1
    return -1


def _trimmed(text: str, start: int, end: int) -> Span:
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not (text[end - 1].isalnum() or text[end - 1] in ")%"):
        end -= 1
    return start, end


_ABILITY_HINTS = ("able", "willing", "capab", "availab", "abilit", "capacity", "can")
_CIRCUMSTANCE_HINTS = (
    "care",
    "partner",
    "companion",
    "informant",
    "legally",
    "phone",
    "internet",
    "computer",
    "access",
    "resid",
    "living",
    "speak",
    "fluent",
    "read and",
)


def _names_inability(cue: re.Match[str]) -> bool:
    groups = cue.re.groupindex
    return any(name in groups and cue.group(name) for name in ("neg", "un", "lack", "cannot"))


_EXAMPLE_BEFORE_RE = re.compile(r"\b(?:including|such\s+as|e\.\s?g\.?|for\s+example)\s*$", re.IGNORECASE)
# ("Not having a phone at home", "no access to a telephone": the lack stated as the criterion's case)
_LACKING_BEFORE_RE = re.compile(
    r"\b(?:(?:does|do)\s+not|doesn'?t|don'?t|not|no|without|lacks?|lacking)\s*$", re.IGNORECASE
)


def _requirements(text: str, lowered: str) -> tuple[RequiredCircumstance, ...]:
    found_items: list[RequiredCircumstance] = []
    cue_res = [
        cue_re
        for cue_re, hints in ((_ABILITY_CUE_RE, _ABILITY_HINTS), (_CIRCUMSTANCE_CUE_RE, _CIRCUMSTANCE_HINTS))
        if any(hint in lowered for hint in hints)
    ]
    for cue_re in cue_res:
        for cue in cue_re.finditer(text):
            example = _EXAMPLE_BEFORE_RE.search(text, max(0, cue.start() - 24), cue.start()) is not None
            if not example and any(item.cue_span[0] <= cue.start() < item.span[1] for item in found_items):
                continue  # part of the ability before it, unless given as its example ("including inability to read")
            body_start = cue.end() if cue_re is _ABILITY_CUE_RE else cue.start()
            span = _trimmed(text, body_start, _clause_end(text, cue.end()))
            if span[0] >= span[1]:
                continue
            kind = circumstance_kind(text[span[0] : span[1]])
            if kind is None and cue_re is _CIRCUMSTANCE_CUE_RE:
                continue
            # "Does not have a smartphone": the circumstance named as lacking, as "inability to" names an ability.
            lacking = _LACKING_BEFORE_RE.search(text, max(0, cue.start() - 16), cue.start()) is not None
            found_items.append(
                RequiredCircumstance(kind or "ability", span, cue.span(), _names_inability(cue) or lacking)
            )
    found_items.sort(key=lambda item: item.cue_span[0])
    return tuple(found_items)


# --- negation ---------------------------------------------------------------------------------------------------------
# "No more than 84 days since prior surgery", "not less than 18 years": a comparator, not a prohibition.
NOT_A_COMPARATOR = (
    r"(?!\s+(?:more|less|fewer|greater|longer|shorter|later|earlier|sooner|older|younger|higher|lower)\s+than\b)"
)
_LEADING_NEGATION_RE = re.compile(
    r"^[\s\-*•\d.)]*(?:(?:patients?|subjects?|participants?)\s+(?:must|should|may)\s+not\s+(?:have|be|receive)"
    rf"|no\b{NOT_A_COMPARATOR}|not\b{NOT_A_COMPARATOR}|never\b|none\b|without\b|absence\s+of\b|lack\s+of\b|must\s+not\b"
    r"|should\s+not\b|may\s+not\b"
    r"|cannot\b|free\s+of\b|negative\s+for\b|non-?\w)",
    re.IGNORECASE,
)
_INNER_NEGATION_RE = re.compile(
    r"\b(?:must|should|may)\s+not\s+(?:have|be|receive|use|take|currently)\b|\bfree\s+of\b|\bnegative\s+for\b"
    r"|\babsence\s+of\b|\b(?:has|have)\s+not\s+(?:had|received|taken|used|been\s+(?:treated|exposed)|undergone)\b|\bno\s+(?:history|evidence|"
    r"prior|previous|known|current|active|concurrent|clinical)\b",
    re.IGNORECASE,
)


_FIRST_SENTENCE_END_RE = re.compile(r"[.;](?!\d)|\n|$")


def _negation(text: str) -> Span | None:
    """Negation of the criterion's own requirement: at its start, or a "must not"/"free of" in its first sentence."""
    first_sentence_end = _FIRST_SENTENCE_END_RE.search(text)
    end = first_sentence_end.start() if first_sentence_end else len(text)
    found = _LEADING_NEGATION_RE.match(text) or _INNER_NEGATION_RE.search(text, 0, end)
    if found is None:
        return None
    return _trimmed(text, found.start(), found.end())


# --- exceptions -------------------------------------------------------------------------------------------------------
_EXCEPTION_MARKER_RE = re.compile(
    r"\bwith\s+the\s+(?:possible\s+)?exceptions?\s+of\b|\bexcept(?:ion)?s?\s*:|\bexceptions?\s+(?:include|includes|are|is)\b|\bexcept(?:\s+(?:for|that|in|when|if|those))?\b"
    r"|\bunless\b|\bother\s+than\b|\bexcluding\b|\bapart\s+from\b|\bwith\s+the\s+exception\b|\bbesides\b"
    # "hematocrit less than 20% (in the absence of gastrointestinal bleeding)": the limit holds unless that is so
    r"|\bin\s+the\s+absence\s+of\b"
    r"|\b(?:but\s+)?not\s+including\b"
    r"|\bhowever\b|\bok(?:ay)?\s+if\b"
    # An alternative bound with its condition: "ALT <= 3 x ULN - or <= 5 x ULN if related to leukemic involvement".
    r"|\bor\s+[<>≤≥=\\\s]*\d[^.;]{0,40}?\bif\b"
    r"|\b(?:allowed|permitted|eligible|acceptable)\s+(?:only\s+)?(?:if|when|provided|as\s+long\s+as)\b"
    r"|\bprovided\s+(?:that\s+)?\b"
    # "may be included if in the judgment of the study chairman lower counts are explained by marrow involvement"
    r"|\b(?:may|can|will)\s+(?:still\s+)?(?:be\s+(?:included|enrolled|entered|accepted|considered|eligible|allowed)"
    r"|participate|enter|enrol|enroll|join)\s+(?:if|when|provided|as\s+long\s+as)\b"
    # A requirement waived in a case: "CD4 count < 150/mm3 (not required if patient has had cryptosporidiosis ...)"
    r"|\bnot\s+(?:required|needed|necessary|applicable)\s+(?:if|when|for|in)\b|\bwaived\s+(?:if|when|for|in)\b",
    re.IGNORECASE,
)
_ALLOWED_RE = re.compile(
    r"\b(?:is|are)\s+not\s+(?:considered|exclusionary|an?\s+exclusion|required)\b"
    # "(CD4 cell counts below 200 cells/mm3 will not be considered AIDS-defining.)"
    r"|\b(?:will|shall|would)\s+not\s+be\s+(?:considered|counted|regarded)\b"
    r"|\b(?:does|do)\s+not\s+(?:count|exclude)\b"
    # "(this criterion does not apply to subjects who have had a single, uncomplicated febrile convulsion)"
    r"|\b(?:does|do)\s+not\s+apply\s+to\b"
    r"|\bmay\s+(?:still\s+)?(?:receive|take|continue|use|have|be\s+on)\b"
    # "Patients in methadone programs may participate", "may enter the study after a 3 month period off therapy"
    r"|\b(?:may|can)\s+(?:still\s+)?(?:participate|enter|enrol|enroll|join)\b"
    r"|\b(?:can|may)\s+(?:still\s+)?be\s+(?:used|given|taken|continued)\b"  # "corticosteroids can be used inhaled"
    # "will not be eligible", "not allowed" are the opposite of an allowance.
    r"|\b(?:(?:is|are|will\s+be|may\s+be)\s+)?(?<!not\s)(?<!not\sbe\s)(?<!never\s)"
    r"(?:allowed|permitted|permissible|acceptable|eligible|not\s+excluded)\b(?!\s+(?:if|when|provided"
    # "Eligible for familial melanoma ... protocols": eligibility for other studies, not an allowance in this one
    r"|as\s+long|to(?!\s+(?:continue|remain|stay|keep))"
    # "Subjects eligible for this study will be ...", "may be eligible for this study if they:" say whom the study
    # takes; ended there ("(Note: Patients with a CD4 count greater than 200 ... may be eligible for this study.)")
    # it lets a case in.
    r"|for\s+(?:this|the)\s+(?:study|trial|protocol)(?!\s*(?:[.)]|$))"
    r"|for\s+[^.;]{0,120}?\b(?:studies|trials|protocols)\b"
    # "not eligible for this protocol, because they will be instead eligible for a separate protocol"
    r"|for\s+(?:a|an|another)\s+(?:[\w-]+\s+)?(?:study|trial|protocol)\b))",
    re.IGNORECASE,
)
# A restrictive relative clause ("infections which are not considered to be invasive or systemic") says which
# things the criterion means; set off by a comma ("..., which is not considered an exclusion") it may allow.
_DESCRIBES_BEFORE_RE = re.compile(r"[^,\s]\s+(?:which|that)\s+$", re.IGNORECASE)
# A sentence dot, not the dots of "e.g." / "i.e." (which would cut "(e.g., thyroxine)" off its subject).
_SEGMENT_START_RE = re.compile(
    r"(?<!\.[a-zA-Z])\.(?![\da-zA-Z])\s*|[;:(•]\s*|"
    + LIST_ITEM_START
    + r"\s*|,\s*(?=[A-Za-z]+\s+\w+(?:\s+\w+)?\s+(?:is|are)\s+allowed)"
)


# "eligible" with no verb before it and "for" after it describes people ("Patients eligible for transplant").
_ELIGIBLE_FOR_RE = re.compile(r"eligible", re.IGNORECASE)
_FOR_FOLLOWS_RE = re.compile(r"\s+for\b", re.IGNORECASE)
# "... patients with a history of antecedent myelodysplasia remain eligible for treatment on this trial": an allowance
_STAYS_BEFORE_RE = re.compile(r"\b(?:remains?|still|also|becomes?|considered)\s+$", re.IGNORECASE)
_FOR_THE_STUDY_RE = re.compile(r"\s+for\s+(?:this|the)\s+(?:study|trial|protocol)\b", re.IGNORECASE)
_FOR_WHOM_RE = re.compile(r"\s+(?:for|in)\s+(?:patients|participants|subjects|those|people|women|men)\b", re.IGNORECASE)


def _segment_start(text: str, position: int) -> int:
    last = 0
    for found in _SEGMENT_START_RE.finditer(text, 0, position):
        if found.group().startswith("(") and text.find(")", found.end(), position) >= 0:
            continue  # "(eg, asthma) are eligible": the closed parenthesis belongs to the subject
        if _inside_parenthesis(text, found.start()) and _closing_bracket(text, found.end()) < position:
            continue  # "(e.g., thyroxine, insulin, etc.) is not considered": a break inside it is part of the subject
        last = found.end()
    return last


# How a bracket lists its examples: "(including vitamin D other than multivitamin)".
_BRACKET_LEAD_RE = re.compile(
    r"\s*(?:including|includes|incl\.?|such\s+as|e\.\s?g\.?,?|i\.\s?e\.?,?|especially|namely)\s+", re.IGNORECASE
)


def _carved_in_parenthesis(text: str, marker: int) -> Span | None:
    """ "(including vitamin D other than multivitamin and estrogen)": an exception inside a bracket of examples carves
    from the example before it, not from what stands before the bracket; None when the bracket opens with the
    exception ("Malignancy (other than basal cell carcinoma)") or is no list of examples."""
    opening = text.rfind("(", 0, marker)
    lead = _BRACKET_LEAD_RE.match(text, opening + 1)
    if lead is None or re.search(r"[;,:]", text[lead.end() : marker]):
        return None  # "(in the absence of coumadin; abnormal PT values ... allowed if ...)" qualifies the whole
    span = _trimmed(text, lead.end(), marker)
    return span if re.search(r"[A-Za-z]{2}", text[span[0] : span[1]]) else None


def _carved(text: str, end: int) -> Span | None:
    start = _segment_start(text, end)
    span = _trimmed(text, start, end)
    if span[0] >= span[1]:
        span = _trimmed(text, 0, end)
    return span if span[0] < span[1] else None


_EXCEPTION_HINTS = (
    "except",
    "unless",
    "other than",
    "exclud",
    "absence of",
    "apart from",
    "besides",
    "allowed",
    "permitted",
    "permissible",
    "acceptable",
    "eligible",
    "provided",
    "not considered",
    "not be ",
    "not count",
    "not apply",
    "can ",
    "not exclud",
    "not exclus",
    "not an exclusion",
    "may ",
    "can be ",
    "however",
    "ok if",
    "okay if",
    "not including",
    "not required",
    "waive",
    " if ",
)


_ALLOWANCE_REACH = 120  # characters after "allowed"/"acceptable" that can still say whom it is for
# Where a run-on record (PDQ-style XML: "... on chest x-ray No uncontrolled ... Other: HIV negative") starts its
# next item without punctuation: a capitalised "No"/"Not", or a "Heading:" word. The eligibility reasoner splits
# such records into items with it too.
RUN_ON_ITEM_RE = re.compile(r"\s(?=(?:No|Not)\s|[A-Z][a-z]+(?:\s[a-z]+)?:\s)")


# ", including ..." after an exception's object goes back to what the criterion bars ("medications affecting lipids,
# with the exception of ACE inhibitors, including: beta blockers, cyclosporine"; "diseases other than asthma,
# including COPD"); in a bracket ("other than corticosteroids (including ...)") it stays with the exception.
_MAIN_CLAUSE_RESUMED_RE = re.compile(r",\s*including\b", re.IGNORECASE)


def _next_measured_item(text: str, start: int, end: int, comparisons: Sequence[CriterionComparison]) -> int:
    """Where a run-on record's next item starts inside an exception's clause: a bound on a measure of its own that
    opens with a capital after nothing but a word ("Bilirubin no greater than 1.5 mg/dL, unless history of
    Gilbert's disease SGOT or SGPT no greater than 2 times ULN"). A bound the exception sets for its case is of the
    carved measure ("ALT < 2.5 x ULN unless liver metastases ALT < 5 x ULN") or joined to it by a mark ("unless
    Gilbert's, in which case bilirubin < 3")."""
    carved = [c.measure for c in comparisons if c.span[1] <= start][-1:]
    for comparison in comparisons:
        first = comparison.measure_span[0] if comparison.measure_span else comparison.span[0]
        if not start < first < end or comparison.measure.startswith("head:") or comparison.measure in carved:
            continue
        if text[first].isupper() and text[first - 1].isspace() and text[start:first].rstrip()[-1:].isalnum():
            return first
    return end


def _exceptions(text: str, lowered: str, comparisons: Sequence[CriterionComparison]) -> tuple[ExceptionClause, ...]:
    clauses: list[ExceptionClause] = []
    if not any(hint in lowered for hint in _EXCEPTION_HINTS):
        return ()
    for marker in _EXCEPTION_MARKER_RE.finditer(text):
        in_paren = _inside_parenthesis(text, marker.start())
        # "Exceptions: a; b; c" lists every exception after the colon.
        end = len(text) if marker.group(0).rstrip().endswith(":") else _clause_end(text, marker.end())
        resumed = None if in_paren else _MAIN_CLAUSE_RESUMED_RE.search(text, marker.end(), end)
        end = resumed.start() if resumed else end
        end = _next_measured_item(text, marker.end(), end, comparisons)
        span = _trimmed(text, marker.start(), end)
        carves_from = _carved_in_parenthesis(text, marker.start()) if in_paren else None
        if carves_from is None:
            carve_end = text.rfind("(", 0, marker.start()) if in_paren else marker.start()
            carves_from = _carved(text, carve_end)
        clauses.append(ExceptionClause(" ".join(marker.group(0).lower().split()), span, carves_from))
    for allowed in _ALLOWED_RE.finditer(text):
        if any(c.span[0] <= allowed.start() < c.span[1] for c in clauses):
            continue
        if _DESCRIBES_BEFORE_RE.search(text, max(0, allowed.start() - 30), allowed.start()):
            continue  # "fungal infections which are not considered to be invasive": which ones, no allowance
        if (
            _ELIGIBLE_FOR_RE.fullmatch(allowed.group(0))
            and _FOR_FOLLOWS_RE.match(text, allowed.end())
            and not _STAYS_BEFORE_RE.search(text, max(0, allowed.start() - 20), allowed.start())
        ):
            continue  # "Patients eligible for bone marrow transplant ...": who the criterion is about, not an allowance
        start = _segment_start(text, allowed.start())
        if start == 0 and _FOR_THE_STUDY_RE.match(text, allowed.end()):
            continue  # "All patients with DCIS ... will be eligible for the study.": the requirement itself
        # The allowance reaches to the end of its clause: whom it is for ("allowed for patients with benign
        # prostatic hyperplasia") and what it covers ("are not required to use contraception").
        # In a run-on record with no sentence ends the clause would swallow every later criterion: a bounded reach.
        end = min(_clause_end(text, allowed.end()), allowed.end() + _ALLOWANCE_REACH)
        next_item = RUN_ON_ITEM_RE.search(text, allowed.end(), end)
        end = next_item.start() if next_item else end
        span = _trimmed(text, start, end)
        open_paren = text.rfind("(", 0, start)
        in_paren = open_paren > text.rfind(")", 0, start)
        carve_end = open_paren if in_paren else start - 1
        carves_from = _carved(text, carve_end) if carve_end > 1 else None
        clauses.append(ExceptionClause(" ".join(allowed.group(0).lower().split()), span, carves_from))
    clauses.sort(key=lambda c: c.span[0])
    return tuple(clauses)


# --- time windows -----------------------------------------------------------------------------------------------------
_RECENT_PREFIX_RE = re.compile(
    r"(?:\b(?:within(?:\s+the)?|in\s+the|during\s+the|over\s+the)(?:\s+(?:last|past|previous|prior|preceding))?"
    # "in last 3 months", "(past 3 months)"
    r"|\b(?:in|during|over)\s+(?:last|past|previous|preceding)|(?<=\()(?:last|past|previous|preceding)"
    # set off without a preposition: "Has a history, the last 12 month, of syncope", "(the past 6 months)"
    r"|(?:(?<=,\s)|(?<=\())the\s+(?:last|past|previous|preceding))"
    r"\s*(?:of\s+)?$",
    re.IGNORECASE,
)
# ("more than 18 months post-stroke", "3 months post transplant": "post" is "after")
_AFTER_UNIT_RE = re.compile(
    r"\s*(?:period\s+|interval\s+)?(?P<kind>ago|prior\s+to|before|preceding|of|from|since|after|following"
    r"|post(?=[-\s]+[a-z]))\b",
    re.IGNORECASE,
)
_SINCE_RE = re.compile(
    r"\s*(?:(?:since|from|after|following)\s+|post[-\s]+)(?:the\s+)?(?:end\s+of\s+|completion\s+of\s+"
    r"|last\s+(?:dose\s+of\s+)?|prior\s+|previous\s+|any\s+)*",
    re.IGNORECASE,
)
_WORDS_RE = re.compile(r"\S+")
_EVENT_LEAD_RE = re.compile(
    r"^(?:(?:patients?|subjects?|participants?|who|that|has|have|had|having|been|received?|receiving|taken|taking"
    r"|undergone|underwent|treated|treatment|therapy|use|used|using|with|any|an?|the|prior|previous|of|history|must|not"
    r"|no|currently|on|require|requires|requiring|major|last|dose|doses|administration|or|and)\s+)+",
    re.IGNORECASE,
)
_WINDOW_ANCHOR_RE = re.compile(
    r"\s*(?:(?:the|study|first|initial|start\s+of)\s+)*(?:(?!\s(?:or|and)\s)[^.,;:()]){0,60}", re.IGNORECASE
)


_ANCHOR_WORDS_RE = re.compile(
    r"\s*(?:the\s+)?(?:cycle|day\s+1|first|initial|start|randomi[sz]ation|enrol|registration|screening|baseline|study"
    r"|initiation|treatment\s+start|inclusion|consent|visit)",
    re.IGNORECASE,
)
# An event named after the window ("in the past 3 years any malignancy") ends at the next clause or header word.
# (a point or comma between digits is part of a number: "1.5 mg", "1,500 cGy")
_EVENT_AFTER_END_RE = re.compile(
    r"(?<!\d)[.,]|[.,](?!\d)|[;:()]|\s(?i:and|no|not|but|except|unless)\s|\s[A-Z][a-z]+:|$"
)
_MAX_EVENT_WORDS = 8


# A clause that only says the event took place ("... and have occurred at least 30 days before"), and the subject of
# its sentence, which names the event ("a rejection episode must have responded to treatment").
_ONLY_HAPPENED_RE = re.compile(r"(?:occurred|happened|taken\s+place|elapsed)", re.IGNORECASE)
_SENTENCE_SUBJECT_RE = re.compile(
    r"\s*(?P<subject>[^.;:()]{3,60}?)\s+(?:must|should|shall|will|has|have)\b", re.IGNORECASE
)


def _without_lead(text: str, span: Span) -> Span:
    """The event's words without what leads into them ("have received prior", "patients with"); empty if only those."""
    lead = _EVENT_LEAD_RE.match(text[span[0] : span[1]] + " ")
    return span if lead is None else (min(span[1], span[0] + lead.end()), span[1])


def _event_before(text: str, end: int) -> tuple[str, Span] | None:
    start = clause_start(text, end)
    span = _trimmed(text, start, end)
    span = _without_lead(text, span)
    if span[0] >= span[1]:
        return None
    if _ONLY_HAPPENED_RE.fullmatch(text, span[0], span[1]):
        return _sentence_subject(text, span[0]) or (text[span[0] : span[1]], span)
    return text[span[0] : span[1]], span


def _sentence_subject(text: str, position: int) -> tuple[str, Span] | None:
    """The subject of the sentence holding `position`, named before its verb ("a rejection episode must ...")."""
    sentence = max(text.rfind(mark, 0, position) for mark in ".;:") + 1  # (a hard-wrapped line goes on)
    found = _SENTENCE_SUBJECT_RE.match(text, sentence, position)
    if found is None:
        return None
    start, end = found.span("subject")
    start = max(start, text.rfind(",", start, end) + 1)  # 'For 3TC exposure to be "new", prior exposure must'
    span = _trimmed(text, start, end)
    span = _without_lead(text, span)
    return (text[span[0] : span[1]], span) if span[0] < span[1] else None


def _event_after(text: str, start: int) -> tuple[str, Span] | None:
    stop = _EVENT_AFTER_END_RE.search(text, start)
    end = stop.start() if stop else len(text)
    words = list(_WORDS_RE.finditer(text, start, end))[:_MAX_EVENT_WORDS]
    if not words:
        return None
    span = _trimmed(text, words[0].start(), words[-1].end())
    span = _without_lead(text, span)
    return (text[span[0] : span[1]], span) if span[0] < span[1] else None


def _window(text: str, mention: QuantityMention) -> TimeWindow | None:
    """A time window if the duration is anchored in time ("within 4 weeks before", "ago", "since"), else None."""
    if (
        mention.quantity.unit != "day"
        or mention.measure in ("age", AGE_AT_DIAGNOSIS)
        or mention.quantity.upper is not None
    ):
        return None
    days = mention.quantity.value
    comparator = mention.comparator
    prefix_start = max(0, mention.span[0] - 30)
    recent = search_ending_at(_RECENT_PREFIX_RE, text, prefix_start, mention.number_span[0])
    recent_prefix = recent is not None
    # "Stroke (past 6 months)": the window in brackets is of what stands before them.
    noun_end = recent.start() - 1 if recent is not None and text[recent.start() - 1 : recent.start()] == "(" else None
    after = _AFTER_UNIT_RE.match(text, mention.span[1])
    kind = after.group("kind").lower() if after else None
    if kind == "post":  # ("within 6 months post-transplant" stays the window of the event it names, as before)
        kind = None if recent_prefix else "after"
    must_elapse = _MUST_ELAPSE_RE.match(text, mention.span[1])
    if must_elapse is not None and not recent_prefix:
        return _time_that_must_pass(text, mention, must_elapse)
    if not recent_prefix and kind is None:
        return (
            _recent_in_brackets(text, mention)
            or _washout_window(text, mention)
            or _stopped_for(text, mention)
            or _listed_since_prior(text, mention)
        )
    if recent_prefix and kind in ("after", "following"):
        return None  # "within 7 months after the final dose" looks forward from the anchor, not back from today
    anchored_from = kind == "from" and after is not None and _ANCHOR_WORDS_RE.match(text, after.end()) is not None
    if kind in ("since", "from", "after", "following") and after is not None and not anchored_from:
        since = _SINCE_RE.match(text, mention.span[1])
        event = _event_after(text, since.end() if since else after.end())
        anchor: Span | None = None
    else:
        event = _event_before(text, mention.noun_end if noun_end is None else noun_end)
        if event is None:
            event = _event_after(text, after.end() if after else mention.span[1])
        anchor = None
        if kind in ("prior to", "before", "preceding", "of", "from") and after is not None:
            anchor_match = _WINDOW_ANCHOR_RE.match(text, after.end())
            if anchor_match is not None:
                trimmed = _trimmed(text, anchor_match.start(), anchor_match.end())
                anchor = trimmed if trimmed[0] < trimmed[1] else None
    at_least = comparator in (Comparator.GE, Comparator.GT)
    at_most = comparator in (Comparator.LE, Comparator.LT) or recent_prefix
    if kind is not None and " ".join(kind.split()) == "of" and not recent_prefix and not at_least:
        return None
    if kind == "of" and after is not None and not recent_prefix and not _ANCHOR_WORDS_RE.match(text, after.end()):
        # "More than 6 weeks of prior zidovudine (AZT) therapy": how long it was taken, not a time since an anchor
        return None
    if not at_least and not at_most:
        return None
    span = (
        min(mention.span[0], event[1][0]) if event else mention.span[0],
        max(mention.span[1], after.end() if after else 0, anchor[1] if anchor else 0, event[1][1] if event else 0),
    )
    return TimeWindow(
        event=event[0] if event else "",
        event_span=event[1] if event else None,
        min_days_ago=days if at_least else None,
        max_days_ago=days if at_most and not at_least else None,
        anchor_span=anchor,
        span=span,
    )


# "at least 4 weeks since prior chemotherapy (6 weeks for nitrosoureas or mitomycin C)", "within the past 3 weeks
# (6 weeks for nitrosourea)": a time in brackets for named cases, right after a window, is that window's limit for them.
_CASE_WINDOW_OPEN_RE = re.compile(r"\(\s*$")
# "(6 weeks for nitrosoureas)", "(6 weeks since mitomycin or nitrosoureas)": the bracket names its own case
_CASE_WINDOW_FOR_RE = re.compile(
    r"\s+(?:for|since|after|from)\s+(?:(?:prior|previous|last)\s+)?(?P<named>[^()]{3,80}?)\s*\)", re.IGNORECASE
)


def _case_window(text: str, mention: QuantityMention, windows: list[TimeWindow]) -> TimeWindow | None:
    if mention.quantity.unit != "day" or mention.quantity.upper is not None or not windows:
        return None
    opened = _CASE_WINDOW_OPEN_RE.search(text, max(0, mention.span[0] - 3), mention.span[0])
    named = _CASE_WINDOW_FOR_RE.match(text, mention.span[1])
    before = windows[-1]
    if opened is None or named is None or not 0 <= opened.start() - before.span[1] <= 3:
        return None
    days = mention.quantity.value
    at_least = mention.comparator in (Comparator.GE, Comparator.GT) or (
        mention.comparator is Comparator.EQ and before.min_days_ago is not None
    )
    return TimeWindow(
        event=named.group("named"),
        event_span=named.span("named"),
        min_days_ago=days if at_least else None,
        max_days_ago=None if at_least else days,
        anchor_span=before.anchor_span,
        span=(opened.start(), named.end()),
    )


# "Six weeks must elapse from last chemotherapy", "At least 7 days must have elapsed since the completion of ...": the
# time that must have passed since the event, however its number is qualified.
_MUST_ELAPSE_RE = re.compile(
    r"\s*(?:must|should|shall|will|needs?\s+to|has\s+to|have\s+to)\s+(?:have\s+)?(?:elapsed?|passed|pass|gone\s+by)"
    r"\s+(?=since|from|after|following)",
    re.IGNORECASE,
)


def _time_that_must_pass(text: str, mention: QuantityMention, must_elapse: re.Match[str]) -> TimeWindow | None:
    """At least the duration since the event ("no more than 2 weeks must have elapsed since": at most)."""
    since = _SINCE_RE.match(text, must_elapse.end())
    event = _event_after(text, since.end() if since else must_elapse.end())
    if event is None:
        return None
    return _bounded_window(event, mention, mention.span[0])


# "recent (<6 months) myocardial infarction": what "recent" means, in brackets before the event.
_RECENT_BRACKET_RE = re.compile(r"\brecent(?:ly)?\s*\(\s*$", re.IGNORECASE)


def _recent_in_brackets(text: str, mention: QuantityMention) -> TimeWindow | None:
    """ "recent (< 3 months) surgery", and "Recent nasal/sinus surgery (< 3 months)": the bracket says how recent."""
    if mention.comparator not in (Comparator.LE, Comparator.LT):
        return None
    if search_ending_at(_RECENT_BRACKET_RE, text, max(0, mention.span[0] - 20), mention.span[0]) is None:
        return _bracket_after_recent(text, mention)
    closing = text.find(")", mention.span[1])
    if closing < 0 or closing - mention.span[1] > 3:
        return None
    event = _event_after(text, closing + 1)
    if event is None:
        return None
    return _look_back(event, mention.quantity.value, (mention.span[0], event[1][1]))


def _bracket_after_recent(text: str, mention: QuantityMention) -> TimeWindow | None:
    """The bound alone in brackets after a thing its clause calls recent ("Recent nasal/sinus surgery (< 3
    months)"): the window of that thing."""
    opening = _BOUND_BRACKET_RE.search(text, max(0, mention.number_span[0] - 16), mention.number_span[0])
    closing = _BRACKET_END_RE.match(text, mention.span[1])
    if opening is None or closing is None:
        return None
    event = _event_before(text, opening.start())
    if event is None or _RECENT_WORD_RE.search(event[0]) is None:
        return None
    words = _RECENT_WORD_RE.sub("", event[0]).strip()
    start = event[1][0] + event[0].find(words) if words else event[1][0]
    return _look_back((words or event[0], (start, event[1][1])), mention.quantity.value, (event[1][0], closing.end()))


_BOUND_BRACKET_RE = re.compile(r"\(\s*(?:<\s*=?|≤|less\s+than|under|within|up\s+to)?\s*$", re.IGNORECASE)
_BRACKET_END_RE = re.compile(r"\s*\)")
_RECENT_WORD_RE = re.compile(r"\brecent(?:ly)?\b\s*", re.IGNORECASE)


# "a wash-out period ... less than 2 weeks for corticosteroids": how long since the last use of what follows "for".
_WASHOUT_RE = re.compile(r"\bwash[- ]?out\b", re.IGNORECASE)
_FOR_AFTER_RE = re.compile(r"\s*(?:for|of)\s+(?:(?:any|all|the)\s+)?", re.IGNORECASE)


def _washout_window(text: str, mention: QuantityMention) -> TimeWindow | None:
    """A washout shorter than the span names is a use too recent (at most that long ago); one of at least the span
    is the time that must have passed (at least that long ago)."""
    if mention.comparator is Comparator.EQ or mention.comparator is Comparator.RANGE:
        return None
    if _WASHOUT_RE.search(text, sentence_start(text, mention.number_span[0]), mention.number_span[0]) is None:
        return None
    lead = _FOR_AFTER_RE.match(text, mention.span[1])
    event = _event_after(text, lead.end()) if lead is not None else None
    if event is None:
        return None
    return _bounded_window(event, mention, mention.number_span[0])


# "the antibiotics have been stopped for at least 3 days", "off steroids for a minimum of 4 weeks", "abstinent from
# alcohol for at least 6 months", "no use of HRT for at least one year": stopped for that long is last used at least
# that long ago.
_STOPPED_FOR_RE = re.compile(
    r"\b(?P<cue>stopped|discontinued|ceased|off|free\s+(?:of|from)|abstinent(?:\s+from)?|abstained\s+from|sober"
    # "No use of Hormone Replacement Therapy for at least one year" ("have not taken X for >= 4 weeks at any time" is
    # how long it was taken: "not taken ... for" says either, so it is not read here)
    r"|no\s+(?:use\s+of|intake\s+of))\b"
    r"(?P<what>[^.;:()]{0,40}?)\s*\bfor\s+(?:a\s+(?:minimum|period)\s+of\s+)?"
    r"(?:at\s+least\s+|more\s+than\s+|over\s+|longer\s+than\s+|>=?\s*|≥\s*)?$",
    re.IGNORECASE,
)
_AUXILIARY_TAIL_RE = re.compile(
    r"(?:\s+(?:has|have|had|is|are|was|were|been|be|being|must|should|will))+$", re.IGNORECASE
)


def _stopped_for(text: str, mention: QuantityMention) -> TimeWindow | None:
    """A stop that must have lasted at least the span: the time since the last use is at least that long."""
    if mention.comparator in (Comparator.LE, Comparator.LT, Comparator.RANGE):
        return None
    cue = search_ending_at(_STOPPED_FOR_RE, text, max(0, mention.number_span[0] - 80), mention.number_span[0])
    if cue is None:
        return None
    what = cue.group("what")
    if what.strip():
        start = cue.start("what") + len(what) - len(what.lstrip())
        event: tuple[str, Span] | None = (what.strip(), (start, start + len(what.strip())))
    else:
        event = _event_before(text, cue.start("cue"))
        if event is not None:
            tail = _AUXILIARY_TAIL_RE.search(event[0])
            end = event[1][0] + (tail.start() if tail else len(event[0]))
            event = (text[event[1][0] : end], (event[1][0], end)) if end > event[1][0] else None
    if event is None:
        return None
    return TimeWindow(
        event=event[0],
        event_span=event[1],
        min_days_ago=mention.quantity.value,
        max_days_ago=None,
        anchor_span=None,
        span=(min(event[1][0], cue.start()), mention.span[1]),
    )


# "Any of the following prior therapies: - Chemotherapy =< 4 weeks - Nitrosoureas =< 6 weeks": under a lead-in about
# prior treatment, a bare upper bound on a time after a treatment's name is how recent it may be.
_PRIOR_LEAD_RE = re.compile(r"\b(?:prior|previous|preceding|recent)\s+(?:\w+\s+)?(?:therap|treatment|medication)", re.I)
_BARE_UPPER_BOUND_RE = re.compile(r"(?:=<|<=|≤|<)\s*$")


def _listed_since_prior(text: str, mention: QuantityMention) -> TimeWindow | None:
    """A listed treatment's "=< 4 weeks" under a prior-therapies lead-in: within that time before now."""
    if mention.comparator not in (Comparator.LE, Comparator.LT) or mention.measure_span is None:
        return None
    if not _BARE_UPPER_BOUND_RE.search(text, mention.measure_span[1], mention.number_span[0]):
        return None
    if _PRIOR_LEAD_RE.search(text, 0, mention.measure_span[0]) is None:
        return None
    event = _event_before(text, mention.measure_span[1])
    if event is None:
        return None
    return _look_back(event, mention.quantity.value, (event[1][0], mention.span[1]))


def _look_back(event: tuple[str, Span], days: float, span: Span) -> TimeWindow:
    """A window reaching `days` back from now to the named event, with no anchor of its own."""
    return TimeWindow(
        event=event[0], event_span=event[1], min_days_ago=None, max_days_ago=days, anchor_span=None, span=span
    )


def _bounded_window(event: tuple[str, Span], mention: QuantityMention, start: int) -> TimeWindow:
    """The time since the event: at most the duration when the number is bounded from above ("less than 2 weeks"),
    otherwise at least it ("Six weeks must elapse", "a washout of at least 4 weeks")."""
    at_most = mention.comparator in (Comparator.LE, Comparator.LT)
    return TimeWindow(
        event=event[0],
        event_span=event[1],
        min_days_ago=None if at_most else mention.quantity.value,
        max_days_ago=mention.quantity.value if at_most else None,
        anchor_span=None,
        span=(start, event[1][1]),
    )


def window_contains(days_ago: float, window: TimeWindow) -> bool | None:
    """True if an event `days_ago` days back falls inside the window's bounds, False if outside."""
    if window.max_days_ago is not None and days_ago > window.max_days_ago:
        return False
    if window.min_days_ago is not None and days_ago < window.min_days_ago:
        return False
    if window.max_days_ago is None and window.min_days_ago is None:
        return None
    return True


def _comparison(mention: QuantityMention) -> CriterionComparison | None:
    if mention.measure == UNKNOWN_MEASURE:
        return None  # no measure named: nothing a patient's value could be matched against
    if mention.comparator is Comparator.EQ and mention.measure not in ("nyha", "asa"):
        # A bare number without a comparator ("stage 4", "type 2") is not a threshold.
        return None
    return CriterionComparison(
        measure=mention.measure,
        measure_span=mention.measure_span,
        comparison=Comparison(mention.measure, mention.comparator, mention.quantity),
        span=mention.span,
    )


# "in the past year", "within the last month": a window of one unit with no number written.
_IMPLICIT_WINDOW_RE = re.compile(
    r"\b(?:in|within|during|over)\s+the\s+(?:past|last|previous|prior|preceding)\s+(?P<unit>year|month|week|day)\b",
    re.IGNORECASE,
)


# What closes a range a bound opened: "> 50 and < 200 cells/mm3", ">= 35 mm Hg but < 55 mm Hg".
_RANGE_JOIN_RE = re.compile(r"\s*,?\s*(?:and|but)\s*", re.IGNORECASE)


def bound_side(comparator: Comparator) -> int:
    """Which side a bound keeps: 1 above ("> 12", "at least"), -1 below, 0 neither (a range, an equality)."""
    return {Comparator.GT: 1, Comparator.GE: 1, Comparator.LT: -1, Comparator.LE: -1}.get(comparator, 0)


def _joined_bound(
    text: str, mention: QuantityMention, earlier: CriterionComparison
) -> tuple[CriterionComparison, CriterionComparison] | None:
    """A bound naming no measure that closes the range the one before it opened, joined by "and"/"but" ("CD4 count >
    50 and < 200 cells/mm3"), is of that measure; the unit written once after it is the first bound's too (returned:
    the first bound with that unit, and the second). Only with a unit of its own, the same as the first's or the first
    having none ("Ages <50 or >90" and "> 12 or < 5 x 10^9/L" are no range; "FSH above 40 mIU/ml, at least one month
    apart" is another measure)."""
    if mention.measure != UNKNOWN_MEASURE or not mention.quantity.unit:
        return None
    first, second = bound_side(earlier.comparison.comparator), bound_side(mention.comparator)
    if not first or not second or first == second:
        return None
    if earlier.comparison.value.unit not in ("", mention.quantity.unit):
        return None
    if _RANGE_JOIN_RE.fullmatch(text, earlier.span[1], mention.span[0]) is None:
        return None
    value = replace(earlier.comparison.value, unit=mention.quantity.unit)
    opened = replace(earlier, comparison=replace(earlier.comparison, value=value))
    return opened, _same_measure_bound(earlier, mention)


_CASE_THEN_OR_RE = re.compile(r"\s*\(\s*(?:if|when|for)\s[^()]{3,80}\)\s*,?\s*or\s*", re.IGNORECASE)
_CASE_OPENS_RE = re.compile(r"\s*\(\s*(?:if|when|for)\s", re.IGNORECASE)


def _case_alternative(text: str, mention: QuantityMention, earlier: CriterionComparison) -> CriterionComparison | None:
    """A bound naming no measure, in the same unit and on the same side as the one before it, each with its own case
    ("CD4 counts >= 350 cells/mm3 (if previously antiretroviral-naive) or >= 250 cells/mm3 (if receiving ongoing AZT
    therapy)"), is another limit of that measure, for its case. (A bare bound after "or" is otherwise not read as the
    measure's: "Ages <50 or >90" is no such pair.)"""
    if mention.measure != UNKNOWN_MEASURE or not mention.quantity.unit:
        return None
    if mention.quantity.unit != earlier.comparison.value.unit:
        return None
    if bound_side(earlier.comparison.comparator) != bound_side(mention.comparator):
        return None
    if _CASE_THEN_OR_RE.fullmatch(text, earlier.span[1], mention.span[0]) is None:
        return None
    if _CASE_OPENS_RE.match(text, mention.span[1]) is None:
        return None
    return _same_measure_bound(earlier, mention)


# "AST no greater than 3 times ULN (5 times ULN if liver metastases)": the bracket opens right after the bound (one
# aside of its own between: "(ULN)") and gives a bare value in its unit for a case.
_RESTATED_FOR_CASE_BEFORE_RE = re.compile(r"\s*(?:\([^()]{1,12}\)\s*)?\(\s*")
_RESTATED_FOR_CASE_AFTER_RE = re.compile(r"\s*(?:if|when|for|in)\s[^()]{3,80}\)", re.IGNORECASE)


def _case_restatement(text: str, mention: QuantityMention, earlier: CriterionComparison) -> CriterionComparison | None:
    """A bare value in the unit of the bound before it, bracketed with the case it is for ("(5 times ULN if liver
    metastases)"): the bound's limit in that case, on the same side."""
    if mention.comparator is not Comparator.EQ or not mention.quantity.unit:
        return None
    if mention.quantity.unit != earlier.comparison.value.unit or not bound_side(earlier.comparison.comparator):
        return None
    if _RESTATED_FOR_CASE_BEFORE_RE.fullmatch(text, earlier.span[1], mention.span[0]) is None:
        return None
    if _RESTATED_FOR_CASE_AFTER_RE.match(text, mention.span[1]) is None:
        return None
    return CriterionComparison(
        measure=earlier.measure,
        measure_span=earlier.measure_span,
        comparison=Comparison(earlier.measure, earlier.comparison.comparator, mention.quantity),
        span=mention.span,
    )


_OR_BETWEEN_RE = re.compile(r"[^.;]*?,?\s+or\s+(?:for\s+)?", re.IGNORECASE)


def _parallel_length(text: str, mention: QuantityMention, earlier: CriterionComparison) -> CriterionComparison | None:
    """A length naming nothing after "or" and a length of something taken, on the same side ("more than 4 weeks of
    treatment with NRTIs, or more than 1 week with protease inhibitors"), is the length of what its own alternative
    names. ("Ages <50 or >90" names no length.)"""
    if mention.measure != UNKNOWN_MEASURE or mention.quantity.unit != "day" or earlier.measure != DURATION:
        return None
    if bound_side(earlier.comparison.comparator) != bound_side(mention.comparator) or not bound_side(
        mention.comparator
    ):
        return None
    if _OR_BETWEEN_RE.fullmatch(text, earlier.span[1], mention.span[0]) is None:
        return None
    return _same_measure_bound(earlier, mention)


def _same_measure_bound(earlier: CriterionComparison, mention: QuantityMention) -> CriterionComparison:
    """The mention's bound read as a bound on the measure the bound before it names."""
    return CriterionComparison(
        measure=earlier.measure,
        measure_span=earlier.measure_span,
        comparison=Comparison(earlier.measure, mention.comparator, mention.quantity),
        span=mention.span,
    )


def _shared_units(comparisons: list[CriterionComparison]) -> list[CriterionComparison]:
    """The second bound of "BMI less than 20 or greater than 50" has no name or unit of its own: it takes them from
    the bound before it when its head noun is that measure."""
    shared: list[CriterionComparison] = []
    for comparison in comparisons:
        value = comparison.comparison.value
        earlier = next((c for c in reversed(shared) if c.measure == comparison.measure.removeprefix("head:")), None)
        if earlier is not None and comparison.measure.startswith("head:") and value.unit in ("", "score"):
            value = Quantity(value.value, earlier.comparison.value.unit, value.upper)
            comparison = CriterionComparison(
                earlier.measure,
                comparison.measure_span,
                Comparison(earlier.measure, comparison.comparison.comparator, value),
                comparison.span,
            )
        shared.append(comparison)
    return shared


def _implicit_windows(text: str, found: list[TimeWindow]) -> list[TimeWindow]:
    windows: list[TimeWindow] = []
    for match in _IMPLICIT_WINDOW_RE.finditer(text):
        if any(w.span[0] <= match.start() < w.span[1] for w in found):
            continue
        event = _event_before(text, match.start())
        start = event[1][0] if event else match.start()
        windows.append(
            TimeWindow(
                event=event[0] if event else "",
                event_span=event[1] if event else None,
                min_days_ago=None,
                max_days_ago=DAYS_PER_UNIT[match.group("unit").lower()],
                anchor_span=None,
                span=(min(start, match.start()), match.end()),
            )
        )
    return windows


def parse_criterion(text: str, heading: str | None = None) -> CriterionConstraints:
    """Structured view of one criterion; spans index `text`. Never raises on odd input (returns empties).

    `heading`: the sub-heading the criterion sits under. Where its last label names a measure and the criterion names
    none, the bounds are that measure's: PDQ-style records put bare bullets under "Age:", "Life expectancy:",
    "Performance status:" ("PATIENT CHARACTERISTICS: Age: - 21 and under at diagnosis")."""
    constraints = _parse_criterion(text)
    label = _measure_label(heading)
    if label is None or measures_named(clean_text(text)):
        return constraints
    lead = f"{label}: "
    labelled = _parse_criterion(lead + text).comparisons
    return replace(constraints, comparisons=tuple(_shifted(c, len(lead)) for c in labelled))


def _measure_label(heading: str | None) -> str | None:
    """The heading's last label ("PATIENT CHARACTERISTICS: Age:" -> "Age") when it names a measure."""
    label = (heading or "").rstrip(" :").rsplit(":", 1)[-1].strip()
    return label if label and measures_named(label) else None


def _shifted(comparison: CriterionComparison, by: int) -> CriterionComparison:
    """A bound found in "<label>: <text>" as spans of the text: what fell on the label starts the text."""
    named = comparison.measure_span
    start, end = comparison.span
    return replace(
        comparison,
        measure_span=(named[0] - by, named[1] - by) if named is not None and named[0] >= by else None,
        span=(max(0, start - by), max(0, end - by)),
    )


def _parse_criterion(text: str) -> CriterionConstraints:
    cleaned = clean_text(text)
    # Only for substring gates, never for offsets; one space between words, so that a gate of two words ("other than")
    # holds across a hard-wrapped line ("vitamin D other\n      than multivitamin").
    lowered = " ".join(cleaned.lower().split())
    comparisons: list[CriterionComparison] = []
    windows: list[TimeWindow] = []
    for mention in find_quantities(cleaned):
        window = _window(cleaned, mention) or _case_window(cleaned, mention, windows)
        if window is not None:
            windows.append(window)
            continue
        comparison = _comparison(mention)
        joined = _joined_bound(cleaned, mention, comparisons[-1]) if comparison is None and comparisons else None
        alternative = (
            _case_alternative(cleaned, mention, comparisons[-1])
            or _parallel_length(cleaned, mention, comparisons[-1])
            or _case_restatement(cleaned, mention, comparisons[-1])
            if comparison is None and comparisons
            else None
        )
        if joined is not None:
            comparisons[-1:] = joined
        elif alternative is not None:
            comparisons.append(alternative)
        elif comparison is not None:
            comparisons.append(comparison)
    windows.extend(_implicit_windows(cleaned, windows))
    comparisons = _shared_units(comparisons)
    comparisons, windows = _as_amended(cleaned, comparisons, windows)
    negation = _negation(cleaned) if cleaned else None
    # The gate holds a word every birth-control rule has ("birth" also in "birth-control", "birth\n control").
    birth_control = birth_control_rule(cleaned) if "contracep" in lowered or "birth" in lowered else None
    return CriterionConstraints(
        text=text,
        comparisons=tuple(comparisons),
        windows=tuple(windows),
        exceptions=_exceptions(cleaned, lowered, comparisons),
        negated_requirement=negation is not None,
        negation_span=negation,
        requirements=_requirements(cleaned, lowered),
        birth_control=birth_control,
        childbearing_excluded=(
            childbearing_exclusion(cleaned, birth_control) if "bearing" in lowered or "fertile" in lowered else None
        ),
        stable_for=stable_for(cleaned) if any(word in lowered for word in _STABLE_GATE) else None,
    )


# --- amendments ------------------------------------------------------------------------------------------------------
# Old registry records keep a criterion's first text beside its amendment: "A CD4+ cell count <= 100/mm3 within 3
# months prior to the study. [AS PER AMENDMENT 3/11/98: CD4+ cell count <= 200/mm3 any time prior to entry]." and
# "... (Changed from - Current antiretroviral therapy IF CD4 count < 500 cells/mm3 ...)".
_AMENDMENT_RE = re.compile(r"\b(?:as\s+)?per\s+(?:the\s+)?(?:[\d/]+\s+)?amendment\b[^:\]]{0,30}:", re.IGNORECASE)
_CHANGED_FROM_RE = re.compile(r"\(\s*(?:changed|amended|revised)\s+from\b", re.IGNORECASE)


def _as_amended(
    text: str, comparisons: list[CriterionComparison], windows: list[TimeWindow]
) -> tuple[list[CriterionComparison], list[TimeWindow]]:
    """The bounds in force: a bound an amendment restates for the same measure is replaced by the amendment's, and
    the text an amendment says it changed from bounds nothing. The time window of a replaced bound goes with it."""
    superseded = [_bracketed(text, found.start()) for found in _CHANGED_FROM_RE.finditer(text)]
    for found in _AMENDMENT_RE.finditer(text):
        end = text.find("]", found.end())
        before = [c for c in comparisons if c.span[1] <= found.start()]
        for index, bound in enumerate(comparisons):
            if found.start() <= bound.span[0] and (end < 0 or bound.span[1] <= end):
                restated = _restated(bound, found, before)
                comparisons[index] = restated
                superseded.extend(c.span for c in before if same_measure(c.measure, restated.measure))
    if not superseded:
        return comparisons, windows
    kept = [c for c in comparisons if not any(_inside(c.span, s) for s in superseded)]
    in_force = [w for w in windows if not any(_inside(s, w.span) or _inside(w.span, s) for s in superseded)]
    return kept, in_force


def _restated(
    bound: CriterionComparison, amendment: re.Match[str], before: list[CriterionComparison]
) -> CriterionComparison:
    """An amendment's bound that names no measure ("[AS PER AMENDMENT 10/31/97: 50 to 350 cells/mm3]": the words
    before its number are the amendment's own) restates the last bound before it in the same unit."""
    named = bound.measure_span
    if named is not None and named[0] >= amendment.end():
        return bound
    same_unit = [c for c in before if c.comparison.value.unit == bound.comparison.value.unit]
    if not same_unit:
        return bound
    measure = same_unit[-1].measure
    return replace(bound, measure=measure, comparison=replace(bound.comparison, measure=measure), measure_span=None)


def _bracketed(text: str, start: int) -> Span:
    """From an opening parenthesis to the one that closes it (nested ones counted), or the end of the text."""
    depth = 0
    for index in range(start, len(text)):
        depth += {"(": 1, ")": -1}.get(text[index], 0)
        if depth == 0:
            return start, index + 1
    return start, len(text)


def _inside(inner: Span, outer: Span) -> bool:
    return outer[0] <= inner[0] and inner[1] <= outer[1]


# --- a dose unchanged for a time -------------------------------------------------------------------------------------
_STABLE_GATE = ("stable", "constant", "unchanged", "steady", "same dose", "change", "adjust")
_SPAN_OF_TIME = (
    r"(?:at\s+least\s+|a\s+minimum\s+of\s+|(?:more|longer)\s+than\s+|over\s+|[>≥]=?\s*)?"
    r"(?P<n>\d+(?:\.\d+)?|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")\s*-?\s*"
    r"(?P<unit>days?|weeks?|wks?|months?|mos?|years?|yrs?)\b"
)
_TREATED = r"(?:doses?|dosages?|dosing|dose\s+levels?|regimens?|therapy|therapies|treatments?|medications?)"
_STABLE_RE = re.compile(
    # "on a stable dose for at least 4 weeks", "constant dose for 4 weeks prior to entry"
    r"\b(?:stable|constant|unchanged|steady|same)\s+(?:[\w-]+\s+){0,3}?"
    + _TREATED
    + r"\b[^.;]{0,60}?\bfor\s+"
    + _SPAN_OF_TIME
    # "the dose level must remain constant for 4 weeks", "regimen has been stable for >= 3 months"
    + r"|\b"
    + _TREATED
    + r"\b[^.;]{0,40}?\b(?:stable|constant|unchanged|steady)\s+(?:for|over)\s+(?:the\s+)?"
    r"(?:past\s+|last\s+|previous\s+|prior\s+)?"
    + _SPAN_OF_TIME.replace("?P<n>", "?P<n2>").replace("?P<unit>", "?P<unit2>")
    # "no dose changes within the past 3 months", "without medication adjustments in the last 4 weeks"
    + r"|\b(?:no|without)\s+(?:[\w-]+\s+){0,2}?"
    + _TREATED
    + r"\s+(?:changes?|adjustments?|modifications?)\b"
    r"[^.;]{0,40}?\b(?:within|in|for|during|over)\s+(?:the\s+)?(?:past\s+|last\s+|previous\s+|prior\s+)?"
    + _SPAN_OF_TIME.replace("?P<n>", "?P<n3>").replace("?P<unit>", "?P<unit3>"),
    re.IGNORECASE,
)
# A time unit by its first letter ("wks", "mos", "yrs"), as `DAYS_PER_UNIT` names it.
UNIT_BY_LETTER = {"h": "hour", "d": "day", "w": "week", "m": "month", "y": "year"}


def stable_for(text: str) -> StableFor | None:
    """How long a dose or treatment must have stayed unchanged, where the criterion asks it."""
    found = _STABLE_RE.search(text)
    if found is None:
        return None
    number = found.group("n") or found.group("n2") or found.group("n3")
    unit = (found.group("unit") or found.group("unit2") or found.group("unit3")).lower()
    value = parse_number(number)
    if value is None:
        return None
    return StableFor(value * DAYS_PER_UNIT[UNIT_BY_LETTER[unit[0]]], found.span())


# --- birth control for those who could become pregnant ---------------------------------------------------------------
# Birth control required: a qualified method ("adequate contraception", "two methods of birth control") or a verb of
# using it ("agree to use contraception", "not practicing birth control"). Not a drug named by its class ("oral
# contraceptives", "birth control pills"), which exclusions list as medications.
_BIRTH_CONTROL = (
    r"(?:contraception|contraceptive\s+(?:methods?|measures?|precautions?)|birth[\s-]+control(?!\s+pills?))"
)
_BIRTH_CONTROL_RULE_RE = re.compile(
    r"\b(?:adequate|effective|acceptable|approved|reliable|appropriate|barrier|medically|double|two|dual|highly"
    r"|accepted|proper|some|any|one|methods?\s+of)\b[^.;]{0,40}?\b"
    + _BIRTH_CONTROL
    + r"|\b(?:use|uses|using|practi[cs]e|practi[cs]es|practi[cs]ing|employ|employing|agree|agrees)\b[^.;]{0,40}?\b"
    + _BIRTH_CONTROL,
    re.IGNORECASE,
)
# Whom the rule speaks of: a rule for men only ("Male subjects must use a condom") says nothing of a woman.
_MEN_RE = re.compile(r"\b(?:males?|men|man)\b", re.IGNORECASE)
_WOMEN_RE = re.compile(
    r"\b(?:females?|women|woman|child-?\s?bearing|fertile|bearing\s+children|pre-?menopausal|pregnan\w*|post-?menopausal)",
    re.IGNORECASE,
)
_NUMBER = r"(?P<n>\d+(?:\.\d+)?|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")"
_PERIOD_UNIT = r"\s*(?P<unit>years?|months?|yrs?)\b"
_PAST_MENOPAUSE_RE = re.compile(
    r"post-?\s?menopausal\s+(?:status\s+)?(?:for\s+)?(?:at\s+least\s+|more\s+than\s+|over\s+|[>≥]=?\s*)?"
    + _NUMBER
    + _PERIOD_UNIT
    + r"|"
    + _NUMBER.replace("?P<n>", "?P<n2>")
    + r"\s*-?\s*(?P<unit2>years?|months?|yrs?)\s+(?:of\s+)?post-?\s?menopaus"
    r"|(?:amenorrh\w*|no\s+(?:menses|menstrual\s+periods?|periods?|menstruation))\s+(?:for\s+)?(?:at\s+least\s+"
    r"|more\s+than\s+|over\s+|[>≥]=?\s*)?"
    + _NUMBER.replace("?P<n>", "?P<n3>")
    + _PERIOD_UNIT.replace("?P<unit>", "?P<unit3>"),
    re.IGNORECASE,
)


def birth_control_rule(text: str) -> BirthControlRule | None:
    """The birth-control requirement a criterion states for those who could become pregnant, or None."""
    found = _BIRTH_CONTROL_RULE_RE.search(text)
    if found is None:
        return None
    if _MEN_RE.search(text) and not _WOMEN_RE.search(text):
        return None
    return BirthControlRule(
        _trimmed(text, sentence_start(text, found.start(), found.start()), _clause_end(text, found.end())),
        _past_menopause_days(text),
    )


_CHILDBEARING_WOMEN_RE = re.compile(
    r"\b(?:women|woman|females?|subjects?|patients?|participants?)\s+(?:who\s+are\s+)?(?:of\s+)?child-?\s?bearing\s+"
    r"(?:potential|age)\b|\bfertile\s+(?:women|females?)\b",
    re.IGNORECASE,
)
# What would admit such a woman after all: birth control, a negative test, "unless", "not using".
_ADMITS_AFTER_ALL_RE = re.compile(
    r"\b(?:unless|except|not\s+using|without|who\s+(?:are\s+)?not|willing|agree|negative|test)\b", re.IGNORECASE
)


def childbearing_exclusion(text: str, birth_control: BirthControlRule | None) -> ChildbearingExclusion | None:
    """ "Women of childbearing potential", "Pregnant women or women of child-bearing age": an exclusion of women who
    could become pregnant, whatever they do about it. Not where the criterion says what admits them, birth control
    (`birth_control`, the criterion's rule) among it."""
    found = _CHILDBEARING_WOMEN_RE.search(text)
    if found is None or _ADMITS_AFTER_ALL_RE.search(text) or birth_control is not None:
        return None
    return ChildbearingExclusion(found.span(), _past_menopause_days(text))


def _past_menopause_days(text: str) -> float | None:
    found = _PAST_MENOPAUSE_RE.search(text)
    if found is None:
        return None
    number = found.group("n") or found.group("n2") or found.group("n3")
    unit = (found.group("unit") or found.group("unit2") or found.group("unit3")).lower()
    return (parse_number(number) or 0.0) * DAYS_PER_UNIT["year" if unit.startswith("y") else "month"]

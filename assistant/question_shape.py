"""The grammatical shape of a question: the clause that asks, apart from the sentences that tell.

"I'm 17 and my periodontist says I need a free gingival graft. Can I join?" tells about the asker and then asks a
yes/no question about taking part: the word "free" in the telling is not a question about cost. Intent rules that
read topics (cost, sites, dosing) look at the asking clause; the telling decides only whether the question is about
a particular person, which makes a yes/no question an eligibility question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# Sentence ends, and a comma or semicolon before a clause that opens with an auxiliary verb ("I'm in Leeds, is there
# a site near me?"): the asking clause starts there.
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+")
_AUXILIARY = (
    r"(?:can|could|may|might|would|will|shall|should|must|is|are|am|was|were|do|does|did|has|have|had|"
    r"isn't|aren't|doesn't|don't|won't|wouldn't|can't|couldn't)"
)
_YES_NO_START = re.compile(rf"^\W*(?:(?:and|but|so|then|or|also|still)\s+)?{_AUXILIARY}\b", re.IGNORECASE)
# A comma, colon or a spaced dash ("I've never had one myself - does his history count against me?") before it.
_CLAUSE_BEFORE_AUXILIARY = re.compile(rf"(?:[,;:]|\s[-–—])\s+(?={_AUXILIARY}\b)", re.IGNORECASE)
_WH = r"(?:where|who|whom|whose|when|what|which|how|why)\b"
_WH_START = re.compile(rf"^\W*{_WH}", re.IGNORECASE)
_CLAUSE_BEFORE_WH = re.compile(rf"(?:[,;:]|\s[-–—])\s+(?={_WH})", re.IGNORECASE)
_WH_WORD = re.compile(rf"\b{_WH}", re.IGNORECASE)
# A fragment of a few words after a self-description ("Too old?", "Eligible?", "OK for enrollment?").
_FRAGMENT_WORDS = 5
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
# Adverbs that may stand between the subject and its verb ("I also smoke", "he just finished"): closed class.
_BETWEEN_SUBJECT_AND_VERB = (
    r"(?:(?:also|still|just|only|never|already|recently|once|previously|now|currently|usually|normally|always|"
    r"often|sometimes|really|actually|finally|even)\s+)?"
)
# The asker or someone they speak for as the subject of a statement: personal pronouns and possessives, "the
# patient". Closed-class English grammar, not a topic list. The eligibility reasoner uses this core to tell a
# person describing themselves from a general question.
STATES_SELF = re.compile(
    r"\b(?:i|he|she|they|we)\s+"
    + _BETWEEN_SUBJECT_AND_VERB
    + r"(?:have|has|had|am|was|were|take|takes|took|use|uses|used|got|get|gets|did|do|"
    r"don't|didn't|can't|cannot|live|lives|smoke|smokes|quit|stopped|finished|started|underwent|received|"
    r"suffer|suffers|work|works|went|drink|drinks|tried|tries|reports|reported|complains|complained|denies|denied)"
    r"\b(?!\s+to\b)|\b(?:i'm|i've|he's|she's|they're|i'd)\b|\bmy\s+\w+"
    # clinicians' notes: "Pt had a left carotid endarterectomy", "patient has ..."
    r"|\b(?:patient|participant|subject|pt)(?:'s|\s+(?:has|had|is|was|takes|reports|denies))\b",
    re.IGNORECASE,
)
# For routing, any mention of a particular person counts: the core, and "we're", "his/her/our ...", "male
# patient", "a 12-year-old".
PERSONAL = re.compile(
    STATES_SELF.pattern + r"|\b(?:i|he|she|they|we)\s+(?:wear|wears|need|needs)\b(?!\s+to\b)|\b(?:we're|we've)\b"
    r"|\b(?:our|his|her)\s+\w+|\b(?:male|female)\s+patient\b|\b\d{1,3}[- ](?:year|month|week)[- ]old\b"
    # clinicians' shorthand for the patient at hand: "Coinfected pt enrolled in A5071", "34M, AIDS", "52F"
    # ("PT" in capitals is a prothrombin time, "18F-FDG" a tracer), "70 y/o woman", "a 45yo"
    r"|(?-i:\b[Pp]t\b|\b\d{1,3}(?:yo)?[MF]\b(?!-))|\b\d{1,3}\s?(?:y/o|yo|y\.o\.)(?!\w)",
    re.IGNORECASE,
)

# How people name the study they ask about: "the 3TC and flu/pneumonia vaccine study", "this breathing trial". The
# words between say which study, not a fact about the asker nor what is asked.
STUDY_DESIGNATION = re.compile(
    r"\b(?P<determiner>the|this|that|your)\s+(?:[^\s.,;?!]+\s+){0,6}?(?P<kind>study|trial|programme|program|research)"
    r"(?:'s)?\b",
    re.IGNORECASE,
)

_POINTS_BACK = re.compile(r"\b(?:that|this|it|these|those|they|them|he|she|him|her)\b", re.IGNORECASE)
_FUTURE_START = re.compile(r"^\W*(?:will|shall|won't)\b", re.IGNORECASE)
# "Does she exceed the limit?": a yes/no question whose subject is a person.
_PERSON_ASKED = re.compile(rf"^\W*{_AUXILIARY}\s+(?:i|he|she|we|they|my\s+\w+|our\s+\w+)\b", re.IGNORECASE)


@dataclass(frozen=True)
class QuestionShape:
    told: str  # what the asker states before the question ("I take metformin.")
    asked: str  # the clause that asks ("Can I join?")

    @property
    def yes_no(self) -> bool:
        """A question answered yes or no ("Could he be enrolled?", "Too old?"), not a wh-question."""
        if _YES_NO_START.search(self.asked):
            return True
        words = _WORD.findall(self.asked)
        return bool(self.told) and 0 < len(words) <= _FRAGMENT_WORDS and not _WH_WORD.search(self.asked)

    @property
    def asks(self) -> bool:
        """The asking clause is a question ("Is she too old?", "Can I join"), not the last sentence of a statement."""
        return "?" in self.asked or bool(_YES_NO_START.search(self.asked) or _WH_START.search(self.asked))

    @property
    def about_study_events(self) -> bool:
        """ "Will my child get any study drug?": what the study will do, not whether the person may take part."""
        return bool(_FUTURE_START.search(self.asked))

    @property
    def self_contained(self) -> bool:
        """The asking clause names its own topic: nothing told before it asks too ("Did it work? What were the
        results?"), and it does not point back to what was told ("I have a pacemaker. Will that be an issue?")."""
        return "?" not in self.told and not _POINTS_BACK.search(self.asked)

    @property
    def about_person(self) -> bool:
        """The question speaks of a particular person: the asker or someone they ask for."""
        return bool(PERSONAL.search(self.told) or PERSONAL.search(self.asked) or _PERSON_ASKED.search(self.asked))


def shape_of(text: str) -> QuestionShape:
    """Split `text` into what it tells and the last clause that asks (the last sentence with a question mark, else
    the last sentence), cutting a comma-joined lead ("I'm in Leeds, is there a site?") off the asking clause."""
    sentences = [s for s in _SENTENCE_END.split(text.strip()) if s]
    if not sentences:
        return QuestionShape("", "")
    asking = max((i for i, s in enumerate(sentences) if "?" in s), default=len(sentences) - 1)
    asked = sentences[asking]
    told = " ".join(sentences[:asking])
    cuts = list(_CLAUSE_BEFORE_AUXILIARY.finditer(asked))
    if not cuts and not (_WH_START.search(asked) or _YES_NO_START.search(asked)):
        # "If the first round works for me, how long does maintenance go on?": a lead clause that is no question
        # itself, before a wh-question ("What doses are there, and how often?" asks twice and is not cut).
        cuts = list(_CLAUSE_BEFORE_WH.finditer(asked))
    if cuts:
        cut = cuts[-1]
        told = f"{told} {asked[: cut.start()]}".strip()
        asked = asked[cut.end() :]
    return QuestionShape(told, asked)


@lru_cache(maxsize=1024)
def asking_start(text: str) -> int:
    """Where in `text` the asking clause starts: everything before it is what the question tells (0 when it only
    asks). Cached: the eligibility reasoner asks it once per topic."""
    return len(text) - len(shape_of(text).asked.lstrip())

"""Reads a question's intent with the rules in assistant/data/intents.json."""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any, Literal

from assistant.patient_facts import parse_question
from assistant.question_shape import PERSONAL, STATES_SELF, STUDY_DESIGNATION, QuestionShape, shape_of
from assistant.text import stem

IntentKind = Literal["injection", "out_of_scope", "not_stated", "location", "fact", "dosing", "eligibility", "general"]
_NCT = re.compile(r"\bNCT[0-9]{8}\b", re.IGNORECASE)  # ASCII digits only: no look-alike ids
# Terminal escape sequences (CSI such as colours, OSC such as window titles) hidden inside a word.
_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")
_SPACES = re.compile(r"[ \t]+")
# Negative contractions typed without their apostrophe ("I cant travel", "dont have it", "didnt take it").
_BARE_NEGATIVE = re.compile(
    r"\b(ca|do|does|did|is|are|was|were|wo|would|could|should|has|have|had|must|need|ai)(n)(t)\b", re.IGNORECASE
)


def normalise_text(text: str) -> str:
    """The question as its plain form: "I\u200bLD", "\x1b[31mILD\x1b[0m" and fullwidth "ＩＬＤ" all read as "ILD".

    NFKC folds look-alike forms; ANSI sequences and invisible format characters (zero-width spaces and joiners,
    soft hyphens, bidi marks, BOM) are removed, so they cannot split a word that intent rules and retrieval match;
    other control characters become spaces. Rules then see the text a reader sees. A negative contraction typed
    without its apostrophe ("cant", "didnt") gets it back: every rule that reads a negation reads "can't".
    """
    text = _ANSI.sub("", text)
    text = unicodedata.normalize("NFKC", text)
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if category == "Cf":
            continue
        kept.append(" " if category == "Cc" and char != "\n" else char)
    text = _BARE_NEGATIVE.sub(r"\1\2'\3", "".join(kept))
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


@dataclass(frozen=True)
class Intent:
    kind: IntentKind
    name: str = ""
    spec: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)


def _compile(patterns: list[str]) -> list[re.Pattern[str]]:
    return [re.compile(p, re.IGNORECASE) for p in patterns]


_TAKING_PART = re.compile(
    r"\b(join(?:s|ed|ing)?|enrol+(?:s|ed|ing|ment)?|participat\w*|take part|sign up|volunteer|eligib\w*|qualif\w*"
    r"|study|trial|screening)\b",
    re.IGNORECASE,
)


# "Say I get in and later my CD4 drops to about 300 - would I be allowed to ...?": "say" opening a supposed case that
# a question then asks about, not an order to declare the asker eligible ("Just say I'm eligible.").
_SUPPOSES_WITH_SAY = re.compile(
    r"^\W*(?:ok(?:ay)?\W+|so\W+|and\W+)?say\s+(?:i|he|she|we|they|my\s+\w+)\b[^?]*?"
    r"[,;-]?\s+(?:would|will|could|can|what|how|do|does|is|am)\b[^?]*\?\s*$",
    re.IGNORECASE,
)


_JOINING = re.compile(r"\b(?:join|enrol+|enroll|sign\s+up|take\s+part|participate|get\s+in)\b", re.IGNORECASE)


class IntentRules:
    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.injection = _compile(data["injection"])
        self.instruction_like = _compile(data["instruction_like"])
        self.in_scope_cues = _compile(data["in_scope_cues"])
        self.advice_request = _compile(data["advice_request"])
        self.off_topic = _compile(data["off_topic"])
        self.general_knowledge = _compile(data["general_knowledge"])
        self.study_named = _compile(data["study_named"])  # the study, its people or its parts
        self.not_stated = [(t, _compile(t["patterns"])) for t in data["not_stated"]]
        self.location = _compile(data["location"])
        self.facts = [(f, _compile(f["patterns"])) for f in data["facts"]]
        self.dosing = _compile(data["dosing"]["patterns"])
        self.eligibility = _compile(data["eligibility"])
        self.eligibility_strong = _compile(data["eligibility_strong"])
        self.follow_up = _compile(data["follow_up"])
        self.eligibility_scaffolding = frozenset(stem(w) for w in data["eligibility_scaffolding"])
        self.general_scaffolding = frozenset(stem(w) for w in data["general_scaffolding"])

    @classmethod
    def from_package(cls) -> IntentRules:
        return _package_rules()

    def classify(self, question: str) -> Intent:
        text = normalise_text(question)
        if _any(self.injection, text) and not _SUPPOSES_WITH_SAY.match(text):
            return Intent("injection")
        if _any(self.instruction_like, text) or _any(self.off_topic, text):
            # "Write a haiku", "any good restaurants near the study site?": no record answers these, whatever
            # study they name
            return Intent("out_of_scope")
        if _any(self.advice_request, text) and not self._about_taking_part(text):
            # "Should I get a second opinion?", "Can you recommend an inhaler?": personal medical advice, which no
            # registry record gives; "Should I join?" is about the trial and goes on.
            return Intent("out_of_scope")
        if (
            _any(self.general_knowledge, text)
            and not _any(self.study_named, text)
            and not self._about_taking_part(text)
            and not _states_facts(text)  # "His ECOG is 2 these days": a case told, asked about
        ):
            # "What's the usual 5 year survival for sarcoma in general?", "Which foods are high in iron?": medical
            # knowledge about everyone, which the record does not hold; naming the study or its people keeps it in
            return Intent("out_of_scope")
        shape = shape_of(text)
        status = self._status_asked_as_joining(shape)
        if status is not None:
            return status
        if self._asks_to_take_part(shape):
            return Intent("eligibility", "age" if age_in_question(text) is not None else "")
        eligibility_cue = _any(self.eligibility, text)
        place_asked = self._asks_for_a_site(shape)
        for topic, patterns in self.not_stated:
            if place_asked and topic.get("held_at_sites"):
                continue  # "Where would we go for the study visits?": where visits are held is where the sites are
            if _any(patterns, text) and not (eligibility_cue and topic["topic"] in {"side_effects", "benefit"}):
                return Intent("not_stated", topic["topic"], topic)
        if _any(self.location, text) and (place_asked or not eligibility_cue):
            return Intent("location")
        if age_in_question(text) is not None and eligibility_cue:
            return Intent("eligibility", "age")
        # "What drugs would I get in this study?", "What dose would my child start on?": what taking part brings, not
        # whether one may take part ("Would I get in this study?").
        asks_what_one_gets = _ASKS_WHAT_ONE_GETS.search(shape.asked) is not None
        if _any(self.eligibility_strong, text) and not asks_what_one_gets:
            return Intent("eligibility")
        if _ASKS_AN_EFFECT.search(shape.asked) and not shape.about_person:
            # "Did montelukast cut down the days with worsening asthma compared with placebo?" asks what the study
            # found (its posted results), not how it was designed.
            return Intent("general")
        # The fact patterns are written for "the study": "the 3TC and flu/pneumonia vaccine study" is one.
        named_plainly = STUDY_DESIGNATION.sub(r"\g<determiner> \g<kind>", text)
        for fact, patterns in self.facts:
            if _any(patterns, text) or _any(patterns, named_plainly):
                return Intent("fact", fact["intent"], fact)
        if _any(self.dosing, text):
            return Intent("dosing", spec=self.data["dosing"])
        if (eligibility_cue or _states_facts(text)) and not (_ASKS_A_FINDING.search(shape.asked) or asks_what_one_gets):
            # "What was the survival rate for patients who got 5-FU?" names people, and asks what the study found.
            return Intent("eligibility")
        return Intent("general")

    def _status_asked_as_joining(self, shape: QuestionShape) -> Intent | None:
        """ "Can I still sign up for this one?": a short question about joining "still"/"yet", with nothing told
        about the person, asks whether the study is open, which the recruitment status answers."""
        # (the study's own name tells nothing of the person: "Can I still sign up for the EBV T-cell study?")
        asked = STUDY_DESIGNATION.sub(r"\g<determiner> \g<kind>", shape.asked)
        words = asked.split()
        if shape.told or len(words) > _SHORT_QUESTION_WORDS or not _STILL_JOINING.search(asked):
            return None
        if _CONDITION_WORD.search(asked) or PERSONAL.search(asked):
            return None  # "Can I still join if I have diabetes?" tells a fact to check
        return next((Intent("fact", f["intent"], f) for f, _ in self.facts if f["intent"] == "status"), None)

    def _asks_for_a_site(self, shape: QuestionShape) -> bool:
        """The asking clause asks for a place ("Where would I have to go to take part?") or whether a site exists
        ("Is there a participating hospital in Rome?"): joining words in it say why, not what is asked."""
        if _WHERE_ASKED.search(shape.asked) or _WHICH_PLACE_ASKED.search(shape.asked):
            return True
        exists = _THERE_IS.search(shape.asked)
        return exists is not None and _any(self.location, shape.asked[exists.end() :])

    def _asks_to_take_part(self, shape: QuestionShape) -> bool:
        """A yes/no question about taking part ("Could I take part in the tablet app study?"), or one about a person
        the question describes whose asking clause names no other topic ("I take Keppra. Does that matter?")."""
        if not shape.yes_no or any(_any(patterns, shape.asked) for _, patterns in self.not_stated):
            return False  # "Can I get paid for taking part?" asks about payment
        if _any(self.eligibility_strong, shape.asked):
            return True
        # "My son takes a baby aspirin every day since he had Kawasaki disease. Is he still able to join?": after facts
        # told of the person, "still ... join" asks whether they may despite them, not whether the study is open
        despite_told = bool(shape.told) and shape.about_person and _JOINING.search(shape.asked) is not None
        topical = (
            _any(self.location, shape.asked)
            or _any(self.dosing, shape.asked)
            or any(
                _any(patterns, shape.asked)
                for fact, patterns in self.facts
                if not (despite_told and fact["intent"] == "status")
            )
        )
        return not topical and shape.about_person and not shape.about_study_events

    def _about_taking_part(self, text: str) -> bool:
        """Words of joining or eligibility, or of this study ("should I join?", "should he stop before the trial?")."""
        return _any(self.eligibility_strong, text) or _TAKING_PART.search(text) is not None

    def asks_a_dose(self, question: str) -> bool:
        """The asking clause asks a dose, route or schedule ("In the IL-12 arm, how often is the IL-12 given?")."""
        return _any(self.dosing, shape_of(normalise_text(question)).asked)

    def has_scope_cue(self, question: str) -> bool:
        """Words that tie a question to a trial (study, drug, site, eligibility, disease...)."""
        return _any(self.in_scope_cues, question)

    def is_follow_up(self, question: str) -> bool:
        return _any(self.follow_up, normalise_text(question))

    @staticmethod
    def asks_what_one_gets(question: str) -> bool:
        """ "What drugs would I get?", "For how long do the babies get the study drug?": what taking part brings."""
        return _ASKS_WHAT_ONE_GETS.search(shape_of(normalise_text(question)).asked) is not None

    def asks_for_studies_of_people(self, question: str) -> bool:
        """ "Just studies that observe people with cluster headaches. What is there?": people described by what they
        have, after a study word and no verb of admitting them, say whom the studies are about. Asked across trials,
        that finds trials; it is no question of whether someone may join ("Which trials take people with HIV?")."""
        text = normalise_text(question)
        found = _STUDIED_PEOPLE.search(text)
        if found is None or _ADMITS.search(found.group("between")) or _states_facts(text):
            return False
        rest = text[: found.start()] + " " + text[found.end() :]
        return not (shape_of(text).about_person or _any(self.eligibility, rest) or _any(self.eligibility_strong, text))

    def tells_of_a_case(self, question: str) -> bool:
        """The question supposes a case ("What if it had been ...", "Suppose I wait ...") or tells of a person's
        (a time since something, a value, what they did or have)."""
        text = normalise_text(question)
        return bool(_SUPPOSES.match(text) or STATES_SELF.search(text) or _states_facts(text))


def _states_facts(text: str) -> bool:
    """The asker describes themselves (an age, a value, a time since something, what they lack): whatever the
    wording, that is a question of whether they fit the trial."""
    facts = parse_question(text)
    return bool(
        facts.age is not None
        or facts.measurements
        or facts.unmet
        or facts.healthy_volunteer
        or any(e.days_ago is not None for e in facts.elapsed)
    )


# A question in the past tense about what a treatment did: "Did the spray do better than placebo?", "Did IL-2 raise
# CD4 counts?". Verbs of effect and comparison, not a topic list.
_ASKS_AN_EFFECT = re.compile(
    r"^\W*(?:(?:and|so|but)\s+)?did\s+(?!(?:i|you|we|he|she|they|my|our|his|her|your)\b)[^?]{1,80}?\b(?:work|help|"
    r"improve|reduce|lower|raise|increase|decrease|cut|shorten|prolong|extend|slow|prevent|outperform|beat|"
    r"do\s+better|better\s+than|worse\s+than|compared)",
    re.IGNORECASE,
)
# A wh-question about what the study will give or do to someone: "What drugs would I get?", "When would I get the
# shots?", "What would be done to the residents who take part?".
_ASKS_WHAT_ONE_GETS = re.compile(
    r"^\W*(?:(?:and|so|but|then)\s+)?(?:what|which|when|how\s+(?:much|many|often|long))\b[^?]{0,50}?\b(?:would|will|"
    r"do|does)\s+(?:(?:i|we|he|she|they|you|my\s+\w+|our\s+\w+|the\s+\w+)\s+)?(?:ever\s+|actually\s+|first\s+)?"
    r"(?:get|receive|take|start|be\s+given|be\s+done|have\s+to\s+(?:take|give))\b",
    re.IGNORECASE,
)
# "Where would I have to go ...?", "And where is it run?": the asking clause asks for a place.
_WHERE_ASKED = re.compile(r"^\W*(?:(?:and|so|but|then|also|ok|okay)\b\W*)*where\b", re.IGNORECASE)
# "which London hospitals take part?", "What sites in Ohio are involved?": the asking clause asks which places, by a
# "which/what" before a place word (up to three words between: a city, "participating").
_WHICH_PLACE_ASKED = re.compile(
    r"^\W*(?:(?:and|so|but|then|also|ok|okay)\b\W*)*(?:which|what)\b(?:\W+[\w'-]+){0,3}?\W+"
    r"(?:hospitals?|sites?|cent(?:er|re)s?|clinics?|locations?|cities|countries|towns|places|institutions?)\b",
    re.IGNORECASE,
)
# "Is there a ...", "Are there any ...": whether something exists; with a site word after it, whether a site does.
_THERE_IS = re.compile(r"^\W*(?:(?:and|so|but|also)\b\W*)*(?:is|are|was|were)\s+there\b", re.IGNORECASE)
# A study word, up to three words, then people described by what they have: "studies that observe people with",
# "trials for patients who".
_STUDIED_PEOPLE = re.compile(
    r"\b(?:stud(?:y|ies)|trials?|research|registr(?:y|ies)|programm?es?)\b(?P<between>(?:\W+[\w'-]+){0,3}?)\W+"
    r"(?:people|patients|persons|adults|children|kids|women|men|those|participants|subjects|individuals)\s+(?:with|who)\b",
    re.IGNORECASE,
)
# Verbs (and "open", "eligible") that say a study lets people in or keeps them out.
_ADMITS = re.compile(
    r"\b(?:tak|accept|admit|allow|permit|let|exclud|includ|enrol|want|turn|rule|bar|welcom|open|consider|eligib)\w*",
    re.IGNORECASE,
)
# A wh-question in the past tense asks what happened in the study ("What was the response rate ...?").
_ASKS_A_FINDING = re.compile(r"^\W*(?:(?:and|so|but)\s+)?(?:what|which|how\s+\w+)\s+(?:was|were)\b", re.IGNORECASE)
# A conditional opening: the question supposes a case ("What if the test had been done elsewhere?", "OK, so if I
# wait until four months after ...", "And once he turns 14 ...").
# A bare "If ..." opens many a question ("If the study is in Leeds, who do I call?"): only after a word that
# continues the conversation ("OK, so if", "And once") does it suppose a case.
_SUPPOSES = re.compile(
    r"^\W*(?:(?:oh|ok|okay|well|right|hmm|so|and|but)\b\W*)*(?:what\s+if|suppose|supposing)\b"
    r"|^\W*(?:(?:oh|ok|okay|well|so|and|but)\b\W*)+(?:if|once)\b",
    re.IGNORECASE,
)
_SHORT_QUESTION_WORDS = 9
_CONDITION_WORD = re.compile(r"\b(?:if|with|when|since|after|although|though|because|even)\b", re.IGNORECASE)
# Joining, in any form a question asks it in: "sign up", "signing people up", "enrolling", "taking part".
_JOIN_VERB = (
    r"(?:join(?:ing)?|sign(?:ing)?\s+(?:(?:new\s+|more\s+)?(?:people|patients|participants|anyone|anybody|volunteers)\s+)?up"
    r"|enrol(?:l|ls|led|ling|ing)?|register(?:ing)?|tak(?:e|ing)\s+part|participat(?:e|ing)|apply(?:ing)?|get(?:ting)?\s+in)"
)
_STILL_JOINING = re.compile(rf"\b(?:still|yet)\b.*\b{_JOIN_VERB}\b|\b{_JOIN_VERB}\b.*\b(?:still|yet)\b", re.IGNORECASE)


def _any(patterns: list[re.Pattern[str]], text: str) -> bool:
    return any(p.search(text) for p in patterns)


@cache
def _package_rules() -> IntentRules:
    return IntentRules(json.loads((resources.files("assistant") / "data" / "intents.json").read_text()))


def trial_id_in(text: str) -> str | None:
    match = _NCT.search(text)
    return match.group(0).upper() if match else None


def age_in_question(text: str) -> float | None:
    """The asker's age, only where the question says it is one ("I'm 70", "a 12-year-old", "aged 16")."""
    return parse_question(text).age

"""TrialQA: the one object the CLI, the web UI, the FAQ and the evaluation talk to."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.across_trials import AcrossTrials, TrialFilters, picked_from_listing, without_pick
from assistant.answerers import OFFLINE, OPENAI, Answerer, AnswererParts, answer_events, build_answerer
from assistant.index_signature import IndexSettingsChanged
from assistant.intents import Intent, IntentRules, normalise_text, trial_id_in
from assistant.offline import OfflineAnswerer
from assistant.patient_facts import (
    SAME_CASE_OPENING,
    asks_about_another_person,
    corrected_history,
    time_put_in_place,
    value_referred_back,
    values_put_in_place,
    without_correction_talk,
    without_time_since_put_in_place,
)
from assistant.question_shape import shape_of
from assistant.records import Answer, AnswerDelta, AnswerEvent
from assistant.retrieval import HybridRetriever, QueryExpander
from assistant.settings import Settings
from assistant.store import TrialStore, TrialSummary
from ingest.records import Trial

if TYPE_CHECKING:
    from assistant.llm import LLMAnswerer  # LangChain and the OpenAI client load only when that backend is built
    from ingest.pipeline import IngestReport  # the loaders load only to ingest

# A follow-up that speaks of the person asked about before ("she", "his", "they").
_REFERS_BACK = re.compile(r"\b(?:he|she|they|him|her|his|their|he's|she's|they're)\b", re.IGNORECASE)
# "I stopped it three weeks ago", "since I finished them", "What if I come off it?": a thing the person took or did,
# named only by a pronoun, is the one the conversation told of.
_THING_REFERRED_BACK = re.compile(
    r"\b(?:stop(?:ped|ping|s)?|finish(?:ed|ing|es)?|quit|end(?:ed)?|complet(?:ed|ing|e)|discontinu(?:ed|ing|e)"
    r"|(?:come|came|coming|been|go|went|going|get|got)\s+off|off|on|tak(?:e|en|ing)|took|us(?:e|ed|ing)|start(?:ed)?"
    r"|restart(?:ed)?)\s+(?:(?:taking|using|having)\s+)?(?:it|them|that\s+(?:drug|medicine|medication|treatment))\b",
    re.IGNORECASE,
)
# A turn's opening interjection ("Oh, and ...", "OK, so if ...", "Hmm, I checked ...") says nothing itself.
_INTERJECTION = r"(?:(?:oh|ok|okay|well|right|hmm|um|so|great|thanks)\b\W*)*"
_CONTINUES = re.compile(
    rf"\W*{_INTERJECTION}(?:and|also|or|what if|what about|how about|suppose)\b|\W*(?:(?:ok|okay|so|well)\b\W*)+if\b"
    rf"|{SAME_CASE_OPENING}",
    re.IGNORECASE,
)
# "Sorry, I checked and it was actually two months ago": a correction of what the conversation told.
_CORRECTS = re.compile(
    rf"^\W*{_INTERJECTION}(?:sorry|actually|correction)\b|\bi\s+got\s+(?:that|the\s+\w+)\s+wrong\b", re.IGNORECASE
)
# "Does that change the answer?": what the conversation told is what the follow-up is about.
_CHANGES_THE_ANSWER = re.compile(
    r"\b(?:does|would|will|could|can)\s+(?:that|this|it)\s+(?:change|matter|affect|make\s+a\s+difference)\b",
    re.IGNORECASE,
)
# Intents that look a topic up; after an eligibility question, a follow-up telling more of the person's case is none.
_LOOKUPS = frozenset({"location", "fact", "dosing", "not_stated", "general"})
_FACT_TURNS = 3  # earlier questions whose facts about the person a follow-up keeps


class UnknownTrialError(LookupError):
    pass


class QuestionTooLong(ValueError):
    """A question over settings.questions.max_chars: refused before any work, by every entry point."""


class TrialQA:
    def __init__(
        self,
        settings: Settings | None = None,
        store: TrialStore | None = None,
        *,
        retriever: HybridRetriever | None = None,
        offline: OfflineAnswerer | None = None,
        answerers: Mapping[str, Answerer] | None = None,
    ) -> None:
        """Every part can be injected (a test's fake backend, the evaluation's naive baseline reader); the rest
        are built from the settings. Backends not injected come from the registry (assistant/answerers.py)."""
        self.settings = settings or Settings()
        self.store = store or TrialStore(self.settings, warm=True)
        self.rules = IntentRules.from_package()
        self.retriever = retriever or HybridRetriever(
            store=self.store, settings=self.settings, expander=QueryExpander.from_package()
        )
        # The offline reader also answers across trials and is the fallback of every other backend.
        self.offline = offline or OfflineAnswerer(self.retriever, self.store, self.rules, self.settings.eligibility)
        # With no trial chosen: filters, ranking, and the offline answerer's own answer per listed trial.
        self.across = AcrossTrials(self.retriever, self.store, self.rules, self.offline)
        self._answerers: dict[str, Answerer] = {OFFLINE: self.offline, **(answerers or {})}
        self._answerers_lock = threading.Lock()

    def answerer(self, name: str | None = None) -> Answerer:
        """The backend `name` (default: the one the settings choose), built at its first use."""
        name = name or self.settings.resolved_backend()
        with self._answerers_lock:  # web requests arrive on many threads; build each backend once
            if name not in self._answerers:
                parts = AnswererParts(self.settings, self.retriever, self.store, self.offline)
                self._answerers[name] = build_answerer(name, parts)
            return self._answerers[name]

    @property
    def llm(self) -> LLMAnswerer:
        """The OpenAI-compatible backend (tests reach its chat model through it)."""
        from assistant.llm import LLMAnswerer

        llm = self.answerer(OPENAI)
        assert isinstance(llm, LLMAnswerer), f"the {OPENAI!r} backend is {type(llm).__name__}"
        return llm

    @property
    def backend_name(self) -> str:
        return self.answerer().name

    # ---- ingest --------------------------------------------------------------------------------
    def ingest(self, paths: Sequence[Path], show_progress: bool = True) -> IngestReport:
        from ingest.pipeline import ingest_paths

        report = ingest_paths(paths, self.store, self.settings.ingest, show_progress=show_progress)
        self.retriever.lexical()  # the BM25 index follows now (reading only changed trials), not at the first question
        return report

    def ensure_demo_data(self, show_progress: bool = True) -> IngestReport | None:
        if self.store.list_trials():
            return None
        return self.ingest([self.settings.demo.data], show_progress=show_progress)

    def delete(self, trial_id: str) -> bool:
        """Remove a trial (catalog entry first, so it vanishes at once; then its chunks). False: not indexed."""
        if self.store.get_trial(trial_id) is None:
            return False
        self.store.delete_trial(trial_id)
        self.retriever.lexical()  # the saved BM25 index drops the trial now, not at the next question
        return True

    def trials(self) -> list[TrialSummary]:
        return self.store.list_trials()

    def trial(self, trial_id: str) -> Trial | None:
        return self.store.get_trial(trial_id)

    # ---- asking --------------------------------------------------------------------------------
    def ask(
        self,
        question: str,
        trial_id: str | None = None,
        history: Sequence[str] = (),
        backend: str | None = None,
        *,
        listed: Sequence[str] = (),
        filters: TrialFilters | None = None,
        page: int = 1,
        page_size: int | None = None,
    ) -> Answer:
        """The answer about one trial; with none chosen, a TrialListing (an Answer with the listed trials)."""
        events = list(
            self.ask_stream(
                question, trial_id, history, backend, listed=listed, filters=filters, page=page, page_size=page_size
            )
        )
        final = events[-1]
        assert isinstance(final, Answer), "ask_stream ends with an Answer"
        return final

    def ask_stream(
        self,
        question: str,
        trial_id: str | None = None,
        history: Sequence[str] = (),
        backend: str | None = None,
        *,
        listed: Sequence[str] = (),
        filters: TrialFilters | None = None,
        page: int = 1,
        page_size: int | None = None,
    ) -> Iterator[AnswerEvent]:
        """The answer as it is written: AnswerDelta pieces of the model's (unchecked) text, then the checked
        Answer, always last and always once. The offline backend yields only the Answer. A final Answer whose
        backend is "offline" with a notice replaces whatever text was streamed before it.

        Raises UnknownTrialError (at the first next()) when the trial is not indexed, and IndexSettingsChanged
        when the index was built with other chunking or embedding settings.

        `listed` are the trial ids of the listing answered before (TrialListing.listed), so "the second one"
        picks one of them; `filters`, `page` and `page_size` shape a listing (no trial chosen).
        """
        started = time.perf_counter()
        limit = self.settings.questions.max_chars
        if len(question) > limit:
            raise QuestionTooLong(f"the question is {len(question)} characters; the limit is {limit}")
        mismatch = self.store.signature_problem()
        if mismatch:  # chunks or vectors built under other settings would be searched with these ones
            raise IndexSettingsChanged(mismatch)
        # Zero-width, ANSI and look-alike characters must not change what the rules and retrieval see.
        question = normalise_text(question)
        history = [normalise_text(earlier) for earlier in history]
        resolved = self._resolve_trial(question, trial_id, history, listed)
        # "Does the first one allow HIV?": the words that picked a listed trial name it, as an NCT id would; the
        # question asked of it is the rest.
        picked = resolved is not None and picked_from_listing(question, listed) == resolved
        asked = without_pick(question) if picked else question
        intent = self._intent(asked, history)
        answer: Answer | None = None
        if resolved is None:
            # No trial chosen: never answer about whichever trial ranks first; list the matching trials, each
            # with its own answer.
            answer = self.across.listing(question, filters, page, page_size, intent)
        elif picked and self.across.points_only(question):
            answer = self.across.overview(question, resolved)  # "tell me more about the second one"
        else:
            answerer = self.answerer(backend)
            for event in answer_events(answerer, self._standalone(asked, history, intent), resolved, intent):
                if isinstance(event, AnswerDelta):
                    yield event
                else:
                    answer = event
        assert answer is not None
        answer.question = question
        answer.latency_ms = (time.perf_counter() - started) * 1000
        yield answer

    def _intent(self, question: str, history: Sequence[str]) -> Intent:
        intent = self.rules.classify(question)
        asked = shape_of(question).asked
        if intent.kind in _LOOKUPS - {"general"} and asked and asked != question:
            # "I'm 81. Is there an upper age limit? I have severe PCP and couldn't take Bactrim ... because of side
            # effects": the clause that asks says what is asked, not a word of the story told around it
            by_ask = self.rules.classify(asked)
            if by_ask.kind != intent.kind and by_ask.kind in _LOOKUPS - {"general"} | {"eligibility"}:
                intent = by_ask
        if intent.kind not in {"injection", "out_of_scope"} and self._tells_more(question, history):
            # "My last dose of chemo was two weeks ago." after "Could I join?": more facts for the same question,
            # not a question about doses (nor "our local hospital" one about sites).
            return Intent("eligibility")
        if intent.kind in _LOOKUPS and self._continues_the_case(question, history):
            # "What if the pH test had been done at a different hospital?", "What about interferon? He had his last
            # injection two weeks ago": the same eligibility question with the case changed, not a site question.
            return Intent("eligibility")
        # "And if he's been on the same dose of Lexapro?" after an eligibility question is one too, not dosing.
        about_person = intent.kind == "dosing" and shape_of(question).about_person
        if (
            history
            and (intent.kind in {"general", "eligibility"} or about_person)
            and self.rules.is_follow_up(question)
        ):
            earlier = self.rules.classify(history[-1])
            if earlier.kind in {"eligibility", "location", "not_stated", "dosing"}:
                return earlier if earlier.kind != "eligibility" else Intent("eligibility")
        return intent

    def _tells_more(self, question: str, history: Sequence[str]) -> bool:
        """A statement, not a question, about the person or their case, right after an eligibility question ("The
        last injection was four months ago.", "Actually, I checked and the flu shot was two months before")."""
        if not history or "?" in question:
            return False
        about_the_case = (
            shape_of(question).about_person
            or self.rules.tells_of_a_case(question)
            or _CORRECTS.search(question)
            or _CONTINUES.match(question)
        )
        return bool(about_the_case) and self.rules.classify(history[-1]).kind == "eligibility"

    def _continues_the_case(self, question: str, history: Sequence[str]) -> bool:
        """A follow-up question after an eligibility question that supposes another case ("What if ...") or tells
        more of this one (a time, a value, what the person did)."""
        if not history or not self.rules.is_follow_up(question) or not self.rules.tells_of_a_case(question):
            return False
        return self.rules.classify(history[-1]).kind == "eligibility"

    def _standalone(self, question: str, history: Sequence[str], intent: Intent) -> str:
        """A follow-up such as "and hepatitis B?" is asked as itself; only the intent and trial carry over. An
        eligibility follow-up about the same person ("And if he's been on Lexapro since last winter?", "She had a
        transplant 10 weeks ago") is checked with what the conversation already told about them ("my 16-year-old
        son, PHQ-8 12"): every fact stated about the person decides together."""
        if intent.kind != "eligibility" or not history:
            return question
        if not (
            _CONTINUES.match(question)
            or _REFERS_BACK.search(question)
            or _THING_REFERRED_BACK.search(question)
            or _CORRECTS.search(question)
            or _CHANGES_THE_ANSWER.search(question)
            or self._tells_more(question, history)
        ):
            return question  # "Is ILD exclusionary?" after "My son is 15" asks about ILD, not about the son
        about_person = [earlier for earlier in history[-_FACT_TURNS:] if shape_of(earlier).about_person]
        if asks_about_another_person(about_person, question):
            return question  # "What about my mum then? She's 60": what was told of the asker is not hers
        # The corrected time stands in the turn that told it ("I had a microdiscectomy 14 months ago"); how the
        # follow-up says it corrects ("Sorry, I got the date wrong") is no fact to check.
        told = time_put_in_place(about_person, question) or corrected_history(about_person, question)
        question = without_time_since_put_in_place(about_person, told, question)
        moved = value_referred_back(told, question)  # "it's actually 9 cm": the one value told before, corrected
        if moved is not None:
            told, question = moved
        return " ".join([*values_put_in_place(told, question), without_correction_talk(question)])

    def _resolve_trial(
        self, question: str, trial_id: str | None, history: Sequence[str], listed: Sequence[str] = ()
    ) -> str | None:
        """The trial asked about: named in the question, picked from the listing before ("the second one"),
        chosen by the caller, or named earlier in the conversation; None when nothing chose one."""
        explicit = trial_id_in(question) or picked_from_listing(question, listed) or trial_id
        if explicit:
            if self.store.get_trial(explicit) is None:
                raise UnknownTrialError(f"{explicit} is not in the index; run `trialqa ingest` on its record first")
            return explicit
        for earlier in reversed(history):
            found = trial_id_in(earlier)
            if found:
                return found
        if not self.store.catalog_view()[1]:  # cached per catalog generation: listing every trial costs a full read
            raise UnknownTrialError("the index is empty; run `trialqa ingest PATH` first")
        return None

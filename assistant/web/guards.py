"""Every check a web request passes before it costs anything: its role, its size, its client's
rate and share of the answerer. One `Guards` per app, shared by the chat, the API and the tabs."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from assistant.answerers import default_answer_slots
from assistant.settings import Settings
from assistant.web.limits import FairGate, RateLimiter, Refused
from assistant.web.roles import Roles
from assistant.web.scratch import ScratchFolder

NCT_ID = re.compile(r"NCT[0-9]{8}", re.ASCII)
_SHOWN_CHARS = 24  # how much of a bad value an error message repeats


@dataclass(frozen=True)
class Client:
    session: str
    address: str
    username: str | None


def client_of(request: Any) -> Client:
    """Who sent a Gradio request (a gr.Request, or None outside a request, e.g. in unit tests)."""
    if request is None:
        return Client("local", "local", None)
    host = getattr(getattr(request, "client", None), "host", None) or "unknown"
    return Client(str(getattr(request, "session_hash", None) or f"address:{host}"), host, request.username)


def shown(value: str) -> str:
    """A user's value repeated in a message, cut short so an error line stays short."""
    return value if len(value) <= _SHOWN_CHARS else f"{value[:_SHOWN_CHARS]}... ({len(value)} characters)"


class Guards:
    def __init__(self, settings: Settings, scratch: ScratchFolder | None = None) -> None:
        self.settings = settings
        self.roles = Roles.from_settings(settings)  # a bad TRIALQA_WEB_AUTH/TRIALQA_WEB_ADMIN stops start-up here
        slots = settings.web.answer_slots or default_answer_slots(settings.resolved_backend())
        self.gate = FairGate(
            slots, settings.web.answer_wait_s, settings.web.client_concurrency, settings.web.address_concurrency
        )
        self.questions = RateLimiter(settings.web.client_questions_per_minute, 60.0)
        self.faq_drafts = RateLimiter(settings.web.client_faq_drafts_per_hour, 3600.0)
        self._scratch = scratch

    @property
    def scratch(self) -> ScratchFolder:
        """Created at first use, so an app that never exports leaves no folder behind."""
        if self._scratch is None:
            self._scratch = ScratchFolder()
        return self._scratch

    # ---- roles ---------------------------------------------------------------------------------
    @property
    def admin_configured(self) -> bool:
        return self.roles.admin is not None

    def is_admin(self, request: Any) -> bool:
        return self.roles.is_admin(client_of(request).username)

    def require_admin(self, request: Any, what: str) -> None:
        if not self.is_admin(request):
            raise Refused(f"Only the administrator may {what}; log in with the TRIALQA_WEB_ADMIN account.")

    # ---- questions -----------------------------------------------------------------------------
    def question(self, question: Any) -> str:
        if not isinstance(question, str):
            raise Refused("The question must be text.")
        question = question.strip()
        limit = self.settings.questions.max_chars
        if len(question) > limit:
            raise Refused(
                f"Questions are limited to {limit} characters; this one has {len(question)}. Please shorten it."
            )
        return question

    def trial_id(self, trial_id: Any) -> str | None:
        """Empty or None for all trials, else a strict NCT id (NCT and 8 ASCII digits)."""
        if trial_id in (None, ""):
            return None
        if not isinstance(trial_id, str) or not NCT_ID.fullmatch(trial_id.strip()):
            raise Refused(f"{shown(str(trial_id))!r} is not a trial id (NCT followed by 8 digits).")
        return trial_id.strip()

    def history(self, history: Any) -> list[str]:
        """The conversation's earlier questions: a list of questions each within the question limit;
        only the last `max_history_questions` are kept."""
        if isinstance(history, str):
            cap = (self.settings.questions.max_history + 1) * (self.settings.questions.max_chars + 8) * 2
            if len(history) > cap:
                raise Refused(f"The history is {len(history)} characters; at most {cap} are accepted.")
            try:
                history = json.loads(history or "[]")
            except json.JSONDecodeError as error:
                raise Refused(f"The history is not valid JSON ({error.msg}).") from None
        if not isinstance(history, list) or not all(isinstance(item, str) for item in history):
            raise Refused("The history must be a JSON list of earlier questions (strings).")
        kept = history[-self.settings.questions.max_history :] if self.settings.questions.max_history > 0 else []
        for item in kept:
            self.question(item)
        return kept

    def count_question(self, request: Any) -> None:
        """One more question from this client, or Refused when it asked too many this minute."""
        wait = self.questions.wait_needed(client_of(request).session)
        if wait:
            per_minute = self.settings.web.client_questions_per_minute
            raise Refused(f"This conversation asked {per_minute} questions in a minute; ask again in {wait:.0f} s.")

    def count_faq_draft(self, request: Any) -> None:
        wait = self.faq_drafts.wait_needed(client_of(request).session)
        if wait:
            raise Refused(
                f"At most {self.settings.web.client_faq_drafts_per_hour} FAQ drafts an hour; try again in {wait:.0f} s."
            )

    def answer_slot(self, request: Any) -> Any:
        """A context manager holding one of the answerer's slots for this client (fairly shared)."""
        client = client_of(request)
        return self.gate.slot(client.session, client.address)

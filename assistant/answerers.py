"""Answer backends: one protocol, and a registry from backend name to how it is built.

`TrialQA` asks the backend the settings (or the caller) name; a backend is built from the parts every one
shares, at first use, unless one was injected. Built in: "offline" (the rule-based reader, which also
answers across trials and is every other backend's fallback) and "openai" (an OpenAI-compatible model).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from assistant.intents import Intent
    from assistant.offline import OfflineAnswerer
    from assistant.records import Answer, AnswerEvent
    from assistant.retrieval import HybridRetriever
    from assistant.settings import Settings
    from assistant.store import TrialStore

OFFLINE = "offline"
OPENAI = "openai"


class Answerer(Protocol):
    """Answers one question about one trial with citations; `name` is what `Answer.backend` reports."""

    @property
    def name(self) -> str: ...

    def answer(self, question: str, trial_id: str, intent: Intent) -> Answer: ...


@runtime_checkable
class StreamingAnswerer(Answerer, Protocol):
    """A backend that can show its text as it is written: AnswerDelta pieces, then the checked Answer, last."""

    def stream(self, question: str, trial_id: str, intent: Intent) -> Iterator[AnswerEvent]: ...


@dataclass(frozen=True)
class AnswererParts:
    """What a backend is built from."""

    settings: Settings
    retriever: HybridRetriever
    store: TrialStore
    offline: OfflineAnswerer


class UnknownBackendError(LookupError):
    """No backend is registered under the name asked for."""


_BACKENDS: dict[str, Callable[[AnswererParts], Answerer]] = {}
# How many questions a backend answers at once by default (web answer slots): a CPU-bound backend gains nothing
# from more than one under one interpreter lock; one that mostly waits on a model server does.
_DEFAULT_SLOTS: dict[str, int] = {}


def register_backend(name: str, build: Callable[[AnswererParts], Answerer], *, answer_slots: int = 1) -> None:
    _BACKENDS[name] = build
    _DEFAULT_SLOTS[name] = answer_slots


def backend_names() -> list[str]:
    """The registered backends (what `--backend` accepts)."""
    return sorted(_BACKENDS)


def default_answer_slots(name: str) -> int:
    return _DEFAULT_SLOTS.get(name, 1)


def build_answerer(name: str, parts: AnswererParts) -> Answerer:
    build = _BACKENDS.get(name)
    if build is None:
        raise UnknownBackendError(f"no answer backend named {name!r} (known: {', '.join(sorted(_BACKENDS))})")
    return build(parts)


def answer_events(answerer: Answerer, question: str, trial_id: str, intent: Intent) -> Iterator[AnswerEvent]:
    """A streaming backend's events as it writes, or a plain backend's one answer."""
    if isinstance(answerer, StreamingAnswerer):
        yield from answerer.stream(question, trial_id, intent)
    else:
        yield answerer.answer(question, trial_id, intent)


def _openai(parts: AnswererParts) -> Answerer:
    from assistant.llm import LLMAnswerer  # the LangChain/OpenAI client loads only when this backend is used

    return LLMAnswerer(parts.settings, parts.retriever, parts.store, parts.offline)


register_backend(OFFLINE, lambda parts: parts.offline)
register_backend(OPENAI, _openai, answer_slots=8)

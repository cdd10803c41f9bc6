"""Issue 16: answer backends behind one protocol and a registry; TrialQA takes them by injection and asks the
one the settings or the caller name (fast tier: the three-trial store)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.answerers import Answerer, AnswererParts, UnknownBackendError, register_backend
from assistant.intents import Intent
from assistant.llm import AnswerDelta, AnswerEvent
from assistant.records import Answer
from assistant.service import TrialQA
from tests.conftest import fake_settings

SEED = "NCT06839066"


class Echo:
    """A backend that answers with what it was asked, and remembers the calls."""

    name = "echo"

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, str]] = []

    def answer(self, question: str, trial_id: str, intent: Intent) -> Answer:
        self.calls.append((question, trial_id, intent.kind))
        return Answer(question=question, trial_id=trial_id, answer=f"echo: {question}", backend=self.name)


class Streaming(Echo):
    name = "streaming"

    def stream(self, question: str, trial_id: str, intent: Intent) -> Iterator[AnswerEvent]:
        yield AnswerDelta("echo")
        yield AnswerDelta("echo: ")
        yield self.answer(question, trial_id, intent)


def test_an_injected_backend_answers_when_named_and_the_offline_reader_stays_the_default(small_store: Path) -> None:
    echo = Echo()
    qa = TrialQA(fake_settings(small_store), answerers={"echo": echo})

    answer = qa.ask("Is ILD exclusionary?", trial_id=SEED, backend="echo")
    assert (answer.backend, answer.answer) == ("echo", "echo: Is ILD exclusionary?")
    assert echo.calls == [("Is ILD exclusionary?", SEED, "eligibility")]
    assert qa.ask("Is ILD exclusionary?", trial_id=SEED).backend == "offline" == qa.backend_name
    assert len(echo.calls) == 1


def test_a_streaming_backend_streams_and_its_answer_comes_last(small_store: Path) -> None:
    qa = TrialQA(fake_settings(small_store), answerers={"streaming": Streaming()})
    events = list(qa.ask_stream("Is ILD exclusionary?", trial_id=SEED, backend="streaming"))
    assert [e.text for e in events[:-1] if isinstance(e, AnswerDelta)] == ["echo", "echo: "]
    assert isinstance(events[-1], Answer) and events[-1].backend == "streaming"


def test_a_registered_backend_is_built_once_from_the_shared_parts(small_store: Path) -> None:
    built: list[AnswererParts] = []

    def build(parts: AnswererParts) -> Answerer:
        built.append(parts)
        return Echo()

    register_backend("test-registered-echo", build)
    qa = TrialQA(fake_settings(small_store))
    for _ in range(2):
        assert qa.ask("Who can join?", trial_id=SEED, backend="test-registered-echo").backend == "echo"
    assert len(built) == 1
    assert built[0].store is qa.store and built[0].offline is qa.offline and built[0].settings is qa.settings


def test_an_unknown_backend_is_a_lookup_error_naming_the_known_ones(small_qa: TrialQA) -> None:
    with pytest.raises(UnknownBackendError, match=r"no answer backend named 'nope' \(known: .*offline, openai"):
        small_qa.ask("Is ILD exclusionary?", trial_id=SEED, backend="nope")


def test_the_registry_names_the_backends_and_their_default_answer_slots() -> None:
    """`--backend` accepts what is registered; a model-server backend answers several questions at once, the
    CPU-bound offline reader one (the web app's answer slots come from here, not from comparing names)."""
    from assistant.answerers import backend_names, default_answer_slots

    assert {"offline", "openai"} <= set(backend_names())
    assert default_answer_slots("offline") == 1 and default_answer_slots("openai") == 8
    from assistant.cli import build_parser

    args = build_parser().parse_args(["ask", "Is ILD exclusionary?", "--backend", "offline"])
    assert args.backend == "offline"

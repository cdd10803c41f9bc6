"""The OpenAI-compatible backend against a real HTTP server on 127.0.0.1 speaking chat completions."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.records import Verdict
from assistant.service import TrialQA
from assistant.settings import Settings
from tests.chat_server import ChatServer, Step

SEED = "NCT06839066"
ILD = "Is ILD exclusionary?"


@pytest.fixture()
def server() -> Iterator[ChatServer]:
    chat = ChatServer().start()
    yield chat
    chat.stop()


def llm_service(store: Path, server: ChatServer, retries: int = 0) -> TrialQA:
    settings = Settings(
        store_dir=store,
        backend="openai",
        llm_base_url=server.base_url,
        llm_model="test-model",
        llm_api_key="sk-test-secret-123",  # type: ignore[arg-type]
        llm_max_retries=retries,
        llm_timeout_s=5,
    )
    return TrialQA(settings)


def test_valid_citation_is_kept_and_phantom_number_dropped(demo_store: Path, server: ChatServer) -> None:
    server.push(
        Step(
            content=(
                "VERDICT: excluded\nANSWER: Interstitial lung disease is exclusionary: the record excludes "
                '"steroid-requiring (non-infectious) interstitial lung disease (ILD)" [1]. See also [42].'
            )
        )
    )
    answer = llm_service(demo_store, server).ask(ILD, trial_id=SEED)

    assert answer.backend == "openai:test-model"
    assert answer.verdict is Verdict.EXCLUDED
    assert "[42]" not in answer.answer and "[1]" in answer.answer
    assert answer.dropped_citations == 1
    assert answer.notice and "removed" in answer.notice
    assert [(c.section, c.criterion) for c in answer.citations] == [("Exclusion Criteria", "7")]
    assert answer.citations[0].quote == "steroid-requiring (non-infectious) interstitial lung disease (ILD)"


def test_reply_without_citation_falls_back_to_offline_answer_with_notice(demo_store: Path, server: ChatServer) -> None:
    server.push(Step(content="VERDICT: allowed\nANSWER: Everyone is eligible, no problem."))
    answer = llm_service(demo_store, server).ask(ILD, trial_id=SEED)

    assert answer.backend == "offline"
    assert answer.notice and "cited no passage" in answer.notice
    assert answer.verdict is Verdict.EXCLUDED
    assert [(c.section, c.criterion) for c in answer.citations] == [("Exclusion Criteria", "7")]


def test_only_phantom_citations_count_as_no_citation(demo_store: Path, server: ChatServer) -> None:
    server.push(Step(content="VERDICT: allowed\nANSWER: It is allowed [17] [99]."))
    answer = llm_service(demo_store, server).ask(ILD, trial_id=SEED)

    assert answer.backend == "offline"
    assert answer.verdict is Verdict.EXCLUDED


def test_quote_not_in_cited_passage_is_flagged_not_trusted(demo_store: Path, server: ChatServer) -> None:
    server.push(
        Step(content='VERDICT: excluded\nANSWER: The record says "all lung conditions are banned forever" [1].')
    )
    answer = llm_service(demo_store, server).ask(ILD, trial_id=SEED)

    assert "not found verbatim" in answer.answer
    citation = answer.citations[0]
    assert citation.quote != "all lung conditions are banned forever"
    assert "interstitial lung disease" in citation.quote


def test_prompt_keeps_roles_and_marks_passages_as_data(demo_store: Path, server: ChatServer) -> None:
    server.push(Step(content="VERDICT: excluded\nANSWER: Excluded [1]."))
    llm_service(demo_store, server).ask(ILD, trial_id=SEED)

    request = server.requests[-1]
    roles = [m["role"] for m in request["messages"]]
    assert roles == ["system", "user"]
    system, user = (m["content"] for m in request["messages"])
    assert "never instructions" in system
    assert '<passage n="1" source="NCT06839066 - Exclusion #7">' in user
    assert "interstitial lung disease" not in system
    assert request["model"] == "test-model"
    headers = {k.lower(): v for k, v in server.headers_seen[-1].items()}
    assert headers["authorization"] == "Bearer sk-test-secret-123"


def test_server_error_gives_offline_answer_after_bounded_retries(demo_store: Path, server: ChatServer) -> None:
    server.push(Step(status=500), Step(status=500), Step(status=500))
    answer = llm_service(demo_store, server, retries=1).ask(ILD, trial_id=SEED)

    assert len(server.requests) == 2  # one try plus one retry, then give up
    assert answer.backend == "offline"
    assert answer.notice and "did not answer" in answer.notice and "500" in answer.notice
    assert answer.verdict is Verdict.EXCLUDED


def test_instruction_like_question_is_declined_without_asking_the_model(demo_store: Path, server: ChatServer) -> None:
    server.push(Step(content="ANSWER: Lung fields clear / a new drug in the spring / hope in every dose [1]"))
    answer = llm_service(demo_store, server).ask("Write a haiku about this drug", trial_id=SEED)

    assert answer.abstained and not answer.citations and answer.verdict is None
    assert len(server.requests) == 0

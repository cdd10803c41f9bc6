"""The one settings object: every knob, read from TRIALQA_* environment variables or passed in."""

from __future__ import annotations

import difflib
import os
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from assistant.embedding import EMBEDDING_MODEL_ID
from assistant.resources import bundled_demo_data

ENV_PREFIX = "TRIALQA_"
# Switches of the test suite itself (TRIALQA_TEST_RECORD_CASSETTES, ...), not settings of TrialQA.
TEST_SWITCH_PREFIX = "TRIALQA_TEST_"


class UnknownSettingError(ValueError):
    """A TRIALQA_* environment variable that names no setting (a typo would otherwise be silently ignored)."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="forbid")

    store_dir: Path = Field(default=Path(".trialqa"), description="folder of the local index")
    collection: str = Field(default="trial_chunks", description="Chroma collection of the passages")
    chroma_host: str | None = Field(default=None, description="use a Chroma server instead of the embedded store")
    chroma_port: int = Field(default=8000, description="port of the Chroma server (with chroma_host)")

    max_file_bytes: int = Field(default=20_000_000, description="largest single input file or zip member")
    max_zip_members: int = Field(default=20_000, description="most files read from one zip archive")
    chunk_tokens: int = Field(default=256, description="longest passage of running text, in tokens (cl100k)")
    chunk_overlap_tokens: int = Field(default=32, description="tokens two consecutive text passages share")
    embed_batch_size: int = Field(default=32, description="most passages embedded in one batch")
    embed_batch_tokens: int = Field(
        default=512, description="most padded word pieces in one embedding batch (larger batches run slower on CPU)"
    )
    vector_cache: bool = Field(
        default=True, description="reuse vectors of passages any earlier ingest embedded (vector-cache.sqlite)"
    )
    embedding_model: str = Field(
        default=EMBEDDING_MODEL_ID, description="passage embedder, by registered name (built in: the offline MiniLM)"
    )
    embed_max_tokens: int = Field(
        default=128, description="word pieces embedded per passage (MiniLM was trained on 128); BM25 sees all"
    )

    dense_cache_trials: int = Field(default=256, description="trials whose vectors are kept in memory for search")
    passage_cache_trials: int = Field(
        default=256, description="trials whose passages are kept in memory (the rest stay in the BM25 index's file)"
    )
    top_k: int = Field(default=8, description="passages an answer is given and shows")
    candidates: int = Field(default=40, description="passages each retriever (BM25, dense) returns before fusion")
    rrf_k: int = Field(default=60, description="reciprocal rank fusion constant: 1 / (rrf_k + rank) per retriever")
    vocabulary_expansion_weight: float = Field(
        default=0.3,
        ge=0.0,
        le=1.0,
        description="BM25 weight of the vocabulary's names, synonyms and parents added to a query (0: not added)",
    )

    backend: Literal["offline", "openai"] | None = Field(
        default=None, description="answer backend; default: openai when an LLM model is configured, else offline"
    )
    llm_base_url: str | None = Field(default=None, description="OpenAI-compatible server URL (default: OpenAI)")
    llm_model: str | None = Field(default=None, description="model name; setting it makes openai the default backend")
    llm_api_key: SecretStr | None = Field(default=None, description="falls back to OPENAI_API_KEY")
    llm_timeout_s: float = Field(default=30.0, description="seconds to wait for the model before the offline answer")
    llm_max_retries: int = Field(default=2, description="retries of a failed model request (429, 5xx, timeouts)")
    llm_temperature: float = Field(default=0.0, description="sampling temperature (0: most likely reply)")
    # ---- LLM chain: structured reply (issue 17) ----
    llm_max_tokens: int = Field(default=400, description="most tokens the model may write per answer (bounds rambling)")
    llm_response_format: Literal["json_schema", "json_object", "none"] = Field(
        default="json_schema",
        description="how the reply schema is sent: OpenAI-style json_schema (OpenAI, vLLM, Ollama, llama-server), "
        "json_object with a schema (llama-cpp-python's server), or none (the prompt asks for JSON; tolerant parser)",
    )

    host: str = Field(default="127.0.0.1", description="address the web app listens on")
    port: int = Field(default=7860, description="port the web app listens on")
    auth: str | None = Field(default=None, description="user:password for the web UI when exposed")
    max_upload_bytes: int = Field(default=20_000_000, description="largest web upload (administrator only)")
    demo_data: Path = Field(
        default_factory=bundled_demo_data, description="records `trialqa demo` indexes (default: the packaged ones)"
    )

    # ---- web app: roles and bounded work per request (issue 15) ----
    admin: SecretStr | None = Field(
        default=None,
        description="user:password of the web administrator, the only web user who may add trials, run the "
        "evaluation or draft FAQs with the LLM; setting it turns the login page on. Unset: the shared index "
        "changes only through `trialqa ingest`",
    )
    max_question_chars: int = Field(default=2000, description="longest question the web app answers")
    max_history_questions: int = Field(default=20, description="earlier questions of a conversation kept as context")
    max_upload_trials: int = Field(default=200, description="most trials in one web upload (administrator only)")
    client_questions_per_minute: int = Field(
        default=30, description="questions one web session may ask per minute (0: no limit)"
    )
    client_concurrency: int = Field(default=1, description="questions of one web session answered at once")
    address_concurrency: int = Field(
        default=64,
        description="questions from one network address answered or waiting at once (behind a proxy "
        "every client shares the proxy's address: raise it there)",
    )
    answer_slots: int = Field(
        default=0,
        description="questions answered at once, the rest waiting least-served first; 0: 1 with the offline backend "
        "(CPU-bound: more would only share one interpreter lock) and 8 with an LLM (mostly waiting on the network)",
    )
    answer_wait_s: float = Field(default=30.0, description="longest wait for an answer slot before 'busy, try again'")
    client_faq_drafts_per_hour: int = Field(default=6, description="FAQ drafts one non-administrator session may make")
    login_failures_per_window: int = Field(default=5, description="failed logins from one address before a pause")
    login_window_s: float = Field(default=300.0, description="the window (and the pause) for failed logins")
    cross_trial_page_size: int = Field(
        default=10, description="trials per page of a question asked with no trial chosen (each gets its own answer)"
    )

    @model_validator(mode="after")
    def _no_unknown_environment(self) -> Settings:
        known = {ENV_PREFIX + name.upper() for name in type(self).model_fields}
        for variable in os.environ:
            name = variable.upper()
            if name.startswith(ENV_PREFIX) and not name.startswith(TEST_SWITCH_PREFIX) and name not in known:
                raise UnknownSettingError(_unknown_message(variable, known))
        return self

    def resolved_backend(self) -> str:
        if self.backend:
            return self.backend
        return "openai" if self.llm_model else "offline"


def _unknown_message(variable: str, known: set[str]) -> str:
    close = difflib.get_close_matches(variable.upper(), sorted(known), n=1)
    hint = f"; did you mean {close[0]}?" if close else " (every setting is a field of assistant/settings.py)"
    return f"{variable} is not a TrialQA setting{hint}"

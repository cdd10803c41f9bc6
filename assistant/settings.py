"""The one settings object: every knob, read from TRIALQA_* environment variables or passed in."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from assistant.embedding import EMBEDDING_MODEL_ID
from assistant.resources import bundled_demo_data


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TRIALQA_", extra="ignore")

    store_dir: Path = Field(default=Path(".trialqa"), description="folder of the local index")
    collection: str = "trial_chunks"
    chroma_host: str | None = Field(default=None, description="use a Chroma server instead of the embedded store")
    chroma_port: int = 8000

    max_file_bytes: int = Field(default=20_000_000, description="largest single input file or zip member")
    max_zip_members: int = 20_000
    chunk_tokens: int = 256
    chunk_overlap_tokens: int = 32
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
    top_k: int = 8
    candidates: int = 40
    rrf_k: int = 60
    vocabulary_expansion_weight: float = Field(
        default=0.3,
        ge=0.0,
        le=1.0,
        description="BM25 weight of the vocabulary's names, synonyms and parents added to a query (0: not added)",
    )

    backend: Literal["offline", "openai"] | None = Field(
        default=None, description="answer backend; default: openai when an LLM model is configured, else offline"
    )
    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: SecretStr | None = Field(default=None, description="falls back to OPENAI_API_KEY")
    llm_timeout_s: float = 30.0
    llm_max_retries: int = 2
    llm_temperature: float = 0.0
    # ---- LLM chain: structured reply (issue 17) ----
    llm_max_tokens: int = Field(default=400, description="most tokens the model may write per answer (bounds rambling)")
    llm_response_format: Literal["json_schema", "json_object", "none"] = Field(
        default="json_schema",
        description="how the reply schema is sent: OpenAI-style json_schema (OpenAI, vLLM, Ollama, llama-server), "
        "json_object with a schema (llama-cpp-python's server), or none (the prompt asks for JSON; tolerant parser)",
    )

    host: str = "127.0.0.1"
    port: int = 7860
    auth: str | None = Field(default=None, description="user:password for the web UI when exposed")
    max_upload_bytes: int = 20_000_000
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

    def resolved_backend(self) -> str:
        if self.backend:
            return self.backend
        return "openai" if self.llm_model else "offline"

"""The one settings object, nested by concern: every knob, read from TRIALQA_* environment variables or passed in.

A variable names its group and field: TRIALQA_STORE_DIR is store.dir, TRIALQA_LLM_MODEL is llm.model,
TRIALQA_RETRIEVAL_TOP_K is retrieval.top_k (the group is the first word; the field keeps its underscores).
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from assistant.embedding import EMBEDDING_MODEL_ID
from assistant.resources import bundled_demo_data

ENV_PREFIX = "TRIALQA_"
# Switches of the test suite itself (TRIALQA_TEST_RECORD_CASSETTES, ...), not settings of TrialQA.
TEST_SWITCH_PREFIX = "TRIALQA_TEST_"


class UnknownSettingError(ValueError):
    """A TRIALQA_* environment variable that names no setting (a typo would otherwise be silently ignored)."""


class _Group(BaseModel):
    """A group of settings: unknown keys are refused, as at the top level."""

    model_config = ConfigDict(extra="forbid")


class StoreSettings(_Group):
    """Where the index lives: a local folder, or a Chroma server."""

    dir: Path = Field(default=Path(".trialqa"), description="folder of the local index")
    collection: str = Field(default="trial_chunks", description="Chroma collection of the passages")
    chroma_host: str | None = Field(default=None, description="use a Chroma server instead of the embedded store")
    chroma_port: int = Field(default=8000, description="port of the Chroma server (with chroma_host)")
    hnsw_slots_per_passage_warning: float = Field(
        default=3.0,
        ge=0.0,
        description="warn (one line, when the local index opens) when the passages' vector index holds more than "
        "this many slots per stored passage: Chroma keeps a deleted vector's slot, so every re-ingest of a changed "
        "trial grows the index files until `trialqa compact` rebuilds them (issue 19); 0: never warn",
    )


class IngestSettings(_Group):
    """What ingest accepts and how it cuts records into passages (chunking: in the index signature)."""

    max_file_bytes: int = Field(default=20_000_000, description="largest single input file or zip member")
    max_zip_members: int = Field(default=20_000, description="most files read from one zip archive")
    chunk_tokens: int = Field(default=256, description="longest passage of running text, in tokens (cl100k)")
    chunk_overlap_tokens: int = Field(default=32, description="tokens two consecutive text passages share")


class EmbeddingSettings(_Group):
    """The passage embedder and how it is fed (model, max_tokens, embed_lookup_passages: in the index signature)."""

    model: str = Field(
        default=EMBEDDING_MODEL_ID, description="passage embedder, by registered name (built in: the offline MiniLM)"
    )
    batch_size: int = Field(default=32, description="most passages embedded in one batch")
    batch_tokens: int = Field(
        default=512, description="most padded word pieces in one embedding batch (larger batches run slower on CPU)"
    )
    max_tokens: int = Field(
        default=128, description="word pieces embedded per passage (MiniLM was trained on 128); BM25 sees all"
    )
    vector_cache: bool = Field(
        default=True, description="reuse vectors of passages any earlier ingest embedded (vector-cache.sqlite)"
    )
    thread_spinning: bool = Field(
        default=False,
        description="let the ONNX embedder's idle threads spin: about 7% faster embedding on an otherwise idle "
        "machine, but with one core busy elsewhere (the web app during an ingest, a second worker) embedding ran "
        "35% slower and a question's vector took twice as long (bench/embed_under_load.py)",
    )
    embed_lookup_passages: bool = Field(
        default=False,
        description="embed also the passages found by exact and lexical lookup (sites, contacts, officials, "
        "identifiers, record fields); off, they are indexed for BM25 and lookups only, and ingest embeds less",
    )


class RetrievalSettings(_Group):
    """Hybrid search: how many passages, how they are fused, what is kept in memory."""

    top_k: int = Field(default=8, description="passages an answer is given and shows")
    candidates: int = Field(default=40, description="passages each retriever (BM25, dense) returns before fusion")
    rrf_k: int = Field(default=60, description="reciprocal rank fusion constant: 1 / (rrf_k + rank) per retriever")
    vocabulary_expansion_weight: float = Field(
        default=0.3,
        ge=0.0,
        le=1.0,
        description="BM25 weight of the vocabulary's names, synonyms and parents added to a query (0: not added)",
    )
    dense_cache_trials: int = Field(default=256, description="trials whose vectors are kept in memory for search")
    passage_cache_trials: int = Field(
        default=256, description="trials whose passages are kept in memory (the rest stay in the BM25 index's file)"
    )


class QuestionSettings(_Group):
    """Bounds on what one question may cost, and the size of a cross-trial listing."""

    max_chars: int = Field(default=2000, description="longest question the web app answers")
    max_history: int = Field(default=20, description="earlier questions of a conversation kept as context")
    page_size: int = Field(
        default=10, description="trials per page of a question asked with no trial chosen (each gets its own answer)"
    )


class EligibilitySettings(_Group):
    """How the offline reader gives eligibility verdicts."""

    class_exclusions: bool = Field(
        default=False,
        description="exclude through an exclusion criterion that names only a broader class of what the asker has or "
        "takes ('malignancy' for lymphoma, 'immunotherapy' for a named antibody); off, such a criterion is quoted "
        "with what decides it and no verdict (on unseen records these verdicts were wrong more often than right)",
    )
    named_exclusions: bool = Field(
        default=False,
        description="exclude a person through a criterion found to name what the question tells of them ('I have HIV' "
        "and 'Known HIV infection'); off, that criterion is quoted with what decides it and no verdict (on the first "
        "reading of seven blind splits these verdicts were wrong 35 times in 72). Values against limits, the one time "
        "a question gives against the criterion's window ('chemo 2 weeks ago' and 'within 4 weeks'), age, sex, unmet "
        "requirements and questions about a topic in general ('Is HIV exclusionary?') stay verdicts",
    )


class LLMSettings(_Group):
    """The optional OpenAI-compatible model backend."""

    base_url: str | None = Field(default=None, description="OpenAI-compatible server URL (default: OpenAI)")
    model: str | None = Field(default=None, description="model name; setting it makes openai the default backend")
    api_key: SecretStr | None = Field(default=None, description="falls back to OPENAI_API_KEY")
    timeout_s: float = Field(default=30.0, description="seconds to wait for the model before the offline answer")
    max_retries: int = Field(default=2, description="retries of a failed model request (429, 5xx, timeouts)")
    temperature: float = Field(default=0.0, description="sampling temperature (0: most likely reply)")
    max_tokens: int = Field(default=400, description="most tokens the model may write per answer (bounds rambling)")
    response_format: Literal["json_schema", "json_object", "none"] = Field(
        default="json_schema",
        description="how the reply schema is sent: OpenAI-style json_schema (OpenAI, vLLM, Ollama, llama-server), "
        "json_object with a schema (llama-cpp-python's server), or none (the prompt asks for JSON; tolerant parser)",
    )


class WebSettings(_Group):
    """The Gradio web app: address, login, and bounded work per client."""

    host: str = Field(default="127.0.0.1", description="address the web app listens on")
    port: int = Field(default=7860, description="port the web app listens on")
    auth: str | None = Field(default=None, description="user:password for the web UI when exposed")
    admin: SecretStr | None = Field(
        default=None,
        description="user:password of the web administrator, the only web user who may add trials, run the "
        "evaluation or draft FAQs with the LLM; setting it turns the login page on. Unset: the shared index "
        "changes only through `trialqa ingest`",
    )
    max_upload_bytes: int = Field(default=20_000_000, description="largest web upload (administrator only)")
    max_upload_trials: int = Field(default=200, description="most trials in one web upload (administrator only)")
    client_questions_per_minute: int = Field(
        default=30, description="questions one web session may ask per minute (0: no limit)"
    )
    client_concurrency: int = Field(default=1, description="questions of one web session answered at once")
    client_faq_drafts_per_hour: int = Field(default=6, description="FAQ drafts one non-administrator session may make")
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
    login_failures_per_window: int = Field(default=5, description="failed logins from one address before a pause")
    login_window_s: float = Field(default=300.0, description="the window (and the pause) for failed logins")


class DemoSettings(_Group):
    """The records `trialqa demo` indexes."""

    data: Path = Field(
        default_factory=bundled_demo_data, description="records `trialqa demo` indexes (default: the packaged ones)"
    )


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, env_nested_delimiter="_", env_nested_max_split=1, extra="forbid"
    )

    backend: Literal["offline", "openai"] | None = Field(
        default=None, description="answer backend; default: openai when an LLM model is configured, else offline"
    )
    store: StoreSettings = Field(default_factory=StoreSettings, description=StoreSettings.__doc__)
    ingest: IngestSettings = Field(default_factory=IngestSettings, description=IngestSettings.__doc__)
    embedding: EmbeddingSettings = Field(default_factory=EmbeddingSettings, description=EmbeddingSettings.__doc__)
    retrieval: RetrievalSettings = Field(default_factory=RetrievalSettings, description=RetrievalSettings.__doc__)
    questions: QuestionSettings = Field(default_factory=QuestionSettings, description=QuestionSettings.__doc__)
    eligibility: EligibilitySettings = Field(
        default_factory=EligibilitySettings, description=EligibilitySettings.__doc__
    )
    llm: LLMSettings = Field(default_factory=LLMSettings, description=LLMSettings.__doc__)
    web: WebSettings = Field(default_factory=WebSettings, description=WebSettings.__doc__)
    demo: DemoSettings = Field(default_factory=DemoSettings, description=DemoSettings.__doc__)

    @model_validator(mode="after")
    def _no_unknown_environment(self) -> Settings:
        known = environment_names()
        for variable in os.environ:
            name = variable.upper()
            if name.startswith(ENV_PREFIX) and not name.startswith(TEST_SWITCH_PREFIX) and name not in known:
                raise UnknownSettingError(unknown_message(variable))
        return self

    def resolved_backend(self) -> str:
        if self.backend:
            return self.backend
        return "openai" if self.llm.model else "offline"

    @classmethod
    def at(cls, store_dir: Path, *, backend: str | None = None, **groups: dict[str, Any]) -> Settings:
        """The settings for the index in `store_dir`: the backend and groups' fields as given ("retrieval":
        {"top_k": 4}), the rest from TRIALQA_* variables (merged field by field, not replaced group by group)."""
        values: dict[str, Any] = {**groups, "store": {**groups.get("store", {}), "dir": store_dir}}
        if backend is not None:
            values["backend"] = backend
        return cls(**values)


def environment_names() -> set[str]:
    """Every TRIALQA_* variable a setting reads: TRIALQA_<GROUP>_<FIELD>, TRIALQA_<GROUP> (JSON), TRIALQA_BACKEND."""
    return set(_names_by_alias().values()) | {ENV_PREFIX + group.upper() for group in Settings.model_fields}


def _names_by_alias() -> dict[str, str]:
    """Each variable under its own name and under its field's name alone ("TRIALQA_" + "TOP_K" for
    TRIALQA_RETRIEVAL_TOP_K), so a name without its group, or from before the settings were grouped, finds it."""
    names = {ENV_PREFIX + "BACKEND": ENV_PREFIX + "BACKEND"}
    for group, field in Settings.model_fields.items():
        model = field.annotation
        if isinstance(model, type) and issubclass(model, BaseModel):
            for name in model.model_fields:
                real = f"{ENV_PREFIX}{group.upper()}_{name.upper()}"
                names.setdefault(f"{ENV_PREFIX}{name.upper()}", real)
                names[real] = real
    return names


def unknown_message(variable: str) -> str:
    by_alias = _names_by_alias()
    close = difflib.get_close_matches(variable.upper(), sorted(by_alias), n=1)
    hint = f"; did you mean {by_alias[close[0]]}?" if close else " (every setting is a field of assistant/settings.py)"
    return f"{variable} is not a TrialQA setting{hint}"

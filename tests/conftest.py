"""Shared fixtures and the two test tiers.

Fast tier (`pytest -m "not slow"`): unit tests, and a three-trial store embedded by a deterministic fake
(tests/fakes.py). Slow tier: the end-to-end tests, which share one real index of the 101 bundled demo trials
embedded by the real MiniLM model, run the console script in subprocesses, or start servers and browsers.
`pytest` with no -m runs both; tests are marked slow here, centrally, by what they use (see `_is_slow`).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from assistant.service import TrialQA
from assistant.settings import Settings
from tests.fakes import FAKE_EMBEDDER

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "data" / "demo"
SEED = DEMO / "NCT06839066.txt"
CTGOV = DEMO / "ctgov"
ARTIFACTS = ROOT / "artifacts"
# The fast tier's store: the page-text seed trial and two API v2 records.
THREE_TRIALS = (SEED, CTGOV / "NCT00195091.json", CTGOV / "NCT00976573.json")
THREE_TRIAL_IDS = ["NCT00195091", "NCT00976573", "NCT06839066"]

# What makes a test end-to-end: the real 101-trial index (built once, about a minute, with the real model) ...
SLOW_FIXTURES = frozenset({"demo_store", "qa", "store_copy"})
# ... or, in these modules and tests, the real model, the console script answering in subprocesses, or a
# Chroma server. (tests/test_cli_delete.py runs the console script too, but only opens a store: fast.)
SLOW_MODULES = frozenset(
    {"test_cli_batch.py", "test_embeddings.py", "test_chroma_server.py", "test_store_ingest.py", "test_eval_gate.py"}
)
SLOW_TESTS = frozenset(
    {
        "test_ingest_robustness.py::test_one_batch_of_bad_and_good_inputs_indexes_every_good_trial",
        "test_ingest_robustness.py::test_scratch_folders_of_a_killed_save_are_removed_at_start_up",
        "test_reliability.py::test_sigkill_mid_ingest_leaves_no_half_trial_and_rerun_completes",
        "test_reliability.py::test_hundred_malformed_inputs_each_one_clear_error_and_store_unchanged",
        "test_reliability.py::test_duplicate_nct_id_with_different_content_is_reported",
        "test_web_security.py::test_auth_without_a_colon_stops_start_up_with_one_clear_line",
    }
)


def _is_slow(item: pytest.Item) -> bool:
    module = item.path.name
    fixtures: list[str] = list(getattr(item, "fixturenames", ()))
    name = getattr(item, "originalname", item.name)
    return (
        bool(SLOW_FIXTURES.intersection(fixtures))
        or module in SLOW_MODULES
        or f"{module}::{name}" in SLOW_TESTS
        or item.get_closest_marker("browser") is not None
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if _is_slow(item) and item.get_closest_marker("slow") is None:
            item.add_marker(pytest.mark.slow)


def fake_settings(store_dir: Path, **overrides: Any) -> Settings:
    """Settings of a fast-tier store: the fake embedder, the offline backend."""
    groups: dict[str, dict[str, Any]] = {"embedding": {"model": FAKE_EMBEDDER}}
    for group, fields in overrides.items():
        groups[group] = {**groups.get(group, {}), **fields}
    return Settings.at(store_dir, backend="offline", **groups)


@pytest.fixture(scope="session")
def small_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three trials embedded by the fake embedder, built once per session (read-only for tests)."""
    store_dir = tmp_path_factory.mktemp("small-store")
    report = TrialQA(fake_settings(store_dir)).ingest(list(THREE_TRIALS), show_progress=False)
    assert not report.errors and sorted(report.added) == THREE_TRIAL_IDS, report
    return store_dir


@pytest.fixture()
def small_store_copy(small_store: Path, tmp_path: Path) -> Path:
    """A private copy of the three-trial store for tests that change it."""
    target = tmp_path / "small-store"
    shutil.copytree(small_store, target)
    return target


@pytest.fixture(scope="session")
def small_qa(small_store: Path) -> TrialQA:
    return TrialQA(fake_settings(small_store))


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A persistent Chroma store holding all demo trials, built once per session (read-only for tests)."""
    store_dir = tmp_path_factory.mktemp("demo-store")
    service = TrialQA(Settings.at(store_dir))
    report = service.ingest([DEMO], show_progress=False)
    assert not report.errors, report.errors
    assert len(report.added) == 101
    return store_dir


@pytest.fixture(scope="session")
def qa(demo_store: Path) -> TrialQA:
    return TrialQA(Settings.at(demo_store, backend="offline"))


@pytest.fixture()
def store_copy(demo_store: Path, tmp_path: Path) -> Iterator[Path]:
    """A private copy of the demo store for tests that change it."""
    target = tmp_path / "store"
    shutil.copytree(demo_store, target)
    yield target

"""Shared fixtures: one real index of the bundled demo data per test session, built offline."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from assistant.service import TrialQA
from assistant.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "data" / "demo"
SEED = DEMO / "NCT06839066.txt"
CTGOV = DEMO / "ctgov"
ARTIFACTS = ROOT / "artifacts"


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A persistent Chroma store holding all demo trials, built once per session (read-only for tests)."""
    store_dir = tmp_path_factory.mktemp("demo-store")
    service = TrialQA(Settings(store_dir=store_dir))
    report = service.ingest([DEMO], show_progress=False)
    assert not report.errors, report.errors
    assert len(report.added) == 101
    return store_dir


@pytest.fixture(scope="session")
def qa(demo_store: Path) -> TrialQA:
    return TrialQA(Settings(store_dir=demo_store, backend="offline"))


@pytest.fixture()
def store_copy(demo_store: Path, tmp_path: Path) -> Iterator[Path]:
    """A private copy of the demo store for tests that change it."""
    target = tmp_path / "store"
    shutil.copytree(demo_store, target)
    yield target

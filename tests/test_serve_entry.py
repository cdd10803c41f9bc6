"""Issue 16: `trialqa serve`, the README's web UI command, works as users run it: the installed console script
started from a directory outside the repository, answering over HTTP."""

from __future__ import annotations

import json
import shutil
import urllib.request
from pathlib import Path

from tests.ui_server import serve_process


def test_trialqa_serve_from_outside_the_repository_answers_over_http(demo_store: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    shutil.copytree(demo_store, store)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    with serve_process(store, elsewhere) as app:
        with urllib.request.urlopen(app.url, timeout=30) as page:
            assert page.status == 200
            assert "TrialQA" in page.read().decode("utf-8", "replace")
        with urllib.request.urlopen(app.url + "gradio_api/info", timeout=30) as info:
            endpoints = json.loads(info.read())["named_endpoints"]
        assert any("ask" in name for name in endpoints), sorted(endpoints)

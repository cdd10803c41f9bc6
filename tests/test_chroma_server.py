"""Client/server: the store on a real `chroma run` server on 127.0.0.1 behaves like the embedded one."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from assistant.service import TrialQA
from assistant.settings import Settings
from tests.conftest import DEMO
from tests.ui_server import free_port


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    chroma = Path(sys.executable).with_name("chroma")
    if not chroma.exists() and shutil.which("chroma") is None:
        pytest.skip("the chroma CLI (from the chromadb package) is not installed")
    port = free_port()
    data = tmp_path_factory.mktemp("chroma-server")
    log = (data / "server.log").open("w")
    command = [str(chroma if chroma.exists() else "chroma"), "run", "--path", str(data / "db"), "--host", "127.0.0.1"]
    server = subprocess.Popen([*command, "--port", str(port)], stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.3)
        else:
            pytest.fail(f"chroma server did not start: {(data / 'server.log').read_text()[-2000:]}")
        yield port
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()


def test_server_store_answers_like_the_embedded_store(chroma_server: int, qa: TrialQA, tmp_path: Path) -> None:
    settings = Settings.at(tmp_path / "local", store={"chroma_host": "127.0.0.1", "chroma_port": chroma_server})
    remote = TrialQA(settings)
    report = remote.ingest([DEMO], show_progress=False)
    assert len(report.added) == 101 and not report.errors

    question = "Is ILD exclusionary?"
    served = remote.ask(question, trial_id="NCT06839066")
    embedded = qa.ask(question, trial_id="NCT06839066")
    assert served.model_dump() == embedded.model_dump()
    assert (served.verdict, served.citations[0].criterion) == (embedded.verdict, "7")

    # A second app instance sharing the server sees the same index without ingesting anything.
    other = TrialQA(Settings.at(tmp_path / "other", store={"chroma_host": "127.0.0.1", "chroma_port": chroma_server}))
    assert [t.trial_id for t in other.trials()] == [t.trial_id for t in qa.trials()]
    assert other.ask(question, trial_id="NCT06839066").model_dump() == embedded.model_dump()
    again = other.ingest([DEMO / "NCT06839066.txt"], show_progress=False)
    assert again.unchanged == ["NCT06839066"] and again.chunks_written == 0

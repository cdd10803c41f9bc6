"""Start the real Gradio app for tests: in this process on a free 127.0.0.1 port (`running_app`), or
as its own process exactly as `trialqa serve` runs it (`app_process`), configured by TRIALQA_*
variables, with its own temporary folder so a test can see what it leaves behind."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.extensions import admin_tabs
from assistant.service import TrialQA
from assistant.settings import Settings
from assistant.web.app import build_app, launch
from trialqa.cli import EXTENSIONS

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")  # Debian's Chromium: Playwright never downloads a browser here


def launch_chromium(playwright: Any) -> Any:
    """Debian's Chromium headless, with nothing that would reach the network on its own."""
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM),
        args=["--no-sandbox", "--disable-background-networking", "--disable-component-update",
              "--disable-sync", "--no-first-run", "--disable-gpu"],
    )  # fmt: skip


STARTUP_S = 180.0  # a loaded 2-core machine needs a while to import Gradio and open the index


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_app(store: Path, backend: str = "offline", **groups: dict[str, object]) -> Iterator[tuple[str, TrialQA]]:
    """The web app on a free port; offline unless a test picks the LLM backend; `groups` as in Settings.at."""
    groups = {**groups, "web": {**groups.get("web", {}), "port": free_port()}}
    settings = Settings.at(store, backend=backend, **groups)
    qa = TrialQA(settings)
    demo = build_app(qa, None, admin_tabs(EXTENSIONS))  # as `trialqa serve` builds it: evaluation tab included
    launch(demo, settings, prevent_thread_lock=True, quiet=True)
    try:
        yield f"http://127.0.0.1:{settings.web.port}/", qa
    finally:
        demo.close()


@dataclass
class AppProcess:
    url: str
    process: subprocess.Popen[bytes]
    tmp: Path  # the app's TMPDIR
    log: Path


def app_env(store: Path, tmp: Path, port: int, **settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRIALQA_")}
    env.update(
        TRIALQA_STORE_DIR=str(store),
        TRIALQA_WEB_PORT=str(port),
        TRIALQA_BACKEND="offline",
        TMPDIR=str(tmp),
        GRADIO_ANALYTICS_ENABLED="False",
        ANONYMIZED_TELEMETRY="False",
        HF_HUB_OFFLINE="1",
        PYTHONUNBUFFERED="1",
    )
    env.update({f"TRIALQA_{key.upper()}": value for key, value in settings.items()})
    return env


@contextmanager
def app_process(store: Path, workdir: Path, **settings: str) -> Iterator[AppProcess]:
    """`python app.py` on a free port with TRIALQA_<KEY>=value for each keyword; waits until it serves."""
    with _serving([sys.executable, str(ROOT / "app.py")], ROOT, store, workdir, settings) as app:
        yield app


@contextmanager
def serve_process(store: Path, workdir: Path, **settings: str) -> Iterator[AppProcess]:
    """The installed `trialqa serve` console script, run from `workdir` (outside the repository)."""
    with _serving([str(Path(sys.executable).with_name("trialqa")), "serve"], workdir, store, workdir, settings) as app:
        yield app


@contextmanager
def _serving(
    command: list[str], cwd: Path, store: Path, workdir: Path, settings: dict[str, str]
) -> Iterator[AppProcess]:
    tmp = workdir / "tmp"
    tmp.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log = workdir / f"app-{port}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=cwd, env=app_env(store, tmp, port, **settings), stdout=out, stderr=subprocess.STDOUT
        )
    running = AppProcess(f"http://127.0.0.1:{port}/", process, tmp, log)
    try:
        _wait_until_serving(running, STARTUP_S)
        yield running
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_serving(app: AppProcess, startup_s: float) -> None:
    deadline = time.monotonic() + startup_s
    while time.monotonic() < deadline:
        if app.process.poll() is not None:
            raise RuntimeError(f"the app exited with {app.process.returncode}: {app.log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(app.url + "config", timeout=2):
                return
        except urllib.error.HTTPError:
            return  # it answers (401 before login is an answer)
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"the app did not serve within {startup_s} s: {app.log.read_text()[-2000:]}")

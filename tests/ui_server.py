"""Start the real Gradio app on a free 127.0.0.1 port for tests."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from app import build_app, launch
from assistant.service import TrialQA
from assistant.settings import Settings


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_app(store: Path, **overrides: object) -> Iterator[tuple[str, TrialQA]]:
    settings = Settings(store_dir=store, port=free_port(), backend="offline", **overrides)  # type: ignore[arg-type]
    qa = TrialQA(settings)
    demo = build_app(qa)
    launch(demo, settings, prevent_thread_lock=True, quiet=True)
    try:
        yield f"http://127.0.0.1:{settings.port}/", qa
    finally:
        demo.close()

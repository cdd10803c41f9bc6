"""Issue 17: with an LLM backend, the chat shows the model's answer growing token by token in Chromium, and the
checked answer (with its verdict badge and sources) replaces it at the end.

The model is the scripted OpenAI-compatible server (tests/chat_server.py), a real HTTP server process streaming
server-sent events at a model's pace; tests/test_llm_real.py covers a real model's output.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from tests.chat_server import ChatServer, Step
from tests.test_llm_backend import json_reply
from tests.ui_server import running_app

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed (.ci/run installs it)"),
]
SEED = "NCT06839066"
QUOTE = "steroid-requiring (non-infectious) interstitial lung disease (ILD)"
ANSWER = "Excluded. Exclusion #7 of the record excludes steroid-requiring interstitial lung disease (ILD) [1]."


def test_the_answer_grows_token_by_token_then_the_checked_answer_replaces_it(demo_store: Path, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    store = tmp_path / "store"
    shutil.copytree(demo_store, store)
    reply = json_reply("excluded", ANSWER, [1], [(1, QUOTE)])
    pieces = [reply[i : i + 6] for i in range(0, len(reply), 6)]
    server = ChatServer().start()
    server.push(Step(chunks=pieces, chunk_delay_s=0.08))
    seen: list[tuple[float, str]] = []  # (when, chat text) each time the chat changed
    try:
        llm = {"base_url": server.base_url, "model": "test-model", "api_key": "sk-test-not-used", "timeout_s": 30}
        with running_app(store, backend="openai", llm=llm) as (url, _), sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page()
            page.goto(url)
            picker = page.locator("#trial-picker input")
            picker.click()
            picker.press("Control+a")
            picker.press("Backspace")
            picker.press_sequentially(SEED, delay=20)
            page.locator("#trial-picker ul[role=listbox] li").first.click()
            page.locator("#question textarea").fill("Is ILD exclusionary?")
            page.locator("#ask").click()
            badge = page.locator("#verdict .verdict-badge")
            chat = page.locator("#chat")
            for _ in range(400):  # sample the last chat message until the badge appears
                text = chat.inner_text()
                if not seen or seen[-1][1] != text:
                    seen.append((time.monotonic(), text))
                if badge.count():
                    break
                page.wait_for_timeout(25)
            expect(badge).to_have_attribute("data-verdict", "excluded", timeout=30_000)
            final = chat.inner_text()
            browser.close()
    finally:
        server.stop()
    finished = server.stream_finished_at
    assert finished is not None
    # At least two states of the answer shown while the model was still writing (a replay of a finished
    # answer shows them only after the stream has ended).
    partial = [text for when, text in seen if "Excluded" in text and text != final and when < finished]
    assert len(partial) >= 2, (finished, seen)
    lengths = [len(s) for s in partial]
    assert lengths == sorted(lengths), "the message only grows while the model writes"
    assert "Exclusion #7" in final and "{" not in final  # the answer text streams, never the JSON around it

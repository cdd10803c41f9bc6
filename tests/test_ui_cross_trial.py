"""A question with "All trials" in the running web UI (issue 18), driven in Debian's headless Chromium: the
table of matching trials, opening one in the trial view, and a follow-up answered about that trial. Over the
fast tier's three-trial store (fake embedder), so the browser is the slow part."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ARTIFACTS
from tests.fakes import FAKE_EMBEDDER
from tests.ui_server import CHROMIUM, launch_chromium, running_app

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed (.ci/run installs it)"),
]


@pytest.fixture(scope="module")
def app_url(small_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    store = tmp_path_factory.mktemp("ui-cross") / "store"
    shutil.copytree(small_store, store)
    with running_app(store, embedding={"model": FAKE_EMBEDDER}) as (url, _):
        yield url


def test_all_trials_question_lists_trials_then_one_opens_and_answers_a_follow_up(app_url: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page(viewport={"width": 1280, "height": 1400})
        page.goto(app_url)
        expect(page.get_by_text("not medical advice")).to_be_visible()

        # "All trials" is the picker's default: the question is answered across the trials.
        page.locator("#question textarea").fill("Which trials exclude people with hepatitis B?")
        page.locator("#ask").click()
        chat = page.locator("#chat")
        expect(chat).to_contain_text("2 trials match", timeout=30_000)
        expect(page.locator("#verdict .verdict-badge")).to_have_count(0)  # no single verdict for the list
        table = page.locator("#trial-list")
        expect(table).to_be_visible()
        expect(table).to_contain_text("NCT00976573")
        expect(table).to_contain_text("excluded")
        page.screenshot(path=str(ARTIFACTS / "ui-cross-trial-table.png"), full_page=True)

        # Picking the excluding trial's row opens it in the trial view at its cited criterion.
        # (Gradio's table keeps a hidden copy of its rows for sizing: the grid cells are the ones shown.)
        table.get_by_role("gridcell", name="NCT00976573").first.click()
        cited = page.locator("#trial-view .cited")
        expect(cited).to_contain_text("Exclusion #10", timeout=15_000)
        expect(page.locator("#trial-view h2")).to_contain_text("NCT00976573")

        # Back in the chat, a follow-up is answered about that trial alone.
        page.get_by_role("tab", name="Chat").click()
        page.locator("#question textarea").fill("Is HIV exclusionary?")
        page.locator("#ask").click()
        expect(page.locator("#verdict .verdict-badge")).to_be_visible(timeout=30_000)
        expect(page.locator("#sources .source").first).to_contain_text("NCT00976573")
        last = chat.locator(".turn.assistant").last
        expect(last).to_contain_text("NCT00976573")
        page.screenshot(path=str(ARTIFACTS / "ui-cross-trial-follow-up.png"), full_page=True)
        browser.close()

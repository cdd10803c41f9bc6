"""The running web UI driven in Debian's headless Chromium with Playwright (no browser download)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ARTIFACTS, ROOT
from tests.ui_server import CHROMIUM, launch_chromium, running_app

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed (.ci/run installs it)"),
]


@pytest.fixture(scope="module")
def app_url(demo_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    store = tmp_path_factory.mktemp("ui") / "store"
    shutil.copytree(demo_store, store)
    with running_app(store) as (url, _):
        yield url


def test_ask_ild_see_verdict_sources_and_trial_view(app_url: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page(viewport={"width": 1280, "height": 1300})
        page.goto(app_url)
        expect(page.get_by_text("not medical advice")).to_be_visible()
        expect(page.get_by_text("Answer backend: offline")).to_be_visible()

        picker = page.locator("#trial-picker input")
        picker.click()
        picker.press("Control+a")
        picker.press("Backspace")
        picker.press_sequentially("NCT06839066", delay=20)  # the picker filters by NCT id (and title words)
        options = page.locator("#trial-picker ul[role=listbox] li")
        expect(options).to_have_count(1)
        options.first.click()
        page.locator("#question textarea").fill("Is ILD exclusionary?")
        page.locator("#ask").click()

        badge = page.locator("#verdict .verdict-badge")
        expect(badge).to_have_attribute("data-verdict", "excluded", timeout=30_000)
        expect(page.locator("#chat")).to_contain_text("Exclusion #7")
        source = page.locator("#sources .source").first
        expect(source).to_contain_text("NCT06839066 - Exclusion #7")
        marks = [m.lower() for m in source.locator("mark").all_inner_texts()]
        assert "interstitial lung disease" in marks, marks
        page.screenshot(path=str(ARTIFACTS / "ui-chat-sources.png"), full_page=True)

        page.locator("#show-in-trial").click()
        cited = page.locator("#trial-view .cited")
        expect(cited).to_contain_text("Exclusion #7", timeout=15_000)
        expect(cited.locator("mark")).to_contain_text("interstitial lung disease (ILD)")
        cited.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / "ui-trial-view.png"))
        browser.close()
    if os.environ.get("TRIALQA_TEST_UPDATE_SCREENSHOT") == "1":  # the README's screenshot, only when asked for
        shutil.copy(ARTIFACTS / "ui-chat-sources.png", ROOT / "docs" / "screenshot-chat.png")

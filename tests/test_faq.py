"""Site FAQ drafts: the acceptance facts for the seed trial, and no uncited answer for any demo trial."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from assistant.faq import draft_faq, render_html, render_markdown, run
from assistant.service import TrialQA

SEED = "NCT06839066"


def section(text: str, heading: str) -> str:
    start = text.index(heading)
    following = text.find("\n## ", start + len(heading))
    return text[start : following if following != -1 else len(text)]


def test_seed_trial_faq_says_what_the_record_says(qa: TrialQA, tmp_path: Path) -> None:
    out = tmp_path / "faq.md"
    run(argparse.Namespace(trial_ids=[SEED], out=str(out), sites=None, backend=None), qa.settings)
    text = out.read_text()

    for expected in ("70 participants", "Phase 2", "1:1:1", "three different doses", "once every 3 weeks",
                     "anti-PD-L1 monoclonal antibody conjugated", "drug-antibody-ratio", "Minimum age: 18 Years",
                     "interstitial lung disease (ILD)", "record date 2025-11-24", "offline backend"):  # fmt: skip
        assert expected in text, expected
    sites = section(text, "### Where is the study taking place?")
    assert "15 sites, by city" in sites
    assert re.search(r"Chengdu, Sichuan, China: Sichuan Cancer Hospital \[\d+\]; West China Hospital", sites)
    assert sites.count("Guangzhou, Guangdong, China:") == 1 and "Zhongshan City People's Hospital" in sites
    team = section(text, "## Ask the study team")
    assert "Will I be paid for taking part?" in team and "Are travel costs covered?" in team
    assert "Fujian Cancer Hospital" in team  # the sites to ask, since the record lists no contacts
    assert "Will I be paid" not in text.split("## Ask the study team")[0]


def test_html_export_is_escaped_and_complete(qa: TrialQA) -> None:
    draft = draft_faq(qa, SEED)
    html = render_html(draft)
    assert "interstitial lung disease (ILD)" in html and "<script" not in html
    assert "Ask the study team" in html


def test_no_faq_answer_without_a_citation_for_any_demo_trial(qa: TrialQA) -> None:
    for summary in qa.trials():
        draft = draft_faq(qa, summary.trial_id)
        trial = qa.trial(summary.trial_id)
        assert trial is not None
        for entry in draft.entries:
            numbers = [int(n) for n in re.findall(r"\[(\d+)\]", entry.answer)]
            assert numbers, f"{summary.trial_id}: uncited answer to {entry.question!r}"
            for n in numbers:
                assert 1 <= n <= len(draft.passages)
                assert draft.passages[n - 1].quote in trial.source_text
        assert draft.entries, summary.trial_id


def test_several_trials_give_one_file_each(qa: TrialQA, tmp_path: Path) -> None:
    out = tmp_path / "faq.html"
    status = run(
        argparse.Namespace(trial_ids=[SEED, "NCT00195091"], out=str(out), sites="Chengdu", backend=None), qa.settings
    )
    assert status == 0
    seed, other = tmp_path / f"faq-{SEED}.html", tmp_path / "faq-NCT00195091.html"
    assert seed.exists() and other.exists()
    assert "Sichuan Cancer Hospital" in seed.read_text() and "Hangzhou" not in seed.read_text()
    assert render_markdown(draft_faq(qa, "NCT00195091")).startswith("# Frequently asked questions: NCT00195091")


def test_unknown_trial_is_one_clear_error(qa: TrialQA, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        run(
            argparse.Namespace(trial_ids=["NCT00000000"], out=str(tmp_path / "x.md"), sites=None, backend=None),
            qa.settings,
        )
        == 2
    )
    assert "NCT00000000 is not in the index" in capsys.readouterr().err

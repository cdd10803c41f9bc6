"""The one settings object: every field described, unknown keys and misspelled TRIALQA_* variables refused."""

from __future__ import annotations

import subprocess
import sys

import pytest
from pydantic import ValidationError

from assistant.settings import Settings
from tests.conftest import ROOT


def test_every_setting_says_what_it_is() -> None:
    undocumented = [name for name, field in Settings.model_fields.items() if not field.description]
    assert not undocumented


def test_an_unknown_keyword_is_refused() -> None:
    with pytest.raises(ValidationError):
        Settings(top_kk=3)  # type: ignore[call-arg]


def test_a_misspelled_variable_is_refused_with_the_likely_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRIALQA_TOPK", "3")
    with pytest.raises(ValidationError, match="TRIALQA_TOPK is not a TrialQA setting; did you mean TRIALQA_TOP_K"):
        Settings()
    monkeypatch.delenv("TRIALQA_TOPK")
    monkeypatch.setenv("TRIALQA_TEST_ANYTHING", "1")  # the test suite's own switches are not settings
    assert Settings().top_k == 8


def test_the_console_script_reports_a_settings_problem_on_one_line(tmp_path: object) -> None:
    env = {"TRIALQA_TOP_K": "many", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "trialqa.cli", "trials"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip().splitlines() == [
        "error: TRIALQA_TOP_K: Input should be a valid integer, unable to parse string as an integer"
    ]

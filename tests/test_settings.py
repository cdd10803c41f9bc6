"""The one settings object: every field described, unknown keys and misspelled TRIALQA_* variables refused."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from assistant.settings import Settings
from tests.conftest import ROOT


def test_every_setting_says_what_it_is() -> None:
    groups = [field.annotation for field in Settings.model_fields.values()]
    fields = [(name, f) for group in groups if isinstance(group, type) for name, f in group.model_fields.items()]
    assert len(fields) > 40
    undocumented = [name for name, field in [*fields, *Settings.model_fields.items()] if not field.description]
    assert not undocumented


def test_an_unknown_keyword_is_refused() -> None:
    with pytest.raises(ValidationError):
        Settings(top_kk=3)  # type: ignore[call-arg]


@pytest.mark.parametrize(
    ("variable", "meant"),
    [
        ("TRIALQA_RETRIEVAL_TOPK", "TRIALQA_RETRIEVAL_TOP_K"),  # a typo
        ("TRIALQA_TOP_K", "TRIALQA_RETRIEVAL_TOP_K"),  # the field without its group (the name before grouping)
        ("TRIALQA_ADMIN", "TRIALQA_WEB_ADMIN"),
    ],
)
def test_a_misspelled_variable_is_refused_with_the_likely_name(
    monkeypatch: pytest.MonkeyPatch, variable: str, meant: str
) -> None:
    from assistant.cli import settings_problem

    monkeypatch.setenv(variable, "3")
    with pytest.raises(ValidationError) as refused:
        Settings()
    assert settings_problem(refused.value) == f"{variable} is not a TrialQA setting; did you mean {meant}?"
    monkeypatch.delenv(variable)
    monkeypatch.setenv("TRIALQA_TEST_ANYTHING", "1")  # the test suite's own switches are not settings
    assert Settings().retrieval.top_k == 8


def test_variables_name_their_group_and_field(monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
    monkeypatch.setenv("TRIALQA_STORE_DIR", "/srv/trialqa")
    monkeypatch.setenv("TRIALQA_LLM_MODEL", "gpt-4o-mini")
    monkeypatch.setenv("TRIALQA_RETRIEVAL_TOP_K", "4")
    settings = Settings.at(Path("/elsewhere"), retrieval={"candidates": 20})
    assert str(settings.store.dir) == "/elsewhere"  # given beats the environment, field by field
    assert (settings.llm.model, settings.retrieval.top_k, settings.retrieval.candidates) == ("gpt-4o-mini", 4, 20)
    assert settings.resolved_backend() == "openai"


def test_every_group_refuses_unknown_fields() -> None:
    with pytest.raises(ValidationError):
        Settings(retrieval={"top_kk": 3})  # type: ignore[arg-type]


def test_the_console_script_reports_a_settings_problem_on_one_line(tmp_path: object) -> None:
    env = {"TRIALQA_RETRIEVAL_TOP_K": "many", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "trialqa.cli", "trials"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip().splitlines() == [
        "error: TRIALQA_RETRIEVAL_TOP_K: Input should be a valid integer, unable to parse string as an integer"
    ]

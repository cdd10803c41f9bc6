"""Issue 16: prompts and demo records are package data, read through importlib.resources, so an installed
wheel finds them; the checkout's top-level prompts/ and data/demo/ are those very folders, not copies."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from assistant.prompts import load_prompt
from assistant.resources import bundled_demo_data, package_data
from assistant.settings import Settings
from tests.conftest import ROOT

# Build leftovers and environments never belong in the wheel's source tree.
NOT_SOURCE = shutil.ignore_patterns(
    ".git", ".venv", "build", "*.egg-info", "__pycache__", ".trialqa", "artifacts", "out"
)


def test_prompts_and_demo_data_are_read_from_the_package() -> None:
    packaged = Path(str(package_data()))
    assert packaged == ROOT / "assistant" / "data"
    assert Settings().demo.data == bundled_demo_data() == packaged / "demo"
    assert (packaged / "demo" / "NCT06839066.txt").is_file()
    assert len(list((packaged / "demo" / "ctgov").glob("NCT*.json"))) == 100
    assert load_prompt("passage") == (packaged / "prompts" / "passage.md").read_text(encoding="utf-8").strip()


def test_the_checkout_paths_users_know_are_the_packaged_folders() -> None:
    assert (ROOT / "prompts").resolve() == (ROOT / "assistant" / "data" / "prompts").resolve()
    assert (ROOT / "data" / "demo").resolve() == bundled_demo_data().resolve()


def test_a_missing_prompt_names_its_path() -> None:
    with pytest.raises(FileNotFoundError, match=r"prompts/no_such_prompt\.md: no such prompt"):
        load_prompt("no_such_prompt")


@pytest.mark.slow
def test_the_wheel_carries_prompts_demo_data_and_the_console_script(tmp_path: Path) -> None:
    source = tmp_path / "src"
    shutil.copytree(ROOT, source, symlinks=True, ignore=NOT_SOURCE)
    pip = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path)]
    subprocess.run([*pip, str(source)], check=True, capture_output=True, timeout=600)
    (wheel,) = tmp_path.glob("trialqa-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        entry_points = next(archive.read(n).decode() for n in names if n.endswith("entry_points.txt"))
    assert {f"assistant/data/prompts/{name}.md" for name in ("answer_system", "answer_user", "passage")} <= names
    assert "assistant/data/demo/NCT06839066.txt" in names
    assert len([n for n in names if n.startswith("assistant/data/demo/ctgov/NCT")]) == 100
    assert "trialqa/cli.py" in names and "eval/extension.py" in names
    assert not [n for n in names if n.startswith(("prompts/", "data/", "tests/"))]
    assert "trialqa = trialqa.cli:main" in entry_points

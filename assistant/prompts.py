"""Prompt files live in prompts/ at the project root and are loaded by name."""

from __future__ import annotations

from functools import cache
from pathlib import Path

PROMPTS_DIR = Path(__file__).resolve().parent.parent / "prompts"


@cache
def load_prompt(name: str) -> str:
    path = PROMPTS_DIR / f"{name}.md"
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such prompt")
    return path.read_text(encoding="utf-8").strip()

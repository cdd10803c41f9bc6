"""Prompt files ship in the package (assistant/data/prompts/, linked as prompts/ at the project root) and
are loaded by name through importlib.resources, so an installed wheel finds them too."""

from __future__ import annotations

from functools import cache

from langchain_core.messages import SystemMessage
from langchain_core.prompts import ChatPromptTemplate

from assistant.resources import package_data


@cache
def load_prompt(name: str) -> str:
    path = package_data("prompts", f"{name}.md")
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such prompt")
    return path.read_text(encoding="utf-8").strip()


@cache
def answer_prompt() -> ChatPromptTemplate:
    """System rules (a fixed message: its JSON example is not a template) and the templated user turn.

    Inputs: trial_id, title, passages (already rendered and neutralised), question.
    """
    return ChatPromptTemplate.from_messages(
        [SystemMessage(content=load_prompt("answer_system")), ("human", load_prompt("answer_user"))]
    )

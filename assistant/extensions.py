"""Features a layer above `assistant` adds to its command line and web app (today: the evaluation, from eval/).

assistant never imports them, so imports between top-level packages go one way (ingest <- assistant <- eval
<- trialqa); the composition root, trialqa/cli.py (the `trialqa` console script), passes them in.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assistant.service import TrialQA
    from assistant.web.guards import Guards

SubCommands = argparse._SubParsersAction  # argparse's sub-command registry (its class is private)
AdminTab = Callable[["TrialQA", "Guards"], None]


@dataclass(frozen=True)
class Extension:
    name: str
    add_commands: Callable[[SubCommands], None] | None = None  # adds sub-commands to `trialqa`'s parser
    admin_tab: AdminTab | None = None  # a web tab, built only when an administrator is configured


def add_commands(sub: SubCommands, extensions: Sequence[Extension]) -> None:
    for extension in extensions:
        if extension.add_commands is not None:
            extension.add_commands(sub)


def admin_tabs(extensions: Sequence[Extension]) -> list[AdminTab]:
    return [extension.admin_tab for extension in extensions if extension.admin_tab is not None]

"""The evaluation as an extension of assistant's command line and web app: `trialqa eval` and the
administrator's Evaluation tab. Registered by the composition root (trialqa/cli.py), so assistant never
imports eval."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from assistant.answerers import backend_names
from assistant.cli import settings_for
from assistant.extensions import Extension, SubCommands
from eval.sets import SETS

if TYPE_CHECKING:  # the console script imports this module for every command: keep it light
    from assistant.service import TrialQA
    from assistant.web.guards import Guards


def add_commands(sub: SubCommands) -> None:
    evaluate = sub.add_parser("eval", help="run the evaluation set and write reports")
    evaluate.add_argument(
        "--set",
        dest="set_file",
        action="append",
        help=f"a registered set ({', '.join(SETS)}) or a JSONL file; repeat for several "
        "(default: every registered set, reported side by side)",
    )
    evaluate.add_argument("--backend", choices=backend_names())
    evaluate.add_argument("--k", type=int, default=5, help="retrieval depth scored for recall@k")
    evaluate.add_argument("--out", default="eval/out", help="report folder")
    evaluate.add_argument("--baseline", action="store_true", help="also run the naive baseline side by side")
    evaluate.add_argument("--compare", nargs=2, metavar=("A.json", "B.json"), help="compare two report.json files")
    evaluate.add_argument("--check", action="store_true", help="exit 1 when a set misses its quality floors")
    evaluate.set_defaults(func=run_command)


def run_command(args: argparse.Namespace) -> int:
    from eval.runner import run  # the runner's imports (report plotting) load only when asked for

    return run(args, settings_for(args))


def admin_tab(qa: TrialQA, guards: Guards) -> None:
    from eval.ui import build_eval_tab  # Gradio loads only with the web app

    build_eval_tab(qa, guards)


EVALUATION = Extension("evaluation", add_commands=add_commands, admin_tab=admin_tab)

"""The `trialqa` console script: assistant's command line with the evaluation (`trialqa eval`, and the web app's
evaluation tab for the administrator) added as an extension."""

from __future__ import annotations

from collections.abc import Sequence

from assistant import cli
from assistant.extensions import Extension
from eval.extension import EVALUATION

EXTENSIONS: tuple[Extension, ...] = (EVALUATION,)


def main(argv: Sequence[str] | None = None) -> int:
    return cli.main(argv, extensions=EXTENSIONS)


if __name__ == "__main__":
    raise SystemExit(main())

"""`python app.py`: the TrialQA web UI, as `trialqa serve` starts it, evaluation tab included (the app lives in
assistant/web/app.py and the console script in trialqa/cli.py, so both work from any directory)."""

from assistant.web.app import main
from trialqa.cli import EXTENSIONS

if __name__ == "__main__":
    raise SystemExit(main(extensions=EXTENSIONS))

"""`python app.py`: the TrialQA web UI, as `trialqa serve` starts it (the app lives in assistant/web/app.py so
the installed console script finds it from any directory)."""

from assistant.web.app import main

if __name__ == "__main__":
    raise SystemExit(main())

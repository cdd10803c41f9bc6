"""Issue 15, items 7 and 8: `trialqa ask --questions` answers every good line and puts an error object in
place of each bad one (the batch goes on, the exit status says a line failed), and trial ids are strict and
bounded on the command line. Runs the real `trialqa` console script in a subprocess, from a folder outside
the repository, on a real store of two trials."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CTGOV, SEED

TRIALQA = Path(sys.executable).with_name("trialqa")
FULLWIDTH = "NCT" + "".join(chr(0xFF10 + int(d)) for d in "06839066")
MAX_STDERR = 500


def trialqa(
    store: Path, cwd: Path, *args: str, stdin: str | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ANONYMIZED_TELEMETRY": "False", "HF_HUB_OFFLINE": "1"}
    command = [str(TRIALQA), "--store", str(store), *args]
    return subprocess.run(command, cwd=cwd, env=env, input=stdin, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cli-store")
    inbox = folder / "inbox"
    inbox.mkdir()
    shutil.copy(SEED, inbox)
    shutil.copy(CTGOV / "NCT00195091.json", inbox)
    done = trialqa(folder / "store", folder, "ingest", "--quiet", str(inbox))
    assert done.returncode == 0 and "2 trials added" in done.stdout, done.stderr[-2000:]
    return folder / "store"


# line -> what the output line for it must hold (None: an answer; else a substring of the error)
LINES: list[tuple[str, str | None]] = [
    ('{"trial_id": "NCT06839066", "question": "Is ILD exclusionary?"}', None),
    ('{"trial_id": 6839066, "question": "Is ILD exclusionary?"}', '"trial_id" must be a string'),
    ("null", 'not a {"trial_id", "question"} object (got null)'),
    ('{"trial_id": "NCT06839066", "question": null}', '"question" must be a non-empty string (got null)'),
    ('{"trial_id": "NCT99999999", "question": "Is ILD exclusionary?"}', "NCT99999999 is not in the index"),
    (json.dumps({"trial_id": FULLWIDTH, "question": "Is ILD exclusionary?"}), "is not an NCT id"),
    (json.dumps({"trial_id": "NCT" + "1" * 100_000, "question": "Is ILD exclusionary?"}), "is not an NCT id"),
    ('{"trial_id": "NCT06839066", "question": "x\\ud800"}', "lone UTF-16 surrogate"),
    ('{"trial_id": "NCT06839066", "question": "Is ILD exclusionary?", "history": "no"}', '"history" must be a list'),
    ("{not json", "not JSON"),
    (json.dumps({"trial_id": "NCT06839066", "question": "why " * 600}), "the limit is 2000"),
    ('{"trial_id": "nct00195091", "question": "Is carcinomatous meningitis exclusionary?"}', None),
]


def write_questions(folder: Path) -> Path:
    path = folder / "questions.jsonl"
    # A blank line is skipped: it gets no output line, and numbering still counts it.
    path.write_text("\n".join([LINES[0][0], "", *(line for line, _ in LINES[1:])]) + "\n", encoding="utf-8")
    return path


def test_every_bad_line_gets_an_error_object_and_the_batch_goes_on(store: Path, tmp_path: Path) -> None:
    done = trialqa(store, tmp_path, "ask", "--questions", str(write_questions(tmp_path)), "--json")

    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    assert done.returncode == 1  # some line failed
    outputs = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(outputs) == len(LINES)
    for number, ((_, expected), output) in enumerate(zip(LINES, outputs, strict=True), start=1):
        if expected is None:
            assert "error" not in output and output["verdict"] == "excluded" and output["citations"], output
            continue
        assert output["line"] == number + 1 and expected in output["error"], output  # +1: the blank line
        assert len(json.dumps(output)) <= 1000
    assert outputs[-1]["trial_id"] == "NCT00195091"  # answered after the unknown trial and every bad line
    assert outputs[4] == {
        "line": 6,
        "error": "NCT99999999 is not in the index; run `trialqa ingest` on its record first",
        "trial_id": "NCT99999999",
        "question": "Is ILD exclusionary?",
    }


def test_text_output_puts_each_error_line_in_the_stream_in_order(store: Path, tmp_path: Path) -> None:
    questions = write_questions(tmp_path)
    done = trialqa(store, tmp_path, "ask", "--questions", str(questions))

    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr[-3000:]
    errors = [line for line in done.stdout.splitlines() if line.startswith("error: ")]
    bad = [number + 3 for number, (_, expected) in enumerate(LINES[1:]) if expected is not None]  # file line numbers
    assert [e.split(":")[2] for e in errors] == [str(n) for n in bad]
    assert all(e.startswith(f"error: {questions}:") and len(e) <= MAX_STDERR for e in errors), errors
    assert done.stdout.count("Verdict: excluded") == 2


def test_a_clean_batch_exits_zero_and_stdin_works(store: Path, tmp_path: Path) -> None:
    lines = [line for line, expected in LINES if expected is None]
    done = trialqa(store, tmp_path, "ask", "--questions", "-", "--json", stdin="\n".join(lines) + "\n")
    assert done.returncode == 0, done.stderr[-2000:]
    assert [json.loads(line)["verdict"] for line in done.stdout.splitlines()] == ["excluded", "excluded"]


def test_a_special_file_or_missing_file_is_refused_at_once(store: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "questions.jsonl"
    os.mkfifo(fifo)
    for source, problem in (("/dev/zero", "a character device"), (str(fifo), "a FIFO"), ("nope.jsonl", "No such file")):
        done = trialqa(store, tmp_path, "ask", "--questions", source, "--json", timeout=120)
        assert done.returncode == 2 and done.stdout == "", done.stderr[-2000:]
        assert done.stderr.startswith(f"error: {source}: cannot read questions") and problem in done.stderr


@pytest.mark.parametrize("trial", [FULLWIDTH, "NCT" + "1" * 100_000, "NCT123"])
def test_trial_option_takes_only_ascii_nct_ids_with_a_short_error(store: Path, tmp_path: Path, trial: str) -> None:
    done = trialqa(store, tmp_path, "ask", "Is ILD exclusionary?", "--trial", trial, timeout=120)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "is not an NCT id (NCT and 8 ASCII digits)" in done.stderr and len(done.stderr) <= MAX_STDERR, done.stderr[
        :600
    ]


def test_a_question_over_the_limit_is_refused_on_one_line(store: Path, tmp_path: Path) -> None:
    done = trialqa(store, tmp_path, "ask", "why " * 600, "--trial", "NCT06839066")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.strip() == "error: the question is 2400 characters; the limit is 2000"

"""Fast tier: the `trialqa` command line in-process (assistant.cli.main) over the three-trial store, with the
fake embedder chosen the way a user chooses any setting (TRIALQA_EMBEDDING_MODEL)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.cli import main
from tests.conftest import CTGOV, SEED, THREE_TRIAL_IDS
from tests.fakes import FAKE_EMBEDDER


@pytest.fixture(autouse=True)
def fake_embedder(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("TRIALQA_STORE_DIR", "TRIALQA_BACKEND", "TRIALQA_LLM_MODEL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TRIALQA_EMBEDDING_MODEL", FAKE_EMBEDDER)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_trials_lists_the_store_as_json(small_store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--store", str(small_store), "trials", "--json")
    assert code == 0
    rows = json.loads(out)
    assert [row["trial_id"] for row in rows] == THREE_TRIAL_IDS and all(row["chunk_count"] > 0 for row in rows)


def test_ask_prints_the_json_contract_with_a_cited_verdict(
    small_store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        capsys, "--store", str(small_store), "ask", "Is ILD exclusionary?", "--trial", "nct06839066", "--json"
    )
    answer = json.loads(out)
    assert code == 0 and answer["trial_id"] == "NCT06839066" and answer["verdict"] == "excluded"
    assert [(c["section"], c["criterion"]) for c in answer["citations"]] == [("Exclusion Criteria", "7")]
    assert answer["backend"] == "offline"


def test_ask_text_output_and_errors(small_store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--store", str(small_store), "ask", "Is ILD exclusionary?", "--trial", "NCT06839066")
    assert code == 0 and out.startswith("Verdict: excluded\n") and "  [1] NCT06839066 - Exclusion #7: “" in out
    code, out, err = run(capsys, "--store", str(small_store), "ask", "Is ILD exclusionary?", "--trial", "NCT99999999")
    assert code == 2 and out == ""
    assert err.strip() == "error: NCT99999999 is not in the index; run `trialqa ingest` on its record first"
    with pytest.raises(SystemExit) as refused:
        main(["--store", str(small_store), "ask", "Is ILD exclusionary?", "--trial", "NCT123"])
    assert refused.value.code == 2 and "is not an NCT id" in capsys.readouterr().err


def test_a_questions_file_answers_good_lines_and_reports_bad_ones(
    small_store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    questions = tmp_path / "q.jsonl"
    good = {"trial_id": "NCT06839066", "question": "Is ILD exclusionary?"}
    questions.write_text(json.dumps(good) + "\n{not json\n", encoding="utf-8")
    code, out, _ = run(capsys, "--store", str(small_store), "ask", "--questions", str(questions), "--json")
    first, second = (json.loads(line) for line in out.splitlines())
    assert code == 1 and first["verdict"] == "excluded"
    assert second["line"] == 2 and second["error"].startswith("not JSON")


def test_ingest_adds_then_finds_unchanged(small_store_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    record = CTGOV / "NCT00977431.json"
    code, out, _ = run(capsys, "--store", str(small_store_copy), "ingest", "--quiet", str(record), str(SEED))
    assert code == 0 and "1 trials added, 0 replaced, 1 unchanged, 0 errors" in out
    code, out, _ = run(capsys, "--store", str(small_store_copy), "ingest", "--quiet", str(record))
    assert code == 0 and "0 trials added, 0 replaced, 1 unchanged" in out


def test_an_unknown_embedder_is_one_clear_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TRIALQA_EMBEDDING_MODEL", "no-such-model")
    code, out, err = run(capsys, "--store", str(tmp_path / "store"), "trials")
    assert code == 2 and out == ""
    assert err.startswith("error: no embedder named 'no-such-model' (known: ") and err.count("\n") == 1

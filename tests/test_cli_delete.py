"""Issue 16: `trialqa delete NCT...` through the installed console script, run from a folder outside the
repository on a copy of the three-trial store: the trial leaves the catalog, its chunks and the BM25 index."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.service import TrialQA, UnknownTrialError
from tests.conftest import fake_settings

TRIALQA = Path(sys.executable).with_name("trialqa")


def trialqa(store: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRIALQA_")}
    env.update(ANONYMIZED_TELEMETRY="False", HF_HUB_OFFLINE="1")
    command = [str(TRIALQA), "--store", str(store), *args]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def test_delete_removes_the_trial_everywhere_and_names_unknown_ones(small_store_copy: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    before = TrialQA(fake_settings(small_store_copy))
    kept_chunks = sum(row.chunk_count for row in before.trials() if row.trial_id != "NCT00195091")
    before.retriever.lexical()  # a saved BM25 index that holds the trial, which delete must update

    done = trialqa(small_store_copy, elsewhere, "delete", "nct00195091", "NCT99999999")

    assert done.returncode == 2, done.stderr[-2000:]
    assert done.stdout == "deleted NCT00195091\n"
    assert done.stderr == "error: NCT99999999 is not in the index\n"
    after = TrialQA(fake_settings(small_store_copy))
    assert [row.trial_id for row in after.trials()] == ["NCT00976573", "NCT06839066"]
    assert after.store.count_chunks() == kept_chunks
    assert "NCT00195091" not in after.retriever.lexical().trial_hashes
    with pytest.raises(UnknownTrialError, match="NCT00195091 is not in the index"):
        after.ask("Who can join?", trial_id="NCT00195091")
    assert not list(elsewhere.iterdir())  # nothing written where it was run


def test_delete_takes_only_nct_ids(small_store: Path, tmp_path: Path) -> None:
    done = trialqa(small_store, tmp_path, "delete", "trial1")
    assert done.returncode == 2 and "is not an NCT id" in done.stderr and "Traceback" not in done.stderr

"""Issue 15, items 5-7 and 11: inputs that used to crash an ingest, lose the rest of its batch, hang it on a
special file, or slip in as text or as a look-alike trial id. The batch test runs the real `trialqa` console
script on a real Chroma store in a subprocess, watched so that a hang or an endless read fails the test
instead of the machine."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from assistant.settings import Settings
from assistant.store import Outcome
from ingest import loaders
from ingest.loaders import LoadError, iter_inputs, load_bytes
from ingest.pipeline import ingest_paths
from ingest.records import Chunk, Trial
from tests.conftest import CTGOV, ROOT, SEED

TRIALQA = Path(sys.executable).with_name("trialqa")
GOOD_JSON = CTGOV / "NCT00195091.json"
GOOD_IN_ZIP = ROOT / "tests" / "fixtures" / "NCT00353704.json"
MAX_LINE = 500  # no error line may be longer: a 100,000-character id once made a 100 KB line
MAX_RSS_BYTES = 1_500_000_000  # an ingest of three small trials peaks near 0.5 GB; /dev/zero read whole is far more


def study(nct: object, criteria: object = None, summary: object = None) -> dict[str, object]:
    protocol: dict[str, object] = {"identificationModule": {"nctId": nct, "briefTitle": "A crafted study"}}
    if criteria is not None:
        protocol["eligibilityModule"] = {"eligibilityCriteria": criteria}
    if summary is not None:
        protocol["descriptionModule"] = {"briefSummary": summary}
    return {"protocolSection": protocol}


def as_bytes(payload: object) -> bytes:
    return json.dumps(payload).encode()


PREGNANCY = ["Exclusion Criteria:", "1. Pregnant or breastfeeding women."]
ARABIC_INDIC = "NCT" + "".join(chr(0x0660 + int(d)) for d in "06839066")
FULLWIDTH = "NCT" + "".join(chr(0xFF10 + int(d)) for d in "06839066")
GOOD_ID = b'{"protocolSection": {"identificationModule": {"nctId": "NCT09000001", "briefTitle": "T%s"}}}'

# name -> (content, what its one-line error must say)
BAD_INPUTS: dict[str, tuple[bytes, str]] = {
    # item 5: JSON that crashed Python's parser or int(), or strings no store can encode
    "deep-array.json": (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    "deep-object.json": (b'{"a":' * 100_000 + b"1" + b"}" * 100_000, "nested too deeply"),
    "long-number.json": (
        b'{"protocolSection": {"designModule": {"enrollmentInfo": {"count": ' + b"9" * 5000 + b"}}}}",
        "a number of 5000 digits, over the limit of 30",
    ),
    "surrogate.json": (GOOD_ID % b"\\ud800", "lone UTF-16 surrogate (\\ud800)"),
    "nul-escape.json": (GOOD_ID % b"\\u0000", "NUL character"),
    "nan.json": (b'{"protocolSection": {"x": NaN}}', "NaN is not a JSON number"),
    "bad-line.ndjson": (as_bytes(study("NCT09000002")) + b"\n" + b'{"a":' * 50_000 + b"\n", "line 2: refused JSON"),
    # item 6: a structure where the criteria text belongs
    "criteria-list.json": (
        as_bytes(study("NCT09000003", PREGNANCY)),
        "eligibilityCriteria is a list",
    ),
    "criteria-number.json": (as_bytes(study("NCT09000004", 42)), "eligibilityCriteria is a number"),
    "criteria-object.json": (
        as_bytes(study("NCT09000005", {"exclusion": PREGNANCY})),
        "eligibilityCriteria is an object",
    ),
    "summary-list.json": (
        as_bytes(
            {
                "protocolSection": {
                    "identificationModule": {"nctId": "NCT09000006"},
                    "descriptionModule": {"briefSummary": ["x"]},
                }
            }
        ),
        "briefSummary is a list",
    ),
    "id-number.json": (as_bytes(study(6839066)), "nctId is a number"),
    # item 7: look-alike and oversized trial ids, in every format
    "fullwidth.json": (as_bytes(study(FULLWIDTH)), "expected NCT and 8 ASCII digits"),
    "arabic-indic.json": (as_bytes(study(ARABIC_INDIC)), "expected NCT and 8 ASCII digits"),
    "arabic-indic.xml": (
        f"<clinical_study><id_info><nct_id>{ARABIC_INDIC}</nct_id></id_info></clinical_study>".encode(),
        "expected NCT and 8 ASCII digits",
    ),
    "fullwidth.txt": (
        f"A look-alike\nNCT ID: {FULLWIDTH}\nBrief Summary\nText.\n".encode(),
        "not NCT and 8 ASCII digits",
    ),
    "huge-id.json": (as_bytes(study("NCT" + "1" * 100_000)), "no valid NCT id"),
}


# ---- the loader, one input at a time -----------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_each_bad_input_is_one_short_line_naming_it(name: str) -> None:
    data, expected = BAD_INPUTS[name]
    with pytest.raises(LoadError) as raised:
        load_bytes(data, f"inbox/{name}")
    line = str(raised.value)
    assert line.startswith(f"inbox/{name}: ") and "\n" not in line and len(line) <= MAX_LINE, line[:MAX_LINE]
    assert expected in line, line


def test_escaped_surrogate_pairs_and_real_ids_still_load() -> None:
    (trial,) = load_bytes(GOOD_ID % b"\\ud83d\\ude00 \\\\ud800", "pair.json")  # an emoji; an escaped backslash
    assert trial.trial_id == "NCT09000001" and trial.title == "T\U0001f600 \\ud800"
    (lower,) = load_bytes(as_bytes(study("nct09000007")), "lower.json")
    assert lower.trial_id == "NCT09000007"


def test_error_text_is_bounded_even_for_a_huge_file_name() -> None:
    error = LoadError("inbox/" + "x" * 100_000 + ".json", "bad " * 10_000)
    assert len(str(error)) <= MAX_LINE and str(error).endswith("bad") and ".json: " in str(error)


def test_a_loader_failure_nobody_foresaw_costs_only_its_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = loaders.parse_page_text

    def broken(text: str, display: str) -> Trial:
        if "boom" in display:
            raise RuntimeError("a loader bug")
        return real(text, display)

    monkeypatch.setattr(loaders, "parse_page_text", broken)
    (tmp_path / "a-boom.txt").write_bytes(SEED.read_bytes())
    shutil.copy(SEED, tmp_path / "b-good.txt")
    loaded = {Path(item.path).name: item for item in iter_inputs([tmp_path])}
    assert str(loaded["a-boom.txt"].error).endswith("cannot be read (RuntimeError: a loader bug)")
    assert [t.trial_id for t in loaded["b-good.txt"].trials] == ["NCT06839066"]


def test_special_files_are_refused_without_opening_them_for_reading(tmp_path: Path) -> None:
    fifo = tmp_path / "records.zip"
    os.mkfifo(fifo)
    # A loader that opens the FIFO for reading waits for a writer: this one lets it go on (and fail the
    # test) instead of hanging the test run; it is itself released below if nobody opened the FIFO.
    writer = threading.Thread(target=lambda: os.close(os.open(fifo, os.O_WRONLY)), daemon=True)
    writer.start()
    (item,) = iter_inputs([fifo])
    release = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # lets the writer go if the loader never opened it
    writer.join(timeout=10)
    os.close(release)
    assert str(item.error) == f"{fifo}: not a regular file (a FIFO); only files are read"


# ---- the pipeline: a trial that cannot be stored ---------------------------------------------------------
@dataclass
class FlakyStore:
    """Fails any write that includes `bad`, as a store would on a value it cannot encode."""

    bad: str
    stored: list[str]
    signature: dict[str, str | int] = field(default_factory=dict)

    def version_of(self, trial: Trial) -> str:
        return trial.trial_id

    def stored_signature(self) -> dict[str, str | int]:
        return self.signature  # up to date: nothing stored to rebuild

    def upsert_many(self, items: Sequence[tuple[Trial, Sequence[Chunk]]]) -> list[Outcome]:
        if any(trial.trial_id == self.bad for trial, _ in items):
            raise ValueError("cannot encode")
        self.stored += [trial.trial_id for trial, _ in items]
        return [Outcome.ADDED for _ in items]


def test_a_trial_the_store_refuses_costs_only_that_trial(tmp_path: Path) -> None:
    for nct in ("NCT09000011", "NCT09000012", "NCT09000013"):
        (tmp_path / f"{nct}.json").write_bytes(as_bytes(study(nct, "Inclusion Criteria:\n- Adults")))
    store = FlakyStore(bad="NCT09000012", stored=[])
    report = ingest_paths([tmp_path], store, Settings.at(tmp_path / "unused").ingest, show_progress=False)  # type: ignore[arg-type]
    assert report.added == store.stored == ["NCT09000011", "NCT09000013"]
    assert report.errors == [
        f"{tmp_path / 'NCT09000012.json'}: NCT09000012 cannot be stored (ValueError: cannot encode); not indexed"
    ]


# ---- the real CLI on a real store ------------------------------------------------------------------------
@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    peak_rss: int


def run_watched(command: list[str], cwd: Path, timeout: float = 300) -> Run:
    """Run `command`, killing it if it outlives `timeout` or its memory passes MAX_RSS_BYTES (an endless read
    of /dev/zero must fail this test, not exhaust the machine)."""
    env = {**os.environ, "ANONYMIZED_TELEMETRY": "False", "HF_HUB_OFFLINE": "1"}
    out, err = cwd / "stdout.txt", cwd / "stderr.txt"
    started, peak = time.monotonic(), 0
    with out.open("wb") as stdout, err.open("wb") as stderr:
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=stdout, stderr=stderr)
        while process.poll() is None:
            peak = max(peak, _rss(process.pid))
            if peak > MAX_RSS_BYTES or time.monotonic() - started > timeout:
                process.kill()
                process.wait()
                pytest.fail(f"{command[1:3]} killed after {time.monotonic() - started:.0f} s at {peak >> 20} MB")
            time.sleep(0.1)
    seconds = time.monotonic() - started
    return Run(process.returncode, out.read_text(errors="replace"), err.read_text(errors="replace"), seconds, peak)


def _rss(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    line = next((ln for ln in status.splitlines() if ln.startswith("VmRSS:")), "VmRSS: 0 kB")
    return int(line.split()[1]) * 1024


def test_one_batch_of_bad_and_good_inputs_indexes_every_good_trial(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name, (data, _) in BAD_INPUTS.items():
        (inbox / name).write_bytes(data)
    shutil.copy(GOOD_JSON, inbox / "zz-good.json")  # sorted last: every bad file is read before it
    with zipfile.ZipFile(inbox / "upload.zip", "w") as archive:
        archive.writestr("a-deep.json", BAD_INPUTS["deep-array.json"][0])
        archive.writestr("b-criteria.json", BAD_INPUTS["criteria-list.json"][0])
        archive.write(GOOD_IN_ZIP, "c-good.json")
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    store = tmp_path / "store"
    command = [str(TRIALQA), "--store", str(store), "ingest", "--quiet", "/dev/zero", str(fifo), str(inbox), str(SEED)]

    run = run_watched(command, cwd=tmp_path)

    assert "Traceback" not in run.stderr, run.stderr[-3000:]
    errors = [line for line in run.stderr.splitlines() if line.startswith("error: ")]
    named = [*BAD_INPUTS, "/dev/zero", "pipe.json", "upload.zip!a-deep.json", "upload.zip!b-criteria.json"]
    assert len(errors) == len(named), "\n".join(e[:200] for e in errors)
    for name in named:
        (line,) = [e for e in errors if e.startswith("error: ") and f"{name}: " in e]
        assert len(line) <= MAX_LINE, line[:MAX_LINE]
    assert "/dev/zero: not a regular file (a character device)" in run.stderr
    listed = run_watched([str(TRIALQA), "--store", str(store), "trials", "--json"], cwd=tmp_path)
    ids = sorted(row["trial_id"] for row in json.loads(listed.stdout))
    assert ids == ["NCT00195091", "NCT00353704", "NCT06839066"]  # the good ones, and no look-alike
    print(f"\n{len(errors)} bad inputs refused, 3 trials indexed in {run.seconds:.0f} s, peak {run.peak_rss >> 20} MB")


def test_scratch_folders_of_a_killed_save_are_removed_at_start_up(tmp_path: Path) -> None:
    folder = tmp_path / "store" / "bm25" / "trial_chunks"
    folder.parent.mkdir(parents=True)
    dead = subprocess.Popen(["true"])
    dead.wait()
    stale = folder.with_name(f"trial_chunks.tmp-{dead.pid}-140211")
    live = folder.with_name(f"trial_chunks.tmp-{os.getpid()}-140211")  # a running writer's: left alone
    for scratch in (stale, live):
        scratch.mkdir()
        (scratch / "chunks.jsonl").write_text("{}\n")

    run = run_watched([str(TRIALQA), "--store", str(tmp_path / "store"), "ingest", "--quiet", str(GOOD_JSON)], tmp_path)

    assert run.returncode == 0, run.stderr[-2000:]
    assert not stale.exists() and live.exists()
    assert (folder / "format").exists()  # the index itself was saved whole
    from assistant.lexical import remove_stale_scratch  # imported here: the tests above run without it

    assert remove_stale_scratch(folder) == []

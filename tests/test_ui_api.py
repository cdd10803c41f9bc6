"""The same functions through Gradio's API (gradio_client): concurrency and uploads."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from gradio_client import Client, handle_file

from assistant.service import TrialQA
from tests.conftest import CTGOV
from tests.ui_server import running_app

ADMIN = ("site-admin", "admin-secret-1")  # with an administrator set everyone logs in, and only it uploads

# (trial, question, expected first citation (section, criterion))
QUESTIONS = [
    ("NCT06839066", "Is ILD exclusionary?", ("Exclusion Criteria", "7")),
    ("NCT06839066", "Is active tuberculosis a problem for joining?", ("Exclusion Criteria", "16")),
    ("NCT06839066", "Is HIV exclusionary?", ("Exclusion Criteria", "17")),
    ("NCT06839066", "Can pregnant women take part?", ("Exclusion Criteria", "19")),
    ("NCT06839066", "Are inhaled steroids allowed?", ("Exclusion Criteria", "12")),
    ("NCT06839066", "Do I need a measurable lesion?", ("Inclusion Criteria", "5")),
    ("NCT06839066", "Can I get the flu vaccine?", ("Exclusion Criteria", "14")),
    ("NCT00195091", "Is carcinomatous meningitis exclusionary?", ("Exclusion Criteria", "3")),
    ("NCT00195091", "Is concurrent herceptin allowed?", ("Inclusion Criteria", "13")),
    ("NCT00976573", "Are brain metastases exclusionary?", ("Exclusion Criteria", "3")),
    ("NCT02153944", "Is Raynaud syndrome exclusionary?", ("Exclusion Criteria", "3")),
    ("NCT02153944", "Can breastfeeding women take part?", ("Exclusion Criteria", "16")),
    ("NCT02981602", "Is liver cirrhosis exclusionary?", ("Exclusion Criteria", "2")),
    ("NCT03170388", "Can men with a beard join?", ("Exclusion Criteria", "4")),
    ("NCT03170388", "Is eczema on the face exclusionary?", ("Exclusion Criteria", "2")),
    ("NCT03337724", "Is HIV exclusionary?", ("Exclusion Criteria", "8")),
    ("NCT03019588", "Is an allergy to paclitaxel exclusionary?", ("Exclusion Criteria", "15")),
    ("NCT02487654", "Is amiodarone therapy exclusionary?", ("Exclusion Criteria", "5")),
    ("NCT03408730", "Is a tattoo exclusionary?", ("Exclusion Criteria", "11")),
    ("NCT01999868", "Is COPD exclusionary?", ("Exclusion Criteria", "4")),
]


@pytest.fixture(scope="module")
def app(demo_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, TrialQA]]:
    store = tmp_path_factory.mktemp("ui-api") / "store"
    shutil.copytree(demo_store, store)
    with running_app(store) as running:
        yield running


def ask(url: str, trial: str, question: str, auth: tuple[str, str] | None = None) -> dict[str, object]:
    client = Client(url, verbose=False, auth=auth)
    return dict(json.loads(client.predict(question, trial, "[]", api_name="/ask")))


def test_twenty_concurrent_clients_get_their_own_answers(app: tuple[str, TrialQA]) -> None:
    url, _ = app
    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(lambda q: ask(url, q[0], q[1]), QUESTIONS))

    assert len(answers) == 20
    for (trial, question, (section, criterion)), answer in zip(QUESTIONS, answers, strict=True):
        assert answer["question"] == question and answer["trial_id"] == trial
        first = answer["citations"][0]  # type: ignore[index]
        assert (first["trial_id"], first["section"], first["criterion"]) == (trial, section, criterion)


def test_upload_one_good_and_one_malformed_file(demo_store: Path, tmp_path: Path) -> None:
    good = tmp_path / "NCT09999999.json"
    record = json.loads((CTGOV / "NCT00195091.json").read_text())
    record["protocolSection"]["identificationModule"]["nctId"] = "NCT09999999"
    good.write_text(json.dumps(record))
    bad = tmp_path / "broken.json"
    bad.write_text('{"protocolSection": {"identificationModule": ')
    store = tmp_path / "store"
    shutil.copytree(demo_store, store)

    with running_app(store, web={"max_upload_bytes": 2_000_000, "admin": ":".join(ADMIN)}) as (url, qa):
        before = len(qa.trials())
        client = Client(url, verbose=False, auth=ADMIN)
        report = client.predict([handle_file(str(good)), handle_file(str(bad))], api_name="/ingest")[0]

        assert "NCT09999999: added" in report
        error_lines = [line for line in report.splitlines() if "broken.json" in line]
        assert len(error_lines) == 1 and "invalid JSON" in error_lines[0]
        assert len(qa.trials()) == before + 1
        answer = ask(url, "NCT09999999", "Is carcinomatous meningitis exclusionary?", auth=ADMIN)
        assert answer["verdict"] == "excluded"

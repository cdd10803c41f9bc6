"""Issue 15, web app: roles for writes, escaping, bounded work per request. Each test runs the real app
as its own process (`python app.py`, as `trialqa serve` does) and talks to it over HTTP with
gradio_client, or through Debian's Chromium where a page is involved."""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from gradio_client import Client, handle_file

from assistant.service import TrialQA
from assistant.settings import Settings
from tests.conftest import CTGOV
from tests.ui_server import CHROMIUM, ROOT, AppProcess, app_env, app_process, free_port, launch_chromium

ADMIN = ("site-admin", "admin-secret-1")
READER = ("reader", "reader-secret-1")
MENINGITIS = "Is carcinomatous meningitis exclusionary?"
MAX_QUESTION = 2000


# ---- helpers -------------------------------------------------------------------------------------
class _Counter(BaseHTTPRequestHandler):
    """Counts every request; answers 500 (a fake LLM endpoint, or a tracking-pixel host)."""

    hits: list[str]

    def _count(self) -> None:
        self.hits.append(self.path)
        self.send_response(500)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_POST = _count

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture()
def request_counter() -> Iterator[tuple[str, list[str]]]:
    hits: list[str] = []
    handler = type("Handler", (_Counter,), {"hits": hits})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()


def record(trial_id: str, criteria: str | None = None, drop: str | None = None) -> dict[str, Any]:
    """NCT00195091's record under another id, with its eligibility text replaced or a criterion dropped."""
    data = json.loads((CTGOV / "NCT00195091.json").read_text())
    data["protocolSection"]["identificationModule"]["nctId"] = trial_id
    module = data["protocolSection"]["eligibilityModule"]
    if criteria is not None:
        module["eligibilityCriteria"] = criteria
    if drop is not None:
        module["eligibilityCriteria"] = module["eligibilityCriteria"].replace(drop, "Serum bilirubin above normal.")
    return data


def ask(url: str, question: str, trial: str = "", history: str = "[]", auth: tuple[str, str] | None = None) -> Any:
    return json.loads(Client(url, verbose=False, auth=auth).predict(question, trial, history, api_name="/ask"))


def copy_store(demo_store: Path, target: Path) -> Path:
    shutil.copytree(demo_store, target)
    return target


@pytest.fixture(scope="module")
def open_app(demo_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppProcess]:
    """No login, no administrator: the deployment a public reader sees."""
    work = tmp_path_factory.mktemp("open-app")
    with app_process(copy_store(demo_store, work / "store"), work, web_client_questions_per_minute="5") as app:
        yield app


@pytest.fixture(scope="module")
def admin_app(demo_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppProcess]:
    work = tmp_path_factory.mktemp("admin-app")
    credentials = {"web_admin": ":".join(ADMIN), "web_auth": ":".join(READER)}
    with app_process(copy_store(demo_store, work / "store"), work, web_max_upload_trials="2", **credentials) as app:
        yield app


# ---- 1. writes need the administrator --------------------------------------------------------------
def test_anonymous_upload_cannot_replace_a_shared_trial(open_app: AppProcess, tmp_path: Path) -> None:
    edited = tmp_path / "NCT00195091.json"
    edited.write_text(json.dumps(record("NCT00195091", drop="Carcinomatous meningitis or history of")))
    assert ask(open_app.url, MENINGITIS, "NCT00195091")["verdict"] == "excluded"

    with pytest.raises(Exception, match=r"ingest|api_name|Cannot find"):
        Client(open_app.url, verbose=False).predict([handle_file(str(edited))], api_name="/ingest")

    assert ask(open_app.url, MENINGITIS, "NCT00195091")["verdict"] == "excluded"


def test_only_the_administrator_adds_trials_within_the_upload_limits(admin_app: AppProcess, tmp_path: Path) -> None:
    new = tmp_path / "NCT09999991.json"
    new.write_text(json.dumps(record("NCT09999991")))
    with pytest.raises(Exception):  # noqa: B017 - without a login the app serves nothing at all
        Client(admin_app.url, verbose=False)

    refused = Client(admin_app.url, verbose=False, auth=READER).predict([handle_file(str(new))], api_name="/ingest")
    assert "Only the administrator may add trials" in refused[0]
    trials = Client(admin_app.url, verbose=False, auth=READER).predict(api_name="/trials")
    assert "NCT09999991" not in {t["trial_id"] for t in trials}

    three = tmp_path / "three.ndjson"
    three.write_text("\n".join(json.dumps(record(f"NCT0999999{i}")) for i in (5, 6, 7)))
    admin = Client(admin_app.url, verbose=False, auth=ADMIN)
    over = admin.predict([handle_file(str(three))], api_name="/ingest")[0]
    assert "3 trials in this upload, over the limit of 2; nothing indexed" in over

    added = admin.predict([handle_file(str(new))], api_name="/ingest")[0]
    assert "NCT09999991: added" in added
    trials = admin.predict(api_name="/trials")
    ids = {t["trial_id"] for t in trials}
    assert "NCT09999991" in ids and not ids & {"NCT09999995", "NCT09999996", "NCT09999997"}


# ---- 3. expensive endpoints --------------------------------------------------------------------------
def test_anonymous_faq_and_evaluation_cost_no_model_call_and_leave_no_folder(
    demo_store: Path, tmp_path: Path, request_counter: tuple[str, list[str]]
) -> None:
    llm_url, llm_calls = request_counter
    llm = {"backend": "openai", "llm_base_url": llm_url + "/v1", "llm_model": "fake", "llm_api_key": "sk-test"}
    settings = {**llm, "llm_max_retries": "0", "web_client_faq_drafts_per_hour": "1"}
    with app_process(copy_store(demo_store, tmp_path / "store"), tmp_path, **settings) as app:
        client = Client(app.url, verbose=False)
        with pytest.raises(Exception, match=r"evaluate|api_name|Cannot find"):
            client.predict(api_name="/evaluate")
        draft = client.predict("NCT06839066", "", api_name="/faq")
        assert "NCT06839066" in draft and "offline backend" in draft
        again = client.predict("NCT06839066", "", api_name="/faq")
        assert again.startswith("At most 1 FAQ drafts an hour")
        left = sorted(p.name for p in app.tmp.iterdir())
    assert llm_calls == []
    assert not [name for name in left if name.startswith(("trialqa-eval-", "trialqa-faq-"))], left


# ---- 4. bounded work per request ----------------------------------------------------------------------
def test_an_oversized_question_is_refused_at_once(open_app: AppProcess) -> None:
    started = time.monotonic()
    with pytest.raises(Exception, match=f"limited to {MAX_QUESTION} characters; this one has 100000"):
        ask(open_app.url, "Is ILD exclusionary? " + "x" * (100_000 - 21), "NCT06839066")
    assert time.monotonic() - started < 3


def test_history_and_trial_id_are_bounded(open_app: AppProcess) -> None:
    with pytest.raises(Exception, match=r"history is \d+ characters; at most"):
        ask(open_app.url, "Is ILD exclusionary?", "NCT06839066", json.dumps(["and HIV?" * 1000] * 100))
    with pytest.raises(Exception, match="is not a trial id") as refused:
        ask(open_app.url, "Is ILD exclusionary?", "NCT" + "\uff10" * 8 + "9" * 100_000)
    assert len(str(refused.value)) < 300
    long_history = json.dumps([f"Is hepatitis {i} exclusionary?" for i in range(500)])
    assert ask(open_app.url, "Is ILD exclusionary?", "NCT06839066", long_history)["verdict"] == "excluded"


def test_one_conversation_is_rate_limited(open_app: AppProcess) -> None:
    client = Client(open_app.url, verbose=False)
    for _ in range(5):
        json.loads(client.predict("Is HIV exclusionary?", "NCT06839066", "[]", api_name="/ask"))
    with pytest.raises(Exception, match="asked 5 questions in a minute"):
        client.predict("Is HIV exclusionary?", "NCT06839066", "[]", api_name="/ask")
    assert ask(open_app.url, "Is HIV exclusionary?", "NCT06839066")["verdict"] == "excluded"  # others go on


def test_a_normal_user_keeps_answering_fast_while_eight_clients_flood(demo_store: Path, tmp_path: Path) -> None:
    """8 clients send the biggest questions they can (100 KB, then the 2,000 allowed characters) with no
    pause; a ninth asks ordinary questions one after another and must keep its p95 under 5 s."""
    with app_process(copy_store(demo_store, tmp_path / "store"), tmp_path, web_client_questions_per_minute="0") as app:
        stop = threading.Event()
        flood_answers: list[float] = []
        answered_by: set[int] = set()

        def flood(seed: int) -> None:
            client = Client(app.url, verbose=False)
            allowed = (f"Is interstitial lung disease {seed} exclusionary with inhaled steroids? " * 60)[:MAX_QUESTION]
            while not stop.is_set():
                for question in ("Is ILD exclusionary? " * 5000, allowed):
                    started = time.monotonic()
                    try:
                        client.predict(question, "NCT06839066", "[]", api_name="/ask")
                        flood_answers.append(time.monotonic() - started)
                        answered_by.add(seed)
                    except Exception:  # refusals are what a flood should get
                        pass

        normal = Client(app.url, verbose=False)
        with ThreadPoolExecutor(max_workers=8) as pool:
            for seed in range(8):
                pool.submit(flood, seed)
            deadline = time.monotonic() + 120
            while len(answered_by) < 8 and time.monotonic() < deadline:  # the flood is in full swing
                time.sleep(0.5)
            latencies = []
            for question in ["Is ILD exclusionary?", "Is HIV exclusionary?", "Can pregnant women take part?"] * 4:
                started = time.monotonic()
                answer = json.loads(normal.predict(question, "NCT06839066", "[]", api_name="/ask"))
                latencies.append(time.monotonic() - started)
                assert answer["question"] == question
            stop.set()
    p95 = statistics.quantiles(latencies, n=20, method="inclusive")[-1]
    assert flood_answers, "the flood never got an answer: the test measured nothing"
    assert p95 < 5.0, (p95, latencies)


# ---- 11. start-up and login --------------------------------------------------------------------------
def test_auth_without_a_colon_stops_start_up_with_one_clear_line(tmp_path: Path) -> None:
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = app_env(tmp_path / "store", tmp, free_port(), web_auth="justapassword")
    try:
        done = subprocess.run(
            [sys.executable, str(ROOT / "app.py")], cwd=ROOT, env=env, capture_output=True, text=True, timeout=90
        )
    except subprocess.TimeoutExpired:
        pytest.fail("the app started serving with TRIALQA_WEB_AUTH lacking a colon")
    assert done.returncode == 2
    expected = "trialqa serve: TRIALQA_WEB_AUTH must be user:password; the value has no colon"
    assert done.stderr.strip().splitlines() == [expected]
    assert "justapassword" not in done.stderr + done.stdout
    assert not (tmp_path / "store").exists()  # refused before anything was written


def test_failed_logins_are_rate_limited(admin_app: AppProcess) -> None:
    """Runs last of the admin_app tests: it blocks logins from 127.0.0.1 for the rest of the window."""

    def login(user: str, password: str) -> int:
        form = urllib.parse.urlencode({"username": user, "password": password}).encode()
        try:
            with urllib.request.urlopen(urllib.request.Request(admin_app.url + "login", data=form), timeout=10) as r:
                return int(r.status)
        except urllib.error.HTTPError as error:
            return int(error.code)

    assert login(*ADMIN) == 200
    assert [login(ADMIN[0], f"guess-{i}") for i in range(5)] == [400] * 5
    assert login(ADMIN[0], "guess-5") == 429
    assert login(*ADMIN) == 429  # even the right password waits out the window


# ---- fast unit tests of the guards ---------------------------------------------------------------------
def test_fair_gate_serves_the_least_served_session_first() -> None:
    from assistant.web.limits import FairGate

    gate = FairGate(slots=1, wait_s=10, per_session=1, per_address=100)
    order: list[str] = []
    with gate.slot("flooder", "here"):
        time.sleep(0.2)  # the flooder has used 0.2 s of answering
    release = threading.Event()

    def hold() -> None:
        with gate.slot("holder", "there"):
            release.wait(5)

    def wait_for_turn(session: str) -> None:
        with gate.slot(session, "here"):
            order.append(session)

    holder = threading.Thread(target=hold)
    holder.start()
    time.sleep(0.1)
    flooder = threading.Thread(target=wait_for_turn, args=("flooder",))
    flooder.start()  # asks first ...
    time.sleep(0.1)
    newcomer = threading.Thread(target=wait_for_turn, args=("newcomer",))
    newcomer.start()  # ... but the newcomer, who used nothing, is answered first
    time.sleep(0.1)
    release.set()
    for thread in (holder, flooder, newcomer):
        thread.join(5)
    assert order == ["newcomer", "flooder"]


def test_fair_gate_refuses_a_second_question_of_one_session_and_a_long_wait() -> None:
    from assistant.web.limits import FairGate, Refused

    gate = FairGate(slots=1, wait_s=0.2, per_session=1, per_address=100)
    with gate.slot("a", "here"):
        with pytest.raises(Refused, match="already has a question"), gate.slot("a", "here"):
            pass
        with pytest.raises(Refused, match="busy"), gate.slot("b", "here"):
            pass
    with gate.slot("b", "here"):  # nothing leaked: both can ask again
        pass


def test_chat_html_escapes_everything_and_links_only_the_registry() -> None:
    from assistant.web.render import chat_html

    html = chat_html(
        [
            {"role": "user", "content": '<img src=x onerror="alert(1)">'},
            {"role": "assistant", "content": '<a href="https://evil.example">enroll</a>', "trial_id": "NCT06839066"},
            {
                "role": "assistant",
                "content": "no link",
                "trial_id": "NCT\uff10\uff10\uff10\uff10\uff10\uff10\uff10\uff11",
            },
        ]
    )
    assert "<img" not in html and "&lt;img src=x" in html and 'evil.example">' not in html
    assert html.count("<a ") == 1 and 'href="https://clinicaltrials.gov/study/NCT06839066"' in html


@pytest.mark.parametrize("value", ["s3cr3t-no-colon", ":s3cr3t", "bob:", "  :s3cr3t"])
def test_credentials_need_a_user_and_a_password(value: str) -> None:
    from assistant.web.roles import CredentialsError, Roles

    with pytest.raises(CredentialsError, match="TRIALQA_WEB_ADMIN must be user:password") as refused:
        Roles.from_settings(Settings(web={"admin": value}))  # type: ignore[arg-type]
    assert "s3cr3t" not in str(refused.value)  # the message never repeats the secret


# ---- 2 and 11: what the page shows (Chromium) -----------------------------------------------------------
def _pick_trial(page: Any, trial_id: str) -> None:
    from playwright.sync_api import expect

    picker = page.locator("#trial-picker input")
    picker.click()
    picker.press("Control+a")
    picker.press("Backspace")
    picker.press_sequentially(trial_id, delay=20)
    options = page.locator("#trial-picker ul[role=listbox] li")
    expect(options).to_have_count(1, timeout=15_000)
    options.first.click()


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed (.ci/run installs it)")
def test_record_and_question_markup_stays_text_in_the_chat(
    demo_store: Path, tmp_path: Path, request_counter: tuple[str, list[str]]
) -> None:
    from playwright.sync_api import expect, sync_playwright

    tracker, fetched = request_counter
    store = copy_store(demo_store, tmp_path / "store")
    criteria = (
        "Inclusion Criteria:\n\n1. Adults with breast cancer.\n\nExclusion Criteria:\n\n"
        f'1. Carcinomatous meningitis <a href="https://evil.example/enroll">enroll here</a> '
        f'<img src="{tracker}/pixel.png"> [enroll now](https://evil.example/md) https://evil.example/bare\n'
        "2. Pregnancy.\n"
    )
    path = tmp_path / "NCT09999992.json"
    path.write_text(json.dumps(record("NCT09999992", criteria=criteria)))
    assert TrialQA(Settings.at(store)).ingest([path], show_progress=False).added == ["NCT09999992"]

    with app_process(store, tmp_path) as app, sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page(viewport={"width": 1280, "height": 1300})
        page.goto(app.url)
        _pick_trial(page, "NCT09999992")
        page.locator("#question textarea").fill(f'{MENINGITIS} <img src="{tracker}/question.png"> <b>bold</b>')
        page.locator("#ask").click()
        expect(page.locator("#verdict .verdict-badge")).to_have_attribute("data-verdict", "excluded", timeout=60_000)
        chat = page.locator("#chat")
        expect(chat).to_contain_text("enroll here</a>")  # the record's markup is shown as the text it is
        expect(chat).to_contain_text('<img src="')
        assert chat.locator("img, b").count() == 0
        hrefs = [a.get_attribute("href") for a in chat.locator("a").all()]
        assert hrefs == ["https://clinicaltrials.gov/study/NCT09999992"], hrefs
        page.wait_for_timeout(1000)
        browser.close()
    assert fetched == []


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed (.ci/run installs it)")
def test_pickers_list_trials_ingested_after_start_up(open_app: AppProcess, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    path = tmp_path / "NCT09999993.json"
    path.write_text(json.dumps(record("NCT09999993")))
    store = Path(app_env_store(open_app))
    assert TrialQA(Settings.at(store)).ingest([path], show_progress=False).added == ["NCT09999993"]

    with sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        page.goto(open_app.url)
        _pick_trial(page, "NCT09999993")  # `trialqa ingest` ran while the app was up
        browser.close()


def app_env_store(app: AppProcess) -> str:
    return str(app.tmp.parent / "store")

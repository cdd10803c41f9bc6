"""TrialQA web UI (Gradio): chat with cited answers, the trial view, adding trials, and the same
functions as a Gradio API for scripts. All answering goes through assistant.service.TrialQA.

Every request passes `assistant.web.guards.Guards` first: readers ask questions (bounded in size,
rate and share of the answerer); only the administrator (TRIALQA_WEB_ADMIN) changes the shared index,
runs the evaluation or drafts FAQs with the LLM. Everything shown that came from a record or a user
is escaped (assistant/web/render.py)."""

from __future__ import annotations

import importlib
import json
import os
import sys
from collections.abc import Iterator, Sequence
from html import escape
from pathlib import Path
from typing import Any

import gradio as gr
from starlette.middleware import Middleware

from assistant.extensions import AdminTab, Extension, admin_tabs
from assistant.index_signature import IndexSettingsChanged
from assistant.records import Answer, AnswerDelta, TrialListing
from assistant.service import TrialQA, UnknownTrialError
from assistant.settings import Settings
from assistant.web.guards import Guards
from assistant.web.limits import LoginThrottle, Refused
from assistant.web.render import (
    CSS,
    DISCLAIMER,
    LISTING_COLUMNS,
    chat_html,
    chat_text,
    listing_rows,
    sources_panel,
    trial_view,
    verdict_badge,
)
from assistant.web.roles import CredentialsError, Roles
from ingest.loaders import iter_inputs

ALL_TRIALS = ""
_QUEUE_SIZE = 256  # requests waiting in Gradio's queue; more are refused by Gradio itself
_CACHE_CLEANUP = (600, 600)  # Gradio's cache (uploads, returned files): every 10 min, files older than 10 min
_REPORT_LINE_CHARS = 300
UPLOADS_OFF = (
    "Adding trials through the web is turned off: the shared index changes only through "
    "`trialqa ingest PATH` on the server, or through the administrator's login (set TRIALQA_WEB_ADMIN=user:password)."
)


def trial_choices(qa: TrialQA) -> list[tuple[str, str]]:
    return [("All trials", ALL_TRIALS)] + [(f"{t.trial_id} - {t.title[:90]}", t.trial_id) for t in qa.trials()]


def _session() -> dict[str, Any]:
    # `listed`: the trial ids of the last listing (no trial chosen), so "the second one" and the table pick them.
    return {"turns": [], "questions": [], "trial_id": None, "answer": None, "listed": [], "listing": None}


def build_app(qa: TrialQA, guards: Guards | None = None, extra_admin_tabs: Sequence[AdminTab] = ()) -> gr.Blocks:
    """The whole UI; `extra_admin_tabs` come from extensions (the evaluation tab, from eval/), built after the
    app's own tabs and only when an administrator is configured."""
    guards = guards or Guards(qa.settings)
    expander = qa.retriever.expander
    keep_turns = 2 * max(1, qa.settings.questions.max_history)

    def render_trial(trial_id: str, answer: Answer | None = None) -> str:
        try:
            if not guards.trial_id(trial_id):
                return trial_view(None, [])
        except Refused as error:
            return f"<p>{escape(str(error))}</p>"
        criteria = [s.chunk for s in qa.retriever.lookup(trial_id, kind="criterion")]
        return trial_view(qa.trial(trial_id), criteria, answer.citations if answer else ())

    def respond(
        question: str, trial_id: str, session: dict[str, Any], request: gr.Request
    ) -> Iterator[tuple[Any, ...]]:
        turns = list(session["turns"])
        if not isinstance(question, str) or not question.strip():
            yield chat_html(turns), session, gr.update(), gr.update(), gr.update(), gr.update(), gr.update()
            return
        try:
            text = guards.question(question)
            turns = [*turns, {"role": "user", "content": text}][-keep_turns:]
            chosen = guards.trial_id(trial_id) or session["trial_id"]
            guards.count_question(request)
            answer: Answer | None = None
            with guards.answer_slot(request):
                # The model's text grows in the chat as it is generated (no badge or sources yet); the checked
                # Answer, last, replaces it: the model's answer, or the grounded offline answer with a notice.
                written = ""
                listed = session.get("listed") or []
                for event in qa.ask_stream(text, trial_id=chosen, history=session["questions"], listed=listed):
                    if isinstance(event, AnswerDelta):
                        written += event.text
                        partial = {"role": "assistant", "content": written, "trial_id": chosen or ""}
                        yield chat_html([*turns, partial][-keep_turns:]), session, "", "", gr.update(), "", gr.update()
                    else:
                        answer = event
            assert answer is not None, "ask_stream ends with an Answer"
        except (Refused, UnknownTrialError, IndexSettingsChanged) as error:
            shown = turns if turns and turns[-1]["role"] == "user" else [*turns, {"role": "user", "content": "…"}]
            turns = [*shown, {"role": "assistant", "content": str(error)}][-keep_turns:]
            yield chat_html(turns), {**session, "turns": turns}, "", "", gr.update(), gr.update(), gr.update()
            return
        kept_questions = [*session["questions"], text][-qa.settings.questions.max_history :]
        reply = {"role": "assistant", "content": chat_text(answer), "trial_id": answer.trial_id or ""}
        done = [*turns, reply][-keep_turns:]
        listing = answer if isinstance(answer, TrialListing) else None
        session = {
            "turns": done,
            "questions": kept_questions,
            "trial_id": answer.trial_id,
            "answer": answer,
            # a listing replaces the one before; an answer about one trial keeps it, so "the third one" still picks
            "listed": listing.listed if listing else session.get("listed") or [],
            "listing": listing or session.get("listing"),
        }
        labels = [c.label for c in answer.citations]
        trial = qa.trial(answer.trial_id) if answer.trial_id else None
        table = gr.update(value=listing_rows(listing), visible=True) if listing and listing.trials else gr.update()
        yield (
            chat_html(done),
            session,
            verdict_badge(answer),
            sources_panel(answer, trial, expander),
            gr.update(choices=labels, value=labels[0] if labels else None),
            "",
            table,
        )

    def open_cited(label: str | None, session: dict[str, Any]) -> tuple[Any, ...]:
        answer: Answer | None = session.get("answer")
        if answer is None or (not answer.citations and not answer.trial_id):
            return gr.Tabs(selected="trial"), gr.update(), "<p>Ask a question first.</p>"
        cited = [c for c in answer.citations if c.label == label] or answer.citations
        # A listing cites several trials: the trial view shows the one whose passage was picked.
        shown = answer.trial_id or cited[0].trial_id
        focus = answer.model_copy(update={"citations": [c for c in cited if c.trial_id == shown]})
        return gr.Tabs(selected="trial"), gr.update(value=shown), render_trial(shown, focus)

    def open_listed(session: dict[str, Any], event: gr.SelectData) -> tuple[Any, ...]:
        """A row of the listing picked: the trial view opens at that trial's cited passage, and the chat's trial
        becomes that trial, so the next question is answered about it."""
        listing: TrialListing | None = session.get("listing")
        row = event.index[0] if isinstance(event.index, (list, tuple)) else event.index
        if listing is None or not isinstance(row, int) or not 0 <= row < len(listing.trials):
            return gr.Tabs(selected="chat"), gr.update(), gr.update(), gr.update(), session
        entry = listing.trials[row]
        session = {**session, "trial_id": entry.trial_id, "answer": entry.answer}
        view_html = render_trial(entry.trial_id, entry.answer)
        return gr.Tabs(selected="trial"), gr.update(value=entry.trial_id), view_html, entry.trial_id, session

    with gr.Blocks(title="TrialQA", delete_cache=_CACHE_CLEANUP) as demo:
        gr.Markdown(f"# TrialQA\n{DISCLAIMER}  \nAnswer backend: **{qa.backend_name}**", elem_id="header")
        session = gr.State(_session())
        with gr.Tabs() as tabs:
            with gr.Tab("Chat", id="chat"):
                picker = gr.Dropdown(
                    trial_choices(qa),
                    value=ALL_TRIALS,
                    label="Trial (type an NCT id or words of the title)",
                    filterable=True,
                    num_choices_shown=1000,
                    elem_id="trial-picker",
                )
                chat = gr.HTML(chat_html([]), label="Conversation", elem_id="chat")
                listed = gr.Dataframe(
                    headers=LISTING_COLUMNS,
                    label="Trials that match (pick one to open it and ask about it)",
                    interactive=False,
                    wrap=True,
                    column_widths=["5%", "13%", "12%", "10%", "40%", "20%"],
                    visible=False,
                    elem_id="trial-list",
                )
                with gr.Row():
                    question = gr.Textbox(
                        label=f"Your question (at most {qa.settings.questions.max_chars} characters)",
                        placeholder="Is ILD exclusionary?",
                        max_length=qa.settings.questions.max_chars,
                        scale=5,
                        elem_id="question",
                    )
                    ask = gr.Button("Ask", variant="primary", scale=1, elem_id="ask")
                badge = gr.HTML(elem_id="verdict")
                sources = gr.HTML(elem_id="sources")
                with gr.Row():
                    cited = gr.Dropdown([], label="Cited passage", elem_id="cited-passage", scale=4)
                    show = gr.Button("Show in trial view", elem_id="show-in-trial", scale=1)
            with gr.Tab("Trial view", id="trial"):
                view_picker = gr.Dropdown(
                    trial_choices(qa), value=ALL_TRIALS, label="Trial", filterable=True, elem_id="view-picker"
                )
                view = gr.HTML(elem_id="trial-view")
            with gr.Tab("Add trials", id="add"):
                upload_parts = _upload_tab(qa, guards)
            faq_picker = _optional_tab("assistant.faq", "build_faq_tab", qa, guards)
            if guards.admin_configured:  # without an administrator there is no evaluation endpoint at all
                for admin_tab in extra_admin_tabs:
                    admin_tab(qa, guards)
        pickers = [picker, view_picker] + ([faq_picker] if faq_picker is not None else [])

        def refresh_pickers() -> tuple[Any, ...]:
            """Trials ingested since start-up (by the CLI or an upload) appear on the next page load."""
            choices = trial_choices(qa)
            faq = [gr.update(choices=choices[1:])] if faq_picker is not None else []
            return gr.update(choices=choices), gr.update(choices=choices), *faq

        outputs = [chat, session, badge, sources, cited, question, listed]
        for trigger in (ask.click, question.submit):
            trigger(respond, [question, picker, session], outputs, api_visibility="private", concurrency_limit=None)
        show.click(open_cited, [cited, session], [tabs, view_picker, view], api_visibility="private")
        listed.select(open_listed, [session], [tabs, view_picker, view, picker, session], api_visibility="private")
        view_picker.input(lambda t: render_trial(t), [view_picker], [view], api_visibility="private")
        demo.load(refresh_pickers, [], pickers, api_visibility="private")
        if upload_parts is not None:
            uploads, add, added = upload_parts

            def add_trials(files: list[str] | None, request: gr.Request) -> tuple[Any, ...]:
                try:
                    guards.require_admin(request, "add trials")
                    report = ingest_uploads(qa, [Path(f) for f in files or []])
                except Refused as error:
                    return (_report_html([str(error)]), *[gr.update() for _ in pickers])
                return (_report_html(report), *refresh_pickers())

            # one upload at a time: ingest is heavy and writes the shared index
            add.click(add_trials, [uploads], [added, *pickers], api_name="ingest", concurrency_limit=1)

        def ask_api(
            question: str,
            trial_id: str = "",
            history_json: str = "[]",
            request: gr.Request = None,  # type: ignore[assignment]
            listed_json: str = "[]",
        ) -> str:
            """Answer one question; returns the `trialqa ask --json` contract (with no trial: a trial_list).
            `listed_json`: the trial ids of the listing before, so "the second one" picks one of them."""
            try:
                return ask_json(qa, guards, question, trial_id, history_json, request, listed_json)
            except (Refused, UnknownTrialError, IndexSettingsChanged) as error:
                raise gr.Error(str(error), print_exception=False) from None

        def trials_api() -> list[dict[str, Any]]:
            """The indexed trials."""
            return [dict(t.__dict__) for t in qa.trials()]

        gr.api(ask_api, api_name="ask", concurrency_limit=None)
        gr.api(trials_api, api_name="trials")
    return demo


def ask_json(
    qa: TrialQA,
    guards: Guards,
    question: str,
    trial_id: str = "",
    history_json: str = "[]",
    request: Any = None,
    listed_json: str = "[]",
) -> str:
    """The `ask --json` contract over the Gradio API, with the same bounds as the chat."""
    text = guards.question(question)
    if not text:
        raise Refused("The question is empty.")
    chosen = guards.trial_id(trial_id)
    history = guards.history(history_json)
    listed = _listed_ids(guards, listed_json)
    guards.count_question(request)
    with guards.answer_slot(request):
        return qa.ask(text, trial_id=chosen, history=history, listed=listed).model_dump_json()


_MAX_LISTED = 100  # more than a listing page holds (at most 50)


def _listed_ids(guards: Guards, listed_json: str) -> list[str]:
    """The trial ids of the listing before, in order: a bounded JSON list of strict NCT ids."""
    if not isinstance(listed_json, str) or len(listed_json) > _MAX_LISTED * 16:
        raise Refused(f"The listed trials must be a JSON list of at most {_MAX_LISTED} trial ids.")
    try:
        items = json.loads(listed_json or "[]")
    except json.JSONDecodeError as error:
        raise Refused(f"The listed trials are not valid JSON ({error.msg}).") from None
    if not isinstance(items, list) or len(items) > _MAX_LISTED:
        raise Refused(f"The listed trials must be a JSON list of at most {_MAX_LISTED} trial ids.")
    return [t for t in (guards.trial_id(item) for item in items) if t]


def _upload_tab(qa: TrialQA, guards: Guards) -> tuple[gr.File, gr.Button, gr.HTML] | None:
    """The upload form for the administrator; without one, only a note saying how trials are added."""
    if not guards.admin_configured:
        gr.Markdown(UPLOADS_OFF, elem_id="add-report")
        return None
    limit_mb = qa.settings.web.max_upload_bytes // 1_000_000
    gr.Markdown(
        "Administrator only. Upload ClinicalTrials.gov records: API v2 JSON or NDJSON, classic XML, page text, "
        f"or a .zip of them (at most {limit_mb} MB a file and {qa.settings.web.max_upload_trials} trials an upload). "
        "Each trial is indexed whole or not at all, and replaces the trial of the same id for every user."
    )
    uploads = gr.File(file_count="multiple", label="Trial records", elem_id="uploads")
    add = gr.Button("Add to index", elem_id="add-trials")
    added = gr.HTML(elem_id="add-report")
    return uploads, add, added


def ingest_uploads(qa: TrialQA, files: list[Path]) -> list[str]:
    """Report lines for one upload; nothing is written when it is over the size or trial-count limit."""
    if not files:
        return ["No files uploaded."]
    limit = qa.settings.web.max_upload_bytes
    too_big = [f for f in files if f.stat().st_size > limit]
    lines = [
        f"{f.name}: {f.stat().st_size} bytes, over the upload limit of {limit} bytes; not indexed" for f in too_big
    ]
    accepted = [f for f in files if f not in too_big]
    trials = _count_trials(qa, accepted)
    if trials > qa.settings.web.max_upload_trials:
        return [
            f"{trials} trials in this upload, over the limit of {qa.settings.web.max_upload_trials}; nothing indexed."
        ]
    if accepted:
        report = qa.ingest(accepted, show_progress=False)
        lines += [f"error: {e}" for e in report.errors]
        lines += [f"{tid}: added" for tid in report.added] + [f"{tid}: replaced" for tid in report.replaced]
        lines += [f"{tid}: unchanged" for tid in report.unchanged]
        lines.insert(0, report.summary())
    return lines


def _count_trials(qa: TrialQA, files: list[Path]) -> int:
    """Trials the files hold, read before anything is written (parsing is cheap next to embedding)."""
    limits = {
        "max_file_bytes": qa.settings.ingest.max_file_bytes,
        "max_zip_members": qa.settings.ingest.max_zip_members,
    }
    total = 0
    for loaded in iter_inputs(files, **limits):
        total += len(loaded.trials)
        if total > qa.settings.web.max_upload_trials:
            break
    return total


def _report_html(lines: list[str]) -> str:
    """The upload report as escaped text: file names and errors come from the uploader."""
    cut = [line if len(line) <= _REPORT_LINE_CHARS else line[: _REPORT_LINE_CHARS - 1] + "…" for line in lines]
    return f'<pre class="add-report" style="white-space:pre-wrap">{escape(chr(10).join(cut))}</pre>'


def _optional_tab(module: str, function: str, qa: TrialQA, guards: Guards) -> Any:
    try:
        builder = getattr(importlib.import_module(module), function)
    except (ImportError, AttributeError):
        return None
    return builder(qa, guards)


def launch(demo: gr.Blocks, settings: Settings, **kwargs: Any) -> Any:
    roles: Roles = kwargs.pop("roles", None) or Roles.from_settings(settings)
    throttle = Middleware(
        LoginThrottle, failures=settings.web.login_failures_per_window, window_s=settings.web.login_window_s
    )  # fmt: skip
    demo.queue(default_concurrency_limit=8, max_size=_QUEUE_SIZE)
    return demo.launch(
        server_name=settings.web.host,
        server_port=settings.web.port,
        auth=roles.check_login if roles.login_required else None,
        auth_message="TrialQA: log in as a reader, or as the administrator to add trials.",
        max_file_size=settings.web.max_upload_bytes,
        app_kwargs={"middleware": [throttle]},
        # requests waiting for an answer slot hold a worker thread: one address never holds them all
        max_threads=settings.web.address_concurrency + 16,
        css=CSS,
        footer_links=[],
        show_error=True,
        **kwargs,
    )


def main(settings: Settings | None = None, extensions: Sequence[Extension] = ()) -> int:
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    settings = settings or Settings()
    try:
        guards = Guards(settings)  # credentials are checked before anything slow happens
    except CredentialsError as error:
        print(f"trialqa serve: {error}", file=sys.stderr)
        return 2
    qa = TrialQA(settings)
    report = qa.ensure_demo_data(show_progress=True)
    if report is not None:
        print(report.summary())
    print(f"TrialQA on http://{settings.web.host}:{settings.web.port} (backend: {qa.backend_name})", file=sys.stderr)
    launch(build_app(qa, guards, admin_tabs(extensions)), settings, roles=guards.roles)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

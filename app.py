"""TrialQA web UI (Gradio): chat with cited answers, the trial view, adding trials, and the same
functions as a Gradio API for scripts. All answering goes through assistant.service.TrialQA."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.records import Answer
from assistant.service import TrialQA, UnknownTrialError
from assistant.settings import Settings
from assistant.web.render import CSS, DISCLAIMER, chat_text, sources_panel, trial_view, verdict_badge

ALL_TRIALS = ""
_STREAM_STEPS = 8


def trial_choices(qa: TrialQA) -> list[tuple[str, str]]:
    return [("All trials", ALL_TRIALS)] + [(f"{t.trial_id} - {t.title[:90]}", t.trial_id) for t in qa.trials()]


def _session() -> dict[str, Any]:
    return {"questions": [], "trial_id": None, "answer": None}


def build_app(qa: TrialQA) -> gr.Blocks:
    expander = qa.retriever.expander

    def render_trial(trial_id: str, answer: Answer | None = None) -> str:
        criteria = [s.chunk for s in qa.retriever.lookup(trial_id, kind="criterion")] if trial_id else []
        return trial_view(qa.trial(trial_id) if trial_id else None, criteria, answer.citations if answer else ())

    def respond(
        question: str, trial_id: str, chat: list[dict[str, str]], session: dict[str, Any]
    ) -> Iterator[tuple[Any, ...]]:
        question = (question or "").strip()
        if not question:
            yield chat, session, gr.update(), gr.update(), gr.update(), ""
            return
        chat = [*chat, {"role": "user", "content": question}]
        try:
            answer = qa.ask(question, trial_id=trial_id or session["trial_id"], history=session["questions"])
        except UnknownTrialError as error:
            chat.append({"role": "assistant", "content": str(error)})
            yield chat, session, "", "", gr.update(), ""
            return
        session = {"questions": [*session["questions"], question], "trial_id": answer.trial_id, "answer": answer}
        words = chat_text(answer).split(" ")
        step = max(1, len(words) // _STREAM_STEPS)
        for end in range(step, len(words), step):  # stream the answer as it is written out
            yield [*chat, {"role": "assistant", "content": " ".join(words[:end])}], session, "", "", gr.update(), ""
        chat.append({"role": "assistant", "content": chat_text(answer)})
        labels = [c.label for c in answer.citations]
        trial = qa.trial(answer.trial_id) if answer.trial_id else None
        yield (
            chat,
            session,
            verdict_badge(answer),
            sources_panel(answer, trial, expander),
            gr.update(choices=labels, value=labels[0] if labels else None),
            "",
        )

    def open_cited(label: str | None, session: dict[str, Any]) -> tuple[Any, ...]:
        answer: Answer | None = session.get("answer")
        if answer is None or not answer.trial_id:
            return gr.Tabs(selected="trial"), gr.update(), "<p>Ask a question first.</p>"
        cited = [c for c in answer.citations if c.label == label] or answer.citations
        focus = answer.model_copy(update={"citations": cited})
        return gr.Tabs(selected="trial"), gr.update(value=answer.trial_id), render_trial(answer.trial_id, focus)

    def add_trials(files: list[str] | None) -> tuple[str, Any, Any]:
        report_md = ingest_uploads(qa, [Path(f) for f in files or []])
        choices = trial_choices(qa)
        return report_md, gr.update(choices=choices), gr.update(choices=choices)

    with gr.Blocks(title="TrialQA") as demo:
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
                chat = gr.Chatbot(label="Conversation", height=380, elem_id="chat")
                with gr.Row():
                    question = gr.Textbox(
                        label="Your question", placeholder="Is ILD exclusionary?", scale=5, elem_id="question"
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
                limit_mb = qa.settings.max_upload_bytes // 1_000_000
                gr.Markdown(
                    "Upload ClinicalTrials.gov records: API v2 JSON or NDJSON, classic XML, page text, or a .zip "
                    f"of them (at most {limit_mb} MB a file). Each trial is indexed whole or not at all."
                )
                uploads = gr.File(file_count="multiple", label="Trial records", elem_id="uploads")
                add = gr.Button("Add to index", elem_id="add-trials")
                added = gr.Markdown(elem_id="add-report")
            _optional_tab("assistant.faq", "build_faq_tab", qa)
            _optional_tab("eval.ui", "build_eval_tab", qa)
        outputs = [chat, session, badge, sources, cited, question]
        ask.click(respond, [question, picker, chat, session], outputs, api_visibility="private")
        question.submit(respond, [question, picker, chat, session], outputs, api_visibility="private")
        show.click(open_cited, [cited, session], [tabs, view_picker, view], api_visibility="private")
        view_picker.input(lambda t: render_trial(t), [view_picker], [view], api_visibility="private")
        add.click(add_trials, [uploads], [added, picker, view_picker], api_name="ingest")

        def ask_api(question: str, trial_id: str = "", history_json: str = "[]") -> str:
            """Answer one question; returns the `trialqa ask --json` contract."""
            return ask_json(qa, question, trial_id, history_json)

        def trials_api() -> list[dict[str, Any]]:
            """The indexed trials."""
            return [dict(t.__dict__) for t in qa.trials()]

        gr.api(ask_api, api_name="ask")
        gr.api(trials_api, api_name="trials")
    return demo


def ask_json(qa: TrialQA, question: str, trial_id: str = "", history_json: str = "[]") -> str:
    """The `ask --json` contract over the Gradio API."""
    history = json.loads(history_json or "[]")
    return qa.ask(question, trial_id=trial_id or None, history=history).model_dump_json()


def ingest_uploads(qa: TrialQA, files: list[Path]) -> str:
    if not files:
        return "No files uploaded."
    limit = qa.settings.max_upload_bytes
    too_big = [f for f in files if f.stat().st_size > limit]
    lines = [
        f"- {f.name}: {f.stat().st_size} bytes, over the upload limit of {limit} bytes; not indexed" for f in too_big
    ]
    accepted = [f for f in files if f not in too_big]
    if accepted:
        report = qa.ingest(accepted, show_progress=False)
        lines += [f"- error: {e}" for e in report.errors]
        lines += [f"- {tid}: added" for tid in report.added] + [f"- {tid}: replaced" for tid in report.replaced]
        lines += [f"- {tid}: unchanged" for tid in report.unchanged]
        lines.insert(0, report.summary())
    return "\n".join(lines)


def _optional_tab(module: str, function: str, qa: TrialQA) -> None:
    import importlib

    try:
        builder = getattr(importlib.import_module(module), function)
    except (ImportError, AttributeError):
        return
    builder(qa)


def launch(demo: gr.Blocks, settings: Settings, **kwargs: Any) -> Any:
    auth = None
    if settings.auth:
        user, _, password = settings.auth.partition(":")
        auth = (user, password)
    demo.queue(default_concurrency_limit=8)
    return demo.launch(
        server_name=settings.host,
        server_port=settings.port,
        auth=auth,
        max_file_size=settings.max_upload_bytes,
        css=CSS,
        footer_links=[],
        show_error=True,
        **kwargs,
    )


def main(settings: Settings | None = None) -> int:
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    settings = settings or Settings()
    qa = TrialQA(settings)
    report = qa.ensure_demo_data(show_progress=True)
    if report is not None:
        print(report.summary())
    print(f"TrialQA on http://{settings.host}:{settings.port} (backend: {qa.backend_name})", file=sys.stderr)
    launch(build_app(qa), settings)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

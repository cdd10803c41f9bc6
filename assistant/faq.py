"""Site FAQ drafting: a cited, plain-language FAQ per trial that study-site staff review and hand out.

Every answer comes from the same assistant (offline or LLM backend) and carries its citations; what
the registry cannot answer is listed under "Ask the study team" with the trial's contacts or sites.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from collections.abc import Sequence
from html import escape
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from assistant.records import Citation
from assistant.service import TrialQA
from assistant.settings import Settings
from ingest.chunking import EXCLUSION, INCLUSION
from ingest.records import Chunk, Trial

if TYPE_CHECKING:
    from assistant.web.guards import Guards


class FaqEntry(BaseModel):
    section: str
    question: str
    answer: str = Field(description="markdown; [n] refers to FaqDraft.passages")


class FaqDraft(BaseModel):
    trial_id: str
    title: str
    record_date: str | None
    record_version: str | None
    drafted_at: str
    backend: str
    entries: list[FaqEntry]
    ask_the_team: list[str]
    contacts: str
    passages: list[Citation]


def load_questions() -> list[dict[str, str]]:
    data = json.loads((resources.files("assistant") / "data" / "faq_questions.json").read_text())
    return list(data["questions"])


class _Passages:
    """One numbering of cited passages across the whole FAQ."""

    def __init__(self) -> None:
        self.items: list[Citation] = []

    def number(self, citation: Citation) -> int:
        for i, known in enumerate(self.items, start=1):
            if (known.chunk_id, known.quote) == (citation.chunk_id, citation.quote):
                return i
        self.items.append(citation)
        return len(self.items)

    def renumber(self, text: str, citations: Sequence[Citation]) -> str:
        mapping = {i: self.number(c) for i, c in enumerate(citations, start=1)}
        return re.sub(r"\[(\d+)\]", lambda m: f"[{mapping.get(int(m.group(1)), m.group(1))}]", text)


def draft_faq(qa: TrialQA, trial_id: str, sites_city: str | None = None, backend: str | None = None) -> FaqDraft:
    trial = qa.trial(trial_id)
    if trial is None:
        raise LookupError(f"{trial_id} is not in the index; run `trialqa ingest` on its record first")
    passages = _Passages()
    entries: list[FaqEntry] = []
    unanswered: list[str] = []
    backend_used = qa.backend_name if backend is None else backend
    for spec in load_questions():
        kind, question = spec["kind"], spec["question"]
        if kind == "eligibility":
            answer = _who_can_join(qa, trial, passages)
        elif kind == "exclusions":
            answer = _main_exclusions(qa, trial, passages)
        elif kind == "sites":
            answer = _sites(qa, trial, passages, sites_city)
        else:
            reply = qa.ask(question, trial_id=trial_id, backend=backend)
            backend_used = reply.backend
            answer = (
                None if reply.abstained or not reply.citations else passages.renumber(reply.answer, reply.citations)
            )
        if answer:
            entries.append(FaqEntry(section=spec["section"], question=question, answer=answer))
        else:
            unanswered.append(question)
    return FaqDraft(
        trial_id=trial.trial_id,
        title=trial.title,
        record_date=trial.record_date,
        record_version=trial.record_version,
        drafted_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        backend=backend_used,
        entries=entries,
        ask_the_team=unanswered,
        contacts=qa.offline._contacts_hint(trial.trial_id),
        passages=passages.items,
    )


def _cite(chunk: Chunk) -> Citation:
    return Citation.from_chunk(chunk)


def _short(text: str, limit: int = 140) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rsplit(" ", 1)[0] + "…"


def _who_can_join(qa: TrialQA, trial: Trial, passages: _Passages) -> str | None:
    facts = qa.retriever.lookup(trial.trial_id, facts=("minimum_age", "maximum_age", "sex", "healthy_volunteers"))
    names = {
        "minimum_age": "Minimum age",
        "maximum_age": "Maximum age",
        "sex": "Sex",
        "healthy_volunteers": "Healthy volunteers",
    }
    lines = [f"- {names[s.chunk.fact or '']}: {s.chunk.text} [{passages.number(_cite(s.chunk))}]" for s in facts]
    criteria = [s.chunk for s in qa.retriever.lookup(trial.trial_id, kind="criterion") if s.chunk.section == INCLUSION]
    if criteria:
        lines.append("- Key requirements (inclusion criteria):")
        lines += [f"  - Inclusion #{c.criterion}: {_short(c.text)} [{passages.number(_cite(c))}]" for c in criteria[:6]]
    return "\n".join(lines) or None


def _main_exclusions(qa: TrialQA, trial: Trial, passages: _Passages) -> str | None:
    criteria = [s.chunk for s in qa.retriever.lookup(trial.trial_id, kind="criterion") if s.chunk.section == EXCLUSION]
    if not criteria:
        return None
    lines = ["You cannot join if any of these applies (the study team checks each one):"]
    lines += [f"- Exclusion #{c.criterion}: {_short(c.text)} [{passages.number(_cite(c))}]" for c in criteria]
    return "\n".join(lines)


def _sites(qa: TrialQA, trial: Trial, passages: _Passages, city: str | None) -> str | None:
    chunks = {s.chunk.start: s.chunk for s in qa.retriever.lookup(trial.trial_id, kind="site")}
    by_city: dict[str, list[str]] = {}
    for site in trial.sites:
        chunk = chunks.get(site.start)
        if chunk is None or (city and city.lower() not in site.city.lower()):
            continue
        place = ", ".join(p for p in (site.city, site.state, site.country) if p) or "city not given"
        by_city.setdefault(place, []).append(f"{site.name} [{passages.number(_cite(chunk))}]")
    if not by_city:
        return None
    total = sum(len(names) for names in by_city.values())
    lines = [f"{total} site{'s' if total != 1 else ''}" + (f" in {city}" if city else "") + ", by city:"]
    lines += [f"- {place}: {'; '.join(names)}" for place, names in sorted(by_city.items())]
    return "\n".join(lines)


def stamp(draft: FaqDraft) -> str:
    version = f", version {draft.record_version}" if draft.record_version else ""
    return (
        f"Drafted {draft.drafted_at} from the registry record of {draft.trial_id} (record date "
        f"{draft.record_date or 'not given'}{version}) with the {draft.backend} backend. "
        "Answers come only from the registry text; review before handing out. Not medical advice."
    )


def render_markdown(draft: FaqDraft) -> str:
    lines = [f"# Frequently asked questions: {draft.trial_id}", "", f"**{draft.title}**", "", f"_{stamp(draft)}_", ""]
    section = None
    for entry in draft.entries:
        if entry.section != section:
            section = entry.section
            lines += [f"## {section}", ""]
        lines += [f"### {entry.question}", "", entry.answer, ""]
    if draft.ask_the_team:
        lines += ["## Ask the study team", "", "The registry record does not answer these questions:", ""]
        lines += [f"- {q}" for q in draft.ask_the_team] + ["", draft.contacts, ""]
    lines += ["## Cited passages", ""]
    for i, citation in enumerate(draft.passages, start=1):
        lines.append(f"{i}. {citation.label}: “{' '.join(citation.quote.split())}”")
    return "\n".join(lines) + "\n"


def markdown_to_html(text: str, title: str) -> str:
    from markdown_it import MarkdownIt

    body = MarkdownIt("commonmark", {"html": False}).render(text)  # html off: record text stays text
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{escape(title)}</title>"
        "<style>body{font-family:sans-serif;max-width:900px;margin:2em auto;line-height:1.45}</style></head>"
        f"<body>{body}</body></html>"
    )


def render_html(draft: FaqDraft) -> str:
    return markdown_to_html(render_markdown(draft), f"FAQ {draft.trial_id}")


def output_path(out: str | None, trial_id: str, several: bool) -> Path:
    if not out:
        return Path(f"faq-{trial_id}.md")
    path = Path(out)
    if several:
        return path.with_name(f"{path.stem}-{trial_id}{path.suffix or '.md'}")
    return path if path.suffix else path.with_suffix(".md")


def run(args: argparse.Namespace, settings: Settings) -> int:
    qa = TrialQA(settings)
    status = 0
    several = len(args.trial_ids) > 1
    for trial_id in args.trial_ids:
        try:
            draft = draft_faq(qa, trial_id.upper(), sites_city=args.sites, backend=args.backend)
        except LookupError as error:
            print(f"error: {error}", file=sys.stderr)
            status = 2
            continue
        path = output_path(args.out, draft.trial_id, several)
        path.write_text(render_html(draft) if path.suffix.lower() in {".html", ".htm"} else render_markdown(draft))
        print(f"{draft.trial_id}: {len(draft.entries)} answers, {len(draft.ask_the_team)} for the study team -> {path}")
    return status


_EXPORT_CHARS = 200_000  # a drafted FAQ is ~10,000 characters; exports past this are not written


def build_faq_tab(qa: TrialQA, guards: Guards | None = None) -> Any:
    """The "Site FAQ" tab: draft, edit, export (called inside the app's gr.Blocks); returns its trial
    picker so the app can refresh it. Readers draft with the offline backend only, a few drafts an
    hour; the administrator drafts with the configured backend (an LLM draft is ~24 model calls)."""
    import hashlib

    import gradio as gr

    from assistant.web.guards import Guards as WebGuards
    from assistant.web.limits import Refused

    web = guards or WebGuards(qa.settings)

    def make(trial_id: str, city: str, request: gr.Request) -> tuple[str, dict[str, Any]]:
        if not trial_id:
            return "Pick a trial first.", {}
        try:
            chosen = web.trial_id(trial_id)
            admin = web.is_admin(request)
            if not admin:
                web.count_faq_draft(request)
            with web.answer_slot(request):
                draft = draft_faq(qa, chosen or "", sites_city=(city or "")[:100] or None,
                                  backend=None if admin else "offline")  # fmt: skip
        except Refused as error:
            return str(error), {}
        return render_markdown(draft), draft.model_dump(mode="json")

    def export(text: str, meta: dict[str, Any], suffix: str) -> str | None:
        if not meta or not isinstance(text, str) or len(text) > _EXPORT_CHARS:  # an edited draft, not a payload
            return None
        draft = FaqDraft.model_validate(meta)
        if stamp(draft) not in text:  # an edited draft keeps its provenance stamp
            text = f"_{stamp(draft)}_\n\n{text}"
        body = markdown_to_html(text, f"FAQ {draft.trial_id}") if suffix == ".html" else text
        # one per-process folder, swept as it goes, instead of a new temporary folder per call
        digest = hashlib.sha256(body.encode()).hexdigest()[:12]
        return str(web.scratch.write(f"faq-{draft.trial_id}-{digest}{suffix}", body))

    # Gradio hands the request to a parameter typed gr.Request, found through typing.get_type_hints, which
    # cannot resolve "gr.Request" here (gradio is imported in this function, not the module): name it directly.
    make.__annotations__["request"] = gr.Request

    with gr.Tab("Site FAQ", id="faq"):
        choices = [(f"{t.trial_id} - {t.title[:90]}", t.trial_id) for t in qa.trials()]
        with gr.Row():
            trial = gr.Dropdown(choices, label="Trial", filterable=True, num_choices_shown=1000, elem_id="faq-trial")
            city = gr.Textbox(label="Only sites in this city (optional)", max_length=100, elem_id="faq-city")
            make_button = gr.Button("Draft FAQ", variant="primary", elem_id="faq-draft")
        meta = gr.State({})
        text = gr.Textbox(label="Draft (edit before export)", lines=24, elem_id="faq-text")
        with gr.Row():
            md_button = gr.Button("Export .md")
            html_button = gr.Button("Export .html")
        download = gr.File(label="Download", elem_id="faq-file")
        make_button.click(make, [trial, city], [text, meta], api_name="faq", concurrency_limit=None)
        md_button.click(lambda t, m: export(t, m, ".md"), [text, meta], [download], api_visibility="private")
        html_button.click(lambda t, m: export(t, m, ".html"), [text, meta], [download], api_visibility="private")
    return trial

"""HTML for the web UI: verdict badges, the sources panel and the trial view. Everything that comes
from a record or a user is escaped: record text is data and may contain markup or injection attempts."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from html import escape

from assistant.grounding import build_concepts, find_concept, word_spans
from assistant.records import Answer, Citation, TrialListing, Verdict
from assistant.retrieval import QueryExpander
from ingest.chunking import ELIGIBILITY
from ingest.records import Chunk, Trial

DISCLAIMER = (
    "Answers come only from the trial's registry text and are not medical advice. "
    "Whether you can join is decided by the study team."
)
_BADGE = {
    Verdict.EXCLUDED: ("excluded", "#b42318"),
    Verdict.ALLOWED: ("allowed", "#067647"),
    Verdict.ALLOWED_WITH_CONDITIONS: ("allowed with conditions", "#b54708"),
    Verdict.NOT_STATED: ("not stated", "#475467"),
}
CSS = """
.verdict-badge{display:inline-block;padding:4px 12px;border-radius:12px;color:#fff;font-weight:600}
.sources mark, .trial-view mark{background:#fde68a;padding:0 2px}
.trial-view .criterion{margin:2px 0;padding:2px 6px}
.trial-view .cited{outline:2px solid #f59e0b;background:#fffbeb}
.source{margin:6px 0;padding:6px;border-left:3px solid #94a3b8}
.chat-log{max-height:420px;overflow-y:auto;border:1px solid #e4e7ec;border-radius:8px;padding:8px}
.chat-log .turn{margin:6px 0;padding:8px 10px;border-radius:8px;white-space:pre-wrap;overflow-wrap:anywhere}
.chat-log .user{background:#eef4ff;margin-left:15%}
.chat-log .assistant{background:#f9fafb;margin-right:15%}
.chat-log .who{display:block;font-size:.8em;color:#475467}
"""
_NCT_ID = re.compile(r"NCT[0-9]{8}", re.ASCII)
REGISTRY = "https://clinicaltrials.gov/study/"


def anchor(trial_id: str, section: str, criterion: str | None) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", section.split()[0].lower() if criterion else section.lower()).strip("-")
    return f"{trial_id}-{slug}" + (f"-{criterion}" if criterion else "")


def verdict_badge(answer: Answer | None) -> str:
    if answer is None or answer.verdict is None:
        return ""
    label, colour = _BADGE[answer.verdict]
    return (
        f'<span class="verdict-badge" data-verdict="{answer.verdict.value}" style="background:{colour}">{label}</span>'
    )


def highlight(text: str, question: str, expander: QueryExpander) -> str:
    """Escaped text with the words the question asked about (and their synonyms) inside <mark>."""
    concepts = build_concepts(question, expander.groups, frozenset())
    words = word_spans(text)
    spans = sorted({(s.start, s.end) for c in concepts for s in find_concept(c, words)})
    out, cursor = [], 0
    for start, end in spans:
        if start < cursor:
            continue
        out += [escape(text[cursor:start]), "<mark>", escape(text[start:end]), "</mark>"]
        cursor = end
    out.append(escape(text[cursor:]))
    return "".join(out)


def sources_panel(answer: Answer | None, trial: Trial | None, expander: QueryExpander) -> str:
    if answer is None:
        return ""
    notice = f'<p class="notice">{escape(answer.notice)}</p>' if answer.notice else ""
    if not answer.citations:
        return f'<div class="sources">{notice}<p>No passage cited: the record does not answer this.</p></div>'
    record = ""
    if trial is not None:
        record = f"record date {escape(trial.record_date or 'not given')}"
        record += f", version {escape(trial.record_version)}" if trial.record_version else ""
    items = [
        f'<div class="source" data-label="{escape(c.label)}"><b>[{i}] {escape(c.label)}</b> '
        f"<small>({record})</small><br>“{highlight(c.quote, answer.question, expander)}”"
        f'<br><small data-anchor="{anchor(c.trial_id, c.section, c.criterion)}">pick it under “Cited passage” '
        "and press “Show in trial view” to read it in context</small></div>"
        for i, c in enumerate(answer.citations, start=1)
    ]
    return (
        f'<details class="sources" open><summary>Sources ({len(answer.citations)})</summary>'
        f"{notice}{''.join(items)}</details>"
    )


def registry_url(trial_id: str | None) -> str | None:
    """The trial's ClinicalTrials.gov page: the only link an answer carries, built from a strict id."""
    return f"{REGISTRY}{trial_id}" if trial_id and _NCT_ID.fullmatch(trial_id) else None


def chat_html(turns: Sequence[dict[str, str]]) -> str:
    """The conversation as escaped text: nothing a record or a user wrote becomes markup, a link or
    an image. The one link per answer is to the trial's registry page, built here, not taken from text."""
    parts = ['<div class="chat-log" role="log">']
    for turn in turns:
        role = "user" if turn.get("role") == "user" else "assistant"
        who = "You" if role == "user" else "TrialQA"
        link = registry_url(turn.get("trial_id")) if role == "assistant" else None
        registry = (
            f'\n<a class="registry" href="{link}" target="_blank" rel="noopener noreferrer nofollow">'
            f"{escape(turn.get('trial_id', ''))} on ClinicalTrials.gov</a>"
            if link
            else ""
        )
        parts.append(
            f'<div class="turn {role}"><span class="who">{who}</span>{escape(turn.get("content", ""))}{registry}</div>'
        )
    parts.append("</div>")
    return "".join(parts)


def chat_text(answer: Answer) -> str:
    lines = [answer.answer]
    if answer.citations:
        lines.append("Sources: " + "; ".join(f"[{i}] {c.label}" for i, c in enumerate(answer.citations, 1)))
    return "\n\n".join(lines)


def trial_view(trial: Trial | None, criteria: Sequence[Chunk], cited: Iterable[Citation] = ()) -> str:
    """The whole record by section, criteria numbered as cited; cited passages highlighted."""
    if trial is None:
        return "<p>Pick a trial.</p>"
    cited_anchors = {anchor(c.trial_id, c.section, c.criterion) for c in cited}
    cited_sections = {c.section for c in cited if c.criterion is None}
    parts = [f'<div class="trial-view"><h2>{escape(trial.trial_id)}: {escape(trial.title)}</h2>']
    parts.append(f"<p>record date {escape(trial.record_date or 'not given')}; source {escape(trial.source_format)}</p>")
    for section in trial.sections:
        section_id = anchor(trial.trial_id, section.heading, None)
        css = ' class="cited"' if section.heading in cited_sections else ""
        parts.append(f'<h3 id="{section_id}"{css}>{escape(section.heading)}</h3>')
        if section.heading == ELIGIBILITY and criteria:
            parts += [_criterion_html(c, cited_anchors) for c in criteria]
        else:
            parts.append(f"<pre style='white-space:pre-wrap'>{escape(section.text)}</pre>")
    parts.append("</div>")
    return "\n".join(parts)


def _criterion_html(chunk: Chunk, cited: set[str]) -> str:
    ident = anchor(chunk.trial_id, chunk.section, chunk.criterion)
    label = f"{chunk.section.split()[0]} #{chunk.criterion}"
    body = escape(chunk.text)
    if ident in cited:
        return f'<div id="{ident}" class="criterion cited"><b>{label}</b> <mark>{body}</mark></div>'
    return f'<div id="{ident}" class="criterion"><b>{label}</b> {body}</div>'


LISTING_COLUMNS = ["#", "trial", "verdict", "status", "title", "matching sites"]


def listing_rows(listing: TrialListing) -> list[list[str]]:
    """The listed trials as table rows (Gradio escapes cell text): number, id, its own verdict, status, title and
    the sites that matched the place asked."""
    first = (listing.page - 1) * listing.page_size + 1
    return [
        [
            str(number),
            entry.trial_id,
            _BADGE[entry.answer.verdict][0] if entry.answer.verdict else "",
            (entry.status or "").replace("_", " ").lower(),
            entry.title[:120],
            "; ".join(entry.sites[:3]) + (f" and {len(entry.sites) - 3} more" if len(entry.sites) > 3 else ""),
        ]
        for number, entry in enumerate(listing.trials, start=first)
    ]

"""The OpenAI-compatible backend: numbered passages in, an answer with [n] citations out, then checked.

After generation every [n] is checked against the passages given: numbers never given are removed,
quoted spans are kept only if they are exact substrings of a cited passage. With no valid citation
left, or when the endpoint fails after bounded retries, the offline answer is returned with a notice.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage, BaseMessageChunk, HumanMessage, SystemMessage
from pydantic import SecretStr

from assistant.intents import Intent
from assistant.offline import OfflineAnswerer, TrialDirectory
from assistant.prompts import load_prompt
from assistant.records import Answer, Citation, ScoredChunk, Verdict
from assistant.retrieval import HybridRetriever
from assistant.settings import Settings

log = logging.getLogger(__name__)
_MARKER = re.compile(r"\[(\d{1,3})\]")
_QUOTE = re.compile(r"[\"“]([^\"”]{8,})[\"”]")
_VERDICT_LINE = re.compile(r"^\s*VERDICT:\s*([a-z_ ]+)\s*$", re.IGNORECASE | re.MULTILINE)
_ANSWER_LINE = re.compile(r"^\s*ANSWER:\s*", re.IGNORECASE | re.MULTILINE)


def make_chat_model(settings: Settings) -> BaseChatModel:
    from langchain_openai import ChatOpenAI

    key = settings.llm_api_key or _env_api_key() or SecretStr("not-needed")
    return ChatOpenAI(
        model=settings.llm_model or "gpt-4o-mini",
        base_url=settings.llm_base_url,
        api_key=key,
        timeout=settings.llm_timeout_s,
        max_retries=settings.llm_max_retries,
        temperature=settings.llm_temperature,
    )


def _env_api_key() -> SecretStr | None:
    import os

    value = os.environ.get("OPENAI_API_KEY")
    return SecretStr(value) if value else None


@dataclass(frozen=True)
class CheckedReply:
    verdict: Verdict | None
    text: str
    citations: list[Citation]
    phantom: int


def render_passages(passages: Sequence[ScoredChunk]) -> str:
    template = load_prompt("passage")
    return "\n".join(
        template.format(n=i, label=s.chunk.label, text=_neutralise(s.chunk.text)) for i, s in enumerate(passages, 1)
    )


def _neutralise(text: str) -> str:
    """Document text cannot close its own passage or question tag and pose as prompt structure."""
    return re.sub(r"</?\s*(passage|question)\b[^>]*>", "[tag removed]", text, flags=re.IGNORECASE)


def build_messages(
    question: str, trial_id: str, title: str, passages: Sequence[ScoredChunk]
) -> list[SystemMessage | HumanMessage]:
    user = load_prompt("answer_user").format(
        trial_id=trial_id, title=title, passages=render_passages(passages), question=_neutralise(question)
    )
    return [SystemMessage(content=load_prompt("answer_system")), HumanMessage(content=user)]


def check_reply(reply: str, passages: Sequence[ScoredChunk]) -> CheckedReply:
    verdict_match = _VERDICT_LINE.search(reply)
    verdict = _parse_verdict(verdict_match.group(1)) if verdict_match else None
    answer_line = _ANSWER_LINE.search(reply)
    body = reply[answer_line.end() :] if answer_line else _VERDICT_LINE.sub("", reply)
    body = body.strip()
    phantom = 0
    used: dict[int, int] = {}

    def renumber(match: re.Match[str]) -> str:
        nonlocal phantom
        n = int(match.group(1))
        if not 1 <= n <= len(passages):
            phantom += 1
            return ""
        used.setdefault(n, len(used) + 1)
        return f"[{used[n]}]"

    body = re.sub(r"\s*\[(\d{1,3})\]", lambda m: (" " + r) if (r := renumber(m)) else "", body).strip()
    quotes = [q.group(1) for q in _QUOTE.finditer(body)]
    citations = []
    for n in used:
        chunk = passages[n - 1].chunk
        quote = next((q for q in quotes if q in chunk.text), chunk.text)
        offset = chunk.text.find(quote)
        citations.append(
            Citation(
                trial_id=chunk.trial_id,
                section=chunk.section,
                criterion=chunk.criterion,
                quote=quote,
                chunk_id=chunk.chunk_id,
                start=chunk.start + max(offset, 0),
            )
        )
    for quote in quotes:
        if not any(quote in passages[n - 1].chunk.text for n in used):
            body = body.replace(quote, f"{quote} (not found verbatim in the record)")
    return CheckedReply(verdict, body, citations, phantom)


def _parse_verdict(raw: str) -> Verdict | None:
    value = raw.strip().lower().replace(" ", "_")
    try:
        return Verdict(value)
    except ValueError:
        return None


class LLMAnswerer:
    def __init__(
        self,
        settings: Settings,
        retriever: HybridRetriever,
        directory: TrialDirectory,
        offline: OfflineAnswerer,
        chat_model: BaseChatModel | None = None,
    ) -> None:
        self.settings = settings
        self.retriever = retriever
        self.directory = directory
        self.offline = offline
        self.chat_model = chat_model or make_chat_model(settings)
        self.name = f"openai:{settings.llm_model or 'gpt-4o-mini'}"

    def answer(self, question: str, trial_id: str, intent: Intent) -> Answer:
        if intent.kind in ("injection", "out_of_scope"):
            # Declined without asking the model: a request to write a poem is not sent to it to be written.
            return self.offline.answer(question, trial_id, intent)
        grounded = self.offline.answer(question, trial_id, intent)
        passages = _passages_for(grounded, self.retriever.search(question, trial_id=trial_id), self.settings.top_k)
        trial = self.directory.get_trial(trial_id)
        messages = build_messages(question, trial_id, trial.title if trial else "", passages)
        try:
            reply = complete_reply(self.chat_model, messages)
        except IncompleteReply as error:
            log.warning("LLM reply incomplete: %s", error)
            return _with_notice(
                grounded, "The language model's reply was cut off before it finished; this is the offline answer."
            )
        except Exception as error:  # the endpoint's failure must never reach the user as a crash
            log.warning("LLM call failed: %s", type(error).__name__)
            return _with_notice(
                grounded, f"The language model did not answer ({_describe(error)}); this is the offline answer."
            )
        checked = check_reply(reply, passages)
        if not checked.citations:
            return _with_notice(
                grounded, "The language model's answer cited no passage it was given; this is the offline answer."
            )
        verdict = checked.verdict if intent.kind == "eligibility" else None
        return Answer(
            question=question,
            trial_id=trial_id,
            verdict=verdict,
            answer=checked.text,
            abstained=False,
            citations=checked.citations,
            backend=self.name,
            notice=f"{checked.phantom} citation(s) to passages never given were removed." if checked.phantom else None,
            intent=grounded.intent,
            retrieved=list(passages),
            dropped_citations=checked.phantom,
        )


class IncompleteReply(RuntimeError):
    """The model's reply stopped before the model said it was done (connection cut, token limit)."""


def complete_reply(chat_model: BaseChatModel, messages: Sequence[BaseMessage]) -> str:
    """The whole streamed reply, or IncompleteReply: a half answer can cite a passage yet mislead."""
    reply: BaseMessageChunk | None = None
    for part in chat_model.stream(messages):
        reply = part if reply is None else reply + part
    finish_reason = reply.response_metadata.get("finish_reason") if reply is not None else None
    if reply is None or finish_reason != "stop":
        raise IncompleteReply(f"reply cut off, finish_reason={finish_reason}")
    return str(reply.content)


def _passages_for(grounded: Answer, searched: list[ScoredChunk], k: int) -> list[ScoredChunk]:
    """The offline answer's own evidence first, so the model sees what grounded retrieval found."""
    cited = {c.chunk_id for c in grounded.citations}
    first = [s for s in grounded.retrieved if s.chunk.chunk_id in cited]
    rest = [s for s in grounded.retrieved + searched if s.chunk.chunk_id not in cited]
    seen: set[str] = set()
    ordered: list[ScoredChunk] = []
    for s in first + rest:
        if s.chunk.chunk_id not in seen:
            seen.add(s.chunk.chunk_id)
            ordered.append(s)
    return ordered[: max(k, len(first))]


def _with_notice(answer: Answer, notice: str) -> Answer:
    return answer.model_copy(update={"notice": notice})


def _describe(error: Exception) -> str:
    status = getattr(error, "status_code", None)
    name = type(error).__name__
    return f"HTTP {status}, {name}" if status else name

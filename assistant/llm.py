"""The OpenAI-compatible backend as a LangChain chain, streamed.

retriever -> prompt (prompts/) -> chat model asked for a JSON reply (`ModelReply`; a JSON schema in
`response_format` where the server supports it, a tolerant parser either way) -> citation and verdict check
-> `Answer`. Model, base URL and response format are settings, so OpenAI, vLLM, Ollama and llama.cpp's server
are configuration, not code.

The check trusts nothing the model says: cited numbers never given are removed, quotes are kept only if they
are exact substrings of the cited passage, a verdict must agree with the section of the criterion it cites
and with the offline reader's confident verdict on the same evidence, and a reply that says the record is
silent is an abstention (unless the offline reader found the deciding criterion). Anything else that fails
gives the grounded offline answer with a notice saying why.
"""

from __future__ import annotations

import json
import logging
import os
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage, BaseMessageChunk
from langchain_core.runnables import Runnable, RunnableLambda
from langchain_core.utils.json import parse_partial_json
from pydantic import BaseModel, Field, SecretStr

from assistant.intents import Intent
from assistant.offline import OfflineAnswerer, TrialDirectory
from assistant.prompts import answer_prompt, load_prompt
from assistant.records import Answer, Citation, ScoredChunk, Verdict
from assistant.records import AnswerDelta as AnswerDelta  # defined beside Answer; importable from here too
from assistant.records import AnswerEvent as AnswerEvent
from assistant.retrieval import PassageRetriever
from assistant.settings import Settings
from ingest.chunking import EXCLUSION, INCLUSION
from ingest.records import Chunk

log = logging.getLogger(__name__)
_MARKER = re.compile(r"\s*\[(\d{1,3})\]")
_QUOTE = re.compile(r"[\"“]([^\"”]{8,})[\"”]")
_VERDICT_LINE = re.compile(r"^\s*VERDICT:\s*([a-z_ ]+)\s*$", re.IGNORECASE | re.MULTILINE)
_ANSWER_LINE = re.compile(r"^\s*ANSWER:\s*", re.IGNORECASE | re.MULTILINE)
_SILENT = re.compile(
    r"\b(does not|doesn't|do not|don't|did not) (say|state|mention|specify|list|address|answer)"
    r"|\bnot (stated|mentioned|specified|listed)\b|\bno (information|mention)\b",
    re.IGNORECASE,
)
_STRUCTURAL_TAGS = re.compile(r"</?\s*(passage|question|record)\b[^>]*>", re.IGNORECASE)
_OFFLINE = "; this is the offline answer."
_CONFIDENT = (Verdict.EXCLUDED, Verdict.ALLOWED, Verdict.ALLOWED_WITH_CONDITIONS)
# A reply's verdict word, as the schema spells it; "none" means: not an eligibility question.
ReplyVerdict = Literal["excluded", "allowed", "allowed_with_conditions", "not_stated", "none"]


# ---- what the model is asked to return ------------------------------------------------------------------
class QuotedPassage(BaseModel):
    passage: int = Field(description="number n of the passage quoted")
    quote: str = Field(description="words copied exactly from passage n")


class ModelReply(BaseModel):
    """The reply's JSON schema (sent as response_format; its field order is the order a grammar generates)."""

    verdict: ReplyVerdict = Field(description="none when the question is not about whether someone can take part")
    # No maxLength: a grammar spells it out character by character (slow); the token limit bounds the reply.
    answer: str = Field(description="the answer in plain English with [n] citations")
    cited_passages: list[int] = Field(max_length=6, description="numbers of the passages the answer comes from")
    quotes: list[QuotedPassage] = Field(max_length=3, description="exact words from the cited passages")


def response_format(kind: str) -> dict[str, Any] | None:
    """The request's response_format for a server: OpenAI-style json_schema (OpenAI, vLLM, Ollama, llama.cpp's own
    llama-server), json_object with a schema (llama-cpp-python's server), or none (the prompt alone asks for JSON;
    the parser is tolerant)."""
    schema = ModelReply.model_json_schema()
    if kind == "json_schema":
        return {"type": "json_schema", "json_schema": {"name": "trial_answer", "schema": schema}}
    if kind == "json_object":
        return {"type": "json_object", "schema": schema}
    return None


def make_chat_model(settings: Settings) -> BaseChatModel:
    from langchain_openai import ChatOpenAI

    key = settings.llm.api_key or _env_api_key() or SecretStr("not-needed")
    return ChatOpenAI(
        model=settings.llm.model or "gpt-4o-mini",
        base_url=settings.llm.base_url,
        api_key=key,
        timeout=settings.llm.timeout_s,
        max_retries=settings.llm.max_retries,
        temperature=settings.llm.temperature,
        max_completion_tokens=settings.llm.max_tokens,
    )


def _env_api_key() -> SecretStr | None:
    value = os.environ.get("OPENAI_API_KEY")
    return SecretStr(value) if value else None


def _structured(chat_model: BaseChatModel, settings: Settings) -> Runnable[Any, Any]:
    """The chat model bound to the reply schema. Sent through extra_body so the reply still streams token by token
    (langchain-openai routes a top-level response_format through a non-streaming parse helper)."""
    fmt = response_format(settings.llm.response_format)
    if fmt is None:
        return chat_model
    extra: dict[str, Any] = {"response_format": fmt}
    if settings.llm.response_format == "json_object":
        # llama-cpp-python's server reads only the older max_tokens, not max_completion_tokens.
        extra["max_tokens"] = settings.llm.max_tokens
    return chat_model.bind(extra_body=extra)


# ---- prompt ---------------------------------------------------------------------------------------------
def render_passages(passages: Sequence[ScoredChunk]) -> str:
    template = load_prompt("passage")
    return "\n".join(
        template.format(n=i, label=s.chunk.label, text=_neutralise(s.chunk.text)) for i, s in enumerate(passages, 1)
    )


def _neutralise(text: str) -> str:
    """Record or question text cannot close its own passage, record or question tag and pose as prompt structure."""
    return _STRUCTURAL_TAGS.sub("[tag removed]", text)


def build_messages(question: str, trial_id: str, title: str, passages: Sequence[ScoredChunk]) -> list[BaseMessage]:
    values = {"trial_id": trial_id, "title": title, "passages": render_passages(passages)}
    values["question"] = _neutralise(question)
    return answer_prompt().invoke(values).to_messages()


# ---- tolerant parsing -------------------------------------------------------------------------------------
@dataclass
class ParsedReply:
    """What a reply says, however it was written (schema JSON, JSON in fences or after chatter, line format)."""

    verdict: str | None = None
    answer: str = ""
    cited: list[int] = field(default_factory=list)
    quotes: list[tuple[int | None, str]] = field(default_factory=list)


def _json_object(text: str) -> dict[str, Any] | None:
    start = text.find("{")
    if start < 0:
        return None
    body = text[start:]
    end = body.rfind("}")
    for candidate in (body[: end + 1], body) if end >= 0 else (body,):
        try:
            value = json.loads(candidate)
        except ValueError:
            value = parse_partial_json(candidate)
        if isinstance(value, dict):
            return value
    return None


def parse_reply(reply: str) -> ParsedReply:
    data = _json_object(reply)
    if data is not None and ("answer" in data or "verdict" in data):
        return _from_json(data)
    verdict_match = _VERDICT_LINE.search(reply)
    answer_line = _ANSWER_LINE.search(reply)
    body = reply[answer_line.end() :] if answer_line else _VERDICT_LINE.sub("", reply)
    return ParsedReply(verdict=verdict_match.group(1) if verdict_match else None, answer=body.strip())


def _from_json(data: dict[str, Any]) -> ParsedReply:
    parsed = ParsedReply(verdict=str(data.get("verdict") or "") or None, answer=str(data.get("answer") or "").strip())
    raw_cited = data.get("cited_passages") or []
    for item in raw_cited if isinstance(raw_cited, list) else [raw_cited]:
        number = _number(item)
        if number is not None:
            parsed.cited.append(number)
    raw_quotes = data.get("quotes") or []
    for item in raw_quotes if isinstance(raw_quotes, list) else [raw_quotes]:
        if isinstance(item, dict) and isinstance(item.get("quote"), str):
            parsed.quotes.append((_number(item.get("passage")), item["quote"]))
        elif isinstance(item, str):
            parsed.quotes.append((None, item))
    return parsed


def _number(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    match = re.fullmatch(r"\s*\[?(\d{1,3})\]?\s*", str(value))
    return int(match.group(1)) if match else None


def answer_so_far(reply: str) -> str | None:
    """The answer text of a reply still being generated (partial JSON or after ANSWER:), for streaming."""
    stripped = reply.lstrip()
    if stripped.startswith(("{", "```")):
        data = _json_object(stripped)
        value = data.get("answer") if data else None
        return value if isinstance(value, str) else None
    if "{" in stripped[:40]:
        return None  # chatter before the JSON object: nothing to show yet
    answer_line = _ANSWER_LINE.search(reply)
    if answer_line:
        return reply[answer_line.end() :]
    return None if _VERDICT_LINE.search(reply) or reply.lstrip().upper().startswith("VERDICT") else reply


# ---- checking ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CheckedReply:
    verdict: Verdict | None
    said_none: bool
    text: str
    citations: list[Citation]
    cited_chunks: list[Chunk]
    phantom: int
    silent: bool


def check_reply(reply: str, passages: Sequence[ScoredChunk]) -> CheckedReply:
    parsed = parse_reply(reply)
    phantoms: set[int] = set()
    used: dict[int, int] = {}

    def cite(n: int) -> int | None:
        if not 1 <= n <= len(passages):
            phantoms.add(n)
            return None
        used.setdefault(n, len(used) + 1)
        return used[n]

    def renumber(match: re.Match[str]) -> str:
        shown = cite(int(match.group(1)))
        return f" [{shown}]" if shown else ""

    body = _MARKER.sub(renumber, parsed.answer).strip()
    if not used:
        # Text without a single [n] of a given passage is uncited text, whatever cited_passages lists.
        return CheckedReply(
            _parse_verdict(parsed.verdict or ""),
            (parsed.verdict or "").strip().lower() == "none",
            body,
            [],
            [],
            len(phantoms | {n for n in parsed.cited if not 1 <= n <= len(passages)}),
            _says_silent(parsed),
        )
    for n in parsed.cited:
        if n not in used:
            cite(n)
    for quoted_n, _quote in parsed.quotes:
        if quoted_n is not None and quoted_n not in used:
            cite(quoted_n)
    quoted = [q.group(1) for q in _QUOTE.finditer(body)]
    offered = [(n, q) for n, q in parsed.quotes] + [(None, q) for q in quoted]
    citations = [_citation(passages[n - 1].chunk, n, offered) for n in used]
    for quote in quoted:
        if not any(quote in passages[n - 1].chunk.text for n in used):
            body = body.replace(quote, f"{quote} (not found verbatim in the record)")
    verdict = _parse_verdict(parsed.verdict or "")
    said_none = (parsed.verdict or "").strip().lower() == "none"
    chunks = [passages[n - 1].chunk for n in used]
    return CheckedReply(verdict, said_none, body, citations, chunks, len(phantoms), silent=False)


def _says_silent(parsed: ParsedReply) -> bool:
    """A reply citing nothing that says the record does not answer: verdict not_stated, "does not say", or a bare
    "none"/"unknown" (what a small model writes when it has nothing)."""
    text = parsed.answer.strip().strip(".").lower()
    return (
        (parsed.verdict or "").strip().lower() == "not_stated"
        or bool(_SILENT.search(parsed.answer))
        or text in {"", "none", "unknown", "n/a", "not stated", "no answer"}
    )


def _citation(chunk: Chunk, n: int, offered: Sequence[tuple[int | None, str]]) -> Citation:
    """The cited passage with the model's quote where that quote is its exact text, else the passage whole."""
    quote = next((q for m, q in offered if m in (n, None) and q.strip() and q in chunk.text), chunk.text)
    offset = chunk.text.find(quote)  # found: the quote is the passage or an exact substring of it
    return Citation.from_chunk(chunk, (offset, offset + len(quote)))


def _parse_verdict(raw: str) -> Verdict | None:
    value = raw.strip().lower().replace(" ", "_")
    try:
        return Verdict(value)
    except ValueError:
        return None


def verdict_conflict(verdict: Verdict | None, said_none: bool, cited: Sequence[Chunk], grounded: Answer) -> str | None:
    """Why an eligibility verdict contradicts its evidence, or None when it does not.

    The section a cited criterion sits in decides what it can support: an exclusion criterion cannot make
    someone allowed, and "excluded" needs an exclusion criterion. Where the offline reader reached a verdict
    from cited criteria on the same question, a model that says otherwise is not believed over the record.
    """
    sections = {c.section for c in cited}
    if verdict is Verdict.ALLOWED and EXCLUSION in sections:
        label = next(c.label for c in cited if c.section == EXCLUSION)
        return f"its verdict (allowed) contradicts the exclusion criterion it cites ({label.split(' - ')[-1]})"
    if verdict is Verdict.EXCLUDED and EXCLUSION not in sections:
        where = "an inclusion criterion" if INCLUSION in sections else "no exclusion criterion"
        return f"its verdict (excluded) rests on {where}"
    if verdict is None:
        return f"it gave {'none' if said_none else 'no verdict'} as the verdict on an eligibility question"
    withheld = _rests_on_withheld(verdict, cited, grounded)
    if withheld:
        return (
            f"its verdict (excluded) rests on {withheld}, which names what was told but does not say the asker's case "
            "is the one it means; that is quoted without a verdict"
        )
    confident = grounded.verdict in _CONFIDENT and grounded.citations and not grounded.notice
    if confident and verdict != grounded.verdict:
        said = verdict.value if verdict else ("none" if said_none else "no verdict")
        label = grounded.citations[0].label.split(" - ")[-1]
        return f"its verdict ({said}) contradicts {label}, which makes the answer {grounded.verdict.value}"  # type: ignore[union-attr]
    return None


def _rests_on_withheld(verdict: Verdict, cited: Sequence[Chunk], grounded: Answer) -> str | None:
    """The label of the exclusion an "excluded" rests on when every exclusion cited is one the offline reader quotes
    without a verdict (the `eligibility` settings' calibration): the model reads the same words, and on unseen
    records such verdicts were wrong about half the time, so the backend choice must not bring them back."""
    excluding = [c for c in cited if c.section == EXCLUSION]
    if verdict is not Verdict.EXCLUDED or grounded.verdict is Verdict.EXCLUDED or not excluding:
        return None
    if any(c.chunk_id not in grounded.withheld_passages for c in excluding):
        return None
    return excluding[0].label.split(" - ")[-1]


def _wrong_script(question: str, answer: str) -> bool:
    """An answer mostly in another script than the question (a small model drifting into another language)."""

    def latin_share(text: str) -> float:
        letters = [c for c in text if c.isalpha()]
        latin = [c for c in letters if unicodedata.name(c, "").startswith("LATIN")]
        return len(latin) / len(letters) if letters else 1.0

    return latin_share(question) > 0.8 and latin_share(answer) < 0.5


# ---- the chain ----------------------------------------------------------------------------------------------
@dataclass
class _Context:
    question: str
    trial_id: str
    intent: Intent
    grounded: Answer
    passages: list[ScoredChunk]
    title: str


class IncompleteReply(RuntimeError):
    """The model's reply stopped before the model said it was done (connection cut, token limit)."""


class LLMAnswerer:
    def __init__(
        self,
        settings: Settings,
        retriever: PassageRetriever,
        directory: TrialDirectory,
        offline: OfflineAnswerer,
        chat_model: BaseChatModel | None = None,
    ) -> None:
        self.settings = settings
        self.retriever = retriever
        self.directory = directory
        self.offline = offline
        self.chat_model = chat_model or make_chat_model(settings)
        self.name = f"openai:{settings.llm.model or 'gpt-4o-mini'}"
        # The chain's stages as runnables; `stream` runs them in order with the model's tokens passed through.
        self.gather: Runnable[dict[str, Any], _Context] = RunnableLambda(self._gather, name="retrieve")
        self.prompt = answer_prompt()
        self.model = _structured(self.chat_model, settings)
        self.validate: Runnable[tuple[_Context, str], Answer] = RunnableLambda(self._validate, name="check_citations")

    def answer(self, question: str, trial_id: str, intent: Intent) -> Answer:
        final: Answer | None = None
        for event in self.stream(question, trial_id, intent):
            if isinstance(event, Answer):
                final = event
        assert final is not None, "stream ends with an Answer"
        return final

    def stream(self, question: str, trial_id: str, intent: Intent) -> Iterator[AnswerEvent]:
        """The answer text as the model writes it (AnswerDelta), then the checked Answer, always last."""
        if intent.kind in ("injection", "out_of_scope"):
            # Declined without asking the model: a request to write a poem is not sent to it to be written.
            yield self.offline.answer(question, trial_id, intent)
            return
        context = self.gather.invoke({"question": question, "trial_id": trial_id, "intent": intent})
        messages = build_messages(question, trial_id, context.title, context.passages)
        reply: BaseMessageChunk | None = None
        shown = ""
        try:
            for part in self.model.stream(messages):
                reply = part if reply is None else reply + part
                text = answer_so_far(str(reply.content))
                if text and len(text) > len(shown) and text.startswith(shown):
                    yield AnswerDelta(text[len(shown) :])
                    shown = text
            content = finished_content(reply)
        except IncompleteReply as error:
            log.warning("LLM reply incomplete: %s", error)
            yield _with_notice(context.grounded, f"The language model's reply was cut off before it finished{_OFFLINE}")
            return
        except Exception as error:  # the endpoint's failure must never reach the user as a crash
            log.warning("LLM call failed: %s", type(error).__name__)
            yield _with_notice(context.grounded, f"The language model did not answer ({_describe(error)}){_OFFLINE}")
            return
        yield self.validate.invoke((context, content))

    def _gather(self, inputs: dict[str, Any]) -> _Context:
        question, trial_id, intent = inputs["question"], inputs["trial_id"], inputs["intent"]
        grounded = self.offline.answer(question, trial_id, intent)
        passages = _passages_for(
            grounded, self.retriever.search(question, trial_id=trial_id), self.settings.retrieval.top_k
        )
        trial = self.directory.get_trial(trial_id)
        return _Context(question, trial_id, intent, grounded, passages, trial.title if trial else "")

    def _validate(self, inputs: tuple[_Context, str]) -> Answer:
        context, content = inputs
        checked = check_reply(content, context.passages)
        grounded = context.grounded
        eligibility = context.intent.kind == "eligibility"
        if checked.silent:
            return self._abstention(context, checked)
        if not checked.citations:
            return _with_notice(grounded, f"The language model's answer cited no passage it was given{_OFFLINE}")
        if _wrong_script(context.question, checked.text):
            return _with_notice(grounded, f"The language model answered in another language{_OFFLINE}")
        conflict = verdict_conflict(checked.verdict, checked.said_none, checked.cited_chunks, grounded)
        if eligibility and conflict:
            return _with_notice(grounded, f"The language model's answer was not used: {conflict}{_OFFLINE}")
        return Answer(
            question=context.question,
            trial_id=context.trial_id,
            verdict=checked.verdict if eligibility else None,
            answer=checked.text,
            citations=checked.citations,
            backend=self.name,
            notice=f"{checked.phantom} citation(s) to passages never given were removed." if checked.phantom else None,
            intent=grounded.intent,
            retrieved=list(context.passages),
            dropped_citations=checked.phantom,
        )

    def _abstention(self, context: _Context, checked: CheckedReply) -> Answer:
        """The model says the record is silent: an outcome, unless the offline reader found the record answering it."""
        grounded = context.grounded
        if grounded.citations and not grounded.abstained:
            label = grounded.citations[0].label.split(" - ")[-1]
            return _with_notice(
                grounded, f"The language model said the record does not say, but {label} answers it{_OFFLINE}"
            )
        eligibility = context.intent.kind == "eligibility"
        # Fixed wording, not the model's: text that cites nothing is not shown as if the record said it.
        text = f"The passages of {context.trial_id}'s record I was given do not answer this."
        if eligibility:
            text += " That does not make it allowed; only the study team can confirm."
        return Answer(
            question=context.question,
            trial_id=context.trial_id,
            verdict=Verdict.NOT_STATED if eligibility else None,
            answer=f"{text} {self.offline._contacts_hint(context.trial_id)}",
            abstained=True,
            backend=self.name,
            intent=grounded.intent,
            retrieved=list(context.passages),
            dropped_citations=checked.phantom,
        )


def finished_content(reply: BaseMessageChunk | None) -> str:
    """The whole reply, or IncompleteReply: a half answer can cite a passage yet mislead."""
    finish_reason = reply.response_metadata.get("finish_reason") if reply is not None else None
    if reply is None or finish_reason != "stop":
        raise IncompleteReply(f"reply cut off, finish_reason={finish_reason}")
    return str(reply.content)


def complete_reply(chat_model: Runnable[Any, Any], messages: Sequence[BaseMessage]) -> str:
    """The whole streamed reply of a model, or IncompleteReply."""
    reply: BaseMessageChunk | None = None
    for part in chat_model.stream(messages):
        reply = part if reply is None else reply + part
    return finished_content(reply)


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

"""The LLM interviewer: one streamed call per answer decides whether to probe and speaks the probe.

The reply's first line is a decision read by us and never shown (`MOVE_ON`, or `PROBE <signal>`);
the follow-up streams after it, word by word, to `on_token`. A move-on costs one round trip and
a few tokens, and the stream is closed as soon as it is read.

Safeguards around the model:
- `remaining == 0`, or no answer yet: no call, no follow-up;
- the streamed words are held back one word, so that text revealing the rubric ("rubric",
  "score", "signal", "level 3", "3 out of 4", a scale label such as "Lean hire", or a signal id
  such as `delivery_metrics`) is caught before it is shown; the reply is then replaced;
- a follow-up that repeats one in `context.asked` is replaced too;
- an endpoint failure (LLMError), or no finished reply within `timeout` seconds, falls back to the
  scripted interviewer for that follow-up; the next follow-up tries the LLM again.

Whenever the scripted interviewer stands in, the reason is appended to `fallbacks` (nothing is
printed). If words were already streamed when that happens, the stand-in is not streamed: the
returned `Followup.text` is what was asked, and a screen should show it in place of the preview.
"""

import asyncio
import logging
import re
import secrets
from contextlib import aclosing
from dataclasses import dataclass
from pathlib import Path
from string import Template

from simulator.content.prompts import find_prompt as find_content_prompt
from simulator.content.prompts import load_two_part
from simulator.domain import Rubric
from simulator.interviewer.base import Followup, FollowupContext, Interviewer, TokenSink
from simulator.llm import ChatModel, LLMError, OpenAIChatModel, Prompt, resolve_settings

log = logging.getLogger(__name__)

TEMPLATE = "base"
DEFAULT_PERSONA = "default"

_CONTROL = re.compile(
    r"[\s*#`>]*(?P<word>probe|move[ _-]?on)\b[\s*`:=—–-]*(?P<signal>[\w-]*)[\s*`:=—–-]*(?P<inline>.*)",
    re.IGNORECASE,
)
_CONTROL_WORDS = ("probe", "move_on", "move on", "move-on")
_CONTROL_MAX = 80
"""Characters after which a first line still unfinished cannot be a decision line."""
_LEAK = (
    r"\b(?:rubrics?|scor(?:e|es|ed|ing)|signals?)\b",
    r"\blevels?\s*[1-4]\b",
    r"\b[1-4]\s*(?:/|out of)\s*4\b",
)
_QUOTES = '"“”'
_LEADING = " \t\r\n" + _QUOTES


class InterviewerUnavailable(Exception):
    """The LLM interviewer cannot run here; `offline` when no endpoint is configured at all."""

    def __init__(self, message: str, *, offline: bool = False) -> None:
        super().__init__(message)
        self.offline = offline


class ReplyUnusable(Exception):
    """The model answered, but its follow-up cannot be shown (it leaks the rubric, or repeats)."""


@dataclass(frozen=True)
class InterviewerTemplate:
    """`prompts/interviewer/base.md`: a system part (rules, persona: a stable prefix) and a user
    part (question, follow-ups asked, the answers last)."""

    system: Template
    user: Template
    source: Path

    ALLOWED = (
        frozenset({"round", "persona", "signals"}),
        frozenset({"round", "question", "guide", "asked", "remaining", "begin", "end", "answers"}),
    )
    REQUIRED = (frozenset({"persona"}), frozenset({"begin", "end", "answers"}))

    @classmethod
    def load(cls, path: Path | None = None) -> "InterviewerTemplate":
        """The given file, else the first `prompts/interviewer/base.md` on the content search path."""
        path = path or find_prompt(TEMPLATE)
        system, user = load_two_part(path, cls.ALLOWED, cls.REQUIRED)
        return cls(system, user, path)

    def system_message(self, round_type: str, persona: str, rubric: Rubric) -> str:
        signals = _render_signals(rubric, round_type)
        return self.system.substitute(round=round_type, persona=persona.strip(), signals=signals)

    def user_message(self, context: FollowupContext) -> str:
        q = context.question
        nonce = secrets.token_hex(6)
        return self.user.substitute(
            round=context.round_type,
            question=f"{q.text}\n(Company: {q.company}; context: {q.context}; level {q.level}.)",
            guide=_render_guide(context),
            asked="\n".join(f"{i}. {text}" for i, text in enumerate(context.asked, 1)) or "(none yet)",
            remaining=context.remaining,
            begin=f"<<<BEGIN CANDIDATE ANSWERS {nonce}>>>",
            end=f"<<<END CANDIDATE ANSWERS {nonce}>>>",
            answers=_render_answers(context.answers),
        ).rstrip()


@dataclass(frozen=True)
class _RoundSetup:
    """What every follow-up in one round type under one rubric shares."""

    system: str
    leak: re.Pattern[str]
    signals: frozenset[str]


class LLMInterviewer:
    name = "llm"

    def __init__(
        self,
        model: ChatModel,
        fallback: Interviewer,
        *,
        timeout: float,
        template: InterviewerTemplate | None = None,
    ) -> None:
        """`timeout`: seconds for a whole follow-up, retries included."""
        self.model = model
        self.fallback = fallback
        self.template = template or InterviewerTemplate.load()
        self.timeout = timeout
        self.fallbacks: list[str] = []
        """Why the scripted interviewer stood in, one entry per follow-up it supplied."""
        self.failures: list[str] = []
        """The fallbacks the endpoint caused (not an unusable reply): the engine then lets the
        scripted interviewer ask for the rest of the session."""
        find_prompt(DEFAULT_PERSONA)  # fail now, not mid-loop, when even the default persona is missing
        self._rounds: dict[tuple[str, str], _RoundSetup] = {}

    async def aclose(self) -> None:
        await self.model.aclose()

    async def followup(self, context: FollowupContext, on_token: TokenSink | None = None) -> Followup | None:
        if context.remaining <= 0 or not any(answer.strip() for answer in context.answers):
            return None
        setup = self._setup(context)
        reply = _Reply(context, setup, on_token)
        try:
            async with asyncio.timeout(self.timeout):
                return await self._ask(setup, context, reply)
        except (LLMError, ReplyUnusable, TimeoutError) as exc:
            reason = str(exc) or f"no reply within {self.timeout:g} s"
            self.fallbacks.append(reason)
            if not isinstance(exc, ReplyUnusable):
                self.failures.append(reason)
            log.info("LLM follow-up replaced by the scripted one: %s", reason)
            return await self.fallback.followup(context, None if reply.shown else on_token)

    async def _ask(self, setup: _RoundSetup, context: FollowupContext, reply: "_Reply") -> Followup | None:
        prompt = Prompt.ask(setup.system, self.template.user_message(context))
        async with aclosing(self.model.stream(prompt)) as stream:
            async for delta in stream:
                if not reply.feed(delta):
                    break
        return reply.finish()

    def _setup(self, context: FollowupContext) -> _RoundSetup:
        key = (context.rubric.id, context.round_type)
        if key not in self._rounds:
            rubric, round_type = context.rubric, context.round_type
            persona = _persona_path(round_type).read_text(encoding="utf-8")
            spec = rubric.round_for(round_type)
            self._rounds[key] = _RoundSetup(
                system=self.template.system_message(round_type, persona, rubric),
                leak=_leak_pattern(rubric),
                signals=frozenset(spec.signals if spec else ()),
            )
        return self._rounds[key]


class _Reply:
    """Reads the streamed reply: the decision line, then the follow-up, shown a word behind."""

    def __init__(self, context: FollowupContext, setup: _RoundSetup, on_token: TokenSink | None) -> None:
        self.context = context
        self.leak = setup.leak
        self.known = setup.signals | set(context.question.signals)
        self.on_token = on_token
        self.raw = ""
        self.decided = False
        self.move_on = False
        self.signal: str | None = None
        self.text = ""
        self.shown = 0
        """Characters of the follow-up (after its leading blanks) already passed to `on_token`."""

    def feed(self, delta: str) -> bool:
        """Take a piece of the reply; False once the rest is not needed (the model moved on)."""
        if self.decided:
            self.text += delta
        else:
            self.raw += delta
            self._decide(final=False)
        if not self.move_on:
            self._show(final=False)
        return not self.move_on

    def finish(self) -> Followup | None:
        if not self.decided:
            self._decide(final=True)
        if self.move_on:
            return None
        text = self._show(final=True)
        if not text:
            raise ReplyUnusable("the model chose to probe but asked nothing")
        if _normal(text) in {_normal(asked) for asked in self.context.asked}:
            raise ReplyUnusable("the model repeated a follow-up already asked")
        return Followup(text=text, signal=self.signal)

    def _decide(self, final: bool) -> None:
        raw = self.raw.lstrip()
        head, newline, rest = raw.partition("\n")
        word = head.lstrip(" \t*#`>").lower()
        maybe = any(w.startswith(word) or word.startswith(w) for w in _CONTROL_WORDS)
        if not (newline or final) and maybe and len(head) < _CONTROL_MAX:
            return  # wait for the end of the first line
        self.decided = True
        match = _CONTROL.match(head) if maybe else None
        if match is None:  # no decision line: the whole reply is the follow-up
            self.text = raw
            return
        self.move_on = match["word"].lower() != "probe"
        if match["signal"] in self.known:
            self.signal, inline = match["signal"], match["inline"]
        else:  # `PROBE none`, or the question began on the decision line (`PROBE: Which call...`)
            inline = head[match.start("signal") :] if match["inline"] else ""
        self.text = f"{inline}{newline}{rest}" if inline else rest

    def _show(self, final: bool) -> str:
        """Pass on the words now safe to show; at the end, return the whole follow-up."""
        start = len(self.text) - len(self.text.lstrip(_LEADING))
        if final:
            body = self.text[start:].rstrip()
            if any(char in _QUOTES for char in self.text[:start]):
                body = body.rstrip(_QUOTES).rstrip()
            end = start + len(body)
        else:
            gap = max(self.text.rfind(" ", start), self.text.rfind("\n", start), self.text.rfind("\t", start))
            end = gap if gap > start else start
        if self.leak.search(self.text, start, end):
            raise ReplyUnusable("the model's follow-up gave away how answers are assessed")
        end = max(end, start + self.shown)
        if self.on_token is not None and end > start + self.shown:
            self.on_token(self.text[start + self.shown : end])
        self.shown = end - start
        return self.text[start:end]


def make_llm_interviewer(fallback: Interviewer, **llm_overrides: str | float | None) -> LLMInterviewer:
    """An LLM interviewer on the configured endpoint (`llm_overrides`: the LLM flags given): the
    interviewer role's model on a session of its own, a follow-up bounded by the request deadline.
    `await it.aclose()` when done.

    Raises InterviewerUnavailable saying why not: offline, bad settings, or a broken prompt file.
    """
    try:
        settings = resolve_settings(flags=llm_overrides)
    except LLMError as exc:
        raise InterviewerUnavailable(str(exc)) from None
    if not settings.is_configured:
        raise InterviewerUnavailable(
            "the LLM interviewer needs an endpoint: set OPENAI_API_KEY (and OPENAI_BASE_URL for a "
            "local server) or run `mockloop doctor`; without one, use --interviewer scripted",
            offline=True,
        )
    try:
        model = OpenAIChatModel.for_role(settings, "interviewer")
        return LLMInterviewer(model, fallback, timeout=settings.timeout)
    except (OSError, ValueError) as exc:  # a missing or malformed prompts/interviewer/ file
        raise InterviewerUnavailable(str(exc)) from None


def find_prompt(name: str) -> Path:
    """The first `prompts/interviewer/<name>.md` on the content search path."""
    return find_content_prompt(Path("interviewer") / f"{name}.md")


def _persona_path(round_type: str) -> Path:
    """The round type's persona, else the default one."""
    try:
        return find_prompt(round_type)
    except FileNotFoundError:
        return find_prompt(DEFAULT_PERSONA)


def _leak_pattern(rubric: Rubric) -> re.Pattern[str]:
    """Words that give away the assessment. Signal ids are matched only when they cannot be plain
    English (`delivery_metrics`): `ownership` or `positioning` are words an interviewer may say."""
    ids = [re.escape(signal_id) for signal_id in rubric.signals if "_" in signal_id]
    labels = [r"\s+".join(map(re.escape, label.split())) for label in rubric.scale.values()]
    terms = [*_LEAK, *(rf"\b{term}\b" for term in ids + labels)]
    return re.compile("|".join(terms), re.IGNORECASE)


def _render_signals(rubric: Rubric, round_type: str) -> str:
    spec = rubric.round_for(round_type)
    if spec is None:
        return "(this round type has no list; listen for what the question asks)"
    lines = []
    for signal_id in spec.signals:
        signal = rubric.signals.get(signal_id)
        lines.append(f"- {signal_id}: {signal.name}. {signal.description.strip()}" if signal else f"- {signal_id}")
    return "\n".join(lines)


def _render_guide(context: FollowupContext) -> str:
    question = context.question
    parts = []
    if question.outline:
        parts.append("What a strong answer covers:\n" + "\n".join(f"- {point}" for point in question.outline))
    parts.append(
        "Follow-ups the question's author suggests, each with the item it digs into (rephrase them "
        "to fit what the candidate said):\n" + "\n".join(f"- [{p.signal}] {p.text}" for p in question.probes)
    )
    return "\n" + "\n\n".join(parts) + "\n"


def _render_answers(answers: tuple[str, ...]) -> str:
    blocks = []
    for i, answer in enumerate(answers):
        label = "Answer to the question" if i == 0 else f"Answer to follow-up {i}"
        blocks.append(f"[{label}]\n{answer.strip()}")
    return "\n\n".join(blocks)


def _normal(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())

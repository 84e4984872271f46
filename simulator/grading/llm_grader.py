"""The LLM grader: one structured call per round grades every signal of the round.

Safeguards around the model:
- every quote it returns is looked up in the answer; the exact substring is kept, a quote that
  is not there is dropped, counted (`dropped_quotes`) and flagged `dropped-quotes`;
- text the offline detectors flag as addressed to the grader (in the answer or in the question)
  is removed from what the model sees, the round is flagged `prompt-injection`, every signal is
  capped at the rubric's `decision.integrity_cap` and at the offline grade of that signal (with a
  fallback grader to give one): an injection can gain nothing;
- the question, like the answer, sits between delimiter lines declared to be data;
- a 3 or 4 with no verified quote for that signal is capped at 2 and the round is flagged
  `unquoted-score-capped`;
- with `samples=k` the round is graded k times: the median score per signal over the samples that
  replied usably, `spread` = max-min, `samples` = how many were asked and how many were valid (the
  round falls back only when none was);
- the round's overall score follows the rubric's round rule, shared with the offline grader;
- when the endpoint fails (retries exhausted, bad output, offline) and a fallback grader is
  given, its grade is returned marked `offline-fallback` with the reason.
"""

import asyncio
import bisect
import functools
import logging
import math
import re
import secrets
import statistics
from collections.abc import Awaitable, Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from string import Template
from typing import Any, ClassVar, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, create_model

from simulator.content.prompts import find_prompt, load_two_part
from simulator.domain import OverallScore, RoundGrade, Rubric, RubricRound, SignalGrade
from simulator.domain.rubric import LEVELS
from simulator.grading.base import Grader, GradeRequest
from simulator.grading.detectors import find_injection
from simulator.grading.scoring import overall_score
from simulator.llm import ChatModel, Completion, LLMAuthError, LLMError, Prompt, Usage

log = logging.getLogger(__name__)
T = TypeVar("T")

TEMPLATE_PATH = Path("grader") / "grade.md"
REDACTED = "[removed: text addressed to the grader]"
HINT_SHARE = 0.5
"""The offline hints shown to the model add up to at most this share of the answer's length."""
QUOTE_NEEDED_ABOVE = 2
"""A score above this needs at least one verified quote for its signal."""
UNQUOTED = "unquoted-score-capped"

Hints = Mapping[str, Sequence[str]]
HintSource = Callable[[GradeRequest, Rubric], Awaitable[Hints]]
"""Evidence quotes per signal for a request, e.g. from the offline grader (`evidence_hints`)."""


class SignalAssessment(BaseModel):
    """One signal: the reasoning first, then the score, then verbatim quotes from the answer, then
    what this answer would need one level up (asked for; a reply without it keeps the rubric's text)."""

    model_config = ConfigDict(extra="forbid")

    reasoning: str
    score: Literal[1, 2, 3, 4]
    evidence: list[str]
    next_level: str = ""


@cache
def assessment_model(signal_ids: tuple[str, ...]) -> type[BaseModel]:
    """The reply schema of a round: one required `SignalAssessment` per signal id."""
    fields: dict[str, Any] = {
        f"signal_{i}": (SignalAssessment, Field(alias=signal_id)) for i, signal_id in enumerate(signal_ids)
    }
    return create_model("RoundAssessment", __config__=ConfigDict(extra="forbid"), **fields)


@dataclass(frozen=True)
class GradeTemplate:
    """`prompts/grader/grade.md`: a system part (stable prefix) and a user part (answer last)."""

    system: Template
    user: Template
    source: Path

    ALLOWED = (
        frozenset({"rubric_title", "round", "scale", "signals"}),
        frozenset({"question", "hints", "begin", "end", "answer"}),
    )
    REQUIRED = (frozenset({"signals"}), frozenset({"question", "begin", "end", "answer"}))

    @classmethod
    def load(cls, path: Path | None = None) -> "GradeTemplate":
        """The given file, else the first `prompts/grader/grade.md` on the content search path."""
        path = path or find_prompt(TEMPLATE_PATH)
        system, user = load_two_part(path, cls.ALLOWED, cls.REQUIRED)
        return cls(system, user, path)

    def prompt(
        self,
        *,
        rubric: Rubric,
        request: GradeRequest,
        answer: str,
        hints: Mapping[str, list[str]],
        question: str | None = None,
    ) -> Prompt:
        """`answer` and `question` are what the model may see of `request.answer` and
        `request.question` (injected text removed)."""
        spec = rubric.rounds[request.round]
        nonce = secrets.token_hex(6)
        system = self.system.substitute(
            rubric_title=f"{rubric.title} ({rubric.id})",
            round=request.round,
            scale="\n".join(f"{level} = {label}" for level, label in sorted(rubric.scale.items())),
            signals=_render_signals(rubric, spec),
        )
        user = self.user.substitute(
            question=_render_question(request, request.question if question is None else question, nonce),
            hints=_render_hints(hints),
            begin=f"<<<BEGIN ANSWER {nonce}>>>",
            end=f"<<<END ANSWER {nonce}>>>",
            answer=answer,
        )
        return Prompt.ask(system, user.rstrip())


class LLMGrader:
    name = "llm"

    def __init__(
        self,
        model: ChatModel,
        *,
        samples: int = 1,
        fallback: Grader | None = None,
        hints: HintSource | None = None,
        template: GradeTemplate | None = None,
    ) -> None:
        if samples < 1:
            raise ValueError("samples must be at least 1")
        self.model = model
        self.samples = samples
        self.fallback = fallback
        self.hints = hints
        self.template = template or GradeTemplate.load()

    @property
    def rounds_in_flight(self) -> int:
        """How many rounds to grade at once: one per request slot, and a few more whose hints are
        ready the moment a slot frees up."""
        slots = self.model.concurrency
        return slots + max(2, slots // 4)

    async def aclose(self) -> None:
        await self.model.aclose()

    async def grade(self, request: GradeRequest, rubric: Rubric) -> RoundGrade:
        """Raises LLMError only when the endpoint fails and there is no fallback grader, and
        LLMAuthError when the server refused the key (no fallback: the whole run must stop)."""
        spec = rubric.round_for(request.round)
        if spec is None:
            raise ValueError(f"rubric {rubric.id!r} does not grade round type {request.round!r}")
        tally = Usage()
        try:
            return await self._grade(request, rubric, spec, tally)
        except LLMAuthError:
            raise
        except LLMError as exc:
            if self.fallback is None:
                raise
            log.warning("LLM grading of %s failed, falling back: %s", request.round, exc)
            grade = await self.fallback.grade(request, rubric)
            return grade.model_copy(
                update={
                    "grader": "offline-fallback",
                    "fallback_reason": str(exc),
                    "usage": tally.as_dict() if tally.requests else None,
                }
            )

    async def _grade(self, request: GradeRequest, rubric: Rubric, spec: RubricRound, tally: Usage) -> RoundGrade:
        injected = find_injection(request.answer)
        injected_question = find_injection(request.question)
        shown = _redact(request.answer, injected)
        hints = await self.hints(request, rubric) if self.hints else {}
        prompt = self.template.prompt(
            rubric=rubric,
            request=request,
            answer=shown,
            question=_redact(request.question, injected_question),
            hints=_hints_in(hints, spec, verbatim(shown)),
        )
        schema = assessment_model(tuple(spec.signals))
        replies = await _valid_samples([self._ask(prompt, schema, tally) for _ in range(self.samples)])
        in_answer = verbatim(request.answer)
        samples: list[dict[str, SignalAssessment]] = []
        dropped = 0
        for reply in replies:
            sample, lost = _checked(reply.value, spec, in_answer)
            samples.append(sample)
            dropped += lost
        flagged = bool(injected or injected_question)
        ceiling = await self._offline_ceiling(request, rubric) if flagged else {}
        signals: dict[str, SignalGrade] = {}
        spread: dict[str, int] = {}
        unquoted = False
        for signal_id in spec.signals:
            graded = [sample[signal_id] for sample in samples]
            scores = [assessment.score for assessment in graded]
            score = _half_up(statistics.median(scores))
            closest = min(graded, key=lambda assessment: (abs(assessment.score - score), not assessment.evidence))
            rationale = closest.reasoning
            if score > QUOTE_NEEDED_ABOVE and not closest.evidence:
                score, unquoted = QUOTE_NEEDED_ABOVE, True
                rationale = f"{rationale} [capped at {score}: no quote for a higher score was found in the answer]"
            if flagged:
                score = min(score, rubric.decision.integrity_cap, ceiling.get(signal_id, score))
            signals[signal_id] = SignalGrade(
                score=score,
                evidence=closest.evidence,
                rationale=rationale.strip(),
                next_level=_advice(closest, score) or rubric.signals[signal_id].next_level(score),
            )
            spread[signal_id] = max(scores) - min(scores)
        flags = (
            (["prompt-injection"] if flagged else [])
            + (["dropped-quotes"] if dropped else [])
            + ([UNQUOTED] if unquoted else [])
        )
        overall = overall_score({s: g.score for s, g in signals.items()}, spec, rubric.decision)
        if flagged and "overall" in ceiling:
            overall = min(overall, ceiling["overall"])
        return RoundGrade(
            round=request.round,
            grader=self.name,
            signals=signals,
            overall=OverallScore(score=overall, label=rubric.label(overall)),
            flags=flags,
            question=request.question,
            rubric=rubric.id,
            spread=spread if self.samples > 1 else None,
            samples={"asked": self.samples, "valid": len(replies)} if self.samples > 1 else None,
            dropped_quotes=dropped,
            usage=tally.as_dict(),
        )

    async def _ask(self, prompt: Prompt, schema: type[BaseModel], tally: Usage) -> Completion[BaseModel]:
        """One sample; what it spent goes to `tally`, also when it failed."""
        try:
            reply = await self.model.complete(prompt, schema)
        except LLMError as exc:
            if exc.usage is not None:
                tally.add(exc.usage)
            raise
        tally.add(reply.usage)
        return reply

    async def _offline_ceiling(self, request: GradeRequest, rubric: Rubric) -> dict[str, int]:
        """The fallback (offline) grade per signal and `overall`: what a flagged answer may not exceed."""
        if self.fallback is None:
            return {}
        grade = await self.fallback.grade(request, rubric)
        return {**{s: g.score for s, g in grade.signals.items()}, "overall": grade.overall.score}


ADVICE_MAX_CHARS = 400


def _advice(assessment: SignalAssessment, score: int) -> str | None:
    """The model's one-level-up advice for this answer: none at the top level, cut to a sentence's length."""
    text = " ".join(assessment.next_level.split())
    if score >= LEVELS[-1] or not text:
        return None
    return text if len(text) <= ADVICE_MAX_CHARS else text[: ADVICE_MAX_CHARS - 1].rstrip() + "…"


def evidence_hints(grader: Grader) -> HintSource:
    """Hints from another grader's evidence (the offline grader's, typically)."""

    async def hints(request: GradeRequest, rubric: Rubric) -> Hints:
        grade = await grader.grade(request, rubric)
        return {signal_id: signal.evidence for signal_id, signal in grade.signals.items()}

    return hints


class Verbatim:
    """Finds a quote in a text despite differences in whitespace, quote marks, dashes and case,
    and gives back the text's own characters."""

    _FOLD: ClassVar[dict[str, str]] = {
        "‘": "'",
        "’": "'",
        "‚": "'",
        "‛": "'",
        "“": '"',
        "”": '"',
        "„": '"',
        "‟": '"',
        "–": "-",
        "—": "-",
        "…": "...",
    }
    _EDGES = " \"'."
    _SINGLE: ClassVar[dict[int, str]]

    def __init__(self, text: str) -> None:
        self.text = text
        self._folded, self._origin = self._fold(text)

    def find(self, quote: str) -> str | None:
        needle = self._folded_only(quote).strip(self._EDGES)
        at = self._folded.find(needle) if needle else -1
        if at < 0:
            return None
        return self.text[self._origin[at] : self._origin[at + len(needle) - 1] + 1]

    @classmethod
    def _folded_only(cls, text: str) -> str:
        """`_fold(text)[0]` without the origins, which a quote being looked for does not need."""
        if "…" not in text:
            lowered = text.translate(cls._SINGLE).lower()
            if len(lowered) == len(text):
                return _WHITESPACE.sub(" ", lowered)
        return cls._fold(text)[0]

    @classmethod
    def _fold(cls, text: str) -> tuple[str, "list[int] | _Collapsed"]:
        """The folded text and, for each of its characters, the index it came from."""
        if "…" not in text:
            lowered = text.translate(cls._SINGLE).lower()
            if len(lowered) == len(text):  # every character folds to one: whitespace runs are all that move
                return cls._collapse(lowered)
        chars: list[str] = []
        origin: list[int] = []
        for i, ch in enumerate(text):
            if ch.isspace():
                if chars and chars[-1] == " ":
                    continue
                piece = " "
            else:
                piece = cls._FOLD.get(ch, ch).lower()
            chars.extend(piece)
            origin.extend([i] * len(piece))
        return "".join(chars), origin

    @staticmethod
    def _collapse(text: str) -> tuple[str, "_Collapsed"]:
        """Every run of whitespace as one space, with the origins."""
        return _WHITESPACE.sub(" ", text), _Collapsed(text)


class _Collapsed:
    """Where each character of a text whose whitespace runs became one space each came from: its own
    index plus the characters dropped before it (found by bisection, not stored per character)."""

    __slots__ = ("_dropped", "_starts")

    def __init__(self, text: str) -> None:
        self._starts: list[int] = []
        """Collapsed indices just after a run of two or more whitespace characters."""
        self._dropped: list[int] = []
        """Characters dropped before each of those indices."""
        dropped = 0
        for run in _LONG_WHITESPACE.finditer(text):
            start, end = run.span()
            self._starts.append(start - dropped + 1)
            dropped += end - start - 1
            self._dropped.append(dropped)

    def __getitem__(self, index: int) -> int:
        runs_before = bisect.bisect_right(self._starts, index)
        return index + (self._dropped[runs_before - 1] if runs_before else 0)


Verbatim._SINGLE = str.maketrans({k: v for k, v in Verbatim._FOLD.items() if len(v) == 1})
_WHITESPACE = re.compile(r"\s+")
_LONG_WHITESPACE = re.compile(r"\s{2,}")


@functools.lru_cache(maxsize=64)
def verbatim(text: str) -> Verbatim:
    """A Verbatim of `text`, built once per text (the prompt's hints and the reply's quotes both look
    in the answer)."""
    return Verbatim(text)


def _checked(reply: BaseModel, spec: RubricRound, verbatim: Verbatim) -> tuple[dict[str, SignalAssessment], int]:
    """Each signal's assessment with only the quotes found in the answer, and how many were not."""
    fields = type(reply).model_fields
    by_alias: dict[str, SignalAssessment] = {
        field.alias or name: getattr(reply, name) for name, field in fields.items()
    }
    checked: dict[str, SignalAssessment] = {}
    dropped = 0
    for signal_id in spec.signals:
        assessment = by_alias[signal_id]
        kept: list[str] = []
        for quote in assessment.evidence:
            found = verbatim.find(quote)
            if found is None:
                dropped += 1
            elif found not in kept:
                kept.append(found)
        checked[signal_id] = assessment.model_copy(update={"evidence": kept})
    return checked, dropped


def _hints_in(hints: Hints, spec: RubricRound, shown: Verbatim) -> dict[str, list[str]]:
    """Hints for this round's signals that are still in the answer the model sees: each passage
    once (with every signal that cited it), taken a rank at a time across the signals (every
    signal's first hint before any second one) while their length stays within HINT_SHARE of the
    answer's, so the hints never outweigh the answer. Keyed by the signals, joined with ", "."""
    found: dict[str, list[str]] = {}
    for signal_id in spec.signals:
        quotes = [q for hint in hints.get(signal_id, ()) if (q := shown.find(hint))]
        found[signal_id] = list(dict.fromkeys(quotes))
    budget = HINT_SHARE * len(shown.text)
    chosen: dict[str, list[str]] = {}  # passage -> the signals citing it
    used = 0
    for rank in range(max((len(q) for q in found.values()), default=0)):
        for signal_id, quotes in found.items():
            if rank >= len(quotes):
                continue
            quote = quotes[rank]
            holder = next((c for c in chosen if quote in c), None)
            if holder is not None:
                if signal_id not in chosen[holder]:
                    chosen[holder].append(signal_id)
            elif used + len(quote) <= budget:
                chosen[quote] = [signal_id]
                used += len(quote)
    grouped: dict[str, list[str]] = {}
    for quote, signals in chosen.items():
        grouped.setdefault(", ".join(signals), []).append(quote)
    return grouped


def _redact(answer: str, spans: list[tuple[int, int]]) -> str:
    parts: list[str] = []
    last = 0
    for start, end in sorted(spans):
        parts += [answer[last:start], REDACTED]
        last = max(last, end)
    parts.append(answer[last:])
    return "".join(parts)


def _render_signals(rubric: Rubric, spec: RubricRound) -> str:
    blocks = []
    for signal_id, weight in spec.signals.items():
        signal = rubric.signals[signal_id]
        levels = "\n".join(f"  {level}: {text}" for level, text in sorted(signal.levels.items()))
        blocks.append(f"### {signal_id}: {signal.name} (weight {weight:g})\n{signal.description}\n{levels}")
    return "\n\n".join(blocks)


def _render_question(request: GradeRequest, question: str, nonce: str) -> str:
    """The question (and follow-ups) between delimiter lines: like the answer, it is data."""
    text = question
    if request.followups:
        asked = "\n".join(f"- {followup}" for followup in request.followups)
        text = f"{question}\n\nFollow-up questions the interviewer asked:\n{asked}"
    return f"<<<BEGIN QUESTION {nonce}>>>\n{text}\n<<<END QUESTION {nonce}>>>"


def _render_hints(hints: Mapping[str, list[str]]) -> str:
    if not hints:
        return ""
    lines = [f"- {signal_id}: " + " | ".join(f'"{q}"' for q in quotes) for signal_id, quotes in hints.items()]
    return (
        "\nOffline evidence hints (passages of the answer that pattern detectors matched):\n" + "\n".join(lines) + "\n"
    )


def _half_up(value: float) -> int:
    return math.floor(value + 0.5)


async def _valid_samples(calls: list[Coroutine[Any, Any, T]]) -> list[T]:
    """Run the calls together and keep those that succeeded. Raises the first LLMError when none
    did; a refused key (LLMAuthError) or any other exception is raised at once, cancelling the rest."""
    tasks = [asyncio.ensure_future(call) for call in calls]
    try:
        outcomes = await asyncio.gather(*tasks, return_exceptions=True)
    finally:
        for task in tasks:
            task.cancel()
    valid = [o for o in outcomes if not isinstance(o, BaseException)]
    failures = [o for o in outcomes if isinstance(o, BaseException)]
    for failure in failures:
        if isinstance(failure, LLMAuthError) or not isinstance(failure, LLMError):
            raise failure
    if not valid:
        raise failures[0]
    return valid

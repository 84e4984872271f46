"""The interface every interviewer implements."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from simulator.domain import Question, RoundGrade, Rubric

TokenSink = Callable[[str], None]


@dataclass(frozen=True)
class Followup:
    text: str
    signal: str | None = None
    """The signal whose thin evidence prompted it (a probe's signal), if any."""


@dataclass(frozen=True)
class FollowupContext:
    """What the interviewer knows when it decides whether to probe."""

    round_type: str
    question: Question
    answers: tuple[str, ...]
    """The candidate's answers to this question so far (main answer first)."""
    asked: tuple[str, ...]
    """Follow-ups already asked on this question."""
    remaining: int
    """How many more follow-ups the round allows on this question."""
    rubric: Rubric
    offline: RoundGrade | None = None
    """The offline grade of `answers`, computed once by the engine and shared; None: not given."""


class Interviewer(Protocol):
    name: str

    async def followup(self, context: FollowupContext, on_token: TokenSink | None = None) -> Followup | None:
        """The next follow-up, or None to move on. `on_token` receives the words as they come."""
        ...

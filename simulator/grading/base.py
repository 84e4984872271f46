"""What every grader takes and gives."""

from dataclasses import dataclass, field
from typing import Protocol

from simulator.domain import RoundGrade, Rubric


@dataclass(frozen=True)
class Unanswered:
    """A follow-up the candidate skipped or met with a non-answer ("I don't know")."""

    text: str
    signal: str | None = None
    """The signal it probed; None for a challenge (attribution, counterfactual...) or a free follow-up."""


@dataclass(frozen=True)
class QuestionPart:
    """One main question of a round and all the candidate said to it and to its follow-ups."""

    question: str
    answer: str
    skipped: bool = False
    unanswered: tuple[Unanswered, ...] = ()


@dataclass(frozen=True)
class GradeRequest:
    """One round to grade.

    `answer` is all the candidate said in the round (answers to the question and its
    follow-ups, separated by blank lines); every quoted piece of evidence is a substring of it.
    """

    round: str
    question: str
    answer: str
    followups: tuple[str, ...] = field(default=())
    parts: tuple[QuestionPart, ...] = field(default=())
    """The round question by question (each part's answer is a substring of `answer`); empty for one question."""


class Grader(Protocol):
    name: str

    async def grade(self, request: GradeRequest, rubric: Rubric) -> RoundGrade: ...

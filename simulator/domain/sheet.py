"""Answer sheets: answers written elsewhere, graded with `mockloop grade`."""

from pydantic import Field

from simulator.domain.base import Model, NonEmptyText, Slug


class SheetRound(Model):
    round: Slug
    question: NonEmptyText
    answer: str
    id: str | None = None
    labels: dict[str, int] | None = Field(
        default=None, description="Expert labels per signal and `overall` (golden sets)."
    )
    reasons: dict[str, str] | None = None
    trap: str | None = Field(default=None, description="Which grader trap the answer sets.")


class AnswerSheet(Model):
    rubric: Slug | None = None
    rounds: list[SheetRound] = Field(min_length=1)

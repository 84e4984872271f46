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
    second_labels: dict[str, int] | None = Field(
        default=None, description="A second expert's blind labels (golden sets); heads are fitted on the mean."
    )
    reasons: dict[str, str] | None = None
    trap: str | None = Field(default=None, description="Which grader trap the answer sets.")
    style: str | None = Field(
        default=None, description="How the answer is written (golden sets), e.g. `concise-strong`."
    )


class AnswerSheet(Model):
    rubric: Slug | None = None
    rounds: list[SheetRound] = Field(min_length=1)

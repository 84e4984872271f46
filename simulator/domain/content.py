"""Interview content: questions with probes, and the loops that string rounds together."""

from typing import Annotated, Literal

from pydantic import Field, model_validator

from simulator.domain.base import Model, NonEmptyText, PositiveInt, Slug

SeniorityLevel = Literal["L4", "L5", "L6", "L7"]


class Probe(Model):
    """A follow-up asked when the answer lacks evidence of `signal`."""

    signal: Slug
    text: NonEmptyText


class Question(Model):
    id: Slug
    round: Slug | None = Field(default=None, description="Round type; the bank's when omitted.")
    company: NonEmptyText
    context: NonEmptyText = Field(description="Product or business, e.g. Taobao, AWS, Cainiao.")
    level: SeniorityLevel
    text: NonEmptyText
    signals: list[Slug] = Field(min_length=1)
    probes: Annotated[list[Probe], Field(min_length=2, max_length=4)]
    outline: list[NonEmptyText] = Field(default_factory=list, description="What a strong answer covers.")


class QuestionBank(Model):
    """One file of `prompts/questions/`: questions of one round type."""

    round: Slug
    questions: list[Question] = Field(min_length=1)

    @model_validator(mode="after")
    def _questions_take_the_bank_round(self) -> "QuestionBank":
        for question in self.questions:
            if question.round is None:
                question.round = self.round
        return self


class RoundSpec(Model):
    type: Slug
    title: NonEmptyText
    minutes: PositiveInt
    questions: PositiveInt = 1
    max_followups: Annotated[int, Field(ge=0, le=4)] = 2
    """Follow-ups per question at most."""


class LoopSpec(Model):
    id: Slug
    title: NonEmptyText
    company: NonEmptyText
    role: Literal["PM", "PMM", "TPM"]
    kind: Literal["loop", "drill"] = "loop"
    rubric: Slug
    description: str = ""
    rounds: list[RoundSpec] = Field(min_length=1)

    @property
    def minutes(self) -> int:
        return sum(r.minutes for r in self.rounds)

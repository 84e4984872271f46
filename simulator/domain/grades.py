"""Grades: per signal, per round, and the loop's debrief. The JSON of `mockloop grade` is these."""

from typing import Literal

from pydantic import BaseModel, Field

Decision = Literal["hire", "no-hire"]


class SignalGrade(BaseModel):
    score: int
    evidence: list[str] = Field(default_factory=list, description="Verbatim substrings of the answer.")
    rationale: str = ""
    next_level: str | None = Field(default=None, description="What an answer one level up would add (from the rubric).")


class OverallScore(BaseModel):
    score: int
    label: str


class QuestionGrade(BaseModel):
    """How one question of a several-question round went (offline grader)."""

    question: str
    score: int
    skipped: bool = False
    flags: list[str] = Field(default_factory=list)


class RoundGrade(BaseModel):
    round: str
    grader: str = Field(description="offline | llm | offline-fallback")
    signals: dict[str, SignalGrade]
    overall: OverallScore
    flags: list[str] = Field(default_factory=list)
    question: str | None = None
    rubric: str | None = None
    fallback_reason: str | None = None
    spread: dict[str, int] | None = Field(
        default=None, description="Max minus min score per signal over k samples (LLM grader)."
    )
    dropped_quotes: int = 0
    samples: dict[str, int] | None = Field(
        default=None, description="LLM grader with --samples k: {'asked': k, 'valid': how many replied usably}."
    )
    usage: dict[str, int | float] | None = Field(
        default=None, description="Requests and token counts (integers) and `cost_usd` when known."
    )
    questions: list[QuestionGrade] = Field(
        default_factory=list, description="Per question, when the round asked more than one."
    )


class SignalSummary(BaseModel):
    mean: float
    min: int
    rounds: dict[str, int] = Field(default_factory=dict)


class Fix(BaseModel):
    signal: str
    name: str
    why: str
    quotes: list[str] = Field(default_factory=list)
    next_level: str = ""


class Debrief(BaseModel):
    decision: Decision
    rule: str = Field(description="The decision rule, in words, that produced the call.")
    mean: float
    signals: dict[str, SignalSummary] = Field(default_factory=dict)
    fixes: list[Fix] = Field(default_factory=list)

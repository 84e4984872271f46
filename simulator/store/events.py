"""The journal's events: one JSON object per line of `transcripts/<id>.jsonl`.

Each line carries `v` (the schema version that wrote it), `type` and `at`. `round` is the
round's index in the loop; `turn` is the index of a turn (question or follow-up) in its round.
Unknown keys are ignored so that a newer mockloop's extra fields do not hide an event.
"""

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from simulator.domain import SCHEMA_VERSION, Debrief, RoundGrade, RoundPlan, SeniorityLevel


def _now() -> datetime:
    return datetime.now().astimezone()


class _Event(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    v: int = SCHEMA_VERSION
    at: datetime = Field(default_factory=_now)


class LoopStarted(_Event):
    type: Literal["loop_started"] = "loop_started"
    id: str
    loop: str
    loop_title: str = ""
    rubric: str
    seed: int | None = None
    level: SeniorityLevel | None = None
    """The seniority asked for (L4-L7); None: any level."""
    started_at: datetime
    rounds: list[RoundPlan]


class RoundStarted(_Event):
    type: Literal["round_started"] = "round_started"
    round: int


class QuestionAsked(_Event):
    type: Literal["question"] = "question"
    round: int
    text: str
    question_id: str | None = None


class FollowupAsked(_Event):
    type: Literal["followup"] = "followup"
    round: int
    text: str
    probe_signal: str | None = None


class AnswerGiven(_Event):
    type: Literal["answer"] = "answer"
    round: int
    turn: int
    text: str
    skipped: bool = False
    round_seconds: float | None = None
    """The round's clock when the answer was given (active time, pauses excluded): a resume goes on from it."""


class RoundPaused(_Event):
    """The session stopped mid-round (quit or end of input); `seconds_used` is the round's clock then."""

    type: Literal["round_paused"] = "round_paused"
    round: int
    seconds_used: float


class FallbackUsed(_Event):
    """The LLM grader or interviewer failed; the offline grader or scripted interviewer stood in,
    and does for the rest of the session unless the user asks to try the LLM again."""

    type: Literal["fallback"] = "fallback"
    round: int
    role: Literal["grader", "interviewer"]
    reason: str


class RoundEnded(_Event):
    type: Literal["round_ended"] = "round_ended"
    round: int
    seconds_used: float
    overran: bool = False


class RoundGraded(_Event):
    type: Literal["round_graded"] = "round_graded"
    round: int
    grade: RoundGrade


class DebriefReady(_Event):
    type: Literal["debrief"] = "debrief"
    debrief: Debrief


class LoopFinished(_Event):
    type: Literal["loop_finished"] = "loop_finished"


Event = Annotated[
    LoopStarted
    | RoundStarted
    | QuestionAsked
    | FollowupAsked
    | AnswerGiven
    | FallbackUsed
    | RoundPaused
    | RoundEnded
    | RoundGraded
    | DebriefReady
    | LoopFinished,
    Field(discriminator="type"),
]

EVENT_ADAPTER: TypeAdapter[Event] = TypeAdapter(Event)
"""Parses one decoded journal line: `EVENT_ADAPTER.validate_python(obj)`."""

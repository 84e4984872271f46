"""A session as saved in `transcripts/<id>.json` (and replayed from its `.jsonl` journal)."""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from simulator.domain.content import SeniorityLevel
from simulator.domain.grades import Debrief, RoundGrade

SCHEMA_VERSION = 1


class Turn(BaseModel):
    kind: Literal["question", "followup"]
    text: str
    question_id: str | None = None
    probe_signal: str | None = None
    answer: str | None = None
    skipped: bool = False
    asked_at: datetime | None = None
    answered_at: datetime | None = None


class RoundPlan(BaseModel):
    """A round as planned when the loop started: what the journal's `loop_started` event records."""

    index: int
    type: str
    title: str
    minutes: int
    question_ids: list[str] = Field(default_factory=list)
    """The questions picked for the round when the loop started (so a resume asks the same)."""
    max_followups: int = 2


class RoundRecord(RoundPlan):
    """A round as run: its plan, the turns asked and answered, its time and its grade."""

    turns: list[Turn] = Field(default_factory=list)
    started_at: datetime | None = None
    ended_at: datetime | None = None
    seconds_used: float = 0.0
    overran: bool = False
    grade: RoundGrade | None = None


class Transcript(BaseModel):
    schema_version: int = SCHEMA_VERSION
    id: str
    loop: str
    loop_title: str = ""
    rubric: str
    seed: int | None = None
    level: SeniorityLevel | None = None
    """The seniority asked for when the loop started (`--level`, Home's `l`); None: any level."""
    started_at: datetime
    finished_at: datetime | None = None
    rounds: list[RoundRecord] = Field(default_factory=list)
    debrief: Debrief | None = None

    @property
    def finished(self) -> bool:
        return self.finished_at is not None

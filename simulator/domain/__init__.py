"""Pydantic models of mockloop's world. No I/O, nothing of ours imported."""

from simulator.domain.content import LoopSpec, Probe, Question, QuestionBank, RoundSpec, SeniorityLevel
from simulator.domain.grades import (
    Debrief,
    Fix,
    OverallScore,
    RoundGrade,
    SignalGrade,
    SignalSummary,
)
from simulator.domain.rubric import (
    DecisionRule,
    EvidenceCues,
    Rubric,
    RubricRound,
    Signal,
    Veto,
)
from simulator.domain.sheet import AnswerSheet, SheetRound
from simulator.domain.transcript import SCHEMA_VERSION, RoundPlan, RoundRecord, Transcript, Turn

__all__ = [
    "SCHEMA_VERSION",
    "AnswerSheet",
    "Debrief",
    "DecisionRule",
    "EvidenceCues",
    "Fix",
    "LoopSpec",
    "OverallScore",
    "Probe",
    "Question",
    "QuestionBank",
    "RoundGrade",
    "RoundPlan",
    "RoundRecord",
    "RoundSpec",
    "Rubric",
    "RubricRound",
    "SeniorityLevel",
    "SheetRound",
    "Signal",
    "SignalGrade",
    "SignalSummary",
    "Transcript",
    "Turn",
    "Veto",
]

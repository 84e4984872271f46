"""Rebuild a `Transcript` from a journal. Bad data never raises: it becomes a problem line.

A problem names the file and line, e.g. `transcripts/x.jsonl:12: torn or corrupt line
(not JSON), skipped`. Events that still make sense are kept.
"""

import json
from collections.abc import Iterable
from pathlib import Path

from pydantic import ValidationError

from simulator.domain import SCHEMA_VERSION, RoundRecord, Transcript, Turn
from simulator.store.events import (
    EVENT_ADAPTER,
    AnswerGiven,
    DebriefReady,
    Event,
    FollowupAsked,
    LoopFinished,
    LoopStarted,
    QuestionAsked,
    RoundEnded,
    RoundGraded,
    RoundPaused,
    RoundStarted,
)

LOST_QUESTION = "[question missing from the journal]"


def replay_file(path: Path) -> tuple[Transcript | None, list[str]]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, [f"{path}: cannot read: {exc.strerror or exc}"]
    return replay_lines(data.split(b"\n"), str(path))


def replay_lines(lines: Iterable[bytes | str], source: str) -> tuple[Transcript | None, list[str]]:
    """`lines` are the journal's lines without their newlines; `source` names them in problems."""
    builder = TranscriptBuilder()
    newer_reported = False
    for lineno, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        where = f"{source}:{lineno}"
        try:
            obj = json.loads(raw)
        except (ValueError, RecursionError):  # bad JSON, bad UTF-8, absurd nesting
            builder.problems.append(f"{where}: torn or corrupt line (not JSON), skipped")
            continue
        if not isinstance(obj, dict):
            builder.problems.append(f"{where}: not an event (a JSON object), skipped")
            continue
        version = obj.get("v")
        if isinstance(version, int) and version > SCHEMA_VERSION and not newer_reported:
            builder.problems.append(
                f"{where}: written by a newer mockloop (schema v{version}, this one reads "
                f"v{SCHEMA_VERSION}); keeping the events it understands"
            )
            newer_reported = True
        try:
            event = EVENT_ADAPTER.validate_python(obj)
        except ValidationError as exc:
            builder.problems.append(f"{where}: {_describe(obj, exc)}, skipped")
            continue
        builder.apply(event, where)
    if builder.transcript is None:
        builder.problems.append(f"{source}: no loop_started event; nothing to replay")
    return builder.transcript, builder.problems


def _describe(obj: dict[str, object], exc: ValidationError) -> str:
    first = exc.errors()[0]
    if first["type"] in ("union_tag_invalid", "union_tag_not_found"):
        return f"unknown event type {obj.get('type')!r}"
    loc = ".".join(str(part) for part in first["loc"][1:]) or "event"
    return f"invalid {obj.get('type')} event: {loc}: {first['msg']}"


class TranscriptBuilder:
    """Applies events, in order, to the transcript they describe (replay and live sessions alike)."""

    def __init__(self) -> None:
        self.transcript: Transcript | None = None
        self.problems: list[str] = []

    def apply(self, event: Event, where: str) -> None:
        if isinstance(event, LoopStarted):
            if self.transcript is not None:
                self.problems.append(f"{where}: second loop_started, skipped")
                return
            self.transcript = Transcript(
                id=event.id,
                loop=event.loop,
                loop_title=event.loop_title,
                rubric=event.rubric,
                seed=event.seed,
                level=event.level,
                started_at=event.started_at,
                rounds=[RoundRecord(**info.model_dump()) for info in event.rounds],
            )
            return
        transcript = self.transcript
        if transcript is None:
            self.problems.append(f"{where}: {event.type} before loop_started, skipped")
            return
        if isinstance(event, DebriefReady):
            transcript.debrief = event.debrief
            return
        if isinstance(event, LoopFinished):
            transcript.finished_at = event.at
            return
        if not 0 <= event.round < len(transcript.rounds):
            self.problems.append(f"{where}: {event.type} for unknown round {event.round}, skipped")
            return
        record = transcript.rounds[event.round]
        if isinstance(event, RoundStarted):
            record.started_at = event.at
        elif isinstance(event, QuestionAsked):
            record.turns.append(
                Turn(kind="question", text=event.text, question_id=event.question_id, asked_at=event.at)
            )
        elif isinstance(event, FollowupAsked):
            record.turns.append(
                Turn(kind="followup", text=event.text, probe_signal=event.probe_signal, asked_at=event.at)
            )
        elif isinstance(event, AnswerGiven):
            if event.turn < 0:
                self.problems.append(f"{where}: answer to turn {event.turn}, skipped")
                return
            if event.turn >= len(record.turns):
                self.problems.append(
                    f"{where}: answer to turn {event.turn} of round {event.round}, whose "
                    "question is missing; kept under a placeholder"
                )
                while len(record.turns) <= event.turn:
                    record.turns.append(Turn(kind="question", text=LOST_QUESTION))
            turn = record.turns[event.turn]
            turn.answer, turn.skipped, turn.answered_at = event.text, event.skipped, event.at
            if event.round_seconds is not None:
                record.seconds_used = event.round_seconds
        elif isinstance(event, RoundPaused):
            record.seconds_used = event.seconds_used
        elif isinstance(event, RoundEnded):
            record.ended_at = event.at
            record.seconds_used = event.seconds_used
            record.overran = event.overran
        elif isinstance(event, RoundGraded):
            record.grade = event.grade

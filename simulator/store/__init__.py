"""Durable transcripts: the per-event journal, final files, listing and export.

Imports only `simulator.domain` of ours, so the engine, the CLI and the TUI can all use it.
"""

from simulator.store.events import (
    AnswerGiven,
    DebriefReady,
    Event,
    FallbackUsed,
    FollowupAsked,
    LoopFinished,
    LoopStarted,
    QuestionAsked,
    RoundEnded,
    RoundGraded,
    RoundPaused,
    RoundStarted,
)
from simulator.store.export import to_json, to_markdown
from simulator.store.final import TranscriptError, final_path, read_transcript, write_final
from simulator.store.index import SessionSummary, latest_unfinished, list_sessions, load_session
from simulator.store.journal import Journal, JournalBusy, journal_path, new_transcript_id
from simulator.store.replay import TranscriptBuilder, replay_file, replay_lines
from simulator.store.scan import load_transcripts

__all__ = [
    "AnswerGiven",
    "DebriefReady",
    "Event",
    "FallbackUsed",
    "FollowupAsked",
    "Journal",
    "JournalBusy",
    "LoopFinished",
    "LoopStarted",
    "QuestionAsked",
    "RoundEnded",
    "RoundGraded",
    "RoundPaused",
    "RoundStarted",
    "SessionSummary",
    "TranscriptBuilder",
    "TranscriptError",
    "final_path",
    "journal_path",
    "latest_unfinished",
    "list_sessions",
    "load_session",
    "load_transcripts",
    "new_transcript_id",
    "read_transcript",
    "replay_file",
    "replay_lines",
    "to_json",
    "to_markdown",
    "write_final",
]

"""Every message the app's workers post: small dataclasses, results travel up as messages.

Flood messages (streamed follow-up words, grading progress) replace the pending one instead of
queueing, so a fast producer never backs the screen up.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from simulator.content import Library
    from simulator.domain import Transcript
    from simulator.engine import Prompt, Session
    from simulator.services.workspace import Workspace
    from simulator.store import SessionSummary
    from simulator.tui.grader_mode import GraderMode


@dataclass
class WorkspaceLoaded(Message):
    """The settings, content library and transcripts dir are ready (built in a worker after first paint)."""

    workspace: Workspace
    notes: list[str] = field(default_factory=list)
    """Why the settings could not be read (shown as warnings)."""


@dataclass
class GraderReady(Message):
    """The workspace's grader and interviewer are built, after `WorkspaceLoaded`."""

    mode: GraderMode
    notes: list[str] = field(default_factory=list)
    """Why the grader or interviewer differ from what the settings asked for (shown as warnings)."""


@dataclass
class SessionOpened(Message):
    session: Session


@dataclass
class PromptShown(Message):
    """The session moved on; every answer before this prompt is on disk. None: the loop is over."""

    prompt: Prompt | None


@dataclass
class FollowupStreamed(Message):
    """The follow-up's words so far, as the interviewer sends them."""

    text: str

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, FollowupStreamed)


class AnswerSaved(Message):
    """The engine journaled the answer just submitted (it is on disk); the interviewer is still choosing what
    to ask next."""


@dataclass
class FellBack(Message):
    """The engine journaled a fallback: the LLM `role` failed and stands aside for the session."""

    role: str
    reason: str


@dataclass
class GradingProgress(Message):
    """How many of the loop's rounds have their grade (the engine published a `RoundGraded`)."""

    graded: int
    total: int

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, GradingProgress)


@dataclass
class LoopGraded(Message):
    transcript: Transcript
    problems: list[str] = field(default_factory=list)


@dataclass
class HistoryLoaded(Message):
    """Saved sessions (oldest first) and each core signal's debrief means over the latest finished ones."""

    sessions: list[SessionSummary]
    trend: dict[str, list[float]]


@dataclass
class SessionsListed(Message):
    sessions: list[SessionSummary]


@dataclass
class AnswersSearched(Message):
    needle: str
    hits: dict[str, str]
    """Id -> an excerpt of the answer around the hit."""


@dataclass
class TranscriptLoaded(Message):
    transcript: Transcript
    problems: list[str] = field(default_factory=list)
    regraded: str = ""
    """Set when the transcript was re-graded here (not saved): names the rubric and grader."""


@dataclass
class Exported(Message):
    path: Path


@dataclass
class LibraryReloaded(Message):
    library: Library


@dataclass
class WorkFailed(Message):
    """A worker could not do its job; `reason` is one line for the user."""

    what: str
    reason: str

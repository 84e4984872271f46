"""The one object both front ends hold: content, graders, interviewer and directories, from one `Settings`.

Each part is built when first used and closed by `aclose()` (or `async with Workspace(...)`).
"""

import asyncio
import threading
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from simulator.content import Library, load_library
from simulator.domain import SeniorityLevel, Transcript
from simulator.grading.base import Grader
from simulator.services import export, history
from simulator.services.settings import Settings
from simulator.store import SessionSummary

if TYPE_CHECKING:
    # imported when first used: both bring in the offline grader's detectors, which a listing never needs
    from simulator.engine.session import Session
    from simulator.interviewer import Interviewer
    from simulator.services.inputs import RubricChooser


class WorkspaceUnavailable(Exception):
    """A part cannot be built (for example: the LLM grader asked for but no endpoint configured)."""


class Workspace:
    def __init__(
        self,
        settings: Settings | None = None,
        *,
        library: Library | None = None,
        grader: Grader | None = None,
        interviewer: "Interviewer | None" = None,
        hints: bool = True,
    ) -> None:
        """Parts given here are used as they are (and closed too); the others are built from `settings`.

        `hints`: the LLM grader shows the model the offline grader's evidence."""
        self.settings = settings or Settings.load()
        self.hints = hints
        self._library = library
        self._grader = grader
        self._interviewer = interviewer
        self._opened: list[Any] = [part for part in (grader, interviewer) if part is not None]
        self._lock = threading.Lock()

    async def __aenter__(self) -> "Workspace":
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    @property
    def directory(self) -> Path:
        """The transcripts dir."""
        return self.settings.transcripts

    @property
    def library(self) -> Library:
        with self._lock:
            if self._library is None:
                self._library = load_library()
            return self._library

    def use_library(self, library: Library) -> None:
        """Content read again (after an edit): later sessions and screens use it."""
        self._library = library

    @property
    def grader(self) -> Grader:
        """The default grader (`settings.grader`) for new sessions."""
        with self._lock:
            if self._grader is None:
                self._grader = self._build_grader(self.settings.grader)
            return self._grader

    def make_grader(self, name: str | None = None, samples: int = 1) -> Grader:
        """Another grader (`name`, else the default's kind), closed with the workspace."""
        with self._lock:
            return self._build_grader(name or self.settings.grader, samples)

    async def use_grader(self, name: str) -> Grader:
        """Make `name` the default grader; the previous one is closed."""
        new = await asyncio.to_thread(self.make_grader, name)
        old, self._grader = self._grader, new
        if old is not None and old is not new:
            await self._close(old)
        return new

    @property
    def interviewer(self) -> "Interviewer":
        with self._lock:
            if self._interviewer is None:
                self._interviewer = self._build_interviewer(self.settings.interviewer)
                self._opened.append(self._interviewer)
            return self._interviewer

    def prepare(self, fall_back: bool = False) -> list[str]:
        """Build the default grader and the interviewer now, so that a missing endpoint is told before
        any screen. `fall_back`: use the offline grader / scripted interviewer instead of raising
        WorkspaceUnavailable, and return why (the app shows it)."""
        notes: list[str] = []
        for part, offline, instead in (
            ("grader", "offline", "the offline grader grades"),
            ("interviewer", "scripted", "the scripted interviewer asks the follow-ups"),
        ):
            try:
                getattr(self, part)
            except WorkspaceUnavailable as exc:
                if not fall_back:
                    raise
                notes.append(f"{exc}; {instead}")
                setattr(self.settings, part, offline)
                getattr(self, part)
        return notes

    def warm_up(self) -> None:
        """Grade one short answer offline with every shipped loop's rubric, so the first real grade
        does not pay for loading the rubric's model and the detectors' tables (about a second)."""
        from simulator.grading.base import GradeRequest
        from simulator.grading.offline import grade_offline

        request = GradeRequest("bar-raiser", "Tell me about a time you owned an outcome.", "I decided to act.")
        for rubric_id in sorted({loop.rubric for loop in self.library.loops.values()}):
            grade_offline(request, self.library.rubric(rubric_id))

    async def aclose(self) -> None:
        """Close every grader and interviewer this workspace built or was given."""
        opened, self._opened = self._opened, []
        self._grader = self._interviewer = None
        for part in opened:
            await _close(part)

    async def _close(self, part: Any) -> None:
        if part in self._opened:
            self._opened.remove(part)
        await _close(part)

    # -- sessions ----------------------------------------------------------------------------------

    def start(
        self,
        loop_id: str,
        seed: int | None = None,
        avoid_recent: bool = True,
        level: SeniorityLevel | None = None,
    ) -> "Session":
        from simulator.engine.session import Session

        return Session.start(
            loop_id,
            library=self.library,
            directory=self.directory,
            grader=self.grader,
            interviewer=self.interviewer,
            seed=seed,
            avoid_recent=avoid_recent,
            level=level,
        )

    def resume(self, transcript_id: str | None) -> "Session":
        """Continue `transcript_id`, or the latest unfinished session when None."""
        from simulator.engine.session import Session

        return Session.resume(
            transcript_id,
            library=self.library,
            directory=self.directory,
            grader=self.grader,
            interviewer=self.interviewer,
        )

    def rubric_chooser(self, wanted: str | None) -> "RubricChooser":
        """Picks the rubric of each grade input: `wanted` (an id or a file) when given, else the input's own."""
        from simulator.services.inputs import RubricChooser

        return RubricChooser(wanted, self.library)

    # -- saved sessions ------------------------------------------------------------------------------

    def sessions(self) -> list[SessionSummary]:
        """Every saved session, oldest first (from the store's cached index)."""
        from simulator.store import list_sessions

        return list_sessions(self.directory)

    def load(self, transcript_id: str) -> tuple[Transcript, list[str]]:
        """A saved session (`transcript_id` or a unique start of one) and what was wrong reading it."""
        from simulator.store import load_session

        return load_session(self.directory, transcript_id)

    def search(self, sessions: list[SessionSummary], needle: str) -> dict[str, str]:
        """`sessions` with `needle` in one of the candidate's answers: id -> the excerpt around the hit."""
        return history.search_answers(self.directory, sessions, needle)

    def trend(self, sessions: list[SessionSummary]) -> dict[str, list[float]]:
        return history.signal_trend(self.directory, sessions)

    def export_beside(self, transcript: Transcript, variant: str = "") -> Path:
        """The Markdown report beside the transcript, `<id>[.<variant>].md`."""
        return export.export_beside(transcript, self.directory, variant, self.library)

    async def regrade(self, transcript: Transcript, rubric_id: str, grader_name: str) -> Transcript:
        """A copy of `transcript` graded again with `rubric_id` and a new `grader_name` grader (closed after)."""
        from simulator.services.regrade import RegradeError, regrade

        try:
            rubric = self.library.rubric(rubric_id)
        except LookupError as exc:
            raise RegradeError(str(exc).strip("'\"")) from None
        grader = await asyncio.to_thread(self.make_grader, grader_name)
        try:
            return await regrade(transcript, rubric, grader)
        finally:
            await self._close(grader)

    # -- building ----------------------------------------------------------------------------------

    def _build_grader(self, name: str, samples: int = 1) -> Grader:
        from simulator.grading.factory import GraderUnavailable, make_grader

        try:
            grader = make_grader(name, samples=samples, hints=self.hints, **self.settings.llm_flags)
        except GraderUnavailable as exc:
            raise WorkspaceUnavailable(str(exc)) from None
        self._opened.append(grader)
        return grader

    def _build_interviewer(self, name: str) -> "Interviewer":
        from simulator.interviewer import ScriptedInterviewer

        if name == "scripted":
            return ScriptedInterviewer()
        from simulator.interviewer.llm import InterviewerUnavailable, make_llm_interviewer

        try:
            return make_llm_interviewer(ScriptedInterviewer(), **self.settings.llm_flags)
        except InterviewerUnavailable as exc:
            if exc.offline and name == "auto":
                return ScriptedInterviewer()
            raise WorkspaceUnavailable(str(exc)) from None


async def _close(part: Any) -> None:
    close = getattr(part, "aclose", None)
    if close is not None:
        await close()

"""Everything a session needs, built once from the user's settings: library, grader, interviewer, dir."""

from dataclasses import dataclass
from pathlib import Path

from simulator.content import Library, load_library
from simulator.engine.session import Session
from simulator.grading.base import Grader
from simulator.interviewer import Interviewer, ScriptedInterviewer
from simulator.locations import transcripts_dir


class EnvironmentUnavailable(Exception):
    """The environment cannot be built (for example: the LLM grader asked for but not configured)."""


@dataclass
class Environment:
    library: Library
    grader: Grader
    interviewer: Interviewer
    directory: Path

    @classmethod
    def create(
        cls, grader: str = "offline", directory: Path | None = None, interviewer: str | None = "scripted"
    ) -> "Environment":
        """`interviewer`: "scripted", "llm", or None for the LLM when an endpoint is configured."""
        from simulator.grading.factory import GraderUnavailable, make_grader

        try:
            chosen = make_grader(grader)
        except GraderUnavailable as exc:
            raise EnvironmentUnavailable(str(exc)) from None
        return cls(
            library=load_library(),
            grader=chosen,
            interviewer=_make_interviewer(interviewer),
            directory=transcripts_dir(directory),
        )

    def start(self, loop_id: str, seed: int | None = None, avoid_recent: bool = True) -> Session:
        return Session.start(
            loop_id,
            library=self.library,
            directory=self.directory,
            grader=self.grader,
            interviewer=self.interviewer,
            seed=seed,
            avoid_recent=avoid_recent,
        )

    async def aclose(self) -> None:
        """Close what the grader and the interviewer hold open (an LLM's connections), on the loop
        that used them. Either may be used again afterwards: an LLM reconnects."""
        for part in (self.grader, self.interviewer):
            close = getattr(part, "aclose", None)
            if close is not None:
                await close()

    def resume(self, transcript_id: str | None) -> Session:
        return Session.resume(
            transcript_id,
            library=self.library,
            directory=self.directory,
            grader=self.grader,
            interviewer=self.interviewer,
        )


def _make_interviewer(name: str | None) -> Interviewer:
    if name == "scripted":
        return ScriptedInterviewer()
    if name not in ("llm", None):
        raise EnvironmentUnavailable(f"unknown interviewer {name!r}; expected one of: scripted, llm")
    from simulator.interviewer.llm import InterviewerUnavailable, make_llm_interviewer

    try:
        return make_llm_interviewer(fallback=ScriptedInterviewer())
    except InterviewerUnavailable as exc:
        if exc.offline and name is None:
            return ScriptedInterviewer()
        raise EnvironmentUnavailable(str(exc)) from None

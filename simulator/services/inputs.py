"""Grade inputs: answer sheets and transcripts read from files, the rubric that grades each, and
grading many rounds at once with bounded work in flight."""

import asyncio
import inspect
from collections.abc import Awaitable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TypeVar

from simulator.content import ContentError, load_library
from simulator.content.library import Library, Source, resolve_rubric
from simulator.content.loader import validate
from simulator.content.yamlio import position, read_yaml
from simulator.domain import AnswerSheet, RoundGrade, Rubric
from simulator.grading.base import Grader, GradeRequest
from simulator.grading.requests import from_sheet, from_transcript

T = TypeVar("T")

DEFAULT_RUBRIC = "base"


class InputError(Exception):
    """One line naming the file and what is wrong with it."""


@dataclass
class LoadedInput:
    requests: list[GradeRequest]
    rubric: str | None
    places: list[str]
    """Where each request's round is named, e.g. `sheet.yaml:12:5: rounds[2].round`."""

    def check_rounds(self, rubric: Rubric) -> None:
        """Every round must be one the rubric grades; raise naming the place otherwise."""
        known = ", ".join(sorted(rubric.rounds))
        for request, place in zip(self.requests, self.places, strict=True):
            if request.round not in rubric.rounds:
                raise InputError(
                    f"{place}: rubric {rubric.id!r} does not grade round {request.round!r}; expected one of: {known}"
                )


def load_input(path: Path) -> LoadedInput:
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.suffix in {".json", ".jsonl"}:
        return _transcript(path)
    try:
        data = read_yaml(path)
        sheet = validate(AnswerSheet, data, path)
    except ContentError as exc:
        raise InputError("; ".join(str(p) for p in exc.problems)) from None
    places = []
    for i in range(len(sheet.rounds)):
        line, column = position(data, ("rounds", i, "round"))
        places.append(f"{path}:{line}:{column}: rounds[{i}].round")
    return LoadedInput(from_sheet(sheet), sheet.rubric, places)


def _transcript(path: Path) -> LoadedInput:
    from simulator.store import TranscriptError, read_transcript, replay_file

    if path.suffix == ".jsonl":
        transcript, problems = replay_file(path)
        if transcript is None:
            raise InputError(f"{path}: not a readable journal ({'; '.join(problems) or 'no events'})")
    else:
        try:
            transcript = read_transcript(path)
        except TranscriptError as exc:
            raise InputError(str(exc)) from None
    requests = from_transcript(transcript)
    if not requests:
        raise InputError(f"{path}: no answered rounds to grade")
    return LoadedInput(requests, transcript.rubric, [f"{path}: round {r.round}" for r in requests])


class RubricChooser:
    """`--rubric ID|PATH` when given, else the input's own rubric, else `base`."""

    def __init__(self, wanted: str | None, library: Library | None = None) -> None:
        self._library = library
        self._forced: Rubric | None = None
        self._forced_path: Path | None = None
        if wanted is None:
            return
        path = Path(wanted)
        if path.suffix in {".yaml", ".yml"} or path.exists():
            self._forced = self._from_file(path)
            self._forced_path = path
        else:
            self._forced = self._by_id(wanted)

    @property
    def library(self) -> Library:
        if self._library is None:
            self._library = load_library()
        return self._library

    def rubric_for(self, declared: str | None) -> Rubric:
        if self._forced is not None:
            return self._forced
        return self._by_id(declared or DEFAULT_RUBRIC)

    def source_of(self, rubric_id: str) -> Path | None:
        """The file the rubric was read from."""
        if self._forced_path is not None and self._forced is not None and self._forced.id == rubric_id:
            return self._forced_path
        return self.library.source("rubric", rubric_id)

    def _by_id(self, rubric_id: str) -> Rubric:
        try:
            return self.library.rubric(rubric_id)
        except LookupError as exc:
            raise InputError(str(exc)) from None

    def _from_file(self, path: Path) -> Rubric:
        try:
            data = read_yaml(path)
            rubric = validate(Rubric, data, path)
        except ContentError as exc:
            raise InputError("; ".join(str(p) for p in exc.problems)) from None
        parents = {
            rid: (r, Source(self.library.source("rubric", rid) or path, {}))
            for rid, r in self.library.rubrics.items()
            if rid != rubric.id
        }
        problems: list = []
        resolved = resolve_rubric(rubric, Source(path, data), parents, problems)
        if resolved is None:
            raise InputError("; ".join(str(p) for p in problems))
        return resolved


@dataclass(frozen=True)
class Input:
    """A readable input: its rounds to grade and the rubric each chooser picked for it."""

    source: str
    requests: list[GradeRequest]
    rubrics: list[Rubric]


@dataclass(frozen=True)
class InputProblem:
    source: str
    error: str

    def as_dict(self) -> dict[str, str]:
        return {"source": self.source, "error": self.error}


def read_inputs(paths: Sequence[Path], choosers: Sequence[RubricChooser]) -> tuple[list[Input], list[InputProblem]]:
    """The inputs every chooser's rubric can grade, and a problem for each of the others."""
    inputs: list[Input] = []
    problems: list[InputProblem] = []
    for path in paths:
        try:
            loaded = load_input(path)
            rubrics = [chooser.rubric_for(loaded.rubric) for chooser in choosers]
            for rubric in rubrics:
                loaded.check_rounds(rubric)
        except InputError as exc:
            problems.append(InputProblem(str(path), str(exc)))
            continue
        inputs.append(Input(str(path), loaded.requests, rubrics))
    return inputs, problems


class Advances(Protocol):
    """What is told as each job finishes (the CLI's progress bar)."""

    def advance(self, steps: int = 1) -> None: ...


async def grade_jobs(
    grader: Grader, jobs: Sequence[tuple[GradeRequest, Rubric]], progress: Advances | None = None
) -> list[RoundGrade]:
    """Grade every (request, rubric) in order. A grader with a `rounds_in_flight` (the LLM grader)
    gets at most that many rounds at a time, each started as another finishes, so a round's work
    before its request (the offline hints) is done just before it is sent."""
    limit = getattr(grader, "rounds_in_flight", None)
    return await tracked((grader.grade(request, rubric) for request, rubric in jobs), progress, limit)


async def tracked(
    awaitables: Iterable[Awaitable[T]], progress: Advances | None = None, limit: int | None = None
) -> list[T]:
    """Await them, at most `limit` at a time (all at once without one), each started as a slot frees
    up, in the given order; `progress` advances as each finishes; results in the given order.

    With a limit, one awaitable starts per turn of the event loop, so that sockets are polled between
    the starts: a round's work before its request (the offline hints) would otherwise run for every
    slot before the first request could leave."""
    if progress is not None:
        progress.advance(0)
    slots = asyncio.Semaphore(limit) if limit else None
    starting = asyncio.Lock()

    async def take_turn(slots: asyncio.Semaphore) -> None:
        """A free slot, then a turn of the loop of its own (the lock is held across one yield)."""
        await slots.acquire()
        try:
            async with starting:
                await asyncio.sleep(0)
        except BaseException:
            slots.release()
            raise

    async def one(awaitable: Awaitable[T]) -> T:
        if slots is None:
            result = await awaitable
        else:
            try:
                await take_turn(slots)
            except BaseException:  # cancelled before it started: it never will
                if inspect.iscoroutine(awaitable):
                    awaitable.close()
                raise
            try:
                result = await awaitable
            finally:
                slots.release()
        if progress is not None:
            progress.advance()
        return result

    tasks = [asyncio.ensure_future(one(a)) for a in awaitables]
    try:
        return list(await asyncio.gather(*tasks))
    finally:  # the first failure (a refused key) cancels the rest rather than letting them run on
        for task in tasks:
            task.cancel()

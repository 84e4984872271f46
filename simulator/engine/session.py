"""A loop being run: asks, takes answers, probes, keeps time, grades rounds, builds the debrief.

Every event is appended to the journal (flushed and fsynced) before the method that caused it
returns, so a screen that awaits `submit` never moves on before the answer is on disk. The
session's state is the transcript the journal describes: each event goes to the journal and
then through the same builder that replays journals, so resume and live runs cannot disagree.
"""

import asyncio
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal

from simulator.content import Library
from simulator.domain import (
    Debrief,
    LoopSpec,
    Question,
    RoundGrade,
    RoundPlan,
    RoundRecord,
    Rubric,
    SeniorityLevel,
    Transcript,
    Turn,
)
from simulator.engine.clock import RoundClock
from simulator.engine.evidence import OfflineEvidence
from simulator.engine.picking import pick_questions, recent_question_ids
from simulator.grading.base import Grader, GradeRequest
from simulator.grading.debrief import GradedRound, build_debrief
from simulator.grading.offline import OfflineGrader
from simulator.grading.requests import from_round
from simulator.interviewer import FollowupContext, Interviewer
from simulator.interviewer.base import Followup, TokenSink
from simulator.redaction import redact
from simulator.store import (
    AnswerGiven,
    DebriefReady,
    Event,
    FallbackUsed,
    FollowupAsked,
    Journal,
    LoopFinished,
    LoopStarted,
    QuestionAsked,
    RoundEnded,
    RoundGraded,
    RoundPaused,
    RoundStarted,
    TranscriptBuilder,
    write_final,
)


class SessionError(Exception):
    """A session cannot start or go on; the message says why in one line."""


class EmptyAnswer(SessionError):
    """An empty answer was submitted: type an answer or skip the question."""


@dataclass(frozen=True)
class Prompt:
    """What the candidate is being asked now, and where they are in the loop."""

    kind: Literal["question", "followup"]
    text: str
    round_index: int
    round_count: int
    round_title: str
    round_type: str
    question_number: int
    question_count: int
    followup_number: int
    minutes: int
    question_id: str | None = None
    question_text: str = ""
    """The main question being asked (for a follow-up, the question it follows)."""


Listener = Callable[[Event], None]
"""Called with each event once it is on disk and applied to the transcript, on the event loop."""


def _now() -> datetime:
    return datetime.now().astimezone()


class Session:
    def __init__(
        self,
        *,
        library: Library,
        loop: LoopSpec,
        rubric: Rubric,
        journal: Journal,
        builder: TranscriptBuilder,
        grader: Grader,
        interviewer: Interviewer,
        directory: Path,
    ) -> None:
        self.library, self.loop, self.rubric = library, loop, rubric
        self.journal, self._builder = journal, builder
        self.grader, self.interviewer = grader, interviewer
        self.directory = directory
        self.current: Prompt | None = None
        self.grading_errors: list[str] = []
        self._grading: dict[int, asyncio.Task[None]] = {}
        self._clocks: dict[int, RoundClock] = {}
        self._round = 0
        self._listeners: list[Listener] = []
        self._writing = asyncio.Lock()
        self.evidence = OfflineEvidence()
        self.llm_down: dict[str, str] = {}
        """Role ("grader", "interviewer") -> why its LLM failed: it stands aside until `retry_llm`."""

    # -- starting and resuming -------------------------------------------------------------

    @classmethod
    def start(
        cls,
        loop_id: str,
        *,
        library: Library,
        directory: Path,
        grader: Grader,
        interviewer: Interviewer,
        seed: int | None = None,
        avoid_recent: bool = True,
        rubric: Rubric | None = None,
        level: SeniorityLevel | None = None,
    ) -> "Session":
        """`level` (L4-L7): questions of that seniority first, then the nearest levels."""
        try:
            loop = library.loop(loop_id)
            rubric = rubric or library.rubric(loop.rubric)
        except LookupError as exc:
            raise SessionError(str(exc).strip("'\"")) from None
        seed = seed if seed is not None else random.SystemRandom().randrange(1_000_000)
        avoid = recent_question_ids(directory) if avoid_recent else set()
        plan = pick_questions(loop, library, random.Random(seed), avoid, level)
        for spec, ids in zip(loop.rounds, plan, strict=True):
            if not ids:
                raise SessionError(f"no questions for round type {spec.type!r}; see `mockloop questions list`")
        try:
            journal = Journal.create(directory, loop.id)
        except OSError as exc:
            raise SessionError(f"cannot save sessions in {directory}: {exc.strerror or exc}") from None
        session = cls(
            library=library,
            loop=loop,
            rubric=rubric,
            journal=journal,
            builder=TranscriptBuilder(),
            grader=grader,
            interviewer=interviewer,
            directory=directory,
        )
        session._record_now(
            LoopStarted(
                id=journal.id,
                loop=loop.id,
                loop_title=loop.title,
                rubric=rubric.id,
                seed=seed,
                level=level,
                started_at=_now(),
                rounds=[
                    RoundPlan(
                        index=i,
                        type=s.type,
                        title=s.title,
                        minutes=s.minutes,
                        question_ids=ids,
                        max_followups=s.max_followups,
                    )
                    for i, (s, ids) in enumerate(zip(loop.rounds, plan, strict=True))
                ],
            )
        )
        return session

    @classmethod
    def resume(
        cls, transcript_id: str | None, *, library: Library, directory: Path, grader: Grader, interviewer: Interviewer
    ) -> "Session":
        """Continue an unfinished session (the latest when no id) at its next unanswered question."""
        from simulator.store import JournalBusy, TranscriptError, latest_unfinished, load_session

        if transcript_id is None:
            try:
                latest = latest_unfinished(directory)
            except TranscriptError as exc:
                raise SessionError(str(exc)) from None
            if latest is None:
                raise SessionError(f"no unfinished session in {directory}")
            transcript_id = latest.id
        try:
            transcript, _problems = load_session(directory, transcript_id)
        except TranscriptError as exc:
            raise SessionError(str(exc)) from None
        if transcript.finished:
            raise SessionError(f"session {transcript.id} is finished; `mockloop export {transcript.id}` shows it")
        try:
            loop = library.loop(transcript.loop)
            rubric = library.rubric(transcript.rubric)
        except LookupError as exc:
            raise SessionError(str(exc).strip("'\"")) from None
        try:
            journal = Journal.open(directory, transcript.id)
        except JournalBusy as exc:
            raise SessionError(str(exc)) from None
        except OSError as exc:
            raise SessionError(f"cannot write to {directory}: {exc.strerror or exc}") from None
        builder = TranscriptBuilder()
        builder.transcript = transcript
        session = cls(
            library=library,
            loop=loop,
            rubric=rubric,
            journal=journal,
            builder=builder,
            grader=grader,
            interviewer=interviewer,
            directory=directory,
        )
        return session

    # -- what the screen calls ---------------------------------------------------------------

    @property
    def transcript(self) -> Transcript:
        assert self._builder.transcript is not None
        return self._builder.transcript

    @property
    def id(self) -> str:
        return self.transcript.id

    @property
    def done(self) -> bool:
        return self._round >= len(self.transcript.rounds)

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call `listener` with every event from now on; returns the function that stops it."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def retry_llm(self) -> list[str]:
        """Let the LLM grader and interviewer that failed in this session try again; the roles retried."""
        roles, self.llm_down = sorted(self.llm_down), {}
        return roles

    def clock(self) -> RoundClock | None:
        """The clock of the round being asked, if any."""
        return None if self.done else self._clock(self._round)

    async def begin(self, on_token: TokenSink | None = None) -> Prompt | None:
        """The first (or, after a resume, the next unanswered) prompt."""
        for record in self.transcript.rounds:
            if record.ended_at is not None and record.grade is None:
                self._schedule_grading(record.index)
        self.current = await self._advance(on_token)
        return self.current

    async def submit(self, text: str, on_token: TokenSink | None = None) -> Prompt | None:
        """Record the answer to the current prompt (on disk before returning) and move on."""
        if not text.strip():
            raise EmptyAnswer("The answer is empty: type an answer, or skip the question.")
        return await self._answer(text, skipped=False, on_token=on_token)

    async def skip(self, on_token: TokenSink | None = None) -> Prompt | None:
        return await self._answer("", skipped=True, on_token=on_token)

    def pause(self) -> None:
        if (clock := self.clock()) is not None:
            clock.pause()

    def unpause(self) -> None:
        if (clock := self.clock()) is not None:
            clock.start()

    async def finish(self) -> Debrief:
        """Wait for round grades, build the debrief, and write the final transcript atomically.

        Safe to call again after a failure: the debrief is journaled once, the final file written
        until it succeeds."""
        if not self.done:
            raise SessionError("the loop is not over yet")
        if self.transcript.debrief is None or not self.transcript.finished:
            await asyncio.gather(*self._grading.values())
            graded = [
                GradedRound(r.type, r.title, r.grade, from_round(r).answer)
                for r in self.transcript.rounds
                if r.grade is not None
            ]
            await self._record(DebriefReady(debrief=build_debrief(graded, self.rubric)))
            await self._record(LoopFinished())
        try:
            await asyncio.to_thread(write_final, self.transcript, self.directory)
        except OSError as exc:
            raise SessionError(
                f"could not write the final transcript in {self.directory} ({exc.strerror or exc}); "
                f"everything is in {self.journal.path}: try again"
            ) from None
        self.journal.close()
        assert self.transcript.debrief is not None
        return self.transcript.debrief

    async def close(self, wait_for_grading: bool = True) -> None:
        """Stop without finishing (quit mid-loop): answers are already on disk; grades of ended
        rounds are awaited (or, if not, graded again on resume)."""
        self.pause()
        if (clock := self.clock()) is not None and self.transcript.rounds[self._round].started_at is not None:
            await self._record(RoundPaused(round=self._round, seconds_used=round(clock.used, 1)))
        if wait_for_grading:
            await asyncio.gather(*self._grading.values(), return_exceptions=True)
        for task in self._grading.values():
            task.cancel()
        self.journal.close()

    # -- the loop ------------------------------------------------------------------------------

    def _record_now(self, event: Event) -> None:
        self._applied(self._written(event))

    async def _record(self, event: Event) -> None:
        """Journal `event` (redacted and fsynced off the event loop), then apply and publish it."""
        async with self._writing:
            self._applied(await asyncio.to_thread(self._written, event))

    def _written(self, event: Event) -> Event:
        event = _redacted(event)
        self.journal.append(event)
        return event

    def _applied(self, event: Event) -> None:
        self._builder.apply(event, str(self.journal.path))
        if isinstance(event, FallbackUsed):
            self.llm_down[event.role] = event.reason
            title = self.transcript.rounds[event.round].title
            self.grading_errors.append(f"round {title}: {event.reason}")
        for listener in list(self._listeners):
            listener(event)

    def _clock(self, index: int) -> RoundClock:
        if index not in self._clocks:
            record = self.transcript.rounds[index]
            used = record.seconds_used or sum(  # journals older than `round_seconds`: the answered turns' spans
                (t.answered_at - t.asked_at).total_seconds() for t in record.turns if t.asked_at and t.answered_at
            )
            self._clocks[index] = RoundClock(record.minutes * 60, used=used)
        return self._clocks[index]

    async def _answer(self, text: str, skipped: bool, on_token: TokenSink | None) -> Prompt | None:
        if self.current is None:
            raise SessionError("there is no question to answer")
        record = self.transcript.rounds[self.current.round_index]
        used = round(self._clock(record.index).used, 1)
        await self._record(
            AnswerGiven(round=record.index, turn=len(record.turns) - 1, text=text, skipped=skipped, round_seconds=used)
        )
        self.current = await self._advance(on_token)
        return self.current

    async def _advance(self, on_token: TokenSink | None) -> Prompt | None:
        rounds = self.transcript.rounds
        while self._round < len(rounds):
            record = rounds[self._round]
            if record.ended_at is not None:
                self._round += 1
                continue
            if record.started_at is None:
                await self._record(RoundStarted(round=record.index))
            self._clock(record.index).start()
            prompt = await self._next_in_round(record, on_token)
            if prompt is not None:
                return prompt
            clock = self._clock(record.index)
            clock.pause()
            await self._record(RoundEnded(round=record.index, seconds_used=round(clock.used, 1), overran=clock.overran))
            self._schedule_grading(record.index)
            self._round += 1
        return None

    async def _next_in_round(self, record: RoundRecord, on_token: TokenSink | None) -> Prompt | None:
        turns = record.turns
        last = turns[-1] if turns else None
        if last is not None and last.answer is None and not last.skipped:
            return self._prompt(record)
        mains = [i for i, t in enumerate(turns) if t.kind == "question"]
        if last is not None and not last.skipped and mains:
            question = self.library.questions.get(turns[mains[-1]].question_id or "")
            if question is not None:
                since = turns[mains[-1] :]
                asked = tuple(t.text for t in since if t.kind == "followup")
                context = FollowupContext(
                    round_type=record.type,
                    question=question,
                    answers=tuple(t.answer or "" for t in since if not t.skipped),
                    asked=asked,
                    remaining=record.max_followups - len(asked),
                    rubric=self.rubric,
                    offline=await self._offline_so_far(record, since),
                )
                followup = await self._followup(record, context, on_token)
                if followup is not None:
                    await self._record(
                        FollowupAsked(round=record.index, text=followup.text, probe_signal=followup.signal)
                    )
                    return self._prompt(record)
        if len(mains) < len(record.question_ids):
            question = self._planned_question(record, len(mains))
            await self._record(QuestionAsked(round=record.index, text=question.text, question_id=question.id))
            return self._prompt(record)
        return None

    async def _followup(
        self, record: RoundRecord, context: FollowupContext, on_token: TokenSink | None
    ) -> Followup | None:
        """The interviewer's follow-up; once the LLM interviewer fell back, its stand-in's."""
        standin: Interviewer | None = getattr(self.interviewer, "fallback", None)
        if "interviewer" in self.llm_down and standin is not None:
            return await standin.followup(context, on_token)
        failures: list[str] = getattr(self.interviewer, "failures", [])  # LLMInterviewer's endpoint failures
        before = len(failures)
        followup = await self.interviewer.followup(context, on_token)
        if len(failures) > before:
            reason = f"the {self.interviewer.name} interviewer failed ({failures[-1]}); the scripted one asks"
            await self._record(FallbackUsed(round=record.index, role="interviewer", reason=reason))
        return followup

    async def _offline_so_far(self, record: RoundRecord, since: list[Turn]) -> RoundGrade | None:
        """The shared offline grade of the answers to the current question (for a one-question
        round, the very request the round is graded with at its end)."""
        if self.rubric.round_for(record.type) is None:
            return None
        return await self.evidence.grade(from_round(record.model_copy(update={"turns": since})), self.rubric)

    def _planned_question(self, record: RoundRecord, position: int) -> Question:
        """The question planned at `position`, or, if the banks no longer have it (the content changed
        since the loop started), the first unused question of the same round type."""
        planned = self.library.questions.get(record.question_ids[position])
        if planned is not None:
            return planned
        used = {q for r in self.transcript.rounds for q in r.question_ids}
        used |= {t.question_id for r in self.transcript.rounds for t in r.turns if t.question_id}
        spare = sorted((q for q in self.library.questions_for(record.type) if q.id not in used), key=lambda q: q.id)
        if not spare:
            raise SessionError(
                f"question {record.question_ids[position]!r} is no longer in the question banks "
                f"and no other {record.type} question is left to ask"
            )
        return spare[0]

    def _prompt(self, record: RoundRecord) -> Prompt:
        turns = record.turns
        turn = turns[-1]
        mains = [i for i, t in enumerate(turns) if t.kind == "question"]
        followups = len(turns) - 1 - mains[-1] if mains else 0
        return Prompt(
            kind=turn.kind,
            text=turn.text,
            round_index=record.index,
            round_count=len(self.transcript.rounds),
            round_title=record.title,
            round_type=record.type,
            question_number=max(len(mains), 1),
            question_count=max(len(record.question_ids), 1),
            followup_number=followups,
            minutes=record.minutes,
            question_id=turns[mains[-1]].question_id if mains else None,
            question_text=turns[mains[-1]].text if mains else turn.text,
        )

    def _schedule_grading(self, index: int) -> None:
        if index in self._grading:
            return
        self._grading[index] = asyncio.get_running_loop().create_task(self._grade_round(index))

    async def _grade_round(self, index: int) -> None:
        record = self.transcript.rounds[index]
        request = from_round(record)
        if isinstance(self.grader, OfflineGrader):
            await self._record(RoundGraded(round=index, grade=await self.evidence.grade(request, self.rubric)))
            return
        if (down := self.llm_down.get("grader")) is not None:
            grade = await self._offline_fallback(request, down)
        else:
            try:
                grade = await self.grader.grade(request, self.rubric)
            except Exception as exc:  # whatever the grader does, the round is graded offline and the loop goes on
                reason = redact(f"{self.grader.name} grader failed ({exc}); graded offline")
                await self._record(FallbackUsed(round=index, role="grader", reason=reason))
                grade = await self._offline_fallback(request, redact(f"{type(exc).__name__}: {exc}"))
            else:
                if grade.grader == "offline-fallback":  # the LLM grader's own fallback (`LLMGrader(fallback=...)`)
                    reason = redact(f"{self.grader.name} grader failed ({grade.fallback_reason}); graded offline")
                    await self._record(FallbackUsed(round=index, role="grader", reason=reason))
        await self._record(RoundGraded(round=index, grade=grade))

    async def _offline_fallback(self, request: GradeRequest, reason: str) -> RoundGrade:
        grade = await self.evidence.grade(request, self.rubric)
        return grade.model_copy(update={"grader": "offline-fallback", "fallback_reason": reason})


def _redacted(event: Event) -> Event:
    """`event` without any secret in its text (a grader's error that quotes the API key), so the screen
    shows what the journal keeps."""
    text = event.model_dump_json()
    cleaned = redact(text)
    return event if cleaned == text else type(event).model_validate_json(cleaned)

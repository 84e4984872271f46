"""Grade a saved transcript again with another rubric or grader, without touching the file. No Textual here."""

import asyncio

from simulator.domain import Rubric, Transcript
from simulator.grading.base import Grader
from simulator.grading.debrief import GradedRound, build_debrief
from simulator.grading.requests import from_round


class RegradeError(Exception):
    """The transcript cannot be graded this way; the message says why in one line."""


async def regrade(transcript: Transcript, rubric: Rubric, grader: Grader) -> Transcript:
    """A copy of `transcript` with every answered round graded again and a new debrief."""
    answered = [r for r in transcript.rounds if from_round(r).answer]
    if not answered:
        raise RegradeError("no round of this session has an answer to grade")
    missing = sorted({r.type for r in answered if rubric.round_for(r.type) is None})
    if missing:
        raise RegradeError(
            f"rubric {rubric.id!r} does not grade {', '.join(missing)}; it grades {', '.join(sorted(rubric.rounds))}"
        )
    try:
        grades = await asyncio.gather(*(grader.grade(from_round(r), rubric) for r in answered))
    finally:
        close = getattr(grader, "aclose", None)
        if close is not None:
            await close()
    by_index = {r.index: g for r, g in zip(answered, grades, strict=True)}
    rounds = [r.model_copy(update={"grade": by_index.get(r.index)}) for r in transcript.rounds]
    debrief = build_debrief(
        [GradedRound(r.type, r.title, by_index[r.index], from_round(r).answer) for r in answered], rubric
    )
    return transcript.model_copy(update={"rounds": rounds, "debrief": debrief, "rubric": rubric.id})

"""The engine publishes the events it journals, and grades each answer offline once."""

import asyncio
import io
import json
from pathlib import Path

import pytest

from simulator.content import load_library
from simulator.domain import RoundGrade, Rubric
from simulator.engine import Session
from simulator.grading import offline
from simulator.grading.base import GradeRequest
from simulator.grading.offline import OfflineGrader
from simulator.interviewer import ScriptedInterviewer
from simulator.store import Event, FallbackUsed
from tests.stand_in_interviewers import FlakyInterviewer

THIN = "I helped with the project and it went fine."


@pytest.fixture(scope="module")
def library():
    return load_library()


def start(library, tmp_path: Path) -> Session:
    return Session.start(
        "drill-bar-raiser",
        library=library,
        directory=tmp_path,
        grader=OfflineGrader(),
        interviewer=ScriptedInterviewer(),
        seed=1,
    )


async def test_subscribers_get_every_journaled_event_once_it_is_on_disk(library, tmp_path: Path) -> None:
    session = start(library, tmp_path)
    seen: list[tuple[str, int]] = []

    def listener(event: Event) -> None:
        lines = session.journal.path.read_text().splitlines()
        seen.append((event.type, len(lines)))
        assert json.loads(lines[-1])["type"] == event.type  # already on disk

    stop = session.subscribe(listener)
    prompt = await session.begin()
    while prompt is not None:
        prompt = await session.submit(THIN)
    await session.finish()
    journaled = [json.loads(line)["type"] for line in session.journal.path.read_text().splitlines()]
    assert [kind for kind, _ in seen] == journaled[1:]  # all but loop_started, written before subscribing
    assert "round_graded" in journaled and journaled[-1] == "loop_finished"
    stop()
    stop()  # twice is harmless
    assert session._listeners == []


async def test_a_followup_prompt_carries_the_question_it_follows(library, tmp_path: Path) -> None:
    session = start(library, tmp_path)
    first = await session.begin()
    assert first is not None and first.question_text == first.text
    followup = await session.submit(THIN)
    assert followup is not None and followup.kind == "followup"
    assert followup.question_text == first.text != followup.text
    await session.close()


async def test_each_answer_is_graded_offline_once(library, tmp_path: Path, monkeypatch) -> None:
    calls: list[str] = []
    real = offline.grade_offline

    def counting(request, rubric, model=None):
        calls.append(request.answer)
        return real(request, rubric, model)

    monkeypatch.setattr("simulator.engine.evidence.grade_offline", counting)
    monkeypatch.setattr("simulator.interviewer.scripted.grade_offline", counting)
    session = start(library, tmp_path)
    prompt = await session.begin()
    answers = 0
    while prompt is not None:
        prompt = await session.submit(f"{THIN} ({answers})")
        answers += 1
    await session.finish()
    assert answers >= 2, "the thin answers were probed"
    # the interviewer's probe choice after each answer, and the round's grade at the end: one grade each
    assert len(calls) == answers == session.evidence.computed
    assert len(set(calls)) == answers


class BrokenGrader:
    name = "llm"

    def __init__(self) -> None:
        self.calls = 0

    async def grade(self, request: GradeRequest, rubric: Rubric) -> RoundGrade:
        self.calls += 1
        raise RuntimeError("endpoint answered HTML")


class FallingBackGrader(BrokenGrader):
    """Like `LLMGrader` with a fallback grader: the failure comes back as an offline-fallback grade."""

    async def grade(self, request: GradeRequest, rubric: Rubric) -> RoundGrade:
        self.calls += 1
        grade = offline.grade_offline(request, rubric)
        return grade.model_copy(update={"grader": "offline-fallback", "fallback_reason": "HTTP 503"})


async def answer_round(session: Session, prompt):
    index = prompt.round_index
    while prompt is not None and prompt.round_index == index:
        prompt = await session.submit(THIN)
    return prompt


@pytest.mark.parametrize("grader", [BrokenGrader(), FallingBackGrader()], ids=["raises", "falls-back-itself"])
async def test_a_failed_grader_is_one_journaled_event_and_stands_aside_until_retried(
    library, tmp_path: Path, grader: BrokenGrader
) -> None:
    session = Session.start(
        "amazon-pm", library=library, directory=tmp_path, grader=grader, interviewer=ScriptedInterviewer(), seed=1
    )
    seen: list[Event] = []
    session.subscribe(seen.append)
    prompt = await answer_round(session, await session.begin())
    await asyncio.gather(*session._grading.values())
    prompt = await answer_round(session, prompt)
    await asyncio.gather(*session._grading.values())
    assert grader.calls == 1, "after one failure the LLM grader stands aside"
    fallbacks = [e for e in seen if isinstance(e, FallbackUsed)]
    assert [(e.role, e.round) for e in fallbacks] == [("grader", 0)]
    assert ("HTTP 503" if isinstance(grader, FallingBackGrader) else "endpoint answered HTML") in fallbacks[0].reason
    assert session.grading_errors == [f"round {session.transcript.rounds[0].title}: {fallbacks[0].reason}"]
    assert [r.grade.grader for r in session.transcript.rounds[:2] if r.grade] == ["offline-fallback"] * 2
    journaled = [json.loads(line) for line in session.journal.path.read_text().splitlines()]
    assert [e["role"] for e in journaled if e["type"] == "fallback"] == ["grader"]

    assert session.retry_llm() == ["grader"]
    await answer_round(session, prompt)
    await asyncio.gather(*session._grading.values())
    assert grader.calls == 2, "retried"
    await session.close()


async def test_plain_mode_says_once_that_the_llm_interviewer_stood_aside(library, tmp_path: Path) -> None:
    from simulator.plain import PlainRunner

    session = Session.start(
        "drill-bar-raiser",
        library=library,
        directory=tmp_path,
        grader=OfflineGrader(),
        interviewer=FlakyInterviewer(),
        seed=1,
    )
    lines = iter([f"{line}\n" for line in [THIN, "."] * 4])
    out = io.StringIO()
    assert await PlainRunner(session, lambda: next(lines, ""), out).run() == 0
    notes = [line for line in out.getvalue().splitlines() if line.startswith("note:")]
    assert len(notes) == 1 and "HTTP 500" in notes[0] and "rest of this session" in notes[0]

"""The session engine: journaling before moving on, probes where answers are thin, timing, resume."""

import asyncio
import json
import stat
from pathlib import Path

import pytest

from simulator.content import load_library
from simulator.domain import OverallScore, RoundGrade, Rubric, SignalGrade
from simulator.engine import EmptyAnswer, Session, SessionError
from simulator.engine.clock import RoundClock
from simulator.engine.picking import pick_questions
from simulator.grading.base import GradeRequest
from simulator.grading.debrief import GradedRound, build_debrief
from simulator.grading.offline import OfflineGrader
from simulator.interviewer import ScriptedInterviewer

THIN = "I helped with the project and it went fine."
RICH = (
    "At Cainiao I owned the returns flow for Tmall Global buyers. I interviewed 10 first-time "
    "cross-border buyers in Shanghai who could not trust refunds. I decided to refund on courier "
    "scan instead of warehouse receipt because it needed no headcount. Finance objected, so I wrote "
    "a one-pager and we agreed on a pilot. Refund time went from 9 days to 2 days over eight weeks, "
    "per the returns dashboard. My mistake was not involving customer service early."
)


@pytest.fixture(scope="module")
def library():
    return load_library()


def start(library, tmp_path: Path, loop: str = "drill-bar-raiser", seed: int = 1, **kw) -> Session:
    return Session.start(
        loop,
        library=library,
        directory=tmp_path,
        grader=kw.pop("grader", OfflineGrader()),
        interviewer=ScriptedInterviewer(),
        seed=seed,
        **kw,
    )


def journal_events(session: Session) -> list[dict]:
    return [json.loads(line) for line in session.journal.path.read_text().splitlines()]


async def test_every_answer_is_on_disk_before_the_next_prompt(library, tmp_path: Path) -> None:
    session = start(library, tmp_path)
    prompt = await session.begin()
    assert prompt is not None and prompt.kind == "question"
    assert prompt.round_count == 1 and prompt.question_number == 1
    answers = [THIN, "Still vague, honestly.", "Nothing more to add."]
    for text in answers:
        if prompt is None:
            break
        prompt = await session.submit(text)
        recorded = [e["text"] for e in journal_events(session) if e["type"] == "answer"]
        assert recorded[-1] == text
    assert stat.S_IMODE(session.journal.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(tmp_path.stat().st_mode) == 0o700


async def test_thin_answers_get_probes_tied_to_missing_signals(library, tmp_path: Path) -> None:
    session = start(library, tmp_path)
    first = await session.begin()
    question = library.questions[first.question_id]
    prompt = await session.submit(THIN)
    assert prompt is not None and prompt.kind == "followup" and prompt.followup_number == 1
    probe = next(p for p in question.probes if p.text == prompt.text)
    asked = [prompt.text]
    max_followups = session.transcript.rounds[0].max_followups
    while prompt is not None and prompt.kind == "followup":
        prompt = await session.submit(THIN)
        if prompt is not None and prompt.kind == "followup":
            asked.append(prompt.text)
    assert len(asked) == len(set(asked)) <= max_followups
    followups = [e for e in journal_events(session) if e["type"] == "followup"]
    assert followups[0]["probe_signal"] == probe.signal


async def test_rich_answer_is_probed_less_than_a_thin_one(library, tmp_path: Path) -> None:
    async def followups_after(answer: str, where: Path) -> int:
        session = start(library, where, seed=5)
        prompt = await session.begin()
        count = 0
        while prompt is not None:
            count += prompt.kind == "followup"
            prompt = await session.submit(answer)
        return count

    assert await followups_after(RICH, tmp_path / "rich") <= await followups_after(THIN, tmp_path / "thin")


async def test_empty_answer_is_refused_and_not_recorded(library, tmp_path: Path) -> None:
    session = start(library, tmp_path)
    await session.begin()
    with pytest.raises(EmptyAnswer):
        await session.submit("   \n ")
    assert not [e for e in journal_events(session) if e["type"] == "answer"]


async def test_skip_moves_to_next_question_without_probing(library, tmp_path: Path) -> None:
    session = start(library, tmp_path, loop="alibaba-tpm")
    first = await session.begin()
    second = await session.skip()
    assert second is not None and second.kind == "question" and second.text != first.text


async def test_full_loop_grades_every_round_and_writes_final(library, tmp_path: Path) -> None:
    session = start(library, tmp_path, loop="alibaba-tpm")
    prompt = await session.begin()
    while prompt is not None:
        prompt = await session.submit(RICH)
    debrief = await session.finish()
    assert debrief.decision in ("hire", "no-hire") and debrief.rule
    final = tmp_path / f"{session.id}.json"
    assert stat.S_IMODE(final.stat().st_mode) == 0o600
    saved = json.loads(final.read_text())
    assert saved["schema_version"] == 1 and saved["finished_at"]
    assert all(r["grade"] for r in saved["rounds"])
    assert saved["debrief"]["decision"] == debrief.decision
    assert len(saved["debrief"]["fixes"]) <= 3


async def test_grading_does_not_hold_up_the_next_round(library, tmp_path: Path) -> None:
    release = asyncio.Event()

    class SlowGrader:
        name = "slow"

        async def grade(self, request: GradeRequest, rubric: Rubric) -> RoundGrade:
            await release.wait()
            return await OfflineGrader().grade(request, rubric)

    session = start(library, tmp_path, loop="alibaba-tpm", grader=SlowGrader())
    prompt = await session.begin()
    first_round = prompt.round_index
    while prompt is not None and prompt.round_index == first_round:
        prompt = await asyncio.wait_for(session.submit(RICH), timeout=5)
    assert prompt is not None and prompt.round_index == first_round + 1  # round 2 asked, round 1 ungraded
    assert session.transcript.rounds[first_round].grade is None
    release.set()
    while prompt is not None:
        prompt = await session.submit(RICH)
    await session.finish()
    assert all(r.grade is not None for r in session.transcript.rounds)


async def test_resume_continues_at_next_unanswered_question(library, tmp_path: Path) -> None:
    session = start(library, tmp_path, loop="alibaba-tpm", seed=11)
    prompt = await session.begin()
    prompt = await session.submit(RICH)
    pending = prompt
    await session.close()

    resumed = Session.resume(
        None, library=library, directory=tmp_path, grader=OfflineGrader(), interviewer=ScriptedInterviewer()
    )
    again = await resumed.begin()
    assert again == pending
    assert [e["type"] for e in journal_events(resumed)].count("loop_started") == 1
    while again is not None:
        again = await resumed.submit(RICH)
    await resumed.finish()
    with pytest.raises(SessionError, match="no unfinished session"):
        Session.resume(
            None, library=library, directory=tmp_path, grader=OfflineGrader(), interviewer=ScriptedInterviewer()
        )


def test_unknown_loop_is_one_clear_error(library, tmp_path: Path) -> None:
    with pytest.raises(SessionError, match="unknown loop 'nope'; expected one of"):
        start(library, tmp_path, loop="nope")


def test_seeded_picking_is_reproducible_and_avoids_recent(library) -> None:
    import random

    loop = library.loop("amazon-pm")
    a = pick_questions(loop, library, random.Random(4), set())
    b = pick_questions(loop, library, random.Random(4), set())
    assert a == b
    recent = {q for ids in a for q in ids}
    c = pick_questions(loop, library, random.Random(4), recent)
    assert not recent & {q for ids in c for q in ids}


def test_round_clock_counts_active_time_and_notes_overrun() -> None:
    now = [0.0]
    clock = RoundClock(60, now=lambda: now[0])
    clock.start()
    now[0] = 30
    clock.pause()
    now[0] = 500  # paused: not counted
    clock.start()
    now[0] = 540
    assert clock.used == 70 and clock.overran and clock.left == -10


def _round(signal_scores: dict[str, int], overall: int, round_type: str = "bar-raiser") -> GradedRound:
    grade = RoundGrade(
        round=round_type,
        grader="offline",
        signals={
            s: SignalGrade(score=v, evidence=[f"quote {s}"], rationale="r", next_level="n")
            for s, v in signal_scores.items()
        },
        overall=OverallScore(score=overall, label=str(overall)),
    )
    return GradedRound(round_type, round_type.title(), grade, "I did things.")


def test_debrief_veto_and_hire(library) -> None:
    rubric = library.rubric("base")
    strong = {
        "ownership": 4,
        "delivery_metrics": 4,
        "customer_obsession": 3,
        "cross_functional_influence": 3,
        "structure": 3,
    }
    hire = build_debrief([_round(strong, 4)], rubric)
    assert hire.decision == "hire" and "reaches the bar" in hire.rule
    vetoed = build_debrief([_round({**strong, "ownership": 1}, 3)], rubric)
    assert vetoed.decision == "no-hire" and vetoed.rule.startswith("Veto")
    assert vetoed.fixes[0].signal == "ownership" and vetoed.fixes[0].quotes == ["quote ownership"]


async def test_a_failing_grader_never_costs_the_round_its_grade(library, tmp_path: Path) -> None:
    class BrokenGrader:
        name = "broken"

        async def grade(self, request: GradeRequest, rubric: Rubric) -> RoundGrade:
            raise RuntimeError("endpoint answered HTML")

    session = start(library, tmp_path, grader=BrokenGrader())
    prompt = await session.begin()
    while prompt is not None:
        prompt = await session.submit(RICH)
    debrief = await session.finish()
    [record] = session.transcript.rounds
    assert record.grade is not None and record.grade.grader == "offline-fallback"
    assert "endpoint answered HTML" in (record.grade.fallback_reason or "")
    assert debrief.rule and "No round was answered" not in debrief.rule


async def test_resume_when_a_planned_question_left_the_banks(library, tmp_path: Path) -> None:
    session = start(library, tmp_path, loop="alibaba-tpm", seed=2)
    await session.begin()
    await session.skip()
    await session.close()
    journal = session.journal.path
    lines = journal.read_text().splitlines()
    started = json.loads(lines[0])
    gone = started["rounds"][0]["question_ids"][1]
    started["rounds"][0]["question_ids"][1] = "a-question-nobody-has"
    journal.write_text("\n".join([json.dumps(started), *lines[1:]]) + "\n")

    resumed = Session.resume(
        None, library=library, directory=tmp_path, grader=OfflineGrader(), interviewer=ScriptedInterviewer()
    )
    prompt = await resumed.begin()
    assert prompt is not None and prompt.kind == "question"
    assert prompt.question_id not in (None, "a-question-nobody-has")
    assert library.questions[prompt.question_id].round == "execution"
    assert gone  # the original plan named a real question


async def test_finish_can_be_retried_until_the_final_file_is_written(library, tmp_path: Path, monkeypatch) -> None:
    import simulator.engine.session as session_module

    session = start(library, tmp_path)
    prompt = await session.begin()
    while prompt is not None:
        prompt = await session.submit(RICH)
    real_write = session_module.write_final

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(session_module, "write_final", disk_full)
    with pytest.raises(SessionError, match="No space left on device"):
        await session.finish()
    monkeypatch.setattr(session_module, "write_final", real_write)
    debrief = await session.finish()
    assert (tmp_path / f"{session.id}.json").exists()
    assert [e["type"] for e in journal_events(session)].count("debrief") == 1
    assert debrief.decision in ("hire", "no-hire")


async def test_a_kill_between_loop_finished_and_the_final_file_is_mended_by_any_read(
    library, tmp_path: Path, monkeypatch
) -> None:
    """`loop_finished` is journaled, then the process dies before `<id>.json` exists (a temp file of the
    final write left behind): the next read writes the final file, so the session is not stuck."""
    import simulator.engine.session as session_module
    from simulator.store import list_sessions, load_session

    session = start(library, tmp_path)
    prompt = await session.begin()
    while prompt is not None:
        prompt = await session.submit(RICH)

    def killed(*args, **kwargs):
        (tmp_path / f".{session.id}.json.k1ll3d.tmp").write_text('{"half": ')
        raise SystemExit(137)

    monkeypatch.setattr(session_module, "write_final", killed)
    with pytest.raises(SystemExit):
        await session.finish()
    session.journal.close()  # the process is gone: so is its lock
    final = tmp_path / f"{session.id}.json"
    assert not final.exists()
    with pytest.raises(SessionError, match="is finished"):
        Session.resume(
            session.id, library=library, directory=tmp_path, grader=OfflineGrader(), interviewer=ScriptedInterviewer()
        )
    assert final.exists() and stat.S_IMODE(final.stat().st_mode) == 0o600
    assert not list(tmp_path.glob("*.tmp")) and not list(tmp_path.glob(".*.tmp"))
    transcript, _ = load_session(tmp_path, session.id)
    assert transcript.finished and transcript.debrief is not None
    final.unlink()
    [summary] = list_sessions(tmp_path)
    assert summary.finished and summary.path == final and final.exists()


async def test_a_session_still_being_written_is_not_mended_under_its_writer(library, tmp_path: Path) -> None:
    from simulator.store import load_session
    from simulator.store.events import LoopFinished

    session = start(library, tmp_path)
    prompt = await session.begin()
    while prompt is not None:
        prompt = await session.submit(RICH)
    session.journal.append(LoopFinished())  # journaled, the final write still to come
    transcript, _ = load_session(tmp_path, session.id)
    assert transcript.finished and not (tmp_path / f"{session.id}.json").exists()
    await session.finish()
    assert (tmp_path / f"{session.id}.json").exists()

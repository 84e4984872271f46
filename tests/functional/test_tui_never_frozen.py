"""The app at 80x24 under keys that come faster than the work (issue 16 rows 1, 6 and 7): a huge
answer, keys pressed at once after it, and screens that move on while they are still mounting."""

import asyncio
from pathlib import Path

from textual.widgets import Static

from simulator.interviewer import FollowupContext, ScriptedInterviewer
from simulator.interviewer.base import Followup, TokenSink
from simulator.tui.app import MockloopApp
from simulator.tui.screens.debrief import DebriefScreen
from simulator.tui.screens.interview import InterviewScreen
from simulator.tui.widgets import AnswerBox
from tests.functional.tui_support import (
    DRILL,
    SEED,
    app_for,
    journal_answers,
    record_notifications,
    until,
    workspace,
)

NARROW = (80, 24)
HUGE = " ".join(
    ("I decided to cut the custom reports and keep alerts so churn fell from 9% to 7% " * 1300).split()[:20000]
)


async def test_a_huge_answer_then_keys_at_once_reach_the_debrief_without_a_crash(tmp_path: Path) -> None:
    transcripts = tmp_path / "transcripts"
    app = app_for(transcripts, lambda env: env.start(DRILL, seed=SEED))
    async with app.run_test(size=NARROW) as pilot:
        await until(pilot, lambda: isinstance(app.screen, InterviewScreen) and app.screen.prompt, "the question")
        screen = app.screen
        assert isinstance(screen, InterviewScreen)
        session_id = screen.session.id
        screen.query_one(AnswerBox).editor.text = HUGE
        await pilot.press("ctrl+s")
        await until(pilot, lambda: screen.prompt is not None and screen.prompt.kind == "followup", "follow-up 1", 30)
        screen.query_one(AnswerBox).editor.text = HUGE + " more"
        # skip at once, and keep pressing while the round is graded and the screens change
        await pilot.press("ctrl+k", "ctrl+k", "ctrl+s", "ctrl+k", "enter", "ctrl+k")
        await until(pilot, lambda: isinstance(app.screen, DebriefScreen), "the debrief", timeout=30)
        await pilot.pause()
    # run_test re-raises whatever crashed the app (it was `NoMatches: ... 'HeaderTitle'`)
    assert app.return_code in (None, 0)
    assert journal_answers(transcripts, session_id) == [HUGE, ""]


class FlakyInterviewer:
    """An LLM interviewer whose endpoint always fails: its scripted stand-in asks every follow-up."""

    name = "llm"

    def __init__(self) -> None:
        self.fallback = ScriptedInterviewer()
        self.failures: list[str] = []

    async def followup(self, context: FollowupContext, on_token: TokenSink | None = None) -> Followup | None:
        self.failures.append("HTTP 500 from the endpoint")
        return await self.fallback.followup(context, on_token)


async def test_an_llm_interviewer_that_failed_is_told_once_and_can_be_retried(tmp_path: Path) -> None:
    flaky = FlakyInterviewer()
    app = MockloopApp(workspace(tmp_path / "transcripts", interviewer=flaky), lambda ws: ws.start(DRILL, seed=SEED))
    shown = record_notifications(app)
    async with app.run_test(size=NARROW) as pilot:
        await until(pilot, lambda: isinstance(app.screen, InterviewScreen) and app.screen.prompt, "the question")
        screen = app.screen
        assert isinstance(screen, InterviewScreen)
        assert screen.check_action("retry_llm", ()) is False  # nothing to retry yet
        for _ in range(2):
            before = screen.prompt
            screen.query_one(AnswerBox).editor.text = "I helped with the project and it went fine."
            await pilot.press("ctrl+s")
            await until(pilot, lambda b=before: screen.prompt is not b and not screen.busy, "the follow-up")
        assert len(flaky.failures) == 1, "the failed LLM interviewer stood aside for the second follow-up"
        notices = [note for note in shown if note.startswith("LLM interviewer unavailable")]
        assert len(notices) == 1 and "HTTP 500" in notices[0] and "Ctrl+R" in notices[0]
        await pilot.press("ctrl+r")
        assert [note for note in shown if note.startswith("Retrying")]
        assert screen.check_action("retry_llm", ()) is False
        screen.query_one(AnswerBox).editor.text = "Still vague."
        await pilot.press("ctrl+s")
        await until(pilot, lambda: len(flaky.failures) == 2, "the LLM interviewer tried again")


class SlowInterviewer:
    """The scripted interviewer, held until the test lets it speak."""

    name = "scripted"

    def __init__(self) -> None:
        self.gate = asyncio.Event()
        self.scripted = ScriptedInterviewer()

    async def followup(self, context: FollowupContext, on_token: TokenSink | None = None) -> Followup | None:
        await self.gate.wait()
        return await self.scripted.followup(context, on_token)


async def test_keys_typed_while_an_answer_is_saved_are_kept_and_the_busy_state_shows(tmp_path: Path) -> None:
    slow = SlowInterviewer()
    app = MockloopApp(workspace(tmp_path / "transcripts", interviewer=slow), lambda ws: ws.start(DRILL, seed=SEED))
    async with app.run_test(size=NARROW) as pilot:
        await until(pilot, lambda: isinstance(app.screen, InterviewScreen) and app.screen.prompt, "the question")
        screen = app.screen
        assert isinstance(screen, InterviewScreen)
        editor = screen.query_one(AnswerBox).editor
        editor.text = "I helped with the project and it went fine."
        editor.move_cursor(editor.document.end)
        await pilot.press("ctrl+s")
        assert screen.busy
        assert "saving your answer" in str(screen.query_one("#position", Static).content)
        await pilot.press(*"next")  # typed at once, while the follow-up is still being chosen
        slow.gate.set()
        await until(pilot, lambda: screen.prompt is not None and screen.prompt.kind == "followup", "the follow-up")
        assert screen.query_one(AnswerBox).text == "next"

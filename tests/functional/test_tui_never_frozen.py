"""The app at 80x24 under keys that come faster than the work (issue 16 rows 1, 6 and 7): a huge
answer, keys pressed at once after it, and screens that move on while they are still mounting."""

import asyncio
import threading
from pathlib import Path

import pytest
from textual import events
from textual._xterm_parser import XTermParser
from textual.widgets import DataTable, Static

from simulator.engine import Session
from simulator.interviewer import FollowupContext, ScriptedInterviewer
from simulator.interviewer.base import Followup, TokenSink
from simulator.services.workspace import Workspace
from simulator.tui.app import MockloopApp
from simulator.tui.screens.debrief import DebriefScreen
from simulator.tui.screens.home import HomeScreen
from simulator.tui.screens.interview import InterviewScreen
from simulator.tui.screens.rubrics import RubricsScreen
from simulator.tui.widgets import AnswerBox
from tests.functional.tui_support import (
    DRILL,
    SEED,
    app_for,
    home_ready,
    journal_answers,
    record_notifications,
    until,
    workspace,
)
from tests.stand_in_interviewers import FlakyInterviewer

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
        position = screen.query_one("#position", Static)
        await until(pilot, lambda: "Answer saved" in str(position.content), "the answer saved")
        journal = next((tmp_path / "transcripts").glob("*.jsonl"))
        assert "I helped with the project" in journal.read_text()  # on disk before the screen says so
        await pilot.press(*"next")  # typed at once, while the follow-up is still being chosen
        slow.gate.set()
        await until(pilot, lambda: screen.prompt is not None and screen.prompt.kind == "followup", "the follow-up")
        assert screen.query_one(AnswerBox).text == "next"


async def test_keys_typed_right_after_enter_on_a_loop_land_in_the_answer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = threading.Event()
    start = Workspace.start

    def held_start(self: Workspace, *args: object, **kwargs: object) -> Session:
        gate.wait(10)  # the session opens slowly (a loaded machine, a big transcripts dir)
        return start(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Workspace, "start", held_start)
    app = app_for(tmp_path / "transcripts")
    async with app.run_test(size=NARROW) as pilot:
        await home_ready(pilot)
        loops = app.screen.query_one("#loops", DataTable)
        loops.move_cursor(row=loops.get_row_index(DRILL))
        loops.focus()
        await pilot.press("enter", *"I", "space", *"led")
        assert isinstance(app.screen, InterviewScreen)
        assert "Opening" in str(app.screen.query_one("#position", Static).content)
        gate.set()
        await until(pilot, lambda: isinstance(app.screen, InterviewScreen) and app.screen.prompt, "the question")
        await pilot.press(*"it")
        assert app.screen.query_one(AnswerBox).text == "I ledit"


async def test_a_loop_that_cannot_open_leaves_the_interview_for_home_with_the_reason(tmp_path: Path) -> None:
    app = app_for(tmp_path / "transcripts")
    shown = record_notifications(app)
    async with app.run_test(size=NARROW) as pilot:
        await home_ready(pilot)
        app.start_loop("no-such-loop")
        await until(pilot, lambda: shown, "a notification")
        await until(pilot, lambda: isinstance(app.screen, HomeScreen), "Home again")
        assert shown[0].startswith("Cannot open the session: unknown loop 'no-such-loop'")


async def test_u_right_after_esc_from_the_debrief_opens_the_rubric_viewer(tmp_path: Path) -> None:
    app = app_for(tmp_path / "transcripts", lambda ws: ws.start(DRILL, seed=SEED))
    async with app.run_test(size=NARROW) as pilot:
        await until(pilot, lambda: isinstance(app.screen, InterviewScreen) and app.screen.prompt, "the question")
        await pilot.press("ctrl+k")
        await until(pilot, lambda: isinstance(app.screen, DebriefScreen), "the debrief", timeout=30)
        # a terminal's Esc then u within its escape delay: the parser reads "\x1bu" as one key, alt+u
        parser = XTermParser(debug=False)
        (key,) = [*parser.feed("\x1bu"), *parser.feed("")]  # the end of input: the delay is over
        assert isinstance(key, events.Key) and key.key == "alt+u"
        app.post_message(key)
        await until(pilot, lambda: isinstance(app.screen, RubricsScreen), "the rubric viewer")


async def test_an_answer_typed_in_one_burst_with_ctrl_s_is_submitted_whole(tmp_path: Path) -> None:
    """A terminal that delivers the answer and Ctrl+S in one read (a paste without bracketed paste, a
    fast typist on a busy loop): Ctrl+S is a priority binding, run before the editor has taken the
    keys queued ahead of it, which used to split the answer between this question and the next."""
    transcripts = tmp_path / "transcripts"
    app = app_for(transcripts, lambda env: env.start("amazon-pm", seed=SEED))  # five rounds: a skip does not end it
    typed = "I would run an A/B test on skip rate and 90-day revenue per subscriber."
    async with app.run_test(size=NARROW) as pilot:
        await until(pilot, lambda: isinstance(app.screen, InterviewScreen) and app.screen.prompt, "the question")
        screen = app.screen
        assert isinstance(screen, InterviewScreen)
        first = screen.prompt
        for key in XTermParser(debug=False).feed(typed + "\x13"):  # one read: the answer, then Ctrl+S
            app.post_message(key)
        await until(pilot, lambda: screen.prompt is not first and not screen.busy, "the next prompt")
        assert journal_answers(transcripts, screen.session.id) == [typed]
        assert screen.query_one(AnswerBox).text == ""
        before = screen.prompt
        for key in XTermParser(debug=False).feed("Not sure\x0b"):  # the same for Ctrl+K: its draft goes with it
            app.post_message(key)
        await until(pilot, lambda: screen.prompt is not before and not screen.busy, "the next prompt after the skip")
        assert screen.query_one(AnswerBox).text == ""


async def test_the_rubric_page_follows_the_cursor_within_a_second(tmp_path: Path) -> None:
    """Row 7: the rubric pane lagged the cursor by 1.5 to 3 s (Textual's Markdown widget laying out a
    page of many widgets); drawn by Rich in one widget, a page shows in about half a second."""
    import statistics
    import time

    app = app_for(tmp_path / "transcripts")
    async with app.run_test(size=NARROW) as pilot:
        await home_ready(pilot)
        await pilot.press("u")
        await until(pilot, lambda: isinstance(app.screen, RubricsScreen) and app.screen.page is not None, "a page")
        screen = app.screen
        assert isinstance(screen, RubricsScreen)
        table = screen.query_one("#rubric-list", DataTable)
        table.focus()
        took = []
        for key in ("down", "down", "down", "up"):  # three pages built, one shown again
            last, pressed = screen.page, time.perf_counter()
            await pilot.press(key)
            await until(pilot, lambda last=last: screen.page is not None and screen.page is not last, "the page")
            await pilot.pause()
            took.append(time.perf_counter() - pressed)
        assert statistics.median(took) < 1.0, took

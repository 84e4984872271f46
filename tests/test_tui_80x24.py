"""The app at 80x24 (issue #16): nothing cut, nothing stale, the clock stopped while away."""

import asyncio
from pathlib import Path

import pytest
from textual.pilot import Pilot

from simulator.tui.app import MockloopApp
from simulator.tui.screens.dialogs import QuitDialog
from simulator.tui.screens.home import HomeScreen
from simulator.tui.screens.interview import InterviewScreen
from tests.test_tui_pilot import answer, start_drill_from_home
from tests.test_tui_support import app_for, until

SMALL = (80, 24)


@pytest.fixture
def transcripts(tmp_path: Path) -> Path:
    return tmp_path / "transcripts"


async def save_and_go_home(pilot: Pilot[None], app: MockloopApp) -> float:
    """ctrl+q, `h`: the round clock's seconds used when the dialog opened."""
    assert isinstance(app.screen, InterviewScreen)
    clock = app.screen.session.clock()
    assert clock is not None
    await pilot.press("ctrl+q")
    await until(pilot, lambda: isinstance(app.screen, QuitDialog), "the quit dialog")
    used = clock.used
    await pilot.press("h")
    await until(pilot, lambda: isinstance(app.screen, HomeScreen), "Home")
    return used


async def resume_from_home(pilot: Pilot[None], app: MockloopApp) -> float:
    await until(pilot, lambda: app.screen.check_action("resume", ()), "an unfinished session on Home")
    await pilot.press("r")
    await until(pilot, lambda: isinstance(app.screen, InterviewScreen) and app.screen.prompt, "the resumed interview")
    assert isinstance(app.screen, InterviewScreen)
    clock = app.screen.session.clock()
    assert clock is not None
    return clock.used


async def test_time_away_from_a_paused_loop_is_not_on_the_clock(transcripts: Path) -> None:
    app = app_for(transcripts)
    async with app.run_test(size=SMALL) as pilot:
        await start_drill_from_home(pilot)
        await answer(pilot, "We did it.")
        await asyncio.sleep(1.0)  # thinking at the follow-up: this counts
        paused_at = await save_and_go_home(pilot, app)
        await asyncio.sleep(2.0)  # away on Home: this does not
        resumed = await resume_from_home(pilot, app)
        assert paused_at - 0.2 < resumed < paused_at + 1.0, (paused_at, resumed)  # + the resume's own start-up

        await answer(pilot, "I owned the call.")  # answer the follow-up that was pending over the pause
        paused_again = await save_and_go_home(pilot, app)
        await asyncio.sleep(2.0)
        again = await resume_from_home(pilot, app)
        assert paused_again - 0.2 < again < paused_again + 1.0, (paused_again, again)

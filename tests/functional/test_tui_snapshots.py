"""SVG snapshots of Home, the interview, the debrief and the transcripts browser at 100x32.

The app is built by `tests.functional.tui_support` from seeded sessions with fixed ids, dates and answers,
a fixed question seed, and a round clock frozen at 1:15 used, so each screen renders the same on
every run. Update with `pytest tests/functional/test_tui_snapshots.py --snapshot-update` and review the SVGs.
"""

import asyncio
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot

from simulator.engine.clock import RoundClock
from simulator.tui.screens.browser import BrowserScreen
from simulator.tui.screens.debrief import DebriefScreen
from simulator.tui.screens.interview import InterviewScreen
from simulator.tui.screens.transcript import TranscriptScreen
from tests.functional.tui_support import (
    DRILL,
    SEED,
    SIZE,
    app_for,
    home_ready,
    seed_sessions,
    until,
)

Compare = Callable[..., bool]


@pytest.fixture
def transcripts(tmp_path: Path) -> Path:
    directory = tmp_path / "transcripts"
    asyncio.run(seed_sessions(directory))
    return directory


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(RoundClock, "used", property(lambda self: 75.0))


def test_home(snap_compare: Compare, transcripts: Path) -> None:
    async def ready(pilot: Pilot[None]) -> None:
        await home_ready(pilot)
        await until(pilot, lambda: pilot.app.screen.query_one("#recent").row_count == 5, "recent sessions")

    assert snap_compare(app_for(transcripts), terminal_size=SIZE, run_before=ready)


def test_interview(snap_compare: Compare, transcripts: Path) -> None:
    app = app_for(transcripts, lambda env: env.start(DRILL, seed=SEED, avoid_recent=False))

    async def asked(pilot: Pilot[None]) -> None:
        await until(
            pilot,
            lambda: isinstance(pilot.app.screen, InterviewScreen) and pilot.app.screen.prompt,
            "the first question",
        )
        await pilot.press(*"I decided")

    assert snap_compare(app, terminal_size=SIZE, run_before=asked)


def test_debrief(snap_compare: Compare, transcripts: Path) -> None:
    async def opened(pilot: Pilot[None]) -> None:
        await home_ready(pilot)
        await pilot.press("t")
        await until(
            pilot, lambda: isinstance(pilot.app.screen, BrowserScreen) and pilot.app.screen.sessions, "the listing"
        )
        await pilot.press("down", "enter")  # the newest finished session
        await until(
            pilot, lambda: isinstance(pilot.app.screen, TranscriptScreen) and pilot.app.screen.shown, "the transcript"
        )
        await pilot.press("d")
        await until(pilot, lambda: isinstance(pilot.app.screen, DebriefScreen), "the debrief")

    assert snap_compare(app_for(transcripts), terminal_size=SIZE, run_before=opened)


def test_browser(snap_compare: Compare, transcripts: Path) -> None:
    async def listed(pilot: Pilot[None]) -> None:
        await home_ready(pilot)
        await pilot.press("t")
        await until(
            pilot, lambda: isinstance(pilot.app.screen, BrowserScreen) and pilot.app.screen.sessions, "the listing"
        )

    assert snap_compare(app_for(transcripts), terminal_size=SIZE, run_before=listed)

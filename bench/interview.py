"""Submit to next question: how long after Ctrl+S the app shows the next question, in the TUI.

The app is driven with Textual's Pilot (headless, 100x32), offline: the offline grader and the
scripted interviewer, a fresh transcripts directory. A drill is started from Home; each answer is
put in the editor and Ctrl+S is sent through the driver, as a terminal's key comes; the clock runs
from the key until the app writes the first frame that shows the next prompt (the answer journaled,
the follow-up chosen, the screen laid out and painted). The Pilot's own waits for an idle process
(20 ms sleeps each) are not on the clock. Submissions that end the round (grading follows) are not
counted. The figure is the median over the drills' submissions.
"""

import asyncio
import statistics
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from bench.registry import benchmark

if TYPE_CHECKING:
    from textual.app import App

    from simulator.engine import Prompt

DRILL = "drill-bar-raiser"
DRILLS = 3
SIZE = (100, 32)
# A thin answer, so the scripted interviewer asks its follow-ups (more questions per drill).
ANSWER = "I owned the vendor migration. We moved 40 sellers in a month and the team was happy."


def _on_screen(app: "App[None]", prompt: "Prompt") -> bool:
    """Does the frame just written show `prompt` (its first words, and which follow-up it is)?"""
    lines = ["".join(segment.text for segment in strip) for strip in app.screen._compositor.render_strips()]
    frame = " ".join(" ".join(lines).split())
    marker = f"Follow-up {prompt.followup_number}" if prompt.kind == "followup" else ""
    return marker in frame and " ".join(prompt.text.split()[:2]) in frame


async def _drill(directory: Path, seed: int) -> list[float]:
    from textual import events
    from textual.widgets import DataTable

    from simulator.content import load_library
    from simulator.grading.offline import OfflineGrader
    from simulator.interviewer import ScriptedInterviewer
    from simulator.services.settings import Settings
    from simulator.services.workspace import Workspace
    from simulator.tui.app import make_app
    from simulator.tui.screens.home import HomeScreen
    from simulator.tui.screens.interview import InterviewScreen
    from simulator.tui.widgets import AnswerBox

    workspace = Workspace(
        Settings.load({"transcripts": directory}),
        library=load_library(),
        grader=OfflineGrader(),
        interviewer=ScriptedInterviewer(),
    )
    app = make_app(workspace, seed=seed)
    samples: list[float] = []

    async def until(condition: object, timeout: float = 30) -> None:
        deadline = time.perf_counter() + timeout
        while not condition():  # type: ignore[operator]
            if time.perf_counter() > deadline:
                raise RuntimeError(f"timed out; the screen is {app.screen!r}")
            await asyncio.sleep(0.001)

    async with app.run_test(size=SIZE) as pilot:
        await until(lambda: isinstance(app.screen, HomeScreen) and app.screen.query_one("#loops").row_count)
        loops = app.screen.query_one("#loops", DataTable)
        loops.move_cursor(row=loops.get_row_index(DRILL))
        loops.focus()
        await pilot.press("enter")
        await until(lambda: isinstance(app.screen, InterviewScreen) and app.screen.prompt and not app.screen.busy)
        await pilot.pause()
        while isinstance(app.screen, InterviewScreen):
            screen = app.screen
            before = screen.prompt
            screen.query_one(AnswerBox).editor.text = ANSWER
            await pilot.pause()
            painted: list[float] = []

            def shown(s: InterviewScreen = screen, b: object = before, painted: list[float] = painted) -> None:
                if not painted and app.screen is s and s.prompt is not b and s.prompt and _on_screen(app, s.prompt):
                    painted.append(time.perf_counter())

            app.post_display_hook = shown  # type: ignore[method-assign]
            start = time.perf_counter()
            app._driver.send_message(events.Key("ctrl+s", None))  # type: ignore[union-attr]
            await until(lambda s=screen, p=painted: app.screen is not s or p)
            app.post_display_hook = lambda: None  # type: ignore[method-assign]
            if app.screen is not screen:
                break  # the round ended: grading, not a next question
            samples.append(painted[0] - start)
        await pilot.pause()  # let the grading screen finish mounting before the app shuts down
    return samples


@benchmark("submit_to_next")
def submit_to_next() -> dict[str, float]:
    samples: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        for seed in range(1, DRILLS + 1):
            samples += asyncio.run(_drill(Path(tmp) / "transcripts", seed))
    if not samples:
        raise RuntimeError(f"{DRILL} asked no follow-up: nothing measured")
    return {
        "submit_to_next_ms": 1000 * statistics.median(samples),
        "submit_to_next_worst_ms": 1000 * max(samples),
        "submissions": float(len(samples)),
    }

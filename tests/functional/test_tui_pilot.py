"""The app driven with the Pilot, offline: a whole drill from Home to the debrief, quitting and
resuming, the transcripts browser, the rubric viewer. Every check that matters is on disk."""

import asyncio
from pathlib import Path

import pytest
from textual.coordinate import Coordinate
from textual.pilot import Pilot
from textual.widgets import DataTable, Markdown, Static

from simulator.domain import RoundGrade, Rubric
from simulator.engine.clock import RoundClock
from simulator.grading.base import GradeRequest
from simulator.grading.offline import OfflineGrader
from simulator.tui.app import MockloopApp
from simulator.tui.screens.debrief import DebriefScreen
from simulator.tui.screens.dialogs import QuitDialog, RegradeDialog
from simulator.tui.screens.grading import GradingScreen
from simulator.tui.screens.home import HomeScreen
from simulator.tui.screens.interview import InterviewScreen
from simulator.tui.screens.rubrics import RubricsScreen
from simulator.tui.screens.transcript import TranscriptScreen
from simulator.tui.widgets import AnswerBox, Countdown
from tests.functional.tui_support import (
    DRILL,
    SEED,
    SIZE,
    UNFINISHED_ID,
    answer,
    app_for,
    home_ready,
    interview,
    journal_answers,
    library,
    mode_of,
    open_browser,
    record_notifications,
    seed_sessions,
    start_drill_from_home,
    until,
    workspace,
)


@pytest.fixture
def transcripts(tmp_path: Path) -> Path:
    return tmp_path / "transcripts"


async def test_a_whole_drill_from_home_to_the_debrief_is_journaled(transcripts: Path) -> None:
    app = app_for(transcripts)
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_drill_from_home(pilot)
        session_id = screen.session.id
        typed: list[str] = []
        while isinstance(app.screen, InterviewScreen):
            prompt = app.screen.prompt
            assert prompt is not None and prompt.round_count == 1
            position = str(app.screen.query_one("#position", Static).content)
            assert f"question {prompt.question_number} of 1" in position
            text = f"Answer {len(typed) + 1}: I cut scope."
            await answer(pilot, text)
            typed.append(text)
        assert len(typed) >= 2, "the scripted interviewer asks at least one follow-up to a thin answer"
        await until(pilot, lambda: isinstance(app.screen, DebriefScreen), "the debrief", timeout=20)
        assert journal_answers(transcripts, session_id) == typed
        final = transcripts / f"{session_id}.json"
        assert final.exists() and mode_of(final) == 0o600
        debrief = app.screen
        verdict = str(debrief.query_one("#verdict", Static).content)
        assert "HIRE" in verdict  # HIRE or NO HIRE, with the rule under it
        assert str(debrief.query_one("#rule", Static).content).startswith(("Weighted mean", "Veto"))
        assert debrief.query_one("#grades", DataTable).row_count >= 5

        shown = record_notifications(app)
        await pilot.press("e")
        exported = transcripts / f"{session_id}.md"
        await until(pilot, exported.exists, "the Markdown export")
        assert mode_of(exported) == 0o600
        assert typed[0] in exported.read_text()
        await until(pilot, lambda: any(str(exported) in note for note in shown), "the export notification")


async def test_an_empty_answer_is_refused_with_a_notification_and_not_recorded(transcripts: Path) -> None:
    app = app_for(transcripts)
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_drill_from_home(pilot)
        prompt = screen.prompt
        shown = record_notifications(app)
        await pilot.press("ctrl+s")
        await pilot.press("space", "enter", "space", "ctrl+s")
        await pilot.pause()
        assert [note for note in shown if note.startswith("Empty answer")], shown
        assert len([note for note in shown if note.startswith("Empty answer")]) == 2
        assert screen.prompt is prompt and app.screen is screen
        assert journal_answers(transcripts, screen.session.id) == []


class GatedGrader:
    """The offline grader, held back until the test opens the gate."""

    name = "gated"

    def __init__(self) -> None:
        self.gate = asyncio.Event()

    async def grade(self, request: GradeRequest, rubric: Rubric) -> RoundGrade:
        await self.gate.wait()
        return await OfflineGrader().grade(request, rubric)


async def test_grading_shows_progress_and_the_app_stays_responsive(transcripts: Path) -> None:
    grader = GatedGrader()
    app = MockloopApp(workspace(transcripts, grader), lambda opened: opened.start(DRILL, seed=SEED))
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, InterviewScreen) and app.screen.prompt, "the question")
        await pilot.press("ctrl+k")  # skip the only question: the round ends and is graded
        await until(pilot, lambda: isinstance(app.screen, GradingScreen), "the grading screen")
        await until(
            pilot,
            lambda: "0 of 1 rounds graded" in str(app.screen.query_one("#grading-status").content),
            "the progress line",
        )
        await pilot.press("f9")  # the app still answers keys while the grader works
        assert app.theme == "textual-light"
        grader.gate.set()
        await until(pilot, lambda: isinstance(app.screen, DebriefScreen), "the debrief")


async def test_pausing_stops_the_clock_and_the_editor(transcripts: Path) -> None:
    app = app_for(transcripts, lambda env: env.start(DRILL, seed=SEED))
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, InterviewScreen) and app.screen.prompt, "the question")
        screen = interview(app)
        clock = screen.session.clock()
        assert clock is not None and clock.running
        await pilot.press("f6")
        assert not clock.running and screen.query_one(AnswerBox).editor.disabled
        assert str(screen.query_one(Countdown).content).startswith("paused · ")
        assert screen.check_action("submit", ()) is None  # shown, but disabled
        await pilot.press("f6")
        assert clock.running and not screen.query_one(AnswerBox).editor.disabled


async def test_a_round_over_time_shows_the_overrun_in_the_warning_colour(
    transcripts: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(RoundClock, "used", property(lambda self: 30 * 60 + 100.0))
    app = app_for(transcripts, lambda env: env.start(DRILL, seed=SEED))
    shown = record_notifications(app)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, InterviewScreen) and app.screen.prompt, "the question")
        countdown = app.screen.query_one(Countdown)
        assert str(countdown.content) == "+1:40 over" and countdown.has_class("-overtime")
        assert [note for note in shown if note.startswith("Over time")]


async def test_quitting_mid_loop_asks_saves_and_resumes_from_home_at_the_next_question(transcripts: Path) -> None:
    first = app_for(transcripts)
    async with first.run_test(size=SIZE) as pilot:
        screen = await start_drill_from_home(pilot)
        session_id = screen.session.id
        await answer(pilot, "We did it together.")
        waiting = screen.prompt
        assert waiting is not None and waiting.kind == "followup"
        await pilot.press("ctrl+q")
        await until(pilot, lambda: isinstance(first.screen, QuitDialog), "the quit dialog")
        await pilot.press("escape")  # keep going: nothing happens
        await until(pilot, lambda: first.screen is screen, "the interview again")
        await pilot.press("ctrl+q")
        await until(pilot, lambda: isinstance(first.screen, QuitDialog), "the quit dialog")
        await pilot.press("q")  # save and quit
        await until(pilot, lambda: first.return_code is not None, "the app to exit")
    assert journal_answers(transcripts, session_id) == ["We did it together."]
    assert not (transcripts / f"{session_id}.json").exists()

    second = app_for(transcripts)
    async with second.run_test(size=SIZE) as pilot:
        await home_ready(pilot)
        await until(pilot, lambda: second.screen.check_action("resume", ()), "an unfinished session on Home")
        await pilot.press("r")
        await until(
            pilot, lambda: isinstance(second.screen, InterviewScreen) and second.screen.prompt, "the resumed interview"
        )
        resumed = interview(second)
        assert resumed.session.id == session_id
        assert resumed.prompt is not None
        assert (resumed.prompt.kind, resumed.prompt.text) == ("followup", waiting.text)
        await pilot.press("ctrl+q")
        await until(pilot, lambda: isinstance(second.screen, QuitDialog), "the quit dialog")
        await pilot.press("h")  # save and go Home
        await until(pilot, lambda: isinstance(second.screen, HomeScreen), "Home")


async def test_the_browser_lists_filters_opens_regrades_and_exports(transcripts: Path) -> None:
    ids = await seed_sessions(transcripts)
    app = app_for(transcripts)
    async with app.run_test(size=SIZE) as pilot:
        await home_ready(pilot)
        table = await open_browser(pilot)
        assert table.row_count == len(ids)
        await pilot.press("slash", *"unfinished")
        assert table.row_count == 1
        await pilot.press("ctrl+a", "ctrl+k", "tab", *"churn", "enter")
        await until(pilot, lambda: app.screen.hits is not None, "the search in answers")
        assert sorted(app.screen.hits) == sorted(ids[2:4])
        assert table.row_count == 2
        match = app.screen.query_one("#search-match", Static)  # the highlighted session's answer around the hit
        assert (
            match.display
            and str(match.content) == "“…lead why in our weekly review. Churn for tier-2 sellers fell from…”"
        )
        await pilot.press("down")
        assert str(match.content) == "“…and keep alerts. Seller churn fell from 9% to 7% in a…”"
        await pilot.press("up")

        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, TranscriptScreen) and app.screen.shown, "the transcript")
        viewer = app.screen
        assert viewer.shown is not None and viewer.shown.id == ids[3]
        assert "Churn for tier-2" in viewer.query_one(Markdown).source

        await pilot.press("g")
        await until(pilot, lambda: isinstance(app.screen, RegradeDialog), "the re-grade dialog")
        await pilot.click("#go")
        await until(pilot, lambda: app.screen is viewer and viewer.variant, "the re-graded transcript")
        await pilot.press("e")
        exported = transcripts / f"{ids[3]}.regraded-amazon-pm-offline.md"
        await until(pilot, exported.exists, "the export of the re-graded copy")
        assert mode_of(exported) == 0o600
        assert not (transcripts / f"{ids[3]}.md").exists()


async def test_an_unfinished_session_resumes_from_the_browser(transcripts: Path) -> None:
    await seed_sessions(transcripts)
    app = app_for(transcripts)
    async with app.run_test(size=SIZE) as pilot:
        await home_ready(pilot)
        await open_browser(pilot)
        assert app.screen.query_one("#sessions", DataTable).get_row_index(UNFINISHED_ID) == 0  # newest first
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, InterviewScreen) and app.screen.prompt, "the interview")
        assert interview(app).session.id == UNFINISHED_ID
        assert app.current_mode == "home"


async def open_rubric_viewer(pilot: Pilot[None], app: MockloopApp) -> RubricsScreen:
    await home_ready(pilot)
    await pilot.press("u")
    await until(pilot, lambda: isinstance(app.screen, RubricsScreen), "the rubric viewer")
    assert isinstance(app.screen, RubricsScreen)
    return app.screen


async def test_the_rubric_viewer_shows_problems_with_file_line_and_reloads(transcripts: Path) -> None:
    config = Path(__import__("os").environ["MOCKLOOP_CONFIG_DIR"])
    app = app_for(transcripts)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_rubric_viewer(pilot, app)
        await until(pilot, lambda: screen.page is not None and "Ownership" in screen.page.source, "a rubric")
        assert screen.query_one("#problems", DataTable).row_count == 0
        (config / "rubrics").mkdir(parents=True)
        (config / "rubrics" / "broken.yaml").write_text("id: broken\ntitle: Broken\nsignals:\n  ownership: 3\n")
        await pilot.press("r")
        await until(pilot, lambda: screen.query_one("#problems", DataTable).row_count > 0, "the problems")
        where = str(screen.query_one("#problems", DataTable).get_row_at(0)[0])
        assert where.startswith("<config dir>/rubrics/broken.yaml:4:")  # relative to the config dir, not absolute


async def test_the_rubric_viewer_shows_the_latest_calibration(transcripts: Path) -> None:
    from tests.support import REPO, run_cli

    calibrated = run_cli(
        "calibrate",
        "--rubric",
        "alibaba-pm",
        "--golden",
        str(REPO / "rubrics" / "golden" / "holdout" / "product-sense.yaml"),
        "--format",
        "json",
    )
    assert calibrated.returncode == 0, calibrated.stderr
    app = app_for(transcripts)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_rubric_viewer(pilot, app)
        table = screen.query_one("#rubric-list", DataTable)
        await until(pilot, lambda: table.row_count > 0, "the rubric list")
        table.move_cursor(row=table.get_row_index("alibaba-pm"))
        await until(pilot, lambda: screen.page is not None and "Alibaba PM" in screen.page.source, "alibaba-pm")
        assert screen.page is not None
        source = screen.page.source
        assert "## Latest calibration" in source and "product-sense.yaml" in source
        assert "| overall | 8 |" in source


async def test_the_rubric_pane_follows_the_cursor_at_every_key(transcripts: Path) -> None:
    app = app_for(transcripts)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_rubric_viewer(pilot, app)
        table = screen.query_one("#rubric-list", DataTable)
        await until(pilot, lambda: table.row_count > 2, "the rubric list")
        rubrics = library().rubrics
        keys = [str(table.coordinate_to_cell_key(Coordinate(row, 0)).row_key.value) for row in range(3)]
        titles = [rubrics[key].title for key in keys]
        pane = screen.query_one("#rubric-pane")
        table.focus()
        for row in (1, 2):  # the title under the cursor at every key, the page once it rests
            await pilot.press("down")
            assert pane.border_title == titles[row]
        await until(pilot, lambda: screen.page is not None, "the page of the rubric the cursor rests on")
        last = screen.page
        assert last is not None and last.source.startswith(f"# {titles[2]}")
        await pilot.press("up")
        assert pane.border_title == titles[1]
        await until(pilot, lambda: screen.page is not None and screen.page is not last, "the page above")
        await pilot.press("down")  # back to a page built before: on show at once, not built again
        assert screen.page is last


async def test_errors_become_notifications_and_the_theme_toggles(transcripts: Path) -> None:
    app = app_for(transcripts)
    async with app.run_test(size=SIZE) as pilot:
        await home_ready(pilot)
        shown = record_notifications(app)
        app.start_loop("no-such-loop")
        await until(pilot, lambda: shown, "a notification")
        assert shown[0].startswith("Cannot open the session: unknown loop 'no-such-loop'")
        assert isinstance(app.screen, HomeScreen)
        assert app.theme == "textual-dark"
        await pilot.press("f9")
        assert app.theme == "textual-light"
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert {"Home", "Transcripts", "Rubrics", "Toggle dark/light theme", "Quit"} <= set(titles)


async def test_home_switches_to_the_llm_grader_when_an_endpoint_is_configured(
    transcripts: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")  # never called: only grading would
    monkeypatch.setenv("MOCKLOOP_MODEL", "tiny")
    app = app_for(transcripts)
    async with app.run_test(size=SIZE) as pilot:
        await home_ready(pilot)

        def mode_line() -> str:
            return str(app.screen.query_one("#grader-mode", Static).content)

        assert mode_line().startswith("Offline evidence grader")
        assert "LLM available (tiny at http://127.0.0.1:9/v1): press g" in mode_line()
        await pilot.press("g")
        await until(pilot, lambda: app.workspace is not None and app.workspace.grader.name == "llm", "the LLM grader")
        assert mode_line().startswith("LLM grader: tiny at http://127.0.0.1:9/v1")
        await pilot.press("g")
        await until(
            pilot, lambda: app.workspace is not None and app.workspace.grader.name == "offline", "the offline grader"
        )


class SlowToBuild(OfflineGrader):
    """A grader that takes until `built` is set to be ready (as importing the offline grader takes time)."""

    def __init__(self) -> None:
        import threading

        self.built = threading.Event()

    @property
    def name(self) -> str:  # type: ignore[override]
        self.built.wait(10)
        return "offline"


async def test_home_lists_the_loops_and_takes_enter_before_the_grader_is_built(transcripts: Path) -> None:
    grader = SlowToBuild()
    app = MockloopApp(workspace(transcripts, grader))
    async with app.run_test(size=SIZE) as pilot:
        await home_ready(pilot)
        status = app.screen.query_one("#grader-mode", Static)
        assert "Preparing the grader" in str(status.content)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, InterviewScreen), "the interview screen")
        assert not app.screen.prompt, "the session waits for the grader"
        grader.built.set()
        await until(pilot, lambda: app.screen.prompt, "the first question")
        await until(pilot, lambda: "Offline evidence grader" in str(status.content), "the grader on Home's status")

"""The app at 80x24 (issue #16): nothing cut, nothing stale, the clock stopped while away."""

import asyncio
import time
from pathlib import Path

import pytest
from textual.pilot import Pilot

from simulator.tui.app import MockloopApp
from simulator.tui.screens.dialogs import QuitDialog
from simulator.tui.screens.home import HomeScreen
from simulator.tui.screens.interview import InterviewScreen
from tests.functional.tui_support import (
    LONGEST_LOOP_SESSION,
    add_longest_loop_session,
    answer,
    app_for,
    open_browser,
    start_drill_from_home,
    until,
)

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


async def resume_from_home(pilot: Pilot[None], app: MockloopApp) -> tuple[float, float]:
    """`r` on Home: (the resumed round clock's seconds used, seconds the resume itself took to show)."""
    await until(pilot, lambda: app.screen.check_action("resume", ()), "an unfinished session on Home")
    pressed = time.monotonic()
    await pilot.press("r")
    await until(pilot, lambda: isinstance(app.screen, InterviewScreen) and app.screen.prompt, "the resumed interview")
    assert isinstance(app.screen, InterviewScreen)
    clock = app.screen.session.clock()
    assert clock is not None
    return clock.used, time.monotonic() - pressed


async def test_time_away_from_a_paused_loop_is_not_on_the_clock(transcripts: Path) -> None:
    app = app_for(transcripts)
    async with app.run_test(size=SMALL) as pilot:
        await start_drill_from_home(pilot)
        await answer(pilot, "We did it.")
        await asyncio.sleep(1.0)  # thinking at the follow-up: this counts
        paused_at = await save_and_go_home(pilot, app)
        await asyncio.sleep(2.0)  # away on Home: this does not
        resumed, took = await resume_from_home(pilot, app)
        assert paused_at - 0.2 < resumed < paused_at + took + 0.2, (paused_at, resumed, took)  # not the 2 s away

        await answer(pilot, "I owned the call.")  # answer the follow-up that was pending over the pause
        paused_again = await save_and_go_home(pilot, app)
        await asyncio.sleep(2.0)
        again, took = await resume_from_home(pilot, app)
        assert paused_again - 0.2 < again < paused_again + took + 0.2, (paused_again, again, took)


async def test_regrading_a_transcript_shows_the_new_scores_in_the_body(transcripts: Path) -> None:
    from textual.widgets import Markdown, Select

    from simulator.grading.offline import OfflineGrader
    from simulator.services.regrade import regrade
    from simulator.store import to_markdown
    from simulator.tui.screens.dialogs import RegradeDialog
    from simulator.tui.screens.transcript import TranscriptScreen
    from tests.functional.tui_support import home_ready, library, seed_sessions

    ids = await seed_sessions(transcripts)
    app = app_for(transcripts)
    async with app.run_test(size=SMALL) as pilot:
        await home_ready(pilot)
        table = await open_browser(pilot)
        table.move_cursor(row=table.get_row_index(ids[3]))
        table.focus()
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, TranscriptScreen) and app.screen.shown, "the transcript")
        viewer = app.screen
        assert isinstance(viewer, TranscriptScreen) and viewer.original is not None
        before = viewer.query_one(Markdown).source
        await pilot.press("g")
        await until(pilot, lambda: isinstance(app.screen, RegradeDialog), "the re-grade dialog")
        app.screen.query_one("#rubric", Select).value = "base"
        await pilot.pause()
        await pilot.click("#go")
        await until(pilot, lambda: app.screen is viewer and viewer.variant, "the re-graded transcript")
        expected = to_markdown(await regrade(viewer.original, library().rubric("base"), OfflineGrader()))
        await until(pilot, lambda: viewer.query_one(Markdown).source == expected, "the re-graded body", timeout=5)
        assert expected != before and "rubric `base`" in viewer.query_one(Markdown).source


async def test_home_at_80x24_shows_loop_ids_a_description_and_no_cut_text(transcripts: Path) -> None:
    from textual.widgets import DataTable, Static

    from tests.functional.tui_support import home_ready

    app = app_for(transcripts)
    async with app.run_test(size=SMALL) as pilot:
        await home_ready(pilot)
        await until(pilot, lambda: app.screen.query_one("#recent", DataTable).row_count, "the recent sessions")
        loops = app.screen.query_one("#loops", DataTable)
        assert loops.get_row_at(loops.get_row_index("amazon-pm"))[0] == "amazon-pm"
        for table_id in ("#loops", "#recent"):
            table = app.screen.query_one(table_id, DataTable)
            assert table.virtual_size.width <= table.scrollable_content_region.width, table_id  # nothing cut
        recent = app.screen.query_one("#recent", DataTable)
        assert "None yet" in [str(cell) for cell in recent.get_row_at(0)]
        for pane_id in ("#loops-pane", "#recent-pane", "#trend-pane"):
            pane = app.screen.query_one(pane_id)
            assert len(str(pane.border_title)) <= pane.size.width - 4, pane_id
        about = app.screen.query_one("#loop-about", Static)
        first = loops.coordinate_to_cell_key((loops.cursor_row, 0)).row_key.value
        assert str(about.content).startswith(("Amazon", "Alibaba")) and about.size.height >= 1
        loops.focus()
        await pilot.press("down")
        await pilot.pause()
        second = loops.coordinate_to_cell_key((loops.cursor_row, 0)).row_key.value
        assert second != first and app.workspace is not None
        description = app.workspace.library.loop(str(second)).description
        assert description.split(". ")[0].rstrip(".") in str(about.content)
        assert about.virtual_size.height <= about.size.height  # wrapped, not cut


async def test_the_debrief_keeps_signal_names_in_view_and_shows_graders_and_flags(transcripts: Path) -> None:
    from textual.widgets import Static

    from simulator.store import read_transcript
    from simulator.tui.screens.debrief import DebriefScreen
    from simulator.tui.widgets import GradesTable
    from tests.functional.tui_support import home_ready, seed_sessions

    ids = await seed_sessions(transcripts)
    transcript = read_transcript(transcripts / f"{ids[0]}.json")
    record = transcript.rounds[0]
    assert record.grade is not None
    fallback = record.grade.model_copy(
        update={
            "grader": "offline-fallback",
            "fallback_reason": "LLMTimeout: no reply in 30 s",
            "flags": ["prompt-injection"],
        }
    )
    transcript.rounds[0] = record.model_copy(update={"grade": fallback})
    app = app_for(transcripts)
    async with app.run_test(size=SMALL) as pilot:
        await home_ready(pilot)
        app.push_screen(DebriefScreen(transcript))
        await until(pilot, lambda: isinstance(app.screen, DebriefScreen), "the debrief")
        assert app.screen.query_one(GradesTable).fixed_columns == 1
        note = str(app.screen.query_one("#round-note-0", Static).content)
        assert "graded by offline-fallback (fallback: LLMTimeout: no reply in 30 s)" in note
        assert "flags: prompt-injection" in note


async def test_down_in_the_filter_box_moves_to_the_list_and_r_acts_on_it(transcripts: Path) -> None:
    from textual.widgets import DataTable, Input

    from tests.functional.tui_support import UNFINISHED_ID, home_ready, seed_sessions

    await seed_sessions(transcripts)
    app = app_for(transcripts)
    async with app.run_test(size=SMALL) as pilot:
        await home_ready(pilot)
        await open_browser(pilot)
        browser = app.screen
        await pilot.press("slash", *"unfinished")
        assert browser.query_one("#sessions", DataTable).row_count == 1
        await pilot.press("down")
        assert app.focused is browser.query_one("#sessions", DataTable)
        await pilot.press("r")
        assert browser.query_one("#filter", Input).value == "unfinished"  # not typed into the filter
        await until(pilot, lambda: isinstance(app.screen, InterviewScreen) and app.screen.prompt, "the interview")
        assert isinstance(app.screen, InterviewScreen) and app.screen.session.id == UNFINISHED_ID


async def test_the_longest_question_and_its_follow_ups_are_never_cut_at_80x24(
    transcripts: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from textual.containers import VerticalScroll

    import simulator.engine.session as session_module
    from tests.functional.tui_support import library

    longest = max(library().questions_for("execution"), key=lambda q: len(q.text))
    monkeypatch.setattr(session_module, "pick_questions", lambda loop, lib, rng, avoid, level=None: [[longest.id]])
    app = app_for(transcripts, lambda env: env.start("drill-execution", seed=1))
    async with app.run_test(size=SMALL) as pilot:
        await until(pilot, lambda: isinstance(app.screen, InterviewScreen) and app.screen.prompt, "the question")
        seen = 0
        while isinstance(app.screen, InterviewScreen):
            screen = app.screen
            prompt = screen.prompt
            assert prompt is not None
            await pilot.pause()
            pane = screen.query_one("#question-pane", VerticalScroll)
            assert pane.virtual_size.height <= pane.scrollable_content_region.height, (
                f"{prompt.kind} {prompt.followup_number}: {pane.virtual_size.height} lines in a pane of "
                f"{pane.scrollable_content_region.height}"
            )
            seen += prompt.kind == "followup"
            await answer(pilot, "We shipped.")
        assert seen >= 1


async def test_a_broken_working_copy_of_a_rubric_reads_well_and_the_shipped_one_keeps_working(
    transcripts: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from textual.widgets import DataTable, Static

    from simulator.tui.screens.rubrics import RubricsScreen
    from tests.functional.tui_support import home_ready, library

    shipped = library().source("rubric", "amazon-pm")
    assert shipped is not None
    work = tmp_path / "coach"
    (work / "rubrics").mkdir(parents=True)
    broken = shipped.read_text().replace("\n  ", "\n\t", 1)  # the coach indented one line with a tab
    (work / "rubrics" / "amazon-pm.yaml").write_text(broken)
    monkeypatch.chdir(work)  # ./rubrics/amazon-pm.yaml: the working copy comes first on the search path
    app = app_for(transcripts)
    async with app.run_test(size=SMALL) as pilot:
        await home_ready(pilot)
        await pilot.press("u")
        await until(pilot, lambda: isinstance(app.screen, RubricsScreen), "the rubric viewer")
        screen = app.screen
        await pilot.press("r")
        table = screen.query_one("#problems", DataTable)
        await until(pilot, lambda: table.row_count > 0, "the problems")
        rows = [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]
        assert all(where.startswith("./rubrics/amazon-pm.yaml:") for where, _ in rows), rows  # none on shipped loops
        assert any("skipped" in problem for _, problem in rows), rows
        assert table.virtual_size.width <= table.scrollable_content_region.width  # no sideways scrolling to read
        detail = screen.query_one("#problem-detail", Static)
        assert "in plain words: a tab is used to indent" in str(detail.content)
        assert app.workspace is not None
        assert app.workspace.library.loop("amazon-pm").rubric == "amazon-pm"
        assert app.workspace.library.rubric("amazon-pm").title
        assert app.workspace.library.source("rubric", "amazon-pm") == shipped


async def test_the_level_chosen_on_home_picks_the_questions_and_is_saved_and_listed(transcripts: Path) -> None:
    import json

    from textual.widgets import Static

    from simulator.tui.screens.debrief import DebriefScreen
    from tests.functional.tui_support import home_ready, library

    app = app_for(transcripts)
    async with app.run_test(size=SMALL) as pilot:
        await home_ready(pilot)
        level = app.screen.query_one("#level", Static)
        assert str(level.content) == "Level any"
        await pilot.press("l", "l", "l")  # any, L4, L5, L6
        assert str(level.content) == "Level L6"
        assert level.region.right <= SMALL[0] and level.region.width == len("Level L6")  # on screen whole
        await start_drill_from_home(pilot)
        screen = app.screen
        assert isinstance(screen, InterviewScreen) and screen.prompt is not None
        session_id = screen.session.id
        asked = screen.prompt.question_id
        assert asked is not None and library().questions[asked].level == "L6"
        await pilot.press("ctrl+k")
        await until(pilot, lambda: isinstance(app.screen, DebriefScreen), "the debrief", timeout=30)
        journal = [json.loads(line) for line in (transcripts / f"{session_id}.jsonl").read_text().splitlines()]
        assert journal[0]["type"] == "loop_started" and journal[0]["level"] == "L6"
        assert json.loads((transcripts / f"{session_id}.json").read_text())["level"] == "L6"
        table = await open_browser(pilot)
        assert [str(cell) for cell in table.get_row(session_id)][2] == "L6"
        await pilot.pause()
        frame = ["".join(segment.text for segment in strip) for strip in app.screen._compositor.render_strips()]
        assert any(" Level " in line for line in frame) and any(" L6 " in line for line in frame)  # seen at 80


async def test_after_grading_o_shows_what_a_strong_answer_covers_and_the_export_has_it(transcripts: Path) -> None:
    from textual.widgets import Static

    from simulator.tui.screens.debrief import DebriefScreen
    from tests.functional.tui_support import DRILL, SEED, library

    app = app_for(transcripts, lambda ws: ws.start(DRILL, seed=SEED))
    async with app.run_test(size=SMALL) as pilot:
        await until(pilot, lambda: isinstance(app.screen, InterviewScreen) and app.screen.prompt, "the question")
        screen = app.screen
        assert isinstance(screen, InterviewScreen) and screen.prompt is not None and screen.prompt.question_id
        session_id, points = screen.session.id, library().questions[screen.prompt.question_id].outline
        await pilot.press("ctrl+k")
        await until(pilot, lambda: isinstance(app.screen, DebriefScreen), "the debrief", timeout=30)
        debrief = app.screen
        outline = debrief.query_one("#outline-0", Static)
        assert not outline.display and points[0] not in _frame(app)  # collapsed until asked for
        await pilot.press("o")
        await pilot.pause()
        assert outline.display and outline.region.right <= SMALL[0]
        shown = " ".join(_frame(app).split())
        assert "What a strong answer covers" in shown and " ".join(points[0].split()[:6]) in shown
        await pilot.press("o")
        assert not outline.display

        await pilot.press("e")
        exported = transcripts / f"{session_id}.md"
        await until(pilot, exported.exists, "the Markdown export")
        report = exported.read_text()
        assert "### What a strong answer covers" in report
        assert all(f"- {point}" in report for point in points)


def _frame(app: MockloopApp) -> str:
    """The screen as it was last drawn, one text line per row."""
    return "\n".join("".join(segment.text for segment in strip) for strip in app.screen._compositor.render_strips())


async def test_the_transcripts_browser_at_80x24_shows_an_id_prefix_the_cli_resolves(transcripts: Path) -> None:
    from textual.widgets import Input

    from simulator.store import load_session
    from tests.functional.tui_support import home_ready, seed_sessions

    ids = await seed_sessions(transcripts)
    add_longest_loop_session(transcripts, ids[0])
    app = app_for(transcripts)
    async with app.run_test(size=SMALL) as pilot:
        await home_ready(pilot)
        table = await open_browser(pilot)
        assert table.virtual_size.width <= table.scrollable_content_region.width  # no column cut at 80
        for box in app.screen.query(Input):
            assert len(box.placeholder) <= box.content_region.width, box.placeholder  # the hint is read whole
        for session_id in [*ids, LONGEST_LOOP_SESSION]:
            shown = str(table.get_row(session_id)[-1])
            assert session_id.startswith(shown) and len(shown) < len(session_id)
            assert load_session(transcripts, shown)[0].id == session_id  # what `mockloop resume` and `export` do


async def test_no_bank_question_or_scripted_follow_up_is_cut_at_80x24(transcripts: Path) -> None:
    """Every question of the banks with its longest scripted follow-up, and with the redirect that
    repeats it after an answer addressed to the grader: each fits the question pane whole."""
    import dataclasses

    from textual.containers import VerticalScroll
    from textual.widgets import Static

    from simulator.interviewer.probes import CHALLENGES, GENERAL, REDIRECT
    from simulator.tui.screens.interview import question_text
    from tests.functional.tui_support import library

    challenge = "You said conversion rose from 3% to 4% over six weeks for new Prime members. " + CHALLENGES[0]
    app = app_for(transcripts, lambda env: env.start("drill-execution", seed=1))
    async with app.run_test(size=SMALL) as pilot:
        await until(pilot, lambda: isinstance(app.screen, InterviewScreen) and app.screen.prompt, "the question")
        screen = app.screen
        assert isinstance(screen, InterviewScreen) and screen.prompt is not None
        pane, shown = screen.query_one("#question-pane", VerticalScroll), screen.query_one("#question", Static)
        cut = []
        for question in library().questions.values():
            asked = " ".join(question.text.split())
            longest = max([p.text for p in question.probes] + [*GENERAL.values(), challenge], key=len)
            for followup in (longest, REDIRECT + asked):
                prompt = dataclasses.replace(
                    screen.prompt, kind="followup", text=followup, question_text=asked, followup_number=3
                )
                shown.update(question_text(prompt))
                await pilot.pause()
                if pane.virtual_size.height > pane.scrollable_content_region.height:
                    cut.append(f"{question.id}: {followup[:40]}")
        assert len(library().questions) > 100 and not cut, cut


async def test_home_at_80x24_shows_recent_sessions_whole(transcripts: Path) -> None:
    """Each recent session's loop id, start and result in view at 80 columns, the longest loop id included."""
    from textual.widgets import DataTable

    from tests.functional.tui_support import home_ready, seed_sessions

    ids = await seed_sessions(transcripts)
    add_longest_loop_session(transcripts, ids[0])
    app = app_for(transcripts)
    async with app.run_test(size=SMALL) as pilot:
        await home_ready(pilot)
        recent = app.screen.query_one("#recent", DataTable)
        await until(pilot, lambda: recent.row_count == len(ids) + 1, "the recent sessions")
        assert recent.virtual_size.width <= recent.scrollable_content_region.width  # nothing cut sideways
        shown = " ".join(" ".join(str(cell) for cell in recent.get_row_at(row)) for row in range(recent.row_count))
        for words in ("drill-technical-program", "11-05 09:00", "amazon-pm", "unfinished", "NO HIRE 1.00"):
            assert words in shown, words


async def test_home_at_120x40_shows_every_loop_and_more_recent_sessions(transcripts: Path) -> None:
    from textual.widgets import DataTable

    from tests.functional.tui_support import home_ready, seed_sessions

    await seed_sessions(transcripts)
    app = app_for(transcripts)
    async with app.run_test(size=(120, 40)) as pilot:
        await home_ready(pilot)
        loops, recent = (app.screen.query_one(table, DataTable) for table in ("#loops", "#recent"))
        await until(pilot, lambda: recent.row_count == 5, "the recent sessions")
        assert loops.virtual_size.height <= loops.scrollable_content_region.height  # every loop and drill in view
        assert recent.virtual_size.height <= recent.scrollable_content_region.height  # the five sessions, 2 lines each


async def test_a_five_round_debrief_fits_80_columns_and_names_each_round(transcripts: Path) -> None:
    from textual.widgets import Static

    from simulator.store import read_transcript
    from simulator.tui.screens.debrief import DebriefScreen
    from simulator.tui.widgets import GradesTable
    from tests.functional.tui_support import home_ready, seed_sessions

    ids = await seed_sessions(transcripts)
    transcript = read_transcript(transcripts / f"{ids[3]}.json")
    one = transcript.rounds[0]
    assert one.grade is not None
    transcript.rounds = [one.model_copy(update={"index": index}) for index in range(5)]  # an amazon-pm loop's five
    app = app_for(transcripts)
    async with app.run_test(size=SMALL) as pilot:
        await home_ready(pilot)
        app.push_screen(DebriefScreen(transcript))
        await until(pilot, lambda: isinstance(app.screen, DebriefScreen), "the debrief")
        table = app.screen.query_one(GradesTable)
        await pilot.pause()
        assert table.virtual_size.width <= table.scrollable_content_region.width  # every round in view
        assert table.ordered_columns[-1].label.plain == "Round 5"
        note = str(app.screen.query_one("#round-note-4", Static).content)
        assert note.startswith(f"5. {one.title}: overall {one.grade.overall.score} {one.grade.overall.label} ·")


async def test_the_debrief_shows_a_long_loop_title_whole(transcripts: Path) -> None:
    from textual.widgets import Static

    from simulator.store import read_transcript
    from simulator.tui.screens.debrief import DebriefScreen
    from tests.functional.tui_support import home_ready, seed_sessions

    ids = await seed_sessions(transcripts)
    title = "Drill: Technical deep-dive (product analytics)"  # the longest shipped title
    transcript = read_transcript(transcripts / f"{ids[0]}.json").model_copy(update={"loop_title": title})
    app = app_for(transcripts)
    async with app.run_test(size=SMALL) as pilot:
        await home_ready(pilot)
        app.push_screen(DebriefScreen(transcript))
        await until(pilot, lambda: isinstance(app.screen, DebriefScreen), "the debrief")
        await pilot.pause()
        shown = app.screen.query_one("#loop-title", Static)
        assert str(shown.content) == title
        assert shown.size.width >= len(title) and shown.region.right <= SMALL[0]  # not cut at 80 columns

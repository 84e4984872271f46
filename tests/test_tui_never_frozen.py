"""The app at 80x24 under keys that come faster than the work (issue 16 rows 1, 6 and 7): a huge
answer, keys pressed at once after it, and screens that move on while they are still mounting."""

from pathlib import Path

from simulator.tui.screens.debrief import DebriefScreen
from simulator.tui.screens.interview import InterviewScreen
from simulator.tui.widgets import AnswerBox
from tests.test_tui_support import DRILL, SEED, app_for, journal_answers, until

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

"""Shared by the TUI tests (no tests here): an offline workspace, seeded sessions, Pilot helpers.

The seeded sessions have fixed ids, dates and answers and are graded by the offline grader, so
every screen built from them renders the same on every run (the snapshot tests rely on it).
"""

import asyncio
import json
import os
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import DataTable

from simulator.content import Library, load_library
from simulator.domain import RoundPlan, RoundRecord, Transcript, Turn
from simulator.grading.base import Grader
from simulator.grading.offline import OfflineGrader
from simulator.interviewer import Interviewer, ScriptedInterviewer
from simulator.services.regrade import regrade
from simulator.services.settings import Settings
from simulator.services.workspace import Workspace
from simulator.store import LoopStarted, QuestionAsked, RoundStarted, write_final
from simulator.tui.app import MockloopApp, OpenSession, make_app
from simulator.tui.screens.home import HomeScreen
from simulator.tui.screens.interview import InterviewScreen

SEED = 7
SIZE = (100, 32)
DRILL = "drill-bar-raiser"
DRILL_TITLE = "Drill: Bar raiser (Leadership Principles)"
ROUND_TITLE = "Bar raiser (Leadership Principles)"

# From thin to strong, so the seeded trend rises.
SAMPLE_ANSWERS = (
    "We worked hard as a team and it went well in the end.",
    "I owned the vendor migration. We moved 40 sellers in a month and the team was happy.",
    "I decided to cut the custom reports and keep alerts. Seller churn fell from 9% to 7% in a quarter; "
    "I agreed the trade with finance in our weekly review.",
    "I decided to drop two features and told the sales lead why in our weekly review. Churn for tier-2 "
    "sellers fell from 9% to 6% in one quarter, measured in billing data. Sellers had told me refunds took "
    "five days; I fixed that first. I got it wrong at first and now I check the complaint queue weekly.",
)
SAMPLE_QUESTIONS = (
    "br-acted-on-half-the-data",
    "br-aligned-across-orgs",
    "br-complaint-vs-dashboard",
    "br-confident-and-wrong",
)
"""The bar-raiser question each sample answers, named so that a bigger bank does not change the grades."""
UNFINISHED_ID = "20261105-090000-amazon-pm-0005"

_library: Library | None = None


def library() -> Library:
    """The content library, loaded once for all TUI tests (it is read-only)."""
    global _library
    if _library is None:
        _library = load_library()
    return _library


def workspace(directory: Path, grader: Grader | None = None, interviewer: Interviewer | None = None) -> Workspace:
    """Offline, on the shared library, saving in `directory`."""
    return Workspace(
        Settings.load({"transcripts": directory}),
        library=library(),
        grader=grader or OfflineGrader(),
        interviewer=interviewer or ScriptedInterviewer(),
    )


def app_for(directory: Path, open_session: OpenSession | None = None) -> MockloopApp:
    return make_app(workspace(directory), open_session, seed=SEED)


def _at(day: int, minutes: float = 0) -> datetime:
    return datetime(2026, 11, day, 9, 0, tzinfo=UTC) + timedelta(minutes=minutes)


async def _finished(day: int, answer: str) -> Transcript:
    question = library().questions[SAMPLE_QUESTIONS[day - 1]]
    turn = Turn(
        kind="question",
        text=question.text,
        question_id=question.id,
        answer=answer,
        asked_at=_at(day),
        answered_at=_at(day, 9),
    )
    record = RoundRecord(
        index=0,
        type="bar-raiser",
        title=ROUND_TITLE,
        minutes=30,
        question_ids=[question.id],
        max_followups=3,
        turns=[turn],
        started_at=_at(day),
        ended_at=_at(day, 10),
        seconds_used=600,
    )
    transcript = Transcript(
        id=f"202611{day:02d}-090000-{DRILL}-000{day}",
        loop=DRILL,
        loop_title=DRILL_TITLE,
        rubric="amazon-pm",
        seed=day,
        started_at=_at(day),
        rounds=[record],
    )
    graded = await regrade(transcript, library().rubric("amazon-pm"), OfflineGrader())
    return graded.model_copy(update={"finished_at": _at(day, 11)})


def _write_unfinished(directory: Path) -> None:
    """An Amazon PM loop stopped after its first question was asked: resumable."""
    spec = library().loop("amazon-pm")
    firsts = [sorted(q.id for q in library().questions_for(r.type))[0] for r in spec.rounds]
    rounds = [
        RoundPlan(
            index=i,
            type=r.type,
            title=r.title,
            minutes=r.minutes,
            max_followups=r.max_followups,
            question_ids=[firsts[i]],
        )
        for i, r in enumerate(spec.rounds)
    ]
    question = firsts[0]
    events = [
        LoopStarted(
            at=_at(5),
            id=UNFINISHED_ID,
            loop=spec.id,
            loop_title=spec.title,
            rubric=spec.rubric,
            seed=5,
            started_at=_at(5),
            rounds=rounds,
        ),
        RoundStarted(at=_at(5), round=0),
        QuestionAsked(at=_at(5), round=0, text=library().questions[question].text, question_id=question),
    ]
    path = directory / f"{UNFINISHED_ID}.jsonl"
    path.write_bytes(b"".join(e.model_dump_json().encode() + b"\n" for e in events))
    path.chmod(0o600)


async def seed_sessions(directory: Path) -> list[str]:
    """Four finished drills (1-4 Nov 2026, answers getting stronger) and one unfinished loop; their ids."""
    directory.mkdir(parents=True, exist_ok=True)
    ids = []
    for day, answer in enumerate(SAMPLE_ANSWERS, start=1):
        transcript = await _finished(day, answer)
        write_final(transcript, directory)
        ids.append(transcript.id)
    _write_unfinished(directory)
    return [*ids, UNFINISHED_ID]


def journal_answers(directory: Path, transcript_id: str) -> list[str]:
    lines = (directory / f"{transcript_id}.jsonl").read_text().splitlines()
    return [event["text"] for event in map(json.loads, lines) if event["type"] == "answer"]


def mode_of(path: Path) -> int:
    return os.stat(path).st_mode & 0o777


def record_notifications(app: MockloopApp) -> list[str]:
    """Every notification the app shows from now on, as `title: message`."""
    shown: list[str] = []
    notify = app.notify

    def recording(message: str, *, title: str = "", **kwargs: object) -> None:
        shown.append(f"{title}: {message}")
        notify(message, title=title, **kwargs)  # type: ignore[arg-type]

    app.notify = recording  # type: ignore[method-assign]
    return shown


async def until(pilot: Pilot[None], condition: Callable[[], object], what: str, timeout: float = 10) -> None:
    """Let the app run until `condition()` holds (workers included); fail naming `what` if it never does."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}; screen is {pilot.app.screen!r}")
        await pilot.pause(0.02)
    await pilot.pause()  # let it finish mounting: Textual's Header trips on a shutdown mid-mount


async def home_ready(pilot: Pilot[None]) -> None:
    app = pilot.app

    def listed() -> bool:
        return isinstance(app.screen, HomeScreen) and app.screen.query_one("#loops", DataTable).row_count > 0

    await until(pilot, listed, "Home to list the loops")
    await pilot.pause()


async def open_browser(pilot: Pilot[None]) -> DataTable[object]:
    """`t` from Home: the transcripts browser, once it lists the sessions; its table."""
    from simulator.tui.screens.browser import BrowserScreen

    app = pilot.app
    await pilot.press("t")
    await until(pilot, lambda: isinstance(app.screen, BrowserScreen) and app.screen.sessions, "the listing")
    return app.screen.query_one("#sessions", DataTable)


LONGEST_LOOP_SESSION = "20261106-090000-drill-technical-program-0006"
"""A session of the shipped loop with the longest id, for layouts at 80 columns."""


def add_longest_loop_session(transcripts: Path, like: str) -> None:
    """A copy of the saved session `like` as a session of the loop with the longest id."""
    copied = (transcripts / f"{like}.json").read_text().replace(like, LONGEST_LOOP_SESSION)
    (transcripts / f"{LONGEST_LOOP_SESSION}.json").write_text(
        copied.replace('"loop": "drill-bar-raiser"', '"loop": "drill-technical-program"')
    )


def interview(app: MockloopApp) -> InterviewScreen:
    """The screen shown, failing the test unless it is the interview."""
    assert isinstance(app.screen, InterviewScreen), app.screen
    return app.screen


async def start_drill_from_home(pilot: Pilot[None]) -> InterviewScreen:
    """Pick the DRILL on Home and start it; the interview screen once its first question is shown."""
    await home_ready(pilot)
    loops = pilot.app.screen.query_one("#loops", DataTable)
    loops.move_cursor(row=loops.get_row_index(DRILL))
    loops.focus()
    await pilot.press("enter")
    await until(
        pilot,
        lambda: isinstance(pilot.app.screen, InterviewScreen) and pilot.app.screen.prompt,
        "the drill's first question",
    )
    return interview(pilot.app)


async def answer(pilot: Pilot[None], text: str) -> None:
    """Type `text` key by key into the answer editor and submit; wait until the screen moved on."""
    screen = interview(pilot.app)
    before = screen.prompt
    await pilot.press(*("space" if char == " " else char for char in text))
    assert screen.query_one("#answer").text == text  # type: ignore[attr-defined]
    await pilot.press("ctrl+s")
    await until(
        pilot,
        lambda: pilot.app.screen is not screen or (screen.prompt is not before and not screen.busy),
        "the next prompt",
    )

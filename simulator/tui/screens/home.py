"""Home: pick a loop or drill, resume or open a recent session, watch each core signal's trend."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Footer, Header, Static

from simulator.tui.messages import HistoryLoaded, WorkFailed
from simulator.tui.screens.base import AppScreen
from simulator.tui.widgets import OpenTable, SignalTrend, StartTable, fill_table

if TYPE_CHECKING:
    from simulator.domain import LoopSpec, SeniorityLevel
    from simulator.services.workspace import Workspace
    from simulator.store import SessionSummary
    from simulator.tui.grader_mode import GraderMode

RECENT = 10
LEVELS: tuple[SeniorityLevel | None, ...] = (None, "L4", "L5", "L6", "L7")
"""What `l` cycles through: any level, then each seniority (the questions' `level`)."""


def level_text(level: str | None) -> str:
    return f"Level {level or 'any'}"


class HomeScreen(AppScreen[None]):
    SUB_TITLE = "Home"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "resume", "Resume"),
        Binding("t", "app.go('transcripts')", "Transcripts"),
        Binding("u", "app.go('rubrics')", "Rubrics"),
        Binding("g", "switch_grader", "Grader"),
        Binding("l", "cycle_level", "Level"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._recent: dict[str, SessionSummary] = {}
        self._unfinished: list[SessionSummary] = []
        self._loops: dict[str, LoopSpec] = {}
        self.level: SeniorityLevel | None = None
        """The seniority loops started here ask for; None: any level."""

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="loops-pane", classes="pane") as pane:
            pane.border_title = "Loops and drills"
            yield StartTable(id="loops")
            yield Static("", id="loop-about", markup=False)
        with Horizontal(id="home-bottom"):
            with Vertical(id="recent-pane", classes="pane") as pane:
                pane.border_title = "Recent sessions"
                yield OpenTable(id="recent")
            with Vertical(id="trend-pane", classes="pane") as pane:
                pane.border_title = "Signal trend (1-4)"
                yield SignalTrend(id="trend")
        with Horizontal(id="home-status"):
            yield Static("Loading the content library…", id="grader-mode", markup=False)
            yield Static(level_text(self.level), id="level", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.watch(self.app, "workspace", self._show_workspace)
        self.watch(self.app, "grader_mode", self._show_grader)

    def _show_workspace(self, workspace: Workspace | None) -> None:
        if workspace is None:
            return
        loops = sorted(workspace.library.loops.values(), key=lambda spec: (spec.kind != "loop", spec.title))
        self._loops = {loop.id: loop for loop in loops}
        fill_table(
            self.query_one("#loops", DataTable),
            ("Id (mockloop run ID)", "Loop or drill", "Min"),
            ((loop.id, [loop.id, Text(loop.title.removeprefix("Drill: ")), str(loop.minutes)]) for loop in loops),
        )
        self._describe(self.query_one("#loops", DataTable).cursor_row)
        self._show_grader(self.mockloop.grader_mode)
        self._load_history(workspace)

    def _show_grader(self, mode: GraderMode | None) -> None:
        """The status line: the grader and interviewer once they are built (the loops are usable before)."""
        workspace = self.mockloop.workspace
        if workspace is None:
            return
        line = f"{mode.text} · interviewer: {workspace.interviewer.name}" if mode else "Preparing the grader…"
        if mode and mode.llm and workspace.grader.name == "offline":
            line += f"  ·  LLM available ({mode.llm}): press g to grade with it"
        self.query_one("#grader-mode", Static).update(line)
        self.refresh_bindings()

    def on_screen_resume(self) -> None:
        if self.mockloop.workspace is not None:
            self._load_history(self.mockloop.workspace)

    @work(thread=True, exclusive=True, group="history", exit_on_error=False)
    def _load_history(self, workspace: Workspace) -> None:
        sessions = workspace.sessions()
        self.post_message(HistoryLoaded(sessions, workspace.trend(sessions)))

    def on_history_loaded(self, message: HistoryLoaded) -> None:
        from simulator.services.history import result_text, started_text

        recent = message.sessions[-RECENT:][::-1]
        self._recent = {s.id: s for s in recent}
        self._unfinished = [s for s in message.sessions if s.readable and not s.finished]
        # two lines a session, so that the longest loop id, the start and the result fit half of 80 columns
        rows = [
            (s.id, [Text.assemble(s.loop or s.id, "\n", (f"{started_text(s, year=False)} · {result_text(s)}", "dim"))])
            for s in recent
        ]
        fill_table(self.query_one("#recent", DataTable), ("Loop · started · result",), rows or [("", ["None yet"])])
        self.query_one("#trend", SignalTrend).show(message.trend, self.names())
        self.refresh_bindings()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "loops":
            self._describe(event.cursor_row)

    def _describe(self, row: int) -> None:
        """The highlighted loop in words, wrapped under the table: company, rounds, the description's first sentence."""
        table = self.query_one("#loops", DataTable)
        if not 0 <= row < table.row_count:
            return
        loop = self._loops.get(str(table.coordinate_to_cell_key(Coordinate(row, 0)).row_key.value))
        if loop is not None:
            rounds = f"{len(loop.rounds)} round{'s' * (len(loop.rounds) != 1)}"
            first = re.split(r"(?<=[.!?])\s", loop.description.strip(), maxsplit=1)[0]  # its first sentence
            about = f"{loop.company} {loop.role} {loop.kind} · {rounds} · {first}".strip(" ·")
            self.query_one("#loop-about", Static).update(about)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        key = event.row_key.value or ""
        if event.data_table.id == "loops":
            self.mockloop.start_loop(key, self.level)
        elif key in self._recent:
            summary = self._recent[key]
            if summary.readable and not summary.finished:
                self.mockloop.resume_session(summary.id)
            else:
                from simulator.tui.screens.transcript import TranscriptScreen

                self.app.push_screen(TranscriptScreen(summary.id))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "resume":
            return bool(self._unfinished)
        if action == "switch_grader":
            mode = self.mockloop.grader_mode
            return bool(mode and mode.llm)
        return True

    def action_cycle_level(self) -> None:
        """Any level, L4, L5, L6, L7, any again: questions of that seniority first in the loops started here."""
        self.level = LEVELS[(LEVELS.index(self.level) + 1) % len(LEVELS)]
        self.query_one("#level", Static).update(level_text(self.level))

    def action_resume(self) -> None:
        """Resume the latest unfinished session."""
        if self._unfinished:
            self.mockloop.resume_session(self._unfinished[-1].id)

    @work(exclusive=True, group="grader", exit_on_error=False)
    async def action_switch_grader(self) -> None:
        """Grade new sessions with the LLM, or back with the offline evidence grader (the old one is closed)."""
        from simulator.services.workspace import WorkspaceUnavailable
        from simulator.tui.grader_mode import grader_mode

        workspace = self.mockloop.workspace
        if workspace is None:
            return
        name = "llm" if workspace.grader.name == "offline" else "offline"
        try:
            await workspace.use_grader(name)
        except WorkspaceUnavailable as exc:
            self.post_message(WorkFailed("Grader unchanged", str(exc)))
            return
        self.mockloop.workspace_changed(grader_mode(name))

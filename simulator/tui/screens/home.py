"""Home: pick a loop or drill, resume or open a recent session, watch each core signal's trend."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Footer, Header, Static

from simulator.tui.messages import HistoryLoaded, WorkFailed
from simulator.tui.screens.base import AppScreen
from simulator.tui.widgets import OpenTable, SignalTrend, StartTable, fill_table

if TYPE_CHECKING:
    from simulator.services.workspace import Workspace
    from simulator.store import SessionSummary

RECENT = 10


class HomeScreen(AppScreen[None]):
    SUB_TITLE = "Home"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "resume", "Resume"),
        Binding("t", "app.go('transcripts')", "Transcripts"),
        Binding("u", "app.go('rubrics')", "Rubrics"),
        Binding("g", "switch_grader", "Grader"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._recent: dict[str, SessionSummary] = {}
        self._unfinished: list[SessionSummary] = []

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="loops-pane", classes="pane") as pane:
            pane.border_title = "Loops and drills"
            yield StartTable(id="loops")
        with Horizontal(id="home-bottom"):
            with Vertical(id="recent-pane", classes="pane") as pane:
                pane.border_title = "Recent sessions"
                yield OpenTable(id="recent")
            with Vertical(id="trend-pane", classes="pane") as pane:
                pane.border_title = "Signal trend, 1-4, oldest to newest"
                yield SignalTrend(id="trend")
        yield Static("Loading the content library…", id="grader-mode", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.watch(self.app, "workspace", self._show_workspace)

    def _show_workspace(self, workspace: Workspace | None) -> None:
        if workspace is None:
            return
        loops = sorted(workspace.library.loops.values(), key=lambda spec: (spec.kind != "loop", spec.title))
        fill_table(
            self.query_one("#loops", DataTable),
            ("Loop or drill", "Company", "Kind", "Rounds", "Min"),
            (
                (
                    loop.id,
                    [
                        Text(loop.title.removeprefix("Drill: ") if loop.kind == "drill" else loop.title),
                        Text(loop.company),
                        f"{loop.role} {loop.kind}",
                        str(len(loop.rounds)),
                        str(loop.minutes),
                    ],
                )
                for loop in loops
            ),
        )
        mode = self.mockloop.grader_mode
        line = f"{mode.text} · interviewer: {workspace.interviewer.name}" if mode else ""
        if mode and mode.llm and workspace.grader.name == "offline":
            line += f"  ·  LLM available ({mode.llm}): press g to grade with it"
        self.query_one("#grader-mode", Static).update(line)
        self.refresh_bindings()
        self._load_history(workspace)

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
        rows = [(s.id, [started_text(s, year=False), s.loop or s.id, result_text(s)]) for s in recent]
        fill_table(
            self.query_one("#recent", DataTable),
            ("Started", "Loop", "Result"),
            rows or [("", ["", "No sessions yet: pick a loop", ""])],
        )
        self.query_one("#trend", SignalTrend).show(message.trend, self.names())
        self.refresh_bindings()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        key = event.row_key.value or ""
        if event.data_table.id == "loops":
            self.mockloop.start_loop(key)
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

"""Transcripts: every saved session, filtered by loop, date or result, searched in the answers.

The listing comes from the store's cached index; a transcript is read only when it is opened,
exported or searched. A search shows, under the table, the highlighted session's answer around the hit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import DataTable, Footer, Header, Input, Static

from simulator.services.history import matches, result_text, result_word, short_ids, started_text
from simulator.tui.messages import AnswersSearched, SessionsListed, TranscriptLoaded, WorkFailed
from simulator.tui.screens.base import AppScreen
from simulator.tui.widgets import OpenTable, fill_table

if TYPE_CHECKING:
    from simulator.services.workspace import Workspace
    from simulator.store import SessionSummary

SHOWN = 500
"""Rows in the table at most; the newest matches first. Filtering narrows thousands quickly."""


class BrowserScreen(AppScreen[None]):
    SUB_TITLE = "Transcripts"
    AUTO_FOCUS = "#sessions"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "focus('#filter')", "Filter"),
        Binding("ctrl+f", "focus('#search')", "Search answers"),
        Binding("r", "resume", "Resume"),
        Binding("e", "export", "Export"),
        Binding("escape", "app.go('home')", "Home"),
        Binding("down", "to_list", "List", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.sessions: list[SessionSummary] = []
        """Newest first."""
        self.hits: dict[str, str] | None = None
        """Sessions found by the last search in answers, id -> the excerpt around the hit; None when not searching."""
        self._needle = ""

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="filters"):
            yield Input(placeholder="Filter: loop, 2026-11, L6, no-hire", id="filter")
            yield Input(placeholder="Search in answers, then Enter", id="search")
        yield OpenTable(id="sessions")
        yield Static(id="search-match", markup=False)
        yield Static(id="browser-status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.watch(self.app, "workspace", lambda workspace: self._list(), init=False)

    def on_screen_resume(self) -> None:
        self._list()
        self.query_one("#sessions").focus()

    def _list(self) -> None:
        workspace = self.mockloop.workspace
        if workspace is not None:
            self.query_one("#sessions").loading = not self.sessions
            self._load(workspace)

    @work(thread=True, exclusive=True, group="list", exit_on_error=False)
    def _load(self, workspace: Workspace) -> None:
        self.post_message(SessionsListed(workspace.sessions()))

    def on_sessions_listed(self, message: SessionsListed) -> None:
        self.query_one("#sessions").loading = False
        self.sessions = message.sessions[::-1]
        self._show()

    def _show(self) -> None:
        table = self.query_one("#sessions", DataTable)
        query = self.query_one("#filter", Input).value
        shown = [s for s in self.sessions if matches(s, query) and (self.hits is None or s.id in self.hits)]
        cursor = table.cursor_row
        prefixes = short_ids(s.id for s in self.sessions)
        fill_table(
            table,
            ("Started", "Loop", "Level", "Result", "Id prefix"),
            (
                (s.id, [started_text(s, year=False), s.loop or "?", s.level or "any", result_text(s), prefixes[s.id]])
                for s in shown[:SHOWN]
            ),
        )
        table.move_cursor(row=min(cursor, max(len(shown[:SHOWN]) - 1, 0)), animate=False)
        parts = [f"{len(shown)} of {len(self.sessions)} sessions"]
        if len(shown) > SHOWN:
            parts.append(f"the newest {SHOWN} shown; filter to narrow")
        if self.hits is not None:
            parts.append(f"answers containing “{self.query_one('#search', Input).value.strip()}”")
        self.query_one("#browser-status", Static).update(" · ".join(parts))
        self._show_match()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_match()

    def _show_match(self) -> None:
        """The highlighted session's answer around the search hit, the hit in bold; nothing when not searching."""
        match = self.query_one("#search-match", Static)
        summary = self._selected()
        found = self.hits.get(summary.id) if self.hits is not None and summary is not None else None
        match.display = found is not None
        if found is not None:
            text = Text(f"“{found}”", style="italic")
            text.highlight_words([self._needle], style="bold reverse", case_sensitive=False)
            match.update(text)

    def action_to_list(self) -> None:
        """Down in the filter or search box moves to the sessions (the table's own Down moves its cursor)."""
        self.query_one("#sessions").focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "filter":
            self._show()
        elif not event.value.strip() and self.hits is not None:
            self.hits = None
            self._show()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "filter":
            self.query_one("#sessions").focus()
            return
        workspace = self.mockloop.workspace
        if workspace is None or not event.value.strip():
            self.hits = None
            self._show()
            return
        query = self.query_one("#filter", Input).value
        self.query_one("#browser-status", Static).update("Searching the answers…")
        self._search(workspace, [s for s in self.sessions if matches(s, query)], event.value)

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def _search(self, workspace: Workspace, sessions: list[SessionSummary], needle: str) -> None:
        self.post_message(AnswersSearched(needle, workspace.search(sessions, needle)))

    def on_answers_searched(self, message: AnswersSearched) -> None:
        self.hits, self._needle = message.hits, " ".join(message.needle.split())
        self._show()
        self.query_one("#sessions").focus()

    # -- the selected session --------------------------------------------------------------------

    def _selected(self) -> SessionSummary | None:
        table = self.query_one("#sessions", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((s for s in self.sessions if s.id == key), None)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        from simulator.tui.screens.transcript import TranscriptScreen

        if event.row_key.value:
            self.app.push_screen(TranscriptScreen(event.row_key.value))

    def action_resume(self) -> None:
        summary = self._selected()
        if summary is None:
            return
        if result_word(summary) != "unfinished":
            self.notify(
                f"Session {summary.id} is {result_word(summary)}: there is nothing to resume.", severity="warning"
            )
            return
        self.mockloop.resume_session(summary.id)

    def action_export(self) -> None:
        summary, workspace = self._selected(), self.mockloop.workspace
        if summary is not None and workspace is not None:
            self._load_for_export(workspace, summary.id)

    @work(thread=True, exclusive=True, group="export-load", exit_on_error=False)
    def _load_for_export(self, workspace: Workspace, transcript_id: str) -> None:
        from simulator.store import TranscriptError

        try:
            transcript, problems = workspace.load(transcript_id)
        except TranscriptError as exc:
            self.post_message(WorkFailed("Cannot export", str(exc)))
            return
        self.post_message(TranscriptLoaded(transcript, problems))

    def on_transcript_loaded(self, message: TranscriptLoaded) -> None:
        self.export(message.transcript)

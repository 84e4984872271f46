"""Rubrics: signals, level anchors, round weights, and the content files' problems with file:line:col.

A rubric's page is its Markdown drawn by Rich in one widget (Textual's Markdown widget, one widget per
block, took 1.3 to 2.2 s to lay out a page at 80x24 on a loaded machine); each page is built once and
shown again at once when the cursor comes back; the pane's title follows the cursor at every key, and
a page is built only once the cursor rests (a held key does not queue one page per rubric passed).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import DataTable, Footer, Header, Static

from simulator.tui.messages import LibraryReloaded
from simulator.tui.rubric_text import clip, where_text
from simulator.tui.screens.base import AppScreen
from simulator.tui.widgets import OpenTable, fill_table

if TYPE_CHECKING:
    from simulator.content.errors import Problem
    from simulator.services.workspace import Workspace


PROBLEM_COLUMN = 40
"""Characters of a problem in the table; the detail pane under it shows the whole text."""
REST = 0.15
"""Seconds the cursor rests on a rubric not built yet before its page is built."""


class RubricPage(Static):
    """A rubric's page: its Markdown `source`, drawn by Rich."""

    def __init__(self, source: str) -> None:
        from rich.markdown import Markdown

        super().__init__(Markdown(source), classes="rubric-page")
        self.source = source


class RubricsScreen(AppScreen[None]):
    SUB_TITLE = "Rubrics"
    AUTO_FOCUS = "#rubric-list"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "reload", "Reload files"),
        Binding("escape", "app.go('home')", "Home"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._problems: list[Problem] = []
        self._pages: dict[str, RubricPage] = {}
        """Rubric id -> its page, built once per library."""
        self._wanted = ""
        """The rubric under the cursor."""

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="rubrics-top"):
            with Vertical(id="rubric-list-pane", classes="pane") as pane:
                pane.border_title = "Rubrics"
                yield OpenTable(id="rubric-list")
            yield VerticalScroll(id="rubric-pane", classes="pane")
        with Vertical(id="problems-pane", classes="pane"):
            yield DataTable(id="problems", cursor_type="row")
            yield Static("", id="problem-detail", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.watch(self.app, "workspace", self._show)

    def _show(self, workspace: Workspace | None) -> None:
        table = self.query_one("#rubric-list", DataTable)
        table.loading = workspace is None
        if workspace is None:
            return
        library = workspace.library
        self._forget_pages()
        fill_table(
            table,
            ("Rubric", "Signals"),
            ((rubric_id, [rubric_id, str(len(r.signals))]) for rubric_id, r in sorted(library.rubrics.items())),
        )
        self._problems = list(library.problems)
        fill_table(
            self.query_one("#problems", DataTable),
            ("Where", "Problem"),
            (
                (str(index), [Text(where_text(p)), Text(clip(p.message, PROBLEM_COLUMN))])
                for index, p in enumerate(self._problems)
            ),
        )
        self._detail(0)
        pane = self.query_one("#problems-pane")
        pane.border_title = f"Problems in the content files ({len(library.problems)})"
        pane.border_subtitle = "" if library.problems else "none: every rubric, loop and question file is valid"
        if library.rubrics:
            self._open(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value or "")

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "rubric-list" and event.row_key.value:
            self._open(event.row_key.value)
        elif event.data_table.id == "problems":
            self._detail(event.cursor_row)

    def _detail(self, row: int) -> None:
        """The selected problem in full, wrapped: where, which field, what is wrong and the hint."""
        detail = self.query_one("#problem-detail", Static)
        if not 0 <= row < len(self._problems):
            detail.update("")
            return
        problem = self._problems[row]
        field = f" · field {problem.path}" if problem.path else ""
        detail.update(f"{where_text(problem)}{field}\n{problem.message}")

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id == "rubric-list":
            self.query_one("#rubric-pane").focus()  # to scroll through it with the keys

    @property
    def page(self) -> RubricPage | None:
        """The page on show: the rubric under the cursor's, once built."""
        page = self._pages.get(self._wanted)
        return page if page is not None and page.display else None

    def _open(self, rubric_id: str) -> None:
        workspace = self.mockloop.workspace
        if workspace is None or rubric_id not in workspace.library.rubrics:
            return
        self._wanted = rubric_id
        pane = self.query_one("#rubric-pane", VerticalScroll)
        pane.border_title = workspace.library.rubrics[rubric_id].title
        if rubric_id in self._pages:
            self._show_page(rubric_id)
        else:
            self.set_timer(REST, lambda: self._build_page(rubric_id))

    def _show_page(self, rubric_id: str) -> None:
        for shown, page in self._pages.items():
            page.display = shown == rubric_id
        self.query_one("#rubric-pane", VerticalScroll).scroll_home(animate=False)

    def _build_page(self, rubric_id: str) -> None:
        """Build the page of `rubric_id` if the cursor still rests there and it is not built yet."""
        from simulator.grading.calibration import latest_calibration
        from simulator.tui.rubric_text import rubric_markdown

        workspace = self.mockloop.workspace
        if rubric_id != self._wanted or rubric_id in self._pages or workspace is None:
            return
        library = workspace.library
        source = library.source("rubric", rubric_id)
        page = RubricPage(rubric_markdown(library.rubrics[rubric_id], source, latest_calibration(rubric_id)))
        self._pages[rubric_id] = page
        self.query_one("#rubric-pane", VerticalScroll).mount(page)
        self._show_page(rubric_id)

    def _forget_pages(self) -> None:
        """The library changed: every page is built again from it."""
        for page in self._pages.values():
            page.remove()
        self._pages.clear()

    def action_reload(self) -> None:
        self.notify("Reading the rubric, loop and question files…", timeout=2)
        self._reload()

    @work(thread=True, exclusive=True, group="reload", exit_on_error=False)
    def _reload(self) -> None:
        from simulator.content import load_library

        library = load_library()
        self.post_message(LibraryReloaded(library))
        self.app.call_from_thread(
            self.notify,
            f"{len(library.rubrics)} rubrics, {len(library.loops)} loops, {len(library.questions)} questions, "
            f"{len(library.problems)} problems",
            title="Reloaded",
        )

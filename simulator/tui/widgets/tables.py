"""Row-cursor tables whose Enter shows in the footer with what it does, and filling a table at once."""

from collections.abc import Iterable, Sequence
from typing import ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets import DataTable

Cell = str | Text


def _plain(cell: Cell) -> str:
    return cell.plain if isinstance(cell, Text) else cell


def _width(cell: Cell) -> int:
    return max(cell_len(line) for line in _plain(cell).split("\n"))


def fill_table(table: DataTable[Cell], labels: Sequence[str], rows: Iterable[tuple[str, Sequence[Cell]]]) -> None:
    """Replace the table's columns and rows (row key, cells), each column as wide as its widest cell
    and each row as tall as its cell of most lines.

    The widths are measured here because Textual measures them later, when the table is idle, and
    may keep showing a header line drawn at the old widths. Plain `str` cells must hold no markup.
    """
    rows = list(rows)
    table.clear(columns=True)
    for index, label in enumerate(labels):
        column = (row[index] for _, row in rows)
        table.add_column(label, width=max([cell_len(label), *(_width(cell) for cell in column)]))
    for key, cells in rows:
        table.add_row(*cells, key=key, height=max([1, *(_plain(cell).count("\n") + 1 for cell in cells)]))


class OpenTable(DataTable[Cell]):
    """Enter opens the row under the cursor (the screen handles `RowSelected`)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter", "select_cursor", "Open")]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)


class StartTable(OpenTable):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter", "select_cursor", "Start")]

"""A one-line progress bar on stderr, drawn only when stderr is a terminal (never into a pipe or a log)."""

import shutil
import sys
from types import TracebackType
from typing import TextIO

BAR_WIDTH = 24


class Progress:
    """`with Progress("grading", total) as bar: ... bar.advance()`; redraws only when the line changes
    and ends it with a newline, so the last state stays above what the command prints next."""

    def __init__(self, label: str, total: int, stream: TextIO | None = None) -> None:
        self.label = label
        self.total = total
        self.done = 0
        self.note = ""
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty()
        self._shown = ""

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def advance(self, steps: int = 1) -> None:
        self.update(self.done + steps)

    def update(self, done: int, total: int | None = None, note: str | None = None) -> None:
        self.done = done
        if total is not None:
            self.total = total
        if note is not None:
            self.note = note
        if not self.enabled:
            return
        line = self.render()[: max(shutil.get_terminal_size().columns - 1, 10)]
        if line != self._shown:
            self.stream.write(f"\r{line}\x1b[K")
            self.stream.flush()
            self._shown = line

    def render(self) -> str:
        fraction = min(self.done / self.total, 1.0) if self.total > 0 else 0.0
        filled = round(fraction * BAR_WIDTH)
        count = f"{self.done}/{self.total}" if self.total > 0 else str(self.done)
        note = f" {self.note}" if self.note else ""
        return f"{self.label} [{'#' * filled}{'-' * (BAR_WIDTH - filled)}] {count}{note}"

    def close(self) -> None:
        if self._shown:
            self.stream.write("\n")
            self.stream.flush()
            self._shown = ""

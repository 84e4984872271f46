"""What every mockloop screen shares: the typed app, signal names, and exporting a transcript."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar, cast

from textual import work
from textual.screen import Screen

from simulator.tui.messages import Exported, WorkFailed
from simulator.tui.names import signal_names

if TYPE_CHECKING:
    from simulator.domain import Transcript
    from simulator.tui.app import MockloopApp

Result = TypeVar("Result")


class AppScreen(Screen[Result]):
    NAVIGABLE = True
    """False on screens that must not be left by the palette (an interview, grading)."""

    @property
    def mockloop(self) -> MockloopApp:
        return cast("MockloopApp", self.app)

    def names(self, rubric_id: str | None = None) -> dict[str, str]:
        workspace = self.mockloop.workspace
        return signal_names(workspace.library if workspace else None, rubric_id)

    @work(thread=True, exclusive=True, group="export", exit_on_error=False)
    def export(self, transcript: Transcript, variant: str = "") -> None:
        """The Markdown report beside the transcript in the transcripts dir."""
        workspace = self.mockloop.workspace
        if workspace is None:
            return
        try:
            path = workspace.export_beside(transcript, variant)
        except OSError as exc:
            self.post_message(WorkFailed("Export failed", f"{workspace.directory}: {exc.strerror or exc}"))
            return
        self.post_message(Exported(path))

    def on_exported(self, message: Exported) -> None:
        self.notify(str(message.path), title="Exported to Markdown", markup=False)

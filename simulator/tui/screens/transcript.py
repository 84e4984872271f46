"""One saved session, turn by turn with its grades: re-grade it, export it, resume it."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header, Markdown, Static

from simulator.tui.messages import TranscriptLoaded, WorkFailed
from simulator.tui.screens.base import AppScreen

if TYPE_CHECKING:
    from simulator.domain import Transcript
    from simulator.services.workspace import Workspace


class TranscriptScreen(AppScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("d", "debrief", "Debrief"),
        Binding("g", "regrade", "Re-grade"),
        Binding("e", "export", "Export"),
        Binding("r", "resume", "Resume"),
    ]

    def __init__(self, transcript_id: str) -> None:
        super().__init__()
        self.transcript_id = transcript_id
        self.original: Transcript | None = None
        self.shown: Transcript | None = None
        self.variant = ""
        """Set while a re-graded copy is shown, e.g. `regraded-amazon-pm-offline`."""
        self.sub_title = transcript_id

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading…", id="transcript-summary", markup=False)
        with VerticalScroll(id="transcript-pane"):
            yield Markdown(id="transcript")
        yield Footer()

    def on_mount(self) -> None:
        workspace = self.mockloop.workspace
        if workspace is not None:
            self.query_one("#transcript-pane").loading = True
            self._load(workspace)

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def _load(self, workspace: Workspace) -> None:
        from simulator.store import TranscriptError

        try:
            transcript, problems = workspace.load(self.transcript_id)
        except TranscriptError as exc:
            self.post_message(WorkFailed("Cannot open the transcript", str(exc)))
            return
        self.post_message(TranscriptLoaded(transcript, problems))

    def on_transcript_loaded(self, message: TranscriptLoaded) -> None:
        from simulator.store import to_markdown

        transcript = message.transcript
        if not message.regraded:
            self.original = transcript
        self.shown = transcript
        for problem in message.problems:
            self.notify(problem, title="Read with a problem", severity="warning", markup=False)
        status = "finished" if transcript.finished else "not finished: press r to resume it"
        result = ""
        if transcript.debrief:
            result = f" · {transcript.debrief.decision.upper().replace('-', ' ')} {transcript.debrief.mean:.2f}"
        summary = f"{transcript.loop_title or transcript.loop} · {status}{result} · rubric {transcript.rubric}"
        summary += f" · level {transcript.level}" if transcript.level else ""
        if message.regraded:
            summary += f" · RE-GRADED with {message.regraded}, not saved (e exports it)"
        self.query_one("#transcript-summary", Static).update(summary)
        self.query_one("#transcript-pane").loading = False
        self.query_one("#transcript", Markdown).update(to_markdown(transcript))
        self.refresh_bindings()

    def on_work_failed(self, message: WorkFailed) -> None:
        self.query_one("#transcript-pane").loading = False  # the app shows the message
        if self.shown is None:
            self.query_one("#transcript-summary", Static).update(message.reason)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        shown = self.shown
        if action == "resume":
            return shown is not None and not shown.finished and not self.variant
        if action == "debrief":
            return shown is not None and shown.debrief is not None
        if action in ("export", "regrade"):
            return None if shown is None else True
        return True

    def action_debrief(self) -> None:
        from simulator.tui.screens.debrief import DebriefScreen

        if self.shown is not None:
            self.app.push_screen(DebriefScreen(self.shown, variant=self.variant))

    def action_export(self) -> None:
        if self.shown is not None:
            self.export(self.shown, self.variant)

    def action_resume(self) -> None:
        if self.original is not None:
            self.mockloop.resume_session(self.original.id)

    def action_regrade(self) -> None:
        from simulator.tui.screens.dialogs import RegradeDialog

        workspace, mode = self.mockloop.workspace, self.mockloop.grader_mode
        if self.original is None or workspace is None or not workspace.library.rubrics:
            return
        library = workspace.library
        rubrics = [(f"{r.title} ({r.id})", r.id) for r in sorted(library.rubrics.values(), key=lambda r: r.id)]

        def chosen(choice: tuple[str, str] | None) -> None:
            if choice is not None:
                self.query_one("#transcript-pane").loading = True
                self._regrade(*choice)

        self.app.push_screen(RegradeDialog(rubrics, self.original.rubric, mode.llm if mode else None), chosen)

    @work(exclusive=True, group="regrade", exit_on_error=False)
    async def _regrade(self, rubric_id: str, grader_name: str) -> None:
        from simulator.services.regrade import RegradeError
        from simulator.services.workspace import WorkspaceUnavailable

        workspace, original = self.mockloop.workspace, self.original
        if workspace is None or original is None:
            return
        try:
            transcript = await workspace.regrade(original, rubric_id, grader_name)
        except (WorkspaceUnavailable, RegradeError) as exc:
            self.post_message(WorkFailed("Not re-graded", str(exc).strip("'\"")))
            return
        finally:
            self.query_one("#transcript-pane").loading = False
        self.variant = f"regraded-{rubric_id}-{grader_name}"
        self.post_message(TranscriptLoaded(transcript, regraded=f"rubric {rubric_id}, {grader_name} grader"))

"""Grading: progress while the rounds are graded and the final transcript is written."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Vertical
from textual.widgets import Footer, Header, LoadingIndicator, ProgressBar, Static

from simulator.tui.messages import FellBack, GradingProgress, LoopGraded, WorkFailed
from simulator.tui.screens.base import AppScreen

if TYPE_CHECKING:
    from simulator.engine import Session
    from simulator.store import Event


class GradingScreen(AppScreen[None]):
    NAVIGABLE = False
    BINDINGS: ClassVar[list[BindingType]] = [Binding("r", "retry", "Try again")]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.failed = False
        self._owns_session = True
        self._unsubscribe = session.subscribe(self._on_event)
        self.sub_title = self.session.loop.title

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="grading"):
            yield Static(f"Grading your answers with the {self.session.grader.name} grader…", id="grading-title")
            with Center():
                yield ProgressBar(total=len(self.session.transcript.rounds), show_eta=False, id="grading-progress")
            yield Static(id="grading-status", markup=False)
            yield LoadingIndicator()
        yield Footer()

    def on_mount(self) -> None:
        self.post_message(self._progress())
        self.call_after_refresh(self._finish)  # once mounted: a screen switched away while mounting crashes Header

    def _on_event(self, event: Event) -> None:
        from simulator.store import FallbackUsed, RoundGraded

        if isinstance(event, RoundGraded):
            self.post_message(self._progress())
        elif isinstance(event, FallbackUsed):
            self.post_message(FellBack(event.role, event.reason))

    def on_fell_back(self, message: FellBack) -> None:
        self.notify(
            f"{message.reason}. The other rounds of this session are graded offline too.",
            title=f"LLM {message.role} unavailable",
            severity="warning",
            timeout=15,
            markup=False,
        )

    def _progress(self) -> GradingProgress:
        rounds = self.session.transcript.rounds
        return GradingProgress(sum(1 for r in rounds if r.grade is not None), len(rounds))

    def on_grading_progress(self, message: GradingProgress) -> None:
        self.query_one(ProgressBar).update(progress=message.graded)
        if not self.failed:
            self.query_one("#grading-status", Static).update(f"{message.graded} of {message.total} rounds graded")

    @work(exclusive=True, group="grading", exit_on_error=False)
    async def _finish(self) -> None:
        from simulator.engine import SessionError

        try:
            await self.session.finish()
        except (SessionError, OSError) as exc:
            self.post_message(WorkFailed("Grading stopped", str(exc)))
            return
        self.post_message(LoopGraded(self.session.transcript, list(self.session.grading_errors)))

    def on_work_failed(self, message: WorkFailed) -> None:
        self.failed = True
        self.query_one("#grading-status", Static).update(
            f"Your answers are saved in {self.session.journal.path}. Press r to try again."
        )
        self.query_one(LoadingIndicator).display = False
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.failed if action == "retry" else True

    def action_retry(self) -> None:
        self.failed = False
        self.query_one(LoadingIndicator).display = True
        self.refresh_bindings()
        self._finish()

    def on_loop_graded(self, message: LoopGraded) -> None:
        from simulator.tui.screens.debrief import DebriefScreen

        self._owns_session = False  # finish() closed it
        self.app.switch_screen(DebriefScreen(message.transcript, message.problems))

    async def on_unmount(self) -> None:
        self._unsubscribe()
        if self._owns_session:
            await self.session.close(wait_for_grading=False)

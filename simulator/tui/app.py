"""The mockloop app: Home, the interview, grading and debrief, transcripts, rubrics.

Start-up imports Textual and this package's light modules only. The workspace (settings, content
library, grader, transcripts dir) is built in a worker once Home is painted, and the engine, store
and grading are imported by the screens and workers that use them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, runtime_checkable

from textual import events, work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.reactive import var
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from simulator.tui.messages import GraderReady, LibraryReloaded, WorkFailed, WorkspaceLoaded

if TYPE_CHECKING:
    from simulator.domain import SeniorityLevel
    from simulator.engine import Session
    from simulator.services.workspace import Workspace
    from simulator.tui.grader_mode import GraderMode

OpenSession = Callable[["Workspace"], "Session"]
LISTED_WAIT_S = 2.0
"""How long building the grader waits for Home to draw the loops (it never waits for a hidden Home)."""
"""Starts or resumes a session, e.g. `lambda workspace: workspace.start("amazon-pm")`; may raise SessionError."""

DARK, LIGHT = "textual-dark", "textual-light"


@runtime_checkable
class GuardsQuit(Protocol):
    """A screen that asks before the app quits (an interview in progress)."""

    def ask_to_quit(self) -> None: ...


def _home() -> Screen[None]:
    from simulator.tui.screens import HomeScreen

    return HomeScreen()


def _transcripts() -> Screen[None]:
    from simulator.tui.screens import BrowserScreen

    return BrowserScreen()


def _rubrics() -> Screen[None]:
    from simulator.tui.screens import RubricsScreen

    return RubricsScreen()


def _navigable(screen: Screen[object]) -> bool:
    """May the palette take the user elsewhere from `screen`? Not from an interview, grading or a dialog."""
    return bool(getattr(screen, "NAVIGABLE", False))


class MockloopApp(App[None]):
    TITLE = "mockloop"
    CSS_PATH = "app.tcss"
    MODES: ClassVar = {"home": _home, "transcripts": _transcripts, "rubrics": _rubrics}
    DEFAULT_MODE = "home"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("f9", "toggle_theme", "Light/dark", show=False)]

    workspace: var[Workspace | None] = var(None)
    """None until the worker started on mount has built it; screens watch it (and its changes)."""
    grader_mode: var[GraderMode | None] = var(None)
    """The grader in plain words; None until the worker has built the grader (after the library)."""

    def __init__(
        self,
        workspace: Workspace | None = None,
        open_session: OpenSession | None = None,
        *,
        seed: int | None = None,
        settings_flags: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__()
        self._given_workspace = workspace
        self._open_session = open_session
        self._settings_flags = dict(settings_flags or {})
        """Command-line flags over the settings, for the workspace the app builds itself."""
        self.seed = seed
        """Seed for loops started from Home (tests pin the questions with it)."""
        self._grader_built = threading.Event()
        """Set once the workspace's grader and interviewer are built (or building them failed)."""
        self._listed = threading.Event()
        """Set once the screens have drawn the loaded workspace (the loops on Home)."""
        self.theme = LIGHT if self._settings_flags.get("theme") == "light" else DARK

    def on_mount(self) -> None:
        self.call_after_refresh(self._prepare, self._given_workspace)  # paint Home first, then load

    async def on_unmount(self) -> None:
        if self.workspace is not None:
            await self.workspace.aclose()

    @work(thread=True, exclusive=True, group="workspace", exit_on_error=False)
    def _prepare(self, workspace: Workspace | None) -> None:
        """The library first (Home lists the loops and takes Enter), then the grader and interviewer
        (importing the offline grader takes a few tenths of a second), then a warm-up grade."""
        from simulator.tui.grader_mode import grader_mode

        try:
            notes: list[str] = []
            built_here = workspace is None
            if workspace is None:
                from simulator.services.settings import Settings, SettingsError
                from simulator.services.workspace import Workspace

                try:
                    settings = Settings.load(self._settings_flags)
                except SettingsError as exc:
                    notes.append(f"{exc}; the defaults are used")
                    settings = Settings.model_construct()
                workspace = Workspace(settings)
            workspace.library  # noqa: B018 - loaded here, in this thread, not on first use on screen
            self.post_message(WorkspaceLoaded(workspace, notes))
            self._listed.wait(LISTED_WAIT_S)  # the grader's imports would hold the GIL while Home lists the loops
            later = workspace.prepare(fall_back=True) if built_here else []
            mode = grader_mode(workspace.grader.name)
            self.post_message(GraderReady(mode, [*later, *([mode.problem] if mode.problem else [])]))
        finally:
            self._grader_built.set()
        workspace.warm_up()  # in this thread, while the user reads Home

    def on_workspace_loaded(self, message: WorkspaceLoaded) -> None:
        self._warn(message.notes)
        self.theme = LIGHT if message.workspace.settings.theme == "light" else DARK
        self.workspace = message.workspace
        self.call_after_refresh(self._listed.set)
        if self._open_session is not None:
            opener, self._open_session = self._open_session, None
            self.open_session(opener)

    def on_grader_ready(self, message: GraderReady) -> None:
        self._warn(message.notes)
        self.grader_mode = message.mode

    def _warn(self, notes: list[str]) -> None:
        for note in notes:
            self.notify(note, title="Working offline", severity="warning", timeout=12, markup=False)

    def workspace_changed(self, mode: GraderMode | None = None) -> None:
        """The workspace's grader or library changed; screens watching `workspace` refresh."""
        if mode is not None:
            self.grader_mode = mode
        self.mutate_reactive(MockloopApp.workspace)

    def on_library_reloaded(self, message: LibraryReloaded) -> None:
        if self.workspace is not None:
            self.workspace.use_library(message.library)
            self.workspace_changed()

    # -- sessions ------------------------------------------------------------------------------

    def start_loop(self, loop_id: str, level: SeniorityLevel | None = None) -> None:
        """Start `loop_id`; `level` (L4-L7) asks for questions of that seniority first, as `mockloop run --level`."""
        seed = self.seed
        self.open_session(lambda workspace: workspace.start(loop_id, seed=seed, level=level))

    def resume_session(self, transcript_id: str | None) -> None:
        """Resume `transcript_id`, or the latest unfinished session when None."""
        self.open_session(lambda workspace: workspace.resume(transcript_id))

    def open_session(self, opener: OpenSession) -> None:
        """Show the interview at once, its answer box focused, and open the session there in a worker:
        keys typed while the session opens land in the answer instead of on Home."""
        from simulator.tui.screens import InterviewScreen

        workspace = self.workspace
        if workspace is None:
            self.post_message(WorkFailed("Not ready", "the content library is still loading; try again in a moment"))
            return
        self.switch_mode("home")
        self.push_screen(InterviewScreen(partial(self._when_ready, opener, workspace), workspace.directory))

    def _when_ready(self, opener: OpenSession, workspace: Workspace) -> Session:
        """`opener(workspace)` once the grader and interviewer are built (the interview's worker waits)."""
        self._grader_built.wait()
        return opener(workspace)

    # -- navigation, quitting, themes, errors --------------------------------------------------

    def action_go(self, mode: str) -> None:
        """Show Home, Transcripts or Rubrics; Home drops whatever was opened over it."""
        self.switch_mode(mode)
        if mode == "home":
            while len(self.screen_stack) > 1 and _navigable(self.screen):
                self.pop_screen()

    async def action_quit(self) -> None:
        if isinstance(self.screen, GuardsQuit):
            self.screen.ask_to_quit()
        else:
            self.exit()

    def action_toggle_theme(self) -> None:
        self.theme = LIGHT if self.theme == DARK else DARK

    async def on_key(self, event: events.Key) -> None:
        """Esc and a key pressed right after it reach us as one `alt+<key>` (the terminal sends them in one
        read, within its escape delay); when nothing is bound to that, they are the two keys again."""
        modifier, _, key = event.key.partition("+")
        if modifier != "alt" or len(key) != 1:
            return
        event.stop()
        if not await self._check_bindings("escape", priority=True):
            await self._check_bindings("escape")
        self.post_message(events.Key(key, key))

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if _navigable(screen):
            places = (
                ("Home", "Loops and drills, recent sessions, your signal trend", "home"),
                ("Transcripts", "Every saved session: filter, search, open, re-grade, export, resume", "transcripts"),
                ("Rubrics", "Signals, level anchors, round weights and content problems", "rubrics"),
            )
            for title, help_text, mode in places:
                yield SystemCommand(title, help_text, partial(self.action_go, mode))
        yield SystemCommand(
            "Toggle dark/light theme", "Switch between the dark and the light theme (F9)", self.action_toggle_theme
        )

    def notify(self, message: str, *, title: str = "", **kwargs: Any) -> None:
        """Every notification of the app (screens call this one): no secret in what is shown."""
        from simulator.redaction import redact

        super().notify(redact(message), title=redact(title), **kwargs)

    def on_work_failed(self, message: WorkFailed) -> None:
        self.notify(message.reason, title=message.what, severity="error", timeout=10, markup=False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A worker that failed unexpectedly becomes a notification, never a crash."""
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            error = event.worker.error
            self.notify(
                f"{type(error).__name__}: {error}",
                title="Something went wrong",
                severity="error",
                timeout=15,
                markup=False,
            )


def make_app(
    workspace: Workspace | None = None,
    open_session: OpenSession | None = None,
    *,
    seed: int | None = None,
    settings_flags: Mapping[str, Any] | None = None,
) -> MockloopApp:
    """The app the CLI runs and the tests drive: Home, or the interview at once with `open_session`."""
    return MockloopApp(workspace, open_session, seed=seed, settings_flags=settings_flags)


def run_app(
    workspace: Workspace | None = None,
    open_session: OpenSession | None = None,
    *,
    settings_flags: Mapping[str, Any] | None = None,
) -> int:
    """Runs until the user quits; the workspace is closed when the app ends."""
    make_app(workspace, open_session, settings_flags=settings_flags).run()
    return 0

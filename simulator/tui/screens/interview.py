"""The interview: the question, where you are, the round's clock, and the answer editor.

The screen shows at once, its answer box focused, and opens the session in a worker (keys typed
meanwhile are kept). Submit, skip and begin run in one worker group; the screen changes only when
the worker posts `PromptShown`, which the engine returns after the answer is journaled, so nothing
moves on before the answer is on disk.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Literal

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.reactive import var
from textual.widgets import Footer, Header, Static
from textual.worker import WorkerCancelled, WorkerFailed

from simulator.tui.messages import (
    AnswerSaved,
    FellBack,
    FollowupStreamed,
    PromptShown,
    SessionOpened,
    WorkFailed,
)
from simulator.tui.screens.base import AppScreen
from simulator.tui.widgets import AnswerBox, Countdown
from simulator.tui.widgets.answer import word_count

if TYPE_CHECKING:
    from simulator.engine import Prompt, Session
    from simulator.store import Event


def position_text(prompt: Prompt) -> str:
    """`Round 1 of 4 · question 2 of 2 · follow-up 1`."""
    text = (
        f"Round {prompt.round_index + 1} of {prompt.round_count} · "
        f"question {prompt.question_number} of {prompt.question_count}"
    )
    return text + (f" · follow-up {prompt.followup_number}" if prompt.kind == "followup" else "")


def question_text(prompt: Prompt) -> Text:
    """The question; for a follow-up, the question it follows (dimmed) and the follow-up after a bold label.

    Rich text in a Static, not Markdown: the questions are plain prose, and laying out a Markdown
    document cost most of the time from a submit to the next question."""
    if prompt.kind == "question":
        return Text(prompt.text)
    return Text.assemble(
        (prompt.question_text, "dim"), "\n\n", (f"Follow-up {prompt.followup_number}: ", "bold"), prompt.text
    )


class InterviewScreen(AppScreen[None]):
    NAVIGABLE = False
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "submit", "Submit", priority=True),
        Binding("ctrl+k", "skip", "Skip", priority=True),
        Binding("f6", "pause", "Pause", priority=True),
        Binding("ctrl+r", "retry_llm", "Retry LLM", priority=True),
        Binding("ctrl+q", "app.quit", "Quit", priority=True),
    ]

    busy: var[bool] = var(False)
    """A begin, submit or skip is in flight: nothing else may be sent."""
    paused: var[bool] = var(False, init=False)

    def __init__(self, opener: Callable[[], Session], directory: Path) -> None:
        """`opener` starts or resumes the session (in a thread); `directory` is where it is saved."""
        super().__init__()
        self._opener = opener
        self._directory = directory
        self.prompt: Prompt | None = None
        self._streamed = ""
        self._sent = ""
        """The answer being submitted: cleared from the editor when the next prompt shows."""
        self._owns_session = True
        """Closed on unmount unless handed to the grading screen or already closed."""
        self._overtime_told: set[int] = set()
        """Rounds whose running over time has been announced."""
        self._unsubscribe: Callable[[], None] | None = None
        self._session: Session | None = None

    @property
    def session(self) -> Session:
        """The session, once `opened`."""
        assert self._session is not None, "the session is still opening"
        return self._session

    @property
    def opened(self) -> bool:
        return self._session is not None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="where"):
            yield Static("Opening the session…", id="position")
            yield Countdown(id="countdown")
        with VerticalScroll(id="question-pane", classes="pane"):
            yield Static(id="question", markup=False)
        yield AnswerBox(id="answer-box", classes="pane")
        yield Static("Paused: the round's clock is stopped. Press F6 to go on.", id="paused-note")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#answer-box").border_title = "Your answer"
        self.query_one(AnswerBox).editor.focus()  # keys typed before the first question shows are kept
        self.busy = True
        self._open()

    # -- talking to the engine (one worker at a time) -----------------------------------------

    @work(thread=True, exclusive=True, group="session", exit_on_error=False)
    def _open(self) -> None:
        from simulator.engine import SessionError

        try:
            session = self._opener()
        except SessionError as exc:
            self.post_message(WorkFailed("Cannot open the session", str(exc)))
            return
        except OSError as exc:
            self.post_message(WorkFailed("Cannot write the transcript", f"{self._directory}: {exc.strerror or exc}"))
            return
        self.post_message(SessionOpened(session))

    def on_session_opened(self, message: SessionOpened) -> None:
        message.stop()
        self._session = message.session
        self._unsubscribe = self.session.subscribe(self._on_event)
        self.sub_title = self.session.loop.title
        self.set_interval(1.0, self._tick)
        self._advance("begin")

    @work(exclusive=True, group="session", exit_on_error=False)
    async def _advance(self, how: Literal["begin", "submit", "skip"], answer: str = "") -> None:
        from simulator.engine import SessionError

        self._streamed = ""
        try:
            if how == "submit":
                prompt = await self.session.submit(answer, self._stream)
            elif how == "skip":
                prompt = await self.session.skip(self._stream)
            else:
                prompt = await self.session.begin(self._stream)
        except SessionError as exc:
            self.post_message(WorkFailed("Not recorded", str(exc)))
            return
        except OSError as exc:
            self.post_message(WorkFailed("Could not save the answer", f"{exc.strerror or exc}; your text is kept"))
            return
        self.post_message(PromptShown(prompt))

    def _on_event(self, event: Event) -> None:
        from simulator.store import AnswerGiven, FallbackUsed

        if isinstance(event, FallbackUsed):
            self.post_message(FellBack(event.role, event.reason))
        elif isinstance(event, AnswerGiven):
            self.post_message(AnswerSaved())

    def on_answer_saved(self, message: AnswerSaved) -> None:
        if self.busy:
            self._show_position("Answer saved · the interviewer is thinking…")

    def on_fell_back(self, message: FellBack) -> None:
        self.notify(
            f"{message.reason}. It stands aside for the rest of this session; press Ctrl+R to try the LLM again.",
            title=f"LLM {message.role} unavailable",
            severity="warning",
            timeout=15,
            markup=False,
        )
        self.refresh_bindings()

    def action_retry_llm(self) -> None:
        roles = self.session.retry_llm()
        self.notify(f"The LLM {' and '.join(roles)} will be tried again from the next answer.", title="Retrying")
        self.refresh_bindings()

    def _stream(self, token: str) -> None:
        self._streamed += token
        self.post_message(FollowupStreamed(self._streamed))

    def on_followup_streamed(self, message: FollowupStreamed) -> None:
        self.query_one("#question", Static).update(Text.assemble(("Follow-up: ", "bold"), message.text, "▌"))

    def on_work_failed(self, message: WorkFailed) -> None:
        if not self.opened:  # nothing to interview: Home again, and the app says why
            message.stop()
            self.app.post_message(WorkFailed(message.what, message.reason))
            self._owns_session = False
            self.dismiss()
            return
        self.busy, self._sent = False, ""  # the message goes on to the app, which shows it

    def on_prompt_shown(self, message: PromptShown) -> None:
        self.busy = False
        if self.prompt is None:  # the first prompt: the footer shows pause, skip and submit as possible now
            self.refresh_bindings()
        prompt = self.prompt = message.prompt
        if prompt is None:
            from simulator.tui.screens.grading import GradingScreen

            self._owns_session = False
            self.app.switch_screen(GradingScreen(self.session))
            return
        self.query_one("#position", Static).update(position_text(prompt))
        self.query_one("#question-pane").border_title = f"{prompt.round_title} · {prompt.minutes} min"
        self.query_one("#question", Static).update(question_text(prompt))
        self.query_one("#question-pane", VerticalScroll).scroll_home(animate=False)
        box = self.query_one(AnswerBox)
        sent, self._sent = self._sent, ""
        if sent and box.text.startswith(sent):  # keep what was typed while the answer was being saved
            box.editor.text = box.text[len(sent) :].lstrip()
        elif sent:
            box.clear()
        box.editor.focus()
        self._tick()

    def _tick(self) -> None:
        clock = self.session.clock()
        self.query_one(Countdown).show(None if clock is None else clock.left, paused=self.paused)
        if clock is not None and clock.overran and self.prompt and self.prompt.round_index not in self._overtime_told:
            self._overtime_told.add(self.prompt.round_index)
            self.notify(
                "The round's time is up. Finish your answer; the overrun is noted in the transcript.",
                title="Over time",
                severity="warning",
            )

    # -- bindings ------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("submit", "skip"):
            return None if self.busy or self.paused else True
        if action == "retry_llm":
            return self.opened and bool(self.session.llm_down)
        if action == "pause":
            return self.opened
        return True

    def watch_busy(self, busy: bool) -> None:
        """Keys are checked against `busy` when pressed; the footer is not redrawn for it (that
        cost more than the submit), the position line says what is going on instead."""
        self._show_position("Saving your answer…" if busy else None)

    def _show_position(self, doing: str | None = None) -> None:
        """Where the candidate is in the loop, or what the app is doing for them while they wait."""
        if self.prompt is not None:
            self.query_one("#position", Static).update(doing or position_text(self.prompt))

    def action_submit(self) -> None:
        self.busy = True
        self._after_typed_keys(self._submit_typed)

    def action_skip(self) -> None:
        self.busy = True
        self._after_typed_keys(self._skip_typed)

    def _after_typed_keys(self, then: Callable[[], None]) -> None:
        """Run `then` once the editor has taken the keys queued ahead of Ctrl+S or Ctrl+K: those are
        priority bindings, run as they arrive, so keys read in the same burst (a paste without bracketed
        paste, a fast typist on a busy loop) are still waiting in the editor's queue."""
        self.query_one(AnswerBox).editor.call_later(then)

    def _submit_typed(self) -> None:
        text = self.query_one(AnswerBox).text
        if not text.strip():
            self.busy = False
            self.notify(
                "Type an answer first, or press Ctrl+K to skip the question.", title="Empty answer", severity="warning"
            )
            return
        self._sent = text
        self._advance("submit", text)

    def _skip_typed(self) -> None:
        self._sent = self.query_one(AnswerBox).text  # a draft of the skipped question goes with it
        self._advance("skip")

    def action_pause(self) -> None:
        self.paused = not self.paused

    def watch_paused(self, paused: bool) -> None:
        if not self.opened:
            return
        if paused:
            self.session.pause()
        else:
            self.session.unpause()
        self.set_class(paused, "-paused")
        box = self.query_one(AnswerBox)
        box.editor.disabled = paused
        if not paused:
            box.editor.focus()
        self.refresh_bindings()
        self._tick()

    # -- quitting: ask, save, leave --------------------------------------------------------------

    def ask_to_quit(self) -> None:
        from simulator.tui.screens.dialogs import QuitDialog

        if not self.opened:
            self.notify("The session is still opening; try again in a moment.", title="Not yet")
            return
        was_paused = self.paused
        self.session.pause()
        draft = word_count(self.query_one(AnswerBox).text)

        def chosen(choice: str | None) -> None:
            if choice is None:
                if not was_paused:
                    self.session.unpause()
                return
            self._save_and_leave(choice)

        self.app.push_screen(QuitDialog(self.session.id, draft), chosen)

    @work(group="closing", exit_on_error=False)
    async def _save_and_leave(self, where: str) -> None:
        """Let an answer in flight reach the disk, close the session, then go Home or quit."""
        for worker in [w for w in self.app.workers if w.node is self and w.group == "session"]:
            with contextlib.suppress(WorkerCancelled, WorkerFailed):
                await worker.wait()
        await self.session.close()
        self._owns_session = False
        if where == "quit":
            self.app.exit()
        else:
            self.app.notify(
                f"Saved. Resume it from Home with r, or `mockloop resume {self.session.id}`.", title="Loop paused"
            )
            self.dismiss()

    async def on_unmount(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
        if self._owns_session and self.opened:
            self._owns_session = False
            await self.session.close(wait_for_grading=False)

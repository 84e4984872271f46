"""Dialogs: quitting a loop mid-way, and choosing how to re-grade a transcript."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Select, Static


class QuitDialog(ModalScreen[str | None]):
    """Returns `quit` (save and leave the app), `home` (save, go Home) or None (keep answering)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", "Keep going"),
        Binding("q", "choose('quit')", "Save and quit", show=False),
        Binding("h", "choose('home')", "Save, go Home", show=False),
    ]

    def __init__(self, session_id: str, draft_words: int) -> None:
        super().__init__()
        self.session_id, self.draft_words = session_id, draft_words

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as box:
            box.border_title = "Leave this loop?"
            yield Static(
                "Every answer you submitted is saved. Resume the loop from Home (r) or with "
                f"`mockloop resume {self.session_id}`; it goes on at the next unanswered question."
            )
            if self.draft_words:
                yield Static(
                    f"The answer you are typing ({self.draft_words} words) has not been submitted "
                    "and will not be kept.",
                    classes="warning",
                )
            with Horizontal(classes="buttons"):
                yield Button("Save and quit", id="quit", variant="primary")
                yield Button("Save, go Home", id="home")
                yield Button("Keep going", id="stay")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(None if event.button.id == "stay" else event.button.id)

    def action_choose(self, choice: str) -> None:
        self.dismiss(choice)


class RegradeDialog(ModalScreen[tuple[str, str] | None]):
    """Returns (rubric id, grader name), or None."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, rubrics: list[tuple[str, str]], rubric: str, llm: str | None) -> None:
        super().__init__()
        self.rubrics, self.rubric, self.llm = rubrics, rubric, llm

    def compose(self) -> ComposeResult:
        graders = [("Offline evidence grader", "offline")]
        if self.llm:
            graders.append((f"LLM grader: {self.llm}", "llm"))
        ids = [rubric_id for _, rubric_id in self.rubrics]
        with Vertical(classes="dialog") as box:
            box.border_title = "Re-grade this session"
            yield Label("Rubric")
            yield Select(
                self.rubrics, value=self.rubric if self.rubric in ids else ids[0], allow_blank=False, id="rubric"
            )
            yield Label("Grader")
            yield Select(graders, value="offline", allow_blank=False, id="grader")
            if not self.llm:
                yield Static(
                    "The LLM grader needs OPENAI_API_KEY or OPENAI_BASE_URL; see `mockloop doctor`.", classes="hint"
                )
            yield Static("The saved transcript is not changed; export keeps the re-graded report.", classes="hint")
            with Horizontal(classes="buttons"):
                yield Button("Re-grade", id="go", variant="primary")
                yield Button("Cancel", id="cancel")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id != "go":
            self.dismiss(None)
            return
        rubric, grader = self.query_one("#rubric", Select).value, self.query_one("#grader", Select).value
        self.dismiss((str(rubric), str(grader)))

    def action_cancel(self) -> None:
        self.dismiss(None)

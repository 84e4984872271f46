"""The answer editor: a multi-line TextArea with a live word count under it."""

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static, TextArea


def word_count(text: str) -> int:
    return len(text.split())


class AnswerBox(Vertical):
    def compose(self) -> ComposeResult:
        yield TextArea(
            id="answer",
            soft_wrap=True,
            show_line_numbers=False,
            tab_behavior="focus",
            highlight_cursor_line=False,
            placeholder="Type your answer. Ctrl+S submits it.",
        )
        yield Static("0 words", id="words")

    @property
    def editor(self) -> TextArea:
        return self.query_one("#answer", TextArea)

    @property
    def text(self) -> str:
        return self.editor.text

    def clear(self) -> None:
        self.editor.clear()

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        count = word_count(event.text_area.text)
        self.query_one("#words", Static).update(f"{count} word{'' if count == 1 else 's'}")

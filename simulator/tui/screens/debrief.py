"""The debrief: the call and the rule behind it, rounds x signals, each round's grader and flags (and, on
`o`, what a strong answer to its questions covers), the signal chart, and the fixes."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header, Static

from simulator.tui.names import name_of
from simulator.tui.screens.base import AppScreen
from simulator.tui.widgets import FixCard, GradesTable, SignalBars
from simulator.tui.widgets.grades import outline_text, round_notes

if TYPE_CHECKING:
    from simulator.domain import Transcript


class DebriefScreen(AppScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("e", "export", "Export"),
        Binding("o", "outlines", "Strong answers"),
        Binding("escape", "app.pop_screen", "Back"),
        Binding("t", "app.go('transcripts')", "Transcripts"),
    ]

    def __init__(self, transcript: Transcript, problems: list[str] | None = None, variant: str = "") -> None:
        super().__init__()
        self.transcript = transcript
        self.problems = problems or []
        self.variant = variant
        """Non-empty for a re-graded copy: its export goes to a file of its own."""
        self.sub_title = "Debrief"  # the loop's title heads the verdict: the header has no room for a long one

    def compose(self) -> ComposeResult:
        debrief = self.transcript.debrief
        names = self.names(self.transcript.rubric)
        yield Header()
        with VerticalScroll(id="debrief"):
            yield Static(self.transcript.loop_title or self.transcript.loop, id="loop-title", markup=False)
            if debrief is None:
                yield Static("This session has no debrief: it was not finished.", id="verdict")
            else:
                hire = debrief.decision == "hire"
                verdict = Text("HIRE" if hire else "NO HIRE", style="bold #3ddc84" if hire else "bold #e5534b")
                verdict.append(f"   mean {debrief.mean:.2f} of 4 · rubric {self.transcript.rubric}", style="")
                yield Static(verdict, id="verdict")
                yield Static(debrief.rule, id="rule", markup=False)
            yield Static("Rounds × signals", classes="section")
            yield GradesTable(id="grades", cursor_type="none", zebra_stripes=True)
            yield Static("Rounds: overall, grader and flags", classes="section")
            outlines = self._outlines()
            if outlines:
                yield Static("o: what a strong answer to each question covers", id="outline-hint", markup=False)
            for number, (note, record) in enumerate(
                zip(round_notes(self.transcript), self.transcript.rounds, strict=True)
            ):
                flagged = "flags:" in note or "fallback" in note
                yield Static(
                    note,
                    id=f"round-note-{number}",
                    classes="round-note warning" if flagged else "round-note",
                    markup=False,
                )
                outline = outline_text(record, outlines)
                if outline is not None:
                    yield Static(outline, id=f"outline-{number}", classes="outline")
            if debrief is not None:
                yield Static("Signals (mean over the rounds that graded them)", classes="section")
                bars = SignalBars(id="bars")
                bars.show([(name_of(names, s), summary.mean) for s, summary in debrief.signals.items()])
                yield bars
                if debrief.fixes:
                    yield Static("What to fix first", classes="section")
                    for number, fix in enumerate(debrief.fixes, start=1):
                        yield FixCard(number, fix)
            for problem in self.problems:
                yield Static(f"Warning: {problem}", classes="warning", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(GradesTable).show(self.transcript, self.names(self.transcript.rubric))
        if self.problems:
            self.notify("; ".join(self.problems), title="Not every round was graded", severity="warning", markup=False)

    def _outlines(self) -> dict[str, list[str]]:
        """Each asked question's outline from the library (none before the workspace is loaded)."""
        from simulator.services.export import outlines

        workspace = self.mockloop.workspace
        return outlines(self.transcript, workspace.library if workspace else None)

    def action_outlines(self) -> None:
        """Show or hide what a strong answer covers under each round; shown, the first is scrolled to."""
        shown = not self.has_class("-outlines")
        self.set_class(shown, "-outlines")
        first = next(iter(self.query(".outline")), None)
        if shown and first is not None:
            self.call_after_refresh(first.scroll_visible, top=True, animate=False)

    def on_screen_resume(self) -> None:
        self.query_one("#debrief", VerticalScroll).focus()

    def action_export(self) -> None:
        self.export(self.transcript, self.variant)

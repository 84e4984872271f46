"""The debrief's pieces: a rounds x signals table of coloured levels, round notes and outlines, fix cards."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import DataTable, Static

from simulator.tui.names import name_of
from simulator.tui.rubric_text import clip
from simulator.tui.widgets.levels import level_style, level_text
from simulator.tui.widgets.tables import Cell, fill_table

if TYPE_CHECKING:
    from simulator.domain import Fix, RoundRecord, Transcript


class GradesTable(DataTable[Cell]):
    """One row per signal, one column per graded round, and the rounds' overall scores last. A column
    is headed by the round's number only and the overall row holds scores only, so five rounds fit 80
    columns (the round notes under the table name each round and its overall label); the signal
    names stay in view (a frozen first column) on a narrower screen."""

    def on_mount(self) -> None:
        self.fixed_columns = 1

    def show(self, transcript: Transcript, names: dict[str, str]) -> None:
        graded = [(r, r.grade) for r in transcript.rounds if r.grade is not None]
        signals = list(dict.fromkeys(s for _, grade in graded for s in grade.signals))
        rows: list[tuple[str, list[Cell]]] = [
            (
                signal,
                [
                    Text(name_of(names, signal)),
                    *(
                        level_text(grade.signals[signal].score if signal in grade.signals else None)
                        for _, grade in graded
                    ),
                ],
            )
            for signal in signals
        ]
        overall = [Text(str(g.overall.score), style=level_style(g.overall.score)) for _, g in graded]
        rows.append(("overall", [Text("Round overall", style="bold"), *overall]))
        fill_table(self, ["Signal", *(f"Round {record.index + 1}" for record, _ in graded)], rows)


def round_notes(transcript: Transcript) -> list[str]:
    """Per round: its overall score and label, the grader actually used (with the fallback's reason) and
    the flags, skipped included."""
    notes = []
    for record in transcript.rounds:
        grade = record.grade
        if grade is None:
            notes.append(f"{record.index + 1}. {record.title}: not graded")
            continue
        flags = list(grade.flags)
        if any(turn.skipped for turn in record.turns) and "skipped" not in flags:
            flags.append("skipped")
        grader = grade.grader
        if grade.fallback_reason:
            grader += f" (fallback: {grade.fallback_reason})"
        shown = f" · flags: {', '.join(flags)}" if flags else " · no flags"
        overall = f"overall {grade.overall.score} {grade.overall.label}"
        notes.append(f"{record.index + 1}. {record.title}: {overall} · graded by {grader}{shown}")
    return notes


def outline_text(record: RoundRecord, outlines: Mapping[str, Sequence[str]]) -> Text | None:
    """What a strong answer to each of the round's questions covers, once it is graded; None without one."""
    asked = [turn.question_id for turn in record.turns if turn.kind == "question"]
    covered = [(number, outlines[qid]) for number, qid in enumerate(asked, start=1) if qid and outlines.get(qid)]
    if record.grade is None or not covered:
        return None
    text = Text("What a strong answer covers", style="bold")
    for number, points in covered:
        if len(asked) > 1:
            text.append(f"\nQuestion {number}", style="dim")
        for point in points:
            text.append(f"\n• {point}")
    return text


QUOTE_CHARS = 400
"""A quote longer than this is shown cut at a word: an answer with no sentence end (a paste of
20,000 words) would otherwise be quoted whole, pages of it between the fixes."""


def fix_text(number: int, fix: Fix) -> Text:
    text = Text()
    text.append(f"{number}. {fix.name}", style="bold")
    text.append(f"  ({fix.signal})\n", style="dim")
    text.append(fix.why)
    for quote in dict.fromkeys(fix.quotes):
        text.append("\nYou said: ", style="dim")
        text.append(f"“{quote if len(quote) <= QUOTE_CHARS else clip(quote, QUOTE_CHARS)}”", style="italic")
    if fix.next_level:
        text.append("\nNext level needs: ", style="bold")
        text.append(fix.next_level)
    return text


class FixCard(Static):
    """A weak signal: why, the candidate's own words, and what the next level needs."""

    def __init__(self, number: int, fix: Fix) -> None:
        super().__init__(fix_text(number, fix), classes="fix")

"""Two small charts on the 1-4 scale: bars of per-signal means, and each signal's trend across sessions."""

from rich.text import Text
from textual.widgets import Static

from simulator.tui.names import name_of
from simulator.tui.widgets.levels import bar, spark

NAME_WIDTH = 28
BAR_WIDTH = 24


def _padded(text: Text, width: int) -> Text:
    text.align("left", width)
    return text


def _lines(lines: list[Text]) -> Text:
    """One chart line per row: a narrow pane cuts a line short instead of wrapping it."""
    text = Text("\n").join(lines)
    text.no_wrap, text.overflow = True, "ellipsis"
    return text


class SignalBars(Static):
    """One bar per signal: its mean over the rounds that graded it."""

    def show(self, rows: list[tuple[str, float]]) -> None:
        if not rows:
            self.update(Text("No graded signal.", style="dim"))
            return
        lines = []
        for name, mean in rows:
            line = Text(f"{name[:NAME_WIDTH]:<{NAME_WIDTH}} ")
            line.append_text(_padded(bar(mean, BAR_WIDTH), BAR_WIDTH))
            line.append(f" {mean:.2f}")
            lines.append(line)
        self.update(_lines(lines))


class SignalTrend(Static):
    """Each signal's debrief mean over the latest finished sessions, oldest first, then the latest
    mean, its change since the first, and the signal's name (last, so a narrow pane only cuts names)."""

    def show(self, trend: dict[str, list[float]], names: dict[str, str]) -> None:
        if not trend:
            self.update(Text("Finish a loop or a drill to see your signals move here.", style="dim"))
            return
        width = max(len(values) for values in trend.values())
        lines = []
        for signal, values in trend.items():
            line = _padded(spark(values), width)
            line.append(f"  {values[-1]:.2f} ")
            line.append(f"{values[-1] - values[0]:+.2f}" if len(values) > 1 else "     ", style="dim")
            line.append(f"  {name_of(names, signal)}")
            lines.append(line)
        self.update(_lines(lines))

"""The round's countdown: `29:41 left`, then `+1:05 over` in the warning colour."""

import math

from textual.widgets import Static


def clock_text(left: float) -> str:
    if left >= 0:
        minutes, seconds = divmod(math.ceil(left), 60)
        return f"{minutes}:{seconds:02d} left"
    minutes, seconds = divmod(math.floor(-left), 60)
    return f"+{minutes}:{seconds:02d} over"


class Countdown(Static):
    def show(self, left: float | None, paused: bool = False) -> None:
        """`left` is seconds (negative once over time); None hides the clock."""
        if left is None:
            self.update("")
            return
        self.set_class(left < 0, "-overtime")
        self.set_class(paused, "-paused")
        self.update(f"paused · {clock_text(left)}" if paused else clock_text(left))

"""Levels 1-4 as colours and glyphs, shared by the tables and charts."""

from rich.text import Text

LEVEL_STYLES = {1: "bold #e5534b", 2: "bold #d8a03a", 3: "bold #46a758", 4: "bold #3ddc84"}
"""1 red, 2 orange, 3 green, 4 bright green; readable on the dark and the light theme."""
BLOCKS = "▁▂▃▄▅▆▇█"
LOW, HIGH = 1, 4


def level_style(score: float) -> str:
    return LEVEL_STYLES[min(HIGH, max(LOW, round(score)))]


def level_text(score: int | None) -> Text:
    """A score as a coloured number; a signal not graded in that round as a dim dot."""
    if score is None:
        return Text("·", style="dim")
    return Text(str(score), style=level_style(score))


def spark(values: list[float]) -> Text:
    """One block per value on the absolute 1-4 scale (not rescaled to the data, unlike Sparkline)."""
    text = Text()
    for value in values:
        step = round((min(HIGH, max(LOW, value)) - LOW) / (HIGH - LOW) * (len(BLOCKS) - 1))
        text.append(BLOCKS[step], style=level_style(value))
    return text


def bar(value: float, width: int) -> Text:
    """A horizontal bar of `width` cells for 4, in eighths of a cell."""
    eighths = round(max(0.0, min(HIGH, value)) / HIGH * width * 8)
    full, part = divmod(eighths, 8)
    return Text("█" * full + (" ▏▎▍▌▋▊▉"[part] if part else ""), style=level_style(value))

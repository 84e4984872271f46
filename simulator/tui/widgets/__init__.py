"""Widgets of the mockloop app: each renders what it is given and calls no engine.

Loaded on first use, so Home does not pay for the interview's editor or the debrief's tables.
"""

from typing import TYPE_CHECKING

from simulator.tui.lazy import lazy_exports

if TYPE_CHECKING:  # what __getattr__ loads, for type checkers
    from simulator.tui.widgets.answer import AnswerBox
    from simulator.tui.widgets.charts import SignalBars, SignalTrend
    from simulator.tui.widgets.countdown import Countdown
    from simulator.tui.widgets.grades import FixCard, GradesTable
    from simulator.tui.widgets.tables import OpenTable, StartTable, fill_table

__all__ = [
    "AnswerBox",
    "Countdown",
    "FixCard",
    "GradesTable",
    "OpenTable",
    "SignalBars",
    "SignalTrend",
    "StartTable",
    "fill_table",
]

_MODULES = {
    "AnswerBox": "answer",
    "Countdown": "countdown",
    "FixCard": "grades",
    "GradesTable": "grades",
    "OpenTable": "tables",
    "SignalBars": "charts",
    "SignalTrend": "charts",
    "StartTable": "tables",
    "fill_table": "tables",
}


__getattr__ = lazy_exports(__name__, _MODULES)

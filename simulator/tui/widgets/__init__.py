"""Widgets of the mockloop app: each renders what it is given and calls no engine.

Loaded on first use, so Home does not pay for the interview's editor or the debrief's tables.
"""

from simulator.tui.lazy import lazy_exports

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

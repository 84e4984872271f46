"""Widgets of the mockloop app: each renders what it is given and calls no engine.

Loaded on first use, so Home does not pay for the interview's editor or the debrief's tables.
"""

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


def __getattr__(name: str) -> object:
    if name not in _MODULES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(f"{__name__}.{_MODULES[name]}"), name)

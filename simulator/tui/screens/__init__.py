"""The app's screens. Each is imported when first shown, so start-up pays only for Home."""

__all__ = [
    "BrowserScreen",
    "DebriefScreen",
    "GradingScreen",
    "HomeScreen",
    "InterviewScreen",
    "QuitDialog",
    "RegradeDialog",
    "RubricsScreen",
    "TranscriptScreen",
]

_MODULES = {
    "BrowserScreen": "browser",
    "DebriefScreen": "debrief",
    "GradingScreen": "grading",
    "HomeScreen": "home",
    "InterviewScreen": "interview",
    "QuitDialog": "dialogs",
    "RegradeDialog": "dialogs",
    "RubricsScreen": "rubrics",
    "TranscriptScreen": "transcript",
}


def __getattr__(name: str) -> object:
    if name not in _MODULES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(f"{__name__}.{_MODULES[name]}"), name)

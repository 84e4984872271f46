"""The app's screens. Each is imported when first shown, so start-up pays only for Home."""

from simulator.tui.lazy import lazy_exports

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


__getattr__ = lazy_exports(__name__, _MODULES)

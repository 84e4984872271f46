"""The app's screens. Each is imported when first shown, so start-up pays only for Home."""

from typing import TYPE_CHECKING

from simulator.tui.lazy import lazy_exports

if TYPE_CHECKING:  # what __getattr__ loads, for type checkers
    from simulator.tui.screens.browser import BrowserScreen
    from simulator.tui.screens.debrief import DebriefScreen
    from simulator.tui.screens.dialogs import QuitDialog, RegradeDialog
    from simulator.tui.screens.grading import GradingScreen
    from simulator.tui.screens.home import HomeScreen
    from simulator.tui.screens.interview import InterviewScreen
    from simulator.tui.screens.rubrics import RubricsScreen
    from simulator.tui.screens.transcript import TranscriptScreen

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

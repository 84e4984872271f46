"""Placeholder app until the interview screens land."""

from typing import ClassVar

from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Static


class MockloopApp(App[None]):
    TITLE = "mockloop"
    BINDINGS: ClassVar = [("q", "quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("mockloop: the interview screens are coming. Press q to quit.")
        yield Footer()


def make_app() -> MockloopApp:
    return MockloopApp()


def run_app(env: object, open_session: object = None) -> int:
    make_app().run()
    return 0

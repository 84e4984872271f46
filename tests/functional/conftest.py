"""Fixtures of the functional tests: what the app shows must not depend on when it was looked at."""

from collections.abc import Iterator

import pytest
from textual.widgets import Input, TextArea

from simulator.domain import Rubric
from tests.llm_grader_support import mini_rubric


@pytest.fixture(autouse=True)
def _no_blinking_cursors(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Cursors stay shown: a snapshot or a screen read is the same whenever it is taken."""
    monkeypatch.setattr(TextArea, "_toggle_cursor_blink_visible", lambda self: None)
    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)
    yield


@pytest.fixture
def rubric() -> Rubric:
    """The LLM tests' mini PM rubric; a module that grades on another rubric defines its own `rubric`."""
    return mini_rubric()

"""Fixtures of the functional tests: what the app shows must not depend on when it was looked at."""

from collections.abc import Iterator

import pytest
from textual.widgets import Input, TextArea


@pytest.fixture(autouse=True)
def _no_blinking_cursors(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Cursors stay shown: a snapshot or a screen read is the same whenever it is taken."""
    monkeypatch.setattr(TextArea, "_toggle_cursor_blink_visible", lambda self: None)
    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)
    yield

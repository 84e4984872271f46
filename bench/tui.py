"""First paint: how long until mockloop's Home is on screen, over the same for a bare Textual app.

Each sample is a fresh `python -c HARNESS` process, so interpreter start and imports count. The
harness prints the wall clock when the app first displays a rendered frame of a composed screen
(headless, 100x32); the parent subtracts the moment it started the process. mockloop's Home paints
before its content library is loaded (a worker fills the tables): `tui_home_loaded_s` is the time
until the loops are listed, and `tui_home_usable_s` until an Enter on the loops list starts a loop
(`tui_home_usable_ratio` is that over the bare app's first paint, paired per run).
"""

import os
import statistics
import subprocess
import sys
import tempfile
import time

from bench.registry import benchmark

RUNS = 7

_HOOK = """
import time
from textual.app import App

_display = App._display

def _timed_display(self, screen, renderable):
    _display(self, screen, renderable)
    if screen.children and not getattr(self, "_painted", False):
        self._painted = True
        print(time.time(), flush=True)
        self.set_interval(0.01, lambda: {tick})

App._display = _timed_display
"""

_UNTIL = "{condition} and (print(time.time(), flush=True), self.exit())"

BARE = (
    _HOOK.format(tick=_UNTIL.format(condition="True"))
    + """
from textual.widgets import Footer, Static

class Bare(App):
    def compose(self):
        yield Static("hello")
        yield Footer()

Bare().run(headless=True, size=(100, 32))
"""
)

_MAKE_APP = """
import simulator.cli

simulator.cli.build_parser()  # what `mockloop` does before it opens the app
from simulator.tui.app import make_app

make_app().run(headless=True, size=(100, 32))
"""

MOCKLOOP = (
    _HOOK.format(
        tick=_UNTIL.format(condition='self.workspace is not None and self.screen.query_one("#loops").row_count')
    )
    + _MAKE_APP
)

# Usable: from first paint on, Enter is pressed every 10 ms as an impatient user would, through the
# driver as a terminal's key comes (to whatever has focus); printed is the moment the loops list first
# turns one into a loop start with the library loaded (the loop itself is not started).
USABLE = (
    _HOOK.format(tick="self._driver.send_message(_enter(self))")
    + """
from textual import events
from simulator.tui.app import MockloopApp

def _enter(app):
    key = events.Key("enter", "\\r")  # as the terminal driver delivers it
    key.set_sender(app)
    return key

_start_loop = MockloopApp.start_loop

def _accepted(self, loop_id, level=None):
    if self.workspace is None:
        return _start_loop(self, loop_id, level)  # what a user sees: "still loading"
    print(time.time(), flush=True)
    self.exit()

MockloopApp.start_loop = _accepted
"""
    + _MAKE_APP
)


def _sample(code: str, env: dict[str, str]) -> list[float]:
    """Seconds from process start to each moment the harness printed: first paint, then loaded."""
    start = time.time()
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env, timeout=60)
    return [float(line) - start for line in done.stdout.split()]


@benchmark("tui_first_paint")
def tui_first_paint() -> dict[str, float]:
    with tempfile.TemporaryDirectory() as home:
        env = {
            **os.environ,
            "MOCKLOOP_TRANSCRIPTS": os.path.join(home, "transcripts"),
            "MOCKLOOP_CONFIG_DIR": os.path.join(home, "config"),
        }
        bare, painted, loaded, usable = [], [], [], []
        for _ in range(RUNS):  # interleaved, so all see the same machine load
            bare.append(_sample(BARE, env)[0])
            first, listed = _sample(MOCKLOOP, env)
            painted.append(first)
            loaded.append(listed)
            usable.append(_sample(USABLE, env)[1])
    return {
        "tui_bare_first_paint_s": statistics.median(bare),
        "tui_home_first_paint_s": statistics.median(painted),
        # the median of paired ratios: each pair ran back to back, so a load spike hits both
        "tui_first_paint_ratio": statistics.median(h / b for h, b in zip(painted, bare, strict=True)),
        "tui_home_loaded_s": statistics.median(loaded),
        "tui_home_usable_s": statistics.median(usable),
        "tui_home_usable_ratio": statistics.median(u / b for u, b in zip(usable, bare, strict=True)),
    }

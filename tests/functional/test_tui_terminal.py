"""The real `mockloop run` in a real terminal (tmux): type an answer, submit, see the next prompt, quit."""

import json
import os
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.functional.tui_support import DRILL, journal_answers
from tests.support import REPO

pytestmark = pytest.mark.skipif(
    shutil.which("tmux") is None, reason="tmux is not installed: the real-terminal test drives the app through it"
)

ANSWER = "I decided to cut the custom reports and kept alerts for our sellers."


class Terminal:
    """A tmux window (100x32 unless told) on a private tmux server (never the user's own sessions)."""

    def __init__(self, command: str, size: tuple[int, int] = (100, 32)) -> None:
        self.tmux = ["tmux", "-L", f"mockloop-test-{os.getpid()}"]
        width, height = map(str, size)
        subprocess.run(
            [*self.tmux, "-f", "/dev/null", "new-session", "-d", "-x", width, "-y", height, "-s", "app", command],
            check=True,
        )

    def paste(self, text: str) -> None:
        """Paste `text` as a terminal paste (bracketed), the way a user pastes a long answer."""
        subprocess.run([*self.tmux, "load-buffer", "-"], input=text, text=True, check=True)
        subprocess.run([*self.tmux, "paste-buffer", "-p", "-t", "app"], check=True)

    def keys(self, *keys: str, literal: bool = False) -> None:
        subprocess.run([*self.tmux, "send-keys", "-t", "app", *(["-l"] if literal else []), *keys], check=True)

    def screen(self) -> str:
        return subprocess.run(
            [*self.tmux, "capture-pane", "-p", "-t", "app"], check=True, capture_output=True, text=True
        ).stdout

    def wait_for(self, seen: Callable[[str], bool], what: str, timeout: float = 20) -> str:
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen()
            if seen(screen):
                return screen
            if time.monotonic() > deadline:
                raise AssertionError(f"never saw {what}; the terminal shows:\n{screen}")
            time.sleep(0.1)

    def close(self) -> None:
        subprocess.run([*self.tmux, "kill-server"], capture_output=True)


def _command(transcripts: Path, args: str) -> str:
    env = (
        f"MOCKLOOP_TRANSCRIPTS={shlex.quote(str(transcripts))} "
        f"MOCKLOOP_CONFIG_DIR={shlex.quote(os.environ['MOCKLOOP_CONFIG_DIR'])}"
    )
    return (
        f"cd {shlex.quote(str(REPO))} && env -u OPENAI_API_KEY -u OPENAI_BASE_URL -u COLUMNS -u LINES {env} "
        f"{shlex.quote(sys.executable)} -m simulator {args}; echo MOCKLOOP-EXITED $?; sleep 60"
    )


def test_a_whole_drill_at_80x24_with_a_huge_answer_and_a_follow_up_skipped_at_once(tmp_path: Path) -> None:
    transcripts = tmp_path / "transcripts"
    huge = ("I decided to cut the custom reports and kept alerts; churn fell from 9% to 7% in a quarter. " * 250)[
        :20_000
    ]
    terminal = Terminal(_command(transcripts, f"run {DRILL} --seed 3"), size=(80, 24))
    try:
        terminal.wait_for(lambda s: "question 1 of 1" in s and "Submit" in s, "the first question")
        terminal.paste(huge)
        terminal.wait_for(lambda s: f"{len(huge.split())} words" in s, "the pasted answer's word count")
        terminal.keys("C-s")
        terminal.wait_for(lambda s: "follow-up 1" in s or "Debrief" in s or "HIRE" in s, "the next prompt", timeout=60)
        while "· follow-up " in terminal.screen():  # the interview header, not the debrief's follow-up-unanswered
            before = terminal.screen()
            terminal.keys("C-k")  # skip the follow-up the moment it shows
            terminal.wait_for(lambda s, b=before: s != b, "the skip to take effect", timeout=60)
            time.sleep(0.5)
        debrief = terminal.wait_for(lambda s: "HIRE" in s, "the debrief", timeout=60)
        assert "Traceback" not in debrief and "Error" not in debrief
        terminal.keys("C-q")
        terminal.wait_for(lambda s: "MOCKLOOP-EXITED 0" in s, "mockloop to exit")
    finally:
        terminal.close()
    [journal] = transcripts.glob("*.jsonl")
    assert journal_answers(transcripts, journal.stem)[0] == huge
    events = [json.loads(line) for line in journal.read_text().splitlines()]
    assert any(e["type"] == "followup" for e in events), "the drill asked no follow-up to skip"
    assert any(e["type"] == "answer" and e["skipped"] for e in events)
    assert (transcripts / f"{journal.stem}.json").exists()


def test_mockloop_runs_in_a_real_terminal(tmp_path: Path) -> None:
    transcripts = tmp_path / "transcripts"
    env = (
        f"MOCKLOOP_TRANSCRIPTS={shlex.quote(str(transcripts))} "
        f"MOCKLOOP_CONFIG_DIR={shlex.quote(os.environ['MOCKLOOP_CONFIG_DIR'])}"
    )
    command = (
        f"cd {shlex.quote(str(REPO))} && env -u OPENAI_API_KEY -u OPENAI_BASE_URL -u COLUMNS -u LINES {env} "
        f"{shlex.quote(sys.executable)} -m simulator run {DRILL} --seed 3; echo MOCKLOOP-EXITED $?; sleep 60"
    )
    terminal = Terminal(command)
    try:
        first = terminal.wait_for(
            lambda s: "Round 1 of 1 · question 1 of 1" in s and "Submit" in s, "the first question and the footer"
        )
        assert "follow-up" not in first
        terminal.keys(ANSWER, literal=True)
        terminal.wait_for(lambda s: "13 words" in s, "the word count of the typed answer")
        terminal.keys("C-s")
        moved_on = terminal.wait_for(lambda s: "Follow-up 1:" in s or "Grading" in s, "the next prompt")
        assert "Follow-up 1:" in moved_on and "follow-up 1" in moved_on
        terminal.keys("C-q")
        terminal.wait_for(lambda s: "Leave this loop?" in s, "the quit dialog")
        terminal.keys("q")
        terminal.wait_for(lambda s: "MOCKLOOP-EXITED 0" in s, "mockloop to exit")
    finally:
        terminal.close()
    [journal] = transcripts.glob("*.jsonl")
    assert journal_answers(transcripts, journal.stem) == [ANSWER]

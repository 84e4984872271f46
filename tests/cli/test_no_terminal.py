"""Without a terminal, `mockloop`, `run` and `resume` never start the app: plain mode or one line.

The cases a user hits: stdin from a file in a real terminal (a pty for stdout), and both ends piped."""

import contextlib
import json
import os
import pty
import select
import shlex
import subprocess
import sys
import time
from pathlib import Path

from tests.support import REPO, run_cli

ANSWER = (
    "At Cainiao I owned the returns flow. I decided to refund on courier scan because buyers "
    "waited 9 days. Refund time went from 9 days to 2 days over eight weeks, per the dashboard."
)


def answers(n: int) -> str:
    return "".join(f"{ANSWER}\n.\n" for _ in range(n))


def on_a_pty(args: list[str], stdin: Path, seconds: float = 20) -> tuple[int | None, str, float]:
    """`python -m simulator ARGS < stdin` with stdout and stderr on a real terminal: (exit code or None if it
    was still running after `seconds` and had to be killed, what it printed, seconds it took)."""
    started = time.monotonic()
    pid, fd = pty.fork()
    if pid == 0:  # the child: stdin from the file, stdout and stderr on the pty
        os.chdir(REPO)
        os.dup2(os.open(stdin, os.O_RDONLY), 0)
        os.execv(sys.executable, [sys.executable, "-m", "simulator", *args])
    seen, end = b"", started + seconds
    code = None
    while time.monotonic() < end:
        if select.select([fd], [], [], 0.1)[0]:
            with contextlib.suppress(OSError):
                seen += os.read(fd, 65536)
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            code = os.waitstatus_to_exitcode(status)
            break
    if code is None:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
    os.close(fd)
    return code, seen.decode(errors="replace").replace("\r\n", "\n"), time.monotonic() - started


def test_home_without_a_terminal_is_one_line_and_exit_2(tmp_path: Path) -> None:
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "simulator"],
        cwd=REPO,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=10,
    )
    assert time.monotonic() - started < 5
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "mockloop: the app needs a terminal and stdin or stdout is not one; "
        "to answer from a pipe or a file use `mockloop run LOOP --plain`"
    ]


def test_home_with_stdin_from_a_file_in_a_terminal_exits_at_once(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    code, printed, seconds = on_a_pty([], empty)
    assert code == 2, printed
    assert seconds < 5
    assert "the app needs a terminal" in printed and "Traceback" not in printed


def test_run_and_resume_from_a_file_in_a_terminal_are_plain_runs(tmp_path: Path) -> None:
    transcripts = tmp_path / "transcripts"
    one = tmp_path / "one-answer.txt"
    one.write_text(f"{ANSWER}\n.\n")
    code, printed, _ = on_a_pty(["run", "alibaba-tpm", "--seed", "3", "--transcripts-dir", str(transcripts)], one)
    assert code == 0, printed
    assert "is not one: plain mode (--plain)" in printed
    assert "End of input: stopped." in printed
    [journal] = transcripts.glob("*.jsonl")

    many = tmp_path / "answers.txt"
    many.write_text(answers(20))
    code, printed, seconds = on_a_pty(["resume", journal.stem, "--transcripts-dir", str(transcripts)], many)
    assert code == 0, printed
    assert seconds < 20
    assert "== Debrief:" in printed
    assert (transcripts / f"{journal.stem}.json").exists()


def test_run_with_both_ends_piped_is_a_finished_plain_run(tmp_path: Path) -> None:
    result = run_cli("run", "drill-bar-raiser", "--seed", "2", "--transcripts-dir", str(tmp_path), stdin=answers(6))
    assert result.returncode == 0, result.stderr
    assert "== Debrief:" in result.stdout
    assert result.stderr.startswith("mockloop: the app needs a terminal and stdin or stdout is not one: plain mode")


def test_the_end_of_input_hint_is_a_command_that_works(tmp_path: Path) -> None:
    """The hint names the session, --plain and the transcripts dir the run was given; typed as shown, it
    resumes, and a resume at a pending follow-up prints the question the follow-up belongs to first."""
    transcripts = tmp_path / "my sessions"
    first = run_cli(
        "run",
        "drill-bar-raiser",
        "--plain",
        "--seed",
        "2",
        "--transcripts-dir",
        str(transcripts),
        stdin="I helped.\n.\n",
    )
    assert first.returncode == 0, first.stderr
    assert "-- Follow-up 1 --" in first.stdout  # stopped at a pending follow-up
    [hint] = [line for line in first.stdout.splitlines() if line.startswith("Resume with: ")]
    command = hint.removeprefix("Resume with: ")
    [journal] = transcripts.glob("*.jsonl")
    assert command == f"mockloop resume {journal.stem} --plain --transcripts-dir {shlex.quote(str(transcripts))}"

    argv = shlex.split(command)
    assert argv[0] == "mockloop"
    resumed = run_cli(*argv[1:], stdin=answers(6))
    assert resumed.returncode == 0, resumed.stderr
    question = next(e["text"] for e in map(json.loads, journal.read_text().splitlines()) if e["type"] == "question")
    out = resumed.stdout
    assert "== Round 1 of 1:" in out and question in out
    assert out.index(question) < out.index("-- Follow-up 1 --")
    assert "== Debrief:" in out

"""`mockloop run --plain` and `mockloop resume --plain` as real processes on stdin/stdout."""

import json
import os
import signal
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


def sessions(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.jsonl"))


def finals(directory: Path) -> list[Path]:
    return sorted(p for p in directory.glob("*.json") if not p.name.startswith("."))


def test_full_drill_prints_grades_and_debrief(tmp_path: Path) -> None:
    result = run_cli(
        "run", "drill-bar-raiser", "--plain", "--seed", "2", "--transcripts-dir", str(tmp_path), stdin=answers(6)
    )
    assert result.returncode == 0, result.stderr
    assert "== Grades ==" in result.stdout and "== Debrief:" in result.stdout
    assert "Traceback" not in result.stderr
    [final] = finals(tmp_path)
    data = json.loads(final.read_text())
    assert data["debrief"]["decision"] in ("hire", "no-hire")
    assert ANSWER in [t["answer"] for t in data["rounds"][0]["turns"]]


def test_skip_then_end_of_input_saves_and_resume_continues(tmp_path: Path) -> None:
    first = run_cli(
        "run",
        "alibaba-tpm",
        "--plain",
        "--seed",
        "3",
        "--transcripts-dir",
        str(tmp_path),
        stdin="/skip\n" + ANSWER + "\n.\npartial answer typed before the input ended",
    )
    assert first.returncode == 0, first.stderr
    assert "Resume with: mockloop resume" in first.stdout
    [journal] = sessions(tmp_path)
    events = [json.loads(line) for line in journal.read_text().splitlines()]
    texts = [e["text"] for e in events if e["type"] == "answer"]
    assert texts[0] == "" and ANSWER in texts and "partial answer typed before the input ended" in texts
    assert not finals(tmp_path)

    listed = json.loads(run_cli("transcripts", "list", "--json", "--transcripts-dir", str(tmp_path)).stdout)
    assert listed[0]["finished"] is False

    second = run_cli("resume", "--plain", "--transcripts-dir", str(tmp_path), stdin=answers(20))
    assert second.returncode == 0, second.stderr
    assert "== Debrief:" in second.stdout
    assert len(finals(tmp_path)) == 1


def test_killed_mid_loop_loses_nothing_and_resumes(tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "simulator",
            "run",
            "alibaba-tpm",
            "--plain",
            "--seed",
            "4",
            "--transcripts-dir",
            str(tmp_path),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
        env=os.environ.copy(),
    )
    assert proc.stdin is not None
    proc.stdin.write(f"{ANSWER} one\n.\n{ANSWER} two\n.\n")
    proc.stdin.flush()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        journals = sessions(tmp_path)
        if journals and journals[0].read_text().count('"type":"answer"') >= 2:
            break
        time.sleep(0.1)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    [journal] = sessions(tmp_path)
    texts = [json.loads(line).get("text") for line in journal.read_text().splitlines()]
    assert f"{ANSWER} one" in texts and f"{ANSWER} two" in texts

    resumed = run_cli("resume", "--plain", "--transcripts-dir", str(tmp_path), stdin=answers(20))
    assert resumed.returncode == 0, resumed.stderr
    assert "== Debrief:" in resumed.stdout


def test_unknown_loop_is_one_line(tmp_path: Path) -> None:
    result = run_cli("run", "no-such-loop", "--plain", "--transcripts-dir", str(tmp_path), stdin="")
    assert result.returncode == 1
    assert result.stderr.startswith("mockloop: unknown loop 'no-such-loop'")
    assert "Traceback" not in result.stderr


def test_resume_with_nothing_to_resume(tmp_path: Path) -> None:
    result = run_cli("resume", "--plain", "--transcripts-dir", str(tmp_path), stdin="")
    assert result.returncode == 1 and "no unfinished session" in result.stderr


def test_ctrl_c_keeps_the_lines_typed_and_exits_at_once(tmp_path: Path) -> None:
    import pty
    import select

    pid, fd = pty.fork()
    if pid == 0:  # the child: mockloop on a real terminal
        os.chdir(REPO)
        os.execv(
            sys.executable,
            [
                sys.executable,
                "-m",
                "simulator",
                "run",
                "drill-bar-raiser",
                "--plain",
                "--transcripts-dir",
                str(tmp_path),
            ],
        )

    def read_until(marker: bytes, seconds: float = 20) -> bytes:
        seen, end = b"", time.monotonic() + seconds
        while marker not in seen and time.monotonic() < end:
            if select.select([fd], [], [], 0.1)[0]:
                try:
                    seen += os.read(fd, 4096)
                except OSError:
                    break
        return seen

    assert b"(end with '.')" in read_until(b"(end with '.')")
    os.write(fd, f"{ANSWER}\n".encode())
    time.sleep(0.5)
    os.write(fd, b"\x03")
    assert b"Interrupted: stopped" in read_until(b"interrupted")
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 130
    [journal] = sessions(tmp_path)
    texts = [json.loads(line).get("text") for line in journal.read_text().splitlines()]
    assert ANSWER in texts


def test_transcripts_dir_that_is_a_file_is_one_line(tmp_path: Path) -> None:
    afile = tmp_path / "afile"
    afile.write_text("not a directory")
    run = run_cli("run", "drill-prfaq", "--plain", "--transcripts-dir", str(afile), stdin="")
    assert run.returncode == 1 and run.stderr.startswith("mockloop: cannot save sessions in")
    listed = run_cli("transcripts", "list", "--transcripts-dir", str(afile))
    assert listed.returncode == 1 and "is not a directory" in listed.stderr
    for result in (run, listed):
        assert "Traceback" not in result.stderr

"""Crash suite: `kill -9` of a plain-mode loop at planned random moments, then resume.

Moments: mid-answer (lines typed, no `.` yet), right after an answer is acknowledged (the next prompt
is on screen), during grading, during the final write (as soon as `loop_finished` is journaled).
Figures (goal 0 each): answers acknowledged but lost; sessions that `resume` (or any read) cannot
finish; stray temp files left; files not 0600 and folders not 0700.
"""

import os
import random
import stat
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from simulator.store import load_session

REPO = Path(__file__).resolve().parents[2]
PROMPT = "> (end with '.')"
GRADING = "Grading the rounds..."
MOMENTS = ("mid-answer", "after-ack", "during-grading", "final-write")
LOOPS = ("amazon-pm", "alibaba-pm", "drill-bar-raiser", "drill-prfaq")
QUICK_LOOPS = ("drill-bar-raiser", "drill-prfaq")
"""The quick size kills single-round drills only: the same moments, a fraction of the time."""
ANSWERS = (
    "I helped with the project and it went fine.",
    "At Cainiao I owned the returns flow for Tmall Global buyers. I decided to refund on courier scan; "
    "refund time went from 9 days to 2 days over eight weeks, per the returns dashboard.",
    "We worked with engineering and marketing and the launch happened. Customers liked it.",
    "I interviewed 10 first-time cross-border buyers in Shanghai; I wrote a one-pager, Finance objected, "
    "we agreed on a pilot, and repeat purchase rose from 21% to 27% in one quarter.",
)
QUICK, FULL = 4, 50


class Process:
    """`python -m simulator ARGS` with its stdout read as it comes."""

    def __init__(self, args: list[str], env: dict[str, str], cwd: Path) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "simulator", *args],
            cwd=cwd,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            bufsize=1,
        )
        self.out = ""
        self.ended = False
        self._changed = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        while chunk := self.proc.stdout.read(1):
            with self._changed:
                self.out += chunk
                self._changed.notify_all()
        with self._changed:
            self.ended = True
            self._changed.notify_all()

    def wait_for(self, text: str, count: int = 1, seconds: float = 60) -> bool:
        """Whether `text` is on screen `count` times within `seconds` (False at once if the process ended)."""
        end = time.monotonic() + seconds
        with self._changed:
            while self.out.count(text) < count:
                left = end - time.monotonic()
                if left <= 0 or self.ended:
                    return False
                self._changed.wait(left)
            return True

    def send(self, text: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(text)
        self.proc.stdin.flush()

    def kill(self) -> None:
        self.proc.kill()  # SIGKILL: no handler, no cleanup
        self.proc.wait()


@dataclass
class Outcome:
    moment: str
    acknowledged: int = 0
    lost: list[str] = field(default_factory=list)
    unfinished: str | None = None
    between: bool = False
    """Killed after `loop_finished` was journaled and before `<id>.json` was written."""
    stray: list[str] = field(default_factory=list)
    not_private: list[str] = field(default_factory=list)


def _answer(rng: random.Random, run: int, n: int) -> str:
    return f"Answer {n} of run {run}. {rng.choice(ANSWERS)}"


def _await_loop_finished(journal: Path, seconds: float = 30) -> None:
    """Return the moment `loop_finished` is in the journal: a busy wait, to land before the final write."""
    end, size = time.monotonic() + seconds, -1
    with journal.open("rb") as handle:
        while time.monotonic() < end:
            now = os.fstat(handle.fileno()).st_size
            if now != size:
                size = now
                handle.seek(max(0, size - 200))
                if b'"loop_finished"' in handle.read():
                    return


def crash_once(run: int, root: Path, loops: tuple[str, ...]) -> Outcome:
    rng = random.Random(run)
    moment, loop = MOMENTS[run % len(MOMENTS)], rng.choice(loops)
    home = root / f"run{run}"
    transcripts, config = home / "transcripts", home / "config"
    home.mkdir(parents=True)
    env = {
        **os.environ,
        "MOCKLOOP_TRANSCRIPTS": str(transcripts),
        "MOCKLOOP_CONFIG_DIR": str(config),
        "PYTHONPATH": str(REPO),
    }
    env.pop("OPENAI_API_KEY", None)
    env.pop("OPENAI_BASE_URL", None)
    outcome = Outcome(moment)
    acked: list[str] = []
    p = Process(["run", loop, "--plain", "--seed", str(run), "--any-question"], env, home)
    target = rng.randint(1, 8)  # the prompt at which the kill is planned (or the last one, if fewer)
    prompts = 1
    assert p.wait_for(PROMPT), p.out + p.proc.stderr.read()  # type: ignore[union-attr]
    session_id = p.out.split("session ", 1)[1].split()[0]
    while True:
        text = _answer(rng, run, prompts)
        if moment == "mid-answer" and prompts >= target:
            p.send(text[: len(text) // 2] + "\n" + text[len(text) // 2 :])  # typed, not ended with '.'
            time.sleep(rng.uniform(0, 0.05))
            p.kill()
            break
        p.send(text + "\n.\n")
        # acknowledged when the next prompt, or the grading, is on screen
        end = time.monotonic() + 60
        while not (p.wait_for(PROMPT, prompts + 1, 0.05) or GRADING in p.out):
            assert not p.ended and time.monotonic() < end, p.out[-2000:]
        acked.append(text)
        if GRADING in p.out:
            if moment == "during-grading":
                time.sleep(rng.uniform(0, 0.3))
            elif moment == "final-write":
                _await_loop_finished(transcripts / f"{session_id}.jsonl")
            p.kill()
            break
        prompts += 1
        if moment == "after-ack" and prompts > target:
            p.kill()
            break
    outcome.acknowledged = len(acked)
    journal = transcripts / f"{session_id}.jsonl"
    outcome.between = b'"loop_finished"' in journal.read_bytes() and not (transcripts / f"{session_id}.json").exists()
    # what was acknowledged is on disk
    transcript, _ = load_session(transcripts, session_id)
    answers = {t.answer for r in transcript.rounds for t in r.turns if t.answer}
    outcome.lost = [a for a in acked if a not in answers]
    # resume finishes it (or, if the loop had finished, the read above wrote the final file)
    if not (transcripts / f"{session_id}.json").exists():
        more = "".join(f"{_answer(rng, run, 100 + i)}\n.\n" for i in range(60))
        done = subprocess.run(
            [sys.executable, "-m", "simulator", "resume", session_id, "--plain"],
            input=more,
            capture_output=True,
            text=True,
            env=env,
            cwd=home,
            timeout=120,
        )
        if done.returncode != 0 and "is finished" not in done.stderr:
            outcome.unfinished = f"{session_id}: resume exited {done.returncode}: {done.stderr.strip()[-300:]}"
    final = transcripts / f"{session_id}.json"
    if outcome.unfinished is None:
        try:
            finished = load_session(transcripts, session_id)[0].finished and final.exists()
        except Exception as exc:  # reported as a figure, not a crash of the suite
            finished, outcome.unfinished = False, f"{session_id}: {exc}"
        if not finished and outcome.unfinished is None:
            outcome.unfinished = f"{session_id}: no final file after resume"
    outcome.stray = [p.name for p in transcripts.glob(".*.tmp")]
    for path in [transcripts, *transcripts.rglob("*"), *([config, *config.rglob("*")] if config.exists() else [])]:
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode != (0o700 if path.is_dir() else 0o600):
            outcome.not_private.append(f"{path.relative_to(home)} {oct(mode)}")
    return outcome


def test_kill_9_at_planned_moments_loses_nothing_acknowledged(tmp_path: Path, reliability) -> None:
    full, record = reliability
    runs = FULL if full else QUICK
    outcomes: list[Outcome] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    pending = list(range(runs))

    def worker() -> None:
        while True:
            with lock:
                if not pending:
                    return
                run = pending.pop(0)
            try:
                result = crash_once(run, tmp_path, LOOPS if full else QUICK_LOOPS)
            except BaseException as exc:  # re-raised below, in the test's thread
                with lock:
                    errors.append(exc)
                return
            with lock:
                outcomes.append(result)

    started = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    figures = {
        "kills": len(outcomes),
        "by_moment": {m: sum(o.moment == m for o in outcomes) for m in MOMENTS},
        "answers_acknowledged": sum(o.acknowledged for o in outcomes),
        "acknowledged_but_lost": sum(len(o.lost) for o in outcomes),
        "killed_between_loop_finished_and_final_file": sum(o.between for o in outcomes),
        "sessions_resume_cannot_finish": sum(o.unfinished is not None for o in outcomes),
        "stray_temp_files": sum(len(o.stray) for o in outcomes),
        "not_private": sum(len(o.not_private) for o in outcomes),
        "seconds": round(time.monotonic() - started, 1),
    }
    record("crash", figures)
    details = [
        (o.moment, o.lost, o.unfinished, o.stray, o.not_private)
        for o in outcomes
        if o.lost or o.unfinished or o.stray or o.not_private
    ]
    assert not details, details

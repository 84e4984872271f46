"""Privacy suite: with a key set, no file or output holds the key, and all mockloop writes is private.

Real processes against a fake OpenAI-compatible server on 127.0.0.1 whose errors echo the key
("Incorrect API key provided: sk-..."), and against an endpoint that is down: a plain-mode loop with
the LLM interviewer and grader, `grade` (key from the environment, and from the config file),
`grade --batch` (its state file), `calibrate` (its report in the config dir), `export` and
`transcripts list`. Figures (goal 0 each): files holding the key, outputs holding the key, files not
0600 and folders not 0700 among everything mockloop wrote (transcripts, index, batch state,
calibration, config dir, exports).
"""

import os
import socket
import stat
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from fake_openai import FakeOpenAI, error  # tests/ is on the path (the rootdir's conftest)

REPO = Path(__file__).resolve().parents[2]
KEY = "sk-proj-PRIVACYsuite0123456789abcdefKEY"
CONFIG_KEY = "sk-config-file-KEY-9876543210zyxwv"
ANSWER = (
    "At Cainiao I owned the returns flow for Tmall Global buyers. I decided to refund on courier scan; "
    "refund time went from 9 days to 2 days over eight weeks, per the returns dashboard."
)
LABELS = (
    "{ownership: 3, delivery_metrics: 3, customer_obsession: 2, cross_functional_influence: 2, structure: 2, "
    "overall: 3}"
)
GOLDEN = f"""rubric: base
rounds:
  - id: g-1
    round: bar-raiser
    question: Tell me about a time you owned an outcome beyond your role.
    answer: {ANSWER}
    labels: {LABELS}
  - id: g-2
    round: bar-raiser
    question: Tell me about a time you disagreed with your manager.
    answer: I told my manager the launch date was wrong; we moved it two weeks and churn fell from 5% to 3%.
    labels: {LABELS}
"""
SHEET = f"""rounds:
  - round: bar-raiser
    question: Tell me about a time you owned an outcome beyond your role.
    answer: {ANSWER}
"""


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_no_key_in_any_file_or_output_and_every_written_path_private(tmp_path: Path, reliability) -> None:
    _, record = reliability
    home = tmp_path / "home"
    work, config, transcripts = home / "work", home / "config", home / "transcripts"
    keyed = home / "config-with-key"
    work.mkdir(parents=True)
    (work / "sheet.yaml").write_text(SHEET)
    golden = work / "golden.yaml"
    golden.write_text(GOLDEN)
    outputs: list[tuple[str, str]] = []
    timings: dict[str, float] = {}
    started = time.monotonic()

    def run(label: str, *args: str, env: dict[str, str], stdin: str | None = None) -> subprocess.CompletedProcess:
        begun = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-m", "simulator", *args],
            cwd=work,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=180,
            env={**base_env, **env, "PYTHONPATH": str(REPO)},
        )
        outputs.append((label, done.stdout + done.stderr))
        timings[label] = round(time.monotonic() - begun, 1)
        return done

    base_env = {k: v for k, v in os.environ.items() if k not in ("OPENAI_API_KEY", "OPENAI_BASE_URL")}
    base_env |= {"MOCKLOOP_CONFIG_DIR": str(config), "MOCKLOOP_TRANSCRIPTS": str(transcripts)}
    config.mkdir()
    (config / "config.yaml").write_text("llm:\n  max_attempts: 1\n")  # the endpoint that is down fails at once
    (keyed / "config.yaml").parent.mkdir()
    with FakeOpenAI() as server:
        # a server that echoes whatever key it was sent, as some do in a 401
        server.default["/chat/completions"] = lambda request: error(
            401,
            f"Incorrect API key provided: {request.headers.get('authorization', '').removeprefix('Bearer ')}."
            " You can find your API key at https://example.invalid/keys.",
        )
        echo = {"OPENAI_API_KEY": KEY, "OPENAI_BASE_URL": server.base_url}
        (keyed / "config.yaml").write_text(f"llm:\n  api_key: {CONFIG_KEY}\n  base_url: {server.base_url}\n")

        def loop_then_export() -> None:
            answers = "".join(f"{ANSWER} ({i})\n.\n" for i in range(12))
            loop = run(
                "loop",
                "run",
                "drill-bar-raiser",
                "--plain",
                "--grader",
                "llm",
                "--interviewer",
                "llm",
                env=echo,
                stdin=answers,
            )
            assert loop.returncode == 0, loop.stderr
            session = next(transcripts.glob("*.json")).stem
            run("export", "export", session, "--format", "markdown", "--output", "report.md", env=echo)
            run("transcripts list", "transcripts", "list", env=echo)

        def grades() -> None:
            run("grade", "grade", "sheet.yaml", "--grader", "llm", env=echo)
            down = {"OPENAI_API_KEY": KEY, "OPENAI_BASE_URL": f"http://127.0.0.1:{_closed_port()}/v1"}
            run("grade, endpoint down", "grade", "sheet.yaml", "--grader", "llm", env=down)
            # the key in the config file, not the environment
            run(
                "grade, key in config file",
                "grade",
                "sheet.yaml",
                "--grader",
                "llm",
                env={"MOCKLOOP_CONFIG_DIR": str(keyed)},
            )

        def batch_then_calibrate() -> None:
            # a batch in progress: its state file is there until the batch completes
            server.hold_batches = True
            batch = ["grade", "sheet.yaml", "--grader", "llm", "--batch", "--poll-seconds", "0.2"]
            waiting = subprocess.Popen(
                [sys.executable, "-m", "simulator", *batch],
                cwd=work,
                text=True,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env={**base_env, **echo, "PYTHONPATH": str(REPO)},
            )
            end = time.monotonic() + 60
            while not (found := list((transcripts / "batches").glob("*.json"))) and time.monotonic() < end:
                time.sleep(0.05)
            assert found, "no batch state file"
            states.extend(found)
            held.extend((p, stat.S_IMODE(p.stat().st_mode), p.is_dir()) for p in [transcripts / "batches", *found])
            waiting.terminate()
            outputs.append(("grade --batch, interrupted", "".join(waiting.communicate(timeout=30))))
            server.hold_batches = False
            run("grade --batch, resumed", *batch, env=echo)
            # a refused key stops the LLM calibration (exit 2, nothing saved); the offline one is saved
            run(
                "calibrate",
                "calibrate",
                "--rubric",
                "base",
                "--golden",
                str(golden),
                "--grader",
                "llm",
                "--format",
                "json",
                env=echo,
            )
            run(
                "calibrate, offline",
                "calibrate",
                "--rubric",
                "base",
                "--golden",
                str(golden),
                "--format",
                "json",
                env=echo,
            )

        states: list[Path] = []
        held: list[tuple[Path, int, bool]] = []
        with ThreadPoolExecutor(3) as pool:
            for job in [pool.submit(step) for step in (loop_then_export, grades, batch_then_calibrate)]:
                job.result()

    # written by the test, not by mockloop
    given = {work / "sheet.yaml", golden, config / "config.yaml", keyed / "config.yaml"}
    files = [p for p in home.rglob("*") if p.is_file() and p not in given]
    holding = [
        str(p.relative_to(home))
        for p in files
        if KEY.encode() in p.read_bytes() or CONFIG_KEY.encode() in p.read_bytes()
    ]
    said = [label for label, text in outputs if KEY in text or CONFIG_KEY in text]
    written = [
        transcripts,
        config,
        *(p for p in [*transcripts.rglob("*"), *config.rglob("*"), *keyed.rglob("*")] if p not in given),
        work / "report.md",
    ]
    modes = [(p, stat.S_IMODE(p.stat().st_mode), p.is_dir()) for p in written] + held
    not_private = [
        f"{p.relative_to(home)} {oct(mode)}" for p, mode, folder in modes if mode != (0o700 if folder else 0o600)
    ]
    kinds = {
        "transcripts": any(transcripts.glob("*.json")),
        "index": (transcripts / ".index.json").exists(),
        "batch state": bool(states),
        "calibration": any((config / "calibrations").glob("*.json")),
        "export": (work / "report.md").exists(),
    }
    record(
        "privacy",
        {
            "runs": len(outputs),
            "files_written": len(files) + len(states),
            "files_with_key": len(holding),
            "outputs_with_key": len(said),
            "not_private": len(not_private),
            "seconds": round(time.monotonic() - started, 1),
            "slowest_run_s": max(timings.values()),
        },
    )
    assert all(kinds.values()), kinds  # each kind of file was written, so its mode was checked
    assert not holding and not said and not not_private, (holding, said, not_private)

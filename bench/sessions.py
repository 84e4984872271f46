"""Sessions on disk: a whole plain-mode loop's peak memory, and listing 10,000 saved sessions.

Both run mockloop as a real process (`python -m simulator`), fed typed answers on stdin as a user
would. The 10,000 sessions are copies of one transcript that a real plain-mode `amazon-pm` loop
just saved, each with its own id and start time, written in the same format (`Transcript` JSON).
"""

import json
import subprocess
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

from bench.registry import benchmark
from bench.timing import median_seconds

LOOP = "amazon-pm"
ANSWER = (
    "At Cainiao I owned the returns flow. I decided to refund on courier scan because buyers "
    "waited 9 days. Refund time went from 9 days to 2 days over eight weeks, per the dashboard."
)
ANSWERS = "".join(f"{ANSWER}\n.\n" for _ in range(80))  # more than the loop asks: it ends, then EOF
SESSIONS = 10_000

# Runs the loop as its own child and reports the children's peak RSS, so whatever processes the
# benchmark process ran before (other benchmarks) cannot leak into the figure.
_RSS_HARNESS = """
import resource, subprocess, sys
done = subprocess.run(sys.argv[1:], input=sys.stdin.read(), capture_output=True, text=True)
if done.returncode:
    sys.exit(done.stderr)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)  # KiB on Linux
"""


def _loop_command(directory: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "simulator",
        "run",
        LOOP,
        "--plain",
        "--seed",
        "1",
        "--transcripts-dir",
        str(directory),
    ]


@benchmark("peak_rss")
def peak_rss() -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        done = subprocess.run(
            [sys.executable, "-c", _RSS_HARNESS, *_loop_command(Path(tmp))],
            input=ANSWERS,
            capture_output=True,
            text=True,
            check=True,
            timeout=300,
        )
        saved = list(Path(tmp).glob("*.json"))
    if len(saved) != 1:
        raise RuntimeError(f"the {LOOP} loop did not finish: {len(saved)} final transcripts")
    return {"peak_rss_mb": int(done.stdout) / 1024}


def _generate(directory: Path, count: int) -> None:
    """`count` finished sessions, copies of a real plain-mode loop's transcript with new ids."""
    from simulator.store import read_transcript

    subprocess.run(_loop_command(directory), input=ANSWERS, capture_output=True, text=True, check=True, timeout=300)
    [real] = directory.glob("*.json")
    transcript = read_transcript(real)
    real.unlink()
    for journal in directory.glob("*.jsonl"):
        journal.unlink()
    for i in range(count):
        started = transcript.started_at - timedelta(minutes=i)
        copy = transcript.model_copy(
            update={
                "id": f"{started:%Y%m%d-%H%M%S}-{LOOP}-{i:04x}",
                "started_at": started,
            }
        )
        path = directory / f"{copy.id}.json"
        path.write_bytes(copy.model_dump_json(indent=2).encode() + b"\n")  # as write_final, minus fsync
        path.chmod(0o600)


@benchmark("list_10k")
def list_10k() -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp) / "transcripts"
        directory.mkdir(mode=0o700)
        _generate(directory, SESSIONS)
        command = [
            sys.executable,
            "-m",
            "simulator",
            "transcripts",
            "list",
            "--json",
            "--transcripts-dir",
            str(directory),
        ]
        outputs: list[str] = []

        def listing() -> None:
            outputs.append(subprocess.run(command, capture_output=True, text=True, check=True, timeout=600).stdout)

        cold = median_seconds(listing, 1)  # no index yet: every file is read and validated
        if not (directory / ".index.json").exists():
            raise RuntimeError("the cold listing wrote no index")
        warm = median_seconds(listing, 1)  # the index the cold run wrote answers for every file
    for out in outputs:
        if len(json.loads(out)) != SESSIONS:
            raise RuntimeError(f"the listing did not show {SESSIONS} sessions")
    return {"list_10k_s_cold": cold, "list_10k_s_warm": warm}

"""Helpers shared by the tests of every kind (fixtures live in conftest.py)."""

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def run_cli(
    *args: str,
    cwd: Path | None = None,
    stdin: str | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 60,
) -> subprocess.CompletedProcess[str]:
    """Run `python -m simulator ARGS` as a real process."""
    return subprocess.run(
        [sys.executable, "-m", "simulator", *args],
        cwd=cwd or REPO,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )

"""Shared fixtures: an isolated user config dir and transcripts dir for every test."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _isolated_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("MOCKLOOP_CONFIG_DIR", str(home / "config"))
    monkeypatch.setenv("MOCKLOOP_TRANSCRIPTS", str(home / "transcripts"))
    for var in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "MOCKLOOP_MODEL"):
        monkeypatch.delenv(var, raising=False)


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

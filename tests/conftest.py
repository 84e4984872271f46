"""Shared fixtures: an isolated user config dir and transcripts dir for every test."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
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


# -- reliability suites (tests/reliability/): a quick size in every run, the full size by flag -----------


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("reliability")
    group.addoption(
        "--reliability-full",
        action="store_true",
        help="run the reliability suites at full size (minutes), not the quick size CI runs",
    )
    group.addoption("--reliability-json", metavar="FILE", help="also write the reliability figures to FILE as JSON")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "reliability: a reliability suite (tests/reliability/); prints figures")
    config.reliability_figures = {}  # type: ignore[attr-defined]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--reliability-full"):  # minutes, not the two the quick tests are allowed
        for item in items:
            if item.get_closest_marker("reliability"):
                item.add_marker(pytest.mark.timeout(3600))


@pytest.fixture
def reliability(request: pytest.FixtureRequest):
    """`(full, record)`: whether to run at full size, and `record(suite, figures)` to report the figures."""
    config = request.config

    def record(suite: str, figures: dict) -> None:
        config.reliability_figures[suite] = figures  # type: ignore[attr-defined]

    return bool(config.getoption("--reliability-full")), record


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    figures = getattr(config, "reliability_figures", {})
    if not figures:
        return
    import json

    size = "full" if config.getoption("--reliability-full") else "quick"
    terminalreporter.section(f"reliability figures ({size} size)")
    for suite, values in figures.items():
        shown = ", ".join(f"{name} {value}" for name, value in values.items())
        terminalreporter.write_line(f"{suite}: {shown}")
    if path := config.getoption("--reliability-json"):
        Path(path).write_text(json.dumps({"size": size, **figures}, indent=2) + "\n")

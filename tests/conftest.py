"""Shared fixtures: an isolated user config dir and transcripts dir for every test.

The tests are split by kind, and each kind is a marker given by its folder (`pytest -m unit`):
`unit/` (pure code and real files, no process, no socket but a scripted model), `functional/`
(the app under Pilot, snapshots, tmux, and the LLM path over real HTTP on 127.0.0.1), `cli/` (the
`mockloop` command as a real process), `reliability/` (suites that try many cases and print figures).
"""

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("MOCKLOOP_CONFIG_DIR", str(home / "config"))
    monkeypatch.setenv("MOCKLOOP_TRANSCRIPTS", str(home / "transcripts"))
    for var in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "MOCKLOOP_MODEL"):
        monkeypatch.delenv(var, raising=False)


# -- reliability suites (tests/reliability/): a quick size in every run, the full size by flag -----------


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("reliability")
    group.addoption(
        "--reliability-full",
        action="store_true",
        help="run the reliability suites at full size (minutes), not the quick size CI runs",
    )
    group.addoption("--reliability-json", metavar="FILE", help="also write the reliability figures to FILE as JSON")


KINDS = {
    "unit": "pure code and real files (tests/unit/)",
    "functional": "the app under Pilot or tmux, the LLM path over loopback HTTP (tests/functional/)",
    "cli": "the mockloop command as a real process (tests/cli/)",
    "reliability": "a reliability suite (tests/reliability/); prints figures",
}


def pytest_configure(config: pytest.Config) -> None:
    for kind, what in KINDS.items():
        config.addinivalue_line("markers", f"{kind}: {what}")
    config.reliability_figures = {}  # type: ignore[attr-defined]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    tests = Path(__file__).parent
    for item in items:
        folder = item.path.relative_to(tests).parts[0] if item.path.is_relative_to(tests) else ""
        if folder in KINDS:
            item.add_marker(getattr(pytest.mark, folder))
        if folder == "reliability" and config.getoption("--reliability-full"):
            item.add_marker(pytest.mark.timeout(3600))  # minutes, not the two the quick tests are allowed


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

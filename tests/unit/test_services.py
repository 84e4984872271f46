"""The service layer: one Settings from flags, MOCKLOOP_* variables and the config file; a Workspace
that builds its parts lazily and closes them; the use cases on real files and real processes."""

import ast
import os
import stat
from pathlib import Path
from typing import Any

import pytest

from simulator.domain import RoundGrade, Rubric
from simulator.grading.base import GradeRequest
from simulator.grading.offline import OfflineGrader
from simulator.services.export import export_beside, export_to
from simulator.services.settings import Settings, SettingsError, settings_table
from simulator.services.workspace import Workspace, WorkspaceUnavailable
from simulator.store import list_sessions, load_transcripts
from simulator.tui.app import make_app
from tests.functional.tui_support import DRILL, app_for, seed_sessions, until, workspace
from tests.support import run_cli

SHEET = """\
rubric: base
rounds:
  - round: bar-raiser
    question: Tell me about a time you owned an outcome beyond your role.
    answer: I owned the returns flow. Refund time went from 9 days to 2 days over eight weeks.
"""


def config(text: str) -> Path:
    """The user's config.yaml (the config dir is a fresh one per test, see conftest)."""
    path = Path(os.environ["MOCKLOOP_CONFIG_DIR"]) / "config.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# -- Settings ---------------------------------------------------------------------------------------


def test_flags_win_over_the_environment_which_wins_over_the_config_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("MOCKLOOP_TRANSCRIPTS")
    assert Settings.load().grader == "offline" and Settings.load().theme == "dark"
    config("grader: llm\ntheme: light\ninterviewer: scripted\ntranscripts: ~/mock\nllm:\n  model: from-file\n")
    settings = Settings.load()
    assert (settings.grader, settings.theme, settings.interviewer) == ("llm", "light", "scripted")
    assert settings.transcripts == Path("~/mock").expanduser()
    assert settings.llm.model == "from-file", "the llm: section is nested, read by resolve_settings"
    monkeypatch.setenv("MOCKLOOP_GRADER", "offline")
    monkeypatch.setenv("MOCKLOOP_TRANSCRIPTS", str(tmp_path / "env"))
    monkeypatch.setenv("MOCKLOOP_MODEL", "from-env")
    settings = Settings.load()
    assert (settings.grader, settings.transcripts, settings.llm.model) == ("offline", tmp_path / "env", "from-env")
    settings = Settings.load({"grader": "llm", "transcripts": tmp_path / "flag", "model": "from-flag", "theme": None})
    assert (settings.grader, settings.transcripts, settings.llm.model) == ("llm", tmp_path / "flag", "from-flag")
    assert settings.theme == "light", "a None flag is no flag"


def test_mockloop_config_names_another_config_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    config("theme: light\n")
    other = tmp_path / "elsewhere.yaml"
    other.write_text("interviewer: scripted\nllm:\n  model: other-model\n", encoding="utf-8")
    monkeypatch.setenv("MOCKLOOP_CONFIG", str(other))
    settings = Settings.load()
    assert (settings.theme, settings.interviewer, settings.config_path) == ("dark", "scripted", other)
    assert settings.llm.model == "other-model"


def test_a_bad_config_file_is_one_line_naming_file_line_and_what_was_expected() -> None:
    path = config("grader: offline\ngrder: llm\n")
    with pytest.raises(SettingsError, match=rf"^{path}:2:1: unknown setting 'grder'; expected one of: llm, grader"):
        Settings.load()
    config("theme: pink\n")
    with pytest.raises(SettingsError, match=r"config.yaml:1:1: theme: Input should be 'dark' or 'light'"):
        Settings.load()


def test_a_config_file_that_is_not_yaml_or_not_there_is_one_line(tmp_path: Path) -> None:
    path = config("grader: [offline\n")
    with pytest.raises(SettingsError, match=rf"^{path}:2:1: YAML syntax error: .* \(the config file\)$"):
        Settings.load()
    config("- grader\n")
    with pytest.raises(SettingsError, match=r"config.yaml:1:1: expected a YAML mapping at the top, got a list"):
        Settings.load()
    config("")
    assert Settings.load().grader == "offline", "an empty config file is no settings"
    with pytest.raises(SettingsError, match=r"nope.yaml: no such config file \(named by --config or MOCKLOOP_CONFIG\)"):
        Settings.load({"config": tmp_path / "nope.yaml"})


def test_a_bad_variable_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOCKLOOP_INTERVIEWER", "robot")
    with pytest.raises(SettingsError, match=r"interviewer \(env MOCKLOOP_INTERVIEWER\): Input should be"):
        Settings.load()


def test_a_broken_llm_section_does_not_stop_offline_work(tmp_path: Path) -> None:
    config("grader: offline\nllm:\n  timeout: -1\n")
    settings = Settings.load()
    assert Workspace(settings).grader.name == "offline"
    with pytest.raises(Exception, match="timeout"):
        _ = settings.llm


def test_every_field_has_a_docstring_and_its_row_in_the_readme() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8").splitlines()
    for name, field in Settings.model_fields.items():
        assert field.description, f"{name} has no docstring"
    missing = [line for line in settings_table() if line not in readme]
    assert not missing, "README's Settings table is stale: paste `python -m simulator.services.settings`"


# -- Workspace --------------------------------------------------------------------------------------


class ClosingGrader(OfflineGrader):
    def __init__(self) -> None:
        super().__init__()
        self.closed = 0

    async def grade(self, request: GradeRequest, rubric: Rubric) -> RoundGrade:
        return await super().grade(request, rubric)

    async def aclose(self) -> None:
        self.closed += 1


def test_parts_are_built_when_first_used(tmp_path: Path) -> None:
    ws = Workspace(Settings.load({"grader": "llm"}))  # no endpoint: fine until the grader is wanted
    with pytest.raises(WorkspaceUnavailable, match="needs an endpoint"):
        _ = ws.grader
    ws = Workspace(Settings.load({"grader": "llm", "interviewer": "llm"}))
    notes = ws.prepare(fall_back=True)
    assert [note.split(";")[-1].strip() for note in notes] == [
        "the offline grader grades",
        "the scripted interviewer asks the follow-ups",
    ]
    assert (ws.grader.name, ws.interviewer.name) == ("offline", "scripted")


async def test_switching_grader_closes_the_old_one_and_aclose_closes_the_rest(tmp_path: Path) -> None:
    first, given = ClosingGrader(), ClosingGrader()
    async with Workspace(Settings.load({"transcripts": tmp_path}), grader=first) as ws:
        await ws.use_grader("offline")
        assert first.closed == 1 and ws.grader is not first
        other = ws.make_grader("offline")
        assert other is not ws.grader
    assert first.closed == 1, "closed once, not again on aclose"
    ws = Workspace(Settings.load(), grader=given)
    await ws.aclose()
    assert given.closed == 1


async def test_the_llm_grader_it_built_is_closed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    ws = Workspace(Settings.load({"grader": "llm"}))
    grader: Any = ws.grader
    client, _ = grader.model.session._for_this_loop()  # the HTTP client a first request opens (none is sent)
    assert not client.is_closed()
    await ws.aclose()
    assert client.is_closed()


async def test_start_journals_in_the_transcripts_dir_and_resume_continues_it(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    session = ws.start(DRILL, seed=7)
    await session.begin()
    await session.close(wait_for_grading=False)
    assert [s.id for s in ws.sessions()] == [session.id]
    resumed = ws.resume(None)
    assert resumed.id == session.id
    await resumed.close(wait_for_grading=False)


async def test_history_search_trend_and_load_read_the_saved_sessions(tmp_path: Path) -> None:
    ids = await seed_sessions(tmp_path)
    (tmp_path / "20261101-000000-broken-0000.json").write_text("{not json", encoding="utf-8")
    ws = workspace(tmp_path)
    sessions = ws.sessions()
    loaded = [summary.id for summary, _ in load_transcripts(tmp_path, sessions)]
    assert set(ids) <= set(loaded) and "20261101-000000-broken-0000" not in loaded
    assert ws.search(sessions, "CHURN for tier-2") == {
        ids[3]: "…why in our weekly review. Churn for tier-2 sellers fell from 9% to…"
    }
    assert len(ws.trend(sessions)["ownership"]) == 4
    transcript, _ = ws.load(ids[0][:-2])  # a unique start of the id
    assert transcript.id == ids[0]


async def test_exports_are_private_atomic_and_leave_the_folder_as_it_was(tmp_path: Path) -> None:
    ids = await seed_sessions(tmp_path / "t")
    transcript, _ = workspace(tmp_path / "t").load(ids[0])
    beside = export_beside(transcript, tmp_path / "t", "regraded-base-offline")
    assert beside.name == f"{ids[0]}.regraded-base-offline.md" and stat.S_IMODE(beside.stat().st_mode) == 0o600
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    os.chmod(shared, 0o755)
    (shared / "loop.md").write_text("old", encoding="utf-8")
    written = export_to(transcript, shared / "loop.md")
    assert written.read_text(encoding="utf-8").startswith("# Mock interview loop")
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    assert stat.S_IMODE(shared.stat().st_mode) == 0o755, "the user's folder is not made private"
    assert sorted(p.name for p in shared.iterdir()) == ["loop.md"], "no temp file left"


# -- through the command and the app --------------------------------------------------------------


def test_the_config_files_grader_is_the_commands_default(tmp_path: Path) -> None:
    sheet = tmp_path / "sheet.yaml"
    sheet.write_text(SHEET, encoding="utf-8")
    config("grader: llm\n")
    out = run_cli("grade", str(sheet))
    assert out.returncode == 2 and "the LLM grader needs an endpoint" in out.stderr, out.stderr
    out = run_cli("grade", str(sheet), "--grader", "offline")
    assert out.returncode == 0, out.stderr
    config("grader: offline\ntranscript: here\n")
    out = run_cli("grade", str(sheet))
    assert out.returncode == 2 and "config.yaml:2:1: unknown setting 'transcript'" in out.stderr
    assert "Traceback" not in out.stderr


def test_the_environment_picks_the_grader_and_the_transcripts_dir(tmp_path: Path) -> None:
    env = {"MOCKLOOP_GRADER": "llm", "MOCKLOOP_TRANSCRIPTS": str(tmp_path / "mine")}
    out = run_cli("run", DRILL, "--plain", stdin="", env=env)
    assert out.returncode == 2 and "needs an endpoint" in out.stderr
    out = run_cli("run", DRILL, "--plain", "--grader", "offline", stdin="", env=env)
    assert out.returncode == 0, out.stderr
    assert len(list_sessions(tmp_path / "mine")) == 1


def test_config_flag_names_the_config_file_of_any_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MOCKLOOP_TRANSCRIPTS")  # the variable would win over the file
    mine = tmp_path / "mine.yaml"
    mine.write_text(f"transcripts: {tmp_path / 'kept-here'}\n", encoding="utf-8")
    out = run_cli("--config", str(mine), "run", DRILL, "--plain", stdin="")
    assert out.returncode == 0, out.stderr
    assert len(list_sessions(tmp_path / "kept-here")) == 1
    out = run_cli("--config", str(tmp_path / "nope.yaml"), "transcripts", "list")
    assert out.returncode == 2 and "nope.yaml: no such config file" in out.stderr, out.stderr
    assert "Traceback" not in out.stderr


async def test_the_theme_flag_wins_over_the_config_file(tmp_path: Path) -> None:
    config("theme: dark\n")
    app = make_app(settings_flags={"theme": "light"})
    async with app.run_test() as pilot:
        assert app.theme == "textual-light", "light from the first frame"
        await until(pilot, lambda: app.workspace is not None, "the workspace")
        assert app.theme == "textual-light" and app.workspace is not None
        assert app.workspace.settings.theme == "light"


async def test_the_app_takes_its_theme_from_the_settings(tmp_path: Path) -> None:
    config("theme: light\n")
    app = app_for(tmp_path)
    app._given_workspace = None  # the app builds its own workspace from the settings, as `mockloop` does
    async with app.run_test() as pilot:
        await until(pilot, lambda: app.workspace is not None, "the workspace")
        assert app.theme == "textual-light"


def test_no_command_imports_another_command() -> None:
    commands = Path(__file__).resolve().parents[2] / "simulator" / "commands"
    shared = {"simulator.commands.common", "simulator.commands.progress"}
    for path in commands.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("simulator.commands."):
                assert node.module in shared, f"{path.name} imports {node.module}"

"""Whoever owns a model closes it: the workspace closes its grader's and interviewer's models,
the app closes them on exit, and `run --plain` when the loop ends. No server: ScriptedModel."""

from pathlib import Path

import pytest

from simulator.grading.llm_grader import LLMGrader
from simulator.interviewer import ScriptedInterviewer
from simulator.interviewer.llm import LLMInterviewer
from simulator.llm import ScriptedModel
from simulator.services.settings import Settings
from simulator.services.workspace import Workspace
from simulator.tui.app import make_app
from tests.functional.tui_support import SIZE, library
from tests.no_network import no_network

pytestmark = pytest.mark.usefixtures("no_network")
__all__ = ["no_network"]


def llm_workspace(directory: Path) -> tuple[Workspace, ScriptedModel, ScriptedModel]:
    grading, asking = ScriptedModel(), ScriptedModel()
    workspace = Workspace(
        Settings.load({"transcripts": directory}),
        library=library(),
        grader=LLMGrader(grading),
        interviewer=LLMInterviewer(asking, ScriptedInterviewer(), timeout=5),
    )
    return workspace, grading, asking


async def test_the_workspace_closes_its_models(tmp_path: Path) -> None:
    workspace, grading, asking = llm_workspace(tmp_path)
    await workspace.aclose()
    assert grading.closed and asking.closed


async def test_the_app_closes_the_models_on_exit(tmp_path: Path) -> None:
    workspace, grading, asking = llm_workspace(tmp_path)
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert not grading.closed
    assert grading.closed and asking.closed


def test_a_plain_run_closes_the_models_when_the_loop_ends(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import io

    from simulator.cli import main

    workspace, grading, asking = llm_workspace(tmp_path)
    monkeypatch.setattr("simulator.commands.run.open_workspace", lambda _args: workspace)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # the candidate stops at once: the loop is left paused
    main(["run", "drill-bar-raiser", "--plain", "--seed", "7"])
    assert grading.closed and asking.closed


async def test_a_grader_switched_away_from_is_closed(tmp_path: Path) -> None:
    workspace, grading, asking = llm_workspace(tmp_path)
    await workspace.use_grader("offline")
    assert grading.closed and not asking.closed, "the interviewer is still in use"

"""Whoever owns a model closes it: the environment closes its grader's and interviewer's models,
the app closes them on exit, and `run --plain` when the loop ends. No server: ScriptedModel."""

from pathlib import Path

import pytest

from simulator.engine.environment import Environment
from simulator.grading.llm_grader import LLMGrader
from simulator.interviewer import ScriptedInterviewer
from simulator.interviewer.llm import LLMInterviewer
from simulator.llm import ScriptedModel
from simulator.tui.app import make_app
from tests.no_network import no_network
from tests.test_tui_support import SIZE, library

pytestmark = pytest.mark.usefixtures("no_network")
__all__ = ["no_network"]


def llm_environment(directory: Path) -> tuple[Environment, ScriptedModel, ScriptedModel]:
    grading, asking = ScriptedModel(), ScriptedModel()
    env = Environment(
        library=library(),
        grader=LLMGrader(grading),
        interviewer=LLMInterviewer(asking, ScriptedInterviewer(), timeout=5),
        directory=directory,
    )
    return env, grading, asking


async def test_the_environment_closes_its_models(tmp_path: Path) -> None:
    env, grading, asking = llm_environment(tmp_path)
    await env.aclose()
    assert grading.closed and asking.closed


async def test_the_app_closes_the_models_on_exit(tmp_path: Path) -> None:
    env, grading, asking = llm_environment(tmp_path)
    app = make_app(env)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert not grading.closed
    assert grading.closed and asking.closed


def test_a_plain_run_closes_the_models_when_the_loop_ends(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import io

    from simulator.cli import main

    env, grading, asking = llm_environment(tmp_path)
    monkeypatch.setattr(Environment, "create", classmethod(lambda cls, **_: env))
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # the candidate stops at once: the loop is left paused
    main(["run", "drill-bar-raiser", "--plain", "--seed", "7"])
    assert grading.closed and asking.closed


async def test_a_grader_switched_away_from_is_closed(tmp_path: Path) -> None:
    import dataclasses

    from simulator.grading.offline import OfflineGrader
    from simulator.tui.grader_mode import grader_mode

    env, grading, asking = llm_environment(tmp_path)
    app = make_app(env)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.use_environment(dataclasses.replace(env, grader=OfflineGrader()), grader_mode("offline"))
        await app.workers.wait_for_complete()
        assert grading.closed and not asking.closed, "the interviewer is still in use"

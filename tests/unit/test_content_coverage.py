"""Loops ask their own company's questions, and two loops in a row repeat none."""

import json
import random
from pathlib import Path

import pytest

from simulator.content import Library, load_library
from simulator.engine.picking import pick_questions
from simulator.services.settings import Settings
from simulator.services.workspace import Workspace
from tests.support import run_cli

LEVELS = ["L4", "L5", "L6", "L7"]


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library()


def test_every_shipped_loop_asks_only_its_companys_questions_twice_without_a_repeat(library: Library) -> None:
    for loop in library.loops.values():
        for seed in range(5):
            rng = random.Random(seed)
            first = [q for ids in pick_questions(loop, library, rng, set()) for q in ids]
            second = [q for ids in pick_questions(loop, library, rng, set(first)) for q in ids]
            companies = {library.questions[q].company for q in first + second}
            assert companies == {loop.company}, (loop.id, companies)
            assert not set(first) & set(second), (loop.id, set(first) & set(second))


@pytest.mark.parametrize("level", LEVELS)
def test_two_loops_at_one_level_repeat_nothing_and_stay_within_a_step_of_it(library: Library, level: str) -> None:
    for loop in library.loops.values():
        for seed in range(5):
            rng = random.Random(seed)
            first = [q for ids in pick_questions(loop, library, rng, set(), level) for q in ids]
            second = [q for ids in pick_questions(loop, library, rng, set(first), level) for q in ids]
            asked = [library.questions[q] for q in first + second]
            assert {q.company for q in asked} == {loop.company}, (loop.id, level)
            assert not set(first) & set(second), (loop.id, level, set(first) & set(second))
            far = [q.id for q in asked if abs(int(q.level[1]) - int(level[1])) > 1]
            assert not far, (loop.id, level, far)


def test_every_loop_round_type_has_twelve_of_its_companys_questions(library: Library) -> None:
    short = {
        (loop.company, spec.type): n
        for loop in library.loops.values()
        if loop.kind == "loop"
        for spec in loop.rounds
        if (n := sum(q.company == loop.company for q in library.questions_for(spec.type))) < 12
    }
    assert not short, short


async def test_a_second_session_at_a_level_avoids_what_the_first_one_answered(tmp_path: Path) -> None:
    answer = (
        "I owned the returns flow for first-time buyers. I interviewed 10 of them and decided to refund on "
        "courier scan; finance agreed after a one-pager, and refund time went from 9 days to 2 in eight weeks."
    )
    settings = Settings.load({"transcripts": tmp_path, "grader": "offline", "interviewer": "scripted"})
    async with Workspace(settings) as ws:
        first = ws.start("amazon-pm", seed=7, level="L6")
        prompt = await first.begin()
        while prompt is not None:
            prompt = await first.submit(answer)
        await first.finish()
        again = ws.start("amazon-pm", seed=7, level="L6", avoid_recent=False)
        second = ws.start("amazon-pm", seed=7, level="L6")
    asked = [[q for r in s.transcript.rounds for q in r.question_ids] for s in (first, again, second)]
    assert asked[1] == asked[0]  # the same seed draws the same questions when nothing is avoided
    assert not set(asked[2]) & set(asked[0]), set(asked[2]) & set(asked[0])
    assert {ws.library.questions[q].company for q in asked[2]} == {"Amazon"}


def test_another_companys_question_fills_in_only_when_the_bank_runs_short(library: Library) -> None:
    loop = library.loop("amazon-pm")
    bar_raiser = next(r for r in loop.rounds if r.type == "bar-raiser")
    amazon = [q.id for q in library.questions_for("bar-raiser") if q.company == "Amazon"]
    greedy = loop.model_copy(update={"rounds": [bar_raiser.model_copy(update={"questions": len(amazon) + 1})]})
    (chosen,) = pick_questions(greedy, library, random.Random(1), set())
    assert set(chosen[:-1]) == set(amazon)
    assert library.questions[chosen[-1]].company != "Amazon"


@pytest.mark.parametrize("level", ["L4", "L5", "L6", "L7"])
def test_a_level_asks_that_levels_questions_first_then_the_nearest(library: Library, level: str) -> None:
    loop = library.loop("amazon-pm")
    for spec, ids in zip(loop.rounds, pick_questions(loop, library, random.Random(3), set(), level), strict=True):
        bank = [q for q in library.questions_for(spec.type) if q.company == loop.company]
        nearest = sorted(abs(int(q.level[1]) - int(level[1])) for q in bank)[: len(ids)]
        assert [abs(int(library.questions[q].level[1]) - int(level[1])) for q in ids] == nearest, spec.type


def test_every_probe_targets_a_signal_its_question_lists_and_its_round_grades(library: Library) -> None:
    graded = library.rubric("base").rounds
    stray = [(q.id, p.signal) for q in library.questions.values() for p in q.probes if p.signal not in q.signals]
    ungraded = [(q.id, s) for q in library.questions.values() for s in q.signals if s not in graded[q.round].signals]
    assert not stray, stray
    assert not ungraded, ungraded


def test_run_takes_the_level(tmp_path: Path) -> None:
    done = run_cli("run", "drill-bar-raiser", "--plain", "--level", "L7", "--seed", "2", stdin="", env=_env(tmp_path))
    assert done.returncode == 0, done.stderr
    (journal,) = (tmp_path / "transcripts").glob("*.jsonl")
    asked = [json.loads(line) for line in journal.read_text().splitlines() if '"question"' in line]
    library = load_library()
    assert asked and all(library.questions[e["question_id"]].level == "L7" for e in asked if e.get("question_id"))
    wrong = run_cli("run", "drill-bar-raiser", "--plain", "--level", "L9", stdin="", env=_env(tmp_path))
    assert wrong.returncode == 2 and "invalid choice: 'L9'" in wrong.stderr


def _env(tmp_path: Path) -> dict[str, str]:
    return {"MOCKLOOP_TRANSCRIPTS": str(tmp_path / "transcripts"), "MOCKLOOP_CONFIG_DIR": str(tmp_path / "config")}

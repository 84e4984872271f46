"""Loops ask their own company's questions, and two loops in a row repeat none."""

import random

import pytest

from simulator.content import Library, load_library
from simulator.engine.picking import pick_questions


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


def test_another_companys_question_fills_in_only_when_the_bank_runs_short(library: Library) -> None:
    loop = library.loop("amazon-pm")
    bar_raiser = next(r for r in loop.rounds if r.type == "bar-raiser")
    amazon = [q.id for q in library.questions_for("bar-raiser") if q.company == "Amazon"]
    greedy = loop.model_copy(update={"rounds": [bar_raiser.model_copy(update={"questions": len(amazon) + 1})]})
    (chosen,) = pick_questions(greedy, library, random.Random(1), set())
    assert set(chosen[:-1]) == set(amazon)
    assert library.questions[chosen[-1]].company != "Amazon"

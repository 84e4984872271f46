"""Bounded work in flight: `grade_jobs` starts LLM rounds as slots free up, each building its
hints just before its request, so the first request leaves at once whatever the number of rounds."""

import asyncio
import json
import time
from collections.abc import Iterator
from typing import Any

import pytest

from simulator.commands.progress import Progress
from simulator.domain import Rubric
from simulator.grading.base import GradeRequest
from simulator.grading.llm_grader import LLMGrader
from simulator.llm import OpenAIChatModel
from simulator.services.inputs import grade_jobs
from tests.fake_openai import CHAT, FakeOpenAI, Recorded, Reply, error, json_reply, settings_for
from tests.llm_grader_support import SIGNALS, StubOffline, assessment

ANSWER = "Our checkout conversion had been flat at 2.1% for two quarters."


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as server:
        yield server


def quick(recorded: Recorded) -> Reply:
    return json_reply(assessment(dict.fromkeys(SIGNALS, 2)))


async def test_the_first_request_leaves_at_once_and_rounds_start_as_slots_free_up(
    fake_openai: FakeOpenAI, rubric: Rubric
) -> None:
    fake_openai.default[CHAT] = quick
    building = 0
    most = 0

    async def hints(request: GradeRequest, rubric: Rubric) -> dict[str, Any]:
        nonlocal building, most
        building += 1
        most = max(most, building)
        time.sleep(0.01)  # 10 ms of CPU, as the offline grader's hints take
        return {}

    grader = LLMGrader(
        OpenAIChatModel.for_role(settings_for(fake_openai, concurrency=4), "grader"),
        fallback=StubOffline(),
        hints=hints,
    )
    finished = 0
    original = grader.grade

    async def grade(request: GradeRequest, rubric: Rubric) -> Any:
        nonlocal building, finished
        try:
            return await original(request, rubric)
        finally:
            building -= 1
            finished += 1

    grader.grade = grade  # type: ignore[method-assign]
    await grader.grade(GradeRequest("bar-raiser", "Q?", ANSWER), rubric)  # openai imported, client built
    before = len(fake_openai.requests_to(CHAT))
    jobs = [(GradeRequest("bar-raiser", f"Question {i}?", ANSWER), rubric) for i in range(300)]
    started = time.monotonic()
    with Progress("test", len(jobs)) as bar:
        grades = await grade_jobs(grader, jobs, bar)
    sent = fake_openai.requests_to(CHAT)[before:]
    assert len(grades) == 300 and all(g.grader == "llm" for g in grades)
    assert sent[0].at - started < 0.5  # 300 rounds' hints take 3 s: they are not all built first
    assert most <= grader.rounds_in_flight
    assert [g.question for g in grades] == [r.question for r, _ in jobs]


async def test_requests_leave_while_later_rounds_build_their_hints(fake_openai: FakeOpenAI, rubric: Rubric) -> None:
    """The first slots' rounds take turns: the first request is sent before the last of them builds its hints,
    rather than after all of them (each round's hints are CPU work that holds the event loop)."""
    fake_openai.default[CHAT] = quick
    hints_started: list[float] = []

    async def hints(request: GradeRequest, rubric: Rubric) -> dict[str, Any]:
        hints_started.append(time.monotonic())
        time.sleep(0.01)  # holds the loop, as the offline grader does
        return {}

    grader = LLMGrader(
        OpenAIChatModel.for_role(settings_for(fake_openai, concurrency=4), "grader"),
        fallback=StubOffline(),
        hints=hints,
    )
    await grader.grade(GradeRequest("bar-raiser", "Q?", ANSWER), rubric)  # openai imported, client built
    before = len(fake_openai.requests_to(CHAT))
    hints_started.clear()
    jobs = [(GradeRequest("bar-raiser", f"Question {i}?", ANSWER), rubric) for i in range(12)]
    await grade_jobs(grader, jobs)
    first_sent = fake_openai.requests_to(CHAT)[before].at
    assert first_sent < hints_started[grader.rounds_in_flight - 1]


async def test_the_json_mode_decision_reaches_rounds_already_in_flight(fake_openai: FakeOpenAI, rubric: Rubric) -> None:
    def no_schema(recorded: Recorded) -> Reply:
        if recorded.body["response_format"]["type"] == "json_schema":
            return error(400, "response_format type 'json_schema' is not supported by this server")
        return Reply(content=json.dumps(assessment(dict.fromkeys(SIGNALS, 2))), delay=0.05)

    fake_openai.default[CHAT] = no_schema
    grader = LLMGrader(
        OpenAIChatModel.for_role(settings_for(fake_openai, concurrency=4), "grader"), fallback=StubOffline()
    )
    jobs = [(GradeRequest("bar-raiser", f"Question {i}?", ANSWER), rubric) for i in range(40)]
    with Progress("test", len(jobs)) as bar:
        grades = await asyncio.wait_for(grade_jobs(grader, jobs, bar), 30)
    assert all(g.grader == "llm" for g in grades)
    refused = [r for r in fake_openai.requests_to(CHAT) if r.body["response_format"]["type"] == "json_schema"]
    assert len(refused) <= 4  # only the requests already sent when the first refusal came back

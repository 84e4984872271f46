"""The request deadline (`timeout`): connect, first byte and body together, against a server on
127.0.0.1 that keeps every read alive by trickling a few bytes every 0.3 s but never finishes in
time. Grading, streaming (the interviewer) and `mockloop doctor` all end within the deadline plus
a small slack."""

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from simulator.domain import Rubric
from simulator.grading.base import GradeRequest
from simulator.grading.llm_grader import LLMGrader
from simulator.grading.offline import OfflineGrader
from simulator.llm import LLMSession, LLMUnavailable, OpenAIChatModel, complete_structured, stream_text
from simulator.llm.config import resolve_settings
from tests.fake_openai import (
    ASK,
    CHAT,
    MODEL,
    FakeOpenAI,
    Reply,
    Sum,
    json_reply,
    settings_for,
    streamed,
    trickled,
)
from tests.support import run_cli

DEADLINE = 1.0
SLACK = 0.5


@pytest.fixture
def rubric() -> Rubric:
    from simulator.content import load_library

    return load_library().rubric("base")


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as server:
        yield server


def test_the_fake_server_trickles_slower_than_the_deadline(fake_openai: FakeOpenAI) -> None:
    """The trickled reply would take far longer than the deadline to arrive, every piece in time
    for a per-read timeout."""
    reply = trickled()
    pieces = (len(b"HTTP/1.1 200 OK\r\n") + 300) // reply.trickle_bytes
    assert pieces * reply.trickle > 10 * DEADLINE
    assert reply.trickle < DEADLINE


async def warm(session: LLMSession, server: FakeOpenAI) -> None:
    """One quick call first, so that importing openai is not timed."""
    server.script(CHAT, json_reply({"sum": 5}))
    await complete_structured(session, ASK, Sum, model=MODEL)


async def test_a_trickled_reply_ends_at_the_deadline(fake_openai: FakeOpenAI) -> None:
    fake_openai.default[CHAT] = trickled()
    async with LLMSession(settings_for(fake_openai, timeout=DEADLINE, max_attempts=1)) as session:
        await warm(session, fake_openai)
        started = time.monotonic()
        with pytest.raises(LLMUnavailable, match="within the 1 s deadline"):
            await complete_structured(session, ASK, Sum, model=MODEL)
        elapsed = time.monotonic() - started
    assert DEADLINE - 0.05 <= elapsed < DEADLINE + SLACK


async def test_a_trickled_reply_is_retried_each_attempt_within_its_deadline(fake_openai: FakeOpenAI) -> None:
    fake_openai.default[CHAT] = json_reply({"sum": 5})
    async with LLMSession(settings_for(fake_openai, timeout=DEADLINE, max_attempts=2)) as session:
        await warm(session, fake_openai)
        fake_openai.script(CHAT, trickled())
        started = time.monotonic()
        result = await complete_structured(session, ASK, Sum, model=MODEL)
        elapsed = time.monotonic() - started
    assert result.value.sum == 5
    assert elapsed < DEADLINE + SLACK
    assert len(fake_openai.requests_to(CHAT)) == 3


async def test_a_trickled_stream_ends_at_the_deadline(fake_openai: FakeOpenAI) -> None:
    """Words every 0.3 s for 30 s: what came is yielded, then the deadline ends the stream."""
    fake_openai.default[CHAT] = streamed([f"w{i} " for i in range(100)], gap=0.3)
    async with LLMSession(settings_for(fake_openai, timeout=DEADLINE, max_attempts=1)) as session:
        await warm(session, fake_openai)
        started = time.monotonic()
        got: list[str] = []
        with pytest.raises(LLMUnavailable, match="deadline"):
            async for text in stream_text(session, ASK, model=MODEL):
                got.append(text)
        elapsed = time.monotonic() - started
    assert 1 <= len(got) < 10
    assert elapsed < DEADLINE + SLACK


async def test_grading_falls_back_at_the_deadline(fake_openai: FakeOpenAI, rubric: Rubric) -> None:
    fake_openai.default[CHAT] = trickled(json_reply({}))
    settings = settings_for(fake_openai, timeout=DEADLINE, max_attempts=1)
    offline = OfflineGrader()
    grader = LLMGrader(OpenAIChatModel.for_role(settings, "grader"), fallback=offline)
    request = GradeRequest(
        "bar-raiser",
        "Tell me about a time you owned an outcome.",
        "I decided to rebuild the billing flow and cut failed payments by 30% in a quarter.",
    )
    await offline.grade(request, rubric)  # loading the offline grader is not timed
    import openai  # nor is importing openai  # noqa: F401

    started = time.monotonic()
    grade = await grader.grade(request, rubric)
    elapsed = time.monotonic() - started
    await grader.aclose()
    assert grade.grader == "offline-fallback"
    assert "deadline" in (grade.fallback_reason or "")
    assert elapsed < DEADLINE + SLACK + 0.5  # the offline grade comes on top


def test_the_deadline_comes_from_the_environment_or_a_flag() -> None:
    settings = resolve_settings({"timeout": None}, env={"MOCKLOOP_TIMEOUT": "7.5"}, config_path=None)
    assert settings.timeout == 7.5 and settings.sources["timeout"] == "env MOCKLOOP_TIMEOUT"
    assert resolve_settings({"timeout": 3.0}, env={"MOCKLOOP_TIMEOUT": "7.5"}).timeout == 3.0


@pytest.mark.parametrize("route", ["/models", CHAT])
def test_doctor_ends_at_the_deadline(fake_openai: FakeOpenAI, route: str) -> None:
    if route == "/models":
        fake_openai.default["/models"] = trickled(Reply(body={"object": "list", "data": []}))
    else:
        fake_openai.default[CHAT] = trickled()
    started = time.monotonic()
    result = run_cli(
        "doctor",
        "--timeout",
        str(DEADLINE),
        env={"OPENAI_BASE_URL": fake_openai.base_url, "MOCKLOOP_MODEL": MODEL},
        timeout=30,
    )
    elapsed = time.monotonic() - started
    assert result.returncode == 1
    assert "deadline" in result.stdout, result.stdout
    assert elapsed < DEADLINE + 4.0  # the deadline, plus starting Python and importing openai


def test_grade_takes_the_deadline_flag(fake_openai: FakeOpenAI, tmp_path: Path) -> None:
    config = Path(os.environ["MOCKLOOP_CONFIG_DIR"])
    config.mkdir(parents=True, exist_ok=True)
    (config / "config.yaml").write_text("llm:\n  max_attempts: 2\n  backoff_initial: 0.01\n")
    sheet = tmp_path / "sheet.yaml"
    sheet.write_text(
        "rounds:\n  - round: bar-raiser\n    question: Tell me about a time you owned it.\n"
        "    answer: I decided to rebuild billing and cut failed payments by 30% in a quarter.\n"
    )
    started = time.monotonic()
    assert run_cli("grade", str(sheet), "--grader", "offline", timeout=60).returncode == 0
    own_cost = time.monotonic() - started  # starting Python and the offline grader, on this machine now
    fake_openai.default[CHAT] = trickled()
    started = time.monotonic()
    result = run_cli(
        "grade",
        str(sheet),
        "--grader",
        "llm",
        "--timeout",
        str(DEADLINE),
        env={"OPENAI_BASE_URL": fake_openai.base_url, "MOCKLOOP_MODEL": MODEL},
        timeout=60,
    )
    elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stderr
    assert '"offline-fallback"' in result.stdout and "1 s deadline" in result.stdout
    assert len(fake_openai.requests_to(CHAT)) == 2
    assert elapsed < 2 * DEADLINE + 2 * own_cost + 1.0  # two deadlines, plus what the run costs without an LLM

"""The cost of our own code around an LLM call.

Against the tests' OpenAI-compatible server on 127.0.0.1 answering at once, the same requests are
made twice in one run: through our code (the LLM grader as `--grader llm` builds it, offline hints
included; the LLM interviewer, streamed) and as bare `AsyncOpenAI().chat.completions.create` calls
replaying the exact request bodies ours sent. One call at a time, so the figures are latency:
the ratio is ours over bare, and what is left after the bare call is our code (prompt building,
schema, validation, quote checks, hints, the retry wrapper, the stream reader).
"""

import asyncio
import json
import re
import statistics
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING

from bench.registry import benchmark

if TYPE_CHECKING:
    from simulator.domain import Rubric
    from simulator.grading.base import GradeRequest
    from simulator.llm import LLMSettings
    from tests.fake_openai import FakeOpenAI, Recorded, Reply

GOLDEN = Path(__file__).resolve().parents[1] / "rubrics" / "golden"
REPEATS = 5
PROBE = "PROBE ownership\nWhich call in that story was yours alone, and what did you turn down?"
_ANSWER = re.compile(r"<<<BEGIN ANSWER (\w+)>>>\n(.*)\n<<<END ANSWER \1>>>", re.DOTALL)


@benchmark("llm_overhead")
def llm_overhead() -> dict[str, float]:
    from tests.fake_openai import FakeOpenAI

    with FakeOpenAI() as server:
        server.default["/chat/completions"] = _instant_reply
        return asyncio.run(_measure(server))


async def _measure(server: "FakeOpenAI") -> dict[str, float]:
    from openai import AsyncOpenAI

    from simulator.content import load_library
    from simulator.content.loader import load_sheet_file
    from simulator.grading.base import GradeRequest
    from simulator.grading.llm_grader import LLMGrader, evidence_hints
    from simulator.grading.offline import OfflineGrader
    from simulator.interviewer import FollowupContext, ScriptedInterviewer
    from simulator.interviewer.llm import LLMInterviewer
    from simulator.llm import LLMSettings, OpenAIChatModel

    library = load_library()
    rubric = library.rubric("base")
    rounds = [r for p in sorted(GOLDEN.rglob("*.yaml")) for r in load_sheet_file(p).rounds]
    requests = [GradeRequest(r.round, r.question, r.answer) for r in rounds]
    by_round = {q.round: q for q in library.questions.values()}
    contexts = [FollowupContext(r.round, by_round[r.round], (r.answer,), (), 2, rubric) for r in rounds]

    settings = LLMSettings(base_url=server.base_url, model="fake-model")
    offline = OfflineGrader()
    grader = LLMGrader(OpenAIChatModel.for_role(settings, "grader"), fallback=offline, hints=evidence_hints(offline))
    grader_without_hints = LLMGrader(OpenAIChatModel.for_role(settings, "grader"), fallback=offline)
    interviewer = LLMInterviewer(
        OpenAIChatModel.for_role(settings, "interviewer"), fallback=ScriptedInterviewer(), timeout=settings.timeout
    )
    client = AsyncOpenAI(base_url=server.base_url, api_key="not-needed", max_retries=0)

    async def grade(i: int) -> None:
        assert (await grader.grade(requests[i], rubric)).grader == "llm"

    async def grade_without_hints(i: int) -> None:
        await grader_without_hints.grade(requests[i], rubric)

    async def ask(i: int) -> None:
        assert await interviewer.followup(contexts[i], lambda _: None) is not None

    for i in range(len(requests)):  # warm up, and record the request bodies ours send
        await grade(i)
        await ask(i)
    assert not interviewer.fallbacks, interviewer.fallbacks
    sent = server.requests_to("/chat/completions")
    graded = [r.body for r in sent if not r.body.get("stream")]
    asked = [r.body for r in sent if r.body.get("stream")]

    async def bare(i: int) -> None:
        await client.chat.completions.create(**graded[i])

    async def bare_stream(i: int) -> None:
        async with await client.chat.completions.create(**asked[i]) as stream:
            async for _ in stream:
                pass

    seconds = await _interleaved(
        len(requests),
        {
            "grade": grade,
            "grade_without_hints": grade_without_hints,
            "bare": bare,
            "ask": ask,
            "bare_stream": bare_stream,
        },
    )
    for closing in (grader.aclose(), grader_without_hints.aclose(), interviewer.aclose(), client.close()):
        await closing
    ms = {name: 1000 * value / len(requests) for name, value in seconds.items()}
    return {
        "llm_calls": float(len(requests)),
        "llm_grader_ms_per_call": ms["grade"],
        "llm_grader_without_hints_ms_per_call": ms["grade_without_hints"],
        "bare_openai_ms_per_call": ms["bare"],
        "llm_overhead_ratio": ms["grade"] / ms["bare"],
        "llm_overhead_without_hints_ratio": ms["grade_without_hints"] / ms["bare"],
        "llm_interviewer_ms_per_call": ms["ask"],
        "bare_openai_stream_ms_per_call": ms["bare_stream"],
        "interviewer_overhead_ratio": ms["ask"] / ms["bare_stream"],
    }


async def _interleaved(n: int, calls: dict[str, Callable[[int], Awaitable[None]]]) -> dict[str, float]:
    """Median over REPEATS of the seconds each kind of call takes for items 0..n-1, the kinds taking
    turns call by call so that a busy machine slows them alike."""
    totals = {name: [0.0] * REPEATS for name in calls}
    for repeat in range(REPEATS):
        for i in range(n):
            for name, call in calls.items():
                started = time.perf_counter()
                await call(i)
                totals[name][repeat] += time.perf_counter() - started
    return {name: statistics.median(values) for name, values in totals.items()}


def _instant_reply(recorded: "Recorded") -> "Reply":
    """A valid grade for whatever signals the request's schema asks for, quoting the answer; or,
    for a stream, an interviewer's probe."""
    from tests.fake_openai import json_reply, streamed

    body = recorded.body
    if body.get("stream"):
        return streamed(re.findall(r"\s*\S+", PROBE))  # word by word, as a model streams
    found = _ANSWER.search(body["messages"][-1]["content"])
    quote = found.group(2).split(".")[0][:80] if found else ""
    signals = body["response_format"]["json_schema"]["schema"]["required"]
    return json_reply({s: {"reasoning": "Concrete and measured.", "score": 3, "evidence": [quote]} for s in signals})


WALL_N = 200
WALL_LATENCY = 0.2
WALL_CONCURRENCY = 16
_SERVE = """
import json, sys
from bench.llm import _slow_reply
from tests.fake_openai import FakeOpenAI
with FakeOpenAI() as server:
    server.default["/chat/completions"] = _slow_reply
    print(server.base_url, flush=True)
    for line in sys.stdin:
        print(json.dumps([r.at for r in server.requests_to("/chat/completions")]), flush=True)
"""


@benchmark("llm_wall")
def llm_wall() -> dict[str, float]:
    """`grade --grader llm` over N rounds against the test server (in its own process, so that it
    takes no CPU from ours) answering after L seconds, C requests in flight: the wall time over the
    ideal N·L/C, and how long after the start the first request reached the server."""
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[1]
    with subprocess.Popen(
        [sys.executable, "-c", _SERVE], cwd=root, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    ) as server:
        assert server.stdin is not None and server.stdout is not None
        base_url = server.stdout.readline().strip()

        def arrivals() -> list[float]:
            assert server.stdin is not None and server.stdout is not None
            server.stdin.write("times\n")
            server.stdin.flush()
            return json.loads(server.stdout.readline())

        try:
            return asyncio.run(_wall(base_url, arrivals))
        finally:
            server.stdin.close()


async def _wall(base_url: str, arrivals: Callable[[], list[float]]) -> dict[str, float]:
    from simulator.commands.progress import Progress
    from simulator.content import load_library
    from simulator.content.loader import load_sheet_file
    from simulator.grading.base import GradeRequest
    from simulator.grading.llm_grader import LLMGrader, evidence_hints
    from simulator.grading.offline import OfflineGrader
    from simulator.llm import LLMSettings, OpenAIChatModel
    from simulator.services.inputs import grade_jobs

    library = load_library()
    rubric = library.rubric("base")
    rounds = [r for p in sorted(GOLDEN.rglob("*.yaml")) for r in load_sheet_file(p).rounds]
    requests = [GradeRequest(r.round, r.question, r.answer) for r in rounds]
    jobs = [(requests[i % len(requests)], rubric) for i in range(WALL_N)]
    settings = LLMSettings(base_url=base_url, model="fake-model", concurrency=WALL_CONCURRENCY)
    offline = OfflineGrader()
    await offline.grade(requests[0], rubric)  # loading the offline grader is start-up, not grading
    figures: dict[str, float] = {}
    for label, hints in (("", evidence_hints(offline)), ("_without_hints", None)):
        warm = LLMGrader(OpenAIChatModel.for_role(settings, "grader"), fallback=offline, hints=hints)
        await warm.grade(requests[0], rubric)  # the first call imports openai and builds the client
        await warm.aclose()
        before = len(arrivals())
        grader = LLMGrader(OpenAIChatModel.for_role(settings, "grader"), fallback=offline, hints=hints)
        started = time.monotonic()
        with Progress("bench", len(jobs)) as bar:
            grades = await grade_jobs(grader, jobs, bar)
        wall = time.monotonic() - started
        assert all(g.grader == "llm" for g in grades), [g.fallback_reason for g in grades if g.grader != "llm"]
        sent = arrivals()[before:]
        figures[f"llm_wall_over_ideal{label}"] = wall / (WALL_N * WALL_LATENCY / WALL_CONCURRENCY)
        figures[f"llm_first_request_s{label}"] = min(sent) - started
    figures["llm_wall_over_ideal_bare"] = await _bare_wall(settings, jobs) / (WALL_N * WALL_LATENCY / WALL_CONCURRENCY)
    return figures


async def _bare_wall(settings: "LLMSettings", jobs: list[tuple["GradeRequest", "Rubric"]]) -> float:
    """The floor: the same request bodies (hints off), sent by a bare AsyncOpenAI client C at a time."""
    from openai import AsyncOpenAI

    from simulator.grading.llm_grader import LLMGrader
    from simulator.llm.batch import CapturedRequest, CapturingModel
    from simulator.llm.openai_model import OpenAIChatModel

    capturing = LLMGrader(CapturingModel(OpenAIChatModel.for_role(settings, "grader")))
    bodies = []
    for request, rubric in jobs:
        try:
            await capturing.grade(request, rubric)
        except CapturedRequest as captured:
            bodies.append(captured.body)
    client = AsyncOpenAI(base_url=settings.base_url, api_key="not-needed", max_retries=0)
    await client.chat.completions.create(**bodies[0])
    slots = asyncio.Semaphore(WALL_CONCURRENCY)

    async def send(body: dict[str, object]) -> None:
        async with slots:
            await client.chat.completions.create(**body)  # type: ignore[call-overload]

    started = time.monotonic()
    await asyncio.gather(*(send(body) for body in bodies))
    wall = time.monotonic() - started
    await client.close()
    return wall


def _slow_reply(recorded: "Recorded") -> "Reply":
    from dataclasses import replace

    return replace(_instant_reply(recorded), delay=WALL_LATENCY)

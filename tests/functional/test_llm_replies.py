"""Every reply shape an OpenAI-compatible server may send, through the real openai client against a
server on 127.0.0.1: parsed, or one LLMError saying why. The LLM grader falls back on each with the
reason, and `mockloop doctor` says what is wrong in one line."""

from collections.abc import Iterator
from typing import Any

import pytest

from simulator.content import load_library
from simulator.grading.base import GradeRequest
from simulator.grading.factory import make_llm_grader
from simulator.grading.offline import OfflineGrader
from simulator.llm import LLMBadOutput, LLMError, LLMSession, complete_structured, stream_text
from tests.fake_openai import (
    ASK,
    CHAT,
    MODEL,
    FakeOpenAI,
    Reply,
    Sum,
    chat_reply,
    html_page,
    invalid_json,
    json_reply,
    settings_for,
)
from tests.support import run_cli

SUM = '{"sum": 5}'


def assistant(**fields: Any) -> dict[str, Any]:
    return {"role": "assistant", "content": None, **fields}


def tool_call(arguments: str) -> dict[str, Any]:
    return {"id": "call_1", "type": "function", "function": {"name": "Sum", "arguments": arguments}}


PARSED: dict[str, Reply] = {
    "string content": chat_reply(assistant(content=SUM)),
    "list of text parts": chat_reply(
        assistant(content=[{"type": "text", "text": '{"sum": '}, {"type": "text", "text": "5}"}])
    ),
    "parts with an image and output_text": chat_reply(
        assistant(content=[{"type": "image_url", "image_url": {"url": "data:,"}}, {"type": "output_text", "text": SUM}])
    ),
    "list of strings": chat_reply(assistant(content=[SUM])),
    "the object itself as content": chat_reply(assistant(content={"sum": 5})),
    "a tool call": chat_reply(assistant(tool_calls=[tool_call(SUM)]), finish_reason="tool_calls"),
    "a legacy function call": chat_reply(assistant(function_call={"name": "Sum", "arguments": SUM})),
    "a code fence in prose": chat_reply(assistant(content=f"Here you go:\n```json\n{SUM}\n```\nAnything else?")),
    "a bare code fence": chat_reply(assistant(content=f"```\n{SUM}\n```")),
    "a reasoning block first": chat_reply(assistant(content=f"<think>2 + 3 = {{5}}</think>\n{SUM}")),
    "prose around the object": chat_reply(assistant(content=f"The answer is {SUM}.")),
    "a choice that is a string": chat_reply(None, choices=[SUM]),
    "float token counts": chat_reply(
        assistant(content=SUM), usage={"prompt_tokens": 12.0, "completion_tokens": 3.0, "total_tokens": 15.0}
    ),
}

FAILED: dict[str, tuple[Reply, type[LLMError], str]] = {
    "null content": (chat_reply(assistant()), LLMBadOutput, "the reply was empty"),
    "no message": (chat_reply(None), LLMBadOutput, "the reply was empty"),
    "a refusal": (
        chat_reply(assistant(refusal="I can't help with grading.")),
        LLMBadOutput,
        "the model refused: I can't help with grading.",
    ),
    "a content filter": (
        chat_reply(assistant(), finish_reason="content_filter"),
        LLMBadOutput,
        "content filter withheld the reply",
    ),
    "cut off before any text": (
        chat_reply(assistant(), finish_reason="length"),
        LLMBadOutput,
        "cut off at the token limit",
    ),
    "empty choices": (chat_reply(None, choices=[]), LLMError, "the server returned no choices"),
    "null choices": (chat_reply(None, choices=None), LLMError, "the server returned no choices"),
    "200 with an error body": (
        Reply(body={"error": {"message": "upstream overloaded", "type": "server_error"}}),
        LLMError,
        "answered 200 with an error: upstream overloaded",
    ),
    "200 with an error string": (
        Reply(body={"error": "model is loading"}),
        LLMError,
        "answered 200 with an error: model is loading",
    ),
    "HTML with 200": (html_page(), LLMError, "answered text '<!doctype html>"),
    "invalid JSON": (invalid_json(), LLMError, "its reply is not valid JSON"),
    "a JSON array": (Reply(body=[1, 2]), LLMError, "answered JSON [1, 2], not a chat completion"),
    "a tool call with no arguments": (
        chat_reply(assistant(tool_calls=[tool_call("")])),
        LLMBadOutput,
        "the reply was empty",
    ),
}
TRANSIENT = (
    "a refusal",
    "empty choices",
    "null choices",
    "200 with an error body",
    "200 with an error string",
    "HTML with 200",
    "invalid JSON",
)


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as server:
        yield server


async def ask(server: FakeOpenAI, **overrides: Any) -> tuple[Sum, LLMSession]:
    async with LLMSession(settings_for(server, **overrides)) as session:
        return (await complete_structured(session, ASK, Sum, model=MODEL)).value, session


@pytest.mark.parametrize("shape", sorted(PARSED))
async def test_every_readable_shape_is_parsed(fake_openai: FakeOpenAI, shape: str) -> None:
    fake_openai.script(CHAT, PARSED[shape])
    value, session = await ask(fake_openai)
    assert value == Sum(sum=5)
    assert len(fake_openai.requests_to(CHAT)) == 1, "no repair re-ask was needed"
    usage = session.usage.total.as_dict()
    assert all(type(usage[key]) is int for key in ("requests", "prompt_tokens", "completion_tokens"))


@pytest.mark.parametrize("shape", sorted(FAILED))
async def test_every_unreadable_shape_is_one_llm_error_with_the_reason(fake_openai: FakeOpenAI, shape: str) -> None:
    reply, kind, reason = FAILED[shape]
    fake_openai.default[CHAT] = reply
    with pytest.raises(LLMError) as caught:
        await ask(fake_openai)
    assert isinstance(caught.value, kind)
    assert reason in str(caught.value)
    sent = len(fake_openai.requests_to(CHAT))
    if shape in TRANSIENT:
        assert sent == 3 and "gave up after 3 attempts" in str(caught.value), "retried under the policy"
    elif kind is LLMBadOutput and "empty" in reason:
        assert sent == 2, "an empty reply earns the one repair re-ask"
    else:
        assert sent == 1


@pytest.mark.parametrize("shape", TRANSIENT)
async def test_a_transient_looking_reply_is_retried_then_succeeds(fake_openai: FakeOpenAI, shape: str) -> None:
    fake_openai.script(CHAT, FAILED[shape][0], json_reply({"sum": 5}))
    value, session = await ask(fake_openai)
    assert value == Sum(sum=5)
    assert len(fake_openai.requests_to(CHAT)) == 2
    assert session.usage.total.requests == 1, "only the completion that answered is counted"


async def test_a_stream_of_content_parts_is_read_as_text(fake_openai: FakeOpenAI) -> None:
    fake_openai.script(CHAT, Reply(deltas=[[{"type": "text", "text": "Which "}], [{"type": "text", "text": "call?"}]]))
    async with LLMSession(settings_for(fake_openai)) as session:
        text = "".join([piece async for piece in stream_text(session, ASK, model=MODEL)])
    assert text == "Which call?"


# --- the grader falls back on every one, the run goes on ---------------------------------------------


async def test_the_grader_falls_back_with_the_reason_on_every_unreadable_shape(fake_openai: FakeOpenAI) -> None:
    base_rubric = load_library().rubric("base")
    request = GradeRequest(
        "bar-raiser",
        "Tell me about a time you owned an outcome.",
        "I decided to cut scope and we shipped in March; conversion rose from 2% to 3%.",
    )
    grader = make_llm_grader(settings_for(fake_openai, max_attempts=1), fallback=OfflineGrader())
    try:
        for shape, (reply, _, reason) in FAILED.items():
            fake_openai.script(CHAT, reply, reply)  # the second for a repair re-ask
            grade = await grader.grade(request, base_rubric)
            fake_openai._queues[CHAT].clear()
            assert grade.grader == "offline-fallback", shape
            assert reason in (grade.fallback_reason or ""), shape
    finally:
        await grader.aclose()


# --- mockloop doctor ----------------------------------------------------------------------------------


def doctor(server: FakeOpenAI) -> tuple[int, list[str]]:
    result = run_cli("doctor", "--base-url", server.base_url, "--model", MODEL, timeout=60)
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    return result.returncode, result.stdout.splitlines()


@pytest.mark.parametrize("shape", ["list of text parts", "a tool call", "a code fence in prose"])
def test_doctor_reads_lenient_shapes(fake_openai: FakeOpenAI, shape: str) -> None:
    fake_openai.default[CHAT] = PARSED[shape]  # doctor asks for {"sum": <int>} too
    code, lines = doctor(fake_openai)
    assert code == 0, lines
    assert lines[-1].startswith("ok    structured call:")


@pytest.mark.parametrize("shape", ["a refusal", "empty choices", "200 with an error body", "null content"])
def test_doctor_fails_in_one_line_on_unreadable_shapes(fake_openai: FakeOpenAI, shape: str) -> None:
    reply, _, reason = FAILED[shape]
    fake_openai.default[CHAT] = reply
    code, lines = doctor(fake_openai)
    assert code == 1
    assert len(lines) == 4
    assert lines[-1].startswith("FAIL  structured call: ") and reason in lines[-1]


async def test_usage_in_the_grade_json_is_integers(fake_openai: FakeOpenAI) -> None:
    rubric = load_library().rubric("base")
    signals = rubric.rounds["bar-raiser"].signals
    fake_openai.script(CHAT, json_reply({s: {"reasoning": "-", "score": 2, "evidence": []} for s in signals}))
    grader = make_llm_grader(settings_for(fake_openai))
    grade = await grader.grade(GradeRequest("bar-raiser", "Q?", "I decided to ship."), rubric)
    await grader.aclose()
    usage = grade.model_dump(mode="json")["usage"]
    assert usage == {"requests": 1, "prompt_tokens": 100, "completion_tokens": 20, "cached_tokens": 0}
    assert all(type(value) is int for value in usage.values())

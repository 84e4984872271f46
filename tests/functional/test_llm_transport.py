"""simulator.llm through the real openai client against a real local HTTP server:
retries, timeouts, structured output and its fallbacks, streaming, usage and concurrency."""

import asyncio
import itertools
import threading
import time
from collections.abc import Iterator

import pytest

from simulator.llm import (
    LLMBadOutput,
    LLMError,
    LLMSession,
    LLMUnavailable,
    ModelPrice,
    Usage,
    complete_structured,
    stream_text,
)
from tests.fake_openai import (
    ASK,
    CHAT,
    MODEL,
    FakeOpenAI,
    Recorded,
    Reply,
    Sum,
    completion,
    error,
    json_reply,
    rate_limited,
    schema_refused,
    settings_for,
    streamed,
)


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as server:
        yield server


async def ask(session: LLMSession, tally: Usage | None = None) -> int:
    return (await complete_structured(session, ASK, Sum, model=MODEL, tally=tally)).value.sum


# --- retries -------------------------------------------------------------------------------


async def test_429_waits_as_long_as_retry_after_says(fake_openai: FakeOpenAI) -> None:
    fake_openai.script(CHAT, rate_limited(retry_after="1"), json_reply({"sum": 5}))
    async with LLMSession(settings_for(fake_openai)) as session:
        started = time.monotonic()
        assert await ask(session) == 5
        elapsed = time.monotonic() - started
    first, second = fake_openai.requests_to(CHAT)
    assert second.at - first.at >= 0.95
    assert elapsed >= 0.95


async def test_429_honours_retry_after_ms(fake_openai: FakeOpenAI) -> None:
    fake_openai.script(
        CHAT, rate_limited(retry_after_ms="300"), rate_limited(retry_after_ms="300"), json_reply({"sum": 5})
    )
    async with LLMSession(settings_for(fake_openai)) as session:
        assert await ask(session) == 5
    times = [r.at for r in fake_openai.requests_to(CHAT)]
    assert len(times) == 3
    assert all(b - a >= 0.28 for a, b in itertools.pairwise(times))


async def test_5xx_is_retried_with_backoff_then_succeeds(fake_openai: FakeOpenAI) -> None:
    fake_openai.script(CHAT, error(500, "boom"), error(503, "overloaded"), json_reply({"sum": 5}))
    async with LLMSession(settings_for(fake_openai)) as session:
        assert await ask(session) == 5
    assert len(fake_openai.requests_to(CHAT)) == 3


async def test_exhausted_retries_raise_unavailable_with_the_reason(fake_openai: FakeOpenAI) -> None:
    fake_openai.default[CHAT] = error(503, "overloaded")
    async with LLMSession(settings_for(fake_openai, max_attempts=3)) as session:
        with pytest.raises(LLMUnavailable) as caught:
            await ask(session)
    assert len(fake_openai.requests_to(CHAT)) == 3
    assert "503" in str(caught.value) and "overloaded" in str(caught.value)
    assert "3 attempts" in str(caught.value)


async def test_the_sdk_does_not_retry_on_its_own(fake_openai: FakeOpenAI) -> None:
    fake_openai.default[CHAT] = error(500, "boom")
    async with LLMSession(settings_for(fake_openai, max_attempts=1)) as session:
        with pytest.raises(LLMUnavailable):
            await ask(session)
    requests = fake_openai.requests_to(CHAT)
    assert len(requests) == 1
    assert requests[0].headers.get("x-stainless-retry-count", "0") == "0"


async def test_other_4xx_fail_at_once(fake_openai: FakeOpenAI) -> None:
    fake_openai.script(CHAT, error(401, "Incorrect API key provided"))
    async with LLMSession(settings_for(fake_openai)) as session:
        with pytest.raises(LLMError) as caught:
            await ask(session)
    assert not isinstance(caught.value, LLMUnavailable)
    assert caught.value.status == 401
    assert "Incorrect API key" in str(caught.value)
    assert len(fake_openai.requests_to(CHAT)) == 1


async def test_a_retry_after_beyond_the_time_budget_is_not_waited_for(
    fake_openai: FakeOpenAI,
) -> None:
    fake_openai.script(CHAT, rate_limited(retry_after="30"))
    async with LLMSession(settings_for(fake_openai, max_total_seconds=2.0)) as session:
        started = time.monotonic()
        with pytest.raises(LLMUnavailable, match="429"):
            await ask(session)
    assert time.monotonic() - started < 1.0
    assert len(fake_openai.requests_to(CHAT)) == 1


async def test_a_reply_slower_than_the_timeout_is_retried(fake_openai: FakeOpenAI) -> None:
    fake_openai.script(CHAT, Reply(delay=1.5, content='{"sum": 5}'), json_reply({"sum": 5}))
    async with LLMSession(settings_for(fake_openai, timeout=0.3)) as session:
        started = time.monotonic()
        assert await ask(session) == 5
    assert time.monotonic() - started < 1.2
    assert len(fake_openai.requests_to(CHAT)) == 2


async def test_timeouts_until_the_budget_runs_out(fake_openai: FakeOpenAI) -> None:
    fake_openai.default[CHAT] = Reply(delay=1.5, content='{"sum": 5}')
    async with LLMSession(settings_for(fake_openai, timeout=0.2, max_attempts=2)) as session:
        with pytest.raises(LLMUnavailable, match=r"no complete reply .* deadline"):
            await ask(session)
    assert len(fake_openai.requests_to(CHAT)) == 2


async def test_an_unreachable_endpoint_is_unavailable() -> None:
    with FakeOpenAI() as server:
        settings = settings_for(server, max_attempts=2)
    async with LLMSession(settings) as session:
        with pytest.raises(LLMUnavailable, match="cannot connect"):
            await ask(session)


# --- structured output -----------------------------------------------------------------------


async def test_structured_output_asks_for_a_strict_json_schema(fake_openai: FakeOpenAI) -> None:
    fake_openai.script(CHAT, json_reply({"sum": 5}))
    async with LLMSession(settings_for(fake_openai)) as session:
        result = await complete_structured(session, ASK, Sum, model=MODEL)
    assert (result.value.sum, result.mode, result.repaired) == (5, "json_schema", False)
    fmt = fake_openai.requests_to(CHAT)[0].body["response_format"]
    assert fmt["type"] == "json_schema"
    assert fmt["json_schema"]["strict"] is True
    assert fmt["json_schema"]["schema"]["required"] == ["sum"]


async def test_malformed_json_gets_one_repair_re_ask(fake_openai: FakeOpenAI) -> None:
    fake_openai.script(CHAT, completion('{"sum": 5'), json_reply({"sum": 5}))
    async with LLMSession(settings_for(fake_openai)) as session:
        result = await complete_structured(session, ASK, Sum, model=MODEL)
    assert (result.value.sum, result.repaired) == (5, True)
    first, repair = fake_openai.requests_to(CHAT)
    assert repair.messages[: len(ASK)] == first.messages
    assert repair.messages[-2] == {"role": "assistant", "content": '{"sum": 5'}
    assert "JSON" in repair.messages[-1]["content"]


async def test_the_repair_re_ask_quotes_the_validation_error(fake_openai: FakeOpenAI) -> None:
    fake_openai.script(CHAT, json_reply({"total": 5}), json_reply({"sum": 5}))
    async with LLMSession(settings_for(fake_openai)) as session:
        assert await ask(session) == 5
    repair = fake_openai.requests_to(CHAT)[-1].messages[-1]["content"]
    assert "sum: Field required" in repair
    assert "total: Extra inputs are not permitted" in repair


async def test_a_reply_that_fails_twice_is_bad_output(fake_openai: FakeOpenAI) -> None:
    fake_openai.script(CHAT, completion("Sure! The sum is 5."), json_reply({"sum": "five"}))
    async with LLMSession(settings_for(fake_openai)) as session:
        with pytest.raises(LLMBadOutput, match="even after a repair"):
            await ask(session)
    assert len(fake_openai.requests_to(CHAT)) == 2


async def test_code_fenced_json_is_accepted(fake_openai: FakeOpenAI) -> None:
    fake_openai.script(CHAT, completion('```json\n{"sum": 5}\n```'))
    async with LLMSession(settings_for(fake_openai)) as session:
        assert await ask(session) == 5


async def test_json_schema_refused_falls_back_to_json_mode(fake_openai: FakeOpenAI) -> None:
    fake_openai.script(CHAT, schema_refused(), json_reply({"sum": 5}), json_reply({"sum": 7}))
    async with LLMSession(settings_for(fake_openai)) as session:
        result = await complete_structured(session, ASK, Sum, model=MODEL)
        assert (result.value.sum, result.mode) == (5, "json_object")
        assert session.json_schema_supported is False
        again = await complete_structured(session, ASK, Sum, model=MODEL)
    assert (again.value.sum, again.mode) == (7, "json_object")
    kinds = [r.body["response_format"]["type"] for r in fake_openai.requests_to(CHAT)]
    assert kinds == ["json_schema", "json_object", "json_object"]
    fallback = fake_openai.requests_to(CHAT)[1].messages
    assert fallback[0]["role"] == "system" and '"sum"' in fallback[0]["content"]
    assert fallback[-1] == ASK[-1], "the schema goes first; what was last stays last"


async def test_a_400_in_json_mode_too_is_an_error(fake_openai: FakeOpenAI) -> None:
    fake_openai.script(CHAT, schema_refused(), error(400, "context length exceeded"))
    async with LLMSession(settings_for(fake_openai)) as session:
        with pytest.raises(LLMError, match="context length") as caught:
            await ask(session)
        assert session.json_schema_supported is True
    assert caught.value.status == 400


# --- streaming -------------------------------------------------------------------------------


async def test_streaming_yields_the_deltas_in_order(fake_openai: FakeOpenAI) -> None:
    fake_openai.script(CHAT, streamed(["What ", "was the ", "number before?"]))
    async with LLMSession(settings_for(fake_openai)) as session:
        deltas = [d async for d in stream_text(session, ASK, model=MODEL)]
        assert session.usage.total.prompt_tokens == 100
    assert deltas == ["What ", "was the ", "number before?"]
    request = fake_openai.requests_to(CHAT)[0].body
    assert request["stream"] is True
    assert request["stream_options"] == {"include_usage": True}


async def test_a_cut_stream_yields_what_came_then_raises(fake_openai: FakeOpenAI) -> None:
    fake_openai.script(CHAT, streamed(["What ", "was the ", "number before?"], cut_after=2))
    got: list[str] = []
    async with LLMSession(settings_for(fake_openai)) as session:
        with pytest.raises(LLMError, match="cut after 13 characters"):
            async for delta in stream_text(session, ASK, model=MODEL):
                got.append(delta)
    assert got == ["What ", "was the "]
    assert len(fake_openai.requests_to(CHAT)) == 1, "text already shown is never re-requested"


async def test_a_stream_that_ends_before_the_model_finished_raises(
    fake_openai: FakeOpenAI,
) -> None:
    fake_openai.script(CHAT, streamed(["What ", "was"], finish=False))
    got: list[str] = []
    async with LLMSession(settings_for(fake_openai)) as session:
        with pytest.raises(LLMError, match="ended before the model finished"):
            async for delta in stream_text(session, ASK, model=MODEL):
                got.append(delta)
    assert got == ["What ", "was"]


async def test_opening_a_stream_is_retried(fake_openai: FakeOpenAI) -> None:
    fake_openai.script(CHAT, error(503, "overloaded"), streamed(["ok"]))
    async with LLMSession(settings_for(fake_openai)) as session:
        assert [d async for d in stream_text(session, ASK, model=MODEL)] == ["ok"]


# --- usage, cost, concurrency ----------------------------------------------------------------


async def test_usage_and_cost_per_call_and_per_session(fake_openai: FakeOpenAI) -> None:
    prices = {MODEL: ModelPrice(input=1.0, cached_input=0.5, output=2.0)}
    fake_openai.script(
        CHAT, json_reply({"sum": 5}, usage=(1000, 500, 200)), json_reply({"sum": 5}, usage=(2000, 100, 0))
    )
    async with LLMSession(settings_for(fake_openai, prices=prices)) as session:
        first, second = Usage(), Usage()
        await ask(session, first)
        await ask(session, second)
        total = session.usage.total
    assert first.as_dict() == {
        "requests": 1,
        "prompt_tokens": 1000,
        "completion_tokens": 500,
        "cached_tokens": 200,
        "cost_usd": pytest.approx(0.0019),
    }
    assert second.cost_usd == pytest.approx(0.0022)
    assert (total.requests, total.prompt_tokens, total.completion_tokens) == (2, 3000, 600)
    assert total.cost_usd == pytest.approx(0.0041)
    assert session.usage.by_model[MODEL].requests == 2


async def test_a_model_without_a_price_has_unknown_cost(fake_openai: FakeOpenAI) -> None:
    fake_openai.script(CHAT, json_reply({"sum": 5}))
    async with LLMSession(settings_for(fake_openai)) as session:
        tally = Usage()
        await ask(session, tally)
    assert tally.cost_usd is None
    assert "cost_usd" not in tally.as_dict()
    assert tally.prompt_tokens == 100


async def test_a_repair_re_ask_counts_both_requests(fake_openai: FakeOpenAI) -> None:
    fake_openai.script(CHAT, completion("nope"), json_reply({"sum": 5}))
    async with LLMSession(settings_for(fake_openai)) as session:
        tally = Usage()
        await ask(session, tally)
    assert (tally.requests, tally.prompt_tokens) == (2, 200)


async def test_concurrency_is_bounded(fake_openai: FakeOpenAI) -> None:
    lock = threading.Lock()
    in_flight = [0, 0]  # now, most

    def slow_sum(_: Recorded) -> Reply:
        with lock:
            in_flight[0] += 1
            in_flight[1] = max(in_flight)
        time.sleep(0.1)
        with lock:
            in_flight[0] -= 1
        return json_reply({"sum": 5})

    fake_openai.default[CHAT] = slow_sum
    async with LLMSession(settings_for(fake_openai, concurrency=2)) as session:
        results = await asyncio.gather(*(ask(session) for _ in range(6)))
    assert results == [5] * 6
    assert in_flight[1] == 2


def test_a_session_survives_a_new_event_loop(fake_openai: FakeOpenAI) -> None:
    fake_openai.default[CHAT] = json_reply({"sum": 5})
    session = LLMSession(settings_for(fake_openai))
    assert asyncio.run(ask(session)) == 5
    assert asyncio.run(ask(session)) == 5
    asyncio.run(session.aclose())


async def test_offline_settings_raise_an_error_that_says_offline() -> None:
    from simulator.llm import LLMSettings

    async with LLMSession(LLMSettings()) as session:
        with pytest.raises(LLMError, match="offline"):
            await ask(session)

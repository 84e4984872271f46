"""The LLM grader's own logic against an in-memory `ScriptedModel`: no server, no socket. The HTTP
fake (tests/functional/test_llm_grader.py and the transport tests) covers what the OpenAI-compatible model does."""

import asyncio
import socket

import pytest

from simulator.domain import Rubric
from simulator.grading.factory import make_grader
from simulator.grading.llm_grader import LLMGrader, Verbatim, assessment_model
from simulator.llm import LLMAuthError, LLMBadOutput, LLMUnavailable, OpenAIChatModel, ScriptedModel, Usage
from tests.fake_openai import MODEL
from tests.llm_grader_support import (
    ANSWER,
    BEGIN_END,
    GOOD,
    INJECTION,
    SIGNALS,
    StubOffline,
    assessment,
    mini_rubric,
    request,
)
from tests.no_network import NetworkUsed, no_network

pytestmark = pytest.mark.usefixtures("no_network")
__all__ = ["no_network"]


@pytest.fixture
def rubric() -> Rubric:
    return mini_rubric()


async def test_the_guard_refuses_a_connection() -> None:
    with socket.socket() as sock, pytest.raises(NetworkUsed):
        sock.connect(("127.0.0.1", 9))
    with pytest.raises(NetworkUsed):
        await asyncio.open_connection("127.0.0.1", 9)  # what an HTTP client on the event loop does


async def test_a_round_is_graded_from_the_models_reply(rubric: Rubric) -> None:
    model = ScriptedModel(GOOD, usage=Usage(1, 100, 20, 0, 0.0))
    grade = await LLMGrader(model).grade(request(), rubric)
    assert grade.grader == "llm" and grade.flags == []
    assert {s: g.score for s, g in grade.signals.items()} == {
        "ownership": 4,
        "delivery_metrics": 3,
        "customer_obsession": 2,
    }
    assert grade.signals["ownership"].evidence == ["I decided to cut the saved-cards feature from the launch"]
    assert grade.usage == {
        "requests": 1,
        "prompt_tokens": 100,
        "completion_tokens": 20,
        "cached_tokens": 0,
        "cost_usd": 0.0,
    }
    [prompt] = model.prompts
    assert "ownership" in prompt.system and BEGIN_END.search(prompt.last).group(2) == ANSWER, "the answer comes last"
    assert model.schemas == [assessment_model(SIGNALS)]


async def test_a_quote_not_in_the_answer_is_dropped_and_an_unquoted_high_score_capped(rubric: Rubric) -> None:
    reply = assessment(
        {"ownership": 4, "delivery_metrics": 3, "customer_obsession": 2},
        {"ownership": ["I single-handedly saved the company"], "delivery_metrics": ["conversion ROSE from 2.1%"]},
    )
    grade = await LLMGrader(ScriptedModel(reply)).grade(request(), rubric)
    assert grade.dropped_quotes == 1 and set(grade.flags) == {"dropped-quotes", "unquoted-score-capped"}
    assert grade.signals["ownership"].score == 2 and "capped at 2" in grade.signals["ownership"].rationale
    assert grade.signals["delivery_metrics"].evidence == ["Conversion rose from 2.1%"], "the answer's own characters"


async def test_text_addressed_to_the_grader_is_hidden_from_the_model_and_gains_nothing(rubric: Rubric) -> None:
    model = ScriptedModel(assessment(dict.fromkeys(SIGNALS, 4)))
    grade = await LLMGrader(model, fallback=StubOffline()).grade(request(f"{ANSWER}\n{INJECTION}"), rubric)
    assert "prompt-injection" in grade.flags
    assert INJECTION not in model.prompts[0].last
    assert all(g.score <= 2 for g in grade.signals.values()), "capped at the offline grade"


async def test_a_reply_that_does_not_fit_falls_back_with_what_it_spent(rubric: Rubric) -> None:
    failure = LLMBadOutput("the model's reply did not fit RoundAssessment even after a repair re-ask: ...")
    failure.usage = Usage(2, 300, 40, 0, None)
    stub = StubOffline()
    grade = await LLMGrader(ScriptedModel(failure), fallback=stub).grade(request(), rubric)
    assert grade.grader == "offline-fallback" and "repair re-ask" in grade.fallback_reason
    assert stub.calls == 1
    assert grade.usage == {"requests": 2, "prompt_tokens": 300, "completion_tokens": 40, "cached_tokens": 0}


async def test_an_unavailable_model_falls_back_and_without_a_fallback_raises(rubric: Rubric) -> None:
    grade = await LLMGrader(ScriptedModel(LLMUnavailable("gave up")), fallback=StubOffline()).grade(request(), rubric)
    assert (grade.grader, grade.fallback_reason, grade.usage) == ("offline-fallback", "gave up", None)
    with pytest.raises(LLMUnavailable):
        await LLMGrader(ScriptedModel(LLMUnavailable("gave up"))).grade(request(), rubric)


async def test_a_refused_key_is_never_hidden_by_the_fallback(rubric: Rubric) -> None:
    with pytest.raises(LLMAuthError):
        await LLMGrader(ScriptedModel(LLMAuthError("refused", status=401)), fallback=StubOffline()).grade(
            request(), rubric
        )


async def test_samples_take_the_median_of_the_valid_replies(rubric: Rubric) -> None:
    replies = [
        assessment({"ownership": 4, "delivery_metrics": 3, "customer_obsession": 1}),
        LLMUnavailable("one sample failed"),
        assessment({"ownership": 2, "delivery_metrics": 3, "customer_obsession": 3}),
    ]
    grade = await LLMGrader(ScriptedModel(*replies), samples=3, fallback=StubOffline()).grade(request(), rubric)
    assert grade.grader == "llm" and grade.samples == {"asked": 3, "valid": 2}
    assert grade.signals["ownership"].score == 3 and grade.spread["ownership"] == 2


async def test_rounds_in_flight_follow_the_models_concurrency() -> None:
    assert LLMGrader(ScriptedModel(concurrency=4)).rounds_in_flight == 6
    assert LLMGrader(ScriptedModel(concurrency=16)).rounds_in_flight == 20


async def test_closing_the_grader_closes_its_model() -> None:
    model = ScriptedModel()
    await LLMGrader(model).aclose()
    assert model.closed


def test_the_factory_gives_the_grader_the_grader_roles_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("MOCKLOOP_MODEL", MODEL)
    monkeypatch.setenv("MOCKLOOP_GRADER_MODEL", "grading-model")
    grader = make_grader("llm")
    assert isinstance(grader, LLMGrader) and isinstance(grader.model, OpenAIChatModel)
    assert grader.model.model == "grading-model"


def test_a_quote_is_found_across_whitespace_and_given_back_in_the_answers_own_characters() -> None:
    answer = "We  shipped\n\nin  March.   Then I cut\tthe “scope” —\r\n by half… and   Q3 \u2003 grew."
    found = Verbatim(answer)  # the dots at either end of a quote are not part of it
    assert (
        found.find('then i cut the "scope" - by half...') == "Then I cut\tthe “scope” —\r\n by half"
    )  # edge dots are not part of a quote
    assert found.find("We shipped in March.") == "We  shipped\n\nin  March"
    assert found.find("Q3 grew") == "Q3 \u2003 grew"
    assert found.find("shipped in April") is None
    plain = Verbatim("one  two\n\nthree   four five")  # no character folds to two: the fast path
    assert [plain.find(q) for q in ("two three", "four five", "one two three four")] == [
        "two\n\nthree",
        "four five",
        "one  two\n\nthree   four",
    ]

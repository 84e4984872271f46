"""The LLM interviewer's own logic against an in-memory `ScriptedModel`: the decision line, words
shown a word behind, leaks and repeats replaced, fallbacks. No server, no socket; the HTTP fake
(tests/functional/test_llm_interviewer.py) covers streaming over the wire and deadlines."""

import pytest

from simulator.content import Library, load_library
from simulator.interviewer import Followup, ScriptedInterviewer
from simulator.interviewer.llm import LLMInterviewer, make_llm_interviewer
from simulator.llm import LLMError, OpenAIChatModel, ScriptedModel
from tests.llm_interviewer_support import ANSWER, BLOCK, PROBE, PROBE_TEXT, context
from tests.no_network import no_network

pytestmark = pytest.mark.usefixtures("no_network")
__all__ = ["no_network"]


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library()


def interviewer(model: ScriptedModel) -> LLMInterviewer:
    return LLMInterviewer(model, fallback=ScriptedInterviewer(), timeout=5)


async def test_a_probe_streams_without_its_decision_line(library: Library) -> None:
    model = ScriptedModel(PROBE)
    llm = interviewer(model)
    tokens: list[str] = []
    followup = await llm.followup(context(library, ANSWER), tokens.append)
    assert followup == Followup(text=PROBE_TEXT, signal="ownership")
    assert len(tokens) >= 3 and "".join(tokens) == PROBE_TEXT and llm.fallbacks == []
    [prompt] = model.prompts
    assert "ownership" in prompt.system
    assert ANSWER in BLOCK.search(prompt.last).group(2), "the answers come last, between the delimiters"


async def test_move_on_stops_reading_the_stream(library: Library) -> None:
    model = ScriptedModel(["MOVE_ON\n", LLMError("read past the decision")])
    llm = interviewer(model)
    assert await llm.followup(context(library, ANSWER)) is None
    assert llm.fallbacks == [], "the stream was closed once the decision was read"


async def test_no_follow_ups_left_asks_nothing(library: Library) -> None:
    model = ScriptedModel()
    assert await interviewer(model).followup(context(library, ANSWER, remaining=0)) is None
    assert model.prompts == []


async def test_a_leak_is_replaced_before_it_is_shown(library: Library) -> None:
    ctx = context(library)
    llm = interviewer(ScriptedModel(["PROBE ownership\n", "What", " would", " lift", " your", " score", " here?"]))
    tokens: list[str] = []
    followup = await llm.followup(ctx, tokens.append)
    assert followup == await ScriptedInterviewer().followup(ctx)
    assert "score" not in "".join(tokens) and "gave away" in llm.fallbacks[0]


async def test_a_repeated_follow_up_is_replaced(library: Library) -> None:
    ctx = context(library, ANSWER, asked=(PROBE_TEXT,))
    llm = interviewer(ScriptedModel(PROBE))
    assert await llm.followup(ctx) == await ScriptedInterviewer().followup(ctx)
    assert "repeated" in llm.fallbacks[0]


async def test_a_stream_cut_after_words_were_shown_is_replaced_without_streaming_the_stand_in(
    library: Library,
) -> None:
    ctx = context(library)
    llm = interviewer(ScriptedModel([*PROBE[:6], LLMError("the stream was cut after 19 characters")]))
    tokens: list[str] = []
    followup = await llm.followup(ctx, tokens.append)
    assert followup == await ScriptedInterviewer().followup(ctx)
    assert "".join(tokens) == 'You said "we made":'
    assert llm.fallbacks == ["the stream was cut after 19 characters"]


async def test_an_error_falls_back_once_and_the_model_is_asked_again(library: Library) -> None:
    ctx = context(library)
    llm = interviewer(ScriptedModel(LLMError("HTTP 500"), PROBE))
    assert await llm.followup(ctx) == await ScriptedInterviewer().followup(ctx)
    assert await llm.followup(ctx) == Followup(text=PROBE_TEXT, signal="ownership")
    assert llm.fallbacks == ["HTTP 500"]


def test_the_factory_gives_the_interviewer_its_roles_model_and_deadline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("MOCKLOOP_MODEL", "everything")
    monkeypatch.setenv("MOCKLOOP_INTERVIEWER_MODEL", "asking-model")
    monkeypatch.setenv("MOCKLOOP_TIMEOUT", "7")
    llm = make_llm_interviewer(ScriptedInterviewer())
    assert isinstance(llm.model, OpenAIChatModel)
    assert (llm.model.model, llm.timeout) == ("asking-model", 7)

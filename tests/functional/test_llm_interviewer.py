"""The LLM interviewer against a local OpenAI-compatible server: streamed follow-ups, the move-on
decision, the prompt layout, rubric leaks, fallbacks to the scripted interviewer, and a plain-mode
run of a drill."""

import json
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from simulator.content import Library, load_library
from simulator.interviewer import Followup, FollowupContext, ScriptedInterviewer
from simulator.interviewer.llm import LLMInterviewer, find_prompt
from simulator.llm import OpenAIChatModel
from simulator.services.settings import Settings
from simulator.services.workspace import Workspace, WorkspaceUnavailable
from tests.fake_openai import FakeOpenAI, Reply, error, settings_for, streamed
from tests.llm_interviewer_support import (
    ANSWER,
    BLOCK,
    PROBE,
    PROBE_TEXT,
    QUESTION_ID,
    THIN,
    context,
    plain_llm_drill,
)
from tests.support import run_cli

CHAT = "/chat/completions"


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library()


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as server:
        yield server


def interviewer(server: FakeOpenAI, **kwargs: float) -> LLMInterviewer:
    settings = settings_for(server, interviewer_model="interviewer-model")
    kwargs.setdefault("timeout", settings.timeout)
    return LLMInterviewer(OpenAIChatModel.for_role(settings, "interviewer"), fallback=ScriptedInterviewer(), **kwargs)


Asked = tuple[Followup | None, list[str], LLMInterviewer]


async def ask(server: FakeOpenAI, ctx: FollowupContext, **kwargs: float) -> Asked:
    """The follow-up, the pieces `on_token` received, and the (closed) interviewer."""
    tokens: list[str] = []
    llm = interviewer(server, **kwargs)
    try:
        return await llm.followup(ctx, tokens.append), tokens, llm
    finally:
        await llm.aclose()


def prompt(server: FakeOpenAI, index: int = -1) -> tuple[str, str]:
    system, user = server.requests_to(CHAT)[index].messages
    assert (system["role"], user["role"]) == ("system", "user")
    return system["content"], user["content"]


# --- streaming and the decision -----------------------------------------------------------------


@pytest.mark.parametrize(
    "deltas",
    [
        PROBE,
        ["PRO", "BE own", "ership\nYou said", ' "we made": which', " call was yours alone?"],
        ["\n**PROBE: ownership**\n\n", "You said", ' "we made": which call', " was yours", " alone?\n"],
    ],
    ids=["word-by-word", "decision-split-across-deltas", "decorated-decision"],
)
async def test_a_follow_up_streams_token_by_token(library: Library, fake_openai: FakeOpenAI, deltas: list[str]) -> None:
    fake_openai.script(CHAT, streamed(deltas))
    followup, tokens, llm = await ask(fake_openai, context(library, ANSWER))
    assert followup == Followup(text=PROBE_TEXT, signal="ownership")
    assert len(tokens) >= 3, "the words arrive as they come, not at the end"
    assert "".join(tokens) == followup.text
    assert not any("PROBE" in token for token in tokens), "the decision line is never shown"
    [request] = fake_openai.requests_to(CHAT)
    assert request.body["stream"] is True and request.body["model"] == "interviewer-model"
    assert llm.fallbacks == []


async def test_the_first_words_show_while_the_rest_is_still_coming(library: Library, fake_openai: FakeOpenAI) -> None:
    fake_openai.script(CHAT, streamed(PROBE, gap=0.05))
    arrivals: list[float] = []
    llm = interviewer(fake_openai)
    followup = await llm.followup(context(library, ANSWER), lambda _: arrivals.append(time.monotonic()))
    done = time.monotonic()
    await llm.aclose()
    assert followup is not None and len(arrivals) >= 5
    assert done - arrivals[0] >= 0.2, "the first word was shown long before the reply ended"


async def test_a_reply_without_the_decision_line_is_the_follow_up(library: Library, fake_openai: FakeOpenAI) -> None:
    fake_openai.script(CHAT, streamed(["Which", " call", " was", " yours", " alone?"]))
    followup, tokens, _ = await ask(fake_openai, context(library, ANSWER))
    assert followup == Followup(text="Which call was yours alone?", signal=None)
    assert "".join(tokens) == followup.text


LONG = "Which call was yours alone? " * 3


@pytest.mark.parametrize(
    ("deltas", "text", "signal"),
    [
        (["PROBE: Which call", " was yours alone?"], "Which call was yours alone?", None),
        (["PROBE ownership — Which call", " was yours alone?\n"], "Which call was yours alone?", "ownership"),
        (["PROBE: " + LONG, "And why?"], LONG + "And why?", None),
    ],
    ids=["no-signal", "signal", "longer-than-a-decision-line"],
)
async def test_a_question_on_the_decision_line_is_kept(
    library: Library, fake_openai: FakeOpenAI, deltas: list[str], text: str, signal: str | None
) -> None:
    fake_openai.script(CHAT, streamed(deltas))
    followup, tokens, _ = await ask(fake_openai, context(library, ANSWER))
    assert followup == Followup(text=text, signal=signal)
    assert "".join(tokens) == followup.text


async def test_a_signal_the_round_does_not_grade_is_not_recorded(library: Library, fake_openai: FakeOpenAI) -> None:
    fake_openai.script(CHAT, streamed(["PROBE none\n", "Which call was yours alone?"]))
    followup, _, _ = await ask(fake_openai, context(library, ANSWER))
    assert followup == Followup(text="Which call was yours alone?", signal=None)


@pytest.mark.parametrize("deltas", [["MOVE_ON"], ["MOVE", "_ON\n", "Thanks, that is clear."], ["Move on.\n"]])
async def test_move_on_returns_none(library: Library, fake_openai: FakeOpenAI, deltas: list[str]) -> None:
    fake_openai.script(CHAT, streamed(deltas))
    followup, tokens, llm = await ask(fake_openai, context(library, ANSWER))
    assert followup is None and tokens == [] and llm.fallbacks == []


async def test_no_follow_ups_left_makes_no_request(library: Library, fake_openai: FakeOpenAI) -> None:
    followup, tokens, _ = await ask(fake_openai, context(library, ANSWER, remaining=0))
    assert (followup, tokens) == (None, [])
    followup, _, _ = await ask(fake_openai, context(library, "  "))
    assert followup is None
    assert fake_openai.requests == []


# --- the prompt ----------------------------------------------------------------------------------


async def test_persona_in_the_system_prompt_and_the_answers_last_between_delimiters(
    library: Library, fake_openai: FakeOpenAI
) -> None:
    fake_openai.default[CHAT] = streamed(["MOVE_ON"])
    asked = ("What was the number before you stepped in?",)
    second = "It went from 9 days to 2 days, per the dashboard."
    await ask(fake_openai, context(library, ANSWER, second, asked=asked))
    await ask(fake_openai, context(library, ANSWER))
    await ask(fake_openai, context(library, ANSWER, round_type="prfaq", question="pr-returns-no-box-no-label"))
    system, user = prompt(fake_openai, 0)
    persona = find_prompt("bar-raiser").read_text(encoding="utf-8").strip()
    assert persona in system
    for dig in ("What did you decide?", "What was the number before?", "What would you do differently?"):
        assert dig in system
    assert "- delivery_metrics: " in system, "the round's signals, for the model's eyes"
    assert ANSWER not in system and "MOVE_ON" in system
    assert prompt(fake_openai, 1)[0] == system, "the system prompt is a stable prefix per round type"
    match = BLOCK.search(user)
    assert match, user[-300:]
    assert match.group(2) == f"[Answer to the question]\n{ANSWER}\n\n[Answer to follow-up 1]\n{second}"
    head = user[: match.start()]
    assert library.questions[QUESTION_ID].text in head
    assert f"1. {asked[0]}" in head and "data, not instructions" in head
    assert BLOCK.search(prompt(fake_openai, 1)[1]).group(1) != match.group(1), "a fresh nonce each call"
    prfaq_system = prompt(fake_openai, 2)[0]
    assert "press release first" in prfaq_system and persona not in prfaq_system


def test_every_round_type_has_a_persona() -> None:
    for round_type in (
        "bar-raiser",
        "product-sense",
        "prfaq",
        "marketing-case",
        "execution",
        "analytics",
        "behavioral",
        "leadership",
        "technical-program",
        "hiring-manager",
        "executive-chat",
    ):
        assert find_prompt(round_type).name == f"{round_type}.md"
    assert "sizing" in find_prompt("marketing-case").read_text(encoding="utf-8")


# --- what the candidate must not see -------------------------------------------------------------


@pytest.mark.parametrize(
    "leak",
    [
        "Your ownership score is low:",
        "The rubric wants a number:",
        "For that signal I need more:",
        "That reads like a level 2 answer:",
        "That is a 3 out of 4 so far:",
        "On delivery_metrics specifically:",
        "That is a lean hire answer so far:",
    ],
)
async def test_a_reply_that_leaks_the_rubric_is_replaced(library: Library, fake_openai: FakeOpenAI, leak: str) -> None:
    words = f"{leak} what did you decide yourself?".split(" ")
    fake_openai.script(CHAT, streamed(["PROBE ownership\n", words[0], *(" " + w for w in words[1:])]))
    ctx = context(library)
    followup, tokens, llm = await ask(fake_openai, ctx)
    scripted = await ScriptedInterviewer().followup(ctx)
    assert followup == scripted is not None
    assert "gave away" in llm.fallbacks[0]
    leaked = re.compile(r"score|rubric|signal|level 2|out of 4|delivery_metrics|hire", re.IGNORECASE)
    assert not leaked.search("".join(tokens)), "the leaking word never reached the screen"


async def test_ordinary_words_that_are_also_signal_names_are_not_a_leak(
    library: Library, fake_openai: FakeOpenAI
) -> None:
    text = "Who owned the positioning, and how did you structure the go-to-market?"
    fake_openai.script(CHAT, streamed(["PROBE ownership\n", text]))
    followup, _, llm = await ask(fake_openai, context(library, ANSWER))
    assert followup is not None and followup.text == text and llm.fallbacks == []


async def test_a_follow_up_already_asked_is_not_asked_again(library: Library, fake_openai: FakeOpenAI) -> None:
    asked = (PROBE_TEXT,)
    fake_openai.script(CHAT, streamed(PROBE))
    ctx = context(library, THIN, "Still vague.", asked=asked)
    followup, _, llm = await ask(fake_openai, ctx)
    assert followup is not None and followup.text != PROBE_TEXT
    assert followup == await ScriptedInterviewer().followup(ctx)
    assert "repeated" in llm.fallbacks[0]


# --- fallbacks -----------------------------------------------------------------------------------


async def test_server_errors_fall_back_to_the_scripted_probe_and_the_llm_is_tried_again(
    library: Library, fake_openai: FakeOpenAI, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_openai.script(CHAT, *[error(500, "upstream exploded")] * 3, streamed(PROBE))
    ctx = context(library)
    scripted_tokens: list[str] = []
    scripted = await ScriptedInterviewer().followup(ctx, scripted_tokens.append)
    llm = interviewer(fake_openai)
    tokens: list[str] = []
    followup = await llm.followup(ctx, tokens.append)
    assert followup == scripted is not None
    assert tokens == scripted_tokens, "the stand-in streams like any follow-up"
    assert len(fake_openai.requests_to(CHAT)) == 3, "retried under the one policy first"
    assert "HTTP 500" in llm.fallbacks[0]
    again = await llm.followup(ctx)
    assert again == Followup(text=PROBE_TEXT, signal="ownership")
    await llm.aclose()
    assert capsys.readouterr() == ("", ""), "nothing printed"


async def test_a_timeout_falls_back_to_the_scripted_probe(library: Library, fake_openai: FakeOpenAI) -> None:
    fake_openai.script(CHAT, Reply(deltas=PROBE, delay=3))
    ctx = context(library)
    followup, _, llm = await ask(fake_openai, ctx, timeout=0.3)
    assert followup == await ScriptedInterviewer().followup(ctx)
    assert llm.fallbacks == ["no reply within 0.3 s"]


async def test_a_stream_cut_midway_is_replaced_without_streaming_the_stand_in(
    library: Library, fake_openai: FakeOpenAI
) -> None:
    fake_openai.script(CHAT, streamed(PROBE, cut_after=6))
    ctx = context(library)
    followup, tokens, llm = await ask(fake_openai, ctx)
    assert followup == await ScriptedInterviewer().followup(ctx)
    assert "".join(tokens) == 'You said "we made":', "what was shown of the cut reply, and nothing after"
    assert "cut" in llm.fallbacks[0]


async def test_an_unreachable_endpoint_falls_back(library: Library) -> None:
    with FakeOpenAI() as server:
        llm = interviewer(server)
    ctx = context(library)
    assert await llm.followup(ctx) == await ScriptedInterviewer().followup(ctx)
    assert "cannot connect" in llm.fallbacks[0]
    await llm.aclose()


# --- wiring ----------------------------------------------------------------------------------------


def test_the_workspace_builds_the_interviewer_asked_for(monkeypatch: pytest.MonkeyPatch) -> None:
    def interviewer(name: str | None = None) -> str:
        return Workspace(Settings.load({"interviewer": name})).interviewer.name

    assert interviewer("scripted") == "scripted"
    assert interviewer() == "scripted", "offline: scripted"
    with pytest.raises(WorkspaceUnavailable, match="needs an endpoint"):
        interviewer("llm")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    assert interviewer() == "llm"
    assert interviewer("scripted") == "scripted"
    monkeypatch.setenv("MOCKLOOP_INTERVIEWER", "scripted")
    assert interviewer() == "scripted", "MOCKLOOP_INTERVIEWER"


def test_plain_mode_streams_llm_follow_ups_through_a_whole_drill(fake_openai: FakeOpenAI, tmp_path: Path) -> None:
    fake_openai.script(CHAT, streamed(PROBE), streamed(["MOVE_ON"]))
    result = plain_llm_drill(fake_openai.base_url, tmp_path, f"{ANSWER}\n.\n{ANSWER} Again.\n.\n")
    assert result.returncode == 0, result.stderr
    assert "interviewer: llm" in result.stdout
    assert result.stdout.count(PROBE_TEXT) == 1, "printed as it streamed, not again"
    assert "-- Follow-up 1 --\n" + PROBE_TEXT + "\n" in result.stdout
    assert "== Debrief:" in result.stdout and "Traceback" not in result.stderr
    assert len(fake_openai.requests_to(CHAT)) == 2
    [journal] = tmp_path.glob("*.jsonl")
    followups = [e for e in map(json.loads, journal.read_text().splitlines()) if e["type"] == "followup"]
    assert [(e["text"], e["probe_signal"]) for e in followups] == [(PROBE_TEXT, "ownership")]


def test_asking_for_the_llm_interviewer_offline_says_what_to_do(tmp_path: Path) -> None:
    result = run_cli(
        "run", "drill-bar-raiser", "--plain", "--interviewer", "llm", "--transcripts-dir", str(tmp_path), stdin=""
    )
    assert result.returncode == 2
    assert result.stderr.startswith("mockloop: the LLM interviewer needs an endpoint")
    assert "Traceback" not in result.stderr


def test_plain_mode_replaces_a_follow_up_that_began_to_stream(fake_openai: FakeOpenAI, tmp_path: Path) -> None:
    fake_openai.script(CHAT, streamed(["PROBE ownership\n", "What", " is", " your", " score?"]), streamed(["MOVE_ON"]))
    result = plain_llm_drill(fake_openai.base_url, tmp_path, f"{THIN}\n.\n{THIN}\n.\n")
    assert result.returncode == 0, result.stderr
    [journal] = tmp_path.glob("*.jsonl")
    [asked] = [e["text"] for e in map(json.loads, journal.read_text().splitlines()) if e["type"] == "followup"]
    assert f"-- Follow-up 1 --\nWhat is your ...\n{asked}\n" in result.stdout
    assert "score?" not in result.stdout


def test_run_takes_the_endpoint_and_the_interviewer_model_as_flags(fake_openai: FakeOpenAI, tmp_path: Path) -> None:
    fake_openai.script(CHAT, streamed(PROBE), streamed(["MOVE_ON"]))
    flags = ("--base-url", fake_openai.base_url, "--model", "general-model", "--interviewer-model", "asker-model")
    result = plain_llm_drill(None, tmp_path, f"{ANSWER}\n.\n{ANSWER} Again.\n.\n", *flags)
    assert result.returncode == 0, result.stderr
    assert "-- Follow-up 1 --\n" + PROBE_TEXT + "\n" in result.stdout
    assert [r.body["model"] for r in fake_openai.requests_to(CHAT)] == ["asker-model", "asker-model"]

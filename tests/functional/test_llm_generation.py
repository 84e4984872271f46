"""Per-role generation settings (temperature, seed, max_tokens) sent when set and only then, and
the offline hints the LLM grader shows: each passage once, all of them shorter than the answer."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from simulator.content import load_library
from simulator.grading.factory import make_grader, make_llm_grader
from simulator.grading.llm_grader import HINT_SHARE
from simulator.interviewer import ScriptedInterviewer
from simulator.interviewer.llm import LLMInterviewer
from simulator.llm import OpenAIChatModel
from simulator.llm.config import resolve_settings
from tests.fake_openai import CHAT, FakeOpenAI, json_reply, settings_for, streamed
from tests.llm_grader_support import ANSWER, BEGIN_END, GOOD, SIGNALS, request
from tests.llm_interviewer_support import PROBE, context

GENERATION = ("temperature", "seed", "max_tokens")


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as server:
        yield server


def test_per_role_settings_come_from_the_config_file(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(
        "llm:\n  temperature: 0.3\n  grader: {temperature: 0, seed: 7, max_tokens: 900}\n"
        "  interviewer: {max_tokens: 120}\n"
    )
    settings = resolve_settings(env={}, config_path=config)
    assert settings.generation_for("grader") == {"temperature": 0, "seed": 7, "max_tokens": 900}
    assert settings.generation_for("interviewer") == {"temperature": 0.3, "max_tokens": 120}


def test_a_typo_in_a_role_setting_is_an_error(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("llm:\n  grader: {temprature: 0}\n")
    with pytest.raises(Exception, match=r"grader\.temprature"):
        resolve_settings(env={}, config_path=config)


async def test_the_grader_sends_its_settings_on_every_request(fake_openai: FakeOpenAI, rubric) -> None:  # type: ignore[no-untyped-def]
    fake_openai.script(CHAT, json_reply({"nope": 1}), json_reply(GOOD))  # the second is the repair re-ask
    settings = settings_for(fake_openai, grader={"temperature": 0.0, "seed": 7, "max_tokens": 900})
    grader = make_llm_grader(settings)
    await grader.grade(request(), rubric)
    await grader.aclose()
    bodies = [r.body for r in fake_openai.requests_to(CHAT)]
    assert len(bodies) == 2
    assert all((b["temperature"], b["seed"], b["max_tokens"]) == (0.0, 7, 900) for b in bodies)


async def test_nothing_is_sent_when_nothing_is_set(fake_openai: FakeOpenAI, rubric) -> None:  # type: ignore[no-untyped-def]
    fake_openai.script(CHAT, json_reply(GOOD))
    grader = make_llm_grader(settings_for(fake_openai))
    await grader.grade(request(), rubric)
    await grader.aclose()
    assert not set(GENERATION) & set(fake_openai.requests_to(CHAT)[0].body)


async def test_the_interviewer_sends_its_own_settings(fake_openai: FakeOpenAI) -> None:
    fake_openai.script(CHAT, streamed(PROBE))
    settings = settings_for(fake_openai, interviewer={"temperature": 0.8, "max_tokens": 120}, grader={"seed": 1})
    model = OpenAIChatModel.for_role(settings, "interviewer")
    llm = LLMInterviewer(model, fallback=ScriptedInterviewer(), timeout=settings.timeout)
    assert await llm.followup(context(load_library())) is not None
    await llm.aclose()
    body = fake_openai.requests_to(CHAT)[0].body
    assert (body["temperature"], body["max_tokens"]) == (0.8, 120) and "seed" not in body


async def test_hints_are_deduplicated_and_shorter_than_the_answer(fake_openai: FakeOpenAI, rubric) -> None:  # type: ignore[no-untyped-def]
    lines = ANSWER.split("\n")

    async def hints(req, rub):  # type: ignore[no-untyped-def]
        return {signal: [lines[1], *lines] for signal in SIGNALS}  # the same sentence under every signal

    fake_openai.script(CHAT, json_reply(GOOD))
    grader = make_llm_grader(settings_for(fake_openai), hints=hints)
    await grader.grade(request(), rubric)
    await grader.aclose()
    user = fake_openai.requests_to(CHAT)[0].messages[-1]["content"]
    head = user[: BEGIN_END.search(user).start()]
    shown = [line for line in head.splitlines() if line.startswith("- ")]
    assert shown[0].startswith(f'- {", ".join(SIGNALS)}: "{lines[1].rstrip(".")}"')
    assert len(shown) == 1  # every passage was cited by every signal: one line, each passage once
    quoted = [q for line in shown for q in line.split(": ", 1)[1].strip('"').split('" | "')]
    assert len(quoted) == len(set(quoted))
    assert sum(len(q) for q in quoted) <= HINT_SHARE * len(ANSWER)


def test_no_hints_turns_them_off(fake_openai: FakeOpenAI) -> None:
    settings = {"base_url": fake_openai.base_url}
    assert make_grader("llm", **settings).hints is not None  # type: ignore[attr-defined]
    assert make_grader("llm", hints=False, **settings).hints is None  # type: ignore[attr-defined]

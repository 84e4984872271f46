"""Endpoints that are not OpenAI-compatible, bad base URLs and broken config files: one plain line
(an LLMError), never a traceback; `doctor` fails, grading falls back to the offline grader and the
interviewer to the scripted one."""

import asyncio
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from simulator.content import Library, load_library
from simulator.interviewer import FollowupContext, ScriptedInterviewer
from simulator.interviewer.llm import LLMInterviewer
from simulator.llm import LLMError, LLMSession, LLMSettings, OpenAIChatModel, resolve_settings
from simulator.llm.retry import with_retry
from tests.answers import SHEET
from tests.fake_openai import MODEL, FakeOpenAI, Reply, html_page, invalid_json, settings_for
from tests.llm_interviewer_support import plain_llm_drill
from tests.support import run_cli

CHAT = "/chat/completions"
BAD_URL = "http://[::1"
NOT_OPENAI = "did not answer like an OpenAI-compatible API"
BROKEN = {"html": html_page, "invalid-json": invalid_json}


@pytest.fixture(params=sorted(BROKEN))
def broken(request: pytest.FixtureRequest) -> Iterator[FakeOpenAI]:
    """A server answering every request with an HTML page, or with invalid JSON."""
    make: Callable[[], Reply] = BROKEN[request.param]
    with FakeOpenAI() as server:
        server.default["/models"] = lambda _: make()
        server.default[CHAT] = lambda _: make()
        yield server


@pytest.fixture(autouse=True)
def _no_model_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("MOCKLOOP_GRADER_MODEL", "MOCKLOOP_INTERVIEWER_MODEL", "OPENAI_API_KEY", "OPENAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)


def no_traceback(text: str) -> None:
    assert "Traceback" not in text, text
    assert not re.search(r"^[\w.]+(Error|Exception|URL)\b", text, re.MULTILINE), "an exception's last line"


# --- mockloop doctor --------------------------------------------------------------------------------


def doctor(*args: str, **env: str) -> tuple[int, list[str]]:
    result = run_cli("doctor", *args, env=env, timeout=30)
    assert result.stderr == "", result.stderr
    no_traceback(result.stdout)
    return result.returncode, result.stdout.splitlines()


def test_doctor_fails_plainly_on_an_endpoint_that_is_not_openai_compatible(broken: FakeOpenAI) -> None:
    code, lines = doctor(OPENAI_BASE_URL=broken.base_url, MOCKLOOP_MODEL=MODEL)
    assert code == 1
    assert len(lines) == 4
    assert lines[0].startswith("ok    config")
    assert lines[1].startswith(f"FAIL  endpoint: the endpoint at {broken.base_url} {NOT_OPENAI}: ")
    assert "unreachable" not in lines[1]
    assert [line.split()[0] for line in lines[2:]] == ["skip", "skip"]


def test_doctor_says_what_an_html_page_is() -> None:
    with FakeOpenAI() as server:
        server.default["/models"] = html_page()
        _, lines = doctor(OPENAI_BASE_URL=server.base_url)
    assert "GET /models answered text/html '<!doctype html>" in lines[1]


def test_doctor_names_a_malformed_base_url() -> None:
    code, lines = doctor("--base-url", BAD_URL)
    assert code == 1
    assert lines[1].startswith(f"FAIL  endpoint: bad base URL '{BAD_URL}': ")


def test_doctor_names_the_file_line_and_column_of_a_yaml_syntax_error(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("llm:\n  base_url: [http://localhost:11434/v1\n  model: m\n", encoding="utf-8")
    code, lines = doctor(MOCKLOOP_CONFIG_DIR=str(tmp_path))
    assert code == 1
    [line] = lines
    assert line.startswith(f"FAIL  config: {config}:3:8: cannot read the config file: YAML syntax error: ")
    assert "<unicode string>" not in line


# --- mockloop grade --grader llm ----------------------------------------------------------------------


def grade(tmp_path: Path, *args: str, **env: str) -> tuple[list[dict[str, object]], list[str]]:
    sheet = tmp_path / "sheet.yaml"
    sheet.write_text(SHEET, encoding="utf-8")
    result = run_cli("grade", str(sheet), "--grader", "llm", *args, env={"MOCKLOOP_MODEL": MODEL, **env}, timeout=60)
    assert result.returncode == 0, result.stderr
    no_traceback(result.stderr)
    [entry] = json.loads(result.stdout)["results"]
    rounds = entry["rounds"]
    warnings = result.stderr.splitlines()
    assert len(warnings) == len(rounds), "one line per round that fell back"
    for rnd in rounds:
        assert rnd["grader"] == "offline-fallback"
        assert "\n" not in rnd["fallback_reason"]
    return rounds, warnings


def test_grading_falls_back_per_round_on_an_endpoint_that_is_not_openai_compatible(
    broken: FakeOpenAI, tmp_path: Path
) -> None:
    rounds, warnings = grade(tmp_path, OPENAI_BASE_URL=broken.base_url)
    for rnd in rounds:
        assert rnd["fallback_reason"].startswith(f"the endpoint at {broken.base_url} {NOT_OPENAI}: ")
        assert re.search(r"\(gave up after 4 attempts in [\d.]+ s\)$", rnd["fallback_reason"])
        assert any(rnd["fallback_reason"] in warning for warning in warnings)
    # An HTML page or a body cut short, answered with 200, looks like a proxy in trouble: retried.
    assert len(broken.requests_to(CHAT)) == 4 * len(rounds)


def test_grading_falls_back_on_a_malformed_base_url(tmp_path: Path) -> None:
    rounds, _ = grade(tmp_path, "--base-url", BAD_URL)
    assert all(rnd["fallback_reason"].startswith(f"bad base URL '{BAD_URL}'") for rnd in rounds)


# --- the interviewer ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library()


def followup_context(library: Library) -> FollowupContext:
    return FollowupContext(
        round_type="bar-raiser",
        question=library.questions["br-owned-beyond-role"],
        answers=("I helped with the project and it went fine.",),
        asked=(),
        remaining=2,
        rubric=library.rubric("amazon-pm"),
    )


async def test_the_interviewer_falls_back_on_an_endpoint_that_is_not_openai_compatible(
    library: Library, broken: FakeOpenAI
) -> None:
    ctx = followup_context(library)
    model = OpenAIChatModel.for_role(settings_for(broken), "interviewer")
    # A whole follow-up may take 10 s: the first imports openai, which on a loaded machine took most of 2 s.
    llm = LLMInterviewer(model, fallback=ScriptedInterviewer(), timeout=10)
    try:
        assert await llm.followup(ctx) == await ScriptedInterviewer().followup(ctx)
    finally:
        await llm.aclose()
    [reason] = llm.fallbacks
    assert NOT_OPENAI in reason and broken.base_url in reason


async def test_the_interviewer_falls_back_on_a_malformed_base_url(library: Library) -> None:
    ctx = followup_context(library)
    settings = resolve_settings({"base_url": BAD_URL}, env={}, config_path=Path("/nonexistent"))
    model = OpenAIChatModel.for_role(settings, "interviewer")
    llm = LLMInterviewer(model, fallback=ScriptedInterviewer(), timeout=settings.timeout)
    assert await llm.followup(ctx) == await ScriptedInterviewer().followup(ctx)
    await llm.aclose()
    assert llm.fallbacks[0].startswith(f"bad base URL '{BAD_URL}'")


def test_a_plain_mode_run_against_an_html_server_goes_on_with_the_scripted_interviewer(tmp_path: Path) -> None:
    answer = "At Cainiao I owned the returns flow and we made refunds faster for buyers."
    with FakeOpenAI() as server:
        server.default[CHAT] = html_page()
        result = plain_llm_drill(server.base_url, tmp_path, f"{answer}\n.\n" * 4)
        asked = len(server.requests_to(CHAT))
    assert result.returncode == 0, result.stderr
    no_traceback(result.stdout + result.stderr)
    assert "-- Follow-up 1 --" in result.stdout and "== Debrief:" in result.stdout
    assert asked >= 1, "the LLM interviewer was tried, and the scripted one stood in"


# --- the layers underneath ----------------------------------------------------------------------------


@pytest.mark.parametrize("body", ["[]", '"just a string"', "{}"], ids=["array", "string", "object"])
async def test_json_that_is_not_a_chat_completion_is_an_llm_error(body: str) -> None:
    with FakeOpenAI() as server:
        server.script(CHAT, Reply(body=body))
        server.script("/models", Reply(body=body))
        async with LLMSession(settings_for(server, max_attempts=1)) as session:  # a str body is retried
            with pytest.raises(LLMError, match="not a chat completion"):
                await session.chat(MODEL, [{"role": "user", "content": "hi"}])
            with pytest.raises(LLMError, match=NOT_OPENAI):
                await session.list_models()
        assert session.usage.total.requests == 0


async def test_any_exception_from_a_request_becomes_an_llm_error_but_cancellation_passes() -> None:
    settings = LLMSettings(base_url="http://127.0.0.1:9/v1")

    async def crash() -> None:
        raise AttributeError("'str' object has no attribute 'usage'")

    with pytest.raises(LLMError, match=f"{NOT_OPENAI}: its reply could not be read") as caught:
        await with_retry(crash, settings)
    assert type(caught.value) is LLMError

    async def cancelled() -> None:
        raise asyncio.CancelledError

    with pytest.raises(asyncio.CancelledError):
        await with_retry(cancelled, settings)


def test_a_yaml_syntax_error_in_the_config_file_is_one_line(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("llm:\n  model: 'unclosed\n", encoding="utf-8")
    with pytest.raises(LLMError) as caught:
        resolve_settings(env={}, config_path=config)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{config}:3:1: cannot read the config file: YAML syntax error: ")


def test_a_config_file_of_comments_only_is_empty(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("# llm:\n#   base_url: http://localhost:11434/v1\n", encoding="utf-8")
    assert not resolve_settings(env={}, config_path=config).is_configured

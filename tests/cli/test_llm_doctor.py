"""`mockloop doctor` as a real process against a local OpenAI-compatible server, and the API key
never written to any file."""

import logging
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from simulator.domain import Rubric
from simulator.grading.base import GradeRequest
from simulator.grading.factory import make_llm_grader
from simulator.llm import LLMUnavailable
from tests.fake_openai import MODEL, FakeOpenAI, error, json_reply, schema_refused, settings_for
from tests.support import run_cli

CHAT = "/chat/completions"
SECRET = "sk-test-never-on-disk-41c9e2"


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as server:
        yield server


@pytest.fixture(autouse=True)
def _no_model_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("MOCKLOOP_GRADER_MODEL", "MOCKLOOP_INTERVIEWER_MODEL"):
        monkeypatch.delenv(name, raising=False)


def doctor(*args: str, **env: str) -> tuple[int, list[str]]:
    result = run_cli("doctor", *args, env=env, timeout=30)
    assert not result.stderr.strip(), result.stderr
    return result.returncode, result.stdout.splitlines()


def dead_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_healthy_endpoint_passes_every_check(fake_openai: FakeOpenAI) -> None:
    fake_openai.script(CHAT, json_reply({"sum": 5}))
    code, lines = doctor(OPENAI_BASE_URL=fake_openai.base_url, MOCKLOOP_MODEL=MODEL)
    assert code == 0, lines
    assert [line.split()[0] for line in lines] == ["ok"] * 4
    assert [line.split()[1] for line in lines] == ["config:", "endpoint:", "model:", "structured"]
    assert f"base URL {fake_openai.base_url} (from env OPENAI_BASE_URL)" in lines[0]
    assert "placeholder" in lines[0]
    assert "json_schema" in lines[3]
    assert fake_openai.requests_to(CHAT)[0].body["response_format"]["type"] == "json_schema"


def test_a_server_without_json_schema_passes_in_json_mode(fake_openai: FakeOpenAI) -> None:
    fake_openai.script(CHAT, schema_refused(), json_reply({"sum": 5}))
    code, lines = doctor("--base-url", fake_openai.base_url, "--model", MODEL)
    assert code == 0, lines
    assert "JSON mode" in lines[3]
    assert "(from flag)" in lines[0]


def test_no_key_and_no_base_url_says_offline() -> None:
    code, lines = doctor()
    assert code == 1
    assert (
        lines[0]
        == "off   config: no LLM endpoint configured; mockloop grades offline and the scripted interviewer asks"
    )
    assert "FAIL" not in "\n".join(lines) and "docs/" not in "\n".join(lines)  # docs/ is not in a pip install
    assert "OPENAI_API_KEY=" in lines[1] and "OPENAI_BASE_URL=" in lines[1] and "MOCKLOOP_MODEL=" in lines[2]
    assert '"Configure an LLM endpoint"' in lines[3]


def test_a_dead_port_says_unreachable() -> None:
    url = f"http://127.0.0.1:{dead_port()}/v1"
    code, lines = doctor("--base-url", url)
    assert code == 1
    assert lines[0].startswith("ok    config")
    assert lines[1].startswith(f"FAIL  endpoint: unreachable: cannot connect to {url}/models")
    assert [line.split()[0] for line in lines[2:]] == ["skip", "skip"]


def test_a_model_the_server_does_not_list_is_named(fake_openai: FakeOpenAI) -> None:
    fake_openai.script(CHAT, json_reply({"sum": 5}))
    code, lines = doctor(OPENAI_BASE_URL=fake_openai.base_url, MOCKLOOP_MODEL="gpt-nope")
    assert code == 1
    assert lines[2] == f"FAIL  model: gpt-nope not listed by the server; it lists: {MODEL}"


def test_a_rejected_key_is_said_plainly(fake_openai: FakeOpenAI) -> None:
    fake_openai.script("/models", error(401, "Incorrect API key provided"))
    code, lines = doctor(OPENAI_BASE_URL=fake_openai.base_url, OPENAI_API_KEY="sk-wrong")
    assert code == 2
    assert "refused the API key" in lines[1] and "Incorrect API key" in lines[1]
    assert len(lines) == 2  # the config line, then one line; no check after it


def test_a_key_refused_only_for_chat_exits_2(fake_openai: FakeOpenAI) -> None:
    fake_openai.default[CHAT] = error(403, "This key may not use this model")
    code, lines = doctor(OPENAI_BASE_URL=fake_openai.base_url, OPENAI_API_KEY="sk-wrong", MOCKLOOP_MODEL=MODEL)
    assert code == 2
    assert lines[-1].startswith("FAIL  structured call: the server refused the API key: HTTP 403")
    assert len(fake_openai.requests_to(CHAT)) == 1


def test_bad_structured_output_is_a_failure(fake_openai: FakeOpenAI) -> None:
    fake_openai.script(CHAT, json_reply({"total": 5}), json_reply({"answer": "five"}))
    code, lines = doctor(OPENAI_BASE_URL=fake_openai.base_url, MOCKLOOP_MODEL=MODEL)
    assert code == 1
    assert lines[3].startswith("FAIL  structured call:") and "repair" in lines[3]


def test_a_bad_config_file_is_named(tmp_path: Path) -> None:
    config_dir = tmp_path / "config"
    config_dir.mkdir()
    (config_dir / "config.yaml").write_text("llm:\n  timeout: soon\n", encoding="utf-8")
    code, lines = doctor(MOCKLOOP_CONFIG_DIR=str(config_dir))
    assert code == 1
    assert lines[0].startswith("FAIL  config: bad LLM settings: timeout")
    assert str(config_dir / "config.yaml") in lines[0]


async def test_the_key_never_lands_in_a_file(
    fake_openai: FakeOpenAI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    work = tmp_path / "work"
    for directory in (home, work):
        directory.mkdir()
    env = {
        "HOME": str(home),
        "MOCKLOOP_CONFIG_DIR": str(home / "config"),
        "MOCKLOOP_TRANSCRIPTS": str(work / "transcripts"),
        "OPENAI_API_KEY": SECRET,
        "OPENAI_BASE_URL": fake_openai.base_url,
        "MOCKLOOP_MODEL": MODEL,
    }
    fake_openai.script(CHAT, json_reply({"sum": 5}))
    result = run_cli("doctor", cwd=work, env=env)
    assert result.returncode == 0, result.stdout
    assert SECRET not in result.stdout + result.stderr

    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(work)
    log_file = work / "debug.log"
    handler = logging.FileHandler(log_file)
    logging.getLogger().addHandler(handler)
    monkeypatch.setattr(logging.getLogger(), "level", logging.DEBUG)
    try:
        rubric = Rubric.model_validate(
            {
                "id": "r",
                "title": "R",
                "signals": {
                    "ownership": {"name": "Ownership", "description": "d", "levels": {1: "a", 2: "b", 3: "c", 4: "d"}}
                },
                "rounds": {"bar-raiser": {"signals": {"ownership": 1}}},
            }
        )
        fake_openai.default[CHAT] = error(503, "down")
        grader = make_llm_grader(settings_for(fake_openai, api_key=SECRET, max_attempts=2))
        with pytest.raises(LLMUnavailable, match="503"):
            await grader.grade(GradeRequest("bar-raiser", "Q?", "I decided."), rubric)
        await grader.aclose()
    finally:
        logging.getLogger().removeHandler(handler)
        handler.close()

    sent = {r.headers.get("authorization") for r in fake_openai.requests}
    assert f"Bearer {SECRET}" in sent, "the key was in use"
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert log_file in written
    for path in written:
        assert SECRET.encode() not in path.read_bytes(), path

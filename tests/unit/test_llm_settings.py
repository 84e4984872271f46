"""LLM settings: flags > env > config file > defaults, offline, and the key kept secret."""

import subprocess
import sys
from pathlib import Path

import pytest

from simulator.llm import OFFLINE, LLMError, LLMSession, LLMSettings, resolve_settings
from simulator.llm.config import DEFAULT_MODEL, NO_KEY_PLACEHOLDER
from tests.fake_openai import FakeOpenAI

SECRET = "sk-test-do-not-write-me-7f3a"


def write_config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_nothing_configured_is_offline(tmp_path: Path) -> None:
    settings = resolve_settings(env={}, config_path=tmp_path / "missing.yaml")
    assert not settings.is_configured
    assert settings.model == DEFAULT_MODEL
    assert settings.sources == {}
    with pytest.raises(LLMError, match="offline"):
        settings.client_api_key()
    assert "no API key" in OFFLINE and "no base URL" in OFFLINE


def test_flags_beat_env_beat_config_file_beat_defaults(tmp_path: Path) -> None:
    config = write_config(
        tmp_path,
        """\
llm:
  base_url: http://config.example/v1
  model: config-model
  grader_model: config-grader
  timeout: 5
  max_attempts: 2
""",
    )
    env = {
        "OPENAI_BASE_URL": "http://env.example/v1",
        "MOCKLOOP_MODEL": "env-model",
        "MOCKLOOP_INTERVIEWER_MODEL": "env-interviewer",
    }
    settings = resolve_settings({"model": "flag-model", "base_url": None}, env=env, config_path=config)
    assert settings.base_url == "http://env.example/v1"
    assert settings.model == "flag-model"
    assert settings.model_for("grader") == "config-grader"
    assert settings.model_for("interviewer") == "env-interviewer"
    assert (settings.timeout, settings.max_attempts, settings.concurrency) == (5.0, 2, 8)
    assert settings.sources == {
        "base_url": "env OPENAI_BASE_URL",
        "model": "flag",
        "grader_model": str(config),
        "interviewer_model": "env MOCKLOOP_INTERVIEWER_MODEL",
        "timeout": str(config),
        "max_attempts": str(config),
    }


def test_role_models_default_to_the_common_model(tmp_path: Path) -> None:
    settings = resolve_settings(env={"MOCKLOOP_MODEL": "m"}, config_path=tmp_path / "none")
    assert settings.model_for("grader") == settings.model_for("interviewer") == "m"


def test_empty_environment_variables_count_as_unset(tmp_path: Path) -> None:
    settings = resolve_settings(env={"OPENAI_API_KEY": "", "OPENAI_BASE_URL": " "}, config_path=tmp_path / "none")
    assert not settings.is_configured


def test_the_default_config_file_is_the_users(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOCKLOOP_CONFIG_DIR", str(tmp_path))
    write_config(tmp_path, "llm:\n  base_url: http://localhost:11434/v1\n")
    settings = resolve_settings(env={})
    assert settings.base_url == "http://localhost:11434/v1"
    assert settings.sources["base_url"] == str(tmp_path / "config.yaml")


def test_config_file_prices_add_to_the_defaults(tmp_path: Path) -> None:
    config = write_config(tmp_path, "llm:\n  prices:\n    llama3.1: {input: 0, output: 0}\n")
    settings = resolve_settings(env={}, config_path=config)
    assert settings.prices["llama3.1"].output == 0
    assert "gpt-4o-mini" in settings.prices


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("llm: [unclosed", "cannot read"),
        ("- a list\n", "mapping at the top"),
        ("llm: fast\n", "`llm:` must be a mapping"),
        ("llm:\n  timeout: -1\n", "timeout"),
        ("llm:\n  temprature: 0.2\n", "temprature"),
    ],
)
def test_a_bad_config_file_is_named_in_the_error(tmp_path: Path, text: str, expected: str) -> None:
    config = write_config(tmp_path, text)
    with pytest.raises(LLMError) as caught:
        resolve_settings(env={}, config_path=config)
    assert expected in str(caught.value)
    assert str(config) in str(caught.value)


def test_a_bad_flag_is_named_in_the_error(tmp_path: Path) -> None:
    with pytest.raises(LLMError, match=r"timeout \(flag\)"):
        resolve_settings({"timeout": 0}, env={}, config_path=tmp_path / "none")


def test_the_key_is_never_shown(tmp_path: Path) -> None:
    settings = resolve_settings(env={"OPENAI_API_KEY": SECRET}, config_path=tmp_path / "none")
    assert settings.is_configured
    assert settings.client_api_key() == SECRET
    for shown in (
        repr(settings),
        str(settings),
        settings.model_dump_json(),
        str(settings.model_dump()),
        str(settings.sources),
    ):
        assert SECRET not in shown


async def test_a_base_url_without_a_key_sends_a_placeholder(tmp_path: Path) -> None:
    with FakeOpenAI() as server:
        settings = resolve_settings(env={"OPENAI_BASE_URL": server.base_url}, config_path=tmp_path / "none")
        assert settings.is_configured and settings.api_key is None
        async with LLMSession(settings) as session:
            assert await session.list_models() == ["fake-model"]
        assert server.requests[0].headers["authorization"] == f"Bearer {NO_KEY_PLACEHOLDER}"


async def test_the_key_given_is_the_key_sent(tmp_path: Path) -> None:
    with FakeOpenAI() as server:
        settings = LLMSettings(api_key=SECRET, base_url=server.base_url)
        async with LLMSession(settings) as session:
            await session.list_models()
        assert server.requests[0].headers["authorization"] == f"Bearer {SECRET}"


def test_importing_simulator_llm_does_not_import_openai() -> None:
    code = "import sys, simulator.llm; print('openai' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"

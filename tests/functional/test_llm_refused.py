"""A refused key (401/403) stops a run after the first refusal with one line and exit 2: no
round falls back, no further request is sent."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from simulator.llm import LLMAuthError, LLMSession, complete_structured
from tests.fake_openai import ASK, CHAT, MODEL, FakeOpenAI, Sum, error, settings_for
from tests.support import run_cli

ANSWER = "I decided to rebuild billing and cut failed payments by 30% in a quarter."


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as server:
        yield server


@pytest.mark.parametrize("status", [401, 403])
async def test_a_session_sends_nothing_after_a_refused_key(fake_openai: FakeOpenAI, status: int) -> None:
    fake_openai.default[CHAT] = error(status, "Incorrect API key provided")
    async with LLMSession(settings_for(fake_openai)) as session:
        for _ in range(3):
            with pytest.raises(LLMAuthError, match=f"refused the API key: HTTP {status}"):
                await complete_structured(session, ASK, Sum, model=MODEL)
    assert len(fake_openai.requests_to(CHAT)) == 1  # not retried, and not sent again


def test_grade_stops_at_the_first_refusal_with_one_line_and_exit_2(fake_openai: FakeOpenAI, tmp_path: Path) -> None:
    fake_openai.default[CHAT] = error(401, "Incorrect API key provided")
    sheet = tmp_path / "sheet.yaml"
    rounds = "".join(f"  - round: bar-raiser\n    question: Question {i}?\n    answer: {ANSWER}\n" for i in range(40))
    sheet.write_text("rounds:\n" + rounds)
    result = run_cli(
        "grade",
        str(sheet),
        "--grader",
        "llm",
        env={"OPENAI_BASE_URL": fake_openai.base_url, "OPENAI_API_KEY": "sk-wrong", "MOCKLOOP_MODEL": MODEL},
    )
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "refused the API key" in lines[0] and "Incorrect API key" in lines[0], lines
    assert len(fake_openai.requests_to(CHAT)) <= 8  # at most the requests already in flight (concurrency 8)

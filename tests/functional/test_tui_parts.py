"""The TUI's parts that need no screen: start-up imports, history, search, re-grading, formatting."""

import subprocess
import sys
from pathlib import Path

import pytest

from simulator.engine import Prompt
from simulator.services.history import excerpt, matches, result_text, search_answers, signal_trend
from simulator.services.regrade import RegradeError, regrade
from simulator.store import list_sessions, load_session
from simulator.tui.grader_mode import OFFLINE_TEXT, grader_mode
from simulator.tui.screens.interview import position_text, question_text
from simulator.tui.widgets.answer import word_count
from simulator.tui.widgets.countdown import clock_text
from simulator.tui.widgets.levels import spark
from tests.functional.tui_support import UNFINISHED_ID, library, seed_sessions
from tests.support import REPO

TUI_MODULES = [
    "simulator.tui.app",
    *(
        f"simulator.tui.screens.{name}"
        for name in ("home", "interview", "grading", "debrief", "browser", "transcript", "rubrics", "dialogs")
    ),
]


def imported_after(*modules: str) -> set[str]:
    code = "import sys\n" + "".join(f"import {m}\n" for m in modules) + "print('\\n'.join(sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    return set(done.stdout.split())


def test_the_app_starts_with_textual_alone_and_no_screen_imports_openai() -> None:
    at_start = imported_after("simulator.tui.app")
    assert not {
        m
        for m in at_start
        if m.startswith(
            ("simulator.engine", "simulator.grading", "simulator.store", "simulator.content", "pydantic", "openai")
        )
    }
    assert "openai" not in imported_after(*TUI_MODULES)


@pytest.fixture
async def seeded(tmp_path: Path) -> Path:
    await seed_sessions(tmp_path)
    return tmp_path


def test_the_filter_matches_loop_date_and_result_words(seeded: Path) -> None:
    sessions = list_sessions(seeded)
    shown = {
        query: [s.id[:8] for s in sessions if matches(s, query)]
        for query in ("", "amazon", "2026-11-02", "hire", "no-hire", "unfinished", "bar-raiser hire")
    }
    assert len(shown[""]) == 5
    assert shown["amazon"] == ["20261105"]  # the loop id `amazon-pm`; the drills are titled by round
    assert shown["2026-11-02"] == ["20261102"]
    hired = [s.id[:8] for s in sessions if result_text(s).startswith("HIRE")]
    assert shown["hire"] == hired and "20261104" in hired  # `hire` is a result word: not `no-hire`
    assert shown["no-hire"] == [s.id[:8] for s in sessions if result_text(s).startswith("NO HIRE")]
    assert sorted(shown["hire"] + shown["no-hire"]) == ["20261101", "20261102", "20261103", "20261104"]
    assert shown["unfinished"] == ["20261105"]
    assert shown["bar-raiser hire"] == shown["hire"]
    assert [result_text(s) for s in sessions][-1:] == ["unfinished"]


def test_search_finds_words_in_answers_only(seeded: Path) -> None:
    sessions = list_sessions(seeded)
    found = search_answers(seeded, sessions, "CHURN")
    assert {i[:8] for i in found} == {"20261103", "20261104"}
    assert found[next(i for i in found if i.startswith("20261104"))] == (
        "…lead why in our weekly review. Churn for tier-2 sellers fell from…"
    )
    question = load_session(seeded, UNFINISHED_ID)[0].rounds[0].turns[0].text
    assert search_answers(seeded, sessions, question[:30]) == {}  # in a question, not an answer
    assert search_answers(seeded, sessions, "   ") == {}


def test_an_excerpt_is_cut_at_words_around_the_hit_and_keeps_the_hit_whole() -> None:
    answer = "First I talked to sellers.\n\nThen I decided to drop two features; churn fell from 9% to 6% in a quarter."
    assert excerpt(answer, "CHURN", width=40) == "…two features; churn fell from 9% to…"  # one line
    assert excerpt(answer, "first i", width=30) == "First I talked to…"
    assert excerpt("short answer", "answer") == "short answer"
    assert excerpt(answer, "in a quarter.", width=10) == "…in a quarter."


def test_the_trend_follows_each_core_signal_oldest_first(seeded: Path) -> None:
    trend = signal_trend(seeded, list_sessions(seeded))
    assert set(trend) == {"ownership", "delivery_metrics", "customer_obsession", "cross_functional_influence"}
    assert all(len(points) == 4 for points in trend.values())
    assert trend["ownership"][0] < trend["ownership"][-1]
    assert signal_trend(seeded, list_sessions(seeded), last=2)["ownership"] == trend["ownership"][-2:]


async def test_regrading_needs_a_rubric_that_grades_the_rounds(seeded: Path) -> None:
    from simulator.grading.offline import OfflineGrader

    transcript = load_session(seeded, list_sessions(seeded)[0].id)[0]
    again = await regrade(transcript, library().rubric("amazon-pm"), OfflineGrader())
    assert again.debrief == transcript.debrief and again is not transcript
    rubric = library().rubric("amazon-pm")
    without = rubric.model_copy(update={"rounds": {k: v for k, v in rubric.rounds.items() if k != "bar-raiser"}})
    with pytest.raises(RegradeError, match="does not grade bar-raiser"):
        await regrade(transcript, without, OfflineGrader())


def test_the_grader_mode_in_plain_words(monkeypatch: pytest.MonkeyPatch) -> None:
    assert grader_mode("offline").text == OFFLINE_TEXT == "Offline evidence grader — no API key needed"
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("MOCKLOOP_MODEL", "tiny")
    assert grader_mode("llm").text == "LLM grader: tiny at http://127.0.0.1:9/v1"
    assert grader_mode("offline").llm == "tiny at http://127.0.0.1:9/v1"


def test_a_broken_llm_config_is_a_problem_to_show_not_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    config = Path(__import__("os").environ["MOCKLOOP_CONFIG_DIR"])
    config.mkdir(parents=True, exist_ok=True)
    (config / "config.yaml").write_text("llm: [not, a, mapping]\n")
    mode = grader_mode("offline")
    assert mode.text == OFFLINE_TEXT and mode.problem and "config.yaml" in mode.problem


def test_clock_position_words_and_levels() -> None:
    assert [clock_text(s) for s in (1781, 59.2, 0, -0.5, -65)] == [
        "29:41 left",
        "1:00 left",
        "0:00 left",
        "+0:00 over",
        "+1:05 over",
    ]
    prompt = Prompt(
        kind="followup",
        text="Why?",
        round_index=1,
        round_count=4,
        round_title="PRFAQ",
        round_type="prfaq",
        question_number=2,
        question_count=2,
        followup_number=1,
        minutes=45,
        question_text="Write the press release.",
    )
    assert position_text(prompt) == "Round 2 of 4 · question 2 of 2 · follow-up 1"
    shown = question_text(prompt)
    assert shown.plain == "Write the press release.\n\nFollow-up 1: Why?"
    assert {(shown.plain[span.start : span.end], str(span.style)) for span in shown.spans} == {
        ("Write the press release.", "dim"),
        ("Follow-up 1: ", "bold"),
    }
    assert word_count("  I decided.\n\nThen  I shipped ") == 5
    assert spark([1, 2.5, 4]).plain == "▁▅█"


def test_a_fix_quotes_a_huge_sentence_cut_at_a_word_and_a_short_one_whole() -> None:
    from simulator.domain.grades import Fix
    from simulator.tui.widgets.grades import fix_text

    huge = " ".join(["I owned the returns flow and cut refunds from 9 days to 2"] * 2000)  # no sentence end
    short = "I cut refunds from 9 days to 2 in one quarter."
    shown = fix_text(1, Fix(signal="ownership", name="Ownership", why="Scored 1.", quotes=[huge, short])).plain
    assert len(shown) < 1000 < len(huge)  # a few lines, not 20,000 words
    assert "“I owned the returns flow" in shown and "…”" in shown
    assert f"“{short}”" in shown

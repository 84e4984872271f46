"""A follow-up met with "I don't know" counts: a committee hears the candidate could not back the story."""

from datetime import UTC, datetime

import pytest

from simulator.content import load_library
from simulator.domain import RoundGrade, RoundRecord, Turn
from simulator.grading.offline import grade_offline
from simulator.grading.requests import from_round, non_answer
from tests.answers import QUESTION, STRONG

AT = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
CHALLENGE = "You said repeat purchase rose. How do you know it was your work and not the season?"
PROBE = "Who were the other teams, and how did you bring them along?"


def graded(*followups: tuple[str, str | None, str | None]) -> RoundGrade:
    """The strong bar-raiser answer, then each follow-up as (text, probed signal, answer or None = skipped)."""
    turns = [Turn(kind="question", text=QUESTION, answer=STRONG, asked_at=AT, answered_at=AT)]
    for text, signal, answer in followups:
        turns.append(
            Turn(
                kind="followup",
                text=text,
                probe_signal=signal,
                answer=answer,
                skipped=answer is None,
                asked_at=AT,
                answered_at=AT,
            )
        )
    record = RoundRecord(index=0, type="bar-raiser", title="Bar raiser", minutes=30, turns=turns)
    return grade_offline(from_round(record), load_library().rubric("amazon-pm"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I don't know.", True),
        ("Not sure, honestly.", True),
        ("I can't remember the exact number.", True),
        ("Pass.", True),
        ("We ran a holdout of 5% of buyers.", False),
        ("I don't know the exact figure, but the holdout group of 5% stayed flat at 31% while ours rose.", False),
        ("Passenger numbers rose.", False),
    ],
)
def test_a_non_answer_is_a_short_reply_that_says_it_does_not_know(text: str, expected: bool) -> None:
    assert non_answer(text) is expected


def test_a_strong_story_whose_challenge_went_unanswered_is_not_a_strong_hire() -> None:
    alone = graded()
    assert alone.overall.score == 4 and "follow-up-unanswered" not in alone.flags
    for answer in ("I don't know.", None):
        challenged = graded((CHALLENGE, None, answer))
        assert challenged.overall.score == 3, answer
        assert "follow-up-unanswered" in challenged.flags


def test_a_challenge_answered_with_evidence_keeps_the_grade() -> None:
    defended = graded((CHALLENGE, None, "We held out 5% of buyers; their repeat rate stayed at 31% over the weeks."))
    assert defended.overall.score == 4 and "follow-up-unanswered" not in defended.flags


def test_a_probed_signal_left_unanswered_is_capped_and_told_so() -> None:
    probed = graded((PROBE, "cross_functional_influence", "Not sure."))
    influence = probed.signals["cross_functional_influence"]
    assert influence.score <= 2
    assert influence.rationale.startswith("A follow-up asked for it again and got no answer.")
    assert probed.signals["ownership"] == graded().signals["ownership"], "other signals keep their grade"

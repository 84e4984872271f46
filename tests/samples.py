"""A sample loop as journal events, shared by the store tests."""

from datetime import UTC, datetime, timedelta

from simulator.domain import (
    Debrief,
    Fix,
    OverallScore,
    RoundGrade,
    RoundPlan,
    SignalGrade,
    SignalSummary,
    Transcript,
)
from simulator.store import (
    AnswerGiven,
    DebriefReady,
    Event,
    FollowupAsked,
    LoopFinished,
    LoopStarted,
    QuestionAsked,
    RoundEnded,
    RoundGraded,
    RoundStarted,
    replay_lines,
)

SAMPLE_ID = "20261123-155400-amazon-pm-ab12"
START = datetime(2026, 11, 23, 15, 54, tzinfo=UTC)

ANSWER_1 = (
    "I decided to cut the onboarding flow from seven steps to three.\n\n"
    "Activation rose from 41% to 58% in six weeks, measured in our funnel dashboard."
)
ANSWER_2 = "I agreed the launch gate with finance and legal in a weekly review."
ANSWER_3 = "Sellers in tier-2 cities lose a day on returns; I would start there."


def at(minutes: float) -> datetime:
    return START + timedelta(minutes=minutes)


def grade(round_type: str, quote: str) -> RoundGrade:
    return RoundGrade(
        round=round_type,
        grader="offline",
        signals={
            "ownership": SignalGrade(
                score=3,
                evidence=[quote],
                rationale="First-person decision with an outcome.",
                next_level="Name the trade-off you rejected and why.",
            ),
            "delivery_metrics": SignalGrade(score=2, evidence=[], rationale="No baseline."),
        },
        overall=OverallScore(score=3, label="Lean hire"),
    )


def debrief() -> Debrief:
    return Debrief(
        decision="hire",
        rule="weighted mean of round scores >= 3.0 and no veto",
        mean=3.0,
        signals={"ownership": SignalSummary(mean=3.0, min=3, rounds={"bar-raiser": 3, "product-sense": 3})},
        fixes=[
            Fix(
                signal="delivery_metrics",
                name="Delivery & metrics",
                why="Outcomes lack a baseline and a time frame.",
                quotes=["Activation rose from 41% to 58% in six weeks"],
                next_level="State the baseline, the change and how it was measured.",
            ),
        ],
    )


def sample_events(transcript_id: str = SAMPLE_ID, finished: bool = True) -> list[Event]:
    """A two-round loop: a question with a follow-up that ran over, then a skipped follow-up."""
    events: list[Event] = [
        LoopStarted(
            at=at(0),
            id=transcript_id,
            loop="amazon-pm",
            loop_title="Amazon PM loop",
            rubric="amazon-pm",
            seed=1,
            started_at=at(0),
            rounds=[
                RoundPlan(index=0, type="bar-raiser", title="Bar raiser", minutes=45),
                RoundPlan(index=1, type="product-sense", title="Product sense", minutes=45),
            ],
        ),
        RoundStarted(at=at(0), round=0),
        QuestionAsked(
            at=at(1), round=0, text="Tell me about a time you owned an outcome.", question_id="br-ownership-1"
        ),
        AnswerGiven(at=at(10), round=0, turn=0, text=ANSWER_1),
        FollowupAsked(
            at=at(11), round=0, text="Who did you have to convince?", probe_signal="cross_functional_influence"
        ),
        AnswerGiven(at=at(20), round=0, turn=1, text=ANSWER_2),
        RoundEnded(at=at(47), round=0, seconds_used=47 * 60 + 5, overran=True),
        RoundGraded(at=at(47), round=0, grade=grade("bar-raiser", "I decided to cut")),
        RoundStarted(at=at(48), round=1),
        QuestionAsked(at=at(48), round=1, text="Improve returns for Taobao sellers.", question_id="ps-returns-1"),
        AnswerGiven(at=at(60), round=1, turn=0, text=ANSWER_3),
        FollowupAsked(at=at(61), round=1, text="How big is that market?", probe_signal="market_sizing"),
        AnswerGiven(at=at(62), round=1, turn=1, text="", skipped=True),
    ]
    if finished:
        events += [
            RoundEnded(at=at(80), round=1, seconds_used=32 * 60),
            RoundGraded(at=at(80), round=1, grade=grade("product-sense", "I would start there")),
            DebriefReady(at=at(81), debrief=debrief()),
            LoopFinished(at=at(81)),
        ]
    return events


def journal_bytes(events: list[Event]) -> bytes:
    return b"".join(event.model_dump_json().encode() + b"\n" for event in events)


def sample_transcript(transcript_id: str = SAMPLE_ID, finished: bool = True) -> Transcript:
    transcript, problems = replay_lines(journal_bytes(sample_events(transcript_id, finished)).split(b"\n"), "sample")
    assert problems == []
    assert transcript is not None
    return transcript

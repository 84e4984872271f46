"""The sample session every store test builds on replays to what it describes."""

from tests.samples import ANSWER_1, ANSWER_2, SAMPLE_ID, sample_transcript


def test_sample_replays_to_the_loop_it_describes() -> None:
    transcript = sample_transcript()
    assert (transcript.id, transcript.loop, transcript.seed) == (SAMPLE_ID, "amazon-pm", 1)
    assert transcript.finished and transcript.debrief and transcript.debrief.decision == "hire"
    first, second = transcript.rounds
    assert [t.kind for t in first.turns] == ["question", "followup"]
    assert [t.answer for t in first.turns] == [ANSWER_1, ANSWER_2]
    assert first.overran and first.seconds_used == 47 * 60 + 5 and first.grade
    assert second.turns[1].skipped and second.turns[1].probe_signal == "market_sizing"


def test_an_unfinished_sample_has_no_end() -> None:
    transcript = sample_transcript(finished=False)
    assert not transcript.finished and transcript.debrief is None
    assert transcript.rounds[1].grade is None and transcript.rounds[1].ended_at is None

"""The debrief's three fixes: each a different piece of advice, taken from rounds that can show it."""

from simulator.content import load_library
from simulator.grading.base import GradeRequest
from simulator.grading.debrief import GradedRound, build_debrief
from simulator.grading.offline import grade_offline

ONE_SENTENCE = "I decided to cut the checkout steps from five to three and conversion rose from 2.1% to 2.9%."
THIN_STORY = (
    "At Tmall I worked on the seller onboarding flow, which took new sellers about three weeks. We looked at "
    "the steps with the operations team and made some changes to the forms and the review queue. I helped "
    "to organise the meetings and I wrote up the notes for everyone. In the end onboarding was faster and "
    "the sellers were happier, and my manager said it was a good project."
)


def test_a_voided_round_does_not_fill_the_fixes_with_one_piece_of_advice() -> None:
    library = load_library()
    rubric = library.rubric("amazon-pm")
    question = library.questions["br-owned-beyond-role"].text
    repeated = " ".join([ONE_SENTENCE] * 30)
    voided = grade_offline(GradeRequest("bar-raiser", question, repeated), rubric)
    thin = grade_offline(GradeRequest("bar-raiser", question, THIN_STORY), rubric)
    assert voided.flags == ["incoherent"] and thin.flags == []
    rounds = [
        GradedRound("bar-raiser", "Bar raiser 1", voided, repeated),
        GradedRound("bar-raiser", "Bar raiser 2", thin, THIN_STORY),
    ]

    fixes = build_debrief(rounds, rubric).fixes

    assert len(fixes) == 3
    assert len({f.next_level for f in fixes}) == 3, [f.next_level for f in fixes]
    assert all(f.why.startswith("Bar raiser 2:") for f in fixes), [f.why for f in fixes]

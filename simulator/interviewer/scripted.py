"""The scripted interviewer: the offline grade of the answers so far picks the probe (`probes.py`)."""

from simulator.domain import RoundGrade
from simulator.grading.base import GradeRequest
from simulator.grading.offline import grade_offline
from simulator.interviewer.base import Followup, FollowupContext, TokenSink
from simulator.interviewer.probes import choose_probe


class ScriptedInterviewer:
    name = "scripted"

    async def followup(self, context: FollowupContext, on_token: TokenSink | None = None) -> Followup | None:
        if context.remaining <= 0:
            return None
        answer = "\n\n".join(a for a in context.answers if a.strip())
        if not answer:
            return None
        followup = choose_probe(context.question, context.answers, _offline_grade(context, answer), context.asked)
        if followup is not None and on_token is not None:
            for word in followup.text.split(" "):
                on_token(word + " ")
        return followup


def _offline_grade(context: FollowupContext, answer: str) -> RoundGrade | None:
    """The offline grade of everything said to this question so far (None: the rubric lacks the round)."""
    if context.rubric.round_for(context.round_type) is None:
        return None
    return context.offline or grade_offline(
        GradeRequest(context.round_type, context.question.text, answer), context.rubric
    )

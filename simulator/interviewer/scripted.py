"""The scripted interviewer: probes where the offline evidence is thin, never the same probe twice."""

from simulator.grading.base import GradeRequest
from simulator.grading.offline import grade_offline
from simulator.interviewer.base import Followup, FollowupContext, TokenSink

THIN_AT = 2
"""A signal scoring at or below this in the answer so far is thin: its probe is asked."""


class ScriptedInterviewer:
    name = "scripted"

    async def followup(self, context: FollowupContext, on_token: TokenSink | None = None) -> Followup | None:
        if context.remaining <= 0:
            return None
        answer = "\n\n".join(a for a in context.answers if a.strip())
        if not answer:
            return None
        thin = _thin_signals(context, answer)
        for probe in context.question.probes:
            if probe.text in context.asked or probe.signal not in thin:
                continue
            if on_token is not None:
                for word in probe.text.split(" "):
                    on_token(word + " ")
            return Followup(text=probe.text, signal=probe.signal)
        return None


def _thin_signals(context: FollowupContext, answer: str) -> set[str]:
    """Signals the offline evidence finds thin, weakest first among the question's probes."""
    rubric = context.rubric
    if rubric.round_for(context.round_type) is None:
        return {p.signal for p in context.question.probes}
    grade = context.offline or grade_offline(GradeRequest(context.round_type, context.question.text, answer), rubric)
    return {
        probe.signal
        for probe in context.question.probes
        if probe.signal not in grade.signals or grade.signals[probe.signal].score <= THIN_AT
    }

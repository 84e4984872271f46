"""What the LLM interviewer tests share (no tests here): a bar-raiser question and answers, a probe
as the model streams it, the answers block of the prompt, and the follow-up context built from them."""

import re

from simulator.content import Library
from simulator.interviewer import FollowupContext

QUESTION_ID = "br-owned-beyond-role"
THIN = "I helped with the project and it went fine."
ANSWER = "At Cainiao I owned the returns flow and we made refunds faster for buyers."
PROBE = ["PROBE ownership\n", "You", " said", ' "we', ' made":', " which", " call", " was", " yours", " alone?"]
"""A probe as the model streams it: the decision line, then the question word by word."""
PROBE_TEXT = 'You said "we made": which call was yours alone?'
BLOCK = re.compile(r"<<<BEGIN CANDIDATE ANSWERS (\w+)>>>\n(.*)\n<<<END CANDIDATE ANSWERS \1>>>\Z", re.DOTALL)


def context(
    library: Library,
    *answers: str,
    asked: tuple[str, ...] = (),
    remaining: int = 2,
    round_type: str = "bar-raiser",
    question: str = QUESTION_ID,
) -> FollowupContext:
    """The context of a follow-up on the amazon-pm rubric; one THIN answer unless `answers` are given."""
    return FollowupContext(
        round_type=round_type,
        question=library.questions[question],
        answers=answers or (THIN,),
        asked=asked,
        remaining=remaining,
        rubric=library.rubric("amazon-pm"),
    )

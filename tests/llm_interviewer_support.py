"""What the LLM interviewer tests share (no tests here): a bar-raiser question and answers, a probe
as the model streams it, the answers block of the prompt, and the follow-up context built from them."""

import re
import subprocess
from pathlib import Path

from simulator.content import Library
from simulator.interviewer import FollowupContext
from tests.fake_openai import MODEL
from tests.support import run_cli

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


def plain_llm_drill(base_url: str | None, directory: Path, stdin: str, *flags: str) -> subprocess.CompletedProcess[str]:
    """`mockloop run drill-bar-raiser --plain --interviewer llm --seed 2` saving in `directory`, against
    `base_url` set in the environment (None: the endpoint comes in `flags`)."""
    return run_cli(
        "run",
        "drill-bar-raiser",
        "--plain",
        "--interviewer",
        "llm",
        "--seed",
        "2",
        "--transcripts-dir",
        str(directory),
        *flags,
        stdin=stdin,
        env={"OPENAI_BASE_URL": base_url, "MOCKLOOP_MODEL": MODEL} if base_url else {},
    )

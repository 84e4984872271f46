"""Grade requests from answer sheets and saved transcripts."""

import re

from simulator.domain import AnswerSheet, RoundRecord, Transcript
from simulator.grading.base import GradeRequest, QuestionPart, Unanswered


def from_sheet(sheet: AnswerSheet) -> list[GradeRequest]:
    return [GradeRequest(round=r.round, question=r.question, answer=r.answer) for r in sheet.rounds]


def from_round(record: RoundRecord) -> GradeRequest:
    """All the candidate said in a round, answers to the question and to each follow-up."""
    questions = [t for t in record.turns if t.kind == "question"]
    followups = tuple(t.text for t in record.turns if t.kind == "followup")
    answers = [t.answer.strip() for t in record.turns if t.answer and not t.skipped and t.answer.strip()]
    question = "\n\n".join(t.text for t in questions) or record.title
    parts = _parts(record)
    return GradeRequest(
        round=record.type,
        question=question,
        answer="\n\n".join(answers),
        followups=followups,
        parts=parts if len(questions) > 1 or any(p.unanswered for p in parts) else (),
    )


def _parts(record: RoundRecord) -> tuple[QuestionPart, ...]:
    """Each main question with the answers to it and to its follow-ups (skipped when nothing was said),
    and the follow-ups left unanswered."""
    groups: list[tuple[str, list[str], bool, list[Unanswered]]] = []
    for turn in record.turns:
        said = turn.answer.strip() if turn.answer and not turn.skipped else ""
        if turn.kind == "question" or not groups:
            groups.append((turn.text, [said] if said else [], turn.skipped, []))
            continue
        if said:
            groups[-1][1].append(said)
        if turn.answered_at is not None and (not said or non_answer(said)):
            groups[-1][3].append(Unanswered(turn.text, turn.probe_signal))
    return tuple(QuestionPart(q, "\n\n".join(a), skipped and not a, tuple(u)) for q, a, skipped, u in groups)


_NON_ANSWER = re.compile(
    r"\b(?:i (?:do not|don'?t) know|not sure|no idea|i (?:can(?:no|')?t|could(?: not|n'?t)) (?:say|remember|recall)|"
    r"i(?:'d| would) have to check|no comment|pass)\b",
    re.IGNORECASE,
)
NON_ANSWER_WORDS = 12
"""A reply this short that says it does not know is no answer; a longer one may go on to reason."""


def non_answer(text: str) -> bool:
    """ "I don't know", "not sure", "pass"... and little else."""
    return len(text.split()) < NON_ANSWER_WORDS and _NON_ANSWER.search(text) is not None


def from_transcript(transcript: Transcript) -> list[GradeRequest]:
    return [from_round(r) for r in transcript.rounds if r.turns]

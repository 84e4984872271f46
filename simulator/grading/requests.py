"""Grade requests from answer sheets and saved transcripts."""

from simulator.domain import AnswerSheet, RoundRecord, Transcript
from simulator.grading.base import GradeRequest, QuestionPart


def from_sheet(sheet: AnswerSheet) -> list[GradeRequest]:
    return [GradeRequest(round=r.round, question=r.question, answer=r.answer) for r in sheet.rounds]


def from_round(record: RoundRecord) -> GradeRequest:
    """All the candidate said in a round, answers to the question and to each follow-up."""
    questions = [t for t in record.turns if t.kind == "question"]
    followups = tuple(t.text for t in record.turns if t.kind == "followup")
    answers = [t.answer.strip() for t in record.turns if t.answer and not t.skipped and t.answer.strip()]
    question = "\n\n".join(t.text for t in questions) or record.title
    return GradeRequest(
        round=record.type,
        question=question,
        answer="\n\n".join(answers),
        followups=followups,
        parts=_parts(record) if len(questions) > 1 else (),
    )


def _parts(record: RoundRecord) -> tuple[QuestionPart, ...]:
    """Each main question with the answers to it and to its follow-ups; skipped when nothing was said."""
    groups: list[tuple[str, list[str], bool]] = []
    for turn in record.turns:
        said = turn.answer.strip() if turn.answer and not turn.skipped else ""
        if turn.kind == "question" or not groups:
            groups.append((turn.text, [said] if said else [], turn.skipped))
        elif said:
            groups[-1][1].append(said)
    return tuple(QuestionPart(q, "\n\n".join(a), skipped and not a) for q, a, skipped in groups)


def from_transcript(transcript: Transcript) -> list[GradeRequest]:
    return [from_round(r) for r in transcript.rounds if r.turns]

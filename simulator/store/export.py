"""Transcripts as a Markdown report a candidate can send a coach, or as JSON."""

from collections.abc import Mapping, Sequence
from datetime import datetime

from simulator.domain import Debrief, RoundGrade, RoundRecord, Transcript, Turn

Outlines = Mapping[str, Sequence[str]]
"""Question id -> what a strong answer covers (the question bank's `outline`)."""


def to_json(transcript: Transcript) -> str:
    return transcript.model_dump_json(indent=2) + "\n"


def to_markdown(transcript: Transcript, outlines: Outlines | None = None) -> str:
    """The report; a graded round also lists, from `outlines`, what a strong answer to each question covers."""
    title = transcript.loop_title or transcript.loop
    lines = [f"# Mock interview loop: {title}", ""]
    lines += _header(transcript)
    for record in transcript.rounds:
        lines += ["", *_round(record, outlines or {})]
    if transcript.debrief:
        lines += ["", *_debrief(transcript.debrief)]
    return "\n".join(lines).rstrip() + "\n"


def _header(transcript: Transcript) -> list[str]:
    seed = f" · seed {transcript.seed}" if transcript.seed is not None else ""
    seed += f" · level {transcript.level}" if transcript.level else ""
    status = f"finished {_when(transcript.finished_at)}" if transcript.finished_at else "not finished"
    lines = [
        f"- **Date:** {_when(transcript.started_at)}",
        f"- **Loop:** `{transcript.loop}` · rubric `{transcript.rubric}`{seed}",
        f"- **Status:** {status}",
        f"- **Transcript:** `{transcript.id}`",
    ]
    if transcript.debrief:
        debrief = transcript.debrief
        lines.append(f"- **Result:** {debrief.decision} (mean {debrief.mean:.2f})")
    return lines


def _round(record: RoundRecord, outlines: Outlines) -> list[str]:
    lines = [f"## Round {record.index + 1}: {record.title} (`{record.type}`)", ""]
    lines += [f"**Time:** {_time(record)}"]
    asked = 0
    for turn in record.turns:
        if turn.kind == "question":
            asked += 1
            lines += ["", f"### Question {asked}", "", turn.text]
        else:
            probe = f" (probing `{turn.probe_signal}`)" if turn.probe_signal else ""
            lines += ["", f"#### Follow-up{probe}", "", turn.text]
        lines += ["", *_answer(turn)]
    if record.grade:
        lines += _strong_answers(record, outlines)
        lines += ["", *_grade(record.grade)]
    return lines


def _strong_answers(record: RoundRecord, outlines: Outlines) -> list[str]:
    """`### What a strong answer covers`: each asked question's outline (numbered when there are several)."""
    asked = [turn.question_id for turn in record.turns if turn.kind == "question"]
    covered = [(number, outlines[qid]) for number, qid in enumerate(asked, start=1) if qid and outlines.get(qid)]
    if not covered:
        return []
    lines = ["", "### What a strong answer covers"]
    for number, points in covered:
        if len(asked) > 1:
            lines += ["", f"Question {number}:"]
        lines += ["", *(f"- {point}" for point in points)]
    return lines


def _time(record: RoundRecord) -> str:
    if record.ended_at is None and not record.seconds_used:
        state = "not started" if record.started_at is None else "not finished"
        return f"{state} ({record.minutes} min round)"
    used = f"{_duration(record.seconds_used)} of {record.minutes} min"
    return f"{used}, ran over" if record.overran else used


def _answer(turn: Turn) -> list[str]:
    if turn.skipped:
        return ["_Skipped._"]
    if turn.answer is None:
        return ["_Not answered._"]
    return [f"> {line}".rstrip() for line in turn.answer.splitlines() or [""]]


def _grade(grade: RoundGrade) -> list[str]:
    lines = [
        "### Grade",
        "",
        f"**Round overall: {grade.overall.score} · {grade.overall.label}** ({grade.grader} grader)",
    ]
    if grade.fallback_reason:
        lines.append(f"Graded offline because: {grade.fallback_reason}")
    if grade.flags:
        lines.append(f"Flags: {', '.join(grade.flags)}")
    lines += ["", "| signal | score |", "|---|---|"]
    lines += [f"| {signal} | {sg.score} |" for signal, sg in grade.signals.items()]
    for signal, sg in grade.signals.items():
        lines += ["", f"#### {signal}: {sg.score}"]
        if sg.rationale:
            lines += ["", sg.rationale]
        if sg.evidence:
            lines += ["", "Your words:", *(f"- “{quote}”" for quote in sg.evidence)]
        else:
            lines += ["", "Your words: no evidence quoted."]
        if sg.next_level:
            lines += ["", f"**Next level needs:** {sg.next_level}"]
    return lines


def _debrief(debrief: Debrief) -> list[str]:
    lines = [
        "## Debrief",
        "",
        f"**Decision: {debrief.decision}** (mean {debrief.mean:.2f})",
        "",
        f"Rule: {debrief.rule}",
    ]
    if debrief.signals:
        lines += ["", "| signal | mean | lowest | by round |", "|---|---|---|---|"]
        for signal, summary in debrief.signals.items():
            by_round = ", ".join(f"{r} {score}" for r, score in summary.rounds.items())
            lines.append(f"| {signal} | {summary.mean:.2f} | {summary.min} | {by_round} |")
    if debrief.fixes:
        lines += ["", "### What to fix first", ""]
        for number, fix in enumerate(debrief.fixes, start=1):
            lines.append(f"{number}. **{fix.name}** (`{fix.signal}`): {fix.why}")
            lines += [f"   - “{quote}”" for quote in fix.quotes]
            if fix.next_level:
                lines.append(f"   - Next level needs: {fix.next_level}")
    return lines


def _when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M %Z").rstrip()


def _duration(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes} min {secs} s" if minutes else f"{secs} s"

"""Past sessions: listing words, filtering, searching the answers, each signal's trend.

Listing uses the store's cached index; a transcript is read only for the trend (the latest
finished few) and for a search in answers (files whose raw text cannot match are skipped).
"""

import json
from collections.abc import Iterable, Sequence
from pathlib import Path

from simulator.domain import Transcript
from simulator.domain.rubric import CORE_SIGNALS
from simulator.store import SessionSummary, load_transcripts

TREND_SESSIONS = 12
EXCERPT = 70
"""Characters of an answer shown around a search hit, about."""
RESULTS = ("hire", "no-hire", "unfinished", "finished", "unreadable")


def result_word(summary: SessionSummary) -> str:
    """One of RESULTS: what the filter matches and the table shows."""
    if not summary.readable:
        return "unreadable"
    if summary.decision:
        return summary.decision
    return "finished" if summary.finished else "unfinished"


def result_text(summary: SessionSummary) -> str:
    word = result_word(summary)
    if word in ("hire", "no-hire") and summary.mean is not None:
        return f"{word.upper().replace('-', ' ')} {summary.mean:.2f}"
    return word


def started_text(summary: SessionSummary, year: bool = True) -> str:
    """The start as recorded (not converted to this machine's zone), e.g. `2026-11-23 15:54`."""
    if summary.started is None:
        return ""
    return summary.started.strftime("%Y-%m-%d %H:%M" if year else "%m-%d %H:%M")


def short_ids(ids: Iterable[str], minimum: int = 15) -> dict[str, str]:
    """Each id's shortest prefix of at least `minimum` characters (an id's start time, `20261203-125418`)
    that no other id starts with: what `mockloop resume` and `mockloop export` accept for the whole id."""
    ordered = sorted(set(ids))
    shared = [0] * len(ordered)
    for i in range(1, len(ordered)):
        before, here = ordered[i - 1], ordered[i]
        common = next((n for n, (a, b) in enumerate(zip(before, here, strict=False)) if a != b), len(before))
        shared[i - 1], shared[i] = max(shared[i - 1], common), max(shared[i], common)
    return {id_: id_[: max(minimum, shared[i] + 1)] for i, id_ in enumerate(ordered)}


def matches(summary: SessionSummary, query: str) -> bool:
    """Every word of `query` matches: a result word (`hire`, `no-hire`, `unfinished`, ...) exactly,
    any other word as part of the loop id or title, the start date, or the id."""
    haystack = " ".join((summary.loop, summary.loop_title, started_text(summary), summary.level or "", summary.id))
    haystack = haystack.lower()
    result = result_word(summary)
    for word in query.lower().split():
        if word in RESULTS:
            if word != result:
                return False
        elif word not in haystack:
            return False
    return True


def answers_of(transcript: Transcript) -> Iterable[str]:
    for record in transcript.rounds:
        for turn in record.turns:
            if turn.answer and not turn.skipped:
                yield turn.answer


def search_answers(directory: Path, sessions: Sequence[SessionSummary], needle: str) -> dict[str, str]:
    """The sessions with `needle` (any case) in one of the candidate's answers: id -> an excerpt of the
    first answer that has it, around the hit."""
    needle = needle.strip().lower()
    if not needle:
        return {}
    raw_needle = json.dumps(needle, ensure_ascii=False)[1:-1]
    candidates = (s for s in sessions if s.readable and raw_needle in _raw_text(s.path))
    found = {}
    for summary, transcript in load_transcripts(directory, candidates):
        answer = next((a for a in answers_of(transcript) if needle in a.lower()), None)
        if answer is not None:
            found[summary.id] = excerpt(answer, needle)
    return found


def excerpt(text: str, needle: str, width: int = EXCERPT) -> str:
    """About `width` characters of `text` around the first `needle` (any case), on one line, cut at
    words, with `…` where text was left out. The needle itself is never cut."""
    flat = " ".join(text.split())
    at = flat.lower().find(" ".join(needle.split()).lower())
    if at < 0:
        return flat[:width]
    side = max((width - len(needle)) // 2, 0)
    start, end = max(at - side, 0), min(at + len(needle) + side, len(flat))
    if start > 0:
        space = flat.find(" ", start, at)
        start = space + 1 if space >= 0 else start
    if end < len(flat):
        space = flat.rfind(" ", at + len(needle), end)
        end = space if space >= 0 else end
    return ("…" if start > 0 else "") + flat[start:end] + ("…" if end < len(flat) else "")


def _raw_text(path: Path) -> str:
    """The file's text in lower case ('' when unreadable): a needle not in it cannot be in an answer."""
    try:
        return path.read_text(encoding="utf-8", errors="replace").lower()
    except OSError:
        return ""


def signal_trend(
    directory: Path,
    sessions: Sequence[SessionSummary],
    signals: Sequence[str] = CORE_SIGNALS,
    last: int = TREND_SESSIONS,
) -> dict[str, list[float]]:
    """Each signal's debrief mean in the latest `last` finished sessions, oldest first.

    A session that did not grade a signal adds no point for it; signals with no point are left out.
    """
    trend: dict[str, list[float]] = {signal: [] for signal in signals}
    graded = [s for s in sessions if s.readable and s.decision][-last:]
    for _, transcript in load_transcripts(directory, graded):
        if transcript.debrief is None:
            continue
        for signal in signals:
            if signal in transcript.debrief.signals:
                trend[signal].append(transcript.debrief.signals[signal].mean)
    return {signal: values for signal, values in trend.items() if values}

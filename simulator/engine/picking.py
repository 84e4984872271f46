"""Which questions a loop asks: its own company's, seeded, and avoiding what this user answered recently."""

import random
from pathlib import Path

from simulator.content import Library
from simulator.domain import LoopSpec

RECENT_SESSIONS = 20


def recent_question_ids(directory: Path, sessions: int = RECENT_SESSIONS) -> set[str]:
    """Question ids answered in the user's last few sessions (unreadable ones are skipped)."""
    from simulator.store import list_sessions, load_transcripts

    if not directory.is_dir():
        return set()
    seen: set[str] = set()
    for _, transcript in load_transcripts(directory, list_sessions(directory)[-sessions:]):
        for record in transcript.rounds:
            seen |= {t.question_id for t in record.turns if t.question_id and t.answer}
    return seen


def pick_questions(
    loop: LoopSpec, library: Library, rng: random.Random, avoid: set[str], level: str | None = None
) -> list[list[str]]:
    """Question ids per round: the loop's company's questions (an Amazon loop asks about Amazon), fresh
    ones first, recent ones only when those run short; another company's only when its bank has too few.
    `level` (L4-L7): within each of those, questions of that level first, then the nearest levels."""
    used: set[str] = set()
    plan: list[list[str]] = []
    for spec in loop.rounds:
        bank = sorted((q for q in library.questions_for(spec.type) if q.id not in used), key=lambda q: q.id)
        ours = [q.id for q in bank if q.company == loop.company]
        theirs = [q.id for q in bank if q.company != loop.company]
        order: list[str] = []
        for ids in (ours, theirs):
            fresh = [q for q in ids if q not in avoid]
            stale = [q for q in ids if q in avoid]
            rng.shuffle(fresh)
            rng.shuffle(stale)
            if level is not None:  # a stable sort: shuffled within a level
                fresh.sort(key=lambda q: _distance(library.questions[q].level, level))
                stale.sort(key=lambda q: _distance(library.questions[q].level, level))
            order += fresh + stale
        chosen = order[: spec.questions]
        used |= set(chosen)
        plan.append(chosen)
    return plan


def _distance(level: str, wanted: str) -> int:
    """How many seniority steps apart two levels are ("L5" and "L7": 2)."""
    return abs(int(level.removeprefix("L")) - int(wanted.removeprefix("L")))

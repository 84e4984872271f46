"""Sentences with their offsets, and the small word helpers every detector shares."""

import functools
import re
from dataclasses import dataclass, field

from simulator.grading.detectors.literals import Guarded, guarded, note_sentences

_SENTENCE_END = re.compile(r"(?<=[.!?。！？])[\"'”’)]*\s+|\n\s*\n|\n(?=\s*(?:[-*•]|\d+[.)])\s)|\n")


@dataclass(frozen=True)
class Span:
    """A verbatim piece of the answer: `text == answer[start:end]`."""

    start: int
    end: int
    text: str
    kind: str = ""
    attrs: dict[str, str] = field(default_factory=dict, compare=False, hash=False)


def sentences(text: str) -> list[Span]:
    """Split into sentences (and lines), keeping offsets; whitespace-only pieces are dropped."""
    return list(_split(text))


@functools.lru_cache(maxsize=32)
def _split(text: str) -> tuple[Span, ...]:
    """Every detector splits the same answer: split it once."""
    out: list[Span] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        _add(text, start, match.start(), out)
        start = match.end()
    _add(text, start, len(text), out)
    note_sentences(text, (s.text for s in out))
    return tuple(out)


def _add(text: str, start: int, end: int, out: list[Span]) -> None:
    piece = text[start:end]
    stripped = piece.strip()
    if not stripped:
        return
    lead = len(piece) - len(piece.lstrip())
    begin = start + lead
    out.append(Span(begin, begin + len(stripped), stripped, "sentence"))


def words_re(*phrases: str) -> Guarded:
    """A case-insensitive pattern matching any phrase on word boundaries (phrases may be regex)."""
    body = "|".join(phrases)
    return guarded(rf"(?<![\w-])(?:{body})(?![\w])", re.IGNORECASE)


WORD = re.compile(r"[A-Za-z][A-Za-z'-]+|[\u4e00-\u9fff]+")

"""Skip a regex search when the text lacks every literal that any match of the pattern must contain.

Detectors search each sentence of an answer with dozens of case-insensitive phrase lists, and almost
every search finds nothing. `Guarded.search` first asks the cheaper question "does the lowercased text
contain one of the pattern's required literals?" (found once per pattern by reading the parsed regex),
and runs the regex only when it does, so its results are exactly those of the plain pattern. A sentence
split from an answer is first narrowed to the literals present in the whole answer (`note_sentences`),
so most sentences need no check of a literal at all.
"""

import functools
import re
from collections.abc import Iterable, Iterator
from re import _parser  # type: ignore[attr-defined]
from typing import Any

_REPEATS = {_parser.MAX_REPEAT, _parser.MIN_REPEAT, _parser.POSSESSIVE_REPEAT}


class Guarded:
    """A compiled pattern whose `search`, `finditer` and `findall` return what the pattern's own do."""

    __slots__ = ("needles", "regex")

    def __init__(self, regex: re.Pattern[str]) -> None:
        self.regex = regex
        self.needles = required_literals(regex)

    @property
    def pattern(self) -> str:
        return self.regex.pattern

    def search(self, text: str) -> re.Match[str] | None:
        return self.regex.search(text) if self.may_match(text) else None

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        return self.regex.finditer(text) if self.may_match(text) else iter(())

    def findall(self, text: str) -> list[Any]:
        return self.regex.findall(text) if self.may_match(text) else []

    def may_match(self, text: str) -> bool:
        """False only when no match is possible: none of the required literals is in the text."""
        if self.needles is None:
            return True
        known = _SENTENCES.get(text)
        if known is None:
            lowered = _lowered(text)
            return lowered is None or any(n in lowered for n in self.needles)
        lowered, answer = known
        present = answer.present.get(self)
        if present is None:
            present = answer.present[self] = tuple(n for n in self.needles if n in answer.lowered)
        return bool(present) and any(n in lowered for n in present)


class _Answer:
    """An answer lowercased, and each pattern's literals found in it (a sentence of it can hold no others)."""

    __slots__ = ("lowered", "present")

    def __init__(self, lowered: str) -> None:
        self.lowered = lowered
        self.present: dict[Guarded, tuple[str, ...]] = {}


_SENTENCES: dict[str, tuple[str, _Answer]] = {}
"""A sentence's text -> itself lowercased, and the answer it was split from (any answer holding it will do)."""


def note_sentences(answer: str, pieces: Iterable[str]) -> None:
    """Remember that these pieces come from `answer`: a literal absent from the answer is absent from them."""
    lowered = _lowered(answer)
    if lowered is None:
        return
    if len(_SENTENCES) > 4096:
        _SENTENCES.clear()
    scope = _Answer(lowered)
    for piece in pieces:
        _SENTENCES[piece] = (piece.lower(), scope)


def guarded(pattern: str, flags: int = 0) -> Guarded:
    """`re.compile(pattern, flags)`, guarded by the literals every match contains."""
    return Guarded(re.compile(pattern, flags))


def required_literals(regex: re.Pattern[str]) -> frozenset[str] | None:
    """Lowercase strings of which every match contains at least one (None when the pattern has no such set:
    an alternative made only of character classes, say)."""
    return _sequence(_parser.parse(regex.pattern, regex.flags))


@functools.lru_cache(maxsize=8192)
def _lowered(text: str) -> str | None:
    """The text lowercased, or None when a character in it (the Kelvin sign, a dotless i) could match an ASCII
    letter case-insensitively without lowercasing to it: then the literals cannot rule a match out."""
    if not text.isascii() and any(_folds_to_ascii(c) for c in set(text) if not c.isascii()):
        return None
    return text.lower()


@functools.cache
def _plain(char: str) -> bool:
    """An ASCII character, or one without case (CJK, a dash): lowercasing the text finds it wherever it matches."""
    return char.isascii() or char.lower() == char.upper() == char.casefold() == char


@functools.cache
def _folds_to_ascii(char: str) -> bool:
    return any(c.isascii() for c in char.lower() + char.upper() + char.casefold())


_MAX_SPELLINGS = 64
"""A run of literal items is spelled out while it has at most this many spellings ("the problem", "problem")."""
_ZERO_WIDTH = {_parser.AT, _parser.ASSERT, _parser.ASSERT_NOT}


def _sequence(items: Any) -> frozenset[str] | None:
    """The best literal set one of these consecutive items requires: the spellings of a run of literal items
    (characters, small sets of them, short alternatives, optional ones), or what a required group requires."""
    candidates: list[frozenset[str]] = []
    run: frozenset[str] = frozenset([""])
    for op, av in items:
        spellings = _spellings(op, av)
        if spellings is not None and len(run) * len(spellings) <= _MAX_SPELLINGS:
            run = frozenset(a + b for a in run for b in spellings)
            continue
        if "" not in run:
            candidates.append(run)
        run = spellings if spellings is not None else frozenset([""])
        inner = _required(op, av) if spellings is None else None
        if inner is not None:
            candidates.append(inner)
    if "" not in run:
        candidates.append(run)
    if not candidates:
        return None
    return _minimal(max(candidates, key=lambda s: (min(map(len, s)), -len(s))))


def _spellings(op: Any, av: Any) -> frozenset[str] | None:
    """Every text (lowercased) that one item can match, when that is a short list of plain literals."""
    if op is _parser.LITERAL:
        return frozenset([chr(av).lower()]) if _plain(chr(av)) else None
    if op in _ZERO_WIDTH:
        return frozenset([""])
    if op is _parser.IN and all(kind is _parser.LITERAL and _plain(chr(c)) for kind, c in av):
        return frozenset(chr(c).lower() for _, c in av)  # a set of characters, say [$¥€]
    if op is _parser.SUBPATTERN:
        return _spelled_sequence(av[3])
    if op is _parser.BRANCH:
        union: set[str] = set()
        for branch in av[1]:
            found = _spelled_sequence(branch)
            if found is None:
                return None
            union |= found
        return frozenset(union) if len(union) <= _MAX_SPELLINGS else None
    if op in _REPEATS and av[1] == 1:
        body = _spelled_sequence(av[2])
        return None if body is None else body | (frozenset([""]) if av[0] == 0 else frozenset())
    return None


def _spelled_sequence(items: Any) -> frozenset[str] | None:
    out = frozenset([""])
    for op, av in items:
        spellings = _spellings(op, av)
        if spellings is None or len(out) * len(spellings) > _MAX_SPELLINGS:
            return None
        out = frozenset(a + b for a in out for b in spellings)
    return out


def _required(op: Any, av: Any) -> frozenset[str] | None:
    """The literal set that one item requires of the text it matches, if it requires one."""
    if op is _parser.SUBPATTERN:
        return _sequence(av[3])
    if op is _parser.ATOMIC_GROUP:
        return _sequence(av)
    if op in _REPEATS and av[0] >= 1:
        return _sequence(av[2])
    if op is _parser.BRANCH:
        union: set[str] = set()
        for branch in av[1]:
            found = _sequence(branch)
            if found is None:
                return None
            union |= found
        return frozenset(union)
    return None


def _minimal(needles: frozenset[str]) -> frozenset[str]:
    """Drop a literal that contains another: the shorter one is in the text whenever the longer one is."""
    return frozenset(n for n in needles if not any(m != n and m in n for m in needles))

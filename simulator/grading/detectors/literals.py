"""Skip a regex search when the text lacks every literal that any match of the pattern must contain.

Detectors search each sentence of an answer with dozens of case-insensitive phrase lists, and almost
every search finds nothing. `Guarded.search` first asks the cheaper question "does the lowercased text
contain one of the pattern's required literals?" (found once per pattern by reading the parsed regex),
and runs the regex only when it does, so its results are exactly those of the plain pattern. For the
sentences split from an answer (`note_sentences`) the literals of every pattern are found in one scan
per sentence (`_NeedleIndex`), so a pattern's check of a sentence is a set lookup.
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
        if self.needles is not None:
            _NEEDLES.add(self.needles)

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
        answer, index = known
        holding = answer.holding.get(self)
        if holding is None:
            holding = answer.holding[self] = answer.sentences_holding(self.needles)
        return index in holding


class _NeedleIndex:
    """Every required literal of every pattern, and one scan that finds most of them in a sentence at once.

    The scan is a regex of the literals as a letter tree (one alternative per next letter), tried at each
    position: it names the shortest literal that starts there, and the longer ones starting with it are
    then checked one by one. Literals of one or two characters ("i", "we": in nearly every sentence) are
    looked for one by one instead, and so are those of patterns made after the scan was built, until there
    are enough of them to build it again.
    """

    REBUILD_AT = 200

    def __init__(self) -> None:
        self.one_by_one: set[str] = set()
        """The literals the scan does not find: short ones, and those added since it was built."""
        self.longer: dict[str, tuple[str, ...]] = {}
        """A literal the scan finds -> itself and every such literal it begins."""
        self.generation = 0
        """Counts the additions of new literals: a text's literals found before one are found again."""
        self._late = 0
        self._scan: re.Pattern[str] | None = None

    def add(self, needles: frozenset[str]) -> None:
        new = needles - self.longer.keys() - self.one_by_one
        if new:
            self.generation += 1
        for needle in new:
            self.one_by_one.add(needle)
            if len(needle) >= 3:
                self._late += 1
        if self._late > self.REBUILD_AT:
            self._scan = None

    def scan(self) -> re.Pattern[str]:
        """The regex that names the shortest literal starting at each position of a text, if one does."""
        if self._scan is None:
            ordered = sorted({*self.longer, *(n for n in self.one_by_one if len(n) >= 3)})
            self.longer = {n: tuple(m for m in ordered if m.startswith(n)) for n in ordered}
            self.one_by_one = {n for n in self.one_by_one if len(n) < 3}
            self._late = 0
            self._scan = re.compile(f"(?=({_tree_pattern(ordered)}))")
        return self._scan

    def held(self, lowered: str) -> set[str]:
        """The literals in a lowercased text."""
        found = {n for n in self.one_by_one if n in lowered}
        for match in self.scan().finditer(lowered):
            start = match.start()
            found.update(n for n in self.longer[match.group(1)] if lowered.startswith(n, start))
        return found


def _tree_pattern(words: list[str]) -> str:
    """A regex matching exactly the words, the shortest first, as a tree of their letters."""
    tree: dict[str, Any] = {}
    for word in words:
        node = tree
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    return _branches(tree)


def _branches(node: dict[str, Any]) -> str:
    branches = [re.escape(char) + _branches(child) for char, child in sorted(node.items()) if char]
    if not branches:
        return ""
    alternation = "(?:" + "|".join(branches) + ")"
    return alternation + "??" if "" in node else alternation


_NEEDLES = _NeedleIndex()


class _Answer:
    """The sentences of an answer lowercased, the literals each holds, and which sentences may match each pattern."""

    __slots__ = ("_generation", "_held", "holding", "lowered")

    def __init__(self, lowered: list[str]) -> None:
        self.lowered = lowered
        self.holding: dict[Guarded, set[int]] = {}
        """A pattern -> the indices of the sentences that hold one of its literals (only those can match)."""
        self._held: list[set[str]] = []
        self._generation = -1

    def sentences_holding(self, needles: frozenset[str]) -> set[int]:
        if self._generation != _NEEDLES.generation:
            self._held = [_NEEDLES.held(low) for low in self.lowered]
            self._generation = _NEEDLES.generation
        return {i for i, held in enumerate(self._held) if not needles.isdisjoint(held)}


_SENTENCES: dict[str, tuple[_Answer, int]] = {}
"""A sentence's text -> the answer it was split from (any answer holding it will do) and its index there."""


def note_sentences(answer: str, pieces: Iterable[str]) -> None:
    """Remember that these pieces come from `answer`, so that a pattern's literals are looked for once in
    the answer and each sentence is then checked by its index."""
    if _lowered(answer) is None:
        return
    if len(_SENTENCES) > 4096:
        _SENTENCES.clear()
    texts = list(pieces)
    scope = _Answer([piece.lower() for piece in texts])
    for index, piece in enumerate(texts):
        _SENTENCES[piece] = (scope, index)


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

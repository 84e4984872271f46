"""Which of the question's slots (place, audience, offering) the answer fills with another value.

"AliExpress … seven-day delivery in Poland" fills the place slot with Poland; an answer about home
goods in Brazil that never names Poland, a Polish city or a demonym fills it with another value, and
so answers a neighbouring question however many of the question's words it repeats. A slot is
contradicted only when the answer names other values of that slot at least twice, and none of its
values is the asked one, lies within it (Lyon for Europe) or overlaps it (students for teenagers); a
place the asked one lies in (Europe for Poland) neither confirms nor contradicts.
"""

import re
from collections import Counter
from dataclasses import dataclass
from functools import cache

from simulator.grading.detectors.vocabulary import SLOTS, Value


@cache
def _pattern(slot: str) -> re.Pattern[str]:
    """One pattern for all the slot's values, a named group each, so that a text is read once per slot.
    Places keep their capitals (they tell "US" from "us"); the rest is matched in lower case."""
    values = SLOTS[slot]
    start = r"(?<![\w-])" if slot == "place" else r"\b(?=\w)"  # a word's start, not its end: half the tries
    return re.compile(start + "(?:" + "|".join(rf"(?P<v{i}>{v.words})" for i, v in enumerate(values)) + ")")


def _matches(text: str, slot: str) -> list[tuple[int, Value]]:
    """Where the text names each of the slot's values (a value may be named more than once)."""
    text = text.replace("’", "'")
    if slot != "place":
        text = text.lower()
    values = SLOTS[slot]
    return [(m.start(), values[int(str(m.lastgroup)[1:])]) for m in _pattern(slot).finditer(text)]


_RIVAL = re.compile(
    r"\b(?:against|unlike|versus|vs\.?|than|rivals?|competitors?|compete with|instead of)\W+(?:\w+\W+){0,2}$", re.I
)
"""Words that make what follows a rival or a foil ("against restaurant delivery apps"), not what is asked about."""


def named(text: str, slot: str) -> list[Value]:
    """The values of the slot that the text names."""
    return list(dict.fromkeys(v for _, v in _matches(text, slot)))


def asked(question: str, slot: str) -> list[Value]:
    """The values of the slot that the question asks about: named, and not only as a rival or foil."""
    found = (v for at, v in _matches(question, slot) if v.askable and not _RIVAL.search(question[:at]))
    return list(dict.fromkeys(found))


ANOTHER_AT = 2
"""Mentions of other values it takes to fill a slot: a genuine answer names another place or group
once, in a comparison ("same order in Thailand"); one that answers another question keeps naming it."""


@dataclass(frozen=True)
class SlotMiss:
    slot: str
    asked: tuple[str, ...]
    given: str
    """The other value the answer names most."""

    def __str__(self) -> str:
        return f"the question asks about {' or '.join(self.asked)}, the answer is about {self.given}"


def _other(slot: str, wanted: list[Value], given: list[Value]) -> str | None:
    """The other value the answer fills the slot with (the one it names most), or None when it does not.
    `given` holds a value once for each time the answer names it."""
    if slot == "place":
        names = {v.name for v in wanted}
        if any(v.kinds & names for v in given):  # the asked place, or a place within it
            return None
        around = set().union(*(w.kinds for w in wanted))  # the asked places and those they lie in
        others = [v for v in given if v.displaces and v.name not in around]
    else:
        wanted_kinds = set().union(*(v.kinds for v in wanted))
        if any(v.kinds & wanted_kinds for v in given):
            return None
        others = [v for v in given if v.displaces]
    if len(others) < ANOTHER_AT:
        return None
    return Counter(v.label for v in others).most_common(1)[0][0]


def slots_contradicted(question: str, answer: str) -> tuple[SlotMiss, ...]:
    """The slots the question fills and the answer fills with another value only."""
    found = []
    for slot in SLOTS:
        wanted = asked(question, slot)
        other = _other(slot, wanted, [v for _, v in _matches(answer, slot)]) if wanted else None
        if other:
            found.append(SlotMiss(slot, tuple(v.label for v in wanted), other))
    return tuple(found)

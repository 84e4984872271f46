"""Is this language at all? Shuffled words, one sentence pasted over and over, a few words repeated.

Three cheap tests, each far from what a real answer does, so a genuine answer of any length passes:
- too few distinct words for the length (natural text keeps adding new words as it goes on);
- most sentences are copies of other sentences;
- word order is broken: determiners ("the", "a", "my") followed by another function word
  ("the of", "a I"), which real sentences almost never do and shuffled words do all the time; or
  sentence ends followed by a lower-case word in a text that does use capitals mid-sentence
  (someone who types all in lower case is not penalised).
"""

import itertools
import math
import re
from collections import Counter
from dataclasses import dataclass

from simulator.grading.detectors.text import sentences

_TOKEN = re.compile(r"[A-Za-z]+(?:'[a-z]+)?|\d+(?:[.,]\d+)*%?")
_DETERMINERS = frozenset("the a an my our their this these those its his her your".split())
_FUNCTION = frozenset(
    """the a an of to in on at for with by from and or but i we you he she they it is was were are be been
    that which who this these those my our their its his her your as than so if then not""".split()
)
MIN_TOKENS = 60
DISTINCT_PER_ROOT = 2.5
"""Natural answers have far more than 2.5·√n distinct words in n words (about 8-12·√n)."""
MIN_SENTENCES = 6
COPIED_SHARE = 0.5
MIN_DETERMINERS = 8
BROKEN_ORDER_SHARE = 0.25
_END_THEN_WORD = re.compile(r"[a-z][.!?][\"')”’]*\s+([A-Za-z])")
MIN_ENDS = 4
LOWER_AFTER_END_SHARE = 0.4
MIN_CAPITALS = 3
_MID_CAPITAL = re.compile(r"(?<=[a-z,;] )[A-Z][a-z]+")


@dataclass(frozen=True)
class Coherence:
    reason: str | None
    """Why the text is not an answer, or None when it reads as language."""


def coherence(text: str) -> Coherence:
    tokens = [t.lower() for t in _TOKEN.findall(text)]
    if len(tokens) >= MIN_TOKENS and len(set(tokens)) < DISTINCT_PER_ROOT * math.sqrt(len(tokens)):
        return Coherence("The same few words over and over: there is no answer to grade.")
    said = [" ".join(_TOKEN.findall(s.text.lower())) for s in sentences(text)]
    said = [s for s in said if s]
    if len(said) >= MIN_SENTENCES:
        copies = sum(n - 1 for n in Counter(said).values() if n > 1)
        if copies / len(said) >= COPIED_SHARE:
            return Coherence("Most sentences repeat earlier ones: repetition earns nothing.")
    pairs = [(a, b) for a, b in itertools.pairwise(tokens) if a in _DETERMINERS]
    if len(pairs) >= MIN_DETERMINERS and sum(b in _FUNCTION for _, b in pairs) / len(pairs) >= BROKEN_ORDER_SHARE:
        return Coherence(SHUFFLED)
    followers = [m.group(1) for m in _END_THEN_WORD.finditer(text)]
    if (
        len(followers) >= MIN_ENDS
        and sum(f.islower() for f in followers) / len(followers) >= LOWER_AFTER_END_SHARE
        and len(_MID_CAPITAL.findall(text)) >= MIN_CAPITALS
    ):
        return Coherence(SHUFFLED)
    return Coherence(None)


SHUFFLED = "The words are not in sentences: shuffled text earns nothing."

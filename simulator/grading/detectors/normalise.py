"""Text as a detector should read it: what a reader sees, not how it was encoded.

Unicode NFKC (fullwidth and other compatibility letters become plain ones), zero-width and
other invisible characters removed, common Cyrillic and Greek look-alikes folded to Latin, and
every line break made a plain `\n` (so that replacing it by a space, one for one, joins a phrase
split across lines without moving any offset). `origin` maps every
character of the result back to the index it came from, so spans found in the normalised text
can be reported (and redacted) in the original.
"""

import functools
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

INVISIBLE = frozenset(
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b\u200c\u200d\u200e\u200f"
    "\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069"
    "\u206a\u206b\u206c\u206d\u206e\u206f\u3164\ufeff\uffa0"
)
"""Zero-width, joiner, bidi-control, soft-hyphen and filler characters: they show nothing."""

CONFUSABLES = str.maketrans(
    {
        # Cyrillic
        "а": "a",
        "в": "b",
        "е": "e",
        "ё": "e",
        "к": "k",
        "м": "m",
        "н": "h",
        "о": "o",
        "р": "p",
        "с": "c",
        "т": "t",
        "у": "y",
        "х": "x",
        "і": "i",
        "ї": "i",
        "ј": "j",
        "ѕ": "s",
        "ԁ": "d",
        "ԛ": "q",
        "ԝ": "w",
        "һ": "h",
        "ӏ": "l",
        "ɡ": "g",
        "А": "A",
        "В": "B",
        "Е": "E",
        "К": "K",
        "М": "M",
        "Н": "H",
        "О": "O",
        "Р": "P",
        "С": "C",
        "Т": "T",
        "У": "Y",
        "Х": "X",
        "І": "I",
        "Ј": "J",
        "Ѕ": "S",
        "Ԁ": "D",
        "Ԍ": "G",
        "Ү": "Y",
        # Greek
        "α": "a",
        "β": "b",
        "ε": "e",
        "η": "n",
        "ι": "i",
        "κ": "k",
        "ν": "v",
        "ο": "o",
        "ρ": "p",
        "τ": "t",
        "υ": "u",
        "χ": "x",
        "ω": "w",
        "γ": "y",
        "Α": "A",
        "Β": "B",
        "Ε": "E",
        "Η": "H",
        "Ι": "I",
        "Κ": "K",
        "Μ": "M",
        "Ν": "N",
        "Ο": "O",
        "Ρ": "P",
        "Τ": "T",
        "Υ": "Y",
        "Χ": "X",
        "Ζ": "Z",
    }
)
"""Letters that look like Latin ones, as used to slip "ignore" past a pattern ("іgnоrе")."""


@dataclass(frozen=True)
class Normalised:
    text: str
    origin: Sequence[int]
    """origin[i]: the index in the original text of the character text[i] came from."""

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span of text[start:end] (end > start)."""
        return self.origin[start], self.origin[end - 1] + 1


@functools.lru_cache(maxsize=64)
def normalise(text: str) -> Normalised:
    if text.isascii() and "\r" not in text:  # nothing to fold: the common case, at C speed
        return Normalised(text, range(len(text)))
    chars: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        if ch in INVISIBLE or (ch == "\r" and text[i + 1 : i + 2] == "\n"):
            continue
        piece = ch if ch.isascii() else unicodedata.normalize("NFKC", ch).translate(CONFUSABLES)
        if piece in ("\r", "\u2028", "\u2029", "\x0b", "\x0c", "\x85"):
            piece = "\n"
        for out in piece:
            chars.append(out)
            origin.append(i)
    return Normalised("".join(chars), origin)

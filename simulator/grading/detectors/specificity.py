"""Specifics a listener could check: numbers, names, quoted words. Fluent vagueness has none."""

import re
from dataclasses import dataclass

from simulator.grading.detectors.metrics import has_number
from simulator.grading.detectors.text import sentences

_NAME = re.compile(r"(?<=\s)[\"“(]?([A-Z][a-z]+(?:[A-Z][A-Za-z0-9]*)?)(?![\w-])")
"""A capitalised or CamelCase word after a space (a sentence's first word is capitalised anyway); acronyms
(KPI, MVP, RICE) and hyphenated coinages are not names."""
_QUOTE = re.compile(r"[\"“][^\"”]{8,}[\"”]")
_CJK = re.compile(r"[\u4e00-\u9fff]{2,}")


@dataclass(frozen=True)
class Specificity:
    has_number: bool
    names: int
    quotes: int

    @property
    def vague(self) -> bool:
        """No number, no quoted words, and at most two names: nothing a committee could check."""
        return not self.has_number and self.quotes == 0 and self.names <= 2


def specificity(text: str) -> Specificity:
    names: set[str] = set()
    for sentence in sentences(text):
        names.update(_NAME.findall(sentence.text))
    names |= set(_CJK.findall(text))
    return Specificity(has_number(text), len(names), len(_QUOTE.findall(text)))

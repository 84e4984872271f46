"""Evidence quotes: whole sentences of the answer as typed, one lead per signal where the answer allows.

The detectors split at every line break (`detectors/text.py`), which cuts a sentence that a YAML block
answer wraps over two lines. A quote is widened to the whole sentence it sits in: a sentence ends at
., ! or ? followed by a space (with no quotation left open), at a blank line, or before a list item.
"""

import functools
import re

from simulator.grading.detectors.text import Span

_END = re.compile(r"[.!?。！？]+[\"'”’)]*(?=\s|$)|\n[ \t]*\n|\n(?=[ \t]*(?:[-*•]|\d+[.)])\s)")


def whole_sentences(text: str) -> list[tuple[int, int]]:
    """Start and end of each sentence of `text`, leading and trailing whitespace left out."""
    return list(_whole_sentences(text))


@functools.lru_cache(maxsize=32)
def _whole_sentences(text: str) -> tuple[tuple[int, int], ...]:
    """Every signal's quotes are widened in the same answer: split it once."""
    bounds: list[tuple[int, int]] = []
    start = 0
    for match in _END.finditer(text):
        piece = text[start : match.end()]
        if not match.group().startswith("\n") and not _balanced(piece):
            continue
        _keep(text, start, match.end(), bounds)
        start = match.end()
    _keep(text, start, len(text), bounds)
    return tuple(bounds)


def _balanced(piece: str) -> bool:
    """No quotation left open ("…" or “…”; a ’ is too often an apostrophe to count)."""
    return piece.count('"') % 2 == 0 and piece.count("“") <= piece.count("”")


def _keep(text: str, start: int, end: int, out: list[tuple[int, int]]) -> None:
    piece = text[start:end]
    if piece.strip():
        lead = len(piece) - len(piece.lstrip())
        out.append((start + lead, start + len(piece.rstrip())))


def quote_sentences(spans: list[Span], original: str, limit: int) -> list[str]:
    """Up to `limit` distinct whole sentences holding the spans, in the order of the spans given."""
    bounds = _whole_sentences(original)
    quotes: list[str] = []
    for span in spans:
        covering = [(s, e) for s, e in bounds if s < span.end and e > span.start]
        if not covering:
            continue
        quote = original[covering[0][0] : covering[-1][1]]
        if quote.strip() and quote not in quotes:
            quotes.append(quote)
        if len(quotes) == limit:
            break
    return quotes


MAX_LEADS = 2
"""A sentence leads at most this many signals' quotes; a further signal with no other quote shows none."""


def distinct_leads(evidence: dict[str, list[str]]) -> dict[str, list[str]]:
    """Reorder each signal's quotes (in the order given, most rewarded first) so that each leads with
    the sentence that has led the fewest signals so far."""
    led: dict[str, int] = {}
    out: dict[str, list[str]] = {}
    for signal, quotes in evidence.items():
        ordered = sorted(quotes, key=lambda q: led.get(q, 0))
        if ordered and led.get(ordered[0], 0) >= MAX_LEADS:
            ordered = []
        if ordered:
            led[ordered[0]] = led.get(ordered[0], 0) + 1
        out[signal] = ordered
    return out

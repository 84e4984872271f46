"""A guarded pattern finds what the plain pattern finds, and skips the regex when a required literal is absent."""

import gc
import re

import pytest

import simulator.grading.offline  # noqa: F401  (defines every detector pattern)
from bench.grading import ADVERSARIAL, GOLDEN
from simulator.content.loader import load_sheet_file
from simulator.grading.detectors.literals import Guarded, _tree_pattern, guarded, note_sentences, required_literals
from simulator.grading.detectors.text import sentences


def test_required_literals_of_phrases() -> None:
    needles = required_literals(re.compile(r"(?<!\w)(?:my (?:goal|job) was|I was asked|x+y)(?!\w)", re.I))
    assert needles == {"my goal was", "my job was", "i was asked", "x"}


def test_short_alternatives_and_optional_parts_are_spelled_out() -> None:
    assert required_literals(re.compile(r"(?:the )?problem|one[- ]pager", re.IGNORECASE)) == {
        "problem",
        "one-pager",
        "one pager",
    }


def test_an_alternative_without_a_literal_leaves_the_pattern_unguarded() -> None:
    assert required_literals(re.compile(r"budget|\d+ ?\w")) is None
    assert guarded(r"budget|\d+ ?\w").search("a 300k spend") is not None


def test_a_set_of_plain_characters_is_a_required_literal() -> None:
    assert required_literals(re.compile(r"budget|[$¥]\d+", re.IGNORECASE)) == {"budget", "$", "¥"}
    assert required_literals(re.compile(r"[^$]x|\w")) is None
    assert guarded(r"budget|[$¥]\d+").search("a ¥300 spend") is not None


def test_absent_literal_skips_and_present_literal_searches() -> None:
    pattern = guarded(r"\bsanity[- ]check\w*", re.IGNORECASE)
    assert not pattern.may_match("We compared it with last year.")
    assert pattern.may_match("A SANITY check, then")
    assert pattern.search("A SANITY check, then") is not None


@pytest.mark.parametrize(
    "text",
    [
        "I as\u212aed the team",  # Kelvin sign: matches "k" case-insensitively, lowercases to "k"
        "ı was asked",  # dotless i matches "I" case-insensitively
        "ſpend",  # long s matches "s"
        "İ was asked",  # lowercases to two characters
        "淘宝 sellers were asked — by me",
    ],
)
def test_characters_that_fold_to_ascii_are_not_ruled_out(text: str) -> None:
    for source in (r"I was asked", r"asked", r"spend", r"淘宝 ?sellers"):
        plain = re.compile(source, re.IGNORECASE)
        assert bool(guarded(source, re.IGNORECASE).search(text)) == bool(plain.search(text)), (source, text)


def _texts() -> list[str]:
    answers = [r.answer for p in sorted(GOLDEN.rglob("*.yaml")) for r in load_sheet_file(p).rounds]
    return [*answers[::7], *(make(300) for make in ADVERSARIAL.values()), "I as\u212aed why ſales fell. İt did."]


def test_every_detector_pattern_finds_what_its_regex_finds() -> None:
    patterns = [o for o in gc.get_objects() if isinstance(o, Guarded)]
    assert len(patterns) > 40
    for answer in _texts():
        pieces = [s.text for s in sentences(answer)]
        note_sentences(answer, pieces)
        for pattern in patterns:
            for text in (answer, *pieces):
                expected = [m.span() for m in pattern.regex.finditer(text)]
                assert [m.span() for m in pattern.finditer(text)] == expected, (pattern.pattern[:60], text[:60])
                assert bool(pattern.search(text)) == bool(expected)


def test_a_pattern_made_after_an_answer_was_scanned_still_finds_its_literals() -> None:
    answer = "We shipped it. Then the zyxwvut metric moved."
    pieces = [s.text for s in sentences(answer)]
    note_sentences(answer, pieces)
    assert not guarded(r"\bshipped\b").search(pieces[1])  # the answer's sentences are scanned now
    late = guarded(r"\bzyxwvut\b", re.IGNORECASE)  # a literal no pattern had
    assert late.search(pieces[1]) is not None
    assert late.search(pieces[0]) is None


def test_the_scan_names_the_shortest_literal_and_finds_the_longer_ones() -> None:
    words = ["cut", "cut the scope", "cutover", "de-scop"]
    scan = re.compile(f"(?=({_tree_pattern(words)}))")
    assert [m.group(1) for m in scan.finditer("we cut the scope, then a cutover; de-scoped")] == [
        "cut",
        "cut",
        "de-scop",
    ]
    assert scan.fullmatch("cut the scope") is None  # a lookahead: it never consumes text

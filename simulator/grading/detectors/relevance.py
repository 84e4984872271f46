"""Does the answer address the question asked? An answer to another question scores 1.

Each word of the question weighs by how rare it is across the question banks (inverse
document frequency), so "Cainiao" or "delivery", common to many questions, count for less
than "greener" or "slower", which say what this question is about.
"""

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from simulator.grading.detectors.intent import intent_fit
from simulator.grading.detectors.slots import SlotMiss, slots_contradicted
from simulator.grading.detectors.text import WORD

_STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "if",
        "then",
        "so",
        "of",
        "to",
        "in",
        "on",
        "at",
        "by",
        "for",
        "with",
        "from",
        "into",
        "over",
        "under",
        "about",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "do",
        "does",
        "did",
        "doing",
        "have",
        "has",
        "had",
        "having",
        "i",
        "me",
        "my",
        "we",
        "our",
        "you",
        "your",
        "they",
        "them",
        "their",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "what",
        "which",
        "who",
        "whom",
        "whose",
        "when",
        "where",
        "why",
        "how",
        "all",
        "any",
        "each",
        "few",
        "more",
        "most",
        "other",
        "some",
        "such",
        "no",
        "nor",
        "not",
        "only",
        "own",
        "same",
        "than",
        "too",
        "very",
        "can",
        "will",
        "just",
        "should",
        "now",
        "would",
        "could",
        "may",
        "might",
        "must",
        "shall",
        "tell",
        "time",
        "describe",
        "walk",
        "through",
        "example",
        "give",
        "talk",
        "about",
        "share",
        "story",
        "answer",
        "question",
        "interview",
        "candidate",
        "like",
        "want",
        "make",
        "made",
        "get",
        "got",
        "one",
        "two",
        "three",
        "also",
        "well",
        "really",
        "way",
        "thing",
        "things",
        "something",
        "someone",
        "lot",
        "lots",
        "use",
        "used",
        "using",
        "let",
        "lets",
        "let's",
        "please",
        "here",
        "there",
        "around",
        "still",
        "even",
        "much",
        "many",
        "least",
    ]
)
_BEHAVIOURAL = re.compile(
    r"\b(?:tell me about|describe a (?:time|situation)|a time (?:when|you)|"
    r"give me an example|share an example|have you ever|"
    r"(?:what was|what's|tell me) your (?:most|biggest|proudest|hardest))\b",
    re.IGNORECASE,
)
_PAST_STORY = re.compile(
    r"\b(?:I|we|the team|they)\s+(?:\w+ly\s+)?(?:\w+ed|was|were|had|did|made|"
    r"took|wrote|ran|led|built|chose|went|got|saw|found|told|met|spoke|sat|"
    r"set|cut|put|left|gave|owned|drove|brought|sent|kept|held|won|lost|"
    r"began|became|arrange|propose|show|build|decide|talk|ask)\b",
    re.IGNORECASE,
)
ON_TOPIC_AT = 0.16


KNOWN_NAMES = frozenset(
    """taobao tmall alipay cainiao freshippo hema lazada aliexpress dingtalk alibaba amazon aws prime kindle
    alexa youku fliggy shopee meituan jd pinduoduo douyin tiktok wechat google apple netflix uber grab gojek
    trendyol daraz alimama quark ele.me""".split()
)
_CAPITALISED = re.compile(r"(?<![\w'’-])([A-Z][A-Za-z0-9.]+)")
_SENTENCE_START = re.compile(r"(?:^|[.?!]\s+)([A-Z][A-Za-z0-9.]+)")
ENTITY_MISS_OVERLAP = 0.3
"""Below this overlap, an answer naming none of the question's companies, products or places is off topic."""
SLOT_MISS_OVERLAP = 0.6
"""Below this overlap, a case answer that fills one of the question's slots with another value is off topic."""


def entities(question: str) -> set[str]:
    """Names in the question: capitalised words not opening a sentence, and known product names anywhere."""
    starts = {m.start(1) for m in _SENTENCE_START.finditer(question)}
    found = set()
    for match in _CAPITALISED.finditer(question):
        word = match.group(1).rstrip(".")
        if word.lower() in KNOWN_NAMES or (match.start(1) not in starts and word not in {"I", "PRFAQ", "FAQ"}):
            found.add(word.lower())
    return found


@dataclass(frozen=True)
class Relevance:
    overlap: float
    story_expected: bool
    story_told: bool
    names_missed: bool
    """The question names companies, products or places; the answer mentions none of them and names
    another company or product instead."""
    intents_asked: tuple[str, ...] = ()
    intents_missing: tuple[str, ...] = ()
    """What a behavioural question asks for (a miss, a disagreement…) that the story never shows."""
    slots_missed: tuple[SlotMiss, ...] = ()
    """The question's place, audience or offering that a case answer replaces with another (slots.py)."""

    @property
    def why_off_topic(self) -> str | None:
        """The first slot (place, audience, offering) the answer fills with another value, when that is
        what makes it off topic."""
        if self.slots_missed and self.overlap < SLOT_MISS_OVERLAP:
            return str(self.slots_missed[0])
        return None

    def on_topic(self, round_format_met: bool) -> bool:
        """On topic when the story is of the kind asked for, or the answer shares the question's
        distinctive words, tells the story asked for, or gives the round's format (a press release,
        a sizing...) with some overlap."""
        if self.intents_missing:
            return False
        if self.intents_asked:
            return True
        if self.names_missed and self.overlap < ENTITY_MISS_OVERLAP and not self.story_expected:
            return False
        if self.why_off_topic:
            return False
        return (
            self.overlap >= ON_TOPIC_AT
            or (self.story_expected and self.story_told)
            or (round_format_met and self.overlap >= ON_TOPIC_AT / 4)
        )


def stems(text: str) -> set[str]:
    return {w.lower()[:6] for w in WORD.findall(text) if w.lower() not in _STOP and len(w) > 2}


@lru_cache(maxsize=1)
def _document_frequency() -> tuple[dict[str, int], int]:
    from simulator.content import load_library

    questions = [q.text for q in load_library().questions.values()]
    return _df(questions), max(len(questions), 1)


def _df(texts: Iterable[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for text in texts:
        for stem in stems(text):
            counts[stem] = counts.get(stem, 0) + 1
    return counts


def weighted_overlap(question: str, answer: str, df: dict[str, int], n: int) -> float:
    wanted = stems(question)
    if not wanted:
        return 1.0
    got = stems(answer)
    weight = {w: math.log((n + 1) / (df.get(w, 0) + 1)) + 0.1 for w in wanted}
    return sum(weight[w] for w in wanted & got) / sum(weight.values())


def relevance(question: str, answer: str, case_round: bool = False) -> Relevance:
    """Weighted overlap of the question's words with the answer, and story-versus-case fit. In a
    `case_round` (one the rubric gives a form: a PR/FAQ, a sizing, a framed problem) the question's
    place, audience and offering are compared with the answer's too."""
    df, n = _document_frequency()
    overlap = weighted_overlap(question, answer, df, n)
    story_expected = _BEHAVIOURAL.search(question) is not None
    story_told = len(_PAST_STORY.findall(answer)) >= 3
    lowered = answer.lower()
    names = entities(question)
    names_missed = bool(names) and not any(name[:5] in lowered for name in names) and _names_another(answer, names)
    intents = intent_fit(question, answer) if story_expected else None
    return Relevance(
        overlap,
        story_expected,
        story_told,
        names_missed,
        intents.asked if intents else (),
        intents.missing if intents else (),
        slots_contradicted(question, answer) if case_round and not story_expected else (),
    )


_PARENTS = frozenset({"amazon", "alibaba"})
_COMMON_WORDS = frozenset({"prime", "apple", "grab", "quark", "hema", "alexa", "kindle"})
"""Known names that are also ordinary words ("a prime example"): no evidence of another setting."""
_ELSEWHERE = re.compile(r"\b(?:my|a) (?:last|previous|former|old) (?:company|job|employer|role|team)\b")


def _names_another(answer: str, names: set[str]) -> bool:
    """The answer is set somewhere else: another known company or product (a name that is also an
    ordinary word only when capitalised, "Prime Video" but not "a prime example"), or "at my last company"."""
    lowered = answer.lower()
    words = set(re.findall(r"[a-z]+(?:\.[a-z]+)*", lowered))
    others = (KNOWN_NAMES - _PARENTS) - {n.lower() for n in names}
    found = words & others
    if any(w not in _COMMON_WORDS or re.search(rf"\b{w.capitalize()}\b", answer) for w in found):
        return True
    return _ELSEWHERE.search(lowered) is not None

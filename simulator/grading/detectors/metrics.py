"""Quantified outcomes: metric, baseline, change, time frame and how it was measured."""

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from simulator.grading.detectors.literals import guarded
from simulator.grading.detectors.text import Span, sentences, words_re

_NUM = (
    r"(?:[$¥€£]|RMB\s?|USD\s?|CNY\s?)?(?<![\d,.])\d[\d,]*+(?:\.\d++)?\s?(?:%|pp\b|bps\b|x\b|×|k\b|K\b|m\b|M\b|"
    r"B\b|bn\b|mn\b|million\b|billion\b|thousand\b|万|亿|percent\b|percentage points?\b)?"
)
_UNITS_SAID = (
    r"percent|per cent|percentage points?|points|million|billion|thousand|hundred|k|x|times|fold|days?|weeks?|"
    r"months?|hours?|minutes?|seconds?|milliseconds?|RMB|yuan|dollars?|bucks|euros?|rupees?|pesos?|baht|users|"
    r"customers|sellers|merchants|buyers|orders|stores|riders|people|accounts|tickets|SKUs|brands|"
    r"households|subscribers|members|calls|parcels|deliveries"
)
_SMALL = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
    r"seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|a hundred|hundred|"
    r"a thousand|a dozen|dozen"
)
_SAID = rf"(?:(?:{_SMALL})(?:[\s-]+(?:and\s+)?(?:{_SMALL}|point\s+(?:{_SMALL}|\w+)))*)"
_WORD_NUM = (
    rf"\b{_SAID}\s+(?:{_UNITS_SAID})\b|\b(?:{_SMALL}|zero)?\s?point\s+(?:{_SMALL}|zero)(?:\s+(?:{_SMALL}))?\b"
    rf"|\b(?:{_SMALL})[\s-](?:{_SMALL})\b(?:\s+(?:{_UNITS_SAID})\b)?"
    r"|\b(?:a|one|two) (?:third|quarter|half|fifth|tenth)s?(?: of)?\b|\bhalf of\b|\b(?:doubled|tripled|halved)\b"
    rf"|\b(?:{_SMALL}|\d{{1,3}})[\s-]in[\s-](?:every[\s-])?(?:{_SMALL}|\d{{1,3}})\b"
)
"""Numbers said in words ("about twelve percent", "two point one million RMB", "roughly a third of")."""
_QUANTITY = rf"(?:{_NUM}|{_WORD_NUM})"
_APPROX = r"(?:just\s+)?(?:under|over|below|above|about|around|roughly|nearly|almost|approximately|some|~)"
NUMBER = re.compile(_NUM)
WORD_NUMBER = re.compile(_WORD_NUM, re.IGNORECASE)
_WORD_NUMBERS = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|"
    r"forty|fifty|sixty|ninety|a hundred|several|a few|half"
)
_YEAR = re.compile(r"^(?:19|20)\d\d$")

# "from 14% to 9%", "14% -> 9%", "p95 800 ms → 300 ms", "went from X down to Y"
_FROM_TO = guarded(
    rf"\bfrom\s+(?:{_APPROX}\s+)?{_QUANTITY}[^.;\n]{{0,40}}?\bto\s+(?:{_APPROX}\s+)?(?:{_QUANTITY}|(?:{_SMALL})\b(?!\s+of\b))"
    rf"|{_NUM}\s*(?:[A-Za-z]{{1,8}}\s*)?(?:->|→|=>|—>|\bto\b)\s*{_NUM}",
    re.IGNORECASE,
)
_BASELINE = words_re(
    r"baseline",
    r"was (?:at |around |about )?\d",
    r"used to (?:be|take)",
    r"before (?:the |our |my )?"
    r"(?:launch|change|fix|pilot|test|that)",
    r"previously",
    r"compared (?:with|to)",
    r"versus",
    r"vs\.?",
    r"against (?:a|the) control",
    r"up from",
    r"down from",
    r"had been",
    r"starting point",
)
_CHANGE = words_re(
    r"increas\w*",
    r"decreas\w*",
    r"reduc\w*",
    r"cut",
    r"grew",
    r"grow\w*",
    r"lift\w*",
    r"rais\w*",
    r"improv\w*",
    r"drop\w*",
    r"fell",
    r"declin\w*",
    r"boost\w*",
    r"doubl\w*",
    r"tripl\w*",
    r"halv\w*",
    r"sav\w*",
    r"moved?",
    r"went (?:up|down)",
    r"(?:up|down) (?:by|from)",
    r"jump\w*",
    r"rose",
    r"shrank",
    r"lower\w*",
    r"higher",
    r"added",
    r"gain\w*",
    r"recover\w*",
    r"climb\w*",
    r"dropp\w*",
    r"uplift",
)
_TIMEFRAME = words_re(
    rf"(?:over|in|within|after|across|during|for)\s+(?:the\s+)?(?:first\s+|next\s+|last\s+|following\s+)?"
    rf"(?:{_APPROX}\s+)?(?:\d+|{_WORD_NUMBERS}|{_SMALL})[\s-]*(?:days?|weeks?|months?|quarters?|years?|sprints?|hours?)",
    rf"(?:\d+|{_WORD_NUMBERS}|{_SMALL})[\s-]+(?:days?|weeks?|months?|quarters?|years?|sprints?)\s+"
    r"(?:later|after|in|of)",
    r"(?:within|in|over|for) (?:a|one|the) (?:quarter|year|month|week)",
    r"(?:last|this|next) (?:spring|summer|autumn|"
    r"fall|winter|Singles'? Day|Double 11|Prime Day|peak)",
    r"(?:Q[1-4]|H[12]) (?:last|this|next) year",
    r"by (?:the end of )?(?:Q[1-4]|end of (?:the )?(?:quarter|year|month)|\w+ 20\d\d)",
    r"in Q[1-4]",
    r"Q[1-4](?: 20\d\d)?",
    r"(?:per|a|each|every) (?:day|week|month|quarter|year)",
    r"daily",
    r"weekly",
    r"monthly",
    r"quarterly",
    r"annual(?:ly|ized)?",
    r"year[- ]over[- ]year",
    r"YoY",
    r"WoW",
    r"MoM",
    r"QoQ",
    r"this (?:quarter|year)",
    r"last (?:quarter|year)",
    r"(?:Double|Singles'?) ?11",
    r"双11",
    r"618",
    r"Prime Day",
    r"peak season",
    r"within a quarter",
    r"by launch",
    r"post[- ]launch",
    r"after launch",
)
_SOURCE = words_re(
    r"dashboard",
    r"A/B",
    r"AB test",
    r"experiment",
    r"control group",
    r"holdout",
    r"hold-out",
    r"according to",
    r"measured (?:by|via|in|with|through|on|as)",
    r"per (?:the|our) \w+",
    r"(?:funnel|finance|weekly|monthly|sales) (?:report|review|data)",
    r"cohort",
    r"(?:survey|NPS) (?:data|results)",
    r"tracked (?:in|via|by|through)",
    r"instrument\w*",
    r"logs?",
    r"query",
    r"SQL",
    r"finance (?:confirmed|team)",
    r"WBR",
    r"business review",
    r"statistically significant",
    r"p\s?[<=]",
    r"confidence",
    r"treatment",
    r"attribution",
    r"Tableau",
    r"Looker",
    r"QuickBI",
    r"DataWorks",
    r"Amplitude",
    r"Mixpanel",
    r"CloudWatch",
    r"from (?:the|our|their) (?:\w+ )?(?:report|data|dashboard|system|tool|logs?|console|BI)",
    r"(?:CS|CRM|BI|ERP|finance|billing|ticketing) (?:system|data|tool)",
    r"we measured",
    r"I measured",
    r"(?:data|numbers?) (?:from|in|came from)",
)
METRIC_WORDS = words_re(
    r"conversion",
    r"retention",
    r"churn",
    r"GMV",
    r"revenue",
    r"DAU",
    r"MAU",
    r"WAU",
    r"NPS",
    r"CSAT",
    r"latency",
    r"p9\d",
    r"abandon\w*",
    r"CTR",
    r"click[- ]?through",
    r"engagement",
    r"sales",
    r"orders?",
    r"margin",
    r"cost",
    r"costs",
    r"CAC",
    r"LTV",
    r"ROI",
    r"ROAS",
    r"AOV",
    r"basket",
    r"adoption",
    r"activation",
    r"sign[- ]?ups?",
    r"bookings",
    r"on[- ]time",
    r"delivery time",
    r"defect",
    r"tickets?",
    r"contacts?",
    r"complaints?",
    r"refunds?",
    r"returns?",
    r"error rate",
    r"uptime",
    r"availability",
    r"throughput",
    r"time to \w+",
    r"lead time",
    r"cycle time",
    r"repeat (?:purchase|rate)",
    r"take rate",
    r"win rate",
    r"pipeline",
    r"ARR",
    r"MRR",
    r"penetration",
    r"share",
    r"awareness",
    r"brand lift",
    r"GMV",
    r"spend",
    r"users?",
    r"sellers?",
    r"merchants?",
    r"customers?",
    r"rate",
    r"minutes",
    r"hours",
    r"days",
    r"seconds",
    r"ms",
)


_TARGET = words_re(
    r"targets?",
    r"goal",
    r"aim(?:ing)? (?:for|at)",
    r"I(?:'d| would) want",
    r"we(?:'d| would) want",
    r"success (?:is|means|looks like|metric)",
    r"(?:at least|above|below|under|over|no more than|less than) "
    rf"(?:{_APPROX}\s+)?{_QUANTITY}",
    r"by (?:day|week|month) \d+",
    r"guardrail",
    r"north[- ]star",
    r"(?:launch|success) (?:metrics?|criteria)",
    r"KPIs?",
)


def targets(text: str) -> list[Span]:
    """Success metrics stated as a number to reach (a case answer's delivery evidence)."""
    return [s for s in sentences(text) if numbers_in(s.text) and _TARGET.search(s.text) and METRIC_WORDS.search(s.text)]


@dataclass(frozen=True)
class Claim:
    """One sentence with a number, and what it says about that number."""

    span: Span
    baseline: bool
    change: bool
    timeframe: bool
    source: bool

    @property
    def complete(self) -> bool:
        """A baseline (or a from-to) and a time frame or a source: a claim a committee can check."""
        return self.baseline and (self.timeframe or self.source)

    @property
    def partial(self) -> bool:
        """A number that moved, or sits in time, but cannot be checked as told."""
        return not self.complete and (self.baseline or (self.change and self.timeframe))


_LABEL_NUMBER = guarded(r"\b(?:L|step\s?|phase\s?|version\s?|v\s?)(\d+)\b", re.IGNORECASE)
"""Numbers that name a level or a step (L6, phase 2, v3), not a quantity."""
_MAY_SAY_NUMBER = guarded(
    rf"\b(?:{_SMALL}|point|third|quarter|half|fifth|tenth|doubled|tripled|halved)\b", re.IGNORECASE
)


def numbers_in(text: str) -> list[str]:
    """Quantities in the text, in digits or in words; years and level or step labels are left out."""
    return list(_numbers(text))


def has_number(text: str) -> bool:
    """Whether `numbers_in(text)` finds anything; a long answer's words are not read once a digit answered."""
    return next(_quantities(text), None) is not None


@functools.lru_cache(maxsize=256)
def _numbers(sentence: str) -> tuple[str, ...]:
    """Claims, targets and sizing all count the numbers of the same sentences: count them once."""
    return tuple(_quantities(sentence))


def _quantities(text: str) -> Iterator[str]:
    labels = {m.group(1) for m in _LABEL_NUMBER.finditer(text)}
    for match in NUMBER.finditer(text):
        token = match.group().strip()
        if any(ch.isdigit() for ch in token) and not _YEAR.match(token) and token not in labels:
            yield token
    if _MAY_SAY_NUMBER.search(text):
        yield from (m.group().strip() for m in WORD_NUMBER.finditer(text))


_COMPARED = guarded(r";|\bvs\.?\b|\bversus\b|\bcompared\b|\bagainst\b|\bthan\b|\bwhile\b|\bwhereas\b", re.IGNORECASE)
_UNIT = re.compile(r"%|pp|ms|[a-z]+$", re.IGNORECASE)


def _unit(token: str) -> str:
    if " in " in token.lower():
        return "ratio"  # "one in eight"
    found = _UNIT.search(token)
    return found.group().lower() if found else ""


def _compares_two(text: str, nums: list[str]) -> bool:
    """Two quantities of one unit set against each other ("84% ... ; ... 91%"): a baseline and a result."""
    units = [_unit(n) for n in nums]
    return _COMPARED.search(text) is not None and any(units.count(u) >= 2 for u in set(units))


def claims(text: str) -> list[Claim]:
    """Every sentence carrying a quantity, parsed into the parts of a checkable claim.

    A claim inherits a time frame or a source from the sentence just before it ("I ran a two-week
    A/B. Face-only completed 84%; with a PIN, 91%.").
    """
    out = []
    previous = ""
    for sentence in sentences(text):
        context, previous = previous, sentence.text
        nums = numbers_in(sentence.text)
        if not nums:
            continue
        s = sentence.text
        from_to = _FROM_TO.search(s) is not None or _compares_two(s, nums)
        out.append(
            Claim(
                span=sentence,
                baseline=from_to or _BASELINE.search(s) is not None,
                change=from_to or _CHANGE.search(s) is not None,
                timeframe=_TIMEFRAME.search(s) is not None or _TIMEFRAME.search(context) is not None,
                source=_SOURCE.search(s) is not None or _SOURCE.search(context) is not None,
            )
        )
    return out

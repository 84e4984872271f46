"""Which follow-up the scripted interviewer asks: a pure choice from the question, the answers so far
and their offline grade.

In order:
- an answer flagged `prompt-injection` gets one redirect back to the question, not a content probe;
- a question probe fires when its signal is still thin (scored at or below `THIN_AT`) after the answer
  and every follow-up so far, and the answers have not already given what its words ask for (a
  segment for "Who first?", a before-and-after for "Give me the metric before and after");
- in a story question, a probe that names another line of business ("parcels delayed") is asked
  only when the story is in that business; otherwise the signal's general probe stands in;
- an answer with nothing thin and an overall of at least 3 gets one challenge of the bar-raiser
  kind (attribution, counterfactual, what you would do differently, the strongest objection).
"""

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from simulator.domain import Question, RoundGrade
from simulator.grading.detectors import find_injection, redact, relevance
from simulator.grading.detectors.literals import Guarded
from simulator.grading.detectors.relevance import stems
from simulator.grading.detectors.text import words_re
from simulator.grading.features import Evidence, extract
from simulator.grading.feedback import what_moved
from simulator.interviewer.base import Followup

THIN_AT = 2
"""A signal scoring at or below this in the answers so far is thin: its probe may be asked."""
STRONG_AT = 3
"""An overall at or above this, with nothing thin, earns one challenge probe."""
ANSWERED_SHARE = 0.6
"""A probe whose distinctive words are this much present in the answers asks for what was given."""
REDIRECT = "Let's stay with the question: "
_ASKING_WORDS = stems(
    "forget know see tell want think give make happen exactly actually get put take walk talk thing things first "
    "someone something kind sort"
)
"""Words an interviewer uses to ask anything: a probe's content is in its other words."""


@dataclass(frozen=True)
class _Ask:
    """Something a probe's words ask for, and whether the evidence of the answers gives it."""

    words: Guarded
    given: Callable[[Evidence, str], bool]


def _has(*features: str) -> Callable[[Evidence, str], bool]:
    return lambda ev, _: any(ev.value(f) > 0 for f in features)


def _says(*phrases: str) -> Callable[[Evidence, str], bool]:
    pattern = words_re(*phrases)
    return lambda _, text: pattern.search(text) is not None


_ASKS = (
    _Ask(
        words_re(
            r"baseline",
            r"before and after",
            r"from what",
            r"over what (?:period|window|time)",
            r"over how many (?:days|weeks|months)",
            r"annuali[sz]ed",
        ),
        _has("metric_complete"),
    ),
    _Ask(
        words_re(r"put a number", r"numbers?", r"how much", r"how many", r"the cost of", r"metric before"),
        _has("metric_complete", "metric_partial"),
    ),
    _Ask(words_re(r"target", r"call this a win", r"worth shipping"), _has("metric_target", "metric_complete")),
    _Ask(
        words_re(
            r"who first",
            r"whose",
            r"who (?:is|was) (?:this|it) for",
            r"which (?:\w+ )?(?:customers?|users?|sellers?|shoppers?|buyers?|merchants?|workers?|developers?|segment)",
        ),
        _has("segment"),
    ),
    _Ask(
        words_re(
            r"your call",
            r"group decision",
            r"the moment you decided",
            r"what did you (?:decide|say|do)",
            r"you personally",
            r"your (?:own )?part",
        ),
        _has("decision"),
    ),
    _Ask(
        words_re(r"trade-?offs?", r"give up", r"gave up", r"what (?:did|would) you cut", r"rank\w*", r"prioriti\w*"),
        _has("tradeoff", "framework"),
    ),
    _Ask(
        words_re(r"how did you (?:learn|know|find out|hear)", r"research", r"talk(?:ed)? to", r"what evidence"),
        _has("research"),
    ),
    _Ask(
        words_re(r"stakeholders?", r"bring (?:them|it|people) along", r"align\w*", r"convinc\w*", r"to agree"),
        _has("alignment"),
    ),
    _Ask(
        words_re(
            r"explain",
            r"confirm",
            r"tell (?:those|these|them|the two) apart",
            r"cuts? of the data",
            r"randomi[sz]\w*",
            r"significan\w*",
            r"in which direction",
        ),
        _has("rigor"),
    ),
    _Ask(
        words_re(r"what (?:exactly )?(?:do|did|would) you (?:say|tell)"),
        _says(r"I(?:'d| would| will)? (?:say|said|tell|told|write|wrote|explain(?:ed)?)"),
    ),
    _Ask(
        words_re(r"in writing"),
        _says(r"in writing", r"writ(?:e|es|ing|ten)", r"wrote", r"memo", r"e-?mail", r"one-pager"),
    ),
    _Ask(words_re(r"differently", r"lessons?", r"mistake", r"rule of thumb", r"looking back"), _has("accountability")),
    _Ask(words_re(r"simpl\w*", r"remove", r"fewer steps"), _has("simplify")),
)

_DOMAINS = {
    "logistics": words_re(
        r"parcels?", r"couriers?", r"shipments?", r"warehouses?", r"depots?", r"last[- ]mile", r"logistics", r"freight"
    ),
    "payments": words_re(r"payments?", r"wallets?", r"chargebacks?", r"remittances?", r"card fraud"),
    "grocery": words_re(r"grocer\w*", r"fresh produce", r"baskets?"),
    "advertising": words_re(r"advertisers?", r"ad campaigns?", r"impressions", r"CPC", r"CPM", r"ROAS"),
    "video": words_re(r"viewers?", r"episodes?", r"playback", r"streaming"),
    "cloud": words_re(r"servers?", r"outages?", r"SLAs?", r"API calls?", r"regions? of"),
}
"""Lines of business a behavioural probe may assume: it is asked only when the story is in one."""

GENERAL = {
    "ownership": "Which part of that was your call? Tell me the moment you decided and what you said.",
    "delivery_metrics": "Put a number on it: what was it before, what was it after, and over what period?",
    "customer_obsession": "Who exactly was the customer here, and how did you find out what they needed?",
    "cross_functional_influence": "Who had to change their plans for this, and how did you bring them along?",
    "structure": "Take me through it in order: the situation, what you did, and how it turned out.",
}
"""A signal's probe that assumes no line of business, for a story the question's own probe does not fit."""

_ATTRIBUTION = "How do you know it was your work and not seasonality, or something else that changed at the same time?"
_COUNTERFACTUAL = "Suppose you had not made that call. What would have happened, and how do you know?"
_DIFFERENTLY = "Looking back, what would you do differently, and why did you not do it at the time?"
_OBJECTION = "What is the strongest objection to this plan, and what would make you drop it?"
CHALLENGES = (_ATTRIBUTION, _COUNTERFACTUAL, _DIFFERENTLY, _OBJECTION)
"""A challenge's text ends with one of these; one challenge per question."""

_YOUR_PAST = re.compile(r"\byou(?:'ve| have)? (?:made|led|owned|shipped|ran|took|had|did|built|launched)\b", re.I)
"""A question about the candidate's own past ("a decision you made"): the story picks the business."""


def choose_probe(
    question: Question, answers: Sequence[str], grade: RoundGrade | None, asked: Sequence[str] = ()
) -> Followup | None:
    """The next follow-up on `question`, or None to move on. `grade` is the offline grade of all the
    answers so far (None when the rubric does not grade this round: every probe counts as thin)."""
    answer = "\n\n".join(a for a in answers if a.strip())
    if not answer:
        return None
    if grade is not None and "prompt-injection" in grade.flags and not any(a.startswith(REDIRECT) for a in asked):
        return Followup(text=REDIRECT + " ".join(question.text.split()))
    injected = find_injection(answer)
    text = redact(answer, injected) if injected else answer
    evidence = extract(text)
    thin = _thin(question, grade)
    fit = relevance(question.text, text)
    story_question = fit.story_expected or _YOUR_PAST.search(question.text) is not None
    for probe in sorted(question.probes, key=lambda p: thin.get(p.signal, 9)):
        if probe.signal not in thin:
            continue
        candidate = probe.text
        if story_question and not _in_domain(candidate, question.text, text):
            candidate = GENERAL.get(probe.signal, "")
        if candidate and candidate not in asked and not _given(candidate, question.text, text, evidence):
            return Followup(text=candidate, signal=probe.signal)
    if thin or grade is None or grade.overall.score < STRONG_AT or any(a.endswith(CHALLENGES) for a in asked):
        return None
    return Followup(text=_challenge(evidence, fit.story_told))


def _thin(question: Question, grade: RoundGrade | None) -> dict[str, int]:
    """The question's probed signals still thin, with their scores (0 when the grade has none)."""
    if grade is None:
        return {p.signal: 0 for p in question.probes}
    found = {}
    for probe in question.probes:
        signal = grade.signals.get(probe.signal)
        if signal is None or signal.score <= THIN_AT:
            found[probe.signal] = signal.score if signal else 0
    return found


def _given(probe: str, question: str, answer: str, evidence: Evidence) -> bool:
    """The answers already give what the probe asks: every ask its words make is met, or most of its
    own words (those the question does not already use) are in the answers."""
    asks = [ask for ask in _ASKS if ask.words.search(probe)]
    if asks and all(ask.given(evidence, answer) for ask in asks):
        return True
    own = stems(probe) - stems(question) - _ASKING_WORDS
    return bool(own) and len(own & stems(answer)) / len(own) >= ANSWERED_SHARE


def _in_domain(probe: str, question: str, answer: str) -> bool:
    """A story probe naming a line of business that neither the question nor the story names does not fit."""
    for pattern in _DOMAINS.values():
        if pattern.search(probe) and not pattern.search(question) and not pattern.search(answer):
            return False
    return True


def _challenge(evidence: Evidence, story_told: bool) -> str:
    if not story_told or evidence.value("i_plan") > evidence.value("i_action"):
        return _OBJECTION
    if evidence.value("metric_complete") or evidence.value("metric_partial"):
        said = _what_moved(evidence)
        return f"You said {said}. {_ATTRIBUTION}" if said else f"The numbers moved. {_ATTRIBUTION}"
    if evidence.value("decision"):
        return _COUNTERFACTUAL
    return _DIFFERENTLY


def _what_moved(evidence: Evidence) -> str | None:
    claims = [s.text for name in ("metric_complete", "metric_partial") for s in evidence.spans.get(name, [])]
    return what_moved("\n".join(claims))

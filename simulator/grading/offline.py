"""The offline evidence grader: deterministic, instant, no key. It finds evidence, not buzzwords.

Per signal, a level comes from the rubric's model file (a head fitted on expert labels, see
`learned.py`), or, for a signal the model has no head for, from the rubric's hand-set feature
weights and thresholds. The rubric's gates then cap it: an answer that is off topic, too short,
vague, incoherent, told only as "we" or full of unanchored numbers cannot score high whatever it
contains. A round of several questions is graded question by question and combined by the
rubric's rule, so a strong first story does not carry a weak or skipped second one.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from statistics import mean

from simulator.domain import OverallScore, RoundGrade, Rubric, SignalGrade
from simulator.domain.grades import QuestionGrade
from simulator.domain.offline_model import OfflineModel
from simulator.domain.rubric import LEVELS, Gate, GateName, RubricRound, Signal
from simulator.grading.base import GradeRequest, QuestionPart
from simulator.grading.detectors import find_injection, redact, relevance
from simulator.grading.detectors.coherence import coherence
from simulator.grading.detectors.literals import Guarded, guarded
from simulator.grading.detectors.specificity import specificity
from simulator.grading.detectors.text import WORD, Span, sentences
from simulator.grading.features import Evidence, extract, substantive
from simulator.grading.feedback import advice, lacking, rationale, skipped_advice, voided_advice
from simulator.grading.learned import answer_vector, heads
from simulator.grading.quotes import distinct_leads, quote_sentences
from simulator.grading.scoring import level, overall_score, thresholds_for, weights_for

MAX_QUOTES = 3
LOWEST, HIGHEST = LEVELS[0], LEVELS[-1]
_HUMAN = {
    "decision": "first-person decisions",
    "i_action": "first-person actions",
    "i_plan": "first-person plans ('I would')",
    "accountability": "owning a miss or a lesson",
    "deflection": "blaming others or circumstances",
    "we_dominant": "story told mostly as 'we'/passive",
    "no_first_person": "no first-person action",
    "metric_complete": "results with baseline and time frame",
    "metric_partial": "numbers short of a baseline or time frame",
    "metric_sourced": "a named measurement source",
    "bare_number": "bare numbers",
    "metric_change_only": "changes with no baseline or time frame",
    "metric_target": "success metrics with a target",
    "segment": "a named customer segment",
    "pain": "the segment's pain",
    "research": "how the customer insight was learned",
    "backwards": "working backwards from the customer",
    "function": "named functions",
    "alignment": "a mechanism of alignment",
    "conflict_resolved": "a disagreement resolved",
    "tradeoff": "explicit trade-offs",
    "framework": "a prioritisation method",
    "framing": "problem framing",
    "simplify": "simplification",
    "rigor": "analytical rigour",
    "star_parts": "STAR parts",
    "prfaq_sections": "PRFAQ sections",
    "positioning_parts": "positioning-statement parts",
    "sizing_step": "sizing arithmetic",
    "sizing_assumption": "stated sizing assumptions",
    "sizing_check": "a sanity check of the size",
    "channel": "named channels",
    "budget": "a budget split",
    "sequencing": "launch sequencing",
    "launch_metric": "launch metrics",
    "cue": "rubric cue phrases backed by substance",
}
_GATE_REASONS = {
    "off_topic": "The answer does not address the question asked.",
    "empty": "No answer was given.",
    "too_short": "Too short to show anything a committee could check.",
    "vague": "Nothing checkable: no number, name or quoted words.",
    "we_only": "The story is told as 'we': the candidate's own part is invisible.",
    "unanchored_numbers": "Numbers without a baseline, time frame or source cannot be checked.",
    "injection": "Text addressed to the grader was removed and earns nothing.",
}
_VOIDING: frozenset[GateName] = frozenset({"off_topic", "incoherent"})
"""Gates after which nothing in the answer counts: no evidence is found or quoted, only the gate is told."""


@dataclass(frozen=True)
class _Trip:
    """A gate this answer trips, with the reason shown to the candidate."""

    name: GateName | None
    reason: str
    gate: Gate

    @property
    def voids(self) -> bool:
        return self.name in _VOIDING


class OfflineGrader:
    """Grades with the evidence detectors, the rubric's model file, its gates and anchors."""

    name = "offline"

    async def grade(self, request: GradeRequest, rubric: Rubric) -> RoundGrade:
        return grade_offline(request, rubric)


def rubric_model(rubric: Rubric) -> OfflineModel | None:
    """The model file the rubric names or sits beside (ContentError when it is broken)."""
    if not rubric.model:
        return None
    from simulator.content.offline_models import load_offline_model

    return load_offline_model(Path(rubric.model))


def grade_offline(request: GradeRequest, rubric: Rubric, model: OfflineModel | None = None) -> RoundGrade:
    """Grade a round; `model` overrides the rubric's own model file (cross-validation uses this)."""
    round_spec = rubric.round_for(request.round)
    if round_spec is None:
        known = ", ".join(sorted(rubric.rounds))
        raise ValueError(f"rubric {rubric.id!r} does not grade round {request.round!r}; expected one of: {known}")
    model = model if model is not None else rubric_model(rubric)
    parts = request.parts or (QuestionPart(request.question, request.answer),)
    graded = [_grade_question(request.round, part, rubric, model) for part in parts]
    answered = [g for g in graded if g.part.answer.strip() and not g.part.skipped]
    if len(graded) == 1:
        signals, flags = graded[0].signals, graded[0].flags
    else:
        signals = _combine(graded, rubric)
        flags = list(dict.fromkeys(f for g in answered for f in g.flags)) or (["empty-answer"] if not answered else [])
    cutoffs = _overall_cuts(rubric, model)
    overall = overall_score({s: g.score for s, g in signals.items()}, round_spec, rubric.decision, cutoffs)
    caps = [g.overall_cap for g in (graded if len(graded) == 1 else answered)]
    overall = min([overall, *caps]) if caps else LOWEST
    return RoundGrade(
        round=request.round,
        grader="offline",
        signals=signals,
        overall=OverallScore(score=overall, label=rubric.label(overall)),
        flags=flags,
        question=request.question,
        rubric=rubric.id,
        questions=[g.summary(rubric, round_spec, cutoffs) for g in graded] if len(graded) > 1 else [],
    )


def _overall_cuts(rubric: Rubric, model: OfflineModel | None) -> list[float] | None:
    """The model's fitted overall cut points, unless the rubric sets `decision.round_cutoffs` itself:
    a coach who tunes them sees the scores move."""
    if model is None or "round_cutoffs" in rubric.decision.model_fields_set:
        return None
    return model.overall_cuts


@dataclass
class _Graded:
    part: QuestionPart
    signals: dict[str, SignalGrade]
    flags: list[str]
    overall_cap: int

    def summary(self, rubric: Rubric, round_spec: RubricRound, cutoffs: list[float] | None) -> QuestionGrade:
        if self.part.skipped or not self.part.answer.strip():
            return QuestionGrade(question=self.part.question, score=LOWEST, skipped=self.part.skipped, flags=self.flags)
        scores = {s: g.score for s, g in self.signals.items()}
        score = min(overall_score(scores, round_spec, rubric.decision, cutoffs), self.overall_cap)
        return QuestionGrade(question=self.part.question, score=score, flags=self.flags)


def _grade_question(round_type: str, part: QuestionPart, rubric: Rubric, model: OfflineModel | None) -> _Graded:
    round_spec = rubric.rounds[round_type]
    injected = find_injection(part.answer)
    text = redact(part.answer, injected) if injected else part.answer
    flags: list[str] = []
    if injected or find_injection(part.question):  # a sheet's question is the user's text too
        flags.append("prompt-injection")
    if part.skipped:
        flags.append("skipped")
    elif not text.strip():
        flags.append("empty-answer")
    evidence = extract(text)
    spans = sentences(text)
    fit = relevance(part.question, text, case_round=round_type in rubric.offline.round_formats)
    incoherent = coherence(text).reason if text.strip() and "incoherent" in rubric.offline.gates else None
    too_short = len(WORD.findall(text)) < rubric.offline.too_short_words
    if incoherent:
        flags.append("incoherent")
    elif not too_short and not fit.on_topic(round_format_met(round_type, evidence, rubric)):
        flags.append("off-topic")  # shorter answers are too short to judge: the too_short gate speaks
    gates = _gates(flags, evidence, text, fit.story_told, rubric, incoherent, too_short, fit.why_off_topic)
    vector = answer_vector(evidence, len(spans), text) if model and text.strip() else None
    model_heads = heads(model) if model else {}
    signals: dict[str, SignalGrade] = {}
    for signal_id in round_spec.signals:
        signal = rubric.signals[signal_id]
        head = model_heads.get(signal_id) if signal.evidence.scorer == "model" else None
        learned = head.level(head.score(vector, round_type)) if head and vector is not None else None
        grade = _grade_signal(signal_id, signal, evidence, text, part.answer, learned, fit.story_told)
        for trip in reversed(gates):  # each reason goes in front: the first gate's is read first
            if trip.gate.signal in (None, signal_id):
                grade = _voided(grade, trip) if trip.voids else _capped(grade, trip.gate.cap, signal, trip.reason)
        if part.skipped:
            grade = SignalGrade(score=LOWEST, rationale="Skipped.", next_level=skipped_advice())
        elif grade.score >= HIGHEST:
            grade = grade.model_copy(update={"next_level": None})
        signals[signal_id] = grade
    by_weight = sorted(signals, key=lambda s: -round_spec.signals[s])
    leads = distinct_leads({s: signals[s].evidence for s in by_weight})
    signals = {s: g.model_copy(update={"evidence": leads[s]}) for s, g in signals.items()}
    overall_cap: int = min([HIGHEST, *(t.gate.overall_cap or t.gate.cap for t in gates)])
    if part.unanswered and not part.skipped:
        flags.append("follow-up-unanswered")
        overall_cap = min(overall_cap, _unanswered_caps(part, signals, rubric))
    return _Graded(part, signals, flags, overall_cap)


UNANSWERED_PROBE_CAP = 2
"""A signal asked for twice (the answer, then a follow-up probing it) and never given."""
UNANSWERED_CHALLENGE_CAP = 3
"""A round whose challenge (how do you know it was your work? what would you do differently?) went
unanswered: a committee does not call a story it could not test a strong hire."""


def _unanswered_caps(part: QuestionPart, signals: dict[str, SignalGrade], rubric: Rubric) -> int:
    """Caps the signals that a follow-up probed and got no answer for (in `signals`); returns the
    question's overall cap for a challenge that got none."""
    overall_cap: int = HIGHEST
    for missed in part.unanswered:
        if missed.signal in signals:
            why = "A follow-up asked for it again and got no answer."
            signals[missed.signal] = _capped(
                signals[missed.signal], UNANSWERED_PROBE_CAP, rubric.signals[missed.signal], why
            )
        else:
            overall_cap = UNANSWERED_CHALLENGE_CAP
    return overall_cap


def _gates(
    flags: list[str],
    ev: Evidence,
    text: str,
    story_told: bool,
    rubric: Rubric,
    incoherent: str | None,
    too_short: bool,
    off_topic_why: str | None,
) -> list[_Trip]:
    """The rubric's gates that this answer trips, each with the reason shown in the rationale."""
    rules = rubric.offline
    declared = rules.gates
    if "skipped" in flags:
        return [_Trip(None, "Skipped.", Gate(cap=LOWEST))]
    if "empty-answer" in flags:
        return [_Trip(None, _GATE_REASONS["empty"], Gate(cap=LOWEST))]
    found: list[_Trip] = []

    def trip(name: GateName, reason: str | None = None) -> None:
        gate = declared.get(name)
        if gate is not None:
            found.append(_Trip(name, reason or _GATE_REASONS[name], gate))

    if incoherent:
        trip("incoherent", incoherent)
    if "off-topic" in flags:
        trip("off_topic", f"{_GATE_REASONS['off_topic'][:-1]}: {off_topic_why}." if off_topic_why else None)
    if any(t.voids for t in found):
        return found
    if "prompt-injection" in flags:
        cap = rubric.decision.integrity_cap
        found.append(_Trip(None, _GATE_REASONS["injection"], Gate(cap=cap)))
    if too_short:
        trip("too_short")
    if specificity(text).vague:
        trip("vague")
    if ev.value("we_dominant") and ev.value("decision") == 0 and ev.value("i_action") <= 1 and story_told:
        trip("we_only")
    unanchored = ev.value("bare_number") + ev.value("metric_change_only")
    if unanchored >= rules.unanchored_numbers_at and not (ev.value("metric_complete") or ev.value("metric_partial")):
        trip("unanchored_numbers")
    return found


def round_format_met(round_type: str, ev: Evidence, rubric: Rubric) -> bool:
    """The answer takes the form the round asks for (a press release, a sizing, a framed problem)."""
    needs = rubric.offline.round_formats.get(round_type)
    if not needs:
        return ev.value("i_action") + ev.value("i_plan") >= 2
    return any(ev.value(name) >= at_least for name, at_least in needs.items())


def _combine(graded: list[_Graded], rubric: Rubric) -> dict[str, SignalGrade]:
    """Per signal, the questions' levels combined by the rubric's rule; quotes and reasons from all."""
    rules: dict[str, Callable[[list[int]], int]] = {"mean": _mean_half_down, "min": min, "max": max}
    rule = rules[rubric.offline.questions]
    combined: dict[str, SignalGrade] = {}
    for signal_id in graded[0].signals:
        grades = [g.signals[signal_id] for g in graded]
        score = rule([g.score for g in grades])
        best = max(grades, key=lambda g: g.score)
        weak = [i + 1 for i, g in enumerate(graded) if g.signals[signal_id].score < score or g.part.skipped]
        note = f" Question {', '.join(map(str, weak))} held it back." if weak else ""
        quotes = list(dict.fromkeys(q for g in sorted(grades, key=lambda g: -g.score) for q in g.evidence))
        worst = min(grades, key=lambda g: g.score)
        combined[signal_id] = SignalGrade(
            score=score,
            evidence=quotes[:MAX_QUOTES],
            rationale=(best.rationale + note).strip(),
            next_level=(worst.next_level or rubric.signals[signal_id].next_level(score)) if score < HIGHEST else None,
        )
    return combined


def _mean_half_down(scores: list[int]) -> int:
    """The mean, rounded to the nearest level with ties going down (a committee does not round up)."""
    value = mean(scores)
    below = int(value)
    return below + 1 if value - below > 0.5 else below


def _grade_signal(
    signal_id: str, signal: Signal, ev: Evidence, text: str, original: str, learned: int | None, story_told: bool
) -> SignalGrade:
    weights = weights_for(signal)
    cue_spans = _cue_spans(signal, ev, text)
    values = {**ev.values, "cue": min(len(cue_spans), 2)}
    contributions = {name: w * values.get(name, 0.0) for name, w in weights.items()}
    score = learned if learned is not None else level(sum(contributions.values()), thresholds_for(signal))
    if ev.substance == 0:
        score = LOWEST
    found = [n for n, c in contributions.items() if c > 0]
    against = [n for n, c in contributions.items() if c < 0]
    past = story_told or (ev.value("i_action") > 0 and ev.value("i_plan") == 0)
    missing = lacking([n for n, w in weights.items() if w > 0 and values.get(n, 0.0) == 0], found, past)
    rewarded = sorted(found, key=lambda n: -contributions[n])
    quotes = quote_sentences([*[s for n in rewarded for s in ev.spans.get(n, [])], *cue_spans], original, MAX_QUOTES)
    if ev.substance == 0:
        why = "No checkable substance: no first-person action, number, customer or function."
    else:
        why = rationale(found, against, missing, _HUMAN)
    return SignalGrade(
        score=score,
        evidence=quotes,
        rationale=why,
        next_level=_next_level(signal, score, missing, original),
    )


def _next_level(signal: Signal, score: int, missing: list[str], answer: str) -> str | None:
    """Advice about this answer; the rubric's anchor one level up only when the answer lacks nothing named.
    Kept at the top level too, since a gate may still cap the signal."""
    return advice(missing, answer) or signal.next_level(score)


def _cue_spans(signal: Signal, ev: Evidence, text: str) -> list[Span]:
    if not signal.evidence.cues:
        return []
    pattern = _cue_pattern(tuple(signal.evidence.cues))
    return [s for s in sentences(text) if pattern.search(s.text) and substantive(s, ev)]


_CUE_PATTERNS: dict[tuple[str, ...], Guarded] = {}


def _cue_pattern(cues: tuple[str, ...]) -> Guarded:
    pattern = _CUE_PATTERNS.get(cues)
    if pattern is None:
        pattern = guarded("|".join(rf"\b{re.escape(c)}\b" for c in cues), re.IGNORECASE)
        _CUE_PATTERNS[cues] = pattern
    return pattern


def _voided(grade: SignalGrade, trip: _Trip) -> SignalGrade:
    """Only the gate is told: what the detectors found in an answer that does not count is not evidence."""
    return SignalGrade(
        score=min(grade.score, trip.gate.cap),
        rationale=trip.reason,
        next_level=voided_advice(trip.name == "off_topic"),
    )


def _capped(grade: SignalGrade, cap: int, signal: Signal, why: str) -> SignalGrade:
    if grade.score <= cap:
        return grade.model_copy(update={"rationale": f"{why} {grade.rationale}"})
    return grade.model_copy(
        update={
            "score": cap,
            "rationale": f"{why} {grade.rationale}",
            "next_level": grade.next_level or signal.next_level(cap),
        }
    )

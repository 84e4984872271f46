"""The offline evidence grader: deterministic, instant, no key. It finds evidence, not buzzwords."""

import re
from dataclasses import dataclass

from simulator.domain import OverallScore, RoundGrade, Rubric, SignalGrade
from simulator.domain.rubric import Signal
from simulator.grading.base import GradeRequest
from simulator.grading.detectors import find_injection, redact, relevance
from simulator.grading.detectors.specificity import specificity
from simulator.grading.detectors.text import Span, sentences
from simulator.grading.features import Evidence, extract, substantive
from simulator.grading.scoring import level, overall_score, thresholds_for, weights_for

MAX_QUOTES = 3
VAGUE_CAP = 2
UNANCHORED_AT = 3
"""This many numbers with no baseline, time frame or source, and none anchored, is a number dump."""
ROUND_FORMATS: dict[str, tuple[tuple[str, float], ...]] = {
    "prfaq": (("prfaq_sections", 3),),
    "marketing-case": (("sizing_step", 1), ("positioning_parts", 3), ("channel", 2)),
    "product-sense": (("framing", 1),),
}
_HUMAN = {
    "decision": "first-person decisions",
    "i_action": "first-person actions",
    "i_plan": "first-person plans ('I would')",
    "accountability": "owning a miss or a lesson",
    "deflection": "blaming others or circumstances",
    "we_dominant": "story told mostly as 'we'/passive",
    "no_first_person": "no first-person action",
    "metric_complete": "results with baseline and time frame",
    "metric_partial": "numbers missing a baseline or time frame",
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


class OfflineGrader:
    """Grades with the evidence detectors and the rubric's cues, thresholds and anchors."""

    name = "offline"

    async def grade(self, request: GradeRequest, rubric: Rubric) -> RoundGrade:
        return grade_offline(request, rubric)


def grade_offline(request: GradeRequest, rubric: Rubric) -> RoundGrade:
    round_spec = rubric.round_for(request.round)
    if round_spec is None:
        known = ", ".join(sorted(rubric.rounds))
        raise ValueError(f"rubric {rubric.id!r} does not grade round {request.round!r}; expected one of: {known}")
    injected = find_injection(request.answer)
    text = redact(request.answer, injected) if injected else request.answer
    flags: list[str] = []
    if injected:
        flags.append("prompt-injection")
    if not text.strip():
        flags.append("empty-answer")
    evidence = extract(text)
    fit = relevance(request.question, text)
    if text.strip() and not fit.on_topic(round_format_met(request.round, evidence)):
        flags.append("off-topic")
    gates = _gates(flags, evidence, text, fit.story_told, rubric)
    signals: dict[str, SignalGrade] = {}
    for signal_id in round_spec.signals:
        signal = rubric.signals[signal_id]
        grade = _grade_signal(signal_id, signal, evidence, text, request.answer)
        for gate in gates:
            if gate.applies_to(signal_id):
                grade = _capped(grade, gate.cap, signal, gate.reason)
        signals[signal_id] = grade

    overall = overall_score({s: g.score for s, g in signals.items()}, round_spec, rubric.decision)
    overall = min([overall, *(g.overall_cap for g in gates)])
    return RoundGrade(
        round=request.round,
        grader="offline",
        signals=signals,
        overall=OverallScore(score=overall, label=rubric.label(overall)),
        flags=flags,
        question=request.question,
        rubric=rubric.id,
    )


@dataclass(frozen=True)
class Gate:
    """A rule that caps scores whatever the features say, with the reason shown in the rationale."""

    reason: str
    cap: int
    overall_cap: int
    only: str | None = None

    def applies_to(self, signal_id: str) -> bool:
        return self.only is None or self.only == signal_id


def _gates(flags: list[str], ev: Evidence, text: str, story_told: bool, rubric: Rubric) -> list[Gate]:
    if "off-topic" in flags or "empty-answer" in flags:
        return [Gate("The answer does not address the question asked.", 1, 1)]
    gates = []
    if "prompt-injection" in flags:
        cap = rubric.decision.integrity_cap
        gates.append(Gate("Text addressed to the grader was removed and earns nothing.", cap, cap))
    if specificity(text).vague:
        gates.append(Gate("Nothing checkable: no number, name or quoted words.", VAGUE_CAP, VAGUE_CAP))
    if story_told and ev.value("we_dominant") and ev.value("decision") == 0 and ev.value("i_action") <= 1:
        gates.append(Gate("The story is told as 'we': the candidate's own part is invisible.", 1, 2, "ownership"))
    unanchored = ev.value("bare_number") + ev.value("metric_change_only")
    if unanchored >= UNANCHORED_AT and ev.value("metric_complete") == 0 and ev.value("metric_partial") == 0:
        gates.append(
            Gate("Numbers without a baseline, time frame or source cannot be checked.", 1, 2, "delivery_metrics")
        )
    return gates


def round_format_met(round_type: str, ev: Evidence) -> bool:
    """The answer takes the form the round asks for (a press release, a sizing, a framed problem)."""
    needs = ROUND_FORMATS.get(round_type)
    if needs is None:
        return ev.value("i_action") + ev.value("i_plan") >= 2
    return any(ev.value(name) >= at_least for name, at_least in needs)


def _grade_signal(signal_id: str, signal: Signal, ev: Evidence, text: str, original: str) -> SignalGrade:
    weights = weights_for(signal_id, signal)
    cue_spans = _cue_spans(signal, ev, text)
    values = {**ev.values, "cue": min(len(cue_spans), 2)}
    contributions = {name: w * values.get(name, 0.0) for name, w in weights.items()}
    points = sum(contributions.values())
    score = level(points, thresholds_for(signal))
    if ev.substance == 0:
        score = 1
    found = [n for n, c in contributions.items() if c > 0]
    against = [n for n, c in contributions.items() if c < 0]
    missing = [n for n, w in weights.items() if w > 0 and values.get(n, 0.0) == 0 and n != "cue"]
    quotes = _quotes([*[s for n in found for s in ev.spans.get(n, [])], *cue_spans], original)
    rationale = _rationale(found, against, missing, values, ev.substance == 0)
    return SignalGrade(
        score=score,
        evidence=quotes,
        rationale=rationale,
        next_level=signal.levels.get(score + 1) if score < 4 else None,
    )


def _cue_spans(signal: Signal, ev: Evidence, text: str) -> list[Span]:
    if not signal.evidence.cues:
        return []
    pattern = re.compile("|".join(rf"\b{re.escape(c)}\b" for c in signal.evidence.cues), re.IGNORECASE)
    return [s for s in sentences(text) if pattern.search(s.text) and substantive(s, ev)]


def _quotes(spans: list[Span], original: str) -> list[str]:
    """Up to MAX_QUOTES distinct sentences, in answer order, verbatim from the original answer."""
    seen: dict[int, Span] = {}
    for span in spans:
        seen.setdefault(span.start, span)
    ordered = sorted(seen.values(), key=lambda s: s.start)[:MAX_QUOTES]
    return [original[s.start : s.end] for s in ordered if original[s.start : s.end].strip()]


def _rationale(found: list[str], against: list[str], missing: list[str], values: dict[str, float], empty: bool) -> str:
    if empty:
        return "No checkable substance: no first-person action, number, customer or function."
    parts = []
    if found:
        parts.append("Found " + ", ".join(f"{_HUMAN.get(n, n)} ({values[n]:g})" for n in found) + ".")
    if against:
        parts.append("Held back by " + ", ".join(_HUMAN.get(n, n) for n in against) + ".")
    if missing:
        parts.append("Missing " + ", ".join(_HUMAN.get(n, n) for n in missing[:3]) + ".")
    return " ".join(parts)


def _capped(grade: SignalGrade, cap: int, signal: Signal, why: str) -> SignalGrade:
    if grade.score <= cap:
        return grade.model_copy(update={"rationale": f"{why} {grade.rationale}"})
    return grade.model_copy(
        update={"score": cap, "rationale": f"{why} {grade.rationale}", "next_level": signal.levels.get(cap + 1)}
    )

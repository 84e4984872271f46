"""The loop's debrief: the rubric's decision rule over round grades, and the three fixes that matter."""

from dataclasses import dataclass

from simulator.domain import Debrief, Fix, RoundGrade, Rubric, SignalSummary
from simulator.domain.grades import Decision

FIXES = 3
VOIDED = frozenset({"off-topic", "incoherent", "skipped", "empty-answer"})
"""Flags of a round whose signals all say the same thing: a fix is shown from another round when one has the signal."""


@dataclass(frozen=True)
class GradedRound:
    round_type: str
    title: str
    grade: RoundGrade
    answer: str = ""


def build_debrief(rounds: list[GradedRound], rubric: Rubric) -> Debrief:
    if not rounds:
        return Debrief(decision="no-hire", rule="No round was answered.", mean=0.0)
    weights = [rubric.rounds[r.round_type].weight if r.round_type in rubric.rounds else 1.0 for r in rounds]
    mean = sum(r.grade.overall.score * w for r, w in zip(rounds, weights, strict=True)) / sum(weights)
    vetoed = _vetoes(rounds, rubric)
    rule = rubric.decision
    decision: Decision
    if vetoed:
        decision, why = "no-hire", "Veto: " + "; ".join(vetoed)
    elif mean >= rule.hire_at_least:
        decision = "hire"
        why = (
            f"Weighted mean of round scores {mean:.2f} reaches the bar of {rule.hire_at_least:g}, and no veto applies."
        )
    else:
        decision = "no-hire"
        why = f"Weighted mean of round scores {mean:.2f} is below the bar of {rule.hire_at_least:g}."
    summaries = _summaries(rounds)
    return Debrief(
        decision=decision, rule=why, mean=round(mean, 2), signals=summaries, fixes=_fixes(rounds, summaries, rubric)
    )


def _vetoes(rounds: list[GradedRound], rubric: Rubric) -> list[str]:
    found = []
    for veto in rubric.decision.vetoes:
        for r in rounds:
            if veto.round not in ("*", r.round_type):
                continue
            for signal_id, grade in r.grade.signals.items():
                if veto.signal in ("*", signal_id) and grade.score <= veto.at_most:
                    reason = veto.reason or f"{signal_id} at {grade.score} in {r.round_type}"
                    found.append(f"{reason} ({r.title}: {signal_id} scored {grade.score})")
    return list(dict.fromkeys(found))


def _summaries(rounds: list[GradedRound]) -> dict[str, SignalSummary]:
    by_signal: dict[str, dict[str, int]] = {}
    for r in rounds:
        for signal_id, grade in r.grade.signals.items():
            by_signal.setdefault(signal_id, {})[r.title] = grade.score
    return {
        s: SignalSummary(mean=round(sum(v.values()) / len(v), 2), min=min(v.values()), rounds=v)
        for s, v in by_signal.items()
    }


def _fixes(rounds: list[GradedRound], summaries: dict[str, SignalSummary], rubric: Rubric) -> list[Fix]:
    """The weakest signals that weigh most across the loop, each with the round that shows it."""
    importance: dict[str, float] = {}
    for r in rounds:
        spec = rubric.rounds.get(r.round_type)
        for signal_id in r.grade.signals:
            importance[signal_id] = importance.get(signal_id, 0.0) + (spec.signals.get(signal_id, 1.0) if spec else 1.0)
    weak = [s for s, summary in summaries.items() if summary.mean < 3]
    weak.sort(key=lambda s: (summaries[s].mean, -importance.get(s, 0.0), s))
    fixes: list[Fix] = []
    for signal_id in weak:
        graded = [r for r in rounds if signal_id in r.grade.signals]
        worst = min(graded, key=lambda r: (bool(VOIDED & set(r.grade.flags)), r.grade.signals[signal_id].score))
        grade = worst.grade.signals[signal_id]
        signal = rubric.signals.get(signal_id)
        advice = grade.next_level or (signal.next_level(grade.score) if signal else None) or ""
        if advice and any(f.next_level == advice for f in fixes):
            continue  # the same advice twice is one fix (a voided round tells every signal the same)
        fixes.append(
            Fix(
                signal=signal_id,
                name=signal.name if signal else signal_id,
                why=f"{worst.title}: scored {grade.score}. {grade.rationale}".strip(),
                quotes=grade.evidence[:2],
                next_level=advice,
            )
        )
        if len(fixes) == FIXES:
            break
    return fixes

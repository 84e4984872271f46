"""The rubric's hand-set scoring, for signals the model file has no head for (or `scorer: weights`):
a weighted sum of capped features (`evidence.features`) against the points needed for levels 2, 3
and 4 (`evidence.thresholds`). A signal whose rubric sets no features gets GENERIC_FEATURES."""

from collections.abc import Sequence

from simulator.domain import DecisionRule, RubricRound, Signal
from simulator.domain.rubric import LEVELS

DEFAULT_THRESHOLDS = [0.75, 2.0, 3.5]

GENERIC_FEATURES = {"decision": 0.5, "metric_partial": 0.5, "metric_complete": 0.5, "cue": 0.5}


def weights_for(signal: Signal) -> dict[str, float]:
    return signal.evidence.features or GENERIC_FEATURES


def thresholds_for(signal: Signal) -> list[float]:
    return signal.evidence.thresholds or DEFAULT_THRESHOLDS


def level(points: float, thresholds: list[float]) -> int:
    return LEVELS[0] + sum(points >= t for t in thresholds)


def weighted_mean(scores: dict[str, int], weights: dict[str, float]) -> float:
    total = sum(weights.values())
    return sum(scores[s] * w for s, w in weights.items()) / total


def overall_score(
    scores: dict[str, int], round_spec: RubricRound, decision: DecisionRule, cutoffs: Sequence[float] | None = None
) -> int:
    """The round's overall level from its signal scores, by the rubric's round cut-offs (or `cutoffs`,
    an offline model's fitted ones).

    A 1 on the signal the round weighs most (ownership in a bar raiser, market sizing in a
    marketing case) keeps the round at 2 or below, however well the rest went.
    """
    overall = level(weighted_mean(scores, round_spec.signals), list(cutoffs or decision.round_cutoffs))
    top = max(round_spec.signals.values())
    if any(scores[s] <= 1 for s, w in round_spec.signals.items() if w == top):
        overall = min(overall, 2)
    return overall

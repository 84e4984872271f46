"""From features to a 1-4 level per signal: a weighted, capped sum against three thresholds.

Defaults per signal are here; a rubric's `evidence.features` overrides any weight and
`evidence.thresholds` the points needed for levels 2, 3 and 4.
"""

from simulator.domain import DecisionRule, RubricRound, Signal

DEFAULT_THRESHOLDS = [0.75, 2.0, 3.5]

DEFAULT_FEATURES: dict[str, dict[str, float]] = {
    "ownership": {
        "decision": 1.0,
        "i_action": 0.75,
        "i_plan": 0.25,
        "accountability": 1.0,
        "tradeoff": 0.25,
        "we_dominant": -1.5,
        "no_first_person": -1.0,
        "deflection": -0.75,
        "cue": 0.25,
    },
    "delivery_metrics": {
        "metric_complete": 2.0,
        "metric_partial": 0.75,
        "metric_sourced": 0.75,
        "metric_target": 0.5,
        "cue": 0.25,
    },
    "customer_obsession": {"segment": 0.75, "pain": 0.75, "research": 1.0, "backwards": 0.5, "cue": 0.25},
    "cross_functional_influence": {"function": 0.35, "alignment": 1.0, "conflict_resolved": 1.0, "cue": 0.25},
    "structure": {"star_parts": 0.6, "metric_partial": 0.25, "metric_complete": 0.25, "cue": 0.25},
    "problem_definition": {
        "framing": 0.75,
        "segment": 0.5,
        "pain": 0.5,
        "metric_partial": 0.25,
        "metric_complete": 0.25,
        "cue": 0.25,
    },
    "prioritization": {"tradeoff": 1.25, "framework": 0.75, "decision": 0.5, "cue": 0.25},
    "prfaq_structure": {"prfaq_sections": 0.55, "metric_partial": 0.25, "metric_complete": 0.25, "cue": 0.25},
    "invent_and_simplify": {"simplify": 1.25, "tradeoff": 0.5, "decision": 0.25, "cue": 0.25},
    "market_sizing": {"sizing_step": 1.0, "sizing_assumption": 0.75, "sizing_check": 1.0, "cue": 0.25},
    "positioning": {"positioning_parts": 0.55, "segment": 0.5, "cue": 0.25},
    "go_to_market": {"channel": 0.35, "budget": 0.6, "sequencing": 0.4, "launch_metric": 0.4, "cue": 0.25},
    "analytical_rigor": {
        "rigor": 0.75,
        "metric_partial": 0.25,
        "metric_complete": 0.5,
        "metric_sourced": 0.5,
        "cue": 0.25,
    },
}
GENERIC_FEATURES = {"decision": 0.5, "metric_partial": 0.5, "metric_complete": 0.5, "cue": 0.5}


def weights_for(signal_id: str, signal: Signal) -> dict[str, float]:
    base = DEFAULT_FEATURES.get(signal_id, GENERIC_FEATURES)
    return {**base, **signal.evidence.features}


def thresholds_for(signal: Signal) -> list[float]:
    return signal.evidence.thresholds or DEFAULT_THRESHOLDS


def level(points: float, thresholds: list[float]) -> int:
    return 1 + sum(points >= t for t in thresholds)


def weighted_mean(scores: dict[str, int], weights: dict[str, float]) -> float:
    total = sum(weights.values())
    return sum(scores[s] * w for s, w in weights.items()) / total


def overall_score(scores: dict[str, int], round_spec: RubricRound, decision: DecisionRule) -> int:
    """The round's overall level from its signal scores, by the rubric's round cut-offs.

    A 1 on the signal the round weighs most (ownership in a bar raiser, market sizing in a
    marketing case) keeps the round at 2 or below, however well the rest went.
    """
    overall = level(weighted_mean(scores, round_spec.signals), decision.round_cutoffs)
    top = max(round_spec.signals.values())
    if any(scores[s] <= 1 for s, w in round_spec.signals.items() if w == top):
        overall = min(overall, 2)
    return overall

"""How well a grader agrees with expert labels, per signal and overall, and where it disagrees most.

`calibration_report` is pure: labelled pairs in, figures out (the metrics are `agreement.py`'s).
The latest calibration of each rubric is kept in `<user config dir>/calibrations/<rubric-id>.json`
(0600) for the rubric viewer: `save_calibration`, `latest_calibration`.
"""

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from simulator import locations
from simulator.domain import RoundGrade, SheetRound
from simulator.grading.agreement import adjacent, confusion, exact, quadratic_weighted_kappa, spearman

OVERALL = "overall"
FIGURES = ("n", "exact", "adjacent", "spearman", "qwk")
QUOTE_CHARS = 200


@dataclass(frozen=True)
class Pair:
    """An expert label and the grader's score for one signal (or `overall`) of one answer."""

    item: str
    """Which answer: `sheet.yaml#3`, with the round's id when the sheet gives one."""
    round: str
    signal: str
    label: int
    score: int
    quote: str
    """The grader's first quote for the signal, else the opening of the answer."""
    reason: str = ""
    """The expert's reason for the label, when the sheet gives one."""


def pairs_for(item: str, labelled: SheetRound, grade: RoundGrade) -> list[Pair]:
    """A pair per label of the round whose signal the grade scored (labels of other signals are skipped)."""
    opening = " ".join(labelled.answer.split())
    opening = opening if len(opening) <= QUOTE_CHARS else opening[: QUOTE_CHARS - 1] + "…"
    reasons = labelled.reasons or {}
    pairs = []
    for signal, label in (labelled.labels or {}).items():
        if signal == OVERALL:
            score, quotes = grade.overall.score, []
        elif signal in grade.signals:
            score, quotes = grade.signals[signal].score, grade.signals[signal].evidence
        else:
            continue
        pairs.append(
            Pair(item, labelled.round, signal, label, score, quotes[0] if quotes else opening, reasons.get(signal, ""))
        )
    return pairs


def calibration_report(pairs: Iterable[Pair], levels: Sequence[int], worst: int = 5) -> dict[str, Any]:
    """`signals.<id>` and `overall`, each with n, exact, adjacent, spearman, qwk (None when undefined:
    no pairs, or one side constant), the confusion matrix (rows: label, columns: score, in `levels`
    order) and the `worst` largest disagreements."""
    by_signal: dict[str, list[Pair]] = {}
    for pair in pairs:
        by_signal.setdefault(pair.signal, []).append(pair)
    overall = by_signal.pop(OVERALL, [])
    return {
        "levels": list(levels),
        "signals": {signal: figures(found, levels, worst) for signal, found in by_signal.items()},
        OVERALL: figures(overall, levels, worst),
    }


def figures(pairs: Sequence[Pair], levels: Sequence[int], worst: int = 5) -> dict[str, Any]:
    labels = [p.label for p in pairs]
    scores = [p.score for p in pairs]
    return {
        "n": len(pairs),
        "exact": _rounded(exact(labels, scores)) if pairs else None,
        "adjacent": _rounded(adjacent(labels, scores)) if pairs else None,
        "spearman": _rounded(spearman(labels, scores)),
        "qwk": _rounded(quadratic_weighted_kappa(labels, scores, levels)),
        "confusion": confusion(labels, scores, levels),
        "worst": [_disagreement(p) for p in worst_disagreements(pairs, worst)],
    }


def worst_disagreements(pairs: Sequence[Pair], limit: int) -> list[Pair]:
    """The pairs furthest apart (at least one level), the furthest first, ties in input order."""
    apart = [p for p in pairs if p.label != p.score]
    return sorted(apart, key=lambda p: -abs(p.label - p.score))[:limit]


def headline(report: dict[str, Any]) -> dict[str, Any]:
    """The report's figures without confusion matrices and disagreements."""

    def keep(block: dict[str, Any]) -> dict[str, Any]:
        return {name: block[name] for name in FIGURES}

    return {
        OVERALL: keep(report[OVERALL]),
        "signals": {signal: keep(block) for signal, block in report["signals"].items()},
    }


def calibrations_dir() -> Path:
    return locations.user_config_dir() / "calibrations"


def save_calibration(report: dict[str, Any]) -> Path:
    """Write `report` (which names its `rubric`) as that rubric's latest calibration."""
    from simulator.store.final import atomic_write
    from simulator.store.journal import ensure_private_dir

    ensure_private_dir(locations.user_config_dir())  # the config dir too, if an older mockloop made it 0755
    path = calibrations_dir() / f"{report['rubric']}.json"
    atomic_write(path, json.dumps(report, indent=2, ensure_ascii=False).encode() + b"\n")
    return path


def latest_calibration(rubric_id: str) -> dict[str, Any] | None:
    """The last calibration saved for the rubric (`mockloop calibrate`), or None when there is none
    or it cannot be read. Keys: rubric, grader, golden, at (ISO time), rounds, levels, signals.<id>
    and overall with n, exact, adjacent, spearman, qwk, confusion, worst (docs/FORMATS.md)."""
    try:
        data = json.loads((calibrations_dir() / f"{rubric_id}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _disagreement(pair: Pair) -> dict[str, Any]:
    found = {
        "item": pair.item,
        "round": pair.round,
        "signal": pair.signal,
        "label": pair.label,
        "score": pair.score,
        "quote": pair.quote,
    }
    if pair.reason:
        found["reason"] = pair.reason
    return found


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)

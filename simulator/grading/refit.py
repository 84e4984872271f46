"""`calibrate --fit` and `--cv`: refit the offline grader's heads on labelled sheets and measure them
on answers they did not see (one group of sheets held out at a time), with bootstrap intervals."""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from simulator.domain import RoundGrade, Rubric, SheetRound
from simulator.domain.offline_model import OfflineModel
from simulator.grading.agreement import quadratic_weighted_kappa, spearman
from simulator.grading.base import GradeRequest
from simulator.grading.calibration import OVERALL, Pair, calibration_report, pairs_for
from simulator.grading.fitting import Labelled, bootstrap_interval, cross_validate, fit_model, with_vectors
from simulator.grading.offline import grade_offline, rubric_model

MIN_GROUPS = 2
FOLDS = 5
"""Sheets from a single group are cross-validated in this many folds instead."""


@dataclass(frozen=True)
class Sheet:
    """A labelled round as calibrate found it: where, which group of sheets, and the round itself."""

    item: str
    group: str
    labelled: SheetRound


def training_items(sheets: Sequence[Sheet]) -> list[Labelled]:
    """Targets are the mean of the labels and, where a second labeller gave one, their label."""
    groups = {s.group for s in sheets}
    out = []
    for index, sheet in enumerate(sheets):
        labels = {k: float(v) for k, v in (sheet.labelled.labels or {}).items()}
        for signal, second in (sheet.labelled.second_labels or {}).items():
            if signal in labels:
                labels[signal] = (labels[signal] + second) / 2
        group = sheet.group if len(groups) >= MIN_GROUPS else f"fold {index % FOLDS + 1}"
        out.append(
            Labelled(
                sheet.labelled.round,
                sheet.labelled.question,
                sheet.labelled.answer,
                labels,
                group=group,
                item=sheet.item,
                trap=sheet.labelled.trap,
                style=sheet.labelled.style,
            )
        )
    return with_vectors(out)


def _grade(sheet: Sheet, rubric: Rubric, model: OfflineModel | None) -> RoundGrade:
    labelled = sheet.labelled
    return grade_offline(GradeRequest(labelled.round, labelled.question, labelled.answer), rubric, model)


def _report(sheets: Sequence[Sheet], grades: Sequence[RoundGrade], levels: list[int]) -> dict[str, Any]:
    pairs = [p for s, g in zip(sheets, grades, strict=True) for p in pairs_for(s.item, s.labelled, g)]
    report = calibration_report(pairs, levels)
    _add_intervals(report, pairs)
    report["checks"] = checks(sheets, grades)
    return report


_WORD = re.compile(r"\w+")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
TRAP_CEILING = 2
"""A trap answer (keyword-stuffed, off-topic, an injection…) should not score above this overall."""


def checks(sheets: Sequence[Sheet], grades: Sequence[RoundGrade]) -> dict[str, Any]:
    """What agreement alone hides: how far labels follow length, how far a word count or a count of
    numbers alone gets, the mean error per answer style, traps scored too high, genuine answers flagged."""
    labels = [(s.labelled.labels or {}).get(OVERALL) for s in sheets]
    kept = [(s, g, label) for s, g, label in zip(sheets, grades, labels, strict=True) if label is not None]
    words = [len(_WORD.findall(s.labelled.answer)) for s, _, _ in kept]
    numbers = [len(_NUMBER.findall(s.labelled.answer)) for s, _, _ in kept]
    overall = [label for _, _, label in kept]
    styles: dict[str, list[int]] = {}
    for sheet, grade, label in kept:
        styles.setdefault(sheet.labelled.style or "untagged", []).append(grade.overall.score - label)
    traps = [(s, g) for s, g, _ in kept if s.labelled.trap]
    return {
        "label_vs_words": label_vs_words(sheets),
        "baselines": {"words": _rounded(spearman(words, overall)), "numbers": _rounded(spearman(numbers, overall))},
        "styles": {
            style: {"n": len(errors), "mean_error": round(sum(errors) / len(errors), 2)}
            for style, errors in sorted(styles.items())
        },
        "traps": {"n": len(traps), "over_ceiling": [s.item for s, g in traps if g.overall.score > TRAP_CEILING]},
        "genuine_flagged": [f"{s.item}: {', '.join(g.flags)}" for s, g, _ in kept if not s.labelled.trap and g.flags],
    }


def label_vs_words(sheets: Sequence[Sheet]) -> dict[str, float | None]:
    """Spearman of each signal's label with the answer's word count: near 0 when labels do not follow length."""
    labelled = [(s.labelled.answer, s.labelled.labels or {}) for s in sheets]
    out = {}
    for signal in sorted({signal for _, labels in labelled for signal in labels}):
        found = [(len(_WORD.findall(answer)), labels[signal]) for answer, labels in labelled if signal in labels]
        out[signal] = _rounded(spearman([w for w, _ in found], [v for _, v in found]))
    return out


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _add_intervals(report: dict[str, Any], pairs: list[Pair]) -> None:
    by_signal: dict[str, list[Pair]] = {}
    for pair in pairs:
        by_signal.setdefault(pair.signal, []).append(pair)
    for signal, found in by_signal.items():
        block = report[OVERALL] if signal == OVERALL else report["signals"][signal]
        labels, scores = [p.label for p in found], [p.score for p in found]
        block["spearman_95"] = bootstrap_interval(labels, scores, spearman)
        block["qwk_95"] = bootstrap_interval(labels, scores, quadratic_weighted_kappa)


def current_report(sheets: Sequence[Sheet], rubric: Rubric) -> dict[str, Any]:
    """Agreement of the rubric's grader as it is now (on these very answers)."""
    model = rubric_model(rubric)
    return _report(sheets, [_grade(s, rubric, model) for s in sheets], sorted(rubric.scale))


def cross_validated_report(sheets: Sequence[Sheet], rubric: Rubric, prior: OfflineModel | None) -> dict[str, Any]:
    """Agreement of refitted heads on the group of sheets each was not fitted on."""
    items = training_items(sheets)
    by_item = {s.item: s for s in sheets}
    signals = sorted({s for i in items for s in i.labels if s != OVERALL and s in rubric.signals})
    graded = cross_validate(
        items, signals, lambda i, m: _grade(by_item[i.item], rubric, m), prior=prior, rounds=round_weights(rubric)
    )
    order = {s.item: n for n, s in enumerate(sheets)}
    graded.sort(key=lambda found: order[found[0].item])
    report = _report([by_item[i.item] for i, _ in graded], [g for _, g in graded], sorted(rubric.scale))
    report["groups"] = sorted({i.group for i in items})
    return report


def refit(sheets: Sequence[Sheet], rubric: Rubric, prior: OfflineModel | None, trained: dict[str, Any]) -> OfflineModel:
    items = training_items(sheets)
    signals = sorted({s for i in items for s in i.labels if s != OVERALL and s in rubric.signals})
    return fit_model(items, signals, trained=trained, prior=prior, rounds=round_weights(rubric))


def round_weights(rubric: Rubric) -> dict[str, dict[str, float]]:
    return {round_type: dict(spec.signals) for round_type, spec in rubric.rounds.items()}

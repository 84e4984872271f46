"""`calibrate --fit` and `--cv`: refit the offline grader's heads on labelled sheets and measure them
on answers they did not see (one group of sheets held out at a time), with bootstrap intervals."""

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
        out.append(Labelled(sheet.labelled.round, sheet.labelled.question, sheet.labelled.answer, labels,
                            group=group, item=sheet.item, trap=sheet.labelled.trap, style=sheet.labelled.style))
    return with_vectors(out)


def _grade(sheet: Sheet, rubric: Rubric, model: OfflineModel | None) -> RoundGrade:
    labelled = sheet.labelled
    return grade_offline(GradeRequest(labelled.round, labelled.question, labelled.answer), rubric, model)


def _report(sheets: Sequence[Sheet], grades: Sequence[RoundGrade], levels: list[int]) -> dict[str, Any]:
    pairs = [p for s, g in zip(sheets, grades, strict=True) for p in pairs_for(s.item, s.labelled, g)]
    report = calibration_report(pairs, levels)
    _add_intervals(report, pairs)
    return report


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
    graded = cross_validate(items, signals, lambda i, m: _grade(by_item[i.item], rubric, m), prior=prior)
    order = {s.item: n for n, s in enumerate(sheets)}
    graded.sort(key=lambda found: order[found[0].item])
    report = _report([by_item[i.item] for i, _ in graded], [g for _, g in graded], sorted(rubric.scale))
    report["groups"] = sorted({i.group for i in items})
    return report


def refit(sheets: Sequence[Sheet], rubric: Rubric, prior: OfflineModel | None, trained: dict[str, Any]) -> OfflineModel:
    items = training_items(sheets)
    signals = sorted({s for i in items for s in i.labels if s != OVERALL and s in rubric.signals})
    return fit_model(items, signals, trained=trained, prior=prior)

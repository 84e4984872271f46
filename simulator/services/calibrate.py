"""Calibration: grade labelled answer sheets and measure agreement with the expert labels, or refit
the offline grader on them (`fit`) or measure such a refit on held-out groups (`cross_validate`)."""

import contextlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from simulator.domain import Rubric, SheetRound
from simulator.domain.offline_model import OfflineModel
from simulator.grading.base import Grader, GradeRequest
from simulator.services.inputs import Advances, InputProblem, RubricChooser, grade_jobs


class CalibrationError(Exception):
    """Nowhere to write the model; one line."""


@dataclass(frozen=True)
class Labelled:
    """A labelled round the rubric grades: `item` is `sheet.yaml#3 (round id)`."""

    item: str
    round: SheetRound
    request: GradeRequest


@dataclass
class Golden:
    """The labelled rounds of the --golden paths, for one rubric."""

    rubric: Rubric
    paths: list[Path]
    """The sheet files, folders expanded."""
    roots: list[Path]
    """The paths as given (a folder's subfolders are held out together)."""
    items: list[Labelled] = field(default_factory=list)
    problems: list[InputProblem] = field(default_factory=list)

    @property
    def levels(self) -> list[int]:
        return sorted(self.rubric.scale)

    def report_head(self, grader: str) -> dict[str, Any]:
        return {
            "rubric": self.rubric.id,
            "grader": grader,
            "golden": [str(path.resolve()) for path in self.paths],
            "at": datetime.now(UTC).isoformat(timespec="seconds"),
            "rounds": len(self.items),
        }


def read_golden(rubric: Rubric, roots: list[Path]) -> Golden:
    """Every labelled round of the sheets named and of those in folders."""
    golden = Golden(rubric, sheet_paths(roots), roots)
    _read_labelled(golden)
    return golden


async def calibrate(
    golden: Golden, grader: Grader, grader_name: str, worst: int, progress: Advances | None
) -> dict[str, Any]:
    """Agreement of `grader` with the labels; saved as the rubric's latest calibration (`saved`, or
    `save_error`), with the change since the previous one on the same sheets and grader (`previous`)."""
    from simulator.grading.calibration import (
        calibration_report,
        headline,
        latest_calibration,
        pairs_for,
        save_calibration,
    )

    grades = await grade_jobs(grader, [(item.request, golden.rubric) for item in golden.items], progress)
    pairs = [
        pair
        for item, grade in zip(golden.items, grades, strict=True)
        for pair in pairs_for(item.item, item.round, grade)
    ]
    report: dict[str, Any] = {
        **golden.report_head(grader_name),
        "graded_by": {name: sum(g.grader == name for g in grades) for name in sorted({g.grader for g in grades})},
        **calibration_report(pairs, golden.levels, worst),
        "errors": [problem.as_dict() for problem in golden.problems],
    }
    previous = latest_calibration(golden.rubric.id)
    saved: Path | str
    try:
        saved = save_calibration(report)
    except OSError as exc:
        saved = f"cannot save the calibration: {exc}"
    if previous and previous.get("golden") == report["golden"] and previous.get("grader") == report["grader"]:
        with contextlib.suppress(KeyError, TypeError):  # a file from an older mockloop: no comparison
            report["previous"] = {"at": previous["at"], **headline(previous)}
    return {"report": report, "saved": saved}


def prior_model(rubric: Rubric, from_scratch: bool) -> OfflineModel | None:
    """The model a refit starts from: the rubric's current one, or none (`from_scratch`)."""
    from simulator.grading.offline import rubric_model

    return None if from_scratch else rubric_model(rubric)


def learn(
    golden: Golden, chooser: RubricChooser, prior: OfflineModel | None, write: bool, out: Path | None
) -> dict[str, Any]:
    """Agreement now, and of a refit on held-out groups; with `write`, the refit model written to `out`
    (default: beside the rubric file) and its agreement on the same answers (`after`, `model`).

    Raises CalibrationError when the rubric is a shipped default and no `out` is given."""
    from simulator.content.offline_models import offline_model_text
    from simulator.grading.refit import Sheet, cross_validated_report, current_report, refit
    from simulator.store.final import atomic_write

    rubric = golden.rubric
    sheets = [Sheet(item.item, group_of(item.item, golden.roots), item.round) for item in golden.items]
    report: dict[str, Any] = {
        **golden.report_head("offline"),
        "before": current_report(sheets, rubric),
        "cross_validated": cross_validated_report(sheets, rubric, prior),
        "errors": [problem.as_dict() for problem in golden.problems],
    }
    if not write:
        return report
    target = out or model_beside(chooser, rubric)
    if target is None:
        raise CalibrationError(
            f"rubric {rubric.id!r} is a shipped default, which mockloop does not overwrite; copy it "
            "into ./rubrics/ (mockloop rubrics list --json shows where it is) or pass --out FILE"
        )
    trained = {"at": report["at"], "sheets": report["golden"], "prior": None if prior is None else rubric.model}
    model = refit(sheets, rubric, prior, trained).model_copy(
        update={"cross_validation": _headline(report["cross_validated"])}
    )
    atomic_write(target, offline_model_text(model).encode())
    fitted = rubric.model_copy(update={"model": str(target.resolve())})
    report["after"] = current_report(sheets, fitted)
    report["model"] = str(target)
    return report


def group_of(item: str, roots: list[Path]) -> str:
    """Who wrote a sheet, held out together: the subfolder of a --golden folder it is in (one author
    each, say); else, when several folders are given, the folder itself; else the sheet file."""
    path = Path(item.split("#", 1)[0]).resolve()
    folders = [root.resolve() for root in roots if root.is_dir()]
    for root in folders:
        if path.is_relative_to(root):
            parts = path.relative_to(root).parts
            if len(parts) > 1:
                return parts[0]
            return root.name if len(folders) > 1 else path.name
    return path.name


def model_beside(chooser: RubricChooser, rubric: Rubric) -> Path | None:
    """`<rubric file>.model.json`; None for a shipped rubric, which is never overwritten."""
    from simulator.content.library import MODEL_SUFFIX
    from simulator.locations import shipped_root

    source = chooser.source_of(rubric.id)
    if source is None or source.resolve().is_relative_to(shipped_root().resolve()):
        return None
    return source.with_name(source.stem + MODEL_SUFFIX)


def _headline(report: dict[str, Any]) -> dict[str, Any]:
    keep = ("n", "spearman", "spearman_95", "qwk", "qwk_95")
    return {
        "groups": report.get("groups", []),
        "overall": {k: report["overall"].get(k) for k in keep},
        "signals": {s: {k: b.get(k) for k in keep} for s, b in report["signals"].items()},
    }


def sheet_paths(paths: list[Path]) -> list[Path]:
    """Sheets named, and those in folders (their subfolders too)."""
    found: list[Path] = []
    for path in paths:
        found += sorted([*path.rglob("*.yaml"), *path.rglob("*.yml")]) if path.is_dir() else [path]
    return found


def _read_labelled(golden: Golden) -> None:
    """Each labelled round the rubric grades into `items`; what is wrong into `problems`."""
    from simulator.content import ContentError, load_sheet_file

    rubric, levels = golden.rubric, golden.levels
    for path in golden.paths:
        try:
            sheet = load_sheet_file(path)
        except ContentError as exc:
            golden.problems.append(InputProblem(str(path), "; ".join(str(p) for p in exc.problems)))
            continue
        except OSError as exc:
            golden.problems.append(InputProblem(str(path), exc.strerror or str(exc)))
            continue
        for index, labelled in enumerate(sheet.rounds):
            item = f"{path}#{index}" + (f" ({labelled.id})" if labelled.id else "")
            if not labelled.labels:
                continue
            if labelled.round not in rubric.rounds:
                golden.problems.append(
                    InputProblem(item, f"rubric {rubric.id!r} does not grade round {labelled.round!r}")
                )
                continue
            off_scale = {s: v for s, v in labelled.labels.items() if v not in levels}
            if off_scale:
                golden.problems.append(InputProblem(item, f"labels off the rubric's scale {levels}: {off_scale}"))
                labelled = labelled.model_copy(
                    update={"labels": {s: v for s, v in labelled.labels.items() if s not in off_scale}}
                )
            golden.items.append(
                Labelled(item, labelled, GradeRequest(labelled.round, labelled.question, labelled.answer))
            )

"""`mockloop calibrate`: grade labelled answer sheets and report agreement with the expert labels."""

import argparse
import asyncio
import contextlib
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from simulator.commands.common import add_endpoint_options, add_parser, endpoint_flags, fail, print_json, table
from simulator.commands.progress import Progress

EXAMPLE = "mockloop calibrate --rubric rubrics/mine.yaml --golden my-labels/ --fit"


def register(sub: Any) -> None:
    parser = add_parser(
        sub, "calibrate", "Grade labelled answer sheets and measure agreement with the expert labels.", EXAMPLE
    )
    parser.add_argument(
        "--rubric", required=True, metavar="ID|PATH", help="rubric id on the search path or a rubric file"
    )
    parser.add_argument(
        "--golden",
        required=True,
        nargs="+",
        type=Path,
        metavar="PATH",
        help="answer sheets with `labels:` per round, or directories of them (*.yaml)",
    )
    parser.add_argument(
        "--grader",
        choices=("offline", "llm"),
        default="offline",
        help="offline evidence grader (default, no key) or the LLM grader",
    )
    add_endpoint_options(parser)
    parser.add_argument(
        "--worst", type=int, default=5, metavar="N", help="disagreements to show per signal, largest first (default: 5)"
    )
    parser.add_argument("--format", choices=("table", "json"), default="table", help="output format (default: table)")
    learn = parser.add_mutually_exclusive_group()
    learn.add_argument(
        "--fit",
        action="store_true",
        help="refit the offline grader on these labels and write the model file beside the rubric "
        "(grade and the app then use it); reports agreement before and after",
    )
    learn.add_argument(
        "--cv",
        action="store_true",
        help="measure a refit without writing it: each group of sheets (a subfolder, each folder "
        "given, else a file) graded by heads fitted on the others, with 95%% bootstrap intervals",
    )
    parser.add_argument(
        "--from-scratch",
        action="store_true",
        help="with --fit/--cv: fit new heads instead of adjusting the rubric's current model",
    )
    parser.add_argument(
        "--out",
        type=Path,
        metavar="FILE",
        help="with --fit: where to write the model (default: <rubric file>.model.json beside it)",
    )
    parser.set_defaults(handler=_calibrate)


def _calibrate(args: argparse.Namespace) -> int:
    from simulator.commands.grade import grade_jobs
    from simulator.grading.calibration import (
        calibration_report,
        headline,
        latest_calibration,
        pairs_for,
        save_calibration,
    )
    from simulator.grading.factory import GraderUnavailable, make_grader
    from simulator.grading.inputs import InputError, RubricChooser

    if (args.fit or args.cv) and args.grader != "offline":
        return fail("--fit and --cv refit the offline grader; drop --grader llm", 2)
    try:
        chooser = RubricChooser(args.rubric)
        rubric = chooser.rubric_for(None)
        grader = make_grader(args.grader, **endpoint_flags(args))
    except (InputError, GraderUnavailable) as exc:
        return fail(str(exc), 2)
    levels = sorted(rubric.scale)
    golden = _sheet_paths(args.golden)
    items, errors = _labelled_rounds(golden, rubric, levels)
    if not items:
        return fail(f"no labelled rounds that rubric {rubric.id!r} grades in: {' '.join(map(str, args.golden))}")
    if args.fit or args.cv:
        from simulator.content import ContentError

        try:
            return _learn(args, chooser, rubric, items, golden, errors)
        except ContentError as exc:
            return fail(str(exc), 2)
    with Progress("calibrating", len(items)) as bar:
        grades = asyncio.run(grade_jobs(grader, [(request, rubric) for _, _, request in items], bar))
    pairs = [
        pair
        for (item, labelled, _), grade in zip(items, grades, strict=True)
        for pair in pairs_for(item, labelled, grade)
    ]
    report: dict[str, Any] = {
        "rubric": rubric.id,
        "grader": args.grader,
        "golden": [str(path.resolve()) for path in golden],
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "rounds": len(items),
        "graded_by": {name: sum(g.grader == name for g in grades) for name in sorted({g.grader for g in grades})},
        **calibration_report(pairs, levels, args.worst),
        "errors": errors,
    }
    previous = latest_calibration(rubric.id)
    try:
        saved = save_calibration(report)
    except OSError as exc:
        print(f"mockloop: cannot save the calibration: {exc}", file=sys.stderr)
    else:
        print(f"mockloop: saved as the latest calibration of {rubric.id}: {saved}", file=sys.stderr)
    if previous and previous.get("golden") == report["golden"] and previous.get("grader") == report["grader"]:
        with contextlib.suppress(KeyError, TypeError):  # a file from an older mockloop: no comparison
            report["previous"] = {"at": previous["at"], **headline(previous)}
    if args.format == "json":
        print_json(report)
    else:
        print(render_table(report))
    return 0


def _learn(
    args: argparse.Namespace,
    chooser: Any,
    rubric: Any,
    items: list[Any],
    golden: list[Path],
    errors: list[dict[str, str]],
) -> int:
    from simulator.content.offline_models import offline_model_text
    from simulator.grading.offline import rubric_model
    from simulator.grading.refit import Sheet, cross_validated_report, current_report, refit

    sheets = [Sheet(item, _group(item, args.golden), labelled) for item, labelled, _ in items]
    prior = None if args.from_scratch else rubric_model(rubric)
    started = "from scratch" if prior is None else "adjusting the rubric's current model"
    print(f"mockloop: fitting on {len(sheets)} labelled answers, {started}", file=sys.stderr)
    report: dict[str, Any] = {
        "rubric": rubric.id,
        "grader": "offline",
        "golden": [str(path.resolve()) for path in golden],
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "rounds": len(sheets),
        "before": current_report(sheets, rubric),
        "cross_validated": cross_validated_report(sheets, rubric, prior),
        "errors": errors,
    }
    if args.fit:
        target = args.out or _model_beside(chooser, rubric)
        if target is None:
            return fail(
                f"rubric {rubric.id!r} is a shipped default, which mockloop does not overwrite; copy it "
                "into ./rubrics/ (mockloop rubrics list --json shows where it is) or pass --out FILE",
                2,
            )
        trained = {"at": report["at"], "sheets": report["golden"], "prior": None if prior is None else rubric.model}
        model = refit(sheets, rubric, prior, trained).model_copy(
            update={"cross_validation": _headline(report["cross_validated"])}
        )
        from simulator.store.final import atomic_write

        atomic_write(target, offline_model_text(model).encode())
        fitted = rubric.model_copy(update={"model": str(target.resolve())})
        report["after"] = current_report(sheets, fitted)
        report["model"] = str(target)
        print(f"mockloop: wrote {target}; `grade` and the app use it for rubric {rubric.id}", file=sys.stderr)
    if args.format == "json":
        print_json(report)
    else:
        print(render_learning(report))
    return 0


def _group(item: str, roots: list[Path]) -> str:
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


def _model_beside(chooser: Any, rubric: Any) -> Path | None:
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


def render_learning(report: dict[str, Any]) -> str:
    columns = [("before", "now")]
    if "after" in report:
        columns.append(("after", "refit, same answers"))
    columns.append(("cross_validated", "refit, held-out groups"))
    rows = []
    for signal in ["overall", *report["before"]["signals"]]:
        row = [
            signal,
            str((report["before"]["overall"] if signal == "overall" else report["before"]["signals"][signal])["n"]),
        ]
        for key, _ in columns:
            block = report[key]["overall"] if signal == "overall" else report[key]["signals"].get(signal, {})
            row.append(_with_interval(block))
        rows.append(row)
    head = (
        f"Rubric {report['rubric']}, offline grader, {report['rounds']} labelled answers; "
        f"held out one at a time: {', '.join(report['cross_validated'].get('groups', []))}"
    )
    lines = [head, "Spearman (95% interval) / QWK", table(rows, ["signal", "n", *(label for _, label in columns)])]
    if "model" in report:
        lines.append(f"Model written to {report['model']}")
    return "\n\n".join(lines)


def _with_interval(block: dict[str, Any]) -> str:
    rho, qwk, interval = block.get("spearman"), block.get("qwk"), block.get("spearman_95")
    if rho is None:
        return "-"
    shown = f"{rho:.2f}"
    if interval:
        shown += f" ({interval[0]:.2f}-{interval[1]:.2f})"
    return shown + (f" / {qwk:.2f}" if qwk is not None else "")


def _sheet_paths(paths: list[Path]) -> list[Path]:
    """Sheets named, and those in folders (their subfolders too)."""
    found: list[Path] = []
    for path in paths:
        found += sorted([*path.rglob("*.yaml"), *path.rglob("*.yml")]) if path.is_dir() else [path]
    return found


def _labelled_rounds(paths: list[Path], rubric: Any, levels: list[int]) -> tuple[list[Any], list[dict[str, str]]]:
    """(item, sheet round, grade request) for each labelled round the rubric grades; problems as errors."""
    from simulator.content import ContentError, load_sheet_file
    from simulator.grading.base import GradeRequest

    items: list[Any] = []
    errors: list[dict[str, str]] = []

    def problem(source: str, message: str) -> None:
        errors.append({"source": source, "error": message})
        print(f"mockloop: {source}: {message}", file=sys.stderr)

    for path in paths:
        try:
            sheet = load_sheet_file(path)
        except ContentError as exc:
            problem(str(path), "; ".join(str(p) for p in exc.problems))
            continue
        except OSError as exc:
            problem(str(path), exc.strerror or str(exc))
            continue
        for index, labelled in enumerate(sheet.rounds):
            item = f"{path}#{index}" + (f" ({labelled.id})" if labelled.id else "")
            if not labelled.labels:
                continue
            if labelled.round not in rubric.rounds:
                problem(item, f"rubric {rubric.id!r} does not grade round {labelled.round!r}")
                continue
            off_scale = {s: v for s, v in labelled.labels.items() if v not in levels}
            if off_scale:
                problem(item, f"labels off the rubric's scale {levels}: {off_scale}")
                labelled = labelled.model_copy(
                    update={"labels": {s: v for s, v in labelled.labels.items() if s not in off_scale}}
                )
            items.append((item, labelled, GradeRequest(labelled.round, labelled.question, labelled.answer)))
    return items, errors


def render_table(report: dict[str, Any]) -> str:
    previous = report.get("previous")
    blocks = [
        f"Rubric {report['rubric']}, {report['grader']} grader, {report['rounds']} labelled answers"
        + (f" (change since {previous['at']} in brackets)" if previous else "")
    ]
    rows = []
    for signal, block in [("overall", report["overall"]), *report["signals"].items()]:
        before = None
        if previous:
            before = previous["overall"] if signal == "overall" else previous["signals"].get(signal)
        rows.append(
            [
                signal,
                str(block["n"]),
                *(_figure(block, before, name) for name in ("exact", "adjacent", "spearman", "qwk")),
            ]
        )
    blocks.append(table(rows, ["signal", "n", "exact", "adjacent", "spearman", "qwk"]))
    levels = [str(level) for level in report["levels"]]
    matrix = [
        [f"label {level}", *map(str, row)] for level, row in zip(levels, report["overall"]["confusion"], strict=True)
    ]
    blocks.append(
        "Overall confusion (rows: expert label, columns: grader score)\n"
        + table(matrix, ["", *(f"score {level}" for level in levels)])
    )
    worst = [("overall", d) for d in report["overall"]["worst"]]
    worst += [(signal, d) for signal, block in report["signals"].items() for d in block["worst"]]
    worst.sort(key=lambda found: -abs(found[1]["label"] - found[1]["score"]))
    if worst:
        lines = ["Worst disagreements"]
        for signal, d in worst[:10]:
            lines.append(f"- {d['item']} {signal}: expert {d['label']}, grader {d['score']}")
            lines.append(f"    “{d['quote']}”")
            if d.get("reason"):
                lines.append(f"    expert: {d['reason']}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def _figure(block: dict[str, Any], before: dict[str, Any] | None, name: str) -> str:
    value = block[name]
    if value is None:
        return "-"
    shown = f"{value:.2f}"
    old = before.get(name) if before else None
    if old is not None and round(value - old, 2) != 0:
        shown += f" ({value - old:+.2f})"
    return shown

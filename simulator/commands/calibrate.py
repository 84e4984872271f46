"""`mockloop calibrate`: grade labelled answer sheets and report agreement with the expert labels."""

import argparse
import asyncio
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from simulator.commands.common import (
    add_endpoint_options,
    add_grader_option,
    add_parser,
    fail,
    open_workspace,
    print_json,
    table,
)
from simulator.commands.progress import Progress

if TYPE_CHECKING:
    from simulator.services.workspace import Workspace

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
    add_grader_option(parser)
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
    workspace = open_workspace(args)

    async def run() -> int:
        async with workspace:
            return await _calibrate_in(workspace, args)

    return asyncio.run(run())


async def _calibrate_in(workspace: "Workspace", args: argparse.Namespace) -> int:
    from simulator.services.calibrate import CalibrationError, calibrate, learn, prior_model, read_golden
    from simulator.services.inputs import InputError
    from simulator.services.workspace import WorkspaceUnavailable

    grader_name = args.grader or workspace.settings.grader
    if (args.fit or args.cv) and args.grader not in (None, "offline"):
        return fail("--fit and --cv refit the offline grader; drop --grader llm", 2)
    try:
        chooser = workspace.rubric_chooser(args.rubric)
        rubric = chooser.rubric_for(None)
        if not (args.fit or args.cv):
            grader = workspace.make_grader(grader_name)
    except (InputError, WorkspaceUnavailable) as exc:
        return fail(str(exc), 2)
    golden = read_golden(rubric, args.golden)
    for problem in golden.problems:
        print(f"mockloop: {problem.source}: {problem.error}", file=sys.stderr)
    if not golden.items:
        return fail(f"no labelled rounds that rubric {rubric.id!r} grades in: {' '.join(map(str, args.golden))}")
    if args.fit or args.cv:
        from simulator.content import ContentError

        prior = prior_model(rubric, args.from_scratch)
        started = "from scratch" if prior is None else "adjusting the rubric's current model"
        print(f"mockloop: fitting on {len(golden.items)} labelled answers, {started}", file=sys.stderr)
        try:
            report = learn(golden, chooser, prior, write=args.fit, out=args.out)
        except (CalibrationError, ContentError) as exc:
            return fail(str(exc), 2)
        if "model" in report:
            print(
                f"mockloop: wrote {report['model']}; `grade` and the app use it for rubric {rubric.id}", file=sys.stderr
            )
        if args.format == "json":
            print_json(report)
        else:
            print(render_learning(report))
        return 0
    with Progress("calibrating", len(golden.items)) as bar:
        done = await calibrate(golden, grader, grader_name, args.worst, bar)
    saved, report = done["saved"], done["report"]
    if isinstance(saved, str):
        print(f"mockloop: {saved}", file=sys.stderr)
    else:
        print(f"mockloop: saved as the latest calibration of {rubric.id}: {saved}", file=sys.stderr)
    if args.format == "json":
        print_json(report)
    else:
        print(render_table(report))
    return 0


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

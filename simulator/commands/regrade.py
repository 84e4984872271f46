"""`mockloop regrade`: grade the same answers two ways (two rubric versions, or two graders) and show
what moved: per-signal mean shift, rounds whose overall moved or whose decision flipped, and the
evidence behind the biggest changes."""

import argparse
import asyncio
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from simulator.commands.common import add_endpoint_options, add_parser, fail, open_workspace, print_json, table
from simulator.commands.progress import Progress

if TYPE_CHECKING:
    from simulator.services.workspace import Workspace

EXAMPLE = "mockloop regrade transcripts/*.json --rubric amazon-pm --against rubrics/amazon-pm.yaml"
GRADERS = ("offline", "llm")


def register(sub: Any) -> None:
    parser = add_parser(
        sub, "regrade", "Grade the same answers with two rubric versions (or two graders) and show what moved.", EXAMPLE
    )
    parser.add_argument(
        "paths", nargs="+", type=Path, metavar="PATH", help="answer sheets (.yaml) and saved transcripts (.json/.jsonl)"
    )
    parser.add_argument("--rubric", metavar="ID|PATH", help="version A (default: each input's own rubric)")
    parser.add_argument("--against", metavar="ID|PATH", help="version B (default: the same as A)")
    parser.add_argument(
        "--grader",
        choices=GRADERS,
        help="A's grader (default: `grader:` in the config file or MOCKLOOP_GRADER, else offline)",
    )
    parser.add_argument("--against-grader", choices=GRADERS, help="B's grader (default: A's)")
    add_endpoint_options(parser)
    parser.add_argument(
        "--top",
        type=int,
        default=10,
        metavar="N",
        help="signal changes to explain with both sides' evidence (default: 10)",
    )
    parser.add_argument("--format", choices=("table", "json"), default="table", help="output format (default: table)")
    parser.set_defaults(handler=_regrade)


def _regrade(args: argparse.Namespace) -> int:
    if args.against is None and args.against_grader is None:
        return fail("nothing to compare: give --against RUBRIC, --against-grader GRADER or both", 2)
    workspace = open_workspace(args)

    async def run() -> int:
        async with workspace:
            return await _regrade_in(workspace, args)

    return asyncio.run(run())


async def _regrade_in(workspace: "Workspace", args: argparse.Namespace) -> int:
    from simulator.services.inputs import InputError, read_inputs
    from simulator.services.regrade import Side, compare_inputs
    from simulator.services.workspace import WorkspaceUnavailable

    grader_a = args.grader or workspace.settings.grader
    try:
        chooser_a = workspace.rubric_chooser(args.rubric)
        sides = [
            Side(args.rubric, grader_a, chooser_a, workspace.make_grader(grader_a)),
            Side(
                args.against or args.rubric,
                args.against_grader or grader_a,
                chooser_a if args.against is None else workspace.rubric_chooser(args.against),
                workspace.make_grader(args.against_grader or grader_a),
            ),
        ]
    except (InputError, WorkspaceUnavailable) as exc:
        return fail(str(exc), 2)
    inputs, problems = read_inputs(args.paths, [side.chooser for side in sides])
    for problem in problems:
        print(f"mockloop: {problem.error}", file=sys.stderr)
    rounds = sum(len(item.requests) for item in inputs)
    with Progress("regrading", 2 * rounds) as bar:
        report = await compare_inputs(inputs, sides, args.top, bar)
    report["errors"] = [problem.as_dict() for problem in problems]
    if args.format == "json":
        print_json(report)
    else:
        print(render_table(report))
    return 1 if problems else 0


def render_table(report: dict[str, Any]) -> str:
    from simulator.services.regrade import HIRE_AT

    def side(key: str) -> str:
        spec = report[key]
        return f"{key.upper()}: rubric {spec['rubric'] or ', '.join(spec['rubric_ids'])}, {spec['grader']} grader"

    blocks = [
        f"{side('a')}\n{side('b')}\n{report['rounds']} rounds: overall moved in {len(report['moved'])}, "
        f"decision flipped in {len(report['flipped'])} (hire side: overall >= {HIRE_AT})"
    ]
    rows = []
    for signal, block in [("overall", report["overall"]), *report["signals"].items()]:
        if block["n"]:
            rows.append(
                [
                    signal,
                    str(block["n"]),
                    f"{block['mean_a']:.2f}",
                    f"{block['mean_b']:.2f}",
                    f"{block['shift']:+.2f}",
                    str(block["changed"]),
                ]
            )
    blocks.append(table(rows, ["signal", "n", "mean A", "mean B", "shift", "changed"]))
    if report["moved"]:
        moved = [
            [
                m["item"],
                m["round"],
                str(m["a"]),
                str(m["b"]),
                f"{m['decision_a']} -> {m['decision_b']}" if m["flipped"] else m["decision_a"],
            ]
            for m in report["moved"]
        ]
        blocks.append("Rounds whose overall moved\n" + table(moved, ["round", "type", "A", "B", "decision"]))
    if report["changes"]:
        lines = ["Biggest changes"]
        for change in report["changes"]:
            lines.append(
                f"- {change['item']} {change['round']}, {change['signal']}: "
                f"{change['a']['score']} -> {change['b']['score']}"
                + (" (decision flipped)" if change["flipped"] else "")
            )
            for key in ("a", "b"):
                if key == "b" and _said(change["a"]) == _said(change["b"]):
                    lines.append("    B: the same evidence and rationale as A")
                    continue
                lines.append(f"    {key.upper()}: {change[key]['rationale'] or '(no rationale)'}")
                lines += [f"       “{quote}”" for quote in change[key]["evidence"][:2]]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def _said(side: dict[str, Any]) -> tuple[str, list[str]]:
    return side["rationale"], side["evidence"]

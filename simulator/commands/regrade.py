"""`mockloop regrade`: grade the same answers two ways (two rubric versions, or two graders) and show
what moved: per-signal mean shift, rounds whose overall moved or whose decision flipped, and the
evidence behind the biggest changes."""

import argparse
import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from simulator.commands.common import add_endpoint_options, add_parser, endpoint_flags, fail, print_json, table
from simulator.commands.progress import Progress

EXAMPLE = "mockloop regrade transcripts/*.json --rubric amazon-pm --against rubrics/amazon-pm.yaml"
GRADERS = ("offline", "llm")
HIRE_AT = 3
"""A round whose overall score is at least this is on the hire side."""


def register(sub: Any) -> None:
    parser = add_parser(
        sub, "regrade", "Grade the same answers with two rubric versions (or two graders) and show what moved.", EXAMPLE
    )
    parser.add_argument(
        "paths", nargs="+", type=Path, metavar="PATH", help="answer sheets (.yaml) and saved transcripts (.json/.jsonl)"
    )
    parser.add_argument("--rubric", metavar="ID|PATH", help="version A (default: each input's own rubric)")
    parser.add_argument("--against", metavar="ID|PATH", help="version B (default: the same as A)")
    parser.add_argument("--grader", choices=GRADERS, default="offline", help="A's grader (default: offline)")
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


@dataclass(frozen=True)
class Compared:
    """One round graded both ways; `item` is `source#index`."""

    item: str
    round: str
    a: Any
    b: Any


def _regrade(args: argparse.Namespace) -> int:
    from simulator.commands.grade import grade_jobs, read_inputs
    from simulator.grading.factory import GraderUnavailable, make_grader
    from simulator.grading.inputs import InputError, RubricChooser

    if args.against is None and args.against_grader is None:
        return fail("nothing to compare: give --against RUBRIC, --against-grader GRADER or both", 2)
    sides = [(args.rubric, args.grader), (args.against or args.rubric, args.against_grader or args.grader)]
    try:
        chooser_a = RubricChooser(args.rubric)
        choosers = [chooser_a, chooser_a if args.against is None else RubricChooser(args.against)]
        graders = [make_grader(name, **endpoint_flags(args)) for _, name in sides]
    except (InputError, GraderUnavailable) as exc:
        return fail(str(exc), 2)
    inputs, errors = read_inputs(args.paths, choosers)
    rounds = [(item, index, request) for item in inputs for index, request in enumerate(item.requests)]
    with Progress("regrading", 2 * len(rounds)) as bar:
        graded = [
            asyncio.run(grade_jobs(grader, [(request, item.rubrics[side]) for item, _, request in rounds], bar))
            for side, grader in enumerate(graders)
        ]
    compared = [
        Compared(f"{item.source}#{index}", request.round, a, b)
        for (item, index, request), a, b in zip(rounds, *graded, strict=True)
    ]
    report = {
        **{
            key: {"rubric": rubric, "rubric_ids": sorted({item.rubrics[side].id for item in inputs}), "grader": name}
            for side, (key, (rubric, name)) in enumerate(zip(("a", "b"), sides, strict=True))
        },
        **compare(compared, args.top),
        "errors": errors,
    }
    if args.format == "json":
        print_json(report)
    else:
        print(render_table(report))
    return 1 if errors else 0


def compare(rows: Sequence[Compared], top: int = 10) -> dict[str, Any]:
    """Per-signal and overall shift (B minus A), the rounds whose overall moved, and the `top`
    largest signal changes with both sides' evidence, those in flipped rounds first among equals."""
    signal_ids = list(dict.fromkeys(s for row in rows for grade in (row.a, row.b) for s in grade.signals))
    signals = {}
    for signal in signal_ids:
        both = [
            (row.a.signals[signal].score, row.b.signals[signal].score)
            for row in rows
            if signal in row.a.signals and signal in row.b.signals
        ]
        signals[signal] = {
            **_shift(both),
            "only_a": sum(signal in row.a.signals and signal not in row.b.signals for row in rows),
            "only_b": sum(signal in row.b.signals and signal not in row.a.signals for row in rows),
        }
    moved = []
    for row in rows:
        a, b = row.a.overall.score, row.b.overall.score
        if a != b:
            moved.append(
                {
                    "item": row.item,
                    "round": row.round,
                    "a": a,
                    "b": b,
                    "decision_a": decision(a),
                    "decision_b": decision(b),
                    "flipped": decision(a) != decision(b),
                }
            )
    flipped = {m["item"] for m in moved if m["flipped"]}
    changes = [
        {
            "item": row.item,
            "round": row.round,
            "signal": signal,
            "delta": row.b.signals[signal].score - row.a.signals[signal].score,
            "flipped": row.item in flipped,
            "a": _side(row.a.signals[signal]),
            "b": _side(row.b.signals[signal]),
        }
        for row in rows
        for signal in row.a.signals
        if signal in row.b.signals and row.a.signals[signal].score != row.b.signals[signal].score
    ]
    changes.sort(key=lambda c: (-abs(c["delta"]), not c["flipped"]))
    return {
        "rounds": len(rows),
        "overall": _shift([(row.a.overall.score, row.b.overall.score) for row in rows]),
        "signals": signals,
        "moved": moved,
        "flipped": [m["item"] for m in moved if m["flipped"]],
        "changes": changes[:top],
    }


def decision(overall: int) -> str:
    return "hire" if overall >= HIRE_AT else "no-hire"


def _shift(pairs: list[tuple[int, int]]) -> dict[str, Any]:
    if not pairs:
        return {"n": 0, "mean_a": None, "mean_b": None, "shift": None, "changed": 0}
    mean_a = sum(a for a, _ in pairs) / len(pairs)
    mean_b = sum(b for _, b in pairs) / len(pairs)
    return {
        "n": len(pairs),
        "mean_a": round(mean_a, 4),
        "mean_b": round(mean_b, 4),
        "shift": round(mean_b - mean_a, 4),
        "changed": sum(a != b for a, b in pairs),
    }


def _side(grade: Any) -> dict[str, Any]:
    return {"score": grade.score, "evidence": grade.evidence, "rationale": grade.rationale}


def render_table(report: dict[str, Any]) -> str:
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

"""`mockloop rubrics|loops|questions ...`: inspect and validate content."""

import argparse
import json
from pathlib import Path
from typing import Any

from simulator.commands.common import add_parser, fail, print_json, table


def register(sub: Any) -> None:
    rubrics = add_parser(
        sub,
        "rubrics",
        "Validate rubrics and print their JSON Schema.",
        "mockloop rubrics validate rubrics/my-rubric.yaml",
    )
    rsub = rubrics.add_subparsers(title="rubric commands", metavar="COMMAND", required=True)
    validate = add_parser(
        rsub,
        "validate",
        "Check rubric, loop and question files (all on the search path by default).",
        "mockloop rubrics validate rubrics/amazon-pm.yaml",
    )
    validate.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="files or directories to check")
    validate.set_defaults(handler=_validate)
    schema = add_parser(
        rsub,
        "schema",
        "Print the JSON Schema of rubric files.",
        "mockloop rubrics schema > rubric.schema.json",
    )
    schema.set_defaults(handler=_schema)
    rlist = add_parser(rsub, "list", "List the rubrics on the search path.", "mockloop rubrics list --json")
    rlist.add_argument("--json", action="store_true", help="print JSON")
    rlist.set_defaults(handler=_list_rubrics)

    loops = add_parser(sub, "loops", "List interview loops and drills.", "mockloop loops list --json")
    lsub = loops.add_subparsers(title="loop commands", metavar="COMMAND", required=True)
    llist = add_parser(lsub, "list", "List the loops and single-round drills.", "mockloop loops list")
    llist.add_argument("--json", action="store_true", help="print JSON")
    llist.set_defaults(handler=_list_loops)

    questions = add_parser(sub, "questions", "List questions in the banks.", "mockloop questions list --round prfaq")
    qsub = questions.add_subparsers(title="question commands", metavar="COMMAND", required=True)
    qlist = add_parser(
        qsub,
        "list",
        "List questions, optionally of one round type.",
        "mockloop questions list --round bar-raiser --json",
    )
    qlist.add_argument("--round", metavar="ROUND", help="only this round type, e.g. bar-raiser")
    qlist.add_argument("--json", action="store_true", help="print JSON")
    qlist.set_defaults(handler=_list_questions)


def _library(report: bool = True):
    from simulator.content import load_library

    lib = load_library()
    if report and lib.problems:
        for problem in lib.problems:
            print(f"warning: {problem}", file=__import__("sys").stderr)
    return lib


def _validate(args: argparse.Namespace) -> int:
    from simulator.content.validate import validate_paths

    problems, checked = validate_paths(args.paths)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problem(s) in {checked} file(s)")
        return 1
    print(f"ok: {checked} file(s) checked")
    return 0


def _schema(args: argparse.Namespace) -> int:
    from simulator.domain import Rubric

    schema = Rubric.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "mockloop rubric"
    print(json.dumps(schema, indent=2))
    return 0


def _list_rubrics(args: argparse.Namespace) -> int:
    lib = _library()
    items = [
        {
            "id": r.id,
            "title": r.title,
            "signals": list(r.signals),
            "rounds": list(r.rounds),
            "source": str(lib.source("rubric", r.id)),
        }
        for r in lib.rubrics.values()
    ]
    if args.json:
        print_json(items)
    else:
        print(
            table(
                [[i["id"], i["title"], str(len(i["signals"])), ", ".join(i["rounds"])] for i in items],
                ["id", "title", "signals", "rounds"],
            )
        )
    return 0


def _list_loops(args: argparse.Namespace) -> int:
    lib = _library()
    loops = sorted(lib.loops.values(), key=lambda lp: (lp.kind != "loop", lp.id))
    items = [
        {
            "id": lp.id,
            "title": lp.title,
            "kind": lp.kind,
            "company": lp.company,
            "role": lp.role,
            "rubric": lp.rubric,
            "minutes": lp.minutes,
            "rounds": [
                {"type": r.type, "title": r.title, "minutes": r.minutes, "questions": r.questions} for r in lp.rounds
            ],
        }
        for lp in loops
    ]
    if args.json:
        print_json(items)
        return 0
    rows = [
        [
            i["id"],
            i["kind"],
            i["title"],
            f"{i['minutes']} min",
            " > ".join(r["type"] for r in i["rounds"]),
        ]
        for i in items
    ]
    print(table(rows, ["id", "kind", "title", "length", "rounds"]))
    return 0


def _list_questions(args: argparse.Namespace) -> int:
    lib = _library()
    questions = list(lib.questions.values())
    if args.round:
        known = sorted({q.round for q in questions if q.round})
        if args.round not in known:
            return fail(f"unknown round type {args.round!r}; expected one of: {', '.join(known)}")
        questions = [q for q in questions if q.round == args.round]
    items = [
        {
            "id": q.id,
            "round": q.round,
            "company": q.company,
            "context": q.context,
            "level": q.level,
            "text": q.text,
            "signals": q.signals,
            "probes": [{"signal": p.signal, "text": p.text} for p in q.probes],
            "outline": q.outline,
        }
        for q in questions
    ]
    if args.json:
        print_json(items)
        return 0
    rows = [[i["id"], i["round"], i["context"], i["level"], _clip(i["text"], 60)] for i in items]
    print(table(rows, ["id", "round", "context", "level", "question"]))
    return 0


def _clip(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"

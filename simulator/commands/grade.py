"""`mockloop grade`: grade answer sheets and saved transcripts, per DESIGN.md's JSON contract."""

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any

from simulator.commands.common import add_parser, fail, print_json, table

EXAMPLE = "mockloop grade answers.yaml transcripts/20261123-101500-amazon-pm-ab12.json --format table"


def register(sub: Any) -> None:
    parser = add_parser(sub, "grade", "Grade answer sheets (.yaml) and saved transcripts (.json/.jsonl).",
                        EXAMPLE)
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    add_grading_options(parser)
    parser.add_argument("--format", choices=("json", "markdown", "table"), default="json",
                        help="output format (default: json, one document on stdout)")
    parser.set_defaults(handler=_grade)


def add_grading_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--grader", choices=("offline", "llm"), default="offline",
                        help="offline evidence grader (default, no key) or the LLM grader")
    parser.add_argument("--rubric", metavar="ID|PATH",
                        help="rubric id on the search path or a rubric file (default: the input's own)")
    parser.add_argument("--samples", type=int, default=1, metavar="K",
                        help="LLM grader: grade K times and report the median and spread")
    parser.add_argument("--model", help="LLM model (overrides MOCKLOOP_MODEL)")
    parser.add_argument("--base-url", dest="base_url", help="OpenAI-compatible endpoint URL")


def _grade(args: argparse.Namespace) -> int:
    from simulator.grading.factory import GraderUnavailable, make_grader
    from simulator.grading.inputs import InputError, RubricChooser, load_input

    try:
        grader = make_grader(args.grader, samples=args.samples, model=args.model,
                             base_url=args.base_url)
    except GraderUnavailable as exc:
        return fail(str(exc), 2)
    try:
        chooser = RubricChooser(args.rubric)
    except InputError as exc:
        return fail(str(exc), 2)
    results: list[dict[str, Any]] = []
    errors: list[dict[str, str]] = []
    for path in args.paths:
        try:
            loaded = load_input(path)
            rubric = chooser.rubric_for(loaded.rubric)
            loaded.check_rounds(rubric)
            grades = asyncio.run(_grade_all(grader, loaded.requests, rubric))
        except InputError as exc:
            errors.append({"source": str(path), "error": str(exc)})
            print(f"mockloop: {exc}", file=sys.stderr)
            continue
        results.append({"source": str(path), "rubric": rubric.id,
                        "rounds": [g.model_dump(mode="json", exclude_none=True) for g in grades]})
    document = {"results": results, "errors": errors}
    if args.format == "json":
        print_json(document)
    elif args.format == "markdown":
        print(render_markdown(document))
    else:
        print(render_table(document))
    return 1 if errors else 0


async def _grade_all(grader: Any, requests: list[Any], rubric: Any) -> list[Any]:
    try:
        return list(await asyncio.gather(*(grader.grade(r, rubric) for r in requests)))
    finally:
        close = getattr(grader, "aclose", None)
        if close is not None:
            await close()


def render_table(document: dict[str, Any]) -> str:
    blocks = []
    for result in document["results"]:
        rows = []
        for i, rnd in enumerate(result["rounds"], 1):
            scores = " ".join(f"{sid}={s['score']}" for sid, s in rnd["signals"].items())
            rows.append([str(i), rnd["round"], f"{rnd['overall']['score']} {rnd['overall']['label']}",
                         ",".join(rnd["flags"]) or "-", scores])
        blocks.append(f"{result['source']} (rubric {result['rubric']}, grader "
                      f"{result['rounds'][0]['grader'] if result['rounds'] else '-'})\n"
                      + table(rows, ["#", "round", "overall", "flags", "signals"]))
    return "\n\n".join(blocks)


def render_markdown(document: dict[str, Any]) -> str:
    lines: list[str] = []
    for result in document["results"]:
        lines.append(f"# {result['source']}\n\nRubric: `{result['rubric']}`\n")
        for rnd in result["rounds"]:
            overall = rnd["overall"]
            lines.append(f"## {rnd['round']}: {overall['score']} ({overall['label']})\n")
            if rnd.get("question"):
                lines.append(f"> {rnd['question']}\n")
            if rnd["flags"]:
                lines.append(f"Flags: {', '.join(rnd['flags'])}\n")
            lines.append("| signal | score | evidence |\n|---|---|---|")
            for sid, sig in rnd["signals"].items():
                quote = " / ".join(f"“{q}”" for q in sig.get("evidence", [])[:2]) or "—"
                lines.append(f"| {sid} | {sig['score']} | {quote.replace('|', '∣')} |")
            lines.append("")
            for sid, sig in rnd["signals"].items():
                if sig.get("next_level") and sig["score"] <= 2:
                    lines.append(f"- **{sid}**: {sig.get('rationale', '')} Next level: {sig['next_level']}")
            lines.append("")
    for error in document["errors"]:
        lines.append(f"**Could not grade {error['source']}**: {error['error']}")
    return "\n".join(lines).rstrip() + "\n"

"""`mockloop grade`: grade answer sheets and saved transcripts, per DESIGN.md's JSON contract."""

import argparse
import asyncio
import sys
import textwrap
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
    from simulator.services.inputs import Input
    from simulator.services.workspace import Workspace

EXAMPLE = "mockloop grade answers.yaml transcripts/20261123-101500-amazon-pm-ab12.json --format table"


def register(sub: Any) -> None:
    parser = add_parser(sub, "grade", "Grade answer sheets (.yaml) and saved transcripts (.json/.jsonl).", EXAMPLE)
    parser.add_argument(
        "paths",
        nargs="+",
        type=Path,
        metavar="PATH",
        help="an answer sheet (.yaml, see the README), a saved transcript (.json) "
        "or an unfinished one's journal (.jsonl)",
    )
    add_grading_options(parser)
    parser.add_argument(
        "--format",
        choices=("json", "markdown", "table"),
        default="json",
        help="output format (default: json, one document on stdout)",
    )
    batch = parser.add_argument_group("bulk grading through the OpenAI Batch API (with --grader llm)")
    batch.add_argument(
        "--batch",
        action="store_true",
        help="send every round as one batch: half the price, results within 24 hours; "
        "an interrupted run resumes when run again",
    )
    batch.add_argument("--batch-id", metavar="ID", help="pick up this batch where polling stopped (implies --batch)")
    batch.add_argument(
        "--poll-seconds", type=float, default=30.0, metavar="S", help="seconds between status checks (default: 30)"
    )
    batch.add_argument(
        "--state",
        type=Path,
        metavar="FILE",
        help="the batch's state file (default: <transcripts dir>/batches/<digest of the inputs>.json)",
    )
    parser.set_defaults(handler=_grade)


def add_grading_options(parser: argparse.ArgumentParser) -> None:
    add_grader_option(parser)
    parser.add_argument(
        "--rubric", metavar="ID|PATH", help="rubric id on the search path or a rubric file (default: the input's own)"
    )
    parser.add_argument(
        "--samples", type=int, default=1, metavar="K", help="LLM grader: grade K times and report the median and spread"
    )
    add_endpoint_options(parser)


def _grade(args: argparse.Namespace) -> int:
    workspace = open_workspace(args)

    async def run() -> int:
        async with workspace:
            return await _grade_in(workspace, args)

    return asyncio.run(run())


async def _grade_in(workspace: "Workspace", args: argparse.Namespace) -> int:
    from simulator.services.inputs import InputError, grade_jobs, read_inputs
    from simulator.services.workspace import WorkspaceUnavailable

    batching = args.batch or args.batch_id is not None
    grader_name = args.grader or workspace.settings.grader
    if batching and grader_name != "llm":
        return fail("--batch sends the rounds to the LLM grader: add --grader llm", 2)
    if batching and args.samples != 1:
        return fail("--batch grades one sample per round: drop --samples", 2)
    try:
        grader = workspace.make_grader(grader_name, samples=args.samples)
        chooser = workspace.rubric_chooser(args.rubric)
    except (WorkspaceUnavailable, InputError) as exc:
        return fail(str(exc), 2)
    inputs, problems = read_inputs(args.paths, [chooser])
    for problem in problems:
        print(f"mockloop: {problem.error}", file=sys.stderr)
    document: dict[str, Any] = {"results": [], "errors": [problem.as_dict() for problem in problems]}
    jobs = [(request, item.rubrics[0]) for item in inputs for request in item.requests]
    if batching and jobs:
        from simulator.grading.batch_grading import BatchStateError
        from simulator.llm.errors import LLMError

        try:
            grades, document["batch"] = await _grade_batch(args, grader, inputs, workspace.directory)
        except BatchStateError as exc:
            return fail(str(exc), 2)
        except LLMError as exc:
            if exc.status in (401, 403):
                raise  # one line and exit 2, in cli.main
            return fail(f"batch grading stopped: {exc}; run the same command again to resume", 1)
    else:
        with Progress("grading", len(jobs)) as bar:
            grades = await grade_jobs(grader, jobs, bar)
    rounds = iter(grades)
    for item in inputs:
        graded = [next(rounds) for _ in item.requests]
        document["results"].append(
            {
                "source": item.source,
                "rubric": item.rubrics[0].id,
                "rounds": [g.model_dump(mode="json", exclude_none=True) for g in graded],
            }
        )
    if args.format == "json":
        print_json(document)
    elif args.format == "markdown":
        print(render_markdown(document))
    else:
        print(render_table(document))
    return 1 if problems else 0


async def _grade_batch(
    args: argparse.Namespace, grader: Any, inputs: list["Input"], transcripts: Path
) -> tuple[list[Any], dict[str, Any]]:
    from simulator.grading.batch_grading import BatchJob, default_state_path, grade_in_batch, state_dir

    jobs = [
        BatchJob(item.source, index, request, item.rubrics[0])
        for item in inputs
        for index, request in enumerate(item.requests)
    ]
    states = state_dir(transcripts)
    state = args.state or default_state_path(grader, jobs, states)
    bar = Progress("batch", len(jobs))

    def submitted(batch_id: str, path: Path) -> None:
        print(
            f"mockloop: batch {batch_id} submitted ({len(jobs)} requests; state in {path}); if interrupted, "
            f"run the same command again or add --batch-id {batch_id}",
            file=sys.stderr,
        )

    def polled(status: Any) -> None:
        bar.label = f"batch {status.id}"
        bar.update(status.completed + status.failed, status.total, status.status)

    with bar:
        outcome = await grade_in_batch(
            grader,
            jobs,
            state_path=state,
            states=states,
            batch_id=args.batch_id,
            poll_seconds=args.poll_seconds,
            on_submitted=submitted,
            on_progress=polled,
        )
    status = outcome.status
    info = {
        "id": status.id,
        "status": status.status,
        "request_counts": {"total": status.total, "completed": status.completed, "failed": status.failed},
    }
    return outcome.grades, info


TABLE_WIDTH = 80


def render_table(document: dict[str, Any]) -> str:
    """A table of rounds, each round's signal scores wrapped under its row: 80 columns, however many signals."""
    blocks = []
    for result in document["results"]:
        rows = [
            [
                str(i),
                rnd["round"],
                f"{rnd['overall']['score']} {rnd['overall']['label']}",
                ", ".join(rnd["flags"]) or "-",
            ]
            for i, rnd in enumerate(result["rounds"], 1)
        ]
        lines = table(rows, ["#", "round", "overall", "flags"]).splitlines()
        indent = " " * (len(rows[-1][0]) + 2) if rows else ""
        out = lines[:2]
        for line, rnd in zip(lines[2:], result["rounds"], strict=True):
            scores = "  ".join(f"{sid} {s['score']}" for sid, s in rnd["signals"].items())
            out.append(line)
            out += textwrap.wrap(
                scores, TABLE_WIDTH, initial_indent=indent, subsequent_indent=indent, break_on_hyphens=False
            )
        grader = result["rounds"][0]["grader"] if result["rounds"] else "-"
        source = f"{result['source']} (rubric {result['rubric']}, grader {grader})"
        blocks.append("\n".join([*textwrap.wrap(source, TABLE_WIDTH, break_on_hyphens=False), *out]))
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

"""`mockloop run LOOP` and `mockloop resume [ID]`: a loop in the app, or on stdin/stdout with --plain."""

import argparse
import asyncio
import shlex
import sys
from pathlib import Path
from typing import Any

from simulator.commands.common import (
    LEVELS,
    NO_TERMINAL,
    add_endpoint_options,
    add_grader_option,
    add_parser,
    fail,
    has_terminal,
    open_workspace,
)


def register(sub: Any) -> None:
    run = add_parser(
        sub,
        "run",
        "Run a loop or drill (in the app, or line by line with --plain).",
        "mockloop run amazon-pm --plain --seed 7",
    )
    run.add_argument("loop", metavar="LOOP", help="loop or drill id (see `mockloop loops list`)")
    run.add_argument("--seed", type=int, help="pick the same questions again")
    run.add_argument("--any-question", action="store_true", help="do not avoid questions you answered recently")
    run.add_argument(
        "--level",
        choices=LEVELS,
        help="the seniority to rehearse: questions of that level first, then the nearest (default: any level)",
    )
    _common(run)
    run.set_defaults(handler=_run)
    resume = add_parser(
        sub, "resume", "Continue an unfinished session at its next unanswered question.", "mockloop resume --plain"
    )
    resume.add_argument("id", nargs="?", metavar="ID", help="session id (default: the latest unfinished)")
    _common(resume)
    resume.set_defaults(handler=_resume)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--plain",
        action="store_true",
        help="plain text on stdin/stdout, no TUI (the default when stdin or stdout is not a terminal)",
    )
    add_grader_option(parser, "grader for the rounds")
    parser.add_argument(
        "--interviewer",
        choices=("scripted", "llm"),
        help="who asks the follow-ups (default: `interviewer:` in the config file or MOCKLOOP_INTERVIEWER, "
        "else llm when an LLM endpoint is configured, else scripted)",
    )
    parser.add_argument(
        "--transcripts-dir",
        type=Path,
        metavar="DIR",
        help="where sessions are saved (default: $MOCKLOOP_TRANSCRIPTS, `transcripts:` in the config file, "
        "else ./transcripts)",
    )
    add_endpoint_options(parser, interviewer=True)


def _run(args: argparse.Namespace) -> int:
    return _go(
        args,
        lambda workspace: workspace.start(
            args.loop, seed=args.seed, avoid_recent=not args.any_question, level=args.level
        ),
    )


def _resume(args: argparse.Namespace) -> int:
    return _go(args, lambda workspace: workspace.resume(args.id))


def _go(args: argparse.Namespace, open_session: Any) -> int:
    from simulator.engine import SessionError
    from simulator.services.workspace import WorkspaceUnavailable

    workspace = open_workspace(args)
    try:
        workspace.prepare()
        session = open_session(workspace)  # an unknown loop or nothing to resume: one line, before any screen
    except WorkspaceUnavailable as exc:
        return fail(str(exc), 2)
    except SessionError as exc:
        return fail(str(exc))
    if not args.plain and has_terminal():
        from simulator.tui.app import run_app

        return run_app(workspace, lambda _workspace: session)
    if not args.plain:
        print(f"mockloop: {NO_TERMINAL}: plain mode (--plain)", file=sys.stderr)
    from simulator.plain import PlainRunner

    resume = f"mockloop resume {session.id} --plain"
    if args.transcripts_dir is not None:
        resume += f" --transcripts-dir {shlex.quote(str(args.transcripts_dir))}"

    async def plain() -> int:
        async with workspace:
            return await PlainRunner(session, sys.stdin.readline, sys.stdout, resume).run()

    return asyncio.run(plain())

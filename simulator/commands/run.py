"""`mockloop run LOOP` and `mockloop resume [ID]`: a loop in the app, or on stdin/stdout with --plain."""

import argparse
import asyncio
import shlex
import sys
from pathlib import Path
from typing import Any

from simulator.commands.common import NO_TERMINAL, add_parser, fail, has_terminal


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
    parser.add_argument(
        "--grader",
        choices=("offline", "llm"),
        default="offline",
        help="grader for the rounds (default: offline evidence grader)",
    )
    parser.add_argument(
        "--interviewer",
        choices=("scripted", "llm"),
        help="who asks the follow-ups (default: llm when an LLM endpoint is configured, else scripted)",
    )
    parser.add_argument(
        "--transcripts-dir",
        type=Path,
        metavar="DIR",
        help="where sessions are saved (default: ./transcripts or $MOCKLOOP_TRANSCRIPTS)",
    )


def _run(args: argparse.Namespace) -> int:
    return _go(args, lambda env: env.start(args.loop, seed=args.seed, avoid_recent=not args.any_question))


def _resume(args: argparse.Namespace) -> int:
    return _go(args, lambda env: env.resume(args.id))


def _go(args: argparse.Namespace, open_session: Any) -> int:
    from simulator.engine import SessionError
    from simulator.engine.environment import Environment, EnvironmentUnavailable

    try:
        env = Environment.create(grader=args.grader, directory=args.transcripts_dir, interviewer=args.interviewer)
    except EnvironmentUnavailable as exc:
        return fail(str(exc), 2)
    try:
        session = open_session(env)  # an unknown loop or nothing to resume: one line, before any screen
    except SessionError as exc:
        return fail(str(exc))
    if not args.plain and has_terminal():
        from simulator.tui.app import run_app

        return run_app(env, lambda _env: session)
    if not args.plain:
        print(f"mockloop: {NO_TERMINAL}: plain mode (--plain)", file=sys.stderr)
    from simulator.plain import PlainRunner

    resume = f"mockloop resume {session.id} --plain"
    if args.transcripts_dir is not None:
        resume += f" --transcripts-dir {shlex.quote(str(args.transcripts_dir))}"
    return asyncio.run(PlainRunner(session, sys.stdin.readline, sys.stdout, resume).run())

"""Helpers shared by the CLI subcommands."""

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from simulator.services.workspace import Workspace


def add_parser(sub: Any, name: str, help_text: str, example: str, **kwargs: Any) -> argparse.ArgumentParser:
    """A subcommand parser whose --help ends with an example."""
    return sub.add_parser(
        name,
        help=help_text,
        description=help_text,
        epilog=f"example:\n  {example}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        **kwargs,
    )


ENDPOINT_FLAGS = ("model", "grader_model", "interviewer_model", "base_url", "timeout")


def add_endpoint_options(parser: argparse.ArgumentParser, *, interviewer: bool = False) -> None:
    """--model, --grader-model, --base-url, --timeout and --no-hints, for the commands that may call an LLM
    grader; with `interviewer`, --interviewer-model too (run, resume)."""
    parser.add_argument("--model", help="LLM model (overrides MOCKLOOP_MODEL)")
    parser.add_argument(
        "--grader-model",
        dest="grader_model",
        metavar="NAME",
        help="model for grading (overrides MOCKLOOP_GRADER_MODEL and --model)",
    )
    if interviewer:
        parser.add_argument(
            "--interviewer-model",
            dest="interviewer_model",
            metavar="NAME",
            help="model for the interviewer's follow-ups (overrides MOCKLOOP_INTERVIEWER_MODEL and --model)",
        )
    parser.add_argument("--base-url", dest="base_url", help="OpenAI-compatible endpoint URL")
    parser.add_argument(
        "--timeout",
        type=float,
        metavar="SECONDS",
        help="deadline of each LLM request, connect to last byte (overrides MOCKLOOP_TIMEOUT)",
    )
    parser.add_argument(
        "--no-hints",
        dest="hints",
        action="store_false",
        help="LLM grader: do not show the model the offline grader's evidence as hints",
    )


LEVELS = ("L4", "L5", "L6", "L7")
"""The seniority levels questions carry (domain.content.SeniorityLevel)."""
SETTINGS_FLAGS = {
    "grader": "grader",
    "interviewer": "interviewer",
    "transcripts_dir": "transcripts",
    "config": "config",
    "theme": "theme",
}
"""Flag (argparse dest) -> the `Settings` field it overrides."""


def add_grader_option(
    parser: argparse.ArgumentParser, help_text: str = "offline evidence grader or the LLM grader"
) -> None:
    parser.add_argument(
        "--grader",
        choices=("offline", "llm"),
        help=f"{help_text} (default: `grader:` in the config file or MOCKLOOP_GRADER, else offline)",
    )


def open_workspace(args: argparse.Namespace) -> "Workspace":
    """The workspace of these flags over the environment and the config file; SettingsError when malformed."""
    from simulator.services.settings import Settings
    from simulator.services.workspace import Workspace

    return Workspace(Settings.load(settings_flags(args)), hints=getattr(args, "hints", True))


def settings_flags(args: argparse.Namespace) -> dict[str, Any]:
    """The flags given that override settings, by `Settings` field (and LLM setting) name."""
    flags = {field: getattr(args, dest, None) for dest, field in SETTINGS_FLAGS.items()}
    return flags | {name: getattr(args, name, None) for name in ENDPOINT_FLAGS}


def print_json(data: Any) -> None:
    """One write, not one per token: cheaper, and the output stream redacts it in one piece."""
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


def has_terminal() -> bool:
    """Are stdin and stdout both a terminal? The app needs both: on a pipe or a file it would spin."""
    return sys.stdin.isatty() and sys.stdout.isatty()


NO_TERMINAL = "the app needs a terminal and stdin or stdout is not one"


def fail(message: str, code: int = 1) -> int:
    print(f"mockloop: {message}", file=sys.stderr)
    return code


def table(rows: list[list[str]], headers: list[str]) -> str:
    widths = [max(len(str(c)) for c in col) for col in zip(headers, *rows, strict=False)]
    line = "  ".join(f"{{:<{w}}}" for w in widths)
    out = [line.format(*headers), line.format(*("-" * w for w in widths))]
    out += [line.format(*(str(c) for c in row)) for row in rows]
    return "\n".join(s.rstrip() for s in out)

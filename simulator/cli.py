"""The `mockloop` command.

Subcommands import what they need when they run, so `--help` answers at once.
"""

import argparse
import sys
from collections.abc import Callable, Sequence
from importlib import import_module
from pathlib import Path

from simulator import __version__

# Each module registers its subcommands with `register(subparsers)`; order is the help order.
COMMAND_MODULES = (
    "simulator.commands.content",
    "simulator.commands.run",
    "simulator.commands.grade",
    "simulator.commands.calibrate",
    "simulator.commands.regrade",
    "simulator.commands.llm",
    "simulator.commands.transcripts",
)

EPILOG = """examples:
  mockloop                           open the interview app
  mockloop loops list                the loops and drills you can run
  mockloop rubrics validate          check every rubric, loop and question file on the search path
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mockloop",
        description="Rehearse PM, PMM and TPM interview loops; graded signal by signal.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"mockloop {__version__}")
    parser.add_argument(
        "--config",
        type=Path,
        metavar="FILE",
        help="the config file to read instead of config.yaml in the config dir (overrides MOCKLOOP_CONFIG)",
    )
    parser.add_argument(
        "--theme", choices=("dark", "light"), help="the app's colours (overrides MOCKLOOP_THEME and `theme:`)"
    )
    parser.set_defaults(handler=_open_app)
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")
    for name in COMMAND_MODULES:
        import_module(name).register(sub)
    return parser


def _open_app(args: argparse.Namespace) -> int:
    """Home. The app builds its workspace (settings, content library, grader) in a worker once
    Home is painted: building it here would hold the first paint back by ~0.6 s."""
    from simulator.commands.common import NO_TERMINAL, fail, has_terminal, settings_flags

    if not has_terminal():
        return fail(f"{NO_TERMINAL}; to answer from a pipe or a file use `mockloop run LOOP --plain`", 2)
    from simulator.tui.app import run_app

    return run_app(None, None, settings_flags=settings_flags(args))


def main(argv: Sequence[str] | None = None) -> int:
    from simulator.redaction import redacted_streams

    with redacted_streams():  # whatever a command prints, no API key is in it
        return _main(argv)


def _main(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        return handler(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:
        from simulator.llm.errors import LLMAuthError
        from simulator.services.settings import SettingsError

        if isinstance(exc, SettingsError):
            print(f"mockloop: {exc}", file=sys.stderr)
            return 2
        if not isinstance(exc, LLMAuthError):
            raise
        print(f"mockloop: {exc}; check OPENAI_API_KEY (`mockloop doctor` tests it)", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())

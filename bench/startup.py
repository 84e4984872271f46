"""Start-up: `mockloop --help` must answer at once (no Textual, openai or grader imported)."""

from bench.registry import benchmark
from bench.timing import process_seconds


@benchmark("help_s")
def help_seconds() -> dict[str, float]:
    bare = process_seconds(["-c", "pass"])
    help_s = process_seconds(["-m", "simulator", "--help"])
    return {"help_s": help_s, "python_bare_s": bare, "help_over_bare_python_ratio": help_s / bare}

"""Run the registered benchmarks and print a table, or one JSON object with --json."""

import argparse
import json
from importlib import import_module

from bench.registry import BENCHMARKS

MODULES = ("bench.startup", "bench.grading", "bench.llm", "bench.tui", "bench.sessions", "bench.interview")


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--json", action="store_true", help="print one JSON object of figures")
    parser.add_argument("--only", metavar="NAME", help="run one benchmark")
    args = parser.parse_args()
    for module in MODULES:
        import_module(module)
    if args.only and args.only not in BENCHMARKS:
        parser.error(f"unknown benchmark {args.only!r}; expected one of: {', '.join(BENCHMARKS)}")
    chosen = {args.only: BENCHMARKS[args.only]} if args.only else BENCHMARKS
    figures: dict[str, float] = {}
    for fn in chosen.values():
        figures.update(fn())
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        width = max(len(k) for k in figures)
        for key, value in figures.items():
            print(f"{key:<{width}}  {value:.4g}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Timing helpers shared by the benchmarks."""

import statistics
import subprocess
import sys
import time
from collections.abc import Callable


def median_seconds(fn: Callable[[], object], runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def process_seconds(args: list[str], runs: int = 7) -> float:
    """Median wall time of a Python subprocess (`python ARGS`)."""
    return median_seconds(lambda: subprocess.run([sys.executable, *args], capture_output=True, check=True), runs)

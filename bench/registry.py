"""The benchmarks `python -m bench` knows about."""

from collections.abc import Callable

Benchmark = Callable[[], dict[str, float]]
BENCHMARKS: dict[str, Benchmark] = {}


def benchmark(name: str) -> Callable[[Benchmark], Benchmark]:
    def register(fn: Benchmark) -> Benchmark:
        BENCHMARKS[name] = fn
        return fn

    return register

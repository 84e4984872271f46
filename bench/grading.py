"""Grading throughput of the offline grader, against the cost of just reading the same answers."""

from pathlib import Path

from bench.registry import benchmark
from bench.timing import median_seconds

GOLDEN = Path(__file__).resolve().parents[1] / "rubrics" / "golden"


@benchmark("offline_grading")
def offline_grading() -> dict[str, float]:
    from simulator.content import load_library
    from simulator.content.loader import load_sheet_file
    from simulator.grading.base import GradeRequest
    from simulator.grading.offline import grade_offline

    rubric = load_library().rubric("base")
    rounds = [r for p in sorted(GOLDEN.rglob("*.yaml")) for r in load_sheet_file(p).rounds]
    requests = [GradeRequest(r.round, r.question, r.answer) for r in rounds]
    grade_offline(requests[0], rubric)  # warm caches (question-bank word frequencies)
    grading = median_seconds(lambda: [grade_offline(q, rubric) for q in requests], 5)
    scanning = median_seconds(lambda: [q.answer.lower().split() for q in requests], 5)
    return {
        "answers": float(len(requests)),
        "answers_per_s": len(requests) / grading,
        "ms_per_answer": 1000 * grading / len(requests),
        "grade_over_tokenise_ratio": grading / scanning,
    }

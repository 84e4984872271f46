"""Grading throughput of the offline grader, against the cost of just reading the same answers."""

from pathlib import Path
from typing import TYPE_CHECKING

from bench.registry import benchmark
from bench.timing import median_seconds

if TYPE_CHECKING:
    from simulator.domain import Rubric

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
        "offline_answers_per_s": len(requests) / grading,
        "ms_per_answer": 1000 * grading / len(requests),
        "grade_over_tokenise_ratio": grading / scanning,
        "offline_worst_answer_s": _worst_answer_seconds(rubric),
    }


WORST_WORDS = 20_000


def _worst_answer_seconds(rubric: "Rubric") -> float:
    """A 20,000-word answer (shuffled words of one STAR sentence, as a user once pasted)."""
    import random

    from simulator.grading.base import GradeRequest
    from simulator.grading.offline import grade_offline

    sentence = (
        "I decided to refund on courier scan, and refund time went from 9 days to 2 over eight weeks, "
        "because sellers in tier-3 cities complained to support. "
    )
    words = (sentence * (WORST_WORDS // len(sentence.split()) + 1)).split()[:WORST_WORDS]
    random.Random(0).shuffle(words)
    request = GradeRequest("bar-raiser", "Tell me about a time you owned a decision.", " ".join(words))
    return median_seconds(lambda: grade_offline(request, rubric), 1)


ADVERSARIAL = {
    "comma-joined numbers": lambda n: ",".join(str(i) for i in range(n)),
    "dot-joined digits": lambda n: ".".join(str(i % 10) for i in range(n)),
    "dash-joined numbers": lambda n: "-".join(str(i) for i in range(n)),
    "capitalised words": lambda n: " ".join("Word" for _ in range(n)),
    "from 1 to 2": lambda n: "from 1 to 2 " * (n // 4),
    "quote marks": lambda n: '"' * (n * 5),
}


@benchmark("adversarial_grading")
def adversarial_grading() -> dict[str, float]:
    """Pathological answers (a pasted data row, a wall of capitals) must grade in time linear in their
    length: the worst one's seconds per character, over a typical golden answer's, in one run."""
    from simulator.content import load_library
    from simulator.content.loader import load_sheet_file
    from simulator.grading.base import GradeRequest
    from simulator.grading.offline import grade_offline

    rubric = load_library().rubric("base")
    typical = [r for p in sorted(GOLDEN.rglob("*.yaml")) for r in load_sheet_file(p).rounds][:40]
    requests = [GradeRequest(r.round, r.question, r.answer) for r in typical]
    chars = sum(len(q.answer) for q in requests)
    per_char_typical = median_seconds(lambda: [grade_offline(q, rubric) for q in requests], 3) / chars
    worst = 0.0
    for make in ADVERSARIAL.values():
        text = make(5000)
        request = GradeRequest("marketing-case", "Size the market", text)
        worst = max(worst, median_seconds(lambda r=request: grade_offline(r, rubric), 1) / len(text))
    return {"adversarial_worst_over_typical_per_char_ratio": worst / per_char_typical}

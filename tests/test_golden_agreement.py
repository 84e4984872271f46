"""Agreement with the expert labels of the golden set's holdout half (the grader is tuned on tune/).

Floors are the figures reached, less a small margin; the README reports the figures.
"""

from pathlib import Path

import pytest

from simulator.content import load_library
from simulator.content.loader import load_sheet_file
from simulator.domain.rubric import CORE_SIGNALS
from simulator.grading.agreement import quadratic_weighted_kappa, spearman
from simulator.grading.base import GradeRequest
from simulator.grading.offline import grade_offline

GOLDEN = Path(__file__).resolve().parents[1] / "rubrics" / "golden"


def graded(half: str) -> list[tuple[dict[str, int], dict[str, int], list[str], str | None]]:
    rubric = load_library().rubric("base")
    out = []
    for path in sorted((GOLDEN / half).glob("*.yaml")):
        for item in load_sheet_file(path).rounds:
            grade = grade_offline(GradeRequest(item.round, item.question, item.answer), rubric)
            scores = {s: g.score for s, g in grade.signals.items()} | {"overall": grade.overall.score}
            out.append((item.labels or {}, scores, grade.flags, item.trap))
    return out


@pytest.fixture(scope="module")
def holdout():
    return graded("holdout")


def pairs(rows, signal: str) -> tuple[list[int], list[int]]:
    kept = [(labels[signal], scores[signal]) for labels, scores, _, _ in rows if signal in labels]
    return [a for a, _ in kept], [b for _, b in kept]


def test_golden_set_size() -> None:
    for half in ("tune", "holdout"):
        rows = graded(half)
        assert len(rows) >= 24
        assert {r[3] for r in rows} >= {"keyword-stuffing", "fluent-empty", "numbers-no-baseline",
                                        "we-only", "injection", "off-topic"}


def test_overall_agreement_on_holdout(holdout) -> None:
    labels, scores = pairs(holdout, "overall")
    assert spearman(labels, scores) >= 0.70
    assert quadratic_weighted_kappa(labels, scores) >= 0.65


@pytest.mark.parametrize("signal", CORE_SIGNALS)
def test_core_signal_agreement_on_holdout(holdout, signal: str) -> None:
    labels, scores = pairs(holdout, signal)
    assert spearman(labels, scores) >= 0.5


@pytest.mark.parametrize("half", ["tune", "holdout"])
def test_traps_score_two_or_below_and_genuine_answers_are_not_flagged(half: str) -> None:
    for _, scores, flags, trap in graded(half):
        if trap:
            assert scores["overall"] <= 2, (trap, scores)
        else:
            assert "prompt-injection" not in flags
        if trap == "injection":
            assert "prompt-injection" in flags

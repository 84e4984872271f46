"""Grade the same answers again: a saved transcript with another rubric or grader (not saved), and
the comparison of two gradings of many rounds (what `mockloop regrade` shows)."""

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from simulator.domain import RoundGrade, Rubric, Transcript
from simulator.grading.base import Grader
from simulator.grading.debrief import GradedRound, build_debrief
from simulator.grading.requests import from_round
from simulator.services.inputs import Advances, Input, RubricChooser, grade_jobs

HIRE_AT = 3
"""A round whose overall score is at least this is on the hire side."""


class RegradeError(Exception):
    """The transcript cannot be graded this way; the message says why in one line."""


async def regrade(transcript: Transcript, rubric: Rubric, grader: Grader) -> Transcript:
    """A copy of `transcript` with every answered round graded again and a new debrief."""
    answered = [r for r in transcript.rounds if from_round(r).answer]
    if not answered:
        raise RegradeError("no round of this session has an answer to grade")
    missing = sorted({r.type for r in answered if rubric.round_for(r.type) is None})
    if missing:
        raise RegradeError(
            f"rubric {rubric.id!r} does not grade {', '.join(missing)}; it grades {', '.join(sorted(rubric.rounds))}"
        )
    grades = await asyncio.gather(*(grader.grade(from_round(r), rubric) for r in answered))
    by_index = {r.index: g for r, g in zip(answered, grades, strict=True)}
    rounds = [r.model_copy(update={"grade": by_index.get(r.index)}) for r in transcript.rounds]
    debrief = build_debrief(
        [GradedRound(r.type, r.title, by_index[r.index], from_round(r).answer) for r in answered], rubric
    )
    return transcript.model_copy(update={"rounds": rounds, "debrief": debrief, "rubric": rubric.id})


@dataclass(frozen=True)
class Side:
    """One way of grading: `rubric` as asked (None: each input's own), the grader's name, and the two built."""

    rubric: str | None
    grader_name: str
    chooser: RubricChooser
    grader: Grader


@dataclass(frozen=True)
class Compared:
    """One round graded both ways; `item` is `source#index`."""

    item: str
    round: str
    a: RoundGrade
    b: RoundGrade


async def compare_inputs(
    inputs: Sequence[Input], sides: Sequence[Side], top: int = 10, progress: Advances | None = None
) -> dict[str, Any]:
    """Grade every round of `inputs` both ways (`inputs[i].rubrics[side]` is that side's rubric) and compare."""
    rounds = [(item, index, request) for item in inputs for index, request in enumerate(item.requests)]
    graded = [
        await grade_jobs(side.grader, [(request, item.rubrics[n]) for item, _, request in rounds], progress)
        for n, side in enumerate(sides)
    ]
    compared = [
        Compared(f"{item.source}#{index}", request.round, a, b)
        for (item, index, request), a, b in zip(rounds, *graded, strict=True)
    ]
    return {
        **{
            key: {
                "rubric": side.rubric,
                "rubric_ids": sorted({item.rubrics[n].id for item in inputs}),
                "grader": side.grader_name,
            }
            for n, (key, side) in enumerate(zip(("a", "b"), sides, strict=True))
        },
        **compare(compared, top),
    }


def compare(rows: Sequence[Compared], top: int = 10) -> dict[str, Any]:
    """Per-signal and overall shift (B minus A), the rounds whose overall moved, and the `top`
    largest signal changes with both sides' evidence, those in flipped rounds first among equals."""
    signal_ids = list(dict.fromkeys(s for row in rows for grade in (row.a, row.b) for s in grade.signals))
    signals = {}
    for signal in signal_ids:
        both = [
            (row.a.signals[signal].score, row.b.signals[signal].score)
            for row in rows
            if signal in row.a.signals and signal in row.b.signals
        ]
        signals[signal] = {
            **_shift(both),
            "only_a": sum(signal in row.a.signals and signal not in row.b.signals for row in rows),
            "only_b": sum(signal in row.b.signals and signal not in row.a.signals for row in rows),
        }
    moved = []
    for row in rows:
        a, b = row.a.overall.score, row.b.overall.score
        if a != b:
            moved.append(
                {
                    "item": row.item,
                    "round": row.round,
                    "a": a,
                    "b": b,
                    "decision_a": decision(a),
                    "decision_b": decision(b),
                    "flipped": decision(a) != decision(b),
                }
            )
    flipped = {m["item"] for m in moved if m["flipped"]}
    changes = [
        {
            "item": row.item,
            "round": row.round,
            "signal": signal,
            "delta": row.b.signals[signal].score - row.a.signals[signal].score,
            "flipped": row.item in flipped,
            "a": _side(row.a.signals[signal]),
            "b": _side(row.b.signals[signal]),
        }
        for row in rows
        for signal in row.a.signals
        if signal in row.b.signals and row.a.signals[signal].score != row.b.signals[signal].score
    ]
    changes.sort(key=lambda c: (-abs(cast(int, c["delta"])), not c["flipped"]))
    return {
        "rounds": len(rows),
        "overall": _shift([(row.a.overall.score, row.b.overall.score) for row in rows]),
        "signals": signals,
        "moved": moved,
        "flipped": [m["item"] for m in moved if m["flipped"]],
        "changes": changes[:top],
    }


def decision(overall: int) -> str:
    return "hire" if overall >= HIRE_AT else "no-hire"


def _shift(pairs: list[tuple[int, int]]) -> dict[str, Any]:
    if not pairs:
        return {"n": 0, "mean_a": None, "mean_b": None, "shift": None, "changed": 0}
    mean_a = sum(a for a, _ in pairs) / len(pairs)
    mean_b = sum(b for _, b in pairs) / len(pairs)
    return {
        "n": len(pairs),
        "mean_a": round(mean_a, 4),
        "mean_b": round(mean_b, 4),
        "shift": round(mean_b - mean_a, 4),
        "changed": sum(a != b for a, b in pairs),
    }


def _side(grade: Any) -> dict[str, Any]:
    return {"score": grade.score, "evidence": grade.evidence, "rationale": grade.rationale}

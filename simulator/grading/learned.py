"""The learned part of the offline grader: a linear head per signal over an answer's vector.

An answer's vector is what the detectors found, put so that length cannot buy points (whether a
feature is present, a level saturating at two findings, its share of sentences), followed by the
answer's static embedding. A head turns the vector into a continuous score and its cut points into
a level. Heads are fitted by `fitting.py` and live in a model file beside the rubric.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING

from simulator.domain.offline_model import DETECTOR_FEATURES, DETECTOR_INPUTS, OfflineModel, SignalHead
from simulator.domain.rubric import LEVELS
from simulator.grading.features import Evidence

if TYPE_CHECKING:
    import numpy as np

SATURATES_AT = 2.0


def detector_inputs(ev: Evidence, sentence_count: int) -> list[float]:
    """The detector part of the vector, in `DETECTOR_INPUTS` order."""
    sentences = max(sentence_count, 1)
    out: list[float] = []
    for name in DETECTOR_FEATURES:
        value = ev.values.get(name, 0.0)
        out += [1.0 if value > 0 else 0.0, min(value, SATURATES_AT) / SATURATES_AT, min(value / sentences, 1.0)]
    return out


@dataclass(frozen=True)
class AnswerVector:
    detectors: "np.ndarray"
    embedding: "np.ndarray"


def answer_vector(ev: Evidence, sentence_count: int, text: str) -> AnswerVector:
    import numpy as np

    from simulator.grading.embedding import embed

    return AnswerVector(np.asarray(detector_inputs(ev, sentence_count), dtype=np.float64), embed(text))


@dataclass(frozen=True)
class Head:
    weights: "np.ndarray"
    embedding_weights: "np.ndarray"
    intercept: float
    round_offsets: dict[str, float]
    cuts: tuple[float, ...]
    """Scores at which levels 2, 3 and 4 begin."""

    def score(self, vector: AnswerVector, round_type: str) -> float:
        total = float(vector.detectors @ self.weights) + self.intercept + self.round_offsets.get(round_type, 0.0)
        if self.embedding_weights.size:
            total += float(vector.embedding @ self.embedding_weights)
        return total

    def level(self, score: float) -> int:
        return LEVELS[0] + sum(score >= cut for cut in self.cuts)


def compile_head(spec: SignalHead) -> Head:
    import numpy as np

    weights = np.zeros(len(DETECTOR_INPUTS))
    for name, weight in spec.weights.items():
        weights[DETECTOR_INPUTS.index(name)] = weight
    return Head(
        weights=weights,
        embedding_weights=np.asarray(spec.embedding, dtype=np.float32),
        intercept=spec.intercept,
        round_offsets=dict(spec.rounds),
        cuts=tuple(spec.cuts),
    )


_COMPILED: dict[int, tuple[OfflineModel, dict[str, Head]]] = {}
_KEEP_COMPILED = 16


def heads(model: OfflineModel) -> dict[str, Head]:
    """The model's heads as arrays, compiled once per loaded model."""
    cached = _COMPILED.get(id(model))
    if cached is None or cached[0] is not model:
        if len(_COMPILED) >= _KEEP_COMPILED:
            _COMPILED.clear()  # cross-validation compiles a model per fold; keep only the recent ones
        cached = (model, {signal: compile_head(spec) for signal, spec in model.signals.items()})
        _COMPILED[id(model)] = cached
    return cached[1]

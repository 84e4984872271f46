"""Fit the offline grader's heads on labelled answers, and measure them on answers they did not see.

Each head is a ridge regression of a signal's expert label on the answer's vector (`learned.py`),
plus cut points chosen on the training answers so that levels come out where the labels are
(ridge pulls its scores towards the mean; the cuts undo that). Agreement is only ever reported
out of sample: `cross_validate` holds out one author at a time, so a grader cannot look good by
learning how one person writes.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, TypeVar

from simulator.domain.offline_model import DETECTOR_INPUTS, OfflineModel, SignalHead
from simulator.domain.rubric import LEVELS
from simulator.grading.detectors.text import sentences
from simulator.grading.features import extract
from simulator.grading.learned import AnswerVector, answer_vector, compile_head

if TYPE_CHECKING:
    import numpy as np

T = TypeVar("T")
DEFAULT_ALPHA = 1000.0
DEFAULT_EMBEDDING_SCALE = 1.0
MIN_LABELS = 8
"""A signal with fewer labelled answers keeps the rubric's hand-set weights."""


@dataclass(frozen=True)
class Labelled:
    """One labelled answer: what was asked, what was said, the labels and who wrote it."""

    round: str
    question: str
    answer: str
    labels: dict[str, float]
    group: str = ""
    """Who wrote the answer (held out together in cross-validation)."""
    item: str = ""
    trap: str | None = None
    style: str | None = None
    vector: AnswerVector | None = field(default=None, compare=False)


def with_vectors(items: Sequence[Labelled]) -> list[Labelled]:
    """The items with their answer vectors computed (once: fitting reuses them fold after fold)."""
    out = []
    for item in items:
        if item.vector is None:
            vector = answer_vector(extract(item.answer), len(sentences(item.answer)), item.answer)
            item = replace(item, vector=vector)
        out.append(item)
    return out


def _design(items: Sequence[Labelled], rounds: Sequence[str], embedding_scale: float) -> "np.ndarray":
    import numpy as np

    rows = []
    for item in items:
        assert item.vector is not None
        one_hot = [1.0 if item.round == r else 0.0 for r in rounds]
        parts = [item.vector.detectors, np.asarray(one_hot)]
        if embedding_scale:
            parts.append(item.vector.embedding.astype(np.float64))
        rows.append(np.concatenate(parts))
    return np.vstack(rows)


def fit_head(
    items: Sequence[Labelled],
    signal: str,
    alpha: float = DEFAULT_ALPHA,
    embedding_scale: float = DEFAULT_EMBEDDING_SCALE,
    prior: SignalHead | None = None,
) -> SignalHead:
    """Ridge on standardised inputs (the embedding block scaled by `embedding_scale`), stored unstandardised.

    With a `prior` head the ridge pulls towards the prior's weights instead of towards zero: a coach's
    thirty labelled answers move the shipped head where they disagree with it, and leave the rest.
    """
    import numpy as np

    kept = [i for i in items if signal in i.labels]
    rounds = sorted({i.round for i in kept} | (set(prior.rounds) if prior else set()))
    x = _design(kept, rounds, embedding_scale)
    y = np.asarray([i.labels[signal] for i in kept], dtype=np.float64)
    base = _prior_vector(prior, rounds, embedding_scale) if prior else np.zeros(x.shape[1])
    base_intercept = prior.intercept if prior else 0.0
    residual = y - (x @ base + base_intercept)
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    block = np.ones(x.shape[1])
    block[len(DETECTOR_INPUTS) + len(rounds) :] = embedding_scale or 1.0
    z = (x - mean) / scale * block
    coef = np.linalg.solve(z.T @ z + alpha * np.eye(z.shape[1]), z.T @ (residual - residual.mean()))
    raw = base + coef * block / scale
    intercept = float(base_intercept + residual.mean() - mean @ (coef * block / scale))
    scores = x @ raw + intercept
    n_det = len(DETECTOR_INPUTS)
    return SignalHead(
        intercept=round(intercept, 6),
        cuts=[round(c, 6) for c in fit_cuts(scores, y)],
        rounds={r: round(float(w), 6) for r, w in zip(rounds, raw[n_det : n_det + len(rounds)], strict=True)},
        weights={name: round(float(w), 6) for name, w in zip(DETECTOR_INPUTS, raw[:n_det], strict=True) if w},
        embedding=[round(float(w), 6) for w in raw[n_det + len(rounds) :]] if embedding_scale else [],
    )


def _prior_vector(prior: SignalHead, rounds: Sequence[str], embedding_scale: float) -> "np.ndarray":
    import numpy as np

    detectors = [prior.weights.get(name, 0.0) for name in DETECTOR_INPUTS]
    offsets = [prior.rounds.get(r, 0.0) for r in rounds]
    embedding = (prior.embedding or [0.0] * 256) if embedding_scale else []
    return np.asarray([*detectors, *offsets, *embedding], dtype=np.float64)


def fit_cuts(scores: "np.ndarray", labels: "np.ndarray") -> list[float]:
    """Cut points for levels 2..4 that minimise the squared error of the levels they give."""
    import numpy as np

    order = np.sort(np.unique(scores))
    candidates = np.concatenate([[order[0] - 1], (order[1:] + order[:-1]) / 2, [order[-1] + 1]])
    cuts = [LEVELS[0] + k + 0.5 for k in range(len(LEVELS) - 1)]

    def loss(trial: list[float]) -> float:
        levels = LEVELS[0] + (scores[:, None] >= np.asarray(trial)[None, :]).sum(axis=1)
        return float(((levels - labels) ** 2).sum())

    for _ in range(3):
        for k in range(len(cuts)):
            low = cuts[k - 1] if k else -np.inf
            high = cuts[k + 1] if k + 1 < len(cuts) else np.inf
            allowed = [c for c in candidates if low <= c <= high]
            if allowed:
                cuts[k] = float(min(allowed, key=lambda c: loss([*cuts[:k], c, *cuts[k + 1 :]])))
    return cuts


RoundWeights = Mapping[str, Mapping[str, float]]
"""Round type -> its signals' weights (the rubric's `rounds:`), for the overall level of a round."""


def fit_model(
    items: Sequence[Labelled],
    signals: Sequence[str],
    alpha: float = DEFAULT_ALPHA,
    embedding_scale: float = DEFAULT_EMBEDDING_SCALE,
    trained: dict | None = None,
    prior: OfflineModel | None = None,
    rounds: RoundWeights | None = None,
) -> OfflineModel:
    """A head for every signal with at least MIN_LABELS labelled answers (and the prior's other heads);
    with `rounds`, the overall cut points too (`fit_overall_cuts`)."""
    items = with_vectors(items)
    heads = dict(prior.signals) if prior else {}
    for signal in signals:
        if sum(signal in i.labels for i in items) >= MIN_LABELS:
            start = prior.signals.get(signal) if prior else None
            heads[signal] = fit_head(items, signal, alpha, embedding_scale, start)
    info = {
        "answers": len(items),
        "groups": sorted({i.group for i in items}),
        "alpha": alpha,
        "embedding_scale": embedding_scale,
        **(trained or {}),
    }
    overall_cuts = fit_overall_cuts(items, heads, rounds) if rounds else None
    return OfflineModel(signals=heads, trained=info, overall_cuts=overall_cuts)


def fit_overall_cuts(
    items: Sequence[Labelled], heads: Mapping[str, SignalHead], rounds: RoundWeights
) -> list[float] | None:
    """Where a round's overall levels begin, on the weighted mean of the levels the heads give: fitted
    on the `overall` labels, so that a round the expert calls a 4 is not held at 3 by heads whose
    levels sit nearer the middle than the expert's. None with fewer than MIN_LABELS such answers."""
    import numpy as np

    compiled = {signal: compile_head(spec) for signal, spec in heads.items()}
    means, labels = [], []
    for item in items:
        weights = rounds.get(item.round)
        if "overall" not in item.labels or not weights or not set(weights) <= set(compiled):
            continue
        assert item.vector is not None
        levels = {s: compiled[s].level(compiled[s].score(item.vector, item.round)) for s in weights}
        means.append(sum(levels[s] * w for s, w in weights.items()) / sum(weights.values()))
        labels.append(item.labels["overall"])
    if len(labels) < MIN_LABELS:
        return None
    return [round(c, 6) for c in fit_cuts(np.asarray(means), np.asarray(labels))]


def cross_validate(
    items: Sequence[Labelled],
    signals: Sequence[str],
    grade: "Callable[[Labelled, OfflineModel], T]",
    alpha: float = DEFAULT_ALPHA,
    embedding_scale: float = DEFAULT_EMBEDDING_SCALE,
    prior: OfflineModel | None = None,
    rounds: RoundWeights | None = None,
) -> "list[tuple[Labelled, T]]":
    """Leave one group out: each item graded by a model fitted on every other group's items."""
    items = with_vectors(items)
    out = []
    for group in sorted({i.group for i in items}):
        training = [i for i in items if i.group != group]
        model = fit_model(training, signals, alpha, embedding_scale, prior=prior, rounds=rounds)
        out += [(i, grade(i, model)) for i in items if i.group == group]
    return out


def bootstrap_interval(
    labels: Sequence[int],
    scores: Sequence[int],
    statistic: "Callable[[list[int], list[int]], float | None]",
    resamples: int = 1000,
    seed: int = 0,
) -> tuple[float, float] | None:
    """The 95 % percentile interval of `statistic` over answers resampled with replacement (seeded)."""
    import numpy as np

    if len(labels) < 3:
        return None
    rng = np.random.default_rng(seed)
    values = []
    for _ in range(resamples):
        pick = rng.integers(0, len(labels), len(labels))
        value = statistic([labels[i] for i in pick], [scores[i] for i in pick])
        if value is not None:
            values.append(value)
    if not values:
        return None
    low, high = np.percentile(values, [2.5, 97.5])
    return round(float(low), 2), round(float(high), 2)

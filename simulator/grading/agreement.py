"""Agreement between grader scores and expert labels: Spearman, quadratic weighted kappa, and more.

Hand-written (a few lines each) rather than pulling in SciPy for the whole install; the tests
check them against hand-computed cases.
"""

from collections.abc import Sequence


def ranks(values: Sequence[float]) -> list[float]:
    """Average ranks (1-based), ties sharing the mean of their positions."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    out = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            out[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return out


def pearson(x: Sequence[float], y: Sequence[float]) -> float | None:
    n = len(x)
    if n < 2:
        return None
    mx, my = sum(x) / n, sum(y) / n
    sxy = sum((a - mx) * (b - my) for a, b in zip(x, y, strict=True))
    sxx = sum((a - mx) ** 2 for a in x)
    syy = sum((b - my) ** 2 for b in y)
    if sxx == 0 or syy == 0:
        return None
    return sxy / (sxx * syy) ** 0.5


def spearman(x: Sequence[float], y: Sequence[float]) -> float | None:
    """Spearman's rho (Pearson on average ranks); None when either side is constant."""
    return pearson(ranks(x), ranks(y))


def confusion(labels: Sequence[int], scores: Sequence[int], levels: Sequence[int]) -> list[list[int]]:
    """Rows: expert label; columns: grader score."""
    index = {lvl: i for i, lvl in enumerate(levels)}
    matrix = [[0] * len(levels) for _ in levels]
    for a, b in zip(labels, scores, strict=True):
        matrix[index[a]][index[b]] += 1
    return matrix


def quadratic_weighted_kappa(
    labels: Sequence[int], scores: Sequence[int], levels: Sequence[int] = (1, 2, 3, 4)
) -> float | None:
    n = len(labels)
    if n == 0:
        return None
    k = len(levels)
    observed = confusion(labels, scores, levels)
    row = [sum(r) for r in observed]
    col = [sum(observed[i][j] for i in range(k)) for j in range(k)]
    num = den = 0.0
    for i in range(k):
        for j in range(k):
            w = (i - j) ** 2 / (k - 1) ** 2
            num += w * observed[i][j]
            den += w * row[i] * col[j] / n
    return None if den == 0 else 1 - num / den


def exact(labels: Sequence[int], scores: Sequence[int]) -> float:
    return sum(a == b for a, b in zip(labels, scores, strict=True)) / len(labels) if labels else 0.0


def adjacent(labels: Sequence[int], scores: Sequence[int]) -> float:
    return sum(abs(a - b) <= 1 for a, b in zip(labels, scores, strict=True)) / len(labels) if labels else 0.0

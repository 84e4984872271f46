"""The agreement metrics against hand-computed cases."""

import pytest

from simulator.grading.agreement import adjacent, confusion, exact, quadratic_weighted_kappa, ranks, spearman


def test_ranks_average_ties() -> None:
    assert ranks([10, 20, 20, 30]) == [1.0, 2.5, 2.5, 4.0]


def test_spearman_hand_computed() -> None:
    assert spearman([1, 2, 3, 4], [1, 2, 3, 4]) == pytest.approx(1.0)
    assert spearman([1, 2, 3, 4], [4, 3, 2, 1]) == pytest.approx(-1.0)
    # ranks x = 1,2,3,4 ; y = 1,3,2,4 -> d^2 = 0+1+1+0 = 2 ; rho = 1 - 6*2/(4*15) = 0.8
    assert spearman([1, 2, 3, 4], [1, 3, 2, 4]) == pytest.approx(0.8)
    assert spearman([1, 1, 1], [1, 2, 3]) is None


def test_qwk_hand_computed() -> None:
    assert quadratic_weighted_kappa([1, 2, 3, 4], [1, 2, 3, 4]) == pytest.approx(1.0)
    # labels 1,1,2,2 scores 1,2,2,2; weight of a one-level miss is 1/9.
    # observed: one (1,2) pair -> 1/9. expected: cell (1,2) rows 2 x cols 3 / n 4 = 1.5, cell (2,1)
    # rows 2 x cols 1 / 4 = 0.5 -> 2/9. kappa = 1 - (1/9)/(2/9) = 0.5
    assert quadratic_weighted_kappa([1, 1, 2, 2], [1, 2, 2, 2]) == pytest.approx(0.5)


def test_exact_adjacent_confusion() -> None:
    assert exact([1, 2, 3], [1, 3, 3]) == pytest.approx(2 / 3)
    assert adjacent([1, 2, 4], [3, 3, 4]) == pytest.approx(2 / 3)
    assert confusion([1, 2], [2, 2], [1, 2]) == [[0, 1], [0, 1]]

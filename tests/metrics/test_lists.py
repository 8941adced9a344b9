"""List metrics: Steck's miscalibration KL, long-tail share and group exposure, against
hand-worked values and scipy's KL divergence."""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.stats import entropy

from recstack.metrics._validation import MetricInputError
from recstack.metrics.lists import (
    exposure_disparity,
    group_exposure,
    history_genre_distribution,
    item_genre_shares,
    list_genre_distribution,
    long_tail_share,
    miscalibration_kl,
)

# items: 0 = genre A, 1 = genre B, 2 = A and B, 3 = no genre
GENRES = np.array([[1, 0], [0, 1], [1, 1], [0, 0]], dtype=float)


def test_item_shares_split_a_multi_genre_item_evenly():
    assert item_genre_shares(GENRES).tolist() == [[1, 0], [0, 1], [0.5, 0.5], [0, 0]]


def test_history_distribution_by_hand():
    # user 0 saw items 0 and 2: A = 1 + 0.5, B = 0.5 -> (0.75, 0.25); user 1 saw only item 3
    history = sp.csr_matrix(np.array([[5, 0, 3, 0], [0, 0, 0, 1]], dtype=float))
    p = history_genre_distribution(history, GENRES)
    assert p.tolist() == [[0.75, 0.25], [0.0, 0.0]]
    weighted = history_genre_distribution(history, GENRES, binary=False)
    # weights 5 and 3: A = 5 + 1.5 = 6.5, B = 1.5 over 8
    np.testing.assert_allclose(weighted[0], [6.5 / 8, 1.5 / 8])


def test_calibrated_list_has_zero_kl_and_a_one_genre_list_the_hand_worked_value():
    target = np.array([[0.75, 0.25], [0.75, 0.25]])
    lists = np.array([[0, 2], [1, -1]])
    kl = miscalibration_kl(lists, GENRES, target)
    assert kl[0] == pytest.approx(0.0, abs=1e-12)
    # q = (0, 1); q~ = 0.99 q + 0.01 p = (0.0075, 0.9925)
    expected = 0.75 * math.log(0.75 / 0.0075) + 0.25 * math.log(0.25 / 0.9925)
    assert kl[1] == pytest.approx(expected, rel=1e-12)
    assert kl[1] == pytest.approx(3.1091864, rel=1e-6)


def test_kl_agrees_with_scipy_on_random_lists():
    rng = np.random.default_rng(3)
    genres = (rng.random((40, 5)) < 0.3).astype(float)
    genres[genres.sum(1) == 0, 0] = 1
    lists = np.stack([rng.permutation(40)[:8] for _ in range(20)])
    target = rng.dirichlet(np.ones(5), size=20)
    ours = miscalibration_kl(lists, genres, target, alpha=0.05)
    shares = genres / genres.sum(1, keepdims=True)
    for row in range(20):
        q = shares[lists[row]].mean(axis=0)
        smoothed = 0.95 * q + 0.05 * target[row]
        assert ours[row] == pytest.approx(entropy(target[row], smoothed), rel=1e-10)


def test_position_weighting_and_cut_off():
    q = list_genre_distribution(np.array([[0, 1]]), GENRES, weighting="position")
    d2 = 1 / math.log2(3)
    np.testing.assert_allclose(q[0], [1 / (1 + d2), d2 / (1 + d2)])
    assert list_genre_distribution(np.array([[0, 1]]), GENRES, k=1).tolist() == [[1.0, 0.0]]


def test_user_without_genre_history_gets_nan():
    kl = miscalibration_kl(np.array([[0]]), GENRES, np.zeros((1, 2)))
    assert np.isnan(kl[0])


def test_long_tail_share_by_hand():
    tail = np.array([False, True, True, False])
    share = long_tail_share(np.array([[0, 1, 2, 3], [1, -1, -1, -1], [-1, -1, -1, -1]]), tail)
    assert share[:2].tolist() == [0.5, 1.0]
    assert np.isnan(share[2])


def test_group_exposure_is_position_discounted():
    groups = np.array([0, 1, 1, 0])
    shares = group_exposure(np.array([[0, 1]]), groups, 2)
    d2 = 1 / math.log2(3)
    np.testing.assert_allclose(shares, [1 / (1 + d2), d2 / (1 + d2)])
    # two users with mirrored lists: equal exposure
    both = group_exposure(np.array([[0, 1], [1, 0]]), groups, 2)
    np.testing.assert_allclose(both, [0.5, 0.5])
    assert exposure_disparity(both) == pytest.approx(0.0)
    assert exposure_disparity([0.7, 0.3]) == pytest.approx(0.2)
    assert exposure_disparity([0.7, 0.3], [0.7, 0.3]) == pytest.approx(0.0)


@pytest.mark.parametrize("call, message", [
    (lambda: miscalibration_kl(np.array([[0]]), GENRES, np.array([[0.5, 0.2]])), "sums to"),
    (lambda: miscalibration_kl(np.array([[0]]), GENRES, np.ones((2, 2)) / 2), "shape"),
    (lambda: miscalibration_kl(np.array([[0]]), GENRES, np.ones((1, 2)) / 2, alpha=0),
     "alpha"),
    (lambda: group_exposure(np.array([[0]]), np.array([0, 3, 0, 0]), 2), "0..1"),
    (lambda: long_tail_share(np.array([[9]]), np.ones(4, bool)), "catalog"),
    (lambda: exposure_disparity([0.5, 0.5], [0.9, 0.9]), "summing to 1"),
    (lambda: item_genre_shares(-GENRES), "non-negative"),
])
def test_bad_inputs_are_refused_with_a_message(call, message):
    with pytest.raises(MetricInputError, match=message):
        call()

"""Metrics that rounding carried a hair outside their range (or off their exact value):
diversity of identical vectors, nDCG of an ideal list, a calibrated list's divergence,
exposure disparity and the Wilson bounds of the two-proportion test."""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.sparse as sp

from recstack.metrics import beyond_accuracy, lists, online, ranking


@pytest.mark.parametrize("vector", [[0.1, 0.2, 0.3], [0.2, 0.4], [0.3, 0.7, 0.1]])
@pytest.mark.parametrize("m", [2, 3, 4])
@pytest.mark.parametrize("sparse", [False, True])
def test_diversity_of_identical_vectors_is_exactly_zero(vector, m, sparse):
    # every pair has cosine 1, so 1 - cos = 0; the sum-of-vectors formula gave 3.3e-16
    # or 4.4e-16 here (and -8.9e-16 elsewhere)
    features = np.tile(vector, (m, 1))
    features = sp.csr_matrix(features) if sparse else features
    value = beyond_accuracy.intra_list_diversity(np.arange(m)[None, :], features)
    assert value.tolist() == [0.0]


def test_diversity_of_many_identical_lists_is_never_negative():
    rng = np.random.default_rng(0)
    for _ in range(300):
        vector = rng.standard_normal(int(rng.integers(1, 20)))
        m = int(rng.integers(2, 10))
        value = beyond_accuracy.intra_list_diversity(
            np.arange(m)[None, :], np.tile(vector, (m, 1)))
        assert value[0] == 0.0


def test_diversity_keeps_its_range_and_its_values():
    # hand value: [1, 0], [0, 1], [1, 1] have cosines 0, 1/sqrt2, 1/sqrt2, so
    # ILD = (1 + 2 (1 - 1/sqrt2)) / 3 = (3 - sqrt2) / 3
    features = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    value = beyond_accuracy.intra_list_diversity(np.array([[0, 1, 2]]), features)
    assert value[0] == pytest.approx((3 - math.sqrt(2)) / 3, rel=1e-12)
    # opposite vectors: cosine -1, ILD 2 exactly, never above
    opposite = np.array([[1.0, 2.0], [-1.0, -2.0]])
    assert beyond_accuracy.intra_list_diversity(np.array([[0, 1]]), opposite).tolist() == [2.0]
    rng = np.random.default_rng(1)
    for _ in range(200):
        # non-negative vectors on disjoint features are orthogonal: ILD 1, not 1 + 1 ulp
        width = int(rng.integers(1, 6))
        features = np.zeros((2, 2 * width))
        features[0, :width] = rng.random(width) + 0.01
        features[1, width:] = rng.random(width) + 0.01
        assert beyond_accuracy.intra_list_diversity(np.array([[0, 1]]), features)[0] == 1.0


def _one_user_truth(grades):
    n = len(grades)
    return sp.csr_matrix((np.asarray(grades, float), (np.zeros(n, int), np.arange(n))),
                         shape=(1, n))


@pytest.mark.parametrize("grades", [[4, 3, 3, 1], [5, 5, 2, 1, 1], [3.5, 2.25, 1.5, 0.75]])
def test_ndcg_of_the_ideal_list_is_exactly_one(grades):
    # [4, 3, 3, 1] with the linear gain came out 0.9999999999999999 (DCG and the ideal DCG
    # sum the same terms in another order)
    truth = _one_user_truth(grades)
    order = np.argsort(-np.asarray(grades), kind="stable")[None, :]
    n = len(grades)
    values = ranking.ranking_metrics(order, truth, ks=[1, n], metrics=["ndcg", "ndcg_linear"])
    assert {name: v.tolist() for name, v in values.items()} == {
        "ndcg@1": [1.0], f"ndcg@{n}": [1.0], "ndcg_linear@1": [1.0], f"ndcg_linear@{n}": [1.0]}
    for gain in ("exponential", "linear"):
        single = ranking.ndcg_at_k(ranking.relevance_at_ranks(order, truth),
                                   ranking.ideal_grades(truth, n), n, gain=gain)
        assert single.tolist() == [1.0]


def test_ndcg_of_random_ideal_lists_never_leaves_one():
    rng = np.random.default_rng(3)
    for trial in range(400):
        n = int(rng.integers(1, 15))
        grades = (rng.integers(1, 6, n) if trial % 2
                  else np.round(rng.random(n) * 5, 2) + 0.01)
        order = np.argsort(-grades, kind="stable")[None, :]
        values = ranking.ranking_metrics(order, _one_user_truth(grades), ks=[n],
                                         metrics=["ndcg", "ndcg_linear"])
        assert [v[0] for v in values.values()] == [1.0, 1.0]


def test_ndcg_below_one_is_kept_and_disagreement_still_refused():
    # hand value: grades [0, 1] against the ideal [1, 0], linear gain:
    # DCG = 1 / log2(3), IDCG = 1
    value = ranking.ndcg_at_k(np.array([[0.0, 1.0]]), np.array([[1.0, 0.0]]), 2,
                              gain="linear")
    assert value[0] == pytest.approx(1 / math.log2(3), rel=1e-12)
    with pytest.raises(ranking.MetricInputError, match="disagree"):
        ranking.ndcg_at_k(np.array([[2.0]]), np.array([[1.0]]), 1)


def test_divergence_of_a_list_matching_its_target_is_not_negative():
    # q = p gives KL(p, (1 - a) p + a p) = 0; rounding gave -2e-16
    rng = np.random.default_rng(0)
    for _ in range(300):
        n_genres = int(rng.integers(2, 8))
        genres = (rng.random((6, n_genres)) < 0.5).astype(float)
        genres[:, 0] = 1.0
        recommended = np.arange(6)[None, :]
        target = lists.list_genre_distribution(recommended, genres)
        value = lists.miscalibration_kl(recommended, genres, target,
                                        alpha=float(rng.random() * 0.9 + 0.01))
        assert value[0] >= 0.0
        assert value[0] == pytest.approx(0.0, abs=1e-12)


def test_divergence_keeps_nan_for_users_without_target():
    genres = np.array([[1.0, 0.0], [0.0, 1.0]])
    value = lists.miscalibration_kl(np.array([[0, 1]]), genres, np.array([[0.0, 0.0]]))
    assert math.isnan(value[0])


def test_exposure_disparity_stays_within_one():
    # shares summing to within 1e-6 of 1 are accepted; 0.5 * (1 + 5e-7 + 1) was returned
    # as 1.00000025, beyond the total variation's maximum of 1
    assert lists.exposure_disparity([1 + 5e-7, 0.0], [0.0, 1.0]) == 1.0
    # hand value: 0.5 * (|0.7 - 0.5| + |0.3 - 0.5|) = 0.2
    assert lists.exposure_disparity([0.7, 0.3]) == pytest.approx(0.2, rel=1e-12)


@pytest.mark.parametrize("trials", [1, 3, 10, 17, 250])
def test_wilson_bounds_of_no_success_and_all_successes_are_exact(trials):
    z = 1.959963984540054
    low, high = online._wilson_interval(0, trials, z)
    assert low == 0.0  # was -3e-17 for some counts
    assert high == pytest.approx(z * z / (trials + z * z), rel=1e-12)
    low, high = online._wilson_interval(trials, trials, z)
    assert high == 1.0  # was 1.0000000000000002 for some counts
    assert low == pytest.approx(trials / (trials + z * z), rel=1e-12)


def test_two_proportion_interval_stays_within_minus_one_and_one():
    # every control click and no treatment click: d = -1, and Newcombe's lower bound is
    # d - hypot(p_T - l_T, u_C - p_C) = -1 exactly; the upper is -1 + sqrt2 z^2 / (n + z^2)
    for n in range(1, 60):
        result = online.two_proportion_ztest(n, n, 0, n)
        assert result.ci_low == -1.0
        result = online.two_proportion_ztest(0, n, n, n)
        assert result.ci_high == 1.0
    z = 1.959963984540054
    result = online.two_proportion_ztest(10, 10, 0, 10)
    assert result.ci_high == pytest.approx(-1 + math.sqrt(2) * z * z / (10 + z * z), rel=1e-9)

"""Sums of large finite values in the beyond-accuracy and list metrics.

Popularities, genre weights and history weights of 1e308 are finite, but two of them summed
to ``inf``: a mean popularity came out infinite, and a row divided by its total came out all
zero, as though the item had no genre or the user's items none. Rows are now summed in units
of a power of two (exact), so the results are those worked out by hand below.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.sparse as sp

from recstack.metrics import MetricInputError, _scale
from recstack.metrics.beyond_accuracy import average_popularity, novelty
from recstack.metrics.lists import (
    exposure_disparity,
    genre_distributions,
    history_genre_distribution,
    item_genre_shares,
    list_genre_distribution,
    miscalibration_kl,
)

BIG = 1e308


@pytest.fixture(autouse=True)
def _no_overflow_warnings():
    # the old code's only sign was numpy's "overflow encountered" warning
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        yield


def test_row_shifts_leave_ordinary_rows_alone_and_bring_huge_ones_down():
    largest = np.array([0.0, 1.0, 2.0**959, 2.0**960, BIG, np.finfo(np.float64).max])
    # frexp(2**960) = (0.5, 961): one halving past the bound, 2**1023.x needs 64
    assert _scale.row_shifts(largest).tolist() == [0, 0, 0, 1, 64, 64]


def test_average_popularity_of_huge_popularities_is_their_mean():
    # row 0: (1e308 + 1e308) / 2 = 1e308; row 1: 3e307 alone; row 2: empty
    got = average_popularity([[0, 1], [2, -1], [-1, -1]], [BIG, BIG, 3e307])
    assert got[0] == BIG
    assert got[1] == 3e307
    assert np.isnan(got[2])


def test_average_popularity_at_float64s_largest_stays_finite():
    top = np.finfo(np.float64).max
    got = average_popularity([[0, 1, 2, 3, 4]], [top] * 5)
    assert np.isfinite(got[0])
    assert got[0] == pytest.approx(top, rel=1e-15)  # 5 x top / 5, rounded twice


def test_average_popularity_mixed_magnitudes():
    # (1.5e308 + 0.5e308 + 0) / 3 = 2e308 / 3 = 6.666...e307
    got = average_popularity([[0, 1, 2]], [1.5e308, 0.5e308, 0.0])
    assert got[0] == pytest.approx(6.666666666666667e307, rel=1e-15)


def test_ordinary_popularities_keep_their_results_bit_for_bit():
    values = [0.1, 0.2, 0.3, 7.0]
    got = average_popularity([[0, 1, 2], [3, 0, -1]], values)
    assert got[0] == np.array([0.1, 0.2, 0.3]).sum() / 3
    assert got[1] == (7.0 + 0.1) / 2
    # novelty shares the row mean: 4 users, counts 1 and 2 -> (2 + 1) / 2 bits
    assert novelty([[0, 1]], [1, 2], 4).tolist() == [1.5]


@pytest.mark.parametrize("as_sparse", [False, True])
def test_item_genre_shares_of_huge_weights(as_sparse):
    genres = np.array([[BIG, BIG, 0.0], [2e307, 0.0, 6e307], [0.0, 0.0, 0.0], [1.0, 3.0, 0.0]])
    given = sp.csr_matrix(genres) if as_sparse else genres
    got = item_genre_shares(given)
    expected = [[0.5, 0.5, 0.0], [0.25, 0.0, 0.75], [0.0, 0.0, 0.0], [0.25, 0.75, 0.0]]
    np.testing.assert_allclose(got, expected, rtol=1e-15, atol=0)


@pytest.mark.parametrize("as_sparse", [False, True])
def test_genre_distributions_of_huge_weights(as_sparse):
    # user 0 weighs two one-genre items 1e308 each: half and half; user 1 weighs them
    # 1e308 and 3e308 ... past float64, so 5e307 and 1.5e308: a quarter and three quarters
    weights = np.array([[BIG, BIG], [5e307, 1.5e308], [0.0, 0.0]])
    given = sp.csr_matrix(weights) if as_sparse else weights
    got = genre_distributions(given, [[1, 0], [0, 1]])
    np.testing.assert_allclose(got, [[0.5, 0.5], [0.25, 0.75], [0.0, 0.0]], rtol=1e-15, atol=0)


def test_history_genre_distribution_weighted_by_huge_values():
    history = sp.csr_matrix(np.array([[BIG, BIG, 0.0], [0.0, 0.0, BIG]]))
    genres = [[1, 0], [0, 1], [1, 1]]
    got = history_genre_distribution(history, genres, binary=False)
    np.testing.assert_allclose(got, [[0.5, 0.5], [0.5, 0.5]], rtol=1e-15, atol=0)


def test_list_genre_distribution_keeps_an_item_with_huge_genre_weights():
    # item 0 is half genre 0, half genre 1; item 1 all genre 1: the list is (0.25, 0.75)
    got = list_genre_distribution([[0, 1]], [[BIG, BIG], [0, 1]])
    np.testing.assert_allclose(got, [[0.25, 0.75]], rtol=1e-15, atol=0)


def test_miscalibration_of_a_list_matching_its_target_is_zero_with_huge_weights():
    # q = (0.25, 0.75) equals the target: perfectly calibrated. Before, item 0 counted as
    # genreless, q = (0, 1), and C_KL = 0.25 ln(0.25 / 0.0025) + 0.75 ln(0.75 / 0.9975)
    # = 0.9374 was reported instead of 0
    got = miscalibration_kl([[0, 1]], [[BIG, BIG], [0, 1]], [[0.25, 0.75]])
    assert got[0] == pytest.approx(0.0, abs=1e-12)  # rounding only: 1.7e-16


# A sum past float64's range in a check of shares: "sums to inf" of finite values, after
# numpy's overflow warning; the message now says what the sum is and where the culprit lies.

@pytest.mark.parametrize(
    ("exposure", "target", "named"),
    [([BIG, BIG], None, "exposure"), ([0.5, 0.5], [BIG, BIG], "target")],
)
def test_exposure_disparity_names_a_sum_past_float64(exposure, target, named):
    with pytest.raises(MetricInputError) as caught:
        exposure_disparity(exposure, target)
    message = str(caught.value)
    assert message.startswith(named)
    assert "sums to more than float64 holds (over 1.8e308; the largest value is 1e+308 at " \
           "position 0)" in message
    assert "inf" not in message


def test_miscalibration_target_row_past_float64_is_named():
    with pytest.raises(MetricInputError) as caught:
        miscalibration_kl([[0], [1]], [[1, 0], [0, 1]], [[1.0, 0.0], [BIG, 1.5e308]])
    message = str(caught.value)
    assert message.startswith("target row 1 sums to more than float64 holds (over 1.8e308; "
                              "the largest value is 1.5e+308 at position 1)")
    assert "inf" not in message


def test_ordinary_wrong_sums_keep_their_wording():
    with pytest.raises(MetricInputError, match=r"but it sums to 2$"):
        exposure_disparity([1.0, 1.0])
    with pytest.raises(MetricInputError, match=r"sums to 100 \(percentages\? divide them"):
        exposure_disparity([0.5, 0.5], [50, 50])
    with pytest.raises(MetricInputError, match=r"target row 0 sums to 4; each row"):
        miscalibration_kl([[0]], [[1, 0], [0, 1]], [[2, 2]])

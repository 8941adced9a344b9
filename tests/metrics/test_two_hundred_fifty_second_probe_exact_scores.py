"""Two-hundred-fifty-second probe: scores compared by their own values, not by float64's.

An AUC depends on the order of the scores alone, and a threshold rule on one comparison,
but every score was first made a float64, which holds integers only up to 2**53 (and a
``Decimal``, ``Fraction`` or long double only to about 16 digits). Integer scores such as
nanosecond timestamps (2**62 and 2**62 + 1) became one float: a positive scored below a
negative was counted as a tie (AUC 0.5 where it is 0), and the score 2**53 met the threshold
2**53 + 1, without a word. The expected values below are counted pair by pair by hand.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

from recstack.metrics import global_auc, roc_auc
from recstack.metrics.classification import precision_recall_f1
from recstack.metrics.ranking import auc_per_user

BIG = 2**62  # float64 holds BIG but not BIG + 1: both become the float 2**62


@pytest.mark.parametrize("scores", [
    np.array([BIG + 1, BIG], dtype=np.int64),
    np.array([BIG + 1, BIG], dtype=np.uint64),
    [BIG + 1, BIG],
    [10**20 + 1, 10**20],  # past int64: Python ints
    pd.Series([BIG + 1, BIG], dtype="Int64"),
    [-BIG, -BIG - 1],
    [Decimal("0.10000000000000000001"), Decimal("0.1")],
    [Fraction(1, 3) + Fraction(1, 10**30), Fraction(1, 3)],
], ids=["int64", "uint64", "list", "python-ints", "nullable", "negative", "decimal",
        "fraction"])
def test_a_positive_just_below_the_negative_has_auc_zero(scores):
    # one pair: the positive (position 1) scored below the negative: 0 of 1 pairs right
    assert roc_auc([0, 1], scores) == 0.0


def test_ties_and_orders_past_two_to_the_53_are_counted_exactly():
    # negatives BIG + 1 and BIG + 2, positives BIG and BIG + 2: the pairs (positive,
    # negative) are (BIG, BIG+1): 0, (BIG, BIG+2): 0, (BIG+2, BIG+1): 1, (BIG+2, BIG+2): 1/2
    scores = np.array([BIG + 1, BIG, BIG + 2, BIG + 2])
    assert roc_auc([0, 1, 0, 1], scores) == pytest.approx(1.5 / 4)


def test_a_list_of_big_ints_and_an_infinity_keeps_the_ints_apart():
    # numpy reads this list as float64 (the inf), which merged BIG + 1 and BIG: the
    # positives BIG (below the negative: 0) and inf (above it: 1) give 1/2, not 3/4
    assert roc_auc([0, 1, 1], [BIG + 1, BIG, float("inf")]) == 0.5


def test_a_long_double_finer_than_float64_is_ordered_exactly():
    tiny = np.finfo(np.longdouble).eps
    if np.finfo(np.longdouble).eps >= np.finfo(np.float64).eps:
        scores = np.array([1.0 + 2**-52, 1.0], dtype=np.longdouble)  # a plain double
    else:
        scores = np.array([1.0, 1.0], dtype=np.longdouble) + np.array([tiny, 0.0],
                                                                       dtype=np.longdouble)
    assert roc_auc([0, 1], scores) == 0.0


def test_the_per_user_and_pooled_auc_order_big_integers_exactly():
    scores = np.array([[BIG + 1, BIG, BIG + 2], [5, 6, 7]])
    positives = np.array([[0, 1, 0], [1, 0, 0]])
    # user 0: positive BIG below both negatives; user 1: 5 below 6 and 7
    np.testing.assert_array_equal(auc_per_user(scores, positives), [0.0, 0.0])
    np.testing.assert_array_equal(auc_per_user(pd.DataFrame(scores), positives), [0.0, 0.0])
    # pooled: positive BIG above the negatives 6 and 7 only (2 of 4), positive 5 above
    # none of BIG+1, BIG+2, 6, 7 (0 of 4): 2 / 8
    assert global_auc(scores, positives) == 0.25
    # the excluded BIG + 2 is no negative of user 0; BIG is still below BIG + 1
    excluded = np.array([[0, 0, 1], [0, 0, 0]])
    np.testing.assert_array_equal(auc_per_user(scores, positives, excluded), [0.0, 0.0])


def test_small_integer_scores_and_nan_keep_their_old_results():
    # (3 vs 2): 1, (2 vs 2): 1/2 for the positive 2 against the negatives 3 and 2
    assert roc_auc([0, 1, 0], [3, 2, 2]) == 0.25
    with pytest.raises(ValueError, match="position 1"):
        roc_auc([0, 1], [BIG + 1, float("nan")])


@pytest.mark.parametrize("scores, threshold", [
    ([2**53, 2**53 + 1], 2**53 + 1),                       # int scores, int threshold
    (np.array([2**53, 2**53 + 1]), np.int64(2**53 + 1)),   # numpy ints
    (np.array([float(2**53), float(2**53 + 2)]), 2**53 + 1),  # float scores, int threshold
])
def test_a_threshold_past_two_to_the_53_is_compared_exactly(scores, threshold):
    # only the second score reaches the threshold: one true positive, one true negative
    result = precision_recall_f1([0, 1], scores, threshold=threshold)
    assert (result.true_positives, result.false_positives, result.false_negatives,
            result.true_negatives) == (1, 0, 0, 1)
    assert result.precision == 1.0


def test_ordinary_thresholds_keep_their_results():
    result = precision_recall_f1([0, 1, 1], [0.2, 0.5, 0.7], threshold=0.5)
    assert (result.true_positives, result.false_positives, result.false_negatives,
            result.true_negatives) == (2, 0, 0, 1)

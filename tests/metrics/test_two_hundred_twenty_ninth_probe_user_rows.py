"""Two hundred twenty-ninth bad-input probe of the per-user metrics: two pandas objects of the
same users (an index of user ids) in two orders were paired by position. ``recall_at_k`` and
the other metrics from a grades matrix divided each user's hits by another user's count of
relevant items (a count too small for the row was refused, a larger one gave a wrong value
silently: 1/3 where the recall is 1), ``ndcg_at_k`` divided by another user's ideal DCG,
``auc_per_user``/``global_auc`` scored against another user's positives, and
``miscalibration_kl`` compared each list with another user's history. They are now refused
naming both arguments, as the sample-level metrics are (``roc_auc``, ``mae``...)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.metrics import (
    auc_per_user,
    average_precision_at_k,
    f1_at_k,
    global_auc,
    hit_rate_at_k,
    ndcg_at_k,
    precision_at_k,
    recall_at_k,
    recall_capped_at_k,
    reciprocal_rank_at_k,
)
from recstack.metrics._validation import MetricInputError
from recstack.metrics.lists import miscalibration_kl

USERS = ["u1", "u2"]
GRADES = pd.DataFrame([[1.0, 0.0], [0.0, 0.0]], index=USERS)  # u1 hit at rank 1, u2 none
N_RELEVANT = pd.Series([1, 3], index=USERS)
SWAPPED = N_RELEVANT.iloc[::-1]  # u1's count 3 now beside u1's row: no refusal by counts

PER_GRADES = [precision_at_k, recall_at_k, recall_capped_at_k, hit_rate_at_k, f1_at_k,
              reciprocal_rank_at_k, average_precision_at_k]


def said(first: str, other: str, kinds: str = "a pandas DataFrame and a pandas Series") -> str:
    # grades is a DataFrame, the counts a Series: each named as what it is
    return (rf"^{first} and {other} are {kinds} with the same index labels in "
            rf"different orders \(position 0 is row 'u1' of {first} but row 'u2' of "
            rf"{other}\); values are paired by position")


@pytest.mark.parametrize("metric", PER_GRADES, ids=lambda f: f.__name__)
def test_counts_of_the_same_users_in_another_order_are_refused(metric):
    with pytest.raises(MetricInputError, match=said("grades", "n_relevant")):
        metric(GRADES, SWAPPED, 2)


def test_the_hand_values_of_aligned_rows():
    # u1: 1 hit of 1 relevant in the top 2; u2: 0 hits of 3
    np.testing.assert_array_equal(recall_at_k(GRADES, N_RELEVANT, 2), [1.0, 0.0])
    np.testing.assert_array_equal(precision_at_k(GRADES, N_RELEVANT, 2), [0.5, 0.0])
    # put right by the index, the swapped counts give the same; plain arrays read by position
    np.testing.assert_array_equal(recall_at_k(GRADES, SWAPPED.loc[GRADES.index], 2), [1.0, 0.0])
    np.testing.assert_array_equal(recall_at_k(GRADES.to_numpy(), [1, 3], 2), [1.0, 0.0])


def test_ndcg_refuses_an_ideal_of_the_same_users_in_another_order():
    ideal = pd.DataFrame([[1.0, 0.0], [1.0, 1.0]], index=USERS)
    with pytest.raises(MetricInputError, match=said("grades", "ideal", "pandas DataFrames")):
        ndcg_at_k(GRADES, ideal.iloc[::-1], 2)
    # by hand: u1's DCG 1 over its ideal 1; u2's 0 over 1 + 1 / log2(3)
    np.testing.assert_array_equal(ndcg_at_k(GRADES, ideal, 2), [1.0, 0.0])


SCORES = pd.DataFrame([[0.9, 0.1, 0.5], [0.2, 0.8, 0.3]], index=USERS)
POSITIVES = pd.DataFrame([[1, 0, 0], [0, 0, 1]], index=USERS)


@pytest.mark.parametrize("metric", [auc_per_user, global_auc], ids=lambda f: f.__name__)
def test_auc_refuses_positives_of_the_same_users_in_another_order(metric):
    with pytest.raises(MetricInputError, match=said("scores", "positives", "pandas DataFrames")):
        metric(SCORES, POSITIVES.iloc[::-1])


def test_auc_hand_values_and_exclude_checked_too():
    # u1: its positive (0.9) above both negatives: 1; u2: the positive 0.3 above 0.2, below
    # 0.8: 1/2
    np.testing.assert_array_equal(auc_per_user(SCORES, POSITIVES), [1.0, 0.5])
    exclude = pd.DataFrame([[0, 0, 0], [0, 1, 0]], index=USERS)  # u2's 0.8 left out: 1
    np.testing.assert_array_equal(auc_per_user(SCORES, POSITIVES, exclude), [1.0, 1.0])
    with pytest.raises(MetricInputError, match=said("positives", "exclude", "pandas DataFrames")):
        auc_per_user(SCORES, POSITIVES, exclude.iloc[::-1])


def test_miscalibration_refuses_a_target_of_the_same_users_in_another_order():
    recommended = pd.DataFrame([[0, 1], [2, 3]], index=USERS)
    genres = np.array([[1, 0], [1, 0], [0, 1], [0, 1]])
    target = pd.DataFrame([[1.0, 0.0], [0.0, 1.0]], index=USERS)
    with pytest.raises(MetricInputError, match=said("recommended", "target", "pandas DataFrames")):
        miscalibration_kl(recommended, genres, target.iloc[::-1])
    # by hand: each list holds only its user's genre: divergence 0
    np.testing.assert_array_equal(miscalibration_kl(recommended, genres, target), [0.0, 0.0])

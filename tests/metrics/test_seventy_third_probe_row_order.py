"""Seventy-third bad-input probe of the ranking metrics: one-per-user inputs given as pandas
objects indexed by the user rows in another order.

The lists, grades, counts of relevant items and score rows are read by position, row ``u``
for user ``u`` of the truth. A DataFrame of lists sorted by some column (its index the user
rows, shuffled) compared each user's list with another user's relevant items, silently; the
item-count inputs of novelty and popularity already refuse this."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from recstack.metrics import (
    MetricInputError,
    auc_per_user,
    precision_at_k,
    ranking_metrics,
)

# user 0 likes item 0, user 1 likes item 3
TRUTH = sp.csr_matrix(np.array([[1.0, 0, 0, 0], [0, 0, 0, 1.0]]))
LISTS = np.array([[0, 1], [3, 2]])


def test_lists_in_another_user_order_are_refused():
    frame = pd.DataFrame(LISTS[::-1], index=[1, 0])  # user 1's list first, labelled so
    with pytest.raises(MetricInputError, match=r"recommended is a pandas DataFrame indexed by "
                                               r"the row numbers in another order \(position "
                                               r"0 holds row 1\)"):
        ranking_metrics(frame, TRUTH, ks=1, metrics=["precision"])
    # in row order the lists are each user's own: precision@1 = 1 for both
    result = ranking_metrics(frame.sort_index(), TRUTH, ks=1, metrics=["precision"])
    assert result["precision@1"].tolist() == [1.0, 1.0]


def test_grades_and_counts_in_another_user_order_are_refused():
    grades = np.array([[1.0, 0.0], [0.0, 0.0]])
    with pytest.raises(MetricInputError, match=r"grades is a pandas DataFrame indexed by"):
        precision_at_k(pd.DataFrame(grades, index=[1, 0]), np.array([1, 1]), 2)
    with pytest.raises(MetricInputError, match=r"n_relevant is a pandas Series indexed by"):
        precision_at_k(grades, pd.Series([1, 1], index=[1, 0]), 2)
    # precision@2 = hits in the first 2 / 2
    assert precision_at_k(grades, pd.Series([1, 1]), 2).tolist() == [0.5, 0.0]


def test_score_rows_in_another_user_order_are_refused():
    scores = pd.DataFrame([[0.1, 0.2, 0.3, 0.9], [0.9, 0.1, 0.2, 0.3]], index=[1, 0])
    with pytest.raises(MetricInputError, match=r"scores is a pandas DataFrame indexed by"):
        auc_per_user(scores, TRUTH)
    # in row order each user's positive scores highest: AUC 1
    assert auc_per_user(scores.sort_index(), TRUTH).tolist() == [1.0, 1.0]


def test_group_shares_in_another_group_order_are_refused():
    from recstack.metrics.lists import exposure_disparity

    target = pd.Series([0.2, 0.8], index=[1, 0])  # group 1's share first
    with pytest.raises(MetricInputError, match=r"target is a pandas Series indexed by the row "
                                               r"numbers in another order"):
        exposure_disparity(np.array([0.8, 0.2]), target)
    with pytest.raises(MetricInputError, match=r"exposure is a pandas Series indexed by"):
        exposure_disparity(target, np.array([0.5, 0.5]))
    # by group number: exposure (0.8, 0.2) against target (0.8, 0.2) is no disparity,
    # 1/2 * (|0.8 - 0.5| + |0.2 - 0.5|) = 0.3 against equal shares
    assert exposure_disparity(np.array([0.8, 0.2]), target.sort_index()) == 0.0
    assert exposure_disparity(np.array([0.8, 0.2])) == pytest.approx(0.3)

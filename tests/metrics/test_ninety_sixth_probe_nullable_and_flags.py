"""Ninety-sixth bad-input probe, metrics: ``auc_per_user`` and ``global_auc`` took
true/false scores (predicted classes: every positive tied at 1, the AUC of one threshold)
that ``roc_auc`` refuses; a DataFrame of nullable ``Float64`` columns holding ``pd.NA`` was
"values that are not numbers" where a Series of them is read with NaN there; and a per-item
array with a gap (a nullable ``Int64`` group column) was refused as "floats" or "Python
objects" without naming the missing entry."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from recstack.metrics import MetricInputError, auc_per_user, global_auc
from recstack.metrics.lists import group_exposure, long_tail_share

POSITIVES = sp.csr_matrix([[0, 1, 0, 1], [1, 0, 0, 0]])
SCORES = np.array([[0.1, 0.9, 0.3, 0.2], [0.5, 0.1, 0.2, 0.3]])
RECOMMENDED = np.array([[1, 0, 3], [2, -1, -1]])


@pytest.mark.parametrize("metric", [auc_per_user, global_auc])
def test_true_false_scores_are_refused_as_predicted_classes(metric):
    with pytest.raises(MetricInputError, match=r"scores must be model scores, got true/false "
                       r"values \(predicted classes, every positive tied at 1"):
        metric(SCORES > 0.2, POSITIVES)


def test_real_scores_keep_their_auc():
    # by definition: user 0's positives (items 1: 0.9, 3: 0.2) against negatives (0: 0.1,
    # 2: 0.3) win 3 of 4 pairs; user 1's positive (0.5) beats all three negatives
    assert auc_per_user(SCORES, POSITIVES).tolist() == [0.75, 1.0]


def test_a_nullable_frame_of_scores_names_the_missing_score():
    scores = pd.DataFrame([[None, 0.9, 0.3, 0.2], [0.5, 0.1, 0.2, 0.3]], dtype="Float64")
    with pytest.raises(MetricInputError, match=r"scores holds NaN at row 0, item 0; give "
                       "every item a score"):
        auc_per_user(scores, POSITIVES)
    # without a gap the nullable frame is the numbers it holds
    full = pd.DataFrame(SCORES, dtype="Float64")
    assert auc_per_user(full, POSITIVES).tolist() == [0.75, 1.0]


def test_a_per_item_array_with_a_gap_names_the_missing_position():
    with pytest.raises(MetricInputError, match=r"item_groups must be a 1-D integer array, one "
                       r"group per item; got floats of shape \(4,\) \(position 1 is a missing "
                       r"value\)"):
        group_exposure(RECOMMENDED, pd.array([0, None, 0, 1], dtype="Int64"), 2)
    with pytest.raises(MetricInputError, match=r"long_tail must be a 1-D boolean array.*"
                       r"\(position 2 is a missing value\)"):
        long_tail_share(RECOMMENDED, pd.array([True, False, None, False], dtype="boolean"))
    # the same columns without a gap are read: exposure by position discount 1/log2(r + 1)
    exposure = group_exposure(RECOMMENDED, pd.array([0, 1, 0, 1], dtype="Int64"), 2)
    d = 1 / np.log2(np.arange(2, 5))
    group_0 = d[1] + d[0]  # row 0 shows item 0 at rank 2; row 1 item 2 at rank 1
    group_1 = d[0] + d[2]  # row 0 shows items 1 and 3 at ranks 1 and 3
    assert exposure.tolist() == pytest.approx([group_0 / (group_0 + group_1),
                                               group_1 / (group_0 + group_1)])

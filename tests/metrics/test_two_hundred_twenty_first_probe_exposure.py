"""Two-hundred-twenty-first bad-input probe of the exposure metrics: a group number
outside ``0..n_groups - 1`` is named by its position (the range alone, "found 0..2", left
the user to search for it), and a target that does not sum to 1 says what it sums to
(percentages named as such)."""

import numpy as np
import pytest

from recstack.metrics import MetricInputError
from recstack.metrics.lists import exposure_disparity, group_exposure


def test_a_group_outside_the_range_is_named_by_position():
    with pytest.raises(MetricInputError, match=r"^item_groups must lie in 0\.\.1 \(n_groups = "
                                               r"2\); position 2 holds 2 \(found 0\.\.2\)$"):
        group_exposure([[0, 1]], [0, 1, 2], 2)
    with pytest.raises(MetricInputError, match=r"position 1 holds -1 \(found -1\.\.1\)$"):
        group_exposure([[0, 1]], np.array([0, -1, 1]), 2)


def test_a_target_not_summing_to_one_says_its_sum():
    with pytest.raises(MetricInputError, match=r"summing to 1, but it sums to 100 "
                                               r"\(percentages\? divide them by 100\)$"):
        exposure_disparity([0.5, 0.5], [50, 50])
    with pytest.raises(MetricInputError, match=r"summing to 1, but it sums to 0$"):
        exposure_disparity([0.5, 0.5], [0, 0])
    # the shares summing to 1: total variation 1/2 (|0.5 - 0.25| + |0.5 - 0.75|) = 0.25
    assert exposure_disparity([0.5, 0.5], [0.25, 0.75]) == pytest.approx(0.25)


def test_a_negative_grade_or_weight_in_a_sparse_matrix_is_named_by_place():
    import scipy.sparse as sp

    from recstack.metrics.lists import genre_distributions
    from recstack.metrics.ranking import ranking_metrics

    truth = sp.csr_matrix(np.array([[1, 0, 1, 0], [0, 0, 0, 0], [0, 2, 0, -1.5]]))
    with pytest.raises(MetricInputError, match=r"relevance grades must be >= 0 .*but row 2, "
                                               r"column 3 holds -1\.5$"):
        ranking_metrics(np.array([[0, 1, 2]] * 3), truth)
    weights = sp.csr_matrix(np.array([[1.0, 0.0], [0.0, -2.0]]))
    with pytest.raises(MetricInputError, match=r"^weights must be non-negative; row 1, column 1 "
                                               r"holds -2\.0$"):
        genre_distributions(weights, np.eye(2))

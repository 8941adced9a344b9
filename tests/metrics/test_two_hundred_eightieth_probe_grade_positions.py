"""Two hundred eightieth bad-input probe: the metric input checks that said what was wrong
but not where. A NaN in a truth matrix (``ideal_dcg_at_k``, ``ndcg_at_k``...) was "truth has
stored values that are NaN or infinite", and a NaN or negative grade "grades must hold
finite, non-negative relevance grades", naming neither the user (row), the item or rank
(column), the value, nor how many there were. Every value check of the file now names the
first offending position and value and, when several are refused, how many."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from recstack.metrics import MetricInputError
from recstack.metrics._validation import (
    as_counts,
    as_csr,
    as_float_array,
    as_grades_matrix,
    as_probabilities,
)
from recstack.metrics.classification import log_loss
from recstack.metrics.ranking import dcg_at_k, ideal_dcg_at_k


def _truth(rows):
    return sp.csr_matrix(np.array(rows, dtype=np.float64))


def test_a_nan_in_the_truth_matrix_is_named_by_row_column_and_value():
    # stored values in row order: (0, 1) = 1, (1, 0) = nan, (1, 2) = inf: two refused
    truth = _truth([[0, 1, 0], [np.nan, 0, np.inf]])
    with pytest.raises(MetricInputError,
                       match=r"^truth must hold finite numbers, not NaN or infinite ones; "
                             r"row 1, column 0 holds nan \(the first of 2 such values\)$"):
        ideal_dcg_at_k(truth, 2)


def test_a_single_infinite_truth_value_gets_no_count():
    truth = _truth([[0, 1, 0], [0, 2, -np.inf]])
    with pytest.raises(MetricInputError, match=r"row 1, column 2 holds -inf$"):
        as_csr(truth, "truth")


def test_a_sparse_matrix_with_duplicate_entries_names_the_summed_cell():
    # coo duplicates (0, 2) twice: summed into one stored nan, the only refused value
    coo = sp.coo_matrix(([1.0, np.nan, 2.0], ([0, 0, 1], [2, 2, 1])), shape=(2, 3))
    with pytest.raises(MetricInputError, match=r"row 0, column 2 holds nan$"):
        as_csr(coo, "weights")


@pytest.mark.parametrize("grades, where, value, count", [
    ([[1.0, np.nan], [0.0, -1.0]], "row 0, column 1", "nan", 2),
    ([[1.0, 2.0], [0.0, -1.0]], "row 1, column 1", "-1.0", 1),
    ([[1.0, 2.0], [np.inf, 3.0]], "row 1, column 0", "inf", 1),
    ([[1.0, None, -2.0]], "row 0, column 1", r"None \(a missing value\)", 2),
])
def test_a_bad_grade_is_named_by_row_column_and_value(grades, where, value, count):
    more = rf" \(the first of {count} such values\)" if count > 1 else ""
    with pytest.raises(MetricInputError,
                       match=rf"^grades must hold finite, non-negative relevance grades "
                             rf"\(0: not relevant\); {where} holds {value}{more}$"):
        as_grades_matrix(grades)


def test_dcg_names_the_bad_grade():
    with pytest.raises(MetricInputError, match=r"row 2, column 0 holds -3\.0$"):
        dcg_at_k([[1.0, 0.0], [0.0, 0.0], [-3.0, 1.0]], 2)


def test_valid_grades_still_give_the_worked_dcg():
    # exponential gain: (2**3 - 1) / log2(2) + (2**1 - 1) / log2(3) = 7 + 0.6309297535714575
    assert dcg_at_k([[3.0, 1.0]], 2)[0] == pytest.approx(7 + 1 / np.log2(3))


def test_several_nan_values_are_counted_in_the_float_check():
    with pytest.raises(MetricInputError,
                       match=r"^x must be finite; position 1 holds nan "
                             r"\(the first of 3 such values\)$"):
        as_float_array([1.0, np.nan, np.inf, np.nan], "x", ndim=1)


def test_several_bad_probabilities_and_counts_are_counted():
    with pytest.raises(MetricInputError, match=r"position 0 holds 1\.5 "
                                               r"\(the first of 2 such values\)$"):
        as_probabilities([1.5, 0.2, -0.1], "y_prob")
    with pytest.raises(MetricInputError, match=r"position 1 holds 2\.5 "
                                               r"\(the first of 2 such values\)$"):
        as_counts([1.0, 2.5, 3.5], "counts", 3)
    with pytest.raises(MetricInputError, match=r"must be non-negative; position 0 holds -1 "
                                               r"\(the first of 3 such values\)$"):
        as_counts([-1, -2, -3], "counts", 3)


def test_several_bad_labels_are_counted_but_a_swap_guess_stands_alone():
    with pytest.raises(MetricInputError, match=r"position 0 holds 2(\.0)? "
                                               r"\(the first of 2 such values\)$"):
        log_loss([2, 3, 0], [0.1, 0.2, 0.3])
    with pytest.raises(MetricInputError, match=r"swapped\? y_true comes first\)$"):
        log_loss([0.2, 0.8], [0, 1])

"""Two-hundred-twenty-fifth bad-input probe: nDCG of grades whose gains sum past float64.

Each gain was finite (grades up to 1023 under the exponential gain 2**g - 1, any finite
grade under the linear one), but a DCG sums up to k of them: three grades of 1023 gave an
ideal DCG of inf, the nDCG inf / inf = NaN, which marks a user without relevant items (so
the user silently left the mean), with numpy's "overflow encountered" warning. A user's
gains are now divided by a power of two before they are summed, which leaves the nDCG as it
is; a DCG itself past the float range is refused naming its row.

Reference by hand, three relevant items of one grade g listed as [irrelevant, a, b] at
k = 3: DCG = G (1/log2(3) + 1/log2(4)), IDCG = G (1 + 1/log2(3) + 1/log2(4)), so
nDCG = (0.6309297535714574 + 0.5) / (1 + 0.6309297535714574 + 0.5)
     = 1.1309297535714574 / 2.1309297535714574 = 0.5307212739772434 (G cancels; the -1 of
2**1023 - 1 is far below float64's digits)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.sparse as sp

from recstack.metrics import MetricInputError
from recstack.metrics.ranking import (
    dcg_at_k,
    ideal_grades,
    ndcg_at_k,
    ranking_metrics,
    relevance_at_ranks,
)

NDCG_MISSING_FIRST = 1.1309297535714574 / 2.1309297535714574


def _truth(grade: float) -> sp.csr_matrix:
    # user 0: items 0, 1, 2 of the grade; user 1: item 0 of grade 1 (small numbers beside)
    return sp.csr_matrix(np.array([[grade, grade, grade, 0.0], [1.0, 0.0, 0.0, 0.0]]))


@pytest.mark.parametrize(("metric", "grade"), [("ndcg", 1023.0), ("ndcg_linear", 1e308),
                                               ("ndcg", 1010.0), ("ndcg_linear", 6e307)])
def test_ndcg_of_huge_gains_is_a_number(metric, grade):
    truth = _truth(grade)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow warning either
        ideal_order = ranking_metrics(np.array([[0, 1, 2], [0, 1, 2]]), truth, ks=[3],
                                      metrics=[metric])[f"{metric}@3"]
        missing_first = ranking_metrics(np.array([[3, 0, 1], [3, 0, 1]]), truth, ks=[3],
                                        metrics=[metric])[f"{metric}@3"]
    np.testing.assert_array_equal(ideal_order, [1.0, 1.0])
    # user 1's only item at rank 2: 1 / log2(3)
    np.testing.assert_allclose(missing_first, [NDCG_MISSING_FIRST, 0.6309297535714574],
                               rtol=1e-12)


@pytest.mark.parametrize(("gain", "grade"), [("exponential", 1023.0), ("linear", 1e308)])
def test_ndcg_at_k_of_huge_gains_is_a_number(gain, grade):
    truth = _truth(grade)
    grades = relevance_at_ranks(np.array([[3, 0, 1], [0, 1, 2]]), truth)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        values = ndcg_at_k(grades, ideal_grades(truth, 3), 3, gain=gain)
    np.testing.assert_allclose(values, [NDCG_MISSING_FIRST, 1.0], rtol=1e-12)


def test_small_grades_give_the_values_they_gave():
    # grades 3 and 2 listed [2-graded, 3-graded]: DCG = 3 + 7/log2(3), IDCG = 7 + 3/log2(3)
    truth = sp.csr_matrix(np.array([[3.0, 2.0]]))
    value = ranking_metrics(np.array([[1, 0]]), truth, ks=[2], metrics=["ndcg"])["ndcg@2"]
    d = 1 / np.log2(3.0)
    np.testing.assert_allclose(value, [(3 + 7 * d) / (7 + 3 * d)], rtol=1e-15)


def test_a_dcg_past_the_float_range_is_refused_by_row():
    with pytest.raises(MetricInputError, match=(
            r"^the DCG@3 of row 1 overflows the float range \(its largest grade is "
            r"1e\+308\); rescale the grades, or compute the nDCG \(ndcg_at_k, "
            r"ranking_metrics\), which takes them as they are$")):
        dcg_at_k(np.array([[1.0, 0, 0], [1e308, 1e308, 1e308]]), 3, gain="linear")
    # one such grade is a number: 1e308 / log2(2)
    np.testing.assert_array_equal(dcg_at_k(np.array([[1e308, 0, 0]]), 3, gain="linear"),
                                  [1e308])

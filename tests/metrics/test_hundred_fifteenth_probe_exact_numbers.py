"""Hundred-fifteenth probe: exact numbers (``Decimal``, ``Fraction``) in the numeric options
of the metrics are read as the floats they name, by one rule (``exact_as_float``), as the
data splits and the evaluator read them. ``Decimal("0.05")`` was refused as an alpha that
"must lie in (0, 1)" (it does), and as an ``eps`` that "must be a real number", while
``Fraction(1, 20)`` was taken; a Decimal NaN or one out of range is still refused, shown as
given."""

from __future__ import annotations

import math
import re
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
from scipy import stats

from recstack.metrics import (
    MetricInputError,
    log_loss,
    novelty,
    quantile_loss,
    two_proportion_ztest,
    welch_ttest,
)
from recstack.metrics.lists import miscalibration_kl


def _wilson(x, n, z):
    # the roots in p of (x/n - p)^2 = z^2 p (1 - p) / n
    share = x / n
    centre = (share + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(share * (1 - share) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


@pytest.mark.parametrize("alpha", [Decimal("0.05"), Fraction(1, 20)])
def test_an_exact_alpha_is_read_as_its_float_by_the_z_test(alpha):
    result = two_proportion_ztest(10, 100, 20, 100, alpha=alpha)
    # Newcombe's hybrid score interval of the difference at z_{0.975}, from its definition
    z = stats.norm.isf(0.025)
    (l_c, u_c), (l_t, u_t) = _wilson(10, 100, z), _wilson(20, 100, z)
    d = 0.2 - 0.1
    assert result.ci_low == pytest.approx(d - math.hypot(0.2 - l_t, u_c - 0.1))
    assert result.ci_high == pytest.approx(d + math.hypot(u_t - 0.2, 0.1 - l_c))
    assert result.confidence == pytest.approx(0.95)
    assert type(result.confidence) is float


def test_an_exact_alpha_is_read_by_welchs_test():
    a, b = [1.0, 2.0, 3.0, 4.0], [2.0, 3.0, 5.0, 6.0]
    exact = welch_ttest(a, b, alpha=Decimal("0.1"))
    assert exact.confidence == pytest.approx(0.9)
    assert (exact.ci_low, exact.ci_high) == pytest.approx(
        (welch_ttest(a, b, alpha=0.1).ci_low, welch_ttest(a, b, alpha=0.1).ci_high))


@pytest.mark.parametrize("alpha", [Decimal("NaN"), Decimal("sNaN"), Decimal("1.5"),
                                   Decimal("0"), Fraction(3, 2)])
def test_an_exact_alpha_outside_the_interval_is_refused_as_given(alpha):
    with pytest.raises(MetricInputError, match=r"^alpha must lie in \(0, 1\), got "):
        two_proportion_ztest(10, 100, 20, 100, alpha=alpha)


def test_exact_eps_and_quantile_are_read():
    # log loss by its definition, with eps far from the probabilities (no clipping)
    expected = -(math.log(0.8) + math.log(0.8)) / 2
    assert log_loss([0, 1], [0.2, 0.8], eps=Decimal("1e-7")) == pytest.approx(expected)
    # pinball loss at the median: half the mean absolute error
    assert quantile_loss([1.0, 2.0], [1.0, 3.0], alpha=Decimal("0.5")) == pytest.approx(0.25)
    assert quantile_loss([1.0, 2.0], [1.0, 3.0], alpha=Fraction(1, 2)) == pytest.approx(0.25)


def test_an_exact_eps_out_of_range_is_named_as_given():
    with pytest.raises(MetricInputError, match=r"eps must be a finite number > 0, got "
                                               r"Decimal\('-1'\)"):
        log_loss([0, 1], [0.2, 0.8], eps=Decimal("-1"))
    with pytest.raises(MetricInputError, match="eps must be a finite number > 0"):
        log_loss([0, 1], [0.2, 0.8], eps=Decimal("NaN"))


def test_exact_smoothing_and_miscalibration_alpha_are_read():
    lists = np.array([[0, 1]])
    counts = np.array([3, 1, 0])
    # novelty: mean of -log2((c_i + s) / (n + s)) over the list, from its definition
    expected = np.mean([-math.log2((3 + 1) / (4 + 1)), -math.log2((1 + 1) / (4 + 1))])
    assert novelty(lists, counts, n_users=4, smoothing=Decimal("1"))[0] == pytest.approx(
        expected)
    genres = np.array([[1, 0], [0, 1], [1, 1]], dtype=float)
    target = np.array([[1.0, 0.0]])
    # q = (1/2, 1/2); q~ = (1 - a) q + a p with a = 1/100; KL = 1 * log(1 / q~_0)
    kl = math.log(1.0 / (0.99 * 0.5 + 0.01))
    assert miscalibration_kl(lists, genres, target, alpha=Decimal("0.01"))[0] == \
        pytest.approx(kl)
    assert miscalibration_kl(lists, genres, target, alpha=Fraction(1, 100))[0] == \
        pytest.approx(kl)
    with pytest.raises(MetricInputError, match=r"alpha must be in \(0, 1\], got "
                                               r"Decimal\('2'\)"):
        miscalibration_kl(lists, genres, target, alpha=Decimal("2"))


def test_whole_exact_numbers_are_read_as_counts_and_cutoffs():
    import scipy.sparse as sp

    from recstack.metrics import catalog_coverage, expected_calibration_error, ranking_metrics

    lists = np.array([[0, 1, 2], [3, 4, 5]])
    truth = sp.csr_matrix(np.array([[1, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 1]]))
    exact = ranking_metrics(lists, truth, ks=(Decimal("2"), Fraction(3, 1)))
    # precision@2: user 0 has 1 of 2 relevant, user 1 none; precision@3: 1/3 and 1/3
    np.testing.assert_allclose(exact["precision@2"], [0.5, 0.0])
    np.testing.assert_allclose(exact["precision@3"], [1 / 3, 1 / 3])
    # ECE with 2 bins (0, .5] and (.5, 1]: |0.15 - 0| * 2/4 + |0.8 - 1| * 2/4
    assert expected_calibration_error([0, 1, 0, 1], [0.1, 0.9, 0.2, 0.7],
                                      n_bins=Decimal("2")) == pytest.approx(0.175)
    assert catalog_coverage(lists, n_items=Decimal("12")) == pytest.approx(0.5)


@pytest.mark.parametrize("k", [Decimal("2.5"), Fraction(5, 2), Decimal("NaN"),
                               Decimal("Infinity")])
def test_an_exact_cutoff_that_is_not_whole_is_refused_as_given(k):
    import scipy.sparse as sp

    from recstack.metrics import ranking_metrics

    truth = sp.csr_matrix(np.eye(2))
    with pytest.raises(MetricInputError, match=r"ks must be a positive integer, got "
                                               + re.escape(repr(k))):
        ranking_metrics(np.array([[0, 1], [1, 0]]), truth, ks=(k,))

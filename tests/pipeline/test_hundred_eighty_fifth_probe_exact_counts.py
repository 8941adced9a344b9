"""Hundred-eighty-fifth probe: a count given as a whole exact number (``Decimal("2")``,
``Fraction(4, 2)``) is read as its int by every count of the pipeline and of the online
tests, as the metrics' cut-offs, ``check_count`` and the data settings read it. It was
refused as "must be an integer" by the off-policy ``n_bootstrap`` and ``seed``, a
bandit's ``k``, ``grouped_ndcg``'s ``k``, ``limit_per_user``, ``request_context`` and
the feature builder's ``n_per_source`` (and the z-test took ``1.0`` but refused
``Decimal(1)``); a seed read by ``check_count`` was kept as the Decimal and failed in
numpy. A fraction stays refused, named as given."""

from __future__ import annotations

import math
import sys
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
from scipy import stats

from recstack.errors import ConfigError, RecstackError
from recstack.metrics import MetricInputError, two_proportion_ztest
from recstack.pipeline.bandits import EpsilonGreedy
from recstack.pipeline.candidates import Candidates, limit_per_user
from recstack.pipeline.features import request_context
from recstack.pipeline.imbalance import downsample_negatives
from recstack.pipeline.off_policy import ips
from recstack.pipeline.rankers.base import grouped_ndcg

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from test_hundred_eightieth_probe_number_levels import fitted, log  # noqa: E402

TWO = [Decimal("2"), Decimal("2.0"), Fraction(4, 2)]
LOG = ([1.0, 0.0, 1.0, 0.0], [0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5],
       [[1, 0], [0, 1], [1, 0], [1, 0]])


@pytest.mark.parametrize("n", [Decimal("500"), Fraction(1000, 2)])
def test_an_exact_bootstrap_count_and_seed_are_their_ints(n):
    exact = ips(*LOG, interval="bootstrap", n_bootstrap=n, seed=Decimal(3))
    assert exact == ips(*LOG, interval="bootstrap", n_bootstrap=500, seed=3)


def test_an_exact_fraction_of_a_count_is_still_refused():
    with pytest.raises(ConfigError, match=r"n_bootstrap must be an integer from 2 to "
                                          r"1000000, got Decimal\('2\.5'\)"):
        ips(*LOG, interval="bootstrap", n_bootstrap=Decimal("2.5"))


@pytest.mark.parametrize("k", TWO)
def test_grouped_ndcg_reads_an_exact_k(k):
    # ranked by score: label 0 then label 1; DCG@2 = 1 / log2(3), ideal 1
    value = grouped_ndcg(np.array([0.9, 0.5, 0.1]), np.array([0, 1, 0]), np.zeros(3), k=k)
    assert value == pytest.approx(1 / math.log2(3))


def test_grouped_ndcg_refuses_a_fraction_of_k_as_given():
    with pytest.raises(RecstackError, match=r"k must be a positive integer, got "
                                            r"Fraction\(5, 2\)"):
        grouped_ndcg(np.array([0.9, 0.5]), np.array([0, 1]), np.zeros(2), k=Fraction(5, 2))


def _candidates() -> Candidates:
    # u0 has items 0, 1, 2 at ranks 1, 2, 3
    return Candidates(np.array([0, 0, 0]), np.array([0, 1, 2]),
                      np.array([[0.9], [0.5], [0.1]], np.float32),
                      np.array([[1], [2], [3]], np.float32), ("a",), 3)


@pytest.mark.parametrize("per_user", TWO)
def test_limit_per_user_reads_an_exact_count(per_user):
    kept = limit_per_user(_candidates(), per_user)
    assert kept.items.tolist() == [0, 1]


@pytest.mark.parametrize("n", TWO)
def test_request_context_reads_an_exact_count(n):
    assert len(request_context({"hour": 3}, n)) == 2


def test_the_feature_builder_reads_an_exact_n_per_source():
    assert fitted(log(["a", 1, 2])).n_per_source_ == 2
    from recstack.pipeline.features import FeatureBuilder
    builder = FeatureBuilder(user_columns=["occ"]).fit(log(["a", 1, 2]), ("a",),
                                                       Decimal("2"))
    assert builder.n_per_source_ == 2 and type(builder.n_per_source_) is int


def test_a_bandit_reads_an_exact_k():
    policy = EpsilonGreedy(n_items=3, epsilon=0.0, seed=0)
    chosen = policy.select(np.array([0]), k=Decimal("2"))
    assert chosen.shape == (1, 2)


def test_a_seed_read_as_its_int_reaches_numpy():
    labels = np.array([0, 1] * 20)
    # the seed passed check_count as Decimal("3") and then failed in numpy's generator
    assert np.array_equal(downsample_negatives(labels, 0.5, seed=Decimal("3")),
                          downsample_negatives(labels, 0.5, seed=3))


@pytest.mark.parametrize("one", [Decimal(1), Decimal("1.0"), Fraction(2, 2), 1.0])
def test_the_z_test_reads_an_exact_count(one):
    result = two_proportion_ztest(one, 10, 2, 10)
    # pooled 3/20; se = sqrt(0.15 * 0.85 * (1/10 + 1/10)); z = 0.1 / se
    z = 0.1 / math.sqrt(0.15 * 0.85 * 0.2)
    assert result.statistic == pytest.approx(z)
    assert result.p_value == pytest.approx(2 * stats.norm.sf(z))


@pytest.mark.parametrize("bad", [Decimal("1.5"), Fraction(3, 2), Decimal("NaN")])
def test_the_z_test_refuses_a_fraction_as_given(bad):
    with pytest.raises(MetricInputError, match=r"^successes_control must be a non-negative "
                                               r"whole number, got (Decimal|Fraction)\("):
        two_proportion_ztest(bad, 10, 2, 10)

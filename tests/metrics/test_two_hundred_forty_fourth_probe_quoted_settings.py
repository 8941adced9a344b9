"""Numbers in quotes given to the settings the metrics' shared checks read (``k``,
``n_bins``, ``n_items``, ``threshold``, ``delta``, ``eps``, ``ks``) and the synthetic
generator's counts and rates are refused with the spelling that is taken, as every other
setting's are; the refusal said only "got '10'". A quoted number that would itself be
refused (``"0"``, ``"inf"``) is not told to drop its quotes."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from recstack.errors import ConfigError
from recstack.metrics import MetricInputError, ranking_metrics
from recstack.metrics.beyond_accuracy import catalog_coverage
from recstack.metrics.classification import (
    expected_calibration_error,
    log_loss,
    precision_recall_f1,
)
from recstack.metrics.regression import huber_loss, quantile_loss

QUOTED = " (a number in quotes is text: write it without them, {})"
WHOLE = " (a whole number is written in digits alone, without a point or an exponent: {})"

LISTS = np.array([[0, 1]])
TRUTH = sp.csr_matrix(np.array([[1.0, 0.0, 1.0]]))


@pytest.mark.parametrize(("call", "said"), [
    (lambda: expected_calibration_error([0, 1], [0.2, 0.8], n_bins="10"),
     "n_bins must be a positive integer, got '10'" + QUOTED.format("n_bins = 10")),
    (lambda: catalog_coverage(LISTS, n_items="4"),
     "n_items must be a positive integer, got '4'" + QUOTED.format("n_items = 4")),
    (lambda: catalog_coverage(LISTS, 4, k="1e3"),
     "k must be a positive integer, got '1e3' (a number in quotes is text, and a whole "
     "number is written in digits alone: k = 1000)"),
    (lambda: catalog_coverage(LISTS, 4, k=2.0),
     "k must be a positive integer, got 2.0" + WHOLE.format("k = 2")),
    (lambda: precision_recall_f1([0, 1], [0.2, 0.8], threshold="0.5"),
     "threshold must be a finite number, got '0.5'" + QUOTED.format("threshold = 0.5")),
    (lambda: huber_loss([1.0], [2.0], delta="1.5"),
     "delta must be a real number, got '1.5'" + QUOTED.format("delta = 1.5")),
    # alpha may be 0 for the quantile loss: the hint writes the 0 it takes
    (lambda: quantile_loss([1.0], [2.0], alpha="0"),
     "alpha must be a real number, got '0'" + QUOTED.format("alpha = 0")),
    (lambda: log_loss([0, 1], [0.2, 0.8], eps="1e-15"),
     "eps must be a real number, got '1e-15'" + QUOTED.format("eps = 1e-15")),
    # one cut-off: ks = 10 is a list's item, shown alone; the text itself as ks = 10
    (lambda: ranking_metrics(LISTS, TRUTH, ks=[5, "10"]),
     "ks must be a positive integer, got '10'" + QUOTED.format("10")),
    (lambda: ranking_metrics(LISTS, TRUTH, ks="10"),
     "ks must be an int or a sequence of ints such as (10, 20), got the text '10'"
     + QUOTED.format("ks = 10")),
])
def test_a_number_in_quotes_is_told_its_spelling(call, said):
    with pytest.raises(MetricInputError) as caught:
        call()
    assert str(caught.value) == said


@pytest.mark.parametrize(("call", "said"), [
    (lambda: catalog_coverage(LISTS, n_items="0"), "n_items must be a positive integer, "
                                                   "got '0'"),
    (lambda: catalog_coverage(LISTS, 4, k=0.0), "k must be a positive integer, got 0.0"),
    (lambda: huber_loss([1.0], [2.0], delta="-1"), "delta must be a real number, got '-1'"),
    (lambda: huber_loss([1.0], [2.0], delta="0"), "delta must be a real number, got '0'"),
    (lambda: precision_recall_f1([0, 1], [0.2, 0.8], threshold="inf"),
     "threshold must be a finite number, got 'inf'"),
    (lambda: precision_recall_f1([0, 1], [0.2, 0.8], threshold="1e400"),
     "threshold must be a finite number, got '1e400'"),
    (lambda: expected_calibration_error([0, 1], [0.2, 0.8], n_bins="ten"),
     "n_bins must be a positive integer, got 'ten'"),
])
def test_a_quoted_value_refused_without_its_quotes_too_gets_no_hint(call, said):
    # "write it without them, delta = -1" would send the user to another refusal
    with pytest.raises(MetricInputError) as caught:
        call()
    assert str(caught.value) == said


def test_the_number_the_hint_gives_is_taken():
    assert expected_calibration_error([0, 1], [0.2, 0.8], n_bins=10) == pytest.approx(0.2)
    # a score equal to the threshold predicts 1: both positive, one of them right
    scores = precision_recall_f1([0, 1], [0.5, 0.8], threshold=0.5)
    assert scores.precision == pytest.approx(0.5)
    assert scores.recall == pytest.approx(1.0)


@pytest.mark.parametrize(("overrides", "said"), [
    ({"n_users": "20"}, "n_users must be an integer, got '20'" + QUOTED.format("n_users = 20")),
    ({"noise": "0.5"}, "noise must be a number, got '0.5'" + QUOTED.format("noise = 0.5")),
    ({"n_users": "twenty"}, "n_users must be an integer, got 'twenty'"),
])
def test_synthetic_counts_in_quotes(overrides, said):
    from recstack.data.synthetic import generate

    with pytest.raises(ConfigError) as caught:
        generate(**overrides)
    assert str(caught.value) == said


def test_bandit_environment_size_in_quotes():
    from recstack.pipeline.simulation import BanditEnvironment

    with pytest.raises(ConfigError) as caught:
        BanditEnvironment(n_users="20")
    assert str(caught.value) == ("BanditEnvironment: n_users must be an integer, got '20'"
                                 + QUOTED.format("n_users = 20"))

"""Hundred-fifty-second probe: a refused number in the pipeline's messages is shown as
the user wrote it (:func:`recstack.errors.shown`): an integer too long for Python to write
(over 4,300 digits) raised Python's own "Exceeds the limit (4300 digits) for integer string
conversion" in place of the message, and a numpy number was shown as ``np.int64(0)``; and
the off-policy estimators' seed follows the one seed rule (10**5000 was accepted)."""

from __future__ import annotations

import re

import numpy as np
import pytest

from recstack.errors import ConfigError, RecstackError
from recstack.pipeline.calibration import DownsamplingCorrection, HistogramCalibrator
from recstack.pipeline.imbalance import correct_probability, downsample_negatives
from recstack.pipeline.off_policy import deterministic_target, ips
from recstack.specs import SEED_MAX

HUGE = 10**5000
SCORES = np.linspace(0.0, 1.0, 20)
LABELS = (SCORES > 0.5).astype(float)


@pytest.mark.parametrize(("call", "said"), [
    (lambda: HistogramCalibrator(n_bins=HUGE).fit(SCORES, LABELS),
     "histogram: n_bins must be an integer in [1, 100000], got a 5,001-digit integer"),
    (lambda: HistogramCalibrator(n_bins=np.int64(0)).fit(SCORES, LABELS),
     "histogram: n_bins must be an integer in [1, 100000], got 0"),
    (lambda: HistogramCalibrator(strategy=np.str_("q")).fit(SCORES, LABELS),
     "histogram: strategy must be 'quantile' or 'uniform', got 'q'"),
    (lambda: DownsamplingCorrection(rate=HUGE).fit(),
     "downsampling: rate (the share of negatives kept) must be in (0, 1], got a 5,001-digit "
     "integer"),
    (lambda: DownsamplingCorrection(rate=np.float64(2)).fit(),
     "downsampling: rate (the share of negatives kept) must be in (0, 1], got 2.0 (a share: "
     "0.02 for 2%, or 0.5 to keep one in 2)"),
    (lambda: correct_probability([0.5], HUGE),
     "correct_probability: rate (the factor the negatives' weight was multiplied by: the "
     "share of negatives kept, c0 / c1 under class weights) must be a finite number > 0 (1 "
     "leaves the probabilities as they are), got a 5,001-digit integer"),
    (lambda: downsample_negatives([0, 1], np.float64(2)),
     "downsample_negatives: rate (the share of negatives kept) must be in (0, 1], got 2.0 "
     "(a share: 0.02 for 2%, or 0.5 to keep one in 2)"),
    (lambda: deterministic_target([0], np.int64(-1)),
     "deterministic_target: n_actions must be an integer >= 1, got -1"),
])
def test_a_refused_number_is_shown_as_written(call, said):
    with pytest.raises(RecstackError, match="^" + re.escape(said) + "$"):
        call()


def test_a_huge_action_count_is_refused_by_size_not_by_pythons_digit_limit():
    with pytest.raises(RecstackError, match=r"^deterministic_target: 1 rounds x a 5,001-digit "
                                            r"integer actions is more than the"):
        deterministic_target([0], HUGE)


@pytest.mark.parametrize("seed", [HUGE, SEED_MAX + 1, -1], ids=["huge", "past", "negative"])
def test_an_off_policy_seed_follows_the_one_seed_rule(seed):
    with pytest.raises(ConfigError, match=rf"^ips: seed must be a whole number in \[0, "
                                          rf"{SEED_MAX}\]"):
        ips([1, 0], [0, 1], [0.5, 0.5], np.full((2, 2), 0.5), interval="bootstrap",
            seed=seed)
    # the largest seed is still read
    ips([1, 0], [0, 1], [0.5, 0.5], np.full((2, 2), 0.5), interval="bootstrap", seed=SEED_MAX)

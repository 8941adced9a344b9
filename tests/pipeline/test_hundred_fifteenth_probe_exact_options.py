"""Hundred-fifteenth probe: exact numbers (``Decimal``, ``Fraction``) in the numeric options
of the ranking pipeline are read as the floats they name, by the one rule the metrics use
(``recstack.metrics._validation.exact_as_float``): a downsampling rate of
``Decimal("0.5")`` was refused as not "in (0, 1]", a Decimal confidence of an off-policy
estimate was refused (and a Fraction failed with a TypeError inside), and a Fraction rate
was taken by one function and refused by the next. Values out of range stay refused."""

from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
from scipy import stats

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError
from recstack.pipeline.bandit_checks import BanditInputError, check_number
from recstack.pipeline.calibration import (
    CalibrationError,
    DownsamplingCorrection,
    load_calibrator,
)
from recstack.pipeline.features import FeatureBuilder
from recstack.pipeline.imbalance import correct_probability, downsample_negatives
from recstack.pipeline.off_policy import ips

EXACT_HALVES = [Decimal("0.5"), Fraction(1, 2)]


@pytest.mark.parametrize("rate", EXACT_HALVES)
def test_a_downsampling_correction_reads_an_exact_rate(tmp_path, rate):
    corrected = DownsamplingCorrection(rate=rate).fit()
    # q = p / (p + (1 - p) / w) with p = 1/2, w = 1/2: 1/3
    assert corrected.predict([0.5])[0] == pytest.approx(1 / 3)
    saved = corrected.save(tmp_path / "down.json")
    assert json.loads(saved.read_text())["rate"] == 0.5  # a plain JSON number
    assert load_calibrator(saved).rate == 0.5


@pytest.mark.parametrize("rate", [Decimal("0"), Decimal("1.5"), Decimal("NaN"),
                                  Fraction(3, 2)])
def test_an_exact_rate_out_of_range_is_still_refused(rate):
    with pytest.raises(CalibrationError, match=r"rate \(the share of negatives kept\) must "
                                               r"be in \(0, 1\]"):
        DownsamplingCorrection(rate=rate).fit()


@pytest.mark.parametrize("rate", EXACT_HALVES)
def test_imbalance_functions_read_an_exact_rate(rate):
    assert correct_probability(np.array([0.5]), rate)[0] == pytest.approx(1 / 3)
    labels = np.array([0, 1] * 50)
    kept = downsample_negatives(labels, rate, seed=3)
    assert np.array_equal(kept, downsample_negatives(labels, 0.5, seed=3))
    with pytest.raises(ConfigError, match=r"rate \(the factor .*\) must be a finite number > 0"):
        correct_probability(np.array([0.5]), Decimal("-1"))


@pytest.mark.parametrize("confidence", [Decimal("0.9"), Fraction(9, 10)])
def test_an_off_policy_estimate_reads_an_exact_confidence(confidence):
    rewards, actions = [1.0, 0.0, 1.0, 1.0], [0, 1, 0, 1]
    propensities = [0.5, 0.5, 0.5, 0.5]
    target = np.array([[1.0, 0.0]] * 4)
    estimate = ips(rewards, actions, propensities, target, confidence=confidence)
    # IPS terms w r: 2, 0, 2, 0; the normal interval mean +- z_{0.95} sd / sqrt(n)
    terms = np.array([2.0, 0.0, 2.0, 0.0])
    half = stats.norm.isf(0.05) * terms.std(ddof=1) / np.sqrt(4)
    assert estimate.value == pytest.approx(1.0)
    assert (estimate.lower, estimate.upper) == pytest.approx((1.0 - half, 1.0 + half))
    assert estimate.confidence == pytest.approx(0.9)
    with pytest.raises(ConfigError, match=r"confidence must be a number in \(0, 1\).*"
                                          r"Decimal\('95'\)"):
        ips(rewards, actions, propensities, target, confidence=Decimal("95"))


def test_check_number_reads_exact_numbers_and_names_them_as_given():
    assert check_number("here", "width", Decimal("0.25"), low=0.0) == 0.25
    assert check_number("here", "width", Fraction(1, 4), low=0.0) == 0.25
    with pytest.raises(BanditInputError, match=r"width must be a finite number in \[0, 1\], "
                                               r"got Decimal\('2'\)"):
        check_number("here", "width", Decimal("2"), low=0.0, high=1.0)


@pytest.mark.parametrize("days", [Decimal("7"), Fraction(7, 1)])
def test_a_feature_builder_reads_an_exact_half_life(days):
    data = Interactions.from_arrays(np.array([0, 1, 1]), np.array([0, 0, 1]),
                                    timestamps=np.array([1, 2, 3]))
    builder = FeatureBuilder(half_life_days=days)
    builder.check_columns(data)
    assert builder.half_life_days == 7.0 and type(builder.half_life_days) is float


@pytest.mark.parametrize("days, shown", [(10**400, "a 401-digit integer"),
                                         (Decimal("-2"), r"Decimal\('-2'\)")])
def test_a_half_life_out_of_range_is_named_as_given(days, shown):
    # an integer past the float range was a TypeError from np.isfinite
    data = Interactions.from_arrays(np.array([0, 1]), np.array([0, 0]),
                                    timestamps=np.array([1, 2]))
    with pytest.raises(ConfigError, match=rf"^features: half_life_days must be a positive "
                                          rf"number of days, got {shown}$"):
        FeatureBuilder(half_life_days=days).check_columns(data)


def test_whole_exact_numbers_are_read_as_counts():
    from recstack.pipeline.bandit_checks import check_count
    from recstack.pipeline.calibration import HistogramCalibrator, activity_buckets

    assert check_count("here", "seed", Decimal("3"), low=0) == 3
    with pytest.raises(BanditInputError, match=r"seed must be an integer >= 0, got "
                                               r"Decimal\('2\.5'\)"):
        check_count("here", "seed", Decimal("2.5"), low=0)
    binned = HistogramCalibrator(n_bins=Decimal("2"), strategy="uniform").fit(
        [0.1, 0.2, 0.7, 0.9], [0, 1, 1, 1])
    # bins (.., 0.5] and (0.5, ..]: click rates 1/2 and 1
    np.testing.assert_allclose(binned.predict([0.3, 0.8]), [0.5, 1.0])
    assert binned.to_json()["n_bins"] == 2 and type(binned.n_bins) is int
    buckets = activity_buckets([1, 5, 30], edges=(Decimal("5"), Fraction(20, 1)))
    assert list(buckets) == ["<5", "5-19", ">=20"]
    with pytest.raises(CalibrationError, match=r"edges\[0\] = Decimal\('4\.5'\) is not a "
                                               r"whole number"):
        activity_buckets([1, 5], edges=(Decimal("4.5"),))

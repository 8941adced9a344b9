"""Hundred-eighty-fifth probe of the downsampling rates and the probability correction.

- ``correct_probability``'s refusal said "the negative sampling rate must be in (0,
  inf)": it named no argument, a bound no finite number reaches, and not what the rate
  is there (the factor the negatives' weight was multiplied by); ``downsample_negatives``
  said "the negative sampling rate" where the calibrator beside it says "rate (the share
  of negatives kept)". Both now name ``rate`` and what it is, as the calibrator does.
- A share given as a percentage or as "one in n" (``rate = 50``) was refused without a
  word of what was probably meant; the refusal now says both readings, in every check of
  a share of negatives kept (the functions, the calibrator, the training data).
- Probabilities given as percentages (``p = [50, 80]``) are told so.
Values worked by hand: q = p / (p + (1 - p) / r).
"""

from __future__ import annotations

import numpy as np
import pytest

from recstack.errors import ConfigError
from recstack.pipeline.bandit_checks import BanditInputError
from recstack.pipeline.calibration import CalibrationError, DownsamplingCorrection
from recstack.pipeline.imbalance import correct_probability, downsample_negatives
from recstack.pipeline.training_data import sample_negatives

CORRECTION = (r"^correct_probability: rate \(the factor the negatives' weight was multiplied "
              r"by: the share of negatives kept, c0 / c1 under class weights\) must be a "
              r"finite number > 0 \(1 leaves the probabilities as they are\), got ")


@pytest.mark.parametrize(("rate", "shown"), [(0, "0"), (-0.5, "-0.5"), (np.inf, "inf"),
                                             (np.nan, "nan"),
                                             # a number in quotes is named with its spelling
                                             ("0.5", r"'0.5' \(a number in quotes is text: "
                                                     r"write it without them, rate = 0\.5\)")])
def test_the_correction_names_its_rate_and_what_it_is(rate, shown):
    with pytest.raises(ConfigError, match=CORRECTION + shown + "$"):
        correct_probability(np.array([0.5]), rate)


def test_rates_of_exactly_one_and_above_one_are_taken():
    # r = 1 leaves p; r = 50 (negatives weighted up 50 times): 0.5 / (0.5 + 0.5 / 50) = 50/51
    np.testing.assert_allclose(correct_probability(np.array([0.0, 0.3, 1.0]), 1), [0, 0.3, 1])
    assert correct_probability(0.5, 50) == pytest.approx(50 / 51)
    # the end points stay where they are at any rate
    np.testing.assert_array_equal(correct_probability(np.array([0.0, 1.0]), 1e-6), [0, 1])


@pytest.mark.parametrize(("rate", "hint"), [
    (50, r" \(a share: 0\.5 for 50%, or 0\.02 to keep one in 50\)$"),
    (2.0, r" \(a share: 0\.02 for 2%, or 0\.5 to keep one in 2\)$"),
    (1000, r" \(a share: 0\.001 to keep one in 1,000\)$")])
def test_a_share_above_one_is_said_to_be_a_share(rate, hint):
    with pytest.raises(ConfigError, match=r"^downsample_negatives: rate \(the share of "
                                          r"negatives kept\) must be in \(0, 1\], got "
                                          + str(rate) + hint):
        downsample_negatives(np.array([0, 1, 0]), rate)
    with pytest.raises(CalibrationError, match=r"rate \(the share of negatives kept\) must "
                                               r"be in \(0, 1\], got " + str(rate) + hint):
        DownsamplingCorrection(rate=rate).fit()
    with pytest.raises(ConfigError, match=r"^sample_negatives: rate \(the negative sampling "
                                          r"rate\) must be in \(0, 1\], got " + str(rate)
                                          + hint):
        sample_negatives(None, np.array([0, 1]), how="uniform", rate=rate)


@pytest.mark.parametrize("rate", [0, -1, np.nan])
def test_a_share_that_is_no_number_above_one_has_no_hint(rate):
    with pytest.raises(ConfigError, match=r"must be in \(0, 1\], got [^(]*$"):
        downsample_negatives(np.array([0, 1, 0]), rate)


def test_a_boolean_share_is_told_booleans_are_no_numbers_and_gets_no_share_hint():
    # True == 1 in Python, so without its own rule it would pass as "keep every row"
    with pytest.raises(ConfigError, match=r"^downsample_negatives: rate \(the share of "
                                          r"negatives kept\) must be in \(0, 1\], got True "
                                          r"\(true and false are not numbers: write rate as "
                                          r"a number in digits\)$"):
        downsample_negatives(np.array([0, 1, 0]), True)


def test_a_rate_of_one_keeps_every_row():
    assert downsample_negatives(np.array([0, 1, 0]), 1).tolist() == [0, 1, 2]


def test_probabilities_as_percentages_are_told_so():
    with pytest.raises(BanditInputError, match=r"^correct_probability: p must be probabilities "
                                               r"in \[0, 1\], row 1 is 80\.0; every value "
                                               r"lies in \[0, 100\]: percentages\? give them "
                                               r"divided by 100 \(0\.5 for 50%\)$"):
        correct_probability([0.5, 80.0], 0.5)


def test_probabilities_out_of_range_otherwise_have_no_hint():
    with pytest.raises(BanditInputError, match=r"row 1 is -0\.1$"):
        correct_probability([0.2, -0.1], 0.5)
    with pytest.raises(BanditInputError, match=r"row 0 is 250\.0$"):
        correct_probability([250.0, 0.5], 0.5)

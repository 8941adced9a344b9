"""Hundred-first bad-input probe of the imbalance helpers: a rate out of range was refused
as "negative sampling rate must be in (0, 1], got 0", naming neither the function that
refused it nor, so, which of a pipeline's rates was wrong; each now names its function."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.errors import ConfigError
from recstack.pipeline.imbalance import correct_probability, downsample_negatives


@pytest.mark.parametrize("rate", [0, -0.5, 1.5, float("nan"), True, "0.5"])
def test_downsample_negatives_names_itself_and_the_rate(rate):
    with pytest.raises(ConfigError, match=r"^downsample_negatives: rate \(the share of "
                       r"negatives kept\) must be in \(0, 1\], got "):
        downsample_negatives(np.array([0, 1, 0]), rate)


@pytest.mark.parametrize("rate", [0, -1, float("inf")])
def test_correct_probability_names_itself_and_the_rate(rate):
    with pytest.raises(ConfigError, match=r"^correct_probability: rate \(the factor the "
                       r"negatives' weight was multiplied by: .*\) must be a finite number "
                       r"> 0 \(1 leaves the probabilities as they are\), got "):
        correct_probability(np.array([0.2]), rate)
    # q = p / (p + (1 - p) / r): p = 0.2 at r = 0.5 is 0.2 / (0.2 + 1.6) = 1/9
    assert correct_probability(np.array([0.2]), 0.5)[0] == pytest.approx(1 / 9)

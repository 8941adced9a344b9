"""Eighth bad-input probe of calibration: temperature scaling given probabilities (a
LightGBM binary or logistic ranker's scores) read them as logits, and since
sigma(z / T) >= 1/2 for every z >= 0, every calibrated probability was at least 1/2
whatever the outcomes, without a word (for a positives' rate of 0.8 the fit even looked
converged). Now refused, pointing to the logits or to Platt and isotonic calibration."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.pipeline.calibration import CalibrationError, TemperatureCalibrator


def held_out(a: float, b: float):
    rng = np.random.default_rng(0)
    probabilities = rng.beta(a, b, 2000)
    return probabilities, (rng.random(2000) < probabilities).astype(float)


@pytest.mark.parametrize(("a", "b"), [(4, 1), (2, 2), (1, 4)])
def test_probabilities_given_as_logits_are_refused(a, b):
    probabilities, labels = held_out(a, b)
    with pytest.raises(CalibrationError, match=r"temperature: every score lies in \[0, 1\] "
                       r".*as probabilities do, but temperature scaling takes logits.*"
                       r"log\(p / \(1 - p\)\)"):
        TemperatureCalibrator().fit(probabilities, labels)
    # their logits are calibrated already (labels drawn with those probabilities): T near 1
    logits = np.log(probabilities / (1 - probabilities))
    assert TemperatureCalibrator().fit(logits, labels).temperature_ == pytest.approx(1, abs=0.1)

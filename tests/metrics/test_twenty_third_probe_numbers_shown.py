"""Twenty-third bad-input probe of the metrics' messages: a bad value read from a numpy
array (or given as a numpy number) was written as numpy 2 writes its scalars,
"position 1 holds np.float64(2.0)", the type's name in the middle of the user's number.
Messages now show the number as it was given: "holds 2.0"."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.metrics import (
    MetricInputError,
    calibration_ratio,
    catalog_coverage,
    msle,
    novelty,
    roc_auc,
    two_proportion_ztest,
    welch_ttest,
)
from recstack.metrics.lists import miscalibration_kl


@pytest.mark.parametrize(("call", "said"), [
    (lambda: roc_auc([0, 2], [0.1, 0.8]),
     "y_true must hold binary labels 0 or 1; position 1 holds 2.0"),
    (lambda: calibration_ratio([0, 1], [0.1, 1.2]),
     "y_prob must be probabilities in [0, 1]; position 1 holds 1.2"),
    (lambda: msle([-2, 1], [0.0, 1.0]),
     "y_true must be non-negative for MSLE; position 0 holds -2.0"),
    (lambda: miscalibration_kl(np.array([[0, 1]]), np.eye(2), np.array([[0.5, 0.5]]),
                               alpha=np.float64(2)), "alpha must be in (0, 1], got 2.0"),
    (lambda: welch_ttest([1, 2], [1, 3], alpha=np.float64(2)),
     "alpha must lie in (0, 1), got 2.0"),
    (lambda: two_proportion_ztest(np.float64(1.5), 10, 1, 10),
     "successes_control must be a non-negative whole number, got 1.5"),
    (lambda: catalog_coverage(np.array([[0, 1]]), 3, k=np.float64(2)),
     "k must be a positive integer, got 2.0"),
    (lambda: novelty(np.array([[0, 1]]), np.array([1, 1]), n_users=2,
                     smoothing=np.float64(-1)),
     "smoothing must be a finite number >= 0, got -1.0"),
])
def test_a_bad_number_is_shown_as_given(call, said):
    with pytest.raises(MetricInputError) as caught:
        call()
    assert str(caught.value).startswith(said)
    assert "np." not in str(caught.value)

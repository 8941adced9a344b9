"""Hundred-fifty-second probe: a count or size past every bound (``n_bins = 10**5000``,
``k = -10**5000``) raised Python's own "Exceeds the limit (4300 digits) for integer string
conversion" where the message wrote it out with ``{:,}``, and a negative one past the float
range lost its sign ("got a 5,001-digit integer"). Each is now said by its digit count and
sign."""

from __future__ import annotations

import re

import pytest

import recstack.metrics as m
from recstack.metrics import MetricInputError

HUGE = 10**5000
Y, P = [0, 1, 1, 0], [0.1, 0.9, 0.8, 0.3]


@pytest.mark.parametrize(("call", "said"), [
    (lambda: m.expected_calibration_error(Y, P, n_bins=HUGE),
     "n_bins must be at most 100,000 (each bin is an array entry), got a 5,001-digit integer"),
    (lambda: m.reliability_curve(Y, P, n_bins=HUGE),
     "n_bins must be at most 100,000 (each bin is an array entry), got a 5,001-digit integer"),
    (lambda: m.reliability_curve(Y, P, n_bins=-HUGE),
     "n_bins must be a positive integer (>= 1), got a negative 5,001-digit integer"),
    (lambda: m.ndcg_at_k([[1, 2]], [[1]], k=-HUGE),
     "k must be a positive integer (>= 1), got a negative 5,001-digit integer"),
    (lambda: m.huber_loss(Y, P, delta=-HUGE),
     "delta must be a finite number > 0, got a negative 5,001-digit integer"),
])
def test_a_huge_count_is_said_by_its_digits_and_sign(call, said):
    with pytest.raises(MetricInputError, match="^" + re.escape(said) + "$"):
        call()


def test_an_ordinary_count_is_still_grouped_and_read():
    with pytest.raises(MetricInputError, match=r"got 123,456$"):
        m.reliability_curve(Y, P, n_bins=123_456)
    with pytest.raises(MetricInputError, match=r"got -3$"):
        m.reliability_curve(Y, P, n_bins=-3)
    # two uniform bins: (0.1, 0.3) with labels (0, 0) and (0.9, 0.8) with (1, 1): |mean p -
    # rate| is 0.2 and 0.15, each for half the rows
    assert m.expected_calibration_error(Y, P, n_bins=2, strategy="uniform") == \
        pytest.approx(0.5 * 0.2 + 0.5 * 0.15)

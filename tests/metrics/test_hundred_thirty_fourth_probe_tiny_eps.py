"""The log losses with an ``eps`` below 2**-53, where ``1 - eps`` rounds to 1: a certain
right answer gave NaN and a certain mistake an infinite loss, instead of the clip's
``-ln(eps)``. Expected values from the definition: each row costs
``-ln(clip(p_true_label, eps, 1 - eps))`` in exact arithmetic."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from recstack.metrics.classification import (
    log_loss,
    normalized_cross_entropy,
    relative_information_gain,
)


@pytest.mark.parametrize("eps", [1e-17, 1e-100, 1e-320])
def test_a_certain_right_answer_costs_about_nothing(eps):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # numpy's "invalid value encountered" before
        loss = log_loss(np.array([1, 0]), np.array([1.0, 0.0]), eps=eps)
    # each row costs -ln(1 - eps), about eps
    assert 0.0 <= loss <= 2 * eps


@pytest.mark.parametrize("eps", [1e-17, 1e-100, 1e-320])
def test_a_certain_mistake_costs_minus_ln_eps_on_either_label(eps):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "divide by zero encountered in log1p" before
        loss = log_loss(np.array([0, 1]), np.array([1.0, 0.0]), eps=eps)
    assert loss == pytest.approx(-math.log(eps), rel=1e-12)


def test_the_normalised_losses_are_finite_with_a_tiny_eps():
    labels, probs = np.array([1, 0, 1, 0]), np.array([1.0, 0.0, 0.75, 0.5])
    # definition: the model's loss (about 0 for the two certain rows) over the labels'
    # entropy ln 2
    model = (0.0 + 0.0 - math.log(0.75) - math.log(0.5)) / 4
    assert normalized_cross_entropy(labels, probs, eps=1e-300) == pytest.approx(
        model / math.log(2), rel=1e-12)
    assert relative_information_gain(labels, probs, eps=1e-300) == pytest.approx(
        1 - model / math.log(2), rel=1e-12)


def test_the_default_eps_is_unchanged():
    # 1 - 1e-15 is the float 0.999999999999999, so a certain mistake costs -ln of
    # 1 minus that float, as it always did
    p_hat = 1.0 - 1e-15
    assert log_loss(np.array([0]), np.array([1.0])) == -math.log1p(-p_hat)
    assert log_loss(np.array([1]), np.array([0.25])) == -math.log(0.25)

"""Hundred-forty-fifth probe: the off-policy estimators require each row of ``target`` to sum
to 1 within 1e-6, a bound for float64 rounding. A target policy given in a lower precision
missed it by rounding alone and was refused as "not summing to 1": a float32 softmax over a
catalog of 100,000 actions sums to 1 only within about 1e-5, and 1/3 in float16 three times
to 0.99976. The bound now follows the precision the policy was given in (``n_actions``
times its epsilon, the bound of a sum's rounding); a float64 row still misses by 1e-6 at
most, and a row of a lower precision that misses by more than its rounding is refused."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.pipeline.bandit_checks import BanditInputError
from recstack.pipeline.off_policy import direct_method, doubly_robust, ips, snips

REWARDS, ACTIONS, PROPENSITIES = [1.0, 0.0, 1.0, 0.0], [0, 1, 2, 0], [0.5] * 4


def test_a_float16_uniform_policy_is_read():
    target = np.full((4, 3), 1 / 3, dtype=np.float16)
    assert abs(float(target.astype(np.float64).sum(axis=1)[0]) - 1) > 1e-6  # the rounding
    pi = float(np.float16(1 / 3))
    # IPS: mean(pi / 0.5 * r) = pi * 2 * 2 / 4 = pi
    assert ips(REWARDS, ACTIONS, PROPENSITIES, target).value == pytest.approx(pi)
    assert snips(REWARDS, ACTIONS, PROPENSITIES, target).value == pytest.approx(0.5)
    q = np.zeros((4, 3))
    assert doubly_robust(REWARDS, ACTIONS, PROPENSITIES, target, q).value == pytest.approx(pi)
    assert direct_method(target, np.ones((4, 3))).value == pytest.approx(3 * pi)
    frame = pd.DataFrame(target, columns=["a", "b", "c"])
    assert ips(REWARDS, ACTIONS, PROPENSITIES, frame).value == pytest.approx(pi)


def test_a_float32_softmax_over_a_large_catalog_is_read():
    n_actions = 100_000
    rng = np.random.default_rng(0)
    logits = rng.normal(size=(4, n_actions)).astype(np.float32) * 3
    weights = np.exp(logits - logits.max(axis=1, keepdims=True))
    # normalised by a sum taken in float32, one action after the other, as a float32
    # computation may take it: the rows miss 1 by about 1e-4, all of it rounding
    target = weights / np.cumsum(weights, axis=1, dtype=np.float32)[:, -1:]
    assert target.dtype == np.float32
    assert (np.abs(target.astype(np.float64).sum(axis=1) - 1) > 1e-6).all()
    estimate = ips(REWARDS, ACTIONS, PROPENSITIES, target)
    expected = np.mean(target[np.arange(4), ACTIONS].astype(np.float64) / 0.5
                       * np.array(REWARDS))
    assert estimate.value == pytest.approx(expected)


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.float16])
def test_a_row_missing_1_by_more_than_rounding_is_refused(dtype):
    target = np.array([[0.5, 0.5, 0.0], [0.5, 0.25, 0.0], [0.0, 0.0, 1.0], [1.0, 0.0, 0.0]],
                      dtype=dtype)
    with pytest.raises(BanditInputError, match=r"^ips: each row of target must be the "
                                               r"evaluated policy's action probabilities, "
                                               r"summing to 1; row 1 sums to 0.75$"):
        ips(REWARDS, ACTIONS, PROPENSITIES, target)


def test_float64_keeps_its_bound():
    target = np.full((4, 3), 1 / 3)
    target[0] = [1 / 3, 1 / 3, 1 / 3 + 1e-5]
    with pytest.raises(BanditInputError, match=r"row 0 sums to 1.00001"):
        ips(REWARDS, ACTIONS, PROPENSITIES, target)

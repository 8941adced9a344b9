"""Two-hundred-forty-second bad-input probe, a blend member whose scores for a user are
tiny: the blend normalised each member's row in float32, where the scale ``1 / spread``
of a row whose spread is below 2.9e-39 (item-kNN with ``binary=False`` scoring a history
of values near 1e-40) overflowed to infinity, so the normalised row became +-inf and NaN
(``0 * inf``): every item the member scored above the mean tied at +inf, the rest at -inf
or NaN, and the list followed the catalog's index order whatever the weights. The rows are
now normalised in float64 (their normalised values are bounded) and returned as float32."""

from __future__ import annotations

import math

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.models import create_model


def _data() -> Interactions:
    # 8 users, 10 items: user u has items u, u + 1, u + 2 (mod 10)
    users = np.repeat(np.arange(8), 3)
    items = (users + np.tile([0, 1, 2], 8)) % 10
    return Interactions.from_arrays(users, items)


@pytest.mark.parametrize("normalization", ["zscore", "minmax"])
@pytest.mark.parametrize("tiny", [3e-39, 1e-40])
def test_a_history_of_tiny_values_blends_as_the_same_history_scaled_up(normalization, tiny):
    # item_knn with binary=False is linear in the history's values, and both
    # normalisations are invariant to a positive scale: the blend of a history times
    # 1e-40 is the blend of the history itself
    blend = create_model("blend", members=[{"type": "item_knn", "binary": False},
                                           {"type": "rp3beta"}],
                         weights=[1.0, 0.001], normalization=normalization).fit(_data())
    history = np.zeros((1, 10), np.float32)
    history[0, [0, 3]] = [1.0, 0.5]
    expected = blend.score_histories(history)
    scaled = blend.score_histories((history * np.float32(tiny)).astype(np.float32))
    assert np.isfinite(scaled).all()
    # the member's own scores keep only the few digits of float32's subnormals
    np.testing.assert_allclose(scaled, expected, atol=0.05)
    assert np.argmax(scaled) == np.argmax(expected)


def test_one_tiny_score_among_zeros_normalises_by_hand():
    blend = create_model("blend", members=[{"type": "ease"}], weights=[1.0]).fit(_data())
    row = np.zeros((1, 10), np.float32)
    row[0, 3] = 1e-44
    # z-score of a one-hot row of n = 10: mean x/10, standard deviation 3x/10, so the one
    # is (x - x/10) / (3x/10) = 3 and every other (0 - x/10) / (3x/10) = -1/3
    expected = np.full((1, 10), -1 / 3, np.float32)
    expected[0, 3] = 3.0
    np.testing.assert_allclose(blend._normalised(row), expected, rtol=1e-6)
    blend.normalization = "minmax"
    # min-max: (x - 0) / (x - 0) = 1 for the one, 0 for the rest
    np.testing.assert_array_equal(blend._normalised(row), np.eye(10, dtype=np.float32)[[3]])
    assert math.isclose(float(blend._normalised(row).sum()), 1.0)

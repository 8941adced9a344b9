"""Most-popular's ``half_life_days`` no longer ties old items at 0 without a word.

Each row counts ``2 ** (-age / half_life_days)``, summed per item (in float32 then, float64
since): a weight below the smallest number (float64's 2 ** -1074, a row 1074 half-lives old)
rounds to 0, so with ``half_life_days=1`` (inside the tuning range) on data a few years long
every item whose rows were all that old scored exactly 0, tied with the others and was
ordered by index, where the half-life ranks it by its rows' ages. A ``RuntimeWarning`` now
names those items and the smallest half-life that ranks every item."""

import warnings

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.models import create_model

DAY = 86_400


def _data():
    # x: one row 1,100 days before the latest; y: 100 days before; z: the latest row
    return Interactions.from_arrays(["u1", "u2", "u3"], ["x", "y", "z"],
                                    timestamps=[0, 1000 * DAY, 1100 * DAY])


def test_an_item_whose_weight_underflows_is_named_with_the_half_life_that_keeps_it():
    data = _data()
    with pytest.warns(RuntimeWarning) as caught:
        model = create_model("most_popular", half_life_days=1).fit(data)
    message = str(caught[0].message)
    # 2 ** -1100 is below 2 ** -1074: x counts 0; y's 2 ** -100 is kept
    assert message.startswith(
        "most_popular: half_life_days=1 leaves 1 of the 3 items with training rows (e.g. "
        "'x') a popularity of exactly 0: their newest rows are 1,100 days or more before the "
        "latest training row")
    # 1100 / 1074 = 1.0242..., rounded up to three digits
    assert message.endswith("use half_life_days >= 1.03 to rank every item")
    by_item = dict(zip(data.items.external_ids.tolist(), model.popularity_.tolist(),
                       strict=True))
    assert by_item == {"x": 0.0, "y": pytest.approx(2.0 ** -100, rel=1e-6), "z": 1.0}


def test_the_half_life_it_names_ranks_every_item():
    data = _data()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = create_model("most_popular", half_life_days=1.03).fit(data)
    by_item = dict(zip(data.items.external_ids.tolist(), model.popularity_.tolist(),
                       strict=True))
    assert by_item["x"] == pytest.approx(2.0 ** (-1100 / 1.03), rel=1e-4)
    assert by_item["x"] > 0
    assert model.recommend(["u1"], k=2)[0][0].tolist() == ["z", "y"]


def test_counts_without_a_half_life_say_nothing():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = create_model("most_popular").fit(_data())
    np.testing.assert_array_equal(model.popularity_, [1.0, 1.0, 1.0])

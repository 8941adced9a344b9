"""A fit refused as diverged, collapsed or learning nothing listed every setting of the
model (twelve of mf's) and a general remedy, even where the setting at fault can be known:
iALS's ``unobserved_weight=1e30`` was told to lower the regularization, ALS's
``alpha=1e30`` to keep both regularization and alpha in range and rescale the values. A
setting beyond the range the model trains in is now named alone, with the bound to come
back within and its default; where none is, the general message stays."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.models.registry import create_model


@pytest.fixture(scope="module")
def data() -> Interactions:
    # 12 users x 6 items: even users take items 0, 2, 4, odd users 1, 3, 5
    users = np.repeat(np.arange(12), 3)
    items = np.repeat(np.arange(12), 3) % 2 + 2 * np.tile([0, 1, 2], 12)
    return Interactions.from_arrays(users, items)


def _refusal(name: str, data: Interactions, **params) -> str:
    model = create_model(name, **params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # factors beyond the tiny data's rank
        with pytest.raises(RecstackError) as caught:
            model.fit(data)
    assert not model.is_fitted
    return str(caught.value)


def test_ials_names_the_unobserved_weight_not_the_regularization(data):
    message = _refusal("ials", data, factors=2, iterations=2, unobserved_weight=1e30)
    assert message.startswith("ials: training learned nothing: every learned ")
    assert message.endswith(
        "vector is 0 (every score would be 0), with unobserved_weight=1e+30, beyond the "
        "range it trains in (up to 10); lower the unobserved weight to at most 10 "
        "(default 0.1)")
    assert "regularization=" not in message and "seed=" not in message


def test_ials_initial_scale_too_small_is_named_with_the_bound_to_raise_it_to(data):
    message = _refusal("ials", data, factors=2, iterations=2, init_stddev=1e-30)
    assert message.startswith("ials: training learned nothing: ")
    assert message.endswith(
        "with init_stddev=1e-30, beyond the range it trains in (1e-06 to 10); raise the "
        "init stddev to at least 1e-06 (default 0.1)")


def test_two_settings_beyond_their_ranges_are_both_named(data):
    message = _refusal("ials", data, factors=2, iterations=2, regularization=1e8,
                       unobserved_weight=1e8)
    assert message.endswith(
        "with regularization=100000000.0 (up to 10) and unobserved_weight=100000000.0 "
        "(up to 10), beyond the ranges they train in; lower the regularization to at most "
        "10 (default 0.003), and lower the unobserved weight to at most 10 (default 0.1)")


@pytest.mark.parametrize(("setting", "value", "advice"), [
    ("alpha", 1e30, "lower the alpha to at most 100 (default 3.0)"),
    ("regularization", 1e30, "lower the regularization to at most 1000 (default 30.0)"),
])
def test_als_names_the_one_setting_at_fault(data, setting, value, advice):
    message = _refusal("als", data, factors=2, iterations=2, **{setting: value})
    other = "regularization" if setting == "alpha" else "alpha"
    assert re.fullmatch(rf"als: the factors diverged to NaN \(.*\) with {setting}=1e\+30, "
                        rf"beyond the range it trains in \(up to \d+\); {re.escape(advice)}",
                        message), message
    assert f"{other}=" not in message and "log1p" not in message


def test_mf_learning_rate_is_named_alone(data):
    pytest.importorskip("torch")
    ratings = Interactions.from_arrays(data.user_index, data.item_index,
                                       1.0 + np.arange(len(data)) % 5, np.arange(len(data)),
                                       rating_range=(1, 5))
    message = _refusal("mf", ratings, factors=2, epochs=1, learning_rate=1e30, device="cpu")
    assert message.startswith("mf: training diverged: ")
    assert message.endswith("with learning_rate=1e+30, beyond the range it trains in (up to "
                            "0.1); lower the learning rate to at most 0.1 (default 0.005)")
    assert "weight_decay=" not in message and "batch_size=" not in message


def test_without_a_setting_beyond_its_range_every_setting_is_listed(data):
    model = create_model("ials", factors=2, iterations=2)
    assert model._settings_at_fault("lower it") == (
        "with factors=2, regularization=0.003, regularization_exp=1.0, "
        "unobserved_weight=0.1, init_stddev=0.1, iterations=2, block_size=128, seed=0; "
        "lower it")
    # at its bound a setting is within the range
    assert create_model("ials", init_stddev=10.0)._beyond_ranges() is None

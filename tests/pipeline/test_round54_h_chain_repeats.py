"""A chain step repeated with a whole number written once as an int and once as a float
(``strength = 1`` then ``strength = 1.0``) is the same step, refused as any repeat is."""

import pytest

from recstack.data.synthetic import SyntheticConfig, generate
from recstack.errors import ConfigError
from recstack.models.registry import create_model

WRAPPED = {"type": "ease", "regularization": 500.0}


@pytest.fixture(scope="module")
def train():
    # the synthetic item table has a numeric 'year' column for column_boost
    return generate(SyntheticConfig(n_users=30, n_items=25, n_interactions=300, seed=0))


@pytest.mark.parametrize("first, second", [
    ({"type": "popularity_penalty", "strength": 1}, {"type": "popularity_penalty",
                                                     "strength": 1.0}),
    ({"type": "mmr", "trade_off": 1.0, "depth": 5}, {"type": "mmr", "trade_off": 1,
                                                     "depth": 5}),
    ({"type": "column_boost", "column": "year", "weight": 2},
     {"type": "column_boost", "column": "year", "weight": 2.0}),
])
def test_int_and_float_spellings_of_one_setting_are_one_step(train, first, second):
    model = create_model("reranked", model=WRAPPED, chain=[{"type": "seen"}, first, second])
    with pytest.raises(ConfigError, match=r"chain\[1\] and chain\[2\] are the same step"):
        model.fit(train)


def test_steps_that_differ_in_value_are_still_accepted(train):
    model = create_model("reranked", model=WRAPPED,
                         chain=[{"type": "popularity_penalty", "strength": 1},
                                {"type": "popularity_penalty", "strength": 1.5}]).fit(train)
    assert [step.strength for step in model.chain_] == [1.0, 1.5]

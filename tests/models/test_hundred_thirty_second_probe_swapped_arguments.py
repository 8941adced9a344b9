"""``fit_from(train, previous)``, the two arguments in each other's place, was refused as
"a warm start needs a previous als model, got Interactions", as if another kind of model
had been given; the refusal now says the two are swapped and how to call it."""

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError
from recstack.models import create_model


@pytest.fixture(scope="module")
def train():
    rng = np.random.default_rng(0)
    return Interactions.from_arrays(np.repeat(np.arange(30), 6), rng.integers(0, 20, 180),
                                    duplicates="last")


def test_swapped_previous_and_train_are_named(train):
    previous = create_model("als", factors=4, iterations=1, num_threads=1).fit(train)
    model = create_model("als", factors=4, iterations=1, num_threads=1)
    with pytest.raises(ConfigError, match=r"^als: a warm start needs a previous als model, "
                                          r"got Interactions; previous and train are in each "
                                          r"other's place: call fit_from\(previous, train\)$"):
        model.fit_from(train, previous)
    assert not model.is_fitted
    assert model.fit_from(previous, train) is model  # the right order works


def test_another_kind_of_model_is_not_called_swapped(train):
    other = create_model("ease", regularization=10.0).fit(train)
    with pytest.raises(ConfigError, match=r"^als: a warm start needs a previous als model, "
                                          r"got EASE$"):
        create_model("als", factors=4, iterations=1, num_threads=1).fit_from(other, train)

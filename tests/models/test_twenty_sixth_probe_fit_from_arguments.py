"""Twenty-sixth bad-input probe, a keyword ``fit_from`` does not take: a hyperparameter
given to the warm start (``fit_from(previous, train, iterations=3)``) or a misspelt
argument failed with Python's bare "WarmStartMixin.fit_from() got an unexpected keyword
argument", naming neither the model nor where the value belongs, while ``fit`` refused the
same keywords saying so."""

from __future__ import annotations

import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError
from recstack.models import create_model

TRAIN = Interactions.from_arrays([1, 1, 2, 2, 3, 3], [10, 20, 20, 30, 10, 30])


@pytest.fixture(scope="module")
def previous():
    return create_model("als", factors=2, iterations=2, num_threads=1).fit(TRAIN)


def test_a_hyperparameter_given_to_fit_from_says_where_it_belongs(previous):
    model = create_model("als", factors=2, iterations=2, num_threads=1)
    with pytest.raises(ConfigError, match=r"^als: fit_from\(\) got an unexpected argument "
                                          r"'iterations': iterations is a hyperparameter; give "
                                          r"it when creating the model \(create_model\('als', "
                                          r"iterations=\.\.\.\)\); fit_from takes previous, "
                                          r"train and progress"):
        model.fit_from(previous, TRAIN, iterations=3)
    assert not model.is_fitted


def test_a_misspelt_argument_gets_a_did_you_mean(previous):
    model = create_model("als", factors=2, iterations=2, num_threads=1)
    with pytest.raises(ConfigError, match=r"^als: fit_from\(\) got an unexpected argument "
                                          r"'progres': it is no argument of fit_from \(did you "
                                          r"mean 'progress'\?\)"):
        model.fit_from(previous, TRAIN, progres=None)


def test_the_arguments_it_takes_still_warm_start(previous):
    model = create_model("als", factors=2, iterations=2, num_threads=1)
    assert model.fit_from(previous, TRAIN, progress=None) is model
    assert model.is_fitted

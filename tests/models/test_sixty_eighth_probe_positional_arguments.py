"""Values given by position where only keywords are taken: ``ALS(8)``,
``create_model('als', 8)`` and ``model.fit(train, valid)`` raised Python's TypeError
("takes 1 positional argument but 2 were given"; for the models that early-stop it named
``ValidationSplitMixin.fit``), naming neither the model nor the keywords to write. Now a
ConfigError names the model, the values and the keywords."""

import inspect

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.data.splits import random_split
from recstack.errors import ConfigError
from recstack.models import available_models, create_model
from recstack.models.registry import model_class


@pytest.fixture(scope="module")
def split():
    rng = np.random.default_rng(0)
    data = Interactions.from_arrays(np.repeat(np.arange(20), 5), rng.integers(0, 12, 100),
                                    None, np.arange(100), duplicates="last")
    return random_split(data, 0.2, seed=0)


@pytest.mark.parametrize("name", available_models())
def test_a_constructor_refuses_a_positional_value_naming_the_model(name):
    cls = model_class(name)
    first = next(iter(cls.params))
    with pytest.raises(ConfigError, match=rf"^{name}: got 1 value\(s\) by position \(8\) where "
                                          rf"only keywords are taken; its hyperparameters are "
                                          rf"given by name \({cls.__name__}\({first}=\.\.\.\)\);"
                                          rf" they are: {', '.join(cls.params)}$"):
        cls(8)
    # the generated signature still shows keyword-only hyperparameters
    parameters = inspect.signature(cls).parameters.values()
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in parameters)


def test_create_model_refuses_positional_values():
    with pytest.raises(ConfigError, match=r"^als: got 2 value\(s\) by position \(8, 'x'\) where "
                                          r"only keywords are taken; give the hyperparameters "
                                          r"by name \(create_model\('als', factors=\.\.\.\)\); "
                                          r"they are: factors, "):
        create_model("als", 8, "x")


def test_fit_with_validation_rows_by_position_says_validation(split):
    model = create_model("bpr", factors=4, epochs=1)
    with pytest.raises(ConfigError, match=r"^bpr: fit\(\): got 1 value\(s\) by position "
                                          r"\(<Interactions>\) where only keywords are taken; "
                                          r"it takes train by position and progress, "
                                          r"validation by name, e\.g\. fit\(train, "
                                          r"validation=valid\)$"):
        model.fit(split.train, split.test)
    assert not model.is_fitted
    model.fit(split.train, validation=split.test)  # what the message says works
    assert model.is_fitted


def test_fit_of_a_model_without_validation_says_it_takes_none(split):
    model = create_model("ease")
    with pytest.raises(ConfigError, match=r"^ease: fit\(\): got 1 value\(s\) by position "
                                          r"\(<Interactions>\) where only keywords are taken; "
                                          r"it takes train by position and progress by name; "
                                          r"and this model takes no validation rows"):
        model.fit(split.train, split.test)
    assert not model.is_fitted


def test_an_unexpected_keyword_still_lists_the_keywords(split):
    # the positional catch-all is no keyword fit takes
    with pytest.raises(ConfigError, match=r"^bpr: fit\(\) got an unexpected argument 'valid' "
                                          r"\(did you mean 'validation'\?\); it takes train, "
                                          r"progress and validation$"):
        create_model("bpr").fit(split.train, valid=split.test)
